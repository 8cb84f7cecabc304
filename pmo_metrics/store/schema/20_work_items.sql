-- key: item_key
-- Work items from Jira / Azure DevOps. `sprints` keeps every sprint the item was in, in export
-- order (Jira repeats the Sprint column; Azure DevOps gives only the last iteration).
-- `project` is the Jira project key or the first segment of the ADO area path; the portfolio
-- maps it to an application at query time, so a portfolio loaded later still applies.
CREATE TABLE IF NOT EXISTS work_items (
    item_key         VARCHAR NOT NULL,
    source           VARCHAR NOT NULL,  -- jira | azure_devops | template
    project          VARCHAR NOT NULL,
    team             VARCHAR,
    item_type        VARCHAR,
    is_epic          BOOLEAN NOT NULL,
    is_subtask       BOOLEAN NOT NULL,
    summary          VARCHAR,
    status           VARCHAR,
    status_category  VARCHAR NOT NULL,  -- To Do | In Progress | Done
    estimate         DOUBLE,            -- story points; NULL = unestimated
    created          TIMESTAMP,
    resolved         TIMESTAMP,
    started          TIMESTAMP,         -- first In Progress, only where the export proves it
    status_changed   TIMESTAMP,
    parent_key       VARCHAR,
    sprints          VARCHAR[],
    labels           VARCHAR[],
    assignee         VARCHAR,
    priority         VARCHAR,
    load_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, row_hash UBIGINT
);
