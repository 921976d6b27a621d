package dev.responsesrelay.codexmodel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The arguments and standard input of one {@code codex exec} run.
 *
 * <p>Flags (from {@code codex exec --help}, 0.169.0): {@code --json} prints the JSONL events {@link
 * CodexEventMapper} reads; {@code --ephemeral} keeps one-shot runs out of Codex's session history;
 * {@code --skip-git-repo-check} because the default working directory is a fresh temporary
 * directory, not a repository; {@code --sandbox}, {@code --cd}, {@code -m} and {@code -c} from the
 * configuration; the prompt {@code -} makes Codex read it from standard input, which has no length
 * limit and keeps the conversation out of the process list.
 *
 * <p>Developer instructions go in as {@code -c developer_instructions="…"}, which Codex 0.169 sends
 * as a developer message of its own (observed against a local fake upstream). One command-line
 * argument may not exceed 128 KiB on Linux ({@code MAX_ARG_STRLEN}), so longer instructions are put
 * at the top of the prompt instead.
 *
 * @param arguments the full command, binary first
 * @param stdin the text to write to the process's standard input
 */
record CodexCommandLine(List<String> arguments, String stdin) {
    /** Longest {@code developer_instructions=…} argument, in UTF-8 bytes, passed on the command line. */
    static final int MAX_INLINE_INSTRUCTIONS_BYTES = 100_000;

    CodexCommandLine {
        arguments = List.copyOf(arguments);
    }

    /** Builds the command for {@code prompt}. */
    static CodexCommandLine build(
            String binary,
            @Nullable String model,
            String sandbox,
            List<String> configOverrides,
            CodexPrompt prompt,
            Path workingDirectory,
            @Nullable Path outputSchemaFile) {
        List<String> arguments = new ArrayList<>();
        arguments.add(binary);
        arguments.add("exec");
        arguments.add("--json");
        arguments.add("--ephemeral");
        arguments.add("--skip-git-repo-check");
        arguments.add("--sandbox");
        arguments.add(sandbox);
        arguments.add("--cd");
        arguments.add(workingDirectory.toString());
        if (model != null) {
            arguments.add("--model");
            arguments.add(model);
        }
        for (String override : configOverrides) {
            arguments.add("--config");
            arguments.add(override);
        }
        String stdin = prompt.prompt();
        if (!prompt.instructions().isEmpty()) {
            String inline = "developer_instructions=" + tomlString(prompt.instructions());
            if (inline.getBytes(StandardCharsets.UTF_8).length <= MAX_INLINE_INSTRUCTIONS_BYTES) {
                arguments.add("--config");
                arguments.add(inline);
            } else {
                stdin = "<instructions>\n" + prompt.instructions() + "\n</instructions>\n\n" + stdin;
            }
        }
        if (outputSchemaFile != null) {
            arguments.add("--output-schema");
            arguments.add(outputSchemaFile.toString());
        }
        arguments.add("-");
        return new CodexCommandLine(arguments, stdin);
    }

    /**
     * {@code text} as a TOML basic string (TOML 1.0 "Basic strings"): quote, backslash and every
     * control character, DEL included, are escaped; everything else is literal UTF-8.
     */
    static String tomlString(String text) {
        StringBuilder toml = new StringBuilder(text.length() + 16).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> toml.append("\\\"");
                case '\\' -> toml.append("\\\\");
                case '\n' -> toml.append("\\n");
                case '\t' -> toml.append("\\t");
                case '\r' -> toml.append("\\r");
                case '\b' -> toml.append("\\b");
                case '\f' -> toml.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        toml.append(String.format("\\u%04X", (int) c));
                    } else {
                        toml.append(c);
                    }
                }
            }
        }
        return toml.append('"').toString();
    }
}
