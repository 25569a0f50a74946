-- Granting the oversight role waits for an existing oversight member's
-- approval (DECISIONS #3): the request, who asked, who decided and how.
CREATE TABLE role_grants (
    id         TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    role       TEXT NOT NULL,
    asked_by   TEXT REFERENCES staff (id),
    asked_at   {bigint} NOT NULL,
    decided_by TEXT REFERENCES staff (id),
    decided_at {bigint},
    approved   {bigint}
);
CREATE INDEX role_grants_open ON role_grants (asked_at) WHERE decided_at IS NULL;
