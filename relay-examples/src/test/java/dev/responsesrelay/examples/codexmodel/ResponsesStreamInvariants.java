package dev.responsesrelay.examples.codexmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.responsesrelay.SseEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks the Responses event contract (CODEX-WIRE.md §2 and §6, STYLE.md §2.5) on a whole stream:
 *
 * <ul>
 *   <li>every event's name is its {@code type}, and {@code sequence_number} counts from 0 by one;
 *   <li>{@code response.created} comes first; exactly one terminal event ({@code
 *       response.completed}, {@code response.failed}, {@code response.incomplete}) comes last, with
 *       the same response id;
 *   <li>items are added with consecutive output indexes, at most one is open at a time, and every
 *       {@code output_item.added} has a matching {@code output_item.done} (same index, id and type);
 *   <li>item events ({@code item_id}) refer to the open item; content and summary parts open and
 *       close inside it; each {@code *.done} text equals its deltas, and the done item agrees;
 *   <li>the terminal response's {@code output[]} equals the {@code output_item.done} items in order;
 *   <li>a completed response has integer usage with {@code total_tokens = input + output}; a failed
 *       one has an error {@code code} and {@code message}.
 * </ul>
 *
 * <p>A local copy for this package; the project plans a shared one in {@code relay-fixtures}.
 */
final class ResponsesStreamInvariants {
    private static final Set<String> TERMINAL = Set.of("response.completed", "response.failed", "response.incomplete");

    private ResponsesStreamInvariants() {}

    /** Throws {@link AssertionError} naming the event index of the first broken rule. */
    static void assertValid(List<SseEvent> events) {
        if (events.isEmpty()) {
            throw new AssertionError("empty stream");
        }
        ArrayNode doneItems = CodexJson.MAPPER.createArrayNode();
        String responseId = null;
        OpenItem open = null;
        boolean terminal = false;
        for (int i = 0; i < events.size(); i++) {
            SseEvent event = events.get(i);
            JsonNode data = parse(event, i);
            String type = data.path("type").asText("");
            check(type.equals(event.event()), i, "event name " + event.event() + " differs from type " + type);
            check(
                    data.path("sequence_number").isInt()
                            && data.get("sequence_number").intValue() == i,
                    i,
                    "sequence_number should be " + i + " but is " + data.get("sequence_number"));
            check(!terminal, i, "event after the terminal event");
            if (i == 0) {
                check(type.equals("response.created"), i, "first event must be response.created, not " + type);
                JsonNode id = data.path("response").path("id");
                responseId = id.isTextual() ? id.asText() : null;
                check(responseId != null, i, "response.created without response.id");
                continue;
            }
            if (TERMINAL.contains(type)) {
                terminal = true;
                check(open == null, i, "terminal event while item " + (open == null ? "" : open.id) + " is open");
                JsonNode response = data.path("response");
                check(response.path("id").asText("").equals(responseId), i, "terminal response id differs");
                check(
                        response.path("output").equals(doneItems),
                        i,
                        "output[] " + response.path("output") + " differs from the done items " + doneItems);
                if (type.equals("response.completed")) {
                    checkUsage(response.path("usage"), i);
                }
                if (type.equals("response.failed")) {
                    check(
                            response.path("error").path("code").isTextual()
                                    && response.path("error").path("message").isTextual(),
                            i,
                            "response.failed without error.code and error.message");
                }
                continue;
            }
            switch (type) {
                case "response.in_progress" -> check(i == 1, i, "response.in_progress must directly follow created");
                case "response.output_item.added" -> {
                    check(open == null, i, "item added while another is open");
                    check(
                            data.path("output_index").asInt(-1) == doneItems.size(),
                            i,
                            "output_index should be " + doneItems.size());
                    JsonNode item = data.path("item");
                    check(item.path("id").isTextual() && item.path("type").isTextual(), i, "item without id/type");
                    open = new OpenItem(
                            item.get("id").asText(), item.get("type").asText(), doneItems.size());
                }
                case "response.output_item.done" -> {
                    check(open != null, i, "output_item.done without an open item");
                    OpenItem closing = require(open);
                    JsonNode item = data.path("item");
                    check(data.path("output_index").asInt(-1) == closing.index, i, "done output_index differs");
                    check(item.path("id").asText("").equals(closing.id), i, "done item id differs");
                    check(item.path("type").asText("").equals(closing.type), i, "done item type differs");
                    check(
                            closing.openParts.isEmpty(),
                            i,
                            "item done while a part is open: " + closing.openParts.keySet());
                    closing.checkDoneItem(item, i);
                    doneItems.add(item);
                    open = null;
                }
                default -> {
                    check(open != null, i, type + " outside an item");
                    require(open).accept(type, data, i);
                }
            }
        }
        check(terminal, events.size() - 1, "stream has no terminal event");
    }

    private static void checkUsage(JsonNode usage, int i) {
        for (String field : List.of("input_tokens", "output_tokens", "total_tokens")) {
            check(usage.path(field).isIntegralNumber(), i, "usage." + field + " missing");
        }
        check(
                usage.path("total_tokens").longValue()
                        == usage.path("input_tokens").longValue()
                                + usage.path("output_tokens").longValue(),
                i,
                "total_tokens is not input_tokens + output_tokens");
    }

