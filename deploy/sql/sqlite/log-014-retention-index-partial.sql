-- The retention index (log-008) held every event, though retention only ever ages out notes and profile changes. Its
-- key (type, time of occurrence) is random for a backfill of history, so each appended purchase or call wrote a page of
-- it that was nowhere near the last one: on the 100k-customer seed it was most of what the log's writer wrote. It now
-- holds only the two types retention reads (EventAge.IndexedTypes and EventAge.IndexedCondition name the same literals).
DROP INDEX IF EXISTS ix_interaction_log_type_occurred;
CREATE INDEX IF NOT EXISTS ix_interaction_log_retention ON interaction_log (event_type, occurred_at, customer_id)
    WHERE event_type IN ('note', 'profileChanged');
