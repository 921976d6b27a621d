package dev.responsesrelay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Incremental decoder of a {@code text/event-stream} body, for servers that read upstream bytes
 * themselves (Netty, Vert.x, servlets). Feed bytes as they arrive, in pieces of any size; events come
 * out whole. Single use and not thread-safe.
 *
 * <p>Follows the WHATWG algorithm (https://html.spec.whatwg.org/multipage/server-sent-events.html,
 * "Interpreting an event stream"): lines end in CRLF, LF or CR, even when the CR and LF arrive in
 * different pieces; a leading byte-order mark is skipped; {@code data:} takes one optional space
 * after the colon; several {@code data} lines join with {@code \n}; comment lines ({@code :
 * keep-alive}, {@code : OPENROUTER PROCESSING}) are skipped; an event with no data dispatches
 * nothing. Two deliberate departures, both for real upstreams:
 *
 * <ul>
 *   <li>A field named {@code error} is kept, as an event named {@code error} whose data is the
 *       field's value. llama.cpp's server writes stream errors as {@code error: {json}}, which a
 *       strict decoder would silently drop.
 *   <li>{@link #finish()} dispatches a last event that was not followed by a blank line, so an
 *       upstream that ends with an unterminated {@code data: [DONE]} is still understood.
 * </ul>
 */
public final class SseDecoder {
    private static final int DEFAULT_MAX_EVENT_BYTES = 64 * 1024 * 1024;

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

    /**
     * The first half of a surrogate pair that ended a text feed; its other half starts the next one.
     * {@code 0}, which is never a surrogate, when there is none.
     */
    private char pendingHighSurrogate;

    private SseDecoder(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
        this.line = new byte[Math.min(INITIAL_LINE_BYTES, maxEventBytes)];
    }

    /** A decoder that refuses events larger than 64 MiB. */
    public static SseDecoder create() {
        return new SseDecoder(DEFAULT_MAX_EVENT_BYTES);
    }

    /** A decoder that refuses lines and events larger than {@code maxEventBytes}. */
    public static SseDecoder create(int maxEventBytes) {
        if (maxEventBytes <= 0) {
            throw new IllegalArgumentException("maxEventBytes <= 0: " + maxEventBytes);
        }
        return new SseDecoder(maxEventBytes);
    }

    /**
     * Feeds text; same as feeding its UTF-8 bytes. A surrogate pair may be split between two calls:
     * a caller reading chars in fixed-size buffers cuts wherever the buffer ends.
     */
    public List<SseEvent> feed(CharSequence text) {
        if (finished) {
            throw new IllegalStateException("decoder already finished");
        }
        StringBuilder chars = new StringBuilder(text.length() + 1);
        if (pendingHighSurrogate != 0) {
            chars.append(pendingHighSurrogate);
            pendingHighSurrogate = 0;
        }
        chars.append(text);
        int last = chars.length() - 1;
        if (last >= 0 && Character.isHighSurrogate(chars.charAt(last))) {
            pendingHighSurrogate = chars.charAt(last);
            chars.setLength(last);
        }
        byte[] bytes = chars.toString().getBytes(StandardCharsets.UTF_8);
        return feedBytes(bytes, 0, bytes.length);
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
        List<SseEvent> events = new ArrayList<>(flushPendingSurrogate());
        events.addAll(feedBytes(bytes, offset, length));
        return events;
    }

    /**
     * A high surrogate held back from a text feed, when no low surrogate followed: it is encoded
     * alone, as {@link String#getBytes} would have.
     */
    private List<SseEvent> flushPendingSurrogate() {
        if (pendingHighSurrogate == 0) {
            return List.of();
        }
        byte[] lone = String.valueOf(pendingHighSurrogate).getBytes(StandardCharsets.UTF_8);
        pendingHighSurrogate = 0;
        return feedBytes(lone, 0, lone.length);
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
        List<SseEvent> events = new ArrayList<>(flushPendingSurrogate());
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
