package dev.responsesrelay.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.server.config.RelayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRouterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ScriptedChatUpstream alpha;
    private ScriptedChatUpstream beta;
    private ModelRouter router;
    private final OkHttpClient client = OkHttpRelay.newClientBuilder().build();

    @BeforeEach
    void start() throws Exception {
        alpha = ScriptedChatUpstream.start().models("alpha-1", "alpha-2");
        beta = ScriptedChatUpstream.start().models("beta-1");
        Path file = dir.resolve("relay.toml");
        Files.writeString(file, """
                [upstreams.a]
                base_url = "%s"
                provider = "deepseek"

                [upstreams.b]
                base_url = "%s"
                prefix = "bee/"

                [models.fast]
                upstream = "a"
                upstream_model = "alpha-1"
                aliases = ["f"]
                fallbacks = ["bee/beta-1"]
                extra_body = { thinking = { type = "disabled" } }
                """.formatted(alpha.baseUrl(), beta.baseUrl()));
        router = new ModelRouter(
                RelayConfig.load(file, Map.of()), client, ResponsesTranslator.create(), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        router.close();
        alpha.close();
        beta.close();
    }

    @Test
    void aConfiguredNameAndItsAliasRouteToTheUpstreamModelThenTheFallback() throws Exception {
        for (String name : List.of("fast", "f")) {
            ModelRouter.Route route = router.route(name).orElseThrow();
            assertThat(route.targets()).extracting(ModelRouter.Target::label).containsExactly("a/alpha-1", "b/beta-1");
            ModelRouter.Target first = route.targets().get(0);
            assertThat(first.profile().name()).isEqualTo("deepseek");
            JsonNode extra = JSON.readTree(first.profile().extraBodyJson().orElseThrow());
            assertThat(extra.path("model").asText()).isEqualTo("alpha-1");
            assertThat(extra.at("/thinking/type").asText()).isEqualTo("disabled");
        }
    }

    @Test
    void theUpstreamModelNameReachesTheUpstreamInTheChatRequest() throws Exception {
        ModelRouter.Target target = router.route("fast").orElseThrow().targets().get(0);
        String chat = target.relay(null)
                .translator()
                .translate("{\"model\":\"fast\",\"input\":\"hi\"}")
                .chatRequestJson();
        assertThat(JSON.readTree(chat).path("model").asText()).isEqualTo("alpha-1");
        assertThat(target.relay(null).upstream().baseUrl()).startsWith(alpha.baseUrl());
    }

    @Test
    void aPrefixRoutesAnyModelWithThePrefixRemoved() {
        ModelRouter.Target target =
                router.route("bee/anything-7b").orElseThrow().targets().get(0);
        assertThat(target.label()).isEqualTo("b/anything-7b");
        assertThat(router.route("a/alpha-2").orElseThrow().targets().get(0).label())
                .isEqualTo("a/alpha-2");
    }

    @Test
    void aModelAnUpstreamListsRoutesThereWithoutAnyConfig() {
        assertThat(router.route("beta-1").orElseThrow().targets())
                .extracting(ModelRouter.Target::label)
                .containsExactly("b/beta-1");
        assertThat(router.route("alpha-2").orElseThrow().targets())
                .extracting(ModelRouter.Target::label)
                .containsExactly("a/alpha-2");
        assertThat(router.route("gamma-9")).isEmpty();
        assertThat(router.whereModelsComeFrom())
                .contains("fast (f)")
                .contains("a/…")
                .contains("bee/…");
    }

    @Test
    void theMergedListKeepsTheUpstreamsThatAreUpWhenOneIsDown() throws Exception {
        alpha.close();

        JsonNode models = JSON.readTree(router.modelsJson());

        List<String> ids = new ArrayList<>();
        models.path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertThat(ids).contains("fast", "f", "beta-1", "bee/beta-1").doesNotContain("alpha-2");
        assertThat(router.upstreamStates())
                .hasEntrySatisfying("a", state -> assertThat(state.reachable()).isFalse())
                .hasEntrySatisfying("b", state -> assertThat(state.reachable()).isTrue());
    }
}
