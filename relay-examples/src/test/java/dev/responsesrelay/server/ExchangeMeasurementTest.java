package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.server.http.AccessLog;
import dev.responsesrelay.server.http.MeasuredExchange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each exchange is measured once into a {@link MeasuredExchange} that the access-log line is written
 * from and every {@link AccessLog#listen listener} receives (issue 16 §Operations: metrics read the
 * same numbers the log shows).
 */
class ExchangeMeasurementTest {
    /** Synthetic Responses request; its text must not be in a measurement. */
    private static final String REQUEST =
            "{\"model\":\"relay-test-model\",\"stream\":true,\"input\":\"measure-me-not-4242\"}";

    /**
     * Synthetic Chat Completions stream in OpenAI's documented chunk shape
     * (https://platform.openai.com/docs/api-reference/chat-streaming), whose usage chunk carries
     * the documented {@code prompt_tokens_details.cached_tokens} and {@code
     * completion_tokens_details.reasoning_tokens}.
     */
    private static final String STREAM = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"relay-test-model\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"relay-test-model\","
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"relay-test-model\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":9,\"total_tokens\":49,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":32},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":5}}}\n\n"
            + "data: [DONE]\n\n";

    @TempDir
    Path dir;

    private final List<FakeUpstream> upstreams = new CopyOnWriteArrayList<>();
    private final List<MeasuredExchange> measured = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private @Nullable RelayServer relay;

    /** Held here: the log manager keeps loggers only weakly (FirstHourServerTest says more). */
    private final Logger accessLogger = Logger.getLogger(AccessLog.LOGGER_NAME);

    ExchangeMeasurementTest() {
        accessLogger.addHandler(capture);
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        upstreams.forEach(FakeUpstream::close);
        accessLogger.removeHandler(capture);
    }

    private FakeUpstream upstream() throws Exception {
        FakeUpstream upstream = new FakeUpstream();
        upstreams.add(upstream);
        return upstream;
    }

    private RelayServer start(String... args) throws Exception {
        RelayServer started = RelayServer.start(args);
        relay = started;
        started.accessLog().listen(measured::add);
        return started;
    }

    @Test
    void aStreamedExchangeIsMeasuredOnceWithTheNumbersItsLineShows() throws Exception {
        FakeUpstream upstream = upstream();
        upstream.enqueue(FakeUpstream.eventStream(STREAM));
        RelayServer relay = start("--port", "0", "--upstream", upstream.baseUrl());

        try (TestClient client = new TestClient(relay.baseUrl());
                Response response = client.postResponses(REQUEST, "x-request-id", "measured-1")) {
            assertThat(response.code()).isEqualTo(200);
            TestClient.readEvents(response);
        }

        MeasuredExchange exchange = awaitMeasured(1).get(0);
        assertThat(exchange.requestId()).isEqualTo("measured-1");
        assertThat(exchange.route()).isEqualTo("POST /v1/responses");
        assertThat(exchange.model()).isEqualTo("relay-test-model");
        assertThat(exchange.status()).isEqualTo(200);
        assertThat(exchange.upstreamStatus()).isEqualTo(200);
        assertThat(exchange.tokens()).isEqualTo(new MeasuredExchange.Tokens(40, 32, 5, 9));
        assertThat(exchange.outcome()).isEqualTo("completed");
        assertThat(exchange.reason()).isNull();
        assertThat(exchange.fallbacks()).isZero();
        // Each moment was seen (not how long it took: tests do not assert on time).
        assertThat(exchange.firstByteNanos()).isNotNegative();
        assertThat(exchange.upstreamStartNanos()).isNotNegative();
        assertThat(exchange.upstreamHeadersNanos()).isGreaterThanOrEqualTo(exchange.upstreamStartNanos());
        assertThat(exchange.upstreamEndNanos()).isGreaterThanOrEqualTo(exchange.upstreamHeadersNanos());
        assertThat(exchange.totalNanos()).isGreaterThanOrEqualTo(exchange.firstByteNanos());
        assertThat(exchange.toString()).doesNotContain("measure-me-not-4242", "Hi");

        assertThat(awaitLines(1).get(0))
                .startsWith("access request_id=measured-1 route=\"POST /v1/responses\" model=relay-test-model"
                        + " upstream=" + exchange.upstream() + " status=200 upstream_status=200 first_byte_ms="
                        + exchange.firstByteNanos() / 1_000_000 + " total_ms=" + exchange.totalNanos() / 1_000_000)
                .endsWith(" input_tokens=40 output_tokens=9 cached_tokens=32 reasoning_tokens=5 outcome=completed");
    }

    @Test
    void aRefusalIsMeasuredWithItsReasonAndNoUpstream() throws Exception {
        FakeUpstream upstream = upstream();
        RelayServer relay = start(
                "--port",
                "0",
                "--upstream",
                upstream.baseUrl(),
                "--require-key",
                "the-client-key",
                "--access-log",
                "off");

        try (TestClient client = new TestClient(relay.baseUrl());
                Response response = client.postResponses(REQUEST, "Authorization", "Bearer another-key")) {
            assertThat(response.code()).isEqualTo(401);
        }

        MeasuredExchange exchange = awaitMeasured(1).get(0);
        assertThat(exchange.status()).isEqualTo(401);
        assertThat(exchange.upstream()).isNull();
        assertThat(exchange.upstreamStatus()).isZero();
        assertThat(exchange.upstreamStartNanos()).isEqualTo(-1);
        assertThat(exchange.upstreamHeadersNanos()).isEqualTo(-1);
        assertThat(exchange.upstreamEndNanos()).isEqualTo(-1);
        assertThat(exchange.tokens()).isNull();
        assertThat(exchange.reason()).contains("missing or unknown API key");
        assertThat(exchange.toString()).doesNotContain("another-key", "the-client-key");
        assertThat(upstream.chatRequests).isEmpty();
        // --access-log off writes no line, and still measures: metrics do not depend on the log.
        assertThat(lines).isEmpty();
    }

    @Test
    void aFallbackIsCountedAndTheAnsweringUpstreamIsTheOneMeasured() throws Exception {
        FakeUpstream primary = upstream();
        FakeUpstream spare = upstream();
        primary.enqueue(
                FakeUpstream.jsonError(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
        spare.enqueue(FakeUpstream.eventStream(STREAM));
        Path config = Files.writeString(dir.resolve("relay.toml"), """
                [upstreams.primary]
                base_url = "%s"

                [upstreams.spare]
                base_url = "%s"

                [models."relay-test-model"]
                upstream = "primary"
                fallbacks = ["spare/relay-test-model"]
                """.formatted(primary.baseUrl(), spare.baseUrl()));
        RelayServer relay = start("--port", "0", "--config", config.toString());

        try (TestClient client = new TestClient(relay.baseUrl());
                Response response = client.postResponses(REQUEST)) {
            assertThat(response.code()).isEqualTo(200);
            TestClient.readEvents(response);
        }

        MeasuredExchange exchange = awaitMeasured(1).get(0);
        assertThat(exchange.upstream()).isEqualTo("spare");
        assertThat(exchange.fallbacks()).isEqualTo(1);
        assertThat(exchange.upstreamStatus()).isEqualTo(200);
        assertThat(exchange.status()).isEqualTo(200);
        assertThat(exchange.outcome()).isEqualTo("completed");
        // The primary's failure is the routing log's; the exchange itself succeeded.
        assertThat(exchange.reason()).isNull();
        assertThat(exchange.tokens()).isEqualTo(new MeasuredExchange.Tokens(40, 32, 5, 9));
        assertThat(awaitLines(1).get(0)).contains(" upstream=spare ", " fallbacks=1 ");
    }

    private List<MeasuredExchange> awaitMeasured(int count) throws InterruptedException {
        for (int attempt = 0; attempt < 400 && measured.size() < count; attempt++) {
            Thread.sleep(25);
        }
        assertThat(measured).hasSize(count);
        return measured;
    }

    private List<String> awaitLines(int count) throws InterruptedException {
        for (int attempt = 0; attempt < 400 && lines.size() < count; attempt++) {
            Thread.sleep(25);
        }
        assertThat(lines).hasSize(count);
        return lines;
    }
}
