-- Grain state for Orleans' ADO.NET grain storage provider on PostgreSQL (cluster mode).
-- Contract (Orleans.Persistence.AdoNet 10.x): the provider reads ReadFromStorageKey, WriteToStorageKey,
-- ClearStorageKey and (optionally) DeleteStorageKey from OrleansQuery and binds GrainIdHash (int),
-- GrainIdN0 / GrainIdN1 (bigint), GrainTypeHash (int), GrainTypeString, GrainIdExtensionString (may be
-- NULL), ServiceId, GrainStateVersion (int, NULL before the first write) and PayloadBinary (bytea).
-- A read returns PayloadBinary and Version; a write returns NewGrainStateVersion, and no row when the
-- expected version does not match (the provider reports that as a conflict); clear and delete return
-- the new version.
-- The key is a primary key, with '' stored for a NULL extension string, so racing first writes of one
-- grain collide (the loser gets no row: a conflict) instead of leaving two rows behind.
CREATE TABLE IF NOT EXISTS OrleansStorage (
    ServiceId              varchar(150) NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainIdExtensionString varchar(512) NOT NULL DEFAULT '',
    GrainIdHash            integer      NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    PayloadBinary          bytea        NULL,
    Version                integer      NOT NULL,
    ModifiedOn             timestamptz  NOT NULL,
    PRIMARY KEY (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', $q$
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString::text, '')
$q$) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- The first write inserts (expected version NULL); later writes update only the expected version.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary, Version = Version + 1, ModifiedOn = now()
    WHERE @GrainStateVersion::integer IS NOT NULL
      AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
      AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString::text, '')
      AND Version = @GrainStateVersion::integer
    RETURNING Version
), inserted AS (
    INSERT INTO OrleansStorage (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString,
                                GrainIdHash, GrainTypeHash, PayloadBinary, Version, ModifiedOn)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString::text, ''),
           @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1, now()
    WHERE @GrainStateVersion::integer IS NULL
    ON CONFLICT (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString) DO NOTHING
    RETURNING Version
)
SELECT Version AS NewGrainStateVersion FROM updated
UNION ALL
SELECT Version FROM inserted
$q$) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', $q$
UPDATE OrleansStorage
SET PayloadBinary = NULL, Version = Version + 1, ModifiedOn = now()
WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString::text, '')
  AND Version = @GrainStateVersion::integer
RETURNING Version
$q$) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', $q$
DELETE FROM OrleansStorage
WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString::text, '')
  AND Version = @GrainStateVersion::integer
RETURNING Version + 1 AS Version
$q$) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
