-- key: service
-- The services catalog.
CREATE TABLE IF NOT EXISTS services (
    service        VARCHAR NOT NULL,
    description    VARCHAR,
    criteria       VARCHAR,
    value_process  VARCHAR,
    roles          VARCHAR,
    profiles       VARCHAR,
    state          VARCHAR,   -- planned | piloting | launched
    launch_date    DATE,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
