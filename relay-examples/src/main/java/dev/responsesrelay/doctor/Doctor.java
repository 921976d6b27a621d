package dev.responsesrelay.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.ProviderProfile;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Runs the checks of {@code doctor} against one upstream, in order, each building on what the
 * earlier ones saw, and works out the provider profile and flags that fit. At most six requests:
 * the model list, a one-word streamed answer, the same with {@code stream_options} (only if the
 * first carried no usage), a tool call, and the tool result sent back (twice if the server demands
 * its reasoning back).
 */
final class Doctor {
    /** Kimi's tool-call ids, which must come back byte for byte (docs/PROVIDERS.md, kimi row). */
    private static final Pattern KIMI_ID = Pattern.compile("functions\\.[^:]+:\\d+");
    /** Mistral's ids: exactly nine letters and digits (docs/PROVIDERS.md, mistral row). */
    private static final Pattern MISTRAL_ID = Pattern.compile("[A-Za-z0-9]{9}");

    private static final String TOOL_NAME = "get_weather";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UpstreamProbe probe;
    private final @Nullable String requestedModel;
    private final @Nullable String requestedProvider;
    private final List<Check> checks = new ArrayList<>();
    private final List<String> advice = new ArrayList<>();

    private @Nullable String model;
    private final List<String> reasoningFields = new ArrayList<>();
    private boolean thinkTags;
    private @Nullable String demandedReasoningField;
    private @Nullable String toolCallId;
    private @Nullable StreamReport lastStream;
    private @Nullable StreamReport lastToolStream;

    Doctor(UpstreamProbe probe, @Nullable String requestedModel, @Nullable String requestedProvider) {
        this.probe = probe;
        this.requestedModel = requestedModel;
        this.requestedProvider = requestedProvider;
    }

    /** What the run found. */
    record Result(List<Check> checks, ProviderProfile profile, List<String> flags, List<String> advice) {
        boolean canServeCodex() {
            return checks.stream().noneMatch(c -> c.verdict() == Verdict.FAIL);
        }
    }

    Result run() {
        if (listModels() && streamAnswer()) {
            usageInStream();
            reasoning();
            if (toolCall()) {
                toolRoundTrip();
            } else {
                skip("tool result accepted");
            }
        }
        return recommend();
    }

    // ---- checks

    private boolean listModels() {
        UpstreamProbe.Answer answer = probe.models();
        if (answer.status() == 0) {
            fail("reachable", "cannot reach " + answer.url() + ": " + answer.transportError());
            return false;
        }
        pass("reachable", answer.url() + " answered HTTP " + answer.status());
        if (answer.status() == 401 || answer.status() == 403) {
            fail(
                    "key accepted",
                    "HTTP " + answer.status() + ": " + Excerpts.of(answer.text())
                            + " (pass the upstream's key with --api-key or RELAY_API_KEY)");
            return false;
        }
        if (!answer.ok()) {
            String hint = answer.status() == 404 && !pathEndsWithVersion(probe.baseUrl())
                    ? " (most servers serve the API under /v1: try --upstream " + probe.baseUrl() + "/v1)"
                    : "";
            warn("model list", "HTTP " + answer.status() + ": " + Excerpts.of(answer.text()) + hint);
            if (requestedModel == null) {
                fail("model to test", "the upstream lists no models; name one with --model");
                return false;
            }
            model = requestedModel;
            return true;
        }
        pass("key accepted", "the model list was served");
        List<String> ids = modelIds(answer.text());
        if (ids.isEmpty()) {
            warn("model list", "no models listed" + (requestedModel == null ? "" : "; testing " + requestedModel));
            if (requestedModel == null) {
                fail("model to test", "the upstream lists no models; name one with --model");
                return false;
            }
        } else {
            String shown = String.join(", ", ids.subList(0, Math.min(8, ids.size())))
                    + (ids.size() > 8 ? ", … (" + ids.size() + " in all)" : "");
            if (requestedModel != null && !ids.contains(requestedModel)) {
                warn("model list", requestedModel + " is not listed; listed: " + shown);
            } else {
                pass("model list", ids.size() + " model(s): " + shown);
            }
        }
        model = requestedModel != null ? requestedModel : ids.get(0);
        return true;
    }

