package dev.responsesrelay.okhttp.internal;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.Translation;
import dev.responsesrelay.okhttp.RelayCall;
import dev.responsesrelay.okhttp.RelayResponse;
import dev.responsesrelay.okhttp.UpstreamTap;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Response;

/** One non-streamed exchange: a {@code chat.completion} body in, a Responses object out. */
public final class CompletionExchange implements RelayCall, Callback {
    private final Call call;
    private final Translation translation;
    private final UpstreamTap tap;
    private final Consumer<RelayResponse> onResponse;
    private final Duration idleTimeout;

    /** An exchange that will run {@code call} and hand the mapped answer to {@code onResponse}. */
    public CompletionExchange(
            Call call,
            Translation translation,
            UpstreamTap tap,
            Consumer<RelayResponse> onResponse,
            Duration idleTimeout) {
        this.call = call;
        this.translation = translation;
        this.tap = tap;
        this.onResponse = onResponse;
        this.idleTimeout = idleTimeout;
    }

    /** What {@code execute} answers when the call was cancelled from another thread. */
    public static RelayResponse cancelledResponse() {
        return RelayResponse.failure(
                RelayError.of(500, "server_error", null, "the upstream request was cancelled", null, null));
    }

    @Override
    public void cancel() {
        call.cancel();
    }

    @Override
    public boolean isCanceled() {
        return call.isCanceled();
    }

    /** A non-streamed exchange sends no events: its client gets one answer at the end. */
    @Override
    public boolean keepClientAlive() {
        return false;
    }

    /** Enqueues the call; the answer arrives on an OkHttp thread. */
    public void startAsync() {
        call.enqueue(this);
    }

    /** Runs the call on this thread. */
    public void runBlocking() {
        try (Response response = call.execute()) {
            onResponse(call, response);
        } catch (IOException e) {
            onFailure(call, e);
        }
    }

    @Override
    public void onFailure(Call call, IOException e) {
        if (!call.isCanceled()) {
            onResponse.accept(RelayResponse.failure(
                    Bodies.map(translation, Bodies.transportFailure(e, idleTimeout, call.request()))));
        }
    }

    @Override
    public void onResponse(Call call, Response response) {
        RelayResponse answer;
        try (response) {
            tap.onUpstreamResponse(response.code(), response.headers());
            if (!response.isSuccessful()) {
                Bodies.BoundedBody body =
                        Bodies.read(response.body(), Bodies.MAX_ERROR_BODY_BYTES, tap::onUpstreamBytes);
                answer = RelayResponse.failure(Bodies.map(translation, Bodies.httpFailure(response, body.text())));
            } else {
                // Issue 18: no more than an answer within the output bound can take, so a runaway
                // answer is refused before it is held, as a runaway stream ends incomplete.
                int limit = Math.min(Bodies.MAX_JSON_BODY_BYTES, translation.maxCompletionBytes());
                String body = Bodies.readWhole(response.body(), limit, tap::onUpstreamBytes);
                answer = body == null
                        ? RelayResponse.failure(Bodies.map(translation, Bodies.answerTooLarge(limit)))
                        // DeepSeek precedes non-streamed bodies with blank lines under load
                        // (docs/dialects.md §1.2, rule 4).
                        : RelayResponse.success(translation.toResponseJson(body.strip()));
            }
        } catch (IOException e) {
            if (call.isCanceled()) {
                return;
            }
            answer = RelayResponse.failure(
                    Bodies.map(translation, Bodies.transportFailure(e, idleTimeout, call.request())));
        } catch (OutOfMemoryError e) {
            // Fail closed: thrown out of this callback, OkHttp cancels the call and reports the
            // cancel to nobody, and the client waited forever (seen in MemoryPressureProcessTest
            // before the output bound held for non-streamed answers). What the translation held
            // is unreachable once this frame is left; the client gets an answer it can retry.
            answer = RelayResponse.failure(RelayError.of(
                    503,
                    "server_error",
                    "server_overloaded",
                    "the relay ran short of memory translating the upstream's answer; retry shortly",
                    null,
                    null));
        }
        onResponse.accept(answer);
    }
}
