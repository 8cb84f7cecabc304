-- key: person, work_date, service, application, role
-- Timesheet hours.
CREATE TABLE IF NOT EXISTS effort (
    person       VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,
    profile      VARCHAR,
    work_date    DATE NOT NULL,
    hours        DOUBLE NOT NULL,
    service      VARCHAR NOT NULL,
    application  VARCHAR NOT NULL,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
