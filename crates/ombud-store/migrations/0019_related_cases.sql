-- A person's token is confirmed on a case when it is the person a unique
-- match or a person identified, never a candidate kept out to fail closed:
-- only confirmed tokens relate cases and count towards repeat respondents.
-- Rows written before this release count once their case is matched again.
ALTER TABLE case_parties ADD COLUMN confirmed {bigint} NOT NULL DEFAULT 0;
CREATE INDEX case_parties_confirmed ON case_parties (token, case_id) WHERE confirmed = 1;

-- Two cases a reader linked, the first id the smaller, with her reason
-- sealed under each case's key (a reader of either case reads its own copy).
CREATE TABLE case_links (
    id         TEXT PRIMARY KEY,
    case_a     TEXT NOT NULL REFERENCES cases (id),
    case_b     TEXT NOT NULL REFERENCES cases (id),
    created_at {bigint} NOT NULL,
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    sealed_a   {bytes} NOT NULL,
    sealed_b   {bytes} NOT NULL
);
CREATE UNIQUE INDEX case_links_pair ON case_links (case_a, case_b);
CREATE INDEX case_links_b ON case_links (case_b);
