package dev.responsesrelay.internal.dialect;

import dev.responsesrelay.ProviderProfile.ToolCallIdRule;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rewrites replayed tool-call ids into the form the provider accepts (docs/dialects.md rule 26), the same
 * way in {@code tool_calls[].id} and {@code tool_call_id}.
 *
 * <p>Stateless across requests: a rewritten id is a hash of the client's id, so every request
 * rewrites a conversation identically on any relay instance, with nothing stored. An id the
 * provider already accepts is kept, so the provider's own ids (Mistral's, OpenAI's {@code call_…})
 * come back unchanged. Within a request the mapping is one-to-one: on the (astronomically unlikely)
 * collision of two hashes, or of a hash with a kept id, the later id is hashed again with a salt.
 *
 * <p>New calls in the answer keep the upstream's id, which is valid by construction; the stream
 * side refuses any that equals one of {@link #historyIds()} (see {@code REUSED_TOOL_CALL_ID}), so a
 * rewritten id never reaches the client in place of its own.
 *
 * <p>One per request; not thread-safe.
 */
public final class ToolCallIdRewriter {
    private static final Pattern MAX_40 = Pattern.compile("^[A-Za-z0-9_-]{1,40}$");
    private static final Pattern ALPHANUMERIC_9 = Pattern.compile("^[A-Za-z0-9]{9}$");
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final ToolCallIdRule rule;
    private final Map<String, String> upstreamByClient = new HashMap<>();
    private final Map<String, String> clientByUpstream = new HashMap<>();
    private final Set<String> historyIds = new LinkedHashSet<>();

    public ToolCallIdRewriter(ToolCallIdRule rule) {
        this.rule = rule;
    }

    /** The id to send upstream for the client's {@code clientId}. */
    public String upstreamId(String clientId) {
        String known = upstreamByClient.get(clientId);
        if (known != null) {
            return known;
        }
        String chosen = accepts(clientId) ? clientId : hashed(clientId, 0);
        for (int salt = 1; clientByUpstream.containsKey(chosen); salt++) {
            chosen = hashed(clientId, salt);
        }
        upstreamByClient.put(clientId, chosen);
        clientByUpstream.put(chosen, clientId);
        historyIds.add(clientId);
        historyIds.add(chosen);
        return chosen;
    }

    /** Every id seen, as the client sent it and as it went upstream. */
    public Set<String> historyIds() {
        return historyIds;
    }

    /** Whether the provider takes {@code id} as it is. */
    boolean accepts(String id) {
        return switch (rule) {
            case VERBATIM -> true;
            case MAX_40 -> MAX_40.matcher(id).matches();
            case ALPHANUMERIC_9 -> ALPHANUMERIC_9.matcher(id).matches();
        };
    }

    private String hashed(String clientId, int salt) {
        byte[] digest = sha256(salt == 0 ? clientId : clientId + '\u0000' + salt);
        return switch (rule) {
            case VERBATIM -> clientId; // never reached: every id is accepted
            case MAX_40 -> "call_" + hex(digest, 12);
            case ALPHANUMERIC_9 -> base62(digest, 9);
        };
    }

    private static String hex(byte[] digest, int bytes) {
        char[] out = new char[bytes * 2];
        for (int i = 0; i < bytes; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(out);
    }

    private static String base62(byte[] digest, int length) {
        BigInteger value = new BigInteger(1, digest);
        BigInteger base = BigInteger.valueOf(BASE62.length);
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            BigInteger[] qr = value.divideAndRemainder(base);
            out[i] = BASE62[qr[1].intValue()];
            value = qr[0];
        }
        return new String(out);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
