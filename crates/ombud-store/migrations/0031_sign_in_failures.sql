-- Failed staff sign-ins per account, shared by every instance (DECISIONS
-- #21), so that an attacker spread over two instances waits as on one. The
-- account is a keyed hash of the email typed, never the email; no client
-- address is kept, hashed or not (a client's failures stay in each
-- instance's memory). A row is deleted when she signs in, and by the job
-- loop an hour after its last failure.
CREATE TABLE sign_in_failures (
    account  {bytes} PRIMARY KEY,
    failures {bigint} NOT NULL,
    last_at  {bigint} NOT NULL,
    told_at  {bigint}
);
CREATE INDEX sign_in_failures_last ON sign_in_failures (last_at);
