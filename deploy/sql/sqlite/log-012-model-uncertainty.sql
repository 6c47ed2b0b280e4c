-- The parameter uncertainty of a value-model version (fit): one JSON document with, for BG/NBD, Pareto/NBD and
-- Gamma-Gamma, the parameter names, the estimates and the covariance matrix of the log-parameters (the inverse of the
-- observed information at the optimum). The engine derives each customer's intervals of expected purchases and CLV from
-- it. NULL for versions stored before this script, and for a model whose information matrix was not positive definite.
ALTER TABLE value_model ADD COLUMN uncertainty TEXT NULL;
