package dev.responsesrelay.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.internal.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The classification order of docs/dialects.md §H rule 42 (first match wins), with status and body read
 * together (rule 44), and the codes Codex acts on (docs/codex-wire.md §2.3).
 */
final class ErrorMapperClassificationTest {

    // Step 1: insufficient_quota

    @Test
    void http402IsInsufficientQuotaWhateverTheBodySays() throws IOException {
        // Real: deepseek-error-402-insufficient-balance.json (type unknown_error, code invalid_request_error).
        RelayError error = map(402, ErrorMapperSamplesTest.read("deepseek-error-402-insufficient-balance.json"));

        assertThat(error.code()).contains("insufficient_quota");
        assertThat(error.type()).isEqualTo("insufficient_quota");
        assertThat(error.httpStatus()).isEqualTo(429);
    }

    @Test
    void insufficientQuotaOn429IsNotARateLimit() throws IOException {
        // Real: openai-error-429-insufficient-quota.json. Codex retries rate limits but stops on quota.
        RelayError error = map(429, ErrorMapperSamplesTest.read("openai-error-429-insufficient-quota.json"));

        assertThat(error.code()).contains("insufficient_quota");
        assertThat(error.httpStatus()).isEqualTo(429);
    }

    @Test
    void insufficientQuotaNeverCarriesARetryDelay() throws IOException {
        // Codex retries an HTTP 429 that has Retry-After; a quota does not come back in seconds.
        RelayError error = ErrorMapper.map(UpstreamFailure.http(
                429,
                ErrorMapperSamplesTest.read("openai-error-429-insufficient-quota.json"),
                Map.of("Retry-After", "20")));

        assertThat(error.retryAfter()).isEmpty();
        assertThat(error.retryAfterHeader()).isEmpty();
    }

    @Test
    void moonshotQuotaCodeIsInsufficientQuota() {
        // Synthetic, shaped after docs/dialects.md rule 42 ([unv] Moonshot exceeded_current_quota_error).
        RelayError error = map(
                429,
                "{\"error\":{\"message\":\"Your account is suspended, please check your plan and billing details\","
                        + "\"type\":\"exceeded_current_quota_error\"}}");

        assertThat(error.code()).contains("insufficient_quota");
    }

    @Test
    void googleQuotaWordingWithRetryInfoIsARateLimit() {
        // Synthetic, shaped after docs/dialects.md §1.11 Gemini 429 plus the RetryInfo detail of rule 43: Google
        // words per-minute limits "You exceeded your current quota" and says when to retry.
        RelayError error = map(
                429,
                "{\"error\":{\"code\":429,\"message\":\"You exceeded your current quota, please check your plan and"
                        + " billing details.\",\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":"
                        + "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"37s\"}]}}");

        assertThat(error.code()).contains("rate_limit_exceeded");
        assertThat(error.retryAfter()).contains(Duration.ofSeconds(37));
    }

    // Step 2: context_length_exceeded

