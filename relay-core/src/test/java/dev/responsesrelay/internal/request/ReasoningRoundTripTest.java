package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.stream.ProviderTestSupport.assistants;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.chat;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.chunk;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.codexLikeRequest;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.nextTurn;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.output;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.stream;
import static dev.responsesrelay.internal.stream.ProviderTestSupport.translator;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.Translation;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.JsonTestSupport;
import dev.responsesrelay.internal.codex.ReasoningEnvelope;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stateless reasoning round trip, per thinking provider: turn 1 streams through one {@link
 * dev.responsesrelay.ResponsesTranslator}; its output items go back as Codex sends them (the
 * reasoning and function_call items as received, then a function_call_output; docs/codex-wire.md §1.3,
 * §6) to a <em>new</em> translator, as after a restart or on another instance behind a load
 * balancer; turn 2's Chat body must still carry what the provider demands.
 *
 * <p>Upstream chunks are synthetic, each shaped after its provider's section of docs/dialects.md.
 */
class ReasoningRoundTripTest {
    private static final String THOUGHT = "The user wants the files listed. I will run ls.";

    private static String delta(String deltaJson) {
        return chunk(deltaJson, null);
    }

    private static String finish(String reason) {
        return chunk("{}", reason);
    }

    private static String usage() {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":20,\"total_tokens\":120}}";
    }

    /** Turn 1 through one translator; returns turn 2's Chat body from a fresh translator. */
    private static JsonNode secondTurn(ProviderProfile profile, String model, String... turnOneChunks) {
        ObjectNode turnOne = codexLikeRequest(model, "list the files");
        Translation first = translator(profile).translate(turnOne.toString());
        ArrayNode items = output(stream(first, turnOneChunks));
        assertThat(items)
                .as("turn 1 output")
                .anyMatch(i -> i.path("type").asText().equals("function_call"));
        ObjectNode turnTwo = nextTurn(turnOne, items, "a.txt\nb.txt\n");
        return chat(translator(profile).translate(turnTwo.toString()));
    }

    private static JsonNode onlyAssistant(JsonNode chat) {
        List<JsonNode> assistants = assistants(chat);
        assertThat(assistants).hasSize(1);
        return assistants.get(0);
    }

    @Test
    void deepSeekGetsItsReasoningContentBack() {
        // §1.2: reasoning_content deltas; later tool-call deltas restate id "" and name "".
        JsonNode chat = secondTurn(
                ProviderProfile.DEEPSEEK,
                "deepseek-reasoner",
                delta("{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"The user wants the files"
                        + " listed. \"}"),
                delta("{\"reasoning_content\":\"I will run ls.\"}"),
                delta("{\"tool_calls\":[{\"index\":0,\"id\":\"call_00_AbCdEf\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"exec_command\",\"arguments\":\"\"}}]}"),
                delta("{\"tool_calls\":[{\"index\":0,\"id\":\"\",\"function\":{\"name\":\"\",\"arguments\":"
                        + "\"{\\\"cmd\\\":\\\"ls\\\"}\"}}]}"),
                finish("tool_calls"),
                usage(),
                "[DONE]");

        JsonNode assistant = onlyAssistant(chat);
        assertThat(assistant.at("/reasoning_content").asText()).isEqualTo(THOUGHT);
        assertThat(assistant.at("/tool_calls/0/id").asText()).isEqualTo("call_00_AbCdEf");
        assertThat(assistant.at("/tool_calls/0/function/arguments").asText()).isEqualTo("{\"cmd\":\"ls\"}");
    }

