-- Merging duplicates. A status record with status `duplicate` names the
-- original (`duplicateOf`, kept here as its URI: the original may be indexed
-- after the status). A request's current status decides where it is merged:
-- fr_requests.duplicate_of, the original's id, or NULL. A request's
-- vote_count is then the number of distinct voters of the request and of
-- every request merged into it, chains included (index/merge.rs).
ALTER TABLE fr_statuses ADD COLUMN duplicate_of TEXT;
CREATE INDEX fr_statuses_duplicate_of ON fr_statuses (duplicate_of) WHERE duplicate_of IS NOT NULL;

ALTER TABLE fr_requests ADD COLUMN duplicate_of INTEGER REFERENCES fr_requests (id) ON DELETE SET NULL;
CREATE INDEX fr_requests_duplicate_of ON fr_requests (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- Requests whose merged count must be counted again at the end of the
-- transaction (a vote on a merged request or its original, a merge or an
-- un-merge): Module::before_commit counts each once.
CREATE TABLE fr_recount_pending (
    request_id INTEGER PRIMARY KEY
);
