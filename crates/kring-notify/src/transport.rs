//! Handing a composed mail to the outside world: an SMTP relay named by a
//! lettre connection URL (`KRING_SMTP_URL`), or, with none set, `.eml` files in
//! a folder, so that an embedded Kring works (and can be looked at) without one.
//!
//! URL forms (lettre's): `smtp://host:25` plain, for a relay on the same host or
//! network; `smtp://user:pass@host:587?tls=required` STARTTLS;
//! `smtps://user:pass@host:465` TLS from the start. The password may instead
//! come from a file (`KRING_SMTP_PASSWORD_FILE`): read it with [`read_password_file`]
//! and pass it to [`Transport::from_url_with_password`], so it is in no URL,
//! environment or process list.

use std::path::{Path, PathBuf};

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// One mail, ready to go: addresses, texts and the headers Kring always sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// The recipient's address.
    pub to: String,
    /// A mailbox: `Kring <kring@example.org>`.
    pub from: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Without angle brackets (`<uuid>@<host>`): derived from the outbox row, so a
    /// retried mail keeps its Message-ID and receivers can drop a duplicate.
    pub message_id: String,
    /// `nl` or `en`, sent as Content-Language.
    pub language: String,
    /// An https URL that unsubscribes with one POST (RFC 8058).
    pub unsubscribe: Option<String>,
}

/// Why a mail did not go. A sender retries only [`SendError::Transient`].
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Refused for good: a 5xx answer, or an address that is no address.
    #[error("refused for good: {0}")]
    Permanent(String),
    /// Worth another try later: no connection, a 4xx answer, a disk that was full.
    #[error("failed for now: {0}")]
    Transient(String),
}

impl SendError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Permanent(_))
    }
}

/// Settings that cannot make a transport.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The message names no secret: the URL may hold a password.
    #[error("the SMTP URL is not usable: {0}")]
    BadUrl(String),
    #[error("cannot read the SMTP password file {path}: {source}")]
    PasswordFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where mails go.
#[derive(Clone, Debug)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `<random uuid>.eml` file per mail in this folder.
    Files(PathBuf, AsyncFileTransport<Tokio1Executor>),
}

impl Transport {
    /// An SMTP relay from a lettre connection URL (see the module's text). Its
    /// connections are pooled: make it, and drop it, inside a Tokio runtime.
    pub fn from_url(smtp_url: &str) -> Result<Transport, TransportError> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| TransportError::BadUrl(e.to_string()))?;
        Ok(Transport::Smtp(builder.build()))
    }

    /// The same, with the password given apart from the URL, which then names the
    /// user (`smtp://user@host:587?tls=required`).
    pub fn from_url_with_password(
        smtp_url: &str,
        password: &str,
    ) -> Result<Transport, TransportError> {
        let mut url =
            url::Url::parse(smtp_url).map_err(|e| TransportError::BadUrl(e.to_string()))?;
        if url.username().is_empty() {
            return Err(TransportError::BadUrl(
                "with a password apart, the URL must name the user (smtp://user@host)".into(),
            ));
        }
        // set_password percent-encodes; lettre decodes it again.
        url.set_password(Some(password))
            .map_err(|()| TransportError::BadUrl("the URL cannot hold a password".into()))?;
        Transport::from_url(url.as_str())
    }

    /// `.eml` files in `dir` (made if missing when the first mail is written).
    pub fn files(dir: PathBuf) -> Transport {
        let files = AsyncFileTransport::<Tokio1Executor>::new(&dir);
        Transport::Files(dir, files)
    }

    /// Sends one mail; its Message-ID is the mail's own, whatever the attempt.
    pub async fn send(&self, mail: &Mail) -> Result<(), SendError> {
        let message = compose(mail)?;
        match self {
            Transport::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(classify),
            Transport::Files(dir, files) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| SendError::Transient(format!("cannot make {dir:?}: {e}")))?;
                // A write that failed (full disk, permissions) may work later.
                files
                    .send(message)
                    .await
                    .map(drop)
                    .map_err(|e| SendError::Transient(e.to_string()))
            }
        }
    }
}

/// Reads a password file as written by people and secret stores: one line, its
/// line end not part of the password.
pub fn read_password_file(path: &Path) -> Result<String, TransportError> {
    let text = std::fs::read_to_string(path).map_err(|source| TransportError::PasswordFile {
        path: path.to_owned(),
        source,
    })?;
    Ok(text.trim_end_matches(['\r', '\n']).to_owned())
}

/// Sorts lettre's SMTP errors: only a 5xx answer is final. A connection that
/// failed, timed out or broke, a TLS failure and a 4xx answer are tried again
/// (the sender gives up after its last attempt). Servers often repeat the
/// recipient in their answer; the text is kept (as the outbox's last error)
/// without any address.
fn classify(error: smtp::Error) -> SendError {
    let text = without_addresses(&error.to_string());
    if error.is_permanent() {
        SendError::Permanent(text)
    } else {
        SendError::Transient(text)
    }
}

/// `text` with every word that holds an `@` replaced by `[address]`.
pub fn without_addresses(text: &str) -> String {
    let is_break = |c: char| c.is_whitespace() || "<>()[],;:\"'".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.contains('@') {
            out.push_str("[address]");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if is_break(c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn header(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_owned())
}

/// The lettre message of a mail: multipart/alternative plain text and HTML
/// (UTF-8), a fixed Message-ID, Content-Language, `Auto-Submitted:
/// auto-generated` (RFC 3834: auto-responders stay silent) and, with an
/// unsubscribe URL, the one-click List-Unsubscribe headers (RFC 8058).
pub fn compose(mail: &Mail) -> Result<Message, SendError> {
    let from: Mailbox = mail.from.parse().map_err(|e| {
        SendError::Permanent(format!("the sender {:?} is no mailbox: {e}", mail.from))
    })?;
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| SendError::Permanent(format!("the recipient is no address: {e}")))?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{}>", mail.message_id)))
        .raw_header(header("Content-Language", &mail.language))
        .raw_header(header("Auto-Submitted", "auto-generated"));
    if let Some(url) = &mail.unsubscribe {
        builder = builder
            .raw_header(header("List-Unsubscribe", &format!("<{url}>")))
            .raw_header(header(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click",
            ));
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))
        .map_err(|e| SendError::Permanent(format!("cannot compose the mail: {e}")))
}
