package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.request.RequestMapperTestSupport.chat;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.invalid;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.map;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.ProviderProfile;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Top-level request fields. Inputs are synthetic, shaped after the body fields of docs/codex-wire.md §1.2
 * (stream, reasoning, store, include, prompt_cache_key, text with json_schema, client_metadata,
 * service_tier) plus the Responses fields Codex never sends.
 */
class RequestMapperParametersTest {
    private static final String TOOL = "{\"type\":\"function\",\"name\":\"f\"}";

    private static String request(String extraFields) {
        return "{\"model\":\"m\",\"input\":\"hi\"," + extraFields + "}";
    }

    @Test
    void modelIsCopied() {
        assertThat(chat(request("\"stream\":false")).at("/model").asText()).isEqualTo("m");
        assertThat(map(request("\"stream\":false")).model()).isEqualTo("m");
    }

    @Test
    void reasoningEffortBecomesReasoningEffort() {
        JsonNode chat = chat(request("\"reasoning\":{\"effort\":\"high\",\"summary\":\"detailed\"}"));
        assertThat(chat.at("/reasoning_effort").asText()).isEqualTo("high");
        assertThat(chat.has("reasoning")).isFalse();
    }

    @Test
    void reasoningSummaryAloneSendsNothing() {
        // Codex's default for a custom slug (docs/codex-wire.md §1.2).
        JsonNode chat = chat(request("\"reasoning\":{\"summary\":\"auto\"}"));
        assertThat(chat.has("reasoning_effort")).isFalse();
        assertThat(chat.has("reasoning")).isFalse();
    }

    @Test
    void profileCanDropReasoningEffort() {
        ProviderProfile noEffort = ProviderProfile.builder("x")
                .dropFields(Set.of("reasoning_effort"))
                .build();
        assertThat(chat(request("\"reasoning\":{\"effort\":\"high\"}"), noEffort)
                        .has("reasoning_effort"))
                .isFalse();
    }

    @Test
    void jsonSchemaFormatBecomesResponseFormat() {
        // The --output-schema shape of docs/codex-wire.md §1.2.
        String schema = "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}},"
                + "\"required\":[\"answer\"],\"additionalProperties\":false}";
        JsonNode chat = chat(request("\"text\":{\"format\":{\"type\":\"json_schema\",\"strict\":true,\"schema\":"
                + schema + ",\"name\":\"codex_output_schema\"},\"verbosity\":\"low\"}"));

        assertThat(chat.at("/response_format"))
                .isEqualTo(tree("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"codex_output_schema\","
                        + "\"schema\":" + schema + ",\"strict\":true}}"));
        assertThat(chat.has("verbosity")).isFalse();
        assertThat(chat.has("text")).isFalse();
    }

    @Test
    void jsonObjectFormatBecomesJsonObject() {
        assertThat(chat(request("\"text\":{\"format\":{\"type\":\"json_object\"}}"))
                        .at("/response_format"))
                .isEqualTo(tree("{\"type\":\"json_object\"}"));
    }

    @Test
    void textFormatSendsNoResponseFormat() {
        assertThat(chat(request("\"text\":{\"format\":{\"type\":\"text\"}}")).has("response_format"))
                .isFalse();
    }

    @Test
    void jsonSchemaWithoutSchemaIsRejected() {
        assertThat(invalid(request("\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"n\"}}"))
                        .path())
                .isEqualTo("/text/format/schema");
    }

    @Test
    void unknownTextFormatIsRejected() {
        assertThat(invalid(request("\"text\":{\"format\":{\"type\":\"yaml\"}}")).path())
                .isEqualTo("/text/format/type");
    }

    @Test
    void maxOutputTokensUsesTheProfilesField() {
        String body = request("\"max_output_tokens\":1024");
        assertThat(chat(body).at("/max_tokens").intValue()).isEqualTo(1024);
        JsonNode openai = chat(body, ProviderProfile.OPENAI);
        assertThat(openai.at("/max_completion_tokens").intValue()).isEqualTo(1024);
        assertThat(openai.has("max_tokens")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "1.5", "\"100\""})
    void maxOutputTokensMustBeAPositiveInteger(String value) {
        assertThat(invalid(request("\"max_output_tokens\":" + value)).path()).isEqualTo("/max_output_tokens");
    }

