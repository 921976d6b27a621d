package dev.responsesrelay;

import dev.responsesrelay.internal.reverse.ChatCompletionMapper;
import dev.responsesrelay.internal.reverse.ChatStreamMachine;
import dev.responsesrelay.internal.reverse.ReverseContext;
import dev.responsesrelay.internal.reverse.ReverseErrors;
import dev.responsesrelay.internal.reverse.ReverseRequest;
import java.util.List;
import java.util.Objects;

/**
 * The translation of one Chat Completions exchange: the Responses API request to send upstream, and
 * the means to translate the upstream's answer back. Immutable and thread-safe; {@link #newStream()}
 * hands out single-use stream translators.
 */
public final class ChatTranslation {
    private final ReverseRequest request;
    private final ReverseContext context;

    ChatTranslation(ReverseRequest request, ReverseContext context) {
        this.request = request;
        this.context = context;
    }

    /**
     * The Responses API request body to POST to the upstream's {@code /responses}. It always carries
     * {@code store: false}, and streams exactly when the client asked to.
     */
    public String responsesRequestJson() {
        return request.responsesJson();
    }

    /** Whether the client asked for a streamed answer ({@code "stream": true}). */
    public boolean clientStreams() {
        return request.clientStreams();
    }

    /**
     * Whether the client asked for {@code stream_options.include_usage}: the stream then ends with a
     * usage chunk (when the upstream reported usage).
     */
    public boolean includeUsage() {
        return request.includeUsage();
    }

    /** The model the client asked for, echoed in every chunk and completion. */
    public String model() {
        return request.model();
    }

    /** Things the mapper dropped, changed or passed through on purpose. */
    public List<String> warnings() {
        return request.warnings();
    }

    /** Returns a new single-use translator for the upstream's streamed answer. */
    public ChatCompletionStream newStream() {
        return new ChatStreamMachine(context);
    }

    /**
     * Maps a non-streaming upstream {@code response} object to a {@code chat.completion} body. An
     * {@code incomplete} response maps to {@code finish_reason} {@code length} or {@code
     * content_filter}.
     *
     * @throws RelayException when the response failed (its error is kept), is not finished, or cannot
     *     be read; {@link RelayException#error()} is the error to answer with
     */
    public String toChatCompletionJson(String responsesResponseJson) {
        Objects.requireNonNull(responsesResponseJson, "responsesResponseJson == null");
        return ChatCompletionMapper.toCompletion(responsesResponseJson, context);
    }

    /**
     * Maps an upstream failure to the OpenAI error a Chat client should see, for failures that happen
     * before anything was streamed and can still be answered with an HTTP status. A Responses
     * upstream's own OpenAI-shaped error body is kept as it is.
     */
    public RelayError mapFailure(UpstreamFailure failure) {
        Objects.requireNonNull(failure, "failure == null");
        return ReverseErrors.fromFailure(failure);
    }
}
