-- The inbox at any size. Each case keeps its next open deadline (the
-- largest 64-bit value when none is open, so it sorts last and is never
-- overdue) and when she last wrote; each reader, when she last opened it.
-- A page of the inbox is then read in order from an index.
ALTER TABLE cases ADD COLUMN next_due {bigint} NOT NULL DEFAULT 9223372036854775807;
ALTER TABLE cases ADD COLUMN reporter_wrote_at {bigint};
UPDATE cases SET next_due = COALESCE(
    (SELECT MIN(d.due_at) FROM deadlines d WHERE d.case_id = cases.id AND d.met_at IS NULL AND d.closed_at IS NULL),
    9223372036854775807);
UPDATE cases SET reporter_wrote_at =
    (SELECT MAX(m.created_at) FROM messages m WHERE m.case_id = cases.id AND m.actor_kind = 'reporter');
CREATE INDEX cases_next_due ON cases (next_due, id);
CREATE INDEX cases_status_received ON cases (status, received_at DESC, id DESC);
CREATE INDEX cases_category_received ON cases (category, received_at DESC, id DESC);
CREATE INDEX cases_escalated ON cases (escalated_at, id);
-- A reference is OMB-XXXX-XXXX: either part finds it.
CREATE INDEX cases_ref_first ON cases (substr(reference, 5, 4));
CREATE INDEX cases_ref_second ON cases (substr(reference, 10, 4));

CREATE TABLE case_reads (
    case_id  TEXT NOT NULL REFERENCES cases (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    read_at  {bigint} NOT NULL,
    PRIMARY KEY (case_id, staff_id)
);
