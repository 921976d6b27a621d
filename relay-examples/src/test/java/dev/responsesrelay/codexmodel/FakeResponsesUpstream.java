package dev.responsesrelay.codexmodel;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in for the model server Codex talks to: answers each {@code POST /v1/responses}
 * with the next canned SSE body, or holds the request open until {@link #close()}. Binds
 * 127.0.0.1 on a free port, so nothing leaves the machine.
 */
final class FakeResponsesUpstream implements AutoCloseable {
    /** Marker answer: keep the request open and send nothing. */
    static final String HANG = "<hang>";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Deque<String> answers = new ArrayDeque<>();
    private final List<String> requestBodies = new ArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch firstRequest = new CountDownLatch(1);

    FakeResponsesUpstream(String... sseAnswers) throws IOException {
        answers.addAll(List.of(sseAnswers));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/responses", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The value for a Codex provider's {@code base_url}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    synchronized List<String> requestBodies() {
        return List.copyOf(requestBodies);
    }

    /** Waits until Codex has sent its first request. */
    boolean awaitFirstRequest(long seconds) throws InterruptedException {
        return firstRequest.await(seconds, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String answer;
        synchronized (this) {
            requestBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer = answers.size() > 1 ? answers.removeFirst() : answers.getFirst();
        }
        firstRequest.countDown();
        if (answer.equals(HANG)) {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "text/event-stream");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
