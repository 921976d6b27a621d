package dev.responsesrelay.codexmodel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Commands are the shapes Codex 0.169 prints (transcripts/) or synthetic variants of them. */
class WorkItemRendererTest {
    @Test
    void singleQuotedWrapperIsUnwrapped() {
        assertThat(WorkItemRenderer.unwrapShell("/bin/bash -lc 'ls -la /tmp'")).isEqualTo("ls -la /tmp");
    }

    @Test
    void doubleQuotedWrapperKeepsEscapedCharacters() {
        // real: transcripts/quoted_command.jsonl
        assertThat(WorkItemRenderer.unwrapShell("/bin/bash -lc \"echo 'it''s' \\\"two words\\\" | tr a-z A-Z\""))
                .isEqualTo("echo 'it''s' \"two words\" | tr a-z A-Z");
    }

    @Test
    void concatenatedQuotingIsOneWord() {
        assertThat(WorkItemRenderer.unwrapShell("bash -lc 'echo '\"'\"'hi'\"'\"''"))
                .isEqualTo("echo 'hi'");
    }

    @Test
    void commandThatIsNotOneWordStaysAsIs() {
        assertThat(WorkItemRenderer.unwrapShell("/bin/bash -lc 'ls' extra")).isEqualTo("/bin/bash -lc 'ls' extra");
        assertThat(WorkItemRenderer.unwrapShell("/bin/bash -lc 'unterminated"))
                .isEqualTo("/bin/bash -lc 'unterminated");
        assertThat(WorkItemRenderer.unwrapShell("python3 script.py")).isEqualTo("python3 script.py");
    }

    @Test
    void fenceIsLongerThanAnyBacktickRunInTheOutput() {
        String block =
                WorkItemRenderer.command("/bin/bash -lc 'cat README.md'", "```java\nx\n```\n", 0, "completed", 4000);

        assertThat(block).isEqualTo("````console\n$ cat README.md\n```java\nx\n```\n````");
    }

    @Test
    void declinedCommandSaysSo() {
        assertThat(WorkItemRenderer.command("rm -rf /", "", null, "declined", 4000))
                .isEqualTo("```console\n$ rm -rf /\n[declined]\n```");
    }

    @Test
    void longOutputKeepsHeadAndTail() {
        String output = "a".repeat(50) + "b".repeat(50);

        assertThat(WorkItemRenderer.truncateMiddle(output, 10)).isEqualTo("aaaaa\n[… 90 characters omitted …]\nbbbbb");
    }

    @Test
    void truncationNeverSplitsASurrogatePair() {
        String output = "😀".repeat(10); // 20 chars; a cut after 3 chars on either side would split a pair

        assertThat(WorkItemRenderer.truncateMiddle(output, 6)).isEqualTo("😀\n[… 16 characters omitted …]\n😀");
    }

    @Test
    void inlineCodeContainingBackticksUsesLongerTicks() {
        assertThat(WorkItemRenderer.inlineCode("a`b")).isEqualTo("`` a`b ``");
    }
}
