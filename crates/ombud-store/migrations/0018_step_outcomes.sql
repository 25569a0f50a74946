-- Structured outcomes beside the reasons. What findings found and how a
-- case ended stay in clear, as its status does, so that outcomes can be
-- counted without opening a case; the sanctions a decision imposed on a
-- person are sealed under the case key.
ALTER TABLE transitions ADD COLUMN outcome TEXT;
ALTER TABLE transitions ADD COLUMN sealed_sanctions {bytes};
