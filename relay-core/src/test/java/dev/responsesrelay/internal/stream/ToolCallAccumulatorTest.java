package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.responsesrelay.HealingRule;
import dev.responsesrelay.internal.stream.ChatChunk.ToolCallDelta;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Tool-call assembly rules (docs/dialects.md rules 16-19), delta by delta. */
class ToolCallAccumulatorTest {
    private final List<HealingRule> healed = new ArrayList<>();
    private final ToolCallAccumulator accumulator = new ToolCallAccumulator((rule, detail) -> healed.add(rule));

    private static ToolCallDelta delta(
            @Nullable Integer index, @Nullable String id, @Nullable String name, String arguments) {
        return new ToolCallDelta(index, id, name, arguments, false);
    }

    private List<String> arguments() {
        return accumulator.calls().stream().map(c -> c.arguments().toString()).toList();
    }

    @Test
    void firstDeltaCarriesIdentityAndLaterDeltasOnlyFragments() {
        accumulator.accept(delta(0, "call_1", "exec_command", ""));
        accumulator.accept(delta(0, null, null, "{\"cmd\":"));
        accumulator.accept(delta(0, null, null, "\"ls\"}"));

        assertThat(accumulator.calls()).singleElement().satisfies(call -> {
            assertThat(call.upstreamId()).isEqualTo("call_1");
            assertThat(call.name()).isEqualTo("exec_command");
            assertThat(call.arguments().toString()).isEqualTo("{\"cmd\":\"ls\"}");
        });
        assertThat(healed).isEmpty();
    }

    @Test
    void identityRestatedOnLaterDeltasIsNotANewCall() {
        // DashScope restates the full id; the reader already maps DeepSeek's "" to null.
        accumulator.accept(delta(0, "call_1", "f", "{"));
        accumulator.accept(delta(0, "call_1", "f", "}"));

        assertThat(arguments()).containsExactly("{}");
    }

    @Test
    void distinctIndexesAreDistinctCallsEvenInterleaved() {
        accumulator.accept(delta(0, "a", "f", "[1"));
        accumulator.accept(delta(1, "b", "g", "[2"));
        accumulator.accept(delta(0, null, null, "]"));
        accumulator.accept(delta(1, null, null, "]"));

        assertThat(arguments()).containsExactly("[1]", "[2]");
    }

    @Test
    void indexCollisionWithADifferentIdStartsANewCall() {
        // SGLang #6310 / Ollama via LiteLLM: every call arrives as index 0.
        accumulator.accept(delta(0, "call_a", "f", "{\"x\":1}"));
        ToolCallAccumulator.Update second = accumulator.accept(delta(0, "call_b", "f", "{\"x\":2}"));
        accumulator.accept(delta(0, null, null, ""));

        assertThat(second.created()).isTrue();
        assertThat(arguments()).containsExactly("{\"x\":1}", "{\"x\":2}");
        assertThat(healed).containsExactly(HealingRule.TOOL_CALL_INDEX_COLLISION);
    }

    @Test
    void indexCollisionFailsWhenThatRepairIsDisabled() {
        ToolCallAccumulator strict = new ToolCallAccumulator((rule, detail) -> false);
        strict.accept(delta(0, "call_a", "f", "{}"));

        assertThatThrownBy(() -> strict.accept(delta(0, "call_b", "f", "{}")))
                .isInstanceOf(UpstreamProtocolException.class)
                .hasMessageContaining("TOOL_CALL_INDEX_COLLISION");
    }

    @Test
    void withoutIndexANewIdStartsANewCall() {
        // Gemini omits tool_calls[].index (docs/dialects.md §1.11).
        accumulator.accept(delta(null, "a", "f", "{\"q\":"));
        accumulator.accept(delta(null, null, null, "1}"));
        accumulator.accept(delta(null, "b", "f", "{\"q\":2}"));

        assertThat(arguments()).containsExactly("{\"q\":1}", "{\"q\":2}");
    }

    @Test
    void withoutIndexOrIdADifferentNameStartsANewCall() {
        accumulator.accept(delta(null, null, "f", "{}"));
        accumulator.accept(delta(null, null, "g", "{}"));

        assertThat(accumulator.calls())
                .extracting(ToolCallAccumulator.Call::name)
                .containsExactly("f", "g");
    }

    @Test
    void withoutIndexAnIdArrivingOnAnEmptyCallJoinsIt() {
        accumulator.accept(delta(null, null, null, ""));
        accumulator.accept(delta(null, "late", "f", "{}"));

        assertThat(accumulator.calls()).singleElement().satisfies(call -> {
            assertThat(call.upstreamId()).isEqualTo("late");
            assertThat(call.name()).isEqualTo("f");
        });
    }

    @Test
    void argumentsAsAnObjectAreAppendedAndReported() {
        accumulator.accept(new ToolCallDelta(0, "a", "f", "{\"k\":[1,2]}", true));

        assertThat(arguments()).containsExactly("{\"k\":[1,2]}");
        assertThat(healed).containsExactly(HealingRule.ARGUMENTS_AS_OBJECT);
    }

    @Test
    void mistralSendsSeveralWholeCallsInOneDelta() {
        accumulator.accept(delta(0, "aaaaaaaaa", "f", "{\"a\":1}"));
        accumulator.accept(delta(1, "bbbbbbbbb", "g", "{\"b\":2}"));

        assertThat(accumulator.calls())
                .extracting(ToolCallAccumulator.Call::ordinal)
                .containsExactly(0, 1);
        assertThat(arguments()).containsExactly("{\"a\":1}", "{\"b\":2}");
    }
}
