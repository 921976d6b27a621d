package dev.responsesrelay;

import java.util.Objects;

/**
 * One server-sent event: an event name and its {@code data} payload.
 *
 * <p>Events the translator emits always carry the Responses event type as their name (for example
 * {@code response.output_text.delta}) and one line of JSON as data. Events decoded by {@link
 * SseDecoder} carry the {@code event:} field, or {@code "message"} when the stream had none, as the
 * WHATWG algorithm specifies.
 */
public final class SseEvent {
    private final String event;
    private final String data;

    private SseEvent(String event, String data) {
        this.event = event;
        this.data = data;
    }

    /** Returns an event with the given name and data. */
    public static SseEvent of(String event, String data) {
        Objects.requireNonNull(event, "event == null");
        Objects.requireNonNull(data, "data == null");
        return new SseEvent(event, data);
    }

    /** The event name; {@code "message"} for a decoded event that had no {@code event:} field. */
    public String event() {
        return event;
    }

    /** The data payload, with multi-line {@code data:} fields joined by {@code \n}. */
    public String data() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SseEvent other && event.equals(other.event) && data.equals(other.data);
    }

    @Override
    public int hashCode() {
        return 31 * event.hashCode() + data.hashCode();
    }

    @Override
    public String toString() {
        return "SseEvent{event=" + event + ", data=" + data + "}";
    }
}
