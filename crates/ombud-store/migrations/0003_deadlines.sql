-- Deadlines become rows of their own, so one indexed query finds every due
-- deadline of every kind; escalations and the notification outbox arrive.

CREATE TABLE deadlines (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    kind         TEXT NOT NULL,
    due_at       {bigint} NOT NULL,
    met_at       {bigint},
    reminded_at  {bigint},
    escalated_at {bigint},
    created_at   {bigint} NOT NULL
);
CREATE INDEX deadlines_case ON deadlines (case_id);
-- The sweep's index: only open deadlines, by due time.
CREATE INDEX deadlines_open ON deadlines (due_at) WHERE met_at IS NULL;

INSERT INTO deadlines (id, case_id, kind, due_at, met_at, created_at)
    SELECT id || '-acknowledge', id, 'acknowledge', acknowledge_due, acknowledged_at, received_at FROM cases;
INSERT INTO deadlines (id, case_id, kind, due_at, met_at, created_at)
    SELECT id || '-feedback', id, 'feedback', feedback_due, NULL, acknowledged_at FROM cases WHERE feedback_due IS NOT NULL;

DROP INDEX IF EXISTS cases_due;
ALTER TABLE cases DROP COLUMN acknowledge_due;
ALTER TABLE cases DROP COLUMN feedback_due;
ALTER TABLE cases ADD COLUMN escalated_at {bigint};

-- A case raised to the oversight committee: by a missed deadline, or by her.
CREATE TABLE escalations (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    deadline_id TEXT REFERENCES deadlines (id),
    cause       TEXT NOT NULL,
    created_at  {bigint} NOT NULL
);
CREATE INDEX escalations_case ON escalations (case_id);
CREATE INDEX escalations_created ON escalations (created_at);

-- Content-free notifications, written in the same transaction as their cause.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    staff_id        TEXT NOT NULL REFERENCES staff (id),
    kind            TEXT NOT NULL,
    case_id         TEXT REFERENCES cases (id),
    created_at      {bigint} NOT NULL,
    attempts        {bigint} NOT NULL DEFAULT 0,
    next_attempt_at {bigint} NOT NULL,
    claimed_until   {bigint},
    sent_at         {bigint}
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
