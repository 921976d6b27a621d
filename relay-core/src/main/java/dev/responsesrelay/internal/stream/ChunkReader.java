package dev.responsesrelay.internal.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.Utf8Data;
import dev.responsesrelay.internal.stream.ChatChunk.TokenUsage;
import dev.responsesrelay.internal.stream.ChatChunk.ToolCallDelta;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 *
 * <p>The dialects end here: what one provider puts in another field (reasoning in five, usage in
 * three places) comes out as one normalised {@link ChatChunk} ({@link DeltaFields}, {@link
 * UsageReader}), so the stream machine reads one shape.
 */
final class ChunkReader {
    private ChunkReader() {}

    /** Reads a {@code data:} payload of a streamed answer. */
    static ChatChunk readChunk(String json) {
        return read(json, null);
    }

    /**
     * Reads a {@code data:} payload from its UTF-8 bytes, with Jackson's byte-based parser: this skips
     * decoding the chunk to UTF-16 and is the faster parser. Whatever it cannot read is read again
     * from the decoded text, so a chunk gives exactly what {@link #readChunk(String)} gives for it,
     * errors and their messages included (and malformed UTF-8 is still read as U+FFFD, as the text
     * has it).
     */
    static ChatChunk readChunk(byte[] utf8) {
        if (!Utf8Data.isWellFormed(utf8)) {
            // Jackson's byte parser accepts overlong forms and code points above U+10FFFF, which
            // would read as other characters (even make a key match); the text has U+FFFD there.
            return readChunk(new String(utf8, StandardCharsets.UTF_8));
        }
        try (JsonParser p = Json.UTF8_FACTORY.createParser(utf8)) {
            return read(p, null);
        } catch (ChunkFormatException | IOException e) {
            return readChunk(new String(utf8, StandardCharsets.UTF_8));
        }
    }

    /**
     * Reads a whole non-streaming {@code chat.completion}: {@code choices[0].message} is read like a
     * delta, and tool calls without {@code index} take their position in the array, since a
     * complete message lists each call once.
     */
    static ChatChunk readCompletion(String json) {
        return read(json, WholeCompletion.DECODED);
    }

    /**
     * Reads a whole non-streaming {@code chat.completion} from its UTF-8 bytes, as {@link
     * #readCompletion(String)} reads its text, except that the text and reasoning strings are
     * decoded only up to {@code maxChars} + 2 chars: enough for the stream machine to see that the
     * answer passed the output bound ({@code StreamMachine.cutToOutputBound} cuts it exactly, and
     * never through a surrogate pair), without decoding a runaway answer's megabytes into a
     * {@code char[]} and then a {@code String} (issue 18). The parser skips what is not decoded.
     */
    static ChatChunk readCompletion(byte[] utf8, long maxChars) {
        if (!Utf8Data.isWellFormed(utf8)) {
            // As readChunk(byte[]): the decoded text has U+FFFD where the bytes are malformed.
            return readCompletion(new String(utf8, StandardCharsets.UTF_8));
        }
        try (JsonParser p = Json.UTF8_FACTORY.createParser(utf8)) {
            return read(p, new WholeCompletion(utf8, maxChars));
        } catch (ChunkFormatException | IOException e) {
            // As readChunk(byte[]): a completion that cannot be read fails with the text parser's
            // own error, so both paths report the same.
            return readCompletion(new String(utf8, StandardCharsets.UTF_8));
        }
    }

