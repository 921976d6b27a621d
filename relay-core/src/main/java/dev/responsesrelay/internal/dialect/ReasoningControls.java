package dev.responsesrelay.internal.dialect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.ProviderProfile.ReasoningControl;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Writes the Responses {@code reasoning.effort} in the form each provider takes (docs/dialects.md rule
 * 34): one method per {@link ReasoningControl}, and the model-family rules some of them need, all
 * in this one place.
 *
 * <p>Efforts a client may send: {@code none}, {@code minimal}, {@code low}, {@code medium}, {@code
 * high}, {@code xhigh}, {@code max} (Codex accepts all of them in {@code model_reasoning_effort},
 * docs/codex-wire.md §4.1). Where a provider has fewer levels the nearest one is sent, and where a model
 * takes none the field is dropped with a warning: an unknown value is a 400 at most providers.
 */
public final class ReasoningControls {
    private static final Pattern OPENAI_O_SERIES = Pattern.compile("^o[1-9]");
    private static final Pattern OPENAI_GPT5 = Pattern.compile("^gpt-5(-|$)");
    private static final Pattern OPENAI_GPT51 = Pattern.compile("^gpt-5\\.1");
    private static final Pattern OPENAI_GPT5_LATER = Pattern.compile("^gpt-5\\.([2-9]|\\d\\d)|^gpt-[6-9]");
    private static final Pattern OPENAI_NO_REASONING = Pattern.compile("^(gpt-4|gpt-3\\.5|chatgpt-)|^gpt-5.*-chat");
    private static final Pattern GROQ_REASONING = Pattern.compile("qwen3|qwq|deepseek-r1|r1-distill|magistral");
    private static final Pattern XAI_MINI = Pattern.compile("^grok-3-mini");
    private static final Pattern XAI_FULL_RANGE = Pattern.compile("^grok-4\\.([3-9]|\\d\\d)|^grok-[5-9]");

    private ReasoningControls() {}

    /** Puts {@code effort} (null when the client sent none) into {@code chat} for {@code profile}. */
    public static void apply(
            ObjectNode chat, ProviderProfile profile, String model, @Nullable String effort, List<String> warnings) {
        if (effort == null) {
            // Codex sends no effort for a model it has no metadata for (docs/codex-wire.md §1.2): the
            // provider's own default stands, also for thinking on or off.
            return;
        }
        String m = model.toLowerCase(Locale.ROOT);
        boolean off = effort.equals("none");
        switch (ProviderDialect.of(profile).reasoningControl()) {
            case NONE -> warnings.add(dropped(effort, profile.name() + " takes no reasoning effort"));
            case REASONING_EFFORT -> chat.put("reasoning_effort", effort);
            case OPENAI -> openAi(chat, m, effort, warnings);
            case DEEPSEEK -> {
                chat.putObject("thinking").put("type", off ? "disabled" : "enabled");
                if (!off) {
                    chat.put(
                            "reasoning_effort",
                            switch (effort) {
                                case "minimal", "low" -> "low";
                                case "max", "ultra" -> "max";
                                default -> "high"; // DeepSeek maps medium and xhigh to high itself
                            });
                }
            }
            case KIMI -> chat.putObject("thinking").put("type", off ? "disabled" : "enabled");
            case ENABLE_THINKING -> chat.put("enable_thinking", !off);
            case CHAT_TEMPLATE -> {
                ObjectNode kwargs = chat.putObject("chat_template_kwargs");
                kwargs.put("enable_thinking", !off);
                kwargs.put("thinking", !off);
                if (m.contains("gpt-oss") && !off) {
                    chat.put("reasoning_effort", lowMediumHigh(effort));
                }
            }
            case GROQ -> groq(chat, m, effort, off, warnings);
            case TOGETHER -> {
                chat.putObject("reasoning").put("enabled", !off);
                if (m.contains("gpt-oss") && !off) {
                    chat.put("reasoning_effort", lowMediumHigh(effort));
                }
            }
            case OPENROUTER ->
                chat.putObject("reasoning")
                        .put(
                                "effort",
                                switch (effort) {
                                    case "max", "ultra" -> "xhigh";
                                    default -> effort;
                                });
            case GEMINI ->
                chat.put(
                        "reasoning_effort",
                        switch (effort) {
                            case "xhigh", "max", "ultra" -> "high";
                            default -> effort;
                        });
            case XAI -> xai(chat, m, effort, warnings);
        }
    }

