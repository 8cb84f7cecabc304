-- key: stakeholder
-- Engagement 1 unaware, 2 resistant, 3 neutral, 4 supportive, 5 leading (PMBOK).
CREATE TABLE IF NOT EXISTS stakeholders (
    stakeholder             VARCHAR NOT NULL,
    organisation            VARCHAR,
    role                    VARCHAR,
    service                 VARCHAR,
    application             VARCHAR,
    power                   INTEGER,   -- 1..5
    interest                INTEGER,   -- 1..5
    current_engagement      INTEGER,
    desired_engagement      INTEGER,
    last_contact            DATE,
    contact_frequency_days  INTEGER,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
