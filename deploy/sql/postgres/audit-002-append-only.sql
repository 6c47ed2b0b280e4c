-- The audit trail is append-only: an entry, once written, is never changed or removed. UPDATE, DELETE and TRUNCATE of
-- audit_trail are refused by a trigger with a message saying so. Every statement is safe to run again.
CREATE OR REPLACE FUNCTION audit_trail_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: its entries cannot be changed or removed (%)', TG_OP;
END;
$fn$;
DROP TRIGGER IF EXISTS audit_trail_append_only ON audit_trail;
CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_trail
    FOR EACH STATEMENT EXECUTE FUNCTION audit_trail_refuse_change();
