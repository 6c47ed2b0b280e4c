-- Segments: what a list of customers is filtered and sorted by, kept in the read model beside the value inputs, and
-- the saved segments (a name and a filter document).

-- The customer's tier, net value, P(alive), marketing mode and selection quadrant as of the row's updated_at (the
-- assessment the grain made when it wrote the row). NULL until the customer's grain writes its row again, or when
-- the models could not assess the customer.
ALTER TABLE customer_read_model ADD COLUMN tier TEXT NULL;
ALTER TABLE customer_read_model ADD COLUMN net_value REAL NULL;
ALTER TABLE customer_read_model ADD COLUMN p_alive REAL NULL;
ALTER TABLE customer_read_model ADD COLUMN marketing_mode TEXT NULL;
ALTER TABLE customer_read_model ADD COLUMN selection_quadrant TEXT NULL;

-- The filters a segment names most (tier, stage, marketing mode) each lead an index that ends in the sort keys, so
-- a page of a filtered, sorted list is read from an index; net value and P(alive) order the unfiltered lists.
CREATE INDEX IF NOT EXISTS ix_customer_read_model_tier ON customer_read_model (tier, net_value, customer_id);
CREATE INDEX IF NOT EXISTS ix_customer_read_model_stage ON customer_read_model (stage, net_value, customer_id);
CREATE INDEX IF NOT EXISTS ix_customer_read_model_marketing ON customer_read_model (marketing_mode, net_value, customer_id);
CREATE INDEX IF NOT EXISTS ix_customer_read_model_net_value ON customer_read_model (net_value, customer_id);
CREATE INDEX IF NOT EXISTS ix_customer_read_model_p_alive ON customer_read_model (p_alive, customer_id);

-- Saved segments: one row per name; filter is the JSON document the API validated and wrote.
CREATE TABLE IF NOT EXISTS customer_segments (
    name        TEXT NOT NULL PRIMARY KEY,
    filter      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) WITHOUT ROWID;
