-- key: person, month
-- Hours available per person and month, for utilisation.
CREATE TABLE IF NOT EXISTS capacity (
    person           VARCHAR NOT NULL,
    month            DATE NOT NULL,   -- first day of the month
    hours_available  DOUBLE NOT NULL,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
