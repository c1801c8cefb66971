-- The indexer's progress: the Jetstream cursor (time_us of the last event
-- committed) and counters, saved in the same transaction as the rows they cover.
CREATE TABLE indexer_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    cursor_us INTEGER,
    events INTEGER NOT NULL DEFAULT 0,
    indexed INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    ignored INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    malformed INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT
);
INSERT INTO indexer_state (id) VALUES (1);

-- Accounts their PDS reports as not active (deactivated, deleted, suspended,
-- takendown): their content is hidden until they are active again.
CREATE TABLE inactive_accounts (
    did TEXT PRIMARY KEY NOT NULL,
    status TEXT NOT NULL,
    since TEXT NOT NULL
) WITHOUT ROWID;
