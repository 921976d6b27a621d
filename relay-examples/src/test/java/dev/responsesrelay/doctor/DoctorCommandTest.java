package dev.responsesrelay.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedRecordedRequest;
import dev.responsesrelay.fixtures.ScriptedReply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@code doctor} against scripted upstreams of each dialect. The streams are synthetic: they follow
 * the chunk shapes docs/PROVIDERS.md describes per provider (reasoning in {@code
 * reasoning_content} for DeepSeek, in {@code reasoning} for Ollama and vLLM, Mistral's nine-character
 * tool-call ids), not captures. The DeepSeek refusal body is the provider's own text, as in the
 * fixtures' DeepSeek error samples.
 */
class DoctorCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String DEEPSEEK_MISSING_REASONING =
            "{\"error\":{\"message\":\"The `reasoning_content` in the thinking mode must be passed back to the"
                    + " API.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_request_error\"}}";

    @Test
    void aDeepSeekStyleServerOnAnUnknownHostNeedsNoProviderFlag() throws Exception {
        try (ScriptedChatUpstream upstream = ScriptedChatUpstream.start()) {
            upstream.models("thinker-1");
            upstream.enqueue(
                    ScriptedReply.sse(
                            chunk("{\"role\":\"assistant\",\"reasoning_content\":\"The user wants OK.\"}", null),
                            chunk("{\"content\":\"OK\"}", null),
                            chunk("{}", "stop"),
                            usageChunk()),
                    ScriptedReply.sse(
                            chunk("{\"reasoning_content\":\"I should call the tool.\"}", null),
                            chunk(toolCallDelta("call_0_abc", "{\\\"city\\\":\\\"Paris\\\"}"), null),
                            chunk("{}", "tool_calls"),
                            usageChunk()),
                    ScriptedReply.json(400, DEEPSEEK_MISSING_REASONING),
                    ScriptedReply.sse(chunk("{\"content\":\"21 degrees and clear.\"}", null), chunk("{}", "stop")));

            Run run = doctor(upstream.baseUrl());

            assertThat(run.exit).as(run.out).isZero();
            assertThat(run.verdict("streamed answer")).isEqualTo("PASS");
            assertThat(run.verdict("usage in stream")).isEqualTo("PASS");
            assertThat(run.line("reasoning")).contains("reasoning_content");
            assertThat(run.line("tool call")).contains("get_weather").contains("call_0_abc");
            assertThat(run.line("tool result accepted")).startsWith("PASS").contains("sent back in reasoning_content");
            // The generic profile (unknown host) sends reasoning back in the field it arrived in.
            assertThat(run.out).contains("so no --provider is needed").doesNotContain("--provider deepseek");
            // Four chat requests: the usage probe was not needed, the round trip was tried twice.
            List<ScriptedRecordedRequest> chat = upstream.chatRequests();
            assertThat(chat).hasSize(4);
            JsonNode retried = JSON.readTree(chat.get(3).body());
            assertThat(retried.at("/messages/1/reasoning_content").asText()).isEqualTo("I should call the tool.");
            assertThat(JSON.readTree(chat.get(2).body()).at("/messages/1").has("reasoning_content"))
                    .isFalse();
        }
    }

    @Test
    void usageOnlyWithStreamOptionsIsFoundWithASecondRequest() throws Exception {
        try (ScriptedChatUpstream upstream = ScriptedChatUpstream.start()) {
            upstream.models("plain-1");
            upstream.enqueue(
                    ScriptedReply.sse(chunk("{\"content\":\"OK\"}", null), chunk("{}", "stop")),
                    ScriptedReply.sse(chunk("{\"content\":\"OK\"}", null), chunk("{}", "stop"), usageChunk()),
                    ScriptedReply.sse(
                            chunk(toolCallDelta("call_xyz", "{\\\"city\\\":\\\"Paris\\\"}"), null),
                            chunk("{}", "tool_calls")),
                    ScriptedReply.sse(chunk("{\"content\":\"Clear.\"}", null), chunk("{}", "stop")));

            Run run = doctor(upstream.baseUrl());

            assertThat(run.exit).as(run.out).isZero();
            assertThat(run.line("usage in stream")).startsWith("PASS").contains("only with stream_options");
            assertThat(JSON.readTree(upstream.chatRequests().get(1).body())
                            .at("/stream_options/include_usage")
                            .asBoolean())
                    .isTrue();
            assertThat(run.line("reasoning")).contains("none seen");
            assertThat(run.line("tool result accepted")).contains("no reasoning demanded back");
            assertThat(run.out).doesNotContain("--provider");
        }
    }

    @Test
    void anOllamaStyleServerWithReasoningInTheReasoningField() throws Exception {
        try (ScriptedChatUpstream upstream = ScriptedChatUpstream.start()) {
            upstream.models("qwen3:8b");
            upstream.enqueue(
                    ScriptedReply.sse(
                            chunk("{\"reasoning\":\"Short answer.\"}", null),
                            chunk("{\"content\":\"OK\"}", null),
                            chunk("{}", "stop"),
                            usageChunk()),
                    ScriptedReply.sse(
                            chunk(toolCallDelta("call_k3", "{\\\"city\\\":\\\"Paris\\\"}"), null),
                            chunk("{}", "tool_calls")),
                    ScriptedReply.sse(chunk("{\"content\":\"Clear.\"}", null), chunk("{}", "stop")));

            Run run = doctor(upstream.baseUrl());

            assertThat(run.exit).as(run.out).isZero();
            assertThat(run.line("reasoning")).contains("streamed in reasoning");
        }
    }

    @Test
    void aServerThatDoesNotCallToolsCannotServeCodex() throws Exception {
        try (ScriptedChatUpstream upstream = ScriptedChatUpstream.start()) {
            upstream.models("tiny-1");
            upstream.enqueue(
                    ScriptedReply.sse(chunk("{\"content\":\"OK\"}", null), chunk("{}", "stop"), usageChunk()),
                    ScriptedReply.sse(chunk("{\"content\":\"It is sunny.\"}", null), chunk("{}", "stop")));

            Run run = doctor(upstream.baseUrl());

            assertThat(run.exit).as(run.out).isEqualTo(1);
            assertThat(run.line("tool call")).startsWith("FAIL").contains("without calling the offered tool");
            assertThat(run.verdict("tool result accepted")).isEqualTo("SKIP");
            assertThat(run.out).contains("cannot serve Codex");
        }
    }

    @Test
    void aRefusedKeyStopsAtOnce() throws Exception {
        try (ScriptedChatUpstream upstream = ScriptedChatUpstream.start()) {
            upstream.modelsReply(ScriptedReply.json(
                    401,
                    "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\"}}"));

            Run run = doctor(upstream.baseUrl(), "--api-key", "sk-wrong");

            assertThat(run.exit).isEqualTo(1);
            assertThat(run.line("key accepted"))
                    .startsWith("FAIL")
                    .contains("HTTP 401")
                    .contains("--api-key");
            assertThat(upstream.chatRequests()).isEmpty();
            assertThat(run.out).doesNotContain("sk-wrong");
        }
    }

    @Test
    void aModelList404WithoutV1SuggestsAddingIt() throws Exception {
        try (ScriptedChatUpstream upstream = ScriptedChatUpstream.start()) {
            upstream.modelsReply(ScriptedReply.json(404, "404 page not found"));
            String bare = "http://127.0.0.1:" + upstream.port();

            Run run = doctor(bare);

            assertThat(run.exit).isEqualTo(1);
            assertThat(run.line("model list")).startsWith("WARN").contains("try --upstream " + bare + "/v1");
            assertThat(run.line("model to test")).startsWith("FAIL").contains("--model");
        }
    }

    @Test
    void anUnreachableUpstreamFails() {
        Run run = doctor("http://127.0.0.1:1/v1");

        assertThat(run.exit).isEqualTo(1);
        assertThat(run.line("reachable")).startsWith("FAIL").contains("cannot reach");
    }

    @Test
    void aStreamWithoutFinishReasonFails() throws Exception {
        try (ScriptedChatUpstream upstream = ScriptedChatUpstream.start()) {
            upstream.models("m");
            upstream.enqueue(ScriptedReply.sse(chunk("{\"content\":\"OK\"}", null)));

            Run run = doctor(upstream.baseUrl());

            assertThat(run.exit).isEqualTo(1);
            assertThat(run.line("streamed answer")).startsWith("FAIL").contains("finish_reason");
        }
    }

    @Test
    void aBadCommandLineIsAUsageError() {
        Run run = doctor(null, "--frobnicate", "1");
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("unknown option --frobnicate");
    }

    // ---- helpers

    private static String chunk(String delta, @Nullable String finishReason) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
                + delta + ",\"finish_reason\":" + (finishReason == null ? "null" : "\"" + finishReason + "\"")
                + "}]}";
    }

    private static String usageChunk() {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}";
    }

    private static String toolCallDelta(String id, String escapedArguments) {
        return "{\"tool_calls\":[{\"index\":0,\"id\":\"" + id
                + "\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"" + escapedArguments
                + "\"}}]}";
    }

    private static Run doctor(@Nullable String baseUrl, String... more) {
        List<String> args = new java.util.ArrayList<>();
        if (baseUrl != null) {
            args.add("--upstream");
            args.add(baseUrl);
        }
        args.addAll(List.of(more));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DoctorCommand.run(
                args.toArray(String[]::new),
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int exit, String out, String err) {
        String line(String check) {
            return out.lines()
                    .filter(l -> l.length() > 6 && l.substring(6).startsWith(check + " "))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no line for " + check + " in:\n" + out));
        }

        String verdict(String check) {
            return line(check).substring(0, 5).strip();
        }
    }
}
