-- Announces appends to the interaction log, so that a silo's pulling agents read a partition when it has
-- something new instead of asking PostgreSQL every poll interval. Applied once, recorded in schema_version;
-- every statement is also safe to run again.
--
-- Contract (PostgresInteractionLog): every statement that inserts into interaction_log sends, for each
-- partition it wrote, NOTIFY interaction_log_appended with the payload '<partition>:<highest position>'.
-- PostgreSQL delivers a notification when (and only if) its transaction commits, to the connections that
-- are listening at that moment. A listener that was not listening misses it, so the notifications only
-- let a reader skip reads: a silo reads a partition anyway after every (re)connection of its listener and
-- at a slow safety interval, and the log itself stays the only source of records.
CREATE OR REPLACE FUNCTION interaction_log_announce() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_notify('interaction_log_appended', a.partition::text || ':' || max(a.position)::text)
    FROM appended a
    GROUP BY a.partition;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE TRIGGER interaction_log_announce
    AFTER INSERT ON interaction_log
    REFERENCING NEW TABLE AS appended
    FOR EACH STATEMENT EXECUTE FUNCTION interaction_log_announce();
