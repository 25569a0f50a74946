-- Which log sizes a reporter's record was downloaded at told roughly when
-- she came (DECISIONS #21: no table records when an anonymous reporter
-- visited). A record now proves that it extends an earlier one she chooses
-- herself, so nothing is remembered, and what was is deleted.
DROP TABLE record_downloads;
