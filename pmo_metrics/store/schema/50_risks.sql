-- key: risk_id
CREATE TABLE IF NOT EXISTS risks (
    risk_id          VARCHAR NOT NULL,
    title            VARCHAR NOT NULL,
    application      VARCHAR,
    service          VARCHAR,
    probability      INTEGER NOT NULL,  -- 1..5
    impact           INTEGER NOT NULL,  -- 1..5
    owner            VARCHAR,
    status           VARCHAR NOT NULL,  -- open | closed
    raised           DATE,
    mitigation       VARCHAR,
    mitigation_due   DATE,
    closed           DATE,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
