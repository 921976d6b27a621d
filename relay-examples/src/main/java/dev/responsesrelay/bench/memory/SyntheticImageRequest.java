package dev.responsesrelay.bench.memory;

import java.nio.charset.StandardCharsets;

/**
 * Synthetic request bodies of an exact size whose bulk is one base64 image data URL: the shape
 * Codex sends a screenshot in (docs/codex-wire.md, "An attached image (-i) is a user message with
 * an input_text naming the image, an input_image with a data: URL and detail: high"), reduced to
 * the text part and the image. The base64 is not a real picture (the relay never decodes it), but
 * uses only base64 letters, as a real one does, so the JSON has no escapes, like a real one.
 */
public enum SyntheticImageRequest {
    /** {@code POST /v1/responses}: a Responses request. */
    RESPONSES(
            "{\"model\":\"m\",\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
                    + "\"text\":\"what is this?\"},{\"type\":\"input_image\",\"detail\":\"high\","
                    + "\"image_url\":\"data:image/png;base64,",
            "\"}]}]}"),
    /** A WebSocket {@code response.create} message: the Responses request with its type. */
    WEBSOCKET_CREATE(
            "{\"type\":\"response.create\",\"model\":\"m\",\"input\":[{\"type\":\"message\",\"role\":\"user\","
                    + "\"content\":[{\"type\":\"input_text\",\"text\":\"what is this?\"},{\"type\":\"input_image\","
                    + "\"detail\":\"high\",\"image_url\":\"data:image/png;base64,",
            "\"}]}]}"),
    /** {@code POST /v1/chat/completions}: the same request in Chat Completions' shape. */
    CHAT(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                    + "\"text\":\"what is this?\"},{\"type\":\"image_url\",\"image_url\":{\"detail\":\"high\","
                    + "\"url\":\"data:image/png;base64,",
            "\"}}]}]}");

    private final String head;
    private final String tail;

    SyntheticImageRequest(String head, String tail) {
        this.head = head;
        this.tail = tail;
    }

    /** A body of exactly {@code bytes} bytes, nearly all of them the image's base64. */
    public byte[] body(int bytes) {
        byte[] head = this.head.getBytes(StandardCharsets.US_ASCII);
        byte[] tail = this.tail.getBytes(StandardCharsets.US_ASCII);
        if (bytes < head.length + tail.length + 4) {
            throw new IllegalArgumentException("a body of " + bytes + " bytes has no room for an image");
        }
        byte[] body = new byte[bytes];
        System.arraycopy(head, 0, body, 0, head.length);
        for (int i = head.length; i < bytes - tail.length; i++) {
            body[i] = (byte) ('A' + i % 26);
        }
        System.arraycopy(tail, 0, body, bytes - tail.length, tail.length);
        return body;
    }
}
