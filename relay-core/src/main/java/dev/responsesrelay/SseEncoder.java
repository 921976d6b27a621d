package dev.responsesrelay;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Writes events in the {@code text/event-stream} format: {@code event: <name>}, one {@code data:}
 * line per line of data, and a blank line. Stateless and thread-safe.
 *
 * <p>A server writing many events should encode them with {@link #encodeUtf8(SseEvent, Utf8Buffer)}
 * into one reused {@link Utf8Buffer}: the events go straight to UTF-8 bytes, with no intermediate
 * {@code String} or array per event, and a batch of events becomes one write.
 */
public final class SseEncoder {
    private static final byte[] EVENT_PREFIX = {'e', 'v', 'e', 'n', 't', ':', ' '};
    private static final byte[] DATA_PREFIX = {'d', 'a', 't', 'a', ':', ' '};

    private SseEncoder() {}

    /**
     * The wire form of {@code event}.
     *
     * @throws IllegalArgumentException if the event name contains a line break, which would end the
     *     {@code event:} line early and let the rest of the name pose as fields of its own
     */
    public static String encode(SseEvent event) {
        checkName(event);
        String data = event.data();
        StringBuilder out = new StringBuilder(data.length() + event.event().length() + 16);
        out.append("event: ").append(event.event()).append('\n');
        appendDataLines(out, data);
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
        appendDataLines(out, data);
        return out.toString();
    }

    /** The wire form of {@code event}, as UTF-8 bytes. */
    public static byte[] encodeUtf8(SseEvent event) {
        Utf8Buffer out = new Utf8Buffer(event.event().length() + event.data().length() + 24);
        encodeUtf8(event, out);
        return out.toByteArray();
    }

    /**
     * Appends the wire form of {@code event} to {@code out} as UTF-8, the same bytes as {@code
     * encode(event).getBytes(UTF_8)}: an unpaired surrogate becomes {@code '?'}, as {@link
     * String#getBytes} writes it.
     *
     * @throws IllegalArgumentException as {@link #encode(SseEvent)} does; {@code out} is unchanged
     */
    public static void encodeUtf8(SseEvent event, Utf8Buffer out) {
        checkName(event);
        out.append(EVENT_PREFIX);
        out.appendUtf8(event.event());
        out.append((byte) '\n');
        appendDataLines(out, event.data());
    }

    /** Appends the wire form of {@link #encodeData(String)} to {@code out} as UTF-8. */
    public static void encodeDataUtf8(String data, Utf8Buffer out) {
        appendDataLines(out, data);
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

    private static void checkName(SseEvent event) {
        if (event.event().indexOf('\n') >= 0 || event.event().indexOf('\r') >= 0) {
            throw new IllegalArgumentException("event name must be one line: " + event.event());
        }
    }

    /**
     * {@code data: <line>\n} for every line of {@code data}, then the blank line that ends the
     * event. CR, LF and CRLF all end a line, since a decoder splits on each of them (WHATWG SSE).
     */
    private static void appendDataLines(StringBuilder out, String data) {
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
    }

    /** The byte form of {@link #appendDataLines(StringBuilder, String)}, in one pass over the chars. */
    private static void appendDataLines(Utf8Buffer out, String data) {
        out.append(DATA_PREFIX);
        int length = data.length();
        // A char is at most 3 bytes (a surrogate pair, two chars, is 4); a line break needs more
        // and makes room for itself.
        out.ensureRoom(3 * length + 2);
        byte[] bytes = out.bytes;
        int pos = out.size;
        for (int i = 0; i < length; i++) {
            char c = data.charAt(i);
            if (c < 0x80) {
                if (c == '\n' || c == '\r') {
                    if (c == '\r' && i + 1 < length && data.charAt(i + 1) == '\n') {
                        i++;
                    }
                    out.size = pos;
                    out.ensureRoom(1 + DATA_PREFIX.length + 3 * (length - i) + 2);
                    bytes = out.bytes;
                    bytes[pos++] = '\n';
                    System.arraycopy(DATA_PREFIX, 0, bytes, pos, DATA_PREFIX.length);
                    pos += DATA_PREFIX.length;
                } else {
                    bytes[pos++] = (byte) c;
                }
            } else {
                pos = Utf8Buffer.encodeNonAscii(data, i, length, bytes, pos);
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(data.charAt(i + 1))) {
                    i++;
                }
            }
        }
        bytes[pos++] = '\n';
        bytes[pos++] = '\n';
        out.size = pos;
    }

    /**
     * A growable byte buffer that events are encoded into, meant to be reused: {@link #clear()},
     * encode a batch of events, write {@link #array()} from 0 to {@link #size()}, repeat. Not
     * thread-safe.
     */
    public static final class Utf8Buffer {
        private byte[] bytes;
        private int size;

        /** An empty buffer with room for 4 KiB before it grows. */
        public Utf8Buffer() {
            this(4096);
        }

        /** An empty buffer with room for {@code initialCapacity} bytes before it grows. */
        public Utf8Buffer(int initialCapacity) {
            if (initialCapacity < 0) {
                throw new IllegalArgumentException("initialCapacity < 0: " + initialCapacity);
            }
            this.bytes = new byte[initialCapacity];
        }

        /** Empties the buffer, keeping its storage. */
        public void clear() {
            size = 0;
        }

        /** How many bytes are in the buffer. */
        public int size() {
            return size;
        }

        /** Whether the buffer is empty. */
        public boolean isEmpty() {
            return size == 0;
        }

        /**
         * The backing array, not a copy: its first {@link #size()} bytes are the content. Valid
         * until the buffer is next changed.
         */
        public byte[] array() {
            return bytes;
        }

        /** The content as a buffer over the backing array, valid until this buffer is next changed. */
        public ByteBuffer asByteBuffer() {
            return ByteBuffer.wrap(bytes, 0, size);
        }

        /** A copy of the content. */
        public byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        /** Appends {@code raw} as it is. */
        public void append(byte[] raw) {
            ensureRoom(raw.length);
            System.arraycopy(raw, 0, bytes, size, raw.length);
            size += raw.length;
        }

        void append(byte b) {
            ensureRoom(1);
            bytes[size++] = b;
        }

        /** Appends {@code text} as UTF-8, with {@code '?'} for an unpaired surrogate. */
        void appendUtf8(String text) {
            int length = text.length();
            ensureRoom(3 * length);
            byte[] b = bytes;
            int pos = size;
            for (int i = 0; i < length; i++) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    b[pos++] = (byte) c;
                } else {
                    pos = encodeNonAscii(text, i, length, b, pos);
                    if (Character.isHighSurrogate(c)
                            && i + 1 < length
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        i++;
                    }
                }
            }
            size = pos;
        }

        /**
         * Writes the non-ASCII char at {@code i} (with its low surrogate, if it is the high half of
         * a pair) and returns the new position. The caller skips the low surrogate. Unpaired
         * surrogates become {@code '?'}, as in {@code String.getBytes(UTF_8)}.
         */
        static int encodeNonAscii(String text, int i, int length, byte[] b, int pos) {
            char c = text.charAt(i);
            if (c < 0x800) {
                b[pos++] = (byte) (0xC0 | (c >> 6));
                b[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                b[pos++] = (byte) (0xE0 | (c >> 12));
                b[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, text.charAt(i + 1));
                b[pos++] = (byte) (0xF0 | (codePoint >> 18));
                b[pos++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
                b[pos++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
                b[pos++] = (byte) (0x80 | (codePoint & 0x3F));
            } else {
                b[pos++] = '?';
            }
            return pos;
        }

        void ensureRoom(int more) {
            long needed = (long) size + more;
            if (needed > bytes.length) {
                if (needed > Integer.MAX_VALUE - 8) {
                    throw new OutOfMemoryError("SSE buffer would exceed the largest array");
                }
                long grown = Math.max(needed, Math.min((long) bytes.length * 2, Integer.MAX_VALUE - 8));
                bytes = Arrays.copyOf(bytes, (int) grown);
            }
        }
    }
}
