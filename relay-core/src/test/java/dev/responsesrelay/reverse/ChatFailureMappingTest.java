package dev.responsesrelay.reverse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.ChatCompletionStream;
import dev.responsesrelay.ChatTranslation;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.UpstreamFailure;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How a Responses upstream's failures reach a Chat Completions client: the status, type and code a
 * Chat SDK acts on. The reverse direction keeps the upstream's own OpenAI error and status, unlike
 * the forward direction, which reclassifies for Codex; these cases pin the statuses and codes so
 * that sharing code with the forward direction cannot move them. All bodies are synthetic, shaped
 * after OpenAI's documented error object {@code {"error":{"message","type","param","code"}}}.
 */
class ChatFailureMappingTest {
    private final ChatTranslation translation = Fixtures.streaming();

    @ParameterizedTest
    @CsvSource({
        "400, invalid_request_error",
        "401, authentication_error",
        "403, permission_error",
        "404, not_found_error",
        "409, invalid_request_error",
        "422, invalid_request_error",
        "429, rate_limit_error",
        "500, server_error",
        "503, server_error"
    })
    void anErrorWithoutATypeKeepsItsStatusAndGetsTheTypeOfThatStatus(int status, String type) {
        RelayError error = translation.mapFailure(UpstreamFailure.http(status, "{\"error\":{\"message\":\"No.\"}}"));

        assertThat(error.httpStatus()).isEqualTo(status);
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.code()).isEmpty();
        assertThat(error.message()).isEqualTo("No.");
    }

    @Test
    void theUpstreamsTypeCodeAndParamAreKeptAsTheyAre() {
        RelayError error = translation.mapFailure(UpstreamFailure.http(
                422,
                "{\"error\":{\"message\":\"Unknown parameter.\",\"type\":\"invalid_request_error\","
                        + "\"param\":\"reasoning.foo\",\"code\":\"unknown_parameter\"}}"));

        assertThat(error.httpStatus()).isEqualTo(422);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.code()).contains("unknown_parameter");
        assertThat(error.param()).contains("reasoning.foo");
    }

    @Test
    void aStatusThatIsNotAnErrorBecomesABadGateway() {
        RelayError error = translation.mapFailure(UpstreamFailure.http(200, "{\"error\":{\"message\":\"odd\"}}"));

        assertThat(error.httpStatus()).isEqualTo(502);
        assertThat(error.type()).isEqualTo("server_error");
        assertThat(error.message()).isEqualTo("odd");
    }

    @Test
    void anErrorGivenAsAStringIsItsMessage() {
        RelayError error = translation.mapFailure(UpstreamFailure.http(404, "{\"error\":\"model not found\"}"));

        assertThat(error.httpStatus()).isEqualTo(404);
        assertThat(error.type()).isEqualTo("not_found_error");
        assertThat(error.code()).isEmpty();
        assertThat(error.message()).isEqualTo("model not found");
    }

    @Test
    void aJsonBodyWithoutAnErrorIsQuoted() {
        RelayError error = translation.mapFailure(UpstreamFailure.http(400, "{\"detail\":\"bad\"}"));

        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.message()).isEqualTo("upstream returned HTTP 400: {\"detail\":\"bad\"}");
    }

    @Test
    void aLongBodyIsCutToFiveHundredCharacters() {
        String body = "x".repeat(600);

        RelayError error = translation.mapFailure(UpstreamFailure.http(502, body));

        assertThat(error.message()).isEqualTo("upstream returned HTTP 502: " + "x".repeat(500) + "…");
    }

    @Test
    void anEmptyBodyNamesTheStatusOnly() {
        RelayError error = translation.mapFailure(UpstreamFailure.http(500, ""));

        assertThat(error.httpStatus()).isEqualTo(500);
        assertThat(error.message()).isEqualTo("upstream returned HTTP 500");
    }

    @Test
    void aTransportFailureIsABadGatewayWithoutCode() {
        RelayError error = translation.mapFailure(UpstreamFailure.transport("connection refused"));

        assertThat(error.httpStatus()).isEqualTo(502);
        assertThat(error.type()).isEqualTo("server_error");
        assertThat(error.code()).isEmpty();
        assertThat(error.message()).isEqualTo("upstream connection failed: connection refused");
    }

    @Test
    void retryAfterMsIsPreferredToRetryAfter() {
        RelayError error = translation.mapFailure(UpstreamFailure.http(
                429, "{\"error\":{\"message\":\"slow\"}}", Map.of("retry-after-ms", "1500", "Retry-After", "9")));

        assertThat(error.retryAfter()).contains(Duration.ofMillis(1500));
        assertThat(error.retryAfterHeader()).contains("2");
    }

    @Test
    void anUnreadableRetryAfterMsFallsBackToRetryAfter() {
        RelayError error = translation.mapFailure(UpstreamFailure.http(
                429, "{\"error\":{\"message\":\"slow\"}}", Map.of("retry-after-ms", "soon", "Retry-After", "4")));

        assertThat(error.retryAfter()).contains(Duration.ofSeconds(4));
    }

    @Test
    void anHttpDateRetryAfterIsMeasuredAgainstTheResponsesDateHeader() {
        RelayError error = translation.mapFailure(UpstreamFailure.http(
                503,
                "{\"error\":{\"message\":\"busy\"}}",
                Map.of("Retry-After", "Wed, 21 Oct 2026 07:28:30 GMT", "Date", "Wed, 21 Oct 2026 07:28:00 GMT")));

        assertThat(error.retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void aFailureWithoutRetryHeadersHasNoDelay() {
        RelayError error = translation.mapFailure(UpstreamFailure.http(
                429, "{\"error\":{\"message\":\"Rate limit reached. Please try again in 20s.\"}}"));

        assertThat(error.retryAfter()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "context_length_exceeded, 400, invalid_request_error",
        "invalid_prompt, 400, invalid_request_error",
        "invalid_image, 400, invalid_request_error",
        "rate_limit_exceeded, 429, rate_limit_error",
        "insufficient_quota, 429, rate_limit_error",
        "server_is_overloaded, 503, server_error",
        "slow_down, 503, server_error",
        "server_error, 500, server_error",
        "vector_store_timeout, 500, server_error"
    })
    void anErrorEventsCodeGetsTheStatusOpenAiSendsItWith(String code, int status, String type) {
        RelayError error =
                streamError(ResponsesEvents.stream().messageAdded(0, "msg_1").error(code, "It failed."));

        assertThat(error.httpStatus()).isEqualTo(status);
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.code()).contains(code);
        assertThat(error.message()).isEqualTo("It failed.");
    }

    @Test
    void aFailedResponseGetsTheStatusOfItsCode() {
        RelayError error = streamError(ResponsesEvents.stream().failed("invalid_prompt", "Flagged."));

        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.code()).contains("invalid_prompt");
    }

    @Test
    void anErrorEventWithoutCodeIsAServerError() {
        RelayError error = streamError(
                ResponsesEvents.stream().raw("{\"type\":\"error\",\"message\":\"boom\",\"sequence_number\":1}"));

        assertThat(error.httpStatus()).isEqualTo(500);
        assertThat(error.type()).isEqualTo("server_error");
        assertThat(error.code()).isEmpty();
        assertThat(error.message()).isEqualTo("boom");
    }

    private static RelayError streamError(ResponsesEvents events) {
        ChatCompletionStream stream = Fixtures.streaming().newStream();
        for (String data : events.data()) {
            stream.onData(data);
        }
        stream.onEnd();
        return stream.error().orElseThrow();
    }
}
