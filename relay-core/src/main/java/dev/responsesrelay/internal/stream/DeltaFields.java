package dev.responsesrelay.internal.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.internal.stream.ChatChunk.Choice;
import dev.responsesrelay.internal.stream.ChatChunk.TokenUsage;
import dev.responsesrelay.internal.stream.ChatChunk.ToolCallDelta;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Mutable scratch space while {@link ChunkReader} reads one choice, each dialect's field kept apart,
 * and the normalisation of those fields into the one {@link Choice} the stream machine reads: the
 * content and refusal become one text, the five reasoning fields one reasoning text (docs/dialects.md
 * rule 13) plus the field it can be replayed in.
 */
final class DeltaFields {
    @Nullable
    Integer index;

    @Nullable
    private TextPieces content;

    boolean contentBlocks;

    @Nullable
    private TextPieces blockReasoning;

    @Nullable
    String reasoningContent;

    @Nullable
    String reasoning;

    @Nullable
    String thinking;

    @Nullable
    private TextPieces detailsReasoning;

    @Nullable
    List<JsonNode> details;

    @Nullable
    String refusal;

    @Nullable
    private List<ToolCallDelta> toolCalls;

    @Nullable
    String finishReason;

    @Nullable
    String nativeFinishReason;

    /** {@code choices[0].usage} (Kimi/Moonshot put usage there). */
    @Nullable
    TokenUsage usage;

    /** {@code delta.content} text, and the text blocks of a content array. */
    TextPieces content() {
        TextPieces c = content;
        if (c == null) {
            c = new TextPieces();
            content = c;
        }
        return c;
    }

    /** The {@code thinking} blocks of a content array (Mistral Magistral, docs/dialects.md rule 10). */
    TextPieces blockReasoning() {
        TextPieces r = blockReasoning;
        if (r == null) {
            r = new TextPieces();
            blockReasoning = r;
        }
        return r;
    }

    /** The text of {@code reasoning.text}/{@code reasoning.summary} entries of {@code reasoning_details}. */
    TextPieces detailsReasoning() {
        TextPieces r = detailsReasoning;
        if (r == null) {
            r = new TextPieces();
            detailsReasoning = r;
        }
        return r;
    }

    List<ToolCallDelta> toolCalls() {
        List<ToolCallDelta> calls = toolCalls;
        if (calls == null) {
            calls = new ArrayList<>(2);
            toolCalls = calls;
        }
        return calls;
    }

    /** The normalised choice. */
    Choice toChoice() {
        String contentText = content == null ? null : content.text();
        String text = contentText == null
                ? (refusal == null ? "" : refusal)
                : refusal == null ? contentText : contentText + refusal;
        List<JsonNode> detailList = details == null ? List.of() : List.copyOf(details);
        String reasoningText = reasoningText(
                reasoningContent,
                reasoning,
                detailsReasoning == null ? null : detailsReasoning.text(),
                thinking,
                blockReasoning == null ? null : blockReasoning.text());
        return new Choice(
                text,
                contentBlocks,
                reasoningText,
                reasoningSource(detailList),
                detailList,
                toolCalls == null ? List.of() : List.copyOf(toolCalls),
                finishReason,
                nativeFinishReason);
    }

    /**
     * The field this delta's reasoning came in, or null when it came in none that can be replayed
     * (Mistral's thinking blocks, {@code thinking}). {@code reasoning_details} first: a server that
     * sends both it and a text field (OpenRouter) keeps more in the structured array.
     */
    private @Nullable String reasoningSource(List<JsonNode> detailList) {
        if (!detailList.isEmpty()) {
            return "reasoning_details";
        }
        if (reasoningContent != null && !reasoningContent.isEmpty()) {
            return "reasoning_content";
        }
        return reasoning != null && !reasoning.isEmpty() ? "reasoning" : null;
    }

    /**
     * The reasoning text of one delta. Nearly every chunk sets one reasoning field or none; those
     * cases are answered without the varargs array and list of {@link #distinctJoin}, which run
     * once per token.
     */
    private static String reasoningText(
            @Nullable String reasoningContent,
            @Nullable String reasoning,
            @Nullable String detailsReasoning,
            @Nullable String thinking,
            @Nullable String blockReasoning) {
        int present = count(reasoningContent)
                + count(reasoning)
                + count(detailsReasoning)
                + count(thinking)
                + count(blockReasoning);
        if (present == 0) {
            return "";
        }
        if (present == 1) {
            return orElse(
                    reasoningContent,
                    orElse(reasoning, orElse(detailsReasoning, orElse(thinking, orElse(blockReasoning, "")))));
        }
        return distinctJoin(reasoningContent, reasoning, detailsReasoning, thinking, blockReasoning);
    }

    private static int count(@Nullable String text) {
        return text == null || text.isEmpty() ? 0 : 1;
    }

    private static String orElse(@Nullable String text, String fallback) {
        return text == null || text.isEmpty() ? fallback : text;
    }

    /**
     * Joins the reasoning fields of one delta, taking text that several fields repeat only once:
     * vLLM sent both reasoning and reasoning_content during its rename, OpenRouter sends reasoning
     * and reasoning_details together (docs/dialects.md rule 13).
     */
    private static String distinctJoin(@Nullable String... candidates) {
        String first = null;
        StringBuilder joined = null;
        List<String> taken = new ArrayList<>(2);
        for (String candidate : candidates) {
            if (candidate == null || candidate.isEmpty() || taken.contains(candidate)) {
                continue;
            }
            taken.add(candidate);
            if (first == null) {
                first = candidate;
            } else {
                if (joined == null) {
                    joined = new StringBuilder(first);
                }
                joined.append(candidate);
            }
        }
        return joined != null ? joined.toString() : first != null ? first : "";
    }

    /**
     * Text that nearly always comes in one piece ({@code delta.content} is one string): that piece
     * is kept as the parser made it, and a builder only starts at a second piece (content blocks).
     * One copy of the text per chunk instead of three.
     */
    static final class TextPieces {
        private @Nullable String first;
        private @Nullable StringBuilder joined;

        void append(String piece) {
            String only = first;
            if (only == null) {
                first = piece;
                return;
            }
            StringBuilder all = joined;
            if (all == null) {
                all = new StringBuilder(only.length() + piece.length() + 16).append(only);
                joined = all;
            }
            all.append(piece);
        }

        @Nullable
        String text() {
            StringBuilder all = joined;
            return all != null ? all.toString() : first;
        }
    }
}
