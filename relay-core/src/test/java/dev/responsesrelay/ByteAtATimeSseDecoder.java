package dev.responsesrelay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The decoder as it was before its bulk fast path: byte by byte, with a size check on each byte and
 * every value made into a String. Kept, unchanged but for its name and the text feed it does not
 * need, as the oracle that {@link SseDecoderEquivalenceTest} holds {@link SseDecoder} to.
 */
final class ByteAtATimeSseDecoder {
    private static final int INITIAL_LINE_BYTES = 256;

    private final int maxEventBytes;
    private byte[] line;
    private int lineLength;
    private boolean lastWasCr;
    private boolean atStart = true;
    private final StringBuilder data = new StringBuilder();
    private long dataBytes;
    private boolean hasData;
    private String eventName = "";
    private boolean finished;

    ByteAtATimeSseDecoder(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
        this.line = new byte[Math.min(INITIAL_LINE_BYTES, maxEventBytes)];
    }

    /** Feeds all of {@code bytes}. */
    public List<SseEvent> feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    /**
     * Feeds {@code length} bytes from {@code offset} and returns the events they complete.
     *
     * @throws IllegalStateException if a line or event grows beyond the size limit, or after {@link
     *     #finish()}
     */
    public List<SseEvent> feed(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (finished) {
            throw new IllegalStateException("decoder already finished");
        }
        return feedBytes(bytes, offset, length);
    }

    private List<SseEvent> feedBytes(byte[] bytes, int offset, int length) {
        List<SseEvent> events = new ArrayList<>(2);
        for (int i = offset, end = offset + length; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (lastWasCr) {
                    lastWasCr = false; // the LF of a CRLF whose CR ended the line already
                    continue;
                }
                endLine(events);
            } else if (b == '\r') {
                endLine(events);
                lastWasCr = true;
            } else {
                lastWasCr = false;
                append(b);
            }
        }
        return events;
    }

    /**
     * The upstream ended: processes a last line without a line break and dispatches an event that was
     * not followed by a blank line.
     */
    public List<SseEvent> finish() {
        if (finished) {
            return List.of();
        }
        List<SseEvent> events = new ArrayList<>();
        if (lineLength > 0) {
            endLine(events);
        }
        dispatch(events);
        finished = true;
        return events;
    }

    private void append(byte b) {
        if (lineLength >= maxEventBytes) {
            throw new IllegalStateException("SSE line longer than " + maxEventBytes + " bytes");
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, (int) Math.min(maxEventBytes, 2L * line.length));
        }
        line[lineLength++] = b;
    }

    private void endLine(List<SseEvent> events) {
        int start = 0;
        if (atStart) {
            atStart = false;
            // A UTF-8 byte-order mark may precede the first line.
            if (lineLength >= 3 && (line[0] & 0xff) == 0xef && (line[1] & 0xff) == 0xbb && (line[2] & 0xff) == 0xbf) {
                start = 3;
            }
        }
        int length = lineLength - start;
        lineLength = 0;
        if (length == 0) {
            dispatch(events);
            return;
        }
        if (line[start] == ':') {
            return; // comment: keep-alives
        }
        int colon = -1;
        for (int i = start; i < start + length; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        String field;
        String value;
        int valueBytes = 0;
        if (colon < 0) {
            field = new String(line, start, length, StandardCharsets.UTF_8);
            value = "";
        } else {
            field = new String(line, start, colon - start, StandardCharsets.UTF_8);
            int valueStart = colon + 1;
            if (valueStart < start + length && line[valueStart] == ' ') {
                valueStart++;
            }
            valueBytes = start + length - valueStart;
            value = new String(line, valueStart, valueBytes, StandardCharsets.UTF_8);
        }
        switch (field) {
            case "data" -> appendData(value, valueBytes);
            case "event" -> eventName = value;
            case "error" -> {
                eventName = "error";
                appendData(value, valueBytes);
            }
            default -> {
                // id and retry do not matter for a single upstream response; unknown fields are
                // ignored, as the algorithm says.
            }
        }
    }

    private void appendData(String value, int valueBytes) {
        // Counted in UTF-8 bytes, as the limit is documented, not in chars.
        dataBytes += (hasData ? 1 : 0) + valueBytes;
        if (dataBytes > maxEventBytes) {
            throw new IllegalStateException("SSE event larger than " + maxEventBytes + " bytes");
        }
        if (hasData) {
            data.append('\n');
        }
        data.append(value);
        hasData = true;
    }

    private void dispatch(List<SseEvent> events) {
        if (hasData) {
            events.add(SseEvent.of(eventName.isEmpty() ? "message" : eventName, data.toString()));
        }
        data.setLength(0);
        dataBytes = 0;
        hasData = false;
        eventName = "";
    }
}
