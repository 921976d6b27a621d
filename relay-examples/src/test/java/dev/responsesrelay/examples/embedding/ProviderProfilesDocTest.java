package dev.responsesrelay.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.ResponsesTranslator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/PROVIDERS.md's two Java blocks, compiled and with what their comments promise checked; the
 * document shows the marked regions (MarkdownJavaSnippetsTest keeps them equal).
 */
class ProviderProfilesDocTest {
    @Test
    void choosingAProfile() {
        // snippet begin: docs/PROVIDERS.md shows the lines up to the end marker
        ResponsesTranslator translator = ResponsesTranslator.builder()
                .provider(ProviderProfile.DEEPSEEK) // explicit: always wins
                .build();

        ProviderProfile p = ProviderProfile.byName("moonshot").orElseThrow(); // -> kimi
        ProviderProfile q = ProviderProfile.detect("https://api.deepseek.com/v1"); // -> deepseek
        List<ProviderProfile> all = ProviderProfile.builtIns(); // all 20, GENERIC first
        // snippet end

        assertThat(translator.provider()).isEqualTo(ProviderProfile.DEEPSEEK);
        assertThat(p).isEqualTo(ProviderProfile.KIMI);
        assertThat(q).isEqualTo(ProviderProfile.DEEPSEEK);
        assertThat(all).hasSize(20).first().isEqualTo(ProviderProfile.GENERIC);
    }

    @Test
    void changingAProfile() {
        // snippet begin: docs/PROVIDERS.md shows the lines up to the end marker
        // DeepSeek with thinking always off, whatever the client asks for:
        ProviderProfile noThinking = ProviderProfile.DEEPSEEK.toBuilder()
                .extraBodyJson("{\"thinking\":{\"type\":\"disabled\"}}")
                .build();
        // An Azure deployment on an old api-version:
        ProviderProfile oldAzure = ProviderProfile.AZURE.toBuilder()
                .dropFields(Set.of("parallel_tool_calls", "stream_options"))
                .build();
        // vLLM older than 0.16, which reads reasoning_content:
        ProviderProfile oldVllm = ProviderProfile.VLLM.toBuilder()
                .reasoningReplayField("reasoning_content")
                .build();
        // A Kimi vision model:
        ProviderProfile kimiVision = ProviderProfile.KIMI.toBuilder()
                .imageInput(ProviderProfile.ImageInput.ANY)
                .build();
        // snippet end

        assertThat(noThinking.extraBodyJson()).contains("{\"thinking\":{\"type\":\"disabled\"}}");
        assertThat(noThinking.name()).isEqualTo("deepseek");
        assertThat(oldAzure.dropFields()).contains("parallel_tool_calls", "stream_options");
        assertThat(oldVllm.reasoningReplayField()).contains("reasoning_content");
        assertThat(kimiVision.imageInput()).isEqualTo(ProviderProfile.ImageInput.ANY);
    }
}
