-- Spheres known to this instance (created here, or rebuilt from PDS records).
CREATE TABLE spheres (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    cid TEXT NOT NULL,
    owner_did TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    visibility TEXT NOT NULL,
    write_mode TEXT NOT NULL,
    modules TEXT NOT NULL,
    created_at TEXT NOT NULL,
    indexed_at TEXT NOT NULL
);
CREATE INDEX spheres_by_created ON spheres (created_at DESC, id DESC);

-- Bilateral membership: the admin side (approval record) and the member side
-- (member record). Active only when both exist; the owner is active by the
-- Sphere record itself.
CREATE TABLE sphere_members (
    sphere_id INTEGER NOT NULL REFERENCES spheres (id) ON DELETE CASCADE,
    did TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    invited_by TEXT,
    invited_at TEXT,
    joined_at TEXT,
    approval_uri TEXT,
    approval_cid TEXT,
    member_uri TEXT,
    member_cid TEXT,
    PRIMARY KEY (sphere_id, did)
) WITHOUT ROWID;
CREATE INDEX sphere_members_by_did ON sphere_members (did);
CREATE UNIQUE INDEX sphere_members_by_approval ON sphere_members (approval_uri) WHERE approval_uri IS NOT NULL;
CREATE UNIQUE INDEX sphere_members_by_member ON sphere_members (member_uri) WHERE member_uri IS NOT NULL;

-- Every moderation action (site.exosphere.moderation records, or rows only
-- for private Spheres); the latest per subject decides.
CREATE TABLE moderation_actions (
    uri TEXT PRIMARY KEY NOT NULL,
    cid TEXT NOT NULL,
    sphere_id INTEGER NOT NULL REFERENCES spheres (id) ON DELETE CASCADE,
    subject_uri TEXT NOT NULL,
    action TEXT NOT NULL,
    actor_did TEXT NOT NULL,
    reason TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX moderation_by_subject ON moderation_actions (subject_uri, created_at DESC);

-- Content currently hidden by a moderator: what every list filters on.
CREATE TABLE hidden_subjects (
    subject_uri TEXT PRIMARY KEY NOT NULL,
    sphere_id INTEGER NOT NULL REFERENCES spheres (id) ON DELETE CASCADE
) WITHOUT ROWID;

-- Handles of accounts seen here (sign-in, invitations, identity events).
CREATE TABLE actors (
    did TEXT PRIMARY KEY NOT NULL,
    handle TEXT,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
