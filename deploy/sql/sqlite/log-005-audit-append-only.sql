-- The audit trail is append-only: an entry, once written, is never changed or removed, not by the engine and not by
-- anyone with the file. Both statements refuse with a message saying so.
CREATE TRIGGER IF NOT EXISTS audit_trail_no_update BEFORE UPDATE ON audit_trail
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: its entries cannot be changed');
END;
CREATE TRIGGER IF NOT EXISTS audit_trail_no_delete BEFORE DELETE ON audit_trail
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: its entries cannot be removed');
END;
