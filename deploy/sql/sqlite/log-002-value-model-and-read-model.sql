-- The value model's versions and the customer read model (embedded SQLite default).

-- One row per fit: the population parameters every silo scores with (time unit: weeks).
CREATE TABLE IF NOT EXISTS value_model (
    version        INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at     TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    customers      INTEGER NOT NULL,
    bgnbd_r        REAL    NOT NULL,
    bgnbd_alpha    REAL    NOT NULL,
    bgnbd_a        REAL    NOT NULL,
    bgnbd_b        REAL    NOT NULL,
    bgnbd_ll       REAL    NULL,
    gg_p           REAL    NOT NULL,
    gg_q           REAL    NOT NULL,
    gg_gamma       REAL    NOT NULL,
    gg_ll          REAL    NULL
);

-- One row per measurement of the population under a model: tier cut points, RFM quintiles, percentiles.
CREATE TABLE IF NOT EXISTS population_statistics (
    version        INTEGER PRIMARY KEY AUTOINCREMENT,
    model_version  INTEGER NULL REFERENCES value_model (version),
    created_at     TEXT    NOT NULL,
    customers      INTEGER NOT NULL,
    statistics     TEXT    NOT NULL
);

-- What the population computations need of every customer, active grain or not; written by the
-- customer grain with its snapshot. next_review_at drives the lifecycle sweep.
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
    updated_at         TEXT    NOT NULL
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS ix_customer_read_model_review ON customer_read_model (next_review_at);
