package dev.responsesrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.responsesrelay.ProviderProfile.ImageInput;
import dev.responsesrelay.ProviderProfile.ReasoningControl;
import dev.responsesrelay.ProviderProfile.ToolCallIdRule;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The built-in table, lookup by name, detection from the upstream URL, and the builder. */
class ProviderProfileTest {
    private static final List<String> BRIEF_PROVIDERS = List.of(
            "openai",
            "azure",
            "deepseek",
            "kimi",
            "qwen",
            "mistral",
            "groq",
            "xai",
            "openrouter",
            "together",
            "fireworks",
            "gemini",
            "anthropic",
            "ollama",
            "lmstudio",
            "vllm",
            "llamacpp",
            "sglang",
            "localai",
            "generic");

    @Test
    void everyProviderHasABuiltInProfileOfItsName() {
        assertThat(ProviderProfile.builtIns())
                .extracting(ProviderProfile::name)
                .containsExactlyInAnyOrderElementsOf(BRIEF_PROVIDERS);
        assertThat(ProviderProfile.builtIns().get(0)).isSameAs(ProviderProfile.GENERIC);
    }

    @Test
    void byNameFindsEveryBuiltInIgnoringCase() {
        for (ProviderProfile profile : ProviderProfile.builtIns()) {
            assertThat(ProviderProfile.byName(profile.name().toUpperCase(java.util.Locale.ROOT)))
                    .as(profile.name())
                    .containsSame(profile);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "moonshot, kimi",
        "dashscope, qwen",
        "llama.cpp, llamacpp",
        "lm-studio, lmstudio",
        "grok, xai",
        "google, gemini",
        "claude, anthropic",
        "' Azure-OpenAI ', azure"
    })
    void byNameAcceptsAliases(String alias, String profile) {
        assertThat(ProviderProfile.byName(alias)).map(ProviderProfile::name).contains(profile);
    }

    @Test
    void byNameOfAnUnknownProviderIsEmpty() {
        assertThat(ProviderProfile.byName("nonesuch")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "https://api.openai.com/v1, openai",
        "https://myres.openai.azure.com/openai/deployments/gpt-4o, azure",
        "https://api.deepseek.com, deepseek",
        "https://api.deepseek.com/v1/, deepseek",
        "https://api.moonshot.ai/v1, kimi",
        "https://api.moonshot.cn/v1, kimi",
        "https://api.kimi.com/coding/v1, kimi",
        "https://dashscope.aliyuncs.com/compatible-mode/v1, qwen",
        "https://dashscope-intl.aliyuncs.com/compatible-mode/v1, qwen",
        "https://api.mistral.ai/v1, mistral",
        "https://api.groq.com/openai/v1, groq",
        "https://api.x.ai/v1, xai",
        "https://openrouter.ai/api/v1, openrouter",
        "https://api.together.xyz/v1, together",
        "https://api.fireworks.ai/inference/v1, fireworks",
        "https://generativelanguage.googleapis.com/v1beta/openai/, gemini",
        "https://api.anthropic.com/v1/, anthropic",
        "http://localhost:11434/v1, ollama",
        "http://192.168.1.20:11434/v1, ollama",
        "http://127.0.0.1:1234/v1, lmstudio",
        "http://localhost:8000/v1, vllm",
        "http://localhost:8080/v1, llamacpp",
        "http://gpu-box:30000/v1, sglang",
        "API.DEEPSEEK.COM, deepseek"
    })
    void detectReadsTheHostOrTheLocalPort(String url, String profile) {
        assertThat(ProviderProfile.detect(url).name()).isEqualTo(profile);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://gateway.example.com:8080/v1",
                "http://10.0.0.5:8000/v1",
                "https://api.deepseek.com.evil.example/v1",
                "https://notopenrouter.ai/api/v1",
                "not a url at all ::",
                ""
            })
    void detectFallsBackToGeneric(String url) {
        assertThat(ProviderProfile.detect(url)).isSameAs(ProviderProfile.GENERIC);
    }

    @Test
    void theTableEncodesTheDocumentedQuirks() {
        // A few rows, spot-checked against docs/dialects.md; docs/PROVIDERS.md has the whole table.
        assertThat(ProviderProfile.MISTRAL.toolCallIds()).isEqualTo(ToolCallIdRule.ALPHANUMERIC_9);
        assertThat(ProviderProfile.MISTRAL.allowedFields())
                .contains("max_tokens")
                .doesNotContain("stream_options");
        assertThat(ProviderProfile.KIMI.toolCallIds()).isEqualTo(ToolCallIdRule.VERBATIM);
        assertThat(ProviderProfile.DEEPSEEK.reasoningReplayField()).contains("reasoning_content");
        assertThat(ProviderProfile.DEEPSEEK.imageInput()).isEqualTo(ImageInput.NONE);
        assertThat(ProviderProfile.VLLM.reasoningReplayField()).contains("reasoning");
        assertThat(ProviderProfile.OPENROUTER.reasoningReplayField()).contains("reasoning_details");
        assertThat(ProviderProfile.GEMINI.thoughtSignatures()).isTrue();
        assertThat(ProviderProfile.QWEN.alwaysStream()).isTrue();
        assertThat(ProviderProfile.AZURE.tokenLimitField()).isEqualTo("max_completion_tokens");
        assertThat(ProviderProfile.GENERIC.reasoningControl()).isEqualTo(ReasoningControl.REASONING_EFFORT);
    }

    @Test
    void toBuilderKeepsEveryFieldAndCanRename() {
        ProviderProfile custom = ProviderProfile.MISTRAL.toBuilder("my-mistral")
                .extraBodyJson("{\"safe_prompt\":true}")
                .build();
        assertThat(custom.name()).isEqualTo("my-mistral");
        assertThat(custom.toolCallIds()).isEqualTo(ToolCallIdRule.ALPHANUMERIC_9);
        assertThat(custom.allowedFields()).isEqualTo(ProviderProfile.MISTRAL.allowedFields());
        assertThat(custom.assistantBetweenToolAndUser()).isTrue();
        assertThat(custom.extraBodyJson()).contains("{\"safe_prompt\":true}");
        assertThat(ProviderProfile.MISTRAL.toBuilder().build().name()).isEqualTo("mistral");
    }

    @Test
    void userOverridesTheFieldsThatMatter() {
        ProviderProfile tuned = ProviderProfile.DEEPSEEK.toBuilder()
                .reasoningReplayField("reasoning")
                .tokenLimitField("max_completion_tokens")
                .dropFields(Set.of("stream_options"))
                .extraBodyJson("{\"thinking\":{\"type\":\"disabled\"}}")
                .build();
        assertThat(tuned.reasoningReplayField()).contains("reasoning");
        assertThat(tuned.tokenLimitField()).isEqualTo("max_completion_tokens");
        assertThat(tuned.dropFields()).containsExactly("stream_options");
    }

    @Test
    void builderRefusesNonsense() {
        assertThatThrownBy(() -> ProviderProfile.builder(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProviderProfile.builder("x").fixedSamplingModels("(unclosed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fixedSamplingModels");
        assertThatThrownBy(() -> ProviderProfile.builder("x").maxTemperature(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProviderProfile.builder("x").tokenLimitField("max_output_tokens"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void leakedToolMarkupIsTheOnlyRepairOffByDefault() {
        for (HealingRule rule : HealingRule.values()) {
            assertThat(rule.enabledByDefault()).as(rule.name()).isEqualTo(rule != HealingRule.LEAKED_TOOL_MARKUP);
        }
    }
}
