package dev.responsesrelay.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 §3: which "keep the client's idle timer alive" events the strict Responses clients
 * accept while the upstream is silent. Codex resets its idle timer only on SSE events, not on
 * comments, so the relay needs an event every client tolerates.
 *
 * <p>The base stream is what the relay sends today for a reasoning-then-text answer (captured from a
 * {@link RelayUnderTest} in {@link #captureTheRelaysStream()}); each variant inserts two filler
 * events of one {@link Candidate} at one {@link Position}, renumbering {@code sequence_number}.
 * A plain HTTP server serves the variants; each client streams every variant and the test checks
 * that it either finishes with the same answer or fails, as recorded in docs (the findings are in
 * docs/CLIENTS.md, "Idle events").
 */
class IdleEventCandidatesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ANSWER = "Hello from the relay.";
    private static final Pattern VARIANT = Pattern.compile("variant (\\d+)");

    /** A filler event the relay could send while the upstream is silent. */
    enum Candidate {
        /** Control: an SSE comment, what the relay sends today; Codex does not count it. */
        COMMENT,
        /** A repeat of the {@code response.in_progress} event, with the in-progress response. */
        REPEATED_IN_PROGRESS,
        /** An event of a type no Responses client knows: {@code {"type":"keepalive"}}. */
        UNKNOWN_TYPE
    }

    /** Where the filler goes. */
    enum Position {
        /** Before the first output item: a model reading a long prompt. */
        BEFORE_OUTPUT,
        /** Between two text deltas: a model pausing mid-answer. */
        MID_TEXT
    }

    record Variant(Candidate candidate, Position position, String sse) {
        String label() {
            return candidate + "@" + position;
        }
    }

    private static RelayUnderTest relay;
    private static final List<Variant> variants = new ArrayList<>();
    private static HttpServer responsesServer;
    private static String baseUrl;

    @BeforeAll
    static void captureTheRelaysStream() throws Exception {
        relay = RelayUnderTest.start();
        relay.beginTest();
        relay.enqueue(ChatReplies.streamedText("Greeting the user.", ANSWER));
        HttpResponse<String> captured = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/responses"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"scripted-model\",\"input\":\"Say hello\",\"stream\":true}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(captured.statusCode()).as(captured.body()).isEqualTo(200);
        List<SseEvent> base = parse(captured.body());
        for (Candidate candidate : Candidate.values()) {
            for (Position position : Position.values()) {
                variants.add(new Variant(candidate, position, render(insert(base, candidate, position))));
            }
        }
        responsesServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        responsesServer.createContext("/", IdleEventCandidatesTest::serve);
        responsesServer.start();
        baseUrl = "http://127.0.0.1:" + responsesServer.getAddress().getPort() + "/v1";
    }

    @AfterAll
    static void stop() {
        if (responsesServer != null) {
            responsesServer.stop(0);
        }
        relay.close();
    }

    @Test
    void openAiNodeStreamHelper() {
        Map<String, String> outcomes = nodeOutcomes("openai-node.mjs");
        assertThat(outcomes).isEqualTo(expected(Map.of()));
    }

    @Test
    void aiSdkStreamText() {
        Map<String, String> outcomes = nodeOutcomes("ai-sdk.mjs");
        assertThat(outcomes).isEqualTo(expected(Map.of()));
    }

    @Test
    void agentsSdkStreamedRun() {
        Map<String, String> outcomes = nodeOutcomes("agents.mjs");
        assertThat(outcomes).isEqualTo(expected(Map.of()));
    }

    @Test
    void langChainStream() {
        Map<String, String> outcomes = nodeOutcomes("langchain.mjs");
        assertThat(outcomes).isEqualTo(expected(Map.of()));
    }

    @Test
    void openAiJavaResponseAccumulator() {
        Map<String, String> outcomes = new LinkedHashMap<>();
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl)
                .apiKey(RelayUnderTest.CLIENT_KEY)
                .build();
        try {
            for (int i = 0; i < variants.size(); i++) {
                ResponseAccumulator accumulator = ResponseAccumulator.create();
                String outcome;
                try (StreamResponse<ResponseStreamEvent> stream = client.responses()
                        .createStreaming(ResponseCreateParams.builder()
                                .model(RelayUnderTest.MODEL)
                                .input("variant " + i)
                                .build())) {
                    stream.stream().forEach(accumulator::accumulate);
                    Response response = accumulator.response();
                    outcome = textOutcome(OpenAiJavaResponsesEndToEndTest.outputText(response));
                } catch (RuntimeException e) {
                    outcome = "failed: " + e;
                }
                outcomes.put(variants.get(i).label(), outcome);
            }
        } finally {
            client.close();
        }
        System.out.println("openai-java ResponseAccumulator: " + outcomes);
        assertThat(outcomes).isEqualTo(expected(Map.of()));
    }

    /** Every variant accepted, except those listed with the start of their failure. */
    private static Map<String, String> expected(Map<String, String> failures) {
        Map<String, String> expected = new LinkedHashMap<>();
        for (Variant variant : variants) {
            expected.put(variant.label(), failures.getOrDefault(variant.label(), "accepted"));
        }
        return expected;
    }

    private static Map<String, String> nodeOutcomes(String script) {
        NodeRun run = NodeClients.installed()
                .run(
                        script,
                        "idle",
                        baseUrl,
                        RelayUnderTest.CLIENT_KEY,
                        Map.of("RELAY_TEST_VARIANTS", Integer.toString(variants.size())));
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (JsonNode outcome : run.result()) {
            String label = variants.get(outcome.path("variant").asInt()).label();
            outcomes.put(
                    label,
                    outcome.path("ok").asBoolean()
                            ? textOutcome(outcome.path("value").path("text").asText())
                            : "failed: " + outcome.path("error").path("message").asText());
        }
        System.out.println(script + ": " + outcomes + "\n" + run.stdout());
        return outcomes;
    }

    private static String textOutcome(String text) {
        return text.equals(ANSWER) ? "accepted" : "wrong text: " + text;
    }

    private static void serve(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Matcher matcher = VARIANT.matcher(body);
        if (!exchange.getRequestMethod().equals("POST")
                || !exchange.getRequestURI().getPath().endsWith("/responses")
                || !matcher.find()) {
            byte[] error = "{\"error\":{\"message\":\"not a variant request\",\"type\":\"invalid_request_error\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(404, error.length);
            exchange.getResponseBody().write(error);
            exchange.close();
            return;
        }
        Variant variant = variants.get(Integer.parseInt(matcher.group(1)));
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String event : variant.sse().split("(?<=\n\n)", -1)) {
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    /** One SSE event: its {@code event:} name and its {@code data:} JSON, or a comment. */
    record SseEvent(String name, JsonNode data, String comment) {}

    private static List<SseEvent> parse(String sse) throws IOException {
        List<SseEvent> events = new ArrayList<>();
        for (String block : sse.split("\n\n", -1)) {
            String name = null;
            String data = null;
            for (String line : block.split("\n", -1)) {
                if (line.startsWith("event:")) {
                    name = line.substring("event:".length()).strip();
                } else if (line.startsWith("data:")) {
                    data = line.substring("data:".length()).strip();
                }
            }
            // Comments (the relay's keep-alives) are left out: only the candidates add filler.
            if (data != null) {
                JsonNode json = MAPPER.readTree(data);
                events.add(new SseEvent(name == null ? json.path("type").asText() : name, json, ""));
            }
        }
        return events;
    }

    private static List<SseEvent> insert(List<SseEvent> base, Candidate candidate, Position position) {
        int at = -1;
        for (int i = 0; i < base.size() && at < 0; i++) {
            String type = base.get(i).name();
            if (position == Position.BEFORE_OUTPUT && type.equals("response.output_item.added")) {
                at = i;
            } else if (position == Position.MID_TEXT && type.equals("response.output_text.delta")) {
                at = i + 1;
            }
        }
        assertThat(at).as("where to put %s in %s", position, base).isPositive();
        SseEvent inProgress = base.stream()
                .filter(event -> event.name().equals("response.in_progress"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the relay sent no response.in_progress: " + base));
        List<SseEvent> events = new ArrayList<>(base);
        for (int i = 0; i < 2; i++) {
            SseEvent filler = switch (candidate) {
                case COMMENT -> new SseEvent("", MAPPER.nullNode(), ": keep-alive");
                case REPEATED_IN_PROGRESS ->
                    new SseEvent(inProgress.name(), inProgress.data().deepCopy(), "");
                case UNKNOWN_TYPE ->
                    new SseEvent("keepalive", MAPPER.createObjectNode().put("type", "keepalive"), "");
            };
            events.add(at, filler);
        }
        // Renumber: every event carries the next sequence_number, as OpenAI's streams do.
        int sequence = 0;
        List<SseEvent> numbered = new ArrayList<>();
        for (SseEvent event : events) {
            if (event.comment().isEmpty()) {
                ObjectNode data = (ObjectNode) event.data().deepCopy();
                data.put("sequence_number", sequence++);
                numbered.add(new SseEvent(event.name(), data, ""));
            } else {
                numbered.add(event);
            }
        }
        return numbered;
    }

    private static String render(List<SseEvent> events) {
        StringBuilder sse = new StringBuilder();
        for (SseEvent event : events) {
            if (!event.comment().isEmpty()) {
                sse.append(event.comment()).append("\n\n");
            } else {
                sse.append("event: ").append(event.name()).append('\n');
                sse.append("data: ").append(event.data()).append("\n\n");
            }
        }
        return sse.toString();
    }
}
