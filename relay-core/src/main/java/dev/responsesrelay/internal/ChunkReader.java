package dev.responsesrelay.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.internal.ChatChunk.Choice;
import dev.responsesrelay.internal.ChatChunk.TokenUsage;
import dev.responsesrelay.internal.ChatChunk.ToolCallDelta;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads one upstream chunk with a streaming {@link JsonParser} into a {@link ChatChunk}, skipping
 * everything it does not translate ({@code obfuscation}, {@code logprobs}, {@code
 * content_filter_results}, {@code x_groq.id}, …) without building a tree: this runs once per token.
 *
 * <p>Every field is optional and may be {@code null} (docs/dialects.md rule 7); empty strings in identity
 * fields count as absent (rule 9). A known field of an impossible type (a number as {@code
 * content}) is not guessed at: it throws {@link ChunkFormatException}, and the response fails.
 */
final class ChunkReader {
    private ChunkReader() {}

    /** Reads a {@code data:} payload of a streamed answer. */
    static ChatChunk readChunk(String json) {
        return read(json, false);
    }

    /**
     * Reads a {@code data:} payload from its UTF-8 bytes, with Jackson's byte-based parser: this skips
     * decoding the chunk to UTF-16 and is the faster parser. Whatever it cannot read is read again
     * from the decoded text, so a chunk gives exactly what {@link #readChunk(String)} gives for it,
     * errors and their messages included (and malformed UTF-8 is still read as U+FFFD, as the text
     * has it).
     */
    static ChatChunk readChunk(byte[] utf8) {
        if (!isWellFormedUtf8(utf8)) {
            // Jackson's byte parser accepts overlong forms and code points above U+10FFFF, which
            // would read as other characters (even make a key match); the text has U+FFFD there.
            return readChunk(new String(utf8, StandardCharsets.UTF_8));
        }
        try (JsonParser p = Json.UTF8_FACTORY.createParser(utf8)) {
            return read(p, false);
        } catch (ChunkFormatException | IOException e) {
            return readChunk(new String(utf8, StandardCharsets.UTF_8));
        }
    }

