package dev.responsesrelay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.dialect.ProviderDetection;
import dev.responsesrelay.internal.dialect.ProviderDialect;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * What one Chat Completions provider accepts and how it answers: the dialect the request mapper
 * writes and the stream translator expects. A profile is data; the rules that read it live in the
 * translator, keyed by these fields, never by the provider's name.
 *
 * <p>Pick a built-in profile (the constants below, {@link #byName(String)} or {@link
 * #detect(String)}), or derive your own with {@link #toBuilder()}: for example {@code
 * ProviderProfile.DEEPSEEK.toBuilder().extraBodyJson("{\"thinking\":{\"type\":\"disabled\"}}")
 * .build()}. {@code docs/PROVIDERS.md} explains every field per provider; the references in the
 * comments below ({@code §1.2}, {@code rule 24}) are to {@code docs/dialects.md}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ProviderProfile {

    /** How the Responses {@code reasoning.effort} reaches the provider (docs/dialects.md rule 34). */
    public enum ReasoningControl {
        /** Not sent at all: the provider has no such switch or rejects it (Mistral, Anthropic-compat). */
        NONE,
        /** {@code reasoning_effort} exactly as the client sent it. */
        REASONING_EFFORT,
        /**
         * {@code reasoning_effort}, clamped to what each OpenAI model family accepts ({@code o}-series:
         * low to high; gpt-5: minimal to high; gpt-5.1: none to high; later: none to xhigh), and
         * dropped for models that do not reason (gpt-4o, gpt-4.1).
         */
        OPENAI,
        /** DeepSeek: {@code thinking: {type: enabled|disabled}} plus {@code reasoning_effort} low, high or max. */
        DEEPSEEK,
        /** Kimi: {@code thinking: {type: enabled|disabled}} (an object; a boolean is a 400). */
        KIMI,
        /** DashScope (Qwen): {@code enable_thinking: true|false}. */
        ENABLE_THINKING,
        /**
         * vLLM, SGLang, llama.cpp: {@code chat_template_kwargs: {enable_thinking, thinking}} (Qwen3
         * templates read the first, DeepSeek-V3.1 and Granite the second), plus {@code
         * reasoning_effort} for gpt-oss models.
         */
        CHAT_TEMPLATE,
        /**
         * Groq: {@code include_reasoning} plus {@code reasoning_effort} for gpt-oss; {@code
         * reasoning_format: parsed} (and {@code reasoning_effort none|default} for Qwen3) otherwise.
         */
        GROQ,
        /** Together: {@code reasoning: {enabled}}, plus {@code reasoning_effort} for gpt-oss. */
        TOGETHER,
        /** OpenRouter's unified {@code reasoning: {effort}}. */
        OPENROUTER,
        /** Gemini: {@code reasoning_effort} none, minimal, low, medium or high. */
        GEMINI,
        /**
         * xAI: {@code reasoning_effort} low or high for grok-3-mini, none to high for grok-4.3 and
         * later, and nothing for models that answer "does not support parameter reasoningEffort".
         */
        XAI
    }

    /** How replayed tool-call ids are rewritten (docs/dialects.md rule 26). */
    public enum ToolCallIdRule {
        /** Ids go upstream as the client sent them. */
        VERBATIM,
        /**
         * At most 40 characters of {@code [A-Za-z0-9_-]} (OpenAI refuses longer ids, and Anthropic
         * other characters); any other id becomes {@code call_} plus 24 hex digits of its hash.
         */
        MAX_40,
        /** Exactly 9 characters of {@code [A-Za-z0-9]} (Mistral); any other id is hashed to that form. */
        ALPHANUMERIC_9
    }

    /** Which {@code tool_choice} values the provider takes (docs/dialects.md rule 36). */
    public enum ToolChoiceSupport {
        /** {@code auto}, {@code none}, {@code required} and a named function. */
        FULL,
        /**
         * {@code required} is spelled {@code any}, and a named function becomes {@code any} over a
         * tools list narrowed to that function (Mistral).
         */
        ANY_INSTEAD_OF_REQUIRED,
        /**
         * {@code auto} and {@code none} only: {@code required} is dropped with a warning, and a named
         * function narrows the tools list to it (Kimi).
         */
        NO_FORCING,
        /**
         * No {@code tool_choice} at all: it is dropped ({@code none} by offering no tools) with a
         * warning (Ollama).
         */
        NONE
    }

    /** Which images the provider takes in user messages (docs/dialects.md rule 28). */
    public enum ImageInput {
        /** Data URLs and http(s) URLs. */
        ANY,
        /** Data URLs only; http(s) URLs become a text placeholder (Ollama). */
        DATA_URLS,
        /** None: every image becomes a text placeholder (DeepSeek's text models). */
        NONE
    }

    // ---------------------------------------------------------------------------------------------
    // The built-in profiles: one row per provider. Detection by host and port is in
    // internal.ProviderDetection; docs/PROVIDERS.md has the same table in prose.

    /** Anything that speaks Chat Completions: conservative choices that most servers accept. */
    public static final ProviderProfile GENERIC = builder("generic").build();

    /** OpenAI's own Chat Completions API (docs/dialects.md §0). */
    public static final ProviderProfile OPENAI = builder("openai")
            .replayReasoningAsReceived(false)
            .developerRole(true)
            .tokenLimitField("max_completion_tokens")
            .toolStrict(true)
            .thinkTagsInContent(false)
            .reasoningControl(ReasoningControl.OPENAI)
            .toolCallIds(ToolCallIdRule.MAX_40)
            // Reasoning models refuse a non-default temperature/top_p (400 unsupported_value).
            .fixedSamplingModels("^(o[1-9]|gpt-5(?!.*-chat))")
            .keepUserIdentifiers(true)
            .build();

    /** Azure OpenAI (§1.1): OpenAI's dialect behind deployments; newer api-versions assumed. */
    public static final ProviderProfile AZURE = OPENAI.toBuilder("azure").build();

    /** DeepSeek (§1.2): thinking mode wants its reasoning back on tool-call turns. */
    public static final ProviderProfile DEEPSEEK = builder("deepseek")
            .thinkTagsInContent(false)
            .reasoningControl(ReasoningControl.DEEPSEEK)
            .reasoningReplayField("reasoning_content")
            .reasoningOnToolCalls(true)
            // Text models: "unknown variant `image_url`".
            .imageInput(ImageInput.NONE)
            .build();

    /** Moonshot Kimi (§1.3): thinking replay, no forced tool choice, temperature rules. */
    public static final ProviderProfile KIMI = builder("kimi")
            .thinkTagsInContent(false)
            .reasoningControl(ReasoningControl.KIMI)
            .reasoningReplayField("reasoning_content")
            .reasoningOnToolCalls(true)
            // Kimi's own ids (functions.name:idx) must come back byte-identical.
            .toolCallIds(ToolCallIdRule.VERBATIM)
            .toolChoice(ToolChoiceSupport.NO_FORCING)
            // k2.5/k2.6: "invalid temperature: only 1 is allowed for this model"; older models: [0, 1].
            .fixedSamplingModels("^kimi-(k2\\.[5-9]|k[3-9]|for-coding)")
            .maxTemperature(1.0)
            .build();

    /** Alibaba Qwen on DashScope compatible-mode (§1.4). */
    public static final ProviderProfile QWEN = builder("qwen")
            .replayReasoningAsReceived(false)
            .thinkTagsInContent(false)
            .reasoningControl(ReasoningControl.ENABLE_THINKING)
            // "parameter.enable_thinking must be set to false for non-streaming calls".
            .alwaysStream(true)
            .build();

    /** Mistral La Plateforme (§1.5): strict schema, 9-character ids, role order. */
    public static final ProviderProfile MISTRAL = builder("mistral")
            .replayReasoningAsReceived(false)
            .thinkTagsInContent(false)
            .streamOptions(false)
            .reasoningControl(ReasoningControl.NONE)
            .toolCallIds(ToolCallIdRule.ALPHANUMERIC_9)
            .toolChoice(ToolChoiceSupport.ANY_INSTEAD_OF_REQUIRED)
            .assistantBetweenToolAndUser(true)
            // Any other field is a 422 extra_forbidden.
            .allowedFields(Set.of(
                    "model",
                    "messages",
                    "temperature",
                    "top_p",
                    "max_tokens",
                    "stream",
                    "stop",
                    "random_seed",
                    "response_format",
                    "tools",
                    "tool_choice",
                    "presence_penalty",
                    "frequency_penalty",
                    "n",
                    "prediction",
                    "parallel_tool_calls",
                    "safe_prompt",
                    "prompt_mode"))
            .build();

    /** Groq (§1.6). */
    public static final ProviderProfile GROQ = builder("groq")
            .reasoningControl(ReasoningControl.GROQ)
            .replayReasoningAsReceived(false)
            .build();

    /** xAI Grok (§1.7). */
    public static final ProviderProfile XAI = builder("xai")
            .replayReasoningAsReceived(false)
            .thinkTagsInContent(false)
            .reasoningControl(ReasoningControl.XAI)
            .build();

    /** OpenRouter (§1.8): reasoning_details go back verbatim; OpenAI-bound ids at most 40 characters. */
    public static final ProviderProfile OPENROUTER = builder("openrouter")
            .thinkTagsInContent(false)
            .reasoningControl(ReasoningControl.OPENROUTER)
            .reasoningReplayField("reasoning_details")
            .toolCallIds(ToolCallIdRule.MAX_40)
            .build();

    /** Together AI (§1.9). */
    public static final ProviderProfile TOGETHER = builder("together")
            .reasoningControl(ReasoningControl.TOGETHER)
            .replayReasoningAsReceived(false)
            .build();

    /** Fireworks AI (§1.10): "Requests with max_tokens > 4096 must have stream=true". */
    public static final ProviderProfile FIREWORKS = builder("fireworks")
            .alwaysStream(true)
            .replayReasoningAsReceived(false)
            .build();

    /** Google Gemini's OpenAI-compatible endpoint (§1.11): thought signatures ride along. */
    public static final ProviderProfile GEMINI = builder("gemini")
            .replayReasoningAsReceived(false)
            .reasoningControl(ReasoningControl.GEMINI)
            .thoughtSignatures(true)
            .build();

    /** Anthropic's OpenAI SDK compatibility endpoint (§1.12). */
    public static final ProviderProfile ANTHROPIC = builder("anthropic")
            .replayReasoningAsReceived(false)
            .thinkTagsInContent(false)
            .reasoningControl(ReasoningControl.NONE)
            // Tool-use ids must match ^[a-zA-Z0-9_-]+$.
            .toolCallIds(ToolCallIdRule.MAX_40)
            // It hoists and concatenates system and developer messages anyway.
            .mergeSystemMessages(true)
            .maxTemperature(1.0)
            .build();

    /** Ollama's {@code /v1} endpoint (§1.13). */
    public static final ProviderProfile OLLAMA = builder("ollama")
            .reasoningReplayField("reasoning")
            .toolChoice(ToolChoiceSupport.NONE)
            .imageInput(ImageInput.DATA_URLS)
            .mergeSystemMessages(true)
            .build();

    /** LM Studio (§1.14). */
    public static final ProviderProfile LMSTUDIO =
            builder("lmstudio").mergeSystemMessages(true).build();

    /** vLLM (§1.15), 0.16 or later: reasoning goes back in {@code reasoning}. */
    public static final ProviderProfile VLLM = builder("vllm")
            .reasoningControl(ReasoningControl.CHAT_TEMPLATE)
            .reasoningReplayField("reasoning")
            .mergeSystemMessages(true)
            .build();

    /** llama.cpp's server (§1.16). */
    public static final ProviderProfile LLAMACPP = builder("llamacpp")
            .reasoningControl(ReasoningControl.CHAT_TEMPLATE)
            .reasoningReplayField("reasoning_content")
            .mergeSystemMessages(true)
            .build();

    /** SGLang (§1.17). */
    public static final ProviderProfile SGLANG = builder("sglang")
            .reasoningControl(ReasoningControl.CHAT_TEMPLATE)
            .mergeSystemMessages(true)
            .build();

    /** LocalAI (§1.18). */
    public static final ProviderProfile LOCALAI =
            builder("localai").mergeSystemMessages(true).build();

    private static final List<ProviderProfile> BUILT_IN = List.of(
            GENERIC,
            OPENAI,
            AZURE,
            DEEPSEEK,
            KIMI,
            QWEN,
            MISTRAL,
            GROQ,
            XAI,
            OPENROUTER,
            TOGETHER,
            FIREWORKS,
            GEMINI,
            ANTHROPIC,
            OLLAMA,
            LMSTUDIO,
            VLLM,
            LLAMACPP,
            SGLANG,
            LOCALAI);

    /** Other spellings {@link #byName} accepts, lower case. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("azure-openai", "azure"),
            Map.entry("moonshot", "kimi"),
            Map.entry("dashscope", "qwen"),
            Map.entry("alibaba", "qwen"),
            Map.entry("grok", "xai"),
            Map.entry("x.ai", "xai"),
            Map.entry("togetherai", "together"),
            Map.entry("google", "gemini"),
            Map.entry("claude", "anthropic"),
            Map.entry("lm-studio", "lmstudio"),
            Map.entry("llama.cpp", "llamacpp"),
            Map.entry("llama-cpp", "llamacpp"));

    // ---------------------------------------------------------------------------------------------

    private final String name;
    private final String replayScope;
    private final boolean developerRole;
    private final String tokenLimitField;
    private final boolean streamOptions;
    private final boolean alwaysStream;
    private final boolean toolStrict;
    private final boolean thinkTagsInContent;
    private final ReasoningControl reasoningControl;
    private final @Nullable String reasoningReplayField;
    private final boolean reasoningOnToolCalls;
    private final boolean replayReasoningAsReceived;
    private final boolean thoughtSignatures;
    private final ToolCallIdRule toolCallIds;
    private final ToolChoiceSupport toolChoice;
    private final ImageInput imageInput;
    private final boolean mergeSystemMessages;
    private final boolean assistantBetweenToolAndUser;
    private final @Nullable Pattern fixedSamplingModels;
    private final @Nullable Double maxTemperature;
    private final boolean keepUserIdentifiers;
    private final Set<String> allowedFields;
    private final Set<String> dropFields;
    private final @Nullable String extraBodyJson;

    /** The settings only the core reads, as its internal packages see them. */
    private final ProviderDialect dialect;

    static {
        ProviderDialect.installReader(profile -> profile.dialect);
    }

    private ProviderProfile(Builder b) {
        this.name = b.name;
        this.replayScope = b.replayScope != null ? b.replayScope : b.name;
        this.developerRole = b.developerRole;
        this.tokenLimitField = b.tokenLimitField;
        this.streamOptions = b.streamOptions;
        this.alwaysStream = b.alwaysStream;
        this.toolStrict = b.toolStrict;
        this.thinkTagsInContent = b.thinkTagsInContent;
        this.reasoningControl = b.reasoningControl;
        this.reasoningReplayField = b.reasoningReplayField;
        this.reasoningOnToolCalls = b.reasoningOnToolCalls;
        this.replayReasoningAsReceived = b.replayReasoningAsReceived;
        this.thoughtSignatures = b.thoughtSignatures;
        this.toolCallIds = b.toolCallIds;
        this.toolChoice = b.toolChoice;
        this.imageInput = b.imageInput;
        this.mergeSystemMessages = b.mergeSystemMessages;
        this.assistantBetweenToolAndUser = b.assistantBetweenToolAndUser;
        this.fixedSamplingModels = b.fixedSamplingModels;
        this.maxTemperature = b.maxTemperature;
        this.keepUserIdentifiers = b.keepUserIdentifiers;
        this.allowedFields = Set.copyOf(b.allowedFields);
        this.dropFields = Set.copyOf(b.dropFields);
        this.extraBodyJson = b.extraBodyJson;
        this.dialect = new ProviderDialect(
                replayScope,
                developerRole,
                tokenLimitField,
                streamOptions,
                alwaysStream,
                toolStrict,
                reasoningControl,
                reasoningOnToolCalls,
                thoughtSignatures,
                toolChoice,
                imageInput,
                mergeSystemMessages,
                assistantBetweenToolAndUser,
                Optional.ofNullable(fixedSamplingModels),
                Optional.ofNullable(maxTemperature),
                keepUserIdentifiers,
                allowedFields,
                dropFields);
    }

    /** Starts a profile named {@code name} with the {@link #GENERIC} defaults. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder that starts from this profile, keeping its name. */
    public Builder toBuilder() {
        return toBuilder(name);
    }

    /**
     * A builder that starts from this profile under another name. The name matters beyond display:
     * provider state carried in reasoning items (thought signatures, {@code reasoning_details}) is
     * only replayed to a profile of the name it came from.
     */
    public Builder toBuilder(String newName) {
        Builder b = new Builder(newName);
        // A scope set on purpose travels with the settings; the default follows the new name.
        b.replayScope = replayScope.equals(name) ? null : replayScope;
        b.developerRole = developerRole;
        b.tokenLimitField = tokenLimitField;
        b.streamOptions = streamOptions;
        b.alwaysStream = alwaysStream;
        b.toolStrict = toolStrict;
        b.thinkTagsInContent = thinkTagsInContent;
        b.reasoningControl = reasoningControl;
        b.reasoningReplayField = reasoningReplayField;
        b.reasoningOnToolCalls = reasoningOnToolCalls;
        b.replayReasoningAsReceived = replayReasoningAsReceived;
        b.thoughtSignatures = thoughtSignatures;
        b.toolCallIds = toolCallIds;
        b.toolChoice = toolChoice;
        b.imageInput = imageInput;
        b.mergeSystemMessages = mergeSystemMessages;
        b.assistantBetweenToolAndUser = assistantBetweenToolAndUser;
        b.fixedSamplingModels = fixedSamplingModels;
        b.maxTemperature = maxTemperature;
        b.keepUserIdentifiers = keepUserIdentifiers;
        b.allowedFields = allowedFields;
        b.dropFields = dropFields;
        b.extraBodyJson = extraBodyJson;
        return b;
    }

    // ---------------------------------------------------------------------------------------------
    // Lookup

    /** The built-in profiles, {@link #GENERIC} first, in a stable order. */
    public static List<ProviderProfile> builtIns() {
        return BUILT_IN;
    }

    /**
     * The built-in profile called {@code name}, ignoring case: a {@link #name()} such as {@code
     * "deepseek"}, or an alias ({@code moonshot}, {@code dashscope}, {@code llama.cpp}, {@code
     * lm-studio}, {@code grok}, {@code google}, {@code claude}, …).
     */
    public static Optional<ProviderProfile> byName(String name) {
        Objects.requireNonNull(name, "name == null");
        String key = name.strip().toLowerCase(Locale.ROOT);
        String canonical = ALIASES.getOrDefault(key, key);
        for (ProviderProfile profile : BUILT_IN) {
            if (profile.name.equals(canonical)) {
                return Optional.of(profile);
            }
        }
        return Optional.empty();
    }

    /**
     * The built-in profile for an upstream base URL, from its host (for example {@code
     * api.deepseek.com}, {@code *.openai.azure.com}, {@code dashscope-intl.aliyuncs.com}) or, for
     * local servers, its port: 11434 Ollama, 1234 LM Studio, 30000 SGLang, and on loopback hosts
     * only 8000 vLLM and 8080 llama.cpp (both guesses: those ports are common defaults of other
     * servers too, LocalAI among them). {@link #GENERIC} when nothing matches or the URL does not
     * parse. An explicitly chosen profile should always win over detection.
     */
    public static ProviderProfile detect(String upstreamBaseUrl) {
        Objects.requireNonNull(upstreamBaseUrl, "upstreamBaseUrl == null");
        return ProviderDetection.detect(upstreamBaseUrl)
                .flatMap(ProviderProfile::byName)
                .orElse(GENERIC);
    }

    // ---------------------------------------------------------------------------------------------
    // Fields

    /** The profile's name, for example {@code "deepseek"}. */
    public String name() {
        return name;
    }

    /** See {@link Builder#replayScope}. */
    String replayScope() {
        return replayScope;
    }

    /** See {@link Builder#developerRole}. */
    boolean developerRole() {
        return developerRole;
    }

    /** See {@link Builder#tokenLimitField}. */
    String tokenLimitField() {
        return tokenLimitField;
    }

    /** See {@link Builder#streamOptions}. */
    boolean streamOptions() {
        return streamOptions;
    }

    /** See {@link Builder#alwaysStream}. */
    boolean alwaysStream() {
        return alwaysStream;
    }

    /** See {@link Builder#toolStrict}. */
    boolean toolStrict() {
        return toolStrict;
    }

    /** Whether {@code <think>…</think>} inside {@code content} is split out as reasoning. */
    public boolean thinkTagsInContent() {
        return thinkTagsInContent;
    }

    /** See {@link Builder#reasoningControl}. */
    ReasoningControl reasoningControl() {
        return reasoningControl;
    }

    /**
     * The assistant-message field that carries reasoning back to the provider on replay ({@code
     * reasoning_content}, {@code reasoning}), if the provider wants it. The value {@code
     * reasoning_details} is special: it replays OpenRouter's structured array, not text.
     */
    public Optional<String> reasoningReplayField() {
        return Optional.ofNullable(reasoningReplayField);
    }

    /** See {@link Builder#reasoningOnToolCalls}. */
    boolean reasoningOnToolCalls() {
        return reasoningOnToolCalls;
    }

    /**
     * Whether, when this profile names no {@link #reasoningReplayField()}, a turn's reasoning goes
     * back in the field the upstream itself streamed it in ({@code reasoning_content}, {@code
     * reasoning}, or {@code reasoning_details} for a profile of the name that produced them), as
     * the relay's reasoning envelope records it. On by default and for {@link #GENERIC}: an unknown
     * DeepSeek-style server (a gateway, a self-hosted model) refuses turn 2 of a tool loop without
     * its {@code reasoning_content}, and a server that sent a field reads it back. Off for the
     * built-in hosted providers that send no reasoning back or refuse it (docs/PROVIDERS.md).
     */
    public boolean replayReasoningAsReceived() {
        return replayReasoningAsReceived;
    }

    /** See {@link Builder#thoughtSignatures}. */
    boolean thoughtSignatures() {
        return thoughtSignatures;
    }

    /** How replayed tool-call ids are rewritten. */
    public ToolCallIdRule toolCallIds() {
        return toolCallIds;
    }

    /** See {@link Builder#toolChoice}. */
    ToolChoiceSupport toolChoice() {
        return toolChoice;
    }

    /** See {@link Builder#imageInput}. */
    public ImageInput imageInput() {
        return imageInput;
    }

    /** See {@link Builder#mergeSystemMessages}. */
    boolean mergeSystemMessages() {
        return mergeSystemMessages;
    }

    /** See {@link Builder#assistantBetweenToolAndUser}. */
    boolean assistantBetweenToolAndUser() {
        return assistantBetweenToolAndUser;
    }

    /** See {@link Builder#fixedSamplingModels}. */
    Optional<Pattern> fixedSamplingModels() {
        return Optional.ofNullable(fixedSamplingModels);
    }

    /** See {@link Builder#maxTemperature}. */
    Optional<Double> maxTemperature() {
        return Optional.ofNullable(maxTemperature);
    }

    /** See {@link Builder#keepUserIdentifiers}. */
    boolean keepUserIdentifiers() {
        return keepUserIdentifiers;
    }

    /** See {@link Builder#allowedFields}. */
    Set<String> allowedFields() {
        return allowedFields;
    }

    /** See {@link Builder#dropFields}. */
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

    /**
     * Profiles are values: two built separately with the same settings are equal (a server that
     * reads its configuration twice, OkHttpRelay comparing its translator's profile with its
     * upstream's). Patterns compare by their source and flags.
     */
    @Override
    public boolean equals(@Nullable Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ProviderProfile o)) {
            return false;
        }
        return name.equals(o.name)
                && replayScope.equals(o.replayScope)
                && developerRole == o.developerRole
                && tokenLimitField.equals(o.tokenLimitField)
                && streamOptions == o.streamOptions
                && alwaysStream == o.alwaysStream
                && toolStrict == o.toolStrict
                && thinkTagsInContent == o.thinkTagsInContent
                && reasoningControl == o.reasoningControl
                && Objects.equals(reasoningReplayField, o.reasoningReplayField)
                && reasoningOnToolCalls == o.reasoningOnToolCalls
                && replayReasoningAsReceived == o.replayReasoningAsReceived
                && thoughtSignatures == o.thoughtSignatures
                && toolCallIds == o.toolCallIds
                && toolChoice == o.toolChoice
                && imageInput == o.imageInput
                && mergeSystemMessages == o.mergeSystemMessages
                && assistantBetweenToolAndUser == o.assistantBetweenToolAndUser
                && Objects.equals(patternKey(fixedSamplingModels), patternKey(o.fixedSamplingModels))
                && Objects.equals(maxTemperature, o.maxTemperature)
                && keepUserIdentifiers == o.keepUserIdentifiers
                && allowedFields.equals(o.allowedFields)
                && dropFields.equals(o.dropFields)
                && Objects.equals(extraBodyJson, o.extraBodyJson);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, reasoningControl, reasoningReplayField, toolCallIds, patternKey(fixedSamplingModels));
    }

    private static @Nullable String patternKey(@Nullable Pattern pattern) {
        return pattern == null ? null : pattern.flags() + "/" + pattern.pattern();
    }

    /** Builds a {@link ProviderProfile}. Every setter overrides one field; see its accessor. */
    public static final class Builder {
        private final String name;
        private @Nullable String replayScope;
        private boolean developerRole = false;
        private String tokenLimitField = "max_tokens";
        private boolean streamOptions = true;
        private boolean alwaysStream = false;
        private boolean toolStrict = false;
        private boolean thinkTagsInContent = true;
        private ReasoningControl reasoningControl = ReasoningControl.REASONING_EFFORT;
        private @Nullable String reasoningReplayField;
        private boolean reasoningOnToolCalls = false;
        private boolean replayReasoningAsReceived = true;
        private boolean thoughtSignatures = false;
        private ToolCallIdRule toolCallIds = ToolCallIdRule.VERBATIM;
        private ToolChoiceSupport toolChoice = ToolChoiceSupport.FULL;
        private ImageInput imageInput = ImageInput.ANY;
        private boolean mergeSystemMessages = false;
        private boolean assistantBetweenToolAndUser = false;
        private @Nullable Pattern fixedSamplingModels;
        private @Nullable Double maxTemperature;
        private boolean keepUserIdentifiers = false;
        private Set<String> allowedFields = Set.of();
        private Set<String> dropFields = Set.of();
        private @Nullable String extraBodyJson;

        private Builder(String name) {
            Objects.requireNonNull(name, "name == null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
        }

        /**
         * Whose provider state this profile's upstream may be given back. The stream side writes it into
         * the reasoning envelope; the request side replays provider-bound parts (OpenRouter's {@code
         * reasoning_details}, Gemini's thought signatures) and reasoning in the field it was streamed in
         * ({@link ProviderProfile#replayReasoningAsReceived()}) only to a profile of the same scope. Reasoning text from
         * any scope still goes in the field this profile names ({@link ProviderProfile#reasoningReplayField()}), which
         * its upstream reads. Defaults to {@link ProviderProfile#name()}; a relay routing to several upstreams gives
         * each its own, so turn 2 of a conversation sent to another upstream than turn 1 is never sent
         * a field only turn 1's server accepts (issue 16; docs/PROVIDERS.md).
         *
         * <p>Null or blank: the profile's name.
         */
        public Builder replayScope(@Nullable String replayScope) {
            this.replayScope = replayScope == null || replayScope.isBlank() ? null : replayScope;
            return this;
        }

        /** Whether the provider accepts the {@code developer} role; if not, it becomes {@code system}. */
        public Builder developerRole(boolean developerRole) {
            this.developerRole = developerRole;
            return this;
        }

        /**
         * Which field carries the output token limit: {@code max_tokens} or {@code
         * max_completion_tokens}.
         *
         * @throws IllegalArgumentException unless it is {@code max_tokens} or {@code
         *     max_completion_tokens}
         */
        public Builder tokenLimitField(String tokenLimitField) {
            if (!tokenLimitField.equals("max_tokens") && !tokenLimitField.equals("max_completion_tokens")) {
                throw new IllegalArgumentException(
                        "tokenLimitField must be max_tokens or max_completion_tokens but was " + tokenLimitField);
            }
            this.tokenLimitField = tokenLimitField;
            return this;
        }

        /** Whether to send {@code stream_options: {"include_usage": true}} on streaming requests. */
        public Builder streamOptions(boolean streamOptions) {
            this.streamOptions = streamOptions;
            return this;
        }

        /**
         * Whether the upstream request always streams, also for a client that asked for a whole answer
         * (docs/dialects.md rule 32): DashScope refuses thinking without streaming, Fireworks refuses large
         * {@code max_tokens} without it. {@link Translation#upstreamStreams()} tells the server.
         */
        public Builder alwaysStream(boolean alwaysStream) {
            this.alwaysStream = alwaysStream;
            return this;
        }

        /** Whether function tools may carry {@code strict}. */
        public Builder toolStrict(boolean toolStrict) {
            this.toolStrict = toolStrict;
            return this;
        }

        /** See {@link ProviderProfile#thinkTagsInContent()}. */
        public Builder thinkTagsInContent(boolean thinkTagsInContent) {
            this.thinkTagsInContent = thinkTagsInContent;
            return this;
        }

        /** How {@code reasoning.effort} is sent. */
        public Builder reasoningControl(ReasoningControl reasoningControl) {
            this.reasoningControl = Objects.requireNonNull(reasoningControl, "reasoningControl == null");
            return this;
        }

        /** See {@link ProviderProfile#reasoningReplayField()}; null for none. */
        public Builder reasoningReplayField(@Nullable String reasoningReplayField) {
            if (reasoningReplayField != null && reasoningReplayField.isBlank()) {
                throw new IllegalArgumentException("reasoningReplayField must not be blank");
            }
            this.reasoningReplayField = reasoningReplayField;
            return this;
        }

        /** See {@link ProviderProfile#replayReasoningAsReceived()}. */
        public Builder replayReasoningAsReceived(boolean replayReasoningAsReceived) {
            this.replayReasoningAsReceived = replayReasoningAsReceived;
            return this;
        }

        /**
         * Whether every assistant message with tool calls must carry the {@link ProviderProfile#reasoningReplayField()}
         * even when the turn's reasoning is unknown (then it is {@code " "}, LiteLLM's workaround):
         * DeepSeek and Kimi refuse such a turn without it in thinking mode.
         */
        public Builder reasoningOnToolCalls(boolean reasoningOnToolCalls) {
            this.reasoningOnToolCalls = reasoningOnToolCalls;
            return this;
        }

        /**
         * Whether tool calls carry Gemini thought signatures ({@code
         * extra_content.google.thought_signature}) that must be replayed (docs/dialects.md rules 20, 25).
         */
        public Builder thoughtSignatures(boolean thoughtSignatures) {
            this.thoughtSignatures = thoughtSignatures;
            return this;
        }

        /** See {@link ProviderProfile#toolCallIds()}. */
        public Builder toolCallIds(ToolCallIdRule toolCallIds) {
            this.toolCallIds = Objects.requireNonNull(toolCallIds, "toolCallIds == null");
            return this;
        }

        /** Which {@code tool_choice} values are sent. */
        public Builder toolChoice(ToolChoiceSupport toolChoice) {
            this.toolChoice = Objects.requireNonNull(toolChoice, "toolChoice == null");
            return this;
        }

        /** Which images user messages may carry. */
        public Builder imageInput(ImageInput imageInput) {
            this.imageInput = Objects.requireNonNull(imageInput, "imageInput == null");
            return this;
        }

        /**
         * Whether all system messages are joined into one at the start: Anthropic does so anyway, and
         * many local chat templates accept a system message only in first place.
         */
        public Builder mergeSystemMessages(boolean mergeSystemMessages) {
            this.mergeSystemMessages = mergeSystemMessages;
            return this;
        }

        /**
         * Whether a short assistant message is put between a {@code tool} message and a {@code user}
         * message that follows it (Mistral: "Unexpected role 'user' after role 'tool'").
         */
        public Builder assistantBetweenToolAndUser(boolean assistantBetweenToolAndUser) {
            this.assistantBetweenToolAndUser = assistantBetweenToolAndUser;
            return this;
        }

        /**
         * Models (a regular expression found in the model name) that accept only the default {@code
         * temperature} and {@code top_p} of 1: other values are dropped with a warning. Null for none.
         *
         * @throws IllegalArgumentException if it is not a valid regular expression
         */
        public Builder fixedSamplingModels(@Nullable String regex) {
            if (regex == null) {
                this.fixedSamplingModels = null;
                return this;
            }
            try {
                this.fixedSamplingModels = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("fixedSamplingModels is not a regular expression: " + regex, e);
            }
            return this;
        }

        /**
         * The highest {@code temperature} the provider takes; higher values are clamped. Null for no
         * limit.
         *
         * @throws IllegalArgumentException if it is negative or not finite
         */
        public Builder maxTemperature(@Nullable Double maxTemperature) {
            if (maxTemperature != null && (!Double.isFinite(maxTemperature) || maxTemperature < 0)) {
                throw new IllegalArgumentException("maxTemperature must be a finite number >= 0");
            }
            this.maxTemperature = maxTemperature;
            return this;
        }

        /**
         * Whether the end-user identifiers {@code user} and {@code safety_identifier} are forwarded. They
         * are OpenAI abuse-monitoring hints; other providers ignore them, or reject unknown fields.
         */
        public Builder keepUserIdentifiers(boolean keepUserIdentifiers) {
            this.keepUserIdentifiers = keepUserIdentifiers;
            return this;
        }

        /**
         * The only top-level fields a strict provider accepts (Mistral answers 422 to any other); empty
         * for no such list. Applied before {@link #dropFields} and {@link ProviderProfile#extraBodyJson()}, so
         * explicit extra fields still go through.
         */
        public Builder allowedFields(Set<String> allowedFields) {
            this.allowedFields = Set.copyOf(allowedFields);
            return this;
        }

        /**
         * Top-level fields removed from the Chat request before it goes upstream (for example {@code
         * parallel_tool_calls} or {@code stream_options} for servers that refuse them), applied before
         * {@link ProviderProfile#extraBodyJson()} is merged.
         */
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
