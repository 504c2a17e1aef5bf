-- Read models kept by projectors: one JSON document per (kind, key), written in
-- the same transaction as the projector's checkpoint.
CREATE TABLE views (
    kind    text NOT NULL,
    key     text NOT NULL,
    version bigint NOT NULL, -- version of the key's stream folded in
    body    text NOT NULL,
    PRIMARY KEY (kind, key)
);
