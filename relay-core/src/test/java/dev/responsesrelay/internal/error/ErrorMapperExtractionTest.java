package dev.responsesrelay.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.UpstreamFailure;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** One test per error-body shape docs/dialects.md §H rule 40 lists: the provider's message comes out. */
final class ErrorMapperExtractionTest {

    @Test
    void nestedErrorMessageString() throws IOException {
        // Real: openai-error-context-length-exceeded.json
        RelayError error = map(400, ErrorMapperSamplesTest.read("openai-error-context-length-exceeded.json"));

        assertThat(error.message())
                .isEqualTo("This model's maximum context length is 4097 tokens. However, your messages resulted in"
                        + " 4294 tokens. Please reduce the length of the messages.");
    }

    @Test
    void messageThatIsItselfJsonTextIsParsed() throws IOException {
        // Real: gemini-error-429-nested-string.json (Google error JSON stringified into error.message).
        RelayError error = map(429, ErrorMapperSamplesTest.read("gemini-error-429-nested-string.json"));

        assertThat(error.message()).isEqualTo("Resource has been exhausted (e.g. check quota).");
    }

    @Test
    void errorAsPlainString() {
        // Synthetic, shaped after docs/dialects.md §1.14 LM Studio: {"error":"<text>"} with HTTP 200.
        RelayError error = map(200, "{\"error\":\"Unexpected endpoint or method. (POST /chat/completions)\"}");

        assertThat(error.message()).isEqualTo("Unexpected endpoint or method. (POST /chat/completions)");
    }

    @Test
    void topLevelMessageWithObjectError() throws IOException {
        // Real: mistral-error-role-order.json ({"object":"error","message":…} without a wrapper).
        RelayError error = map(400, ErrorMapperSamplesTest.read("mistral-error-role-order.json"));

        assertThat(error.message()).isEqualTo("Unexpected role 'user' after role 'tool'");
    }

    @Test
    void oldVllmTopLevelErrorWithNumericCode() {
        // Synthetic, shaped after docs/dialects.md §1.15 vLLM (old top-level form).
        RelayError error = map(
                404,
                "{\"object\":\"error\",\"message\":\"The model `gpt-x` does not exist.\",\"type\":\"NotFoundError\","
                        + "\"param\":null,\"code\":404}");

        assertThat(error.message()).isEqualTo("The model `gpt-x` does not exist.");
        assertThat(error.httpStatus()).isEqualTo(404);
    }

    @Test
    void messageObjectWithPydanticDetailIsRenderedReadably() throws IOException {
        // Real: mistral-error-422-extra-forbidden-max-completion-tokens.json
        RelayError error =
                map(422, ErrorMapperSamplesTest.read("mistral-error-422-extra-forbidden-max-completion-tokens.json"));

        assertThat(error.message())
                .isEqualTo("extra_forbidden at body.max_completion_tokens: Extra inputs are not permitted");
    }

    @Test
    void everyPydanticDetailIsListed() throws IOException {
        // Real: mistral-error-422-extra-forbidden-user-name-toolcalls-null.json (two details).
        RelayError error = map(
                422, ErrorMapperSamplesTest.read("mistral-error-422-extra-forbidden-user-name-toolcalls-null.json"));

        assertThat(error.message())
                .isEqualTo("extra_forbidden at body.messages.0.user.name: Extra inputs are not permitted; "
                        + "extra_forbidden at body.messages.0.user.tool_calls: Extra inputs are not permitted");
    }

    @Test
    void fastApiTopLevelDetailList() {
        // Synthetic, shaped after docs/dialects.md §H rule 40 ("detail[] list"), FastAPI's default 422 body.
        RelayError error = map(
                422,
                "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"model\"],\"msg\":\"Field required\","
                        + "\"input\":{}}]}");

        assertThat(error.message()).isEqualTo("missing at body.model: Field required");
    }

    @Test
    void openRouterMetadataRawIsParsedAndProviderNamed() throws IOException {
        // Real: openrouter-error-wrapped-mistral-role-order.json
        RelayError error = map(400, ErrorMapperSamplesTest.read("openrouter-error-wrapped-mistral-role-order.json"));

        assertThat(error.message()).isEqualTo("Mistral: Unexpected role 'tool' after role 'user'");
        assertThat(error.code()).contains("3230");
    }

    @Test
    void openRouterMetadataRawInsideErrorWrapper() {
        // Synthetic, shaped after docs/dialects.md §1.8 OpenRouter: {"error":{"code":<status>,"message",
        // "metadata":{"raw":"<upstream JSON>","provider_name"}}}.
        RelayError error = map(
                400,
                "{\"error\":{\"message\":\"Provider returned error\",\"code\":400,\"metadata\":{\"raw\":"
                        + "\"{\\\"error\\\":{\\\"message\\\":\\\"Invalid 'messages[2].tool_calls[0].id'\\\","
                        + "\\\"code\\\":\\\"invalid_value\\\"}}\",\"provider_name\":\"OpenAI\"}}}");

        assertThat(error.message()).isEqualTo("OpenAI: Invalid 'messages[2].tool_calls[0].id'");
        assertThat(error.code()).contains("invalid_value");
    }

    @Test
    void openRouterRawThatIsNotJsonIsKeptAsText() {
        // Synthetic, shaped after docs/dialects.md §1.8 OpenRouter, with a provider that answered in text.
        RelayError error = map(
                502,
                "{\"error\":{\"message\":\"Provider returned error\",\"code\":502,\"metadata\":{\"raw\":"
                        + "\"upstream connect error\",\"provider_name\":\"Together\"}}}");

        assertThat(error.message()).isEqualTo("Together: upstream connect error");
    }

