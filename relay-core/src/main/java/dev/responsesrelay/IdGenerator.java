package dev.responsesrelay;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * Makes the ids the translator puts on responses and output items ({@code resp_…}, {@code msg_…},
 * {@code rs_…}, {@code fc_…}, {@code call_…}).
 *
 * <p>The core never invents randomness of its own: ids come from the generator given to {@link
 * ResponsesTranslator.Builder#idGenerator}. Tests pass a deterministic one; servers use {@link
 * #random()}. Implementations must be thread-safe, since one translator serves many exchanges.
 */
@FunctionalInterface
public interface IdGenerator {
    /**
     * Returns a new id that starts with {@code prefix} (for example {@code "msg_"}), unique for the
     * lifetime of the process and safe to use in JSON without escaping.
     */
    String newId(String prefix);

    /** Returns a generator of {@code prefix} plus 24 random lowercase hex characters. */
    static IdGenerator random() {
        SecureRandom random = new SecureRandom();
        char[] hex = "0123456789abcdef".toCharArray();
        return prefix -> {
            Objects.requireNonNull(prefix, "prefix == null");
            byte[] bytes = new byte[12];
            random.nextBytes(bytes);
            StringBuilder id = new StringBuilder(prefix.length() + 24).append(prefix);
            for (byte b : bytes) {
                id.append(hex[(b >> 4) & 0xf]).append(hex[b & 0xf]);
            }
            return id.toString();
        };
    }

    /**
     * Returns a deterministic generator of {@code prefix} plus a counter ({@code msg_1}, {@code
     * rs_2}, …), for tests and reproducible fixtures.
     */
    static IdGenerator sequential() {
        java.util.concurrent.atomic.AtomicLong counter = new java.util.concurrent.atomic.AtomicLong();
        return prefix -> prefix + counter.incrementAndGet();
    }
}
