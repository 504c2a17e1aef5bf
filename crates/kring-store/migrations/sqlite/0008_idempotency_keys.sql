-- Idempotency keys: what a request sent with an `Idempotency-Key` header did,
-- so that a retry answers the same and writes nothing. Kept beside the log like
-- sessions: key_hash is an HMAC of (caller, key) under the server secret, the
-- key itself is never stored; answer is sealed with a key derived from the
-- idempotency key, so only a client that presents it again can read it.
-- answer is NULL while the request runs (or after its node died).
-- Rows are swept when older than a day.
CREATE TABLE idempotency_keys (
    key_hash    BLOB PRIMARY KEY NOT NULL,
    fingerprint BLOB NOT NULL,
    answer      BLOB,
    created_at  INTEGER NOT NULL -- microseconds since the Unix epoch, UTC
) STRICT;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
