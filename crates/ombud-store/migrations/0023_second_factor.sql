-- A staff member's second factor: her TOTP secret sealed to her own public
-- key (it opens only in a session her password unlocked), and the last time
-- step a code was accepted at, so a code works once.
ALTER TABLE staff ADD COLUMN second_factor {bytes};
ALTER TABLE staff ADD COLUMN second_factor_step {bigint};

-- Her single-use recovery codes, as keyed hashes.
CREATE TABLE staff_recovery_codes (
    staff_id  TEXT NOT NULL REFERENCES staff (id),
    code_hash {bytes} NOT NULL,
    used_at   {bigint},
    PRIMARY KEY (staff_id, code_hash)
);
