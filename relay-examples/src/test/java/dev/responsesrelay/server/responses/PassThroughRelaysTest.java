package dev.responsesrelay.server.responses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.okhttp.Upstream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class PassThroughRelaysTest {
    private final OkHttpClient client = new OkHttpClient();

    @Test
    void theConfiguredRelayServesEveryoneWhenKeysAreNotPassed() {
        OkHttpRelay configured = OkHttpRelay.create(
                client,
                Upstream.builder("http://127.0.0.1:9/v1")
                        .bearerToken("sk-relay")
                        .build());
        PassThroughRelays relays = new PassThroughRelays(configured, false);

        assertThat(relays.forToken("client-key")).isSameAs(configured);
        assertThat(relays.forToken(null)).isSameAs(configured);
        assertThat(relays.size()).isZero();
    }

    @Test
    void eachClientKeyGetsOneRelayThatIsReused() {
        OkHttpRelay configured = OkHttpRelay.create(
                client, Upstream.builder("http://127.0.0.1:9/v1").build());
        PassThroughRelays relays = new PassThroughRelays(configured, true);

        OkHttpRelay a = relays.forToken("key-a");
        assertThat(a.upstream().hasApiKey()).isTrue();
        assertThat(a.upstream().baseUrl()).isEqualTo(configured.upstream().baseUrl());
        assertThat(relays.forToken("key-a")).isSameAs(a);
        assertThat(relays.forToken("key-b")).isNotSameAs(a);
        assertThat(relays.size()).isEqualTo(2);
    }

    @Test
    void aRequestWithoutKeyGoesUpstreamWithoutKey() {
        OkHttpRelay configured = OkHttpRelay.create(
                client,
                Upstream.builder("http://127.0.0.1:9/v1")
                        .bearerToken("sk-default")
                        .build());
        PassThroughRelays relays = new PassThroughRelays(configured, true);

        assertThat(relays.forToken(null).upstream().hasApiKey()).isFalse();
        assertThat(relays.forToken(null)).isSameAs(relays.forToken(null));
    }

    @Test
    void theMapIsBoundedWhenClientsCycleThroughKeys() {
        PassThroughRelays relays = new PassThroughRelays(
                OkHttpRelay.create(
                        client, Upstream.builder("http://127.0.0.1:9/v1").build()),
                true);

        for (int i = 0; i < PassThroughRelays.MAX_KEYS * 3; i++) {
            relays.forToken("made-up-key-" + i);
        }

        assertThat(relays.size()).isLessThanOrEqualTo(PassThroughRelays.MAX_KEYS);
    }
}
