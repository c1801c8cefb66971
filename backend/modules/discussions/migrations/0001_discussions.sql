-- Discussions: threads numbered per Sphere, threaded replies, reactions.

CREATE TABLE disc_counters (
    sphere_id INTEGER PRIMARY KEY NOT NULL REFERENCES spheres(id) ON DELETE CASCADE,
    last_number INTEGER NOT NULL
);

CREATE TABLE disc_threads (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    cid TEXT NOT NULL,
    sphere_id INTEGER NOT NULL REFERENCES spheres(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    author_did TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT,
    -- JSON array, as the record has them; disc_thread_tags indexes them.
    tags TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT,
    reply_count INTEGER NOT NULL DEFAULT 0,
    reaction_count INTEGER NOT NULL DEFAULT 0,
    -- [{"emoji","count"}], most used first: kept with the reactions (lists read it on every row).
    reactions TEXT NOT NULL DEFAULT '[]',
    -- The latest reply's createdAt, or the thread's own: the `active` sort.
    active_at TEXT NOT NULL,
    UNIQUE (sphere_id, number)
);
CREATE INDEX disc_threads_active ON disc_threads (sphere_id, active_at DESC, id DESC);
CREATE INDEX disc_threads_new ON disc_threads (sphere_id, created_at DESC, id DESC);
CREATE INDEX disc_threads_top ON disc_threads (sphere_id, reaction_count DESC, id DESC);
CREATE INDEX disc_threads_author ON disc_threads (author_did, sphere_id);

CREATE TABLE disc_thread_tags (
    thread_id INTEGER NOT NULL REFERENCES disc_threads(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (thread_id, tag)
) WITHOUT ROWID;
CREATE INDEX disc_thread_tags_tag ON disc_thread_tags (tag, thread_id);

CREATE TABLE disc_replies (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    cid TEXT NOT NULL,
    thread_id INTEGER NOT NULL REFERENCES disc_threads(id) ON DELETE CASCADE,
    parent_uri TEXT,
    -- Thread order: the parent's path, '/', then this reply's createdAt~did~rkey.
    -- '/' sorts before every character of a key, so answers follow their parent.
    path TEXT NOT NULL,
    depth INTEGER NOT NULL,
    author_did TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT,
    -- This server's clock when it first saw the reply (a lock hides what it sees later).
    seen_at TEXT NOT NULL,
    reaction_count INTEGER NOT NULL DEFAULT 0,
    reactions TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX disc_replies_thread ON disc_replies (thread_id, path);
CREATE INDEX disc_replies_author ON disc_replies (author_did);

CREATE TABLE disc_reactions (
    uri TEXT PRIMARY KEY NOT NULL,
    cid TEXT NOT NULL,
    sphere_id INTEGER NOT NULL REFERENCES spheres(id) ON DELETE CASCADE,
    subject_uri TEXT NOT NULL,
    reactor_did TEXT NOT NULL,
    emoji TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (subject_uri, reactor_did, emoji)
);
CREATE INDEX disc_reactions_sphere ON disc_reactions (sphere_id, reactor_did);

-- Full-text search of titles and bodies, kept by triggers.
CREATE VIRTUAL TABLE disc_threads_fts USING fts5(title, body, content='disc_threads', content_rowid='id');
CREATE TRIGGER disc_threads_fts_insert AFTER INSERT ON disc_threads BEGIN
    INSERT INTO disc_threads_fts (rowid, title, body) VALUES (new.id, new.title, coalesce(new.body, ''));
END;
CREATE TRIGGER disc_threads_fts_delete AFTER DELETE ON disc_threads BEGIN
    INSERT INTO disc_threads_fts (disc_threads_fts, rowid, title, body) VALUES ('delete', old.id, old.title, coalesce(old.body, ''));
END;
CREATE TRIGGER disc_threads_fts_update AFTER UPDATE OF title, body ON disc_threads BEGIN
    INSERT INTO disc_threads_fts (disc_threads_fts, rowid, title, body) VALUES ('delete', old.id, old.title, coalesce(old.body, ''));
    INSERT INTO disc_threads_fts (rowid, title, body) VALUES (new.id, new.title, coalesce(new.body, ''));
END;
