-- How people log in, kept beside the log and never in it: events hold only the
-- sealed e-mail address and its keyed lookup hash.
--
-- credentials: one row per account. email_lookup is an HMAC of the normalised
-- e-mail address under the server secret (unique: one account per address);
-- password_hash is a PHC string (argon2id).
CREATE TABLE credentials (
    account_id    BLOB PRIMARY KEY NOT NULL,
    email_lookup  TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL -- microseconds since the Unix epoch, UTC
) STRICT;

-- Server-side sessions. token_hash is the SHA-256 of the random token in the
-- cookie: the token itself is never stored. Removing an account's credentials
-- ends its sessions.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY NOT NULL,
    account_id BLOB NOT NULL REFERENCES credentials (account_id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_account ON sessions (account_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Secrets the server makes for itself on first start (such as the key of the
-- e-mail lookup hash), unless the operator passes one.
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY NOT NULL,
    secret     BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
