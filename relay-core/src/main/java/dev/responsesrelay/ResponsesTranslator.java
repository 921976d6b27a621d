package dev.responsesrelay;

import dev.responsesrelay.internal.request.MappedRequest;
import dev.responsesrelay.internal.request.RequestMapper;
import dev.responsesrelay.internal.stream.StreamContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Translates OpenAI Responses API exchanges to Chat Completions and back. The entry point of the
 * library.
 *
 * <pre>{@code
 * ResponsesTranslator translator = ResponsesTranslator.builder()
 *     .provider(ProviderProfile.GENERIC)
 *     .build();
 * Translation t = translator.translate(requestBody);      // throws InvalidRequestException
 * // POST t.chatRequestJson() to the upstream's /chat/completions, then:
 * ResponsesStream stream = t.newStream();
 * send(stream.start());
 * for (String data : upstreamDataPayloads) send(stream.onData(data));
 * send(stream.onEnd());
 * }</pre>
 *
 * <p>Immutable and thread-safe: build one and share it, as with OkHttpClient. It does no I/O; time
 * and ids come from the injected {@link Clock} and {@link IdGenerator}.
 */
public final class ResponsesTranslator {
    /**
     * How many chars of text, reasoning and tool arguments one answer may accumulate by default:
     * 2 Mi, about half a million tokens, several times the largest output limit of current models
     * (128k tokens), so only a runaway answer (a local model looping) reaches it. The relay repeats
     * every accumulated char in the {@code *.done} events and the terminal response, so an unbounded
     * answer ends in an {@code OutOfMemoryError} instead of a terminal event (issue 18).
     */
    public static final long DEFAULT_MAX_OUTPUT_CHARS = StreamContext.DEFAULT_MAX_OUTPUT_CHARS;

    private final ProviderProfile provider;
    private final IdGenerator idGenerator;
    private final Clock clock;
    private final HealingListener healingListener;
    private final Set<HealingRule> disabledHealing;
    private final Set<HealingRule> enabledHealing;
    private final long maxOutputChars;

    private ResponsesTranslator(Builder builder) {
        this.provider = builder.provider;
        this.idGenerator = builder.idGenerator;
        this.clock = builder.clock;
        this.healingListener = builder.healingListener;
        this.disabledHealing = Set.copyOf(builder.disabledHealing);
        this.enabledHealing = Set.copyOf(builder.enabledHealing);
        this.maxOutputChars = builder.maxOutputChars;
    }

    /** A translator with the {@link ProviderProfile#GENERIC} profile and random ids. */
    public static ResponsesTranslator create() {
        return builder().build();
    }

    /** A builder with the defaults of {@link #create()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this translator's settings. */
    public Builder newBuilder() {
        Builder b = new Builder();
        b.provider = provider;
        b.idGenerator = idGenerator;
        b.clock = clock;
        b.healingListener = healingListener;
        b.disabledHealing.addAll(disabledHealing);
        b.enabledHealing.addAll(enabledHealing);
        b.maxOutputChars = maxOutputChars;
        return b;
    }

    /** The provider profile requests are written for. */
    public ProviderProfile provider() {
        return provider;
    }

    /**
     * Translates a Responses API request body ({@code POST /v1/responses}).
     *
     * @throws InvalidRequestException if the body is not a valid Responses request; its {@link
     *     InvalidRequestException#error()} is the 400 to send back
     */
    public Translation translate(String responsesRequestJson) {
        Objects.requireNonNull(responsesRequestJson, "responsesRequestJson == null");
        return translate(responsesRequestJson.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #translate(String)}, for a UTF-8 body as it came off the wire. */
    public Translation translate(byte[] responsesRequestUtf8) {
        Objects.requireNonNull(responsesRequestUtf8, "responsesRequestUtf8 == null");
        MappedRequest request = RequestMapper.map(responsesRequestUtf8, provider);
        Set<HealingRule> off = EnumSet.noneOf(HealingRule.class);
        for (HealingRule rule : HealingRule.values()) {
            if (disabledHealing.contains(rule) || (!rule.enabledByDefault() && !enabledHealing.contains(rule))) {
                off.add(rule);
            }
        }
        StreamContext context = new StreamContext(
                request.model(),
                idGenerator.newId("resp_"),
                clock.instant().getEpochSecond(),
                request.tools(),
                provider,
                idGenerator,
                healingListener,
                off,
                request.responseEcho(),
                request.historyCallIds(),
                maxOutputChars);
        return new Translation(request, context);
    }

    /** Builds a {@link ResponsesTranslator}. */
    public static final class Builder {
        private ProviderProfile provider = ProviderProfile.GENERIC;
        private IdGenerator idGenerator = IdGenerator.random();
        private Clock clock = Clock.systemUTC();
        private HealingListener healingListener = HealingListener.NONE;
        private final Set<HealingRule> disabledHealing = EnumSet.noneOf(HealingRule.class);
        private final Set<HealingRule> enabledHealing = EnumSet.noneOf(HealingRule.class);
        private long maxOutputChars = DEFAULT_MAX_OUTPUT_CHARS;

        private Builder() {}

        /**
         * How many chars of text, reasoning and tool-call arguments one answer may accumulate
         * ({@link #DEFAULT_MAX_OUTPUT_CHARS} by default). Past it the answer ends in {@code
         * response.incomplete} with reason {@code max_output_tokens}, and a streaming upstream is
         * no longer read.
         */
        public Builder maxOutputChars(long maxOutputChars) {
            if (maxOutputChars < 1) {
                throw new IllegalArgumentException("maxOutputChars < 1: " + maxOutputChars);
            }
            this.maxOutputChars = maxOutputChars;
            return this;
        }

        /** The provider the requests are written for; {@link ProviderProfile#GENERIC} by default. */
        public Builder provider(ProviderProfile provider) {
            this.provider = Objects.requireNonNull(provider, "provider == null");
            return this;
        }

        /** Where response and item ids come from; {@link IdGenerator#random()} by default. */
        public Builder idGenerator(IdGenerator idGenerator) {
            this.idGenerator = Objects.requireNonNull(idGenerator, "idGenerator == null");
            return this;
        }

        /** The clock for {@code created_at}; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /** Told whenever a stream repair fires; nothing by default. */
        public Builder healingListener(HealingListener healingListener) {
            this.healingListener = Objects.requireNonNull(healingListener, "healingListener == null");
            return this;
        }

        /** Switches a stream repair off; this wins over {@link #enableHealing}. */
        public Builder disableHealing(HealingRule rule) {
            disabledHealing.add(Objects.requireNonNull(rule, "rule == null"));
            return this;
        }

        /**
         * Switches on a stream repair that is off by default ({@link HealingRule#LEAKED_TOOL_MARKUP});
         * rules that are on by default need no call.
         */
        public Builder enableHealing(HealingRule rule) {
            enabledHealing.add(Objects.requireNonNull(rule, "rule == null"));
            return this;
        }

        /** Returns the translator. */
        public ResponsesTranslator build() {
            return new ResponsesTranslator(this);
        }
    }
}
