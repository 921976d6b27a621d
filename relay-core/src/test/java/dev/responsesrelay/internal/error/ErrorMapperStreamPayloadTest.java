package dev.responsesrelay.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.RelayError;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Errors that arrive inside an HTTP 200 stream (docs/dialects.md §H rule 41). */
final class ErrorMapperStreamPayloadTest {

    @Test
    void openAiStyleErrorChunkWithoutStatusIsServerError() {
        // Synthetic, shaped after docs/dialects.md §0 "Mid-stream error" (top-level error, no choices).
        RelayError error = ErrorMapper.fromStreamPayload(
                "{\"error\":{\"message\":\"The server had an error while processing your request.\","
                        + "\"type\":\"server_error\",\"param\":null,\"code\":null}}");

        assertThat(error.code()).contains("server_error");
        assertThat(error.type()).isEqualTo("server_error");
        assertThat(error.message()).isEqualTo("The server had an error while processing your request.");
    }

    @Test
    void openRouterNumericCodeIsTheStatus() {
        // Synthetic, shaped after docs/dialects.md §1.8 OpenRouter mid-stream error ({code,message,metadata}).
        RelayError error = ErrorMapper.fromStreamPayload(
                "{\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"error\":{\"code\":429,\"message\":"
                        + "\"Provider rate limited\",\"metadata\":{\"error_type\":\"rate_limit\"}},"
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"error\"}]}");

        assertThat(error.code()).contains("rate_limit_exceeded");
        assertThat(error.httpStatus()).isEqualTo(429);
    }

    @Test
    void openRouterClientErrorCodeIsKept() {
        // Synthetic, shaped after docs/dialects.md §1.8 OpenRouter mid-stream error with a 400 status.
        RelayError error = ErrorMapper.fromStreamPayload(
                "{\"error\":{\"code\":400,\"message\":\"Invalid tool schema for tool 'shell'\"}}");

        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.httpStatus()).isEqualTo(400);
    }

    @Test
    void vllmTopLevelObjectErrorChunk() {
        // Synthetic, shaped after docs/dialects.md §1.15 vLLM (object:"error" chunk mid-stream).
        RelayError error = ErrorMapper.fromStreamPayload(
                "{\"object\":\"error\",\"message\":\"Engine loop has died\",\"type\":\"InternalServerError\","
                        + "\"param\":null,\"code\":500}");

        assertThat(error.code()).contains("server_error");
        assertThat(error.message()).isEqualTo("Engine loop has died");
    }

    @Test
    void llamaCppErrorFieldValueWithContextOverflow() throws IOException {
        // Real body, llamacpp-error-exceed-context.json, as the value of llama.cpp's error: SSE field.
        RelayError error =
                ErrorMapper.fromStreamPayload(ErrorMapperSamplesTest.read("llamacpp-error-exceed-context.json"));

        assertThat(error.code()).contains("context_length_exceeded");
        assertThat(error.httpStatus()).isEqualTo(400);
    }

    @Test
    void llamaCppBareErrorObject() {
        // Synthetic, shaped after docs/dialects.md §1.16: llama.cpp's error: field carries {code,message,type}.
        RelayError error = ErrorMapper.fromStreamPayload(
                "{\"code\":500,\"message\":\"the request exceeds the available context size\","
                        + "\"type\":\"exceed_context_size_error\"}");

        assertThat(error.code()).contains("context_length_exceeded");
    }

    @Test
    void groqToolUseFailedMidStreamIsRetryableWithItsGeneration() {
        // Synthetic, shaped after docs/dialects.md §1.6 Groq (tool_use_failed delivered as a data: chunk).
        RelayError error = ErrorMapper.fromStreamPayload(
                "{\"error\":{\"message\":\"Failed to call a function. Please adjust your prompt. See"
                        + " 'failed_generation' for more details.\",\"type\":\"invalid_request_error\","
                        + "\"code\":\"tool_use_failed\",\"failed_generation\":\"<function=ls>{}</function>\"}}");

        // No status in the chunk: the upstream failed while answering, which Codex should retry.
        assertThat(error.code()).contains("server_error");
        assertThat(error.message()).endsWith("failed_generation: <function=ls>{}</function>");
    }

    @Test
    void quotaWordingMidStreamIsInsufficientQuota() {
        RelayError error = ErrorMapper.fromStreamPayload(
                "{\"error\":{\"message\":\"You exceeded your current quota\",\"code\":\"insufficient_quota\"}}");

        assertThat(error.code()).contains("insufficient_quota");
    }

    @Test
    void rateLimitMidStreamTakesItsDelayFromTheBody() {
        // Synthetic, shaped after docs/dialects.md §1.11 Gemini (RetryInfo inside error.details), rule 43.
        RelayError error = ErrorMapper.fromStreamPayload(
                "[{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted.\",\"status\":"
                        + "\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
                        + "\"retryDelay\":\"37s\"}]}}]");

        assertThat(error.code()).contains("rate_limit_exceeded");
        assertThat(error.retryAfter()).contains(Duration.ofSeconds(37));
        assertThat(error.message()).isEqualTo("Resource has been exhausted. Please try again in 37 s.");
    }

    @Test
    void plainTextPayloadIsServerErrorWithThatText() {
        RelayError error = ErrorMapper.fromStreamPayload("upstream worker crashed");

        assertThat(error.code()).contains("server_error");
        assertThat(error.message()).isEqualTo("upstream worker crashed");
    }

    @Test
    void emptyPayloadStillGivesAMessage() {
        RelayError error = ErrorMapper.fromStreamPayload("");

        assertThat(error.code()).contains("server_error");
        assertThat(error.message()).isEqualTo("The upstream stream failed with an empty body");
    }
}
