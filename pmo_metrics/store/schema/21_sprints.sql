-- key: team, sprint
-- The sprint calendar. committed_points, when given, is the commitment at sprint start and wins
-- over the sum of estimates.
CREATE TABLE IF NOT EXISTS sprints (
    team              VARCHAR NOT NULL,
    sprint            VARCHAR NOT NULL,
    start_date        DATE,
    end_date          DATE,
    committed_points  DOUBLE,
    goal              VARCHAR,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
