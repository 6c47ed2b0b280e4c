-- The repeat-purchase model a value-model version puts in force, and why (the same as sqlite/log-010). Applied once,
-- recorded in schema_version; every statement is also safe to run again.
--
-- model_kind: 'BgNbd' or 'ParetoNbd' (versions stored before this script are BG/NBD). The Pareto/NBD parameters and its
-- calibration log-likelihood are set when fit fitted it; evidence is the JSON document of the choice (what was asked for,
-- what was chosen and why, the calibration and hold-out ends, every candidate's parameters, log-likelihood and hold-out
-- errors), NULL for older versions.
ALTER TABLE value_model ADD COLUMN IF NOT EXISTS model_kind text NOT NULL DEFAULT 'BgNbd';
ALTER TABLE value_model ADD COLUMN IF NOT EXISTS pnbd_r double precision NULL;
ALTER TABLE value_model ADD COLUMN IF NOT EXISTS pnbd_alpha double precision NULL;
ALTER TABLE value_model ADD COLUMN IF NOT EXISTS pnbd_s double precision NULL;
ALTER TABLE value_model ADD COLUMN IF NOT EXISTS pnbd_beta double precision NULL;
ALTER TABLE value_model ADD COLUMN IF NOT EXISTS pnbd_ll double precision NULL;
ALTER TABLE value_model ADD COLUMN IF NOT EXISTS evidence text NULL;
