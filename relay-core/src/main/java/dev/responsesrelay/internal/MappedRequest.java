package dev.responsesrelay.internal;

import java.util.List;

/**
 * The request mapper's result.
 *
 * @param chatJson the Chat Completions body to send upstream
 * @param clientStreams whether the client asked for {@code stream: true}
 * @param upstreamStreams whether {@code chatJson} asks the upstream to stream
 * @param model the model slug the client asked for
 * @param warnings what was dropped or changed on purpose
 * @param tools the declared tools, by the name the upstream sees
 */
public record MappedRequest(
        String chatJson,
        boolean clientStreams,
        boolean upstreamStreams,
        String model,
        List<String> warnings,
        ToolCatalog tools) {
    public MappedRequest {
        warnings = List.copyOf(warnings);
    }
}
