package dev.responsesrelay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.server.RelayServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: a request refused for the memory budget while its client is still sending gets its 503
 * (which Codex and the SDKs retry), not a reset connection. The relay reads the rest of the body and
 * drops it before answering; closing under a client that still sends makes the client's kernel
 * reset the connection, and the client saw "Broken pipe" instead of the 503. Raw sockets, so the
 * test sees exactly what a client would.
 */
class OverloadRefusalTest {
    private @Nullable ScriptedChatUpstream upstream;
    private @Nullable RelayServer relay;
    private @Nullable Socket holder;

    @AfterEach
    void stop() throws Exception {
        if (holder != null) {
            holder.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aBodyRefusedForTheBudgetIsReadToItsEndAndAnswered503() throws Exception {
        upstream = ScriptedChatUpstream.start();
        relay = RelayServer.start(
                "--port", "0", "--upstream", upstream.baseUrl(), "--store", "off", "--memory-budget", "8m");
        URI base = URI.create(relay.baseUrl());

        // Holds 6 MiB of the 8 MiB budget: 3 MiB declared, 100 KiB sent (past the 64 KiB after which
        // a body's declared length is charged), then nothing more.
        holder = new Socket(InetAddress.getLoopbackAddress(), base.getPort());
        OutputStream held = holder.getOutputStream();
        held.write(head(base, 3 * 1024 * 1024));
        held.write(filler(100 * 1024));
        held.flush();
        Thread.sleep(500);

        // Needs 10 MiB: does not fit while the first is in flight, and is refused after the wait.
        int bodyBytes = 5 * 1024 * 1024;
        try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), base.getPort())) {
            refused.setSoTimeout(60_000);
            OutputStream out = refused.getOutputStream();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    out.write(head(base, bodyBytes));
                    byte[] part = filler(64 * 1024);
                    for (int written = 0; written < bodyBytes; written += part.length) {
                        out.write(part, 0, Math.min(part.length, bodyBytes - written));
                    }
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });

            String answer = readAll(refused.getInputStream());

            sent.get(60, TimeUnit.SECONDS); // the whole body went out: no reset under the client
            assertThat(answer).startsWith("HTTP/1.1 503");
            assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("retry-after:");
            assertThat(answer).contains("\"code\":\"server_overloaded\"");
        }
    }

    private static byte[] head(URI base, int contentLength) {
        return ("POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:" + base.getPort()
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes of a JSON string's inside: what a base64 image would be. */
    private static byte[] filler(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 'A');
        return bytes;
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) != -1) {
            answer.write(buffer, 0, n);
        }
        return answer.toString(StandardCharsets.UTF_8);
    }
}
