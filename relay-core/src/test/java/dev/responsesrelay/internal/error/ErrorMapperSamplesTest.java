package dev.responsesrelay.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.fixtures.Samples;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every real error sample in relay-fixtures' {@link Samples} {@code dialects/} (provenance in
 * fixtures/src/main/resources/dev/responsesrelay/fixtures/samples/dialects/SOURCES.md), mapped
 * with the status the source reported. A new sample fails {@link #everyErrorSampleIsClassified()}
 * until it gets a row here.
 */
final class ErrorMapperSamplesTest {
    private static final String DIALECTS = "dialects/";

    /** One sample, the HTTP status it came with, and what the client must see. */
    record Row(
            String file,
            int upstreamStatus,
            int expectedStatus,
            String expectedType,
            @Nullable String expectedCode,
            String messageFragment) {
        @Override
        public String toString() {
            return file;
        }
    }

    static List<Row> rows() {
        return List.of(
                new Row(
                        "azure-error-429-rate-limit.json",
                        429,
                        429,
                        "requests",
                        "rate_limit_exceeded",
                        "exceeded token rate limit"),
                new Row(
                        "azure-error-context-length-exceeded.json",
                        400,
                        400,
                        "invalid_request_error",
                        "context_length_exceeded",
                        "maximum context length is 32768 tokens"),
                new Row(
                        "azure-error-unrecognized-parallel-tool-calls.json",
                        400,
                        400,
                        "invalid_request_error",
                        null,
                        "Unrecognized request argument supplied: parallel_tool_calls"),
                new Row(
                        "dashscope-error-developer-role.json",
                        400,
                        400,
                        "invalid_request_error",
                        null,
                        "developer is not one of"),
                new Row(
                        "dashscope-error-enable-thinking-non-streaming.json",
                        400,
                        400,
                        "invalid_request_error",
                        "invalid_parameter_error",
                        "enable_thinking must be set to false"),
                // SOURCES.md: map by STATUS 402; the body's type/code say unknown_error/invalid_request_error.
                new Row(
                        "deepseek-error-402-insufficient-balance.json",
                        402,
                        429,
                        "insufficient_quota",
                        "insufficient_quota",
                        "Insufficient Balance"),
                new Row(
                        "deepseek-error-content-array.json",
                        400,
                        400,
                        "invalid_request_error",
                        "invalid_request_error",
                        "invalid type: sequence, expected a string"),
                new Row(
                        "deepseek-error-developer-role.txt",
                        400,
                        400,
                        "invalid_request_error",
                        null,
                        "unknown variant `developer`"),
                // docs/dialects.md §1.2: DeepSeek serde errors come as 400 or 422; this one's status is not in
                // its source, so it stands for the 422 case.
                new Row(
                        "deepseek-error-image-url.txt",
                        422,
                        400,
                        "invalid_request_error",
                        null,
                        "unknown variant `image_url`"),
                new Row(
                        "deepseek-error-missing-reasoning-content.json",
                        400,
                        400,
                        "invalid_request_error",
                        "invalid_request_error",
                        "The `reasoning_content` in the thinking mode must be passed back"),
                new Row(
                        "fireworks-error-max-tokens-nonstream.json",
                        400,
                        400,
                        "invalid_request_error",
                        "BAD_REQUEST",
                        "max_tokens > 4096 must have stream=true"),
                new Row(
                        "gemini-error-429-nested-string.json",
                        429,
                        429,
                        "requests",
                        "rate_limit_exceeded",
                        "Resource has been exhausted (e.g. check quota)."),
                new Row(
                        "gemini-error-missing-thought-signature.json",
                        400,
                        400,
                        "invalid_request_error",
                        null,
                        "Function call is missing a thought_signature"),
                new Row(
                        "groq-error-stream-options-2024.json",
                        400,
                        400,
                        "invalid_request_error",
                        null,
                        "property 'stream_options' is unsupported"),
                // SOURCES.md: "code 500 at the time" — the overflow was reported as a server error.
                new Row(
                        "llamacpp-error-exceed-context-pr15780.json",
                        500,
                        400,
                        "invalid_request_error",
                        "context_length_exceeded",
                        "exceeds the available context size"),
                new Row(
                        "llamacpp-error-exceed-context.json",
                        400,
                        400,
                        "invalid_request_error",
                        "context_length_exceeded",
                        "exceeds the available context size"),
                new Row(
                        "mistral-error-422-extra-forbidden-max-completion-tokens.json",
                        422,
                        400,
                        "invalid_request_error",
                        null,
                        "extra_forbidden at body.max_completion_tokens: Extra inputs are not permitted"),
                new Row(
                        "mistral-error-422-extra-forbidden-user-name-toolcalls-null.json",
                        422,
                        400,
                        "invalid_request_error",
                        null,
                        "extra_forbidden at body.messages.0.user.name: Extra inputs are not permitted"),
                new Row(
                        "mistral-error-role-order.json",
                        400,
                        400,
                        "invalid_request_error",
                        "3230",
                        "Unexpected role 'user' after role 'tool'"),
                new Row(
                        "mistral-error-tool-call-id-2024.json",
                        400,
                        400,
                        "invalid_request_error",
                        null,
                        "must be a-z, A-Z, 0-9, with a length of 9"),
                new Row(
                        "mistral-error-tool-call-id.json",
                        400,
                        400,
                        "invalid_request_error",
                        "3280",
                        "Tool call id was turn1_0 but must be a-z, A-Z, 0-9, with a length of 9."),
                new Row(
                        "moonshot-error-reasoning-content-missing.json",
                        400,
                        400,
                        "invalid_request_error",
                        null,
                        "reasoning_content is missing in assistant tool call message at index 79"),
                new Row(
                        "openai-error-429-insufficient-quota.json",
                        429,
                        429,
                        "insufficient_quota",
                        "insufficient_quota",
                        "You exceeded your current quota"),
                new Row(
                        "openai-error-429-request-too-large.json",
                        429,
                        429,
                        "tokens",
                        "rate_limit_exceeded",
                        "Request too large for gpt-4o"),
                new Row(
                        "openai-error-context-length-exceeded.json",
                        400,
                        400,
                        "invalid_request_error",
                        "context_length_exceeded",
                        "maximum context length is 4097 tokens"),
                new Row(
                        "openai-error-developer-role-o1-preview.json",
                        400,
                        400,
                        "invalid_request_error",
                        "unsupported_value",
                        "does not support 'developer' with this model"),
                new Row(
                        "openai-error-tool-call-id-too-long.json",
                        400,
                        400,
                        "invalid_request_error",
                        "string_above_max_length",
                        "Expected a string with maximum length 40"),
                new Row(
                        "openai-error-unsupported-parameter-max-tokens.json",
                        400,
                        400,
                        "invalid_request_error",
                        "unsupported_parameter",
                        "Use 'max_completion_tokens' instead"),
                new Row(
                        "openrouter-error-wrapped-mistral-role-order.json",
                        400,
                        400,
                        "invalid_request_error",
                        "3230",
                        "Mistral: Unexpected role 'tool' after role 'user'"),
                new Row(
                        "openrouter-error-wrapped-upstream-context.txt",
                        400,
                        400,
                        "invalid_request_error",
                        "context_length_exceeded",
                        "maximum context length is 8192 tokens"),
                new Row(
                        "vllm-error-context-length-0.16.json",
                        400,
                        400,
                        "invalid_request_error",
                        "context_length_exceeded",
                        "the model's context length is only 1024 tokens"));
    }

    static Stream<Row> samples() {
        return rows().stream();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void realSampleMapsToTheOpenAiErrorCodexActsOn(Row row) throws IOException {
        RelayError error = ErrorMapper.map(UpstreamFailure.http(row.upstreamStatus(), read(row.file())));

        assertThat(error.httpStatus()).as("status").isEqualTo(row.expectedStatus());
        assertThat(error.type()).as("type").isEqualTo(row.expectedType());
        assertThat(error.code().orElse(null)).as("code").isEqualTo(row.expectedCode());
        assertThat(error.message()).as("message").contains(row.messageFragment());
    }

    static Stream<Row> jsonSamples() {
        return rows().stream().filter(row -> row.file().endsWith(".json"));
    }

    @ParameterizedTest
    @MethodSource("jsonSamples")
    void realJsonSampleGivesTheProvidersWordsNotJson(Row row) throws IOException {
        RelayError error = ErrorMapper.map(UpstreamFailure.http(row.upstreamStatus(), read(row.file())));

        // A JSON document in the message would mean a body shape went unread.
        assertThat(error.message()).doesNotContain("{").doesNotContain("\"error\"");
    }

    @Test
    void everyErrorSampleIsClassified() {
        List<String> files = Samples.list(DIALECTS, "").stream()
                .map(path -> path.substring(DIALECTS.length()))
                .filter(name -> name.contains("error"))
                .sorted()
                .toList();

        assertThat(files).isNotEmpty();
        assertThat(rows().stream().map(Row::file).sorted().toList()).isEqualTo(files);
    }

    static String read(String file) {
        return Samples.text(DIALECTS + file);
    }
}
