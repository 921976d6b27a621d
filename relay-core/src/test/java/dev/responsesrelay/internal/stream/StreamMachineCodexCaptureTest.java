package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.fixtures.Samples;
import dev.responsesrelay.internal.JsonTestSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays the SSE streams Codex 0.169 accepted ({@code fixtures/src/main/resources/dev/responsesrelay/fixtures/samples/codex-0.169.0/sse/}) through the
 * translator: each capture's deltas become a synthetic Chat upstream (docs/dialects.md §0 shape: text as
 * {@code content}, reasoning as {@code reasoning_content}, calls as {@code tool_calls} with the
 * capture's call ids, a finish chunk, a usage chunk with the capture's usage, {@code [DONE]}), and
 * the translation must produce the capture's event sequence and the same output items and usage.
 * The captures also stream raw {@code reasoning_text}, which the translator deliberately does not
 * (reasoning goes out as a summary so Codex shows it by default), so those events are left out.
 */
class StreamMachineCodexCaptureTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "01_plain_text.sse",
                "02_reasoning_plus_text.sse",
                "03_function_call_turn1.sse",
                "03_function_call_turn2_final.sse",
                "04_custom_tool_call_apply_patch.sse",
                "05_parallel_function_calls.sse",
                "06_mcp_namespaced_function_call.sse"
            })
    void translationMatchesTheStreamCodexAccepted(String capture) {
        List<JsonNode> captured = decode(Samples.bytes("codex-0.169.0/sse/" + capture));
        TestContexts contexts = TestContexts.builder();
        List<String> upstream = new ArrayList<>();
        Map<String, Integer> callIndexByItem = new HashMap<>();
        Map<String, JsonNode> addedItems = new HashMap<>();
        Set<String> declared = new HashSet<>();
        boolean calls = false;
        JsonNode usage = null;
        for (JsonNode event : captured) {
            switch (event.path("type").asText()) {
                case "response.output_item.added" -> {
                    JsonNode item = event.path("item");
                    addedItems.put(item.path("id").asText(), item);
                    String type = item.path("type").asText();
                    if (type.equals("function_call") || type.equals("custom_tool_call")) {
                        calls = true;
                        String name = item.path("name").asText();
                        String namespace = item.path("namespace").asText("");
                        String chatName = namespace.isEmpty() ? name : namespace + "__" + name;
                        if (declared.add(chatName)) { // parallel calls may repeat a tool
                            if (type.equals("custom_tool_call")) {
                                contexts.custom(name, "input");
                            } else if (namespace.isEmpty()) {
                                contexts.function(name);
                            } else {
                                contexts.namespaced(chatName, namespace, name);
                            }
                        }
                        int index = callIndexByItem.size();
                        callIndexByItem.put(item.path("id").asText(), index);
                        upstream.add(Chunks.toolCall(index, item.path("call_id").asText(), chatName, ""));
                    }
                }
                case "response.output_text.delta" ->
                    upstream.add(Chunks.text(event.path("delta").asText()));
                case "response.reasoning_summary_text.delta" ->
                    upstream.add(Chunks.reasoning(
                            "reasoning_content", event.path("delta").asText()));
                case "response.function_call_arguments.delta" ->
                    upstream.add(Chunks.toolCall(
                            callIndexByItem.get(event.path("item_id").asText()),
                            null,
                            null,
                            event.path("delta").asText()));
                case "response.custom_tool_call_input.delta" ->
                    upstream.add(Chunks.toolCall(
                            callIndexByItem.get(event.path("item_id").asText()),
                            null,
                            null,
                            "{\"input\":" + Chunks.quote(event.path("delta").asText()) + "}"));
                case "response.completed" -> usage = event.path("response").path("usage");
                default -> {}
            }
        }
        upstream.add(Chunks.finish(calls ? "tool_calls" : "stop"));
        if (usage != null) {
            upstream.add(usageChunk(usage));
        }
        upstream.add("[DONE]");

        StreamRun.Result result = StreamRun.translate(contexts.build(), upstream.toArray(String[]::new));

        List<String> expectedTypes = captured.stream()
                .map(e -> e.path("type").asText())
                .filter(t -> !t.startsWith("response.reasoning_text."))
                .collect(Collectors.toList());
        assertThat(result.types()).isEqualTo(expectedTypes);

        List<JsonNode> expectedItems = captured.stream()
                .filter(e -> e.path("type").asText().equals("response.output_item.done"))
                .map(e -> e.path("item"))
                .collect(Collectors.toList());
        assertThat(result.output()).hasSameSizeAs(expectedItems);
        for (int i = 0; i < expectedItems.size(); i++) {
            assertSameItem(result.output().get(i), expectedItems.get(i));
        }
        if (usage != null) {
            JsonNode actual = result.response().path("usage");
            assertThat(actual.path("input_tokens")).isEqualTo(usage.path("input_tokens"));
            assertThat(actual.path("output_tokens")).isEqualTo(usage.path("output_tokens"));
            assertThat(actual.path("total_tokens")).isEqualTo(usage.path("total_tokens"));
            assertThat(actual.path("input_tokens_details").path("cached_tokens").asLong())
                    .isEqualTo(usage.path("input_tokens_details")
                            .path("cached_tokens")
                            .asLong());
        }
        assertThat(addedItems).hasSameSizeAs(expectedItems);
    }

    private static void assertSameItem(JsonNode actual, JsonNode expected) {
        String type = expected.path("type").asText();
        assertThat(actual.path("type").asText()).isEqualTo(type);
        switch (type) {
            case "message" ->
                assertThat(actual.path("content").get(0).path("text"))
                        .isEqualTo(expected.path("content").get(0).path("text"));
            case "reasoning" -> assertThat(actual.path("summary")).isEqualTo(expected.path("summary"));
            case "function_call" -> {
                assertThat(actual.path("call_id")).isEqualTo(expected.path("call_id"));
                assertThat(actual.path("name")).isEqualTo(expected.path("name"));
                assertThat(actual.path("namespace")).isEqualTo(expected.path("namespace"));
                assertThat(actual.path("arguments")).isEqualTo(expected.path("arguments"));
            }
            case "custom_tool_call" -> {
                assertThat(actual.path("call_id")).isEqualTo(expected.path("call_id"));
                assertThat(actual.path("name")).isEqualTo(expected.path("name"));
                assertThat(actual.path("input")).isEqualTo(expected.path("input"));
            }
            default -> throw new AssertionError("unexpected item " + expected);
        }
    }

    private static String usageChunk(JsonNode usage) {
        long input = usage.path("input_tokens").asLong();
        long output = usage.path("output_tokens").asLong();
        long cached = usage.path("input_tokens_details").path("cached_tokens").asLong();
        long reasoning =
                usage.path("output_tokens_details").path("reasoning_tokens").asLong();
        return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":" + input + ",\"completion_tokens\":" + output
                + ",\"total_tokens\":" + usage.path("total_tokens").asLong()
                + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":" + reasoning + "}}}";
    }

    private static List<JsonNode> decode(byte[] sse) {
        SseDecoder decoder = SseDecoder.create();
        List<SseEvent> events = new ArrayList<>(decoder.feed(sse));
        events.addAll(decoder.finish());
        return events.stream().map(e -> JsonTestSupport.tree(e.data())).collect(Collectors.toList());
    }
}
