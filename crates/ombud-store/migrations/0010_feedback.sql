-- Feedback: a message written for her on what was done and why. It alone
-- meets the feedback deadline; an ordinary message or a step does not.
ALTER TABLE messages ADD COLUMN feedback {bigint} NOT NULL DEFAULT 0;
