package dev.responsesrelay.internal.request;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.internal.codex.ReasoningEnvelope;
import dev.responsesrelay.internal.dialect.ProviderDialect;
import dev.responsesrelay.internal.request.AssistantTurn.CallSlot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Gives a model turn's replayed {@code reasoning} items back to the provider in the form its
 * dialect wants: a reasoning field on the assistant message, OpenRouter's {@code
 * reasoning_details}, or Gemini thought signatures on the tool calls (docs/dialects.md rules 24
 * and 25), reading the relay's own {@link ReasoningEnvelope} where the item carries one.
 *
 * <p>Split out of {@link MessageAssembler} (issue 15 §1: no class in the core over about 500
 * lines): reasoning replay is the one item kind whose output depends on the profile and on which
 * upstream produced it ({@link ProviderDialect#replayScope()}), not on the turn structure.
 */
final class TurnReasoningWriter {
    /** Gemini's documented stand-in for a thought signature the history does not have. */
    static final String SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ProviderProfile profile;
    private final List<String> warnings;

    TurnReasoningWriter(ProviderProfile profile, List<String> warnings) {
        this.profile = profile;
        this.warnings = warnings;
    }

    /** Decodes the item's envelope, if it carries one of ours; a damaged one is only a warning. */
    TurnReasoning decode(ReasoningReplay replay, String path) {
        String encrypted = replay.encryptedContent();
        if (encrypted == null) {
            return new TurnReasoning(replay, null);
        }
        try {
            return new TurnReasoning(replay, ReasoningEnvelope.decode(encrypted));
        } catch (ReasoningEnvelope.MalformedEnvelopeException e) {
            // Not a 400: Codex replays the same history on every request, so refusing it would end
            // the conversation for good; the item's own text still stands in for the reasoning.
            warnings.add("ignored encrypted_content at " + path + "/encrypted_content: " + e.getMessage());
            return new TurnReasoning(replay, null);
        }
    }

    /**
     * docs/dialects.md rule 24: thinking models want the turn's reasoning back on the assistant message,
     * in a field of their own (DeepSeek, Kimi: {@code reasoning_content}; vLLM, Ollama: {@code
     * reasoning}); OpenRouter wants its {@code reasoning_details} array; others must never see it.
     * The text comes from the relay's envelope where there is one, else the item's own text.
     */
    void attachReasoning(ObjectNode assistant, List<TurnReasoning> reasoning, boolean hasCalls) {
        String field = profile.reasoningReplayField().orElse(null);
        if (field == null && profile.replayReasoningAsReceived()) {
            field = fieldAsReceived(reasoning);
        }
        if (field == null) {
            return;
        }
        if (field.equals("reasoning_details")) {
            ArrayNode details = NODES.arrayNode();
            for (TurnReasoning r : reasoning) {
                ReasoningEnvelope envelope = r.envelope();
                if (envelope != null
                        && envelope.provider()
                                .equals(ProviderDialect.of(profile).replayScope())) {
                    details.addAll(envelope.details());
                }
            }
            if (!details.isEmpty()) {
                assistant.set(field, details);
            }
            return;
        }
        StringBuilder text = new StringBuilder();
        for (TurnReasoning r : reasoning) {
            String part = r.text();
            if (!part.isEmpty()) {
                if (text.length() > 0) {
                    text.append("\n\n");
                }
                text.append(part);
            }
        }
        if (text.length() > 0) {
            assistant.put(field, text.toString());
        } else if (hasCalls && ProviderDialect.of(profile).reasoningOnToolCalls()) {
            // DeepSeek and Kimi refuse a tool-call turn without the field in thinking mode; when the
            // history lost the reasoning, a blank one is accepted (LiteLLM's documented workaround).
            assistant.put(field, " ");
        }
    }

    /**
     * Issue 13 §4: a profile that does not know its upstream's replay field (the generic one, for
     * a host the relay does not recognise) sends the reasoning back in the field the upstream
     * streamed it in, as the turn's envelope recorded it; DeepSeek-style servers refuse a tool-call
     * turn without it. Null when no envelope of the turn says, for example reasoning that came in
     * {@code <think>} tags or from another relay, and for reasoning another upstream produced
     * ({@link ProviderDialect#replayScope()}): a field one server streamed may be refused by the
     * next (issue 16).
     */
    private @Nullable String fieldAsReceived(List<TurnReasoning> reasoning) {
        for (TurnReasoning r : reasoning) {
            ReasoningEnvelope envelope = r.envelope();
            if (envelope != null
                    && envelope.sourceField() != null
                    && envelope.provider().equals(ProviderDialect.of(profile).replayScope())) {
                return envelope.sourceField();
            }
        }
        return null;
    }

    /**
     * docs/dialects.md rule 25: every call whose signature the history kept gets it back in {@code
     * extra_content.google.thought_signature}; if the turn's first call has none (history from
     * another provider, or a lost envelope), it gets Gemini's documented skip value, since Gemini
     * validates the first call of each step.
     */
    void attachThoughtSignatures(AssistantTurn closing) {
        Map<String, String> signatures = new LinkedHashMap<>();
        for (TurnReasoning r : closing.reasoning) {
            ReasoningEnvelope envelope = r.envelope();
            if (envelope != null
                    && envelope.provider().equals(ProviderDialect.of(profile).replayScope())) {
                signatures.putAll(envelope.signatures());
            }
        }
        int i = 0;
        for (CallSlot slot : closing.calls.values()) {
            String signature = signatures.get(slot.callId);
            if (signature == null && i == 0) {
                signature = SKIP_THOUGHT_SIGNATURE;
            }
            if (signature != null) {
                ((ObjectNode) closing.toolCalls.get(i))
                        .putObject("extra_content")
                        .putObject("google")
                        .put("thought_signature", signature);
            }
            i++;
        }
    }

    /** A replayed reasoning item and the envelope of ours it carried, if any. */
    record TurnReasoning(ReasoningReplay replay, @Nullable ReasoningEnvelope envelope) {
        /** The reasoning text: the envelope's exact copy, else the item's content or summary. */
        String text() {
            ReasoningEnvelope e = envelope;
            String carried = e == null ? null : e.reasoningText();
            return carried != null ? carried : replay.text();
        }
    }
}
