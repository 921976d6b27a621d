package dev.responsesrelay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.responsesrelay.fixtures.Samples;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every request body Codex 0.169 really sent ({@code codex-0.169.0/*.body.json} among
 * relay-fixtures' {@link Samples}) through {@link ResponsesTranslator#translate(byte[])} and compares the Chat body
 * with the checked-in golden {@code golden/<name>.chat.json}, or the 400 with {@code
 * golden/<name>.error.json}. Regenerate with {@code -Drelay.golden.overwrite=true} and read the diff.
 */
class CodexRequestGoldenTest {
    private static final String SUFFIX = "_POST_v1_responses.body.json";
    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private static final ResponsesTranslator TRANSLATOR = ResponsesTranslator.builder()
            .provider(ProviderProfile.GENERIC)
            .idGenerator(IdGenerator.sequential())
            .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
            .build();

    /** The sample paths of the request bodies, sorted. */
    static Stream<String> codexBodies() {
        List<String> bodies = Samples.list("codex-0.169.0/", SUFFIX);
        assertThat(bodies).as("Codex request bodies among the samples").hasSizeGreaterThanOrEqualTo(26);
        return bodies.stream();
    }

    private static String name(String body) {
        String file = body.substring(body.lastIndexOf('/') + 1);
        return file.substring(0, file.length() - SUFFIX.length());
    }

    /** The Chat body, or for a refused request the OpenAI error body, under its golden file name. */
    private static Outcome translate(String body) throws IOException {
        byte[] bytes = Samples.bytes(body);
        try {
            return new Outcome(
                    name(body) + ".chat.json",
                    JSON.readTree(TRANSLATOR.translate(bytes).chatRequestJson()));
        } catch (InvalidRequestException e) {
            return new Outcome(
                    name(body) + ".error.json", JSON.readTree(e.error().toJson()));
        }
    }

    private record Outcome(String goldenFile, JsonNode json) {}

    static Stream<Named<String>> namedCodexBodies() {
        return codexBodies().map(p -> Named.of(name(p), p));
    }

    @ParameterizedTest
    @MethodSource("namedCodexBodies")
    void translatesLikeTheGolden(String body) throws IOException {
        Outcome outcome = translate(body);
        if (Boolean.getBoolean("relay.golden.overwrite")) {
            Path golden = Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "golden");
            Files.createDirectories(golden);
            Files.writeString(golden.resolve(outcome.goldenFile()), JSON.writeValueAsString(outcome.json()) + "\n");
            // A run that rewrites goldens compared nothing: it must never pass (issue 15 §6).
            throw new AssertionError("goldens rewritten (golden/" + outcome.goldenFile()
                    + "), re-run without -Drelay.golden.overwrite=true after reading the diff");
        }
        JsonNode expected = readGolden(outcome.goldenFile());
        assertThat(expected)
                .as("golden/%s (regenerate with -Drelay.golden.overwrite=true)", outcome.goldenFile())
                .isNotNull();
        assertThat(outcome.json()).as("golden/%s", outcome.goldenFile()).isEqualTo(expected);
    }

    private static @Nullable JsonNode readGolden(String file) throws IOException {
        try (InputStream in = CodexRequestGoldenTest.class.getResourceAsStream("/golden/" + file)) {
            return in == null ? null : JSON.readTree(in);
        }
    }

    @ParameterizedTest
    @MethodSource("namedCodexBodies")
    void chatBodyKeepsTheShapesProvidersRequire(String body) throws IOException {
        Outcome outcome = translate(body);
        if (outcome.goldenFile().endsWith(".error.json")) {
            return;
        }
        JsonNode chat = outcome.json();
        JsonNode messages = chat.get("messages");
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            Set<String> keys = new HashSet<>();
            message.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).as("message %d", i).isSubsetOf("role", "content", "tool_calls", "tool_call_id");
            // docs/dialects.md rule 27 and 28: no developer role, and arrays only for user images.
            assertThat(message.get("role").asText()).isIn("system", "user", "assistant", "tool");
            if (!message.get("role").asText().equals("user")) {
                assertThat(message.get("content").isArray())
                        .as("message %d content", i)
                        .isFalse();
            }
            JsonNode calls = message.get("tool_calls");
            if (calls != null) {
                // Every call answered right after its assistant message, in call order.
                for (int c = 0; c < calls.size(); c++) {
                    JsonNode answer = messages.get(i + 1 + c);
                    assertThat(answer.get("role").asText()).isEqualTo("tool");
                    assertThat(answer.get("tool_call_id").asText())
                            .isEqualTo(calls.get(c).get("id").asText());
                }
            }
        }
        List<String> toolNames = new ArrayList<>();
        if (chat.has("tools")) {
            for (JsonNode tool : chat.get("tools")) {
                assertThat(tool.get("type").asText()).isEqualTo("function");
                toolNames.add(tool.at("/function/name").asText());
            }
        }
        assertThat(toolNames).doesNotHaveDuplicates().allMatch(n -> n.matches("^[a-zA-Z0-9_-]{1,64}$"));
        assertThat(toolNames).doesNotContain("web_search", "tool_search");
    }

    @Test
    void remoteCompactionTriggerBecomesCodexsSummarisingPromptWithoutTools() throws IOException {
        JsonNode chat = translate(body("07_openai_named_provider_remote_compaction_v2_002"))
                .json();
        JsonNode messages = chat.get("messages");
        JsonNode last = messages.get(messages.size() - 1);

        assertThat(last.get("role").asText()).isEqualTo("user");
        assertThat(last.toString()).contains("CONTEXT CHECKPOINT COMPACTION");
        assertThat(chat.has("tools")).isFalse();
        assertThat(chat.toString()).doesNotContain("compaction_trigger");
    }

    @Test
    void compactionItemFromRealOpenAiIsRefusedAtItsEncryptedContent() throws IOException {
        // Capture 07_003 carries the mock server's opaque "COMPACTED_BLOB", not the relay's envelope.
        JsonNode error = translate(body("07_openai_named_provider_remote_compaction_v2_003"))
                .json();

        assertThat(error.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.at("/error/param").asText()).matches("/input/\\d+/encrypted_content");
    }

    @Test
    void namespacedMcpCallAndItsToolShareTheFlattenedName() throws IOException {
        JsonNode chat = translate(body("14_mcp_namespace_tool_call_002")).json();
        assertThat(chat.at("/messages/4/tool_calls/0/function/name").asText()).isEqualTo("mcp__echo__echo_text");
        assertThat(chat.get("tools").findValuesAsText("name")).contains("mcp__echo__echo_text");
    }

    @Test
    void applyPatchIsAFunctionWithOneStringParameter() throws IOException {
        JsonNode chat = translate(body("04_custom_tool_apply_patch_002")).json();
        JsonNode applyPatch = null;
        for (JsonNode tool : chat.get("tools")) {
            if (tool.at("/function/name").asText().equals("apply_patch")) {
                applyPatch = tool;
            }
        }
        assertThat(applyPatch).isNotNull();
        assertThat(applyPatch.at("/function/parameters/required").toString()).isEqualTo("[\"input\"]");
        assertThat(applyPatch.at("/function/description").asText()).contains("start: begin_patch hunk+ end_patch");
        assertThat(JSON.readTree(chat.at("/messages/4/tool_calls/0/function/arguments")
                                .asText())
                        .get("input")
                        .asText())
                .startsWith("*** Begin Patch\n*** Add File: hello.txt\n");
    }

    private static String body(String name) {
        return codexBodies().filter(p -> name(p).equals(name)).findFirst().orElseThrow();
    }
}
