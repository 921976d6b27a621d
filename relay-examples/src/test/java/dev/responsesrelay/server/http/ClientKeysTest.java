package dev.responsesrelay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

class ClientKeysTest {
    @Test
    void anyClientIsAcceptedWhenNoKeyIsRequired() {
        ClientKeys keys = new ClientKeys(List.of());

        assertThat(keys.enforced()).isFalse();
        assertThat(keys.accepts(null)).isTrue();
    }

    @Test
    void onlyListedKeysAreAccepted() {
        ClientKeys keys = new ClientKeys(List.of("key-a", "key-b"));

        assertThat(keys.accepts("key-b")).isTrue();
        assertThat(keys.accepts("key-c")).isFalse();
        assertThat(keys.accepts("key-")).isFalse();
        assertThat(keys.accepts(null)).isFalse();
    }

    @Test
    void bearerTokenIsReadCaseInsensitively() {
        assertThat(ClientKeys.bearerToken(HttpFields.build().add("Authorization", "bearer  tok-1 ")))
                .isEqualTo("tok-1");
        assertThat(ClientKeys.bearerToken(HttpFields.build().add("Authorization", "Basic dXNlcjpwYXNz")))
                .isNull();
        assertThat(ClientKeys.bearerToken(HttpFields.build().add("Authorization", "Bearer ")))
                .isNull();
        assertThat(ClientKeys.bearerToken(HttpFields.build())).isNull();
    }

    @Test
    void maskShowsAtMostAPrefix() {
        assertThat(ClientKeys.mask("sk-abcdefghijklmnop"))
                .isEqualTo("sk-…(19 chars)")
                .doesNotContain("abc");
        assertThat(ClientKeys.mask("short")).isEqualTo("***");
        assertThat(ClientKeys.mask(null)).isEqualTo("(none)");
    }
}
