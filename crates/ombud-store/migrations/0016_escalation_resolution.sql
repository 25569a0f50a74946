-- Oversight marks an escalation dealt with, with a note (sealed under the
-- case key); a resolved escalation leaves the queue and stays on record.
ALTER TABLE escalations ADD COLUMN resolved_at {bigint};
ALTER TABLE escalations ADD COLUMN resolved_by TEXT;
ALTER TABLE escalations ADD COLUMN sealed_note {bytes};
CREATE INDEX escalations_open ON escalations (case_id) WHERE resolved_at IS NULL;
