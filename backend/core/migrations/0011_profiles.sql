-- People's display names and avatars, read from their own
-- app.bsky.actor.profile record (see profiles/mod.rs). A known account
-- gets a row when it becomes known; `refresh_after` is when the refresher
-- reads the profile again ('' = as soon as it can: new, or its identity or
-- profile changed); `marks` counts those asks, so that a read under way
-- when one comes does not overwrite it.
CREATE TABLE profiles (
    did TEXT PRIMARY KEY NOT NULL,
    display_name TEXT,
    avatar_cid TEXT,
    avatar_mime TEXT,
    refresh_after TEXT NOT NULL DEFAULT '',
    failures INTEGER NOT NULL DEFAULT 0,
    marks INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX profiles_due ON profiles (refresh_after);
CREATE INDEX profiles_avatar ON profiles (avatar_cid) WHERE avatar_cid IS NOT NULL;
INSERT OR IGNORE INTO profiles (did) SELECT did FROM known_accounts;

-- Avatar images, by CID (content-addressed: checked against their bytes),
-- fetched from a PDS the first time someone asks for one.
CREATE TABLE profile_avatars (
    cid TEXT PRIMARY KEY NOT NULL,
    mime TEXT NOT NULL,
    bytes BLOB NOT NULL
) WITHOUT ROWID;
