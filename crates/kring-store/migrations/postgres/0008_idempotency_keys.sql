-- Idempotency keys: what a request sent with an `Idempotency-Key` header did,
-- so that a retry answers the same and writes nothing. Kept beside the log like
-- sessions: key_hash is an HMAC of (caller, key) under the server secret, the
-- key itself is never stored; answer is sealed with a key derived from the
-- idempotency key, so only a client that presents it again can read it.
-- answer is NULL while the request runs (or after its node died).
-- Rows are swept when older than a day.
CREATE TABLE idempotency_keys (
    key_hash    bytea PRIMARY KEY,
    fingerprint bytea NOT NULL,
    answer      bytea,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- As for sessions: ANALYZE would copy sample values into pg_statistic.
ALTER TABLE idempotency_keys ALTER COLUMN key_hash SET STATISTICS 0;
