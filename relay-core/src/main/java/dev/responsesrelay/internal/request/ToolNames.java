package dev.responsesrelay.internal.request;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Gives every Responses tool identity ({@code namespace} + {@code name}) one Chat function name
 * that is unique within a request and matches {@code ^[a-zA-Z0-9_-]{1,64}$}, the pattern OpenAI
 * and most compatible servers enforce on function names.
 *
 * <p>A tool outside any namespace keeps its own name when that name is valid ({@code
 * exec_command}). A namespaced tool becomes {@code <namespace>__<name>} ({@code
 * mcp__echo__echo_text}): docs/codex-wire.md §1.4, Codex only accepts a namespaced call back as {@code
 * function_call{namespace, name}}, so the stream side maps the flat name back through the {@link
 * ToolCatalog}, never by splitting the string. A name that is too long, has characters outside the
 * pattern, or is already taken by another identity is shortened and gets {@code _<8 hex>}, a hash
 * of the identity, so it stays the same from one request to the next.
 *
 * <p>Declared tools are registered before history items, so they get the plain names; history
 * items ({@code function_call} with a {@code namespace}) ask the same registry and so get the same
 * flattening, also when the tool is no longer declared. One instance per request; not thread-safe.
 */
final class ToolNames {
    static final int MAX_LENGTH = 64;
    static final Pattern VALID = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    static final String NAMESPACE_SEPARATOR = "__";

    private static final int HASH_HEX_CHARS = 8;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** A tool identity: a namespace ({@code null} for none) and a name. */
    record ToolKey(@Nullable String namespace, String name) {
        static ToolKey of(@Nullable String namespace, String name) {
            // An empty namespace carries no meaning; treat it like none so both spellings agree.
            return new ToolKey(namespace == null || namespace.isEmpty() ? null : namespace, name);
        }
    }

    private final Map<ToolKey, String> chatNameByKey = new HashMap<>();
    private final Set<String> taken = new HashSet<>();

    /** Returns the Chat name of a tool identity, assigning one on first use. */
    String chatName(@Nullable String namespace, String name) {
        ToolKey key = ToolKey.of(namespace, name);
        String known = chatNameByKey.get(key);
        if (known != null) {
            return known;
        }
        String natural = key.namespace() == null ? name : key.namespace() + NAMESPACE_SEPARATOR + name;
        String chosen = natural;
        if (!VALID.matcher(natural).matches() || taken.contains(natural)) {
            chosen = hashed(natural, key);
        }
        chatNameByKey.put(key, chosen);
        taken.add(chosen);
        return chosen;
    }

    /** Whether this identity already has a Chat name. */
    boolean isAssigned(@Nullable String namespace, String name) {
        return chatNameByKey.containsKey(ToolKey.of(namespace, name));
    }

    private String hashed(String natural, ToolKey key) {
        String base = sanitize(natural);
        int keep = MAX_LENGTH - 1 - HASH_HEX_CHARS;
        if (base.length() > keep) {
            base = base.substring(0, keep);
        }
        String identity = (key.namespace() == null ? "" : key.namespace()) + '\u0000' + key.name();
        // A second collision needs two identities whose hashes agree in 32 bits and whose
        // shortened names agree too; salt and retry rather than fail, so naming stays total.
        for (int salt = 0; ; salt++) {
            String candidate = base + '_' + hash(salt == 0 ? identity : identity + '\u0000' + salt);
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    private static String sanitize(String natural) {
        StringBuilder out = new StringBuilder(natural.length());
        for (int i = 0; i < natural.length(); i++) {
            char c = natural.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            out.append(ok ? c : '_');
        }
        return out.toString();
    }

    private static String hash(String identity) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        char[] out = new char[HASH_HEX_CHARS];
        for (int i = 0; i < HASH_HEX_CHARS / 2; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(out);
    }
}
