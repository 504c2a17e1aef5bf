//! A private Postgres cluster for machines without a running server.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The directory holding `initdb` and `pg_ctl`: on PATH, or Debian's versioned folder.
pub fn find_pg_bin() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dir| dir.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    debian.sort();
    debian.reverse(); // newest version first
    on_path
        .into_iter()
        .chain(debian)
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
}

pub(crate) fn target_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    // Test binaries live in target/<profile>/deps/.
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(std::env::temp_dir)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `initdb` refuses to run as root: run the cluster as the `postgres` user then.
fn as_cluster_user(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(mut command: Command, what: &str) {
    let out = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Starts a throw-away cluster for this test process and a watchdog that stops
/// it and removes its files once the process is gone.
pub(crate) fn start_private_cluster() -> String {
    let bin = find_pg_bin().unwrap_or_else(|| {
        panic!(
            "No PostgreSQL for the tests: nothing answers on 127.0.0.1:5432, TEST_DATABASE_URL is not set, \
             and initdb/pg_ctl are not installed. Install them with `apt-get install postgresql` \
             (or set TEST_DATABASE_URL=postgres://user@host:port)."
        )
    });
    let dir = target_dir().join(format!("kring-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create cluster directory");
    if is_root() {
        run(
            {
                let mut c = Command::new("chown");
                c.arg("postgres:postgres").arg(&dir);
                c
            },
            "chown of the cluster directory",
        );
    }
    let data = dir.join("data");
    let mut initdb = as_cluster_user(&bin.join("initdb"));
    initdb
        .arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "postgres"]);
    run(initdb, "initdb");
    let port = free_port();
    let mut start = as_cluster_user(&bin.join("pg_ctl"));
    start
        .arg("-D")
        .arg(&data)
        .arg("-o")
        .arg(format!(
            "-p {port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300"
        ))
        .arg("-l")
        .arg(dir.join("log"))
        .args(["-w", "start"]);
    run(start, "pg_ctl start");
    let stop = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop_cmd} -D '{data}' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        stop_cmd = if is_root() {
            format!("runuser -u postgres -- '{}'", bin.join("pg_ctl").display())
        } else {
            format!("'{}'", bin.join("pg_ctl").display())
        },
        data = data.display(),
        dir = dir.display(),
    );
    Command::new("sh")
        .args(["-c", &stop])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the cluster's watchdog");
    format!("postgres://postgres@127.0.0.1:{port}")
}
