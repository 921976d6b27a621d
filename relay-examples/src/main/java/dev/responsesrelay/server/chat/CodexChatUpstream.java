package dev.responsesrelay.server.chat;

import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.codexmodel.CodexExecution;
import dev.responsesrelay.codexmodel.CodexModelUpstream;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The local Codex CLI as a {@link ChatUpstream}: every request runs one {@code codex exec --json}
 * through {@link CodexModelUpstream}, whose Responses events go straight to the listener. The
 * client's key is never passed on: Codex uses its own login.
 */
public final class CodexChatUpstream implements ChatUpstream {
    private final CodexModelUpstream codex;
    private final String description;

    /** Serves requests with {@code codex}; {@code description} is for the start-up log line. */
    public CodexChatUpstream(CodexModelUpstream codex, String description) {
        this.codex = Objects.requireNonNull(codex, "codex == null");
        this.description = Objects.requireNonNull(description, "description == null");
    }

    @Override
    public Exchange start(String responsesRequestJson, @Nullable String clientToken, Listener listener) {
        // CodexModelUpstream always streams; the handler reads the terminal event's response for a
        // client that did not ask for a stream. Its contract ends with exactly one terminal event.
        CodexExecution execution = codex.start(responsesRequestJson, event -> {
            // Codex's answer has no bytes on a wire: --record keeps the events it produced, in SSE.
            listener.onUpstreamBytes(ByteBuffer.wrap(SseEncoder.encodeUtf8(event)));
            listener.onEvent(event);
        });
        return execution::cancel;
    }

    @Override
    public boolean alwaysStreams() {
        return true;
    }

    @Override
    public ModelList models(@Nullable String clientToken) {
        return new ModelList(
                200,
                "{\"object\":\"list\",\"data\":[{\"id\":\"" + CodexModelUpstream.MODEL_ID
                        + "\",\"object\":\"model\",\"created\":0,\"owned_by\":\"codex\"}]}",
                null);
    }

    @Override
    public String describe() {
        return description;
    }
}
