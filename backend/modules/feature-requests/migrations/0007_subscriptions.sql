-- Following requests (site.exosphere.featureRequestSubscription: the latest
-- record per person and request decides), and the handles mentioned in
-- descriptions and comments (`@handle`, lowercased, as written): what the
-- board's notifications are derived from when they are read (notify.rs).
CREATE TABLE fr_subscriptions (
    uri TEXT PRIMARY KEY NOT NULL,
    cid TEXT NOT NULL,
    request_id INTEGER NOT NULL REFERENCES fr_requests (id) ON DELETE CASCADE,
    did TEXT NOT NULL,
    subscribed INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX fr_subscriptions_by_person ON fr_subscriptions (did, request_id, created_at);

CREATE TABLE fr_mentions (
    handle TEXT NOT NULL,
    record_uri TEXT NOT NULL,
    PRIMARY KEY (handle, record_uri)
) WITHOUT ROWID;
CREATE INDEX fr_mentions_by_record ON fr_mentions (record_uri);

-- Replies to a person's comments: one range of their comments' URIs.
CREATE INDEX fr_comments_by_parent ON fr_comments (parent_uri) WHERE parent_uri IS NOT NULL;
