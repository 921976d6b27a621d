package dev.responsesrelay.internal.reverse;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The output items a Responses stream announced, as {@link ChatStreamMachine} tracks them: by
 * {@code item_id}, falling back to {@code output_index}, so events of several items may
 * interleave, and, for events that name no item at all, the last item seen.
 *
 * <p>Split out of {@link ChatStreamMachine} (issue 15 §1: no class in the core over about 500
 * lines): which item an event addresses is a question of its own, apart from what the machine
 * writes for it. Not thread-safe; one per stream.
 */
final class StreamItems {
    enum ReasoningSource {
        NONE,
        SUMMARY,
        RAW
    }

    private final Map<String, Item> itemsById = new HashMap<>();
    private final Map<Integer, Item> itemsByOutputIndex = new HashMap<>();
    private @Nullable Item lastItem;
    private int seen;

    /** How many items were registered so far. */
    int seen() {
        return seen;
    }

    @Nullable
    Item find(@Nullable String id, @Nullable Integer outputIndex, boolean orLast) {
        if (id != null) {
            Item byId = itemsById.get(id);
            if (byId != null) {
                return byId;
            }
        }
        if (outputIndex != null) {
            Item byIndex = itemsByOutputIndex.get(outputIndex);
            if (byIndex != null && (id == null || byIndex.id == null)) {
                return byIndex;
            }
        }
        return orLast ? lastItem : null;
    }

    <T extends Item> T register(T item, @Nullable String id, @Nullable Integer outputIndex) {
        if (id != null) {
            itemsById.put(id, item);
        }
        if (outputIndex != null) {
            itemsByOutputIndex.put(outputIndex, item);
        }
        lastItem = item;
        seen++;
        return item;
    }

    /** An output item the stream has seen. */
    static class Item {
        final @Nullable String id;
        final String type;

        Item(@Nullable String id, String type) {
            this.id = id;
            this.type = type;
        }

        String describe() {
            return id != null ? id : "(unnamed " + type + ")";
        }
    }

    static final class MessageItem extends Item {
        final PartedText text = new PartedText("");
        final PartedText refusal = new PartedText("");

        MessageItem(@Nullable String id) {
            super(id, "message");
        }
    }

    static final class ReasoningItem extends Item {
        final PartedText text = new PartedText("\n\n");
        ReasoningSource source = ReasoningSource.NONE;
        boolean sentAny;

        ReasoningItem(@Nullable String id) {
            super(id, "reasoning");
        }

        /** The first kind of reasoning text that arrives for this item is the one forwarded. */
        boolean accepts(ReasoningSource kind) {
            if (source == ReasoningSource.NONE) {
                source = kind;
            }
            return source == kind;
        }
    }

    static final class ToolCall extends Item {
        final boolean custom;
        final StringBuilder received = new StringBuilder();

        @Nullable
        String callId;

        @Nullable
        String name;

        int index = -1;
        boolean announced;
        boolean complete;

        ToolCall(@Nullable String id, String type, boolean custom) {
            super(id, type);
            this.custom = custom;
        }

        @Override
        String describe() {
            return callId != null ? callId : super.describe();
        }
    }
}
