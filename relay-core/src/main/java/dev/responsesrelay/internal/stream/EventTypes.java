package dev.responsesrelay.internal.stream;

/**
 * The Responses stream event types the translator emits, spelled exactly as openai-java's models
 * and Codex's parser (codex-api/src/sse/responses.rs) name them.
 */
final class EventTypes {
    static final String CREATED = "response.created";
    static final String IN_PROGRESS = "response.in_progress";
    static final String COMPLETED = "response.completed";
    static final String INCOMPLETE = "response.incomplete";
    static final String FAILED = "response.failed";

    static final String OUTPUT_ITEM_ADDED = "response.output_item.added";
    static final String OUTPUT_ITEM_DONE = "response.output_item.done";

    static final String CONTENT_PART_ADDED = "response.content_part.added";
    static final String CONTENT_PART_DONE = "response.content_part.done";
    static final String OUTPUT_TEXT_DELTA = "response.output_text.delta";
    static final String OUTPUT_TEXT_DONE = "response.output_text.done";

    static final String REASONING_SUMMARY_PART_ADDED = "response.reasoning_summary_part.added";
    static final String REASONING_SUMMARY_PART_DONE = "response.reasoning_summary_part.done";
    static final String REASONING_SUMMARY_TEXT_DELTA = "response.reasoning_summary_text.delta";
    static final String REASONING_SUMMARY_TEXT_DONE = "response.reasoning_summary_text.done";

    static final String FUNCTION_CALL_ARGUMENTS_DELTA = "response.function_call_arguments.delta";
    static final String FUNCTION_CALL_ARGUMENTS_DONE = "response.function_call_arguments.done";
    static final String CUSTOM_TOOL_CALL_INPUT_DELTA = "response.custom_tool_call_input.delta";
    static final String CUSTOM_TOOL_CALL_INPUT_DONE = "response.custom_tool_call_input.done";

    private EventTypes() {}
}