    @Test
    void geminiNativeArrayOfErrors() {
        // Synthetic, shaped after docs/dialects.md §1.11 Gemini (native streaming error array).
        RelayError error = map(
                429,
                "[{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted (e.g. check quota).\","
                        + "\"status\":\"RESOURCE_EXHAUSTED\"}}]");

        assertThat(error.message()).isEqualTo("Resource has been exhausted (e.g. check quota).");
        assertThat(error.code()).contains("rate_limit_exceeded");
    }

    @Test
    void plainTextBodyIsTheMessage() throws IOException {
        // Real: deepseek-error-developer-role.txt (serde error as text/plain).
        RelayError error = map(400, ErrorMapperSamplesTest.read("deepseek-error-developer-role.txt"));

        assertThat(error.message())
                .isEqualTo("Failed to deserialize the JSON body into the target type: messages[1].role: unknown"
                        + " variant `developer`, expected one of `system`, `user`, `assistant`, `tool`,"
                        + " `latest_reminder` at line 1 column 45258");
    }

    @Test
    void leadingBlankLinesBeforeJsonAreTolerated() {
        // Synthetic, shaped after docs/dialects.md §2 rule 4 (DeepSeek precedes bodies with blank lines).
        RelayError error =
                map(400, "\n\n\n{\"error\":{\"message\":\"bad things\",\"type\":\"invalid_request_error\"}}");

        assertThat(error.message()).isEqualTo("bad things");
    }

    @Test
    void htmlPageGivesItsTitleNotTheWholePage() {
        // Synthetic, shaped after a reverse proxy's default error page (docs/dialects.md §H: never echo HTML).
        String page = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title>"
                + "<style>body{font-family:x}</style></head><body><center><h1>502 Bad Gateway</h1></center>"
                + "<hr><center>nginx</center>" + "<p>padding</p>".repeat(500) + "</body></html>";

        RelayError error = map(502, page);

        assertThat(error.message())
                .isEqualTo("The upstream answered HTTP 502 Bad Gateway with an HTML page: 502 Bad Gateway");
        assertThat(error.code()).contains("server_error");
    }

    @Test
    void htmlPageWithoutTitleGivesAShortPrefixOfItsText() {
        // Synthetic: an HTML page with neither title nor heading.
        String page = "<html><body><p>Service &amp; stuff unavailable</p>" + "<p>more text</p>".repeat(100)
                + "</body></html>";

        RelayError error = map(503, page);

        assertThat(error.message())
                .startsWith("The upstream answered HTTP 503 Service Unavailable with an HTML"
                        + " page: Service & stuff unavailable more text");
        assertThat(error.message().length()).isLessThan(300);
    }

    @Test
    void emptyBodyUsesTheHttpReason() {
        RelayError error = map(503, "");

        assertThat(error.message()).isEqualTo("The upstream answered HTTP 503 Service Unavailable with an empty body");
        assertThat(error.httpStatus()).isEqualTo(503);
    }

    @Test
    void jsonWithoutAnyMessageShowsTheBody() {
        // Synthetic: JSON that carries no message field at all.
        RelayError error = map(500, "{\"status\":\"failure\"}");

        assertThat(error.message())
                .isEqualTo("The upstream answered HTTP 500 Internal Server Error: {\"status\":\"failure\"}");
    }

    @Test
    void brokenJsonIsTreatedAsText() {
        // Synthetic: a body cut off mid-document, as a proxy timing out might leave it.
        RelayError error = map(400, "{\"error\":{\"message\":\"cut of");

        assertThat(error.message()).isEqualTo("{\"error\":{\"message\":\"cut of");
    }

    @Test
    void hugePlainTextIsTruncated() {
        RelayError error = map(400, "x".repeat(100_000));

        assertThat(error.message()).hasSize(ErrorBodies.MAX_MESSAGE_CHARS + 1).endsWith("…");
    }

    @Test
    void upstreamParamIsAddedWhenTheMessageDoesNotNameIt() {
        // Synthetic, shaped after the OpenAI error body (docs/dialects.md §0) with a terse message.
        RelayError error = map(
                400,
                "{\"error\":{\"message\":\"Invalid value.\",\"type\":\"invalid_request_error\","
                        + "\"param\":\"response_format\",\"code\":\"invalid_value\"}}");

        assertThat(error.message()).isEqualTo("Invalid value. (upstream param: response_format)");
        // The param names a field of the Chat request the relay built, not of the client's request.
        assertThat(error.param()).isEmpty();
    }

    @Test
    void groqFailedGenerationIsAppendedShortened() {
        // Synthetic, shaped after docs/dialects.md §1.6 Groq tool_use_failed.
        String generation = "<function=exec_command>{\"cmd\": \"ls\"" + " ".repeat(1000) + "</function>";
        RelayError error = map(
                400,
                "{\"error\":{\"message\":\"Failed to call a function. Please adjust your prompt. See"
                        + " 'failed_generation' for more details.\",\"type\":\"invalid_request_error\","
                        + "\"code\":\"tool_use_failed\",\"failed_generation\":\"" + generation.replace("\"", "\\\"")
                        + "\"}}");

        assertThat(error.message())
                .startsWith("Failed to call a function. Please adjust your prompt. See 'failed_generation' for"
                        + " more details. failed_generation: <function=exec_command>{\"cmd\": \"ls\"")
                .endsWith("…");
        assertThat(error.code()).contains("tool_use_failed");
    }

    @Test
    void transportFailureNamesTheCause() {
        RelayError error = ErrorMapper.map(UpstreamFailure.transport("Connection refused"));

        assertThat(error.message()).isEqualTo("The upstream connection failed: Connection refused");
    }

    private static RelayError map(int status, String body) {
        return ErrorMapper.map(UpstreamFailure.http(status, body));
    }
}
