package dev.responsesrelay.internal.reverse;

import dev.responsesrelay.IdGenerator;

/**
 * What the answer side of one reverse exchange needs to know about its request.
 *
 * @param completionId the {@code chatcmpl-…} id every chunk and the completion object carry
 * @param created {@code created}, in epoch seconds, the same on every chunk
 * @param model the model the client asked for, echoed on every chunk (never the upstream's own
 *     name for it)
 * @param includeUsage whether the client asked for {@code stream_options.include_usage}
 * @param reasoningField the delta and message field reasoning text goes to ({@code
 *     reasoning_content} or {@code reasoning})
 * @param ids where ids come from when the upstream leaves one out
 */
public record ReverseContext(
        String completionId,
        long created,
        String model,
        boolean includeUsage,
        String reasoningField,
        IdGenerator ids) {}
