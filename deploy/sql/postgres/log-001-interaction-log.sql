-- CustomerGrains interaction log on PostgreSQL (cluster mode). Applied once, recorded in schema_version.
-- position orders the whole log; customer_seq numbers each customer's events 1, 2, 3... without gaps.
-- Positions come from an identity sequence, and sequences do not commit in order. The writer therefore
-- takes pg_advisory_xact_lock(<log lock class>, partition) for every partition it appends to, in
-- ascending order, before it takes a position: within one partition, a transaction takes its positions
-- only after the previous writer of that partition committed, so a reader of "position > last" never
-- skips a record that commits later.
CREATE TABLE IF NOT EXISTS interaction_log (
    position     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partition    integer     NOT NULL,
    customer_id  text        NOT NULL,
    customer_seq bigint      NOT NULL,
    event_id     text        NOT NULL,
    event_type   text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    appended_at  timestamptz NOT NULL,
    payload      text        NOT NULL
);

-- The event id is the idempotency key: an event is in the log at most once.
CREATE UNIQUE INDEX IF NOT EXISTS ux_interaction_log_event_id ON interaction_log (event_id);
CREATE UNIQUE INDEX IF NOT EXISTS ux_interaction_log_customer_seq ON interaction_log (customer_id, customer_seq);
CREATE INDEX IF NOT EXISTS ix_interaction_log_partition_position ON interaction_log (partition, position);

CREATE TABLE IF NOT EXISTS customer_sequence (
    customer_id text   NOT NULL PRIMARY KEY,
    last_seq    bigint NOT NULL
);

-- How far the stream's pulling agents have delivered each partition.
CREATE TABLE IF NOT EXISTS stream_checkpoint (
    partition integer NOT NULL PRIMARY KEY,
    position  bigint  NOT NULL
);
