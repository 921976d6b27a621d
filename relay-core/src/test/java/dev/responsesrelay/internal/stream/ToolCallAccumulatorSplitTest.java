package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.internal.stream.ChatChunk.ToolCallDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property (docs/dialects.md rule 18): any split of the argument stream, in any of the delta styles providers
 * use, gives identical final arguments, in the accumulator and through the whole stream machine.
 */
class ToolCallAccumulatorSplitTest {
    private static final String[] PIECES = {
        "{", "}", "\"cmd\"", ":", "\"echo héllo\"", ",", "[1,2.5,-3]", "\"\\n\\\"\\\\\"", "😀", "\"日本\"", " ", "null"
    };

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    /** Random arguments text (JSON-ish, with escapes and astral characters). */
    private static String randomArguments(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(1, 40);
        for (int i = 0; i < pieces; i++) {
            text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return text.toString();
    }

    /** Cuts {@code text} into random fragments, never inside a surrogate pair (Java strings). */
    private static List<String> randomSplit(String text, SplittableRandom random) {
        List<String> fragments = new ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int to = Math.min(text.length(), from + random.nextInt(0, 8));
            if (to < text.length() && to > 0 && Character.isHighSurrogate(text.charAt(to - 1))) {
                to++;
            }
            fragments.add(text.substring(from, to));
            from = to;
        }
        return fragments;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void anySplitGivesIdenticalArguments(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String first = randomArguments(random);
        String second = randomArguments(random);
        List<String> firstFragments = randomSplit(first, random);
        List<String> secondFragments = randomSplit(second, random);
        boolean withIndex = random.nextBoolean();
        // Later deltas either leave the id out (OpenAI) or restate it (DashScope); DeepSeek's "" is
        // read as absent by ChunkReader before it gets here.
        boolean restateId = random.nextBoolean();

        ToolCallAccumulator accumulator = new ToolCallAccumulator((rule, detail) -> true);
        feed(accumulator, firstFragments, withIndex ? 0 : null, "call_a", "f", restateId);
        feed(accumulator, secondFragments, withIndex ? 1 : null, "call_b", "g", restateId);

        assertThat(accumulator.calls())
                .as("seed %d", seed)
                .extracting(c -> c.arguments().toString())
                .containsExactly(first, second);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void anySplitGivesIdenticalArgumentsThroughTheStreamMachine(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String arguments = randomArguments(random);
        List<String> payloads = new ArrayList<>();
        List<String> fragments = randomSplit(arguments, random);
        payloads.add(Chunks.toolCall(0, "call_a", "f", ""));
        for (String fragment : fragments) {
            payloads.add(Chunks.toolCall(0, null, null, fragment));
        }
        payloads.add(Chunks.finish("tool_calls"));
        payloads.add("[DONE]");

        StreamRun.Result result =
                StreamRun.translate(TestContexts.builder().function("f").build(), payloads.toArray(String[]::new));

        JsonNode call = result.output().get(0);
        String expected = arguments.isBlank() ? "{}" : arguments;
        assertThat(call.path("arguments").asText()).as("seed %d", seed).isEqualTo(expected);
    }

    private static void feed(
            ToolCallAccumulator accumulator,
            List<String> fragments,
            @Nullable Integer index,
            String id,
            String name,
            boolean restateId) {
        accumulator.accept(new ToolCallDelta(index, id, name, "", false));
        for (String fragment : fragments) {
            String restated = restateId ? id : null;
            accumulator.accept(new ToolCallDelta(index, restated, null, fragment, false));
        }
    }
}
