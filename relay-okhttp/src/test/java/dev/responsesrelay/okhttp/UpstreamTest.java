package dev.responsesrelay.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.responsesrelay.ProviderProfile;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpstreamTest {
    @StartStop
    final MockWebServer server = new MockWebServer();

    private final OkHttpClient client = OkHttpRelay.newClientBuilder().build();

    @AfterEach
    void shutDownClient() {
        client.dispatcher().executorService().shutdownNow();
        client.connectionPool().evictAll();
    }

    private RecordedRequest send(Upstream upstream) throws Exception {
        server.enqueue(new MockResponse.Builder().body("{}").build());
        Request.Builder request = new Request.Builder().url(upstream.chatCompletionsUrl());
        upstream.authenticate(request);
        client.newCall(request.build()).execute().close();
        return server.takeRequest();
    }

    @Test
    void chatCompletionsIsResolvedAgainstTheBaseUrl() {
        assertThat(Upstream.builder("https://api.deepseek.com/v1").build().chatCompletionsUrl())
                .hasToString("https://api.deepseek.com/v1/chat/completions");
        assertThat(Upstream.builder("https://api.deepseek.com/v1/").build().chatCompletionsUrl())
                .hasToString("https://api.deepseek.com/v1/chat/completions");
        assertThat(Upstream.builder("http://127.0.0.1:11434/v1").build().modelsUrl())
                .hasToString("http://127.0.0.1:11434/v1/models");
    }

    @Test
    void azureDeploymentGetsApiVersionQueryParameter() {
        Upstream azure = Upstream.builder("https://res.openai.azure.com/openai/deployments/gpt-4o")
                .azureApiKey("azure-key")
                .queryParameter("api-version", "2024-10-21")
                .build();

        assertThat(azure.chatCompletionsUrl())
                .hasToString(
                        "https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
    }

    @Test
    void bearerTokenGoesInAuthorization() throws Exception {
        RecordedRequest request = send(Upstream.builder(server.url("/v1").toString())
                .bearerToken("sk-1")
                .build());

        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer sk-1");
        assertThat(request.getHeaders().get("api-key")).isNull();
    }

    @Test
    void azureKeyGoesInApiKeyHeaderAndNeverInAuthorization() throws Exception {
        RecordedRequest request =
                send(Upstream.builder(server.url("/openai/deployments/d").toString())
                        .azureApiKey("azure-key")
                        .queryParameter("api-version", "2024-10-21")
                        .build());

        assertThat(request.getHeaders().get("api-key")).isEqualTo("azure-key");
        assertThat(request.getHeaders().get("Authorization")).isNull();
        assertThat(request.getUrl().queryParameter("api-version")).isEqualTo("2024-10-21");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/openai/deployments/d/chat/completions");
    }

    @Test
    void noKeyMeansNoAuthorizationHeader() throws Exception {
        RecordedRequest request = send(Upstream.builder(server.url("/v1").toString())
                .header("HTTP-Referer", "https://example.invalid/relay")
                .build());

        assertThat(request.getHeaders().get("Authorization")).isNull();
        assertThat(request.getHeaders().get("HTTP-Referer")).isEqualTo("https://example.invalid/relay");
    }

    @Test
    void queryParametersOfTheBaseUrlAreKept() {
        Upstream upstream =
                Upstream.builder("https://gw.example.invalid/v1?tenant=a").build();

        assertThat(upstream.chatCompletionsUrl().queryParameterValues("tenant")).isEqualTo(List.of("a"));
    }

    @Test
    void toStringNeverShowsTheKey() {
        Upstream upstream = Upstream.builder("https://api.example.invalid/v1?api-version=1")
                .bearerToken("sk-secret-value")
                .header("X-Title", "relay-secret-header")
                .provider(ProviderProfile.OPENAI)
                .build();

        assertThat(upstream.toString())
                .doesNotContain("sk-secret-value", "relay-secret-header")
                .contains("api.example.invalid", "openai", "bearer key", "X-Title");
    }

    @Test
    void keysCannotBeSmuggledInAsPlainHeaders() {
        assertThatThrownBy(() -> Upstream.builder("http://x.invalid").header("Authorization", "Bearer k"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Upstream.builder("http://x.invalid").header("API-Key", "k"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void translatorWithAnEqualProfileBuiltSeparatelyIsAccepted() {
        // Issue 13 §6: profiles were compared by identity, so a profile read twice from the same
        // configuration (two toBuilder().build() calls) was refused as another provider's.
        ProviderProfile forUpstream = ProviderProfile.DEEPSEEK.toBuilder().build();
        ProviderProfile forTranslator = ProviderProfile.DEEPSEEK.toBuilder().build();
        Upstream upstream =
                Upstream.builder("http://x.invalid/v1").provider(forUpstream).build();

        OkHttpRelay relay = OkHttpRelay.builder(client, upstream)
                .translator(dev.responsesrelay.ResponsesTranslator.builder()
                        .provider(forTranslator)
                        .build())
                .build();

        assertThat(relay.translator().provider()).isEqualTo(forUpstream);
        assertThatThrownBy(() -> OkHttpRelay.builder(client, upstream)
                        .translator(dev.responsesrelay.ResponsesTranslator.builder()
                                .provider(forUpstream.toBuilder()
                                        .reasoningReplayField(null)
                                        .build())
                                .build()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void baseUrlMustBeHttp() {
        assertThatThrownBy(() -> Upstream.builder("ftp://x.invalid/v1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void relayDerivesItsClientWithoutReplacingTheDispatcher() {
        OkHttpRelay relay = OkHttpRelay.builder(
                        client, Upstream.builder("http://x.invalid/v1").build())
                .idleTimeout(java.time.Duration.ofSeconds(42))
                .build();

        assertThat(relay.idleTimeout()).hasSeconds(42);
        assertThat(client.dispatcher().getMaxRequestsPerHost()).isEqualTo(OkHttpRelay.RECOMMENDED_MAX_REQUESTS);
        assertThat(new OkHttpClient().dispatcher().getMaxRequestsPerHost())
                .as("OkHttp's default, which the recommended client raises")
                .isEqualTo(5);
    }

    @Test
    void withUpstreamSwitchesTheTranslatorsProvider() {
        OkHttpRelay relay = OkHttpRelay.create(
                client, Upstream.builder("http://x.invalid/v1").build());

        OkHttpRelay openAi = relay.withUpstream(Upstream.builder("http://x.invalid/v1")
                .provider(ProviderProfile.OPENAI)
                .build());

        assertThat(relay.translator().provider()).isSameAs(ProviderProfile.GENERIC);
        assertThat(openAi.translator().provider()).isSameAs(ProviderProfile.OPENAI);
        assertThat(openAi.idleTimeout()).isEqualTo(relay.idleTimeout());
    }
}
