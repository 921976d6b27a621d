package dev.responsesrelay.codexmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.InvalidRequestException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one {@code codex exec} run is given for a Responses request: the developer instructions, the
 * prompt text, the names of the client's tools, and an optional output schema.
 *
 * <p>Mapping: {@code instructions} and {@code system}/{@code developer} messages become developer
 * instructions (in order, joined by blank lines). Earlier {@code user}/{@code assistant} messages,
 * {@code function_call}s and their outputs become a transcript in the prompt. The last item, when it
 * is a user message, is the task; otherwise the agent is told to continue from the transcript (the
 * usual case after the client ran a tool). Tools are described in the prompt with the answer format
 * {@link ToolCallAnswer} reads back. {@code text.format} {@code json_schema} becomes {@code
 * --output-schema}; {@code json_object} becomes an instruction. {@code reasoning} items are skipped:
 * they are another model's private state. Images and files are not forwarded (a placeholder says
 * so). Sampling fields ({@code temperature}, {@code max_output_tokens}, …) have no {@code codex exec}
 * equivalent and are ignored; stateful fields ({@code previous_response_id}, {@code conversation},
 * {@code background}, {@code item_reference}) are refused, since every run starts from nothing.
 *
 * @param model the model name the client asked for, echoed on the response
 * @param instructions developer instructions, empty if none
 * @param prompt the text given to {@code codex exec} on standard input
 * @param toolNames the client tools an answer may call; empty when none were offered or {@code
 *     tool_choice} is {@code none}
 * @param outputSchema the JSON Schema the final answer must follow, if the client asked for one
 */
