-- A customer's sequence numbers are read from the log itself: the last number given is the end of the customer's run in
-- ux_interaction_log_customer_seq (rows of the log are never deleted). The counter table wrote one more random page per
-- appended event and held nothing the index does not.
DROP TABLE IF EXISTS customer_sequence;
