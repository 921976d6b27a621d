package dev.responsesrelay.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.fixtures.ResponsesStreamChecker;
import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedRecordedRequest;
import dev.responsesrelay.fixtures.ScriptedReply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's OkHttp example against a scripted Chat Completions upstream on a real socket. The
 * upstream's chunks are synthetic, in the shape OpenAI documents for streamed chat completions
 * (https://platform.openai.com/docs/api-reference/chat-streaming); the error body is OpenAI's error
 * shape (https://platform.openai.com/docs/guides/error-codes).
 */
class OkHttpEmbeddingExampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final byte[] REQUEST =
            "{\"model\":\"m\",\"stream\":true,\"input\":\"Say hello\"}".getBytes(StandardCharsets.UTF_8);

    private final ScriptedChatUpstream upstream = ScriptedChatUpstream.start();

    @AfterEach
    void stop() {
        upstream.close();
    }

    private static String chunk(String delta, String finishReason) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}";
    }

    @Test
    void streamsTheUpstreamsAnswerAsResponsesEventsAndSendsTheKey() throws Exception {
        upstream.enqueue(ScriptedReply.sse(
                chunk("{\"role\":\"assistant\",\"content\":\"Hel\"}", "null"),
                chunk("{\"content\":\"lo\"}", "null"),
                chunk("{}", "\"stop\"")));
        ByteArrayOutputStream client = new ByteArrayOutputStream();

        int status = new OkHttpEmbeddingExample(upstream.baseUrl(), "sk-test").relay(REQUEST, client);

        assertThat(status).isEqualTo(200);
        String sse = client.toString(StandardCharsets.UTF_8);
        ResponsesStreamChecker.create().check(sse).assertValid();
        JsonNode response = JSON.readTree(lastData(sse, "response.completed")).path("response");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Hello");

        assertThat(upstream.chatRequests()).hasSize(1);
        ScriptedRecordedRequest sent = upstream.chatRequests().get(0);
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.header("Authorization")).contains("Bearer sk-test");
        JsonNode chat = JSON.readTree(sent.body());
        assertThat(chat.path("stream").asBoolean()).isTrue();
        assertThat(chat.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(chat.at("/messages/0/content").toString()).contains("Say hello");
    }

    @Test
    void anUpstreamErrorEndsTheStreamInResponseFailedWithItsCode() throws Exception {
        upstream.enqueue(ScriptedReply.json(
                429,
                "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                        + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}"));
        ByteArrayOutputStream client = new ByteArrayOutputStream();

        int status = new OkHttpEmbeddingExample(upstream.baseUrl(), null).relay(REQUEST, client);

        assertThat(status).isEqualTo(200); // response.created was sent before the upstream answered
        String sse = client.toString(StandardCharsets.UTF_8);
        ResponsesStreamChecker.create().check(sse).assertValid();
        assertThat(eventTypes(sse)).containsExactly("response.created", "response.in_progress", "response.failed");
        assertThat(JSON.readTree(lastData(sse, "response.failed"))
                        .at("/response/error/code")
                        .asText())
                .isEqualTo("rate_limit_exceeded");
        assertThat(upstream.chatRequests().get(0).header("Authorization")).isEmpty();
    }

    @Test
    void aRequestTheTranslatorRefusesGetsItsErrorAndNeverReachesTheUpstream() throws Exception {
        ByteArrayOutputStream client = new ByteArrayOutputStream();

        int status = new OkHttpEmbeddingExample(upstream.baseUrl(), null)
                .relay(
                        "{\"model\":\"m\",\"input\":[{\"type\":\"no_such_item\"}]}".getBytes(StandardCharsets.UTF_8),
                        client);

        assertThat(status).isEqualTo(400);
        assertThat(JSON.readTree(client.toByteArray()).at("/error/message").asText())
                .isNotEmpty();
        assertThat(upstream.chatRequests()).isEmpty();
    }

    @Test
    void aClientThatHangsUpGetsItsWriteErrorBackInsteadOfAHang() {
        upstream.enqueue(ScriptedReply.sse(chunk("{\"content\":\"Hi\"}", "null"), chunk("{}", "\"stop\"")));
        OutputStream hungUp = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };

        assertThatThrownBy(() -> new OkHttpEmbeddingExample(upstream.baseUrl(), null).relay(REQUEST, hungUp))
                .isInstanceOf(IOException.class)
                .hasMessage("Broken pipe");
    }

    private static List<String> eventTypes(String sse) {
        List<String> types = new ArrayList<>();
        for (String line : sse.lines().toList()) {
            if (line.startsWith("event: ")) {
                types.add(line.substring("event: ".length()));
            }
        }
        return types;
    }

    private static String lastData(String sse, String eventType) {
        int at = sse.lastIndexOf("event: " + eventType + "\n");
        assertThat(at).as(eventType + " in " + sse).isNotNegative();
        int data = sse.indexOf("data: ", at) + "data: ".length();
        return sse.substring(data, sse.indexOf('\n', data));
    }
}
