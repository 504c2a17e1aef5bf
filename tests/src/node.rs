//! A running `kring serve`, started from the binary that `cargo test --workspace`
//! builds beside this crate's tests.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use kring_testkit::TestDatabase;

/// How long a node may take to start and answer `/readyz`.
const STARTUP: Duration = Duration::from_secs(60);

/// The `kring` binary: `KRING_BIN`, else `target/<profile>/kring` beside the
/// test executable (`target/<profile>/deps/…`), which `cargo test --workspace`
/// builds before it runs any test.
pub fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("KRING_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("the test's own path");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("a test executable under target/<profile>/deps");
    let path = profile.join("kring");
    assert!(
        path.exists(),
        "{} is missing: build it first (`cargo build -p kring`; `cargo test --workspace` does)",
        path.display()
    );
    path
}

/// Where a node keeps its log: a fresh SQLite file (one node only) or a fresh
/// Postgres database (any number of nodes).
pub enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(TestDatabase),
}

impl Backend {
    pub fn sqlite() -> Backend {
        Backend::Sqlite(tempfile::tempdir().expect("a temporary directory"))
    }

    pub async fn postgres() -> Backend {
        Backend::Postgres(TestDatabase::postgres().await)
    }

    /// `--database-url` for a node.
    pub fn url(&self) -> String {
        match self {
            Backend::Sqlite(dir) => format!("sqlite://{}", dir.path().join("kring.db").display()),
            Backend::Postgres(db) => db.url.clone(),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Backend::Postgres(_))
    }
}

/// A running `kring serve`: SIGKILLed and reaped when dropped; when the test
/// fails, the tail of its log is printed.
pub struct Node {
    name: String,
    child: Child,
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub base: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Node {
    /// `kring serve` on `backend`, with `extra` arguments; waits for `/readyz`.
    /// No `KRING_*` variable of the test's environment reaches it.
    pub async fn start(name: &str, backend: &Backend, extra: &[&str]) -> Node {
        Node::start_with(name, backend, extra, &[]).await
    }

    /// As [`Node::start`], with environment variables `env` set for the node.
    pub async fn start_with(
        name: &str,
        backend: &Backend,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Node {
        let dir = tempfile::tempdir().expect("a directory for the node");
        let log = dir.path().join(format!("node-{name}.log"));
        let stderr = std::fs::File::create(&log).expect("a log file");
        let mut command = Command::new(binary());
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("KRING_") {
                command.env_remove(key);
            }
        }
        command
            .current_dir(dir.path())
            .args(["serve", "--listen", "127.0.0.1:0", "--database-url"])
            .arg(backend.url())
            .args(["--database-max-connections", "10"])
            .args(extra)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr));
        let mut child = command.spawn().expect("start kring serve");
        let stdout = child.stdout.take().expect("its stdout");
        // The guard exists from here on: whatever fails below, the process ends.
        let mut node = Node {
            name: name.to_owned(),
            child,
            base: String::new(),
            log,
            _dir: dir,
        };
        let (first, first_line) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = first.send(lines.next().and_then(Result::ok));
            // Keep reading until the process ends, so it never blocks on a full pipe.
            lines.for_each(drop);
        });
        let line = tokio::time::timeout(STARTUP, first_line)
            .await
            .unwrap_or_else(|_| panic!("node {name} printed no address within {STARTUP:?}"))
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("node {name} ended without printing its address"));
        node.base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_owned();
        node.wait_ready().await;
        node
    }

    async fn wait_ready(&mut self) {
        let client = reqwest::Client::new();
        let (name, base) = (self.name.clone(), self.base.clone());
        let child = &mut self.child;
        kring_testkit::eventually(STARTUP, &format!("node {name} ready"), || {
            let ended = child.try_wait().ok().flatten();
            let answer = client.get(format!("{base}/readyz")).send();
            let name = name.clone();
            async move {
                if let Some(status) = ended {
                    panic!("node {name} ended before it was ready: {status}");
                }
                match answer.await {
                    Ok(r) if r.status().is_success() => Ok(()),
                    Ok(r) => Err(format!("/readyz answered {}", r.status())),
                    Err(e) => Err(e.to_string()),
                }
            }
        })
        .await;
    }

    /// SIGKILL: no shutdown handler runs, no socket is told goodbye.
    pub fn kill(&mut self) -> ExitStatus {
        self.child.kill().expect("send SIGKILL");
        self.child.wait().expect("reap the killed node")
    }

    /// The name it was started with (for messages).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the node wrote to stderr so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let output = self.output();
            let lines: Vec<&str> = output.lines().collect();
            let tail = &lines[lines.len().saturating_sub(60)..];
            eprintln!(
                "--- node {} ({}), last {} lines of its log:\n{}",
                self.name,
                self.base,
                tail.len(),
                tail.join("\n")
            );
        }
    }
}
