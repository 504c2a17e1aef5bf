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
    id              uuid PRIMARY KEY,
    dedupe_key      text NOT NULL UNIQUE,
    recipient       uuid NOT NULL,
    kind            text NOT NULL,
    circle          uuid,
    body            text NOT NULL,
    batch           text NOT NULL,
    due_at          timestamptz NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts        bigint NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_by_recipient ON mail_outbox (recipient);

-- Links in mails (verify an address, claim a request, unsubscribe, ...).
-- token_hash is the SHA-256 of the token in the link; the token itself is
-- never stored. A link is used once: used_at is set when it is.
CREATE TABLE mail_links (
    token_hash bytea PRIMARY KEY,
    purpose    text NOT NULL,
    account    uuid NOT NULL,
    subject    text NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX mail_links_by_account ON mail_links (account);

-- A person's mail settings and preferences, as JSON.
CREATE TABLE mail_settings (
    account    uuid PRIMARY KEY,
    body       text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- As for sessions: ANALYZE would copy sample values into pg_statistic.
ALTER TABLE mail_links ALTER COLUMN token_hash SET STATISTICS 0;
