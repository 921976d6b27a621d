package dev.responsesrelay.codexconfig;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodexCliTest {
    @TempDir
    Path dir;

    @Test
    void missingNpmFailsLoudlyInsteadOfSkipping() {
        Path emptyInstallDir = dir.resolve("codex");
        Path pathWithoutNpm = dir.resolve("bin");

        assertThatThrownBy(() -> CodexCli.install(emptyInstallDir, pathWithoutNpm.toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("npm is not on the PATH.")
                .hasMessageContaining("npm install @openai/codex@0.169.0")
                .hasMessageContaining(emptyInstallDir.toString());
    }
}
