-- The search index (fr_requests_fts) was kept by triggers, row by row. An
-- FTS5 table writes its pending rows out at every statement savepoint, so in
-- a transaction that indexes many records (an indexer batch) each request
-- became its own small index segment. Now the triggers only note which
-- requests changed, with the text the index held for them, and the module
-- brings the index up to date once, at the end of each write transaction
-- (Module::before_commit, index.rs: flush_search).
DROP TRIGGER fr_requests_fts_insert;
DROP TRIGGER fr_requests_fts_delete;
DROP TRIGGER fr_requests_fts_update;

-- A request whose text changed in the open transaction. `indexed`: the index
-- holds it with `title` and `description` (its first version in this
-- transaction); 0 for a request new in this transaction.
CREATE TABLE fr_search_pending (
    request_id INTEGER PRIMARY KEY,
    indexed INTEGER NOT NULL,
    title TEXT,
    description TEXT
);
CREATE TRIGGER fr_requests_search_insert AFTER INSERT ON fr_requests BEGIN
    INSERT OR IGNORE INTO fr_search_pending (request_id, indexed) VALUES (new.id, 0);
END;
CREATE TRIGGER fr_requests_search_delete AFTER DELETE ON fr_requests BEGIN
    INSERT OR IGNORE INTO fr_search_pending (request_id, indexed, title, description)
    VALUES (old.id, 1, old.title, coalesce(old.description, ''));
END;
CREATE TRIGGER fr_requests_search_update AFTER UPDATE OF title, description ON fr_requests BEGIN
    INSERT OR IGNORE INTO fr_search_pending (request_id, indexed, title, description)
    VALUES (old.id, 1, old.title, coalesce(old.description, ''));
END;
