-- Service policies (data, not code) and lifecycle alerts on PostgreSQL (cluster mode), shared by every
-- silo. Applied once, recorded in schema_version; every statement is also safe to run again.
--
-- Contract (PostgresPolicyStore, PostgresCustomerAlerts; the same as sqlite/log-003): the policy with the
-- highest id is in force; alerts are read in id order, paged with "id > last id seen".
--
-- Ids come from identity sequences, and sequences do not commit in order: a reader of "id > last" could
-- pass over a row that commits later with a lower id. So every writer of these tables first takes
-- pg_advisory_xact_lock(<class of the table>, 0) in its transaction, then inserts: the next writer takes its
-- id only after the previous one committed, and ids become visible in order. Writes to these tables are
-- rare (a policy change, a stage change found by the sweep), so taking turns costs nothing that matters.

-- Every accepted policy, in the order it was installed. A version is installed once (unique).
CREATE TABLE IF NOT EXISTS service_policy (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version     text        NOT NULL,
    created_at  timestamptz NOT NULL,
    document    text        NOT NULL,
    CONSTRAINT ux_service_policy_version UNIQUE (version)
);

-- Stage changes noticed by the lifecycle sweep (time alone moved the customer). One row per customer,
-- stage and moment: a sweep that runs twice, or on two silos at once, records a change once
-- (INSERT ... ON CONFLICT (customer_id, to_stage, at) DO NOTHING).
CREATE TABLE IF NOT EXISTS customer_alerts (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  text        NOT NULL,
    kind         text        NOT NULL,
    from_stage   text        NULL,
    to_stage     text        NOT NULL,
    at           timestamptz NOT NULL,
    reasons      text        NOT NULL,
    CONSTRAINT ux_customer_alerts_change UNIQUE (customer_id, to_stage, at)
);

-- Alerts of one customer, in id order.
CREATE INDEX IF NOT EXISTS ix_customer_alerts_customer ON customer_alerts (customer_id, id);
