package dev.responsesrelay.internal.stream;

import dev.responsesrelay.HealingRule;
import dev.responsesrelay.internal.stream.ChatChunk.ToolCallDelta;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import org.jspecify.annotations.Nullable;

/**
 * Assembles streamed {@code delta.tool_calls} entries into whole calls (docs/dialects.md rules 16-19).
 *
 * <p>The first delta of a call normally carries {@code index}, {@code id} and {@code
 * function.name}; later deltas carry the {@code index} and argument fragments only, restating the
 * id as {@code ""} or {@code null} (DeepSeek, DashScope, vLLM gateways) or not at all. Identity
 * fields are set once, by their first non-empty value. Arguments are appended as they come, in a
 * {@link StringBuilder}: whole (Mistral, Ollama, Gemini), in fragments (OpenAI, vLLM), or as a JSON
 * object the reader serialised.
 *
 * <p>Calls are keyed by {@code index} when present. A delta whose {@code index} already belongs to
 * a call with a different non-empty id or name starts a new call (SGLang and Ollama-via-LiteLLM
 * send every call as index 0). Without an {@code index} (Gemini, old Ollama), a new non-empty id or
 * a different name starts a new call and anything else continues the latest one.
 *
 * <p>Not thread-safe; one per stream.
 */
final class ToolCallAccumulator {
    private final BiPredicate<HealingRule, String> healer;
    private final List<Call> calls = new ArrayList<>(2);
    private final Map<Integer, Call> byIndex = new HashMap<>();

    /**
     * An empty accumulator.
     *
     * @param healer asked before each repair; returns false when the repair is disabled, and then
     *     the anomaly is a protocol error
     */
    ToolCallAccumulator(BiPredicate<HealingRule, String> healer) {
        this.healer = healer;
    }

    /**
     * Applies one delta and returns the call it belongs to and the argument text it appended.
     *
     * @throws UpstreamProtocolException if the delta needs a repair whose healing rule is disabled
     */
    Update accept(ToolCallDelta delta) {
        Call call;
        boolean created = false;
        Integer index = delta.index();
        if (index != null) {
            call = byIndex.get(index);
            if (call == null) {
                call = newCall(index);
                created = true;
            } else if (collides(call, delta)) {
                heal(
                        HealingRule.TOOL_CALL_INDEX_COLLISION,
                        "tool call index " + index + " reused by "
                                + (delta.id() != null ? "id " + delta.id() : "name " + delta.name()));
                call = newCall(index);
                created = true;
            }
        } else {
            Call latest = calls.isEmpty() ? null : calls.get(calls.size() - 1);
            if (latest == null || startsAnotherCall(latest, delta)) {
                call = newCall(null);
                created = true;
            } else {
                call = latest;
            }
        }
        if (call.upstreamId == null && delta.id() != null) {
            call.upstreamId = delta.id();
        }
        if (call.name == null && delta.name() != null) {
            call.name = delta.name();
        }
        if (call.thoughtSignature == null && delta.thoughtSignature() != null) {
            // Gemini may send it on the call's first delta or in a metadata-only delta later.
            call.thoughtSignature = delta.thoughtSignature();
        }
        String fragment = delta.arguments();
        if (delta.argumentsNotString()) {
            heal(HealingRule.ARGUMENTS_AS_OBJECT, "arguments of tool call " + call.ordinal + " were not a string");
        }
        call.arguments.append(fragment);
        return new Update(call, fragment, created);
    }

    /** The calls seen so far, in order of first appearance. */
    List<Call> calls() {
        return Collections.unmodifiableList(calls);
    }

    boolean isEmpty() {
        return calls.isEmpty();
    }

    private Call newCall(@Nullable Integer index) {
        Call call = new Call(calls.size(), index);
        calls.add(call);
        if (index != null) {
            byIndex.put(index, call);
        }
        return call;
    }

    private static boolean collides(Call call, ToolCallDelta delta) {
        return (delta.id() != null && call.upstreamId != null && !delta.id().equals(call.upstreamId))
                || (delta.name() != null && call.name != null && !delta.name().equals(call.name));
    }

    private static boolean startsAnotherCall(Call latest, ToolCallDelta delta) {
        if (delta.id() != null) {
            // A new id starts a new call; an id on a call that had none continues it only while the
            // call is still empty (an id trailing its own name and arguments would be a new call).
            return latest.upstreamId != null ? !delta.id().equals(latest.upstreamId) : latest.hasContent();
        }
        return delta.name() != null && latest.name != null && !delta.name().equals(latest.name);
    }

    private void heal(HealingRule rule, String detail) {
        if (!healer.test(rule, detail)) {
            throw new UpstreamProtocolException(detail + " (repair " + rule + " is disabled)");
        }
    }

    /**
     * The result of one delta.
     *
     * @param call the call the delta belongs to
     * @param fragment the argument text it appended (possibly empty)
     * @param created whether the delta started this call
     */
    record Update(Call call, String fragment, boolean created) {}

    /** One tool call being assembled. Identity fields are set once; arguments only grow. */
    static final class Call {
        private final int ordinal;
        /** The upstream's {@code index}, or null when it sent none; for {@link #toString()}. */
        private final @Nullable Integer index;

        private @Nullable String upstreamId;
        private @Nullable String name;
        private @Nullable String thoughtSignature;
        private final StringBuilder arguments = new StringBuilder();

        private Call(int ordinal, @Nullable Integer index) {
            this.ordinal = ordinal;
            this.index = index;
        }

        /** Position in order of first appearance, from 0. */
        int ordinal() {
            return ordinal;
        }

        /** The upstream's call id, or null if none arrived (the translator synthesises one). */
        @Nullable
        String upstreamId() {
            return upstreamId;
        }

        /** The function name the upstream called, or null if none arrived yet. */
        @Nullable
        String name() {
            return name;
        }

        /** Gemini's thought signature for this call, or null if none arrived. */
        @Nullable
        String thoughtSignature() {
            return thoughtSignature;
        }

        /** The arguments so far; read only. */
        CharSequence arguments() {
            return arguments;
        }

        private boolean hasContent() {
            return name != null || arguments.length() > 0;
        }

        @Override
        public String toString() {
            return "Call{" + ordinal + ", index=" + index + ", id=" + upstreamId + ", name=" + name + "}";
        }
    }
}
