-- Every indexed filter of the inbox in either order, read from an index of
-- its own (issue "Fast at any size" #1). Escalated cases get two partial
-- indexes, one per order: walking every case for the one in fifty escalated
-- read fifty times the page. Her assignments and a label's cases keep a copy
-- of each case's next open deadline beside their copy of when it was
-- received, kept by the same statement that keeps the case's own.
CREATE INDEX cases_escalated_received ON cases (received_at DESC, id DESC) WHERE escalated_at IS NOT NULL;
CREATE INDEX cases_escalated_due ON cases (next_due, id) WHERE escalated_at IS NOT NULL;
-- Superseded by the two above; left, SQLite may still choose it and sort.
DROP INDEX cases_escalated;
-- A status or a category by deadline: without these, SQLite read every case
-- of the status by when it was received and sorted them (119 ms at 100,000).
CREATE INDEX cases_status_due ON cases (status, next_due, id);
CREATE INDEX cases_category_due ON cases (category, next_due, id);
ALTER TABLE case_assignees ADD COLUMN next_due {bigint} NOT NULL DEFAULT 9223372036854775807;
UPDATE case_assignees SET next_due = (SELECT c.next_due FROM cases c WHERE c.id = case_assignees.case_id);
CREATE INDEX case_assignees_due ON case_assignees (staff_id, next_due, case_id);
ALTER TABLE case_labels ADD COLUMN next_due {bigint} NOT NULL DEFAULT 9223372036854775807;
UPDATE case_labels SET next_due = (SELECT c.next_due FROM cases c WHERE c.id = case_labels.case_id);
CREATE INDEX case_labels_due ON case_labels (label, next_due, case_id);
