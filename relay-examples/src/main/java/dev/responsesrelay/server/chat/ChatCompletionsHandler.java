package dev.responsesrelay.server.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.ChatCompletionsTranslator;
import dev.responsesrelay.ChatTranslation;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.RelayException;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.internal.stream.EventTypes;
import dev.responsesrelay.server.http.Answers;
import dev.responsesrelay.server.http.ApiHandler;
import dev.responsesrelay.server.http.ClientKeys;
import dev.responsesrelay.server.http.ExchangeRecorder;
import dev.responsesrelay.server.http.ExchangeRecorder.Layout;
import dev.responsesrelay.server.http.ExchangeRecorder.Recording;
import dev.responsesrelay.server.http.RequestBodies;
import dev.responsesrelay.server.responses.RelayHandler;
import dev.responsesrelay.server.responses.TranslationWarnings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.Headers;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * The reverse relay: serves {@code POST /v1/chat/completions}, {@code GET /v1/models} and {@code
 * GET /healthz} in front of a Responses API upstream or the local Codex CLI ({@link ChatUpstream}).
 * A Chat request goes through {@link ChatCompletionsTranslator}; the Responses answer comes back as
 * {@code chat.completion.chunk}s or one {@code chat.completion}. Auth ({@code --require-key}), the
 * body size limit, content checks, keep-alives, hang-up cancellation and the error shape are those
 * of {@link RelayHandler}.
 */
