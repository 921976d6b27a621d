package dev.responsesrelay.reverse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import dev.responsesrelay.ChatTranslation;
import dev.responsesrelay.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chat Completions request to Responses request. Every request here is synthetic, shaped after the
 * Chat Completions request reference, and (unless it is deliberately invalid) validated against
 * openai-java's {@link ChatCompletionCreateParams} body model first. Mapped requests without
 * assistant text are validated against openai-java's {@link ResponseCreateParams} body model; that
 * model wants an {@code id} on assistant {@code output_text} history, which the OpenAI server does
 * not (openai-java#585, openai-go#334), so those are checked field by field only.
 */
class ChatRequestMappingTest {
    private static ChatTranslation translate(String chatJson) {
        ChatStreamCheck.parse(chatJson, ChatCompletionCreateParams.Body.class).validate();
        return Fixtures.translator().translate(chatJson);
    }

    private static JsonNode mapped(String chatJson) {
        return ChatStreamCheck.tree(translate(chatJson).responsesRequestJson());
    }

    private static JsonNode mappedAndValid(String chatJson) {
        String responses = translate(chatJson).responsesRequestJson();
        ChatStreamCheck.parse(responses, ResponseCreateParams.Body.class).validate();
        return ChatStreamCheck.tree(responses);
    }

    private static JsonNode json(String json) {
        return ChatStreamCheck.tree(json);
    }

    private static InvalidRequestException refused(String chatJson) {
        try {
            Fixtures.translator().translate(chatJson);
        } catch (InvalidRequestException e) {
            assertThat(e.error().httpStatus()).isEqualTo(400);
            assertThat(e.error().type()).isEqualTo("invalid_request_error");
            return e;
        }
        throw new AssertionError("not refused: " + chatJson);
    }

    @Test
    void systemDeveloperAndUserMessagesKeepTheirRolesAsInputText() {
        JsonNode request = mappedAndValid(
                "{\"model\":\"gpt-4o\",\"messages\":["
                        + "{\"role\":\"system\",\"content\":\"Be terse.\"},"
                        + "{\"role\":\"developer\",\"content\":[{\"type\":\"text\",\"text\":\"Use tools.\"}]},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]}]}");

        assertThat(request.path("model").asText()).isEqualTo("gpt-4o");
        assertThat(request.path("input"))
                .isEqualTo(json("["
                        + "{\"type\":\"message\",\"role\":\"system\",\"content\":[{\"type\":\"input_text\",\"text\":\"Be terse.\"}]},"
                        + "{\"type\":\"message\",\"role\":\"developer\",\"content\":[{\"type\":\"input_text\",\"text\":\"Use tools.\"}]},"
                        + "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"a\"},"
                        + "{\"type\":\"input_text\",\"text\":\"b\"}]}]"));
        assertThat(request.path("store").asBoolean(true)).isFalse();
        assertThat(request.path("stream").asBoolean(true)).isFalse();
    }

    @Test
    void imagePartsBecomeInputImagesWithTheirDetail() {
        JsonNode request = mappedAndValid("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\",\"detail\":\"high\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.jpg\"}}]}]}");

        assertThat(request.path("input").path(0).path("content"))
                .isEqualTo(
                        json(
                                "["
                                        + "{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,iVBORw0KGgo=\",\"detail\":\"high\"},"
                                        + "{\"type\":\"input_image\",\"image_url\":\"https://example.com/cat.jpg\",\"detail\":\"auto\"}]"));
    }

    @Test
    void filePartsBecomeInputFiles() {
        JsonNode request = mappedAndValid("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"file\",\"file\":{\"file_id\":\"file-abc\",\"filename\":\"a.pdf\"}}]}]}");

        assertThat(request.path("input").path(0).path("content"))
                .isEqualTo(json("[{\"type\":\"input_file\",\"file_id\":\"file-abc\",\"filename\":\"a.pdf\"}]"));
    }

    @Test
    void assistantTextComesBeforeItsToolCallsAndToolResultsFollow() {
        JsonNode request = mapped("{\"model\":\"gpt-4o\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"List files\"},"
                + "{\"role\":\"assistant\",\"content\":\"Listing.\",\"tool_calls\":["
                + "{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"ls\",\"arguments\":\"{\\\"dir\\\":\\\".\\\"}\"}},"
                + "{\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"pwd\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"a.txt\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_2\",\"content\":[{\"type\":\"text\",\"text\":\"/ho\"},"
                + "{\"type\":\"text\",\"text\":\"me\"}]}]}");

        assertThat(request.path("input"))
                .isEqualTo(json("["
                        + "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"List files\"}]},"
                        + "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Listing.\",\"annotations\":[]}]},"
                        + "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"ls\",\"arguments\":\"{\\\"dir\\\":\\\".\\\"}\"},"
                        + "{\"type\":\"function_call\",\"call_id\":\"call_2\",\"name\":\"pwd\",\"arguments\":\"{}\"},"
                        + "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"a.txt\"},"
                        + "{\"type\":\"function_call_output\",\"call_id\":\"call_2\",\"output\":\"/home\"}]"));
    }

    @Test
    void assistantWithOnlyToolCallsAddsNoMessage() {
        JsonNode request = mappedAndValid("{\"model\":\"gpt-4o\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                + "{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"ls\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"ok\"}]}");

        assertThat(request.path("input")).hasSize(3);
        assertThat(request.path("input").path(1).path("type").asText()).isEqualTo("function_call");
    }

    @Test
    void toolsBecomeFlatFunctionsThatKeepChatsNonStrictDefault() {
        JsonNode request = mappedAndValid("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"ls\",\"description\":\"List\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"dir\":{\"type\":\"string\"}}}}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"now\",\"strict\":true}}],"
                + "\"tool_choice\":\"required\",\"parallel_tool_calls\":false}");

        assertThat(request.path("tools"))
                .isEqualTo(
                        json(
                                "["
                                        + "{\"type\":\"function\",\"name\":\"ls\",\"description\":\"List\","
                                        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"dir\":{\"type\":\"string\"}}},\"strict\":false},"
                                        + "{\"type\":\"function\",\"name\":\"now\",\"parameters\":{\"type\":\"object\",\"properties\":{}},\"strict\":true}]"));
        assertThat(request.path("tool_choice").asText()).isEqualTo("required");
        assertThat(request.path("parallel_tool_calls").asBoolean(true)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"auto\"|\"auto\"",
                "\"none\"|\"none\"",
                "{\"type\":\"function\",\"function\":{\"name\":\"ls\"}}|{\"type\":\"function\",\"name\":\"ls\"}",
                "{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"required\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"ls\"}}]}}"
                        + "|{\"type\":\"allowed_tools\",\"mode\":\"required\",\"tools\":[{\"type\":\"function\",\"name\":\"ls\"}]}"
            })
    void toolChoiceMapsToItsResponsesForm(String chatChoice, String responsesChoice) {
        JsonNode request = mappedAndValid("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"ls\"}}],\"tool_choice\":" + chatChoice
                + "}");

        assertThat(request.path("tool_choice")).isEqualTo(json(responsesChoice));
    }

    @Test
    void toolChoiceWithoutToolsIsDroppedWithAWarning() {
        ChatTranslation translation = translate(
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tool_choice\":\"none\"}");

        assertThat(ChatStreamCheck.tree(translation.responsesRequestJson()).has("tool_choice"))
                .isFalse();
        assertThat(translation.warnings()).anyMatch(w -> w.contains("/tool_choice"));
    }

    @Test
    void jsonSchemaResponseFormatBecomesTextFormat() {
        JsonNode request = mappedAndValid("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\",\"strict\":true,"
                + "\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"],"
                + "\"additionalProperties\":false}}},\"verbosity\":\"low\"}");

        assertThat(request.path("text"))
                .isEqualTo(json("{\"format\":{\"type\":\"json_schema\",\"name\":\"answer\","
                        + "\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"],"
                        + "\"additionalProperties\":false},\"strict\":true},\"verbosity\":\"low\"}"));
    }

    @Test
    void jsonObjectResponseFormatBecomesTextFormat() {
        JsonNode request =
                mappedAndValid("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"json\"}],"
                        + "\"response_format\":{\"type\":\"json_object\"}}");

        assertThat(request.path("text")).isEqualTo(json("{\"format\":{\"type\":\"json_object\"}}"));
    }

    @ParameterizedTest
    @CsvSource({"max_tokens", "max_completion_tokens"})
    void tokenLimitBecomesMaxOutputTokens(String field) {
        JsonNode request = mappedAndValid(
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"" + field + "\":512}");

        assertThat(request.path("max_output_tokens").asLong()).isEqualTo(512);
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokens() {
        JsonNode request = mappedAndValid("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":100,\"max_completion_tokens\":200}");

        assertThat(request.path("max_output_tokens").asLong()).isEqualTo(200);
    }

    @Test
    void reasoningEffortAsksForEffortAndASummary() {
        JsonNode request = mappedAndValid("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"reasoning_effort\":\"high\"}");

        assertThat(request.path("reasoning")).isEqualTo(json("{\"effort\":\"high\",\"summary\":\"auto\"}"));
    }

    @Test
    void streamWithIncludeUsageIsRemembered() {
        ChatTranslation translation = translate(Fixtures.STREAMING_REQUEST);

        assertThat(translation.clientStreams()).isTrue();
        assertThat(translation.includeUsage()).isTrue();
        assertThat(translation.model()).isEqualTo("gpt-4o");
        JsonNode request = ChatStreamCheck.tree(translation.responsesRequestJson());
        assertThat(request.path("stream").asBoolean()).isTrue();
        assertThat(request.has("stream_options")).isFalse();
    }

    @Test
    void samplingUserMetadataAndCacheFieldsPassThrough() {
        JsonNode request = mappedAndValid("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"temperature\":0.25,\"top_p\":0.9,\"user\":\"u-1\",\"metadata\":{\"k\":\"v\"},"
                + "\"service_tier\":\"flex\",\"prompt_cache_key\":\"pc\",\"safety_identifier\":\"s-1\"}");

        assertThat(request.path("temperature").decimalValue()).isEqualByComparingTo("0.25");
        assertThat(request.path("top_p").decimalValue()).isEqualByComparingTo("0.9");
        assertThat(request.path("user").asText()).isEqualTo("u-1");
        assertThat(request.path("metadata")).isEqualTo(json("{\"k\":\"v\"}"));
        assertThat(request.path("service_tier").asText()).isEqualTo("flex");
        assertThat(request.path("prompt_cache_key").asText()).isEqualTo("pc");
        assertThat(request.path("safety_identifier").asText()).isEqualTo("s-1");
    }

    @Test
    void storeIsAlwaysFalseAndAskingForItIsAWarning() {
        ChatTranslation translation = translate(
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"store\":true}");

        assertThat(ChatStreamCheck.tree(translation.responsesRequestJson())
                        .path("store")
                        .asBoolean(true))
                .isFalse();
        assertThat(translation.warnings()).anyMatch(w -> w.contains("/store"));
    }

    @Test
    void seedAndParticipantNamesAreDroppedWithWarnings() {
        ChatTranslation translation = translate("{\"model\":\"gpt-4o\",\"seed\":7,"
                + "\"messages\":[{\"role\":\"user\",\"name\":\"ann\",\"content\":\"hi\"}]}");

        assertThat(ChatStreamCheck.tree(translation.responsesRequestJson()).has("seed"))
                .isFalse();
        assertThat(translation.warnings())
                .anyMatch(w -> w.contains("/seed"))
                .anyMatch(w -> w.contains("/messages/0/name"));
    }

    @Test
    void neutralValuesOfUnsupportedFieldsAreAccepted() {
        JsonNode request = mappedAndValid("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"n\":1,\"stop\":null,\"logprobs\":false,\"logit_bias\":{},\"modalities\":[\"text\"],"
                + "\"frequency_penalty\":0,\"presence_penalty\":0.0,\"functions\":null}");

        assertThat(request.has("n")).isFalse();
        assertThat(request.has("stop")).isFalse();
        assertThat(request.has("logprobs")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"n\":2|/n",
                "\"stop\":[\"END\"]|/stop",
                "\"stop\":\"END\"|/stop",
                "\"logprobs\":true|/logprobs",
                "\"top_logprobs\":3|/top_logprobs",
                "\"logit_bias\":{\"50256\":-100}|/logit_bias",
                "\"audio\":{\"voice\":\"alloy\",\"format\":\"mp3\"}|/audio",
                "\"modalities\":[\"text\",\"audio\"]|/modalities/1",
                "\"prediction\":{\"type\":\"content\",\"content\":\"x\"}|/prediction",
                "\"functions\":[{\"name\":\"f\"}]|/functions",
                "\"function_call\":\"auto\"|/function_call",
                "\"frequency_penalty\":0.5|/frequency_penalty",
                "\"presence_penalty\":-1|/presence_penalty",
                "\"web_search_options\":{}|/web_search_options",
                "\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"patch\"}}]|/tools/0/type",
                "\"previous_response_id\":\"resp_1\"|/previous_response_id",
                "\"reasoning\":{\"effort\":\"high\"}|/reasoning"
            })
    void fieldsTheResponsesApiCannotHonourAreRefusedByPath(String field, String path) {
        InvalidRequestException e =
                refused("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + field + "}");

        assertThat(e.path()).isEqualTo(path);
        assertThat(e.getMessage()).endsWith(" at " + path);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AA==\",\"format\":\"wav\"}}]}|/messages/0/content/0/type",
                "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":3}]}|/messages/0/content/0/text",
                "{\"role\":\"system\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]}|/messages/0/content/0/type",
                "{\"role\":\"function\",\"name\":\"f\",\"content\":\"x\"}|/messages/0/role",
                "{\"role\":\"robot\",\"content\":\"x\"}|/messages/0/role",
                "{\"content\":\"x\"}|/messages/0/role",
                "{\"role\":\"user\"}|/messages/0/content",
                "{\"role\":\"tool\",\"content\":\"x\"}|/messages/0/tool_call_id",
                "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}|/messages/0/tool_calls/0/function/arguments",
                "{\"role\":\"assistant\",\"function_call\":{\"name\":\"f\",\"arguments\":\"{}\"}}|/messages/0/function_call",
                "\"hello\"|/messages/0"
            })
    void malformedMessagesAreRefusedByPath(String message, String path) {
        InvalidRequestException e = refused("{\"model\":\"gpt-4o\",\"messages\":[" + message + "]}");

        assertThat(e.path()).isEqualTo(path);
    }

    @Test
    void contentAfterTheJsonValueIsRefusedLikeTheForwardMapperDoes() {
        // Issue 13 §6: Jackson's readTree stops after the first value, so the rest was ignored.
        InvalidRequestException e =
                refused("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} {\"x\":1}");

        assertThat(e.getMessage()).contains("content after the JSON value");
    }

    @Test
    void malformedBodiesAreRefused() {
        assertThat(refused("{\"model\":").path()).isNull();
        assertThat(refused("[1,2]").path()).isNull();
        assertThat(refused("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .path())
                .isEqualTo("/model");
        assertThat(refused("{\"model\":\"gpt-4o\"}").path()).isEqualTo("/messages");
        assertThat(refused("{\"model\":\"gpt-4o\",\"messages\":[]}").path()).isEqualTo("/messages");
        assertThat(refused("{\"model\":\"gpt-4o\",\"messages\":{}}").path()).isEqualTo("/messages");
        assertThat(refused(
                                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"yes\"}")
                        .path())
                .isEqualTo("/stream");
        assertThat(refused(
                                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1.5}")
                        .path())
                .isEqualTo("/max_tokens");
    }

    @Test
    void unknownFieldsPassThroughWithAWarning() {
        ChatTranslation translation = Fixtures.translator()
                .translate(
                        "{\"model\":\"gpt-oss-120b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"top_k\":40}");

        assertThat(ChatStreamCheck.tree(translation.responsesRequestJson())
                        .path("top_k")
                        .asInt())
                .isEqualTo(40);
        assertThat(translation.warnings()).anyMatch(w -> w.contains("/top_k"));
    }

    @Test
    void assistantReasoningContentIsDroppedWithAWarning() {
        ChatTranslation translation = Fixtures.translator()
                .translate("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                        + "{\"role\":\"assistant\",\"content\":\"Hello\",\"reasoning_content\":\"thinking\"},"
                        + "{\"role\":\"user\",\"content\":\"again\"}]}");

        assertThat(translation.responsesRequestJson()).doesNotContain("thinking");
        assertThat(translation.warnings()).anyMatch(w -> w.contains("/messages/1/reasoning_content"));
    }
}
