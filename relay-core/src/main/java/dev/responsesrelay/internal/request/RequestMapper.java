package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.JsonFields.optionalArray;
import static dev.responsesrelay.internal.JsonFields.optionalBoolean;
import static dev.responsesrelay.internal.JsonFields.optionalInteger;
import static dev.responsesrelay.internal.JsonFields.optionalNumber;
import static dev.responsesrelay.internal.JsonFields.optionalObject;
import static dev.responsesrelay.internal.JsonFields.optionalText;
import static dev.responsesrelay.internal.JsonFields.requireText;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.JsonFields;
import dev.responsesrelay.internal.JsonSyntax;
import dev.responsesrelay.internal.SlicingTreeReader;
import dev.responsesrelay.internal.codex.Compaction;
import dev.responsesrelay.internal.dialect.ProviderDialect;
import dev.responsesrelay.internal.dialect.ReasoningControls;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Maps a Responses API request body to a Chat Completions request body: a table of explicit
 * per-field rules (each field says what it becomes, or why it is refused), with input items handled by {@link MessageAssembler} and tools by
 * {@link ToolMapper}.
 *
 * <ul>
 *   <li>Mapped: {@code model}, {@code instructions} and {@code input} → {@code messages}, {@code
 *       tools} (with those of {@code additional_tools} input items), {@code tool_choice}, {@code parallel_tool_calls}, {@code reasoning.effort} → {@code
 *       reasoning_effort}, {@code text.format} → {@code response_format}, {@code max_output_tokens}
 *       → the profile's token-limit field, {@code temperature}, {@code top_p}, {@code stream} (plus
 *       {@code stream_options.include_usage}, without which Codex never auto-compacts, docs/codex-wire.md
 *       §2.2), and {@code user}/{@code safety_identifier} where the profile keeps them.
 *   <li>Dropped on purpose, silently: {@link #DROPPED_FIELDS}.
 *   <li>Refused, because they need state this relay does not keep: {@link #STATEFUL_FIELDS}.
 *   <li>Anything else is dropped with a warning: strict providers (Mistral) answer 422 to fields
 *       they do not know, so nothing unknown is forwarded.
 * </ul>
 *
 * <p>Then the profile's body rules apply: its reasoning control ({@link ReasoningControls}), its
 * sampling limits, forced upstream streaming, its allow-list of top-level fields; then its {@code
 * dropFields} are removed and its {@code extraBodyJson} merged in, so explicit overrides win.
 * Stateless and thread-safe.
 */
public final class RequestMapper {
    /** Top-level Responses fields with no Chat Completions meaning, and why each is dropped. */
    static final Map<String, String> DROPPED_FIELDS = orderedMap(
            "store",
            "the relay keeps responses itself, before translation (dev.responsesrelay.state, issue 12);"
                    + " Codex sends false (docs/codex-wire.md §1.2)",
            "include",
            "asks OpenAI for extra output such as encrypted reasoning; the stream side decides what"
                    + " reasoning items carry",
            "prompt_cache_key",
            "OpenAI's cache-routing hint; Chat providers cache by prefix on their own",
            "client_metadata",
            "Codex's turn telemetry, meaningless upstream",
            "service_tier",
            "OpenAI's processing tiers (flex, priority) do not exist at other providers",
            "truncation",
            "server-side truncation of stored conversations; the relay sends the whole input",
            "metadata",
            "stored with an OpenAI response; Mistral rejects the Chat field of that name (docs/dialects.md §1.5)",
            "stream_options",
            "the Responses options (include_obfuscation) differ from Chat's; the relay writes its own");

    /** Fields whose meaning needs server-side state, refused with a 400 naming them. */
    static final Set<String> STATEFUL_FIELDS = Set.of("previous_response_id", "conversation", "prompt");

    /** Fields a Responses {@code response} object repeats from its request (see {@link MappedRequest}). */
    static final List<String> ECHO_FIELDS = List.of(
            "instructions",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "temperature",
            "top_p",
            "max_output_tokens",
            "reasoning",
            "text",
            "metadata",
            "store",
            "truncation",
            "service_tier",
            "user");

    private static final Set<String> MAPPED_FIELDS = Set.of(
            "model",
            "input",
            "instructions",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "reasoning",
            "text",
            "max_output_tokens",
            "temperature",
            "top_p",
            "stream",
            "user",
            "safety_identifier",
            "background");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RequestMapper() {}

    /**
     * Maps one request body.
     *
     * @throws dev.responsesrelay.InvalidRequestException naming the JSON path of what is wrong
     */
    public static MappedRequest map(byte[] responsesRequestUtf8, ProviderProfile provider) {
        Objects.requireNonNull(responsesRequestUtf8, "responsesRequestUtf8 == null");
        Objects.requireNonNull(provider, "provider == null");
        ObjectNode request = parse(responsesRequestUtf8);
        List<String> warnings = new ArrayList<>();
        // Remote compaction v2 (docs/codex-wire.md §3) rewrites input items before anything else reads them.
        boolean compaction = Compaction.prepare(request);

        rejectStatefulFields(request);
        String model = requireText(request, "model", "", true);
        boolean stream = Boolean.TRUE.equals(optionalBoolean(request, "stream", ""));

        ToolNames names = new ToolNames();
        ToolMapper tools = new ToolMapper(provider, names, warnings);
        tools.mapTools(optionalArray(request, "tools", ""), "/tools");
        hoistAdditionalTools(JsonFields.value(request, "input"), tools);

        // Tools first: declared tools claim their plain Chat names before history items ask.
        MessageAssembler messages = new MessageAssembler(provider, names, tools.declared(), warnings);
        String instructions = optionalText(request, "instructions", "");
        if (instructions != null) {
            messages.addInstructions(TextNode.valueOf(instructions));
        }
        JsonNode input = JsonFields.value(request, "input");
        if (input != null) {
            messages.addInput(input);
        }
        ArrayNode chatMessages = messages.finish();
        if (chatMessages.isEmpty()) {
            throw new InvalidRequestException("input is required", "/input");
        }

        JsonNode toolChoice = tools.mapToolChoice(JsonFields.value(request, "tool_choice"));
        Boolean parallelToolCalls = optionalBoolean(request, "parallel_tool_calls", "");

        ObjectNode chat = NODES.objectNode();
        chat.put("model", model);
        chat.set("messages", chatMessages);
        // Compaction requests send tools: [] with tool_choice "auto" (docs/codex-wire.md §3.2, §7 item 4);
        // several providers refuse tool_choice or parallel_tool_calls without tools.
        if (tools.hasChatTools()) {
            chat.set("tools", tools.chatTools());
            if (toolChoice != null) {
                chat.set("tool_choice", toolChoice);
            }
            if (parallelToolCalls != null) {
                chat.put("parallel_tool_calls", parallelToolCalls);
            }
        }
        ReasoningControls.apply(chat, provider, model, reasoningEffort(request), warnings);
        mapTextFormat(request, chat);
        JsonNode maxOutputTokens = optionalInteger(request, "max_output_tokens", "");
        if (maxOutputTokens != null) {
            if (!maxOutputTokens.canConvertToLong() || maxOutputTokens.longValue() < 1) {
                throw new InvalidRequestException("max_output_tokens must be a positive integer", "/max_output_tokens");
            }
            chat.set(ProviderDialect.of(provider).tokenLimitField(), maxOutputTokens);
        }
        copyNumber(request, "temperature", chat);
        copyNumber(request, "top_p", chat);
        applySamplingLimits(chat, provider, model, warnings);
        mapUserIdentifiers(request, provider, chat);
        // docs/dialects.md rule 32: DashScope thinking and large Fireworks answers need a stream; the
        // server then feeds the stream machine and answers the client with the whole response.
        boolean chatStreams = stream || ProviderDialect.of(provider).alwaysStream();
        chat.put("stream", chatStreams);
        if (chatStreams && ProviderDialect.of(provider).streamOptions()) {
            chat.putObject("stream_options").put("include_usage", true);
        }

        warnUnknownFields(request, warnings);
        applyAllowList(chat, provider, warnings);
        for (String field : ProviderDialect.of(provider).dropFields()) {
            chat.remove(field);
        }
        provider.extraBodyJson().ifPresent(extra -> mergeInto(chat, parseExtraBody(extra)));
        // The profile may have switched streaming on (a provider that needs it, docs/dialects.md rule 32)
        // or off; the final body decides, and a stream without usage would starve Codex's
        // auto-compaction (docs/codex-wire.md §2.2).
        JsonNode upstreamStream = chat.get("stream");
        boolean upstreamStreams = upstreamStream != null && upstreamStream.isBoolean() && upstreamStream.booleanValue();
        if (upstreamStreams
                && ProviderDialect.of(provider).streamOptions()
                && !chat.has("stream_options")
                && !ProviderDialect.of(provider).dropFields().contains("stream_options")
                && (ProviderDialect.of(provider).allowedFields().isEmpty()
                        || ProviderDialect.of(provider).allowedFields().contains("stream_options"))) {
            chat.putObject("stream_options").put("include_usage", true);
        }

        return new MappedRequest(
                chat,
                stream,
                upstreamStreams,
                model,
                warnings,
                ToolCatalog.of(tools.bindings()),
                responseEcho(request),
                messages.historyCallIds(),
                compaction);
    }

    /**
     * Codex's code mode (its default model with no {@code model} configured, docs/codex-wire.md
     * §10) sends no {@code tools}; it declares them in an input item {@code {"type":
     * "additional_tools","role":"developer","tools":[…]}}. Those tools are offered upstream like
     * declared ones, wherever the item stands in the input; the item itself carries nothing else, so
     * {@link MessageAssembler} writes no message for it.
     */
    private static void hoistAdditionalTools(@Nullable JsonNode input, ToolMapper tools) {
        if (input == null || !input.isArray()) {
            return; // MessageAssembler refuses a malformed input with its own path
        }
        for (int i = 0; i < input.size(); i++) {
            if (input.get(i) instanceof ObjectNode item
                    && "additional_tools".equals(item.path("type").textValue())) {
                String path = "/input/" + i;
                ArrayNode additional = optionalArray(item, "tools", path);
                if (additional == null) {
                    throw new InvalidRequestException("tools is required", path + "/tools");
                }
                tools.mapTools(additional, path + "/tools");
            }
        }
    }

    /**
     * Parses the body, failing with the JSON pointer where parsing stopped; a body nested deeper than
     * {@link Json#MAX_NESTING_DEPTH} is refused by the parser before any tree is built.
     */
    static ObjectNode parse(byte[] utf8) {
        JsonParser parser;
        try {
            parser = Json.FACTORY.createParser(utf8);
        } catch (IOException e) {
            throw new InvalidRequestException("request body is not valid JSON: " + e.getMessage(), null, e);
        }
        try {
            // Large strings (base64 images) stay slices of the body: issue 18, SlicingTreeReader.
            JsonNode root = SlicingTreeReader.read(parser, utf8);
            if (root == null) {
                throw new InvalidRequestException("request body is empty", null);
            }
            if (parser.nextToken() != null) {
                throw new InvalidRequestException("request body has content after the JSON value", null);
            }
            if (!root.isObject()) {
                throw new InvalidRequestException("request body must be a JSON object", null);
            }
            return (ObjectNode) root;
        } catch (StreamConstraintsException e) {
            throw new InvalidRequestException(
                    "request body exceeds a parser limit: " + e.getOriginalMessage(), pointer(parser), e);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(
                    "request body is not valid JSON: " + JsonSyntax.describe(e), pointer(parser), e);
        } catch (IOException e) {
            throw new InvalidRequestException("request body could not be read: " + e.getMessage(), null, e);
        } finally {
            try {
                parser.close();
            } catch (IOException e) {
                // A parser over a byte array holds no resource that can fail to close.
            }
        }
    }

    private static @Nullable String pointer(JsonParser parser) {
        String pointer = parser.getParsingContext().pathAsPointer().toString();
        return pointer.isEmpty() ? null : pointer;
    }

    private static void rejectStatefulFields(ObjectNode request) {
        for (String field : STATEFUL_FIELDS) {
            if (JsonFields.value(request, field) != null) {
                throw stateful(field);
            }
        }
        if (Boolean.TRUE.equals(optionalBoolean(request, "background", ""))) {
            throw stateful("background");
        }
    }

    private static InvalidRequestException stateful(String field) {
        return new InvalidRequestException(
                field + " is not supported: this relay keeps no server-side state; send the whole"
                        + " conversation in input",
                "/" + field);
    }

    /**
     * {@code reasoning.effort}, or null; {@code reasoning.summary} and {@code reasoning.context}
     * (Codex's code mode sends {@code "all_turns"}) have no Chat meaning: the relay replays every
     * turn's reasoning the profile takes anyway.
     */
    private static @Nullable String reasoningEffort(ObjectNode request) {
        ObjectNode reasoning = optionalObject(request, "reasoning", "");
        return reasoning == null ? null : optionalText(reasoning, "effort", "/reasoning");
    }

    /**
     * docs/dialects.md rule 35: models that take only the default sampling (OpenAI reasoning models,
     * Kimi k2.5+) answer 400 to anything else, so other values are dropped; a temperature above the
     * provider's ceiling (Anthropic, Kimi: 1) is clamped.
     */
    private static void applySamplingLimits(
            ObjectNode chat, ProviderProfile provider, String model, List<String> warnings) {
        if (ProviderDialect.of(provider)
                .fixedSamplingModels()
                .map(p -> p.matcher(model).find())
                .orElse(false)) {
            for (String field : List.of("temperature", "top_p")) {
                JsonNode value = chat.get(field);
                if (value != null && value.doubleValue() != 1.0) {
                    chat.remove(field);
                    warnings.add("dropped " + field + " " + value + " at /" + field + ": model " + model
                            + " takes only the default of 1");
                }
            }
        }
        Double max = ProviderDialect.of(provider).maxTemperature().orElse(null);
        JsonNode temperature = chat.get("temperature");
        if (max != null && temperature != null && temperature.doubleValue() > max) {
            chat.put("temperature", max);
            warnings.add(
                    "clamped temperature " + temperature + " at /temperature to " + max + " for " + provider.name());
        }
    }

    /** docs/dialects.md rule 31: a strict provider (Mistral: 422 extra_forbidden) sees only known fields. */
    private static void applyAllowList(ObjectNode chat, ProviderProfile provider, List<String> warnings) {
        Set<String> allowed = ProviderDialect.of(provider).allowedFields();
        if (allowed.isEmpty()) {
            return;
        }
        List<String> refused = new ArrayList<>();
        chat.fieldNames().forEachRemaining(field -> {
            if (!allowed.contains(field)) {
                refused.add(field);
            }
        });
        for (String field : refused) {
            chat.remove(field);
            warnings.add("dropped " + field + " from the upstream request: " + provider.name() + " refuses fields"
                    + " outside its allow-list");
        }
    }

    /** {@code text.format} → {@code response_format}; {@code text.verbosity} has no portable form. */
    private static void mapTextFormat(ObjectNode request, ObjectNode chat) {
        ObjectNode text = optionalObject(request, "text", "");
        ObjectNode format = text == null ? null : optionalObject(text, "format", "/text");
        if (format == null) {
            return;
        }
        String path = "/text/format";
        String type = requireText(format, "type", path, true);
        switch (type) {
            case "text" -> {
                // The default.
            }
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                ObjectNode responseFormat = chat.putObject("response_format");
                responseFormat.put("type", "json_schema");
                ObjectNode schema = responseFormat.putObject("json_schema");
                schema.put("name", requireText(format, "name", path, true));
                String description = optionalText(format, "description", path);
                if (description != null) {
                    schema.put("description", description);
                }
                ObjectNode body = optionalObject(format, "schema", path);
                if (body == null) {
                    throw new InvalidRequestException("schema is required", path + "/schema");
                }
                schema.set("schema", body);
                Boolean strict = optionalBoolean(format, "strict", path);
                if (strict != null) {
                    schema.put("strict", strict);
                }
            }
            default -> throw new InvalidRequestException("unknown text.format type " + type, path + "/type");
        }
    }

    private static void copyNumber(ObjectNode request, String field, ObjectNode chat) {
        JsonNode value = optionalNumber(request, field, "");
        if (value != null) {
            chat.set(field, value);
        }
    }

    private static void mapUserIdentifiers(ObjectNode request, ProviderProfile provider, ObjectNode chat) {
        for (String field : List.of("user", "safety_identifier")) {
            String value = optionalText(request, field, "");
            // End-user identifiers are OpenAI abuse-monitoring hints; other providers either ignore
            // them or (Mistral) reject unknown fields, and they need not learn who the user is.
            if (value != null && ProviderDialect.of(provider).keepUserIdentifiers()) {
                chat.put(field, value);
            }
        }
    }

    private static void warnUnknownFields(ObjectNode request, List<String> warnings) {
        for (Map.Entry<String, JsonNode> entry : request.properties()) {
            String field = entry.getKey();
            if (!MAPPED_FIELDS.contains(field)
                    && !DROPPED_FIELDS.containsKey(field)
                    && !STATEFUL_FIELDS.contains(field)) {
                warnings.add("dropped unknown field " + field + " at /" + pointerToken(field));
            }
        }
    }

    /** RFC 6901: {@code ~} and {@code /} inside a pointer token are written {@code ~0} and {@code ~1}. */
    static String pointerToken(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static ObjectNode responseEcho(ObjectNode request) {
        // The nodes are shared with the request tree, never copied: nothing mutates either after
        // mapping, and the tools array alone is most of a Codex request.
        ObjectNode echo = NODES.objectNode();
        for (String field : ECHO_FIELDS) {
            JsonNode value = JsonFields.value(request, field);
            if (value != null) {
                echo.set(field, value);
            }
        }
        return echo;
    }

    private static ObjectNode parseExtraBody(String extraBodyJson) {
        try {
            JsonNode extra = Json.MAPPER.readTree(extraBodyJson);
            if (extra == null || !extra.isObject()) {
                throw new IllegalStateException("extraBodyJson is not a JSON object");
            }
            return (ObjectNode) extra;
        } catch (JsonProcessingException e) {
            // ProviderProfile.Builder validated it already.
            throw new IllegalStateException("extraBodyJson is not valid JSON", e);
        }
    }

    /**
     * Merges {@code extra} into {@code target}: objects merge key by key, anything else replaces.
     * Objects taken from the request are copied before they change, so the request tree (and the
     * response echo that shares it) stays as the client sent it.
     */
    static void mergeInto(ObjectNode target, ObjectNode extra) {
        for (Map.Entry<String, JsonNode> entry : extra.properties()) {
            JsonNode existing = target.get(entry.getKey());
            if (existing != null && existing.isObject() && entry.getValue().isObject()) {
                ObjectNode merged = ((ObjectNode) existing).deepCopy();
                mergeInto(merged, (ObjectNode) entry.getValue());
                target.set(entry.getKey(), merged);
            } else {
                target.set(entry.getKey(), entry.getValue());
            }
        }
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
