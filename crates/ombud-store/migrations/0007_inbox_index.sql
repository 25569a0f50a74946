-- The inbox walks cases newest first and stops at a page, instead of
-- sorting every case a staff member may read.
DROP INDEX IF EXISTS cases_received;
CREATE INDEX cases_inbox ON cases (received_at DESC, id DESC);
