-- She learns what happened and why: a step that ends or turns a case
-- carries a text written for her, sealed like its internal reason.
ALTER TABLE transitions ADD COLUMN sealed_for_reporter {bytes};

-- Deadlines end: when a case closes, every deadline still open is closed
-- with the reason, and no sweep reminds of it or escalates it again.
ALTER TABLE deadlines ADD COLUMN closed_at {bigint};
ALTER TABLE deadlines ADD COLUMN closed_reason TEXT;
DROP INDEX IF EXISTS deadlines_open;
CREATE INDEX deadlines_open ON deadlines (due_at) WHERE met_at IS NULL AND closed_at IS NULL;
