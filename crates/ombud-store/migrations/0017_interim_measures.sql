-- Interim measures as measures: each one as it stands now (sealed), when it
-- ended, and when it is to be reviewed; every change with its reason and
-- the text for her (sealed).
CREATE TABLE interim_measures (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    created_at {bigint} NOT NULL,
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    sealed     {bytes} NOT NULL,
    review_at  {bigint},
    ended_at   {bigint}
);
CREATE INDEX interim_measures_case ON interim_measures (case_id, created_at);

CREATE TABLE interim_measure_changes (
    id         TEXT PRIMARY KEY,
    measure_id TEXT NOT NULL REFERENCES interim_measures (id),
    case_id    TEXT NOT NULL REFERENCES cases (id),
    created_at {bigint} NOT NULL,
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    sealed     {bytes} NOT NULL
);
CREATE INDEX interim_measure_changes_case ON interim_measure_changes (case_id, created_at);
