package dev.responsesrelay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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

    /** The field names that matter, as bytes, so that no String is made for a field name. */
    private static final byte[] DATA = {'d', 'a', 't', 'a'};

    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] ERROR = {'e', 'r', 'r', 'o', 'r'};

    private final int maxEventBytes;

    /**
     * The start of a line whose end has not arrived yet. A line that begins and ends within one feed
     * is read where it lies in the caller's array and never copied here.
     */
    private byte[] line;

    private int lineLength;
    private boolean lastWasCr;
    private boolean atStart = true;

    /**
     * The UTF-8 value of the event's first {@code data} line. Most events have one data line (every
     * Chat Completions chunk), so it is copied once and dispatched as the event's bytes, which the
     * translator parses without ever decoding them to a String; the builder {@link #moreData} only
     * starts at a second line.
     */
    private byte @Nullable [] firstData;

    private @Nullable StringBuilder moreData;
    private long dataBytes;
    private String eventName = "";
    private boolean finished;

    /**
     * The first half of a surrogate pair that ended a text feed; its other half starts the next one.
     * {@code 0}, which is never a surrogate, when there is none.
     */
    private char pendingHighSurrogate;

    /**
     * A line or event grew beyond the decoder's size limit: the upstream sent more than the caller
     * agreed to hold in memory. Its own type, so that a caller can tell it from misuse ({@link
     * #feed} after {@link #finish()}), which is a plain {@link IllegalStateException}; it extends
     * that type so that code written against the earlier contract still catches it.
     */
    public static final class EventTooLargeException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        private final int maxEventBytes;

        EventTooLargeException(String message, int maxEventBytes) {
            super(message);
            this.maxEventBytes = maxEventBytes;
        }

        /** The limit that was exceeded, in bytes. */
        public int maxEventBytes() {
            return maxEventBytes;
        }
    }

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
        List<SseEvent> events = new ArrayList<>();
        feedBytes(bytes, 0, bytes.length, events);
        return events;
    }

    /** Feeds all of {@code bytes}. */
    public List<SseEvent> feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    /**
     * Feeds {@code length} bytes from {@code offset} and returns the events they complete.
     *
     * @throws EventTooLargeException if a line or event grows beyond the size limit
     * @throws IllegalStateException after {@link #finish()}
     */
    public List<SseEvent> feed(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (finished) {
            throw new IllegalStateException("decoder already finished");
        }
        List<SseEvent> events = new ArrayList<>();
        flushPendingSurrogate(events);
        feedBytes(bytes, offset, length, events);
        return events;
    }

    /**
     * A high surrogate held back from a text feed, when no low surrogate followed: it is encoded
     * alone, as {@link String#getBytes} would have.
     */
    private void flushPendingSurrogate(List<SseEvent> events) {
        if (pendingHighSurrogate == 0) {
            return;
        }
        byte[] lone = String.valueOf(pendingHighSurrogate).getBytes(StandardCharsets.UTF_8);
        pendingHighSurrogate = 0;
        feedBytes(lone, 0, lone.length, events);
    }

    /**
     * Splits the bytes into lines by scanning for the next CR or LF, then handles each line as a
     * whole; the size limit is checked once a line, not once a byte.
     */
    private void feedBytes(byte[] bytes, int offset, int length, List<SseEvent> events) {
        int i = offset;
        int end = offset + length;
        if (lastWasCr && i < end) {
            lastWasCr = false;
            if (bytes[i] == '\n') {
                i++; // the LF of a CRLF whose CR ended the previous feed, and the line, already
            }
        }
        while (i < end) {
            int lineEnd = i;
            while (lineEnd < end && bytes[lineEnd] != '\n' && bytes[lineEnd] != '\r') {
                lineEnd++;
            }
            if (lineEnd == end) {
                keepPartialLine(bytes, i, end - i);
                return;
            }
            if (lineLength == 0) {
                checkLineLength(lineEnd - i);
                endLine(bytes, i, lineEnd - i, events);
            } else {
                keepPartialLine(bytes, i, lineEnd - i);
                int kept = lineLength;
                lineLength = 0;
                endLine(line, 0, kept, events);
            }
            i = lineEnd + 1;
            if (bytes[lineEnd] == '\r') {
                if (i == end) {
                    lastWasCr = true; // a LF may start the next feed
                } else if (bytes[i] == '\n') {
                    i++;
                }
            }
        }
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
        flushPendingSurrogate(events);
        if (lineLength > 0) {
            int kept = lineLength;
            lineLength = 0;
            endLine(line, 0, kept, events);
        }
        dispatch(events);
        finished = true;
        return events;
    }

    /** Copies the start of a line whose end is in a later feed. */
    private void keepPartialLine(byte[] bytes, int offset, int length) {
        checkLineLength((long) lineLength + length);
        if (lineLength + length > line.length) {
            long grown = Math.max(2L * line.length, (long) lineLength + length);
            line = Arrays.copyOf(line, (int) Math.min(maxEventBytes, grown));
        }
        System.arraycopy(bytes, offset, line, lineLength, length);
        lineLength += length;
    }

    private void checkLineLength(long length) {
        if (length > maxEventBytes) {
            throw new EventTooLargeException("SSE line longer than " + maxEventBytes + " bytes", maxEventBytes);
        }
    }

    /** Handles the line of {@code length} bytes at {@code offset} of {@code bytes}, without its end. */
    private void endLine(byte[] bytes, int offset, int length, List<SseEvent> events) {
        int start = offset;
        int stop = offset + length;
        if (atStart) {
            atStart = false;
            // A UTF-8 byte-order mark may precede the first line.
            if (length >= 3
                    && (bytes[start] & 0xff) == 0xef
                    && (bytes[start + 1] & 0xff) == 0xbb
                    && (bytes[start + 2] & 0xff) == 0xbf) {
                start += 3;
            }
        }
        if (start == stop) {
            dispatch(events);
            return;
        }
        if (bytes[start] == ':') {
            return; // comment: keep-alives
        }
        int colon = start;
        while (colon < stop && bytes[colon] != ':') {
            colon++;
        }
        // A line without a colon is a field name with an empty value.
        int valueStart = Math.min(colon + 1, stop);
        if (valueStart < stop && bytes[valueStart] == ' ') {
            valueStart++;
        }
        int valueBytes = stop - valueStart;
        if (isField(bytes, start, colon, DATA)) {
            appendData(bytes, valueStart, valueBytes);
        } else if (isField(bytes, start, colon, EVENT)) {
            eventName = new String(bytes, valueStart, valueBytes, StandardCharsets.UTF_8);
        } else if (isField(bytes, start, colon, ERROR)) {
            eventName = "error";
            appendData(bytes, valueStart, valueBytes);
        }
        // id and retry do not matter for a single upstream response; unknown fields are ignored, as
        // the algorithm says.
    }

    private static boolean isField(byte[] bytes, int start, int end, byte[] name) {
        return Arrays.equals(bytes, start, end, name, 0, name.length);
    }

    private void appendData(byte[] bytes, int offset, int valueBytes) {
        boolean hasData = firstData != null;
        // Counted in UTF-8 bytes, as the limit is documented, not in chars.
        dataBytes += (hasData ? 1 : 0) + valueBytes;
        if (dataBytes > maxEventBytes) {
            throw new EventTooLargeException("SSE event larger than " + maxEventBytes + " bytes", maxEventBytes);
        }
        byte[] first = firstData;
        if (first == null) {
            firstData = Arrays.copyOfRange(bytes, offset, offset + valueBytes);
            return;
        }
        // Each line is decoded on its own, as it always was, so malformed UTF-8 at a line's end gives
        // the same U+FFFD.
        String value = new String(bytes, offset, valueBytes, StandardCharsets.UTF_8);
        StringBuilder more = moreData;
        if (more == null) {
            more = new StringBuilder(first.length + 1 + value.length());
            more.append(new String(first, StandardCharsets.UTF_8));
            moreData = more;
        }
        more.append('\n').append(value);
    }

    private void dispatch(List<SseEvent> events) {
        byte[] first = firstData;
        if (first != null) {
            String name = eventName.isEmpty() ? "message" : eventName;
            StringBuilder more = moreData;
            events.add(more == null ? SseEvent.ofUtf8(name, first) : SseEvent.of(name, more.toString()));
        }
        firstData = null;
        moreData = null;
        dataBytes = 0;
        eventName = "";
    }
}
