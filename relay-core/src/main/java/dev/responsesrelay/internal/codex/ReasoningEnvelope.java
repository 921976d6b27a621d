package dev.responsesrelay.internal.codex;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Provider state that must survive to the next request, carried by the client itself inside a
 * reasoning item's {@code encrypted_content}, so that no relay instance keeps any: Codex sends that
 * item back verbatim (docs/codex-wire.md §6).
 *
 * <p>Thinking models refuse a follow-up turn whose tool-calling assistant message lacks its
 * reasoning (DeepSeek, Kimi: {@code reasoning_content}; vLLM, Ollama: {@code reasoning};
 * OpenRouter: {@code reasoning_details}), and Gemini refuses a replayed call without its thought
 * signature. Chat Completions clients keep such fields; Codex keeps none, but echoes every reasoning
 * item it received verbatim, {@code encrypted_content} included, on every later request
 * (docs/codex-wire.md §1.3, §6). The stream side writes this envelope there; the request side reads it
 * back and puts each part where the provider reads it.
 *
 * <p>Wire form: {@value #PREFIX} followed by the base64url (no padding) of a UTF-8 JSON object:
 *
 * <ul>
 *   <li>{@code p}: the replay scope of the profile that produced it ({@link
 *       ProviderDialect#replayScope()}, its name unless set). Provider-bound parts
 *       ({@code rd}, {@code sig}) and {@code f} are only used for a profile of that scope; text is
 *       portable.
 *   <li>{@code rc}: the reasoning text, left out beyond {@value #MAX_TEXT_CHARS} characters; the
 *       request side then falls back to the item's {@code content}, then its {@code summary}, which
 *       carries the same text in full.
 *   <li>{@code rd}: OpenRouter's {@code reasoning_details} entries, merged by index as streamed;
 *       left out beyond {@value #MAX_DETAILS_CHARS} characters of JSON.
 *   <li>{@code sig}: Gemini thought signatures by {@code call_id}.
 *   <li>{@code f}: the Chat field the upstream streamed the reasoning in ({@code
 *       reasoning_content}, {@code reasoning} or {@code reasoning_details}), for profiles that
 *       replay reasoning where it came from ({@link
 *       dev.responsesrelay.ProviderProfile#replayReasoningAsReceived()}). Only these three names
 *       are read back: the envelope comes from the client, and must not choose an arbitrary
 *       field of the upstream message.
 * </ul>
 *
 * <p>Blobs without the prefix (a real OpenAI {@code gAAAA…}) are not ours and pass untouched.
 */
public record ReasoningEnvelope(
        String provider,
        @Nullable String reasoningText,
        ArrayNode details,
        Map<String, String> signatures,
        @Nullable String sourceField) {

    /** The Chat fields reasoning is streamed in and replayed to, as {@code f} may name them. */
    public static final Set<String> SOURCE_FIELDS = Set.of("reasoning_content", "reasoning", "reasoning_details");

    /** An envelope that does not say which field its reasoning came in. */
    public ReasoningEnvelope(
            String provider, @Nullable String reasoningText, ArrayNode details, Map<String, String> signatures) {
        this(provider, reasoningText, details, signatures, null);
    }

    /** Marks a blob as ours, and its format version. */
    public static final String PREFIX = "rrelay1:";

    /** The longest reasoning text carried; longer text is left to the summary. */
    public static final int MAX_TEXT_CHARS = 32_768;

    /** The longest {@code reasoning_details} JSON carried. */
    public static final int MAX_DETAILS_CHARS = 262_144;

    /** Longer blobs with our prefix are refused before decoding (signatures are not capped). */
    static final int MAX_ENCODED_CHARS = 4 * 1024 * 1024;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A blob that has our prefix but cannot be read. */
    public static final class MalformedEnvelopeException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedEnvelopeException(String message) {
            super(message);
        }
    }

    /** Copies the signatures, keeping their order. */
    public ReasoningEnvelope {
        signatures = Collections.unmodifiableMap(new LinkedHashMap<>(signatures));
    }

    /** Whether there is nothing to carry. */
    public boolean isEmpty() {
        return (reasoningText == null || reasoningText.isEmpty()) && details.isEmpty() && signatures.isEmpty();
    }

    /** The {@code encrypted_content} value. */
    public String encode() {
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream(64 + (reasoningText == null ? 0 : reasoningText.length()));
        try (JsonGenerator g = Json.FACTORY.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("p", provider);
            String text = reasoningText;
            if (text != null && !text.isEmpty() && text.length() <= MAX_TEXT_CHARS) {
                g.writeStringField("rc", text);
            }
            if (!details.isEmpty()) {
                String json = Json.MAPPER.writeValueAsString(details);
                if (json.length() <= MAX_DETAILS_CHARS) {
                    g.writeFieldName("rd");
                    g.writeRawValue(json);
                }
            }
            if (sourceField != null) {
                g.writeStringField("f", sourceField);
            }
            if (!signatures.isEmpty()) {
                g.writeObjectFieldStart("sig");
                for (Map.Entry<String, String> e : signatures.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
    }

    /**
     * Reads an {@code encrypted_content} value: null when it is not ours (no {@value #PREFIX}).
     *
     * @throws MalformedEnvelopeException when it has our prefix but is damaged
     */
    public static @Nullable ReasoningEnvelope decode(String encryptedContent) {
        if (!encryptedContent.startsWith(PREFIX)) {
            return null;
        }
        if (encryptedContent.length() > MAX_ENCODED_CHARS) {
            throw new MalformedEnvelopeException("relay envelope is longer than any the relay writes");
        }
        byte[] json;
        try {
            json = Base64.getUrlDecoder().decode(encryptedContent.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new MalformedEnvelopeException("relay envelope is not base64url: " + e.getMessage());
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new MalformedEnvelopeException("relay envelope is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEnvelopeException("relay envelope is not a JSON object");
        }
        JsonNode provider = root.get("p");
        if (provider == null || !provider.isTextual()) {
            throw new MalformedEnvelopeException("relay envelope names no provider");
        }
        JsonNode text = root.get("rc");
        if (text != null && !text.isTextual() && !text.isNull()) {
            throw new MalformedEnvelopeException("relay envelope rc is not a string");
        }
        ArrayNode details = NODES.arrayNode();
        JsonNode rd = root.get("rd");
        if (rd != null && !rd.isNull()) {
            if (!rd.isArray()) {
                throw new MalformedEnvelopeException("relay envelope rd is not an array");
            }
            details = (ArrayNode) rd;
        }
        Map<String, String> signatures = new LinkedHashMap<>();
        JsonNode sig = root.get("sig");
        if (sig != null && !sig.isNull()) {
            if (!sig.isObject()) {
                throw new MalformedEnvelopeException("relay envelope sig is not an object");
            }
            for (Map.Entry<String, JsonNode> e : ((ObjectNode) sig).properties()) {
                if (!e.getValue().isTextual()) {
                    throw new MalformedEnvelopeException("relay envelope signature is not a string");
                }
                signatures.put(e.getKey(), e.getValue().textValue());
            }
        }
        JsonNode field = root.get("f");
        String sourceField = null;
        if (field != null && !field.isNull()) {
            if (!field.isTextual() || !SOURCE_FIELDS.contains(field.textValue())) {
                throw new MalformedEnvelopeException("relay envelope f names no reasoning field");
            }
            sourceField = field.textValue();
        }
        return new ReasoningEnvelope(
                provider.textValue(),
                text == null || text.isNull() ? null : text.textValue(),
                details,
                signatures,
                sourceField);
    }

    /** For tests and logs: the JSON inside a blob of ours. */
    static String peek(String encryptedContent) {
        return new String(
                Base64.getUrlDecoder().decode(encryptedContent.substring(PREFIX.length())), StandardCharsets.UTF_8);
    }
}
