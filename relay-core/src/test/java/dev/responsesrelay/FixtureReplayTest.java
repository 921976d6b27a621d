package dev.responsesrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.responsesrelay.fixtures.Fixtures;
import dev.responsesrelay.fixtures.ResponsesStreamChecker;
import dev.responsesrelay.fixtures.Scenario;
import dev.responsesrelay.fixtures.Scenario.Part;
import dev.responsesrelay.internal.stream.OpenAiJavaConformance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every scenario of relay-fixtures through the translator, as a server would: the client's
 * {@code request.responses.json} must translate to {@code request.chat.json} (JSON-equal), and the
 * upstream's answer ({@code upstream.chat.sse} split into events by {@link SseDecoder}, or a whole
 * {@code upstream.chat.json}) must translate to {@code expected.responses.sse} (same event names,
 * JSON-equal data) or {@code expected.response.json}. Every expected stream must also pass
 * relay-fixtures' {@link ResponsesStreamChecker} and openai-java's {@code ResponseAccumulator}.
 *
 * <p>Ids come from {@link IdGenerator#sequential()} and the clock is fixed, so the output is
 * deterministic. {@code -Drelay.fixtures.overwrite=true} rewrites the expected files in {@code
 * fixtures/src/main/resources} instead of comparing, and fails every test that wrote one ("goldens
 * rewritten, re-run"), so that a run that rewrites them never passes; read the diff, then re-run
 * without the flag (the reactor rebuilds the fixtures jar) before committing it.
 */
class FixtureReplayTest {
    static final Instant FIXED_NOW = Instant.parse("2026-01-01T00:00:00Z");

    /** Metadata key: overrides the profile's {@link ProviderProfile#reasoningReplayField()}. */
    static final String REASONING_REPLAY_FIELD = "provider.reasoning_replay_field";

    private static final boolean OVERWRITE = Boolean.getBoolean("relay.fixtures.overwrite");
    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    static Stream<Named<Scenario>> scenarios() {
        List<Scenario> scenarios = Fixtures.scenarios();
        assertThat(scenarios).as("relay-fixtures scenarios").isNotEmpty();
        return scenarios.stream().map(s -> Named.of(s.name(), s));
    }

    static Stream<Named<Scenario>> streamedScenarios() {
        return scenarios().filter(s -> s.getPayload().has(Part.UPSTREAM_CHAT_SSE));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void responsesRequestTranslatesToTheChatRequest(Scenario scenario) {
        Translation translation = translate(scenario);
        if (OVERWRITE) {
            write(scenario, Part.REQUEST_CHAT, pretty(translation.chatRequestJson()));
            return;
        }
        assertThat(tree(translation.chatRequestJson()))
                .as("%s/%s", scenario, Part.REQUEST_CHAT.fileName())
                .isEqualTo(tree(scenario.part(Part.REQUEST_CHAT)));
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void upstreamAnswerTranslatesToTheExpectedAnswer(Scenario scenario) {
        skipKnownGap(scenario);
        Translation translation = translate(scenario);
        if (scenario.has(Part.UPSTREAM_CHAT_JSON)) {
            String response = translation.toResponseJson(scenario.part(Part.UPSTREAM_CHAT_JSON));
            compareOrWrite(scenario, Part.EXPECTED_RESPONSE_JSON, pretty(response));
            // Issue 18: the body as read from the upstream, bytes, gives the same answer.
            assertThat(tree(translate(scenario)
                            .toResponseJson(
                                    scenario.part(Part.UPSTREAM_CHAT_JSON).getBytes(StandardCharsets.UTF_8))))
                    .as("%s from bytes", scenario)
                    .isEqualTo(tree(response));
            return;
        }
        ResponsesStream stream = translation.newStream();
        List<SseEvent> events = replay(stream, scenario.part(Part.UPSTREAM_CHAT_SSE), List.of());
        assertThat(stream.isTerminal()).as("%s: stream ended", scenario).isTrue();
        if (!translation.clientStreams()) {
            compareOrWrite(
                    scenario,
                    Part.EXPECTED_RESPONSE_JSON,
                    pretty(stream.responseJson().orElseThrow()));
            return;
        }
        if (OVERWRITE) {
            write(scenario, Part.EXPECTED_RESPONSES_SSE, encode(events));
            return;
        }
        List<SseEvent> expected = decode(scenario.part(Part.EXPECTED_RESPONSES_SSE));
        assertThat(events.stream().map(SseEvent::event).collect(Collectors.toList()))
                .as("%s: event names", scenario)
                .containsExactlyElementsOf(
                        expected.stream().map(SseEvent::event).collect(Collectors.toList()));
        for (int i = 0; i < expected.size(); i++) {
            assertThat(tree(events.get(i).data()))
                    .as("%s: event %d (%s)", scenario, i, expected.get(i).event())
                    .isEqualTo(tree(expected.get(i).data()));
        }
    }

    /**
     * The upstream bytes may arrive in any pieces (TCP and HTTP clients split them anywhere): cut at seeded random
     * offsets, including inside UTF-8 sequences and CRLF pairs, they must give the same events.
     */
    @ParameterizedTest
    @MethodSource("streamedScenarios")
    void upstreamCutAnywhereGivesTheSameEvents(Scenario scenario) {
        String upstream = scenario.part(Part.UPSTREAM_CHAT_SSE);
        List<SseEvent> whole = replay(translate(scenario).newStream(), upstream, List.of());
        byte[] bytes = upstream.getBytes(StandardCharsets.UTF_8);
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            List<Integer> cuts = new ArrayList<>();
            for (int at = random.nextInt(1, 8); at < bytes.length; at += random.nextInt(1, 40)) {
                cuts.add(at);
            }
            List<SseEvent> pieces = replay(translate(scenario).newStream(), upstream, cuts);
            assertThat(pieces).as("%s cut with seed %d", scenario, seed).isEqualTo(whole);
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void expectedAnswerPassesTheCheckerAndOpenAiJava(Scenario scenario) {
        skipKnownGap(scenario);
        assumeFalse(OVERWRITE, "the goldens are being rewritten; the next run checks them");
        if (scenario.has(Part.EXPECTED_RESPONSE_JSON)) {
            OpenAiJavaConformance.assertValidResponse(scenario.part(Part.EXPECTED_RESPONSE_JSON));
            return;
        }
        List<SseEvent> expected = decode(scenario.part(Part.EXPECTED_RESPONSES_SSE));
        ResponsesStreamChecker.create()
                .onlyKnownTypes()
                .check(expected, SseEvent::event, SseEvent::data)
                .assertValid();
        OpenAiJavaConformance.assertAccepted(expected);
    }

    /**
     * A scenario with a {@link Scenario#KNOWN_GAP} has no expected answer yet: the translator is known
     * to get it wrong, and the fixture waits for the fix. None has one today (VERSIONS.md).
     */
    private static void skipKnownGap(Scenario scenario) {
        scenario.knownGap().ifPresent(gap -> Assumptions.abort("TODO(core) " + scenario + ": " + gap));
    }

    /** A translator as the fixtures were generated with: the scenario's profile, fixed ids and time. */
    static Translation translate(Scenario scenario) {
        return ResponsesTranslator.builder()
                .provider(profile(scenario))
                .idGenerator(IdGenerator.sequential())
                .clock(Clock.fixed(FIXED_NOW, ZoneOffset.UTC))
                .build()
                .translate(scenario.part(Part.REQUEST_RESPONSES));
    }

    /**
     * The profile a scenario's {@code provider} names ({@link ProviderProfile#byName}), with the
     * scenario's overrides.
     */
    static ProviderProfile profile(Scenario scenario) {
        ProviderProfile profile = ProviderProfile.byName(scenario.provider())
                .orElseThrow(() -> new AssertionError(
                        scenario + " names provider " + scenario.provider() + ", which relay-core does not know"));
        String replayField = scenario.metadata().get(REASONING_REPLAY_FIELD);
        if (replayField != null) {
            profile = profile.toBuilder().reasoningReplayField(replayField).build();
        }
        return profile;
    }

    /**
     * Feeds {@code upstream} to {@code stream} as a server does: {@code start()}, each event the
     * decoder yields (the body cut at {@code cuts}), then EOF.
     */
    private static List<SseEvent> replay(ResponsesStream stream, String upstream, List<Integer> cuts) {
        byte[] bytes = upstream.getBytes(StandardCharsets.UTF_8);
        List<SseEvent> out = new ArrayList<>(stream.start());
        SseDecoder decoder = SseDecoder.create();
        int from = 0;
        for (int cut : cuts) {
            for (SseEvent event : decoder.feed(bytes, from, cut - from)) {
                out.addAll(stream.onEvent(event));
            }
            from = cut;
        }
        for (SseEvent event : decoder.feed(bytes, from, bytes.length - from)) {
            out.addAll(stream.onEvent(event));
        }
        for (SseEvent event : decoder.finish()) {
            out.addAll(stream.onEvent(event));
        }
        out.addAll(stream.onEnd());
        return out;
    }

    private static List<SseEvent> decode(String sse) {
        SseDecoder decoder = SseDecoder.create();
        List<SseEvent> events = new ArrayList<>(decoder.feed(sse));
        events.addAll(decoder.finish());
        return events;
    }

    private static String encode(List<SseEvent> events) {
        StringBuilder out = new StringBuilder();
        events.forEach(event -> out.append(SseEncoder.encode(event)));
        return out.toString();
    }

    private static void compareOrWrite(Scenario scenario, Part part, String actual) {
        if (OVERWRITE) {
            write(scenario, part, actual);
            return;
        }
        assertThat(scenario.has(part))
                .as("%s has %s (generate it with -Drelay.fixtures.overwrite=true)", scenario, part.fileName())
                .isTrue();
        assertThat(tree(actual)).as("%s/%s", scenario, part.fileName()).isEqualTo(tree(scenario.part(part)));
    }

    /**
     * Writes a golden into the fixtures module's sources, where the jar's resources come from, and
     * fails the test: a run that rewrites goldens compared nothing, so it must never pass (issue 15
     * §6). The next run, without the flag, compares against what was written.
     */
    private static void write(Scenario scenario, Part part, String content) {
        Path folder = Path.of(System.getProperty("basedir", "."))
                .resolve("../fixtures/src/main/resources")
                .resolve(Fixtures.RESOURCE_ROOT)
                .resolve(scenario.name())
                .normalize();
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(part.fileName()), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("goldens rewritten (" + scenario + "/" + part.fileName()
                + "), re-run without -Drelay.fixtures.overwrite=true after reading the diff");
    }

    private static String pretty(String json) {
        try {
            return JSON.writeValueAsString(JSON.readTree(json)) + "\n";
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
