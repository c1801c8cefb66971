-- The instance's own policy, kept by this server alone (no records: this is
-- local administration, and a rebuild from PDSes leaves it as it is).

-- The first account to create a Sphere on an instance without
-- EXOSPHERE_ADMINS becomes its administrator (with EXOSPHERE_ADMINS set, that
-- list is the whole truth and this table is not read).
CREATE TABLE instance_admins (
    did TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

-- Accounts the administrators allowed to create Spheres.
CREATE TABLE sphere_creators (
    did TEXT PRIMARY KEY,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sphere_creators_granted ON sphere_creators (granted_at);

-- Single-use invite codes: used_by is set once, when a Sphere is created with it.
CREATE TABLE invite_codes (
    code TEXT PRIMARY KEY,
    note TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_by TEXT,
    used_at TEXT,
    sphere_uri TEXT
) WITHOUT ROWID;
CREATE INDEX invite_codes_created ON invite_codes (created_at);

-- Spheres an administrator hid from the instance's list or suspended, by the
-- URI of their record (so a rebuild, which re-creates the Sphere's row, keeps it).
CREATE TABLE sphere_standing (
    sphere_uri TEXT PRIMARY KEY,
    standing TEXT NOT NULL CHECK (standing IN ('hidden', 'suspended')),
    reason TEXT,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
) WITHOUT ROWID;

-- An instance that already has Spheres: the owner of the oldest is the first
-- to have created one.
INSERT INTO instance_admins (did, source, created_at)
SELECT owner_did, 'first-sphere', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM spheres ORDER BY created_at, id LIMIT 1;
