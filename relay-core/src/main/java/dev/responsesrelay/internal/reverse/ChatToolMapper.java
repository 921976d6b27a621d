package dev.responsesrelay.internal.reverse;

import static dev.responsesrelay.internal.reverse.ChatFields.invalid;
import static dev.responsesrelay.internal.reverse.ChatFields.optString;
import static dev.responsesrelay.internal.reverse.ChatFields.parseInternal;
import static dev.responsesrelay.internal.reverse.ChatFields.present;
import static dev.responsesrelay.internal.reverse.ChatFields.requireBoolean;
import static dev.responsesrelay.internal.reverse.ChatFields.requireString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.internal.Json;

/**
 * Maps a Chat request's {@code tools} and {@code tool_choice} to their Responses forms: Chat
 * nests a function tool under {@code function}, Responses flattens it, and only function tools
 * exist on both sides, so any other tool type is refused with a 400 naming its path.
 *
 * <p>Split out of {@link ChatRequestMapper} (issue 15 §1: no class in the core over about 500
 * lines). Stateless.
 */
final class ChatToolMapper {
    private ChatToolMapper() {}

    static ArrayNode mapTools(JsonNode root) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        JsonNode tools = present(root, "tools");
        if (tools == null) {
            return out;
        }
        if (!tools.isArray()) {
            throw invalid("expected an array", "/tools");
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String path = "/tools/" + i;
            if (!tool.isObject()) {
                throw invalid("expected an object", path);
            }
            String type = requireString(tool, "type", path);
            if (!type.equals("function")) {
                throw invalid("tool type '" + type + "' is not supported; only function tools are", path + "/type");
            }
            JsonNode function = tool.path("function");
            String functionPath = path + "/function";
            if (!function.isObject()) {
                throw invalid("expected an object", functionPath);
            }
            ObjectNode mapped = out.addObject();
            mapped.put("type", "function");
            mapped.put("name", requireString(function, "name", functionPath));
            String description = optString(function, "description", functionPath);
            if (description != null) {
                mapped.put("description", description);
            }
            JsonNode parameters = present(function, "parameters");
            if (parameters != null && !parameters.isObject()) {
                throw invalid("expected an object", functionPath + "/parameters");
            }
            mapped.set("parameters", parameters != null ? parameters : parseInternal(ChatFields.EMPTY_PARAMETERS));
            JsonNode strict = present(function, "strict");
            mapped.put("strict", strict != null && requireBoolean(strict, functionPath + "/strict"));
        }
        return out;
    }

    static JsonNode mapToolChoice(JsonNode choice) {
        if (choice.isTextual()) {
            String mode = choice.textValue();
            if (!mode.equals("auto") && !mode.equals("none") && !mode.equals("required")) {
                throw invalid("expected auto, none, required or a function", "/tool_choice");
            }
            return choice;
        }
        if (!choice.isObject()) {
            throw invalid("expected a string or an object", "/tool_choice");
        }
        String type = requireString(choice, "type", "/tool_choice");
        ObjectNode out = Json.MAPPER.createObjectNode();
        switch (type) {
            case "function" -> {
                JsonNode function = choice.path("function");
                if (!function.isObject()) {
                    throw invalid("expected an object", "/tool_choice/function");
                }
                out.put("type", "function");
                out.put("name", requireString(function, "name", "/tool_choice/function"));
            }
            case "allowed_tools" -> {
                JsonNode allowed = choice.path("allowed_tools");
                String allowedPath = "/tool_choice/allowed_tools";
                if (!allowed.isObject()) {
                    throw invalid("expected an object", allowedPath);
                }
                out.put("type", "allowed_tools");
                out.put("mode", requireString(allowed, "mode", allowedPath));
                JsonNode list = allowed.path("tools");
                if (!list.isArray()) {
                    throw invalid("expected an array", allowedPath + "/tools");
                }
                ArrayNode tools = out.putArray("tools");
                for (int i = 0; i < list.size(); i++) {
                    String toolPath = allowedPath + "/tools/" + i;
                    JsonNode function = list.get(i).path("function");
                    if (!"function".equals(list.get(i).path("type").asText()) || !function.isObject()) {
                        throw invalid("only function tools can be allowed", toolPath);
                    }
                    tools.addObject().put("type", "function").put("name", requireString(function, "name", toolPath));
                }
            }
            default -> throw invalid("tool_choice type '" + type + "' is not supported", "/tool_choice/type");
        }
        return out;
    }
}
