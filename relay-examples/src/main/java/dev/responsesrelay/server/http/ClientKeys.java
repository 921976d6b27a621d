package dev.responsesrelay.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;

/** The client side of authentication: reading bearer tokens and checking {@code --require-key}. */
public final class ClientKeys {
    private final List<byte[]> required;

    /** Accepts a client only with one of {@code requiredKeys}; anyone if the list is empty. */
    public ClientKeys(List<String> requiredKeys) {
        this.required = requiredKeys.stream()
                .map(key -> key.getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    /** Whether keys are required at all. */
    public boolean enforced() {
        return !required.isEmpty();
    }

    /** Whether a client presenting {@code token} may use the relay. */
    public boolean accepts(@Nullable String token) {
        if (required.isEmpty()) {
            return true;
        }
        if (token == null) {
            return false;
        }
        byte[] presented = token.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] key : required) {
            // Constant-time per key, and every key is compared: the timing tells nothing.
            match |= MessageDigest.isEqual(key, presented);
        }
        return match;
    }

    /** The token of an {@code Authorization: Bearer <token>} header, if there is one. */
    public static @Nullable String bearerToken(HttpFields headers) {
        String authorization = headers.get(HttpHeader.AUTHORIZATION);
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        if (value.length() < 7
                || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String token = value.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    /** A key as it may appear in a log line: never more than its first 3 characters. */
    public static String mask(@Nullable String key) {
        if (key == null) {
            return "(none)";
        }
        return key.length() >= 12 ? key.substring(0, 3) + "…(" + key.length() + " chars)" : "***";
    }
}
