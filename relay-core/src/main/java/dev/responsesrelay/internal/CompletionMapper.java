package dev.responsesrelay.internal;

/** Maps a non-streaming {@code chat.completion} body to a Responses {@code response} object. */
public final class CompletionMapper {
    private CompletionMapper() {}

    public static String toResponse(String chatCompletionJson, StreamContext context) {
        throw new UnsupportedOperationException("TODO(completion mapper) " + context.responseId());
    }
}
