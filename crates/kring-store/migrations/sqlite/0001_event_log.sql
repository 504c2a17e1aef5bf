-- The event log on SQLite. One writer at a time, so position order is commit order.
-- Payload and metadata are the exact JSON text that was hashed.

CREATE TABLE streams (
    stream_id     TEXT PRIMARY KEY NOT NULL,
    version       INTEGER NOT NULL,
    first_version INTEGER NOT NULL DEFAULT 1,
    base_hash     BLOB NOT NULL,
    head_hash     BLOB NOT NULL,
    epoch         BLOB NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE events (
    position       INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id      TEXT NOT NULL,
    version        INTEGER NOT NULL,
    event_id       BLOB NOT NULL UNIQUE,
    event_type     TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    payload        TEXT NOT NULL,
    metadata       TEXT NOT NULL,
    recorded_at    INTEGER NOT NULL, -- microseconds since the Unix epoch, UTC
    prev_hash      BLOB NOT NULL,
    UNIQUE (stream_id, version)
) STRICT;

CREATE TABLE checkpoints (
    name       TEXT PRIMARY KEY NOT NULL,
    xid        INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
