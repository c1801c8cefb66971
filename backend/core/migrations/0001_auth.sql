-- OAuth flows in progress (atrium-oauth's state store), keyed by the state parameter.
CREATE TABLE oauth_states (
    key TEXT PRIMARY KEY NOT NULL,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- OAuth token sets and DPoP keys per account (atrium-oauth's session store).
-- Secrets: the database file must be protected like a key file.
CREATE TABLE oauth_sessions (
    did TEXT PRIMARY KEY NOT NULL,
    data TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Browser sessions: the `sid` cookie (stored as its SHA-256) -> account.
CREATE TABLE auth_sessions (
    sid_hash TEXT PRIMARY KEY NOT NULL,
    did TEXT NOT NULL,
    handle TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX auth_sessions_by_did ON auth_sessions (did);