    @Test
    void kimiGetsItsReasoningContentAndItsOwnIdsBack() {
        // §1.3: content null with reasoning_content, functions.name:idx ids, usage inside the choice.
        JsonNode chat = secondTurn(
                ProviderProfile.KIMI,
                "kimi-k2-thinking",
                delta("{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"" + THOUGHT + "\"}"),
                delta("{\"tool_calls\":[{\"index\":0,\"id\":\"functions.exec_command:0\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"}}]}"),
                "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\",\"usage\":"
                        + "{\"prompt_tokens\":100,\"completion_tokens\":20,\"total_tokens\":120}}]}",
                "[DONE]");

        JsonNode assistant = onlyAssistant(chat);
        assertThat(assistant.at("/reasoning_content").asText()).isEqualTo(THOUGHT);
        assertThat(assistant.at("/tool_calls/0/id").asText()).isEqualTo("functions.exec_command:0");
        assertThat(chat.at("/messages/3/tool_call_id").asText()).isEqualTo("functions.exec_command:0");
    }

    @Test
    void vllmGetsItsReasoningBack() {
        // §1.15 (0.16+): delta.reasoning; tool-call continuations with explicit nulls.
        JsonNode chat = secondTurn(
                ProviderProfile.VLLM,
                "Qwen/Qwen3-32B",
                delta("{\"role\":\"assistant\",\"reasoning\":\"" + THOUGHT + "\"}"),
                delta("{\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"chatcmpl-tool-b4d3cf2e\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"exec_command\",\"arguments\":\"\"}}]}"),
                delta("{\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":null,\"type\":null,\"function\":"
                        + "{\"name\":null,\"arguments\":\"{\\\"cmd\\\": \\\"ls\\\"}\"}}]}"),
                finish("tool_calls"),
                usage(),
                "[DONE]");

        JsonNode assistant = onlyAssistant(chat);
        assertThat(assistant.at("/reasoning").asText()).isEqualTo(THOUGHT);
        assertThat(assistant.has("reasoning_content")).isFalse();
        assertThat(assistant.at("/tool_calls/0/id").asText()).isEqualTo("chatcmpl-tool-b4d3cf2e");
    }

    @Test
    void ollamaGetsItsReasoningBack() {
        // §1.13: delta.reasoning, the whole call in one chunk, a separate finish chunk.
        JsonNode chat = secondTurn(
                ProviderProfile.OLLAMA,
                "qwen3:8b",
                delta("{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"" + THOUGHT + "\"}"),
                delta("{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_k3j4h5g6\",\"index\":0,"
                        + "\"type\":\"function\",\"function\":{\"name\":\"exec_command\","
                        + "\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"}}]}"),
                finish("tool_calls"),
                "[DONE]");

        assertThat(onlyAssistant(chat).at("/reasoning").asText()).isEqualTo(THOUGHT);
    }

    @Test
    void openRouterGetsItsReasoningDetailsBackMergedAndSigned() {
        // §1.8: reasoning plus reasoning_details fragments by index; the Anthropic signature comes
        // on a later fragment of the same entry (Roo-Code PR #9506 replays the merged entries).
        String first = "{\"role\":\"assistant\",\"reasoning\":\"The user wants the files listed. \","
                + "\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"The user wants the files listed. \","
                + "\"format\":\"anthropic-claude-v1\",\"index\":0}]}";
        String second = "{\"role\":\"assistant\",\"reasoning\":\"I will run ls.\","
                + "\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"I will run ls.\","
                + "\"format\":\"anthropic-claude-v1\",\"index\":0}]}";
        String signed = "{\"role\":\"assistant\",\"reasoning_details\":[{\"type\":\"reasoning.text\","
                + "\"signature\":\"EqQBCkYIBxgCKkBsig\",\"format\":\"anthropic-claude-v1\",\"index\":0}]}";
        JsonNode chat = secondTurn(
                ProviderProfile.OPENROUTER,
                "anthropic/claude-sonnet-4.5",
                delta(first),
                delta(second),
                delta(signed),
                delta(
                        "{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"toolu_01Abc\",\"type\":\"function\","
                                + "\"function\":{\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"}}]}"),
                finish("tool_calls"),
                usage(),
                "[DONE]");

        JsonNode details = onlyAssistant(chat).at("/reasoning_details");
        assertThat(details)
                .isEqualTo(JsonTestSupport.tree("[{\"type\":\"reasoning.text\",\"text\":\"" + THOUGHT + "\","
                        + "\"format\":\"anthropic-claude-v1\",\"index\":0,\"signature\":\"EqQBCkYIBxgCKkBsig\"}]"));
    }

    @Test
    void geminiGetsItsThoughtSignatureBack() {
        // §1.11: no reasoning text, a tool call without index, and its signature in a later
        // metadata-only delta (rule 20); Gemini ends tool-call streams with stop.
        JsonNode chat = secondTurn(
                ProviderProfile.GEMINI,
                "gemini-3-pro-preview",
                delta("{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"function-call-1234\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"}}]}"),
                delta("{\"tool_calls\":[{\"extra_content\":{\"google\":{\"thought_signature\":\"CiQBcsjafSig==\"}}}]}"),
                finish("stop"),
                "[DONE]");

        JsonNode call = onlyAssistant(chat).at("/tool_calls/0");
        assertThat(call.at("/id").asText()).isEqualTo("function-call-1234");
        assertThat(call.at("/extra_content/google/thought_signature").asText()).isEqualTo("CiQBcsjafSig==");
    }

    @Test
    void geminiParallelCallsKeepTheirOwnSignaturesAndTheRestGoWithout() {
        ObjectNode turnOne = codexLikeRequest("gemini-3-flash", "list and count");
        Translation first = translator(ProviderProfile.GEMINI).translate(turnOne.toString());
        ArrayNode items = output(stream(
                first,
                delta("{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"a1\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"},"
                        + "\"extra_content\":{\"google\":{\"thought_signature\":\"sigA\"}}},"
                        + "{\"id\":\"b2\",\"type\":\"function\",\"function\":{\"name\":\"exec_command\","
                        + "\"arguments\":\"{\\\"cmd\\\":\\\"wc -l\\\"}\"}}]}"),
                finish("stop")));
        // Two calls, then one reasoning item (summary: []) that carries the signature.
        assertThat(items)
                .extracting(i -> i.path("type").asText())
                .containsExactly("function_call", "function_call", "reasoning");
        assertThat(items.get(2).path("summary")).isEmpty();

        JsonNode chat = chat(translator(ProviderProfile.GEMINI)
                .translate(nextTurn(turnOne, items, "ok").toString()));
        JsonNode calls = onlyAssistant(chat).at("/tool_calls");
        assertThat(calls.at("/0/extra_content/google/thought_signature").asText())
                .isEqualTo("sigA");
        assertThat(calls.get(1).has("extra_content")).isFalse();
    }

    @Test
    void theEnvelopeWinsOverAnEditedSummary() {
        // A client that rewrote or dropped the summary still replays the exact reasoning.
        ObjectNode turnOne = codexLikeRequest("deepseek-reasoner", "list the files");
        Translation first = translator(ProviderProfile.DEEPSEEK).translate(turnOne.toString());
        ArrayNode items = output(stream(
                first,
                delta("{\"reasoning_content\":\"" + THOUGHT + "\"}"),
                delta("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"exec_command\",\"arguments\":\"{}\"}}]}"),
                finish("tool_calls")));
        ((ObjectNode) items.get(0)).putArray("summary");

        JsonNode chat = chat(translator(ProviderProfile.DEEPSEEK)
                .translate(nextTurn(turnOne, items, "ok").toString()));
        assertThat(onlyAssistant(chat).at("/reasoning_content").asText()).isEqualTo(THOUGHT);
    }

    @Test
    void everyStepOfAToolLoopKeepsItsOwnReasoning() {
        ProviderProfile deepseek = ProviderProfile.DEEPSEEK;
        ObjectNode turnOne = codexLikeRequest("deepseek-reasoner", "list then count");
        ArrayNode firstItems = output(stream(
                translator(deepseek).translate(turnOne.toString()),
                delta("{\"reasoning_content\":\"First I list.\"}"),
                delta("{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"}\"}}]}"),
                finish("tool_calls")));
        ObjectNode turnTwo = nextTurn(turnOne, firstItems, "a\nb\n");
        ArrayNode secondItems = output(stream(
                translator(deepseek).translate(turnTwo.toString()),
                delta("{\"reasoning_content\":\"Now I count.\"}"),
                delta("{\"tool_calls\":[{\"index\":0,\"id\":\"call_b\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"exec_command\",\"arguments\":\"{\\\"cmd\\\":\\\"wc\\\"}\"}}]}"),
                finish("tool_calls")));
        ObjectNode turnThree = nextTurn(turnTwo, secondItems, "2\n");

        List<JsonNode> assistants = assistants(chat(translator(deepseek).translate(turnThree.toString())));
        assertThat(assistants)
                .extracting(a -> a.path("reasoning_content").asText())
                .containsExactly("First I list.", "Now I count.");
    }

    @Test
    void reasoningFromOneProviderNeverReachesAStrictOne() {
        // Turn 1 on DeepSeek, turn 2 on Mistral (a user switching models): Mistral answers 422 to
        // reasoning fields (docs/dialects.md §1.5), and Gemini must not get foreign signatures.
        ObjectNode turnOne = codexLikeRequest("deepseek-reasoner", "list the files");
        ArrayNode items = output(stream(
                translator(ProviderProfile.DEEPSEEK).translate(turnOne.toString()),
                delta("{\"reasoning_content\":\"" + THOUGHT + "\"}"),
                delta("{\"tool_calls\":[{\"index\":0,\"id\":\"call_00_AbCdEf\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"exec_command\",\"arguments\":\"{}\"}}]}"),
                finish("tool_calls")));
        ObjectNode turnTwo = nextTurn(turnOne, items, "ok");

        JsonNode mistral =
                onlyAssistant(chat(translator(ProviderProfile.MISTRAL).translate(turnTwo.toString())));
        assertThat(mistral.has("reasoning_content")).isFalse();
        assertThat(mistral.has("reasoning")).isFalse();
        assertThat(mistral.at("/tool_calls/0/id").asText()).matches("[A-Za-z0-9]{9}");

        JsonNode gemini = onlyAssistant(chat(translator(ProviderProfile.GEMINI).translate(turnTwo.toString())));
        assertThat(gemini.at("/tool_calls/0/extra_content/google/thought_signature")
                        .asText())
                .isEqualTo(TurnReasoningWriter.SKIP_THOUGHT_SIGNATURE);

        JsonNode vllm = onlyAssistant(chat(translator(ProviderProfile.VLLM).translate(turnTwo.toString())));
        assertThat(vllm.at("/reasoning").asText()).as("text is portable").isEqualTo(THOUGHT);
    }

    @Test
    void reasoningBeyondTheCapTravelsInTheSummaryOnly() {
        String longThought = "x".repeat(ReasoningEnvelope.MAX_TEXT_CHARS + 1);
        ObjectNode turnOne = codexLikeRequest("deepseek-reasoner", "think hard");
        ArrayNode items = output(stream(
                translator(ProviderProfile.DEEPSEEK).translate(turnOne.toString()),
                delta("{\"reasoning_content\":\"" + longThought + "\"}"),
                delta("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"exec_command\",\"arguments\":\"{}\"}}]}"),
                finish("tool_calls")));
        String envelope = items.get(0).path("encrypted_content").asText();
        assertThat(envelope.length()).isLessThan(200);
        assertThat(ReasoningEnvelope.decode(envelope))
                .isEqualTo(new ReasoningEnvelope(
                        "deepseek", null, Json.MAPPER.createArrayNode(), Map.of(), "reasoning_content"));

        JsonNode chat = chat(translator(ProviderProfile.DEEPSEEK)
                .translate(nextTurn(turnOne, items, "ok").toString()));
        assertThat(onlyAssistant(chat).at("/reasoning_content").asText()).isEqualTo(longThought);
    }
}
