-- Outgoing webhooks, per Sphere, configured by its owner. This is the
-- server's own configuration (a secret can't be a public record): rebuilds
-- from PDSes leave it as it is.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    sphere_id INTEGER NOT NULL REFERENCES spheres (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    -- JSON array of the event names it receives.
    events TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX webhooks_by_sphere ON webhooks (sphere_id);

-- Each event for each webhook: the outbox the sender works through (a row
-- is written in the same transaction as the change it announces) and the
-- delivery log the owner reads.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- pending, delivered or failed (given up after the last attempt).
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Unix milliseconds of the next attempt (pending only).
    next_attempt_ms INTEGER,
    last_status INTEGER,
    last_error TEXT,
    last_attempt_at TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_ms) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, id DESC);
