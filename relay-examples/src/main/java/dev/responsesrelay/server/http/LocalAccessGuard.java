package dev.responsesrelay.server.http;

import dev.responsesrelay.RelayError;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Keeps web pages away from the relay (issue 13 §1). The relay usually listens on 127.0.0.1 holding
 * the user's own upstream key, and a browser lets any page it shows reach that address:
 *
 * <ul>
 *   <li>a page can open {@code ws://127.0.0.1:4444/v1/responses}; WebSockets have no CORS, and the
 *       page's {@code Origin} header is the only sign of where the connection comes from (RFC 6455
 *       §10.2, "Origin Considerations");
 *   <li>a page can rebind its own DNS name to 127.0.0.1 and then send same-origin requests, whose
 *       {@code Host} header still names the attacker's site (DNS rebinding).
 * </ul>
 *
 * <p>So, in front of every endpoint (it wraps the whole handler tree, WebSocket upgrades included):
 * a request carrying an {@code Origin} that {@code --allowed-origin} does not list is refused; and
 * when the relay is bound to a loopback address, a request whose {@code Host} is not a loopback name
 * or address, nor a name listed with {@code --allowed-host}, is refused. Codex, the SDKs and curl
 * send no {@code Origin} and address the relay by the URL they were given, so they pass. A refusal
 * is a 403 with the OpenAI error body naming the flag that would allow the request, is logged, and
 * never reaches the upstream.
 *
 * <p>For an allowed origin the answer carries the CORS headers a browser needs to read it, and a
 * CORS preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) is answered here.
 */
public final class LocalAccessGuard extends Handler.Wrapper {
    private static final Logger LOG = Logger.getLogger(LocalAccessGuard.class.getName());
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]*:[0-9a-f:.]*");
    private static final Pattern PORT = Pattern.compile("\\d{0,5}");
    /** The longest header value quoted back in a log line or an error message. */
    private static final int QUOTED_LIMIT = 200;

    private final boolean checkHost;
    private final Set<String> allowedHosts;
    private final Set<String> allowedOrigins;

    /** Answers the refusals, so that they are logged and counted like the API's own. */
    private final ApiHandler api;

    /**
     * @param bindAddress the address the relay listens on; the {@code Host} rule applies when it is
     *     a loopback one
     * @param allowedHosts extra host names to serve (a reverse proxy's), without port
     * @param allowedOrigins the origins whose requests are served, such as {@code
     *     https://app.example}
     * @param api answers the refusals, with the access-log line and count of its own requests
     * @param handler what an allowed request goes on to
     */
    public LocalAccessGuard(
            String bindAddress,
            List<String> allowedHosts,
            List<String> allowedOrigins,
            ApiHandler api,
            Handler handler) {
        super(handler);
        this.api = api;
        this.checkHost = isLoopbackHost(bindAddress);
        this.allowedHosts = allowedHosts.stream()
                .map(host -> host.strip().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.allowedOrigins =
                allowedOrigins.stream().map(LocalAccessGuard::normalOrigin).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        RelayError refusal = refusal(request);
        if (refusal != null) {
            LOG.warning(() -> "refused " + request.getMethod() + " " + quoted(Request.getPathInContext(request))
                    + " from " + Request.getRemoteAddr(request) + ": " + refusal.message());
            RequestBodies.closeIfBodyUnread(request, response);
            // Through the API handler's measured path: an access-log line and a count like every
            // other refusal (docs/OPERATIONS.md), so a web page probing the relay shows up there.
            api.refusedInFront(request, response, callback, refusal);
            return true;
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null) {
            // Only an origin the user allowed gets here: let its pages read the answers.
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            response.getHeaders().add(HttpHeader.VARY, "Origin");
            if (request.getMethod().equals("OPTIONS")
                    && request.getHeaders().contains(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD)) {
                preflight(request, response, callback);
                return true;
            }
        }
        return super.handle(request, response, callback);
    }

    private static void preflight(Request request, Response response, Callback callback) {
        response.setStatus(204);
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, DELETE, OPTIONS");
        String headers = request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
        if (headers != null) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, headers);
        }
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "600");
        RequestBodies.closeIfBodyUnread(request, response);
        response.write(true, null, callback);
    }

    /** Why {@code request} is refused, or null to serve it. */
    @Nullable
    RelayError refusal(Request request) {
        for (HttpField field : request.getHeaders().getFields(HttpHeader.ORIGIN)) {
            String origin = field.getValue();
            if (!allowedOrigins.contains(normalOrigin(origin))) {
                return forbidden(
                        "origin_not_allowed",
                        "requests from web pages are refused: Origin " + quoted(origin) + " is not allowed (Codex, the"
                                + " SDKs and curl send none). If you trust that origin, start the relay with"
                                + " --allowed-origin " + quoted(origin) + " (or RELAY_ALLOWED_ORIGINS)");
            }
        }
        if (checkHost) {
            for (HttpField field : request.getHeaders().getFields(HttpHeader.HOST)) {
                String name = hostName(field.getValue());
                if (name == null || !(isLoopbackHost(name) || allowedHosts.contains(name))) {
                    String shown =
                            name == null ? quoted(field.getValue()) : name.indexOf(':') >= 0 ? "[" + name + "]" : name;
                    return forbidden(
                            "host_not_allowed",
                            "Host " + shown + " is refused: this relay listens on a loopback address and serves"
                                    + " requests addressed to localhost, 127.0.0.1 or [::1] only (a web page can point"
                                    + " its own name at 127.0.0.1). To serve it under that name, behind a reverse"
                                    + " proxy, start the relay with --allowed-host " + shown
                                    + " (or RELAY_ALLOWED_HOSTS)");
                }
            }
        }
        return null;
    }

    /**
     * The host of a {@code Host} header value, lower case, without port or IPv6 brackets; null if
     * it is not of the form {@code host[:port]} or {@code [v6][:port]}.
     */
    static @Nullable String hostName(String hostHeader) {
        String value = hostHeader.strip().toLowerCase(Locale.ROOT);
        String host;
        String rest;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = value.substring(1, close);
            rest = value.substring(close + 1);
        } else {
            int colon = value.indexOf(':');
            host = colon < 0 ? value : value.substring(0, colon);
            rest = colon < 0 ? "" : value.substring(colon);
            if (host.indexOf(':') >= 0) {
                return null;
            }
        }
        if (!rest.isEmpty()
                && !(rest.startsWith(":") && PORT.matcher(rest.substring(1)).matches())) {
            return null;
        }
        return host.isEmpty() ? null : host;
    }

    /**
     * Whether {@code host} (a name or literal address, IPv6 with or without brackets, no port) is
     * this machine's loopback: {@code localhost}, 127.0.0.0/8 or ::1. Only literals are parsed, never
     * looked up: a name other than {@code localhost} could resolve anywhere.
     */
    public static boolean isLoopbackHost(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost")) {
            return true;
        }
        if (IPV4.matcher(h).matches()) {
            String[] octets = h.split("\\.", -1);
            for (String octet : octets) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return octets[0].equals("127");
        }
        if (!IPV6.matcher(h).matches()) {
            return false;
        }
        try {
            // Only hex digits, colons and dots: InetAddress parses this as an IPv6 literal and never
            // looks it up (it throws if it is not one).
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String normalOrigin(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }

    /** A header value as it may be shown: without control characters, and not too long. */
    private static String quoted(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > QUOTED_LIMIT ? clean.substring(0, QUOTED_LIMIT) + "…" : clean;
    }

    private static RelayError forbidden(String code, String message) {
        return Answers.relayError(403, "invalid_request_error", code, message);
    }
}