    /**
     * Whether {@code bytes} is well-formed UTF-8 as RFC 3629 §4 defines it: no overlong forms, no
     * surrogates, nothing above U+10FFFF. ASCII, which most chunks are, takes one comparison a byte.
     */
    static boolean isWellFormedUtf8(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xFF;
            int length;
            int secondMin = 0x80;
            int secondMax = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                length = 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                length = 3;
                if (b == 0xE0) {
                    secondMin = 0xA0; // below is overlong
                } else if (b == 0xED) {
                    secondMax = 0x9F; // above is a surrogate
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                length = 4;
                if (b == 0xF0) {
                    secondMin = 0x90; // below is overlong
                } else if (b == 0xF4) {
                    secondMax = 0x8F; // above is beyond U+10FFFF
                }
            } else {
                return false; // 80..C1 as a lead byte, or F5..FF
            }
            if (i + length > n) {
                return false;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < secondMin || second > secondMax) {
                return false;
            }
            for (int k = 2; k < length; k++) {
                int next = bytes[i + k] & 0xFF;
                if (next < 0x80 || next > 0xBF) {
                    return false;
                }
            }
            i += length;
        }
        return true;
    }

    /**
     * Reads a whole non-streaming {@code chat.completion}: {@code choices[0].message} is read like a
     * delta, and tool calls without {@code index} take their position in the array, since a
     * complete message lists each call once.
     */
    static ChatChunk readCompletion(String json) {
        return read(json, true);
    }

    private static ChatChunk read(String json, boolean completion) {
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            return read(p, completion);
        } catch (JsonProcessingException e) {
            throw new ChunkFormatException("not valid JSON (" + e.getOriginalMessage() + ")", "");
        } catch (IOException e) {
            throw new ChunkFormatException("not readable (" + e.getMessage() + ")", "");
        }
    }

    private static ChatChunk read(JsonParser p, boolean completion) throws IOException {
        {
            JsonToken root = p.nextToken();
            if (root == JsonToken.START_ARRAY) {
                // Gemini's native endpoints stream errors as [{"error":{…}}]; a chunk is never an array.
                return ChatChunk.ERROR;
            }
            if (root != JsonToken.START_OBJECT) {
                throw new ChunkFormatException("expected a JSON object but was " + describe(root), "");
            }
            Choice choice = null;
            TokenUsage usage = null;
            TokenUsage groqUsage = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "error" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            return ChatChunk.ERROR;
                        }
                    }
                    case "object" -> {
                        if (value == JsonToken.VALUE_STRING && p.getText().equals("error")) {
                            return ChatChunk.ERROR; // vLLM's old top-level error form
                        }
                        p.skipChildren();
                    }
                    case "choices" -> choice = readChoices(p, completion);
                    case "usage" -> usage = readUsage(p);
                    case "x_groq" -> groqUsage = readGroq(p);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new ChunkFormatException("unexpected data after the JSON object", "");
            }
            return new ChatChunk(false, choice, usage, groqUsage);
        }
    }

    private static @Nullable Choice readChoices(JsonParser p, boolean completion) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, JsonToken.START_ARRAY);
        Choice first = null;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p, JsonToken.START_OBJECT);
            ChoiceFields c = readChoice(p, completion);
            if (first == null && (c.index == null || c.index == 0)) {
                first = c.toChoice();
            }
        }
        return first;
    }

    private static ChoiceFields readChoice(JsonParser p, boolean completion) throws IOException {
        ChoiceFields c = new ChoiceFields();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "index" -> c.index = readIndex(p);
                case "delta", "message" -> {
                    if (value != JsonToken.VALUE_NULL) {
                        expect(p, JsonToken.START_OBJECT);
                        readDelta(p, completion, c);
                    }
                }
                case "finish_reason" -> c.finishReason = readIdentity(p);
                case "native_finish_reason" -> c.nativeFinishReason = readIdentity(p);
                case "usage" -> c.usage = readUsage(p);
                default -> p.skipChildren();
            }
        }
        return c;
    }

    /** Mutable scratch space while one choice is read. */
    private static final class ChoiceFields {
        @Nullable
        Integer index;

        @Nullable
        TextPieces content;

        boolean contentBlocks;

        @Nullable
        TextPieces blockReasoning;

        @Nullable
        String reasoningContent;

        @Nullable
        String reasoning;

        @Nullable
        String thinking;

        @Nullable
        TextPieces detailsReasoning;

        @Nullable
        List<JsonNode> details;

        @Nullable
        String refusal;

        @Nullable
        List<ToolCallDelta> toolCalls;

        @Nullable
        String finishReason;

        @Nullable
        String nativeFinishReason;

        @Nullable
        TokenUsage usage;

        TextPieces content() {
            TextPieces c = content;
            if (c == null) {
                c = new TextPieces();
                content = c;
            }
            return c;
        }

        TextPieces blockReasoning() {
            TextPieces r = blockReasoning;
            if (r == null) {
                r = new TextPieces();
                blockReasoning = r;
            }
            return r;
        }

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

        Choice toChoice() {
            return new Choice(
                    content == null ? null : content.text(),
                    contentBlocks,
                    blockReasoning == null ? null : blockReasoning.text(),
                    reasoningContent,
                    reasoning,
                    thinking,
                    detailsReasoning == null ? null : detailsReasoning.text(),
                    details == null ? List.of() : List.copyOf(details),
                    refusal,
                    toolCalls == null ? List.of() : List.copyOf(toolCalls),
                    finishReason,
                    nativeFinishReason,
                    usage);
        }
    }

    /**
     * Text that nearly always comes in one piece ({@code delta.content} is one string): that piece
     * is kept as the parser made it, and a builder only starts at a second piece (content blocks).
     * One copy of the text per chunk instead of three.
     */
    private static final class TextPieces {
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

    private static void readDelta(JsonParser p, boolean completion, ChoiceFields d) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "content" -> readContent(p, d);
                case "reasoning_content" -> d.reasoningContent = readText(p);
                case "reasoning" -> {
                    // A string in every Chat dialect seen; an object here is some other vendor's
                    // structure we do not know, so it is skipped rather than guessed at.
                    if (value == JsonToken.VALUE_STRING) {
                        d.reasoning = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
                case "thinking" -> {
                    if (value == JsonToken.VALUE_STRING) {
                        d.thinking = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
                case "reasoning_details" -> readReasoningDetails(p, d);
                case "refusal" -> d.refusal = readText(p);
                case "tool_calls" -> readToolCalls(p, completion, d);
                case "function_call" -> {
                    // The legacy single-function form (finish_reason "function_call").
                    if (value != JsonToken.VALUE_NULL) {
                        expect(p, JsonToken.START_OBJECT);
                        d.toolCalls().add(readFunction(p));
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void readContent(JsonParser p, ChoiceFields d) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_NULL -> {}
            case VALUE_STRING -> d.content().append(p.getText());
            case START_ARRAY -> {
                // Mistral Magistral: [{"type":"thinking","thinking":[{"type":"text","text":…}]},
                // {"type":"text","text":…}] (docs/dialects.md rule 10).
                d.contentBlocks = true;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    readContentBlock(p, d);
                }
            }
            default ->
                throw new ChunkFormatException("expected a string or an array but was " + describe(t), pointer(p));
        }
    }

    private static void readContentBlock(JsonParser p, ChoiceFields d) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            d.content().append(p.getText());
            return;
        }
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(p, JsonToken.START_OBJECT);
        String type = null;
        String text = null;
        StringBuilder thinking = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "type" -> type = readText(p);
                case "text" -> text = readText(p);
                case "thinking" -> {
                    thinking = new StringBuilder();
                    if (value == JsonToken.VALUE_STRING) {
                        thinking.append(p.getText());
                    } else if (value == JsonToken.START_ARRAY) {
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            readThinkingPart(p, thinking);
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if ("thinking".equals(type) || (type == null && thinking != null)) {
            if (thinking != null) {
                d.blockReasoning().append(thinking.toString());
            }
        } else if ((type == null || type.equals("text")) && text != null) {
            d.content().append(text);
        }
        // Other block types (images, references) have no place in an output_text; they are skipped.
    }

    private static void readThinkingPart(JsonParser p, StringBuilder into) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            into.append(p.getText());
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("text") && value == JsonToken.VALUE_STRING) {
                into.append(p.getText());
            } else {
                p.skipChildren();
            }
        }
    }

    private static void readReasoningDetails(JsonParser p, ChoiceFields d) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(p, JsonToken.START_ARRAY);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            // The type decides what an entry is, but may come after its payload, and every entry
            // is kept verbatim for the replay; so each entry (small, OpenRouter only) is read as a
            // tree once.
            JsonNode entry = Json.MAPPER.readTree(copyStructure(p));
            String type = entry.path("type").asText("");
            switch (type) {
                case "reasoning.text" -> appendIfText(d, entry.get("text"));
                case "reasoning.summary" -> appendIfText(d, entry.get("summary"));
                default -> {}
            }
            List<JsonNode> details = d.details;
            if (details == null) {
                details = new ArrayList<>(1);
                d.details = details;
            }
            details.add(entry);
        }
    }

    private static void appendIfText(ChoiceFields d, @Nullable JsonNode text) {
        if (text != null && text.isTextual()) {
            d.detailsReasoning().append(text.textValue());
        }
    }

    private static void readToolCalls(JsonParser p, boolean completion, ChoiceFields d) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(p, JsonToken.START_ARRAY);
        int position = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p, JsonToken.START_OBJECT);
            d.toolCalls().add(readToolCall(p, completion ? position : null));
            position++;
        }
    }

    private static ToolCallDelta readToolCall(JsonParser p, @Nullable Integer defaultIndex) throws IOException {
        Integer index = null;
        String id = null;
        ToolCallDelta function = null;
        String signature = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "index" -> index = readIndex(p);
                case "id" -> id = readIdentity(p);
                case "function" -> {
                    if (value != JsonToken.VALUE_NULL) {
                        expect(p, JsonToken.START_OBJECT);
                        function = readFunction(p);
                    }
                }
                case "extra_content" -> signature = readThoughtSignature(p);
                default -> p.skipChildren(); // type, unknown per-call keys
            }
        }
        Integer effectiveIndex = index != null ? index : defaultIndex;
        if (function == null) {
            return new ToolCallDelta(effectiveIndex, id, null, "", false, signature);
        }
        return new ToolCallDelta(
                effectiveIndex, id, function.name(), function.arguments(), function.argumentsNotString(), signature);
    }

    /**
     * Gemini's {@code extra_content: {google: {thought_signature}}} on a tool call (docs/dialects.md
     * §1.11); anything else in {@code extra_content} is skipped. Null when absent or not a string.
     */
    private static @Nullable String readThoughtSignature(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String signature = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String vendor = p.currentName();
            JsonToken value = p.nextToken();
            if (!vendor.equals("google") || value != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken inner = p.nextToken();
                if (field.equals("thought_signature")
                        && inner == JsonToken.VALUE_STRING
                        && !p.getText().isEmpty()) {
                    signature = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        }
        return signature;
    }

    /** A {@code function} object; index and id are filled in by the caller. */
    private static ToolCallDelta readFunction(JsonParser p) throws IOException {
        String name = null;
        String arguments = "";
        boolean notString = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "name" -> name = readIdentity(p);
                case "arguments" -> {
                    switch (value) {
                        case VALUE_STRING -> arguments = p.getText();
                        case VALUE_NULL -> arguments = "";
                        case START_OBJECT, START_ARRAY -> {
                            // Some servers send the arguments as a JSON object (rule 18): serialise it.
                            arguments = copyStructure(p);
                            notString = true;
                        }
                        default -> {
                            arguments = p.getText();
                            notString = true;
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new ToolCallDelta(null, null, name, arguments, notString);
    }

    private static @Nullable TokenUsage readGroq(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        TokenUsage usage = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("usage")) {
                usage = readUsage(p);
            } else {
                p.skipChildren();
            }
        }
        return usage;
    }

    private static @Nullable TokenUsage readUsage(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, JsonToken.START_OBJECT);
        long prompt = 0;
        long completion = 0;
        long total = 0;
        long detailsCached = -1;
        long cacheWrite = 0;
        long kimiCached = -1;
        long deepseekCached = -1;
        long reasoning = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "prompt_tokens" -> prompt = readCount(p);
                case "completion_tokens" -> completion = readCount(p);
                case "total_tokens" -> total = readCount(p);
                case "cached_tokens" -> kimiCached = readCount(p);
                case "prompt_cache_hit_tokens" -> deepseekCached = readCount(p);
                case "prompt_tokens_details" -> {
                    long[] details = readDetails(p, "cached_tokens", "cache_write_tokens");
                    detailsCached = details[0];
                    cacheWrite = Math.max(0, details[1]);
                }
                case "completion_tokens_details" -> reasoning = Math.max(0, readDetails(p, "reasoning_tokens")[0]);
                default -> p.skipChildren();
            }
        }
        long cached = detailsCached >= 0 ? detailsCached : kimiCached >= 0 ? kimiCached : Math.max(0, deepseekCached);
        return new TokenUsage(prompt, completion, total, cached, cacheWrite, reasoning);
    }

    /** Counts inside a details object, in the order of {@code names}; -1 for each one absent. */
    private static long[] readDetails(JsonParser p, String... names) throws IOException {
        long[] found = new long[names.length];
        Arrays.fill(found, -1);
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return found;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            int at = Arrays.asList(names).indexOf(field);
            if (at >= 0) {
                found[at] = readCount(p);
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    /** A token count: an integer, a float (truncated), a numeric string, or 0 for anything else. */
    private static long readCount(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_NUMBER_INT -> {
                return Math.max(0, p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return Math.max(0, (long) p.getDoubleValue());
            }
            case VALUE_STRING -> {
                try {
                    return Math.max(0, Long.parseLong(p.getText().trim()));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
            default -> {
                p.skipChildren();
                return 0;
            }
        }
    }

    private static @Nullable Integer readIndex(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT -> p.getIntValue();
            case VALUE_STRING -> {
                try {
                    yield Integer.parseInt(p.getText().trim());
                } catch (NumberFormatException e) {
                    throw new ChunkFormatException("expected an integer but was \"" + p.getText() + "\"", pointer(p));
                }
            }
            default -> throw new ChunkFormatException("expected an integer but was " + describe(t), pointer(p));
        };
    }

    /** A string; null for JSON null. Scalars are taken as their text; structures are an error. */
    private static @Nullable String readText(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> p.getText();
            default -> throw new ChunkFormatException("expected a string but was " + describe(t), pointer(p));
        };
    }

    /** As {@link #readText}, with {@code ""} as absent: identity fields are set once (rule 9). */
    private static @Nullable String readIdentity(JsonParser p) throws IOException {
        String text = readText(p);
        return text == null || text.isEmpty() ? null : text;
    }

    private static String copyStructure(JsonParser p) throws IOException {
        StringWriter out = new StringWriter(64);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return out.toString();
    }

    /** Throws unless the current token is {@code expected}, the start of an array or object. */
    private static void expect(JsonParser p, JsonToken expected) {
        JsonToken actual = p.currentToken();
        if (actual != expected) {
            String what = expected == JsonToken.START_ARRAY ? "an array" : "an object";
            throw new ChunkFormatException("expected " + what + " but was " + describe(actual), pointer(p));
        }
    }

    /**
     * The JSON pointer of the current value ({@code /choices/0/delta/content}), from the parser's
     * own read context: made only when a chunk is refused, where building path strings as the
     * reader descends cost a fifth of a chunk's allocation. At the start of an object or array the
     * context is already the new, still empty one, which {@code pathAsPointer} passes over to name
     * the field or array slot that holds it.
     */
    private static String pointer(JsonParser p) {
        return p.getParsingContext().pathAsPointer().toString();
    }

    private static String describe(@Nullable JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }
}
