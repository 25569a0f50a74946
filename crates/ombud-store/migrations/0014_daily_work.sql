-- A handler's daily work: who works on a case (a lead investigator and a
-- team, chosen among its readers), internal notes, and the organisation's
-- labels. Who and which label are ids; what was written is sealed.
-- received_at is the case's (it never changes): "my cases, newest first" is
-- read in order from this table's index, however many cases there are.
CREATE TABLE case_assignees (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    staff_id    TEXT NOT NULL REFERENCES staff (id),
    part        TEXT NOT NULL CHECK (part IN ('lead', 'team')),
    assigned_at {bigint} NOT NULL,
    received_at {bigint} NOT NULL,
    PRIMARY KEY (case_id, staff_id)
);
CREATE INDEX case_assignees_staff ON case_assignees (staff_id, received_at DESC, case_id DESC);

-- Each change of who works on a case, with its reason (sealed).
CREATE TABLE assignment_changes (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    created_at {bigint} NOT NULL,
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    sealed     {bytes} NOT NULL
);
CREATE INDEX assignment_changes_case ON assignment_changes (case_id, created_at);

-- Notes among the case's readers; never shown to her.
CREATE TABLE case_notes (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    created_at  {bigint} NOT NULL,
    staff_id    TEXT NOT NULL REFERENCES staff (id),
    sealed      {bytes} NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, created_at);

-- Labels from the list the organisation configures (their keys only).
CREATE TABLE case_labels (
    case_id  TEXT NOT NULL REFERENCES cases (id),
    label    TEXT NOT NULL,
    added_at {bigint} NOT NULL,
    PRIMARY KEY (case_id, label)
);
CREATE INDEX case_labels_label ON case_labels (label, case_id);
