-- The retention index (log-006) held every event, though retention only ever ages out notes and profile changes; each
-- appended purchase or call of a backfill wrote a random page of it. It now holds only the two types retention reads
-- (EventAge.IndexedTypes and EventAge.IndexedCondition name the same literals).
DROP INDEX IF EXISTS ix_interaction_log_type_occurred;
CREATE INDEX IF NOT EXISTS ix_interaction_log_retention ON interaction_log (event_type, occurred_at, customer_id)
    WHERE event_type IN ('note', 'profileChanged');
