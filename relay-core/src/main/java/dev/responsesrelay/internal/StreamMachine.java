package dev.responsesrelay.internal;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import java.util.List;
import java.util.Optional;

/** Chat Completions chunks in, Responses events out. Single use, not thread-safe. */
public final class StreamMachine implements ResponsesStream {
    private final StreamContext context;

    public StreamMachine(StreamContext context) {
        this.context = context;
    }

    @Override
    public List<SseEvent> start() {
        throw new UnsupportedOperationException("TODO(stream) " + context.responseId());
    }

    @Override
    public List<SseEvent> onData(String data) {
        throw new UnsupportedOperationException("TODO(stream)");
    }

    @Override
    public List<SseEvent> onEvent(SseEvent upstreamEvent) {
        throw new UnsupportedOperationException("TODO(stream)");
    }

    @Override
    public List<SseEvent> onEnd() {
        throw new UnsupportedOperationException("TODO(stream)");
    }

    @Override
    public List<SseEvent> onFailure(UpstreamFailure failure) {
        throw new UnsupportedOperationException("TODO(stream)");
    }

    @Override
    public boolean hasStarted() {
        return false;
    }

    @Override
    public boolean isTerminal() {
        return false;
    }

    @Override
    public Optional<String> responseJson() {
        return Optional.empty();
    }

    @Override
    public Optional<RelayError> error() {
        return Optional.empty();
    }
}
