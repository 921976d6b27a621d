package dev.responsesrelay.internal;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.UpstreamFailure;

/** Maps upstream failures, in every provider's error shape, to the OpenAI errors Codex acts on. */
public final class ErrorMapper {
    private ErrorMapper() {}

    /** An HTTP error answer or a transport failure. */
    public static RelayError map(UpstreamFailure failure) {
        throw new UnsupportedOperationException("TODO(error mapper) " + failure);
    }

    /**
     * An error that arrived inside a 200 stream: the JSON of a {@code data:} chunk with a top-level
     * {@code error} (OpenAI, Groq, vLLM, SGLang, OpenRouter), a vLLM {@code object:"error"} chunk, or
     * the value of llama.cpp's {@code error:} SSE field.
     */
    public static RelayError fromStreamPayload(String payloadJson) {
        throw new UnsupportedOperationException("TODO(error mapper) " + payloadJson);
    }
}
