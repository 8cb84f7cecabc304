-- key: service, indicator
-- A service's indicators: `metric` names a metric of the registry; `direction` is higher|lower
-- (which is better); `amber_threshold` is the boundary value between amber and red.
CREATE TABLE IF NOT EXISTS indicators (
    service          VARCHAR NOT NULL,
    indicator        VARCHAR NOT NULL,
    metric           VARCHAR NOT NULL,
    target           DOUBLE NOT NULL,
    direction        VARCHAR NOT NULL,
    amber_threshold  DOUBLE,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
