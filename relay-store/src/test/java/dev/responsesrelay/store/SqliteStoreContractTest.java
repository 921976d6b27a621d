package dev.responsesrelay.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.state.ResolvedRequest;
import dev.responsesrelay.state.ResponseStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a real SQLite file, plus what only a file can show: restarts, corrupt rows. */
class SqliteStoreContractTest extends ResponseStoreContract {
    @TempDir
    Path dir;

    @Override
    ResponseStore newStore(Clock clock) {
        return JdbcResponseStore.sqlite(dir.resolve("nested/responses.db"), RETENTION, clock);
    }

    @Test
    void aChainSurvivesReopeningTheFile() throws Exception {
        record(ALICE, "{\"model\":\"m\",\"input\":\"one\"}", "resp_1", reasoningAndAnswer("1"));
        ((JdbcResponseStore) store).close();

        store = JdbcResponseStore.sqlite(dir.resolve("nested/responses.db"), RETENTION, clock);
        state = dev.responsesrelay.state.ConversationState.builder(store).build();
        ResolvedRequest next =
                state.resolve(body("{\"model\":\"m\",\"previous_response_id\":\"resp_1\",\"input\":\"two\"}"), ALICE);

        assertThat(texts(JSON.readTree(next.body()).get("input")))
                .containsExactly("one", "rs_1:ENVELOPE-1", "A1", "two");
    }

    @Test
    void theFileIsPrivateAndInWalMode() throws Exception {
        Path file = dir.resolve("nested/responses.db");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement();
                var rows = s.executeQuery("PRAGMA journal_mode")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void purgeDeletesWhatIsPastRetentionAndKeepsTheRest() throws Exception {
        record(ALICE, "{\"model\":\"m\",\"input\":\"old\"}", "resp_old", reasoningAndAnswer("1"));
        clock.now = clock.now.plus(java.time.Duration.ofDays(20));
        record(ALICE, "{\"model\":\"m\",\"input\":\"new\"}", "resp_new", reasoningAndAnswer("2"));
        clock.now = clock.now.plus(java.time.Duration.ofDays(15));

        assertThat(((JdbcResponseStore) store).purgeExpired()).isEqualTo(1);

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("nested/responses.db"));
                Statement s = c.createStatement();
                var rows = s.executeQuery("SELECT COUNT(*) FROM relay_items WHERE response_id = 'resp_old'")) {
            rows.next();
            assertThat(rows.getInt(1)).isZero();
        }
        assertThat(store.get(ALICE, "resp_new")).isPresent();
    }

    @Test
    void corruptAndForeignRowsNeverCrashAResolve() throws Exception {
        record(ALICE, "{\"model\":\"m\",\"input\":\"one\"}", "resp_1", reasoningAndAnswer("1"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("nested/responses.db"));
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE relay_items SET item_json = '{not json' WHERE item_id = 'msg_1'");
            s.executeUpdate("UPDATE relay_responses SET response_json = 'garbage' WHERE id = 'resp_1'");
            s.executeUpdate("INSERT INTO relay_responses VALUES ('scope-alice', 'resp_foreign', NULL, 'x', 99999999999,"
                    + " '[]')");
        }

        assertPreviousNotFound(ALICE, "resp_1");
        assertThat(state.retrieve(ALICE, "resp_1")).contains("\"output\"");
        assertThat(store.get(ALICE, "resp_foreign")).isPresent();
        state.resolve(body("{\"model\":\"m\",\"previous_response_id\":\"resp_foreign\",\"input\":\"x\"}"), ALICE);
    }
}
