package dev.responsesrelay;

import dev.responsesrelay.internal.Utf8Data;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One server-sent event: an event name and its {@code data} payload.
 *
 * <p>Events the translator emits always carry the Responses event type as their name (for example
 * {@code response.output_text.delta}) and one line of JSON as data. Events decoded by {@link
 * SseDecoder} carry the {@code event:} field, or {@code "message"} when the stream had none, as the
 * WHATWG algorithm specifies.
 */
public final class SseEvent {
    static {
        // The translator parses a decoded chunk straight from its UTF-8 bytes; this hands it the bytes
        // without making them public API.
        Utf8Data.setAccess(event -> event.utf8);
    }

    private final String event;

    /**
     * The data as text. A decoded one-line event is made from its UTF-8 bytes and only decodes them
     * when asked: the translator parses the bytes and never needs the text of an ordinary chunk.
     * Racy but safe, like {@link String#hashCode()}: every thread decodes the same text.
     */
    private @Nullable String data;

    private final byte @Nullable [] utf8;

    private SseEvent(String event, @Nullable String data, byte @Nullable [] utf8) {
        this.event = event;
        this.data = data;
        this.utf8 = utf8;
    }

    /** Returns an event with the given name and data. */
    public static SseEvent of(String event, String data) {
        Objects.requireNonNull(event, "event == null");
        Objects.requireNonNull(data, "data == null");
        return new SseEvent(event, data, null);
    }

    /** An event whose data is the UTF-8 text {@code utf8}, which the event now owns. */
    static SseEvent ofUtf8(String event, byte[] utf8) {
        return new SseEvent(event, null, utf8);
    }

    /** The event name; {@code "message"} for a decoded event that had no {@code event:} field. */
    public String event() {
        return event;
    }

    /** The data payload, with multi-line {@code data:} fields joined by {@code \n}. */
    public String data() {
        String text = data;
        if (text == null) {
            // Malformed UTF-8 becomes U+FFFD, as the decoder always did.
            text = new String(Objects.requireNonNull(utf8), StandardCharsets.UTF_8);
            data = text;
        }
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SseEvent other && event.equals(other.event) && data().equals(other.data());
    }

    @Override
    public int hashCode() {
        return 31 * event.hashCode() + data().hashCode();
    }

    @Override
    public String toString() {
        return "SseEvent{event=" + event + ", data=" + data() + "}";
    }
}
