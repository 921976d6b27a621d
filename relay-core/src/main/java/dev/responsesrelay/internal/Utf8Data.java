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
    public static byte @Nullable [] of(SseEvent event) {
        return Objects.requireNonNull(access, "SseEvent not initialised").apply(event);
    }

    /**
     * Whether {@code bytes} is well-formed UTF-8 as RFC 3629 §4 defines it: no overlong forms, no
     * surrogates, nothing above U+10FFFF. ASCII, which most chunks are, takes one comparison a byte.
     */
    public static boolean isWellFormed(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xFF;
            int length;
            int secondMin = 0x80;
            int secondMax = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                length = 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                length = 3;
                if (b == 0xE0) {
                    secondMin = 0xA0; // below is overlong
                } else if (b == 0xED) {
                    secondMax = 0x9F; // above is a surrogate
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                length = 4;
                if (b == 0xF0) {
                    secondMin = 0x90; // below is overlong
                } else if (b == 0xF4) {
                    secondMax = 0x8F; // above is beyond U+10FFFF
                }
            } else {
                return false; // 80..C1 as a lead byte, or F5..FF
            }
            if (i + length > n) {
                return false;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < secondMin || second > secondMax) {
                return false;
            }
            for (int k = 2; k < length; k++) {
                int next = bytes[i + k] & 0xFF;
                if (next < 0x80 || next > 0xBF) {
                    return false;
                }
            }
            i += length;
        }
        return true;
    }
}
