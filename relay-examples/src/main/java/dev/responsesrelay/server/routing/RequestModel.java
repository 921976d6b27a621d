package dev.responsesrelay.server.routing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Optional;

/**
 * The top-level {@code model} of a request body, read without building the body's tree: routing
 * must know the model before it can pick the translator, and a body can hold megabytes of images,
 * which the streaming parser skips without making strings of them.
 */
public final class RequestModel {
    private static final JsonFactory FACTORY = new JsonFactory();

    private RequestModel() {}

    /** The model, or empty if the body has none (or is not a JSON object: the translator says why). */
    public static Optional<String> of(byte[] body) {
        try (JsonParser parser = FACTORY.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("model".equals(name)) {
                    return value == JsonToken.VALUE_STRING ? Optional.of(parser.getText()) : Optional.empty();
                }
                parser.skipChildren();
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
