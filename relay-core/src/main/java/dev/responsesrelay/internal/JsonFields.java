package dev.responsesrelay.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.InvalidRequestException;
import org.jspecify.annotations.Nullable;

/**
 * Typed reads of request fields that fail with an {@link InvalidRequestException} naming the JSON
 * pointer of the bad value. JSON {@code null} counts as absent everywhere: Codex writes {@code
 * "content": null} and {@code "encrypted_content": null} on replayed reasoning items (docs/codex-wire.md
 * §1.3). Paths are only built when something is wrong, so the happy path allocates no strings.
 */
public final class JsonFields {
    private JsonFields() {}

    /** The value of {@code name}, or null when it is absent or JSON null. */
    public static @Nullable JsonNode value(JsonNode parent, String name) {
        JsonNode value = parent.get(name);
        return value == null || value.isNull() ? null : value;
    }

    public static @Nullable String optionalText(JsonNode parent, String name, String parentPath) {
        JsonNode value = value(parent, name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw wrongType(name + " must be a string", parentPath, name);
        }
        return value.textValue();
    }

    /** A string that must be present; {@code nonEmpty} also refuses {@code ""}. */
    public static String requireText(JsonNode parent, String name, String parentPath, boolean nonEmpty) {
        String text = optionalText(parent, name, parentPath);
        if (text == null) {
            throw wrongType(name + " is required", parentPath, name);
        }
        if (nonEmpty && text.isEmpty()) {
            throw wrongType(name + " must not be empty", parentPath, name);
        }
        return text;
    }

    public static @Nullable ObjectNode optionalObject(JsonNode parent, String name, String parentPath) {
        JsonNode value = value(parent, name);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw wrongType(name + " must be an object", parentPath, name);
        }
        return (ObjectNode) value;
    }

    public static @Nullable ArrayNode optionalArray(JsonNode parent, String name, String parentPath) {
        JsonNode value = value(parent, name);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            throw wrongType(name + " must be an array", parentPath, name);
        }
        return (ArrayNode) value;
    }

    public static @Nullable Boolean optionalBoolean(JsonNode parent, String name, String parentPath) {
        JsonNode value = value(parent, name);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw wrongType(name + " must be a boolean", parentPath, name);
        }
        return value.booleanValue();
    }

    /** A number, kept as the parsed node so its value reaches the upstream unchanged. */
    public static @Nullable JsonNode optionalNumber(JsonNode parent, String name, String parentPath) {
        JsonNode value = value(parent, name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw wrongType(name + " must be a number", parentPath, name);
        }
        // 1e400 parses to an infinite double, which Jackson would write back as the non-JSON
        // token Infinity.
        if (value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
            throw wrongType(name + " must be a finite number", parentPath, name);
        }
        return value;
    }

    public static @Nullable JsonNode optionalInteger(JsonNode parent, String name, String parentPath) {
        JsonNode value = optionalNumber(parent, name, parentPath);
        if (value != null && !value.isIntegralNumber()) {
            throw wrongType(name + " must be an integer", parentPath, name);
        }
        return value;
    }

    /** An array element that must be an object. */
    public static ObjectNode requireObjectElement(JsonNode element, String path) {
        if (!element.isObject()) {
            throw new InvalidRequestException("expected an object", path);
        }
        return (ObjectNode) element;
    }

    public static InvalidRequestException wrongType(String message, String parentPath, String name) {
        return new InvalidRequestException(message, parentPath + "/" + name);
    }
}
