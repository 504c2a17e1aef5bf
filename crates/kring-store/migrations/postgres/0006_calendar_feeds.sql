-- Calendar feeds: a secret address per feed that a calendar app polls without
-- a cookie. Kept beside the log like sessions: token_hash is the SHA-256 of the
-- random token in the address, and the token itself is never stored.
--
-- scope: 'mine' (the shifts the person is on) or 'circle' (every shift of the
-- circle they may see). A revoked feed keeps its row with revoked_at set.
-- Removing an account's credentials ends its feeds, as it ends its sessions.
CREATE TABLE calendar_feeds (
    id         uuid PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE,
    person_id  uuid NOT NULL REFERENCES credentials (account_id) ON DELETE CASCADE,
    circle_id  uuid NOT NULL,
    scope      text NOT NULL CHECK (scope IN ('mine', 'circle')),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX calendar_feeds_by_person ON calendar_feeds (person_id, circle_id);

-- As for sessions: ANALYZE would copy sample values into pg_statistic.
ALTER TABLE calendar_feeds ALTER COLUMN token_hash SET STATISTICS 0;
