package dev.responsesrelay.internal.reverse;

import static dev.responsesrelay.internal.reverse.ChatFields.invalid;
import static dev.responsesrelay.internal.reverse.ChatFields.optString;
import static dev.responsesrelay.internal.reverse.ChatFields.present;
import static dev.responsesrelay.internal.reverse.ChatFields.requireString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.internal.Json;
import java.util.List;

/**
 * Maps a Chat request's {@code messages} to Responses {@code input} items: {@code system}, {@code
 * developer} and {@code user} messages keep their role with {@code input_text}, {@code
 * input_image} and {@code input_file} parts; an assistant message becomes an assistant {@code
 * message} with {@code output_text} parts followed by one {@code function_call} item per tool
 * call; a {@code tool} message becomes a {@code function_call_output} item.
 *
 * <p>Split out of {@link ChatRequestMapper} (issue 15 §1: no class in the core over about 500
 * lines): the conversation is the one part of a Chat request with a grammar of its own, while the
 * rest are flat per-field rules. Warnings about dropped fields go to the list it is given.
 */
final class ChatMessageMapper {
    private final List<String> warnings;

    ChatMessageMapper(List<String> warnings) {
        this.warnings = warnings;
    }

    ArrayNode mapMessages(JsonNode messages) {
        if (messages.isMissingNode() || messages.isNull()) {
            throw invalid("missing required field", "/messages");
        }
        if (!messages.isArray()) {
            throw invalid("expected an array", "/messages");
        }
        if (messages.isEmpty()) {
            throw invalid("messages must not be empty", "/messages");
        }
        ArrayNode input = Json.MAPPER.createArrayNode();
        for (int i = 0; i < messages.size(); i++) {
            mapMessage(messages.get(i), "/messages/" + i, input);
        }
        return input;
    }

    private void mapMessage(JsonNode message, String path, ArrayNode input) {
        if (!message.isObject()) {
            throw invalid("expected an object", path);
        }
        String role = requireString(message, "role", path);
        switch (role) {
            case "system", "developer" -> input.add(message(role, inputContent(message, path, false)));
            case "user" -> input.add(message(role, inputContent(message, path, true)));
            case "assistant" -> mapAssistant(message, path, input);
            case "tool" -> input.add(mapToolResult(message, path));
            case "function" ->
                throw invalid(
                        "legacy function messages are not supported; answer tool calls with tool messages",
                        path + "/role");
            default -> throw invalid("unknown role '" + role + "'", path + "/role");
        }
        if (present(message, "name") != null) {
            warnings.add("dropped " + path + "/name: the Responses API has no participant names");
        }
    }

    private static ObjectNode message(String role, ArrayNode content) {
        ObjectNode item = Json.MAPPER.createObjectNode();
        item.put("type", "message");
        item.put("role", role);
        item.set("content", content);
        return item;
    }

    /** Content of a system, developer or user message: text, and for users images and files. */
    private static ArrayNode inputContent(JsonNode message, String path, boolean user) {
        JsonNode content = message.path("content");
        String contentPath = path + "/content";
        ArrayNode parts = Json.MAPPER.createArrayNode();
        if (content.isTextual()) {
            parts.addObject().put("type", "input_text").put("text", content.textValue());
            return parts;
        }
        if (content.isMissingNode() || content.isNull()) {
            throw invalid("missing required field", contentPath);
        }
        if (!content.isArray()) {
            throw invalid("expected a string or an array of content parts", contentPath);
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partPath = contentPath + "/" + j;
            if (!part.isObject()) {
                throw invalid("expected an object", partPath);
            }
            String type = requireString(part, "type", partPath);
            if (type.equals("text")) {
                parts.addObject().put("type", "input_text").put("text", requireString(part, "text", partPath));
            } else if (user && type.equals("image_url")) {
                parts.add(mapImage(part, partPath));
            } else if (user && type.equals("file")) {
                parts.add(mapFile(part, partPath));
            } else if (type.equals("input_audio")) {
                throw invalid("audio input is not supported by the relay", partPath + "/type");
            } else {
                throw invalid(
                        "content part type '" + type + "' is not supported in a "
                                + message.path("role").asText() + " message",
                        partPath + "/type");
            }
        }
        return parts;
    }

