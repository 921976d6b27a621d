package dev.responsesrelay.internal.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.ProviderProfile.ToolCallIdRule;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Deterministic tool-call id rewriting (docs/dialects.md rule 26). Ids are synthetic, shaped after the
 * ids the documents name: Responses {@code fc_…} (53 characters, openai-error-tool-call-id-too-long
 * .json), OpenAI {@code call_…}, Kimi {@code functions.name:idx}, Mistral 9-character ids.
 */
class ToolCallIdRewriterTest {
    private static final String RESPONSES_ID = "fc_68a5b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071829";

    @Test
    void verbatimKeepsEveryId() {
        ToolCallIdRewriter ids = new ToolCallIdRewriter(ToolCallIdRule.VERBATIM);
        assertThat(ids.upstreamId("functions.exec_command:7")).isEqualTo("functions.exec_command:7");
        assertThat(ids.upstreamId(RESPONSES_ID)).isEqualTo(RESPONSES_ID);
    }

    @Test
    void max40HashesLongOrOddIdsAndKeepsValidOnes() {
        ToolCallIdRewriter ids = new ToolCallIdRewriter(ToolCallIdRule.MAX_40);
        assertThat(ids.upstreamId("call_abc123")).isEqualTo("call_abc123");
        assertThat(ids.upstreamId(RESPONSES_ID)).matches("call_[0-9a-f]{24}");
        assertThat(ids.upstreamId("functions.exec_command:0")).matches("call_[0-9a-f]{24}");
        assertThat(ids.upstreamId("x".repeat(40))).isEqualTo("x".repeat(40));
    }

    @Test
    void alphanumeric9HashesEverythingElse() {
        ToolCallIdRewriter ids = new ToolCallIdRewriter(ToolCallIdRule.ALPHANUMERIC_9);
        assertThat(ids.upstreamId("D681PevKs")).isEqualTo("D681PevKs");
        assertThat(ids.upstreamId("call_1")).matches("[A-Za-z0-9]{9}");
        assertThat(ids.upstreamId(RESPONSES_ID)).matches("[A-Za-z0-9]{9}");
    }

    @Test
    void rewritingIsTheSameInEveryRequestAndInstance() {
        String first = new ToolCallIdRewriter(ToolCallIdRule.ALPHANUMERIC_9).upstreamId("call_1");
        String second = new ToolCallIdRewriter(ToolCallIdRule.ALPHANUMERIC_9).upstreamId("call_1");
        assertThat(first).isEqualTo(second);
        ToolCallIdRewriter one = new ToolCallIdRewriter(ToolCallIdRule.ALPHANUMERIC_9);
        assertThat(one.upstreamId("call_1")).isEqualTo(one.upstreamId("call_1"));
    }

    @Test
    void distinctIdsStayDistinct() {
        ToolCallIdRewriter ids = new ToolCallIdRewriter(ToolCallIdRule.ALPHANUMERIC_9);
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            sent.add(ids.upstreamId("call_" + i));
        }
        assertThat(sent).hasSize(5_000);
    }

    @Test
    void aKeptIdThatCollidesWithAnEarlierHashIsHashedInstead() {
        ToolCallIdRewriter ids = new ToolCallIdRewriter(ToolCallIdRule.ALPHANUMERIC_9);
        String hashed = ids.upstreamId("call_1");
        // A client id that happens to equal the hash already given to call_1.
        assertThat(ids.upstreamId(hashed)).isNotEqualTo(hashed).matches("[A-Za-z0-9]{9}");
    }

    @Test
    void historyIdsHoldBothForms() {
        ToolCallIdRewriter ids = new ToolCallIdRewriter(ToolCallIdRule.ALPHANUMERIC_9);
        String sent = ids.upstreamId("call_1");
        assertThat(ids.historyIds()).containsExactly("call_1", sent);
    }
}
