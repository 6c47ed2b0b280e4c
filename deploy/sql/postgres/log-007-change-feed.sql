-- The change feed on PostgreSQL (cluster mode): every change of a customer's tier, stage, marketing mode, selection
-- quadrant or saved-segment membership, and every lifecycle alert, once, with a durable position. Applied once,
-- recorded in schema_version; every statement is also safe to run again.
--
-- Contract (PostgresCustomerReadModel, PostgresCustomerAlerts, PostgresChangeFeed; the same as sqlite/log-009): a
-- change is written in the transaction that writes the customer's new read-model row (or the alert), as the
-- difference between the row it replaces and the new one, so a row written again with the same assessment (a grain
-- re-applying its events after a crash) publishes nothing. Writers of one customer's row take turns on
-- pg_advisory_xact_lock(<row class>, hashtext(customer_id)), so each change is measured against the row before it.
--
-- Positions come from an identity sequence, and sequences do not commit in order: a reader of "position > last" could
-- pass over a change that commits later with a lower position. So every writer of this table first takes
-- pg_advisory_xact_lock(<change class>, 0) and holds it to its commit: the next writer takes its position only after the
-- previous one is visible. Only a write that has changes takes the lock; most row writes change nothing the feed names.
CREATE TABLE IF NOT EXISTS customer_changes (
    position     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  text        NOT NULL,
    kind         text        NOT NULL,
    from_value   text        NULL,
    to_value     text        NULL,
    at           timestamptz NOT NULL,
    detail       text        NULL
);
