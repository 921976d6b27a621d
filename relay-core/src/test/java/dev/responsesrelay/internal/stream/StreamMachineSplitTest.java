package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.fixtures.Samples;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Re-chunking (TCP and HTTP clients split a body anywhere): an upstream body fed to {@link SseDecoder} in pieces of any size,
 * with {@code \n}, {@code \r\n} or {@code \r} line endings, must translate to exactly the events of
 * the body fed whole. The whole-body translation passes both stream checks ({@link
 * StreamRun#check}); every split translation must equal it event for event, so it passes them too.
 */
class StreamMachineSplitTest {
    private static final String[] LINE_ENDINGS = {"\n", "\r\n", "\r"};

    /** A synthetic stream (docs/dialects.md §0 shape) with reasoning, text, think-free content and calls. */
    private static String syntheticToolStream() {
        String patch = "*** Begin Patch\n*** Add File: a.txt\n+\"quoted\" \\ é 😀\n*** End Patch\n";
        List<String> chunks = List.of(
                Chunks.role(),
                Chunks.reasoning("reasoning_content", "Plan: run, then patch."),
                Chunks.text("Running "),
                Chunks.text("two tools."),
                Chunks.toolCall(0, "call_1", "exec_command", "{\"cmd\":"),
                Chunks.toolCall(0, null, null, "\"echo héllo\"}"),
                Chunks.toolCall(1, "call_2", "apply_patch", "{\"input\":" + Chunks.quote(patch) + "}"),
                Chunks.finish("tool_calls"),
                Chunks.usage(120, 40));
        StringBuilder body = new StringBuilder(": keep-alive\n\n");
        for (String chunk : chunks) {
            body.append("data: ").append(chunk).append("\n\n");
        }
        return body.append("data: [DONE]\n\n").toString();
    }

    private static StreamContext context() {
        return TestContexts.builder()
                .function("exec_command")
                .custom("apply_patch", "input")
                .build();
    }

    static Stream<Arguments> smallBodies() {
        List<Arguments> bodies = new ArrayList<>();
        for (String file : List.of(
                "openai-stream-basic-gomodel.sse",
                "groq-stream-basic-gomodel.sse",
                "kimi-for-coding-stream-excerpt-gomodel.sse",
                "moonshot-stream-usage-in-choice.sse",
                "openrouter-stream-processing-comments.sse")) {
            bodies.add(Arguments.of(file, Samples.text("dialects/" + file)));
        }
        bodies.add(Arguments.of("synthetic tool stream", syntheticToolStream()));
        return bodies.stream();
    }

    static Stream<Arguments> allBodies() {
        return Stream.concat(
                smallBodies(),
                Stream.of(Arguments.of(
                        "xai-stream-basic-gomodel.sse", Samples.text("dialects/xai-stream-basic-gomodel.sse"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallBodies")
    void everySingleSplitGivesTheSameEvents(String name, String body) {
        for (String lineEnding : LINE_ENDINGS) {
            byte[] bytes = withLineEnding(body, lineEnding);
            List<SseEvent> whole = translate(bytes, new int[0]);
            StreamRun.check(whole);
            for (int cut = 1; cut < bytes.length; cut++) {
                assertThat(translate(bytes, new int[] {cut}))
                        .as("%s split at byte %d with %s line endings", name, cut, escape(lineEnding))
                        .isEqualTo(whole);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allBodies")
    void seededRandomMultiSplitsGiveTheSameEvents(String name, String body) {
        for (String lineEnding : LINE_ENDINGS) {
            byte[] bytes = withLineEnding(body, lineEnding);
            List<SseEvent> whole = translate(bytes, new int[0]);
            StreamRun.check(whole);
            for (long seed = 0; seed < 100; seed++) {
                SplittableRandom random = new SplittableRandom(seed);
                int[] cuts = random.ints(random.nextInt(1, 60), 1, bytes.length)
                        .sorted()
                        .distinct()
                        .toArray();
                assertThat(translate(bytes, cuts))
                        .as(
                                "%s, seed %d, %s line endings, cuts %s",
                                name, seed, escape(lineEnding), Arrays.toString(cuts))
                        .isEqualTo(whole);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallBodies")
    void byteByByteFeedingGivesTheSameEvents(String name, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        int[] everyByte = new int[bytes.length - 1];
        Arrays.setAll(everyByte, i -> i + 1);

        assertThat(translate(bytes, everyByte)).isEqualTo(translate(bytes, new int[0]));
    }

    /** Feeds {@code bytes} cut at {@code cuts} through a decoder into a fresh machine, then EOF. */
    private static List<SseEvent> translate(byte[] bytes, int[] cuts) {
        StreamMachine machine = new StreamMachine(context());
        SseDecoder decoder = SseDecoder.create();
        List<SseEvent> out = new ArrayList<>(machine.start());
        int from = 0;
        for (int cut : cuts) {
            for (SseEvent upstream : decoder.feed(bytes, from, cut - from)) {
                out.addAll(machine.onEvent(upstream));
            }
            from = cut;
        }
        for (SseEvent upstream : decoder.feed(bytes, from, bytes.length - from)) {
            out.addAll(machine.onEvent(upstream));
        }
        for (SseEvent upstream : decoder.finish()) {
            out.addAll(machine.onEvent(upstream));
        }
        out.addAll(machine.onEnd());
        return out;
    }

    private static byte[] withLineEnding(String body, String lineEnding) {
        return body.replace("\r\n", "\n").replace("\n", lineEnding).getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String lineEnding) {
        return lineEnding.replace("\r", "\\r").replace("\n", "\\n");
    }
}
