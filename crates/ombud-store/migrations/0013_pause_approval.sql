-- A pause longer than the policy allows waits for an oversight member's
-- approval before it moves anything: until then its change is 'pending'.
ALTER TABLE deadline_changes ADD COLUMN state TEXT NOT NULL DEFAULT 'applied';
ALTER TABLE deadline_changes ADD COLUMN decided_by TEXT;
ALTER TABLE deadline_changes ADD COLUMN decided_at {bigint};
CREATE INDEX deadline_changes_pending ON deadline_changes (at) WHERE state = 'pending';
