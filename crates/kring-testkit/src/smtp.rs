//! A real SMTP server for the mail tests: aiosmtpd (Python, from PyPI) in a child
//! process on a free port of 127.0.0.1, writing what it receives into a folder
//! that [`SmtpServer::messages`] reads back and parses.
//!
//! Its python is `KRING_TEST_PYTHON` (scripts/test.sh sets it), else a virtualenv
//! under the target directory that `scripts/smtp-venv.sh` makes on first use
//! (under a lock, so parallel test processes may all ask).
//!
//! A recipient whose local part holds `refuse` is answered 550 (permanent), one
//! holding `later` 451 (transient). The server stops when it is dropped, and in
//! any case when the test process ends: it exits once its standard input, a pipe
//! from this process, closes, which the kernel does when the process is gone,
//! however it ended (the same role as the private Postgres cluster's watchdog).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use mail_parser::{MessageParser, MimeHeaders, PartType};

const SINK: &str = include_str!("smtp_sink.py");

/// One running aiosmtpd.
pub struct SmtpServer {
    pub port: u16,
    dir: PathBuf,
    child: Mutex<Child>,
    stdin: Mutex<Option<ChildStdin>>,
}

/// One message as the server received it.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    /// The envelope's recipients (RCPT TO) that the server accepted.
    pub envelope_to: Vec<String>,
    /// The data as sent (after SMTP's dot-unstuffing).
    pub raw: Vec<u8>,
    /// Every header in order: name and value, unfolded and trimmed, not decoded.
    pub headers: Vec<(String, String)>,
    /// The Subject, with RFC 2047 encoded words decoded.
    pub subject: Option<String>,
    /// The text parts (leaves), decoded: content type (`text/plain`) and text.
    pub parts: Vec<(String, String)>,
}

impl ReceivedMail {
    /// Parses a raw message (also an `.eml` file).
    pub fn parse(envelope_to: Vec<String>, raw: Vec<u8>) -> ReceivedMail {
        let message = MessageParser::default()
            .parse(&raw)
            .unwrap_or_else(|| panic!("not a mail: {}", String::from_utf8_lossy(&raw)));
        let headers = message
            .headers_raw()
            .map(|(name, value)| (name.to_owned(), unfold(value)))
            .collect();
        let parts = message
            .parts
            .iter()
            .filter_map(|part| {
                let text = match &part.body {
                    PartType::Text(text) | PartType::Html(text) => text.to_string(),
                    _ => return None,
                };
                let content_type = part.content_type().map_or("text/plain".into(), |t| {
                    format!("{}/{}", t.ctype(), t.subtype().unwrap_or_default())
                });
                Some((content_type.to_ascii_lowercase(), text))
            })
            .collect();
        ReceivedMail {
            envelope_to,
            subject: message.subject().map(str::to_owned),
            headers,
            parts,
            raw,
        }
    }

    /// The first header of this name (any case): unfolded, not decoded.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The decoded text of the first part of this content type (`text/html`).
    pub fn part(&self, content_type: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|(t, _)| t == content_type)
            .map(|(_, text)| text.as_str())
    }
}

fn unfold(value: &str) -> String {
    value
        .replace("\r\n", "")
        .replace('\n', "")
        .trim()
        .to_owned()
}

impl SmtpServer {
    /// A server of the calling test's own, stopped when dropped.
    pub fn start() -> SmtpServer {
        SmtpServer::start_with_delay(Duration::ZERO)
    }

    /// A server of the test's own that accepts each message `delay` after its
    /// data arrived, as a distant server does: a sender killed then never
    /// hears that its mail was accepted.
    pub fn start_with_delay(delay: Duration) -> SmtpServer {
        let python = python();
        let dir = tempfile::Builder::new()
            .prefix("kring-smtp-")
            .tempdir()
            .expect("a temporary directory")
            .keep();
        let mut child = Command::new(&python)
            .arg("-c")
            .arg(SINK)
            .arg(&dir)
            .env("SINK_DELAY_MS", delay.as_millis().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {python:?} for the SMTP server: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
        let Some(port) = line
            .strip_prefix("PORT ")
            .and_then(|p| p.trim().parse().ok())
        else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the SMTP server (aiosmtpd) did not start: it said {line:?} (its errors are above)"
            );
        };
        SmtpServer {
            port,
            dir,
            stdin: Mutex::new(child.stdin.take()),
            child: Mutex::new(child),
        }
    }

    /// One server for all tests of this test binary; it stops when the process
    /// ends. Tests tell their mails apart by recipient ([`Self::messages_to`]).
    pub fn shared() -> &'static SmtpServer {
        static SHARED: OnceLock<SmtpServer> = OnceLock::new();
        SHARED.get_or_init(SmtpServer::start)
    }

    /// The lettre URL of this server (plain SMTP, no authentication).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        names.retain(|p| p.extension().is_some_and(|e| e == "eml"));
        names.sort();
        names.iter().map(|eml| read_message(eml)).collect()
    }

    /// The messages whose envelope names this recipient (any case).
    pub fn messages_to(&self, address: &str) -> Vec<ReceivedMail> {
        self.messages()
            .into_iter()
            .filter(|m| {
                m.envelope_to
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(address))
            })
            .collect()
    }

    /// Waits until at least `n` messages have come, and answers them all.
    pub async fn wait_for_count(&self, n: usize, deadline: Duration) -> Vec<ReceivedMail> {
        crate::eventually(deadline, &format!("{n} mails"), || async move {
            let all = self.messages();
            if all.len() >= n {
                Ok(all)
            } else {
                Err(format!("{} mails", all.len()))
            }
        })
        .await
    }

    /// Waits until at least `n` messages to `address` have come, and answers them.
    pub async fn wait_for_mails_to(
        &self,
        address: &str,
        n: usize,
        deadline: Duration,
    ) -> Vec<ReceivedMail> {
        crate::eventually(
            deadline,
            &format!("{n} mails to {address}"),
            || async move {
                let found = self.messages_to(address);
                if found.len() >= n {
                    Ok(found)
                } else {
                    Err(format!("{} mails to {address}", found.len()))
                }
            },
        )
        .await
    }
}

fn read_message(eml: &Path) -> ReceivedMail {
    let raw = std::fs::read(eml).unwrap_or_else(|e| panic!("cannot read {eml:?}: {e}"));
    let rcpt = std::fs::read_to_string(eml.with_extension("rcpt")).unwrap_or_default();
    ReceivedMail::parse(rcpt.lines().map(str::to_owned).collect(), raw)
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        // Closing its standard input asks it to stop and remove its folder.
        drop(self.stdin.lock().map(|mut s| s.take()));
        let mut child = self.child.lock().unwrap_or_else(|e| e.into_inner());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A python that has aiosmtpd.
fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("KRING_TEST_PYTHON") {
        return python.into();
    }
    static VENV_PYTHON: OnceLock<PathBuf> = OnceLock::new();
    VENV_PYTHON
        .get_or_init(|| {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/smtp-venv.sh");
            let venv = crate::cluster::target_dir().join("smtp-venv");
            let out = Command::new("bash")
                .arg(&script)
                .arg(&venv)
                .stdin(Stdio::null())
                .stderr(Stdio::inherit())
                .output()
                .unwrap_or_else(|e| panic!("cannot run {script:?}: {e}"));
            assert!(
                out.status.success(),
                "{script:?} could not install aiosmtpd for the SMTP tests (see above)"
            );
            PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
        })
        .clone()
}
