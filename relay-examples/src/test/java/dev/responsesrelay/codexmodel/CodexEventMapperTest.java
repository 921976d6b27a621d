package dev.responsesrelay.codexmodel;

import static dev.responsesrelay.codexmodel.Streams.output;
import static dev.responsesrelay.codexmodel.Streams.terminalResponse;
import static dev.responsesrelay.codexmodel.Streams.text;
import static dev.responsesrelay.codexmodel.Streams.types;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.SseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Maps the real {@code codex exec --json} transcripts in {@code transcripts/} (Codex 0.169.0 against
 * a local fake upstream; see the README there) and synthetic lines shaped after them. Every stream
 * must pass the shared {@code ResponsesStreamChecker} ({@link Streams#assertValid}).
 */
class CodexEventMapperTest {
    private static final Set<String> NO_TOOLS = Set.of();

    @Test
    void reasoningAndMessageBecomeReasoningItemThenMessageItem() {
        List<SseEvent> events = mapTranscript("reasoning_and_message.jsonl", NO_TOOLS, "");

        assertThat(types(events))
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.reasoning_summary_part.added",
                        "response.reasoning_summary_text.delta",
                        "response.reasoning_summary_text.done",
                        "response.reasoning_summary_part.done",
                        "response.output_item.done",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.completed");
        assertThat(output(events)).extracting(CodexEventMapperTest::type).containsExactly("reasoning", "message");
        assertThat(text(output(events).get(0))).isEqualTo("**Thinking about greeting**\n\nThe user wants a hello.");
        assertThat(text(output(events).get(1))).isEqualTo("Hello!");
    }

    @Test
    void turnUsageBecomesResponsesUsageWithTotal() {
        List<SseEvent> events = mapTranscript("failed_command.jsonl", NO_TOOLS, "");

        // turn.completed: input 6100, cached 2900, output 35, reasoning 15 (summed over both requests)
        assertThat(terminalResponse(events).path("usage").toString())
                .isEqualTo("{\"input_tokens\":6100,\"input_tokens_details\":{\"cached_tokens\":2900},"
                        + "\"output_tokens\":35,\"output_tokens_details\":{\"reasoning_tokens\":15},"
                        + "\"total_tokens\":6135}");
    }

    @Test
    void warningItemsAreDropped() {
        List<SseEvent> events = mapTranscript("reasoning_and_message.jsonl", NO_TOOLS, "");

        assertThat(events).noneMatch(event -> event.data().contains("Model metadata"));
    }

    @Test
    void commandExecutionIsShownAsConsoleBlockBetweenMessages() {
        List<SseEvent> events = mapTranscript("command_then_answer.jsonl", NO_TOOLS, "");

        assertThat(output(events))
                .extracting(Streams::text)
                .containsExactly(
                        "**Running echo**\n\nI will run echo.",
                        "```console\n$ echo hi\npyenv: cannot rehash: /root/.pyenv/shims isn't writable\nhi\n```",
                        "\n\nThe command printed hi.");
    }

    @Test
    void failedCommandShowsItsExitCode() {
        List<SseEvent> events = mapTranscript("failed_command.jsonl", NO_TOOLS, "");

        assertThat(output(events))
                .extracting(Streams::text)
                .containsExactly(
                        "Let me look at that directory.",
                        """


                        ```console
                        $ ls /definitely-missing-dir
                        pyenv: cannot rehash: /root/.pyenv/shims isn't writable
                        ls: cannot access '/definitely-missing-dir': No such file or directory
                        [exit code 2]
                        ```""",
                        "**Checking the listing**\n\nls failed.",
                        "\n\nThe directory does not exist (ls exited with code 2).");
    }

    @Test
    void sandboxRefusalIsShownAsTheCommandsOutput() {
        List<SseEvent> events = mapTranscript("sandbox_denied_command.jsonl", NO_TOOLS, "");

        assertThat(text(output(events).get(0)))
                .contains("$ touch denied.txt\n")
                .contains("Read-only file system\n[exit code 1]\n```");
    }

    @Test
    void doubleQuotedShellWrapperIsUnquoted() {
        List<SseEvent> events = mapTranscript("quoted_command.jsonl", NO_TOOLS, "");

        assertThat(text(output(events).get(0))).startsWith("```console\n$ echo 'it''s' \"two words\" | tr a-z A-Z\n");
    }

    @Test
    void fileChangeListsPathsRelativeToTheWorkingDirectory() {
        List<SseEvent> events = mapTranscript("file_change.jsonl", NO_TOOLS, "/tmp/cmx/work2");

        assertThat(output(events))
                .extracting(Streams::text)
                .containsExactly("Changed files:\n- added `hello.txt`", "\n\nCreated hello.txt.");
    }

    @Test
    void toolCallAnswerBecomesFunctionCallWhenTheToolWasDeclared() {
        List<SseEvent> events = mapTranscript("tool_call_answer.jsonl", Set.of("get_weather"), "");

        assertThat(output(events)).singleElement().satisfies(item -> {
            assertThat(item.path("type").asText()).isEqualTo("function_call");
            assertThat(item.path("name").asText()).isEqualTo("get_weather");
            assertThat(item.path("arguments").asText()).isEqualTo("{\"city\":\"Paris\",\"unit\":\"celsius\"}");
            assertThat(item.path("call_id").asText()).startsWith("call_");
        });
        assertThat(types(events))
                .contains("response.function_call_arguments.delta")
                .endsWith("response.completed");
    }

    @Test
    void toolCallAnswerStaysTextWhenNoToolWasDeclared() {
        List<SseEvent> events = mapTranscript("tool_call_answer.jsonl", NO_TOOLS, "");

        assertThat(output(events))
                .singleElement()
                .satisfies(item -> assertThat(text(item))
                        .isEqualTo("{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\","
                                + " \"unit\": \"celsius\"}}]}"));
    }

    @Test
    void turnFailedBecomesResponseFailedWithCodexMessage() {
        List<SseEvent> events = mapTranscript("turn_failed_upstream_error.jsonl", NO_TOOLS, "");

        assertThat(events.get(events.size() - 1).event()).isEqualTo("response.failed");
        assertThat(terminalResponse(events).path("error").toString())
                .isEqualTo("{\"code\":\"server_error\",\"message\":\"The upstream model refused this prompt.\"}");
        assertThat(output(events)).isEmpty();
    }

    @Test
    void disconnectedUpstreamBecomesResponseFailed() {
        List<SseEvent> events = mapTranscript("turn_failed_stream_disconnected.jsonl", NO_TOOLS, "");

        assertThat(terminalResponse(events).path("error").path("message").asText())
                .isEqualTo("stream disconnected before completion: stream closed before response.completed");
    }

    @Test
    void recoverableErrorEventDoesNotEndTheResponse() {
        List<SseEvent> events = mapTranscript("reconnect_then_answer.jsonl", NO_TOOLS, "");

        assertThat(terminalResponse(events).path("status").asText()).isEqualTo("completed");
        assertThat(output(events)).extracting(Streams::text).containsExactly("Hello there.");
    }

    @Test
    void exitWithoutTurnCompletedFailsAndKeepsFinishedItems() {
        // synthetic, shaped after transcripts/reasoning_and_message.jsonl cut before turn.completed
        CodexEventMapper mapper = mapper(NO_TOOLS, "");
        List<SseEvent> events = new ArrayList<>(mapper.start());
        events.addAll(mapper.onLine("{\"type\":\"turn.started\"}"));
        events.addAll(
                mapper.onLine(
                        "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"agent_message\",\"text\":\"Hi\"}}"));
        events.addAll(mapper.onExit(0, ""));

        Streams.assertValid(events);
        assertThat(terminalResponse(events).path("status").asText()).isEqualTo("failed");
        assertThat(terminalResponse(events).path("error").path("message").asText())
                .isEqualTo("codex exited before the turn completed");
        assertThat(output(events)).extracting(Streams::text).containsExactly("Hi");
    }

    @Test
    void nonZeroExitReportsCodexErrorLineWithoutTheBacktrace() {
        CodexEventMapper mapper = mapper(NO_TOOLS, "");
        List<SseEvent> events = new ArrayList<>(mapper.start());
        events.addAll(mapper.onExit(1, Streams.resource("stderr/unknown_provider.txt")));

        Streams.assertValid(events);
        assertThat(terminalResponse(events).path("error").path("message").asText())
                .isEqualTo("codex exited with status 1: Error: Model provider `nonexistent` not found");
    }

    @Test
    void multiLineConfigErrorIsKeptWhole() {
        assertThat(CodexEventMapper.explainStderr(Streams.resource("stderr/wire_api_chat.txt")))
                .startsWith("Error loading config.toml: `wire_api = \"chat\"` is no longer supported.\nHow to fix:")
                .endsWith("in `model_providers.x.wire_api`");
    }

    @Test
    void stderrWithoutAnErrorLineIsShownByItsEnd() {
        assertThat(CodexEventMapper.explainStderr("x".repeat(600) + "\nthe end\n"))
                .startsWith("…")
                .endsWith("the end")
                .hasSize(501);
    }

    @Test
    void lineThatIsNotJsonFailsTheResponse() {
        CodexEventMapper mapper = mapper(NO_TOOLS, "");
        List<SseEvent> events = new ArrayList<>(mapper.start());
        events.addAll(mapper.onLine("{\"type\":\"turn.started\"}"));
        events.addAll(mapper.onLine("panic: something broke"));

        Streams.assertValid(events);
        assertThat(terminalResponse(events).path("error").path("message").asText())
                .isEqualTo("codex printed a line that is not a JSON event: panic: something broke");
    }

    @Test
    void toolCallAnswerFollowedByMoreWorkIsShownAsText() {
        // synthetic, shaped after transcripts/tool_call_answer.jsonl and command_then_answer.jsonl
        List<SseEvent> events = mapLines(
                Set.of("get_weather"),
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"agent_message\","
                        + "\"text\":\"{\\\"tool_calls\\\":[{\\\"name\\\":\\\"get_weather\\\",\\\"arguments\\\":{}}]}\"}}",
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_2\",\"type\":\"agent_message\",\"text\":\"Done.\"}}",
                "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}");

        assertThat(output(events)).extracting(CodexEventMapperTest::type).containsExactly("message", "message");
        assertThat(text(output(events).get(1))).isEqualTo("\n\nDone.");
    }

    @Test
    void toolCallAnswerOfAFailedTurnIsNeverAnnouncedAsACall() {
        List<SseEvent> events = mapLines(
                Set.of("get_weather"),
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"agent_message\","
                        + "\"text\":\"{\\\"tool_calls\\\":[{\\\"name\\\":\\\"get_weather\\\"}]}\"}}",
                "{\"type\":\"turn.failed\",\"error\":{\"message\":\"boom\"}}");

        assertThat(output(events)).extracting(CodexEventMapperTest::type).containsExactly("message");
        assertThat(terminalResponse(events).path("status").asText()).isEqualTo("failed");
    }

    @Test
    void linesAfterTheTerminalEventAreIgnored() {
        CodexEventMapper mapper = mapper(NO_TOOLS, "");
        mapper.start();
        mapper.onLine("{\"type\":\"turn.failed\",\"error\":{\"message\":\"boom\"}}");

        assertThat(mapper.onLine("{\"type\":\"turn.completed\",\"usage\":{}}")).isEmpty();
        assertThat(mapper.onExit(1, "")).isEmpty();
        assertThat(mapper.fail("timeout")).isEmpty();
    }

    @Test
    void unreadableUsageFailsTheResponse() {
        List<SseEvent> events =
                mapLines(NO_TOOLS, "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":\"many\"}}");

        assertThat(terminalResponse(events).path("error").path("message").asText())
                .isEqualTo("codex reported an unreadable token count \"many\" for input_tokens");
    }

    @Test
    void todoListBecomesAReasoningChecklist() {
        // synthetic, shaped after the todo_list item of codex exec --json (exec_events.rs)
        List<SseEvent> events = mapLines(
                NO_TOOLS,
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"todo_list\",\"items\":"
                        + "[{\"text\":\"Read\",\"completed\":true},{\"text\":\"Write\",\"completed\":false}]}}",
                "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}");

        assertThat(output(events)).singleElement().satisfies(item -> {
            assertThat(item.path("type").asText()).isEqualTo("reasoning");
            assertThat(text(item)).isEqualTo("Plan:\n- [x] Read\n- [ ] Write");
        });
    }

    @Test
    void mcpToolCallIsShownWithArgumentsAndResult() {
        // synthetic, shaped after the mcp_tool_call item of codex exec --json (exec_events.rs)
        List<SseEvent> events = mapLines(
                NO_TOOLS,
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"mcp_tool_call\",\"server\":\"echo\","
                        + "\"tool\":\"echo_text\",\"arguments\":{\"text\":\"ping\"},\"result\":{\"content\":"
                        + "[{\"type\":\"text\",\"text\":\"ECHO: ping\"}],\"structured_content\":null},\"error\":null,"
                        + "\"status\":\"completed\"}}",
                "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}");

        assertThat(text(output(events).get(0)))
                .isEqualTo("Called `echo.echo_text` with `{\"text\":\"ping\"}`\n```text\nECHO: ping\n```");
    }

    private static List<SseEvent> mapTranscript(String name, Set<String> tools, String workingDirectory) {
        CodexEventMapper mapper = mapper(tools, workingDirectory);
        List<SseEvent> events = new ArrayList<>(mapper.start());
        Streams.resource("transcripts/" + name).lines().forEach(line -> events.addAll(mapper.onLine(line)));
        // The failed-turn transcripts exited with status 1, the others with 0 (README).
        events.addAll(mapper.onExit(name.startsWith("turn_failed") ? 1 : 0, ""));
        Streams.assertValid(events);
        return events;
    }

    private static List<SseEvent> mapLines(Set<String> tools, String... lines) {
        CodexEventMapper mapper = mapper(tools, "");
        List<SseEvent> events = new ArrayList<>(mapper.start());
        for (String line : lines) {
            events.addAll(mapper.onLine(line));
        }
        events.addAll(mapper.onExit(0, ""));
        Streams.assertValid(events);
        return events;
    }

    private static CodexEventMapper mapper(Set<String> tools, String workingDirectory) {
        IdGenerator ids = IdGenerator.sequential();
        return new CodexEventMapper(
                new ResponseEventWriter(ids.newId("resp_"), "codex-local", 1_700_000_000L),
                ids,
                tools,
                workingDirectory,
                4000);
    }

    private static String type(JsonNode item) {
        return item.path("type").asText();
    }
}
