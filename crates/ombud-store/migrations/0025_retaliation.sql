-- After she speaks up (issue 17, DECISIONS #18): the HR system's adverse
-- actions, held for a review period whoever they concern, and the people
-- Ombud protects beyond those named in cases. Persons appear only as
-- identity tokens (keyed hashes under the instance secret); everything a
-- person wrote is sealed under an item key wrapped to its reviewers.

-- A token is for directory sync (SCIM) or for the HR system, never both.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'directory';

-- Protected beyond the people named in a case: a reporter whose contact
-- matches the directory, a supporter, anyone oversight adds. A row tied to
-- a case lasts while the case is open and a configured time after it closes.
CREATE TABLE protected_persons (
    id       TEXT PRIMARY KEY,
    token    {bytes} NOT NULL,
    case_id  TEXT REFERENCES cases (id),
    basis    TEXT NOT NULL,
    since    {bigint} NOT NULL,
    until_at {bigint},
    added_by TEXT REFERENCES staff (id)
);
CREATE INDEX protected_persons_token ON protected_persons (token);

-- An adverse action the HR system announced. `status` is what the HR system
-- reads: `held` (or `cleared` for an exempt kind) until the period ends,
-- whatever was decided meanwhile.
CREATE TABLE hr_actions (
    id                   TEXT PRIMARY KEY,
    token_id             TEXT REFERENCES api_tokens (id),
    kind                 TEXT NOT NULL,
    received_at          {bigint} NOT NULL,
    period_end           {bigint} NOT NULL,
    exempt               {bigint} NOT NULL,
    disclosure           {bigint} NOT NULL,
    person_token         {bytes} NOT NULL,
    decider_token        {bytes},
    sealed               {bytes} NOT NULL,
    status               TEXT NOT NULL,
    escalated_at         {bigint},
    last_call_at         {bigint},
    taken_up_at          {bigint},
    taken_up_by          TEXT REFERENCES staff (id),
    decision             TEXT,
    decided_at           {bigint},
    decided_by           TEXT REFERENCES staff (id),
    sealed_decision      {bytes},
    needed_decision      {bigint},
    concluded_at         {bigint},
    justify_next_at      {bigint},
    justify_attempts     {bigint} NOT NULL DEFAULT 0,
    justify_mailed_at    {bigint},
    justified_at         {bigint},
    sealed_justification {bytes},
    -- `hr`, or `proceeding`: proceedings a person named in a case brought
    -- against someone it protects, recorded by oversight.
    source               TEXT NOT NULL DEFAULT 'hr'
);
CREATE INDEX hr_actions_open ON hr_actions (period_end) WHERE concluded_at IS NULL;
CREATE INDEX hr_actions_justify ON hr_actions (justify_next_at) WHERE justify_mailed_at IS NULL;
CREATE INDEX hr_actions_decider ON hr_actions (decider_token);

-- An item's own key (an HR action's record, a justification) wrapped to
-- each staff member who may read it. Excluded readers have no row.
CREATE TABLE item_wraps (
    item_id     TEXT NOT NULL,
    staff_id    TEXT NOT NULL REFERENCES staff (id),
    wrapped_key {bytes} NOT NULL,
    PRIMARY KEY (item_id, staff_id)
);
CREATE INDEX item_wraps_staff ON item_wraps (staff_id);

-- After closure she is asked, on her page, whether anything changed for her
-- at work: one row per check-in she answered (`day` after closure).
CREATE TABLE check_ins (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    day         {bigint} NOT NULL,
    answered_at {bigint} NOT NULL,
    changed     {bigint} NOT NULL,
    PRIMARY KEY (case_id, day)
);

-- A report she made from her follow-up page ("something has happened to me
-- since I reported"): the new case, and the case it follows.
CREATE TABLE case_follow_ups (
    case_id    TEXT PRIMARY KEY REFERENCES cases (id),
    parent_id  TEXT NOT NULL REFERENCES cases (id),
    created_at {bigint} NOT NULL
);
CREATE INDEX case_follow_ups_parent ON case_follow_ups (parent_id);

-- A statement a supporter adds to a case by its reference (DECISIONS #19):
-- its own item key, wrapped to the case's readers the conflict rules still
-- allow once they ran again on her, and to the recovery key. Those it kept
-- out stay out of this item for later grants and recoveries.
CREATE TABLE case_items (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    kind       TEXT NOT NULL,
    sealed     {bytes} NOT NULL,
    created_at {bigint} NOT NULL
);
CREATE INDEX case_items_case ON case_items (case_id);

-- The supporter's identity tokens, so the conflict rules run again on her
-- for every later reader of her statement.
CREATE TABLE item_tokens (
    item_id TEXT NOT NULL REFERENCES case_items (id),
    token   {bytes} NOT NULL,
    PRIMARY KEY (item_id, token)
);

CREATE TABLE item_exclusions (
    item_id  TEXT NOT NULL REFERENCES case_items (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    PRIMARY KEY (item_id, staff_id)
);

CREATE TABLE item_recovery_wraps (
    item_id     TEXT NOT NULL REFERENCES case_items (id),
    key_id      TEXT NOT NULL REFERENCES recovery_keys (id),
    wrapped_key {bytes} NOT NULL,
    PRIMARY KEY (item_id, key_id)
);

-- Her receipt opens her statement only, never the case.
CREATE TABLE support_receipts (
    lookup      {bytes} PRIMARY KEY,
    item_id     TEXT NOT NULL REFERENCES case_items (id),
    kdf         {bytes} NOT NULL,
    wrapped_key {bytes} NOT NULL
);

-- Her thread with the handlers, under the statement's key.
CREATE TABLE item_messages (
    id       TEXT PRIMARY KEY,
    item_id  TEXT NOT NULL REFERENCES case_items (id),
    at       {bigint} NOT NULL,
    staff_id TEXT REFERENCES staff (id),
    sealed   {bytes} NOT NULL
);
CREATE INDEX item_messages_item ON item_messages (item_id);
