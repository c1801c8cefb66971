-- Ranked polls' counted orders, grouped, as bytes (one option index each)
-- instead of JSON text: a count from scratch reads them without parsing.
DROP TABLE poll_rankings;
CREATE TABLE poll_rankings (
    poll_id INTEGER NOT NULL REFERENCES poll_polls(id) ON DELETE CASCADE,
    ranking BLOB NOT NULL,
    weight INTEGER NOT NULL,
    PRIMARY KEY (poll_id, ranking)
) WITHOUT ROWID;
-- Every ranked poll is counted again at the next write, which fills the table anew.
INSERT OR IGNORE INTO poll_pending (poll_uri, voter_did) SELECT uri, '' FROM poll_polls WHERE kind = 'ranked';
