package dev.responsesrelay.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.capture.CodexFixtureCapture.Capture;
import dev.responsesrelay.capture.CodexFixtureCapture.Case;
import dev.responsesrelay.fixtures.Fixtures;
import dev.responsesrelay.fixtures.ResponsesStreamChecker;
import dev.responsesrelay.fixtures.Scenario;
import dev.responsesrelay.fixtures.Scenario.Part;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Captures a few {@link CodexFixtureCapture} cases afresh with the real Codex CLI 0.169.0 and checks
 * that each recording has the structure of the committed {@code codex-0.169.0/recorded-*}
 * scenarios: as many exchanges, the same request fields, input item types, tool names and call ids,
 * the same Chat messages and tool calls the relay sent, and the same Responses event sequence. So a
 * change in Codex's requests or in the relay's translation shows up here, while ids, prompt cache
 * keys and other volatile values are not compared. The fresh Responses stream must also pass the
 * checker.
 *
 * <p>The cases: a tool-call round trip, reasoning replay across a resumed session, and remote
 * compaction (the three where Codex and the relay depend on each other most).
 */
class CodexCaptureDriftTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"tool-call", "reasoning-replay", "remote-compaction"})
    void freshCaptureHasTheStructureOfTheCommittedScenarios(String caseName) throws Exception {
        Case c = CodexFixtureCapture.named(caseName);
        Path base = Files.createDirectories(Path.of(System.getProperty("user.dir"), "target", "codex-capture-ci"));
        Capture capture = CodexFixtureCapture.capture(c, Files.createTempDirectory(base, caseName + "-"));
        Path written = Files.createTempDirectory(base, caseName + "-scenarios-");
        List<String> names = CodexFixtureCapture.writeScenarios(c, capture, written);

        assertThat(names).as("exchanges of %s", caseName).hasSize(c.exchanges().size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Scenario committed = Fixtures.scenario(name);
            Path exchange = capture.exchanges().get(i);
            Path folder = written.resolve(name);

            assertThat(requestShape(read(folder.resolve("request.responses.json"))))
                    .as("%s: Codex's Responses request (fields, input items, tools, call ids)", name)
                    .isEqualTo(requestShape(committed.part(Part.REQUEST_RESPONSES)));
            assertThat(chatShape(read(exchange.resolve("request.chat.json"))))
                    .as("%s: the relay's Chat request (messages, tool calls, tools)", name)
                    .isEqualTo(chatShape(committed.part(Part.REQUEST_CHAT)));
            assertThat(read(folder.resolve("upstream.chat.sse")))
                    .as("%s: the scripted upstream answer", name)
                    .isEqualTo(committed.part(Part.UPSTREAM_CHAT_SSE));
            String events = read(exchange.resolve("response.responses.sse"));
            ResponsesStreamChecker.create().check(events).assertValid();
            assertThat(eventTypes(events))
                    .as("%s: the Responses events Codex accepted", name)
                    .isEqualTo(eventTypes(committed.part(Part.EXPECTED_RESPONSES_SSE)));
        }
    }

    /**
     * What must not drift in a Responses request: its field names, each input item's type and role
     * (with the call id and name of calls and outputs), and the tool names with their namespaces.
     */
    static JsonNode requestShape(String requestJson) throws Exception {
        JsonNode request = JSON.readTree(requestJson);
        ObjectNode shape = JSON.createObjectNode();
        shape.put("model", request.path("model").asText());
        shape.set("fields", sortedNames(request));
        ArrayNode input = shape.putArray("input");
        for (JsonNode item : request.path("input")) {
            ObjectNode summary = input.addObject();
            for (String key : List.of("type", "role", "call_id", "name", "namespace")) {
                if (item.hasNonNull(key)) {
                    summary.put(key, item.get(key).asText());
                }
            }
            if (item.hasNonNull("encrypted_content")) {
                summary.put("encrypted_content", true);
            }
            ArrayNode parts = summary.putArray("content");
            if (item.path("content").isArray()) {
                item.path("content").forEach(part -> parts.add(part.path("type").asText()));
            }
        }
        shape.set("tools", toolNames(request.path("tools")));
        return shape;
    }

    /**
     * What must not drift in the relay's Chat request: its field names, each message's role, whether
     * it carries reasoning, its tool calls (id and name) and the id it answers, and the tool names.
     */
    static JsonNode chatShape(String chatJson) throws Exception {
        JsonNode chat = JSON.readTree(chatJson);
        ObjectNode shape = JSON.createObjectNode();
        shape.set("fields", sortedNames(chat));
        ArrayNode messages = shape.putArray("messages");
        for (JsonNode message : chat.path("messages")) {
            ObjectNode summary = messages.addObject();
            summary.put("role", message.path("role").asText());
            summary.put("reasoning_content", message.hasNonNull("reasoning_content"));
            if (message.hasNonNull("tool_call_id")) {
                summary.put("tool_call_id", message.get("tool_call_id").asText());
            }
            ArrayNode calls = summary.putArray("tool_calls");
            message.path("tool_calls")
                    .forEach(call -> calls.add(call.path("id").asText() + " "
                            + call.path("function").path("name").asText()));
        }
        ArrayNode tools = shape.putArray("tools");
        chat.path("tools")
                .forEach(tool -> tools.add(tool.path("function").path("name").asText()));
        return shape;
    }

    static List<String> eventTypes(String sse) {
        List<String> types = new ArrayList<>();
        for (String line : sse.split("\n", -1)) {
            if (line.startsWith("event:")) {
                types.add(line.substring("event:".length()).strip());
            }
        }
        return types;
    }

    private static ArrayNode toolNames(JsonNode tools) {
        ArrayNode names = JSON.createArrayNode();
        for (JsonNode tool : tools) {
            String name = tool.path("type").asText() + " " + tool.path("name").asText();
            names.add(name);
            tool.path("tools")
                    .forEach(child -> names.add(name + "/" + child.path("name").asText()));
        }
        return names;
    }

    private static ArrayNode sortedNames(JsonNode object) {
        TreeSet<String> names = new TreeSet<>();
        Iterator<String> it = object.fieldNames();
        it.forEachRemaining(names::add);
        ArrayNode array = JSON.createArrayNode();
        names.forEach(array::add);
        return array;
    }

    private static String read(Path file) throws Exception {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
