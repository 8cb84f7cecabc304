-- key: service, priority
-- The catalog's resolution target per service and ticket priority (1 critical .. 5 planning),
-- used to judge SLA only where the ticket export carries no SLA flag.
CREATE TABLE IF NOT EXISTS resolution_targets (
    service        VARCHAR NOT NULL,
    priority       INTEGER NOT NULL,
    target_hours   DOUBLE NOT NULL,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
