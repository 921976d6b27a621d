package dev.responsesrelay.internal.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.HealingRule;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import dev.responsesrelay.fixtures.Samples;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.JsonTestSupport;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Runs requests and streams through the public {@link ResponsesTranslator} for a given profile,
 * the way a server does, with deterministic ids and clock.
 */
public final class ProviderTestSupport {
    public static final String CODEX_DIR = "codex-0.169.0/";

    private ProviderTestSupport() {}

    /** A fresh translator for {@code profile}, as a new relay instance would build it. */
    /**
     * One Chat stream chunk with {@code deltaJson} as its delta (synthetic, OpenAI's shape,
     * docs/dialects.md §0).
     */
    public static String chunk(String deltaJson, @Nullable String finishReason) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":" + deltaJson + ",\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}";
    }

    public static ResponsesTranslator translator(ProviderProfile profile, HealingRule... enabled) {
        ResponsesTranslator.Builder builder = ResponsesTranslator.builder()
                .provider(profile)
                .idGenerator(IdGenerator.sequential())
                .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        for (HealingRule rule : enabled) {
            builder.enableHealing(rule);
        }
        return builder.build();
    }

    /** A real Codex 0.169 request body, {@code data/codex-0.169.0/<name>_POST_v1_responses.body.json}. */
    public static ObjectNode codexBody(String name) {
        return (ObjectNode) JsonTestSupport.tree(Samples.text(CODEX_DIR + name + "_POST_v1_responses.body.json"));
    }

    public static Translation translate(ProviderProfile profile, JsonNode body) {
        return translator(profile).translate(body.toString());
    }

    public static JsonNode chat(ProviderProfile profile, JsonNode body) {
        return chat(translate(profile, body));
    }

    public static JsonNode chat(Translation translation) {
        return JsonTestSupport.tree(translation.chatRequestJson());
    }

    /** The assistant messages of a Chat body, in order. */
    public static List<JsonNode> assistants(JsonNode chat) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode message : chat.path("messages")) {
            if (message.path("role").asText().equals("assistant")) {
                out.add(message);
            }
        }
        return out;
    }

    /** The roles of a Chat body's messages, in order. */
    public static List<String> roles(JsonNode chat) {
        List<String> out = new ArrayList<>();
        chat.path("messages").forEach(m -> out.add(m.path("role").asText()));
        return out;
    }

    /**
     * A minimal Codex-shaped request (docs/codex-wire.md §1.2, §1.3; synthetic): a developer message, a
     * user prompt and Codex's {@code exec_command} function tool, streaming.
     */
    public static ObjectNode codexLikeRequest(String model, String prompt) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model);
        body.put("stream", true);
        ArrayNode input = body.putArray("input");
        input.addObject()
                .put("type", "message")
                .put("role", "developer")
                .putArray("content")
                .addObject()
                .put("type", "input_text")
                .put("text", "You are a coding agent.");
        input.addObject()
                .put("type", "message")
                .put("role", "user")
                .putArray("content")
                .addObject()
                .put("type", "input_text")
                .put("text", prompt);
        ObjectNode tool = body.putArray("tools").addObject();
        tool.put("type", "function");
        tool.put("name", "exec_command");
        tool.put("description", "Runs a command.");
        tool.put("strict", false);
        ObjectNode parameters = tool.putObject("parameters");
        parameters.put("type", "object");
        parameters.putObject("properties").putObject("cmd").put("type", "string");
        parameters.putArray("required").add("cmd");
        parameters.put("additionalProperties", false);
        body.put("tool_choice", "auto");
        body.put("parallel_tool_calls", true);
        body.putObject("reasoning").put("summary", "auto");
        body.put("store", false);
        body.putArray("include").add("reasoning.encrypted_content");
        return body;
    }

    /**
     * Streams {@code chunks} (Chat {@code data:} payloads) through a translation's stream, checks
     * the emitted events (invariants and openai-java acceptance) and returns them.
     */
    public static List<SseEvent> stream(Translation translation, String... chunks) {
        ResponsesStream stream = translation.newStream();
        List<SseEvent> events = new ArrayList<>(stream.start());
        for (String chunk : chunks) {
            events.addAll(stream.onData(chunk));
        }
        events.addAll(stream.onEnd());
        StreamRun.check(events);
        return events;
    }

    /** The {@code output} of the terminal event. */
    public static ArrayNode output(List<SseEvent> events) {
        return (ArrayNode) JsonTestSupport.tree(events.get(events.size() - 1).data())
                .path("response")
                .path("output");
    }

    /**
     * The next request as Codex would send it (docs/codex-wire.md §1.3, §6): the previous input, then
     * every output item as received, then one {@code function_call_output} per call, in call order.
     */
    public static ObjectNode nextTurn(ObjectNode previous, ArrayNode output, String toolResult) {
        ObjectNode next = previous.deepCopy();
        ArrayNode input = (ArrayNode) next.get("input");
        List<String> callIds = new ArrayList<>();
        for (JsonNode item : output) {
            input.add(item.deepCopy());
            if (item.path("type").asText().equals("function_call")) {
                callIds.add(item.path("call_id").asText());
            }
        }
        for (String callId : callIds) {
            input.addObject()
                    .put("type", "function_call_output")
                    .put("call_id", callId)
                    .put("output", toolResult);
        }
        return next;
    }
}
