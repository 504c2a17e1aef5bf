-- Mail, kept beside the log and never in it. No e-mail address, token or
-- personal text is stored here: a mail names its recipient's account (whose
-- sealed address is opened when sending) and says in JSON what it is about.
--
-- mail_outbox: mails still to send and what became of them. dedupe_key is
-- unique, so the same notice is never queued twice. Rows of one recipient with
-- the same batch ('daily', 'weekly') and due_at go out as one digest.
-- status: 'pending' until sent ('sent'), given up ('failed') or not sent on
-- purpose ('skipped'); a failed attempt moves next_attempt_at on.
CREATE TABLE mail_outbox (
    id              BLOB PRIMARY KEY NOT NULL,
    dedupe_key      TEXT NOT NULL UNIQUE,
    recipient       BLOB NOT NULL,
    kind            TEXT NOT NULL,
    circle          BLOB,
    body            TEXT NOT NULL,
    batch           TEXT NOT NULL,
    due_at          INTEGER NOT NULL, -- microseconds since the Unix epoch, UTC
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    sent_at         INTEGER,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_by_recipient ON mail_outbox (recipient);

-- Links in mails (verify an address, claim a request, unsubscribe, ...).
-- token_hash is the SHA-256 of the token in the link; the token itself is
-- never stored. A link is used once: used_at is set when it is.
CREATE TABLE mail_links (
    token_hash BLOB PRIMARY KEY NOT NULL,
    purpose    TEXT NOT NULL,
    account    BLOB NOT NULL,
    subject    TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) STRICT;
CREATE INDEX mail_links_by_account ON mail_links (account);

-- A person's mail settings and preferences, as JSON.
CREATE TABLE mail_settings (
    account    BLOB PRIMARY KEY NOT NULL,
    body       TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
