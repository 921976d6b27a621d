package dev.responsesrelay.codexmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads an agent message as a request to call the client's tools, best effort.
 *
 * <p>Codex cannot call the Chat client's tools itself: they run in the client. The prompt ({@link
 * CodexPrompt}) asks the agent to answer with only {@code {"tool_calls":[{"name":…,"arguments":{…}}]}}
 * when it wants one. A message matches when, after trimming and removing one surrounding Markdown
 * code fence, it is a JSON object whose {@code tool_calls} is a non-empty array of objects, each
 * with a {@code name} the request declared and {@code arguments} that are a JSON object (or a string
 * holding one; missing means {@code {}}). Anything else, including a call of an undeclared tool,
 * stays text: calling a tool the client never offered would make the client fail or, worse, guess.
 */
final class ToolCallAnswer {
    /** One call: the tool's name and its arguments as compact JSON text. */
    record ToolCall(String name, String arguments) {}

    private ToolCallAnswer() {}

    /** The calls {@code message} asks for, or empty if it is not a tool-call answer. */
    static Optional<List<ToolCall>> parse(String message, Set<String> declaredTools) {
        if (declaredTools.isEmpty()) {
            return Optional.empty();
        }
        JsonNode answer = readObject(stripFence(message.strip()));
        if (answer == null
                || !answer.path("tool_calls").isArray()
                || answer.get("tool_calls").isEmpty()) {
            return Optional.empty();
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : answer.get("tool_calls")) {
            JsonNode name = call.path("name");
            if (!name.isTextual() || !declaredTools.contains(name.asText())) {
                return Optional.empty();
            }
            JsonNode arguments = call.path("arguments");
            if (arguments.isTextual()) {
                arguments = readObject(arguments.asText());
            } else if (arguments.isMissingNode() || arguments.isNull()) {
                arguments = CodexJson.MAPPER.createObjectNode();
            }
            if (arguments == null || !arguments.isObject()) {
                return Optional.empty();
            }
            calls.add(new ToolCall(name.asText(), CodexJson.write(arguments)));
        }
        return Optional.of(List.copyOf(calls));
    }

    /** {@code text} without one surrounding {@code ```} or {@code ```json} fence, if it has one. */
    private static String stripFence(String text) {
        if (!text.startsWith("```") || !text.endsWith("```") || text.length() < 6) {
            return text;
        }
        int firstNewline = text.indexOf('\n');
        if (firstNewline < 0) {
            return text;
        }
        return text.substring(firstNewline + 1, text.length() - 3).strip();
    }

    private static @Nullable JsonNode readObject(String text) {
        if (!text.startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = CodexJson.MAPPER.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null; // not JSON: an ordinary answer that happens to start with a brace
        }
    }
}
