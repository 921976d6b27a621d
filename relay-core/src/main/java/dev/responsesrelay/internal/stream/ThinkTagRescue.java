package dev.responsesrelay.internal.stream;

import dev.responsesrelay.HealingRule;
import dev.responsesrelay.internal.dialect.ThinkTagSplitter;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The content path of an answer: reasoning that leaked into the content as {@code <think>} tags
 * (LM Studio, vLLM without a reasoning parser, older Ollama, llama.cpp; docs/dialects.md rule 14) is
 * split out into reasoning, and the rest goes on as text through the {@link LeakedMarkupRescue}
 * gate. The split runs only for profiles that expect tags in content ({@link
 * dev.responsesrelay.ProviderProfile#thinkTagsInContent()}) with {@link HealingRule#THINK_TAGS} on,
 * and stops for good once the provider sends reasoning in a field of its own: then {@code <think>}
 * in its content is text.
 *
 * <p>Not thread-safe; one per stream.
 */
final class ThinkTagRescue {
    private final StreamContext context;
    private final OutputItems items;
    private final LeakedMarkupRescue markup;
    private final ThinkTagSplitter.Sink sink = new ThinkTagSplitter.Sink() {
        @Override
        public void reasoning(String text) {
            items.appendReasoning(text, List.of());
        }

        @Override
        public void text(String text) {
            items.appendText(markup.gate(text));
        }
    };

    /** Null when tags are not looked for, or no longer. */
    private @Nullable ThinkTagSplitter splitter;

    private boolean reported;

    /**
     * @param wholeMessage whether the content is a whole message, so that a lone {@code </think>}
     *     can be split (see {@link ThinkTagSplitter})
     */
    ThinkTagRescue(StreamContext context, boolean wholeMessage, OutputItems items, LeakedMarkupRescue markup) {
        this.context = context;
        this.items = items;
        this.markup = markup;
        if (context.provider().thinkTagsInContent()
                && !context.disabledHealing().contains(HealingRule.THINK_TAGS)) {
            this.splitter = new ThinkTagSplitter(wholeMessage);
        }
    }

    /** One piece of content text. */
    void content(String text) {
        ThinkTagSplitter current = splitter;
        if (current != null) {
            current.feed(text, sink);
            report(current);
        } else {
            sink.text(text);
        }
    }

    /**
     * Stops looking for tags, and passes on what the splitter held back: at the end of the answer,
     * or when reasoning arrives in a field.
     */
    void stop() {
        ThinkTagSplitter current = splitter;
        if (current != null) {
            splitter = null;
            current.finish(sink);
            report(current);
        }
    }

    private void report(ThinkTagSplitter current) {
        if (!reported && current.sawTag()) {
            reported = true;
            context.heal(HealingRule.THINK_TAGS, "reasoning in <think> tags inside content");
        }
    }
}
