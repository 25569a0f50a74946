-- The organisation recovery key (DECISIONS #2). Its private half is never
-- stored: it is split m-of-n among oversight members, each share sealed to
-- one member's public key, and rebuilt in memory only for one operation.

-- current: new case keys are wrapped to it. retiring: a rotation replaced
-- it; its wraps and shares stay until every case has a wrap to the new key.
-- split_id names the current split of its private half: shares of another
-- split do not combine with these.
CREATE TABLE recovery_keys (
    id         TEXT PRIMARY KEY,
    public_key {bytes} NOT NULL,
    split_id   TEXT NOT NULL,
    threshold  {bigint} NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('current', 'retiring')),
    created_at {bigint} NOT NULL
);

-- One holder's share, sealed to the public key she held then (a share
-- sealed to a key she no longer holds opens nothing).
CREATE TABLE recovery_shares (
    key_id        TEXT NOT NULL REFERENCES recovery_keys (id),
    holder        TEXT NOT NULL REFERENCES staff (id),
    holder_public {bytes} NOT NULL,
    sealed        {bytes} NOT NULL,
    PRIMARY KEY (key_id, holder)
);

-- A case key wrapped to a recovery key. A case without a wrap to the
-- current key is pending: the next reader who holds its key writes one.
CREATE TABLE recovery_wraps (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    key_id      TEXT NOT NULL REFERENCES recovery_keys (id),
    wrapped_key {bytes} NOT NULL,
    PRIMARY KEY (case_id, key_id)
);
CREATE INDEX recovery_wraps_key ON recovery_wraps (key_id);

-- An operation that needs the key (recover, resplit, rotate), with its own
-- ephemeral key pair: the private half sealed to its initiator only.
-- Deleted once done, or when it expires.
CREATE TABLE recovery_operations (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('recover', 'resplit', 'rotate')),
    key_id        TEXT NOT NULL REFERENCES recovery_keys (id),
    split_id      TEXT NOT NULL,
    initiator     TEXT NOT NULL REFERENCES staff (id),
    case_id       TEXT REFERENCES cases (id),
    holders       TEXT NOT NULL DEFAULT '',
    new_threshold {bigint},
    public_key    {bytes} NOT NULL,
    sealed_secret {bytes} NOT NULL,
    created_at    {bigint} NOT NULL,
    expires_at    {bigint} NOT NULL
);

-- A holder's approval: her share, sealed again to the operation's key.
CREATE TABLE recovery_approvals (
    operation_id TEXT NOT NULL REFERENCES recovery_operations (id),
    holder       TEXT NOT NULL REFERENCES staff (id),
    sealed_share {bytes} NOT NULL,
    approved_at  {bigint} NOT NULL,
    PRIMARY KEY (operation_id, holder)
);
