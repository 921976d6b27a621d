package dev.responsesrelay.codexmodel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Renders the work Codex did on the machine (commands, file edits, MCP tool calls, web searches) and
 * its plan as Markdown for a chat user. Pure functions.
 *
 * <p>Why text and not reasoning: each request starts a fresh {@code codex exec}, so the next turn
 * only knows what the chat history keeps, and Chat clients keep the assistant's {@code content} but
 * usually drop {@code reasoning_content}. A command and its output in the visible answer are both
 * useful to the person reading and context for the next turn.
 */
final class WorkItemRenderer {
    /**
     * {@code codex exec --json} reports commands as the shell invocation Codex ran, for example
     * {@code /bin/bash -lc 'ls /tmp'} or {@code /bin/bash -lc "echo 'it''s'"} (real samples in
     * {@code transcripts/}); the chat user wants to see {@code ls /tmp}.
     */
    private static final Pattern SHELL_WRAPPER =
            Pattern.compile("^(?:/usr)?(?:/bin/)?(?:bash|zsh|sh) -l?c (.+)$", Pattern.DOTALL);

    private WorkItemRenderer() {}

    /**
     * A fenced {@code console} block: {@code $ command}, its output, and a last line {@code [exit code
     * N]} unless the command succeeded. Output longer than {@code maxOutputChars} keeps its head and
     * tail around a note of how much was left out.
     */
    static String command(
            String command, String output, @Nullable Integer exitCode, String status, int maxOutputChars) {
        StringBuilder body = new StringBuilder();
        body.append("$ ").append(unwrapShell(command)).append('\n');
        String shown = truncateMiddle(output, maxOutputChars);
        body.append(shown);
        if (!shown.isEmpty() && !shown.endsWith("\n")) {
            body.append('\n');
        }
        if ("declined".equals(status)) {
            body.append("[declined]\n");
        } else if (exitCode == null) {
            body.append("[no exit code: ").append(status).append("]\n");
        } else if (exitCode != 0) {
            body.append("[exit code ").append(exitCode).append("]\n");
        }
        return fence("console", body.toString());
    }

    /**
     * A list of changed files, for a {@code file_change} item. Paths under {@code workingDirectory}
     * are shown relative to it: the working directory is usually a throwaway temporary directory
     * whose name means nothing to the reader.
     */
    static String fileChange(JsonNode changes, String status, String workingDirectory) {
        StringBuilder text = new StringBuilder();
        text.append("completed".equals(status) ? "Changed files:" : "Failed to change files:");
        String prefix = workingDirectory.endsWith("/") ? workingDirectory : workingDirectory + "/";
        for (JsonNode change : changes) {
            String path = change.path("path").asText("");
            if (!workingDirectory.isEmpty() && path.startsWith(prefix)) {
                path = path.substring(prefix.length());
            }
            String kind = change.path("kind").asText("");
            String verb = kind.equals("add") ? "added" : kind.equals("delete") ? "deleted" : "updated";
            text.append("\n- ").append(verb).append(' ').append(inlineCode(path));
        }
        return text.toString();
    }

    /** A call of an MCP tool: its name, arguments and result text or error. */
    static String mcpToolCall(
            String server, String tool, JsonNode arguments, JsonNode result, JsonNode error, int maxOutputChars) {
        StringBuilder body = new StringBuilder();
        body.append("Called ").append(inlineCode(server + "." + tool));
        if (!arguments.isMissingNode() && !arguments.isNull()) {
            body.append(" with ").append(inlineCode(CodexJson.write(arguments)));
        }
        StringBuilder resultText = new StringBuilder();
        for (JsonNode block : result.path("content")) {
            if (block.path("text").isTextual()) {
                resultText.append(block.get("text").asText()).append('\n');
            }
        }
        String errorMessage = error.path("message").asText("");
        if (!errorMessage.isEmpty()) {
            body.append(" (failed: ").append(errorMessage).append(')');
        }
        if (resultText.length() > 0) {
            body.append('\n').append(fence("text", truncateMiddle(resultText.toString(), maxOutputChars)));
        }
        return body.toString();
    }

    /** One line for a web search. */
    static String webSearch(String query) {
        return "Searched the web for " + inlineCode(query);
    }

    /** A Markdown checklist of the agent's plan ({@code todo_list} item). */
    static String todoList(JsonNode items) {
        StringBuilder text = new StringBuilder("Plan:");
        for (JsonNode item : items) {
            text.append("\n- [")
                    .append(item.path("completed").asBoolean(false) ? 'x' : ' ')
                    .append("] ")
                    .append(item.path("text").asText(""));
        }
        return text.toString();
    }

    /**
     * The command inside a {@code bash -lc <word>} wrapper, unquoted with POSIX shell rules; the
     * command unchanged when it is not such a wrapper around exactly one shell word.
     */
    static String unwrapShell(String command) {
        Matcher wrapper = SHELL_WRAPPER.matcher(command);
        if (!wrapper.matches()) {
            return command;
        }
        String word = singleShellWord(wrapper.group(1));
        return word == null ? command : word;
    }

    /** The value of {@code text} read as one POSIX shell word, or null if it is not exactly one word. */
    static @Nullable String singleShellWord(String text) {
        StringBuilder word = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    return null;
                }
                word.append(text, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = text.charAt(i);
                    if (d == '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    // POSIX: inside double quotes a backslash escapes only $ ` " \ and newline.
                    if (d == '\\' && i + 1 < n && "$`\"\\\n".indexOf(text.charAt(i + 1)) >= 0) {
                        word.append(text.charAt(i + 1));
                        i += 2;
                    } else {
                        word.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    return null;
                }
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    return null;
                }
                word.append(text.charAt(i + 1));
                i += 2;
            } else if (Character.isWhitespace(c)) {
                return null;
            } else {
                word.append(c);
                i++;
            }
        }
        return word.toString();
    }

    /**
     * A fenced code block whose fence is longer than any backtick run in {@code body}, so output that
     * itself contains a fence cannot close the block early (CommonMark 0.31 §4.5).
     */
    static String fence(String info, String body) {
        int longestRun = 0;
        int run = 0;
        for (int i = 0; i < body.length(); i++) {
            run = body.charAt(i) == '`' ? run + 1 : 0;
            longestRun = Math.max(longestRun, run);
        }
        String fence = "`".repeat(Math.max(3, longestRun + 1));
        String content = body.endsWith("\n") || body.isEmpty() ? body : body + "\n";
        return fence + info + "\n" + content + fence;
    }

    /** {@code text} as inline code, with a backtick fence longer than any run inside it. */
    static String inlineCode(String text) {
        int longestRun = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longestRun = Math.max(longestRun, run);
        }
        String ticks = "`".repeat(longestRun + 1);
        String pad = longestRun > 0 ? " " : "";
        return ticks + pad + text + pad + ticks;
    }

    /** {@code text} itself, or its head and tail around a note saying how many characters were cut. */
    static String truncateMiddle(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int head = maxChars / 2;
        int tail = maxChars - head;
        // Never cut a surrogate pair in half: the halves would not encode as UTF-8.
        if (head > 0 && Character.isHighSurrogate(text.charAt(head - 1))) {
            head--;
        }
        if (tail > 0 && Character.isLowSurrogate(text.charAt(text.length() - tail))) {
            tail--;
        }
        int omitted = text.length() - head - tail;
        return text.substring(0, head) + "\n[… " + omitted + " characters omitted …]\n"
                + text.substring(text.length() - tail);
    }
}
