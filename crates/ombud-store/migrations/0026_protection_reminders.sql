-- Someone oversight protects by hand (a reporter whose identity became
-- known later, a colleague who helped): who was meant, as oversight wrote
-- it, and why, sealed under the case's key for its readers alone.
ALTER TABLE protected_persons ADD COLUMN sealed_note {bytes};

-- Why a reader is kept out of a statement: its case keeps her out
-- (from_case = 1, which goes when the case lets her in again), or the rules
-- run on the supporter herself (0, for good).
ALTER TABLE item_exclusions ADD COLUMN from_case {bigint} NOT NULL DEFAULT 0;

-- A reporter who asked to be told by email when a check-in waits for her
-- on her page. Her address is sealed under an instance key, so the job
-- loop can send the content-free mail and nobody reads it in the database;
-- the row goes when she withdraws, once the last check-in was sent, or
-- after a day of refusals. `last_sent_day` is claimed before a mail is
-- sent, so two job loops never mail the same check-in twice.
CREATE TABLE check_in_reminders (
    case_id         TEXT PRIMARY KEY REFERENCES cases (id),
    sealed_email    {bytes} NOT NULL,
    asked_at        {bigint} NOT NULL,
    last_sent_day   {bigint},
    attempts        {bigint} NOT NULL DEFAULT 0,
    next_attempt_at {bigint} NOT NULL DEFAULT 0
);
