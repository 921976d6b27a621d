package dev.responsesrelay.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The Maven entry point of {@link CodexFixtureCapture}: runs only with {@code
 * -Drelay.fixtures.capture=all} (or a comma-separated list of case names) and writes the scenarios
 * into {@code fixtures/src/main/resources} of this checkout.
 */
@EnabledIfSystemProperty(named = "relay.fixtures.capture", matches = ".+")
class RecordCodexFixtures {
    @Test
    void captureIntoTheFixturesModule() throws Exception {
        Path module = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path fixturesRoot = module.resolve("../fixtures/src/main/resources/dev/responsesrelay/fixtures")
                .normalize();
        assertThat(fixturesRoot.resolve("index.txt")).exists();
        Path workRoot = Files.createDirectories(module.resolve("target/codex-capture"));
        List<String> cases =
                Arrays.asList(System.getProperty("relay.fixtures.capture").split(","));

        List<String> names = CodexFixtureCapture.captureInto(
                fixturesRoot, Files.createTempDirectory(workRoot, "run-"), cases, System.out);

        assertThat(names).isNotEmpty();
    }
}
