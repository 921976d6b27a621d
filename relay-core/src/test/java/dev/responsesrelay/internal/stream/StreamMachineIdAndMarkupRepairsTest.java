package dev.responsesrelay.internal.stream;

import static dev.responsesrelay.internal.stream.ProviderTestSupport.codexBody;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.codexLikeRequest;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.output;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.responsesrelay.HealingRule;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.Translation;
import dev.responsesrelay.internal.JsonTestSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The repairs added with the provider profiles: {@link HealingRule#REUSED_TOOL_CALL_ID} and {@link
 * HealingRule#LEAKED_TOOL_MARKUP} (off by default). Upstream chunks are synthetic, shaped after
 * docs/dialects.md §0 chunks and the markup of rule 23.
 */
class StreamMachineIdAndMarkupRepairsTest {
    private final List<HealingRule> healed = new ArrayList<>();

    private ResponsesTranslator.Builder translator(ProviderProfile profile) {
        return ResponsesTranslator.builder()
                .provider(profile)
                .idGenerator(IdGenerator.sequential())
                .healingListener((rule, detail) -> healed.add(rule));
    }

    private static String call(int index, String id, String arguments) {
        return Chunks.delta("{\"tool_calls\":[{\"index\":" + index + ",\"id\":\"" + id + "\",\"type\":\"function\","
                + "\"function\":{\"name\":\"exec_command\",\"arguments\":" + Chunks.quote(arguments) + "}}]}");
    }

    @Test
    void aNewCallReusingARewrittenHistoryIdGetsAFreshCallId() {
        // The real 02 body replays call_1, which goes to Mistral as a 9-character hash.
        Translation translation = translator(ProviderProfile.MISTRAL)
                .build()
                .translate(codexBody("02_function_call_002").toString());
        String rewritten = JsonTestSupport.tree(translation.chatRequestJson())
                .at("/messages/4/tool_calls/0/id")
                .asText();
        assertThat(rewritten).matches("[A-Za-z0-9]{9}");

        List<SseEvent> events = stream(translation, call(0, rewritten, "{}"), Chunks.finish("tool_calls"), "[DONE]");

        String callId = output(events).get(0).path("call_id").asText();
        assertThat(callId).isNotEqualTo(rewritten).isNotEqualTo("call_1").startsWith("call_");
        assertThat(healed).containsExactly(HealingRule.REUSED_TOOL_CALL_ID);
    }

    @Test
    void aNewCallReusingTheClientsOwnIdGetsAFreshCallId() {
        Translation translation = translator(ProviderProfile.GENERIC)
                .build()
                .translate(codexBody("02_function_call_002").toString());
        List<SseEvent> events = stream(translation, call(0, "call_1", "{}"), Chunks.finish("tool_calls"), "[DONE]");
        assertThat(output(events).get(0).path("call_id").asText()).isNotEqualTo("call_1");
    }

    @Test
    void twoCallsOfOneAnswerNeverShareACallId() {
        // LocalAI 2024 restates the completion id as every call's id (docs/dialects.md §1.18).
        Translation translation = translator(ProviderProfile.LOCALAI)
                .build()
                .translate(codexLikeRequest("m", "go").toString());
        List<SseEvent> events = stream(
                translation,
                call(0, "f5f63d03", "{\"cmd\":\"ls\"}"),
                call(1, "f5f63d03", "{\"cmd\":\"pwd\"}"),
                Chunks.finish("tool_calls"),
                "[DONE]");
        ArrayNode output = output(events);
        assertThat(output.get(0).path("call_id").asText()).isEqualTo("f5f63d03");
        assertThat(output.get(1).path("call_id").asText()).isNotEqualTo("f5f63d03");
    }

    @Test
    void withTheRepairOffAReusedIdFailsTheAnswer() {
        Translation translation = translator(ProviderProfile.GENERIC)
                .disableHealing(HealingRule.REUSED_TOOL_CALL_ID)
                .build()
                .translate(codexBody("02_function_call_002").toString());
        List<SseEvent> events = stream(translation, call(0, "call_1", "{}"), Chunks.finish("tool_calls"), "[DONE]");
        assertThat(events.get(events.size() - 1).event()).isEqualTo(EventTypes.FAILED);
    }

    private static final String HERMES = "I'll look.\n<tool_call>\n{\"name\": \"exec_command\", \"arguments\":"
            + " {\"cmd\": \"ls\"}}\n</tool_call>";

    @Test
    void leakedMarkupStaysTextByDefault() {
        Translation translation = translator(ProviderProfile.VLLM)
                .build()
                .translate(codexLikeRequest("m", "go").toString());
        List<SseEvent> events = stream(translation, Chunks.text(HERMES), Chunks.finish("stop"), "[DONE]");
        ArrayNode output = output(events);
        assertThat(output)
                .singleElement()
                .satisfies(m -> assertThat(m.at("/content/0/text").asText()).isEqualTo(HERMES));
        assertThat(healed).isEmpty();
    }

    @Test
    void leakedMarkupBecomesACallWhenSwitchedOn() {
        Translation translation = translator(ProviderProfile.VLLM)
                .enableHealing(HealingRule.LEAKED_TOOL_MARKUP)
                .build()
                .translate(codexLikeRequest("m", "go").toString());
        // Split mid-marker, as a stream would.
        List<SseEvent> events = stream(
                translation,
                Chunks.text(HERMES.substring(0, 15)),
                Chunks.text(HERMES.substring(15)),
                Chunks.finish("stop"),
                "[DONE]");
        ArrayNode output = output(events);
        assertThat(output).extracting(i -> i.path("type").asText()).containsExactly("message", "function_call");
        assertThat(output.get(0).at("/content/0/text").asText()).isEqualTo("I'll look.\n");
        JsonNode call = output.get(1);
        assertThat(call.path("name").asText()).isEqualTo("exec_command");
        assertThat(call.path("arguments").asText()).isEqualTo("{\"cmd\":\"ls\"}");
        assertThat(healed).containsExactly(HealingRule.LEAKED_TOOL_MARKUP, HealingRule.TOOL_CALLS_FINISH_REASON);
    }

    @Test
    void leakedKimiMarkupKeepsKimisIds() {
        String markup = "<|tool_calls_section_begin|><|tool_call_begin|>functions.exec_command:0"
                + "<|tool_call_argument_begin|>{\"cmd\":\"ls\"}<|tool_call_end|><|tool_calls_section_end|>";
        Translation translation = translator(ProviderProfile.KIMI)
                .enableHealing(HealingRule.LEAKED_TOOL_MARKUP)
                .build()
                .translate(codexLikeRequest("kimi-k2-thinking", "go").toString());
        List<SseEvent> events = stream(translation, Chunks.text(markup), Chunks.finish("stop"), "[DONE]");
        assertThat(output(events)).singleElement().satisfies(c -> {
            assertThat(c.path("call_id").asText()).isEqualTo("functions.exec_command:0");
            assertThat(c.path("arguments").asText()).isEqualTo("{\"cmd\":\"ls\"}");
        });
    }

    @Test
    void leakedMarkupInACutOffAnswerStaysText() {
        Translation translation = translator(ProviderProfile.VLLM)
                .enableHealing(HealingRule.LEAKED_TOOL_MARKUP)
                .build()
                .translate(codexLikeRequest("m", "go").toString());
        List<SseEvent> events = stream(translation, Chunks.text(HERMES), Chunks.finish("length"), "[DONE]");
        assertThat(events.get(events.size() - 1).event()).isEqualTo(EventTypes.INCOMPLETE);
        assertThat(output(events).get(0).at("/content/0/text").asText()).isEqualTo(HERMES);
    }

    private static final String GROQ_TOOL_USE_FAILED = "{\"error\":{\"message\":\"Failed to call a function."
            + " Please adjust your prompt. See 'failed_generation' for more details.\",\"type\":"
            + "\"invalid_request_error\",\"code\":\"tool_use_failed\",\"failed_generation\":"
            + "\"<function=exec_command>{\\\"cmd\\\": \\\"ls\\\"}</function>\"}}";

    @Test
    void groqsMidStreamToolUseFailedIsAnErrorByDefault() {
        // Synthetic, shaped after docs/dialects.md §1.6 (groq-typescript #28): the error as a data chunk.
        Translation translation = translator(ProviderProfile.GROQ)
                .build()
                .translate(codexLikeRequest("m", "go").toString());
        List<SseEvent> events = stream(translation, Chunks.role(), GROQ_TOOL_USE_FAILED);
        assertThat(events.get(events.size() - 1).event()).isEqualTo(EventTypes.FAILED);
    }

    @Test
    void groqsFailedGenerationBecomesTheCallWhenTheMarkupRepairIsOn() {
        Translation translation = translator(ProviderProfile.GROQ)
                .enableHealing(HealingRule.LEAKED_TOOL_MARKUP)
                .build()
                .translate(codexLikeRequest("m", "go").toString());
        List<SseEvent> events = stream(translation, Chunks.role(), GROQ_TOOL_USE_FAILED);
        assertThat(events.get(events.size() - 1).event()).isEqualTo(EventTypes.COMPLETED);
        assertThat(output(events)).singleElement().satisfies(c -> {
            assertThat(c.path("name").asText()).isEqualTo("exec_command");
            assertThat(c.path("arguments").asText()).isEqualTo("{\"cmd\":\"ls\"}");
        });
        assertThat(healed).containsExactly(HealingRule.LEAKED_TOOL_MARKUP, HealingRule.MISSING_DONE);
    }

    @Test
    void aRescuedCallTheRulesRefuseFailsTheResponseInsteadOfEscaping() {
        // Issue 13 §6: the rescue runs from the error-chunk path, outside step()'s guard; a call of
        // an undeclared function with UNKNOWN_TOOL off used to throw out of onData, leaving the
        // client without a terminal event.
        String undeclared = GROQ_TOOL_USE_FAILED.replace("exec_command", "not_declared");
        Translation translation = translator(ProviderProfile.GROQ)
                .enableHealing(HealingRule.LEAKED_TOOL_MARKUP)
                .disableHealing(HealingRule.UNKNOWN_TOOL)
                .build()
                .translate(codexLikeRequest("m", "go").toString());

        List<SseEvent> events = stream(translation, Chunks.role(), undeclared);

        SseEvent last = events.get(events.size() - 1);
        assertThat(last.event()).isEqualTo(EventTypes.FAILED);
        assertThat(last.data()).contains("not_declared", "UNKNOWN_TOOL");
    }

    @Test
    void disablingWinsOverEnabling() {
        Translation translation = translator(ProviderProfile.VLLM)
                .enableHealing(HealingRule.LEAKED_TOOL_MARKUP)
                .disableHealing(HealingRule.LEAKED_TOOL_MARKUP)
                .build()
                .translate(codexLikeRequest("m", "go").toString());
        List<SseEvent> events = stream(translation, Chunks.text(HERMES), Chunks.finish("stop"), "[DONE]");
        assertThat(output(events)).extracting(i -> i.path("type").asText()).containsExactly("message");
    }
}
