package dev.responsesrelay;

import dev.responsesrelay.internal.reverse.ChatRequestMapper;
import dev.responsesrelay.internal.reverse.ReverseContext;
import dev.responsesrelay.internal.reverse.ReverseRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;

/**
 * Translates Chat Completions exchanges to the Responses API and back: the reverse of {@link
 * ResponsesTranslator}, for Chat Completions clients (SDKs, IDE plugins, agents) in front of an
 * upstream that only speaks Responses.
 *
 * <pre>{@code
 * ChatCompletionsTranslator translator = ChatCompletionsTranslator.builder().build();
 * ChatTranslation t = translator.translate(chatRequestBody);  // throws InvalidRequestException
 * // POST t.responsesRequestJson() to the upstream's /responses, then, if t.clientStreams():
 * ChatCompletionStream stream = t.newStream();
 * for (SseEvent e : upstreamEvents) send(stream.onEvent(e));
 * send(stream.onEnd());
 * // where send writes each payload with SseEncoder.encodeData(payload)
 * // else: respond with t.toChatCompletionJson(upstreamResponseBody)
 * }</pre>
 *
 * <p>Immutable and thread-safe: build one and share it. It does no I/O; time and ids come from the
 * injected {@link Clock} and {@link IdGenerator}.
 */
public final class ChatCompletionsTranslator {
    /** DeepSeek's field name, which most Chat clients that show reasoning read. */
    public static final String REASONING_CONTENT = "reasoning_content";

    /** The field name OpenRouter, Ollama and vLLM's newer servers use. */
    public static final String REASONING = "reasoning";

    private final IdGenerator idGenerator;
    private final Clock clock;
    private final String reasoningField;

    private ChatCompletionsTranslator(Builder builder) {
        this.idGenerator = builder.idGenerator;
        this.clock = builder.clock;
        this.reasoningField = builder.reasoningField;
    }

    /** A translator with random ids, the system clock and reasoning in {@code reasoning_content}. */
    public static ChatCompletionsTranslator create() {
        return builder().build();
    }

    /** A builder with the defaults of {@link #create()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this translator's settings. */
    public Builder newBuilder() {
        Builder b = new Builder();
        b.idGenerator = idGenerator;
        b.clock = clock;
        b.reasoningField = reasoningField;
        return b;
    }

    /** The message and delta field reasoning text is written to. */
    public String reasoningField() {
        return reasoningField;
    }

    /**
     * Translates a Chat Completions request body ({@code POST /v1/chat/completions}).
     *
     * @throws InvalidRequestException if the body is not a valid Chat Completions request or asks
     *     for something the Responses API cannot do; its {@link InvalidRequestException#error()} is
     *     the 400 to send back, naming the field
     */
    public ChatTranslation translate(String chatRequestJson) {
        Objects.requireNonNull(chatRequestJson, "chatRequestJson == null");
        return translate(chatRequestJson.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #translate(String)}, for a UTF-8 body as it came off the wire. */
    public ChatTranslation translate(byte[] chatRequestUtf8) {
        Objects.requireNonNull(chatRequestUtf8, "chatRequestUtf8 == null");
        ReverseRequest request = ChatRequestMapper.map(chatRequestUtf8);
        ReverseContext context = new ReverseContext(
                idGenerator.newId("chatcmpl-"),
                clock.instant().getEpochSecond(),
                request.model(),
                request.includeUsage(),
                reasoningField,
                idGenerator);
        return new ChatTranslation(request, context);
    }

    /** Builds a {@link ChatCompletionsTranslator}. */
    public static final class Builder {
        private IdGenerator idGenerator = IdGenerator.random();
        private Clock clock = Clock.systemUTC();
        private String reasoningField = REASONING_CONTENT;

        private Builder() {}

        /** Where completion ids ({@code chatcmpl-…}) come from; {@link IdGenerator#random()} by default. */
        public Builder idGenerator(IdGenerator idGenerator) {
            this.idGenerator = Objects.requireNonNull(idGenerator, "idGenerator == null");
            return this;
        }

        /** The clock for {@code created}; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /**
         * The field reasoning text goes to, in stream deltas and in the completion's message: {@link
         * #REASONING_CONTENT} (the default) or {@link #REASONING}. Chat Completions has no standard
         * field; clients read one or the other.
         *
         * @throws IllegalArgumentException for any other name
         */
        public Builder reasoningField(String reasoningField) {
            Objects.requireNonNull(reasoningField, "reasoningField == null");
            if (!reasoningField.equals(REASONING_CONTENT) && !reasoningField.equals(REASONING)) {
                throw new IllegalArgumentException(
                        "reasoningField must be reasoning_content or reasoning but was " + reasoningField);
            }
            this.reasoningField = reasoningField;
            return this;
        }

        /** Returns the translator. */
        public ChatCompletionsTranslator build() {
            return new ChatCompletionsTranslator(this);
        }
    }
}
