-- A report form sent twice files one report: the keyed hash of the form's
-- one-time token is written with the case, in its transaction, and a second
-- send with the same token is refused. Serving the form writes nothing; the
-- sweep forgets a token after a day.
CREATE TABLE form_tokens (
    hash    TEXT NOT NULL UNIQUE,
    used_at {bigint} NOT NULL
);
CREATE INDEX form_tokens_used ON form_tokens (used_at);
