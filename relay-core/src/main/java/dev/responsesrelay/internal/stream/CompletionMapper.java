package dev.responsesrelay.internal.stream;

import java.util.Objects;

/**
 * Maps a non-streaming {@code chat.completion} body to a Responses {@code response} object.
 *
 * <p>The completion is run through the same {@link StreamMachine} as a stream, as one chunk whose
 * {@code message} is read like a delta, and the terminal response object is kept while the events
 * are dropped. So both paths share every rule: item shapes and ids, reasoning fields and {@code
 * <think>} tags, custom and namespaced tools, finish reasons, usage discovery and errors. An
 * unreadable body, or an {@code error} body (LM Studio answers errors with HTTP 200), gives a {@code
 * failed} response object, never an exception.
 */
public final class CompletionMapper {
    private CompletionMapper() {}

    /** The Responses {@code response} object for {@code chatCompletionJson}. */
    public static String toResponse(String chatCompletionJson, StreamContext context) {
        Objects.requireNonNull(chatCompletionJson, "chatCompletionJson == null");
        StreamMachine machine = new StreamMachine(context, true);
        machine.acceptCompletion(chatCompletionJson);
        return machine.responseJson()
                .orElseThrow(() -> new IllegalStateException("a whole completion always ends the response"));
    }

    /**
     * The Responses {@code response} object for a {@code chat.completion} body given as UTF-8 bytes:
     * the same answer as for its text, holding less (issue 18, {@link
     * StreamMachine#acceptCompletion(byte[])}).
     */
    public static String toResponse(byte[] chatCompletionUtf8, StreamContext context) {
        Objects.requireNonNull(chatCompletionUtf8, "chatCompletionUtf8 == null");
        StreamMachine machine = new StreamMachine(context, true);
        machine.acceptCompletion(chatCompletionUtf8);
        return machine.responseJson()
                .orElseThrow(() -> new IllegalStateException("a whole completion always ends the response"));
    }
}
