package dev.responsesrelay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: a large JSON answer is written a slice at a time, and arrives exactly as one write
 * would have sent it: the same bytes, with a {@code Content-Length}.
 */
class AnswersTest {
    @Test
    void aLargeAnswerArrivesWholeWithItsLength() throws Exception {
        // Slices of 64 Ki chars end inside 2-, 3- and 4-byte chars (a surrogate pair) and on a lone
        // surrogate, which UTF-8 encoding replaces with '?'.
        String text =
                "{\"text\":\"" + "é日😀a".repeat(3 * Answers.SLICE_CHARS / 5) + "\ud800" + "b".repeat(70_000) + "\"}";
        byte[] expected = text.getBytes(StandardCharsets.UTF_8);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Answers.json(response, callback, 200, text, Map.of());
                return true;
            }
        });
        server.start();
        try {
            HttpResponse<byte[]> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(expected.length);
            assertThat(response.body()).isEqualTo(expected);
            assertThat(Answers.utf8Length(text)).isEqualTo(expected.length);
        } finally {
            server.stop();
        }
    }
}
