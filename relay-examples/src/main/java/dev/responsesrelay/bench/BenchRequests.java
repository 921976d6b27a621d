package dev.responsesrelay.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The Responses request bodies the benchmarks translate. */
public final class BenchRequests {
    /**
     * A small streaming request declaring one function tool, {@code exec_command}. Synthetic, shaped
     * after Codex 0.169's requests (docs/codex-wire.md §1), cut down so that opening a stream (whose
     * {@code response.created} echoes the request's tools) costs little next to the chunks fed
     * through it.
     */
    public static final String SMALL = "{\"model\":\"bench-model\",\"stream\":true,\"store\":false,"
            + "\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
            + "\"text\":\"List the files in the current directory.\"}]}],"
            + "\"tools\":[{\"type\":\"function\",\"name\":\"exec_command\",\"description\":\"Runs a command.\","
            + "\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{\"cmd\":{\"type\":\"string\"}},"
            + "\"required\":[\"cmd\"],\"additionalProperties\":false}}],"
            + "\"tool_choice\":\"auto\",\"parallel_tool_calls\":false}";

    /**
     * A real request of Codex CLI 0.169.0 (46 KB: instructions, 9 tools, the environment context),
     * copied from fixtures/src/main/resources/dev/responsesrelay/fixtures/samples/codex-0.169.0/01_plain_custom_model_001_POST_v1_responses.body.json.
     */
    public static final String CODEX_RESOURCE = "codex-0.169.0-request.json";

    private BenchRequests() {}

    /** The bytes of {@link #CODEX_RESOURCE}, as the server reads them off the wire. */
    public static byte[] codexRequest() {
        try (InputStream in = BenchRequests.class.getResourceAsStream(CODEX_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + CODEX_RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #SMALL} as UTF-8. */
    public static byte[] smallRequest() {
        return SMALL.getBytes(StandardCharsets.UTF_8);
    }
}
