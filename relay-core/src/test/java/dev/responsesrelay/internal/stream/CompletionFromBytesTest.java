package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.internal.JsonTestSupport;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18: a whole {@code chat.completion} read from its UTF-8 bytes ({@link
 * CompletionMapper#toResponse(byte[], StreamContext)}) gives the answer its text gives, while a
 * runaway answer's text is decoded only as far as the output bound needs. Completions are
 * synthetic, in OpenAI's {@code chat.completion} shape (docs/dialects.md §0).
 */
class CompletionFromBytesTest {
    private static final int BOUND = 20_000;

    private static String completion(String reasoning, String content) {
        return "\n\n{\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"upstream-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"reasoning_content\":" + Chunks.quote(reasoning) + ",\"content\":" + Chunks.quote(content)
                + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":9,"
                + "\"total_tokens\":12}}";
    }

    /** The answer with its ids, which each translation draws afresh, left out. */
    private static JsonNode withoutIds(String responseJson) {
        JsonNode response = JsonTestSupport.tree(responseJson);
        for (JsonNode item : response.path("output")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) item).remove("id");
        }
        return response;
    }

    /**
     * Texts within the bound and past it, long enough to be decoded from the bytes (16 KiB and more),
     * with escapes, 2-, 3- and 4-byte UTF-8 (a supplementary char is a surrogate pair) and escaped
     * surrogate pairs, placed so that the bound and the 3-bytes-a-char read limit fall inside them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"loop ", "line \"quoted\"\\ and\ttab\n", "é", "日本語", "😀 ", "a😀", "\ud83d\ude00\u0001"})
    void bytesAndTextGiveTheSameAnswer(String piece) {
        for (int repeat : new int[] {17_000 / piece.length(), BOUND / piece.length() + 1, 3 * BOUND}) {
            String text = piece.repeat(repeat);
            String body = completion("why: " + piece.repeat(10), text);

            String fromText = CompletionMapper.toResponse(
                    body, TestContexts.builder().maxOutputChars(BOUND).build());
            String fromBytes = CompletionMapper.toResponse(
                    body.getBytes(StandardCharsets.UTF_8),
                    TestContexts.builder().maxOutputChars(BOUND).build());

            assertThat(withoutIds(fromBytes)).as("%s × %d", piece, repeat).isEqualTo(withoutIds(fromText));
        }
    }

    @Test
    void malformedUtf8ReadsAsTheTextHasIt() {
        byte[] good = completion("", "x".repeat(20_000)).getBytes(StandardCharsets.UTF_8);
        int at = new String(good, StandardCharsets.UTF_8).indexOf("xxxx") + 10;
        good[at] = (byte) 0xC3; // a lead byte without its continuation

        String fromText = CompletionMapper.toResponse(
                new String(good, StandardCharsets.UTF_8),
                TestContexts.builder().maxOutputChars(BOUND).build());
        String fromBytes = CompletionMapper.toResponse(
                good, TestContexts.builder().maxOutputChars(BOUND).build());

        assertThat(withoutIds(fromBytes)).isEqualTo(withoutIds(fromText));
    }

    @Test
    void anUnreadableBodyFailsWithTheSameMessage() {
        String body = "{\"choices\":[{\"message\":{\"content\":\"" + "x".repeat(20_000) + "\"}";

        String fromText = CompletionMapper.toResponse(
                body, TestContexts.builder().maxOutputChars(BOUND).build());
        String fromBytes = CompletionMapper.toResponse(
                body.getBytes(StandardCharsets.UTF_8),
                TestContexts.builder().maxOutputChars(BOUND).build());

        assertThat(JsonTestSupport.tree(fromBytes).path("status").asText()).isEqualTo("failed");
        assertThat(JsonTestSupport.tree(fromBytes).path("error"))
                .isEqualTo(JsonTestSupport.tree(fromText).path("error"));
    }

    @Test
    void anErrorBodyFailsAsItsTextDoes() {
        String body = "{\"error\":{\"message\":\"" + "overloaded ".repeat(2_000) + "\",\"code\":503}}";

        String fromText = CompletionMapper.toResponse(
                body, TestContexts.builder().maxOutputChars(BOUND).build());
        String fromBytes = CompletionMapper.toResponse(
                body.getBytes(StandardCharsets.UTF_8),
                TestContexts.builder().maxOutputChars(BOUND).build());

        assertThat(JsonTestSupport.tree(fromBytes).path("status").asText()).isEqualTo("failed");
        assertThat(withoutIds(fromBytes)).isEqualTo(withoutIds(fromText));
    }

    /**
     * A runaway answer (100 times the bound) is not decoded whole: translating it from its bytes
     * allocates a small multiple of the bound, where decoding its text alone allocates more than
     * twice the body (a UTF-16 buffer, then the string). Measured with the JVM's per-thread
     * allocation counter, which counts bytes, not time.
     */
    @Test
    void aRunawayAnswerIsNotDecodedWhole() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] body = completion("", "loop ".repeat(20 * BOUND)).getBytes(StandardCharsets.UTF_8);
        CompletionMapper.toResponse(
                body, TestContexts.builder().maxOutputChars(BOUND).build()); // loads the classes once

        long before = threads.getCurrentThreadAllocatedBytes();
        String response = CompletionMapper.toResponse(
                body, TestContexts.builder().maxOutputChars(BOUND).build());
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(JsonTestSupport.tree(response).path("status").asText()).isEqualTo("incomplete");
        assertThat(allocated)
                .as("bytes allocated for a %d-byte body", body.length)
                .isLessThan(body.length / 4);
    }
}
