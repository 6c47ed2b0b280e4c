-- CustomerGrains interaction log (embedded SQLite default). Applied once, recorded in schema_version.
-- position orders the whole log; customer_seq numbers each customer's events 1, 2, 3... without gaps.
CREATE TABLE IF NOT EXISTS interaction_log (
    position     INTEGER PRIMARY KEY AUTOINCREMENT,
    partition    INTEGER NOT NULL,
    customer_id  TEXT    NOT NULL,
    customer_seq INTEGER NOT NULL,
    event_id     TEXT    NOT NULL,
    event_type   TEXT    NOT NULL,
    occurred_at  TEXT    NOT NULL,
    appended_at  TEXT    NOT NULL,
    payload      TEXT    NOT NULL
);

-- The event id is the idempotency key: an event is in the log at most once.
CREATE UNIQUE INDEX IF NOT EXISTS ux_interaction_log_event_id ON interaction_log (event_id);
CREATE UNIQUE INDEX IF NOT EXISTS ux_interaction_log_customer_seq ON interaction_log (customer_id, customer_seq);
CREATE INDEX IF NOT EXISTS ix_interaction_log_partition_position ON interaction_log (partition, position);

CREATE TABLE IF NOT EXISTS customer_sequence (
    customer_id TEXT    NOT NULL PRIMARY KEY,
    last_seq    INTEGER NOT NULL
) WITHOUT ROWID;

-- How far the stream's pulling agents have delivered each partition.
CREATE TABLE IF NOT EXISTS stream_checkpoint (
    partition INTEGER NOT NULL PRIMARY KEY,
    position  INTEGER NOT NULL
);