    private static ChatChunk read(String json, @Nullable WholeCompletion completion) {
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            return read(p, completion);
        } catch (JsonProcessingException e) {
            throw new ChunkFormatException("not valid JSON (" + e.getOriginalMessage() + ")", "");
        } catch (IOException e) {
            throw new ChunkFormatException("not readable (" + e.getMessage() + ")", "");
        }
    }

    private static ChatChunk read(JsonParser p, @Nullable WholeCompletion completion) throws IOException {
        JsonToken root = p.nextToken();
        if (root == JsonToken.START_ARRAY) {
            // Gemini's native endpoints stream errors as [{"error":{…}}]; a chunk is never an array.
            return ChatChunk.ERROR;
        }
        if (root != JsonToken.START_OBJECT) {
            throw new ChunkFormatException("expected a JSON object but was " + describe(root), "");
        }
        DeltaFields choice = null;
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
                case "usage" -> usage = UsageReader.readUsage(p);
                case "x_groq" -> groqUsage = UsageReader.readGroq(p);
                default -> p.skipChildren();
            }
        }
        if (p.nextToken() != null) {
            throw new ChunkFormatException("unexpected data after the JSON object", "");
        }
        return UsageReader.chunk(choice, usage, groqUsage);
    }

    /** The fields of the choice with index 0, or null when there is none. */
    private static @Nullable DeltaFields readChoices(JsonParser p, @Nullable WholeCompletion completion)
            throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, JsonToken.START_ARRAY);
        DeltaFields first = null;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p, JsonToken.START_OBJECT);
            DeltaFields c = readChoice(p, completion);
            if (first == null && (c.index == null || c.index == 0)) {
                first = c;
            }
        }
        return first;
    }

    private static DeltaFields readChoice(JsonParser p, @Nullable WholeCompletion completion) throws IOException {
        DeltaFields c = new DeltaFields();
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
                case "usage" -> c.usage = UsageReader.readUsage(p);
                default -> p.skipChildren();
            }
        }
        return c;
    }

    private static void readDelta(JsonParser p, @Nullable WholeCompletion completion, DeltaFields d)
            throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "content" -> readContent(p, completion, d);
                case "reasoning_content" ->
                    d.reasoningContent = value == JsonToken.VALUE_STRING ? outputText(p, completion) : readText(p);
                case "reasoning" -> {
                    // A string in every Chat dialect seen; an object here is some other vendor's
                    // structure we do not know, so it is skipped rather than guessed at.
                    if (value == JsonToken.VALUE_STRING) {
                        d.reasoning = outputText(p, completion);
                    } else {
                        p.skipChildren();
                    }
                }
                case "thinking" -> {
                    if (value == JsonToken.VALUE_STRING) {
                        d.thinking = outputText(p, completion);
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

    private static void readContent(JsonParser p, @Nullable WholeCompletion completion, DeltaFields d)
            throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_NULL -> {}
            case VALUE_STRING -> d.content().append(outputText(p, completion));
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

    private static void readContentBlock(JsonParser p, DeltaFields d) throws IOException {
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

    private static void readReasoningDetails(JsonParser p, DeltaFields d) throws IOException {
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

    private static void appendIfText(DeltaFields d, @Nullable JsonNode text) {
        if (text != null && text.isTextual()) {
            d.detailsReasoning().append(text.textValue());
        }
    }

    private static void readToolCalls(JsonParser p, @Nullable WholeCompletion completion, DeltaFields d)
            throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(p, JsonToken.START_ARRAY);
        int position = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p, JsonToken.START_OBJECT);
            d.toolCalls().add(readToolCall(p, completion != null ? position : null));
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

    /**
     * The current string token, an answer's text or reasoning: decoded whole in a chunk, and in a
     * whole completion read from bytes only as far as {@link WholeCompletion#maxChars} needs.
     */
    private static String outputText(JsonParser p, @Nullable WholeCompletion completion) throws IOException {
        return completion == null || completion.utf8 == null ? p.getText() : completion.boundedText(p);
    }

    /**
     * How a whole {@code chat.completion} is being read: from its text ({@link #DECODED}), or from
     * its UTF-8 bytes with the answer's strings decoded up to a bound.
     */
    private static final class WholeCompletion {
        /** A completion read from its text: every string is decoded by the parser, as in a chunk. */
        static final WholeCompletion DECODED = new WholeCompletion(null, Long.MAX_VALUE);

        /** Strings shorter than this are decoded by the parser: bounding them saves nothing. */
        private static final int BOUNDED_FROM_BYTES = 16 * 1024;

        final byte @Nullable [] utf8;
        /** The output bound: a string is decoded to {@code maxChars + 2} chars at most. */
        final long maxChars;

        WholeCompletion(byte @Nullable [] utf8, long maxChars) {
            this.utf8 = utf8;
            this.maxChars = maxChars;
        }

        /**
         * The current string token's text, decoded from the bytes up to {@code maxChars + 2} chars
         * when the string is long: the token's location gives the byte offset of its opening quote,
         * and a string whose text is never requested is skipped by the parser's next {@code
         * nextToken()} (the same use of Jackson's UTF-8 parser as {@code
         * dev.responsesrelay.internal.SlicingTreeReader}, which keeps request strings as slices).
         */
        String boundedText(JsonParser p) throws IOException {
            byte[] bytes = utf8;
            long quote = p.currentTokenLocation().getByteOffset();
            if (bytes == null || quote < 0 || quote >= bytes.length - 1 || bytes[(int) quote] != '"') {
                return p.getText();
            }
            int start = (int) quote + 1;
            int end = closingQuote(bytes, start);
            if (end < 0 || end - start < BOUNDED_FROM_BYTES) {
                return p.getText();
            }
            // Two chars past the bound: the machine then sees the answer past it, and cuts it
            // itself, never between the two halves of a surrogate pair.
            int limit = (int) Math.min(Integer.MAX_VALUE - 16, maxChars + 2);
            return JsonStringPrefix.decode(bytes, start, end, limit);
        }

        /** The index of the quote that closes a string whose content starts at {@code start}; -1 if none. */
        private static int closingQuote(byte[] bytes, int start) {
            int i = start;
            while (i < bytes.length) {
                byte b = bytes[i];
                if (b == '"') {
                    return i;
                }
                i += b == '\\' ? 2 : 1;
            }
            return -1;
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
    static void expect(JsonParser p, JsonToken expected) {
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
    static String pointer(JsonParser p) {
        return p.getParsingContext().pathAsPointer().toString();
    }

    static String describe(@Nullable JsonToken t) {
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
