-- The audit trail stays append-only with one exception, for a customer's erasure (POST /api/customers/{id}/erase): an
-- entry's detail, which may name the number a call came from, may be replaced by '[erased]'. Every other change of an
-- entry (its time, actor, role, customer, path, or a detail written anew) and every removal is still refused.
DROP TRIGGER IF EXISTS audit_trail_no_update;
CREATE TRIGGER audit_trail_no_update BEFORE UPDATE ON audit_trail
WHEN NOT (NEW.detail IS '[erased]' AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor IS OLD.actor
          AND NEW.role IS OLD.role AND NEW.customer_id IS OLD.customer_id AND NEW.path IS OLD.path)
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: its entries cannot be changed (only a detail can be erased)');
END;
