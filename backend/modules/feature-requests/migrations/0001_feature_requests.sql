-- Feature requests, numbered per Sphere (1, 2, 3...; a number never changes).
CREATE TABLE fr_requests (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    cid TEXT NOT NULL,
    sphere_id INTEGER NOT NULL REFERENCES spheres (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    author_did TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    vote_count INTEGER NOT NULL DEFAULT 0,
    comment_count INTEGER NOT NULL DEFAULT 0,
    -- Trending rank: sum of 2^(t/half-life) over the request's creation and
    -- its votes (see ranking.rs); time-invariant, so it is stored, and
    -- moved by each vote's weight when a vote comes or goes.
    trend_score REAL NOT NULL DEFAULT 0,
    created_weight REAL NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT,
    -- Board clock (fr_clock) when the row appeared and when its votes last changed:
    -- what page cursors use to see the list as it was when the first page was served.
    indexed_us INTEGER NOT NULL,
    votes_changed_us INTEGER NOT NULL,
    UNIQUE (sphere_id, number)
);
CREATE INDEX fr_requests_top ON fr_requests (sphere_id, vote_count DESC, id DESC);
CREATE INDEX fr_requests_trending ON fr_requests (sphere_id, trend_score DESC, id DESC);
CREATE INDEX fr_requests_new ON fr_requests (sphere_id, created_at DESC, id DESC);
CREATE INDEX fr_requests_author ON fr_requests (sphere_id, author_did);

CREATE VIRTUAL TABLE fr_requests_fts USING fts5 (
    title, description, content = 'fr_requests', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER fr_requests_fts_insert AFTER INSERT ON fr_requests BEGIN
    INSERT INTO fr_requests_fts (rowid, title, description) VALUES (new.id, new.title, coalesce(new.description, ''));
END;
CREATE TRIGGER fr_requests_fts_delete AFTER DELETE ON fr_requests BEGIN
    INSERT INTO fr_requests_fts (fr_requests_fts, rowid, title, description)
    VALUES ('delete', old.id, old.title, coalesce(old.description, ''));
END;
CREATE TRIGGER fr_requests_fts_update AFTER UPDATE OF title, description ON fr_requests BEGIN
    INSERT INTO fr_requests_fts (fr_requests_fts, rowid, title, description)
    VALUES ('delete', old.id, old.title, coalesce(old.description, ''));
    INSERT INTO fr_requests_fts (rowid, title, description) VALUES (new.id, new.title, coalesce(new.description, ''));
END;

-- The last number given out per Sphere: numbers of deleted requests are never reused.
CREATE TABLE fr_counters (
    sphere_id INTEGER PRIMARY KEY REFERENCES spheres (id) ON DELETE CASCADE,
    last_number INTEGER NOT NULL
);

-- Upvotes: one per person per request.
CREATE TABLE fr_votes (
    uri TEXT PRIMARY KEY NOT NULL,
    cid TEXT NOT NULL,
    request_id INTEGER NOT NULL REFERENCES fr_requests (id) ON DELETE CASCADE,
    voter_did TEXT NOT NULL,
    weight REAL NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (request_id, voter_did)
);

-- The board's clock, in microseconds: every write that changes a ranking
-- stamps it with a value larger than any before (max(last + 1, wall clock)),
-- inside its transaction. A reader that reads the clock in the same
-- statement as a list therefore sees exactly the changes stamped at or
-- before the value it read.
CREATE TABLE fr_clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    now_us INTEGER NOT NULL
);
INSERT INTO fr_clock (id, now_us) VALUES (1, 0);

-- A request's rank just before each change of its votes, kept as long as a
-- page cursor lives: later pages rank by these exact stored values, never a
-- recomputation that could differ in the last bit.
CREATE TABLE fr_rank_history (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES fr_requests (id) ON DELETE CASCADE,
    changed_us INTEGER NOT NULL,
    vote_count INTEGER NOT NULL,
    trend_score REAL NOT NULL
);
CREATE INDEX fr_rank_history_by_request ON fr_rank_history (request_id, changed_us);
CREATE INDEX fr_rank_history_by_time ON fr_rank_history (changed_us);

CREATE TABLE fr_comments (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    cid TEXT NOT NULL,
    request_id INTEGER NOT NULL REFERENCES fr_requests (id) ON DELETE CASCADE,
    parent_uri TEXT,
    author_did TEXT NOT NULL,
    text TEXT NOT NULL,
    vote_count INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT
);
CREATE INDEX fr_comments_by_request ON fr_comments (request_id, created_at, id);

CREATE TABLE fr_comment_votes (
    uri TEXT PRIMARY KEY NOT NULL,
    cid TEXT NOT NULL,
    comment_id INTEGER NOT NULL REFERENCES fr_comments (id) ON DELETE CASCADE,
    voter_did TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX fr_comment_votes_one_per_voter ON fr_comment_votes (comment_id, voter_did);

-- Status changes, published by owners and admins; the latest decides.
CREATE TABLE fr_statuses (
    uri TEXT PRIMARY KEY NOT NULL,
    cid TEXT NOT NULL,
    request_id INTEGER NOT NULL REFERENCES fr_requests (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    note TEXT,
    actor_did TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX fr_statuses_by_request ON fr_statuses (request_id, created_at);
