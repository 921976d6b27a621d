package dev.responsesrelay.internal.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolNamesTest {
    @Test
    void validNameOutsideNamespaceIsKept() {
        assertThat(new ToolNames().chatName(null, "exec_command")).isEqualTo("exec_command");
    }

    @Test
    void namespacedNameJoinsWithDoubleUnderscore() {
        // docs/codex-wire.md §1.4: MCP servers arrive as namespace mcp__<server>.
        assertThat(new ToolNames().chatName("mcp__echo", "echo_text")).isEqualTo("mcp__echo__echo_text");
    }

    @Test
    void emptyNamespaceCountsAsNone() {
        ToolNames names = new ToolNames();
        assertThat(names.chatName("", "exec_command")).isEqualTo("exec_command");
        assertThat(names.isAssigned(null, "exec_command")).isTrue();
    }

    @Test
    void sameIdentityGetsSameName() {
        ToolNames names = new ToolNames();
        String first = names.chatName("multi_agent_v1", "close_agent");
        assertThat(names.chatName("multi_agent_v1", "close_agent")).isEqualTo(first);
    }

    @Test
    void tooLongNameIsShortenedWithStableHashSuffix() {
        String namespace = "mcp__" + "a_very_long_server_name_".repeat(3);
        String name = "an_equally_long_tool_name_that_goes_on";
        String first = new ToolNames().chatName(namespace, name);
        String again = new ToolNames().chatName(namespace, name);

        assertThat(first).hasSize(ToolNames.MAX_LENGTH).matches(ToolNames.VALID).isEqualTo(again);
        assertThat(first).startsWith("mcp__a_very_long_server_name_").matches(".*_[0-9a-f]{8}");
    }

    @Test
    void invalidCharactersAreReplacedAndHashed() {
        String chatName = new ToolNames().chatName("my.server", "read file");
        assertThat(chatName).matches(ToolNames.VALID).startsWith("my_server__read_file_");
    }

    @Test
    void sanitisedNameNeverTakesAValidNameThatSanitisesTheSame() {
        ToolNames names = new ToolNames();
        String plain = names.chatName(null, "a_b");
        String dotted = names.chatName(null, "a.b");
        assertThat(plain).isEqualTo("a_b");
        assertThat(dotted).isNotEqualTo(plain).matches(ToolNames.VALID);
    }

    @Test
    void collidingFlatteningGetsDistinctHashedName() {
        ToolNames names = new ToolNames();
        String flat = names.chatName(null, "mcp__echo__echo_text");
        String namespaced = names.chatName("mcp__echo", "echo_text");
        assertThat(flat).isEqualTo("mcp__echo__echo_text");
        assertThat(namespaced)
                .isNotEqualTo(flat)
                .startsWith("mcp__echo__echo_text_")
                .matches(ToolNames.VALID);
    }

    @Test
    void hashDependsOnIdentityNotOnlyOnTheShortenedText() {
        String prefix = "x".repeat(70);
        ToolNames names = new ToolNames();
        String one = names.chatName(null, prefix + "one");
        String two = names.chatName(null, prefix + "two");
        assertThat(one).isNotEqualTo(two);
        assertThat(one.substring(0, 55)).isEqualTo(two.substring(0, 55));
    }
}
