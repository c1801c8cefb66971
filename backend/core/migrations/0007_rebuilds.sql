-- Rebuilds in progress, by the Sphere's record URI. While one runs, the
-- indexer holds back the events of that Sphere (and every delete, which
-- names no Sphere) and applies them after the rebuild's single switch, so
-- nothing that arrives meanwhile is lost. heartbeat_at is renewed by the
-- rebuild; an old one (a rebuild that died) is disregarded.
CREATE TABLE rebuilds (
    sphere_uri TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
) WITHOUT ROWID;
