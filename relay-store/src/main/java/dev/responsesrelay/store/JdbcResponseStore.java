package dev.responsesrelay.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.responsesrelay.state.ResponseStore;
import dev.responsesrelay.state.StoreUnavailableException;
import dev.responsesrelay.state.StoredItem;
import dev.responsesrelay.state.StoredResponse;
import dev.responsesrelay.store.internal.Migrations;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ResponseStore} in SQLite or PostgreSQL, over a small HikariCP pool. Schema: two tables
 * (responses, and their items one row each), created and upgraded by plain versioned SQL on first
 * use ({@code migrations/V1__responses.sql}).
 *
 * <ul>
 *   <li><b>SQLite</b>: one file in WAL mode (readers never wait for the writer), created owner-only
 *       ({@code rw-------}) since it holds conversations. It survives restarts.
 *   <li><b>PostgreSQL</b>: many relays can share one database; a response written by one is read
 *       by the others. Connecting waits at most 2 s, and the relay starts even while the database
 *       is down: requests that need it get a 503 until it is back.
 * </ul>
 *
 * Retention: a response is invisible from {@code created_at} + retention on, and {@link
 * #purgeExpired()} deletes it. A failure to reach the database is a {@link
 * StoreUnavailableException} whose message has no content, ids or keys. Thread-safe.
 */
