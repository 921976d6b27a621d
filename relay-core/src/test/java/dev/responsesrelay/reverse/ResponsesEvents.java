package dev.responsesrelay.reverse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseStreamEvent;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Builds synthetic Responses streams, shaped after the Responses streaming events of docs/codex-wire.md
 * §6 and the stored streams in {@code codex-0.169.0/sse/}. Each event is checked against openai-java's
 * {@link ResponseStreamEvent} model ({@code validate()}: every required field present and well
 * typed) as it is built, so a synthetic event is one a real server could send. {@link #raw} adds an
 * event without that check, for deliberately broken input.
 */
final class ResponsesEvents {
    static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> events = new ArrayList<>();
    private int sequence;

    static ResponsesEvents stream() {
        return new ResponsesEvents().created();
    }

    List<String> data() {
        return List.copyOf(events);
    }

    ResponsesEvents created() {
        ObjectNode e = event("response.created");
        e.set("response", response("in_progress", JSON.createArrayNode(), null));
        return add(e);
    }

    ResponsesEvents messageAdded(int outputIndex, String itemId) {
        ObjectNode e = event("response.output_item.added");
        e.put("output_index", outputIndex);
        e.set("item", message(itemId, "in_progress", null));
        return add(e);
    }

    ResponsesEvents textDelta(int outputIndex, String itemId, String delta) {
        ObjectNode e = itemEvent("response.output_text.delta", outputIndex, itemId);
        e.put("content_index", 0);
        e.put("delta", delta);
        e.putArray("logprobs");
        return add(e);
    }

    ResponsesEvents textDone(int outputIndex, String itemId, String text) {
        ObjectNode e = itemEvent("response.output_text.done", outputIndex, itemId);
        e.put("content_index", 0);
        e.put("text", text);
        e.putArray("logprobs");
        return add(e);
    }

    ResponsesEvents refusalDelta(int outputIndex, String itemId, String delta) {
        ObjectNode e = itemEvent("response.refusal.delta", outputIndex, itemId);
        e.put("content_index", 0);
        e.put("delta", delta);
        return add(e);
    }

    ResponsesEvents messageDone(int outputIndex, String itemId, String text) {
        ObjectNode e = event("response.output_item.done");
        e.put("output_index", outputIndex);
        e.set("item", message(itemId, "completed", text));
        return add(e);
    }

    ResponsesEvents reasoningAdded(int outputIndex, String itemId) {
        ObjectNode e = event("response.output_item.added");
        e.put("output_index", outputIndex);
        e.set("item", reasoning(itemId, List.of(), List.of()));
        return add(e);
    }

    ResponsesEvents summaryDelta(int outputIndex, String itemId, int summaryIndex, String delta) {
        ObjectNode e = itemEvent("response.reasoning_summary_text.delta", outputIndex, itemId);
        e.put("summary_index", summaryIndex);
        e.put("delta", delta);
        return add(e);
    }

    ResponsesEvents reasoningTextDelta(int outputIndex, String itemId, String delta) {
        ObjectNode e = itemEvent("response.reasoning_text.delta", outputIndex, itemId);
        e.put("content_index", 0);
        e.put("delta", delta);
        return add(e);
    }

    ResponsesEvents reasoningDone(int outputIndex, String itemId, List<String> summary, List<String> raw) {
        ObjectNode e = event("response.output_item.done");
        e.put("output_index", outputIndex);
        e.set("item", reasoning(itemId, summary, raw));
        return add(e);
    }

    ResponsesEvents functionCallAdded(int outputIndex, String itemId, String callId, String name) {
        ObjectNode e = event("response.output_item.added");
        e.put("output_index", outputIndex);
        e.set("item", functionCall(itemId, callId, name, "", "in_progress", null));
        return add(e);
    }

    ResponsesEvents namespacedCallAdded(int outputIndex, String itemId, String callId, String namespace, String name) {
        ObjectNode e = event("response.output_item.added");
        e.put("output_index", outputIndex);
        e.set("item", functionCall(itemId, callId, name, "", "in_progress", namespace));
        return add(e);
    }

    ResponsesEvents argumentsDelta(int outputIndex, String itemId, String delta) {
        ObjectNode e = itemEvent("response.function_call_arguments.delta", outputIndex, itemId);
        e.put("delta", delta);
        return add(e);
    }

    ResponsesEvents argumentsDone(int outputIndex, String itemId, String name, String arguments) {
        ObjectNode e = itemEvent("response.function_call_arguments.done", outputIndex, itemId);
        e.put("name", name);
        e.put("arguments", arguments);
        return add(e);
    }

    ResponsesEvents functionCallDone(int outputIndex, String itemId, String callId, String name, String arguments) {
        ObjectNode e = event("response.output_item.done");
        e.put("output_index", outputIndex);
        e.set("item", functionCall(itemId, callId, name, arguments, "completed", null));
        return add(e);
    }

    ResponsesEvents customCallAdded(int outputIndex, String itemId, String callId, String name) {
        ObjectNode e = event("response.output_item.added");
        e.put("output_index", outputIndex);
        e.set("item", customCall(itemId, callId, name, ""));
        return add(e);
    }

    ResponsesEvents customInputDelta(int outputIndex, String itemId, String delta) {
        ObjectNode e = itemEvent("response.custom_tool_call_input.delta", outputIndex, itemId);
        e.put("delta", delta);
        return add(e);
    }

    ResponsesEvents customCallDone(int outputIndex, String itemId, String callId, String name, String input) {
        ObjectNode e = event("response.output_item.done");
        e.put("output_index", outputIndex);
        e.set("item", customCall(itemId, callId, name, input));
        return add(e);
    }

    ResponsesEvents completed(@Nullable ObjectNode usage) {
        return completed(JSON.createArrayNode(), usage);
    }

    ResponsesEvents completed(ArrayNode output, @Nullable ObjectNode usage) {
        ObjectNode e = event("response.completed");
        e.set("response", response("completed", output, usage));
        return add(e);
    }

    ResponsesEvents incomplete(String reason, @Nullable ObjectNode usage) {
        ObjectNode e = event("response.incomplete");
        ObjectNode response = response("incomplete", JSON.createArrayNode(), usage);
        response.putObject("incomplete_details").put("reason", reason);
        e.set("response", response);
        return add(e);
    }

    ResponsesEvents failed(String code, String message) {
        ObjectNode e = event("response.failed");
        ObjectNode response = response("failed", JSON.createArrayNode(), null);
        response.putObject("error").put("code", code).put("message", message);
        e.set("response", response);
        return add(e);
    }

    ResponsesEvents error(String code, String message) {
        ObjectNode e = event("error");
        e.put("code", code);
        e.put("message", message);
        e.putNull("param");
        return add(e);
    }

    /** An event added as it is, without the model check. */
    ResponsesEvents raw(String json) {
        events.add(json);
        return this;
    }

    static ObjectNode usage(long input, long cached, long output, long reasoning) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("input_tokens", input);
        usage.putObject("input_tokens_details").put("cached_tokens", cached).put("cache_write_tokens", 0);
        usage.put("output_tokens", output);
        usage.putObject("output_tokens_details").put("reasoning_tokens", reasoning);
        usage.put("total_tokens", input + output);
        return usage;
    }

    /**
     * A full Responses {@code response} object, with every field openai-java's {@link Response}
     * model requires.
     */
    static ObjectNode response(String status, ArrayNode output, @Nullable ObjectNode usage) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", "resp_synthetic");
        r.put("object", "response");
        r.put("created_at", 1_700_000_000);
        r.put("status", status);
        r.put("model", "gpt-5.1-codex");
        r.set("output", output);
        r.put("parallel_tool_calls", true);
        r.put("tool_choice", "auto");
        r.putArray("tools");
        r.putNull("error");
        r.putNull("incomplete_details");
        r.putNull("instructions");
        r.putObject("metadata");
        r.put("temperature", 1.0);
        r.put("top_p", 1.0);
        if (usage != null) {
            r.set("usage", usage);
        }
        return r;
    }

    static ObjectNode message(String id, String status, @Nullable String text) {
        ObjectNode item = JSON.createObjectNode();
        item.put("type", "message");
        item.put("id", id);
        item.put("status", status);
        item.put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (text != null) {
            content.addObject().put("type", "output_text").put("text", text).putArray("annotations");
        }
        return item;
    }

    static ObjectNode reasoning(String id, List<String> summary, List<String> raw) {
        ObjectNode item = JSON.createObjectNode();
        item.put("type", "reasoning");
        item.put("id", id);
        ArrayNode summaryParts = item.putArray("summary");
        summary.forEach(
                text -> summaryParts.addObject().put("type", "summary_text").put("text", text));
        if (!raw.isEmpty()) {
            ArrayNode content = item.putArray("content");
            raw.forEach(
                    text -> content.addObject().put("type", "reasoning_text").put("text", text));
        }
        return item;
    }

    static ObjectNode functionCall(
            String id, String callId, String name, String arguments, String status, @Nullable String namespace) {
        ObjectNode item = JSON.createObjectNode();
        item.put("type", "function_call");
        item.put("id", id);
        item.put("status", status);
        item.put("call_id", callId);
        item.put("name", name);
        if (namespace != null) {
            item.put("namespace", namespace);
        }
        item.put("arguments", arguments);
        return item;
    }

    static ObjectNode customCall(String id, String callId, String name, String input) {
        ObjectNode item = JSON.createObjectNode();
        item.put("type", "custom_tool_call");
        item.put("id", id);
        item.put("call_id", callId);
        item.put("name", name);
        item.put("input", input);
        return item;
    }

    private ObjectNode event(String type) {
        ObjectNode e = JSON.createObjectNode();
        e.put("type", type);
        e.put("sequence_number", sequence++);
        return e;
    }

    private ObjectNode itemEvent(String type, int outputIndex, String itemId) {
        ObjectNode e = event(type);
        e.put("item_id", itemId);
        e.put("output_index", outputIndex);
        return e;
    }

    private ResponsesEvents add(ObjectNode event) {
        String json = event.toString();
        ChatStreamCheck.parse(json, ResponseStreamEvent.class).validate();
        events.add(json);
        return this;
    }
}