    @Test
    void contextOverflowByCode() throws IOException {
        // Real: azure-error-context-length-exceeded.json
        RelayError error = map(400, ErrorMapperSamplesTest.read("azure-error-context-length-exceeded.json"));

        assertThat(error.code()).contains("context_length_exceeded");
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.httpStatus()).isEqualTo(400);
    }

    @Test
    void contextOverflowByLlamaCppType() throws IOException {
        // Real: llamacpp-error-exceed-context.json (type exceed_context_size_error).
        RelayError error = map(400, ErrorMapperSamplesTest.read("llamacpp-error-exceed-context.json"));

        assertThat(error.code()).contains("context_length_exceeded");
    }

    @Test
    void contextOverflowByMessageOnly() throws IOException {
        // Real: vllm-error-context-length-0.16.json (type BadRequestError, code 400: only the words tell).
        RelayError error = map(400, ErrorMapperSamplesTest.read("vllm-error-context-length-0.16.json"));

        assertThat(error.code()).contains("context_length_exceeded");
    }

    @Test
    void contextOverflowReportedAsServerErrorIsStillContext() throws IOException {
        // Real: llamacpp-error-exceed-context-pr15780.json, code 500 in body and status (rule 44).
        RelayError error = map(500, ErrorMapperSamplesTest.read("llamacpp-error-exceed-context-pr15780.json"));

        assertThat(error.code()).contains("context_length_exceeded");
        assertThat(error.httpStatus()).isEqualTo(400);
    }

    @Test
    void everyContextPhraseOfRule42IsRecognised() {
        // Synthetic one-liners, one per substring listed in docs/dialects.md rule 42, in mixed case.
        List<String> phrases = List.of(
                "This model's Maximum Context Length is 8192 tokens",
                "the model's context length is only 1024 tokens",
                "the request exceeds the available context size",
                "Requested tokens exceed context limit of 32768",
                "The input token count exceeds the maximum number of tokens allowed (1048576).",
                "Input tokens exceed the configured limit of 272000 tokens",
                "prompt is longer than the model's context length",
                "Range of input length should be [1, 30720]");
        for (String phrase : phrases) {
            RelayError error = map(400, "{\"error\":{\"message\":\"" + phrase + "\"}}");

            assertThat(error.code()).as(phrase).contains("context_length_exceeded");
        }
    }

    @Test
    void toolCallIdTooLongIsNotAContextOverflow() throws IOException {
        // Real: openai-error-tool-call-id-too-long.json ("maximum length 40", code string_above_max_length).
        RelayError error = map(400, ErrorMapperSamplesTest.read("openai-error-tool-call-id-too-long.json"));

        assertThat(error.code()).contains("string_above_max_length");
    }

    @Test
    void contextOverflowWinsOverRateLimitStatus() {
        // Synthetic: order matters; a context phrase on a 429 is still fatal context (rule 42 step 2 < 3).
        RelayError error = map(429, "{\"error\":{\"message\":\"This model's maximum context length is 8192\"}}");

        assertThat(error.code()).contains("context_length_exceeded");
    }

    // Step 3: rate_limit_exceeded

    @Test
    void http429IsARateLimit() throws IOException {
        // Real: azure-error-429-rate-limit.json (code "429" as a string, no type).
        RelayError error = map(429, ErrorMapperSamplesTest.read("azure-error-429-rate-limit.json"));

        assertThat(error.code()).contains("rate_limit_exceeded");
        assertThat(error.type()).isEqualTo("requests");
        assertThat(error.httpStatus()).isEqualTo(429);
    }

    @Test
    void tokenRateLimitKeepsTypeTokens() throws IOException {
        // Real: openai-error-429-request-too-large.json (type tokens, as OpenAI sends for TPM limits).
        RelayError error = map(429, ErrorMapperSamplesTest.read("openai-error-429-request-too-large.json"));

        assertThat(error.type()).isEqualTo("tokens");
    }

    @Test
    void resourceExhaustedIsARateLimitWhateverTheStatus() {
        // Synthetic, shaped after docs/dialects.md §1.11 (Google status RESOURCE_EXHAUSTED) behind a proxy's 400.
        RelayError error =
                map(400, "{\"error\":{\"code\":400,\"message\":\"exhausted\",\"status\":\"RESOURCE_EXHAUSTED\"}}");

        assertThat(error.code()).contains("rate_limit_exceeded");
    }

    @Test
    void mistralServiceTierCapacityIsARateLimit() {
        // Synthetic, shaped after docs/dialects.md §1.5 Mistral ("service tier capacity exceeded").
        RelayError error = map(
                400,
                "{\"object\":\"error\",\"message\":\"Service tier capacity exceeded for this model.\","
                        + "\"type\":\"service_tier_capacity_exceeded\",\"param\":null,\"code\":\"3505\"}");

        assertThat(error.code()).contains("rate_limit_exceeded");
    }

    @Test
    void tooManyRequestsHtmlPageIsARateLimit() {
        // Synthetic: a gateway's HTML page with the reason phrase in its title, on a 200 (rule 44).
        RelayError error = map(200, "<html><head><title>429 Too Many Requests</title></head></html>");

        assertThat(error.code()).contains("rate_limit_exceeded");
    }

    @Test
    void rateLimitMessageEndsWithTheDelayInTheFormCodexParses() {
        RelayError error = ErrorMapper.map(UpstreamFailure.http(
                429,
                "{\"error\":{\"message\":\"Rate limit reached\"}}",
                Map.of("x-ratelimit-reset-requests", "1.57s")));

        assertThat(error.message()).isEqualTo("Rate limit reached. Please try again in 1.57 s.");
        assertThat(error.retryAfter()).contains(Duration.ofMillis(1570));
        assertThat(error.retryAfterHeader()).contains("2");
    }

    @Test
    void rateLimitWithoutAnyHintInventsNoDelay() throws IOException {
        // Real: gemini-error-429-nested-string.json carries no retry hint.
        RelayError error = map(429, ErrorMapperSamplesTest.read("gemini-error-429-nested-string.json"));

        assertThat(error.retryAfter()).isEmpty();
        assertThat(error.message()).doesNotContainIgnoringCase("try again");
    }

    @Test
    void providersOwnCodexReadablePhraseIsNotRepeated() {
        // Synthetic, shaped after OpenAI's RPM message ("Please try again in 20s.").
        RelayError error = map(
                429,
                "{\"error\":{\"message\":\"Rate limit reached for gpt-4o on requests per min (RPM): Limit 3, Used 3."
                        + " Please try again in 20s.\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");

        assertThat(error.message()).endsWith("Please try again in 20s.").containsOnlyOnce("try again");
        assertThat(error.retryAfter()).contains(Duration.ofSeconds(20));
    }

    // Step 4: server_error

    @Test
    void upstream500IsServerErrorAs502() {
        RelayError error = map(500, "{\"error\":{\"message\":\"The server had an error processing your request.\"}}");

        assertThat(error.code()).contains("server_error");
        assertThat(error.type()).isEqualTo("server_error");
        assertThat(error.httpStatus()).isEqualTo(502);
    }

    @Test
    void upstream503StaysA503() {
        // Synthetic, shaped after docs/dialects.md §1.16 llama.cpp "Loading model".
        RelayError error =
                map(503, "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}");

        assertThat(error.code()).contains("server_error");
        assertThat(error.httpStatus()).isEqualTo(503);
        assertThat(error.message()).isEqualTo("Loading model");
    }

    @Test
    void requestTimeoutIsServerError() {
        // Synthetic, shaped after docs/dialects.md §1.8 OpenRouter 408.
        RelayError error = map(408, "{\"error\":{\"code\":408,\"message\":\"Request timed out\"}}");

        assertThat(error.code()).contains("server_error");
        assertThat(error.httpStatus()).isEqualTo(502);
    }

    @Test
    void overloadedWordingIsServerErrorEvenOnA400() {
        // Synthetic, shaped after the Anthropic-compat overloaded_error wording (rule 42 step 4).
        RelayError error = map(400, "{\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");

        assertThat(error.code()).contains("server_error");
    }

    @Test
    void transportFailureIsServerErrorAs502() {
        RelayError error = ErrorMapper.map(UpstreamFailure.transport("idle timeout after 300s"));

        assertThat(error.code()).contains("server_error");
        assertThat(error.httpStatus()).isEqualTo(502);
        assertThat(error.retryAfter()).isEmpty();
    }

    @Test
    void errorBodyOnHttp200WithoutStatusIsServerError() {
        // Synthetic, shaped after docs/dialects.md §1.14 LM Studio (HTTP 200 with an error body, rule 44).
        RelayError error = map(200, "{\"error\":\"Unexpected endpoint or method. (POST /chat/completions)\"}");

        assertThat(error.code()).contains("server_error");
        assertThat(error.httpStatus()).isEqualTo(502);
    }

    @Test
    void errorBodyOnHttp200TakesTheStatusInTheBody() {
        // Synthetic, shaped after docs/dialects.md §1.8 OpenRouter (numeric code = the real status).
        RelayError error = map(200, "{\"error\":{\"code\":404,\"message\":\"No endpoints found for x/y.\"}}");

        assertThat(error.code()).isEmpty();
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.httpStatus()).isEqualTo(404);
    }

    @Test
    void serverErrorKeepsTheUpstreamsRetryAfter() {
        RelayError error = ErrorMapper.map(UpstreamFailure.http(503, "", Map.of("Retry-After", "7")));

        assertThat(error.retryAfter()).contains(Duration.ofSeconds(7));
    }

    // Step 5: other 4xx

    @Test
    void otherClientErrorKeepsStatusAndStringCode() throws IOException {
        // Real: openai-error-unsupported-parameter-max-tokens.json
        RelayError error = map(400, ErrorMapperSamplesTest.read("openai-error-unsupported-parameter-max-tokens.json"));

        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.code()).contains("unsupported_parameter");
        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.retryAfter()).isEmpty();
    }

    @Test
    void numericUpstreamCodeIsNotPassedOnAsCode() throws IOException {
        // Real: gemini-error-missing-thought-signature.json (code 400 is a status, not a code).
        RelayError error = map(400, ErrorMapperSamplesTest.read("gemini-error-missing-thought-signature.json"));

        assertThat(error.code()).isEmpty();
    }

    @Test
    void unprocessableEntityBecomesA400SoCodexDoesNotRetryIt() throws IOException {
        // Real: mistral-error-422-extra-forbidden-max-completion-tokens.json
        RelayError error =
                map(422, ErrorMapperSamplesTest.read("mistral-error-422-extra-forbidden-max-completion-tokens.json"));

        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
    }

    @Test
    void unauthorizedIsAuthenticationError() {
        // Synthetic, shaped after the OpenAI error body (docs/dialects.md §0).
        RelayError error = map(
                401,
                "{\"error\":{\"message\":\"Incorrect API key provided: sk-abc.\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":\"invalid_api_key\"}}");

        assertThat(error.httpStatus()).isEqualTo(401);
        assertThat(error.type()).isEqualTo("authentication_error");
        assertThat(error.code()).contains("invalid_api_key");
    }

    @Test
    void forbiddenIsPermissionError() {
        RelayError error = map(403, "{\"error\":{\"message\":\"Project does not have access to model x\"}}");

        assertThat(error.httpStatus()).isEqualTo(403);
        assertThat(error.type()).isEqualTo("permission_error");
    }

    @Test
    void notFoundKeepsIts404() {
        // Synthetic, shaped after docs/dialects.md §1.13 Ollama (type not_found_error).
        RelayError error = map(
                404,
                "{\"error\":{\"message\":\"model \\\"llama9\\\" not found, try pulling it first\","
                        + "\"type\":\"not_found_error\",\"param\":null,\"code\":null}}");

        assertThat(error.httpStatus()).isEqualTo(404);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.message()).isEqualTo("model \"llama9\" not found, try pulling it first");
    }

    // The wire shape

    @Test
    void toJsonIsExactlyTheOpenAiErrorShape() throws IOException {
        RelayError error = map(400, ErrorMapperSamplesTest.read("mistral-error-tool-call-id.json"));

        JsonNode json = Json.MAPPER.readTree(error.toJson());

        assertThat(json)
                .isEqualTo(Json.MAPPER.readTree("{\"error\":{\"message\":\"Tool call id was turn1_0 but must be"
                        + " a-z, A-Z, 0-9, with a length of 9.\",\"type\":\"invalid_request_error\",\"param\":null,"
                        + "\"code\":\"3280\"}}"));
        assertThat(error.toJson())
                .startsWith("{\"error\":{\"message\":")
                .contains("\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"3280\"}}");
    }

    @Test
    void toJsonWritesNullCodeExplicitly() throws IOException {
        RelayError error = map(400, ErrorMapperSamplesTest.read("groq-error-stream-options-2024.json"));

        JsonNode inner = Json.MAPPER.readTree(error.toJson()).get("error");

        assertThat(inner.size()).isEqualTo(4);
        assertThat(inner.get("code").isNull()).isTrue();
        assertThat(inner.get("param").isNull()).isTrue();
    }

    private static RelayError map(int status, String body) {
        return ErrorMapper.map(UpstreamFailure.http(status, body));
    }
}
