-- The transparency ledger: every event is a leaf (see ombud-ledger).
-- Rows here are only ever added.

ALTER TABLE events ADD COLUMN leaf_index {bigint};
ALTER TABLE events ADD COLUMN payload_hash {bytes};
CREATE UNIQUE INDEX events_leaf ON events (leaf_index);

-- The log's size, one row; updating it first serialises appends.
CREATE TABLE ledger_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    size {bigint} NOT NULL
);
INSERT INTO ledger_head (id, size) VALUES (1, 0);

-- Hashes of complete subtrees: level 0 are leaves.
CREATE TABLE ledger_hashes (
    level {bigint} NOT NULL,
    idx   {bigint} NOT NULL,
    hash  {bytes} NOT NULL,
    PRIMARY KEY (level, idx)
);

CREATE TABLE checkpoints (
    size       {bigint} PRIMARY KEY,
    root       {bytes} NOT NULL,
    note       TEXT NOT NULL,
    created_at {bigint} NOT NULL
);

-- The checkpoint sizes a case's reporter has been given in a record, so a
-- newer record can prove it extends each of them.
CREATE TABLE record_downloads (
    case_id TEXT NOT NULL REFERENCES cases (id),
    size    {bigint} NOT NULL,
    PRIMARY KEY (case_id, size)
);