public final class ChatCompletionsHandler extends ApiHandler {
    private static final Logger LOG = Logger.getLogger(ChatCompletionsHandler.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Everything the handler needs from the server. */
    public record Settings(
            ChatUpstream upstream,
            ChatCompletionsTranslator translator,
            ClientKeys clientKeys,
            ExchangeRecorder recorder,
            ScheduledExecutorService scheduler,
            Executor executor,
            Duration firstByteWindow,
            Duration keepAlive) {}

    private final Settings settings;
    private final Set<ChatStreamedAnswer> openStreams = ConcurrentHashMap.newKeySet();
    private final Set<ChatUpstream.Exchange> openCalls = ConcurrentHashMap.newKeySet();

    /** Creates the handler. */
    public ChatCompletionsHandler(Settings settings) {
        super(settings.clientKeys(), "/v1/chat/completions", "/chat/completions");
        this.settings = settings;
    }

    @Override
    public void cancelAll(String why) {
        openStreams.forEach(stream -> stream.cancel(why));
        openCalls.forEach(ChatUpstream.Exchange::cancel);
    }

    @Override
    public int openExchanges() {
        return openStreams.size() + openCalls.size();
    }

    @Override
    protected void models(Request request, Response response, Callback callback) {
        ChatUpstream.ModelList models = settings.upstream().models(ClientKeys.bearerToken(request.getHeaders()));
        if (models.error() != null) {
            Answers.error(response, callback, models.error());
        } else {
            Answers.json(response, callback, models.status(), models.json(), Map.of());
        }
    }

    @Override
    protected void post(Request request, Response response, Callback callback) {
        chatCompletions(request, response, callback);
    }

    private void chatCompletions(Request request, Response response, Callback callback) {
        RelayError refusal = RequestBodies.checkContentHeaders(request);
        if (refusal != null) {
            RequestBodies.closeIfBodyUnread(request, response);
            Answers.error(response, callback, refusal);
            return;
        }
        byte[] body;
        try {
            body = RequestBodies.readBody(request);
        } catch (RequestBodies.BodyTooLarge e) {
            RequestBodies.closeIfBodyUnread(request, response);
            Answers.error(response, callback, RequestBodies.tooLarge());
            return;
        } catch (IOException e) {
            LOG.log(Level.FINE, "reading the request body failed", e);
            callback.failed(e);
            return;
        }
        Recording recording = settings.recorder()
                .begin(Layout.REVERSE, request.getMethod(), "/v1/chat/completions", request.getHeaders(), body);
        ChatTranslation translation;
        try {
            translation = settings.translator().translate(body);
        } catch (InvalidRequestException e) {
            answerError(response, callback, recording, e.error());
            return;
        }
        TranslationWarnings.report(translation.warnings(), "POST /v1/chat/completions", recording); // issue 13 §5
        ChatUpstream upstream = settings.upstream();
        recording.upstreamRequest(
                upstream.recordedUrl(),
                translation.responsesRequestJson(),
                translation.clientStreams() || upstream.alwaysStreams());
        String clientToken = ClientKeys.bearerToken(request.getHeaders());
        // The upstream (or Codex's timeout) bounds the wait; Jetty's idle timeout must not end it.
        request.addIdleTimeoutListener(timeout -> false);
        if (translation.clientStreams()) {
            stream(request, response, callback, translation, clientToken, recording);
        } else {
            respond(request, response, callback, translation, clientToken, recording);
        }
    }

    /** Answers with {@code error} before any upstream exchange ran, and ends the recording. */
    private static void answerError(Response response, Callback callback, Recording recording, RelayError error) {
        recording.answer(error.httpStatus(), error.toJson());
        recording.close();
        Answers.error(response, callback, error);
    }

    private void stream(
            Request request,
            Response response,
            Callback callback,
            ChatTranslation translation,
            @Nullable String clientToken,
            Recording recording) {
        ChatStreamedAnswer[] self = new ChatStreamedAnswer[1];
        ChatStreamedAnswer answer = new ChatStreamedAnswer(
                request,
                response,
                callback,
                translation.newStream(),
                settings.scheduler(),
                settings.executor(),
                settings.keepAlive(),
                recording,
                () -> {
                    openStreams.remove(self[0]);
                    recording.close();
                });
        self[0] = answer;
        openStreams.add(answer);
        ChatUpstream.Exchange exchange;
        try {
            exchange = settings.upstream().start(translation.responsesRequestJson(), clientToken, answer);
        } catch (InvalidRequestException e) {
            openStreams.remove(answer);
            answerError(response, callback, recording, e.error());
            return;
        }
        answer.begin(exchange, settings.firstByteWindow());
    }

    private void respond(
            Request request,
            Response response,
            Callback callback,
            ChatTranslation translation,
            @Nullable String clientToken,
            Recording recording) {
        AtomicBoolean answered = new AtomicBoolean();
        // Set on the request thread, read on the upstream's and on Jetty's failure path.
        AtomicReference<ChatUpstream.@Nullable Exchange> running = new AtomicReference<>();
        ChatUpstream.Listener listener = new ChatUpstream.Listener() {
            @Override
            public void onEvent(SseEvent event) {
                // An upstream that streams anyway (Codex always does): the terminal event carries
                // the whole response object.
                if (event.event().equals(EventTypes.ERROR)) {
                    onFailure(UpstreamFailure.http(502, event.data()));
                    return;
                }
                try {
                    JsonNode data = MAPPER.readTree(event.data());
                    String type = data.path("type").asText(event.event());
                    if (EventTypes.isTerminal(type)) {
                        onResponse(MAPPER.writeValueAsString(data.path("response")));
                    } else if (type.equals(EventTypes.ERROR)) {
                        onFailure(UpstreamFailure.http(502, event.data()));
                    }
                } catch (IOException e) {
                    onFailure(UpstreamFailure.transport("the upstream sent an unreadable event: " + e.getMessage()));
                }
            }

            @Override
            public void onUpstreamResponse(int status, Headers headers) {
                recording.upstreamResponse(status, headers);
            }

            @Override
            public void onUpstreamBytes(ByteBuffer bytes) {
                recording.upstreamBytes(bytes);
            }

            @Override
            public void onEnd() {
                onFailure(UpstreamFailure.transport("the upstream stream ended before the response was complete"));
            }

            @Override
            public void onResponse(String responseJson) {
                if (!answered.compareAndSet(false, true)) {
                    return;
                }
                finished(running.get());
                String chatCompletion;
                try {
                    chatCompletion = translation.toChatCompletionJson(responseJson);
                } catch (RelayException e) {
                    answerError(response, callback, recording, e.error());
                    return;
                }
                recording.answer(200, chatCompletion);
                recording.close();
                Answers.json(response, callback, 200, chatCompletion, Map.of());
            }

            @Override
            public void onFailure(UpstreamFailure failure) {
                if (!answered.compareAndSet(false, true)) {
                    return;
                }
                finished(running.get());
                answerError(response, callback, recording, translation.mapFailure(failure));
            }
        };
        request.addFailureListener(failure -> {
            answered.set(true);
            ChatUpstream.Exchange exchange = running.get();
            recording.note("client connection failed: " + failure);
            recording.close();
            if (exchange != null) {
                openCalls.remove(exchange);
                exchange.cancel();
            }
        });
        ChatUpstream.Exchange exchange;
        try {
            exchange = settings.upstream().start(translation.responsesRequestJson(), clientToken, listener);
        } catch (InvalidRequestException e) {
            answerError(response, callback, recording, e.error());
            return;
        }
        running.set(exchange);
        openCalls.add(exchange);
        if (answered.get()) {
            openCalls.remove(exchange);
        }
    }

    private void finished(ChatUpstream.@Nullable Exchange exchange) {
        if (exchange != null) {
            openCalls.remove(exchange);
        }
    }
}
