-- The organisation's directory and conflict-of-interest routing.
--
-- The directory is the organisation's own list of people (as its HR system
-- already holds it); nothing here says who is named in which case. People
-- named in a report are kept beside the case only as keyed hashes
-- (case_parties.token: HMAC under an instance secret that is not in the
-- database), so the rule can match them without a name in clear.

CREATE TABLE directory_people (
    employee_id   TEXT PRIMARY KEY,
    scim_id       TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL,
    manager_id    TEXT,
    unit          TEXT NOT NULL,
    level         {bigint} NOT NULL,
    hr_partner_id TEXT,
    active        {bigint} NOT NULL,
    -- A deleted person keeps her place in the graph, so the chain above
    -- someone accused stays excluded after he leaves the directory.
    deleted_at    {bigint},
    updated_at    {bigint} NOT NULL
);
CREATE INDEX directory_people_email ON directory_people (email_key);

CREATE TABLE directory_groups (
    id           TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    members      TEXT NOT NULL,
    updated_at   {bigint} NOT NULL
);

-- Bumped by every directory write, so each instance knows when to reload.
CREATE TABLE directory_revision (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    rev       {bigint} NOT NULL
);
INSERT INTO directory_revision (singleton, rev) VALUES (1, 0);

CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY,
    token_hash {bytes} NOT NULL UNIQUE,
    label      TEXT NOT NULL,
    created_at {bigint} NOT NULL,
    created_by TEXT,
    revoked_at {bigint}
);

-- One row per identity token of each person named (position = her place in
-- the sealed report). Roles are accused, witness or other.
CREATE TABLE case_parties (
    case_id  TEXT NOT NULL REFERENCES cases (id),
    position {bigint} NOT NULL,
    token    {bytes} NOT NULL,
    role     TEXT NOT NULL,
    PRIMARY KEY (case_id, position, token)
);
CREATE INDEX case_parties_token ON case_parties (token);

-- Who was matched to whom, and who confirmed it: sealed under the case key.
CREATE TABLE case_party_matches (
    case_id    TEXT PRIMARY KEY REFERENCES cases (id),
    sealed     {bytes} NOT NULL,
    updated_at {bigint} NOT NULL
);

-- Staff who may not see a case, and which rule said so (oversight reads it).
CREATE TABLE case_exclusions (
    case_id  TEXT NOT NULL REFERENCES cases (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    reason   TEXT NOT NULL,
    at       {bigint} NOT NULL,
    PRIMARY KEY (case_id, staff_id)
);
CREATE INDEX case_exclusions_staff ON case_exclusions (staff_id);
