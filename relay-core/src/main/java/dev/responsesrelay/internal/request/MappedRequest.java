package dev.responsesrelay.internal.request;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.Utf8SliceNode;
import dev.responsesrelay.internal.codex.Compaction;
import dev.responsesrelay.internal.stream.StreamContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * The request mapper's result.
 *
 * @param chat the Chat Completions body to send upstream, as a tree whose large strings may be
 *     slices of the client's body ({@link Utf8SliceNode}); never mutated after mapping
 * @param clientStreams whether the client asked for {@code stream: true}
 * @param upstreamStreams whether {@code chatJson} asks the upstream to stream
 * @param model the model slug the client asked for
 * @param warnings what was dropped or changed on purpose
 * @param tools the declared tools, by the name the upstream sees
 * @param responseEcho request fields a Responses {@code response} object repeats ({@code
 *     instructions}, {@code tools}, {@code tool_choice}, {@code parallel_tool_calls}, {@code
 *     temperature}, {@code top_p}, {@code max_output_tokens}, {@code reasoning}, {@code text}, {@code
 *     metadata}, {@code store}, …), as the client sent them; never mutated after mapping
 * @param historyCallIds every tool-call id of the history, as the client sent it and as it went
 *     upstream (see {@link StreamContext#historyCallIds()})
 * @param compaction whether this is a remote-compaction request (see {@link Compaction}), whose
 *     answer must be a single {@code compaction} item
 */
public record MappedRequest(
        ObjectNode chat,
        boolean clientStreams,
        boolean upstreamStreams,
        String model,
        List<String> warnings,
        ToolCatalog tools,
        ObjectNode responseEcho,
        Set<String> historyCallIds,
        boolean compaction) {
    public MappedRequest {
        warnings = List.copyOf(warnings);
        historyCallIds = Set.copyOf(historyCallIds);
    }

    /** {@link #chat()} as text: a whole copy of every large string, so not for the relay's own path. */
    public String chatJson() {
        try {
            return Json.MAPPER.writeValueAsString(chat);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a JSON tree always serialises", e);
        }
    }

    /**
     * Writes {@link #chat()} as UTF-8 to {@code out}; large strings go from the client's body to
     * {@code out} without a copy of their own (issue 18).
     */
    public void writeChat(OutputStream out) throws IOException {
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            Json.MAPPER.writeTree(g, chat);
        }
    }
}
