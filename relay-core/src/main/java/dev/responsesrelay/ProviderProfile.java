package dev.responsesrelay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.internal.Json;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one Chat Completions provider accepts and how it answers: the dialect the request mapper
 * writes and the stream translator expects. Profiles are data; pick one of the constants, or derive
 * your own with {@link #toBuilder()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ProviderProfile {
    /** Anything that speaks Chat Completions; conservative choices that most servers accept. */
    public static final ProviderProfile GENERIC = builder("generic").build();

    /** OpenAI's own Chat Completions API. */
    public static final ProviderProfile OPENAI = builder("openai")
            .developerRole(true)
            .tokenLimitField("max_completion_tokens")
            .toolStrict(true)
            .keepUserIdentifiers(true)
            .build();

    private final String name;
    private final boolean developerRole;
    private final String tokenLimitField;
    private final boolean streamOptions;
    private final boolean toolStrict;
    private final boolean thinkTagsInContent;
    private final @Nullable String reasoningReplayField;
    private final boolean keepUserIdentifiers;
    private final Set<String> dropFields;
    private final @Nullable String extraBodyJson;

    private ProviderProfile(Builder b) {
        this.name = b.name;
        this.developerRole = b.developerRole;
        this.tokenLimitField = b.tokenLimitField;
        this.streamOptions = b.streamOptions;
        this.toolStrict = b.toolStrict;
        this.thinkTagsInContent = b.thinkTagsInContent;
        this.reasoningReplayField = b.reasoningReplayField;
        this.keepUserIdentifiers = b.keepUserIdentifiers;
        this.dropFields = Set.copyOf(b.dropFields);
        this.extraBodyJson = b.extraBodyJson;
    }

    /** Starts a profile named {@code name} with the {@link #GENERIC} defaults. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder that starts from this profile. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.developerRole = developerRole;
        b.tokenLimitField = tokenLimitField;
        b.streamOptions = streamOptions;
        b.toolStrict = toolStrict;
        b.thinkTagsInContent = thinkTagsInContent;
        b.reasoningReplayField = reasoningReplayField;
        b.keepUserIdentifiers = keepUserIdentifiers;
        b.dropFields = dropFields;
        b.extraBodyJson = extraBodyJson;
        return b;
    }

    /** The profile's name, for example {@code "deepseek"}. */
    public String name() {
        return name;
    }

    /** Whether the provider accepts the {@code developer} role; if not, it becomes {@code system}. */
    public boolean developerRole() {
        return developerRole;
    }

    /** {@code max_tokens} or {@code max_completion_tokens}. */
    public String tokenLimitField() {
        return tokenLimitField;
    }

    /** Whether to send {@code stream_options: {"include_usage": true}} on streaming requests. */
    public boolean streamOptions() {
        return streamOptions;
    }

    /** Whether function tools may carry {@code strict}. */
    public boolean toolStrict() {
        return toolStrict;
    }

    /** Whether {@code <think>…</think>} inside {@code content} is split out as reasoning. */
    public boolean thinkTagsInContent() {
        return thinkTagsInContent;
    }

    /**
     * The assistant-message field that carries reasoning back to the provider on replay ({@code
     * reasoning_content}, {@code reasoning}, …), if the provider wants it.
     */
    public Optional<String> reasoningReplayField() {
        return Optional.ofNullable(reasoningReplayField);
    }

    /**
     * Whether the end-user identifiers {@code user} and {@code safety_identifier} are forwarded. They
     * are OpenAI abuse-monitoring hints; other providers ignore them, or reject unknown fields.
     */
    public boolean keepUserIdentifiers() {
        return keepUserIdentifiers;
    }

    /**
     * Top-level fields removed from the Chat request before it goes upstream (for example {@code
     * parallel_tool_calls} or {@code stream_options} for servers that refuse them), applied before
     * {@link #extraBodyJson()} is merged.
     */
    public Set<String> dropFields() {
        return dropFields;
    }

    /**
     * A JSON object merged into every upstream request body, if set: objects merge key by key,
     * anything else replaces the mapped value (for example {@code {"thinking":{"type":"enabled"}}}).
     */
    public Optional<String> extraBodyJson() {
        return Optional.ofNullable(extraBodyJson);
    }

    @Override
    public String toString() {
        return "ProviderProfile{" + name + "}";
    }

    /** Builds a {@link ProviderProfile}. */
    public static final class Builder {
        private final String name;
        private boolean developerRole = false;
        private String tokenLimitField = "max_tokens";
        private boolean streamOptions = true;
        private boolean toolStrict = false;
        private boolean thinkTagsInContent = true;
        private @Nullable String reasoningReplayField;
        private boolean keepUserIdentifiers = false;
        private Set<String> dropFields = Set.of();
        private @Nullable String extraBodyJson;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name == null");
        }

        /** See {@link ProviderProfile#developerRole()}. */
        public Builder developerRole(boolean developerRole) {
            this.developerRole = developerRole;
            return this;
        }

        /** See {@link ProviderProfile#tokenLimitField()}. */
        public Builder tokenLimitField(String tokenLimitField) {
            if (!tokenLimitField.equals("max_tokens") && !tokenLimitField.equals("max_completion_tokens")) {
                throw new IllegalArgumentException(
                        "tokenLimitField must be max_tokens or max_completion_tokens but was " + tokenLimitField);
            }
            this.tokenLimitField = tokenLimitField;
            return this;
        }

        /** See {@link ProviderProfile#streamOptions()}. */
        public Builder streamOptions(boolean streamOptions) {
            this.streamOptions = streamOptions;
            return this;
        }

        /** See {@link ProviderProfile#toolStrict()}. */
        public Builder toolStrict(boolean toolStrict) {
            this.toolStrict = toolStrict;
            return this;
        }

        /** See {@link ProviderProfile#thinkTagsInContent()}. */
        public Builder thinkTagsInContent(boolean thinkTagsInContent) {
            this.thinkTagsInContent = thinkTagsInContent;
            return this;
        }

        /** See {@link ProviderProfile#reasoningReplayField()}; null for none. */
        public Builder reasoningReplayField(@Nullable String reasoningReplayField) {
            this.reasoningReplayField = reasoningReplayField;
            return this;
        }

        /** See {@link ProviderProfile#keepUserIdentifiers()}. */
        public Builder keepUserIdentifiers(boolean keepUserIdentifiers) {
            this.keepUserIdentifiers = keepUserIdentifiers;
            return this;
        }

        /** See {@link ProviderProfile#dropFields()}. */
        public Builder dropFields(Set<String> dropFields) {
            this.dropFields = Set.copyOf(dropFields);
            return this;
        }

        /**
         * See {@link ProviderProfile#extraBodyJson()}; must be a JSON object, or null for none.
         *
         * @throws IllegalArgumentException if it is not a JSON object
         */
        public Builder extraBodyJson(@Nullable String extraBodyJson) {
            if (extraBodyJson != null) {
                requireJsonObject(extraBodyJson);
            }
            this.extraBodyJson = extraBodyJson;
            return this;
        }

        private static void requireJsonObject(String json) {
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(json);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("extraBodyJson is not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("extraBodyJson must be a JSON object");
            }
        }

        /** Returns the profile. */
        public ProviderProfile build() {
            return new ProviderProfile(this);
        }
    }
}
