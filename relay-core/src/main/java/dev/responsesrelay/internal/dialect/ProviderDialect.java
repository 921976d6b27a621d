package dev.responsesrelay.internal.dialect;

import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.ProviderProfile.ImageInput;
import dev.responsesrelay.ProviderProfile.ReasoningControl;
import dev.responsesrelay.ProviderProfile.ToolChoiceSupport;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a {@link ProviderProfile} that the core's own request mapper and stream
 * translator read. Embedders set them through {@link ProviderProfile.Builder}, whose setters
 * document each one; all but {@code imageInput} and {@code dropFields} (which docs/PROVIDERS.md
 * shows embedders reading) have no public getter, so the public API stays what embedders use
 * ({@code relay-core/api/public-api.txt}, checked by {@code PublicApiTest}; issue 15 §5).
 *
 * <p>{@link ProviderProfile} builds one of these with every profile and hands the core a way to
 * read it through {@link #installReader}, the way the JDK's {@code
 * jdk.internal.access.SharedSecrets} lets {@code java.lang} give other JDK packages access to
 * package-private state without making it public. Immutable.
 *
 * @param replayScope whose provider state this upstream may be given back
 * @param developerRole whether the {@code developer} role is sent as such
 * @param tokenLimitField {@code max_tokens} or {@code max_completion_tokens}
 * @param streamOptions whether {@code stream_options.include_usage} is sent
 * @param alwaysStream whether the upstream request always streams
 * @param toolStrict whether function tools may carry {@code strict}
 * @param reasoningControl how {@code reasoning.effort} is sent
 * @param reasoningOnToolCalls whether a tool-call turn always carries the reasoning replay field
 * @param thoughtSignatures whether tool calls carry Gemini thought signatures
 * @param toolChoice which {@code tool_choice} values are sent
 * @param imageInput which images user messages may carry
 * @param mergeSystemMessages whether system messages are joined into one at the start
 * @param assistantBetweenToolAndUser whether an assistant message separates tool and user messages
 * @param fixedSamplingModels models that accept only the default sampling parameters
 * @param maxTemperature the highest {@code temperature} the provider takes
 * @param keepUserIdentifiers whether {@code user} and {@code safety_identifier} are forwarded
 * @param allowedFields the only top-level fields a strict provider accepts; empty for any
 * @param dropFields top-level fields removed before the request goes upstream
 */
public record ProviderDialect(
        String replayScope,
        boolean developerRole,
        String tokenLimitField,
        boolean streamOptions,
        boolean alwaysStream,
        boolean toolStrict,
        ReasoningControl reasoningControl,
        boolean reasoningOnToolCalls,
        boolean thoughtSignatures,
        ToolChoiceSupport toolChoice,
        ImageInput imageInput,
        boolean mergeSystemMessages,
        boolean assistantBetweenToolAndUser,
        Optional<Pattern> fixedSamplingModels,
        Optional<Double> maxTemperature,
        boolean keepUserIdentifiers,
        Set<String> allowedFields,
        Set<String> dropFields) {

    /**
     * Set once, by {@link ProviderProfile}'s static initialiser: any thread holding a profile has
     * seen that class initialised, and so this field written.
     */
    private static volatile @Nullable Function<ProviderProfile, ProviderDialect> reader;

    /**
     * Called by {@link ProviderProfile} alone, once, when it is initialised.
     *
     * @throws IllegalStateException if a reader is installed already
     */
    public static synchronized void installReader(Function<ProviderProfile, ProviderDialect> profileReader) {
        if (reader != null) {
            throw new IllegalStateException("the ProviderProfile reader is installed already");
        }
        reader = Objects.requireNonNull(profileReader, "profileReader == null");
    }

    /** The dialect settings of {@code profile}. */
    public static ProviderDialect of(ProviderProfile profile) {
        Function<ProviderProfile, ProviderDialect> installed = reader;
        if (installed == null) {
            // Unreachable: a ProviderProfile instance exists only after its class initialised.
            throw new IllegalStateException("ProviderProfile is not initialised");
        }
        return installed.apply(profile);
    }
}
