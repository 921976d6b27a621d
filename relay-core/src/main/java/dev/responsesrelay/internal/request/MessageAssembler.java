package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.JsonFields.optionalText;
import static dev.responsesrelay.internal.JsonFields.requireObjectElement;
import static dev.responsesrelay.internal.JsonFields.requireText;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.internal.JsonFields;
import dev.responsesrelay.internal.codex.ReasoningEnvelope;
import dev.responsesrelay.internal.dialect.ProviderDialect;
import dev.responsesrelay.internal.dialect.ToolCallIdRewriter;
import dev.responsesrelay.internal.request.AssistantTurn.CallSlot;
import dev.responsesrelay.internal.request.ContentParts.ToolOutput;
import dev.responsesrelay.internal.request.ToolNames.ToolKey;
import dev.responsesrelay.internal.request.TurnReasoningWriter.TurnReasoning;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns Responses {@code instructions} and {@code input} items into Chat {@code messages}.
 *
 * <p>Chat has stricter shapes than the Responses item list, and providers enforce them:
 *
 * <ul>
 *   <li>One model turn is one assistant message: an assistant text item followed by {@code
 *       function_call} items becomes one message with {@code content} and {@code tool_calls}, and
 *       parallel calls share that message (providers reject split turns).
 *   <li>Every tool call must be answered by a {@code tool} message right after its assistant
 *       message, in call order ("An assistant message with 'tool_calls' must be followed by tool
 *       messages", https://github.com/openai/codex/issues/22129). Codex sends all calls, then all outputs (docs/codex-wire.md
 *       §1.3); outputs are collected per turn and written in call order when the turn closes. A call
 *       left without output before the next user or assistant turn gets a synthesised tool message;
 *       an output whose call is missing becomes a user text message, not a provider 400.
 *   <li>System, developer, assistant and tool content is a plain string, and user content is an
 *       array of parts only when it carries images (docs/dialects.md rule 28). Tool messages cannot carry
 *       images on most providers, so images a tool returned ({@code view_image}) go into one user
 *       message right after the turn's tool messages, and the tool message says so.
 *   <li>Item {@code id} and {@code status} and any other item field are never forwarded: messages
 *       are built from scratch (strict providers reject unknown keys: docs/dialects.md rule 31).
 *   <li>The profile shapes the rest: which images survive ({@link ProviderDialect#imageInput()}),
 *       how tool-call ids look ({@link ToolCallIdRewriter}), what a turn's reasoning items give
 *       back ({@link ReasoningEnvelope}, {@link ProviderProfile#reasoningReplayField()}, Gemini
 *       thought signatures), and the final message order ({@link
 *       ProviderDialect#mergeSystemMessages()}, {@link
 *       ProviderDialect#assistantBetweenToolAndUser()}).
 * </ul>
 *
 * <p>One instance per request; not thread-safe.
 */
final class MessageAssembler {
    /**
     * Items of tools that OpenAI runs on its servers (hosted tools), which Codex may replay but which
     * have no Chat form. Dropping them, with a warning, loses only context the upstream model could
     * not have produced anyway.
     */
    static final Set<String> DROPPED_ITEM_TYPES = Set.of(
            "web_search_call",
            "tool_search_call",
            "tool_search_output",
            "image_generation_call",
            "file_search_call",
            "code_interpreter_call",
            "mcp_call",
            "mcp_list_tools",
            "mcp_approval_request",
            "mcp_approval_response");

    /**
     * Items whose loss would change what the model sees of the conversation (issue 13 §5): a
     * reference to a stored item (resolved before translation where the server keeps state), and
     * the calls and outputs of tools the client itself ran, whose tool is never offered upstream.
     * Refused with a 400 naming the item, never dropped.
     */
    static final Map<String, String> REFUSED_ITEM_TYPES = Map.of(
            "item_reference",
            "it points at an item stored on the server, and this translation has no store: send the item" + " itself",
            "local_shell_call",
            "the local_shell tool has no Chat Completions form, and dropping its call would hide from the"
                    + " model what it ran; declare the shell as a function tool instead",
            "local_shell_call_output",
            "the local_shell tool has no Chat Completions form, and dropping its output would hide from"
                    + " the model what the command returned; declare the shell as a function tool instead",
            "computer_call",
            "the computer tool has no Chat Completions form, and dropping its call would hide from the"
                    + " model what it did",
            "computer_call_output",
            "the computer tool has no Chat Completions form, and dropping its output would hide from the"
                    + " model what it saw",
            // Codex can parse it (docs/codex-wire.md §1.3). compaction and compaction_trigger never
            // get here: Compaction.prepare rewrites them first.
            "context_compaction",
            "it is a compaction item this relay did not write, so the summary of the conversation it"
                    + " stands for cannot be read, and dropping it would lose that conversation; start a new"
                    + " conversation");

    /** Text of the assistant message put between tool results and a user message (Mistral). */
    static final String TOOL_RESULTS_ACKNOWLEDGED = "(tool results received)";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ProviderProfile profile;
    private final ToolNames names;
    private final Map<ToolKey, ToolBinding> declared;
    private final List<String> warnings;
    private final ToolCallIdRewriter callIds;
    private final ArrayNode messages = NODES.arrayNode();
    private final ContentParts parts;
    private final TurnReasoningWriter reasoningWriter;

    /** The assistant turn being assembled, written out by {@link #closeTurn()}. */
    private @Nullable AssistantTurn turn;

    /** Reasoning items seen before the assistant turn they belong to has started. */
    private final List<TurnReasoning> pendingReasoning = new ArrayList<>();

    MessageAssembler(
            ProviderProfile profile, ToolNames names, Map<ToolKey, ToolBinding> declared, List<String> warnings) {
        this.profile = profile;
        this.names = names;
        this.declared = declared;
        this.warnings = warnings;
        this.callIds = new ToolCallIdRewriter(profile.toolCallIds());
        this.parts = new ContentParts(profile, warnings);
        this.reasoningWriter = new TurnReasoningWriter(profile, warnings);
    }

    /** The tool-call ids of the history, as sent by the client and as sent upstream. */
    Set<String> historyCallIds() {
        return callIds.historyIds();
    }

    /** Adds {@code instructions} as the leading system message. */
    void addInstructions(TextNode instructions) {
        ObjectNode message = messages.addObject();
        message.put("role", "system");
        message.set("content", instructions);
    }

    /** Adds {@code input}: a string (one user message) or an array of items. */
    void addInput(JsonNode input) {
        if (input.isTextual()) {
            closeTurn();
            ObjectNode message = messages.addObject();
            message.put("role", "user");
            message.set("content", input);
            return;
        }
        if (!input.isArray()) {
            throw new InvalidRequestException("input must be a string or an array", "/input");
        }
        for (int i = 0; i < input.size(); i++) {
            String path = "/input/" + i;
            addItem(requireObjectElement(input.get(i), path), path);
        }
    }

    /** Closes the last turn, applies the profile's message-order rules and returns the messages. */
    ArrayNode finish() {
        closeTurn();
        if (ProviderDialect.of(profile).mergeSystemMessages()) {
            mergeSystemMessages();
        }
        if (ProviderDialect.of(profile).assistantBetweenToolAndUser()) {
            separateToolResultsFromUser();
        }
        return messages;
    }

    /**
     * Joins every system message into one at the start, in order, separated by blank lines:
     * Anthropic hoists and concatenates them anyway, and many local chat templates raise "System
     * message must be at the beginning".
     */
    private void mergeSystemMessages() {
        List<String> texts = new ArrayList<>();
        for (JsonNode message : messages) {
            if ("system".equals(message.path("role").textValue())) {
                texts.add(message.path("content").asText(""));
            }
        }
        if (texts.size() < 2
                && (texts.isEmpty()
                        || "system".equals(messages.get(0).path("role").textValue()))) {
            return;
        }
        ArrayNode merged = NODES.arrayNode(messages.size());
        merged.addObject().put("role", "system").put("content", String.join("\n\n", texts));
        for (JsonNode message : messages) {
            if (!"system".equals(message.path("role").textValue())) {
                merged.add(message);
            }
        }
        messages.removeAll();
        messages.addAll(merged);
    }

    /** Mistral refuses a {@code user} message right after a {@code tool} message (docs/dialects.md rule 30). */
    private void separateToolResultsFromUser() {
        for (int i = messages.size() - 1; i > 0; i--) {
            if ("user".equals(messages.get(i).path("role").textValue())
                    && "tool".equals(messages.get(i - 1).path("role").textValue())) {
                messages.insert(
                        i, NODES.objectNode().put("role", "assistant").put("content", TOOL_RESULTS_ACKNOWLEDGED));
            }
        }
    }

    private void addItem(ObjectNode item, String path) {
        String type = optionalText(item, "type", path);
        if (type == null) {
            // The Responses API accepts a bare {role, content} as an "easy input message".
            if (JsonFields.value(item, "role") == null) {
                throw new InvalidRequestException("type is required", path + "/type");
            }
            type = "message";
        }
        switch (type) {
            case "message" -> addMessage(item, path);
            case "reasoning" -> addReasoning(reasoningWriter.decode(ReasoningReplay.from(item, path), path));
            case "function_call" -> addFunctionCall(item, path);
            case "custom_tool_call" -> addCustomToolCall(item, path);
            case "function_call_output", "custom_tool_call_output" -> addOutput(item, path);
            case "additional_tools" -> {
                // Tool declarations (Codex's code mode): RequestMapper offered them upstream as tools.
            }
            default -> {
                String refused = REFUSED_ITEM_TYPES.get(type);
                if (refused != null) {
                    throw new InvalidRequestException(
                            "input item type " + type + " is not supported: " + refused, path + "/type");
                }
                if (!DROPPED_ITEM_TYPES.contains(type)) {
                    throw new InvalidRequestException("unknown input item type " + type, path + "/type");
                }
                warnings.add("dropped input item " + type + " at " + path
                        + ": it belongs to a hosted tool and has no Chat form");
            }
        }
    }

    private void addMessage(ObjectNode item, String path) {
        String role = requireText(item, "role", path, true);
        JsonNode content = JsonFields.value(item, "content");
        if (content == null) {
            throw new InvalidRequestException("content is required", path + "/content");
        }
        switch (role) {
            case "assistant" -> addAssistantText(content, path);
            case "user" -> addPlainMessage("user", parts.messageContent(content, path, true));
            case "system" -> addPlainMessage("system", parts.messageContent(content, path, false));
            // docs/dialects.md rule 27: most providers know no developer role (DeepSeek and DashScope
            // answer 400), while they all read system the same way.
            case "developer" ->
                addPlainMessage(
                        ProviderDialect.of(profile).developerRole() ? "developer" : "system",
                        parts.messageContent(content, path, false));
            default -> throw new InvalidRequestException("unknown message role " + role, path + "/role");
        }
    }

    private void addPlainMessage(String role, JsonNode content) {
        closeTurn();
        // Reasoning followed by no assistant output has nothing to ride on.
        pendingReasoning.clear();
        ObjectNode message = messages.addObject();
        message.put("role", role);
        message.set("content", content);
    }

    private void addAssistantText(JsonNode content, String path) {
        JsonNode text = parts.messageContent(content, path, false);
        AssistantTurn current = turnForText();
        current.appendText(text.textValue());
    }

    private void addReasoning(TurnReasoning reasoning) {
        if (turn != null && !turn.outputsStarted) {
            turn.reasoning.add(reasoning);
        } else {
            pendingReasoning.add(reasoning);
        }
    }

    private void addFunctionCall(ObjectNode item, String path) {
        String name = requireText(item, "name", path, true);
        String namespace = optionalText(item, "namespace", path);
        String callId = requireText(item, "call_id", path, true);
        String arguments = requireText(item, "arguments", path, false);
        if (arguments.isBlank()) {
            // Providers that parse replayed arguments (Ollama: "invalid tool call arguments") refuse
            // an empty string; a call without arguments is an empty object.
            arguments = "{}";
        }
        addCall(callId, names.chatName(namespace, name), arguments);
    }

    private void addCustomToolCall(ObjectNode item, String path) {
        String name = requireText(item, "name", path, true);
        String namespace = optionalText(item, "namespace", path);
        String callId = requireText(item, "call_id", path, true);
        String input = requireText(item, "input", path, false);
        ToolBinding binding = declared.get(ToolKey.of(namespace, name));
        String field = binding != null && binding.custom() ? binding.inputField() : ToolMapper.CUSTOM_INPUT_FIELD;
        // The same function shape the tool is declared with, so the model sees its own earlier call.
        addCall(callId, names.chatName(namespace, name), wrapCustomInput(field, input));
    }

    /** {@code {"<field>":"<input>"}} as JSON text, escaping the raw input once. */
    static String wrapCustomInput(String field, String input) {
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        return "{\"" + String.valueOf(encoder.quoteAsString(field)) + "\":\""
                + String.valueOf(encoder.quoteAsString(input)) + "\"}";
    }

    private void addCall(String callId, String chatName, String arguments) {
        AssistantTurn current = turnForCall(callId);
        ObjectNode call = current.toolCalls.addObject();
        call.put("id", callIds.upstreamId(callId));
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", chatName);
        function.put("arguments", arguments);
        current.calls.put(callId, new CallSlot(callId));
    }

    private void addOutput(ObjectNode item, String path) {
        String callId = requireText(item, "call_id", path, true);
        JsonNode output = JsonFields.value(item, "output");
        if (output == null) {
            throw new InvalidRequestException("output is required", path + "/output");
        }
        ToolOutput toolOutput = parts.toolOutput(output, path + "/output");
        CallSlot slot = turn == null ? null : turn.calls.get(callId);
        if (turn != null && slot != null && slot.output == null) {
            slot.output = toolOutput;
            turn.outputsStarted = true;
            return;
        }
        warnings.add("output at " + path + " answers no open tool call " + callId + "; sent as a user message");
        ObjectNode orphan = orphanOutputMessage(callId, toolOutput);
        if (turn != null) {
            turn.deferred.add(orphan);
        } else {
            messages.add(orphan);
        }
    }

    private AssistantTurn turnForText() {
        if (turn != null && turn.outputsStarted) {
            closeTurn();
        }
        return openTurn();
    }

    private AssistantTurn turnForCall(String callId) {
        // A call after outputs started belongs to the next model turn; a repeated call id cannot
        // share one assistant message with its twin.
        if (turn != null && (turn.outputsStarted || turn.calls.containsKey(callId))) {
            closeTurn();
        }
        return openTurn();
    }

    private AssistantTurn openTurn() {
        AssistantTurn current = turn;
        if (current == null) {
            current = new AssistantTurn();
            current.reasoning.addAll(pendingReasoning);
            pendingReasoning.clear();
            turn = current;
        }
        return current;
    }

    private void closeTurn() {
        AssistantTurn closing = turn;
        if (closing == null) {
            return;
        }
        turn = null;
        boolean hasCalls = !closing.toolCalls.isEmpty();
        if (hasCalls || closing.text.length() > 0) {
            ObjectNode assistant = messages.addObject();
            assistant.put("role", "assistant");
            // docs/dialects.md rule 29: null content next to tool calls is what OpenAI sends and what
            // Mistral accepts; an empty string is refused there.
            if (closing.text.length() > 0) {
                assistant.put("content", closing.text.toString());
            } else {
                assistant.putNull("content");
            }
            reasoningWriter.attachReasoning(assistant, closing.reasoning, hasCalls);
            if (hasCalls) {
                if (ProviderDialect.of(profile).thoughtSignatures()) {
                    reasoningWriter.attachThoughtSignatures(closing);
                }
                assistant.set("tool_calls", closing.toolCalls);
            }
            writeToolMessages(closing);
        }
        closing.deferred.forEach(messages::add);
    }

    private void writeToolMessages(AssistantTurn closing) {
        ArrayNode images = null;
        for (CallSlot slot : closing.calls.values()) {
            ObjectNode tool = messages.addObject();
            tool.put("role", "tool");
            tool.put("tool_call_id", callIds.upstreamId(slot.callId));
            ToolOutput output = slot.output;
            if (output == null) {
                warnings.add("tool call " + slot.callId + " has no output; told the model it produced none");
                tool.put("content", "[tool call " + slot.callId + " produced no output]");
                continue;
            }
            if (output.images().isEmpty()) {
                tool.put("content", output.text());
                continue;
            }
            int count = output.images().size();
            String note = "[" + count + (count == 1 ? " image" : " images") + " attached in the next user message]";
            tool.put("content", output.text().isEmpty() ? note : output.text() + "\n" + note);
            if (images == null) {
                images = NODES.arrayNode();
            }
            images.addObject().put("type", "text").put("text", "[images returned by tool call " + slot.callId + "]");
            images.addAll(output.images());
        }
        if (images != null) {
            ObjectNode user = messages.addObject();
            user.put("role", "user");
            user.set("content", images);
        }
    }

    private static ObjectNode orphanOutputMessage(String callId, ToolOutput output) {
        ObjectNode message = NODES.objectNode();
        message.put("role", "user");
        String text = "[output of tool call " + callId + "]\n" + output.text();
        if (output.images().isEmpty()) {
            message.put("content", text);
        } else {
            ArrayNode parts = message.putArray("content");
            parts.addObject().put("type", "text").put("text", text);
            parts.addAll(output.images());
        }
        return message;
    }
}
