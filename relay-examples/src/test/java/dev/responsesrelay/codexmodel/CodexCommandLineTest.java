package dev.responsesrelay.codexmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodexCommandLineTest {
    private static final Path WORKDIR = Path.of("/tmp/codex-model-1/work");

    @Test
    void promptGoesToStandardInputAndFlagsFollowTheConfiguration() {
        CodexPrompt prompt = CodexPrompt.fromRequest("{\"input\":\"Say hello\"}");

        CodexCommandLine command = CodexCommandLine.build(
                "/opt/codex", "gpt-5.5", "read-only", List.of("model_provider=\"relay\""), prompt, WORKDIR, null);

        assertThat(command.arguments())
                .containsExactly(
                        "/opt/codex",
                        "exec",
                        "--json",
                        "--ephemeral",
                        "--skip-git-repo-check",
                        "--sandbox",
                        "read-only",
                        "--cd",
                        "/tmp/codex-model-1/work",
                        "--model",
                        "gpt-5.5",
                        "--config",
                        "model_provider=\"relay\"",
                        "-");
        assertThat(command.stdin()).isEqualTo("Say hello");
    }

    @Test
    void instructionsBecomeDeveloperInstructionsOverride() {
        CodexPrompt prompt =
                CodexPrompt.fromRequest("{\"instructions\":\"Say \\\"hi\\\"\\nthen stop\",\"input\":\"x\"}");

        CodexCommandLine command = CodexCommandLine.build("codex", null, "read-only", List.of(), prompt, WORKDIR, null);

        assertThat(command.arguments())
                .containsSequence("--config", "developer_instructions=\"Say \\\"hi\\\"\\nthen stop\"");
        assertThat(command.arguments()).doesNotContain("--model");
        assertThat(command.stdin()).isEqualTo("x");
    }

    @Test
    void instructionsTooLongForOneArgumentGoIntoThePrompt() {
        String longText = "y".repeat(CodexCommandLine.MAX_INLINE_INSTRUCTIONS_BYTES);
        CodexPrompt prompt = CodexPrompt.fromRequest("{\"instructions\":\"" + longText + "\",\"input\":\"x\"}");

        CodexCommandLine command = CodexCommandLine.build("codex", null, "read-only", List.of(), prompt, WORKDIR, null);

        assertThat(command.arguments()).noneMatch(argument -> argument.startsWith("developer_instructions="));
        assertThat(command.stdin()).isEqualTo("<instructions>\n" + longText + "\n</instructions>\n\nx");
    }

    @Test
    void outputSchemaFileIsPassed() {
        CodexPrompt prompt = CodexPrompt.fromRequest("{\"input\":\"x\"}");

        CodexCommandLine command = CodexCommandLine.build(
                "codex", null, "workspace-write", List.of(), prompt, WORKDIR, Path.of("/tmp/s.json"));

        assertThat(command.arguments()).containsSequence("--output-schema", "/tmp/s.json", "-");
    }

    @Test
    void tomlStringEscapesControlCharactersAndDelete() {
        assertThat(CodexCommandLine.tomlString("a\\b\t\u0001\u007fé")).isEqualTo("\"a\\\\b\\t\\u0001\\u007Fé\"");
    }
}
