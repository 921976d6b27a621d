package dev.responsesrelay.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads a request body into a Jackson tree like {@code ObjectMapper.readTree}, except that a string
 * of {@link #SLICE_THRESHOLD} bytes or more without escapes stays in the body as a {@link
 * Utf8SliceNode} instead of being decoded. Such strings are base64 images and files (Codex sends
 * screenshots as data URLs), and this keeps a request's memory near its body's size (issue 18,
 * measured in docs/BENCHMARKS.md).
 *
 * <p>It relies on Jackson's UTF-8 parser decoding a string only when asked: a string token whose
 * text is never requested is skipped by the next {@code nextToken()} (its {@code _tokenIncomplete}
 * flag), and the token's location gives the byte offset of its opening quote.
 */
public final class SlicingTreeReader {
    /** Strings shorter than this are decoded as usual: slicing them saves nothing worth a node. */
    public static final int SLICE_THRESHOLD = 16 * 1024;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonParser parser;
    private final byte[] utf8;

    private SlicingTreeReader(JsonParser parser, byte[] utf8) {
        this.parser = parser;
        this.utf8 = utf8;
    }

    /**
     * Reads the next value of {@code parser}, which reads {@code utf8} from offset 0; null at the end
     * of the input.
     */
    public static @Nullable JsonNode read(JsonParser parser, byte[] utf8) throws IOException {
        JsonToken token = parser.nextToken();
        return token == null ? null : new SlicingTreeReader(parser, utf8).value(token);
    }

    private JsonNode value(JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> object();
            case START_ARRAY -> array();
            case VALUE_STRING -> string();
            case VALUE_NUMBER_INT ->
                switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IOException("unexpected JSON token " + token);
        };
    }

    private ObjectNode object() throws IOException {
        ObjectNode object = NODES.objectNode();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            // A repeated name keeps its last value, as readTree does.
            object.set(name, value(parser.nextToken()));
        }
        if (token != JsonToken.END_OBJECT) {
            throw new IOException("unexpected JSON token " + token + " in an object");
        }
        return object;
    }

    private ArrayNode array() throws IOException {
        ArrayNode array = NODES.arrayNode();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new IOException("unexpected end of input in an array");
            }
            array.add(value(token));
        }
        return array;
    }

    /**
     * A large string without escapes or control characters as a slice of the body; anything else
     * decoded by the parser.
     */
    private JsonNode string() throws IOException {
        long quote = parser.currentTokenLocation().getByteOffset();
        if (quote < 0 || quote >= utf8.length || utf8[(int) quote] != '"') {
            return NODES.textNode(parser.getText());
        }
        int start = (int) quote + 1;
        boolean ascii = true;
        int i = start;
        while (i < utf8.length) {
            byte b = utf8[i];
            if (b == '"') {
                break;
            }
            if (b == '\\' || (b >= 0 && b < 0x20)) {
                return NODES.textNode(parser.getText()); // escapes: let Jackson decode them
            }
            if (b < 0) {
                ascii = false;
            }
            i++;
        }
        if (i >= utf8.length || i - start < SLICE_THRESHOLD) {
            return NODES.textNode(parser.getText());
        }
        // The text is not requested, so the parser skips the string (and checks its UTF-8) on the
        // next token instead of decoding it.
        return new Utf8SliceNode(utf8, start, i - start, ascii);
    }
}
