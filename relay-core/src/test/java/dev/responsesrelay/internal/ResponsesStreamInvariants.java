package dev.responsesrelay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.SseEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The event contract every stream the translator emits must keep (STYLE.md §2.5, CODEX-WIRE.md §2
 * and §7), checked on a whole stream:
 *
 * <ul>
 *   <li>each event's name is its {@code type}, and {@code sequence_number} rises strictly from 0;
 *   <li>{@code response.created} comes first, exactly one terminal event comes last, and the
 *       response id and model are the same in all of them;
 *   <li>one open item at a time; each {@code output_item.added} has its own {@code output_index}
 *       (0, 1, 2, …) and id, and its {@code output_item.done} carries the same id and index;
 *   <li>no delta or part event for an item that is not open; content and summary parts nest inside
 *       their item; the deltas of a text, summary, arguments or custom input add up to its {@code
 *       done} text and to the item in {@code output_item.done};
 *   <li>{@code response.completed} leaves no item open; an incomplete or failed response leaves at
 *       most the last item open, and never closes a half item;
 *   <li>the terminal {@code response.output} equals the {@code output_item.done} items, in order,
 *       and the terminal response carries usage with {@code total_tokens}; a failed one carries
 *       {@code error.code} and {@code error.message}, an incomplete one {@code
 *       incomplete_details.reason}.
 * </ul>
 */
final class ResponsesStreamInvariants {
    private static final Set<String> TERMINAL = Set.of(EventTypes.COMPLETED, EventTypes.INCOMPLETE, EventTypes.FAILED);

    private ResponsesStreamInvariants() {}

    /** Fails with a message naming the event if {@code events} break the contract. */
    static void assertValid(List<SseEvent> events) {
        new Checker().check(events);
    }

    private static final class OpenItem {
        final String id;
        final int outputIndex;
        final String type;
        final StringBuilder deltas = new StringBuilder();

        @Nullable
        String doneText;

        boolean partOpen;
        boolean partDone;

        OpenItem(String id, int outputIndex, String type) {
            this.id = id;
            this.outputIndex = outputIndex;
            this.type = type;
        }
    }

    private static final class Checker {
        private @Nullable OpenItem open;
        private final Set<String> itemIds = new HashSet<>();
        private final List<JsonNode> doneItems = new ArrayList<>();
        private int added;
        private @Nullable String responseId;
        private @Nullable String model;

        void check(List<SseEvent> events) {
            assertThat(events).as("events").isNotEmpty();
            for (int i = 0; i < events.size(); i++) {
                SseEvent event = events.get(i);
                JsonNode data = parse(event, i);
                String where = "event " + i + " " + event.event() + ": " + event.data();
                assertThat(data.path("type").asText()).as(where).isEqualTo(event.event());
                assertThat(data.path("sequence_number").isIntegralNumber())
                        .as(where + " has sequence_number")
                        .isTrue();
                assertThat(data.path("sequence_number").asLong()).as(where).isEqualTo(i);
                if (i == 0) {
                    assertThat(event.event()).as(where).isEqualTo(EventTypes.CREATED);
                }
                boolean last = i == events.size() - 1;
                assertThat(TERMINAL.contains(event.event()))
                        .as(where + ": one terminal event, last")
                        .isEqualTo(last);
                step(event.event(), data, where);
            }
        }

