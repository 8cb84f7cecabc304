-- Load history: one row per import (a batch of files loaded in one transaction).
CREATE SEQUENCE IF NOT EXISTS load_id_seq START 1;
CREATE TABLE IF NOT EXISTS loads (
    load_id      BIGINT PRIMARY KEY,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    loaded_by    VARCHAR,
    period       VARCHAR,          -- YYYY-MM the load's snapshot belongs to
    status       VARCHAR NOT NULL, -- loaded | undone
    undone_at    TIMESTAMP,
    summary      JSON               -- rows added / updated / unchanged per table, warnings
);
CREATE TABLE IF NOT EXISTS load_files (
    load_id      BIGINT NOT NULL,
    file_name    VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    source_kind  VARCHAR NOT NULL,
    rows_read    BIGINT,
    warnings     JSON
);
CREATE TABLE IF NOT EXISTS mapping_profiles (
    name         VARCHAR PRIMARY KEY,
    target       VARCHAR NOT NULL,  -- canonical table the mapped file feeds
    mapping      JSON NOT NULL,     -- {"file header": "canonical column"}
    saved_at     TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
    happened_at  TIMESTAMP NOT NULL,
    username     VARCHAR,
    action       VARCHAR NOT NULL,
    detail       VARCHAR,
    seq          BIGINT,            -- 1, 2, 3... in the order the entries were written
    entry_hash   VARCHAR            -- SHA-256 of this entry and the previous entry's hash
);
-- Stores made before the audit log was a hash chain get the two columns (chained on open).
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS seq BIGINT;
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS entry_hash VARCHAR;
