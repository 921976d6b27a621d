package dev.responsesrelay.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.state.InMemoryResponseStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's conversation-state example, two turns: the second names the first with
 * previous_response_id and the upstream receives both. The Chat stream is synthetic, in the Chat
 * Completions chunk shape.
 */
class StatefulEmbeddingExampleTest {
    private static final String CHAT_STREAM = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Seven.\"},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n";

    @Test
    void aSecondTurnContinuesTheFirstThroughTheStore() throws Exception {
        // A direct executor records at once; a server would use a writer thread.
        StatefulEmbeddingExample relay =
                new StatefulEmbeddingExample(InMemoryResponseStore.withDefaults(), Runnable::run);
        List<String> sentUpstream = new ArrayList<>();

        ByteArrayOutputStream first = new ByteArrayOutputStream();
        int status = relay.relay(
                "{\"model\":\"m\",\"stream\":true,\"input\":\"pick a number\"}".getBytes(StandardCharsets.UTF_8),
                "client-a",
                chat -> {
                    sentUpstream.add(chat);
                    return new ByteArrayInputStream(CHAT_STREAM.getBytes(StandardCharsets.UTF_8));
                },
                first);
        assertThat(status).isEqualTo(200);
        String sse = first.toString(StandardCharsets.UTF_8);
        String completed = sse.substring(sse.indexOf("event: response.completed"));
        String id = new ObjectMapper()
                .readTree(completed.substring(
                        completed.indexOf("data: ") + 6, completed.indexOf('\n', completed.indexOf("data: "))))
                .at("/response/id")
                .asText();

        int second = relay.relay(
                ("{\"model\":\"m\",\"stream\":true,\"previous_response_id\":\"" + id + "\",\"input\":\"which?\"}")
                        .getBytes(StandardCharsets.UTF_8),
                "client-a",
                chat -> {
                    sentUpstream.add(chat);
                    return new ByteArrayInputStream(CHAT_STREAM.getBytes(StandardCharsets.UTF_8));
                },
                new ByteArrayOutputStream());

        assertThat(second).isEqualTo(200);
        assertThat(sentUpstream.get(1)).contains("pick a number", "Seven.", "which?");
        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        int otherClient = relay.relay(
                ("{\"model\":\"m\",\"previous_response_id\":\"" + id + "\",\"input\":\"x\"}")
                        .getBytes(StandardCharsets.UTF_8),
                "client-b",
                chat -> new ByteArrayInputStream(new byte[0]),
                refused);
        assertThat(otherClient).isEqualTo(400);
        assertThat(refused.toString(StandardCharsets.UTF_8)).contains("previous_response_not_found");
    }
}
