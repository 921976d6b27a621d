package dev.responsesrelay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedReply;
import dev.responsesrelay.server.Main;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, as a user would try it: the relay in a JVM of its own with {@code -Xmx128m} (the JVM's
 * default heap in a 512 MB container) in front of a scripted upstream, sent the bursts the issue
 * lists. Every answer completes or is a 503 with {@code Retry-After}, at least half of each burst
 * completes, no {@code OutOfMemoryError} appears in the relay's output, and it is healthy after;
 * three concurrent runaway answers each end with a terminal event. Bodies are synthetic Responses
 * requests with one {@code input_image} data URL of the given size (the shape Codex sends
 * screenshots in, docs/codex-wire.md); the upstream's replies follow docs/dialects.md §0.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MemoryPressureProcessTest {
    private static final Pattern LISTENING = Pattern.compile("relay listening on (http://\\S+/v1)");
    private static final String COMPLETION = "{\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion\","
            + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"I see an image.\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":4,\"total_tokens\":5}}";

    @TempDir
    static Path dir;

    private static ScriptedChatUpstream upstream;
    private static Process relay;
    private static Path log;
    private static String baseUrl;
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        upstream = ScriptedChatUpstream.start();
        upstream.replyWhenQueueEmpty(ScriptedReply.json(200, COMPLETION));
        log = dir.resolve("relay.log");
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--port",
                "0",
                "--upstream",
                upstream.baseUrl(),
                // The default store (SQLite) and its default, store=true for bodies without the
                // field (docs/state.md §1.1), as the SDKs run; in this test's directory, never the
                // user's ~/.responses-relay.
                "--store",
                "sqlite:" + dir.resolve("responses.db"));
        relay = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (baseUrl == null && System.nanoTime() < deadline && relay.isAlive()) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                baseUrl = m.group(1);
            } else {
                Thread.sleep(100);
            }
        }
        assertThat(baseUrl).as("relay started; log: %s", log).isNotNull();
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.destroy();
            if (!relay.waitFor(20, TimeUnit.SECONDS)) {
                relay.destroyForcibly();
            }
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    @Order(1)
    void aLone30MbRequestCompletes() throws Exception {
        assertThat(burst(1, 30_000_000)).isEqualTo(1);
        assertHealthyWithoutOutOfMemory();
    }

    @Test
    @Order(2)
    void eightConcurrent5MbRequestsCompleteOrAreRefusedWithRetryAfter() throws Exception {
        assertThat(burst(8, 5_000_000)).isGreaterThanOrEqualTo(4);
        assertHealthyWithoutOutOfMemory();
    }

    @Test
    @Order(3)
    void sixteenConcurrent2MbRequestsCompleteOrAreRefusedWithRetryAfter() throws Exception {
        assertThat(burst(16, 2_000_000)).isGreaterThanOrEqualTo(8);
        assertHealthyWithoutOutOfMemory();
    }

    @Test
    @Order(4)
    void threeConcurrentRunawayAnswersEachEndWithATerminalEvent() throws Exception {
        // 3 Mi chars of text in 1 KiB chunks with no finish reason: past the default output bound
        // (2 Mi chars), which must end each answer with response.incomplete.
        String chunk = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "loop ".repeat(200)
                + "\"},\"finish_reason\":null}]}";
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < 3 * 1024; i++) {
            frames.add(chunk);
        }
        ScriptedReply runaway = ScriptedReply.sse(frames);
        upstream.enqueue(runaway, runaway, runaway);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(CLIENT.sendAsync(
                    post("{\"model\":\"m\",\"stream\":true,\"input\":\"go\"}"), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(300, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(lastEventType(response.body()))
                    .as("the last event; the relay's log ends:%n%s", logTail())
                    .isEqualTo("response.incomplete");
        }
        assertHealthyWithoutOutOfMemory();
    }

    @Test
    @Order(5)
    void nonStreamedRunawayAnswersEndCleanly() throws Exception {
        // Non-streamed answers past the default output bound (2 Mi chars), three at once: 5 MB of
        // text is read and ends incomplete as a stream would; 40 MB is more than an answer within
        // the bound can take (Translation.maxCompletionBytes, 7 MiB here) and is refused unread with
        // a 502 saying so. Each reply is a synthetic chat.completion (docs/dialects.md §0).
        // A 5 MB answer is charged to the memory budget before it is read (issue 18): 5 MB for its
        // bytes and 9 bytes a char for the 2.3 Mi chars the translation can keep
        // (CompletionExchange.TRANSLATION_HEAP_PER_CHAR), about 26 MB, where the budget at -Xmx128m
        // is 64 MB. So two fit at once and the third waits for room up to
        // MemoryAdmissionHandler.ADMISSION_WAIT (2 s); if the first two are not done by then
        // (their charge lasts until their answer is written and stored), it is refused with a 503
        // and Retry-After, which clients retry. Either is a clean answer; an OutOfMemoryError
        // (caught, it is a 503 "ran short of memory") is not, nor is a refusal of all three, since
        // one alone always fits.
        for (int megabytes : new int[] {5, 40}) {
            ScriptedReply runaway = ScriptedReply.json(
                    200,
                    "{\"id\":\"chatcmpl-synthetic\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                            + "loop ".repeat(megabytes * 200_000) + "\"},\"finish_reason\":\"stop\"}]}");
            upstream.enqueue(runaway, runaway, runaway);
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(CLIENT.sendAsync(
                        post("{\"model\":\"m\",\"stream\":false,\"input\":\"go\"}"),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int incomplete = 0;
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(300, TimeUnit.SECONDS);
                if (megabytes == 40) {
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
                    assertThat(response.body()).contains("--max-output-chars");
                } else if (response.statusCode() == 200) {
                    assertThat(response.body()).contains("\"status\":\"incomplete\"", "max_output_tokens");
                    incomplete++;
                } else {
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                    assertThat(response.headers().firstValue("Retry-After")).isPresent();
                    assertThat(response.body()).contains("\"code\":\"server_overloaded\"", "memory budget");
                }
            }
            if (megabytes == 5) {
                assertThat(incomplete)
                        .as("answered 200 incomplete of three at once")
                        .isGreaterThanOrEqualTo(1);
            }
            assertHealthyWithoutOutOfMemory();
        }
    }

    /** Sends {@code count} requests with a body of about {@code bytes} at once; returns how many completed. */
    private static int burst(int count, int bytes) throws Exception {
        String prefix = "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
                + "\"text\":\"what is this?\"},{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,";
        String suffix = "\"}]}]}";
        byte[] body = new byte[bytes];
        byte[] head = prefix.getBytes(StandardCharsets.US_ASCII);
        byte[] tail = suffix.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, body, 0, head.length);
        for (int i = head.length; i < bytes - tail.length; i++) {
            body[i] = (byte) ('A' + i % 26);
        }
        System.arraycopy(tail, 0, body, bytes - tail.length, tail.length);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add(CLIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/responses"))
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofMinutes(5))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        int completed = 0;
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(300, TimeUnit.SECONDS);
            if (response.statusCode() == 200) {
                assertThat(response.body()).contains("\"status\":\"completed\"");
                completed++;
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
                assertThat(response.body()).contains("\"code\":\"server_overloaded\"");
            }
        }
        return completed;
    }

    private static HttpRequest post(String json) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/responses"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    private static String lastEventType(String sse) {
        String last = "";
        for (String line : (Iterable<String>) sse.lines()::iterator) {
            if (line.startsWith("event: ")) {
                last = line.substring("event: ".length()).strip();
            }
        }
        return last;
    }

    /** The end of the relay's log, for a failure message: the log is lost with the test's directory. */
    private static String logTail() throws IOException {
        String text = Files.readString(log);
        return text.substring(Math.max(0, text.length() - 20_000));
    }

    private static void assertHealthyWithoutOutOfMemory() throws IOException, InterruptedException {
        HttpResponse<String> health = CLIENT.send(
                HttpRequest.newBuilder(URI.create(baseUrl.replaceFirst("/v1$", "") + "/healthz"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(relay.isAlive()).isTrue();
        assertThat(Files.readString(log)).as("the relay's log").doesNotContain("OutOfMemoryError");
    }
}
