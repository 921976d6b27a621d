package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.responses.Response;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.UpstreamFailure;
import dev.responsesrelay.fixtures.ResponsesStreamChecker;
import dev.responsesrelay.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Drives one {@link StreamMachine} and hands out what it emitted only through {@link #result()},
 * which first runs both checks every emitted stream must pass: relay-fixtures' {@link
 * ResponsesStreamChecker} (with {@link ResponsesStreamChecker#onlyKnownTypes()}, since the
 * translator emits nothing but messages, reasoning and calls) and {@link OpenAiJavaConformance}. No
 * test reads a stream that skipped them.
 */
public final class StreamRun {
    private final StreamMachine machine;
    private final List<SseEvent> events = new ArrayList<>();

    private StreamRun(StreamContext context) {
        this.machine = new StreamMachine(context);
    }

    public static StreamRun of(StreamContext context) {
        return new StreamRun(context);
    }

    /** Translates upstream {@code data:} payloads and ends the stream with EOF. */
    public static Result translate(StreamContext context, String... payloads) {
        StreamRun run = of(context);
        for (String payload : payloads) {
            run.data(payload);
        }
        return run.end().result();
    }

    /** Decodes an upstream SSE body with {@link SseDecoder}, feeds its events, then EOF. */
    public static Result translateSse(StreamContext context, String sseBody) {
        StreamRun run = of(context);
        SseDecoder decoder = SseDecoder.create();
        decoder.feed(sseBody.getBytes(StandardCharsets.UTF_8)).forEach(run::event);
        decoder.finish().forEach(run::event);
        return run.end().result();
    }

    /** Runs relay-fixtures' checker; throws its {@code ResponsesStreamAssertionError} on a broken stream. */
    public static void assertValid(List<SseEvent> events) {
        ResponsesStreamChecker.create()
                .onlyKnownTypes()
                .check(events, SseEvent::event, SseEvent::data)
                .assertValid();
    }

    StreamRun start() {
        events.addAll(machine.start());
        return this;
    }

    StreamRun data(String payload) {
        events.addAll(machine.onData(payload));
        return this;
    }

    /** A {@code data:} payload made of the chunks given (a convenience for synthetic chunks). */
    StreamRun chunks(String... payloads) {
        for (String payload : payloads) {
            data(payload);
        }
        return this;
    }

    StreamRun done() {
        return data("[DONE]");
    }

    StreamRun event(SseEvent upstream) {
        events.addAll(machine.onEvent(upstream));
        return this;
    }

    StreamRun end() {
        events.addAll(machine.onEnd());
        return this;
    }

    StreamRun failure(UpstreamFailure failure) {
        events.addAll(machine.onFailure(failure));
        return this;
    }

    StreamMachine machine() {
        return machine;
    }

    /** The events so far, unchecked: only for asserting what a step emitted mid-stream. */
    List<SseEvent> eventsSoFar() {
        return List.copyOf(events);
    }

    /** Checks the whole stream, which must have ended, and returns what it produced. */
    Result result() {
        assertThat(machine.isTerminal()).as("stream ended").isTrue();
        List<SseEvent> all = List.copyOf(events);
        return new Result(all, check(all), machine);
    }

    /**
     * The two checks every emitted stream must pass: the invariants, and acceptance by openai-java.
     * Returns the response openai-java accumulated.
     */
    public static Response check(List<SseEvent> events) {
        assertValid(events);
        return OpenAiJavaConformance.assertAccepted(events);
    }

    /** A checked stream. */
    record Result(List<SseEvent> events, Response sdkResponse, StreamMachine machine) {

        /** Event types in order. */
        List<String> types() {
            return events.stream().map(SseEvent::event).collect(Collectors.toList());
        }

        /** The terminal event's type. */
        String terminalType() {
            return events.get(events.size() - 1).event();
        }

        /** The terminal {@code response} object. */
        JsonNode response() {
            return json(events.get(events.size() - 1)).path("response");
        }

        /** The terminal {@code response.output}. */
        JsonNode output() {
            return response().path("output");
        }

        /** The data of every event of {@code type}, in order. */
        List<JsonNode> all(String type) {
            return events.stream()
                    .filter(e -> e.event().equals(type))
                    .map(Result::json)
                    .collect(Collectors.toList());
        }

        /** The deltas of every event of {@code type}, joined. */
        String joinedDeltas(String type) {
            return all(type).stream().map(e -> e.path("delta").asText()).collect(Collectors.joining());
        }

        RelayError error() {
            return machine.error().orElseThrow();
        }

        static JsonNode json(SseEvent event) {
            try {
                return Json.MAPPER.readTree(event.data());
            } catch (JsonProcessingException e) {
                throw new AssertionError(event.data(), e);
            }
        }
    }
}
