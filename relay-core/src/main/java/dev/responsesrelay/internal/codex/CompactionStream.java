package dev.responsesrelay.internal.codex;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.stream.CompletionMapper;
import dev.responsesrelay.internal.stream.StreamMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The stream of a remote-compaction answer (see {@link Compaction}): the summarising exchange runs
 * through an ordinary {@link StreamMachine}, whose item events are held back; at {@code
 * response.completed} the summary becomes the single {@code compaction} output item Codex requires
 * (compact_remote_v2.rs {@code collect_compaction_output}: exactly one, else a fatal error). The
 * lifecycle and failure events pass through, renumbered so {@code sequence_number} has no gaps.
 */
public final class CompactionStream implements ResponsesStream {
    /** Events of the response as a whole, which carry no output item of the summarising answer. */
    private static final Set<String> PASSED =
            Set.of("response.created", "response.in_progress", "response.failed", "response.incomplete", "error");

    /** No summary: failing retryably (a 5xx code) beats a compaction that erases the conversation. */
    private static final RelayError NO_SUMMARY = RelayError.of(
            502,
            "server_error",
            "server_error",
            "remote compaction failed: the upstream answered the summarising request with no text",
            null,
            null);

    private final ResponsesStream inner;
    private final IdGenerator ids;
    private int sequenceNumber;
    private @Nullable String responseJson;
    private @Nullable RelayError error;

    /** Wraps the stream machine of a request {@link Compaction#prepare} marked as a compaction. */
    public CompactionStream(ResponsesStream inner, IdGenerator ids) {
        this.inner = inner;
        this.ids = ids;
    }

    @Override
    public List<SseEvent> start() {
        return filter(inner.start());
    }

    @Override
    public List<SseEvent> onData(String data) {
        return filter(inner.onData(data));
    }

    @Override
    public List<SseEvent> onEvent(SseEvent upstreamEvent) {
        return filter(inner.onEvent(upstreamEvent));
    }

    @Override
    public List<SseEvent> onEnd() {
        return filter(inner.onEnd());
    }

    @Override
    public List<SseEvent> onFailure(UpstreamFailure failure) {
        return filter(inner.onFailure(failure));
    }

    @Override
    public List<SseEvent> onIdle() {
        return filter(inner.onIdle());
    }

    @Override
    public boolean hasStarted() {
        return inner.hasStarted();
    }

    @Override
    public boolean isTerminal() {
        return inner.isTerminal();
    }

    @Override
    public Optional<String> responseJson() {
        return responseJson != null ? Optional.of(responseJson) : inner.responseJson();
    }

    @Override
    public Optional<RelayError> error() {
        return error != null ? Optional.of(error) : inner.error();
    }

    private List<SseEvent> filter(List<SseEvent> events) {
        List<SseEvent> out = new ArrayList<>(events.size());
        for (SseEvent event : events) {
            if (event.event().equals("response.completed")) {
                complete(parse(event.data()), out);
            } else if (PASSED.contains(event.event())) {
                ObjectNode data = parse(event.data());
                if (event.event().equals("response.failed") && data.get("response") instanceof ObjectNode response) {
                    responseJson = write(response);
                }
                out.add(emit(event.event(), data));
            }
        }
        return out;
    }

    private void complete(ObjectNode completed, List<SseEvent> out) {
        ObjectNode response = (ObjectNode) completed.get("response");
        Optional<ObjectNode> compacted = Compaction.toCompactionResponse(response, ids);
        if (compacted.isEmpty()) {
            error = NO_SUMMARY;
            ObjectNode failed = failedResponse(response);
            responseJson = write(failed);
            ObjectNode event = Json.MAPPER.createObjectNode();
            event.put("type", "response.failed");
            event.put("sequence_number", 0);
            event.set("response", failed);
            out.add(emit("response.failed", event));
            return;
        }
        ObjectNode answer = compacted.get();
        JsonNode item = answer.get("output").get(0);
        for (String type : List.of("response.output_item.added", "response.output_item.done")) {
            ObjectNode event = Json.MAPPER.createObjectNode();
            event.put("type", type);
            event.put("sequence_number", 0);
            event.put("output_index", 0);
            event.set("item", item);
            out.add(emit(type, event));
        }
        completed.set("response", answer);
        responseJson = write(answer);
        out.add(emit("response.completed", completed));
    }

    /**
     * Maps the non-streaming answer to a compaction request: the {@code response} object {@link
     * CompletionMapper} made, with its output replaced by the compaction item, or failed.
     */
    public static String toResponse(String responseJson, IdGenerator ids) {
        ObjectNode response = parse(responseJson);
        if (!"completed".equals(response.path("status").asText())) {
            return responseJson;
        }
        return write(Compaction.toCompactionResponse(response, ids).orElseGet(() -> failedResponse(response)));
    }

    private static ObjectNode failedResponse(ObjectNode response) {
        ObjectNode failed = response.deepCopy();
        failed.put("status", "failed");
        failed.putArray("output");
        failed.putObject("error")
                .put("code", NO_SUMMARY.code().orElse("server_error"))
                .put("message", NO_SUMMARY.message())
                .put("type", NO_SUMMARY.type());
        return failed;
    }

    private static String write(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private SseEvent emit(String type, ObjectNode data) {
        if (data.has("sequence_number")) {
            data.put("sequence_number", sequenceNumber++);
        }
        return SseEvent.of(type, write(data));
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("the stream machine wrote an event that is not a JSON object", e);
        }
    }
}
