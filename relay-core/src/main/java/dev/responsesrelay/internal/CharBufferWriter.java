package dev.responsesrelay.internal;

import java.io.Writer;
import java.util.Arrays;

/**
 * A {@link Writer} into a reused char buffer: the event writer's generator writes each event here,
 * and {@link #take()} hands the text out and empties the buffer for the next one, so the hot path
 * allocates no buffer per event. Not thread-safe, like its owner.
 *
 * <p>A plain {@code char[]}, not a {@link StringBuilder}: appending chars to a Latin-1 builder
 * checks and narrows them one at a time, while copying into a {@code char[]} and making the
 * {@code String} with {@code new String(char[], …)} uses the JDK's bulk copy and compression.
 */
public final class CharBufferWriter extends Writer {
    private char[] buffer = new char[512];
    private int length;

    @Override
    public void write(char[] chars, int offset, int count) {
        ensure(count);
        System.arraycopy(chars, offset, buffer, length, count);
        length += count;
    }

    @Override
    public void write(String text, int offset, int count) {
        ensure(count);
        text.getChars(offset, offset + count, buffer, length);
        length += count;
    }

    @Override
    public void write(int c) {
        ensure(1);
        buffer[length++] = (char) c;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    /** The text written since the last call, and an empty buffer. */
    public String take() {
        String text = new String(buffer, 0, length);
        length = 0;
        return text;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, length + more));
        }
    }
}
