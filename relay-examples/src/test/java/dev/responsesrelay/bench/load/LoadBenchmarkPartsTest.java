package dev.responsesrelay.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.bench.load.SseClient.StreamProgress;
import dev.responsesrelay.bench.load.SseClient.Target;
import dev.responsesrelay.server.RelayServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of the load benchmark count what they claim: the fake upstream streams the planned
 * chunks, the client counts every delta through the relay and directly, and the relay process
 * reports its own numbers.
 */
class LoadBenchmarkPartsTest {
    private final FakeChatUpstream upstream = start();
    private final SseClient client = new SseClient();

    @TempDir
    Path tempDir;

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    @Test
    void clientCountsEveryChunkOfTheUpstreamDirectly() {
        StreamProgress progress = new StreamProgress();

        client.stream(Target.DIRECT, upstream.baseUrl(), "fast:50", progress, null);

        assertThat(progress.succeeded()).as("failure %s", progress.failure).isTrue();
        assertThat(progress.status).isEqualTo(200);
        assertThat(progress.deltas.get()).isEqualTo(50);
        assertThat(progress.terminal).isEqualTo("[DONE]");
        assertThat(progress.firstDeltaNanos).isGreaterThanOrEqualTo(progress.firstByteNanos);
    }

    @Test
    void clientCountsEveryTranslatedDeltaThroughTheRelay() throws Exception {
        try (RelayServer relay = RelayServer.start("--port", "0", "--upstream", upstream.baseUrl())) {
            StreamProgress progress = new StreamProgress();

            client.stream(Target.RELAY, relay.baseUrl(), "fast:300", progress, null);

            assertThat(progress.succeeded()).as("failure %s", progress.failure).isTrue();
            assertThat(progress.deltas.get()).isEqualTo(300);
            assertThat(progress.terminal).isEqualTo("response.completed");
        }
    }

    @Test
    void pacedStreamLogsSendAndReceiveTimesOfEveryChunk() {
        long[] sent = upstream.newSendLog(20);
        long[] received = new long[20];
        StreamProgress progress = new StreamProgress();

        client.stream(Target.DIRECT, upstream.baseUrl(), "paced:20:2000", progress, received);

        assertThat(progress.succeeded()).isTrue();
        for (int i = 0; i < 20; i++) {
            assertThat(sent[i]).as("sent %d", i).isPositive();
            assertThat(received[i]).as("received %d", i).isGreaterThanOrEqualTo(sent[i]);
        }
        // One chunk every 2 ms: the whole stream cannot take less than 40 ms.
        assertThat(sent[19] - progress.startNanos).isGreaterThanOrEqualTo(40_000_000L);
    }

    @Test
    void slowPlanHoldsTheStatusLineBack() {
        StreamProgress progress = new StreamProgress();

        client.stream(Target.DIRECT, upstream.baseUrl(), "slow:300:3", progress, null);

        assertThat(progress.succeeded()).isTrue();
        assertThat(progress.headersNanos - progress.startNanos).isGreaterThanOrEqualTo(300_000_000L);
        assertThat(progress.deltas.get()).isEqualTo(3);
    }

    @Test
    void relayProcessRunsTheServerInItsOwnJvmAndReportsItsHeapAndThreads() throws Exception {
        Path log = Files.createFile(tempDir.resolve("relay.log"));
        try (RelayProcess relay = RelayProcess.start(upstream.baseUrl(), List.of("-Xmx256m"), log)) {
            StreamProgress progress = new StreamProgress();
            client.stream(Target.RELAY, relay.baseUrl(), "fast:10", progress, null);
            RelayProcess.Stats stats = relay.stats();

            assertThat(progress.succeeded()).as("failure %s", progress.failure).isTrue();
            assertThat(stats.heapAfterGc()).isPositive().isLessThanOrEqualTo(stats.heapCommitted());
            assertThat(stats.threads()).isPositive().isLessThanOrEqualTo(stats.peakThreads());
            assertThat(relay.cpuNanos()).isGreaterThanOrEqualTo(stats.cpuNanos());
        }
    }

    private static FakeChatUpstream start() {
        try {
            return FakeChatUpstream.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
