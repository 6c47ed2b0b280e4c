-- The change feed: every change of a customer's tier, stage, marketing mode, selection quadrant or saved-segment
-- membership, and every lifecycle alert, once, with a durable position (GET /api/changes?after=<position>).
--
-- Contract (SqliteCustomerReadModel, SqliteCustomerAlerts, SqliteChangeFeed; the same as postgres/log-007): a change is
-- written in the transaction that writes the customer's new read-model row (or the alert), as the difference between
-- the row it replaces and the new one; a row written again with the same assessment (a grain re-applying its events
-- after a crash) differs in nothing and publishes nothing. The file has one writer at a time, so positions commit in
-- order; AUTOINCREMENT keeps a position from ever being handed out twice.
--
-- kind: tier | stage | marketingMode | selectionQuadrant | segmentEntered | segmentLeft | alert
-- from_value / to_value: the value before and after (for segmentEntered the segment in to_value, for segmentLeft in
-- from_value; for an alert the stages); detail: the alert's kind and reasons.
CREATE TABLE IF NOT EXISTS customer_changes (
    position     INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    from_value   TEXT NULL,
    to_value     TEXT NULL,
    at           TEXT NOT NULL,
    detail       TEXT NULL
);
