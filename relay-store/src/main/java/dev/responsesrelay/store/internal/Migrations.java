package dev.responsesrelay.store.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain versioned SQL migrations: {@code migrations/V<n>__<name>.sql} next to the store classes,
 * applied in order inside one transaction and noted in {@code relay_schema_version}. Plain SQL
 * rather than Flyway: two small scripts that run unchanged on SQLite and PostgreSQL do not need a
 * migration framework in the relay's jar, and the whole mechanism fits on this page.
 *
 * <p>On PostgreSQL a transaction-scoped advisory lock serialises relays that start at the same
 * time against one database; every script is also idempotent ({@code IF NOT EXISTS}).
 */
public final class Migrations {
    /** The scripts, in order; index + 1 is the version. */
    static final List<String> SCRIPTS = List.of("V1__responses.sql");

    /** Any fixed number: the key of the advisory lock relays take while migrating. */
    private static final long ADVISORY_LOCK_KEY = 0x52454c4159L;

    private Migrations() {}

    /** Brings the schema to the newest version; returns the version it found. */
    public static int apply(Connection connection, boolean postgresql) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            if (postgresql) {
                statement.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK_KEY + ")");
            }
            statement.execute("CREATE TABLE IF NOT EXISTS relay_schema_version"
                    + " (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
            int current = 0;
            try (ResultSet rows = statement.executeQuery("SELECT MAX(version) FROM relay_schema_version")) {
                if (rows.next()) {
                    current = rows.getInt(1);
                }
            }
            if (current > SCRIPTS.size()) {
                throw new SQLException("the store's schema is version " + current + ", newer than this relay knows ("
                        + SCRIPTS.size() + "): upgrade the relay");
            }
            for (int version = current + 1; version <= SCRIPTS.size(); version++) {
                for (String sql : statements(read(SCRIPTS.get(version - 1)))) {
                    statement.execute(sql);
                }
                try (PreparedStatement note =
                        connection.prepareStatement("INSERT INTO relay_schema_version VALUES (?, ?)")) {
                    note.setInt(1, version);
                    note.setLong(2, System.currentTimeMillis() / 1000);
                    note.executeUpdate();
                }
            }
            connection.commit();
            return current;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** Splits a script at the semicolons that end lines; {@code --} comment lines are dropped. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.lines().toList()) {
            String stripped = line.strip();
            if (stripped.startsWith("--") || stripped.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (stripped.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    private static String read(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream("/dev/responsesrelay/store/migrations/" + script)) {
            if (in == null) {
                throw new IllegalStateException("migration " + script + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("migration " + script + " could not be read", e);
        }
    }
}
