package dev.responsesrelay.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A large JSON string left where it is in the request body: a slice of the body's UTF-8 bytes
 * holding the string's content, which has no escapes, so those bytes are at once the JSON text
 * and the UTF-8 of the value. A base64 image of 30 MB goes from the request to the Chat request
 * this way without ever being a {@code String} (issue 18; Jackson's own tree would hold it as a
 * {@code char[]} while parsing, then as a {@code String}, and writing it as a {@code String} again).
 *
 * <p>A generator writing bytes copies the slice as it is ({@link JsonGenerator#writeRawUTF8String});
 * any other gets the decoded text. {@link #textValue()} decodes a copy each time: callers that only
 * look at the start use {@link #startsWithIgnoreCase}.
 */
public final class Utf8SliceNode extends ValueNode {
    private static final long serialVersionUID = 1L;

    private final byte[] source;
    private final int offset;
    private final int length;
    private final boolean ascii;

    /**
     * @param source the body; not copied, and never changed afterwards
     * @param offset where the string's content starts (after its opening quote)
     * @param length the content's length in bytes (up to its closing quote)
     * @param ascii whether every byte is ASCII, so decoding is a plain widening
     */
    public Utf8SliceNode(byte[] source, int offset, int length, boolean ascii) {
        this.source = source;
        this.offset = offset;
        this.length = length;
        this.ascii = ascii;
    }

    /** The content's length in UTF-8 bytes. */
    int utf8Length() {
        return length;
    }

    /** Whether the text starts with {@code prefix}, ignoring ASCII case; {@code prefix} is ASCII. */
    public boolean startsWithIgnoreCase(String prefix) {
        if (prefix.length() > length) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            int b = source[offset + i];
            if (Character.toLowerCase(b) != Character.toLowerCase(prefix.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public JsonNodeType getNodeType() {
        return JsonNodeType.STRING;
    }

    @Override
    public JsonToken asToken() {
        return JsonToken.VALUE_STRING;
    }

    @Override
    public String textValue() {
        return new String(source, offset, length, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    @Override
    public String asText() {
        return textValue();
    }

    @Override
    public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
        if (g.getOutputTarget() instanceof java.io.OutputStream) {
            // Jackson's UTF-8 generator writes the bytes between quotes without escaping them.
            g.writeRawUTF8String(source, offset, length);
        } else {
            g.writeString(textValue());
        }
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (o == this) {
            return true;
        }
        return o instanceof com.fasterxml.jackson.databind.JsonNode other
                && other.isTextual()
                && textValue().equals(other.textValue());
    }

    @Override
    public int hashCode() {
        return textValue().hashCode();
    }
}
