package dev.responsesrelay.internal.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.Translation;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.SlicingTreeReader;
import dev.responsesrelay.internal.Utf8SliceNode;
import dev.responsesrelay.internal.stream.Chunks;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Large strings of a request stay slices of its body (issue 18) and reach the Chat request
 * unchanged: the bytes {@link Translation#writeChatRequest} writes are those of {@link
 * Translation#chatRequestJson()}, and both carry the image exactly. Requests are synthetic, in the
 * shape Codex sends screenshots (docs/codex-wire.md: {@code input_image} with a data URL).
 */
class SlicedRequestTest {
    private static String request(String imageUrl, String text) {
        return "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":"
                + Chunks.quote(text) + "},{\"type\":\"input_image\",\"image_url\":" + Chunks.quote(imageUrl)
                + "}]}]}";
    }

    private static byte[] written(Translation translation) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        translation.writeChatRequest(out);
        return out.toByteArray();
    }

    @Test
    void aLargeDataUrlIsWrittenByteForByte() throws Exception {
        String image = "data:image/png;base64," + "QUJD".repeat(100_000);
        Translation translation = ResponsesTranslator.create().translate(request(image, "what is this?"));

        byte[] bytes = written(translation);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(translation.chatRequestJson());
        JsonNode chat = Json.MAPPER.readTree(bytes);
        assertThat(chat.at("/messages/0/content/1/image_url/url").textValue()).isEqualTo(image);
    }

    @Test
    void largeNonAsciiAndEscapedStringsSurviveBothPaths() throws Exception {
        String image = "data:image/png;base64," + "é✓".repeat(20_000);
        String text = "line\n\"quoted\"\t".repeat(5_000);
        Translation translation = ResponsesTranslator.create().translate(request(image, text));

        JsonNode chat = Json.MAPPER.readTree(written(translation));
        assertThat(chat.at("/messages/0/content/1/image_url/url").textValue()).isEqualTo(image);
        assertThat(chat.at("/messages/0/content/0/text").textValue()).isEqualTo(text);
        assertThat(Json.MAPPER.readTree(translation.chatRequestJson())).isEqualTo(chat);
    }

    /**
     * What the WebSocket transport does with a message (relay-examples ResponsesWebSocket): parse
     * keeping large strings as slices, change the tree, write it back as bytes. The bytes are the
     * JSON Jackson writes for the same tree, image included.
     */
    @Test
    void aTreeWithSlicesIsWrittenAsTheSameBytesJacksonWrites() throws Exception {
        String image = "data:image/png;base64," + "QUJD".repeat(50_000);
        byte[] body = request(image, "what is é?").getBytes(StandardCharsets.UTF_8);
        JsonNode tree = Json.readTreeKeepingLargeStrings(body);
        assertThat(tree).isNotNull();
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree).put("stream", true);

        byte[] written = Json.writeBytes(tree);

        assertThat(written).isEqualTo(Json.MAPPER.writeValueAsBytes(Json.MAPPER.readTree(written)));
        JsonNode reread = Json.MAPPER.readTree(written);
        assertThat(reread.at("/input/0/content/1/image_url").textValue()).isEqualTo(image);
        assertThat(reread.at("/input/0/content/0/text").textValue()).isEqualTo("what is é?");
        assertThat(reread.get("stream").booleanValue()).isTrue();
    }

    @Test
    void aSlicedNonDataUrlIsStillRefusedWhereOnlyDataUrlsAreAccepted() {
        // The data-URL check reads only the start of a slice; an http URL of 16 KiB+ is no data URL.
        Utf8SliceNode slice = new Utf8SliceNode(
                ("http://x/" + "a".repeat(SlicingTreeReader.SLICE_THRESHOLD)).getBytes(StandardCharsets.US_ASCII),
                0,
                9 + SlicingTreeReader.SLICE_THRESHOLD,
                true);
        assertThat(slice.startsWithIgnoreCase("data:")).isFalse();
        assertThat(new Utf8SliceNode("DATA:image".getBytes(StandardCharsets.US_ASCII), 0, 10, true)
                        .startsWithIgnoreCase("data:"))
                .isTrue();
    }
}
