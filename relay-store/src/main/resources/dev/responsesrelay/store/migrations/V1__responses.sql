-- Version 1 of the response store (issue 12). The same SQL runs on SQLite and PostgreSQL.
-- One row per stored response; its items one row each, so an item_reference is one indexed lookup.
CREATE TABLE IF NOT EXISTS relay_responses (
    scope         TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    previous_id   TEXT,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    response_json TEXT    NOT NULL,
    PRIMARY KEY (scope, id)
);
CREATE INDEX IF NOT EXISTS relay_responses_expires ON relay_responses (expires_at);
-- kind: 'i' an input item, 'o' an output item; position: its place in that list.
CREATE TABLE IF NOT EXISTS relay_items (
    scope       TEXT    NOT NULL,
    response_id TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    item_id     TEXT    NOT NULL,
    item_json   TEXT    NOT NULL,
    PRIMARY KEY (scope, response_id, kind, position)
);
CREATE INDEX IF NOT EXISTS relay_items_by_id ON relay_items (scope, item_id);
