package dev.responsesrelay.server.http;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.server.metrics.RelayMetrics;
import dev.responsesrelay.server.routing.Readiness;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * The routing both directions share: {@code GET /healthz}, {@code GET /v1/models}, and one POST
 * endpoint (a path or its aliases); everything else is a JSON 404, a wrong method a 405 with {@code
 * Allow}, a missing or unknown key a 401. Every failure the client can cause is a 4xx with an
 * OpenAI error body, never a 5xx or a dropped connection; a bug of ours is a logged 500.
 */
public abstract class ApiHandler extends Handler.Abstract {
    private final ClientKeys clientKeys;
    private final Set<String> postPaths;
    private final String served;
    private volatile AccessLog accessLog = AccessLog.off();

    /**
     * @param postPaths the paths of the POST endpoint, the first being the one to advertise
     */
    protected ApiHandler(ClientKeys clientKeys, String... postPaths) {
        this.clientKeys = clientKeys;
        this.postPaths = Set.of(postPaths);
        this.served = "POST " + postPaths[0] + " and GET /v1/models";
    }

    /** Cancels every exchange still running; for the end of a graceful shutdown. */
    public abstract void cancelAll(String why);

    /** How many exchanges are in flight. */
    public abstract int openExchanges();

    /**
     * Releases what this direction holds beyond its exchanges (the Responses direction's store);
     * called once, after the server stopped. Nothing by default.
     */
    public void close() {}

    /** What the start-up line says about this direction's state, or empty: nothing to say. */
    public String stateDescription() {
        return "";
    }

    /** Logs one line per request to {@code log} from now on (issue 17). */
    public final void accessLog(AccessLog log) {
        this.accessLog = log;
    }

    /** The access log requests are written to. */
    public final AccessLog accessLog() {
        return accessLog;
    }

    /** The request attribute a handler sets to the request's model, for the metrics' label. */
    public static final String MODEL_ATTRIBUTE = "dev.responsesrelay.model";

    private volatile @Nullable RelayMetrics metrics;
    private volatile @Nullable Supplier<Readiness.Answer> readiness;

    /** Serves {@code GET /metrics} and {@code GET /readyz} (docs/OPERATIONS.md); call before start. */
    public void operations(RelayMetrics metrics, Supplier<Readiness.Answer> readiness) {
        this.metrics = metrics;
        this.readiness = readiness;
    }

    /**
     * Counts the API's answers in {@code relay_requests_total} when they are complete, with the
     * status sent and the model the handler read (docs/OPERATIONS.md "Metrics").
     */
    private Callback counted(Request request, Response response, Callback callback, String path) {
        RelayMetrics counter = metrics;
        if (counter == null || !(path.equals("/v1/models") || postPaths.contains(path))) {
            return callback;
        }
        String direction = postPaths.contains("/v1/responses") ? "responses" : "chat";
        return new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                count();
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                count();
                super.failed(failure);
            }

