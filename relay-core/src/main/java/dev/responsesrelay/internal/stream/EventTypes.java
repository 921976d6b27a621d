package dev.responsesrelay.internal.stream;

/**
 * The Responses stream event types, spelled exactly as openai-java's models and Codex's parser
 * (codex-api/src/sse/responses.rs) name them: the ones the translator emits, and the few more that
 * the relay reads from a Responses upstream. Public for the relay's other modules, which read and
 * route these events (the server, the OkHttp adapter); every Java name for an event type is here.
 */
public final class EventTypes {
    public static final String CREATED = "response.created";
    public static final String IN_PROGRESS = "response.in_progress";
    public static final String COMPLETED = "response.completed";
    public static final String INCOMPLETE = "response.incomplete";
    public static final String FAILED = "response.failed";

    public static final String OUTPUT_ITEM_ADDED = "response.output_item.added";
    public static final String OUTPUT_ITEM_DONE = "response.output_item.done";

    public static final String CONTENT_PART_ADDED = "response.content_part.added";
    public static final String CONTENT_PART_DONE = "response.content_part.done";
    public static final String OUTPUT_TEXT_DELTA = "response.output_text.delta";
    public static final String OUTPUT_TEXT_DONE = "response.output_text.done";

    public static final String REASONING_SUMMARY_PART_ADDED = "response.reasoning_summary_part.added";
    public static final String REASONING_SUMMARY_PART_DONE = "response.reasoning_summary_part.done";
    public static final String REASONING_SUMMARY_TEXT_DELTA = "response.reasoning_summary_text.delta";
    public static final String REASONING_SUMMARY_TEXT_DONE = "response.reasoning_summary_text.done";

    public static final String FUNCTION_CALL_ARGUMENTS_DELTA = "response.function_call_arguments.delta";
    public static final String FUNCTION_CALL_ARGUMENTS_DONE = "response.function_call_arguments.done";
    public static final String CUSTOM_TOOL_CALL_INPUT_DELTA = "response.custom_tool_call_input.delta";
    public static final String CUSTOM_TOOL_CALL_INPUT_DONE = "response.custom_tool_call_input.done";

    // Read from a Responses upstream (internal.reverse), never written by the translator.
    public static final String QUEUED = "response.queued";
    public static final String REFUSAL_DELTA = "response.refusal.delta";
    public static final String REFUSAL_DONE = "response.refusal.done";
    public static final String REASONING_TEXT_DELTA = "response.reasoning_text.delta";
    public static final String REASONING_TEXT_DONE = "response.reasoning_text.done";

    /**
     * The error event: an SSE event named {@code error}, or a WebSocket frame of that type (OpenAI's
     * WebSocket mode, docs/research/codex-websocket-and-remote-compaction.md).
     */
    public static final String ERROR = "error";

    /** Whether {@code type} ends a response: completed, incomplete or failed. */
    public static boolean isTerminal(String type) {
        return type.equals(COMPLETED) || type.equals(INCOMPLETE) || type.equals(FAILED);
    }

    private EventTypes() {}
}
