package dev.responsesrelay.internal.reverse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.JsonSyntax;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Maps a Chat Completions request body ({@code POST /v1/chat/completions}) to a Responses API body
 * ({@code POST /v1/responses}). A table of explicit per-field rules:
 *
 * <ul>
 *   <li>{@code messages} become {@code input} items: {@code system}/{@code developer}/{@code user}
 *       messages keep their role with {@code input_text}/{@code input_image}/{@code input_file}
 *       parts; assistant text becomes an assistant {@code message} with {@code output_text} parts,
 *       followed by one {@code function_call} item per tool call; {@code tool} messages become
 *       {@code function_call_output} items.
 *   <li>{@code tools}, {@code tool_choice}, {@code parallel_tool_calls}, {@code response_format},
 *       {@code max_tokens}/{@code max_completion_tokens}, {@code reasoning_effort}, {@code
 *       verbosity} and the sampling fields map to their Responses forms; {@code store} is always
 *       {@code false}, because the relay is stateless.
 *   <li>Fields the Responses API cannot honour ({@code n > 1}, {@code stop}, {@code logprobs},
 *       {@code logit_bias}, audio, {@code prediction}, legacy {@code functions}, non-zero penalties,
 *       …) are refused with a 400 that names the field, never dropped silently.
 *   <li>Fields this mapper does not know are passed through unchanged, with a warning, so vendor
 *       extensions of Responses servers keep working; names that would collide with the Responses
 *       fields the mapper writes, or that carry server-side state, are refused.
 * </ul>
 *
 * Not thread-safe; {@link #map(byte[])} makes a fresh instance per request.
 */
public final class ChatRequestMapper {
    /**
     * Responses {@code function} tools default to {@code strict: true}, Chat tools to {@code false};
     * the mapper always writes {@code strict} so a Chat tool keeps its meaning. A Chat function
     * without {@code parameters} takes no arguments; the Responses field is required.
     */
    private static final String EMPTY_PARAMETERS = "{\"type\":\"object\",\"properties\":{}}";

    /** The Chat fields handled by explicit rules below. */
    private static final Set<String> KNOWN = Set.of(
            "model",
            "messages",
            "stream",
            "stream_options",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "response_format",
            "max_tokens",
            "max_completion_tokens",
            "reasoning_effort",
            "verbosity",
            "temperature",
            "top_p",
            "user",
            "metadata",
            "store",
            "service_tier",
            "prompt_cache_key",
            "prompt_cache_retention",
            "safety_identifier",
            "seed",
            "n",
            "stop",
            "logprobs",
            "top_logprobs",
            "logit_bias",
            "audio",
            "modalities",
            "prediction",
            "functions",
            "function_call",
            "web_search_options",
            "frequency_penalty",
            "presence_penalty");

    /**
     * Responses fields a Chat request has no business sending: either the mapper writes them itself,
     * or they make the upstream keep or read server-side state, which a stateless relay refuses.
     */
    private static final Set<String> RESERVED = Set.of(
            "input",
            "instructions",
            "text",
            "reasoning",
            "max_output_tokens",
            "previous_response_id",
            "conversation",
            "background",
            "include",
            "prompt",
            "truncation",
            "max_tool_calls",
            "context_management");

    private final List<String> warnings = new ArrayList<>();

    private ChatRequestMapper() {}

    /**
     * Maps a Chat Completions request body.
     *
     * @throws InvalidRequestException if the body is not JSON, has a wrong type at some path, or
     *     asks for something the Responses API cannot do; the message names the JSON path
     */
    public static ReverseRequest map(byte[] body) {
        return new ChatRequestMapper().mapBody(body);
    }

    private ReverseRequest mapBody(byte[] body) {
        JsonNode root = parse(body);
        refuseUnsupported(root);

        ObjectNode out = Json.MAPPER.createObjectNode();
        String model = requireString(root, "model", "");
        out.put("model", model);
        out.set("input", mapMessages(root.path("messages")));

        ArrayNode tools = mapTools(root);
        if (!tools.isEmpty()) {
            out.set("tools", tools);
        }
        JsonNode toolChoice = present(root, "tool_choice");
        if (toolChoice != null) {
            if (tools.isEmpty()) {
                warnings.add("dropped /tool_choice: the request declares no tools");
            } else {
                out.set("tool_choice", mapToolChoice(toolChoice));
            }
        }
        JsonNode parallel = present(root, "parallel_tool_calls");
        if (parallel != null) {
            out.put("parallel_tool_calls", requireBoolean(parallel, "/parallel_tool_calls"));
        }

        ObjectNode text = Json.MAPPER.createObjectNode();
        JsonNode responseFormat = present(root, "response_format");
        if (responseFormat != null) {
            text.set("format", mapResponseFormat(responseFormat));
        }
        String verbosity = optString(root, "verbosity", "");
        if (verbosity != null) {
            text.put("verbosity", verbosity);
        }
        if (!text.isEmpty()) {
            out.set("text", text);
        }

        String effort = optString(root, "reasoning_effort", "");
        if (effort != null) {
            ObjectNode reasoning = out.putObject("reasoning");
            reasoning.put("effort", effort);
            // Without a summary request the Responses API streams no reasoning text at all, only
            // encrypted content; "auto" gives the client something to show in its reasoning field.
            // Effort "none" turns reasoning off, and a summary of nothing is not worth a 400.
            if (!effort.equals("none")) {
                reasoning.put("summary", "auto");
            }
        }

        JsonNode maxTokens = present(root, "max_completion_tokens");
        String maxTokensPath = "/max_completion_tokens";
        if (maxTokens == null) {
            maxTokens = present(root, "max_tokens");
            maxTokensPath = "/max_tokens";
        }
        if (maxTokens != null) {
            if (!maxTokens.canConvertToLong() || !maxTokens.isIntegralNumber()) {
                throw invalid("expected an integer", maxTokensPath);
            }
            out.put("max_output_tokens", maxTokens.longValue());
        }

        copyNumber(root, "temperature", out);
        copyNumber(root, "top_p", out);
        copyString(root, "user", out);
        JsonNode metadata = present(root, "metadata");
        if (metadata != null) {
            if (!metadata.isObject()) {
                throw invalid("expected an object", "/metadata");
            }
            out.set("metadata", metadata);
        }
        copyString(root, "service_tier", out);
        copyString(root, "prompt_cache_key", out);
        copyString(root, "prompt_cache_retention", out);
        copyString(root, "safety_identifier", out);
        if (present(root, "seed") != null) {
            warnings.add("dropped /seed: the Responses API has no seed (it was best effort in Chat Completions)");
        }

        passThroughUnknown(root, out);

        JsonNode streamNode = present(root, "stream");
        boolean stream = streamNode != null && requireBoolean(streamNode, "/stream");
        boolean includeUsage = false;
        JsonNode streamOptions = present(root, "stream_options");
        if (streamOptions != null) {
            if (!streamOptions.isObject()) {
                throw invalid("expected an object", "/stream_options");
            }
            JsonNode include = present(streamOptions, "include_usage");
            includeUsage = include != null && requireBoolean(include, "/stream_options/include_usage");
        }
        out.put("stream", stream);

        JsonNode store = present(root, "store");
        if (store != null && requireBoolean(store, "/store")) {
            warnings.add("set /store to false: the relay is stateless and never asks the upstream to keep responses");
        }
        out.put("store", false);

        return new ReverseRequest(toJson(out), stream, stream && includeUsage, model, warnings);
    }

    private static JsonNode parse(byte[] body) {
        JsonNode root;
        try (JsonParser parser = Json.FACTORY.createParser(body)) {
            root = Json.MAPPER.readTree(parser);
            // readTree stops after the first value; the forward mapper refuses what follows it too.
            if (root != null && parser.nextToken() != null) {
                throw new InvalidRequestException("request body has content after the JSON value", null);
            }
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("request body is not valid JSON: " + JsonSyntax.describe(e), null, e);
        } catch (IOException e) {
            throw new InvalidRequestException("request body cannot be read: " + e.getMessage(), null, e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("request body must be a JSON object", null);
        }
        return root;
    }

    /**
     * Refuses the Chat fields the Responses API cannot honour. Each is accepted in its neutral form
     * ({@code n: 1}, {@code stop: []}, {@code logprobs: false}, …), which many clients send by
     * default.
     */
    private static void refuseUnsupported(JsonNode root) {
        refuseUnlessNeutral(
                root,
                "n",
                n -> n.isIntegralNumber() && n.longValue() == 1,
                "n other than 1 is not supported: the Responses API returns one answer per request");
        // Dropping stop sequences would let the model run past a point the client relies on,
        // so the relay refuses instead of answering something the client did not ask for.
        refuseUnlessNeutral(
                root,
                "stop",
                stop -> stop.isArray() && stop.isEmpty(),
                "stop is not supported: the Responses API has no stop sequences");
        refuseUnlessNeutral(
                root,
                "logprobs",
                logprobs -> logprobs.isBoolean() && !logprobs.booleanValue(),
                "logprobs is not supported by the relay");
        refuseUnlessNeutral(
                root,
                "top_logprobs",
                top -> top.isIntegralNumber() && top.longValue() == 0,
                "top_logprobs is not supported by the relay");
        refuseUnlessNeutral(
                root,
                "logit_bias",
                bias -> bias.isObject() && bias.isEmpty(),
                "logit_bias is not supported: the Responses API has no logit bias");
        refuseIfPresent(root, "audio", "audio output is not supported by the Responses API");
        JsonNode modalities = present(root, "modalities");
        if (modalities != null) {
            if (!modalities.isArray()) {
                throw invalid("expected an array", "/modalities");
            }
            for (int i = 0; i < modalities.size(); i++) {
                if (!"text".equals(modalities.get(i).asText())) {
                    throw invalid("only the text modality is supported", "/modalities/" + i);
                }
            }
        }
        refuseIfPresent(root, "prediction", "predicted outputs are not supported by the Responses API");
        refuseIfPresent(root, "functions", "legacy functions are not supported; declare them in tools");
        refuseIfPresent(root, "function_call", "legacy function_call is not supported; use tool_choice");
        refuseIfPresent(root, "web_search_options", "web_search_options is not supported by the relay");
        for (String penalty : List.of("frequency_penalty", "presence_penalty")) {
            refuseUnlessNeutral(
                    root,
                    penalty,
                    value -> value.isNumber() && value.doubleValue() == 0.0,
                    penalty + " is not supported: the Responses API has no sampling penalties");
        }
    }

    /** Refuses top-level {@code field} unless it is absent, null or {@code neutral}. */
    private static void refuseUnlessNeutral(JsonNode root, String field, Predicate<JsonNode> neutral, String message) {
        JsonNode value = present(root, field);
        if (value != null && !neutral.test(value)) {
            throw invalid(message, "/" + field);
        }
    }

    /** Refuses top-level {@code field} unless it is absent or null. */
    private static void refuseIfPresent(JsonNode root, String field, String message) {
        refuseUnlessNeutral(root, field, value -> false, message);
    }

    private ArrayNode mapMessages(JsonNode messages) {
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

    private static ArrayNode mapTools(JsonNode root) {
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
            mapped.set("parameters", parameters != null ? parameters : parseInternal(EMPTY_PARAMETERS));
            JsonNode strict = present(function, "strict");
            mapped.put("strict", strict != null && requireBoolean(strict, functionPath + "/strict"));
        }
        return out;
    }

    private static JsonNode mapToolChoice(JsonNode choice) {
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

    private static ObjectNode mapResponseFormat(JsonNode format) {
        if (!format.isObject()) {
            throw invalid("expected an object", "/response_format");
        }
        String type = requireString(format, "type", "/response_format");
        ObjectNode out = Json.MAPPER.createObjectNode();
        switch (type) {
            case "text", "json_object" -> out.put("type", type);
            case "json_schema" -> {
                JsonNode schema = format.path("json_schema");
                String schemaPath = "/response_format/json_schema";
                if (!schema.isObject()) {
                    throw invalid("expected an object", schemaPath);
                }
                out.put("type", "json_schema");
                out.put("name", requireString(schema, "name", schemaPath));
                String description = optString(schema, "description", schemaPath);
                if (description != null) {
                    out.put("description", description);
                }
                JsonNode body = present(schema, "schema");
                if (body != null) {
                    if (!body.isObject()) {
                        throw invalid("expected an object", schemaPath + "/schema");
                    }
                    out.set("schema", body);
                } else {
                    out.set("schema", parseInternal(EMPTY_PARAMETERS));
                }
                JsonNode strict = present(schema, "strict");
                if (strict != null) {
                    out.put("strict", requireBoolean(strict, schemaPath + "/strict"));
                }
            }
            default -> throw invalid("response_format type '" + type + "' is not supported", "/response_format/type");
        }
        return out;
    }

    private void passThroughUnknown(JsonNode root, ObjectNode out) {
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            if (KNOWN.contains(name)) {
                continue;
            }
            if (RESERVED.contains(name)) {
                throw invalid(name + " is not a Chat Completions parameter", "/" + escapePointer(name));
            }
            out.set(name, field.getValue());
            warnings.add(
                    "passed /" + escapePointer(name) + " through to the upstream unchanged: not a known Chat field");
        }
    }

    private static void copyNumber(JsonNode root, String field, ObjectNode out) {
        JsonNode value = present(root, field);
        if (value == null) {
            return;
        }
        if (!value.isNumber()) {
            throw invalid("expected a number", "/" + field);
        }
        out.set(field, value); // the node as parsed, so the number round-trips unchanged
    }

    private static void copyString(JsonNode root, String field, ObjectNode out) {
        String value = optString(root, field, "");
        if (value != null) {
            out.put(field, value);
        }
    }

    /** The value of {@code field}, or null when it is absent or JSON {@code null}. */
    private static @Nullable JsonNode present(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private static String requireString(JsonNode parent, String field, String parentPath) {
        String value = optString(parent, field, parentPath);
        if (value == null) {
            throw invalid("missing required field", parentPath + "/" + field);
        }
        return value;
    }

    private static @Nullable String optString(JsonNode parent, String field, String parentPath) {
        JsonNode value = present(parent, field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid("expected a string", parentPath + "/" + field);
        }
        return value.textValue();
    }

    private static boolean requireBoolean(JsonNode value, String path) {
        if (!value.isBoolean()) {
            throw invalid("expected a boolean", path);
        }
        return value.booleanValue();
    }

    private static JsonNode parseInternal(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad constant JSON " + json, e);
        }
    }

    private static String toJson(ObjectNode node) {
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e); // a tree always writes
        }
    }

    /** RFC 6901: {@code ~} and {@code /} in a member name are escaped in a JSON pointer. */
    private static String escapePointer(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static InvalidRequestException invalid(String message, String path) {
        return new InvalidRequestException(message, path);
    }
}