    /**
     * OpenAI: o-series take low to high; gpt-5 minimal to high; gpt-5.1 none to high; gpt-5.2 and
     * later none to xhigh; gpt-4 and chat models none at all ("Unrecognized request argument").
     * Unknown models get the effort as sent.
     */
    private static void openAi(ObjectNode chat, String m, String effort, List<String> warnings) {
        if (OPENAI_NO_REASONING.matcher(m).find()) {
            warnings.add(dropped(effort, "model " + m + " does not reason"));
            return;
        }
        String sent;
        if (OPENAI_O_SERIES.matcher(m).find()) {
            sent = lowMediumHigh(effort);
        } else if (OPENAI_GPT51.matcher(m).find()) {
            sent = switch (effort) {
                case "minimal" -> "low";
                case "xhigh", "max", "ultra" -> m.contains("codex-max") ? "xhigh" : "high";
                default -> effort;
            };
        } else if (OPENAI_GPT5_LATER.matcher(m).find()) {
            sent = switch (effort) {
                case "minimal" -> "low";
                case "max", "ultra" -> "xhigh";
                default -> effort;
            };
        } else if (OPENAI_GPT5.matcher(m).find()) {
            sent = switch (effort) {
                case "none" -> "minimal";
                case "xhigh", "max", "ultra" -> "high";
                default -> effort;
            };
        } else {
            sent = effort;
        }
        chat.put("reasoning_effort", sent);
    }

    /**
     * Groq: gpt-oss takes {@code include_reasoning} and {@code reasoning_effort} (and refuses {@code
     * reasoning_format}); other reasoning models take {@code reasoning_format: parsed}, which keeps
     * reasoning out of the content (the default, {@code raw}, is refused with tools); Qwen3 also
     * switches thinking with {@code reasoning_effort: none|default}. Models that do not reason
     * refuse all of these, so the effort is dropped for them.
     */
    private static void groq(ObjectNode chat, String m, String effort, boolean off, List<String> warnings) {
        if (m.contains("gpt-oss")) {
            chat.put("include_reasoning", !off);
            if (!off) {
                chat.put("reasoning_effort", lowMediumHigh(effort));
            }
            return;
        }
        if (!GROQ_REASONING.matcher(m).find()) {
            warnings.add(dropped(effort, "Groq model " + m + " does not reason"));
            return;
        }
        if (m.contains("qwen3")) {
            chat.put("reasoning_effort", off ? "none" : "default");
        }
        chat.put("reasoning_format", off ? "hidden" : "parsed");
    }

    /** xAI: grok-3-mini low or high; grok-4.3 and later none to high; others refuse the field. */
    private static void xai(ObjectNode chat, String m, String effort, List<String> warnings) {
        if (XAI_MINI.matcher(m).find()) {
            chat.put(
                    "reasoning_effort",
                    switch (effort) {
                        case "none", "minimal", "low" -> "low";
                        default -> "high";
                    });
        } else if (XAI_FULL_RANGE.matcher(m).find()) {
            chat.put(
                    "reasoning_effort",
                    switch (effort) {
                        case "minimal" -> "low";
                        case "xhigh", "max", "ultra" -> "high";
                        default -> effort;
                    });
        } else {
            warnings.add(dropped(effort, "xAI model " + m + " does not support parameter reasoningEffort"));
        }
    }

    private static String lowMediumHigh(String effort) {
        return switch (effort) {
            case "none", "minimal", "low" -> "low";
            case "medium" -> "medium";
            default -> "high";
        };
    }

    private static String dropped(String effort, String why) {
        return "dropped reasoning.effort " + effort + " at /reasoning/effort: " + why;
    }
}
