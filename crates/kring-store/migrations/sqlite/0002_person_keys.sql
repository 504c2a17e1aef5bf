-- Each person's key for their sealed personal data, kept outside the events so
-- it can be destroyed while the log stays intact. Forgetting sets key to NULL and
-- stamps forgotten_at: the row stays as a tombstone, so no new key is ever made
-- for a forgotten person. Connections run with secure_delete, so the old key
-- bytes are overwritten with zeros rather than left in free space.

CREATE TABLE person_keys (
    person_id    BLOB PRIMARY KEY NOT NULL,
    key          BLOB,
    created_at   INTEGER NOT NULL, -- microseconds since the Unix epoch, UTC
    forgotten_at INTEGER,
    CHECK ((key IS NULL) = (forgotten_at IS NOT NULL))
) STRICT;
