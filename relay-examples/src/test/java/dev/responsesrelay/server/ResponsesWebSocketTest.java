package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.server.http.RequestBodies;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Responses WebSocket transport on {@code /v1/responses}, driven by the JDK's WebSocket client
 * against a real relay server and a mockwebserver Chat upstream. Requests are the real Codex 0.169
 * capture 01 turned into {@code response.create} messages (research §2.1: the flat create body plus
 * {@code "type"}; "research" is docs/research/codex-websocket-and-remote-compaction.md).
 */
class ResponsesWebSocketTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Synthetic chunk shaped after docs/dialects.md §0 (OpenAI chat.completion.chunk). */
    private static final String TEXT_CHUNK = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"},\"finish_reason\":null}]}\n\n";

    private final FakeUpstream upstream;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    ResponsesWebSocketTest() throws Exception {
        upstream = new FakeUpstream();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        upstream.close();
    }

    private Client connect() throws Exception {
        RelayServer server = RelayServer.start("--port", "0", "--upstream", upstream.baseUrl());
        toClose.add(server);
        Client client = new Client(server.baseUrl().replaceFirst("^http", "ws") + "/responses");
        toClose.add(client);
        return client;
    }

    private static ObjectNode create(String body) throws Exception {
        ObjectNode create = JSON.createObjectNode().put("type", "response.create");
        create.setAll((ObjectNode) JSON.readTree(body));
        return create;
    }

    @Test
    void responseCreateStreamsTheSseEventsAsTextFramesUntilCompleted() throws Exception {
        Client client = connect();

        client.send(create(Samples.codexPlainRequest()));
        List<JsonNode> events = client.readUntilTerminal();

        assertThat(events.get(0).get("type").asText()).isEqualTo("response.created");
        assertThat(events.get(events.size() - 1).get("type").asText()).isEqualTo("response.completed");
        assertThat(events).extracting(e -> e.get("type").asText()).contains("response.output_item.done");
        assertThat(events.get(events.size() - 1)
                        .at("/response/output/0/content/0/text")
                        .asText())
                .isEqualTo("Hello, World!");
        assertThat(client.frames.poll(300, TimeUnit.MILLISECONDS))
                .as("nothing after completed")
                .isNull();
    }

    @Test
    void eachResponseCreateIsRecordedAsOneExchangeWithoutKeys(@TempDir Path recordDir) throws Exception {
        RelayServer server = RelayServer.start(
                "--port", "0",
                "--upstream", upstream.baseUrl(),
                "--api-key", "sk-upstream-secret-123",
                "--require-key", "relay-client-secret-456",
                "--record", recordDir.toString());
        toClose.add(server);
        Client client = new Client(
                server.baseUrl().replaceFirst("^http", "ws") + "/responses",
                "Authorization",
                "Bearer relay-client-secret-456");
        toClose.add(client);
        String message = create(Samples.codexPlainRequest()).toString();

        client.socket.sendText(message, true).get(5, TimeUnit.SECONDS);
        List<JsonNode> frames = client.readUntilTerminal();

        Path exchange = awaitOneCompleteExchange(recordDir);
        assertThat(Files.readString(exchange.resolve("request.responses.json"))).isEqualTo(message);
        assertThat(Files.readString(exchange.resolve("request.headers.json")))
                .contains("\"method\" : \"WEBSOCKET\"", "\"path\" : \"/v1/responses\"");
        assertThat(JSON.readTree(exchange.resolve("request.chat.json").toFile())
                        .get("messages")
                        .isArray())
                .isTrue();
        assertThat(Files.readString(exchange.resolve("upstream.chat.sse"))).isEqualTo(Samples.openAiPlainStream());
        StringBuilder sent = new StringBuilder();
        for (JsonNode frame : frames) {
            sent.append("data: ").append(frame).append("\n\n");
        }
        assertThat(Files.readString(exchange.resolve("response.responses.sse"))).isEqualTo(sent.toString());
        assertThat(JSON.readTree(exchange.resolve("exchange.json").toFile())
                        .path("upstream_status")
                        .asInt())
                .isEqualTo(200);
        try (Stream<Path> files = Files.walk(exchange)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file))
                        .as("%s holds no key", file.getFileName())
                        .doesNotContain("sk-upstream-secret-123", "relay-client-secret-456")
                        .doesNotContainIgnoringCase("\"authorization\"");
            }
        }
    }

    @Test
    void messagesRejectedMidStreamAreRecordedAsExchangesOfTheirOwn(@TempDir Path recordDir) throws Exception {
        FakeUpstream.EndlessBody body =
                new FakeUpstream.EndlessBody(TEXT_CHUNK, ": working\n\n", Duration.ofMillis(50));
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build());
        RelayServer server =
                RelayServer.start("--port", "0", "--upstream", upstream.baseUrl(), "--record", recordDir.toString());
        toClose.add(server);
        Client client = new Client(server.baseUrl().replaceFirst("^http", "ws") + "/responses");
        toClose.add(client);
        client.send(create(Samples.codexPlainRequest()));
        JsonNode frame;
        do {
            frame = client.next();
        } while (!frame.get("type").asText().equals("response.output_text.delta"));

        try {
            client.send(create(Samples.codexPlainRequest()));
            do {
                frame = client.next();
            } while (!frame.get("type").asText().equals("error"));
            assertThat(frame.get("status").asInt()).isEqualTo(409);
            client.socket.sendText("not json", true).get(5, TimeUnit.SECONDS);
            do {
                frame = client.next();
            } while (!frame.get("type").asText().equals("error"));
            assertThat(frame.get("status").asInt()).isEqualTo(400);
            client.socket.abort();
        } finally {
            body.release();
        }

        // Issue 17: a refused message is part of a bug report made with --record, as an exchange of
        // its own; the running exchange's recording holds only its own frames.
        List<Path> exchanges = awaitCompleteExchanges(recordDir, 3);
        List<String> answers = new ArrayList<>();
        Path running = null;
        for (Path exchange : exchanges) {
            if (Files.exists(exchange.resolve("response.responses.sse"))) {
                running = exchange;
            } else {
                answers.add(Files.readString(exchange.resolve("response.responses.json"))
                        + Files.readString(exchange.resolve("request.responses.json")));
            }
        }
        assertThat(running).as("the running exchange's recording").isNotNull();
        assertThat(Files.readString(running.resolve("response.responses.sse")))
                .contains("response.output_text.delta")
                .doesNotContain("already in progress", "not valid JSON");
        assertThat(answers)
                .anySatisfy(a -> assertThat(a).contains("already in progress", "response.create"))
                .anySatisfy(a -> assertThat(a).contains("not valid JSON", "not json"));
    }

    /** Waits for {@code count} recordings whose {@code exchange.json} is written. */
    private static List<Path> awaitCompleteExchanges(Path recordDir, int count) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            List<Path> exchanges;
            try (Stream<Path> dirs = Files.list(recordDir)) {
                exchanges = dirs.toList();
            }
            if (exchanges.size() == count
                    && exchanges.stream().allMatch(e -> Files.exists(e.resolve("exchange.json")))) {
                return exchanges;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not " + count + " complete recordings in " + recordDir);
    }

    /** The recording is closed when the upstream call ends, just after the last frame went out. */
    private static Path awaitOneCompleteExchange(Path recordDir) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            List<Path> exchanges;
            try (Stream<Path> dirs = Files.list(recordDir)) {
                exchanges = dirs.toList();
            }
            if (exchanges.size() == 1 && Files.exists(exchanges.get(0).resolve("exchange.json"))) {
                assertThat(exchanges).hasSize(1);
                return exchanges.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no complete recording in " + recordDir);
    }

    @Test
    void secondExchangeOnTheSocketChainsThroughPreviousResponseId() throws Exception {
        Client client = connect();
        client.send(create(Samples.codexPlainRequest()));
        String firstId = last(client.readUntilTerminal()).at("/response/id").asText();

        ObjectNode followUp = create(Samples.codexPlainRequest());
        followUp.put("previous_response_id", firstId);
        followUp.putArray("input")
                .addObject()
                .put("type", "message")
                .put("role", "user")
                .put("content", "and now in French");
        client.send(followUp);
        JsonNode completed = last(client.readUntilTerminal());

        assertThat(completed.get("type").asText()).isEqualTo("response.completed");
        assertThat(upstream.chatRequests).hasSize(2);
        JsonNode messages =
                JSON.readTree(upstream.chatRequests.get(1).getBody().utf8()).get("messages");
        String upstreamSaw = messages.toString();
        // The full history: the first request's input, the relay's own answer, then the delta.
        assertThat(upstreamSaw).contains("Hello, World!").endsWith("and now in French\"}]");
        assertThat(messages.size())
                .isEqualTo(JSON.readTree(upstream.chatRequests.get(0).getBody().utf8())
                                .get("messages")
                                .size()
                        + 2);
    }

    @Test
    void unknownPreviousResponseIdIsTheCodeCodexRecoversFrom() throws Exception {
        Client client = connect();
        ObjectNode request = create(Samples.codexPlainRequest());
        request.put("previous_response_id", "resp_from_another_socket");

        client.send(request);
        JsonNode error = client.next();

        assertThat(error.get("type").asText()).isEqualTo("error");
        assertThat(error.get("status").asInt()).isEqualTo(400);
        assertThat(error.at("/error/code").asText()).isEqualTo("previous_response_not_found");
        assertThat(upstream.chatRequests).isEmpty();
    }

    @Test
    void invalidRequestIsAnErrorFrameWithStatus400AndThePath() throws Exception {
        Client client = connect();
        ObjectNode request = create(Samples.codexPlainRequest());
        request.remove("model");

        client.send(request);
        JsonNode error = client.next();

        assertThat(error.get("status").asInt()).isEqualTo(400);
        assertThat(error.at("/error/param").asText()).isEqualTo("/model");
    }

    @Test
    void upstreamRateLimitIsAnErrorFrameWithStatus429() throws Exception {
        upstream.enqueue(
                FakeUpstream.jsonError(
                        429,
                        "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\",\"code\":\"rate_limit_exceeded\"}}"));
        Client client = connect();

        client.send(create(Samples.codexPlainRequest()));
        JsonNode frame;
        do {
            frame = client.next();
        } while (!frame.get("type").asText().equals("error"));

        assertThat(frame.get("status").asInt()).isEqualTo(429);
    }

    @Test
    void prewarmIsAnsweredWithoutCallingTheUpstreamAndCanBeChainedFrom() throws Exception {
        Client client = connect();
        ObjectNode prewarm = create(Samples.codexPlainRequest());
        prewarm.put("generate", false);

        client.send(prewarm);
        List<JsonNode> events = client.readUntilTerminal();

        assertThat(events)
                .extracting(e -> e.get("type").asText())
                .containsExactly("response.created", "response.completed");
        assertThat(upstream.chatRequests).isEmpty();

        ObjectNode turn = create(Samples.codexPlainRequest());
        turn.put("previous_response_id", last(events).at("/response/id").asText());
        turn.putArray("input");
        client.send(turn);
        assertThat(last(client.readUntilTerminal()).get("type").asText()).isEqualTo("response.completed");
        assertThat(upstream.chatRequests).hasSize(1);
    }

    @Test
    void clientDroppingTheSocketCancelsTheUpstream() throws Exception {
        FakeUpstream.EndlessBody body = new FakeUpstream.EndlessBody(TEXT_CHUNK, TEXT_CHUNK, Duration.ofMillis(50));
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build());
        Client client = connect();
        client.send(create(Samples.codexPlainRequest()));
        JsonNode frame;
        do {
            frame = client.next();
        } while (!frame.get("type").asText().equals("response.output_text.delta"));

        client.socket.abort();

        try {
            assertThat(body.sawDisconnect.await(3, TimeUnit.SECONDS))
                    .as("the upstream connection was closed within 3 s of the socket drop")
                    .isTrue();
        } finally {
            body.release();
        }
    }

    @Test
    void remoteCompactionOverTheSocketAnswersOneCompactionItem() throws Exception {
        Client client = connect();
        ObjectNode request = create(Samples.codexPlainRequest());
        ((com.fasterxml.jackson.databind.node.ArrayNode) request.get("input"))
                .addObject()
                .put("type", "compaction_trigger");

        client.send(request);
        List<JsonNode> events = client.readUntilTerminal();

        List<JsonNode> done = events.stream()
                .filter(e -> e.get("type").asText().equals("response.output_item.done"))
                .toList();
        assertThat(done).singleElement().satisfies(e -> {
            assertThat(e.at("/item/type").asText()).isEqualTo("compaction");
            assertThat(e.at("/item/encrypted_content").asText()).startsWith("rrcompact1:");
        });
        assertThat(last(events).get("type").asText()).isEqualTo("response.completed");
        String upstreamSaw = upstream.chatRequests.get(0).getBody().utf8();
        assertThat(upstreamSaw).contains("CONTEXT CHECKPOINT COMPACTION").doesNotContain("\"tools\"");
    }

    /** Codex sends a screenshot inline as a data URL (issue 13 §2): 300 KB, past Jetty's 64 KiB. */
    @Test
    void aMessageAsLargeAsAPostBodyIsServed() throws Exception {
        Client client = connect();
        ObjectNode request = create(Samples.codexPlainRequest());
        String picture = "data:image/png;base64," + "A".repeat(300 * 1024);
        ((com.fasterxml.jackson.databind.node.ArrayNode) request.get("input"))
                .addObject()
                .put("type", "message")
                .put("role", "user")
                .putArray("content")
                .addObject()
                .put("type", "input_image")
                .put("image_url", picture);

        client.send(request);
        List<JsonNode> events = client.readUntilTerminal();

        assertThat(last(events).get("type").asText()).isEqualTo("response.completed");
        assertThat(upstream.chatRequests)
                .singleElement()
                .satisfies(chat -> assertThat(chat.getBody().utf8()).contains(picture));
    }

    /**
     * Issue 13 §0: every request the relay refuses over the socket is an {@code error} event with
     * the status a POST would get, on a socket that stays open (as OpenAI's WebSocket mode answers),
     * so that Codex shows the reason instead of reconnecting five times. Last, a request it accepts
     * is served on the same socket.
     */
    @Test
    void everyRefusalIsAnErrorEventOnASocketThatStaysOpen() throws Exception {
        Client client = connect();
        ObjectNode unknownItem = create(Samples.codexPlainRequest());
        ((com.fasterxml.jackson.databind.node.ArrayNode) unknownItem.get("input"))
                .addObject()
                .put("type", "no_such_item");
        ObjectNode unlistedModel = create(Samples.codexPlainRequest()).put("model", "gpt-6.1-sol");
        ObjectNode unknownPrevious =
                create(Samples.codexPlainRequest()).put("previous_response_id", "resp_from_another_socket");

        client.socket.sendText("{not json", true).get(5, TimeUnit.SECONDS);
        JsonNode notJson = client.next();
        client.socket.sendText("[1,2]", true).get(5, TimeUnit.SECONDS);
        JsonNode notAnObject = client.next();
        client.send(unknownItem);
        JsonNode untranslatable = client.next();
        client.send(unlistedModel);
        JsonNode notServed = client.next();
        client.send(unknownPrevious);
        JsonNode notFound = client.next();
        client.send(create(Samples.codexPlainRequest()));
        List<JsonNode> served = client.readUntilTerminal();

        assertThat(List.of(notJson, notAnObject, untranslatable, notServed, notFound))
                .allSatisfy(event -> assertThat(event.path("type").asText()).isEqualTo("error"))
                .extracting(event -> event.path("status").asInt())
                .containsExactly(400, 400, 400, 404, 400);
        // Issue 17: where the JSON broke in plain words, none of the parser's internals.
        assertThat(notJson.at("/error/message").asText())
                .contains("line 1, column ", "expected a field name in double quotes, found 'n'")
                .doesNotContain("StreamReadFeature", "Source", "(code ");
        assertThat(untranslatable.at("/error/param").asText()).isEqualTo("/input/4/type");
        assertThat(notServed.at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(notServed.at("/error/message").asText()).contains("relay-test-model", "--model");
        assertThat(last(served).get("type").asText()).isEqualTo("response.completed");
        assertThat(upstream.chatRequests)
                .as("only the last request went upstream")
                .hasSize(1);
    }

    /**
     * Issue 13 §2: a message past the POST limit gets the POST's 413 as an error event, and the
     * socket stays open for the next {@code response.create}.
     *
     * <p>The message goes out in 1 MiB parts of one message (continuation frames, as a client
     * streaming a large body would send it). Sent with a single {@code sendText} of 32 MiB or more,
     * the JDK 17 WebSocket client itself garbles the frames (Jetty then finds a frame header inside
     * a payload and closes with 1007 "Invalid UTF-8" or 1002 "Unknown opcode"); the same 64 MiB
     * message written as one correctly masked RFC 6455 frame by a hand-written client got the 413
     * event. That client bug is what made this socket close before (commit 030c043).
     */
    @Test
    void aMessageOverThePostLimitGetsA413ErrorEventAndTheSocketStaysOpen() throws Exception {
        Client client = connect();
        String prefix = "{\"type\":\"response.create\",\"padding\":\"";
        String suffix = "\"}";
        String oversized =
                prefix + "x".repeat(RequestBodies.MAX_BODY_BYTES + 1 - prefix.length() - suffix.length()) + suffix;

        int part = 1 << 20;
        for (int from = 0; from < oversized.length(); from += part) {
            int to = Math.min(oversized.length(), from + part);
            client.socket
                    .sendText(oversized.substring(from, to), to == oversized.length())
                    .get(60, TimeUnit.SECONDS);
        }
        JsonNode error = client.next();

        assertThat(error.get("type").asText()).isEqualTo("error");
        assertThat(error.get("status").asInt()).isEqualTo(413);
        assertThat(error.at("/error/code").asText()).isEqualTo("request_too_large");
        client.send(create(Samples.codexPlainRequest()));
        assertThat(last(client.readUntilTerminal()).get("type").asText()).isEqualTo("response.completed");
        assertThat(upstream.chatRequests).hasSize(1);
    }

    /**
     * Issue 18: a message is charged against the memory budget like a POST body. With a POST holding
     * 6 MiB of an 8 MiB budget (3 MiB declared, 100 KiB sent: {@code OverloadRefusalTest}'s holder),
     * a 2 MiB message (4 MiB charged) does not fit: it gets the POST's 503 as an error event, its
     * charge is given back at once, and the socket serves the next message. Once the POST is gone
     * and the exchange over, nothing is charged.
     */
    @Test
    void aMessageOverTheMemoryBudgetGetsA503ErrorEventAndTheSocketStaysOpen() throws Exception {
        RelayServer server = RelayServer.start(
                "--port", "0", "--upstream", upstream.baseUrl(), "--store", "off", "--memory-budget", "8m");
        toClose.add(server);
        Client client = new Client(server.baseUrl().replaceFirst("^http", "ws") + "/responses");
        toClose.add(client);
        long held = 6L << 20;
        Socket holder = holdBudget(server, 3 << 20, 100 * 1024);
        toClose.add(holder);
        awaitCharged(server, charged -> charged == held);

        client.send(withImage(create(Samples.codexPlainRequest()), 2 << 20));
        JsonNode refused = client.next();

        assertThat(refused.get("type").asText()).isEqualTo("error");
        assertThat(refused.get("status").asInt()).isEqualTo(503);
        assertThat(refused.at("/error/code").asText()).isEqualTo("server_overloaded");
        assertThat(refused.at("/headers/retry-after").asText()).isEqualTo("1");
        assertThat(server.memoryBudget().used())
                .as("the refused message's charge is given back")
                .isEqualTo(held);

        client.send(create(Samples.codexPlainRequest()));
        assertThat(last(client.readUntilTerminal()).get("type").asText()).isEqualTo("response.completed");

        holder.close(); // the POST goes away, and its charge with it
        assertThat(upstream.chatRequests).hasSize(1);
        // The socket keeps its last response's input for previous_response_id, charged until it
        // closes.
        awaitCharged(server, charged -> charged > 0 && charged < held);
        client.close();
        awaitCharged(server, charged -> charged == 0);
    }

    /**
     * Issue 18: the input a socket keeps for {@code previous_response_id} is charged while it is
     * kept, about its message's size, and given back when the socket closes.
     */
    @Test
    void theInputASocketKeepsIsChargedUntilItCloses() throws Exception {
        RelayServer server = RelayServer.start("--port", "0", "--upstream", upstream.baseUrl(), "--store", "off");
        toClose.add(server);
        Client client = new Client(server.baseUrl().replaceFirst("^http", "ws") + "/responses");
        toClose.add(client);
        int image = 1 << 20;

        client.send(withImage(create(Samples.codexPlainRequest()), image));
        assertThat(last(client.readUntilTerminal()).get("type").asText()).isEqualTo("response.completed");

        awaitCharged(server, charged -> charged >= image && charged < 2L * image + (1 << 20));
        client.close();
        awaitCharged(server, charged -> charged == 0);
    }

    /**
     * Issue 18: a message's charge is held while its exchange runs (the relay holds its items until
     * the answer ends) and given back when the client drops the socket mid-answer.
     */
    @Test
    void aMessageIsChargedWhileItsExchangeRunsAndReleasedWhenTheSocketDrops() throws Exception {
        FakeUpstream.EndlessBody body = new FakeUpstream.EndlessBody(TEXT_CHUNK, TEXT_CHUNK, Duration.ofMillis(50));
        upstream.enqueue(new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build());
        RelayServer server = RelayServer.start("--port", "0", "--upstream", upstream.baseUrl(), "--store", "off");
        toClose.add(server);
        Client client = new Client(server.baseUrl().replaceFirst("^http", "ws") + "/responses");
        toClose.add(client);
        int image = 1 << 20;
        try {
            client.send(withImage(create(Samples.codexPlainRequest()), image));
            JsonNode frame;
            do {
                frame = client.next();
            } while (!frame.get("type").asText().equals("response.output_text.delta"));

            assertThat(server.memoryBudget().used())
                    .as("the running exchange's message is charged")
                    .isGreaterThanOrEqualTo((long) image * 2);

            client.socket.abort();
            awaitCharged(server, charged -> charged == 0);
        } finally {
            body.release();
        }
    }

    /** Adds a user message with an inline PNG data URL of {@code base64Chars} characters. */
    private static ObjectNode withImage(ObjectNode request, int base64Chars) {
        ((com.fasterxml.jackson.databind.node.ArrayNode) request.get("input"))
                .addObject()
                .put("type", "message")
                .put("role", "user")
                .putArray("content")
                .addObject()
                .put("type", "input_image")
                .put("image_url", "data:image/png;base64," + "A".repeat(base64Chars));
        return request;
    }

    /**
     * A POST to {@code server} that announces {@code declared} bytes, sends {@code sent} of them
     * (past the 64 KiB after which its declared length is charged) and then nothing: it holds twice
     * its declared length of the budget until the socket closes.
     */
    private static Socket holdBudget(RelayServer server, int declared, int sent) throws Exception {
        URI base = URI.create(server.baseUrl());
        Socket holder = new Socket(InetAddress.getLoopbackAddress(), base.getPort());
        OutputStream out = holder.getOutputStream();
        out.write(("POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:" + base.getPort()
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + declared + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write("A".repeat(sent).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return holder;
    }

    /** Waits (up to 30 s, a bound for a stuck relay, not a timing assertion) for the budget's charge. */
    private static void awaitCharged(RelayServer server, LongPredicate expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!expected.test(server.memoryBudget().used()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.memoryBudget().used())
                .as("the memory budget's charge")
                .matches(expected::test);
    }

    private static JsonNode last(List<JsonNode> events) {
        return events.get(events.size() - 1);
    }

    /** A JDK WebSocket client that queues every text message it receives. */
    private static final class Client implements WebSocket.Listener, AutoCloseable {
        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final WebSocket socket;
        private final StringBuilder partial = new StringBuilder();

        Client(String url, String... headerNamesAndValues) throws Exception {
            WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
            for (int i = 0; i < headerNamesAndValues.length; i += 2) {
                builder.header(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
            }
            socket = builder.buildAsync(URI.create(url), this).get(5, TimeUnit.SECONDS);
        }

        void send(JsonNode message) throws Exception {
            socket.sendText(message.toString(), true).get(5, TimeUnit.SECONDS);
        }

        JsonNode next() throws Exception {
            String frame = frames.poll(10, TimeUnit.SECONDS);
            assertThat(frame).as("a frame within 10 s").isNotNull();
            return JSON.readTree(frame);
        }

        List<JsonNode> readUntilTerminal() throws Exception {
            List<JsonNode> events = new ArrayList<>();
            while (true) {
                JsonNode event = next();
                events.add(event);
                String type = event.get("type").asText();
                if (type.equals("response.completed") || type.equals("response.failed") || type.equals("error")) {
                    return events;
                }
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            frames.add("{\"type\":\"closed by the server\",\"code\":" + statusCode + ",\"reason\":"
                    + JSON.valueToTree(reason) + "}");
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            frames.add("{\"type\":\"client error\",\"error\":" + JSON.valueToTree(error.toString()) + "}");
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
