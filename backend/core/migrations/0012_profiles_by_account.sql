-- Profiles keyed by the account's id in known_accounts, not by its DID.
-- An id grows as accounts become known, so a new account's row (and its
-- entry in profiles_due, among the other '' rows) is appended where a DID,
-- as random as did:plc identifiers are, made SQLite insert it among the
-- others: a page read and rewritten at a random place of the table and of
-- its index for every account the indexer meets. Readers look the id up by
-- DID (known_accounts' unique index on it).
INSERT OR IGNORE INTO known_accounts (did) SELECT did FROM profiles;
CREATE TABLE profiles_by_account (
    account INTEGER PRIMARY KEY NOT NULL,
    display_name TEXT,
    avatar_cid TEXT,
    avatar_mime TEXT,
    refresh_after TEXT NOT NULL DEFAULT '',
    failures INTEGER NOT NULL DEFAULT 0,
    marks INTEGER NOT NULL DEFAULT 0
);
INSERT INTO profiles_by_account (account, display_name, avatar_cid, avatar_mime, refresh_after, failures, marks)
    SELECT k.id, p.display_name, p.avatar_cid, p.avatar_mime, p.refresh_after, p.failures, p.marks
    FROM profiles p JOIN known_accounts k ON k.did = p.did
    ORDER BY k.id;
DROP TABLE profiles;
ALTER TABLE profiles_by_account RENAME TO profiles;
CREATE INDEX profiles_due ON profiles (refresh_after);
CREATE INDEX profiles_avatar ON profiles (avatar_cid) WHERE avatar_cid IS NOT NULL;
