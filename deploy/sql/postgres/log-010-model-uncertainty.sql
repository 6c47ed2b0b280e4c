-- The parameter uncertainty of a value-model version (the same as sqlite/log-012). Applied once, recorded in
-- schema_version; the statement is also safe to run again.
--
-- One JSON document with, for BG/NBD, Pareto/NBD and Gamma-Gamma, the parameter names, the estimates and the covariance
-- matrix of the log-parameters (the inverse of the observed information at the optimum). The engine derives each
-- customer's intervals of expected purchases and CLV from it. NULL for versions stored before this script, and for a
-- model whose information matrix was not positive definite.
ALTER TABLE value_model ADD COLUMN IF NOT EXISTS uncertainty text NULL;
