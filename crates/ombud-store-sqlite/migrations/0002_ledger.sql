-- The transparency ledger: every event is a leaf (see ombud-ledger).
-- Rows here are only ever added.

ALTER TABLE events ADD COLUMN leaf_index INTEGER;
ALTER TABLE events ADD COLUMN payload_hash BLOB;
CREATE UNIQUE INDEX events_leaf ON events (leaf_index);

-- The log's size, one row; updating it first serialises appends.
CREATE TABLE ledger_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL
);
INSERT INTO ledger_head (id, size) VALUES (1, 0);

-- Hashes of complete subtrees: level 0 are leaves.
CREATE TABLE ledger_hashes (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  BLOB NOT NULL,
    PRIMARY KEY (level, idx)
);

CREATE TABLE checkpoints (
    size       INTEGER PRIMARY KEY,
    root       BLOB NOT NULL,
    note       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- The checkpoint sizes a case's reporter has been given in a record, so a
-- newer record can prove it extends each of them.
CREATE TABLE record_downloads (
    case_id TEXT NOT NULL REFERENCES cases (id),
    size    INTEGER NOT NULL,
    PRIMARY KEY (case_id, size)
);