        private void step(String type, JsonNode data, String where) {
            switch (type) {
                case EventTypes.CREATED, EventTypes.IN_PROGRESS -> checkResponse(data, "in_progress", where);
                case EventTypes.COMPLETED -> terminal(data, "completed", where);
                case EventTypes.INCOMPLETE -> terminal(data, "incomplete", where);
                case EventTypes.FAILED -> terminal(data, "failed", where);
                case EventTypes.OUTPUT_ITEM_ADDED -> itemAdded(data, where);
                case EventTypes.OUTPUT_ITEM_DONE -> itemDone(data, where);
                case EventTypes.CONTENT_PART_ADDED, EventTypes.REASONING_SUMMARY_PART_ADDED -> {
                    OpenItem item = requireOpen(data, where);
                    assertThat(item.partOpen || item.partDone)
                            .as(where + ": one part per item")
                            .isFalse();
                    assertThat(data.path("part").path("text").asText())
                            .as(where)
                            .isEmpty();
                    item.partOpen = true;
                }
                case EventTypes.OUTPUT_TEXT_DELTA, EventTypes.REASONING_SUMMARY_TEXT_DELTA -> {
                    OpenItem item = requireOpen(data, where);
                    assertThat(item.partOpen)
                            .as(where + ": delta inside an open part")
                            .isTrue();
                    assertThat(item.doneText).as(where + ": delta after done").isNull();
                    item.deltas.append(data.path("delta").asText());
                }
                case EventTypes.OUTPUT_TEXT_DONE, EventTypes.REASONING_SUMMARY_TEXT_DONE -> {
                    OpenItem item = requireOpen(data, where);
                    assertThat(item.partOpen).as(where).isTrue();
                    String text = data.path("text").asText();
                    assertThat(text).as(where + ": done text = deltas").isEqualTo(item.deltas.toString());
                    item.doneText = text;
                }
                case EventTypes.CONTENT_PART_DONE, EventTypes.REASONING_SUMMARY_PART_DONE -> {
                    OpenItem item = requireOpen(data, where);
                    assertThat(item.doneText)
                            .as(where + ": text done before part done")
                            .isNotNull();
                    assertThat(data.path("part").path("text").asText())
                            .as(where)
                            .isEqualTo(item.doneText);
                    item.partOpen = false;
                    item.partDone = true;
                }
                case EventTypes.FUNCTION_CALL_ARGUMENTS_DELTA, EventTypes.CUSTOM_TOOL_CALL_INPUT_DELTA -> {
                    OpenItem item = requireOpen(data, where);
                    assertThat(item.doneText).as(where + ": delta after done").isNull();
                    item.deltas.append(data.path("delta").asText());
                }
                case EventTypes.FUNCTION_CALL_ARGUMENTS_DONE -> {
                    OpenItem item = requireOpen(data, where);
                    String arguments = data.path("arguments").asText();
                    assertThat(arguments).as(where + ": arguments = deltas").isEqualTo(item.deltas.toString());
                    item.doneText = arguments;
                }
                case EventTypes.CUSTOM_TOOL_CALL_INPUT_DONE -> {
                    OpenItem item = requireOpen(data, where);
                    String input = data.path("input").asText();
                    assertThat(input).as(where + ": input = deltas").isEqualTo(item.deltas.toString());
                    item.doneText = input;
                }
                default -> fail("unexpected event type at " + where);
            }
        }

        private void itemAdded(JsonNode data, String where) {
            assertThat(open).as(where + ": one open item at a time").isNull();
            JsonNode item = data.path("item");
            String id = item.path("id").asText();
            assertThat(id).as(where + ": item id").isNotEmpty();
            assertThat(itemIds.add(id)).as(where + ": unique item id").isTrue();
            assertThat(data.path("output_index").asInt(-1))
                    .as(where + ": output_index")
                    .isEqualTo(added);
            String type = item.path("type").asText();
            switch (type) {
                case "message" ->
                    assertThat(item.path("content").size()).as(where).isZero();
                case "reasoning" ->
                    assertThat(item.path("summary").isArray())
                            .as(where + ": summary: [] when added")
                            .isTrue();
                case "function_call" ->
                    assertThat(item.path("arguments").asText()).as(where).isEmpty();
                case "custom_tool_call" ->
                    assertThat(item.path("input").asText()).as(where).isEmpty();
                default -> fail("unexpected item type at " + where);
            }
            open = new OpenItem(id, added, type);
            added++;
        }

        private void itemDone(JsonNode data, String where) {
            OpenItem item = requireOpen(data.path("item").path("id").asText(), data, where);
            JsonNode done = data.path("item");
            assertThat(done.path("type").asText()).as(where).isEqualTo(item.type);
            assertThat(item.partOpen).as(where + ": part closed before item").isFalse();
            switch (item.type) {
                case "message" -> {
                    assertThat(done.path("role").asText()).as(where).isEqualTo("assistant");
                    assertThat(done.path("content")).as(where).hasSize(1);
                    assertThat(done.path("content").path(0).path("text").asText())
                            .as(where + ": message text = deltas")
                            .isEqualTo(item.doneText);
                }
                case "reasoning" -> {
                    assertThat(done.path("summary").isArray()).as(where).isTrue();
                    if (item.partDone) {
                        assertThat(done.path("summary").path(0).path("text").asText())
                                .as(where + ": summary = deltas")
                                .isEqualTo(item.doneText);
                    } else {
                        assertThat(done.path("summary")).as(where).isEmpty();
                    }
                }
                case "function_call" -> {
                    assertThat(item.doneText)
                            .as(where + ": arguments.done before item done")
                            .isNotNull();
                    assertThat(done.path("arguments").asText()).as(where).isEqualTo(item.doneText);
                    assertThat(done.path("call_id").asText()).as(where).isNotEmpty();
                    assertThat(done.path("name").asText()).as(where).isNotEmpty();
                }
                case "custom_tool_call" -> {
                    assertThat(item.doneText)
                            .as(where + ": input.done before item done")
                            .isNotNull();
                    assertThat(done.path("input").asText()).as(where).isEqualTo(item.doneText);
                    assertThat(done.path("call_id").asText()).as(where).isNotEmpty();
                }
                default -> fail("unexpected item type at " + where);
            }
            doneItems.add(done);
            open = null;
        }

