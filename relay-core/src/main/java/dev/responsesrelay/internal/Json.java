package dev.responsesrelay.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.responsesrelay.RelayError;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

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
    static final JsonFactory UTF8_FACTORY = FACTORY.rebuild()
            .disable(JsonFactory.Feature.CHARSET_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    public static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY).build();

    private Json() {}

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
