-- Who looked at which customer, when, and through which path (screen-pop lookup, CTI ring, pop on a desktop,
-- live update). Append-only, shared by every silo; read by supervisors per customer, newest first.
CREATE TABLE IF NOT EXISTS audit_trail (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor       text        NOT NULL,
    role        text        NOT NULL,
    customer_id text        NOT NULL,
    path        text        NOT NULL,
    detail      text        NULL
);
CREATE INDEX IF NOT EXISTS audit_trail_by_customer ON audit_trail (customer_id, id);
