package dev.responsesrelay.codexconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of one {@code codex exec --json} run: exit code, the JSONL events it printed (thread,
 * turn and item events), and stderr.
 *
 * @param events every stdout line that parsed as a JSON object, in order
 */
record CodexRun(int exitCode, List<JsonNode> events, String stdout, String stderr) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static CodexRun of(int exitCode, String stdout, String stderr) {
        List<JsonNode> events = new ArrayList<>();
        for (String line : stdout.lines().toList()) {
            if (line.startsWith("{")) {
                try {
                    events.add(MAPPER.readTree(line));
                } catch (JsonProcessingException e) {
                    throw new AssertionError("codex printed a line that is not JSON: " + line, e);
                }
            }
        }
        return new CodexRun(exitCode, List.copyOf(events), stdout, stderr);
    }

    /** The {@code item} of every {@code item.completed} event whose item has this type. */
    List<JsonNode> completedItems(String itemType) {
        List<JsonNode> items = new ArrayList<>();
        for (JsonNode event : events) {
            if (event.path("type").asText().equals("item.completed")
                    && event.path("item").path("type").asText().equals(itemType)) {
                items.add(event.get("item"));
            }
        }
        return items;
    }

    /** The text of every completed {@code agent_message} item. */
    List<String> agentMessages() {
        return texts(completedItems("agent_message"), "text");
    }

    /**
     * Every error Codex reported: {@code error} items, top-level {@code error} events and the error of
     * {@code turn.failed}.
     */
    List<String> errors() {
        List<String> errors = new ArrayList<>(texts(completedItems("error"), "message"));
        for (JsonNode event : events) {
            String type = event.path("type").asText();
            if (type.equals("error")) {
                errors.add(event.path("message").asText());
            } else if (type.equals("turn.failed")) {
                errors.add(event.path("error").path("message").asText());
            }
        }
        return errors;
    }

    /** Whether the last turn ended with {@code turn.completed}. */
    boolean turnCompleted() {
        return events.stream().anyMatch(event -> event.path("type").asText().equals("turn.completed"));
    }

    /** Everything Codex printed, for assertion messages. */
    String transcript() {
        return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }

    private static List<String> texts(List<JsonNode> items, String field) {
        List<String> texts = new ArrayList<>();
        for (JsonNode item : items) {
            texts.add(item.path(field).asText());
        }
        return texts;
    }
}
