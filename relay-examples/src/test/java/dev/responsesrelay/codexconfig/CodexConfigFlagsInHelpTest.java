package dev.responsesrelay.codexconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.responsesrelay.server.ServerOptions;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The relay's {@code --help} names codex-config's own flags (issue 17: a user reading it did not
 * learn {@code --out}, {@code --model} or {@code --context-window}), and the two texts stay in
 * step: every flag of codex-config's usage is in the relay's help, and every flag the help gives
 * codex-config is one it accepts.
 */
class CodexConfigFlagsInHelpTest {
    private static final Pattern FLAG = Pattern.compile("--[a-z][a-z-]+");

    /** A valid value for each flag, to show that codex-config's parser takes it. */
    private static final Map<String, String> VALUES = Map.of(
            "--upstream", "http://127.0.0.1:11434/v1",
            "--api-key", "k",
            "--port", "4444",
            "--model", "m",
            "--context-window", "64000",
            "--provider", "ollama",
            "--out", "codex-home",
            "--profile", "relay");

    @Test
    void theRelaysHelpNamesEveryCodexConfigFlagAndCodexConfigAcceptsThem() {
        String help = ServerOptions.usage();
        int start = help.indexOf("codex-config writes Codex's configuration");
        assertThat(start).as("codex-config's paragraph in --help").isNotNegative();
        int end = help.indexOf("codex exec runs", start); // the paragraph's last sentence is about Codex's flags
        assertThat(end).as("the sentence after codex-config's flags").isGreaterThan(start);
        Set<String> inHelp = flags(help.substring(start, end));
        inHelp.remove("--help"); // "codex-config --help", which prints the usage
        Set<String> inUsage = flags(CodexConfigOptions.USAGE);
        inUsage.remove("--help");

        assertThat(inHelp).containsAll(inUsage).contains("--out", "--model", "--context-window", "--profile");
        for (String flag : inHelp) {
            assertThat(VALUES).as("a value for " + flag).containsKey(flag);
            assertThatCode(() -> CodexConfigOptions.parse(
                            new String[] {"--upstream", VALUES.get("--upstream"), flag, VALUES.get(flag)}))
                    .as(flag)
                    .doesNotThrowAnyException();
        }
    }

    private static Set<String> flags(String text) {
        Set<String> flags = new LinkedHashSet<>();
        for (Matcher m = FLAG.matcher(text); m.find(); ) {
            flags.add(m.group());
        }
        return flags;
    }
}
