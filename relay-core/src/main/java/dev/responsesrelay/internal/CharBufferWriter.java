package dev.responsesrelay.internal;

import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link Writer} into a reused char buffer: the event writer's generator writes each event here,
 * and {@link #take()} hands the text out and empties the buffer for the next one, so the hot path
 * allocates no buffer per event. Not thread-safe, like its owner.
 *
 * <p>A plain {@code char[]}, not a {@link StringBuilder}: appending chars to a Latin-1 builder
 * checks and narrows them one at a time, while copying into a {@code char[]} and making the
 * {@code String} with {@code new String(char[], …)} uses the JDK's bulk copy and compression.
 *
 * <p><b>Long texts.</b> The buffer grows to {@link #SEGMENT_CHARS} at most. A text longer than that
 * (the {@code *.done} events and the terminal response of a long answer, megabytes each: issue 18)
 * is kept as a list of {@code String} segments, each compressed to one byte per char when it is
 * Latin-1, and joined once by {@link #take()}. A buffer that doubled up to the text's size instead
 * would hold two bytes per char, and while it last grew, three times the text.
 */
public final class CharBufferWriter extends Writer {
    /** The largest the buffer grows; longer texts are kept as segments of this size. */
    static final int SEGMENT_CHARS = 1 << 16;

    private char[] buffer = new char[512];
    private int length;
    /** The text's full segments so far, in order, when it is longer than the buffer. */
    private final List<String> segments = new ArrayList<>();

    @Override
    public void write(char[] chars, int offset, int count) {
        int from = offset;
        int left = count;
        while (left > 0) {
            int n = room(left);
            System.arraycopy(chars, from, buffer, length, n);
            length += n;
            from += n;
            left -= n;
        }
    }

    @Override
    public void write(String text, int offset, int count) {
        int from = offset;
        int left = count;
        while (left > 0) {
            int n = room(left);
            text.getChars(from, from + n, buffer, length);
            length += n;
            from += n;
            left -= n;
        }
    }

    @Override
    public void write(int c) {
        room(1);
        buffer[length++] = (char) c;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    /** The text written since the last call, and an empty buffer. */
    public String take() {
        String text;
        if (segments.isEmpty()) {
            text = new String(buffer, 0, length);
        } else {
            segments.add(new String(buffer, 0, length));
            // One allocation of the whole text's size (String.join sizes it from its parts).
            text = String.join("", segments);
            segments.clear();
        }
        length = 0;
        return text;
    }

    /**
     * Makes room for {@code wanted} more chars, or as many as fit in a buffer of {@link
     * #SEGMENT_CHARS}, and returns how many fit now (at least one).
     */
    private int room(int wanted) {
        if (length + wanted > buffer.length) {
            if (buffer.length < SEGMENT_CHARS) {
                int grown = Math.max(2 * buffer.length, length + wanted);
                buffer = Arrays.copyOf(buffer, Math.min(SEGMENT_CHARS, grown));
            }
            if (length == buffer.length) {
                segments.add(new String(buffer, 0, length));
                length = 0;
            }
        }
        return Math.min(wanted, buffer.length - length);
    }
}
