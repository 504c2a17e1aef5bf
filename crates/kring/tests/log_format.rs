//! `kring serve` logs JSON lines for a log collector when asked to, and text
//! for people otherwise.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStderr, Command};

fn kring(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kring"));
    c.current_dir(dir)
        .env_remove("KRING_DATABASE_URL")
        .env_remove("KRING_LOG_FORMAT")
        .env_remove("RUST_LOG")
        .env("KRING_LISTEN", "127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    c
}

/// Starts `command` and reads stderr until the line that says it serves.
async fn serving_line(mut command: Command) -> (Child, Lines<BufReader<ChildStderr>>, String) {
    let mut child = command.spawn().expect("start kring");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = vec![];
    let found = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("read stderr") {
            if line.contains("serving") {
                return Some(line);
            }
            seen.push(line);
        }
        None
    })
    .await;
    match found {
        Ok(Some(line)) => (child, lines, line),
        _ => panic!("kring never said it serves; stderr:\n{}", seen.join("\n")),
    }
}

#[tokio::test]
async fn kring_log_format_json_writes_one_object_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = kring(dir.path());
    command.env("KRING_LOG_FORMAT", "json");
    let (_child, _rest, line) = serving_line(command).await;
    let entry: Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    assert_eq!(entry["level"], "INFO", "{line}");
    assert_eq!(entry["message"], "serving", "{line}");
    assert_eq!(entry["target"], "kring::serve", "{line}");
    assert!(
        entry["address"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:")),
        "{line}"
    );
    assert!(entry["database"].is_string(), "{line}");
    let timestamp = entry["timestamp"].as_str().expect("a timestamp");
    assert!(
        chrono::DateTime::parse_from_rfc3339(timestamp).is_ok(),
        "{timestamp}"
    );
}

#[tokio::test]
async fn the_flag_asks_for_json_too_and_text_is_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = kring(dir.path());
    command.args(["serve", "--log-format", "json"]);
    let (_child, _rest, line) = serving_line(command).await;
    let entry: Value = serde_json::from_str(&line).expect("a JSON line");
    assert_eq!(entry["message"], "serving");

    let dir = tempfile::tempdir().unwrap();
    let (_child, _rest, line) = serving_line(kring(dir.path())).await;
    assert!(serde_json::from_str::<Value>(&line).is_err(), "{line}");
    assert!(line.contains("INFO"), "{line}");
}

#[tokio::test]
async fn an_unknown_log_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = kring(dir.path())
        .env("KRING_LOG_FORMAT", "xml")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("xml") && stderr.contains("json"),
        "{stderr}"
    );
}
