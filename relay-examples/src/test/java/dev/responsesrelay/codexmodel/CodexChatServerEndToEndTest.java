package dev.responsesrelay.codexmodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import dev.responsesrelay.codexconfig.CodexCli;
import dev.responsesrelay.fixtures.Samples;
import dev.responsesrelay.server.RelayServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * openai-java's chat client → the relay with {@code --upstream-api codex} → the real Codex CLI
 * 0.169.0 ({@link CodexCli}) → {@link FakeResponsesUpstream}, which answers Codex with a real
 * captured stream ({@code codex-0.169.0/sse/02_reasoning_plus_text.sse}).
 */
class CodexChatServerEndToEndTest {
    @TempDir
    Path codexHome;

    private FakeResponsesUpstream upstream;
    private RelayServer relay;
    private OpenAIClient client;

    @AfterEach
    void stop() throws InterruptedException {
        client.close();
        relay.close();
        upstream.close();
        // Codex still writes to CODEX_HOME just after its answer; let it finish before @TempDir cleanup.
        Thread.sleep(500);
    }

    @Test
    void codexLocalAnswersAStreamedChatWithReasoningTextAndUsage() throws Exception {
        assertThat(client.models().list().data()).extracting(Model::id).containsExactly("codex-local");

        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("codex-local")
                .addSystemMessage("Be brief.")
                .addUserMessage("Say hello")
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletion completion = accumulator.chatCompletion();

        assertThat(completion.model()).isEqualTo("codex-local");
        assertThat(completion.choices().get(0).message().content()).hasValue("Hello!");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.promptTokens()).isEqualTo(5000);
            assertThat(usage.completionTokens()).isEqualTo(50);
        });
        // The system message reached the model behind Codex as developer instructions.
        assertThat(upstream.requestBodies().get(0)).contains("Be brief.").contains("Say hello");
    }

    @Test
    void codexLocalAnswersANonStreamedChat() throws Exception {

        ChatCompletion completion = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("codex-local")
                        .addUserMessage("Say hello")
                        .build());

        assertThat(completion.choices().get(0).message().content()).hasValue("Hello!");
        assertThat(completion.usage())
                .hasValueSatisfying(usage -> assertThat(usage.totalTokens()).isEqualTo(5050));
    }

    /** Every test makes one chat request, which Codex answers from one captured stream. */
    @BeforeEach
    void start() throws Exception {
        upstream = new FakeResponsesUpstream(sharedSse("02_reasoning_plus_text.sse"));
        relay = RelayServer.start(List.of(
                        "--port",
                        "0",
                        "--upstream-api",
                        "codex",
                        "--codex-binary",
                        CodexCli.installed().executable().toString(),
                        "--codex-model",
                        "fake-model",
                        "--codex-home",
                        codexHome.toString(),
                        "--codex-timeout",
                        "90",
                        "--codex-config",
                        "model_provider=\"fake\"",
                        // No retries: a failing fake upstream should fail the turn at once (docs/codex-wire.md §2.3).
                        "--codex-config",
                        "model_providers.fake={name=\"Fake\",base_url=\"" + upstream.baseUrl()
                                + "\",wire_api=\"responses\",supports_websockets=false,"
                                + "stream_max_retries=0,request_max_retries=0}")
                .toArray(String[]::new));
        client = OpenAIOkHttpClient.builder()
                .baseUrl(relay.baseUrl())
                .apiKey("unused")
                .maxRetries(0)
                .build();
    }

    /** Sample {@code codex-0.169.0/sse/<name>} (relay-fixtures): a Responses stream Codex 0.169 accepted. */
    private static String sharedSse(String name) {
        return Samples.text("codex-0.169.0/sse/" + name);
    }
}
