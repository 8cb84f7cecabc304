-- Written by the app, not loaded from files (no key line): the PMO lead's explanations of an
-- amber or red status, and the months published (pmo_metrics/status_notes.py, publishing.py).
--
-- A status's subject: kind 'pillar' (a pillar's figure of the whole portfolio: scope '', item
-- the metric), 'indicator' (scope the service, item the catalog indicator), 'service' or
-- 'application' (scope its name, item '').
CREATE SEQUENCE IF NOT EXISTS status_note_seq START 1;
CREATE TABLE IF NOT EXISTS status_notes (
    note_id       BIGINT PRIMARY KEY,
    kind          VARCHAR NOT NULL,  -- pillar | indicator | service | application
    scope         VARCHAR NOT NULL,  -- the service or application ('' for a pillar figure)
    item          VARCHAR NOT NULL,  -- the indicator, or a pillar figure's metric ('' otherwise)
    opened_month  VARCHAR NOT NULL,  -- YYYY-MM written for; it applies from then while open
    status        VARCHAR,           -- the status it explained when written (amber, red)
    cause         VARCHAR NOT NULL,
    action        VARCHAR NOT NULL,
    owner         VARCHAR NOT NULL,
    due           DATE,
    risk_id       VARCHAR,           -- a risk of the register it relates to
    action_id     VARCHAR,           -- an improvement action it relates to
    written_by    VARCHAR,
    written_at    TIMESTAMP NOT NULL,
    closed_month  VARCHAR,           -- YYYY-MM from which it no longer applies (NULL: open)
    closed_by     VARCHAR,
    closed_at     TIMESTAMP
);
-- One row per version of a month published: who, when, and why it was published again.
CREATE TABLE IF NOT EXISTS publications (
    month         VARCHAR NOT NULL,  -- YYYY-MM
    version       INTEGER NOT NULL,  -- 1, 2, ... per month
    published_by  VARCHAR,
    published_at  TIMESTAMP NOT NULL,
    reason        VARCHAR,           -- required from version 2 on
    PRIMARY KEY (month, version)
);
-- The figures of a published version, frozen: every pillar figure of the portfolio, every
-- service's status and indicators, every application's health.
CREATE TABLE IF NOT EXISTS published_figures (
    month         VARCHAR NOT NULL,
    version       INTEGER NOT NULL,
    kind          VARCHAR NOT NULL,
    scope         VARCHAR NOT NULL,
    item          VARCHAR NOT NULL,
    metric        VARCHAR,           -- the registry metric ('' for a service's or an app's health)
    unit          VARCHAR,
    value         DOUBLE,
    previous      DOUBLE,            -- a pillar figure's previous month
    target        DOUBLE,
    status        VARCHAR            -- green | amber | red | grey; NULL: not judged
);
-- The explanations that applied to a published version, as they read when it was published.
CREATE TABLE IF NOT EXISTS published_notes (
    month         VARCHAR NOT NULL,
    version       INTEGER NOT NULL,
    note_id       BIGINT NOT NULL,
    kind          VARCHAR NOT NULL,
    scope         VARCHAR NOT NULL,
    item          VARCHAR NOT NULL,
    opened_month  VARCHAR NOT NULL,
    cause         VARCHAR NOT NULL,
    action        VARCHAR NOT NULL,
    owner         VARCHAR NOT NULL,
    due           DATE,
    risk_id       VARCHAR,
    action_id     VARCHAR,
    written_by    VARCHAR
);
