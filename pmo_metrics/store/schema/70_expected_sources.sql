-- key: source
-- The expected-sources register: each export or sheet the PMO expects for every month, which
-- services and applications it feeds, and by which day of the following month it is due.
-- `kind` is what the source is (see pmo_metrics/completeness.py for how a load is matched to
-- it); `identifier` names it within its kind: the Jira project key or Azure DevOps project for
-- those kinds, else a pattern of file names (`partes_de_horas*.csv`); empty, any file of the
-- kind. `first_month` is the first month it is expected (empty: every month).
CREATE TABLE IF NOT EXISTS expected_sources (
    source        VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,  -- jira | azure_devops | incidents | requests | timesheets | ...
    identifier    VARCHAR,
    services      VARCHAR[],
    applications  VARCHAR[],
    due_day       INTEGER NOT NULL,  -- 1..31 of the following month (the month's last day at most)
    first_month   DATE,
    owner         VARCHAR,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
