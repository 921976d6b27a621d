package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.stream.ProviderTestSupport.assistants;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.chat;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.codexBody;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.codexLikeRequest;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.roles;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.translate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.Translation;
import dev.responsesrelay.internal.JsonTestSupport;
import dev.responsesrelay.internal.dialect.ProviderDialect;
import dev.responsesrelay.internal.stream.ProviderTestSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The upstream body each built-in profile writes, asserted by JSON pointer. Inputs are real Codex
 * 0.169 bodies ({@code data/codex-0.169.0/}: {@code 02_function_call_002}, a function call with a
 * replayed reasoning item; {@code 12_image_input_and_view_image_output_002}, an image prompt and a
 * {@code view_image} result), changed where a test says so to fields Codex sends when configured
 * ({@code reasoning.effort}, docs/codex-wire.md §1.2), or synthetic Codex-shaped requests ({@link
 * ProviderTestSupport#codexLikeRequest}) with the fields other Responses clients send.
 */
class ProviderRequestShapesTest {
    private static final String FUNCTION_CALL = "02_function_call_002";
    private static final String IMAGES = "12_image_input_and_view_image_output_002";

    /** The real function-call body with {@code reasoning.effort} set, as Codex sends it when configured. */
    private static ObjectNode withEffort(String body, String model, String effort) {
        ObjectNode request = codexBody(body);
        request.put("model", model);
        ((ObjectNode) request.get("reasoning")).put("effort", effort);
        return request;
    }

    /** A synthetic request with sampling fields (Codex never sends them; other clients do). */
    private static ObjectNode sampled(String model, double temperature, double topP) {
        ObjectNode request = codexLikeRequest(model, "hi");
        request.put("temperature", temperature);
        request.put("top_p", topP);
        return request;
    }

    /** Replaces every call id of a body with {@code callId}: a long Responses-style id, for example. */
    private static ObjectNode withCallId(ObjectNode body, String callId) {
        for (JsonNode item : body.get("input")) {
            if (item.has("call_id")) {
                ((ObjectNode) item).put("call_id", callId);
            }
        }
        return body;
    }

    /** A synthetic body in which the client forces a tool: {@code tool_choice} as given. */
    private static ObjectNode forcing(JsonNode toolChoice) {
        ObjectNode request = codexLikeRequest("m", "list files");
        ObjectNode second = ((ArrayNode) request.get("tools")).addObject();
        second.put("type", "function").put("name", "write_stdin");
        second.putObject("parameters").put("type", "object");
        request.set("tool_choice", toolChoice);
        return request;
    }

    private static List<String> toolNames(JsonNode chat) {
        List<String> names = new ArrayList<>();
        chat.path("tools").forEach(t -> names.add(t.at("/function/name").asText()));
        return names;
    }

    // ---------------------------------------------------------------------------------------------
    // OpenAI and Azure

    @Test
    void openAiKeepsDeveloperRoleStrictAndCompletionTokens() {
        ObjectNode request = codexBody(FUNCTION_CALL);
        request.put("max_output_tokens", 2048);
        JsonNode chat = chat(ProviderProfile.OPENAI, request);

        assertThat(chat.at("/messages/0/role").asText()).isEqualTo("developer");
        assertThat(chat.at("/max_completion_tokens").intValue()).isEqualTo(2048);
        assertThat(chat.has("max_tokens")).isFalse();
        assertThat(chat.at("/tools/0/function/strict").isBoolean()).isTrue();
        assertThat(chat.at("/stream_options/include_usage").booleanValue()).isTrue();
    }

    @Test
    void openAiRewritesLongCallIdsTheSameWayInCallsAndResults() {
        // openai-error-tool-call-id-too-long.json: a Responses fc_ id of 53 characters is refused.
        String longId = "fc_68a5b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071829";
        JsonNode chat = chat(ProviderProfile.AZURE, withCallId(codexBody(FUNCTION_CALL), longId));

        String sent = assistants(chat).get(0).at("/tool_calls/0/id").asText();
        assertThat(sent).matches("call_[0-9a-f]{24}").hasSizeLessThanOrEqualTo(40);
        assertThat(chat.at("/messages/5/tool_call_id").asText()).isEqualTo(sent);
        // Stateless: a second relay instance rewrites the same id identically.
        assertThat(assistants(chat(ProviderProfile.AZURE, withCallId(codexBody(FUNCTION_CALL), longId)))
                        .get(0)
                        .at("/tool_calls/0/id")
                        .asText())
                .isEqualTo(sent);
    }

    @Test
    void openAiShortCallIdsGoUnchanged() {
        JsonNode chat = chat(ProviderProfile.OPENAI, codexBody(FUNCTION_CALL));
        assertThat(assistants(chat).get(0).at("/tool_calls/0/id").asText()).isEqualTo("call_1");
    }

    @Test
    void openAiClampsEffortPerModelFamily() {
        assertThat(chat(ProviderProfile.OPENAI, withEffort(FUNCTION_CALL, "gpt-5-mini", "none"))
                        .at("/reasoning_effort")
                        .asText())
                .isEqualTo("minimal");
        assertThat(chat(ProviderProfile.OPENAI, withEffort(FUNCTION_CALL, "o3", "xhigh"))
                        .at("/reasoning_effort")
                        .asText())
                .isEqualTo("high");
        assertThat(chat(ProviderProfile.OPENAI, withEffort(FUNCTION_CALL, "gpt-5.1", "minimal"))
                        .at("/reasoning_effort")
                        .asText())
                .isEqualTo("low");
        assertThat(chat(ProviderProfile.OPENAI, withEffort(FUNCTION_CALL, "gpt-5.5", "xhigh"))
                        .at("/reasoning_effort")
                        .asText())
                .isEqualTo("xhigh");
    }

    @Test
    void openAiDropsEffortForModelsThatDoNotReason() {
        Translation t = translate(ProviderProfile.OPENAI, withEffort(FUNCTION_CALL, "gpt-4o", "high"));
        assertThat(chat(t).has("reasoning_effort")).isFalse();
        assertThat(t.warnings()).anyMatch(w -> w.contains("reasoning.effort") && w.contains("gpt-4o"));
    }

    @Test
    void openAiReasoningModelsGetOnlyDefaultSampling() {
        Translation t = translate(ProviderProfile.OPENAI, sampled("o4-mini", 0.2, 0.9));
        assertThat(chat(t).has("temperature")).isFalse();
        assertThat(chat(t).has("top_p")).isFalse();
        assertThat(t.warnings()).anyMatch(w -> w.startsWith("dropped temperature"));
        assertThat(chat(ProviderProfile.OPENAI, sampled("gpt-4.1", 0.2, 0.9))
                        .at("/temperature")
                        .doubleValue())
                .isEqualTo(0.2);
    }

    // ---------------------------------------------------------------------------------------------
    // DeepSeek

    @Test
    void deepSeekGetsSystemRolePlainStringsAndThinkingSwitch() {
        // deepseek-error-developer-role.txt, deepseek-error-content-array.json
        JsonNode chat = chat(ProviderProfile.DEEPSEEK, withEffort(FUNCTION_CALL, "deepseek-chat", "medium"));

        assertThat(roles(chat)).doesNotContain("developer");
        chat.path("messages")
                .forEach(m -> assertThat(m.path("content").isArray()).isFalse());
        assertThat(chat.at("/thinking/type").asText()).isEqualTo("enabled");
        assertThat(chat.at("/reasoning_effort").asText()).isEqualTo("high");
    }

    @Test
    void deepSeekEffortNoneSwitchesThinkingOff() {
        JsonNode chat = chat(ProviderProfile.DEEPSEEK, withEffort(FUNCTION_CALL, "deepseek-chat", "none"));
        assertThat(chat.at("/thinking/type").asText()).isEqualTo("disabled");
        assertThat(chat.has("reasoning_effort")).isFalse();
    }

    @Test
    void deepSeekReplaysTheSummaryWhenTheBlobIsNotOurs() {
        // The real body's reasoning item carries ENCRYPTED_BLOB_abc123, not an envelope of ours:
        // it is left alone and the summary stands in for the reasoning text.
        JsonNode assistant = assistants(chat(ProviderProfile.DEEPSEEK, codexBody(FUNCTION_CALL)))
                .get(0);
        assertThat(assistant.at("/reasoning_content").asText()).isEqualTo("**Running echo**\n\nI will run echo.");
    }

    @Test
    void deepSeekToolTurnWithoutAnyReasoningGetsABlank() {
        ObjectNode request = codexBody(FUNCTION_CALL);
        ((ArrayNode) request.get("input")).remove(4); // the reasoning item
        JsonNode assistant = assistants(chat(ProviderProfile.DEEPSEEK, request)).get(0);
        assertThat(assistant.at("/reasoning_content").asText()).isEqualTo(" ");
    }

    @Test
    void deepSeekImagesBecomeTextPlaceholders() {
        // deepseek-error-image-url.txt: text models answer "unknown variant `image_url`".
        Translation t = translate(ProviderProfile.DEEPSEEK, codexBody(IMAGES));
        JsonNode chat = chat(t);
        assertThat(chat.path("messages").toString()).doesNotContain("\"type\":\"image_url\"");
        assertThat(chat.at("/messages/3/content").isTextual()).isTrue();
        assertThat(chat.at("/messages/3/content").asText())
                .contains("[image omitted: deepseek images are not accepted]");
        assertThat(t.warnings()).anyMatch(w -> w.startsWith("replaced image at /input/3/content/1"));
    }

    // ---------------------------------------------------------------------------------------------
    // Kimi

    @Test
    void kimiThinkingIsAnObject() {
        JsonNode chat = chat(ProviderProfile.KIMI, withEffort(FUNCTION_CALL, "kimi-k2-thinking", "high"));
        assertThat(chat.at("/thinking")).isEqualTo(JsonTestSupport.tree("{\"type\":\"enabled\"}"));
        assertThat(chat.has("reasoning_effort")).isFalse();
        assertThat(assistants(chat).get(0).has("reasoning_content")).isTrue();
    }

    @Test
    void kimiKeepsItsOwnToolCallIdsByteIdentical() {
        JsonNode chat = chat(ProviderProfile.KIMI, withCallId(codexBody(FUNCTION_CALL), "functions.exec_command:0"));
        assertThat(assistants(chat).get(0).at("/tool_calls/0/id").asText()).isEqualTo("functions.exec_command:0");
        assertThat(chat.at("/messages/5/tool_call_id").asText()).isEqualTo("functions.exec_command:0");
    }

    @Test
    void kimiCannotForceATool() {
        Translation required = translate(ProviderProfile.KIMI, forcing(JsonTestSupport.tree("\"required\"")));
        assertThat(chat(required).has("tool_choice")).isFalse();
        assertThat(required.warnings()).anyMatch(w -> w.startsWith("dropped tool_choice required"));

        JsonNode named = chat(
                ProviderProfile.KIMI,
                forcing(JsonTestSupport.tree("{\"type\":\"function\",\"name\":\"write_stdin\"}")));
        assertThat(named.has("tool_choice")).isFalse();
        assertThat(toolNames(named)).containsExactly("write_stdin");
    }

    @Test
    void kimiK25TakesOnlyTemperatureOneAndOlderModelsAtMostOne() {
        JsonNode k25 = chat(ProviderProfile.KIMI, sampled("kimi-k2.5", 0.6, 0.95));
        assertThat(k25.has("temperature")).isFalse();
        assertThat(k25.has("top_p")).isFalse();
        JsonNode older = chat(ProviderProfile.KIMI, sampled("kimi-k2-0905-preview", 1.4, 0.95));
        assertThat(older.at("/temperature").doubleValue()).isEqualTo(1.0);
        assertThat(older.at("/top_p").doubleValue()).isEqualTo(0.95);
    }

    // ---------------------------------------------------------------------------------------------
    // Qwen (DashScope)

    @Test
    void qwenAlwaysStreamsAndSwitchesThinking() {
        // dashscope-error-enable-thinking-non-streaming.json
        ObjectNode request = withEffort(FUNCTION_CALL, "qwen3-max", "high");
        request.put("stream", false);
        Translation t = translate(ProviderProfile.QWEN, request);
        JsonNode chat = chat(t);

        assertThat(chat.at("/enable_thinking").booleanValue()).isTrue();
        assertThat(chat.at("/stream").booleanValue()).isTrue();
        assertThat(chat.at("/stream_options/include_usage").booleanValue()).isTrue();
        assertThat(t.clientStreams()).isFalse();
        assertThat(t.upstreamStreams()).isTrue();
        // dashscope-error-developer-role.json
        assertThat(roles(chat)).doesNotContain("developer");
    }

    // ---------------------------------------------------------------------------------------------
    // Mistral

    @Test
    void mistralSeesOnlyFieldsItAccepts() {
        // mistral-error-422-extra-forbidden-*.json: any unknown field is a 422.
        ObjectNode request = withEffort(FUNCTION_CALL, "mistral-large-latest", "high");
        request.put("max_output_tokens", 1000);
        request.put("user", "u-1");
        JsonNode chat = chat(ProviderProfile.MISTRAL, request);

        List<String> fields = new ArrayList<>();
        chat.fieldNames().forEachRemaining(fields::add);
        assertThat(fields)
                .isSubsetOf(ProviderDialect.of(ProviderProfile.MISTRAL).allowedFields());
        assertThat(chat.at("/max_tokens").intValue()).isEqualTo(1000);
        assertThat(chat.has("stream_options")).isFalse();
        assertThat(chat.has("reasoning_effort")).isFalse();
        assertThat(chat.toString()).doesNotContain("reasoning_content").doesNotContain("\"strict\"");
    }

    @Test
    void mistralCallIdsAreNineAlphanumericsInCallsAndResults() {
        // mistral-error-tool-call-id.json: "must be a-z, A-Z, 0-9, with a length of 9".
        JsonNode chat = chat(ProviderProfile.MISTRAL, codexBody(FUNCTION_CALL));
        String sent = assistants(chat).get(0).at("/tool_calls/0/id").asText();
        assertThat(sent).matches("[A-Za-z0-9]{9}").isNotEqualTo("call_1");
        List<JsonNode> tools = new ArrayList<>();
        chat.path("messages").forEach(m -> {
            if (m.path("role").asText().equals("tool")) {
                tools.add(m);
            }
        });
        assertThat(tools)
                .singleElement()
                .satisfies(m -> assertThat(m.path("tool_call_id").asText()).isEqualTo(sent));
    }

    @Test
    void mistralGetsAnAssistantMessageBetweenToolResultsAndUser() {
        // mistral-error-role-order.json: "Unexpected role 'user' after role 'tool'". The real
        // view_image turn puts the returned image in a user message right after the tool message.
        JsonNode chat = chat(ProviderProfile.MISTRAL, codexBody(IMAGES));
        List<String> roles = roles(chat);
        for (int i = 1; i < roles.size(); i++) {
            assertThat(roles.get(i - 1) + "→" + roles.get(i)).isNotEqualTo("tool→user");
        }
        int tool = roles.indexOf("tool");
        assertThat(roles.get(tool + 1)).isEqualTo("assistant");
        assertThat(chat.at("/messages/" + (tool + 1) + "/content").asText())
                .isEqualTo(MessageAssembler.TOOL_RESULTS_ACKNOWLEDGED);
        assertThat(roles.get(tool + 2)).isEqualTo("user");
    }

    @Test
    void mistralSpellsRequiredAsAnyAndNarrowsANamedChoice() {
        assertThat(chat(ProviderProfile.MISTRAL, forcing(JsonTestSupport.tree("\"required\"")))
                        .at("/tool_choice")
                        .asText())
                .isEqualTo("any");
        JsonNode named = chat(
                ProviderProfile.MISTRAL,
                forcing(JsonTestSupport.tree("{\"type\":\"function\",\"name\":\"write_stdin\"}")));
        assertThat(named.at("/tool_choice").asText()).isEqualTo("any");
        assertThat(toolNames(named)).containsExactly("write_stdin");
    }

    @Test
    void mistralToolSchemasLoseMetaKeywords() {
        ObjectNode request = codexLikeRequest("mistral-small-latest", "hi");
        ObjectNode parameters = (ObjectNode) request.at("/tools/0/parameters");
        parameters.put("$schema", "http://json-schema.org/draft-07/schema#");
        Translation t = translate(ProviderProfile.MISTRAL, request);
        assertThat(chat(t).at("/tools/0/function/parameters").has("$schema")).isFalse();
        assertThat(chat(t).at("/tools/0/function/parameters/required/0").asText())
                .isEqualTo("cmd");
    }

    // ---------------------------------------------------------------------------------------------
    // Groq, xAI, OpenRouter, Together, Fireworks, Gemini, Anthropic

    @Test
    void groqReasoningDependsOnTheModel() {
        JsonNode oss = chat(ProviderProfile.GROQ, withEffort(FUNCTION_CALL, "openai/gpt-oss-120b", "xhigh"));
        assertThat(oss.at("/include_reasoning").booleanValue()).isTrue();
        assertThat(oss.at("/reasoning_effort").asText()).isEqualTo("high");
        assertThat(oss.has("reasoning_format")).isFalse();

        JsonNode qwen = chat(ProviderProfile.GROQ, withEffort(FUNCTION_CALL, "qwen/qwen3-32b", "medium"));
        assertThat(qwen.at("/reasoning_format").asText()).isEqualTo("parsed");
        assertThat(qwen.at("/reasoning_effort").asText()).isEqualTo("default");

        Translation llama =
                translate(ProviderProfile.GROQ, withEffort(FUNCTION_CALL, "llama-3.3-70b-versatile", "medium"));
        assertThat(chat(llama).has("reasoning_format")).isFalse();
        assertThat(chat(llama).has("reasoning_effort")).isFalse();
        assertThat(llama.warnings()).anyMatch(w -> w.contains("does not reason"));
    }

    @Test
    void xaiSendsEffortOnlyToModelsThatTakeIt() {
        assertThat(chat(ProviderProfile.XAI, withEffort(FUNCTION_CALL, "grok-3-mini", "medium"))
                        .at("/reasoning_effort")
                        .asText())
                .isEqualTo("high");
        Translation grok4 = translate(ProviderProfile.XAI, withEffort(FUNCTION_CALL, "grok-4", "high"));
        assertThat(chat(grok4).has("reasoning_effort")).isFalse();
        assertThat(grok4.warnings()).anyMatch(w -> w.contains("does not support parameter reasoningEffort"));
        assertThat(chat(ProviderProfile.XAI, withEffort(FUNCTION_CALL, "grok-4.3", "none"))
                        .at("/reasoning_effort")
                        .asText())
                .isEqualTo("none");
    }

    @Test
    void openRouterUsesItsUnifiedReasoningObject() {
        JsonNode chat =
                chat(ProviderProfile.OPENROUTER, withEffort(FUNCTION_CALL, "anthropic/claude-sonnet-4.5", "max"));
        assertThat(chat.at("/reasoning/effort").asText()).isEqualTo("xhigh");
        assertThat(chat.has("reasoning_effort")).isFalse();
        // No envelope in this real body, so there are no reasoning_details to give back.
        assertThat(assistants(chat).get(0).has("reasoning_details")).isFalse();
    }

    @Test
    void togetherSwitchesHybridReasoning() {
        JsonNode chat = chat(ProviderProfile.TOGETHER, withEffort(FUNCTION_CALL, "deepseek-ai/DeepSeek-V3.1", "none"));
        assertThat(chat.at("/reasoning/enabled").booleanValue()).isFalse();
        JsonNode oss = chat(ProviderProfile.TOGETHER, withEffort(FUNCTION_CALL, "openai/gpt-oss-20b", "low"));
        assertThat(oss.at("/reasoning/enabled").booleanValue()).isTrue();
        assertThat(oss.at("/reasoning_effort").asText()).isEqualTo("low");
    }

    @Test
    void fireworksAlwaysStreams() {
        // fireworks-error-max-tokens-nonstream.json: max_tokens > 4096 needs stream=true.
        ObjectNode request = codexBody(FUNCTION_CALL);
        request.put("stream", false);
        request.put("max_output_tokens", 16_000);
        Translation t = translate(ProviderProfile.FIREWORKS, request);
        assertThat(chat(t).at("/stream").booleanValue()).isTrue();
        assertThat(chat(t).at("/max_tokens").intValue()).isEqualTo(16_000);
        assertThat(t.upstreamStreams()).isTrue();
    }

    @Test
    void geminiClampsEffortAndSkipsValidationForCallsWithoutSignature() {
        // gemini-error-missing-thought-signature.json: the real body's call came from elsewhere.
        JsonNode chat = chat(ProviderProfile.GEMINI, withEffort(FUNCTION_CALL, "gemini-2.5-pro", "xhigh"));
        assertThat(chat.at("/reasoning_effort").asText()).isEqualTo("high");
        assertThat(assistants(chat)
                        .get(0)
                        .at("/tool_calls/0/extra_content/google/thought_signature")
                        .asText())
                .isEqualTo("skip_thought_signature_validator");
    }

    @Test
    void anthropicGetsOneSystemMessageAndATemperatureOfAtMostOne() {
        ObjectNode request = codexBody(FUNCTION_CALL);
        request.put("temperature", 1.7);
        request.put("model", "claude-sonnet-4-5");
        ((ObjectNode) request.get("reasoning")).put("effort", "high");
        Translation t = translate(ProviderProfile.ANTHROPIC, request);
        JsonNode chat = chat(t);

        assertThat(roles(chat)).containsOnlyOnce("system").startsWith("system");
        assertThat(chat.at("/messages/0/content").asText())
                .startsWith("You are a coding agent")
                .contains("\n\n<skills_instructions>");
        assertThat(chat.at("/temperature").doubleValue()).isEqualTo(1.0);
        assertThat(chat.has("reasoning_effort")).isFalse();
        assertThat(t.warnings()).anyMatch(w -> w.startsWith("dropped reasoning.effort high"));
    }

    // ---------------------------------------------------------------------------------------------
    // Local servers

    @Test
    void ollamaTakesNoToolChoiceAndOnlyDataUrlImages() {
        Translation t = translate(ProviderProfile.OLLAMA, forcing(JsonTestSupport.tree("\"required\"")));
        assertThat(chat(t).has("tool_choice")).isFalse();
        assertThat(t.warnings()).anyMatch(w -> w.contains("takes no tool_choice"));

        // The real image body uses data URLs, which Ollama takes; an http URL it cannot fetch.
        assertThat(chat(ProviderProfile.OLLAMA, codexBody(IMAGES))
                        .path("messages")
                        .toString())
                .contains("\"type\":\"image_url\"");
        ObjectNode http = codexBody(IMAGES);
        ((ObjectNode) http.at("/input/3/content/1")).put("image_url", "https://example.com/red.png");
        JsonNode chat = chat(ProviderProfile.OLLAMA, http);
        assertThat(chat.at("/messages/2/content").asText()).contains("[image omitted: ollama only data URLs");
    }

    @Test
    void ollamaToolChoiceNoneMeansNoTools() {
        JsonNode chat = chat(ProviderProfile.OLLAMA, forcing(JsonTestSupport.tree("\"none\"")));
        assertThat(chat.has("tools")).isFalse();
        assertThat(chat.has("tool_choice")).isFalse();
    }

    @Test
    void localServersGetOneLeadingSystemMessage() {
        for (ProviderProfile local : List.of(
                ProviderProfile.OLLAMA,
                ProviderProfile.LMSTUDIO,
                ProviderProfile.VLLM,
                ProviderProfile.LLAMACPP,
                ProviderProfile.SGLANG,
                ProviderProfile.LOCALAI)) {
            List<String> roles = roles(chat(local, codexBody(FUNCTION_CALL)));
            assertThat(roles).as(local.name()).containsOnlyOnce("system").startsWith("system");
        }
    }

    @Test
    void vllmSglangAndLlamaCppSwitchThinkingThroughTheChatTemplate() {
        for (ProviderProfile local : List.of(ProviderProfile.VLLM, ProviderProfile.SGLANG, ProviderProfile.LLAMACPP)) {
            JsonNode chat = chat(local, withEffort(FUNCTION_CALL, "Qwen/Qwen3-32B", "none"));
            assertThat(chat.at("/chat_template_kwargs/enable_thinking").booleanValue())
                    .as(local.name())
                    .isFalse();
            assertThat(chat.at("/chat_template_kwargs/thinking").booleanValue()).isFalse();
            assertThat(chat.has("reasoning_effort")).isFalse();
        }
        JsonNode oss = chat(ProviderProfile.VLLM, withEffort(FUNCTION_CALL, "openai/gpt-oss-120b", "medium"));
        assertThat(oss.at("/reasoning_effort").asText()).isEqualTo("medium");
    }

    @Test
    void eachLocalServerReplaysReasoningInItsOwnField() {
        assertThat(assistants(chat(ProviderProfile.VLLM, codexBody(FUNCTION_CALL)))
                        .get(0)
                        .has("reasoning"))
                .isTrue();
        assertThat(assistants(chat(ProviderProfile.OLLAMA, codexBody(FUNCTION_CALL)))
                        .get(0)
                        .has("reasoning"))
                .isTrue();
        assertThat(assistants(chat(ProviderProfile.LLAMACPP, codexBody(FUNCTION_CALL)))
                        .get(0)
                        .has("reasoning_content"))
                .isTrue();
        JsonNode sglang = assistants(chat(ProviderProfile.SGLANG, codexBody(FUNCTION_CALL)))
                .get(0);
        assertThat(sglang.has("reasoning")).isFalse();
        assertThat(sglang.has("reasoning_content")).isFalse();
    }

    @Test
    void lmStudioAndLocalAiPassEffortThrough() {
        assertThat(chat(ProviderProfile.LMSTUDIO, withEffort(FUNCTION_CALL, "qwen3-8b", "low"))
                        .at("/reasoning_effort")
                        .asText())
                .isEqualTo("low");
        assertThat(chat(ProviderProfile.LOCALAI, withEffort(FUNCTION_CALL, "qwen3-8b", "high"))
                        .at("/reasoning_effort")
                        .asText())
                .isEqualTo("high");
    }

    @Test
    void genericChangesNothingProviderSpecific() {
        JsonNode chat = chat(ProviderProfile.GENERIC, codexBody(FUNCTION_CALL));
        assertThat(assistants(chat).get(0).at("/tool_calls/0/id").asText()).isEqualTo("call_1");
        assertThat(assistants(chat).get(0).has("reasoning_content")).isFalse();
        assertThat(roles(chat).subList(0, 2)).containsExactly("system", "system");
    }

    @Test
    void anAllowListAlsoHoldsWhenStreamingIsSwitchedOnLate() {
        ProviderProfile strict = ProviderProfile.MISTRAL.toBuilder()
                .streamOptions(true)
                .extraBodyJson("{\"stream\":true}")
                .build();
        ObjectNode request = codexBody(FUNCTION_CALL);
        request.put("stream", false);
        JsonNode chat = chat(strict, request);
        assertThat(chat.at("/stream").booleanValue()).isTrue();
        assertThat(chat.has("stream_options")).isFalse();
    }

    @Test
    void extraBodyOverridesEveryProfileRule() {
        ProviderProfile tuned = ProviderProfile.MISTRAL.toBuilder()
                .extraBodyJson("{\"stream_options\":{\"include_usage\":true}}")
                .build();
        JsonNode chat = chat(tuned, codexBody(FUNCTION_CALL));
        assertThat(chat.at("/stream_options/include_usage").booleanValue()).isTrue();
    }
}
