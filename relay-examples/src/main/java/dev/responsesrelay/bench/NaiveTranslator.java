package dev.responsesrelay.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.internal.Json;
import java.io.UncheckedIOException;

/**
 * The baseline of the per-chunk benchmarks: what a naive relay does with each upstream chunk. It
 * parses the chunk into a Jackson tree, picks out the one delta it needs, and writes one event as
 * an {@link ObjectNode} serialised by the same {@link Json#MAPPER} the core uses. It keeps no state
 * beyond the sequence number, validates nothing and closes no items, so it is a floor, not a rival
 * implementation: the translator is meant to cost no more than this.
 *
 * <p>The events it writes have the fields the core writes for the same chunk (docs/codex-wire.md §2.1),
 * so both sides produce the same amount of JSON. For a usage chunk, which the core answers with no
 * event, it writes the Responses {@code usage} object the terminal event will carry.
 */
public final class NaiveTranslator {
    private final String itemId;
    private int sequenceNumber;

    /** A baseline translator whose events name the item {@code itemId}. */
    public NaiveTranslator(String itemId) {
        this.itemId = itemId;
    }

    /** Translates one chunk of the given kind into one event. */
    public SseEvent translate(ChunkKind kind, String chunk) {
        try {
            JsonNode root = Json.MAPPER.readTree(chunk);
            return switch (kind) {
                case TEXT -> textDelta(delta(root).path("content").asText());
                case REASONING ->
                    reasoningDelta(delta(root).path("reasoning_content").asText());
                case TOOL_ARGUMENTS ->
                    argumentsDelta(delta(root)
                            .path("tool_calls")
                            .path(0)
                            .path("function")
                            .path("arguments")
                            .asText());
                case USAGE -> usage(root.path("usage"));
            };
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode delta(JsonNode root) {
        return root.path("choices").path(0).path("delta");
    }

    private SseEvent textDelta(String text) throws JsonProcessingException {
        String type = "response.output_text.delta";
        ObjectNode event = itemEvent(type);
        event.put("content_index", 0);
        event.put("delta", text);
        event.putArray("logprobs");
        return write(type, event);
    }

    private SseEvent reasoningDelta(String text) throws JsonProcessingException {
        String type = "response.reasoning_summary_text.delta";
        ObjectNode event = itemEvent(type);
        event.put("summary_index", 0);
        event.put("delta", text);
        return write(type, event);
    }

    private SseEvent argumentsDelta(String fragment) throws JsonProcessingException {
        String type = "response.function_call_arguments.delta";
        ObjectNode event = itemEvent(type);
        event.put("delta", fragment);
        return write(type, event);
    }

    private SseEvent usage(JsonNode usage) throws JsonProcessingException {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("input_tokens", usage.path("prompt_tokens").asLong());
        out.putObject("input_tokens_details")
                .put(
                        "cached_tokens",
                        usage.path("prompt_tokens_details")
                                .path("cached_tokens")
                                .asLong());
        out.put("output_tokens", usage.path("completion_tokens").asLong());
        out.putObject("output_tokens_details")
                .put(
                        "reasoning_tokens",
                        usage.path("completion_tokens_details")
                                .path("reasoning_tokens")
                                .asLong());
        out.put("total_tokens", usage.path("total_tokens").asLong());
        return SseEvent.of("usage", Json.MAPPER.writeValueAsString(out));
    }

    private ObjectNode itemEvent(String type) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("type", type);
        event.put("sequence_number", sequenceNumber++);
        event.put("item_id", itemId);
        event.put("output_index", 0);
        return event;
    }

    private static SseEvent write(String type, ObjectNode event) throws JsonProcessingException {
        return SseEvent.of(type, Json.MAPPER.writeValueAsString(event));
    }
}
