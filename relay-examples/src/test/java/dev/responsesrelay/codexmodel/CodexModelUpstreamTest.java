package dev.responsesrelay.codexmodel;

import static dev.responsesrelay.codexmodel.Streams.output;
import static dev.responsesrelay.codexmodel.Streams.terminalResponse;
import static dev.responsesrelay.codexmodel.Streams.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.codexconfig.CodexCli;
import dev.responsesrelay.fixtures.Samples;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real Codex CLI 0.169.0 ({@link CodexCli}) against {@link FakeResponsesUpstream}, a
 * local server answering with canned Responses streams, and checks the events the upstream emits.
 */
class CodexModelUpstreamTest {
    private static final String HELLO_REQUEST = "{\"model\":\"codex-local\",\"instructions\":\"Be brief.\","
            + "\"input\":[{\"role\":\"user\",\"content\":\"Say hello\"}],\"stream\":true}";

    @TempDir
    Path codexHome;

    private final List<FakeResponsesUpstream> upstreams = new ArrayList<>();
    private final List<CodexExecution> executions = new ArrayList<>();

    /** Runs must be over before JUnit deletes CODEX_HOME: Codex still writes there after the answer. */
    @AfterEach
    void awaitRunsAndCloseUpstreams() throws InterruptedException {
        for (CodexExecution execution : executions) {
            assertThat(execution.awaitFinished(Duration.ofSeconds(30)))
                    .as("run finished")
                    .isTrue();
        }
        upstreams.forEach(FakeResponsesUpstream::close);
    }

