-- Ombud's first schema (PostgreSQL). Content is only ever stored sealed (BYTEA
-- columns named sealed_* or wrapped_*); see DESIGN.md "What stays in clear".
-- Times are milliseconds since the Unix epoch.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('handler', 'oversight', 'admin')),
    created_at    BIGINT NOT NULL,
    public_key    BYTEA NOT NULL,
    sealed_secret BYTEA NOT NULL
);

CREATE TABLE cases (
    id              TEXT PRIMARY KEY,
    reference       TEXT NOT NULL UNIQUE,
    category        TEXT NOT NULL,
    status          TEXT NOT NULL,
    received_at     BIGINT NOT NULL,
    acknowledged_at BIGINT,
    acknowledge_due BIGINT NOT NULL,
    feedback_due    BIGINT,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX cases_received ON cases (received_at DESC);
CREATE INDEX cases_due ON cases (status, acknowledge_due);

CREATE TABLE reports (
    case_id TEXT PRIMARY KEY REFERENCES cases (id),
    sealed  BYTEA NOT NULL
);

-- Who may read a case. A row with a NULL key is a pending grant, completed
-- by the next reader who opens the case. No row: no access, ever.
CREATE TABLE case_access (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    staff_id    TEXT NOT NULL REFERENCES staff (id),
    wrapped_key BYTEA,
    granted_at  BIGINT NOT NULL,
    PRIMARY KEY (case_id, staff_id)
);
CREATE INDEX case_access_staff ON case_access (staff_id);

CREATE TABLE receipts (
    lookup      BYTEA PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    kdf         BYTEA NOT NULL,
    wrapped_key BYTEA NOT NULL
);

CREATE TABLE messages (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    created_at  BIGINT NOT NULL,
    actor_kind  TEXT NOT NULL,
    staff_id    TEXT REFERENCES staff (id),
    sealed_body BYTEA NOT NULL
);
CREATE INDEX messages_case ON messages (case_id, created_at);

CREATE TABLE attachments (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    message_id  TEXT REFERENCES messages (id),
    created_at  BIGINT NOT NULL,
    size        BIGINT NOT NULL,
    sealed_meta BYTEA NOT NULL,
    sealed_body BYTEA NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id, created_at);

CREATE TABLE events (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    kind       TEXT NOT NULL,
    at         BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    staff_id   TEXT
);
CREATE INDEX events_case ON events (case_id, at);
