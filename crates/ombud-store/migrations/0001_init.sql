-- Ombud's first schema ({dialect}). Content is only ever stored sealed ({bytes}
-- columns named sealed_* or wrapped_*); see DESIGN.md "What stays in clear".
-- Times are milliseconds since the Unix epoch.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value {bytes} NOT NULL
);

CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('handler', 'oversight', 'admin')),
    created_at    {bigint} NOT NULL,
    public_key    {bytes} NOT NULL,
    sealed_secret {bytes} NOT NULL
);

CREATE TABLE cases (
    id              TEXT PRIMARY KEY,
    reference       TEXT NOT NULL UNIQUE,
    category        TEXT NOT NULL,
    status          TEXT NOT NULL,
    received_at     {bigint} NOT NULL,
    acknowledged_at {bigint},
    acknowledge_due {bigint} NOT NULL,
    feedback_due    {bigint},
    updated_at      {bigint} NOT NULL
);
CREATE INDEX cases_received ON cases (received_at DESC);
CREATE INDEX cases_due ON cases (status, acknowledge_due);

CREATE TABLE reports (
    case_id TEXT PRIMARY KEY REFERENCES cases (id),
    sealed  {bytes} NOT NULL
);

-- Who may read a case. A row with a NULL key is a pending grant, completed
-- by the next reader who opens the case. No row: no access, ever.
CREATE TABLE case_access (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    staff_id    TEXT NOT NULL REFERENCES staff (id),
    wrapped_key {bytes},
    granted_at  {bigint} NOT NULL,
    PRIMARY KEY (case_id, staff_id)
);
CREATE INDEX case_access_staff ON case_access (staff_id);

CREATE TABLE receipts (
    lookup      {bytes} PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    kdf         {bytes} NOT NULL,
    wrapped_key {bytes} NOT NULL
);

CREATE TABLE messages (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    created_at  {bigint} NOT NULL,
    actor_kind  TEXT NOT NULL,
    staff_id    TEXT REFERENCES staff (id),
    sealed_body {bytes} NOT NULL
);
CREATE INDEX messages_case ON messages (case_id, created_at);

CREATE TABLE attachments (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    message_id  TEXT REFERENCES messages (id),
    created_at  {bigint} NOT NULL,
    size        {bigint} NOT NULL,
    sealed_meta {bytes} NOT NULL,
    sealed_body {bytes} NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id, created_at);

CREATE TABLE events (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    kind       TEXT NOT NULL,
    at         {bigint} NOT NULL,
    actor_kind TEXT NOT NULL,
    staff_id   TEXT
);
CREATE INDEX events_case ON events (case_id, at);
