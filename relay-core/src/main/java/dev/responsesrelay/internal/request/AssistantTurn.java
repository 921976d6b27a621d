package dev.responsesrelay.internal.request;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.internal.request.ContentParts.ToolOutput;
import dev.responsesrelay.internal.request.TurnReasoningWriter.TurnReasoning;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One model turn while {@link MessageAssembler} collects it: its text, reasoning and tool calls,
 * with the outputs that answer them. Chat wants one assistant message per model turn followed by
 * its tool messages in call order, so the turn is only written out when it closes.
 */
final class AssistantTurn {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    final StringBuilder text = new StringBuilder();
    final List<TurnReasoning> reasoning = new ArrayList<>();
    final ArrayNode toolCalls = NODES.arrayNode();
    final Map<String, CallSlot> calls = new LinkedHashMap<>();
    final List<ObjectNode> deferred = new ArrayList<>();
    boolean outputsStarted;

    void appendText(String more) {
        if (more.isEmpty()) {
            return;
        }
        if (text.length() > 0) {
            text.append('\n');
        }
        text.append(more);
    }

    /** A tool call of the open turn and, once it arrived, its output. */
    static final class CallSlot {
        final String callId;

        @Nullable
        ToolOutput output;

        CallSlot(String callId) {
            this.callId = callId;
        }
    }
}
