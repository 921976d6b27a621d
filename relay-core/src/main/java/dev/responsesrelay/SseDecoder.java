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

    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean lastWasCr;
    private boolean atStart = true;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventName = "";
    private boolean finished;

    private SseDecoder(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
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

    /** Feeds UTF-8 text; same as feeding its bytes. */
    public List<SseEvent> feed(CharSequence text) {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        return feed(bytes, 0, bytes.length);
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
        List<SseEvent> events = new ArrayList<>(1);
        if (lineLength > 0) {
            endLine(events);
        }
        dispatch(events);
        finished = true;
        return events;
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            if (lineLength >= maxEventBytes) {
                throw new IllegalStateException("SSE line longer than " + maxEventBytes + " bytes");
            }
            line = Arrays.copyOf(line, Math.min(maxEventBytes, line.length * 2));
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
        if (colon < 0) {
            field = new String(line, start, length, StandardCharsets.UTF_8);
            value = "";
        } else {
            field = new String(line, start, colon - start, StandardCharsets.UTF_8);
            int valueStart = colon + 1;
            if (valueStart < start + length && line[valueStart] == ' ') {
                valueStart++;
            }
            value = new String(line, valueStart, start + length - valueStart, StandardCharsets.UTF_8);
        }
        switch (field) {
            case "data" -> appendData(value);
            case "event" -> eventName = value;
            case "error" -> {
                eventName = "error";
                appendData(value);
            }
            default -> {
                // id and retry do not matter for a single upstream response; unknown fields are
                // ignored, as the algorithm says.
            }
        }
    }

    private void appendData(String value) {
        if (hasData) {
            data.append('\n');
        }
        data.append(value);
        hasData = true;
        if (data.length() > maxEventBytes) {
            throw new IllegalStateException("SSE event larger than " + maxEventBytes + " bytes");
        }
    }

    private void dispatch(List<SseEvent> events) {
        if (hasData) {
            events.add(SseEvent.of(eventName.isEmpty() ? "message" : eventName, data.toString()));
        }
        data.setLength(0);
        hasData = false;
        eventName = "";
    }
}
