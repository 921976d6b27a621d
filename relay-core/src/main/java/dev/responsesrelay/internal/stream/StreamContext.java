package dev.responsesrelay.internal.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.HealingListener;
import dev.responsesrelay.HealingRule;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.internal.request.MappedRequest;
import dev.responsesrelay.internal.request.ToolCatalog;
import java.util.Set;

/**
 * What the answer side of one exchange needs to know about its request.
 *
 * @param model the model slug the client asked for (echoed; never the upstream's own model name,
 *     since Codex warns when the two differ)
 * @param responseId the id of the response object, the same from {@code created} to the
 *     terminal event
 * @param createdAt {@code created_at}, in epoch seconds
 * @param tools the declared tools by Chat name
 * @param provider the upstream's dialect
 * @param ids where item ids come from
 * @param healingListener told when a repair fires
 * @param disabledHealing repairs that are off, those off by default included (see {@link
 *     HealingRule#enabledByDefault()})
 * @param responseEcho request fields every response object repeats (see {@link
 *     MappedRequest#responseEcho()}); read only
 * @param historyCallIds the tool-call ids the request's history used, as the client sent them and
 *     as they went upstream; a new call must not reuse one
 * @param maxOutputChars how much text, reasoning and arguments one answer may accumulate (issue 18:
 *     every char is repeated in {@code *.done} events and the terminal response); past it the
 *     answer ends {@code incomplete}
 */
public record StreamContext(
        String model,
        String responseId,
        long createdAt,
        ToolCatalog tools,
        ProviderProfile provider,
        IdGenerator ids,
        HealingListener healingListener,
        Set<HealingRule> disabledHealing,
        ObjectNode responseEcho,
        Set<String> historyCallIds,
        long maxOutputChars) {

    /** The default of {@link #maxOutputChars()}; see {@code ResponsesTranslator.DEFAULT_MAX_OUTPUT_CHARS}. */
    public static final long DEFAULT_MAX_OUTPUT_CHARS = 2L * 1024 * 1024;

    /** Copies the sets, so that the context stays immutable. */
    public StreamContext {
        disabledHealing = Set.copyOf(disabledHealing);
        historyCallIds = Set.copyOf(historyCallIds);
        if (maxOutputChars < 1) {
            throw new IllegalArgumentException("maxOutputChars < 1: " + maxOutputChars);
        }
    }

    /** Whether {@code rule} may fire; reports it to the listener when it may. */
    public boolean heal(HealingRule rule, String detail) {
        if (disabledHealing.contains(rule)) {
            return false;
        }
        healingListener.onHealed(rule, detail);
        return true;
    }

    /**
     * As {@link #heal}, for a repair the answer cannot go on without.
     *
     * @throws UpstreamProtocolException when {@code rule} is disabled: the response fails
     */
    void requireHealing(HealingRule rule, String detail) {
        if (!heal(rule, detail)) {
            throw new UpstreamProtocolException(detail + " (repair " + rule + " is disabled)");
        }
    }
}