    @Test
    void samplingNumbersPassThroughUnchanged() {
        String chatJson = map(request("\"temperature\":0.7,\"top_p\":1")).chatJson();
        assertThat(chatJson).contains("\"temperature\":0.7", "\"top_p\":1");
    }

    @Test
    void nonNumericTemperatureIsRejected() {
        assertThat(invalid(request("\"temperature\":\"hot\"")).path()).isEqualTo("/temperature");
    }

    @Test
    void infiniteNumberIsRejected() {
        assertThat(invalid(request("\"top_p\":1e400")).getMessage()).contains("finite");
    }

    @Test
    void streamingAsksForUsage() {
        JsonNode chat = chat(request("\"stream\":true"));
        assertThat(chat.at("/stream").booleanValue()).isTrue();
        assertThat(chat.at("/stream_options")).isEqualTo(tree("{\"include_usage\":true}"));
        assertThat(map(request("\"stream\":true")).clientStreams()).isTrue();
        assertThat(map(request("\"stream\":true")).upstreamStreams()).isTrue();
    }

    @Test
    void profileWithoutStreamOptionsStreamsWithoutThem() {
        ProviderProfile noOptions =
                ProviderProfile.builder("x").streamOptions(false).build();
        assertThat(chat(request("\"stream\":true"), noOptions).has("stream_options"))
                .isFalse();
    }

    @Test
    void nonStreamingRequestSaysSo() {
        JsonNode chat = chat(request("\"store\":false"));
        assertThat(chat.at("/stream").isBoolean()).isTrue();
        assertThat(chat.at("/stream").booleanValue()).isFalse();
        assertThat(chat.has("stream_options")).isFalse();
        assertThat(map(request("\"store\":false")).clientStreams()).isFalse();
    }

    @Test
    void userIdentifiersAreDroppedByDefault() {
        JsonNode chat = chat(request("\"user\":\"u1\",\"safety_identifier\":\"s1\""));
        assertThat(chat.has("user")).isFalse();
        assertThat(chat.has("safety_identifier")).isFalse();
    }

    @Test
    void userIdentifiersAreKeptWhenTheProfileKeepsThem() {
        JsonNode chat = chat(request("\"user\":\"u1\",\"safety_identifier\":\"s1\""), ProviderProfile.OPENAI);
        assertThat(chat.at("/user").asText()).isEqualTo("u1");
        assertThat(chat.at("/safety_identifier").asText()).isEqualTo("s1");
    }

    @Test
    void fieldsWithoutChatMeaningAreDroppedSilently() {
        MappedRequest mapped = map(
                request(
                        "\"store\":false,\"include\":[\"reasoning.encrypted_content\"],"
                                + "\"prompt_cache_key\":\"k\",\"client_metadata\":{\"turn_id\":\"t\"},\"service_tier\":\"flex\","
                                + "\"truncation\":\"auto\",\"metadata\":{\"a\":\"b\"},\"stream_options\":{\"include_obfuscation\":false}"));
        JsonNode chat = tree(mapped.chatJson());

        for (String field : RequestMapper.DROPPED_FIELDS.keySet()) {
            assertThat(chat.has(field)).as(field).isFalse();
        }
        assertThat(mapped.warnings()).isEmpty();
    }

    @Test
    void unknownFieldIsDroppedWithWarning() {
        MappedRequest mapped = map(request("\"max_tool_calls\":3"));
        assertThat(tree(mapped.chatJson()).has("max_tool_calls")).isFalse();
        assertThat(mapped.warnings()).containsExactly("dropped unknown field max_tool_calls at /max_tool_calls");
    }

