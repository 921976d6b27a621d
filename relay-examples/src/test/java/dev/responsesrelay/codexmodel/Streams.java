package dev.responsesrelay.codexmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.fixtures.ResponsesStreamChecker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Small readers over emitted event streams and test resources. */
final class Streams {
    /**
     * The codex model upstream writes only messages, reasoning and function calls, so any other
     * event or item type is a fault too.
     */
    private static final ResponsesStreamChecker CHECKER =
            ResponsesStreamChecker.create().onlyKnownTypes();

    private Streams() {}

    /**
     * Checks the Responses event contract Codex relies on (docs/codex-wire.md §2) with the shared checker
     * of {@code relay-fixtures}, which lists every broken rule.
     */
    static void assertValid(List<SseEvent> events) {
        CHECKER.check(events, SseEvent::event, SseEvent::data).assertValid();
    }

    static JsonNode data(SseEvent event) {
        try {
            return CodexJson.MAPPER.readTree(event.data());
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + event.data(), e);
        }
    }

    static List<String> types(List<SseEvent> events) {
        List<String> types = new ArrayList<>();
        events.forEach(event -> types.add(event.event()));
        return types;
    }

    /** The {@code response} object of the last event, which {@link #assertValid} requires to be terminal. */
    static JsonNode terminalResponse(List<SseEvent> events) {
        return data(events.get(events.size() - 1)).path("response");
    }

    /** The terminal response's {@code output[]} items. */
    static List<JsonNode> output(List<SseEvent> events) {
        List<JsonNode> items = new ArrayList<>();
        terminalResponse(events).path("output").forEach(items::add);
        return items;
    }

    /** The first {@code output_text} of a message item, or the first summary text of a reasoning item. */
    static String text(JsonNode item) {
        return item.path("type").asText().equals("reasoning")
                ? item.path("summary").path(0).path("text").asText()
                : item.path("content").path(0).path("text").asText();
    }

    /** A classpath resource of this package as UTF-8 text. */
    static String resource(String name) {
        try (InputStream in = Streams.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