    private static ObjectNode mapImage(JsonNode part, String path) {
        JsonNode image = part.path("image_url");
        String url;
        String detail = null;
        if (image.isTextual()) {
            url = image.textValue(); // some clients send the URL as a bare string
        } else if (image.isObject()) {
            url = requireString(image, "url", path + "/image_url");
            detail = optString(image, "detail", path + "/image_url");
        } else {
            throw invalid("expected an object with a url", path + "/image_url");
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("type", "input_image");
        out.put("image_url", url); // data: and http(s): URLs are both accepted as they are
        // Responses requires detail; "auto" is also what Chat Completions assumes when it is absent.
        out.put("detail", detail != null ? detail : "auto");
        return out;
    }

    private static ObjectNode mapFile(JsonNode part, String path) {
        JsonNode file = part.path("file");
        String filePath = path + "/file";
        if (!file.isObject()) {
            throw invalid("expected an object", filePath);
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("type", "input_file");
        String fileId = optString(file, "file_id", filePath);
        String fileData = optString(file, "file_data", filePath);
        String filename = optString(file, "filename", filePath);
        if (fileId == null && fileData == null) {
            throw invalid("a file part needs file_id or file_data", filePath);
        }
        if (fileId != null) {
            out.put("file_id", fileId);
        }
        if (fileData != null) {
            out.put("file_data", fileData);
        }
        if (filename != null) {
            out.put("filename", filename);
        }
        return out;
    }

    /**
     * An assistant turn: its text (and refusal) first, as one assistant message, then one {@code
     * function_call} item per tool call, which is the order the Responses API itself produces them
     * in.
     */
    private void mapAssistant(JsonNode message, String path, ArrayNode input) {
        if (present(message, "function_call") != null) {
            throw invalid("legacy function_call is not supported; use tool_calls", path + "/function_call");
        }
        if (present(message, "audio") != null) {
            throw invalid("assistant audio is not supported by the relay", path + "/audio");
        }
        for (String reasoningField : List.of("reasoning_content", "reasoning")) {
            if (present(message, reasoningField) != null) {
                // Responses only accepts reasoning back as the encrypted items it produced itself.
                warnings.add("dropped " + path + "/" + reasoningField
                        + ": the Responses API cannot take reasoning text back as input");
            }
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        JsonNode content = message.path("content");
        String contentPath = path + "/content";
        if (content.isTextual()) {
            if (!content.textValue().isEmpty()) {
                parts.add(outputText(content.textValue()));
            }
        } else if (content.isArray()) {
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                String partPath = contentPath + "/" + j;
                if (!part.isObject()) {
                    throw invalid("expected an object", partPath);
                }
                String type = requireString(part, "type", partPath);
                switch (type) {
                    case "text" -> parts.add(outputText(requireString(part, "text", partPath)));
                    case "refusal" ->
                        parts.addObject()
                                .put("type", "refusal")
                                .put("refusal", requireString(part, "refusal", partPath));
                    default ->
                        throw invalid(
                                "content part type '" + type + "' is not supported in an assistant message",
                                partPath + "/type");
                }
            }
        } else if (!content.isMissingNode() && !content.isNull()) {
            throw invalid("expected a string, an array of content parts or null", contentPath);
        }
        String refusal = optString(message, "refusal", path);
        if (refusal != null) {
            parts.addObject().put("type", "refusal").put("refusal", refusal);
        }

        JsonNode toolCalls = present(message, "tool_calls");
        if (toolCalls != null && !toolCalls.isArray()) {
            throw invalid("expected an array", path + "/tool_calls");
        }
        boolean hasCalls = toolCalls != null && !toolCalls.isEmpty();
        if (!parts.isEmpty() || !hasCalls) {
            if (parts.isEmpty()) {
                parts.add(outputText("")); // an empty assistant turn still separates two user turns
            }
            input.add(message("assistant", parts));
        }
        if (toolCalls != null) {
            for (int k = 0; k < toolCalls.size(); k++) {
                input.add(mapToolCall(toolCalls.get(k), path + "/tool_calls/" + k));
            }
        }
    }

    private static ObjectNode outputText(String text) {
        ObjectNode part = Json.MAPPER.createObjectNode();
        part.put("type", "output_text");
        part.put("text", text);
        part.putArray("annotations");
        return part;
    }

    private static ObjectNode mapToolCall(JsonNode call, String path) {
        if (!call.isObject()) {
            throw invalid("expected an object", path);
        }
        String type = optString(call, "type", path);
        if (type != null && !type.equals("function")) {
            throw invalid("tool call type '" + type + "' is not supported; only function calls are", path + "/type");
        }
        String id = requireString(call, "id", path);
        JsonNode function = call.path("function");
        if (!function.isObject()) {
            throw invalid("expected an object", path + "/function");
        }
        String name = requireString(function, "name", path + "/function");
        String arguments = requireString(function, "arguments", path + "/function");
        ObjectNode item = Json.MAPPER.createObjectNode();
        item.put("type", "function_call");
        item.put("call_id", id);
        item.put("name", name);
        item.put("arguments", arguments);
        return item;
    }

    private static ObjectNode mapToolResult(JsonNode message, String path) {
        String callId = requireString(message, "tool_call_id", path);
        JsonNode content = message.path("content");
        String contentPath = path + "/content";
        String output;
        if (content.isTextual()) {
            output = content.textValue();
        } else if (content.isArray()) {
            StringBuilder joined = new StringBuilder();
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                String partPath = contentPath + "/" + j;
                if (!part.isObject()) {
                    throw invalid("expected an object", partPath);
                }
                String type = requireString(part, "type", partPath);
                if (!type.equals("text")) {
                    throw invalid(
                            "content part type '" + type + "' is not supported in a tool message", partPath + "/type");
                }
                // Parts are pieces of one result, so they are concatenated as they are.
                joined.append(requireString(part, "text", partPath));
            }
            output = joined.toString();
        } else if (content.isMissingNode() || content.isNull()) {
            throw invalid("missing required field", contentPath);
        } else {
            throw invalid("expected a string or an array of text parts", contentPath);
        }
        ObjectNode item = Json.MAPPER.createObjectNode();
        item.put("type", "function_call_output");
        item.put("call_id", callId);
        item.put("output", output);
        return item;
    }
}
