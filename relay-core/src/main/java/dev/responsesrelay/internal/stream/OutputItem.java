package dev.responsesrelay.internal.stream;

import dev.responsesrelay.internal.StringFieldExtractor;
import dev.responsesrelay.internal.dialect.ReasoningDetailsAccumulator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A Responses output item in the making, owned by {@link OutputItems}: a message, a reasoning item
 * or a tool call. Its id and {@code output_index} are set when it is announced ({@code
 * output_item.added}); until then it may wait in the queue behind an open tool call.
 */
abstract sealed class OutputItem permits OutputItem.Text, OutputItem.Reasoning, OutputItem.Call {
    String id = "";
    int outputIndex = -1;

    /** An assistant message with one {@code output_text} part. */
    static final class Text extends OutputItem {
        final StringBuilder text = new StringBuilder();
    }

    /** A reasoning item; its text goes out as one summary part. */
    static final class Reasoning extends OutputItem {
        final StringBuilder text = new StringBuilder();
        final ReasoningDetailsAccumulator details = new ReasoningDetailsAccumulator();
        /** Gemini's thought signatures by call id (see {@link OutputItems#completeAll()}). */
        final Map<String, String> signatures = new LinkedHashMap<>(0);

        boolean summaryOpen;
    }

    /**
     * A {@code function_call} or {@code custom_tool_call}. What it becomes is decided by {@link
     * ToolCallResolver} from the call's name.
     */
    static final class Call extends OutputItem {
        final ToolCallAccumulator.Call call;
        /** What has gone out in delta events: arguments, or decoded custom input. */
        final StringBuilder streamed = new StringBuilder();

        boolean resolved;
        boolean custom;
        String name = "";

        @Nullable
        String namespace;

        String callId = "";
        String inputField = "";

        @Nullable
        StringFieldExtractor extractor;
        /** The final arguments or input, set by {@link ToolCallResolver#prepare}. */
        String payload = "";

        Call(ToolCallAccumulator.Call call) {
            this.call = call;
        }
    }
}
