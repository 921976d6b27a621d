package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A web page must not be able to use a relay on this machine (issue 13 §1): a browser lets any page
 * open {@code ws://127.0.0.1:PORT/v1/responses} (WebSockets have no CORS, the page's {@code Origin}
 * is the only trace) and, by DNS rebinding, send requests whose {@code Host} is the attacker's name.
 * Requests are written byte by byte on a socket so the {@code Host} and {@code Origin} headers are
 * exactly what a browser would send.
 */
class LocalAccessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeUpstream upstream = new FakeUpstream();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    LocalAccessTest() throws Exception {}

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        upstream.close();
    }

    private RelayServer start(String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--upstream", upstream.baseUrl()));
        args.addAll(List.of(extraArgs));
        RelayServer server = RelayServer.start(args.toArray(String[]::new));
        toClose.add(server);
        return server;
    }

    /** A raw HTTP/1.1 exchange on a fresh connection; returns the status line, headers and body. */
    private static RawResponse raw(RelayServer server, String method, String path, String... headerLines)
            throws Exception {
        String body = method.equals("POST") ? Samples.codexPlainRequest() : "";
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        request.append("Connection: close\r\n");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (method.equals("POST")) {
            request.append("Content-Type: application/json\r\n");
            request.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            in.transferTo(answer);
            return new RawResponse(answer.toString(StandardCharsets.UTF_8));
        }
    }

    private record RawResponse(String text) {
        int status() {
            return Integer.parseInt(text.substring(9, 12));
        }

        JsonNode error() throws Exception {
            return JSON.readTree(text.substring(text.indexOf("\r\n\r\n") + 4)).path("error");
        }
    }

    @Test
    void dnsRebindingHostIsRefusedAndNeverReachesTheUpstream() throws Exception {
        RelayServer server = start();

        RawResponse answer = raw(server, "POST", "/v1/responses", "Host: attacker.example:" + server.port());

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text()).containsIgnoringCase("content-type: application/json");
        JsonNode error = answer.error();
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("host_not_allowed");
        assertThat(error.path("message").asText()).contains("attacker.example", "--allowed-host");
        assertThat(error.has("param")).isTrue();
        assertThat(upstream.chatRequests).isEmpty();
    }

    @Test
    void everyEndpointChecksTheHostNotOnlyTheResponsesOne() throws Exception {
        RelayServer server = start();

        for (String path : List.of("/healthz", "/v1/models", "/no/such/path")) {
            RawResponse answer = raw(server, "GET", path, "Host: attacker.example");
            assertThat(answer.status()).as(path).isEqualTo(403);
            assertThat(answer.error().path("code").asText()).as(path).isEqualTo("host_not_allowed");
        }
    }

    @Test
    void loopbackHostsAreServedWithOrWithoutAPort() throws Exception {
        RelayServer server = start();
        int port = server.port();

        for (String host : List.of(
                "127.0.0.1:" + port,
                "127.0.0.1",
                "localhost:" + port,
                "LOCALHOST",
                "127.1.2.3:" + port,
                "[::1]:" + port,
                "[::1]")) {
            assertThat(raw(server, "GET", "/healthz", "Host: " + host).status())
                    .as(host)
                    .isEqualTo(200);
        }
        for (String host :
                List.of("127.0.0.1.attacker.example", "localhost.attacker.example", "127.0.0.256", "[::2]")) {
            assertThat(raw(server, "GET", "/healthz", "Host: " + host).status())
                    .as(host)
                    .isEqualTo(403);
        }
    }

    @Test
    void allowedHostAdmitsAReverseProxyName() throws Exception {
        RelayServer server = start("--allowed-host", "relay.internal");

        RawResponse answer =
                raw(server, "POST", "/v1/responses", "Host: Relay.Internal:8443", "Accept: text/event-stream");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(upstream.chatRequests).hasSize(1);
        assertThat(raw(server, "GET", "/healthz", "Host: other.internal").status())
                .isEqualTo(403);
    }

    @Test
    void requestsWithoutOriginWorkAsCodexTheSdksAndCurlSendThem() throws Exception {
        RelayServer server = start();

        RawResponse answer = raw(
                server,
                "POST",
                "/v1/responses",
                "Host: 127.0.0.1:" + server.port(),
                "Accept: text/event-stream",
                "User-Agent: curl/8.5.0");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).contains("response.completed");
        assertThat(upstream.chatRequests).hasSize(1);
    }

    @Test
    void aForeignOriginIsRefusedEvenWithALoopbackHost() throws Exception {
        RelayServer server = start();

        RawResponse answer = raw(
                server, "POST", "/v1/responses", "Host: 127.0.0.1:" + server.port(), "Origin: https://evil.example");

        assertThat(answer.status()).isEqualTo(403);
        JsonNode error = answer.error();
        assertThat(error.path("code").asText()).isEqualTo("origin_not_allowed");
        assertThat(error.path("message").asText()).contains("https://evil.example", "--allowed-origin");
        assertThat(upstream.chatRequests).isEmpty();
    }

    @Test
    void allowedOriginIsServed() throws Exception {
        RelayServer server = start("--allowed-origin", "app://desktop-client");

        RawResponse answer = raw(
                server,
                "POST",
                "/v1/responses",
                "Host: 127.0.0.1:" + server.port(),
                "Origin: app://desktop-client",
                "Accept: text/event-stream");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(upstream.chatRequests).hasSize(1);
        assertThat(raw(server, "GET", "/healthz", "Host: localhost", "Origin: https://evil.example")
                        .status())
                .isEqualTo(403);
    }

    @Test
    void crossSiteWebSocketUpgradeIsRefused() throws Exception {
        RelayServer server = start();
        String url = server.baseUrl().replaceFirst("^http", "ws") + "/responses";

        assertThatThrownBy(() -> HttpClient.newHttpClient()
                        .newWebSocketBuilder()
                        .header("Origin", "https://evil.example")
                        .buildAsync(URI.create(url), new WebSocket.Listener() {})
                        .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(WebSocketHandshakeException.class, e -> {
                    assertThat(e.getResponse().statusCode()).isEqualTo(403);
                    assertThat(String.valueOf(e.getResponse().body())).contains("--allowed-origin");
                });
        assertThat(upstream.chatRequests).isEmpty();
    }

    @Test
    void rawWebSocketUpgradeWithAForeignOriginGetsNo101() throws Exception {
        RelayServer server = start();

        RawResponse answer = raw(
                server,
                "GET",
                "/v1/responses",
                "Host: 127.0.0.1:" + server.port(),
                "Upgrade: websocket",
                "Connection: Upgrade",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version: 13",
                "Origin: https://evil.example");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.error().path("code").asText()).isEqualTo("origin_not_allowed");
    }

    @Test
    void webSocketWithoutOriginStillWorks() throws Exception {
        RelayServer server = start();
        String url = server.baseUrl().replaceFirst("^http", "ws") + "/responses";

        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(URI.create(url), new WebSocket.Listener() {})
                .get(10, TimeUnit.SECONDS);

        socket.abort();
    }

    @Test
    void theChatCompletionsDirectionIsGuardedToo() throws Exception {
        RelayServer server =
                RelayServer.start("--port", "0", "--upstream", upstream.baseUrl(), "--upstream-api", "responses");
        toClose.add(server);

        assertThat(raw(server, "POST", "/v1/chat/completions", "Host: attacker.example")
                        .status())
                .isEqualTo(403);
        assertThat(raw(server, "GET", "/healthz", "Host: localhost", "Origin: https://evil.example")
                        .status())
                .isEqualTo(403);
        assertThat(raw(server, "GET", "/healthz", "Host: localhost").status()).isEqualTo(200);
    }

    @Test
    void aRelayBoundBeyondLoopbackDoesNotCheckTheHostButStillTheOrigin() throws Exception {
        RelayServer server = start("--host", "0.0.0.0");

        assertThat(raw(server, "GET", "/healthz", "Host: relay.lan:4444").status())
                .isEqualTo(200);
        assertThat(raw(server, "GET", "/healthz", "Host: relay.lan:4444", "Origin: https://evil.example")
                        .status())
                .isEqualTo(403);
    }

    @Test
    void anAllowedOriginGetsCorsHeadersAndItsPreflightAnswered() throws Exception {
        RelayServer server = start("--allowed-origin", "https://app.example/");

        RawResponse preflight = raw(
                server,
                "OPTIONS",
                "/v1/responses",
                "Host: localhost",
                "Origin: https://app.example",
                "Access-Control-Request-Method: POST",
                "Access-Control-Request-Headers: authorization, content-type");
        RawResponse healthz = raw(server, "GET", "/healthz", "Host: localhost", "Origin: https://app.example");

        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.text())
                .containsIgnoringCase("access-control-allow-origin: https://app.example")
                .containsIgnoringCase("access-control-allow-headers: authorization, content-type");
        assertThat(healthz.status()).isEqualTo(200);
        assertThat(healthz.text()).containsIgnoringCase("access-control-allow-origin: https://app.example");
    }

    @Test
    void listsComeFromTheEnvironmentUnlessFlagsReplaceThem() {
        Map<String, String> env = Map.of(
                "RELAY_UPSTREAM", "http://127.0.0.1:1/v1",
                "RELAY_ALLOWED_HOSTS", "a.internal, b.internal,",
                "RELAY_ALLOWED_ORIGINS", "https://one.example");

        ServerOptions fromEnv = ServerOptions.parse(new String[0], env);
        ServerOptions withFlags =
                ServerOptions.parse(new String[] {"--allowed-host", "c.internal", "--allowed-host", "d.internal"}, env);

        assertThat(fromEnv.allowedHosts()).containsExactly("a.internal", "b.internal");
        assertThat(fromEnv.allowedOrigins()).containsExactly("https://one.example");
        assertThat(withFlags.allowedHosts()).containsExactly("c.internal", "d.internal");
        assertThat(withFlags.allowedOrigins()).containsExactly("https://one.example");
    }
}