            private void count() {
                Object model = request.getAttribute(MODEL_ATTRIBUTE);
                String name = model instanceof String text ? text : "";
                counter.request(path, name, response.getStatus(), direction);
                AccessLog.entry(request).observe(counter, path, name);
            }
        };
    }

    /**
     * Whether this handler will read {@code request}'s body: an authorized JSON POST to its
     * endpoint. The admission handler reads such a body first, without holding a thread (issue
     * 18); any other request is answered without its body, so a client without a key is refused
     * at once however slowly it sends.
     */
    public boolean readsBodyOf(Request request) {
        return "POST".equals(request.getMethod())
                && postPaths.contains(Request.getPathInContext(request))
                && clientKeys.accepts(ClientKeys.bearerToken(request.getHeaders()))
                && RequestBodies.checkContentHeaders(request) == null;
    }

    /** Answers an authorized {@code GET /v1/models}. */
    protected abstract void models(Request request, Response response, Callback callback);

    /** Answers an authorized POST to the endpoint. */
    protected abstract void post(Request request, Response response, Callback callback);

    /** Whether {@code path} is served by {@link #subpath} (issue 12: {@code /v1/responses/{id}}). */
    protected boolean ownsSubpath(String path) {
        return false;
    }

    /** Answers an authorized request to a path {@link #ownsSubpath} claimed. */
    protected void subpath(Request request, Response response, Callback callback, String path) {
        Answers.notFound(request, response, callback, served);
    }

    /**
     * Issue 18: {@code request} arrived at the admission handler in front of this one, which may
     * take a while reading its body: its access-log entry starts now, so that its line and its
     * duration count from its arrival; {@link #handle}, or {@link #refusedInFront}, continue it.
     */
    public final void arrived(Request request, Response response) {
        accessLog.begin(request, response);
    }

    /**
     * Issue 18: answers {@code error} for a request refused in front of this handler, before it
     * reached {@link #handle} (the admission handler's 408, 413 and 503): with the one access-log
     * line and the {@code relay_requests_total} count {@link #handle} gives every other request,
     * which an operator watching an overload would otherwise not see at all.
     */
    public final void refusedInFront(Request request, Response plainResponse, Callback callback, RelayError error) {
        Measured measured = measure(request, plainResponse, callback);
        AccessLog.entry(request).error(error);
        Answers.error(measured.response(), measured.callback(), error);
    }

    /**
     * Issue 18: the client of a request whose body was being read in front of this handler went
     * away ({@code failure}): nobody to answer, but its access-log line says so, as {@link #handle}'s
     * does for a client lost while answering.
     */
    public final void failedInFront(Request request, Response plainResponse, Callback callback, Throwable failure) {
        measure(request, plainResponse, callback).callback().failed(failure);
    }

    /** The response to answer on and the callback to complete, measured for the access log and metrics. */
    private record Measured(Response response, Callback callback) {}

    /**
     * One access-log line per request, whatever answers it: the wrapper notes the first byte and
     * an error body's message, the callback writes the line, and counts the request, when the
     * exchange is over.
     */
    private Measured measure(Request request, Response plainResponse, Callback originalCallback) {
        AccessLog log = accessLog;
        AccessLog.Entry entry = log.begin(request, plainResponse);
        Response response = log.observe(plainResponse, entry);
        String path = Request.getPathInContext(request);
        return new Measured(
                response, log.completing(counted(request, response, originalCallback, path), response, entry));
    }

    @Override
    public final boolean handle(Request request, Response plainResponse, Callback originalCallback) {
        Measured measured = measure(request, plainResponse, originalCallback);
        Response response = measured.response();
        Callback callback = measured.callback();
        String path = Request.getPathInContext(request);
        try {
            if (path.equals("/healthz")) {
                if (Answers.methodAllowed(request, "GET", response, callback)) {
                    Answers.json(response, callback, 200, "{\"status\":\"ok\"}", Map.of());
                }
            } else if (path.equals("/readyz") && readiness != null) {
                if (Answers.methodAllowed(request, "GET", response, callback)) {
                    Readiness.Answer ready = readiness.get();
                    Answers.json(response, callback, ready.status(), ready.json(), Map.of());
                }
            } else if (path.equals("/metrics") && metrics != null) {
                // Guarded like the API: with --require-key, a scraper sends one of the keys.
                if (Answers.methodAllowed(request, "GET", response, callback)
                        && Answers.authorized(request, clientKeys, response, callback)) {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, RelayMetrics.CONTENT_TYPE);
                    response.write(true, ByteBuffer.wrap(metrics.scrape().getBytes(StandardCharsets.UTF_8)), callback);
                }
            } else if (path.equals("/v1/models")) {
                if (Answers.methodAllowed(request, "GET", response, callback)
                        && Answers.authorized(request, clientKeys, response, callback)) {
                    models(request, response, callback);
                }
            } else if (postPaths.contains(path)) {
                if (Answers.methodAllowed(request, "POST", response, callback)
                        && Answers.authorized(request, clientKeys, response, callback)) {
                    post(request, response, callback);
                }
            } else if (ownsSubpath(path)) {
                if (Answers.authorized(request, clientKeys, response, callback)) {
                    subpath(request, response, callback, path);
                }
            } else {
                Answers.notFound(request, response, callback, served);
            }
        } catch (RuntimeException e) {
            Answers.unexpectedFailure(request, response, callback, e);
        }
        return true;
    }
}
