-- Personal access tokens: a person's scripts and AI agents (MCP) act as
-- them with `Authorization: Bearer exo_…`. Only the token's SHA-256 is kept;
-- revoking deletes the row.
CREATE TABLE access_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    did TEXT NOT NULL,
    name TEXT NOT NULL,
    -- 'read' (queries only) or 'write' (queries and procedures).
    access TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    last_used_at INTEGER
);
CREATE INDEX access_tokens_by_did ON access_tokens (did, created_at);