    @Test
    void realCodexAnswerBecomesReasoningTextUsageAndCompleted() throws Exception {
        FakeResponsesUpstream upstream = upstream(sharedSse("02_reasoning_plus_text.sse"));
        Recorder recorder = new Recorder();

        CodexExecution execution = start(codex(upstream, Duration.ofSeconds(60)), HELLO_REQUEST, recorder);

        List<SseEvent> events = recorder.awaitTerminal();
        Streams.assertValid(events);
        JsonNode response = terminalResponse(events);
        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.path("model").asText()).isEqualTo("codex-local");
        assertThat(output(events))
                .extracting(Streams::text)
                .containsExactly("**Thinking about greeting**\n\nThe user wants a hello.", "Hello!");
        assertThat(response.path("usage").path("input_tokens").asLong()).isEqualTo(5000);
        assertThat(response.path("usage").path("output_tokens").asLong()).isEqualTo(50);
        assertThat(response.path("usage")
                        .path("output_tokens_details")
                        .path("reasoning_tokens")
                        .asLong())
                .isEqualTo(40);
        assertThat(response.path("usage").path("total_tokens").asLong()).isEqualTo(5050);
        assertThat(execution.awaitFinished(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void instructionsAndTaskReachTheModelAsDeveloperAndUserMessages() throws Exception {
        FakeResponsesUpstream upstream = upstream(sharedSse("02_reasoning_plus_text.sse"));
        Recorder recorder = new Recorder();

        start(codex(upstream, Duration.ofSeconds(60)), HELLO_REQUEST, recorder);
        recorder.awaitTerminal();

        JsonNode input =
                CodexJson.MAPPER.readTree(upstream.requestBodies().get(0)).path("input");
        List<String> texts = new ArrayList<>();
        input.forEach(item -> item.path("content")
                .forEach(part -> texts.add(
                        item.path("role").asText() + ": " + part.path("text").asText())));
        assertThat(texts).contains("developer: Be brief.", "user: Say hello");
    }

    @Test
    void temporaryWorkingDirectoryIsDeletedAfterTheRun() throws Exception {
        FakeResponsesUpstream upstream = upstream(sharedSse("02_reasoning_plus_text.sse"));
        CodexExecution execution = start(codex(upstream, Duration.ofSeconds(60)), HELLO_REQUEST, new Recorder());
        assertThat(execution.awaitFinished(Duration.ofSeconds(60))).isTrue();

        // Codex tells the model its working directory in <environment_context> (docs/codex-wire.md §1.3).
        Matcher cwd = Pattern.compile("<cwd>([^<]+)</cwd>")
                .matcher(upstream.requestBodies().get(0));
        assertThat(cwd.find()).isTrue();
        assertThat(Path.of(cwd.group(1))).doesNotExist();
        assertThat(Path.of(cwd.group(1)).getFileName().toString()).isEqualTo("work");
    }

    @Test
    void commandCodexRanIsShownWithItsOutput() throws Exception {
        FakeResponsesUpstream upstream =
                upstream(sharedSse("03_function_call_turn1.sse"), sharedSse("03_function_call_turn2_final.sse"));
        Recorder recorder = new Recorder();

        start(codex(upstream, Duration.ofSeconds(60)), HELLO_REQUEST, recorder);

        List<SseEvent> events = recorder.awaitTerminal();
        Streams.assertValid(events);
        assertThat(output(events)).extracting(Streams::text).hasSize(3).satisfies(texts -> {
            assertThat(texts.get(1)).startsWith("```console\n$ echo hi\n").endsWith("hi\n```");
            assertThat(texts.get(2)).isEqualTo("\n\nThe command printed hi.");
        });
    }

    @Test
    void toolCallAnswerBecomesFunctionCallItem() throws Exception {
        FakeResponsesUpstream upstream = upstream(Streams.resource("upstream/tool_call_answer.sse"));
        Recorder recorder = new Recorder();
        String request = "{\"model\":\"codex-local\",\"input\":\"Weather in Paris?\",\"tools\":[{\"type\":\"function\","
                + "\"name\":\"get_weather\",\"description\":\"Current weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}}}]}";

        start(codex(upstream, Duration.ofSeconds(60)), request, recorder);

        List<SseEvent> events = recorder.awaitTerminal();
        Streams.assertValid(events);
        assertThat(output(events)).singleElement().satisfies(item -> {
            assertThat(item.path("type").asText()).isEqualTo("function_call");
            assertThat(item.path("name").asText()).isEqualTo("get_weather");
            assertThat(item.path("arguments").asText()).isEqualTo("{\"city\":\"Paris\",\"unit\":\"celsius\"}");
        });
        assertThat(upstream.requestBodies().get(0)).contains("<tool name=\\\"get_weather\\\">\\nCurrent weather");
    }

    @Test
    void upstreamFailureBecomesResponseFailedWithCodexMessage() throws Exception {
        FakeResponsesUpstream upstream = upstream(Streams.resource("upstream/turn_failed_upstream_error.sse"));
        Recorder recorder = new Recorder();

        start(codex(upstream, Duration.ofSeconds(60)), HELLO_REQUEST, recorder);

        List<SseEvent> events = recorder.awaitTerminal();
        Streams.assertValid(events);
        assertThat(terminalResponse(events).path("error").toString())
                .isEqualTo("{\"code\":\"server_error\",\"message\":\"The upstream model refused this prompt.\"}");
    }

    @Test
    void codexConfigErrorBecomesResponseFailedWithItsMessage() throws Exception {
        Recorder recorder = new Recorder();
        CodexModelUpstream codex = CodexModelUpstream.builder()
                .codexBinary(CodexCli.installed().executable())
                .environment("CODEX_HOME", codexHome.toString())
                .configOverride("model_provider", "\"nonexistent\"")
                .timeout(Duration.ofSeconds(60))
                .build();

        start(codex, HELLO_REQUEST, recorder);

        List<SseEvent> events = recorder.awaitTerminal();
        Streams.assertValid(events);
        assertThat(terminalResponse(events).path("error").path("message").asText())
                .isEqualTo("codex exited with status 1: Error: Model provider `nonexistent` not found");
    }

    @Test
    void missingBinaryFailsTheResponse(@TempDir Path empty) throws Exception {
        Recorder recorder = new Recorder();
        Path missing = empty.resolve("no-such-codex");
        CodexModelUpstream codex =
                CodexModelUpstream.builder().codexBinary(missing).build();

        CodexExecution execution = start(codex, HELLO_REQUEST, recorder);

        List<SseEvent> events = recorder.awaitTerminal();
        Streams.assertValid(events);
        assertThat(types(events)).containsExactly("response.created", "response.in_progress", "response.failed");
        assertThat(terminalResponse(events).path("error").path("message").asText())
                .startsWith("could not start codex (" + missing + "): ");
        assertThat(execution.awaitFinished(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void timeoutFailsTheResponseAndKillsTheProcessTree() throws Exception {
        FakeResponsesUpstream upstream = upstream(FakeResponsesUpstream.HANG);
        Recorder recorder = new Recorder();

        CodexExecution execution = start(codex(upstream, Duration.ofSeconds(8)), HELLO_REQUEST, recorder);
        assertThat(upstream.awaitFirstRequest(30))
                .as("codex reached the upstream")
                .isTrue();
        List<ProcessHandle> processes = ProcessHandle.current().descendants().toList();

        List<SseEvent> events = recorder.awaitTerminal();
        Streams.assertValid(events);
        assertThat(terminalResponse(events).path("error").path("message").asText())
                .isEqualTo("codex did not finish within 8 s; its process was stopped");
        assertThat(processes).as("processes of the run").isNotEmpty();
        assertThat(awaitAllDead(processes, Duration.ofSeconds(10)))
                .as("processes of the run still alive")
                .isEmpty();
        assertThat(execution.awaitFinished(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void cancelKillsTheProcessTreeAndStopsEvents() throws Exception {
        FakeResponsesUpstream upstream = upstream(FakeResponsesUpstream.HANG);
        Recorder recorder = new Recorder();

        CodexExecution execution = start(codex(upstream, Duration.ofMinutes(2)), HELLO_REQUEST, recorder);
        assertThat(upstream.awaitFirstRequest(30))
                .as("codex reached the upstream")
                .isTrue();
        List<ProcessHandle> processes = ProcessHandle.current().descendants().toList();
        execution.cancel();

        assertThat(execution.awaitFinished(Duration.ofSeconds(15))).isTrue();
        assertThat(processes).as("processes of the run").isNotEmpty();
        assertThat(awaitAllDead(processes, Duration.ofSeconds(10)))
                .as("processes of the run still alive")
                .isEmpty();
        assertThat(types(recorder.events())).containsExactly("response.created", "response.in_progress");
    }

    @Test
    void listenerThatThrowsCancelsTheRun() throws Exception {
        FakeResponsesUpstream upstream = upstream(FakeResponsesUpstream.HANG);
        List<String> offered = new ArrayList<>();
        ResponsesEventListener failing = event -> {
            offered.add(event.event());
            throw new IllegalStateException("client connection closed");
        };

        CodexExecution execution = start(codex(upstream, Duration.ofMinutes(2)), HELLO_REQUEST, failing);

        assertThat(execution.awaitFinished(Duration.ofSeconds(15))).isTrue();
        assertThat(offered).containsExactly("response.created");
        assertThat(upstream.requestBodies()).as("codex never ran").isEmpty();
    }

    @Test
    void invalidRequestIsRejectedBeforeAnythingStarts() {
        Recorder recorder = new Recorder();
        CodexModelUpstream codex = CodexModelUpstream.builder().build();

        assertThatThrownBy(() -> codex.start("{\"input\":[{\"role\":\"user\",\"content\":7}]}", recorder))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("content must be a string or an array of parts at /input/0/content");
        assertThat(recorder.events()).isEmpty();
    }

    private CodexExecution start(CodexModelUpstream codex, String request, ResponsesEventListener listener) {
        CodexExecution execution = codex.start(request, listener);
        executions.add(execution);
        return execution;
    }

    private CodexModelUpstream codex(FakeResponsesUpstream upstream, Duration timeout) {
        return CodexModelUpstream.builder()
                .codexBinary(CodexCli.installed().executable())
                .model("fake-model")
                .environment("CODEX_HOME", codexHome.toString())
                .configOverride("model_provider", "\"fake\"")
                // No retries: a failing fake upstream should fail the turn at once (docs/codex-wire.md §2.3).
                .configOverride(
                        "model_providers.fake",
                        "{name=\"Fake\",base_url=\"" + upstream.baseUrl() + "\",wire_api=\"responses\","
                                + "supports_websockets=false,stream_max_retries=0,request_max_retries=0}")
                .idGenerator(IdGenerator.sequential())
                .timeout(timeout)
                .build();
    }

    private FakeResponsesUpstream upstream(String... answers) throws IOException {
        FakeResponsesUpstream upstream = new FakeResponsesUpstream(answers);
        upstreams.add(upstream);
        return upstream;
    }

    /** Sample {@code codex-0.169.0/sse/<name>} (relay-fixtures): a Responses stream Codex 0.169 accepted. */
    private static String sharedSse(String name) {
        return Samples.text("codex-0.169.0/sse/" + name);
    }

    /** Records events; wakes waiters on the terminal event. */
    private static final class Recorder implements ResponsesEventListener {
        private final List<SseEvent> events = new ArrayList<>();
        private final CountDownLatch terminal = new CountDownLatch(1);

        @Override
        public synchronized void onEvent(SseEvent event) {
            events.add(event);
            if (event.event().equals("response.completed") || event.event().equals("response.failed")) {
                terminal.countDown();
            }
        }

        synchronized List<SseEvent> events() {
            return List.copyOf(events);
        }

        List<SseEvent> awaitTerminal() throws InterruptedException {
            if (!terminal.await(90, TimeUnit.SECONDS)) {
                throw new AssertionError("no terminal event within 90 s; got " + types(events()));
            }
            return events();
        }
    }

    /**
     * The processes of {@code processes} still alive after {@code timeout}. A SIGKILL is delivered
     * and reaped asynchronously, so a process can look alive for a moment after the kill.
     */
    private static List<ProcessHandle> awaitAllDead(List<ProcessHandle> processes, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ProcessHandle> alive =
                processes.stream().filter(ProcessHandle::isAlive).toList();
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            alive = alive.stream().filter(ProcessHandle::isAlive).toList();
        }
        return alive;
    }
}
