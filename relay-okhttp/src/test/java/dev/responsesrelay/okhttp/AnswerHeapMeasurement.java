package dev.responsesrelay.okhttp;

import dev.responsesrelay.Translation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/**
 * Measures the heap one non-streamed answer needs (issue 18): the smallest {@code -Xmx} at which a
 * JVM of its own relays it, found by bisection, with SerialGC so that the figure depends on what is
 * live rather than on a collector's regions. The answer is a synthetic {@code chat.completion}
 * (docs/dialects.md §0) of {@code loop } text, served from this JVM by MockWebServer, so the
 * measured JVM holds only the relay's side: it runs {@link OkHttpRelay#execute} with the default
 * output bound (2 Mi chars) and encodes the answer as a server writes it. A measurement tool, run by
 * hand, not a test:
 *
 * <pre>
 * ./mvnw -B -q -o -pl relay-okhttp -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp relay-okhttp/target/test-classes:relay-okhttp/target/classes:$(cat /tmp/cp.txt) \
 *     dev.responsesrelay.okhttp.AnswerHeapMeasurement 1000 1000000 5000000
 * </pre>
 *
 * <p>The arguments are the answer's text in chars; the difference to a tiny answer is what the
 * answer costs. Figures are in {@code CompletionExchange.TRANSLATION_HEAP_PER_CHAR}'s comment.
 */
public final class AnswerHeapMeasurement {
    private AnswerHeapMeasurement() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("relay")) {
            System.exit(relayOne(args[1]) ? 0 : 1);
        }
        for (String chars : args) {
            String body = NonStreamedAnswerMemoryTest.completion("loop ".repeat(Integer.parseInt(chars) / 5));
            System.out.println("answer of " + body.getBytes(StandardCharsets.UTF_8).length + " bytes: relayed with -Xmx"
                    + smallestHeapMegabytes(body) + "m");
        }
    }

    /** Relays one answer from {@code baseUrl}; whether it was a 200. */
    private static boolean relayOne(String baseUrl) {
        OkHttpRelay relay = OkHttpRelay.create(
                OkHttpRelay.newClientBuilder().build(),
                Upstream.builder(baseUrl).build());
        Translation translation = relay.translator().translate("{\"model\":\"m\",\"stream\":false,\"input\":\"go\"}");
        RelayResponse response = relay.execute(translation);
        byte[] written = response.body().getBytes(StandardCharsets.UTF_8); // as a server writes it
        return response.httpStatus() == 200 && written.length > 0;
    }

    private static int smallestHeapMegabytes(String body) throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start();
            int enough = 256;
            int tooLittle = 3;
            while (enough - tooLittle > 1) {
                int tried = (enough + tooLittle) / 2;
                server.enqueue(new MockResponse.Builder()
                        .setHeader("Content-Type", "application/json")
                        .body(body)
                        .build());
                Process child = new ProcessBuilder(List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-Xmx" + tried + "m",
                                "-XX:+UseSerialGC",
                                "-cp",
                                System.getProperty("java.class.path"),
                                AnswerHeapMeasurement.class.getName(),
                                "relay",
                                server.url("/v1").toString()))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!child.waitFor(120, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                    throw new IllegalStateException("the relaying JVM did not finish");
                }
                if (child.exitValue() == 0) {
                    enough = tried;
                } else {
                    tooLittle = tried;
                }
            }
            return enough;
        }
    }
}