public final class JdbcResponseStore implements ResponseStore, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JdbcResponseStore.class.getName());

    private static final String CHAIN_IDS = "WITH RECURSIVE chain(id, previous_id, depth) AS ("
            + " SELECT id, previous_id, 0 FROM relay_responses WHERE scope = ? AND id = ? AND expires_at > ?"
            + " UNION ALL"
            + " SELECT r.id, r.previous_id, c.depth + 1 FROM relay_responses r JOIN chain c ON r.id = c.previous_id"
            + " WHERE r.scope = ? AND r.expires_at > ? AND c.depth + 1 < ?) ";

    private final HikariDataSource pool;
    private final boolean postgresql;
    private final String description;
    private final Duration retention;
    private final Clock clock;
    private final Object migrationLock = new Object();
    private volatile boolean migrated;

    private JdbcResponseStore(
            HikariDataSource pool, boolean postgresql, String description, Duration retention, Clock clock) {
        this.pool = pool;
        this.postgresql = postgresql;
        this.description = description;
        this.retention = retention;
        this.clock = clock;
    }

    /**
     * Opens (creating if needed) an SQLite store in {@code file}. The schema is created at once, so a
     * file that cannot be written fails here rather than on the first request.
     */
    public static JdbcResponseStore sqlite(Path file, Duration retention, Clock clock) {
        Path absolute = file.toAbsolutePath();
        createPrivately(absolute);
        HikariConfig config = new HikariConfig();
        config.setPoolName("relay-store-sqlite");
        config.setJdbcUrl("jdbc:sqlite:" + absolute);
        // sqlite-jdbc reads these as connection settings (org.sqlite.SQLiteConfig.Pragma).
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("synchronous", "NORMAL");
        config.addDataSourceProperty("busy_timeout", "5000");
        // A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when
        // another connection committed in between (busy_timeout does not apply to that upgrade):
        // every transaction takes the write lock up front and waits for it instead.
        config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(5_000);
        JdbcResponseStore store =
                new JdbcResponseStore(new HikariDataSource(config), false, "SQLite at " + absolute, retention, clock);
        try (Connection connection = store.pool.getConnection()) {
            store.ensureSchema(connection);
        } catch (SQLException e) {
            store.close();
            throw new IllegalStateException(
                    "the SQLite store at " + absolute + " cannot be opened: " + e.getMessage(), e);
        }
        return store;
    }

    /**
     * Opens a PostgreSQL store. The relay starts even if the database is down; the schema is created
     * on the first connection that succeeds.
     *
     * @param jdbcUrl {@code jdbc:postgresql://host:port/db}, credentials may be given separately
     */
    public static JdbcResponseStore postgresql(
            String jdbcUrl, @Nullable String user, @Nullable String password, Duration retention, Clock clock) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("relay-store-postgresql");
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        // Seconds, PgJDBC's units: a dead host must cost a request a quick 503, not a hang.
        config.addDataSourceProperty("connectTimeout", "2");
        config.addDataSourceProperty("socketTimeout", "30");
        config.setConnectionTimeout(2_500);
        config.setMaximumPoolSize(8);
        // Start without the database; requests that need it get a 503 meanwhile (issue 12).
        config.setInitializationFailTimeout(-1);
        StoreLocation location = new StoreLocation(StoreLocation.Kind.POSTGRESQL, jdbcUrl, user, password);
        JdbcResponseStore store =
                new JdbcResponseStore(new HikariDataSource(config), true, location.description(), retention, clock);
        try (Connection connection = store.pool.getConnection()) {
            store.ensureSchema(connection);
        } catch (SQLException e) {
            LOG.warning(() -> "the response store " + store.description + " is not reachable yet ("
                    + e.getClass().getSimpleName() + ", SQLState " + e.getSQLState() + "); it is retried on use");
        }
        return store;
    }

    /** Opens the store {@code location} names; {@link StoreLocation.Kind#SQLITE} or POSTGRESQL only. */
    public static JdbcResponseStore open(StoreLocation location, Duration retention, Clock clock) {
        return switch (location.kind()) {
            case SQLITE -> sqlite(Path.of(location.target()), retention, clock);
            case POSTGRESQL -> postgresql(location.target(), location.user(), location.password(), retention, clock);
            default -> throw new IllegalArgumentException(location.kind() + " is not a JDBC store");
        };
    }

    /** Where the store is, for the start-up line: never a password. */
    public String description() {
        return description;
    }

    @Override
    public Optional<StoredResponse> get(String scope, String responseId) {
        long now = now();
        try (Connection connection = connect()) {
            String previousId;
            long createdAt;
            String responseJson;
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT previous_id, created_at, response_json FROM relay_responses"
                            + " WHERE scope = ? AND id = ? AND expires_at > ?")) {
                select.setString(1, scope);
                select.setString(2, responseId);
                select.setLong(3, now);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    previousId = row.getString(1);
                    createdAt = row.getLong(2);
                    responseJson = row.getString(3);
                }
            }
            if (responseJson == null) {
                return Optional.empty();
            }
            List<StoredItem> input = new ArrayList<>();
            List<StoredItem> output = new ArrayList<>();
            try (PreparedStatement items = connection.prepareStatement(
                    "SELECT kind, item_id, item_json FROM relay_items WHERE scope = ? AND response_id = ?"
                            + " ORDER BY kind, position")) {
                items.setString(1, scope);
                items.setString(2, responseId);
                try (ResultSet rows = items.executeQuery()) {
                    while (rows.next()) {
                        addItem(rows.getString(1), rows.getString(2), rows.getString(3), input, output);
                    }
                }
            }
            return Optional.of(
                    new StoredResponse(responseId, scope, previousId, createdAt, responseJson, input, output));
        } catch (SQLException e) {
            throw unavailable("read", e);
        }
    }

    @Override
    public List<StoredResponse> chain(String scope, String responseId, int maxLength) {
        long now = now();
        try (Connection connection = connect()) {
            // One snapshot for both queries, so a concurrent delete cannot split the chain.
            connection.setAutoCommit(false);
            try {
                Map<String, Link> links = new LinkedHashMap<>();
                try (PreparedStatement select = chainStatement(
                        connection,
                        "SELECT r.id, r.previous_id, r.created_at, r.response_json FROM chain c JOIN relay_responses r"
                                + " ON r.scope = ? AND r.id = c.id ORDER BY c.depth DESC",
                        scope,
                        responseId,
                        now,
                        maxLength)) {
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            String id = rows.getString(1);
                            String json = rows.getString(4);
                            if (id != null && json != null) {
                                links.put(id, new Link(rows.getString(2), rows.getLong(3), json));
                            }
                        }
                    }
                }
                try (PreparedStatement select = chainStatement(
                        connection,
                        "SELECT i.response_id, i.kind, i.item_id, i.item_json FROM chain c JOIN relay_items i"
                                + " ON i.scope = ? AND i.response_id = c.id ORDER BY c.depth DESC, i.kind, i.position",
                        scope,
                        responseId,
                        now,
                        maxLength)) {
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            Link link = links.get(rows.getString(1));
                            if (link != null) {
                                addItem(
                                        rows.getString(2),
                                        rows.getString(3),
                                        rows.getString(4),
                                        link.input,
                                        link.output);
                            }
                        }
                    }
                }
                connection.commit();
                List<StoredResponse> chain = new ArrayList<>(links.size());
                for (Map.Entry<String, Link> entry : links.entrySet()) {
                    Link link = entry.getValue();
                    chain.add(new StoredResponse(
                            entry.getKey(),
                            scope,
                            link.previousId,
                            link.createdAt,
                            link.responseJson,
                            link.input,
                            link.output));
                }
                return chain;
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable("read", e);
        }
    }

    private static PreparedStatement chainStatement(
            Connection connection, String select, String scope, String responseId, long now, int maxLength)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(CHAIN_IDS + select);
        statement.setString(1, scope);
        statement.setString(2, responseId);
        statement.setLong(3, now);
        statement.setString(4, scope);
        statement.setLong(5, now);
        statement.setInt(6, maxLength);
        statement.setString(7, scope);
        return statement;
    }

    @Override
    public Optional<StoredItem> findItem(String scope, String itemId) {
        try (Connection connection = connect();
                PreparedStatement select =
                        connection.prepareStatement("SELECT i.item_json FROM relay_items i JOIN relay_responses r"
                                + " ON r.scope = i.scope AND r.id = i.response_id"
                                + " WHERE i.scope = ? AND i.item_id = ? AND r.expires_at > ?"
                                // The newest copy; within a response its output before its input.
                                + " ORDER BY r.created_at DESC, i.kind DESC LIMIT 1")) {
            select.setString(1, scope);
            select.setString(2, itemId);
            select.setLong(3, now());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next() || row.getString(1) == null) {
                    return Optional.empty();
                }
                return Optional.of(new StoredItem(itemId, row.getString(1)));
            }
        } catch (SQLException e) {
            throw unavailable("read", e);
        }
    }

    @Override
    public void put(StoredResponse response) {
        long created = response.createdAt() > 0 ? response.createdAt() : now();
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try {
                deleteRows(connection, response.scope(), response.id(), Long.MIN_VALUE);
                try (PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO relay_responses (scope, id, previous_id, created_at,"
                                + " expires_at, response_json) VALUES (?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, response.scope());
                    insert.setString(2, response.id());
                    insert.setString(3, response.previousResponseId());
                    insert.setLong(4, created);
                    insert.setLong(5, created + retention.toSeconds());
                    insert.setString(6, response.responseJson());
                    insert.executeUpdate();
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO relay_items (scope,"
                        + " response_id, kind, position, item_id, item_json) VALUES (?, ?, ?, ?, ?, ?)")) {
                    addBatch(insert, response, "i", response.inputItems());
                    addBatch(insert, response, "o", response.outputItems());
                    insert.executeBatch();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable("write", e);
        }
    }

    private static void addBatch(PreparedStatement insert, StoredResponse response, String kind, List<StoredItem> items)
            throws SQLException {
        for (int i = 0; i < items.size(); i++) {
            insert.setString(1, response.scope());
            insert.setString(2, response.id());
            insert.setString(3, kind);
            insert.setInt(4, i);
            insert.setString(5, items.get(i).id());
            insert.setString(6, items.get(i).json());
            insert.addBatch();
        }
    }

    @Override
    public boolean delete(String scope, String responseId) {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try {
                boolean deleted = deleteRows(connection, scope, responseId, now());
                connection.commit();
                return deleted;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable("delete", e);
        }
    }

    /** Deletes a response and its items; returns whether a response unexpired at {@code now} was there. */
    private static boolean deleteRows(Connection connection, String scope, String responseId, long now)
            throws SQLException {
        boolean live;
        try (PreparedStatement select =
                connection.prepareStatement("SELECT expires_at FROM relay_responses WHERE scope = ? AND id = ?")) {
            select.setString(1, scope);
            select.setString(2, responseId);
            try (ResultSet row = select.executeQuery()) {
                live = row.next() && row.getLong(1) > now;
            }
        }
        try (PreparedStatement items =
                        connection.prepareStatement("DELETE FROM relay_items WHERE scope = ? AND response_id = ?");
                PreparedStatement response =
                        connection.prepareStatement("DELETE FROM relay_responses WHERE scope = ? AND id = ?")) {
            items.setString(1, scope);
            items.setString(2, responseId);
            items.executeUpdate();
            response.setString(1, scope);
            response.setString(2, responseId);
            response.executeUpdate();
        }
        return live;
    }

    /**
     * Deletes every response past its retention, with its items; returns how many. The server runs
     * it at start and then hourly; reads never return expired responses in between.
     */
    public int purgeExpired() {
        long now = now();
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement items = connection.prepareStatement("DELETE FROM relay_items WHERE EXISTS"
                            + " (SELECT 1 FROM relay_responses r WHERE r.scope = relay_items.scope"
                            + " AND r.id = relay_items.response_id AND r.expires_at <= ?)");
                    PreparedStatement responses =
                            connection.prepareStatement("DELETE FROM relay_responses WHERE expires_at <= ?")) {
                items.setLong(1, now);
                items.executeUpdate();
                responses.setLong(1, now);
                int purged = responses.executeUpdate();
                connection.commit();
                return purged;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable("purge", e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private Connection connect() throws SQLException {
        Connection connection = pool.getConnection();
        try {
            ensureSchema(connection);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private void ensureSchema(Connection connection) throws SQLException {
        if (migrated) {
            return;
        }
        synchronized (migrationLock) {
            if (!migrated) {
                Migrations.apply(connection, postgresql);
                migrated = true;
            }
        }
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private StoreUnavailableException unavailable(String operation, SQLException e) {
        // SQLState and class only: driver messages can quote values (ids, scopes) from the statement.
        String what = description + ": " + operation + " failed ("
                + e.getClass().getSimpleName() + ", SQLState " + e.getSQLState() + ")";
        LOG.log(Level.FINE, what, e);
        return new StoreUnavailableException(what, e);
    }

    private static void addItem(
            @Nullable String kind,
            @Nullable String id,
            @Nullable String json,
            List<StoredItem> input,
            List<StoredItem> output) {
        if (id == null || json == null) {
            // A damaged row: left out here; the resolver then cannot find the item and says so.
            return;
        }
        if ("i".equals(kind)) {
            input.add(new StoredItem(id, json));
        } else if ("o".equals(kind)) {
            output.add(new StoredItem(id, json));
        }
    }

    /** Creates the file's directory and the file itself readable by the owner only. */
    private static void createPrivately(Path file) {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            Path dir = Objects.requireNonNull(file.getParent(), "a file has a parent");
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(
                            dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            if (!Files.exists(file)) {
                if (posix) {
                    Files.createFile(
                            file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } else {
                    Files.createFile(file);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("the SQLite store at " + file + " cannot be created: " + e, e);
        }
    }

    /** A chain link being read. */
    private static final class Link {
        final @Nullable String previousId;
        final long createdAt;
        final String responseJson;
        final List<StoredItem> input = new ArrayList<>();
        final List<StoredItem> output = new ArrayList<>();

        Link(@Nullable String previousId, long createdAt, String responseJson) {
            this.previousId = previousId;
            this.createdAt = createdAt;
            this.responseJson = responseJson;
        }
    }
}
