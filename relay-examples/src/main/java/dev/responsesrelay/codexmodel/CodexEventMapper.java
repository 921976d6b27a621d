package dev.responsesrelay.codexmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.SseEvent;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns the JSONL that {@code codex exec --json} prints (Codex 0.169; real samples in the test
 * resources {@code transcripts/}) into Responses stream events. A deterministic step function: same
 * lines, ids and clock give the same events. Single use and not thread-safe.
 *
 * <p>Codex 0.169 reports each item once, whole, in {@code item.completed} (agent messages do not
 * stream), so every Codex item becomes one whole Responses item:
 *
 * <ul>
 *   <li>{@code agent_message} → an assistant message; the last one of the turn becomes {@code
 *       function_call} items instead when it is a {@link ToolCallAnswer};
 *   <li>{@code reasoning} → a reasoning item with the text as its summary; {@code todo_list} → a
 *       reasoning item with the plan as a checklist;
 *   <li>{@code command_execution}, {@code file_change}, {@code mcp_tool_call}, {@code web_search} →
 *       assistant message text rendered by {@link WorkItemRenderer} (why: see there);
 *   <li>{@code error} items (non-fatal warnings such as "Model metadata for … not found") are
 *       dropped; {@code thread.started}, {@code turn.started}, {@code item.started} and {@code
 *       item.updated} carry nothing the answer needs;
 *   <li>{@code turn.completed} → {@code response.completed} with its usage; {@code turn.failed}, an
 *       exit without {@code turn.completed}, a line that is not a JSON event, or {@link #fail} →
 *       {@code response.failed} with code {@code server_error} and Codex's message.
 * </ul>
 *
 * <p>A message item that follows another one starts with a blank line: Chat Completions clients see
 * all output text of a response as one string, and paragraphs would otherwise run together.
 *
 * <p>After the terminal event every method returns no events: a timeout, a cancel and the process's
 * own end race each other, and the first one to reach the mapper decides the outcome.
 */
final class CodexEventMapper {
    static final String ERROR_CODE = "server_error";

    private final ResponseEventWriter out;
    private final IdGenerator ids;
    private final Set<String> toolNames;
    private final String workingDirectory;
    private final int maxOutputChars;
    private boolean wroteMessage;
    private @Nullable String lastErrorMessage;

    /** An agent message that reads as a tool-call answer, held until we know whether it is the last. */
    private @Nullable PendingAnswer pendingAnswer;

    CodexEventMapper(
            ResponseEventWriter out,
            IdGenerator ids,
            Set<String> toolNames,
            String workingDirectory,
            int maxOutputChars) {
        this.out = out;
        this.ids = ids;
        this.toolNames = Set.copyOf(toolNames);
        this.workingDirectory = workingDirectory;
        this.maxOutputChars = maxOutputChars;
    }

    /** {@code response.created} and {@code response.in_progress}. */
    List<SseEvent> start() {
        out.start();
        return out.drain();
    }

    /** Maps one line of {@code codex exec --json} output. */
    List<SseEvent> onLine(String line) {
        if (out.isTerminal() || line.isBlank()) {
            return List.of();
        }
        JsonNode event;
        try {
            event = CodexJson.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            return fail("codex printed a line that is not a JSON event: " + abbreviate(line));
        }
        if (event == null || !event.isObject() || !event.path("type").isTextual()) {
            return fail("codex printed a line that is not a JSON event: " + abbreviate(line));
        }
        switch (event.get("type").asText()) {
            case "item.completed" -> onItemCompleted(event.path("item"));
            case "turn.completed" -> onTurnCompleted(event.path("usage"));
            case "turn.failed" -> {
                String message = event.path("error").path("message").asText("");
                failNow(message.isEmpty() ? failureWithoutMessage() : message);
            }
            // Codex prints a top-level "error" right before "turn.failed", and also while it retries
            // ("Reconnecting... 1/1 (…)", transcripts/reconnect_then_answer.jsonl): only the turn's
            // outcome decides; the message explains an exit without one.
            case "error" -> {
                if (event.path("message").isTextual()) {
                    lastErrorMessage = event.get("message").asText();
                }
            }
            default -> {} // thread.started, turn.started, item.started, item.updated, future events
        }
        return out.drain();
    }

    /** The process ended; fails the response unless {@code turn.completed} or a failure came first. */
    List<SseEvent> onExit(int exitCode, String stderrTail) {
        if (out.isTerminal()) {
            return List.of();
        }
        String message;
        if (lastErrorMessage != null) {
            message = lastErrorMessage;
        } else if (exitCode != 0) {
            String detail = explainStderr(stderrTail);
            message = "codex exited with status " + exitCode + (detail.isEmpty() ? "" : ": " + detail);
        } else {
            message = "codex exited before the turn completed";
        }
        return fail(message);
    }

    /** Ends the response with {@code response.failed} (no-op if it already ended). */
    List<SseEvent> fail(String message) {
        if (out.isTerminal()) {
            return List.of();
        }
        failNow(message);
        return out.drain();
    }

    boolean isTerminal() {
        return out.isTerminal();
    }

    private void onItemCompleted(JsonNode item) {
        String type = item.path("type").asText("");
        switch (type) {
            case "agent_message" -> {
                String text = item.path("text").asText("");
                Optional<List<ToolCallAnswer.ToolCall>> calls = ToolCallAnswer.parse(text, toolNames);
                flushPendingAsText();
                if (calls.isPresent()) {
                    pendingAnswer = new PendingAnswer(text, calls.get());
                } else {
                    message(text);
                }
            }
            case "reasoning" -> reasoning(item.path("text").asText(""));
            case "todo_list" -> reasoning(WorkItemRenderer.todoList(item.path("items")));
            case "command_execution" ->
                message(WorkItemRenderer.command(
                        item.path("command").asText(""),
                        item.path("aggregated_output").asText(""),
                        item.path("exit_code").canConvertToInt()
                                ? item.get("exit_code").intValue()
                                : null,
                        item.path("status").asText(""),
                        maxOutputChars));
            case "file_change" ->
                message(WorkItemRenderer.fileChange(
                        item.path("changes"), item.path("status").asText(""), workingDirectory));
            case "mcp_tool_call" ->
                message(WorkItemRenderer.mcpToolCall(
                        item.path("server").asText(""),
                        item.path("tool").asText(""),
                        item.path("arguments"),
                        item.path("result"),
                        item.path("error"),
                        maxOutputChars));
            case "web_search" ->
                message(WorkItemRenderer.webSearch(item.path("query").asText("")));
            default -> {} // "error" items are warnings; unknown item kinds have no chat rendering
        }
    }

    private void onTurnCompleted(JsonNode usage) {
        ObjectNode responsesUsage;
        try {
            responsesUsage = usage(usage);
        } catch (IllegalArgumentException e) {
            failNow(String.valueOf(e.getMessage()));
            return;
        }
        PendingAnswer answer = pendingAnswer;
        pendingAnswer = null;
        if (answer != null) {
            // The tool-call answer was the turn's last message: announce the calls. Only now, at the
            // end of a completed turn, since a client acts on output_item.done (docs/codex-wire.md §2.1).
            for (ToolCallAnswer.ToolCall call : answer.calls()) {
                out.functionCall(ids.newId("fc_"), ids.newId("call_"), call.name(), call.arguments());
            }
        }
        out.completed(responsesUsage);
    }

    /**
     * Codex's turn usage ({@code input_tokens}, {@code cached_input_tokens}, {@code output_tokens},
     * {@code reasoning_output_tokens}; real samples in {@code transcripts/}) as Responses usage.
     * Codex's {@code output_tokens} already include reasoning, as in the Responses API, so {@code
     * total_tokens} is input plus output. Missing counts are 0.
     */
    static ObjectNode usage(JsonNode codexUsage) {
        long input = count(codexUsage, "input_tokens");
        long cached = count(codexUsage, "cached_input_tokens");
        long output = count(codexUsage, "output_tokens");
        long reasoning = count(codexUsage, "reasoning_output_tokens");
        ObjectNode usage = CodexJson.MAPPER.createObjectNode();
        usage.put("input_tokens", input);
        usage.putObject("input_tokens_details").put("cached_tokens", cached);
        usage.put("output_tokens", output);
        usage.putObject("output_tokens_details").put("reasoning_tokens", reasoning);
        usage.put("total_tokens", input + output);
        return usage;
    }

    private static long count(JsonNode usage, String field) {
        JsonNode value = usage.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return 0;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.longValue() < 0) {
            throw new IllegalArgumentException("codex reported an unreadable token count " + value + " for " + field);
        }
        return value.longValue();
    }

    private void message(String text) {
        flushPendingAsText();
        if (text.isEmpty()) {
            return;
        }
        out.message(ids.newId("msg_"), wroteMessage ? "\n\n" + text : text);
        wroteMessage = true;
    }

    private void reasoning(String text) {
        flushPendingAsText();
        if (!text.isEmpty()) {
            out.reasoning(ids.newId("rs_"), text);
        }
    }

    /** A held tool-call answer that turned out not to be the last message is shown as the text it is. */
    private void flushPendingAsText() {
        PendingAnswer answer = pendingAnswer;
        if (answer != null) {
            pendingAnswer = null;
            message(answer.text());
        }
    }

    private void failNow(String message) {
        // Never announce a tool call from a turn that did not complete; its text is still shown.
        flushPendingAsText();
        out.failed(ERROR_CODE, message);
    }

    private String failureWithoutMessage() {
        return lastErrorMessage != null ? lastErrorMessage : "codex reported a failed turn";
    }

    /**
     * The useful part of Codex's standard error: from its last line starting with {@code Error} up
     * to a {@code Stack backtrace:} (real sample: {@code Error: Model provider `nonexistent` not
     * found} followed by a backtrace of {@code <unknown>} frames; config errors span several lines),
     * else the last 500 characters.
     */
    static String explainStderr(String stderr) {
        List<String> lines = stderr.lines().toList();
        for (int start = lines.size() - 1; start >= 0; start--) {
            if (lines.get(start).startsWith("Error")) {
                StringBuilder explanation = new StringBuilder();
                for (int i = start; i < lines.size() && !lines.get(i).startsWith("Stack backtrace:"); i++) {
                    explanation.append(lines.get(i)).append('\n');
                }
                return abbreviateEnd(explanation.toString().strip());
            }
        }
        return abbreviateEnd(stderr.strip());
    }

    private static String abbreviateEnd(String text) {
        if (text.length() <= 500) {
            return text;
        }
        return "…" + text.substring(text.length() - 500);
    }

    private static String abbreviate(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "…";
    }

    private record PendingAnswer(String text, List<ToolCallAnswer.ToolCall> calls) {}
}
