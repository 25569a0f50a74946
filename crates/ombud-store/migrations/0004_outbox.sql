-- Notifications are sent in the recipient's language; one instance at a
-- time runs the job loop.
ALTER TABLE staff ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';

CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at {bigint} NOT NULL
);
