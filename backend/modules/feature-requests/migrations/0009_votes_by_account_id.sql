-- Votes keyed by the voter's account id (core's known_accounts.id: an
-- integer that new accounts only ever increase) and the record key, in
-- place of the URI and the DID's text. A DID is random, so a text key sends
-- each new vote to a random page of a large index, and an indexer batch
-- rewrites thousands of pages; an id keeps the keys small and a new voter's
-- at the end. The URI and the DID stay as columns, read as before.
--
-- Every voter is made known first (they all should be: sign-ins, the
-- indexer and rebuilds make authors known), with the profile row every
-- known account has.
INSERT OR IGNORE INTO known_accounts (did) SELECT voter_did FROM fr_votes;
INSERT OR IGNORE INTO profiles (account)
    SELECT k.id FROM known_accounts k WHERE k.did IN (SELECT voter_did FROM fr_votes);

CREATE TABLE fr_votes_by_id (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL,
    cid TEXT NOT NULL,
    request_id INTEGER NOT NULL REFERENCES fr_requests (id) ON DELETE CASCADE,
    voter_did TEXT NOT NULL,
    voter_id INTEGER NOT NULL,
    rkey TEXT NOT NULL,
    weight REAL NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (voter_id, rkey),
    UNIQUE (request_id, voter_id)
);
INSERT INTO fr_votes_by_id (uri, cid, request_id, voter_did, voter_id, rkey, weight, created_at)
SELECT v.uri, v.cid, v.request_id, v.voter_did, k.id,
       substr(v.uri, length('at://' || v.voter_did || '/site.exosphere.featureRequestVote/') + 1),
       v.weight, v.created_at
FROM fr_votes v JOIN known_accounts k ON k.did = v.voter_did
ORDER BY v.rowid;
DROP TABLE fr_votes;
ALTER TABLE fr_votes_by_id RENAME TO fr_votes;

-- The trigger of 0004 went with the old table.
CREATE TRIGGER fr_votes_note_insert AFTER INSERT ON fr_votes BEGIN
    INSERT INTO fr_votes_pending (request_id, count, weight) VALUES (new.request_id, 1, new.weight)
    ON CONFLICT (request_id) DO UPDATE SET count = count + excluded.count, weight = weight + excluded.weight;
END;
