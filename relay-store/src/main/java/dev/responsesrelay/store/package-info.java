/**
 * Persistent {@link dev.responsesrelay.state.ResponseStore}s over JDBC: SQLite in one file (the
 * relay server's default) and PostgreSQL for several relays sharing one database. Start at {@link
 * dev.responsesrelay.store.JdbcResponseStore} or {@link dev.responsesrelay.store.StoreLocation}.
 */
@NullMarked
package dev.responsesrelay.store;

import org.jspecify.annotations.NullMarked;
