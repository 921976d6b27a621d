package dev.responsesrelay.internal.reverse;

import static dev.responsesrelay.internal.reverse.ChatFields.escapePointer;
import static dev.responsesrelay.internal.reverse.ChatFields.invalid;
import static dev.responsesrelay.internal.reverse.ChatFields.optString;
import static dev.responsesrelay.internal.reverse.ChatFields.parseInternal;
import static dev.responsesrelay.internal.reverse.ChatFields.present;
import static dev.responsesrelay.internal.reverse.ChatFields.requireBoolean;
import static dev.responsesrelay.internal.reverse.ChatFields.requireString;
import static dev.responsesrelay.internal.reverse.ChatFields.toJson;

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
        out.set("input", new ChatMessageMapper(warnings).mapMessages(root.path("messages")));

        ArrayNode tools = ChatToolMapper.mapTools(root);
        if (!tools.isEmpty()) {
            out.set("tools", tools);
        }
        JsonNode toolChoice = present(root, "tool_choice");
        if (toolChoice != null) {
            if (tools.isEmpty()) {
                warnings.add("dropped /tool_choice: the request declares no tools");
            } else {
                out.set("tool_choice", ChatToolMapper.mapToolChoice(toolChoice));
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
                    out.set("schema", parseInternal(ChatFields.EMPTY_PARAMETERS));
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
}
