package dev.responsesrelay.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where responses are kept, as the server's {@code --store} flag (env {@code RELAY_STORE}) names
 * it:
 *
 * <ul>
 *   <li>{@code sqlite:PATH} (or {@code jdbc:sqlite:PATH}): one SQLite file; {@code ~/} is the home
 *       directory. The default is {@link #DEFAULT_SQLITE}.
 *   <li>{@code postgresql://user:password@host:port/db} (libpq style, {@code postgres://} too), or a
 *       JDBC URL {@code jdbc:postgresql://host:port/db?user=…&password=…}.
 *   <li>{@code memory}: the bounded in-memory store, lost on exit.
 *   <li>{@code off}: no store; {@code previous_response_id} and {@code item_reference} are refused.
 * </ul>
 *
 * @param kind which store
 * @param target the SQLite file, or the JDBC URL of PostgreSQL without its credentials; empty for
 *     memory and off
 * @param user the PostgreSQL user, or null
 * @param password the PostgreSQL password, or null; never part of {@link #description()}
 */
public record StoreLocation(
        Kind kind,
        String target,
        @Nullable String user,
        @Nullable String password) {
    /** The kinds of store. */
    public enum Kind {
        SQLITE,
        POSTGRESQL,
        MEMORY,
        OFF
    }

    /** The default: {@code sqlite:~/.responses-relay/responses.db}. */
    public static final String DEFAULT_SQLITE = "sqlite:~/.responses-relay/responses.db";

    /** Checks the parts. */
    public StoreLocation {
        Objects.requireNonNull(kind, "kind == null");
        Objects.requireNonNull(target, "target == null");
    }

    /**
     * Parses a {@code --store} value.
     *
     * @throws IllegalArgumentException naming what is wrong, without the password
     */
    public static StoreLocation parse(String spec) {
        String value = spec.strip();
        if (value.equals("off")) {
            return new StoreLocation(Kind.OFF, "", null, null);
        }
        if (value.equals("memory")) {
            return new StoreLocation(Kind.MEMORY, "", null, null);
        }
        for (String prefix : new String[] {"jdbc:sqlite:", "sqlite:"}) {
            if (value.startsWith(prefix)) {
                String path = value.substring(prefix.length());
                if (path.isEmpty()) {
                    throw new IllegalArgumentException(
                            "--store sqlite: needs a file path, as in sqlite:/var/lib/relay.db");
                }
                return new StoreLocation(Kind.SQLITE, expandHome(path).toString(), null, null);
            }
        }
        if (value.startsWith("jdbc:postgresql:")) {
            return new StoreLocation(Kind.POSTGRESQL, value, null, null);
        }
        if (value.startsWith("postgresql://") || value.startsWith("postgres://")) {
            return libpq(value);
        }
        throw new IllegalArgumentException("--store must be sqlite:PATH, postgresql://user:password@host:port/db, a"
                + " jdbc:postgresql: URL, memory or off; got " + redact(value));
    }

    /** The location for logs and the start-up line: the file, or the database, never the password. */
    public String description() {
        return switch (kind) {
            case SQLITE -> "SQLite at " + target;
            case POSTGRESQL ->
                "PostgreSQL at " + redact(target.replaceFirst("^jdbc:", "")) + (user == null ? "" : " as " + user);
            case MEMORY -> "in memory (lost on exit)";
            case OFF -> "off (no previous_response_id, no item_reference)";
        };
    }

    private static StoreLocation libpq(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--store: not a valid postgresql:// URL: " + redact(value));
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("--store: the postgresql:// URL has no host: " + redact(value));
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new StoreLocation(Kind.POSTGRESQL, jdbc, user, password);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    private static Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), path.substring(1).replaceFirst("^/", ""));
        }
        return Path.of(path);
    }

    /** Hides a password in a URL's user info or {@code password=} parameter. */
    static String redact(String url) {
        return url.replaceAll("(//[^:/@]*):[^@/]*@", "$1:***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
