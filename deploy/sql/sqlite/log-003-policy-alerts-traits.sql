-- Service policies (data, not code), lifecycle alerts, and need traits in the read model.

-- Every accepted policy, in the order it was installed; the newest is in force.
CREATE TABLE IF NOT EXISTS service_policy (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL,
    document    TEXT    NOT NULL
);

-- Stage changes noticed by the lifecycle sweep (time alone moved the customer), for alerts and retention work.
-- One row per customer, stage and moment: a sweep that runs twice records a change once.
CREATE TABLE IF NOT EXISTS customer_alerts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    from_stage  TEXT    NULL,
    to_stage    TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    reasons     TEXT    NOT NULL,
    UNIQUE (customer_id, to_stage, at)
);

-- The customer's normalised need traits (JSON object of 0..1 values), averaged per tier for individuality.
ALTER TABLE customer_read_model ADD COLUMN need_traits TEXT NULL;
