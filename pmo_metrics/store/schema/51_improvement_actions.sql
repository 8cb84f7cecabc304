-- key: action_id
CREATE TABLE IF NOT EXISTS improvement_actions (
    action_id          VARCHAR NOT NULL,
    title              VARCHAR NOT NULL,
    service            VARCHAR,
    application        VARCHAR,
    owner              VARCHAR,
    status             VARCHAR NOT NULL,  -- open | in progress | closed | cancelled
    opened             DATE NOT NULL,
    due                DATE,
    closed             DATE,
    benefit_expected   DOUBLE,
    benefit_realised   DOUBLE,
    benefit_unit       VARCHAR,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
