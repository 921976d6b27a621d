package dev.responsesrelay.bench.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The memory measurement (docs/BENCHMARKS.md "Memory per request") on a small body: the figures
 * are sizes, so they can be checked for sense. Whatever the relay does with a request, it holds
 * at least the body while the upstream reads it (OkHttp may send it again on a retried connection)
 * and allocates at least the array it reads it into; a broken measurement (a baseline taken at the
 * wrong time, the client's or upstream's own copies counted, the request never reaching the
 * upstream) lands outside these bounds.
 */
class MemoryPerRequestTest {
    private static final int BODY_BYTES = 2_000_000;

    @ParameterizedTest
    @EnumSource(MemoryPerRequest.Route.class)
    void aRequestCostsSaneMultiplesOfItsBody(MemoryPerRequest.Route route) throws Exception {
        List<MemoryPerRequest.Measurement> measured = MemoryPerRequest.measure(route, List.of(BODY_BYTES), "off");

        assertThat(measured).hasSize(1);
        MemoryPerRequest.Measurement m = measured.get(0);
        assertThat(MemoryPerRequest.completed(m)).as(m.outcome()).isTrue();
        // The upstream got the translated request, image and all: about the body's size.
        assertThat(m.upstreamBytes()).isBetween(BODY_BYTES - 1_000L, BODY_BYTES + 1_000L);
        assertThat(m.heldInFlightPerByte()).isBetween(0.5, 5.0);
        assertThat(m.allocatedPerByte()).isBetween(1.0, 50.0);
        assertThat(m.heldAfterPerByte()).isLessThan(m.heldInFlightPerByte() + 0.1);
    }

    @ParameterizedTest
    @EnumSource(SyntheticImageRequest.class)
    void syntheticBodiesHaveTheirExactSizeAndOneImage(SyntheticImageRequest request) throws Exception {
        byte[] body = request.body(100_000);

        assertThat(body).hasSize(100_000);
        JsonNode tree = new ObjectMapper().readTree(body);
        String image = tree.findValues("image_url").stream()
                .map(node -> node.isTextual() ? node.asText() : node.path("url").asText())
                .findFirst()
                .orElseThrow();
        assertThat(image).startsWith("data:image/png;base64,").matches("data:image/png;base64,[A-Za-z0-9+/]+");
        assertThat(image.length()).isGreaterThan(99_000);
    }
}
