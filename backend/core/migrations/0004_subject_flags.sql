-- Moderation states besides hidden (which keeps hidden_subjects, on every
-- list's hot path): a thread locked or pinned. The latest action of each
-- pair (lock/unlock, pin/unpin) on a subject decides. set_at is this
-- server's clock when the state began (content it sees after a lock is not
-- shown); action_at is the moderation record's createdAt.
CREATE TABLE subject_flags (
    subject_uri TEXT NOT NULL,
    flag TEXT NOT NULL,
    sphere_id INTEGER NOT NULL REFERENCES spheres(id) ON DELETE CASCADE,
    set_at TEXT NOT NULL,
    action_at TEXT NOT NULL,
    PRIMARY KEY (subject_uri, flag)
) WITHOUT ROWID;
CREATE INDEX subject_flags_sphere ON subject_flags (sphere_id, flag);
