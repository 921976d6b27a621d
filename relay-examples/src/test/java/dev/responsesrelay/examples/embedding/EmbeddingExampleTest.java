package dev.responsesrelay.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.fixtures.Fixtures;
import dev.responsesrelay.fixtures.ResponsesStreamChecker;
import dev.responsesrelay.fixtures.Scenario;
import dev.responsesrelay.fixtures.Scenario.Part;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EmbeddingExampleTest {
    @Test
    void relaysAFixtureIntoAValidResponsesStream() throws IOException {
        Scenario scenario = Fixtures.scenarios().stream()
                .filter(s -> s.has(Part.UPSTREAM_CHAT_SSE) && s.name().startsWith("codex-0.169.0/"))
                .findFirst()
                .orElseThrow();
        AtomicReference<String> sentUpstream = new AtomicReference<>();
        ByteArrayOutputStream client = new ByteArrayOutputStream();

        int status = EmbeddingExample.relay(
                scenario.part(Part.REQUEST_RESPONSES).getBytes(StandardCharsets.UTF_8),
                chatBody -> {
                    sentUpstream.set(chatBody);
                    return new ByteArrayInputStream(
                            scenario.part(Part.UPSTREAM_CHAT_SSE).getBytes(StandardCharsets.UTF_8));
                },
                client);

        assertThat(status).isEqualTo(200);
        assertThat(sentUpstream.get()).contains("\"messages\"");
        String sse = client.toString(StandardCharsets.UTF_8);
        ResponsesStreamChecker.create().check(sse).assertValid();
        assertThat(sse).contains("event: response.completed");
    }

    @Test
    void brokenUpstreamConnectionEndsInResponseFailed() throws IOException {
        Scenario scenario = Fixtures.scenarios().stream()
                .filter(s -> s.has(Part.UPSTREAM_CHAT_SSE) && s.name().startsWith("codex-0.169.0/"))
                .findFirst()
                .orElseThrow();
        byte[] upstream = scenario.part(Part.UPSTREAM_CHAT_SSE).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream client = new ByteArrayOutputStream();

        EmbeddingExample.relay(
                scenario.part(Part.REQUEST_RESPONSES).getBytes(StandardCharsets.UTF_8),
                chatBody -> new HalfThenReset(upstream),
                client);

        String sse = client.toString(StandardCharsets.UTF_8);
        ResponsesStreamChecker.create().check(sse).assertValid();
        assertThat(sse).contains("event: response.failed").doesNotContain("event: response.completed");
    }

    @Test
    void anUpstreamThatCannotBeReachedEndsInResponseFailed() throws IOException {
        Scenario scenario = Fixtures.scenarios().stream()
                .filter(s -> s.has(Part.UPSTREAM_CHAT_SSE) && s.name().startsWith("codex-0.169.0/"))
                .findFirst()
                .orElseThrow();
        ByteArrayOutputStream client = new ByteArrayOutputStream();

        // What an HTTP client throws when nothing listens: the ChatUpstream may throw it, a Function could not.
        int status = EmbeddingExample.relay(
                scenario.part(Part.REQUEST_RESPONSES).getBytes(StandardCharsets.UTF_8),
                chatBody -> {
                    throw new java.net.ConnectException("Connection refused");
                },
                client);

        assertThat(status).isEqualTo(200);
        String sse = client.toString(StandardCharsets.UTF_8);
        ResponsesStreamChecker.create().check(sse).assertValid();
        assertThat(sse).contains("event: response.failed", "Connection refused");
    }

    @Test
    void invalidRequestGetsA400WithAnOpenAiErrorBody() throws IOException {
        ByteArrayOutputStream client = new ByteArrayOutputStream();

        int status = EmbeddingExample.relay(
                "{\"model\":\"m\",\"input\":[{\"type\":\"no_such_item\"}]}".getBytes(StandardCharsets.UTF_8),
                chatBody -> {
                    throw new AssertionError("the upstream must not be called");
                },
                client);

        assertThat(status).isEqualTo(400);
        assertThat(client.toString(StandardCharsets.UTF_8)).startsWith("{\"error\":{\"message\":");
    }

    /** Serves the first half of an upstream body, then fails as a reset connection does. */
    private static final class HalfThenReset extends InputStream {
        private final byte[] body;
        private int position;

        HalfThenReset(byte[] body) {
            this.body = body;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int half = body.length / 2;
            if (position >= half) {
                throw new IOException("connection reset");
            }
            int n = Math.min(len, half - position);
            System.arraycopy(body, position, b, off, n);
            position += n;
            return n;
        }
    }
}
