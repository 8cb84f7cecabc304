-- key: application
-- The applications portfolio. `services` lists the catalog services the application belongs to;
-- jira_project / ado_project / itsm_ci say which tool records map to it.
CREATE TABLE IF NOT EXISTS applications (
    application   VARCHAR NOT NULL,
    description   VARCHAR,
    services      VARCHAR[],
    client_area   VARCHAR,
    criticality   VARCHAR,   -- low | medium | high | critical
    owner         VARCHAR,
    lifecycle     VARCHAR,   -- e.g. development | production | retiring
    jira_project  VARCHAR,
    ado_project   VARCHAR,
    itsm_ci       VARCHAR,
    team          VARCHAR,
    is_pmo        BOOLEAN,   -- the PMO's own rollout backlog
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
