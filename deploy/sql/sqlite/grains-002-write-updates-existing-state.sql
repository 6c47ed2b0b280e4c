-- Replaces WriteToStorageKey of grains-001, whose "SELECT ... WHERE @GrainStateVersion IS NULL" produced no row
-- once a grain had state, so every write after the first was reported as a version conflict and the snapshot
-- stayed at its first version. Now: the first write inserts version 1; a later write updates the row only if
-- it still has the expected version; a racing first write (expected NULL, row present) gets no row: a conflict.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
INSERT INTO OrleansStorage (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString,
                            GrainIdHash, GrainTypeHash, PayloadBinary, Version, ModifiedOn)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, IFNULL(@GrainIdExtensionString, ''''),
       @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1, strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE true
ON CONFLICT (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString) DO UPDATE
SET PayloadBinary = excluded.PayloadBinary,
    Version = OrleansStorage.Version + 1,
    ModifiedOn = excluded.ModifiedOn
WHERE OrleansStorage.Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;');
