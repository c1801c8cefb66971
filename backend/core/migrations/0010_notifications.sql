-- Notifications are derived from records when they are read (see
-- notifications/mod.rs); this server keeps only when each person last
-- marked them read.
CREATE TABLE notification_seen (
    did TEXT PRIMARY KEY NOT NULL,
    seen_at TEXT NOT NULL
) WITHOUT ROWID;
