-- Segments on PostgreSQL (cluster mode): the columns and indexes a filtered, sorted list of customers reads, and the
-- saved segments. Applied once, recorded in schema_version; every statement is also safe to run again.
--
-- Contract (PostgresCustomerReadModel, PostgresSegmentStore; the same as sqlite/log-006): tier, net value, P(alive),
-- marketing mode and selection quadrant are the assessment the customer's grain made when it wrote the row (NULL
-- until it writes again, or when the models could not assess the customer); a segment's filter is the JSON document
-- the API validated, stored as the text the store wrote.
ALTER TABLE customer_read_model ADD COLUMN IF NOT EXISTS tier text NULL;
ALTER TABLE customer_read_model ADD COLUMN IF NOT EXISTS net_value double precision NULL;
ALTER TABLE customer_read_model ADD COLUMN IF NOT EXISTS p_alive double precision NULL;
ALTER TABLE customer_read_model ADD COLUMN IF NOT EXISTS marketing_mode text NULL;
ALTER TABLE customer_read_model ADD COLUMN IF NOT EXISTS selection_quadrant text NULL;

-- The filters a segment names most each lead an index that ends in the sort keys (see sqlite/log-006).
CREATE INDEX IF NOT EXISTS ix_customer_read_model_tier ON customer_read_model (tier, net_value, customer_id);
CREATE INDEX IF NOT EXISTS ix_customer_read_model_stage ON customer_read_model (stage, net_value, customer_id);
CREATE INDEX IF NOT EXISTS ix_customer_read_model_marketing ON customer_read_model (marketing_mode, net_value, customer_id);
CREATE INDEX IF NOT EXISTS ix_customer_read_model_net_value ON customer_read_model (net_value, customer_id);
CREATE INDEX IF NOT EXISTS ix_customer_read_model_p_alive ON customer_read_model (p_alive, customer_id);

CREATE TABLE IF NOT EXISTS customer_segments (
    name        text        NOT NULL PRIMARY KEY,
    filter      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