    @Test
    void unknownFieldWarningEscapesItsPointer() {
        assertThat(map(request("\"a/b~c\":1")).warnings()).containsExactly("dropped unknown field a/b~c at /a~1b~0c");
    }

    @Test
    void profileThatForcesStreamingStreamsUpstreamWithUsage() {
        ProviderProfile alwaysStream =
                ProviderProfile.builder("x").extraBodyJson("{\"stream\":true}").build();
        MappedRequest mapped = map(request("\"stream\":false"), alwaysStream);

        assertThat(mapped.clientStreams()).isFalse();
        assertThat(mapped.upstreamStreams()).isTrue();
        assertThat(tree(mapped.chatJson()).at("/stream_options")).isEqualTo(tree("{\"include_usage\":true}"));
    }

    @Test
    void profileThatDropsStreamDoesNotStreamUpstream() {
        ProviderProfile neverStream = ProviderProfile.builder("x")
                .dropFields(Set.of("stream", "stream_options"))
                .build();
        MappedRequest mapped = map(request("\"stream\":true"), neverStream);

        assertThat(mapped.clientStreams()).isTrue();
        assertThat(mapped.upstreamStreams()).isFalse();
        assertThat(tree(mapped.chatJson()).has("stream_options")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"previous_response_id", "conversation", "prompt"})
    void statefulFieldsAreRefused(String field) {
        InvalidRequestException error = invalid(request("\"" + field + "\":\"resp_1\""));
        assertThat(error.path()).isEqualTo("/" + field);
        assertThat(error.getMessage())
                .startsWith(field + " is not supported: this relay keeps no server-side state;")
                .contains("send the whole conversation in input");
    }

    @Test
    void backgroundTrueIsRefused() {
        assertThat(invalid(request("\"background\":true")).path()).isEqualTo("/background");
    }

    @Test
    void backgroundFalseIsFine() {
        assertThat(map(request("\"background\":false")).warnings()).isEmpty();
    }

    @Test
    void nullStatefulFieldMeansAbsent() {
        assertThat(chat(request("\"previous_response_id\":null")).at("/model").asText())
                .isEqualTo("m");
    }

    @Test
    void parallelToolCallsIsForwardedWithTools() {
        assertThat(chat(request("\"parallel_tool_calls\":false,\"tools\":[" + TOOL + "]"))
                        .at("/parallel_tool_calls")
                        .booleanValue())
                .isFalse();
    }

    @Test
    void dropFieldsRemovesMappedFields() {
        ProviderProfile old = ProviderProfile.builder("azure-2024")
                .dropFields(Set.of("parallel_tool_calls", "stream_options"))
                .build();
        JsonNode chat = chat(request("\"stream\":true,\"parallel_tool_calls\":true,\"tools\":[" + TOOL + "]"), old);
        assertThat(chat.has("parallel_tool_calls")).isFalse();
        assertThat(chat.has("stream_options")).isFalse();
        assertThat(chat.at("/stream").booleanValue()).isTrue();
    }

    @Test
    void extraBodyIsMergedLast() {
        ProviderProfile glm = ProviderProfile.builder("glm")
                .extraBodyJson(
                        "{\"thinking\":{\"type\":\"enabled\"},\"stream_options\":{\"chunk\":1},\"model\":\"glm-5\"}")
                .build();
        JsonNode chat = chat(request("\"stream\":true"), glm);
        assertThat(chat.at("/thinking")).isEqualTo(tree("{\"type\":\"enabled\"}"));
        assertThat(chat.at("/stream_options")).isEqualTo(tree("{\"include_usage\":true,\"chunk\":1}"));
        assertThat(chat.at("/model").asText()).isEqualTo("glm-5");
    }

    @Test
    void extraBodyMergeLeavesTheClientsObjectsAlone() {
        ProviderProfile strictSchemas = ProviderProfile.builder("x")
                .extraBodyJson("{\"response_format\":{\"json_schema\":{\"schema\":{\"title\":\"added\"}}}}")
                .build();
        MappedRequest mapped = map(
                request(
                        "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"n\",\"schema\":{\"type\":\"object\"}}}"),
                strictSchemas);

        assertThat(tree(mapped.chatJson())
                        .at("/response_format/json_schema/schema/title")
                        .asText())
                .isEqualTo("added");
        assertThat(mapped.responseEcho().at("/text/format/schema")).isEqualTo(tree("{\"type\":\"object\"}"));
    }

