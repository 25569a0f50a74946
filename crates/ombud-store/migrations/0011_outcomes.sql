-- She learns what happened and why: a step that ends or turns a case
-- carries a text written for her, sealed like its internal reason.
ALTER TABLE transitions ADD COLUMN sealed_for_reporter {bytes};

-- Deadlines end: when a case closes, every deadline still open is closed
-- with the reason, and no sweep reminds of it or escalates it again.
ALTER TABLE deadlines ADD COLUMN closed_at {bigint};
ALTER TABLE deadlines ADD COLUMN closed_reason TEXT;
DROP INDEX IF EXISTS deadlines_open;
CREATE INDEX deadlines_open ON deadlines (due_at) WHERE met_at IS NULL AND closed_at IS NULL;

-- Cases closed before this release: nothing on them is due any more.
UPDATE deadlines SET closed_at = (SELECT c.updated_at FROM cases c WHERE c.id = deadlines.case_id),
                     closed_reason = 'case_closed'
 WHERE met_at IS NULL AND case_id IN (SELECT id FROM cases WHERE status = 'closed');
