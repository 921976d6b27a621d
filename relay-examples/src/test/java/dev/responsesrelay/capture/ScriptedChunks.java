package dev.responsesrelay.capture;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the capture adds to {@link dev.responsesrelay.codexconfig.ChatChunks}, which writes the
 * scripted upstream's chunks for both the capture and the Codex end-to-end tests. No provider is
 * reachable from the capture machine, so the upstream's side of every recorded scenario is scripted:
 * shaped after the OpenAI stream (docs/dialects.md §0: role chunk, deltas, a finish chunk, a usage-only
 * chunk last), with DeepSeek's {@code reasoning_content} delta for reasoning (docs/dialects.md §1.2).
 */
final class ScriptedChunks {
    /** The line a scenario's {@code source.upstream} starts with. */
    static final String SHAPED_AFTER =
            "scripted, shaped after docs/dialects.md §0 (OpenAI chunks, usage-only chunk last,"
                    + " [DONE]) with DeepSeek's reasoning_content delta (§1.2) where the case has reasoning";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ScriptedChunks() {}

    /** {@code {"key": value}} as JSON text, for tool-call arguments. */
    static String arguments(String key, String value) {
        return MAPPER.createObjectNode().put(key, value).toString();
    }
}
