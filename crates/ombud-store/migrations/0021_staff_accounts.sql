-- Staff accounts with a life cycle, the one-time links that let a person
-- choose her password, and the ledger's administrative events (events that
-- belong to no case).

-- active: signs in. invited: waits for her to choose a password from her
-- one-time link. reset: the same after a reset; her key pair is made new
-- when she does. disabled: signs in no more and holds no case key.
ALTER TABLE staff ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
-- Raised whenever her sessions must end (disabled, reset, role changed): a
-- session signed in under an older value is refused at its next request,
-- on every instance.
ALTER TABLE staff ADD COLUMN session_epoch {bigint} NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN last_sign_in_at {bigint};

-- A one-time link to choose a password. Its secret is never stored: the
-- link carries the id and a keyed hash of it, recomputed when the mail is
-- sent and checked when it is used.
CREATE TABLE staff_tickets (
    id         TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    purpose    TEXT NOT NULL CHECK (purpose IN ('invitation', 'reset')),
    created_at {bigint} NOT NULL,
    expires_at {bigint} NOT NULL,
    used_at    {bigint}
);
CREATE INDEX staff_tickets_staff ON staff_tickets (staff_id);

-- The notice that carries such a link names its ticket.
ALTER TABLE outbox ADD COLUMN ticket_id TEXT REFERENCES staff_tickets (id);

-- Administrative actions (accounts, roles, passwords): leaves of the ledger
-- under a reserved case reference, with who acted and on whom.
CREATE TABLE staff_events (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    at           {bigint} NOT NULL,
    actor_kind   TEXT NOT NULL,
    staff_id     TEXT REFERENCES staff (id),
    subject_id   TEXT REFERENCES staff (id),
    detail       TEXT NOT NULL DEFAULT '',
    payload_hash {bytes},
    leaf_index   {bigint} NOT NULL UNIQUE
);
CREATE INDEX staff_events_at ON staff_events (at);
