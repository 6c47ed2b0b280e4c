-- The table Orleans' ADO.NET providers (clustering, grain storage, reminders) read their statements from:
-- at start each provider runs "SELECT QueryKey, QueryText FROM OrleansQuery" and looks its keys up.
-- Unquoted names fold to lower case in PostgreSQL; Npgsql matches the providers' column names
-- case-insensitively. The statements are upserted by the scripts that follow, so a later script can
-- replace one without touching the tables.
CREATE TABLE IF NOT EXISTS OrleansQuery (
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);
