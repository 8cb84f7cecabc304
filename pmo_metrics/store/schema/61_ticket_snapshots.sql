-- key: month, ticket_id
CREATE TABLE IF NOT EXISTS ticket_snapshots (
    month               DATE NOT NULL,
    ticket_id           VARCHAR NOT NULL,
    service             VARCHAR,
    configuration_item  VARCHAR,
    priority            INTEGER,
    is_open             BOOLEAN,
    opened              TIMESTAMP,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
