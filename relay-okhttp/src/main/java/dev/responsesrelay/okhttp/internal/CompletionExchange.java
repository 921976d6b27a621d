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
    /**
     * Heap the translation of a non-streamed answer holds at its peak per char of text it keeps,
     * besides the body's own bytes: the decoded text, the message item's builder and JSON, the
     * response JSON, and the core writer's {@code char} buffer (two bytes a char, grown by doubling).
     * Measured (issue 18): the smallest heap that relays one answer grew by 10 MB for a 1 MB answer
     * and by 22 MB for a 5 MB runaway answer cut at the default bound of 2 Mi chars (SerialGC,
     * relay-okhttp's NonStreamedAnswerMemoryTest names the harness), rounded up.
     */
    static final int TRANSLATION_HEAP_PER_CHAR = 9;

    /** What a refused answer's 503 asks the client to wait: short, the client's retry decides. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

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

    /**
     * Reads a 2xx answer and translates it (issue 18). No more than an answer within the output
     * bound can take is read ({@link Translation#maxCompletionBytes()}), so a runaway answer is
     * refused before it is held, as a runaway stream ends incomplete. The body is read once, into one
     * array, and translated from its bytes ({@link Translation#toResponseJson(byte[])}), after the
     * tap admitted the heap that holds ({@link UpstreamTap#admitAnswer}); refused, the client gets
     * a 503 it can retry.
     */
    private RelayResponse readAnswer(Response response) throws IOException {
        int limit = Math.min(Bodies.MAX_JSON_BODY_BYTES, translation.maxCompletionBytes());
        Bodies.Answer body = Bodies.readAnswer(
                response.body(), limit, tap::onUpstreamBytes, new AnswerCharge(tap, translation.maxCompletionBytes()));
        return switch (body.outcome) {
            case TOO_LARGE -> RelayResponse.failure(Bodies.map(translation, Bodies.answerTooLarge(limit)));
            case REFUSED -> overloaded("no room in the relay's memory budget for the upstream's answer");
            // DeepSeek precedes non-streamed bodies with blank lines under load (docs/dialects.md
            // §1.2, rule 4): the parser skips them.
            case READ -> RelayResponse.success(translation.toResponseJson(body.bytes));
        };
    }

    /**
     * Asks the tap for the heap an answer of the size read so far needs, in steps as it grows: its
     * bytes, plus {@link #TRANSLATION_HEAP_PER_CHAR} for each char of text the translation can keep.
     * That is at most the output bound, about a third of {@link Translation#maxCompletionBytes()}
     * (3 bytes a char): past it a runaway answer is cut, and costs no more to translate.
     */
    static final class AnswerCharge implements Bodies.AnswerAdmission {
        private final UpstreamTap tap;
        private final long keptChars;
        private long bodyBytes;

        AnswerCharge(UpstreamTap tap, int maxCompletionBytes) {
            this.tap = tap;
            this.keptChars = maxCompletionBytes / 3;
        }

        /** The heap an answer of {@code bytes} holds while it is translated. */
        long heap(long bytes) {
            return bytes + TRANSLATION_HEAP_PER_CHAR * Math.min(bytes, keptChars);
        }

        @Override
        public boolean admit(long moreBytes) {
            long grown = bodyBytes + moreBytes;
            if (!tap.admitAnswer(heap(grown) - heap(bodyBytes))) {
                return false;
            }
            bodyBytes = grown;
            return true;
        }
    }

    /** HTTP 503 {@code server_overloaded} with {@code Retry-After}, which Codex and the SDKs retry. */
    private static RelayResponse overloaded(String why) {
        return RelayResponse.failure(
                RelayError.of(503, "server_error", "server_overloaded", why + "; retry shortly", null, RETRY_AFTER));
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
                answer = readAnswer(response);
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
            answer = overloaded("the relay ran short of memory translating the upstream's answer");
        }
        onResponse.accept(answer);
    }
}
