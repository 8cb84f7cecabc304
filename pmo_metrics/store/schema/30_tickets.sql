-- key: ticket_id
-- ITSM tickets (incidents, requests). One row per ticket: an event-log export is reduced to the
-- ticket's last state on import. priority is 1 (critical) .. 5 (planning).
CREATE TABLE IF NOT EXISTS tickets (
    ticket_id           VARCHAR NOT NULL,
    source              VARCHAR NOT NULL,
    ticket_type         VARCHAR,           -- incident | request | ...
    service             VARCHAR,
    configuration_item  VARCHAR,
    priority            INTEGER,
    priority_label      VARCHAR,
    state               VARCHAR,
    is_open             BOOLEAN NOT NULL,
    opened              TIMESTAMP NOT NULL,
    resolved            TIMESTAMP,
    closed              TIMESTAMP,
    made_sla            BOOLEAN,           -- the export's flag; NULL when the export has none
    reopen_count        INTEGER,
    assignment_group    VARCHAR,
    short_description   VARCHAR,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
