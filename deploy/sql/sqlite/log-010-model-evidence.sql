-- The repeat-purchase model a value-model version puts in force, and why (fit --model, ValueModel:RepeatPurchaseModel).
-- model_kind: 'BgNbd' or 'ParetoNbd' (versions stored before this script are BG/NBD). The Pareto/NBD parameters and its
-- calibration log-likelihood are set when fit fitted it (always since this script); evidence is the JSON document of the
-- choice (what was asked for, what was chosen and why, the calibration and hold-out ends, and every candidate's
-- parameters, log-likelihood and hold-out errors), NULL for older versions.
ALTER TABLE value_model ADD COLUMN model_kind TEXT NOT NULL DEFAULT 'BgNbd';
ALTER TABLE value_model ADD COLUMN pnbd_r REAL NULL;
ALTER TABLE value_model ADD COLUMN pnbd_alpha REAL NULL;
ALTER TABLE value_model ADD COLUMN pnbd_s REAL NULL;
ALTER TABLE value_model ADD COLUMN pnbd_beta REAL NULL;
ALTER TABLE value_model ADD COLUMN pnbd_ll REAL NULL;
ALTER TABLE value_model ADD COLUMN evidence TEXT NULL;
