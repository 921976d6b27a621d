package dev.responsesrelay.codexmodel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;

/** The Jackson configuration of this package. */
final class CodexJson {
    /**
     * A command's {@code aggregated_output} arrives as one JSON string, and requests carry base64 images
     * inline, so one string may exceed Jackson's 20 MB default.
     */
    private static final int MAX_STRING_LENGTH = 256 * 1024 * 1024;

    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxNestingDepth(200)
                            .build())
                    .build())
            // A JSONL line or a tool-call answer is one value; "{…} trailing text" is not JSON.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private CodexJson() {}

    /** Compact JSON text of {@code node}. */
    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree always serialises
        }
    }
}
