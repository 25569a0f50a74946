-- Names as people write them, cases whose routing waits for a person, and
-- access that a directory change may give back only with oversight's approval.

-- Other names a person goes by (a Chinese name, an English name, a former
-- name), one per line. The directory is the organisation's own list.
ALTER TABLE directory_people ADD COLUMN other_names TEXT NOT NULL DEFAULT '';

-- decided: the rule routed the case. restricted: an accused inside the
-- organisation matched nobody, so only oversight reads the case until a
-- member identifies him. oversight: he cannot be identified; the case stays
-- with oversight.
ALTER TABLE cases ADD COLUMN routing TEXT NOT NULL DEFAULT 'decided';

-- Who changed the directory, when and how: an administrator, a sync token
-- (and through it the administrator who created it) or the command line.
-- Oversight reads it. It counts the people changed, never names them.
CREATE TABLE directory_changes (
    id         TEXT PRIMARY KEY,
    at         {bigint} NOT NULL,
    source     TEXT NOT NULL,
    staff_id   TEXT REFERENCES staff (id),
    token_id   TEXT REFERENCES api_tokens (id),
    people     {bigint} NOT NULL
);
CREATE INDEX directory_changes_at ON directory_changes (at);

-- An exclusion the rule no longer finds after a directory change. It stays in
-- force until an oversight member approves or refuses lifting it.
CREATE TABLE access_lifts (
    case_id   TEXT NOT NULL REFERENCES cases (id),
    staff_id  TEXT NOT NULL REFERENCES staff (id),
    change_id TEXT NOT NULL REFERENCES directory_changes (id),
    since     {bigint} NOT NULL,
    PRIMARY KEY (case_id, staff_id)
);
