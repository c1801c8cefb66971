-- Accounts this server knows: anyone who signed in here, Sphere owners and
-- members, and authors of what it indexed. Jetstream sends every account's
-- identity and account events to every subscriber, whatever collections it
-- asked for; the indexer keeps only these accounts' (its in-memory copy
-- loads new rows by `id`, the order they became known).
CREATE TABLE known_accounts (
    id INTEGER PRIMARY KEY,
    did TEXT NOT NULL UNIQUE
);
INSERT OR IGNORE INTO known_accounts (did) SELECT did FROM actors;
INSERT OR IGNORE INTO known_accounts (did) SELECT did FROM auth_sessions;
INSERT OR IGNORE INTO known_accounts (did) SELECT owner_did FROM spheres;
INSERT OR IGNORE INTO known_accounts (did) SELECT did FROM sphere_members;
INSERT OR IGNORE INTO known_accounts (did) SELECT did FROM inactive_accounts;

-- Whether the modules' authors (which core's SQL can't name) were added yet:
-- the indexer asks each module once, on its first start after this migration.
ALTER TABLE indexer_state ADD COLUMN known_seeded INTEGER NOT NULL DEFAULT 0;
