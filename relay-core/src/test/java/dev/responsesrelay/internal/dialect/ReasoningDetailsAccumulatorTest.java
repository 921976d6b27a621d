package dev.responsesrelay.internal.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.internal.JsonTestSupport;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Merging OpenRouter's streamed {@code reasoning_details} fragments. Fragments are synthetic, shaped
 * after docs/dialects.md §1.8 ({@code reasoning.text}, {@code reasoning.summary}, {@code
 * reasoning.encrypted}, keyed by {@code index}).
 */
class ReasoningDetailsAccumulatorTest {
    private static List<JsonNode> fragments(String json) {
        List<JsonNode> out = new java.util.ArrayList<>();
        JsonTestSupport.tree(json).forEach(out::add);
        return out;
    }

    @Test
    void fragmentsOfOneIndexAndTypeMerge() {
        ReasoningDetailsAccumulator details = new ReasoningDetailsAccumulator();
        details.add(fragments("[{\"type\":\"reasoning.text\",\"text\":\"a\",\"index\":0,\"signature\":null}]"));
        details.add(fragments("[{\"type\":\"reasoning.text\",\"text\":\"b\",\"index\":0}]"));
        details.add(fragments("[{\"type\":\"reasoning.text\",\"signature\":\"s\",\"index\":0}]"));
        assertThat(details.toArray())
                .isEqualTo(JsonTestSupport.tree(
                        "[{\"type\":\"reasoning.text\",\"text\":\"ab\",\"index\":0,\"signature\":\"s\"}]"));
    }

    @Test
    void otherIndexesTypesAndUnindexedEntriesStayApart() {
        ReasoningDetailsAccumulator details = new ReasoningDetailsAccumulator();
        details.add(fragments("[{\"type\":\"reasoning.summary\",\"summary\":\"s\",\"index\":0},"
                + "{\"type\":\"reasoning.encrypted\",\"data\":\"d1\",\"index\":1},"
                + "{\"type\":\"reasoning.encrypted\",\"data\":\"x\"},"
                + "{\"type\":\"reasoning.text\",\"text\":\"t\",\"index\":0}, \"not an object\"]"));
        assertThat(details.toArray()).hasSize(4);
        assertThat(details.toArray().get(2).path("data").asText()).isEqualTo("x");
    }
}
