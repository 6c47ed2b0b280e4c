-- Who looked at which customer, when, and through which path (screen-pop lookup, CTI ring, pop on a desktop,
-- live update). Append-only; read by supervisors per customer, newest first.
CREATE TABLE IF NOT EXISTS audit_trail (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    customer_id TEXT    NOT NULL,
    path        TEXT    NOT NULL,
    detail      TEXT    NULL
);
CREATE INDEX IF NOT EXISTS audit_trail_by_customer ON audit_trail (customer_id, id);