    private boolean streamAnswer() {
        UpstreamProbe.Answer answer = probe.chat(body("Reply with the single word OK.", false, false));
        if (!answer.ok()) {
            fail("streamed answer", httpProblem(answer));
            return false;
        }
        if (!answer.isEventStream()) {
            fail(
                    "streamed answer",
                    "asked for stream:true, got "
                            + (answer.contentType().isEmpty() ? "no Content-Type" : answer.contentType())
                            + "; the relay needs a text/event-stream answer");
            return false;
        }
        StreamReport report = StreamReport.parse(answer.body());
        noteReasoning(report);
        lastStream = report;
        if (report.inStreamError != null) {
            fail("streamed answer", "an error arrived in the stream: " + report.inStreamError);
            return false;
        }
        if (!report.problems.isEmpty()) {
            fail("streamed answer", report.problems.get(0));
            return false;
        }
        if (report.finishReason == null) {
            fail(
                    "streamed answer",
                    report.summary() + ": without a finish_reason the relay cannot tell a complete answer from a"
                            + " cut one, and ends it in response.failed");
            return false;
        }
        String text = report.content.toString().strip();
        pass(
                "streamed answer",
                report.summary() + ", text " + (text.isEmpty() ? "empty" : "\"" + Excerpts.of(text) + "\""));
        return true;
    }

    private void usageInStream() {
        StreamReport first = lastStream;
        if (first != null && first.usage) {
            pass("usage in stream", "sent without stream_options");
            return;
        }
        UpstreamProbe.Answer answer = probe.chat(body("Reply with the single word OK.", true, false));
        if (!answer.ok()) {
            String text = answer.text().toLowerCase(Locale.ROOT);
            warn(
                    "usage in stream",
                    "no usage without stream_options, and HTTP " + answer.status() + " with it"
                            + (text.contains("stream_options") ? " (the server refuses stream_options)" : "")
                            + ": Codex shows no token counts and never compacts its context by itself");
            return;
        }
        StreamReport report = StreamReport.parse(answer.body());
        noteReasoning(report);
        if (report.usage) {
            pass("usage in stream", "only with stream_options.include_usage, which the relay sends");
        } else {
            warn(
                    "usage in stream",
                    "none, with or without stream_options: Codex shows no token counts and never compacts its"
                            + " context by itself");
        }
    }

    private void reasoning() {
        if (!reasoningFields.isEmpty()) {
            pass("reasoning", "streamed in " + String.join(" and ", reasoningFields));
        } else if (thinkTags) {
            pass("reasoning", "inside the text, in <think> tags (the relay splits them off)");
        } else {
            pass("reasoning", "none seen (not a thinking model, or it does not stream its reasoning)");
        }
    }

    private boolean toolCall() {
        UpstreamProbe.Answer answer = probe.chat(body(
                "What is the weather in Paris? Call the " + TOOL_NAME + " tool; do not answer without it.",
                false,
                true));
        if (!answer.ok()) {
            fail("tool call", httpProblem(answer) + " (Codex works only through tool calls)");
            return false;
        }
        if (!answer.isEventStream()) {
            fail("tool call", "not streamed: " + answer.contentType());
            return false;
        }
        StreamReport report = StreamReport.parse(answer.body());
        noteReasoning(report);
        lastToolStream = report;
        Optional<StreamReport.ToolCall> call = report.toolCalls.values().stream()
                .filter(c -> TOOL_NAME.equals(c.name))
                .findFirst();
        if (call.isEmpty()) {
            fail(
                    "tool call",
                    "the model answered without calling the offered tool (" + report.summary()
                            + "); Codex works only through tool calls: try a model trained for tool use");
            return false;
        }
        String arguments = call.get().arguments.toString();
        try {
            JsonNode parsed = JSON.readTree(arguments.isBlank() ? "{}" : arguments);
            if (parsed == null || !parsed.isObject()) {
                fail("tool call", "arguments are not a JSON object: " + Excerpts.of(arguments));
                return false;
            }
        } catch (JsonProcessingException e) {
            fail("tool call", "arguments are not JSON: " + Excerpts.of(arguments));
            return false;
        }
        toolCallId = call.get().id;
        pass(
                "tool call",
                TOOL_NAME + "(" + Excerpts.of(arguments) + "), finish_reason " + report.finishReason + ", id "
                        + describeId(toolCallId));
        return true;
    }

