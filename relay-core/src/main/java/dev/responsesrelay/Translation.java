package dev.responsesrelay;

import dev.responsesrelay.internal.error.ErrorMapper;
import dev.responsesrelay.internal.request.MappedRequest;
import dev.responsesrelay.internal.stream.CompletionMapper;
import dev.responsesrelay.internal.stream.StreamContext;
import dev.responsesrelay.internal.stream.StreamMachine;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

/**
 * The translation of one Responses API exchange: the Chat Completions request to send upstream, and
 * the means to translate the upstream's answer back. Immutable and thread-safe; {@link #newStream()}
 * hands out single-use stream translators.
 */
public final class Translation {
    private final MappedRequest request;
    private final StreamContext context;

    Translation(MappedRequest request, StreamContext context) {
        this.request = request;
        this.context = context;
    }

    /** The Chat Completions request body to POST to the upstream's {@code /chat/completions}. */
    public String chatRequestJson() {
        return request.chatJson();
    }

    /**
     * Writes the Chat Completions request body to {@code out} as UTF-8, the same bytes as {@link
     * #chatRequestJson()}, without first making it one string: large strings of the client's body
     * (base64 images) are copied from that body straight to {@code out}. Can be called again, for a
     * retried upstream request.
     */
    public void writeChatRequest(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out == null");
        request.writeChat(out);
    }

    /** Whether the client asked for a streamed answer ({@code "stream": true}). */
    public boolean clientStreams() {
        return request.clientStreams();
    }

    /**
     * Whether the upstream request streams. Usually equal to {@link #clientStreams()}; a profile may
     * stream upstream for a non-streaming client, in which case the server feeds a {@link
     * #newStream()} and answers with {@link ResponsesStream#responseJson()}.
     */
    public boolean upstreamStreams() {
        return request.upstreamStreams();
    }

    /** The model the client asked for, echoed in every response object. */
    public String model() {
        return request.model();
    }

    /**
     * Things the mapper dropped or changed on purpose (for example a hosted tool with no Chat form),
     * one line each, ready to log: each names the JSON path and the type, tool name or field it is
     * about, never message content, tool input or keys. Items whose loss would change what the model
     * sees of the conversation are never among them: those are refused with an {@link
     * InvalidRequestException} instead (issue 13 §5).
     */
    public List<String> warnings() {
        return request.warnings();
    }

    /**
     * Whether this is a Codex remote-compaction request (input ending with {@code
     * compaction_trigger}): its answer is one {@code compaction} output item holding the upstream's
     * summary, whatever the upstream says.
     */
    public boolean isCompaction() {
        return request.compaction();
    }

    /** Returns a new single-use translator for the upstream's streamed answer. */
    public ResponsesStream newStream() {
        return new StreamMachine(context);
    }

    /**
     * How many bytes of a non-streamed {@code chat.completion} body are worth reading whole: enough
     * for an answer at the output bound ({@link ResponsesTranslator.Builder#maxOutputChars}) at 3
     * bytes a char (the most UTF-8 takes for one UTF-16 char; JSON escapes only quotes, backslashes
     * and control chars, RFC 8259 §7), plus 1 MiB for the rest of the body. A larger body is no answer
     * within the bound, and reading it whole can exhaust the heap the way a runaway stream did
     * (issue 18). A server that escapes every non-ASCII char as {@code \\uXXXX} (Python's {@code
     * json.dumps} default, https://docs.python.org/3/library/json.html#json.dumps) reaches this with
     * half the bound's chars of such text.
     */
    public int maxCompletionBytes() {
        long bytes = context.maxOutputChars() * 3 + (1 << 20);
        return (int) Math.min(bytes, Integer.MAX_VALUE - 16);
    }

    /**
     * Maps a non-streaming upstream {@code chat.completion} body to a Responses {@code response}
     * object. A body that cannot be read gives a {@code failed} response, never an exception.
     */
    public String toResponseJson(String chatCompletionJson) {
        Objects.requireNonNull(chatCompletionJson, "chatCompletionJson == null");
        return CompletionMapper.toResponse(chatCompletionJson, context);
    }

    /**
     * As {@link #toResponseJson(String)}, for the body's UTF-8 bytes as read from the upstream (the
     * whole array; leading blank lines are fine). The same answer, holding less: the body is never
     * decoded into one {@code String}, and text and reasoning past the output bound ({@link
     * ResponsesTranslator.Builder#maxOutputChars}) are skipped, not decoded, where the text form
     * holds a runaway answer's text several times while reading it (issue 18). The caller must not
     * change {@code chatCompletionUtf8} during the call.
     */
    public String toResponseJson(byte[] chatCompletionUtf8) {
        Objects.requireNonNull(chatCompletionUtf8, "chatCompletionUtf8 == null");
        return CompletionMapper.toResponse(chatCompletionUtf8, context);
    }

    /**
     * Maps an upstream failure to the OpenAI error a client should see, for failures that happen
     * before anything was streamed and can still be answered with an HTTP status.
     */
    public RelayError mapFailure(UpstreamFailure failure) {
        Objects.requireNonNull(failure, "failure == null");
        return ErrorMapper.map(failure);
    }
}
