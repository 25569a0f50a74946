-- The workflow's record: every step with who, when and a sealed reason; her
-- requests and their sealed answers; every moved deadline with a sealed
-- justification (for oversight) and a sealed reason written for her; linked
-- police or court proceedings, which never move a deadline by themselves.

CREATE TABLE transitions (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases (id),
    step          TEXT NOT NULL,
    from_status   TEXT NOT NULL,
    to_status     TEXT NOT NULL,
    at            {bigint} NOT NULL,
    actor_kind    TEXT NOT NULL,
    staff_id      TEXT,
    sealed_reason {bytes}
);
CREATE INDEX transitions_case ON transitions (case_id, at);
CREATE INDEX cases_status ON cases (status);

CREATE TABLE requests (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases (id),
    position      {bigint} NOT NULL,
    created_at    {bigint} NOT NULL,
    answered_at   {bigint},
    staff_id      TEXT,
    sealed_answer {bytes}
);
CREATE INDEX requests_case ON requests (case_id, position);

-- A deadline may concern one thing of its case (a request).
ALTER TABLE deadlines ADD COLUMN subject TEXT;

CREATE TABLE deadline_changes (
    id                   TEXT PRIMARY KEY,
    deadline_id          TEXT NOT NULL REFERENCES deadlines (id),
    case_id              TEXT NOT NULL REFERENCES cases (id),
    kind                 TEXT NOT NULL,
    old_due              {bigint} NOT NULL,
    new_due              {bigint} NOT NULL,
    at                   {bigint} NOT NULL,
    staff_id             TEXT NOT NULL,
    sealed_justification {bytes} NOT NULL,
    sealed_for_reporter  {bytes} NOT NULL
);
CREATE INDEX deadline_changes_case ON deadline_changes (case_id, at);
CREATE INDEX deadline_changes_at ON deadline_changes (at);

CREATE TABLE proceedings (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    created_at {bigint} NOT NULL,
    staff_id   TEXT NOT NULL,
    sealed     {bytes} NOT NULL
);
CREATE INDEX proceedings_case ON proceedings (case_id);