    private void toolRoundTrip() {
        UpstreamProbe.Answer answer = probe.chat(roundTripBody(null));
        if (answer.ok()) {
            pass("tool result accepted", "answered after the tool result; no reasoning demanded back");
            return;
        }
        String field = demandedField(answer.text());
        if (answer.status() / 100 == 4 && field != null) {
            demandedReasoningField = field;
            UpstreamProbe.Answer again = probe.chat(roundTripBody(field));
            if (again.ok()) {
                pass(
                        "tool result accepted",
                        "only with the turn's reasoning sent back in " + field + " (the server refused it without: "
                                + Excerpts.of(answer.text()) + ")");
            } else {
                fail("tool result accepted", "refused with and without " + field + ": " + httpProblem(again));
            }
            return;
        }
        fail("tool result accepted", httpProblem(answer));
    }

    // ---- the recommendation

    private Result recommend() {
        List<String> flags = new ArrayList<>();
        ProviderProfile detected = ProviderProfile.detect(probe.baseUrl());
        ProviderProfile profile = detected;
        String why = "detected from the URL";
        if (requestedProvider != null) {
            profile = ProviderProfile.byName(requestedProvider).orElse(detected);
            why = "as given";
        } else {
            String demanded = demandedReasoningField;
            if (demanded != null
                    && profile.reasoningReplayField().isEmpty()
                    && profile.replayReasoningAsReceived()
                    && reasoningFields.contains(demanded)) {
                // docs/PROVIDERS.md: a profile without a replay field of its own sends reasoning back
                // in the field the upstream streamed it in, when replayReasoningAsReceived is on.
                advice.add("the server demands its reasoning back in " + demanded + "; the " + profile.name()
                        + " profile sends it back in the field the server streamed it in, so no --provider is needed");
            } else if (demanded != null
                    && !profile.reasoningReplayField().map(demanded::equals).orElse(false)) {
                ProviderProfile fitting = profileReplaying(demanded);
                advice.add("the server demands its reasoning back in " + demanded + ", which the " + profile.name()
                        + " profile does not send: use --provider " + fitting.name());
                profile = fitting;
                why = "chosen from the server's demand for " + demanded;
            }
            String id = toolCallId;
            if (id != null
                    && MISTRAL_ID.matcher(id).matches()
                    && profile.toolCallIds() != ProviderProfile.ToolCallIdRule.ALPHANUMERIC_9) {
                advice.add("tool-call ids are nine letters and digits, as Mistral's: if the server refuses other ids,"
                        + " use --provider mistral");
            }
        }
        if (!profile.name().equals(detected.name())) {
            flags.add("--provider " + profile.name());
        }
        advice.add(0, "profile: " + profile.name() + " (" + why + ")");
        if (thinkTags && !profile.thinkTagsInContent()) {
            advice.add("reasoning arrives in <think> tags, which the " + profile.name()
                    + " profile does not split off: it will show as text");
        }
        return new Result(List.copyOf(checks), profile, flags, List.copyOf(advice));
    }

    private static ProviderProfile profileReplaying(String field) {
        return switch (field) {
            case "reasoning" -> ProviderProfile.VLLM;
            case "reasoning_details" -> ProviderProfile.OPENROUTER;
            default -> ProviderProfile.DEEPSEEK;
        };
    }

    // ---- request bodies

