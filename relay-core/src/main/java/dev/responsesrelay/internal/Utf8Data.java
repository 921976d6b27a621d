package dev.responsesrelay.internal;

import dev.responsesrelay.SseEvent;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The UTF-8 bytes a decoded {@link SseEvent} was made from, for the translator only: {@link
 * SseEvent} registers the accessor when its class initialises, which happens before any instance
 * exists, so the accessor is always set when an event is at hand.
 */
public final class Utf8Data {
    private static volatile @Nullable Function<SseEvent, byte @Nullable []> access;

    private Utf8Data() {}

    /**
     * Called once, by {@link SseEvent}'s static initialiser. Public only because {@link SseEvent}
     * lives in another package; a second call is refused, so no other code can swap the accessor.
     */
    public static synchronized void setAccess(Function<SseEvent, byte @Nullable []> accessor) {
        if (access != null) {
            throw new IllegalStateException("the SseEvent accessor is already set");
        }
        access = accessor;
    }

    /**
     * The event's data as UTF-8 bytes, not to be modified, or {@code null} when the event was made
     * from a {@code String} (then only {@link SseEvent#data()} has it).
     */
    static byte @Nullable [] of(SseEvent event) {
        return Objects.requireNonNull(access, "SseEvent not initialised").apply(event);
    }
}
