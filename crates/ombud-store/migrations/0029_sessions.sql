-- Staff sessions as rows, so that a restart signs no one out and any
-- instance serves any session (DESIGN.md, "Sessions across restarts and
-- instances"). A row holds a keyed hash of the token, never the token, and
-- her private key sealed under a key derived from the token, which only her
-- browser holds: no unlocked key is at rest. A half sign-in (password given,
-- code awaited, or second factor to set up) is a row of its own stage.
CREATE TABLE staff_sessions (
    token_hash    {bytes} PRIMARY KEY,
    staff_id      TEXT NOT NULL REFERENCES staff (id),
    stage         TEXT NOT NULL CHECK (stage IN ('signed_in', 'code', 'setup')),
    epoch         {bigint} NOT NULL,
    tries         INTEGER NOT NULL DEFAULT 0,
    sealed_secret {bytes} NOT NULL,
    idle_until    {bigint} NOT NULL,
    expires_at    {bigint} NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

-- The random key of each hour that seals reporters' and supporters'
-- sessions (DECISIONS #21), sealed under an instance key. The job loop
-- makes each ahead of its hour and deletes it once every session it sealed
-- has expired; no reporter request writes here.
CREATE TABLE session_keys (
    hour       {bigint} PRIMARY KEY,
    sealed_key {bytes} NOT NULL
);
