-- How people log in, kept beside the log and never in it: events hold only the
-- sealed e-mail address and its keyed lookup hash.
--
-- credentials: one row per account. email_lookup is an HMAC of the normalised
-- e-mail address under the server secret (unique: one account per address);
-- password_hash is a PHC string (argon2id).
CREATE TABLE credentials (
    account_id    uuid PRIMARY KEY,
    email_lookup  text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Server-side sessions. token_hash is the SHA-256 of the random token in the
-- cookie: the token itself is never stored. Removing an account's credentials
-- ends its sessions.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES credentials (account_id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Secrets the server makes for itself on first start (such as the key of the
-- e-mail lookup hash), unless the operator passes one.
CREATE TABLE server_secrets (
    name       text PRIMARY KEY,
    secret     bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- As for person keys: ANALYZE would copy sample values into pg_statistic.
ALTER TABLE server_secrets ALTER COLUMN secret SET STATISTICS 0;
ALTER TABLE sessions ALTER COLUMN token_hash SET STATISTICS 0;
ALTER TABLE credentials ALTER COLUMN password_hash SET STATISTICS 0;
