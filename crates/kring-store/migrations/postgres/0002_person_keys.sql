-- Each person's key for their sealed personal data, kept outside the events so
-- it can be destroyed while the log stays intact. Forgetting sets key to NULL and
-- stamps forgotten_at: the row stays as a tombstone, so no new key is ever made
-- for a forgotten person.

CREATE TABLE person_keys (
    person_id    uuid PRIMARY KEY,
    key          bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    forgotten_at timestamptz,
    CHECK ((key IS NULL) = (forgotten_at IS NOT NULL))
);

-- ANALYZE would copy sample keys into pg_statistic (histogram bounds), where
-- forgetting would not reach them.
ALTER TABLE person_keys ALTER COLUMN key SET STATISTICS 0;
