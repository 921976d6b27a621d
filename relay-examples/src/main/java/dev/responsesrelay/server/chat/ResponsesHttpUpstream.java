package dev.responsesrelay.server.chat;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.okhttp.RelayResponse;
import dev.responsesrelay.okhttp.Upstream;
import dev.responsesrelay.server.responses.PassThroughRelays;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * A Responses API upstream over HTTP: {@code POST {base}/responses}, streamed answers read with
 * the core's {@link SseDecoder}. The relay's own key, if it has one, is sent as a bearer token;
 * otherwise the client's.
 */
public final class ResponsesHttpUpstream implements ChatUpstream {
    private static final MediaType JSON = MediaType.get("application/json");

    /** Error bodies are read up to this size: enough for any real error, bounded for a broken one. */
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

    /** A non-streamed {@code response} object may be large (long answers), but not unbounded. */
    private static final int MAX_RESPONSE_BODY_BYTES = 32 * 1024 * 1024;

    private final OkHttpClient client;
    private final HttpUrl base;
    private final @Nullable String apiKey;
    private final HttpUrl responsesUrl;
    private final String recordedUrl;
    /**
     * For {@code GET /models}, built once (per client key when passing keys): {@link
     * OkHttpRelay#create} derives an OkHttpClient, which is not work to repeat per request.
     */
    private final PassThroughRelays modelRelays;

    /**
     * Creates the upstream.
     *
     * @param client the shared client; its read timeout should be the relay's idle timeout
     * @param baseUrl the part before {@code /responses}; a URL ending in {@code /responses} is taken
     *     as that endpoint
     * @param apiKey the relay's own key, or null to pass the client's bearer token
     * @throws IllegalArgumentException if {@code baseUrl} is not an http(s) URL
     */
    public ResponsesHttpUpstream(OkHttpClient client, String baseUrl, @Nullable String apiKey) {
        this.client = Objects.requireNonNull(client, "client == null");
        String trimmed = baseUrl.strip().replaceFirst("/+$", "");
        if (trimmed.endsWith("/responses")) {
            trimmed = trimmed.substring(0, trimmed.length() - "/responses".length());
        }
        HttpUrl parsed = HttpUrl.parse(trimmed);
        if (parsed == null) {
            throw new IllegalArgumentException("--upstream is not an http(s) URL: " + baseUrl);
        }
        this.base = parsed;
        this.apiKey = apiKey;
        this.responsesUrl = resolve("responses");
        this.recordedUrl = responsesUrl.newBuilder().query(null).build().toString();
        Upstream.Builder models = Upstream.builder(base.toString());
        if (apiKey != null) {
            models.bearerToken(apiKey);
        }
        this.modelRelays = new PassThroughRelays(OkHttpRelay.create(client, models.build()), apiKey == null);
    }

    @Override
    public Exchange start(String responsesRequestJson, @Nullable String clientToken, Listener listener) {
        Request.Builder request = new Request.Builder()
                .url(responsesUrl)
                .post(RequestBody.create(responsesRequestJson, JSON))
                // A compressed SSE body arrives in blocks, not event by event.
                .header("Accept-Encoding", "identity")
                .header("Accept", "application/json, text/event-stream");
        String key = apiKey != null ? apiKey : clientToken;
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        Call call = client.newCall(request.build());
        call.enqueue(new Callback() {
            @Override
            public void onResponse(Call c, Response response) {
                try (response) {
                    deliver(c, response, listener);
                }
            }

            @Override
            public void onFailure(Call c, IOException e) {
                if (!c.isCanceled()) {
                    listener.onFailure(UpstreamFailure.transport(describe(e)));
                }
            }
        });
        return call::cancel;
    }

    private static void deliver(Call call, Response response, Listener listener) {
        ResponseBody body = response.body();
        listener.onUpstreamResponse(response.code(), response.headers());
        try {
            if (!response.isSuccessful()) {
                String text = read(body.byteStream(), MAX_ERROR_BODY_BYTES, listener);
                Map<String, String> headers = new LinkedHashMap<>();
                response.headers().forEach(h -> headers.put(h.getFirst(), h.getSecond()));
                listener.onFailure(UpstreamFailure.http(response.code(), text, headers));
                return;
            }
            MediaType type = body.contentType();
            boolean sse = type != null && type.subtype().equalsIgnoreCase("event-stream");
            if (!sse) {
                listener.onResponse(read(body.byteStream(), MAX_RESPONSE_BODY_BYTES, listener));
                return;
            }
            SseDecoder decoder = SseDecoder.create();
            byte[] buffer = new byte[8192];
            try (InputStream in = body.byteStream()) {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    listener.onUpstreamBytes(ByteBuffer.wrap(buffer, 0, n));
                    // One call per read, so the client gets one write per read (ChatStreamedAnswer).
                    List<SseEvent> events = decoder.feed(buffer, 0, n);
                    if (!events.isEmpty()) {
                        listener.onEvents(events);
                    }
                }
            }
            List<SseEvent> rest = decoder.finish();
            if (!rest.isEmpty()) {
                listener.onEvents(rest);
            }
            listener.onEnd();
        } catch (IOException | RuntimeException e) {
            if (!call.isCanceled()) {
                listener.onFailure(UpstreamFailure.transport(describe(e)));
            }
        }
    }

    @Override
    public ModelList models(@Nullable String clientToken) {
        RelayResponse answer = modelRelays.forToken(clientToken).models();
        RelayError error = answer.error().orElse(null);
        return new ModelList(answer.httpStatus(), answer.body(), error);
    }

    @Override
    public String describe() {
        return "Responses upstream " + recordedUrl;
    }

    @Override
    public String recordedUrl() {
        return recordedUrl;
    }

    private HttpUrl resolve(String path) {
        HttpUrl.Builder url = base.newBuilder();
        var segments = base.pathSegments();
        if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
            url.removePathSegment(segments.size() - 1);
        }
        return url.addPathSegments(path).build();
    }

    private static String read(InputStream in, int max, Listener listener) throws IOException {
        try (in) {
            byte[] bytes = in.readNBytes(max);
            listener.onUpstreamBytes(ByteBuffer.wrap(bytes));
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static String describe(Exception e) {
        if (e instanceof java.net.SocketTimeoutException) {
            return "the upstream sent nothing for too long (" + e.getMessage() + ")";
        }
        return "the upstream connection failed: " + e;
    }
}
