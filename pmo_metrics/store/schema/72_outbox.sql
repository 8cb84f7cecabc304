-- Written by the app, not loaded from files (no key line): the alerts' outbox
-- (pmo_metrics/notify). One row per event and channel; the event key (rule, subject, month)
-- is unique per channel, so evaluating the rules again never enqueues an event twice. A sender
-- drains the pending rows: a row is sent once, and a failure keeps it pending with its error
-- and the time of its next attempt (backoff), until it is sent or given up as failed.
CREATE SEQUENCE IF NOT EXISTS outbox_seq START 1;
CREATE TABLE IF NOT EXISTS outbox (
    event_id         BIGINT PRIMARY KEY,
    event_key        VARCHAR NOT NULL,  -- rule|subject|month
    channel          VARCHAR NOT NULL,  -- email | webhook
    rule             VARCHAR NOT NULL,  -- turns_red | amber_twice | p1_sla | ...
    subject          VARCHAR NOT NULL,  -- what the event is about (a service, a risk...)
    month            VARCHAR NOT NULL,  -- YYYY-MM
    title            VARCHAR NOT NULL,
    body             VARCHAR NOT NULL,
    link             VARCHAR,           -- the dashboard's page with the event's filters
    created_at       TIMESTAMP NOT NULL,
    status           VARCHAR NOT NULL,  -- pending | sent | failed
    attempts         INTEGER NOT NULL,
    next_attempt_at  TIMESTAMP,         -- a pending row is not tried before this
    last_error       VARCHAR,
    sent_at          TIMESTAMP,
    UNIQUE (event_key, channel)
);
-- Each evaluation of the rules: when, why (after a load, the notify command), the month, how
-- many events it enqueued, or why it failed (a failure never undoes the load that triggered it).
CREATE TABLE IF NOT EXISTS alert_runs (
    ran_at           TIMESTAMP NOT NULL,
    trigger          VARCHAR NOT NULL,  -- load N | notify
    month            VARCHAR,
    events           INTEGER,
    error            VARCHAR
);
