package dev.responsesrelay.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * The request mapper's result.
 *
 * @param chatJson the Chat Completions body to send upstream
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
        String chatJson,
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
}
