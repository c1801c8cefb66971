-- Vote counts moved with every vote: an UPDATE of fr_requests (the row and
-- its two ranking indexes), a rank-history row and a tick of the board
-- clock per vote. An indexer batch applies thousands of votes in one
-- transaction, and nobody can see inside a transaction, so the counts now
-- move once per request per transaction: votes add their change here, and
-- the module applies the sums at the end of each write transaction
-- (Module::before_commit, index.rs: flush_votes), with one clock tick, one
-- rank-history row per request (its rank before the transaction) and one
-- UPDATE per request.
CREATE TABLE fr_votes_pending (
    request_id INTEGER PRIMARY KEY,
    count INTEGER NOT NULL,
    weight REAL NOT NULL
);
