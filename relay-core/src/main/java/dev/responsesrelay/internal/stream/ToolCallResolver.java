package dev.responsesrelay.internal.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.HealingRule;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.StringFieldExtractor;
import dev.responsesrelay.internal.request.ToolBinding;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * Decides what each upstream tool call becomes on the Responses side, and with which final payload:
 * the declared tool its Chat name binds to (a function, a namespaced function, or a custom tool whose
 * raw input is unwrapped from the one-parameter function the request mapper declared), its {@code
 * call_id}, and its arguments. Every decision that needs a repair asks the context and throws {@link
 * UpstreamProtocolException} when that repair is off. Not thread-safe; one per stream.
 */
final class ToolCallResolver {
    private final StreamContext context;
    private final Set<String> usedCallIds = new HashSet<>();

    ToolCallResolver(StreamContext context) {
        this.context = context;
    }

    /** Decides what a call becomes, from its name; once, the first time it is asked. */
    void resolve(OutputItem.Call item) {
        if (item.resolved) {
            return;
        }
        String chatName = item.call.name();
        if (chatName == null) {
            throw new UpstreamProtocolException("tool call " + item.call.ordinal() + " never got a function name");
        }
        ToolBinding binding = context.tools().byChatName(chatName);
        if (binding == null) {
            // Still a function_call with that name: Codex answers "unsupported call: …" and the model
            // can correct itself, which beats failing the whole turn.
            context.requireHealing(HealingRule.UNKNOWN_TOOL, "model called undeclared function " + chatName);
            item.name = chatName;
        } else {
            item.name = binding.name();
            item.namespace = binding.namespace();
            if (binding.custom()) {
                item.custom = true;
                item.inputField = binding.inputField();
                item.extractor = new StringFieldExtractor(binding.inputField());
            }
        }
        String upstreamId = item.call.upstreamId();
        if (upstreamId != null && (context.historyCallIds().contains(upstreamId) || usedCallIds.contains(upstreamId))) {
            // A call_id the conversation already has would tie this call to another call's output,
            // and a rewritten history id would reach the client in place of its own.
            context.requireHealing(
                    HealingRule.REUSED_TOOL_CALL_ID,
                    "tool call " + item.call.ordinal() + " reused the id " + upstreamId);
            item.callId = context.ids().newId("call_");
        } else if (upstreamId != null) {
            item.callId = upstreamId;
        } else {
            context.requireHealing(
                    HealingRule.SYNTHESISED_TOOL_CALL_ID,
                    "tool call " + item.call.ordinal() + " arrived without an id");
            item.callId = context.ids().newId("call_");
        }
        usedCallIds.add(item.callId);
        item.resolved = true;
    }

    /** Works out a call's final arguments or input; may throw, so it runs before any item closes. */
    void prepare(OutputItem.Call item) {
        resolve(item);
        String arguments = item.call.arguments().toString();
        if (item.custom) {
            item.payload = customInput(item, arguments);
        } else if (arguments.isBlank()
                && context.heal(
                        HealingRule.EMPTY_TOOL_ARGUMENTS, "function " + item.name + " called with empty arguments")) {
            item.payload = "{}"; // Codex cannot parse "" ("failed to parse function arguments")
        } else {
            item.payload = arguments; // invalid JSON is passed on as is (rule 21): Codex reports it
        }
    }

    /**
     * The raw input of a custom tool: the string parameter of the one-parameter function the
     * request mapper declared (docs/codex-wire.md §7 item 3). Codex rejects apply_patch as a function_call.
     */
    private String customInput(OutputItem.Call item, String arguments) {
        if (arguments.isBlank()) {
            return "";
        }
        try {
            JsonNode node = Json.MAPPER.readTree(arguments);
            if (node != null && node.isObject()) {
                JsonNode value = node.get(item.inputField);
                if (value != null && value.isTextual()) {
                    return value.textValue();
                }
                Iterator<JsonNode> values = node.elements();
                if (node.size() == 1 && values.hasNext()) {
                    JsonNode only = values.next();
                    if (only.isTextual()) {
                        context.requireHealing(
                                HealingRule.RAW_CUSTOM_TOOL_INPUT,
                                "custom tool " + item.name + " input under another field name");
                        return only.textValue();
                    }
                }
            }
        } catch (JsonProcessingException notJson) {
            // The model wrote the freeform input directly instead of wrapping it in JSON.
        }
        context.requireHealing(
                HealingRule.RAW_CUSTOM_TOOL_INPUT,
                "custom tool " + item.name + " arguments were not {\"" + item.inputField + "\": string}");
        return arguments;
    }
}
