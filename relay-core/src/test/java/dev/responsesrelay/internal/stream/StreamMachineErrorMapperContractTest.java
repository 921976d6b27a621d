package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.fixtures.Samples;
import dev.responsesrelay.internal.JsonTestSupport;
import dev.responsesrelay.internal.error.ErrorMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stream machine hands upstream failures and in-stream error payloads to {@link ErrorMapper}.
 * These tests hold the machine to the mapper's contract: the codes Codex acts on (docs/codex-wire.md
 * §2.3, docs/dialects.md rule 42). The shape checks that do not depend on it live in {@link
 * StreamMachineTerminalTest}.
 */
class StreamMachineErrorMapperContractTest {
    @Test
    void http429FailsWithRateLimitExceeded() {
        StreamRun.Result result = StreamRun.of(TestContexts.plain())
                .failure(UpstreamFailure.http(
                        429,
                        Samples.text("dialects/openai-error-429-request-too-large.json"),
                        Map.of("Retry-After", "2")))
                .result();

        assertThat(result.response().path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(result.error().code()).hasValue("rate_limit_exceeded");
    }

    @Test
    void inStreamContextOverflowFailsWithContextLengthExceeded() {
        StreamRun.Result result = StreamRun.translate(
                TestContexts.plain(),
                Chunks.text("Hi"),
                JsonTestSupport.tree(Samples.text("dialects/openai-error-context-length-exceeded.json"))
                        .toString());

        assertThat(result.response().path("error").path("code").asText()).isEqualTo("context_length_exceeded");
    }

    @Test
    void llamaCppErrorEventWithContextOverflowFailsWithContextLengthExceeded() {
        StreamRun.Result result = StreamRun.of(TestContexts.plain())
                .event(SseEvent.of("error", Samples.text("dialects/llamacpp-error-exceed-context.json")))
                .end()
                .result();

        assertThat(result.response().path("error").path("code").asText()).isEqualTo("context_length_exceeded");
    }

    @Test
    void serverErrorsAndTransportFailuresFailWithServerError() {
        StreamRun.Result http = StreamRun.of(TestContexts.plain())
                .failure(UpstreamFailure.http(503, "{\"error\":{\"message\":\"Loading model\",\"code\":503}}"))
                .result();
        StreamRun.Result transport = StreamRun.of(TestContexts.plain())
                .data(Chunks.text("Hi"))
                .failure(UpstreamFailure.transport("connection reset"))
                .result();

        assertThat(http.response().path("error").path("code").asText()).isEqualTo("server_error");
        assertThat(transport.response().path("error").path("code").asText()).isEqualTo("server_error");
    }
}
