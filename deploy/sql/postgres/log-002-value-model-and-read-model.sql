-- The value model's versions, the population measurements and the customer read model on PostgreSQL
-- (cluster mode): one copy shared by every silo, so a fit or a measurement made anywhere reaches all of
-- them and the lifecycle sweep sees every customer, whichever silo wrote it. Applied once, recorded in
-- schema_version; every statement is also safe to run again.
--
-- Contract (PostgresValueModelStore, PostgresCustomerReadModel; the same as the SQLite tables of
-- sqlite/log-002 and log-003): versions grow with every row and the highest is the latest; times are
-- instants (timestamptz, microseconds); JSON documents are stored as the text the store wrote.

-- One row per fit: the parameters every silo scores with (time unit: weeks).
CREATE TABLE IF NOT EXISTS value_model (
    version      bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at   timestamptz      NOT NULL,
    source       text             NOT NULL,
    customers    integer          NOT NULL,
    bgnbd_r      double precision NOT NULL,
    bgnbd_alpha  double precision NOT NULL,
    bgnbd_a      double precision NOT NULL,
    bgnbd_b      double precision NOT NULL,
    bgnbd_ll     double precision NULL,
    gg_p         double precision NOT NULL,
    gg_q         double precision NOT NULL,
    gg_gamma     double precision NOT NULL,
    gg_ll        double precision NULL
);

-- One row per measurement of the population under a model: tier cut points, RFM quintiles, percentiles
-- (a JSON document).
CREATE TABLE IF NOT EXISTS population_statistics (
    version        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_version  bigint      NULL REFERENCES value_model (version),
    created_at     timestamptz NOT NULL,
    customers      integer     NOT NULL,
    statistics     text        NOT NULL
);

-- What the population computations need of every customer, active grain or not; written by the customer's
-- grain after its snapshot, one row per customer (upserted: INSERT ... ON CONFLICT (customer_id)).
-- next_review_at drives the lifecycle sweep; need_traits is a JSON object of 0..1 values.
CREATE TABLE IF NOT EXISTS customer_read_model (
    customer_id        text             NOT NULL PRIMARY KEY,
    first_seen_at      timestamptz      NULL,
    first_purchase_at  timestamptz      NULL,
    repeat_purchases   integer          NOT NULL,
    last_repeat_at     timestamptz      NULL,
    repeat_net_spend   double precision NOT NULL,
    call_minutes       double precision NOT NULL,
    complaints         integer          NOT NULL,
    returns            integer          NOT NULL,
    last_purchase_at   timestamptz      NULL,
    purchases          integer          NOT NULL,
    net_spend          double precision NOT NULL,
    stage              text             NULL,
    next_review_at     timestamptz      NULL,
    need_traits        text             NULL,
    updated_at         timestamptz      NOT NULL
);

-- The sweep asks for the customers due by now, oldest due first; customers without a review are left out.
CREATE INDEX IF NOT EXISTS ix_customer_read_model_review ON customer_read_model (next_review_at)
    WHERE next_review_at IS NOT NULL;
