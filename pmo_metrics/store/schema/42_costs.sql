-- key: application, month
-- Budget and earned-value inputs per application and month: budget and actual are the month's
-- figures; planned_value and earned_value are cumulative to date (as EVM reports them).
-- earned_value may be empty when pct_complete is given: EV = pct_complete / 100 x BAC.
CREATE TABLE IF NOT EXISTS costs (
    application     VARCHAR NOT NULL,
    month           DATE NOT NULL,
    budget          DOUBLE,
    actual          DOUBLE,
    planned_value   DOUBLE,
    earned_value    DOUBLE,
    pct_complete    DOUBLE,
    bac             DOUBLE,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
