package dev.responsesrelay.internal;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.UpstreamFailure;

/** Maps upstream failures, in every provider's error shape, to the OpenAI errors Codex acts on. */
public final class ErrorMapper {
    private ErrorMapper() {}

    public static RelayError map(UpstreamFailure failure) {
        throw new UnsupportedOperationException("TODO(error mapper) " + failure);
    }
}
