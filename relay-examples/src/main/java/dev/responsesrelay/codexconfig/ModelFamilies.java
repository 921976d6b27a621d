package dev.responsesrelay.codexconfig;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fallback metadata for models whose upstream does not say how large their context is: a small table
 * of model families, matched on the lower-cased model id, first match wins.
 *
 * <p>The windows are the documented sizes of each family's current models, rounded down where
 * versions differ, because a window that is too small only makes Codex compact early, while one that
 * is too large makes the upstream reject the request with a context overflow.
 */
final class ModelFamilies {
    /** Used when nothing else matches; the common size of current open-weight chat models. */
    static final int DEFAULT_CONTEXT_WINDOW = 128_000;

    /**
     * One family. {@code markers} are substrings of the lower-cased id; {@code acceptsImages} says
     * whether the family's chat models take {@code image_url} parts.
     */
    record Family(String name, List<String> markers, int contextWindow, boolean acceptsImages) {}

    // Order matters: more specific markers first (gpt-oss is text-only, unlike the gpt family).
    private static final List<Family> FAMILIES = List.of(
            new Family("deepseek", List.of("deepseek"), 128_000, false),
            new Family("kimi", List.of("kimi", "moonshot"), 256_000, false),
            new Family("qwen-vl", List.of("qwen-vl", "qwen2-vl", "qwen2.5-vl", "qwen3-vl", "qvq"), 128_000, true),
            new Family("qwen", List.of("qwen", "qwq"), 128_000, false),
            new Family("llama", List.of("llama"), 128_000, false),
            new Family("pixtral", List.of("pixtral"), 128_000, true),
            new Family(
                    "mistral",
                    List.of("mistral", "mixtral", "codestral", "devstral", "magistral", "ministral"),
                    128_000,
                    false),
            new Family("gemini", List.of("gemini"), 1_000_000, true),
            new Family("gemma", List.of("gemma"), 128_000, false),
            new Family("glm", List.of("glm"), 128_000, false),
            new Family("claude", List.of("claude"), 200_000, true),
            new Family("gpt-oss", List.of("gpt-oss"), 128_000, false),
            new Family("gpt", List.of("gpt"), 128_000, true));

    /**
     * A size written into the id, such as {@code moonshot-v1-32k} or {@code llama-3-8b-8k}: a number
     * followed by {@code k} between separators. Such names count in units of 1024 tokens.
     */
    private static final Pattern SIZE_IN_NAME = Pattern.compile("(?:^|[-_:/.])(\\d{1,4})k(?=$|[-_:/.])");

    private ModelFamilies() {}

    /** The first family whose marker occurs in the id, if any. */
    static Optional<Family> familyOf(String modelId) {
        String id = modelId.toLowerCase(Locale.ROOT);
        for (Family family : FAMILIES) {
            for (String marker : family.markers()) {
                if (id.contains(marker)) {
                    return Optional.of(family);
                }
            }
        }
        return Optional.empty();
    }

    /** The context size written into the id ({@code -32k} → 32768), if there is one. */
    static OptionalInt sizeInName(String modelId) {
        Matcher matcher = SIZE_IN_NAME.matcher(modelId.toLowerCase(Locale.ROOT));
        if (matcher.find()) {
            int thousands = Integer.parseInt(matcher.group(1));
            if (thousands > 0) {
                return OptionalInt.of(thousands * 1024);
            }
        }
        return OptionalInt.empty();
    }
}