    private static JsonNode parse(SseEvent event, int i) {
        try {
            JsonNode data = CodexJson.MAPPER.readTree(event.data());
            check(data != null && data.isObject(), i, "data is not a JSON object");
            return data;
        } catch (JsonProcessingException e) {
            throw new AssertionError("event " + i + ": data is not JSON: " + event.data(), e);
        }
    }

    private static void check(boolean condition, int index, String message) {
        if (!condition) {
            throw new AssertionError("event " + index + ": " + message);
        }
    }

    private static OpenItem require(@Nullable OpenItem open) {
        if (open == null) {
            throw new AssertionError("no open item");
        }
        return open;
    }

    /** The open item: its parts and the text accumulated from deltas per part. */
    private static final class OpenItem {
        final String id;
        final String type;
        final int index;
        final Map<String, StringBuilder> openParts = new HashMap<>();
        final Map<String, String> doneTexts = new HashMap<>();
        final StringBuilder arguments = new StringBuilder();

        @Nullable
        String argumentsDone;

        OpenItem(String id, String type, int index) {
            this.id = id;
            this.type = type;
            this.index = index;
        }

        void accept(String type, JsonNode data, int i) {
            check(
                    data.path("item_id").asText("").equals(id),
                    i,
                    type + " for item " + data.path("item_id") + " but " + id + " is open");
            check(data.path("output_index").asInt(-1) == index, i, type + " output_index differs from the open item");
            switch (type) {
                case "response.content_part.added" ->
                    openPart("content:" + data.path("content_index").asInt(), i);
                case "response.reasoning_summary_part.added" ->
                    openPart("summary:" + data.path("summary_index").asInt(), i);
                case "response.output_text.delta" ->
                    part("content:" + data.path("content_index").asInt(), i)
                            .append(data.path("delta").asText());
                case "response.reasoning_summary_text.delta" ->
                    part("summary:" + data.path("summary_index").asInt(), i)
                            .append(data.path("delta").asText());
                case "response.output_text.done" ->
                    doneText(
                            "content:" + data.path("content_index").asInt(),
                            data.path("text").asText(),
                            i);
                case "response.reasoning_summary_text.done" ->
                    doneText(
                            "summary:" + data.path("summary_index").asInt(),
                            data.path("text").asText(),
                            i);
                case "response.content_part.done" ->
                    closePart(
                            "content:" + data.path("content_index").asInt(),
                            data.path("part").path("text").asText(),
                            i);
                case "response.reasoning_summary_part.done" ->
                    closePart(
                            "summary:" + data.path("summary_index").asInt(),
                            data.path("part").path("text").asText(),
                            i);
                case "response.function_call_arguments.delta" ->
                    arguments.append(data.path("delta").asText());
                case "response.function_call_arguments.done" -> {
                    check(
                            data.path("arguments").asText().contentEquals(arguments),
                            i,
                            "arguments.done differs from its deltas");
                    argumentsDone = data.path("arguments").asText();
                }
                default -> throw new AssertionError("event " + i + ": unexpected event type " + type);
            }
        }

        private void openPart(String key, int i) {
            check(!openParts.containsKey(key) && !doneTexts.containsKey(key), i, "part " + key + " added twice");
            openParts.put(key, new StringBuilder());
        }

        private StringBuilder part(String key, int i) {
            StringBuilder text = openParts.get(key);
            check(text != null, i, "delta for part " + key + " that is not open");
            return text == null ? new StringBuilder() : text;
        }

        private void doneText(String key, String text, int i) {
            check(part(key, i).toString().equals(text), i, "done text of " + key + " differs from its deltas");
        }

        private void closePart(String key, String text, int i) {
            check(part(key, i).toString().equals(text), i, "part " + key + " done with different text");
            openParts.remove(key);
            doneTexts.put(key, text);
        }

        void checkDoneItem(JsonNode item, int i) {
            if (type.equals("message")) {
                JsonNode content = item.path("content");
                for (int c = 0; c < content.size(); c++) {
                    String streamed = doneTexts.get("content:" + c);
                    check(
                            streamed == null
                                    || streamed.equals(
                                            content.get(c).path("text").asText()),
                            i,
                            "message item text differs from its streamed text");
                }
            } else if (type.equals("reasoning")) {
                check(item.path("summary").isArray(), i, "reasoning item without summary[] (Codex drops it)");
                JsonNode summary = item.path("summary");
                for (int s = 0; s < summary.size(); s++) {
                    String streamed = doneTexts.get("summary:" + s);
                    check(
                            streamed == null
                                    || streamed.equals(
                                            summary.get(s).path("text").asText()),
                            i,
                            "reasoning item summary differs from its streamed text");
                }
            } else if (type.equals("function_call")) {
                check(
                        item.path("call_id").isTextual() && item.path("name").isTextual(),
                        i,
                        "function_call without call_id/name");
                check(
                        argumentsDone == null
                                || argumentsDone.equals(item.path("arguments").asText()),
                        i,
                        "function_call arguments differ from arguments.done");
            }
        }
    }
}
