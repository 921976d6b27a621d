package dev.responsesrelay.server.chat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A tiny scripted upstream on the JDK's HttpServer: answers each POST to {@code path} with the next
 * scripted answer, and records the request bodies and headers. A {@link Answer#hang()} answer sends
 * its body, then a comment every 50 ms until the relay hangs up, which {@link #awaitHangUp} sees.
 */
final class ScriptedHttpUpstream implements AutoCloseable {
    /** One scripted answer. */
    record Answer(int status, String contentType, String body, Map<String, String> headers, boolean hang) {
        static Answer sse(String body) {
            return new Answer(200, "text/event-stream", body, Map.of(), false);
        }

        static Answer json(int status, String body) {
            return new Answer(status, "application/json", body, Map.of(), false);
        }

        static Answer hangAfter(String body) {
            return new Answer(200, "text/event-stream", body, Map.of(), true);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Deque<Answer> answers = new ArrayDeque<>();
    private final List<String> bodies = new ArrayList<>();
    private final List<String> authorizations = new ArrayList<>();
    private final CountDownLatch hungUp = new CountDownLatch(1);

    ScriptedHttpUpstream(String path, Answer... scripted) throws IOException {
        answers.addAll(List.of(scripted));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(path, this::handle);
        server.createContext("/v1/models", exchange -> {
            byte[] list = "{\"object\":\"list\",\"data\":[{\"id\":\"scripted-model\",\"object\":\"model\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, list.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(list);
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    synchronized List<String> bodies() {
        return List.copyOf(bodies);
    }

    synchronized List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    boolean awaitHangUp(long seconds) throws InterruptedException {
        return hungUp.await(seconds, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Answer answer;
        synchronized (this) {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "" : auth);
            answer = answers.isEmpty()
                    ? Answer.json(500, "{\"error\":{\"message\":\"script exhausted\"}}")
                    : answers.poll();
        }
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), answer.hang() ? 0 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
            out.flush();
            while (answer.hang()) {
                Thread.sleep(50);
                out.write(": still thinking\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            hungUp.countDown(); // the relay closed the connection: the upstream call was cancelled
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