    @Test
    void extraBodyMustBeAJsonObject() {
        assertThatThrownBy(() -> ProviderProfile.builder("x").extraBodyJson("[1]"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProviderProfile.builder("x").extraBodyJson("{nope"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void responseEchoRepeatsTheFieldsAsSent() {
        String tools = "[{\"type\":\"function\",\"name\":\"f\",\"strict\":false},{\"type\":\"web_search\"}]";
        MappedRequest mapped = map("{\"model\":\"m\",\"input\":\"hi\",\"instructions\":\"Be brief.\",\"tools\":" + tools
                + ",\"tool_choice\":\"auto\",\"parallel_tool_calls\":true,\"temperature\":0.2,\"top_p\":0.9,"
                + "\"max_output_tokens\":50,\"reasoning\":{\"effort\":\"low\",\"summary\":\"auto\"},"
                + "\"text\":{\"verbosity\":\"low\"},\"metadata\":{\"k\":\"v\"},\"store\":false,\"truncation\":\"disabled\","
                + "\"service_tier\":\"flex\",\"user\":\"u\",\"prompt_cache_key\":\"pk\"}");

        assertThat(mapped.responseEcho())
                .isEqualTo(tree("{\"instructions\":\"Be brief.\",\"tools\":" + tools + ",\"tool_choice\":\"auto\","
                        + "\"parallel_tool_calls\":true,\"temperature\":0.2,\"top_p\":0.9,\"max_output_tokens\":50,"
                        + "\"reasoning\":{\"effort\":\"low\",\"summary\":\"auto\"},\"text\":{\"verbosity\":\"low\"},"
                        + "\"metadata\":{\"k\":\"v\"},\"store\":false,\"truncation\":\"disabled\","
                        + "\"service_tier\":\"flex\",\"user\":\"u\"}"));
    }

    @Test
    void responseEchoLeavesOutWhatWasNotSent() {
        assertThat(map(request("\"stream\":true")).responseEcho()).isEqualTo(tree("{}"));
    }

    @Test
    void chatBodyKeepsAStableFieldOrder() {
        JsonNode chat = chat("{\"stream\":true,\"temperature\":1,\"max_output_tokens\":9,"
                + "\"reasoning\":{\"effort\":\"low\"},\"parallel_tool_calls\":true,\"tool_choice\":\"auto\","
                + "\"tools\":[" + TOOL + "],\"input\":\"hi\",\"model\":\"m\"}");
        assertThat(chat.fieldNames())
                .toIterable()
                .containsExactly(
                        "model",
                        "messages",
                        "tools",
                        "tool_choice",
                        "parallel_tool_calls",
                        "reasoning_effort",
                        "max_tokens",
                        "temperature",
                        "stream",
                        "stream_options");
    }

    @Test
    void missingModelIsRejected() {
        assertThat(invalid("{\"input\":\"hi\"}").path()).isEqualTo("/model");
    }

    @Test
    void emptyModelIsRejected() {
        assertThat(invalid("{\"model\":\"\",\"input\":\"hi\"}").path()).isEqualTo("/model");
    }

    @Test
    void inputIsRequiredWithoutInstructions() {
        assertThat(invalid("{\"model\":\"m\",\"input\":[]}").path()).isEqualTo("/input");
    }

    @Test
    void invalidRequestIsA400NamingThePath() {
        InvalidRequestException error = invalid("{\"model\":42,\"input\":\"hi\"}");
        assertThat(error.error().httpStatus()).isEqualTo(400);
        assertThat(error.error().param()).contains("/model");
        assertThat(error.getMessage()).isEqualTo("model must be a string at /model");
    }
}
