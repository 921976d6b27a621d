package dev.responsesrelay.internal.stream;

import dev.responsesrelay.HealingRule;
import dev.responsesrelay.internal.dialect.ToolMarkup;
import dev.responsesrelay.internal.stream.ChatChunk.ToolCallDelta;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The leaked-markup repair (docs/dialects.md rule 23): tool calls a model wrote as markup in its
 * text ({@code <tool_call>…}, Kimi's section markers) instead of the upstream parsing them, rescued
 * into real tool calls. Content passes through {@link #gate}, which holds back what may be markup;
 * at the end of the answer {@link #release} turns it into calls or back into text. Groq's {@code
 * tool_use_failed} error carries the model's text, which {@link #rescueFailedGeneration} reads the
 * same way. With {@link HealingRule#LEAKED_TOOL_MARKUP} disabled, content passes unchanged.
 *
 * <p>Not thread-safe; one per stream.
 */
final class LeakedMarkupRescue {
    private final StreamContext context;
    private final OutputItems items;
    /** Null when the repair is off, or once released. */
    private @Nullable ToolMarkup markup;

    LeakedMarkupRescue(StreamContext context, OutputItems items) {
        this.context = context;
        this.items = items;
        if (!context.disabledHealing().contains(HealingRule.LEAKED_TOOL_MARKUP)) {
            this.markup = new ToolMarkup();
        }
    }

    /** Content text, minus what is held back as possible markup. */
    String gate(String text) {
        ToolMarkup gate = markup;
        return gate == null ? text : gate.feed(text);
    }

    /**
     * Groq fails a call its parser could not read with {@code tool_use_failed} and the model's text
     * in {@code failed_generation} (docs/dialects.md §1.6, rule 23); with the repair on, calls read
     * from that text finish the answer instead of failing it.
     *
     * @return whether calls were rescued: then the answer has finished, with finish reason {@code
     *     tool_calls}
     * @throws UpstreamProtocolException if a rescued call needs a repair that is disabled
     */
    boolean rescueFailedGeneration(String errorPayload) {
        if (markup == null) {
            return false;
        }
        String generation = ToolMarkup.failedGeneration(errorPayload);
        ToolMarkup.Parsed parsed = generation == null ? null : ToolMarkup.parse(generation);
        if (parsed == null || parsed.calls().isEmpty()) {
            return false;
        }
        context.heal(
                HealingRule.LEAKED_TOOL_MARKUP, parsed.calls().size() + " tool call(s) in Groq's failed_generation");
        acceptCalls(parsed);
        return true;
    }

    /**
     * At the end of the answer, turns held-back markup into tool calls, or back into text when it is
     * no call or the answer was cut off ({@code parse} false). The gate closes: nothing is held after.
     */
    void release(boolean parse) {
        ToolMarkup gate = markup;
        if (gate == null) {
            return;
        }
        markup = null;
        String held = gate.release();
        if (held.isEmpty()) {
            return;
        }
        ToolMarkup.Parsed parsed = parse ? ToolMarkup.parse(held) : new ToolMarkup.Parsed(List.of(), held);
        if (!parsed.calls().isEmpty()) {
            context.heal(
                    HealingRule.LEAKED_TOOL_MARKUP, parsed.calls().size() + " tool call(s) in markup inside content");
            acceptCalls(parsed);
        }
        items.appendText(parsed.text());
    }

    private void acceptCalls(ToolMarkup.Parsed parsed) {
        for (ToolMarkup.ParsedCall call : parsed.calls()) {
            String id = call.id() != null ? call.id() : context.ids().newId("call_");
            items.acceptToolCall(new ToolCallDelta(null, id, call.name(), call.arguments(), false));
        }
    }
}
