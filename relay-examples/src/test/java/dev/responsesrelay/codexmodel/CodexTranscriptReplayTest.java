package dev.responsesrelay.codexmodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEncoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.internal.stream.WholeItemWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden answers of Codex as a model: every folder under {@code transcripts/} holds a real
 * {@code codex exec --json} transcript ({@code codex.exec.jsonl}) and its {@code
 * scenario.properties} (exit status, declared tools, working directory, provenance); {@link
 * CodexEventMapper} must turn it into {@code expected.responses.sse} (same event names, JSON-equal
 * data), a stream that passes the shared checker.
 *
 * <p>Same rule as relay-fixtures (fixtures/VERSIONS.md, "Adding a scenario"): ids come from {@link
 * IdGenerator#sequential()} and {@code created_at} is fixed, so the output is deterministic; {@code
 * -Drelay.fixtures.overwrite=true} rewrites the expected files in {@code src/test/resources} instead
 * of comparing and fails every test that wrote one ("goldens rewritten, re-run"), so that a run that
 * rewrites goldens never passes. Adding a scenario is one folder and that command.
 */
class CodexTranscriptReplayTest {
    private static final boolean OVERWRITE = Boolean.getBoolean("relay.fixtures.overwrite");
    private static final String TRANSCRIPT = "codex.exec.jsonl";
    private static final String PROPERTIES = "scenario.properties";
    private static final String EXPECTED = "expected.responses.sse";

    /** The {@code created_at} of every golden answer (any fixed value; the clock is an input). */
    private static final long CREATED_AT = 1_700_000_000L;

    /** {@code CodexModelUpstream}'s default {@code maxCommandOutputChars}. */
    private static final int MAX_COMMAND_OUTPUT_CHARS = 4000;

    /**
     * The scenario folders, read from the test classpath: test resources are always a directory
     * there (target/test-classes), so unlike relay-fixtures' jar they need no index file.
     */
    static Stream<Named<String>> scenarios() {
        try (Stream<Path> folders = Files.list(transcriptsOnClasspath())) {
            List<String> names = folders.filter(Files::isDirectory)
                    .map(folder -> folder.getFileName().toString())
                    .sorted()
                    .toList();
            assertThat(names).as("codexmodel transcripts").isNotEmpty();
            return names.stream().map(name -> Named.of(name, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void transcriptMapsToItsExpectedAnswer(String scenario) {
        List<SseEvent> actual = map(scenario);
        Streams.assertValid(actual);
        if (OVERWRITE) {
            write(scenario, encode(actual));
            return;
        }
        assertThat(CodexTranscriptReplayTest.class.getResource("transcripts/" + scenario + "/" + EXPECTED))
                .as("%s has %s (generate it with -Drelay.fixtures.overwrite=true)", scenario, EXPECTED)
                .isNotNull();
        String expected = resource(scenario, EXPECTED);
        List<SseEvent> golden = decode(expected);
        assertThat(actual)
                .as("%s: event names", scenario)
                .extracting(SseEvent::event)
                .containsExactlyElementsOf(golden.stream().map(SseEvent::event).toList());
        for (int i = 0; i < golden.size(); i++) {
            assertThat(tree(actual.get(i).data()))
                    .as("%s/%s event %d", scenario, EXPECTED, i)
                    .isEqualTo(tree(golden.get(i).data()));
        }
    }

    @Test
    void everyScenarioSaysWhereItCameFrom() {
        scenarios().map(Named::getPayload).forEach(scenario -> {
            Properties properties = properties(scenario);
            for (String key : List.of("description", "codex_version", "source", "exit_status")) {
                assertThat(properties.getProperty(key, ""))
                        .as("%s/%s %s", scenario, PROPERTIES, key)
                        .isNotBlank();
            }
        });
    }

    private static List<SseEvent> map(String scenario) {
        Properties properties = properties(scenario);
        IdGenerator ids = IdGenerator.sequential();
        CodexEventMapper mapper = new CodexEventMapper(
                new WholeItemWriter(ids.newId("resp_"), "codex-local", CREATED_AT),
                ids,
                tools(properties.getProperty("tools", "")),
                properties.getProperty("working_directory", ""),
                MAX_COMMAND_OUTPUT_CHARS);
        List<SseEvent> events = new ArrayList<>(mapper.start());
        resource(scenario, TRANSCRIPT).lines().forEach(line -> events.addAll(mapper.onLine(line)));
        events.addAll(mapper.onExit(
                Integer.parseInt(properties.getProperty("exit_status").strip()), ""));
        return events;
    }

    private static Set<String> tools(String list) {
        return Arrays.stream(list.split(","))
                .map(String::strip)
                .filter(name -> !name.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    private static Properties properties(String scenario) {
        Properties properties = new Properties();
        try (Reader in = new StringReader(resource(scenario, PROPERTIES))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static String resource(String scenario, String file) {
        return Streams.resource("transcripts/" + scenario + "/" + file);
    }

    private static Path transcriptsOnClasspath() {
        URL url = CodexTranscriptReplayTest.class.getResource("transcripts");
        assertThat(url).as("the transcripts folder on the test classpath").isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a golden into this module's test sources, where the classpath copy comes from, and
     * fails the test: a run that rewrites goldens compared nothing, so it must never pass (issue 15
     * §6). The next run, without the flag, compares against what was written.
     */
    private static void write(String scenario, String content) {
        Path folder = Path.of(System.getProperty("basedir", "."))
                .resolve("src/test/resources")
                .resolve(CodexTranscriptReplayTest.class.getPackageName().replace('.', '/'))
                .resolve("transcripts")
                .resolve(scenario);
        try {
            Files.writeString(folder.resolve(EXPECTED), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("goldens rewritten (transcripts/" + scenario + "/" + EXPECTED
                + "), re-run without -Drelay.fixtures.overwrite=true after reading the diff");
    }

    private static String encode(List<SseEvent> events) {
        StringBuilder out = new StringBuilder();
        events.forEach(event -> out.append(SseEncoder.encode(event)));
        return out.toString();
    }

    private static List<SseEvent> decode(String sse) {
        SseDecoder decoder = SseDecoder.create();
        List<SseEvent> events = new ArrayList<>(decoder.feed(sse));
        events.addAll(decoder.finish());
        return events;
    }

    private static JsonNode tree(String json) {
        try {
            return CodexJson.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
