-- Tags: defined by owners and admins (site.exosphere.featureRequestTag on
-- their PDS) and put on or taken off requests by them
-- (site.exosphere.featureRequestTagging, action add or remove; for each
-- request and tag the latest record decides). fr_request_tags is that
-- decision, kept as the records come and go (index/tags.rs).
CREATE TABLE fr_tags (
    uri TEXT PRIMARY KEY NOT NULL,
    cid TEXT NOT NULL,
    sphere_id INTEGER NOT NULL REFERENCES spheres (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    color TEXT NOT NULL,
    actor_did TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX fr_tags_by_name ON fr_tags (sphere_id, name);

CREATE TABLE fr_taggings (
    uri TEXT PRIMARY KEY NOT NULL,
    cid TEXT NOT NULL,
    request_id INTEGER NOT NULL REFERENCES fr_requests (id) ON DELETE CASCADE,
    tag_uri TEXT NOT NULL,
    action TEXT NOT NULL,
    actor_did TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX fr_taggings_by_pair ON fr_taggings (request_id, tag_uri, created_at);

CREATE TABLE fr_request_tags (
    request_id INTEGER NOT NULL REFERENCES fr_requests (id) ON DELETE CASCADE,
    tag_uri TEXT NOT NULL,
    PRIMARY KEY (request_id, tag_uri)
) WITHOUT ROWID;
CREATE INDEX fr_request_tags_by_tag ON fr_request_tags (tag_uri);
