package dev.responsesrelay.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.responsesrelay.RelayError;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** The one Jackson configuration the core uses, and small JSON helpers. */
public final class Json {
    /**
     * Request bodies carry base64 images inline (Codex sends {@code input_image} data URLs), so one
     * string may exceed Jackson's 20 MB default; the relay server caps whole bodies at its own limit.
     * Nesting stays bounded, since absurd nesting is an attack, not a request.
     */
    public static final int MAX_STRING_LENGTH = 256 * 1024 * 1024;

    public static final int MAX_NESTING_DEPTH = 200;

    public static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .build())
            .build();

    /**
     * {@link #FACTORY}'s configuration for parsing upstream chunks from their UTF-8 bytes. SSE is
     * always UTF-8 (WHATWG, "Parsing an event stream"), so charset detection is off: a chunk is never
     * taken for UTF-16 or UTF-32 because of its first bytes. The parser keeps no reference to its
     * source for error locations: a chunk it cannot read is read again from its text with {@link
     * #FACTORY}, and that error is the one reported.
     */
    public static final JsonFactory UTF8_FACTORY = FACTORY.rebuild()
            .disable(JsonFactory.Feature.CHARSET_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    public static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY).build();

    private Json() {}

    /**
     * Parses {@code utf8} as one JSON value, like {@code MAPPER.readTree}, except that large strings
     * without escapes (base64 images) stay slices of {@code utf8} instead of decoded copies (issue
     * 18, {@link SlicingTreeReader}); null when {@code utf8} is not exactly one JSON value. The
     * caller must not change {@code utf8} while the tree is in use.
     */
    public static @Nullable JsonNode readTreeKeepingLargeStrings(byte[] utf8) {
        try (JsonParser parser = FACTORY.createParser(utf8)) {
            JsonNode root = SlicingTreeReader.read(parser, utf8);
            return root != null && parser.nextToken() == null ? root : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * {@code node} as compact JSON text, holding one copy of it besides the result: the text is
     * measured first, then written into an array of that size, where {@code writeValueAsString}
     * would hold it as growing {@code char} buffers (two bytes a character) and then copy it. A
     * stored 30 MB screenshot would otherwise need about 120 MB of heap for a moment (issue 18).
     */
    /** The size of {@code node} written as JSON, in UTF-8 bytes, counted without writing it anywhere. */
    public static long byteCount(JsonNode node) {
        try {
            CountingOutputStream counter = new CountingOutputStream();
            MAPPER.writeValue(counter, node);
            return counter.count;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String writeString(JsonNode node) {
        try {
            CountingOutputStream counter = new CountingOutputStream();
            MAPPER.writeValue(counter, node);
            if (counter.count > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("JSON text of " + counter.count + " bytes is too large");
            }
            FixedArrayOutputStream out = new FixedArrayOutputStream(new byte[(int) counter.count]);
            MAPPER.writeValue(out, node);
            return new String(out.array, 0, out.position, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code node} as compact UTF-8 JSON in an array of exactly its length: measured first, then
     * written, so nothing but the result holds the text ({@code writeValueAsBytes} grows segments and
     * copies them at the end). Large strings read by {@link #readTreeKeepingLargeStrings} are copied
     * from their slices as they are (issue 18: a WebSocket message with a screenshot, passed on to
     * the translator as bytes).
     */
    public static byte[] writeBytes(JsonNode node) {
        try {
            CountingOutputStream counter = new CountingOutputStream();
            MAPPER.writeValue(counter, node);
            if (counter.count > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("JSON text of " + counter.count + " bytes is too large");
            }
            FixedArrayOutputStream out = new FixedArrayOutputStream(new byte[(int) counter.count]);
            MAPPER.writeValue(out, node);
            if (out.position != out.array.length) {
                throw new IllegalStateException("JSON text shorter than measured");
            }
            return out.array;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts what is written and keeps none of it. */
    private static final class CountingOutputStream extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /** Writes into an array sized beforehand; never grows it. */
    private static final class FixedArrayOutputStream extends OutputStream {
        private final byte[] array;
        private int position;

        FixedArrayOutputStream(byte[] array) {
            this.array = array;
        }

        @Override
        public void write(int b) throws IOException {
            if (position == array.length) {
                throw new IOException("JSON text longer than measured");
            }
            array[position++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > array.length - position) {
                throw new IOException("JSON text longer than measured");
            }
            System.arraycopy(b, off, array, position, len);
            position += len;
        }
    }

    /** {@code {"error":{"message":…,"type":…,"param":…,"code":…}}}, the OpenAI error body. */
    public static String errorBody(RelayError error) {
        StringWriter out = new StringWriter(128 + error.message().length());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", error.message());
            g.writeStringField("type", error.type());
            g.writeStringField("param", error.param().orElse(null));
            g.writeStringField("code", error.code().orElse(null));
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }
}
