package dev.responsesrelay.internal;

import java.io.Writer;

/**
 * A {@link Writer} into a reused {@link StringBuilder}: the event writer's generator writes each
 * event here, and {@link #take()} hands the text out and empties the buffer for the next one, so the
 * hot path allocates no buffer per event. Not thread-safe, like its owner.
 */
final class StringBuilderWriter extends Writer {
    private final StringBuilder buffer = new StringBuilder(512);

    @Override
    public void write(char[] chars, int offset, int length) {
        buffer.append(chars, offset, length);
    }

    @Override
    public void write(String text, int offset, int length) {
        buffer.append(text, offset, offset + length);
    }

    @Override
    public void write(int c) {
        buffer.append((char) c);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    /** The text written since the last call, and an empty buffer. */
    String take() {
        String text = buffer.toString();
        buffer.setLength(0);
        return text;
    }
}