    private String body(String prompt, boolean streamOptions, boolean withTool) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.put("stream", true);
        if (streamOptions) {
            body.putObject("stream_options").put("include_usage", true);
        }
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        if (withTool) {
            body.set("tools", tools());
        }
        return body.toString();
    }

    private String roundTripBody(@Nullable String reasoningField) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.put("stream", true);
        body.set("tools", tools());
        ArrayNode messages = body.putArray("messages");
        messages.addObject()
                .put("role", "user")
                .put(
                        "content",
                        "What is the weather in Paris? Call the " + TOOL_NAME + " tool; do not answer without it.");
        StreamReport tool = lastToolStream;
        StreamReport.ToolCall call = tool == null
                ? null
                : tool.toolCalls.values().stream()
                        .filter(c -> TOOL_NAME.equals(c.name))
                        .findFirst()
                        .orElse(null);
        String id = toolCallId == null ? "call_doctor_1" : toolCallId;
        String arguments =
                call == null || call.arguments.isEmpty() ? "{\"city\":\"Paris\"}" : call.arguments.toString();
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        assistant.putNull("content");
        if (reasoningField != null) {
            String reasoning = tool == null || tool.reasoningText.isEmpty() ? " " : tool.reasoningText.toString();
            if (reasoningField.equals("reasoning_details")) {
                assistant
                        .putArray("reasoning_details")
                        .addObject()
                        .put("type", "reasoning.text")
                        .put("text", reasoning);
            } else {
                assistant.put(reasoningField, reasoning);
            }
        }
        ObjectNode toolCall = assistant.putArray("tool_calls").addObject();
        toolCall.put("id", id).put("type", "function");
        toolCall.putObject("function").put("name", TOOL_NAME).put("arguments", arguments);
        messages.addObject()
                .put("role", "tool")
                .put("tool_call_id", id)
                .put("content", "{\"temperature_c\":21,\"sky\":\"clear\"}");
        return body.toString();
    }

    private static ArrayNode tools() {
        ArrayNode tools = JSON.createArrayNode();
        ObjectNode function = tools.addObject().put("type", "function").putObject("function");
        function.put("name", TOOL_NAME).put("description", "The current weather in a city.");
        ObjectNode parameters = function.putObject("parameters").put("type", "object");
        parameters.putObject("properties").putObject("city").put("type", "string");
        parameters.putArray("required").add("city");
        return tools;
    }

    // ---- helpers

    private void noteReasoning(StreamReport report) {
        for (String field : report.reasoningFields) {
            if (!reasoningFields.contains(field)) {
                reasoningFields.add(field);
            }
        }
        thinkTags |= report.thinkTagsInContent();
    }

    /**
     * Which field a 4xx body asks for: DeepSeek "The `reasoning_content` in the thinking mode must
     * be passed back to the API", Kimi's "reasoning_content is missing", Gemini's missing thought
     * signature (samples: fixtures' dialect errors, docs/PROVIDERS.md).
     */
    private @Nullable String demandedField(String errorBody) {
        String text = errorBody.toLowerCase(Locale.ROOT);
        if (text.contains("reasoning_content")) {
            return "reasoning_content";
        }
        if (text.contains("reasoning_details")) {
            return "reasoning_details";
        }
        if (text.contains("reasoning") || text.contains("thinking")) {
            return reasoningFields.isEmpty() ? "reasoning_content" : reasoningFields.get(0);
        }
        return null;
    }

    private static String describeId(@Nullable String id) {
        if (id == null) {
            return "missing (the relay makes one up)";
        }
        if (KIMI_ID.matcher(id).matches()) {
            return id + " (Kimi style, sent back verbatim)";
        }
        if (id.startsWith("call_")) {
            return id + " (OpenAI style)";
        }
        if (MISTRAL_ID.matcher(id).matches()) {
            return id + " (nine letters and digits, Mistral style)";
        }
        return Excerpts.of(id);
    }

    private static String httpProblem(UpstreamProbe.Answer answer) {
        if (answer.status() == 0) {
            return "no answer from " + answer.url() + ": " + answer.transportError();
        }
        return answer.url() + " answered HTTP " + answer.status() + ": " + Excerpts.of(answer.text());
    }

    private static List<String> modelIds(String body) {
        List<String> ids = new ArrayList<>();
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode list = root == null ? null : root.isArray() ? root : root.path("data");
            if (list != null) {
                for (JsonNode entry : list) {
                    String id = entry.path("id").asText("");
                    if (!id.isEmpty()) {
                        ids.add(id);
                    }
                }
            }
        } catch (JsonProcessingException e) {
            // not a list: the caller reports "no models listed"
        }
        return ids;
    }

    private static boolean pathEndsWithVersion(String baseUrl) {
        String path = URI.create(baseUrl).getPath();
        return path != null && path.matches(".*/v\\d+[a-z0-9]*(/openai)?/?$");
    }

    private void pass(String name, String detail) {
        checks.add(new Check(name, Verdict.PASS, detail));
    }

    private void warn(String name, String detail) {
        checks.add(new Check(name, Verdict.WARN, detail));
    }

    private void fail(String name, String detail) {
        checks.add(new Check(name, Verdict.FAIL, detail));
    }

    private void skip(String name) {
        checks.add(new Check(name, Verdict.SKIP, "not run: an earlier check failed"));
    }
}
