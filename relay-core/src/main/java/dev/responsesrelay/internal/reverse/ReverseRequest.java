package dev.responsesrelay.internal.reverse;

import java.util.List;

/**
 * The reverse request mapper's result.
 *
 * @param responsesJson the Responses API body to send upstream
 * @param clientStreams whether the client asked for {@code stream: true} (the upstream request
 *     streams exactly when the client does)
 * @param includeUsage whether the client asked for {@code stream_options.include_usage}
 * @param model the model the client asked for
 * @param warnings what was dropped or changed on purpose
 */
public record ReverseRequest(
        String responsesJson, boolean clientStreams, boolean includeUsage, String model, List<String> warnings) {
    public ReverseRequest {
        warnings = List.copyOf(warnings);
    }
}
