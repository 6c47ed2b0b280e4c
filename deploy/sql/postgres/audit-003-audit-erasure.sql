-- The audit trail stays append-only with one exception, for a customer's erasure (POST /api/customers/{id}/erase): an
-- entry's detail, which may name the number a call came from, may be replaced by '[erased]'. Every other change of an
-- entry, every DELETE and TRUNCATE is still refused. Every statement is safe to run again.
CREATE OR REPLACE FUNCTION audit_trail_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NEW.detail IS NOT DISTINCT FROM '[erased]' AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor = OLD.actor
       AND NEW.role = OLD.role AND NEW.customer_id = OLD.customer_id AND NEW.path = OLD.path THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: its entries cannot be changed (only a detail can be erased)';
END;
$fn$;
DROP TRIGGER IF EXISTS audit_trail_append_only ON audit_trail;
CREATE TRIGGER audit_trail_append_only BEFORE DELETE OR TRUNCATE ON audit_trail
    FOR EACH STATEMENT EXECUTE FUNCTION audit_trail_refuse_change();
DROP TRIGGER IF EXISTS audit_trail_update_only_erases ON audit_trail;
CREATE TRIGGER audit_trail_update_only_erases BEFORE UPDATE ON audit_trail
    FOR EACH ROW EXECUTE FUNCTION audit_trail_refuse_update();
