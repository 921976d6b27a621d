package dev.responsesrelay.clients;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedRecordedRequest;
import dev.responsesrelay.fixtures.ScriptedReply;
import dev.responsesrelay.server.RelayServer;
import java.util.ArrayList;
import java.util.List;

/**
 * The relay server started in this JVM on a free port, in front of a {@link ScriptedChatUpstream}:
 * one per test class, shared by its tests, which run one at a time. {@link #beginTest()} forgets
 * what earlier tests scripted and received.
 */
final class RelayUnderTest implements AutoCloseable {
    static final String MODEL = "scripted-model";
    static final String UPSTREAM_KEY = "sk-upstream-clients-e2e";
    static final String CLIENT_KEY = "sk-client-e2e";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ScriptedChatUpstream upstream;
    private final RelayServer relay;
    private int firstRequestOfTest;

    private RelayUnderTest(ScriptedChatUpstream upstream, RelayServer relay) {
        this.upstream = upstream;
        this.relay = relay;
    }

    /** Starts the upstream and a relay with {@code --api-key} and the given extra flags. */
    static RelayUnderTest start(String... extraFlags) throws Exception {
        ScriptedChatUpstream upstream = ScriptedChatUpstream.start().models(MODEL);
        try {
            List<String> flags = new ArrayList<>(
                    List.of("--port", "0", "--upstream", upstream.baseUrl(), "--api-key", UPSTREAM_KEY));
            flags.addAll(List.of(extraFlags));
            return new RelayUnderTest(upstream, RelayServer.start(flags.toArray(String[]::new)));
        } catch (Exception | Error e) {
            upstream.close();
            throw e;
        }
    }

    /** The relay's base URL for clients, {@code http://127.0.0.1:PORT/v1}. */
    String baseUrl() {
        return relay.baseUrl();
    }

    /** Starts a test: drops unused replies an earlier test scripted and its recorded requests. */
    void beginTest() {
        firstRequestOfTest = upstream.chatRequests().size();
        // A reply left over by a failed test must not answer the next one.
        upstream.clearReplies();
    }

    /** Scripts the upstream's next answers, in order. */
    void enqueue(ScriptedReply... replies) {
        upstream.enqueue(replies);
    }

    /** How many scripted answers have not been asked for. */
    int remainingReplies() {
        return upstream.remainingReplies();
    }

    /** The Chat Completions request bodies the upstream received since {@link #beginTest()}. */
    List<JsonNode> chatRequests() {
        List<ScriptedRecordedRequest> all = upstream.chatRequests();
        return all.subList(firstRequestOfTest, all.size()).stream()
                .map(request -> parse(request.body()))
                .toList();
    }

    /** Runs a client script against this relay. */
    NodeRun run(String script, String scenario) {
        return NodeClients.installed().run(script, scenario, baseUrl(), CLIENT_KEY);
    }

    @Override
    public void close() {
        try {
            relay.close();
        } finally {
            upstream.close();
        }
    }

    private static JsonNode parse(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AssertionError("the upstream received a body that is not JSON: " + body, e);
        }
    }
}
