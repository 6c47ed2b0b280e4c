-- Retention (Privacy:Retention): the lifecycle sweep looks for customers with notes and profile changes older than a
-- cut-off. This index answers that by event type and event time without reading the whole log.
CREATE INDEX IF NOT EXISTS ix_interaction_log_type_occurred ON interaction_log (event_type, occurred_at, customer_id);
