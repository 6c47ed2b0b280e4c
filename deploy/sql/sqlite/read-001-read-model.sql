-- readmodel.db: what the customers' grains publish for lists, segments and the change feed, in a file of its own.
--
-- Why a file of its own: SQLite lets one writer at a time into a file. While the read model shared interactions.db
-- with the interaction log, every group of read-model rows (a customer's row moves its entries in six indexes) took
-- its turn on the log's one writer, between the appends. Under live ingest the appends then waited behind the rows
-- (docs/benchmarks.md, "The read model in a file of its own"). Here each file has its own writer thread.
--
-- Stores made before this file existed kept these tables in interactions.db (scripts log-002, -003, -006, -009, which
-- still create them there first). At start, ReadModelFile.MoveAsync copies their rows here, change and alert numbers
-- included, and then drops them from interactions.db. Changes to these tables are scripts named read-NNN from now on.

-- One row per customer: the value model's inputs, the lifecycle stage, the need traits and the grain's last assessment
-- (tier, net value, P(alive), marketing mode, selection quadrant), written by the customer's grain after its snapshot.
-- Contract: SqliteCustomerReadModel upserts whole rows by customer_id and writes the change feed in the same transaction.
CREATE TABLE IF NOT EXISTS customer_read_model (
    customer_id        TEXT    NOT NULL PRIMARY KEY,
    first_seen_at      TEXT    NULL,
    first_purchase_at  TEXT    NULL,
    repeat_purchases   INTEGER NOT NULL,
    last_repeat_at     TEXT    NULL,
    repeat_net_spend   REAL    NOT NULL,
    call_minutes       REAL    NOT NULL,
    complaints         INTEGER NOT NULL,
    returns            INTEGER NOT NULL,
    last_purchase_at   TEXT    NULL,
    purchases          INTEGER NOT NULL,
    net_spend          REAL    NOT NULL,
    stage              TEXT    NULL,
    next_review_at     TEXT    NULL,
    updated_at         TEXT    NOT NULL,
    need_traits        TEXT    NULL,
    tier               TEXT    NULL,
    net_value          REAL    NULL,
    p_alive            REAL    NULL,
    marketing_mode     TEXT    NULL,
    selection_quadrant TEXT    NULL
) WITHOUT ROWID;

-- The customers due for a lifecycle review, earliest first.
CREATE INDEX IF NOT EXISTS ix_customer_read_model_review ON customer_read_model (next_review_at);

-- A filtered, sorted page of customers is read from an index: the filters segments use most (tier, stage, marketing
-- mode) lead an index that ends in the sort keys; net value and P(alive) order the unfiltered lists.
CREATE INDEX IF NOT EXISTS ix_customer_read_model_tier ON customer_read_model (tier, net_value, customer_id);
CREATE INDEX IF NOT EXISTS ix_customer_read_model_stage ON customer_read_model (stage, net_value, customer_id);
CREATE INDEX IF NOT EXISTS ix_customer_read_model_marketing ON customer_read_model (marketing_mode, net_value, customer_id);
CREATE INDEX IF NOT EXISTS ix_customer_read_model_net_value ON customer_read_model (net_value, customer_id);
CREATE INDEX IF NOT EXISTS ix_customer_read_model_p_alive ON customer_read_model (p_alive, customer_id);

-- Saved segments: a name and its filter document (JSON).
CREATE TABLE IF NOT EXISTS customer_segments (
    name        TEXT NOT NULL PRIMARY KEY,
    filter      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) WITHOUT ROWID;

-- Lifecycle alerts: a customer moving to a stage that needs attention, once per (customer, stage, time).
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

-- The change feed (GET /api/changes?after=<position>): each change of a customer's tier, stage, marketing mode,
-- selection quadrant or segment membership, and each alert, once. It is written in the transaction of the read-model
-- row (or the alert) that makes it, and this file has one writer at a time, so positions commit in order;
-- AUTOINCREMENT never hands a position out twice. kind and the meaning of from_value / to_value / detail: log-009.
CREATE TABLE IF NOT EXISTS customer_changes (
    position     INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    from_value   TEXT NULL,
    to_value     TEXT NULL,
    at           TEXT NOT NULL,
    detail       TEXT NULL
);
