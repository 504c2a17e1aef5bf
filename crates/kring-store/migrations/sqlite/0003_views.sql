-- Read models kept by projectors: one JSON document per (kind, key), written in
-- the same transaction as the projector's checkpoint.
CREATE TABLE views (
    kind    TEXT NOT NULL,
    key     TEXT NOT NULL,
    version INTEGER NOT NULL,
    body    TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) STRICT;
