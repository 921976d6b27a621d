package dev.responsesrelay;

import java.nio.charset.StandardCharsets;

/**
 * Writes events in the {@code text/event-stream} format: {@code event: <name>}, one {@code data:}
 * line per line of data, and a blank line. Stateless and thread-safe.
 */
public final class SseEncoder {
    private SseEncoder() {}

    /**
     * The wire form of {@code event}.
     *
     * @throws IllegalArgumentException if the event name contains a line break, which would end the
     *     {@code event:} line early and let the rest of the name pose as fields of its own
     */
    public static String encode(SseEvent event) {
        if (event.event().indexOf('\n') >= 0 || event.event().indexOf('\r') >= 0) {
            throw new IllegalArgumentException("event name must be one line: " + event.event());
        }
        String data = event.data();
        StringBuilder out = new StringBuilder(data.length() + event.event().length() + 16);
        out.append("event: ").append(event.event()).append('\n');
        int start = 0;
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '\n' || c == '\r') {
                out.append("data: ").append(data, start, i).append('\n');
                if (c == '\r' && i + 1 < data.length() && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        out.append("data: ").append(data, start, data.length()).append("\n\n");
        return out.toString();
    }

    /**
     * The wire form of a data-only event: one {@code data:} line per line of {@code data} and a blank
     * line, with no {@code event:} line. Chat Completions streams are written this way, including
     * their {@code [DONE]} sentinel ({@code encodeData("[DONE]")}); the OpenAI SDKs read an event
     * without a name as a chunk.
     */
    public static String encodeData(String data) {
        StringBuilder out = new StringBuilder(data.length() + 8);
        int start = 0;
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '\n' || c == '\r') {
                out.append("data: ").append(data, start, i).append('\n');
                if (c == '\r' && i + 1 < data.length() && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        out.append("data: ").append(data, start, data.length()).append("\n\n");
        return out.toString();
    }

    /** The wire form of {@code event}, as UTF-8 bytes. */
    public static byte[] encodeUtf8(SseEvent event) {
        return encode(event).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A comment line, which clients ignore: servers send {@code ": keep-alive\n\n"} while waiting for
     * a slow upstream so the client sees bytes and its idle timer restarts.
     */
    public static String comment(String text) {
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("comment must be one line");
        }
        return ": " + text + "\n\n";
    }
}
