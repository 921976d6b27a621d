package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.JsonFields.optionalArray;
import static dev.responsesrelay.internal.JsonFields.optionalBoolean;
import static dev.responsesrelay.internal.JsonFields.optionalObject;
import static dev.responsesrelay.internal.JsonFields.optionalText;
import static dev.responsesrelay.internal.JsonFields.requireObjectElement;
import static dev.responsesrelay.internal.JsonFields.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.internal.dialect.ProviderDialect;
import dev.responsesrelay.internal.request.ToolNames.ToolKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Maps Responses {@code tools} and {@code tool_choice} to their Chat Completions forms (docs/codex-wire.md
 * §1.4, §7 items 2-4):
 *
 * <ul>
 *   <li>{@code function} → {@code {type: function, function: {name, description, parameters,
 *       strict?}}}; {@code strict} only where the profile allows it (docs/dialects.md rule 37).
 *   <li>{@code custom} (freeform, e.g. Codex's {@code apply_patch} with a lark grammar) → a function
 *       with one required string parameter {@value #CUSTOM_INPUT_FIELD}; the grammar goes into the
 *       description, since Chat has no grammar-constrained tools outside OpenAI.
 *   <li>{@code namespace} → every nested tool flattened to its own function ({@link ToolNames}).
 *   <li>The same rules apply to the tools of an {@code additional_tools} input item, which Codex's
 *       code mode sends instead of {@code tools} (its freeform {@code exec} is a {@code custom}
 *       tool in the {@code functions} namespace); they join the Chat tools after {@code tools}.
 *   <li>hosted tools ({@code web_search}, {@code tool_search}, {@code file_search}, …) run on
 *       OpenAI's servers and have no Chat form: dropped with a warning, as are unknown tool types
 *       (an offer the model cannot see can never be executed wrongly).
 * </ul>
 *
 * <p>One instance per request; not thread-safe.
 */
final class ToolMapper {
    /** The one string parameter a {@code custom} tool gets as a Chat function. */
    static final String CUSTOM_INPUT_FIELD = "input";

    /**
     * Tool types that OpenAI runs server-side. Versioned spellings ({@code web_search_2025_08_26},
     * {@code web_search_preview}, {@code computer_use_preview}) are matched by prefix.
     */
    static final Set<String> HOSTED_TOOL_TYPES = Set.of(
            "web_search",
            "tool_search",
            "file_search",
            "computer",
            "computer_use",
            "image_generation",
            "code_interpreter",
            "mcp",
            "local_shell",
            "shell",
            "apply_patch");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ProviderProfile profile;
    private final ToolNames names;
    private final List<String> warnings;
    /** Chat tool definitions by Chat name, in declaration order. */
    private final Map<String, ObjectNode> chatTools = new LinkedHashMap<>();

    private final List<ToolBinding> bindings = new ArrayList<>();
    private final Map<ToolKey, ToolBinding> declared = new HashMap<>();

    ToolMapper(ProviderProfile profile, ToolNames names, List<String> warnings) {
        this.profile = profile;
        this.names = names;
        this.warnings = warnings;
    }

    static boolean isHostedToolType(String type) {
        return HOSTED_TOOL_TYPES.contains(type) || type.startsWith("web_search") || type.startsWith("computer_use");
    }

    /**
     * Maps a tools array: the request's {@code tools} ({@code /tools}) and then the {@code tools}
     * of every {@code additional_tools} input item (Codex's code mode, docs/codex-wire.md §10),
     * all before the history, so that declared tools claim their plain Chat names first.
     *
     * @param basePath the JSON pointer of the array, for error messages and warnings
     */
    void mapTools(@Nullable ArrayNode tools, String basePath) {
        if (tools == null) {
            return;
        }
        for (int i = 0; i < tools.size(); i++) {
            String path = basePath + "/" + i;
            ObjectNode tool = requireObjectElement(tools.get(i), path);
            String type = requireText(tool, "type", path, true);
            switch (type) {
                case "function" -> addFunction(tool, null, path);
                case "custom" -> addCustom(tool, null, path);
                case "namespace" -> addNamespace(tool, path);
                default ->
                    warnings.add("dropped tool " + describe(tool, type) + " at " + path + ": "
                            + (isHostedToolType(type)
                                    ? "a hosted tool runs on OpenAI's servers and has no Chat Completions form"
                                    : "unknown tool type"));
            }
        }
    }

    /** The declared tools, by the identity the client uses. */
    Map<ToolKey, ToolBinding> declared() {
        return declared;
    }

    /** The bindings for the {@link ToolCatalog}, in declaration order. */
    List<ToolBinding> bindings() {
        return bindings;
    }

    /** The Chat {@code tools} array as it stands (after {@link #mapToolChoice} may have narrowed it). */
    ArrayNode chatTools() {
        ArrayNode out = NODES.arrayNode(chatTools.size());
        chatTools.values().forEach(out::add);
        return out;
    }

    boolean hasChatTools() {
        return !chatTools.isEmpty();
    }

    /**
     * Maps {@code tool_choice}. Returns the Chat value, or null to leave it out (the Chat default,
     * {@code auto}). An {@code allowed_tools} choice narrows {@link #chatTools()} to the allowed ones,
     * which is what it means; a hosted-tool choice has nothing to point at and is dropped.
     */
    @Nullable
    JsonNode mapToolChoice(@Nullable JsonNode choice) {
        JsonNode mapped = mapToolChoiceAsOpenAi(choice);
        return mapped == null ? null : forProvider(mapped);
    }

    /**
     * docs/dialects.md rule 36: the choice in a form the provider takes. Where a named function cannot be
     * forced by name, offering only that function means the same (with {@code any}) or nearly so.
     */
    private @Nullable JsonNode forProvider(JsonNode choice) {
        String path = "/tool_choice";
        String named = choice.isObject() ? choice.path("function").path("name").asText() : null;
        String mode = choice.isTextual() ? choice.textValue() : "named";
        return switch (ProviderDialect.of(profile).toolChoice()) {
            case FULL -> choice;
            case ANY_INSTEAD_OF_REQUIRED -> {
                if (named != null) {
                    chatTools.keySet().retainAll(Set.of(named));
                    yield TextNode.valueOf("any");
                }
                yield mode.equals("required") ? TextNode.valueOf("any") : choice;
            }
            case NO_FORCING -> {
                if (mode.equals("auto") || mode.equals("none")) {
                    yield choice;
                }
                if (named != null) {
                    chatTools.keySet().retainAll(Set.of(named));
                }
                warnings.add("dropped tool_choice " + (named != null ? "naming " + named : mode) + " at " + path
                        + ": " + profile.name() + " cannot force a tool call"
                        + (named != null ? "; only that tool is offered" : "")
                        + ", so the model may answer without one");
                yield null;
            }
            case NONE -> {
                if (mode.equals("auto")) {
                    yield null;
                }
                if (mode.equals("none")) {
                    chatTools.clear();
                    warnings.add("tool_choice none at " + path + " became no tools offered: " + profile.name()
                            + " takes no tool_choice");
                    yield null;
                }
                if (named != null) {
                    chatTools.keySet().retainAll(Set.of(named));
                }
                warnings.add("dropped tool_choice " + (named != null ? "naming " + named : mode) + " at " + path
                        + ": " + profile.name() + " takes no tool_choice"
                        + (named != null ? "; only that tool is offered" : "")
                        + ", so the model may answer without one");
                yield null;
            }
        };
    }

    private @Nullable JsonNode mapToolChoiceAsOpenAi(@Nullable JsonNode choice) {
        if (choice == null) {
            return null;
        }
        String path = "/tool_choice";
        if (choice.isTextual()) {
            String mode = choice.textValue();
            if (!mode.equals("auto") && !mode.equals("none") && !mode.equals("required")) {
                throw new InvalidRequestException("tool_choice must be auto, none or required but was " + mode, path);
            }
            return choice;
        }
        if (!choice.isObject()) {
            throw new InvalidRequestException("tool_choice must be a string or an object", path);
        }
        String type = requireText(choice, "type", path, true);
        switch (type) {
            case "function", "custom" -> {
                String name = requireText(choice, "name", path, true);
                String namespace = optionalText(choice, "namespace", path);
                ToolBinding binding = declared.get(ToolKey.of(namespace, name));
                if (binding == null || binding.custom() != type.equals("custom")) {
                    throw new InvalidRequestException(
                            "tool_choice names " + type + " tool " + qualified(namespace, name)
                                    + " which is not declared in tools",
                            path + "/name");
                }
                return namedFunctionChoice(binding.chatName());
            }
            case "allowed_tools" -> {
                return allowedTools((ObjectNode) choice, path);
            }
            default -> {
                if (isHostedToolType(type)) {
                    warnings.add("dropped tool_choice " + type + " at " + path
                            + ": it points at a hosted tool, which was dropped; the model chooses freely");
                    return null;
                }
                throw new InvalidRequestException("unknown tool_choice type " + type, path + "/type");
            }
        }
    }

    private JsonNode allowedTools(ObjectNode choice, String path) {
        String mode = optionalText(choice, "mode", path);
        if (mode == null) {
            mode = "auto";
        } else if (!mode.equals("auto") && !mode.equals("required")) {
            throw new InvalidRequestException("mode must be auto or required but was " + mode, path + "/mode");
        }
        ArrayNode allowed = optionalArray(choice, "tools", path);
        if (allowed == null) {
            throw new InvalidRequestException("tools is required", path + "/tools");
        }
        Set<String> keep = new HashSet<>();
        for (int i = 0; i < allowed.size(); i++) {
            String itemPath = path + "/tools/" + i;
            ObjectNode entry = requireObjectElement(allowed.get(i), itemPath);
            String type = requireText(entry, "type", itemPath, true);
            if (!type.equals("function") && !type.equals("custom")) {
                continue; // a hosted tool: it was dropped from tools already
            }
            String name = requireText(entry, "name", itemPath, true);
            ToolBinding binding = declared.get(ToolKey.of(optionalText(entry, "namespace", itemPath), name));
            if (binding != null) {
                keep.add(binding.chatName());
            }
        }
        int before = chatTools.size();
        chatTools.keySet().retainAll(keep);
        // Chat Completions has allowed_tools only on OpenAI; narrowing the offered list means the same
        // thing everywhere, at the price of a tools list that differs from turn to turn.
        warnings.add("tool_choice allowed_tools at " + path + " became tool_choice " + mode + " with "
                + chatTools.size() + " of " + before + " tools offered");
        return TextNode.valueOf(mode);
    }

    private static ObjectNode namedFunctionChoice(String chatName) {
        ObjectNode out = NODES.objectNode();
        out.put("type", "function");
        out.putObject("function").put("name", chatName);
        return out;
    }

    private void addNamespace(ObjectNode tool, String path) {
        String namespace = requireText(tool, "name", path, true);
        ArrayNode nested = optionalArray(tool, "tools", path);
        if (nested == null) {
            throw new InvalidRequestException("tools is required", path + "/tools");
        }
        for (int i = 0; i < nested.size(); i++) {
            String nestedPath = path + "/tools/" + i;
            ObjectNode inner = requireObjectElement(nested.get(i), nestedPath);
            String type = requireText(inner, "type", nestedPath, true);
            switch (type) {
                case "function" -> addFunction(inner, namespace, nestedPath);
                case "custom" -> addCustom(inner, namespace, nestedPath);
                default ->
                    warnings.add("dropped tool " + describe(inner, type) + " at " + nestedPath
                            + ": only function and custom tools can sit in a namespace");
            }
        }
    }

    private void addFunction(ObjectNode tool, @Nullable String namespace, String path) {
        String name = requireText(tool, "name", path, true);
        String chatName = register(namespace, name, false, "", path);
        ObjectNode function = NODES.objectNode();
        function.put("name", chatName);
        String description = optionalText(tool, "description", path);
        if (description != null) {
            function.put("description", description);
        }
        ObjectNode parameters = optionalObject(tool, "parameters", path);
        if (parameters != null
                && !ProviderDialect.of(profile).allowedFields().isEmpty()
                && (parameters.has("$schema") || parameters.has("$id"))) {
            // docs/dialects.md rule 31: strict-schema providers (Mistral) refuse the JSON Schema meta
            // keywords; copied first, since the request echo shares this node.
            parameters = parameters.deepCopy();
            parameters.remove(List.of("$schema", "$id"));
        }
        // Chat allows leaving parameters out, but several servers (older vLLM, some templates)
        // fail on a function without a schema; an empty object schema means the same.
        function.set("parameters", parameters != null ? parameters : emptyObjectSchema());
        Boolean strict = optionalBoolean(tool, "strict", path);
        if (strict != null && ProviderDialect.of(profile).toolStrict()) {
            function.put("strict", strict);
        }
        addChatTool(chatName, function);
    }

    private void addCustom(ObjectNode tool, @Nullable String namespace, String path) {
        String name = requireText(tool, "name", path, true);
        String chatName = register(namespace, name, true, CUSTOM_INPUT_FIELD, path);
        ObjectNode function = NODES.objectNode();
        function.put("name", chatName);
        function.put(
                "description",
                customDescription(optionalText(tool, "description", path), optionalObject(tool, "format", path), path));
        ObjectNode parameters = function.putObject("parameters");
        parameters.put("type", "object");
        parameters
                .putObject("properties")
                .putObject(CUSTOM_INPUT_FIELD)
                .put("type", "string")
                .put("description", "The complete raw input text for the tool.");
        parameters.putArray("required").add(CUSTOM_INPUT_FIELD);
        parameters.put("additionalProperties", false);
        addChatTool(chatName, function);
    }

    /**
     * The description of a custom tool as a function: its own description, how to pass the raw text,
     * and the grammar (docs/codex-wire.md §7 item 3: the model has no other way to learn the format).
     */
    static String customDescription(@Nullable String description, @Nullable ObjectNode format, String path) {
        StringBuilder out = new StringBuilder(description == null ? 64 : description.length() + 256);
        if (description != null && !description.isEmpty()) {
            out.append(description).append("\n\n");
        }
        out.append("Call this tool as a function whose only parameter, `")
                .append(CUSTOM_INPUT_FIELD)
                .append("`, holds the whole free-form text, unchanged (the text itself is not JSON).");
        if (format != null && "grammar".equals(optionalText(format, "type", path + "/format"))) {
            String definition = optionalText(format, "definition", path + "/format");
            if (definition != null) {
                String syntax = optionalText(format, "syntax", path + "/format");
                out.append(" The text must follow this ")
                        .append(syntax == null ? "" : syntax + " ")
                        .append("grammar:\n")
                        .append(definition);
            }
        }
        return out.toString();
    }

    private String register(@Nullable String namespace, String name, boolean custom, String inputField, String path) {
        if (names.isAssigned(namespace, name)) {
            throw new InvalidRequestException(
                    "tool " + qualified(namespace, name) + " is declared twice", path + "/name");
        }
        String chatName = names.chatName(namespace, name);
        ToolBinding binding =
                new ToolBinding(chatName, name, ToolKey.of(namespace, name).namespace(), custom, inputField);
        bindings.add(binding);
        declared.put(ToolKey.of(namespace, name), binding);
        return chatName;
    }

    private void addChatTool(String chatName, ObjectNode function) {
        ObjectNode chatTool = NODES.objectNode();
        chatTool.put("type", "function");
        chatTool.set("function", function);
        chatTools.put(chatName, chatTool);
    }

    private static ObjectNode emptyObjectSchema() {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        schema.putObject("properties");
        return schema;
    }

    private static String describe(ObjectNode tool, String type) {
        JsonNode name = tool.get("name");
        return name != null && name.isTextual() ? type + " " + name.textValue() : type;
    }

    static String qualified(@Nullable String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "." + name;
    }
}