record CodexPrompt(
        String model,
        String instructions,
        String prompt,
        Set<String> toolNames,
        @Nullable ObjectNode outputSchema) {

    /** Model name used when the request names none. */
    static final String DEFAULT_MODEL = "codex-local";

    private static final String TOOLS_PREAMBLE = "The application you are working for can run the tools listed below"
            + " on its side. They are not among your own tools and you cannot run them yourself. To use one or"
            + " more of them, reply with only a JSON object of this form, with nothing before or after it:\n"
            + "{\"tool_calls\":[{\"name\":\"<tool name>\",\"arguments\":{<arguments matching the tool's"
            + " parameters>}}]}\n"
            + "The application then runs the calls and sends you the results in a later message. If you need"
            + " none of them, answer normally.";

    CodexPrompt {
        toolNames = Set.copyOf(toolNames);
    }

    /**
     * Reads a Responses request body.
     *
     * @throws InvalidRequestException naming the JSON path of the first value it cannot use
     */
    static CodexPrompt fromRequest(String requestJson) {
        Objects.requireNonNull(requestJson, "requestJson == null");
        JsonNode request;
        try {
            request = CodexJson.MAPPER.readTree(requestJson);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("request body is not valid JSON", null, e);
        }
        if (request == null || !request.isObject()) {
            throw new InvalidRequestException("request body must be a JSON object", null);
        }
        refuseStateful(request);
        String model = optionalString(request, "model", "/model");
        List<String> instructions = new ArrayList<>();
        String topInstructions = optionalString(request, "instructions", "/instructions");
        if (!topInstructions.isEmpty()) {
            instructions.add(topInstructions);
        }

        Transcript transcript = new Transcript();
        String task = readInput(request.path("input"), instructions, transcript);

        ToolSection tools = readTools(request);
        StringBuilder prompt = new StringBuilder();
        if (!transcript.isEmpty()) {
            prompt.append("This task continues a conversation. Its earlier turns, oldest first:\n\n<conversation>\n")
                    .append(transcript.text())
                    .append("</conversation>\n\n");
        }
        if (!tools.text().isEmpty()) {
            prompt.append(tools.text()).append("\n\n");
        }
        ObjectNode outputSchema = null;
        JsonNode format = request.path("text").path("format");
        String formatType = format.path("type").asText("text");
        switch (formatType) {
            case "text" -> {}
            case "json_object" -> prompt.append("Answer with a single JSON object and nothing else.\n\n");
            case "json_schema" -> {
                if (!format.path("schema").isObject()) {
                    throw new InvalidRequestException(
                            "json_schema format needs a schema object", "/text/format/schema");
                }
                outputSchema = (ObjectNode) format.get("schema");
            }
            default ->
                throw new InvalidRequestException(
                        "unsupported text format " + formatType + "; use text, json_object or json_schema",
                        "/text/format/type");
        }
        if (prompt.length() > 0) {
            prompt.append(
                    task == null
                            ? "Continue the conversation: answer the user's last request, using the tool results"
                                    + " above."
                            : "The user's new message, which is your task:\n\n" + task);
        } else if (task != null) {
            prompt.append(task);
        }
        if (prompt.toString().isBlank()) {
            throw new InvalidRequestException("the request has no user message for codex to answer", "/input");
        }
        return new CodexPrompt(
                model.isEmpty() ? DEFAULT_MODEL : model,
                String.join("\n\n", instructions),
                prompt.toString(),
                tools.names(),
                outputSchema);
    }

    private static void refuseStateful(JsonNode request) {
        for (String field : List.of("previous_response_id", "conversation")) {
            if (!request.path(field).isMissingNode() && !request.get(field).isNull()) {
                throw new InvalidRequestException(
                        field + " is not supported: codex-local is stateless, send the whole conversation",
                        "/" + field);
            }
        }
        if (request.path("background").asBoolean(false)) {
            throw new InvalidRequestException("background responses are not supported", "/background");
        }
    }

    /**
     * Reads {@code input}: collects instructions and the transcript, and returns the task (the last
     * item's text when it is a user message), or null when the last item is something else.
     */
    private static @Nullable String readInput(JsonNode input, List<String> instructions, Transcript transcript) {
        if (input.isTextual()) {
            return input.asText();
        }
        if (!input.isArray()) {
            throw new InvalidRequestException("input must be a string or an array of items", "/input");
        }
        if (input.isEmpty()) {
            throw new InvalidRequestException("input must not be empty", "/input");
        }
        int last = input.size() - 1;
        String task = null;
        for (int i = 0; i <= last; i++) {
            JsonNode item = input.get(i);
            String path = "/input/" + i;
            if (!item.isObject()) {
                throw new InvalidRequestException("input item must be an object", path);
            }
            String type = item.path("type").asText(item.has("role") ? "message" : "");
            switch (type) {
                case "message" -> {
                    String role = item.path("role").asText("");
                    String text = messageText(item.path("content"), path + "/content");
                    switch (role) {
                        case "system", "developer" -> {
                            if (!text.isBlank()) {
                                instructions.add(text);
                            }
                        }
                        case "user" -> {
                            if (i == last) {
                                task = text;
                            } else {
                                transcript.message("user", text);
                            }
                        }
                        case "assistant" -> transcript.message("assistant", text);
                        default -> throw new InvalidRequestException("unknown message role " + role, path + "/role");
                    }
                }
                case "function_call" ->
                    transcript.toolCall(
                            qualifiedName(item, path),
                            requiredString(item, "call_id", path),
                            requiredString(item, "arguments", path));
                case "custom_tool_call" ->
                    transcript.toolCall(
                            qualifiedName(item, path),
                            requiredString(item, "call_id", path),
                            requiredString(item, "input", path));
                case "function_call_output", "custom_tool_call_output" ->
                    transcript.toolResult(
                            requiredString(item, "call_id", path), outputText(item.path("output"), path + "/output"));
                case "reasoning" -> {} // another model's private state; codex cannot use it
                case "item_reference" ->
                    throw new InvalidRequestException(
                            "item_reference is not supported: codex-local is stateless, send the items",
                            path + "/type");
                default -> throw new InvalidRequestException("unsupported input item type " + type, path + "/type");
            }
        }
        return task;
    }

    private static String messageText(JsonNode content, String path) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw new InvalidRequestException("content must be a string or an array of parts", path);
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partPath = path + "/" + j;
            String type = part.path("type").asText("");
            String piece = switch (type) {
                case "input_text", "output_text", "text" -> requiredString(part, "text", partPath);
                case "refusal" -> requiredString(part, "refusal", partPath);
                case "input_image" -> "[an image was attached here; it is not available to you]";
                case "input_file" ->
                    "[a file"
                            + (part.path("filename").isTextual()
                                    ? " named " + part.get("filename").asText()
                                    : "")
                            + " was attached here; it is not available to you]";
                default ->
                    throw new InvalidRequestException("unsupported content part type " + type, partPath + "/type");
            };
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(piece);
        }
        return text.toString();
    }

    /** A tool output: a string, or an array of content parts (docs/codex-wire.md §1.3). */
    private static String outputText(JsonNode output, String path) {
        if (output.isTextual()) {
            return output.asText();
        }
        if (output.isArray()) {
            return messageText(output, path);
        }
        throw new InvalidRequestException("output must be a string or an array of parts", path);
    }

    private static String qualifiedName(JsonNode item, String path) {
        String name = requiredString(item, "name", path);
        JsonNode namespace = item.path("namespace");
        return namespace.isTextual() ? namespace.asText() + "." + name : name;
    }

    private static ToolSection readTools(JsonNode request) {
        JsonNode tools = request.path("tools");
        if (tools.isMissingNode() || tools.isNull()) {
            return new ToolSection("", Set.of());
        }
        if (!tools.isArray()) {
            throw new InvalidRequestException("tools must be an array", "/tools");
        }
        JsonNode choice = request.path("tool_choice");
        String required = "";
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "none" -> {
                    return new ToolSection("", Set.of());
                }
                case "auto" -> {}
                case "required" -> required = "You must reply with a tool call.";
                default ->
                    throw new InvalidRequestException("unsupported tool_choice " + choice.asText(), "/tool_choice");
            }
        } else if (choice.isObject()) {
            if (!"function".equals(choice.path("type").asText())
                    || !choice.path("name").isTextual()) {
                throw new InvalidRequestException("tool_choice must name a function", "/tool_choice");
            }
            required = "You must reply with a call of the tool "
                    + choice.get("name").asText() + ".";
        } else if (!choice.isMissingNode() && !choice.isNull()) {
            throw new InvalidRequestException("tool_choice must be a string or an object", "/tool_choice");
        }
        Set<String> names = new LinkedHashSet<>();
        StringBuilder text = new StringBuilder(TOOLS_PREAMBLE);
        if (!required.isEmpty()) {
            text.append(' ').append(required);
        }
        text.append('\n');
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String path = "/tools/" + i;
            String type = tool.path("type").asText("");
            if (!type.equals("function")) {
                throw new InvalidRequestException(
                        "only function tools can be offered to codex, not " + type, path + "/type");
            }
            String name = requiredString(tool, "name", path);
            if (!names.add(name)) {
                throw new InvalidRequestException("duplicate tool name " + name, path + "/name");
            }
            text.append("\n<tool name=\"").append(name).append("\">\n");
            if (tool.path("description").isTextual()) {
                text.append(tool.get("description").asText()).append('\n');
            }
            if (tool.path("parameters").isObject()) {
                text.append("Parameters (JSON Schema): ")
                        .append(CodexJson.write(tool.get("parameters")))
                        .append('\n');
            }
            text.append("</tool>");
        }
        if (names.isEmpty()) {
            return new ToolSection("", Set.of());
        }
        return new ToolSection(text.toString(), names);
    }

    private static String optionalString(JsonNode object, String field, String path) {
        JsonNode value = object.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException(field + " must be a string", path);
        }
        return value.asText();
    }

    private static String requiredString(JsonNode object, String field, String path) {
        JsonNode value = object.path(field);
        if (!value.isTextual()) {
            throw new InvalidRequestException(
                    value.isMissingNode() ? "missing required field " + field : field + " must be a string",
                    path + "/" + field);
        }
        return value.asText();
    }

    /** The tools part of the prompt and the names an answer may call. */
    private record ToolSection(String text, Set<String> names) {}

    /** Earlier turns of the conversation, rendered with XML-like tags the agent can tell apart. */
    private static final class Transcript {
        private final StringBuilder text = new StringBuilder();

        void message(String role, String content) {
            text.append("<message role=\"").append(role).append("\">\n");
            appendBody(content);
            text.append("</message>\n");
        }

        void toolCall(String name, String callId, String arguments) {
            text.append("<tool_call name=\"")
                    .append(name)
                    .append("\" call_id=\"")
                    .append(callId)
                    .append("\">\n");
            appendBody(arguments);
            text.append("</tool_call>\n");
        }

        void toolResult(String callId, String output) {
            text.append("<tool_result call_id=\"").append(callId).append("\">\n");
            appendBody(output);
            text.append("</tool_result>\n");
        }

        private void appendBody(String body) {
            text.append(body);
            if (!body.endsWith("\n")) {
                text.append('\n');
            }
        }

        boolean isEmpty() {
            return text.length() == 0;
        }

        String text() {
            return text.toString();
        }
    }
}