        private OpenItem requireOpen(JsonNode data, String where) {
            return requireOpen(data.path("item_id").asText(), data, where);
        }

        private OpenItem requireOpen(String itemId, JsonNode data, String where) {
            OpenItem item = open;
            assertThat(item).as(where + ": event for an item that is not open").isNotNull();
            if (item == null) {
                throw new AssertionError(where);
            }
            assertThat(itemId).as(where + ": item id").isEqualTo(item.id);
            assertThat(data.path("output_index").asInt(-1))
                    .as(where + ": output_index")
                    .isEqualTo(item.outputIndex);
            return item;
        }

        private void checkResponse(JsonNode data, String status, String where) {
            JsonNode response = data.path("response");
            assertThat(response.path("object").asText()).as(where).isEqualTo("response");
            assertThat(response.path("status").asText()).as(where).isEqualTo(status);
            assertThat(response.path("created_at").isNumber()).as(where).isTrue();
            String id = response.path("id").asText();
            assertThat(id).as(where + ": response id").isNotEmpty();
            if (responseId == null) {
                responseId = id;
            } else {
                assertThat(id).as(where + ": same response id throughout").isEqualTo(responseId);
            }
            String m = response.path("model").asText();
            if (model == null) {
                model = m;
            } else {
                assertThat(m).as(where + ": same model throughout").isEqualTo(model);
            }
            if (status.equals("in_progress")) {
                assertThat(response.path("output")).as(where).isEmpty();
                assertThat(response.path("usage").isNull())
                        .as(where + ": usage null")
                        .isTrue();
                assertThat(response.path("error").isNull()).as(where).isTrue();
                assertThat(response.path("incomplete_details").isNull())
                        .as(where)
                        .isTrue();
            }
        }

        private void terminal(JsonNode data, String status, String where) {
            checkResponse(data, status, where);
            JsonNode response = data.path("response");
            OpenItem item = open;
            if (status.equals("completed")) {
                assertThat(item)
                        .as(where + ": completed with an item still open")
                        .isNull();
                assertThat(response.path("error").isNull()).as(where).isTrue();
            } else if (item != null) {
                assertThat(item.outputIndex)
                        .as(where + ": only the last item may stay open")
                        .isEqualTo(added - 1);
            }
            if (status.equals("failed")) {
                assertThat(response.path("error").path("code").asText())
                        .as(where + ": error.code")
                        .isNotEmpty();
                assertThat(response.path("error").path("message").asText())
                        .as(where + ": error.message")
                        .isNotEmpty();
            }
            if (status.equals("incomplete")) {
                assertThat(response.path("incomplete_details").path("reason").asText())
                        .as(where + ": incomplete_details.reason")
                        .isNotEmpty();
            }
            List<JsonNode> output = new ArrayList<>();
            response.path("output").forEach(output::add);
            assertThat(output).as(where + ": output = output_item.done items").isEqualTo(doneItems);
            JsonNode usage = response.path("usage");
            for (String field : List.of("input_tokens", "output_tokens", "total_tokens")) {
                assertThat(usage.path(field).isIntegralNumber())
                        .as(where + ": usage." + field)
                        .isTrue();
            }
            assertThat(usage.path("input_tokens_details").path("cached_tokens").isIntegralNumber())
                    .as(where)
                    .isTrue();
            assertThat(usage.path("output_tokens_details")
                            .path("reasoning_tokens")
                            .isIntegralNumber())
                    .as(where)
                    .isTrue();
        }

        private static JsonNode parse(SseEvent event, int index) {
            try {
                JsonNode node = Json.MAPPER.readTree(event.data());
                assertThat(node.isObject())
                        .as("event " + index + " is a JSON object")
                        .isTrue();
                return node;
            } catch (JsonProcessingException e) {
                throw new AssertionError("event " + index + " is not JSON: " + event.data(), e);
            }
        }
    }
}
