-- key: month, item_key
-- Month-end state of every work item, taken when a load for that month is committed, so that
-- cumulative flow and backlog trends survive later loads.
CREATE TABLE IF NOT EXISTS work_item_snapshots (
    month            DATE NOT NULL,
    item_key         VARCHAR NOT NULL,
    project          VARCHAR,
    team             VARCHAR,
    status_category  VARCHAR,
    estimate         DOUBLE,
    is_epic          BOOLEAN,
    is_subtask       BOOLEAN,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
