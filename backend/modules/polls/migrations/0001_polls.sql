-- Polls: polls numbered per Sphere, every ballot record, and each poll's
-- results kept with it (see src/count.rs).

CREATE TABLE poll_counters (
    sphere_id INTEGER PRIMARY KEY NOT NULL REFERENCES spheres(id) ON DELETE CASCADE,
    last_number INTEGER NOT NULL
);

CREATE TABLE poll_polls (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    cid TEXT NOT NULL,
    sphere_id INTEGER NOT NULL REFERENCES spheres(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    author_did TEXT NOT NULL,
    question TEXT NOT NULL,
    description TEXT,
    -- JSON array of the options' texts.
    options TEXT NOT NULL,
    kind TEXT NOT NULL,
    max_choices INTEGER,
    -- As the record has it, and as microseconds since the epoch (NULL: never closes).
    closes_at TEXT,
    closes_us INTEGER,
    results TEXT NOT NULL,
    -- What ballots are cast on (question, options, kind, maxChoices): a
    -- ballot naming a version of the poll with another shape doesn't count.
    shape TEXT NOT NULL,
    -- Ballots counted, and the results as a site.exosphere.poll.defs#tally,
    -- both kept up to date at the end of each write transaction.
    voters INTEGER NOT NULL DEFAULT 0,
    tally TEXT NOT NULL DEFAULT '{"voters":0,"options":[]}',
    created_at TEXT NOT NULL,
    updated_at TEXT,
    UNIQUE (sphere_id, number)
);
CREATE INDEX poll_polls_new ON poll_polls (sphere_id, id DESC);
CREATE INDEX poll_polls_closing ON poll_polls (sphere_id, closes_us, id);

-- Every ballot record seen, counted or not.
CREATE TABLE poll_ballots (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    cid TEXT NOT NULL,
    sphere_id INTEGER NOT NULL REFERENCES spheres(id) ON DELETE CASCADE,
    poll_uri TEXT NOT NULL,
    poll_cid TEXT NOT NULL,
    voter_did TEXT NOT NULL,
    -- JSON array of option indexes, as the record has them.
    choices TEXT NOT NULL,
    created_at TEXT NOT NULL,
    received_us INTEGER NOT NULL
);
CREATE INDEX poll_ballots_voter ON poll_ballots (poll_uri, voter_did, created_at DESC, uri DESC);

-- The ballot that counts, per poll and voter: their latest (createdAt, then
-- URI) that fits the poll and came in time.
CREATE TABLE poll_voters (
    poll_id INTEGER NOT NULL REFERENCES poll_polls(id) ON DELETE CASCADE,
    voter_did TEXT NOT NULL,
    ballot_uri TEXT NOT NULL,
    choices TEXT NOT NULL,
    voted_at TEXT NOT NULL,
    PRIMARY KEY (poll_id, voter_did)
) WITHOUT ROWID;
CREATE INDEX poll_voters_recent ON poll_voters (poll_id, voted_at DESC, voter_did DESC);

-- Per poll, per option, the counted ballots that chose it (ranked: first).
CREATE TABLE poll_option_counts (
    poll_id INTEGER NOT NULL REFERENCES poll_polls(id) ON DELETE CASCADE,
    option INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (poll_id, option)
) WITHOUT ROWID;

-- Ranked polls: the counted ballots grouped by their order (a JSON array),
-- so that a runoff reads each distinct order once.
CREATE TABLE poll_rankings (
    poll_id INTEGER NOT NULL REFERENCES poll_polls(id) ON DELETE CASCADE,
    ranking TEXT NOT NULL,
    weight INTEGER NOT NULL,
    PRIMARY KEY (poll_id, ranking)
) WITHOUT ROWID;

-- (poll, voter) pairs whose counted ballot may have changed in this write
-- transaction (voter '' for all of a poll's voters), settled before it commits.
CREATE TABLE poll_pending (
    poll_uri TEXT NOT NULL,
    voter_did TEXT NOT NULL,
    PRIMARY KEY (poll_uri, voter_did)
) WITHOUT ROWID;

-- What this server has seen, kept across rebuilds (no Sphere owns these
-- rows): the shape of each version of a poll, by CID, and when each ballot
-- version first reached it. A rebuild reads only a poll's latest version and
-- can't tell when a ballot was published; these keep its count equal to the
-- live one.
CREATE TABLE poll_versions (
    poll_uri TEXT NOT NULL,
    cid TEXT NOT NULL,
    shape TEXT NOT NULL,
    PRIMARY KEY (poll_uri, cid)
) WITHOUT ROWID;
CREATE TABLE poll_receipts (
    uri TEXT NOT NULL,
    cid TEXT NOT NULL,
    received_us INTEGER NOT NULL,
    PRIMARY KEY (uri, cid)
) WITHOUT ROWID;
