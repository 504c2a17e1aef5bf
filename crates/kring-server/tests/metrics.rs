//! `/metrics` over real HTTP: Prometheus's text format, with the appends of the
//! log, the answers by status class and the projector's lag moving as the
//! server works. The recorder is one per process and other tests in this
//! binary run at the same time, so counters are compared before and after.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::Server;
use kring_testkit::on_both_backends;
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(Server::start => requests_and_writes_move_the_counters);

/// One sample line: `name{label="value",…} value`.
#[derive(Debug, Clone, PartialEq)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses Prometheus's text format (0.0.4) strictly enough to fail on any
/// line a scraper would refuse: comments are `# HELP name …` or `# TYPE name
/// kind`, every other non-empty line is one sample.
fn parse(text: &str) -> Vec<Sample> {
    let mut samples = vec![];
    for line in text.lines() {
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix("# ") {
            let mut words = comment.split(' ');
            match words.next() {
                Some("HELP") => assert!(is_name(words.next().unwrap_or("")), "{line}"),
                Some("TYPE") => {
                    assert!(is_name(words.next().unwrap_or("")), "{line}");
                    let kind = words.next().unwrap_or("");
                    assert!(
                        ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                        "{line}"
                    );
                }
                _ => panic!("an unknown comment: {line}"),
            }
            continue;
        }
        samples.push(sample(line).unwrap_or_else(|why| panic!("{why}: {line:?}")));
    }
    samples
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn sample(line: &str) -> Result<Sample, &'static str> {
    let name_end = line.find(['{', ' ']).ok_or("no value after the name")?;
    let name = &line[..name_end];
    if !is_name(name) {
        return Err("not a metric name");
    }
    let mut labels = BTreeMap::new();
    let mut rest = &line[name_end..];
    if let Some(inside) = rest.strip_prefix('{') {
        let mut chars = inside.char_indices().peekable();
        loop {
            // A label name, `=`, a quoted value with \\ \" \n escapes, then `,` or `}`.
            let start = chars.peek().map(|(i, _)| *i).ok_or("unclosed labels")?;
            if inside[start..].starts_with('}') {
                chars.next();
                break;
            }
            let eq = inside[start..].find('=').ok_or("a label without =")? + start;
            let label = &inside[start..eq];
            if !is_name(label) || label.contains(':') {
                return Err("not a label name");
            }
            while chars.peek().is_some_and(|(i, _)| *i <= eq) {
                chars.next();
            }
            if chars.next().map(|(_, c)| c) != Some('"') {
                return Err("a label value is not quoted");
            }
            let mut value = String::new();
            loop {
                match chars.next().ok_or("unclosed label value")?.1 {
                    '"' => break,
                    '\\' => match chars.next().ok_or("a lone backslash")?.1 {
                        'n' => value.push('\n'),
                        c @ ('\\' | '"') => value.push(c),
                        _ => return Err("an unknown escape"),
                    },
                    c => value.push(c),
                }
            }
            labels.insert(label.to_owned(), value);
            match chars.next().map(|(_, c)| c) {
                Some(',') => {}
                Some('}') => break,
                _ => return Err("labels not separated by commas"),
            }
        }
        let end = chars.peek().map_or(inside.len(), |(i, _)| *i);
        rest = &inside[end..];
    }
    let mut words = rest
        .strip_prefix(' ')
        .ok_or("no space before the value")?
        .split(' ');
    let value = match words.next().ok_or("no value")? {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NaN" => f64::NAN,
        number => number.parse().map_err(|_| "the value is not a number")?,
    };
    if let Some(timestamp) = words.next() {
        timestamp
            .parse::<i64>()
            .map_err(|_| "the timestamp is not an integer")?;
    }
    if words.next().is_some() {
        return Err("more than a value and a timestamp");
    }
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// The sum of a metric's samples whose labels include `with` (0 when absent).
fn total(samples: &[Sample], name: &str, with: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|s| s.name == name)
        .filter(|s| {
            with.iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.value)
        .sum()
}

async fn scrape(s: &Server) -> (String, Vec<Sample>) {
    let response = reqwest::get(s.url("/metrics")).await.expect("an answer");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = response.text().await.unwrap();
    let samples = parse(&text);
    (text, samples)
}

async fn requests_and_writes_move_the_counters(s: Server) {
    let backend = match s.test.log.backend() {
        kring_store::Backend::Postgres => "postgres",
        kring_store::Backend::Sqlite => "sqlite",
    };
    let (_, before) = scrape(&s).await;

    // A few requests: answered 2xx and 4xx; then writes (sign-up, a circle).
    let stranger = s.browser();
    let healthz = reqwest::get(s.url("/healthz")).await.unwrap();
    assert_eq!(healthz.status(), StatusCode::OK);
    assert_eq!(stranger.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    let (ann, _) = s.person("Ann", "ann@example.org").await;
    let (status, circle) = ann
        .post("/api/v1/circles", json!({"focus_name": "Mam"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{circle}");
    let events = s.events().await;

    let (text, after) = scrape(&s).await;
    let backend_label = [("backend", backend)];
    for name in ["kring_appends_total", "kring_appended_events_total"] {
        let moved = total(&after, name, &backend_label) - total(&before, name, &backend_label);
        assert!(moved >= 2.0, "{name} moved by {moved}:\n{text}");
    }
    let ok = [("class", "2xx")];
    let refused = [("class", "4xx")];
    for (class, at_least) in [(&ok, 4.0), (&refused, 1.0)] {
        let moved = total(&after, "kring_http_requests_total", class)
            - total(&before, "kring_http_requests_total", class);
        assert!(moved >= at_least, "{class:?} moved by {moved}:\n{text}");
    }
    assert!(
        total(&after, "kring_http_request_duration_seconds_count", &ok) >= 4.0,
        "{text}"
    );
    assert!(
        after
            .iter()
            .any(|s| s.name == "kring_http_request_duration_seconds_bucket"
                && s.labels.get("le").map(String::as_str) == Some("+Inf")),
        "a histogram with buckets, not a summary:\n{text}"
    );
    for kind in [
        "# TYPE kring_appends_total counter",
        "# TYPE kring_http_requests_total counter",
        "# TYPE kring_projector_lag_events gauge",
        "# HELP kring_appends_total ",
    ] {
        assert!(text.contains(kind), "{kind}:\n{text}");
    }
    assert!(events >= 2);

    // The projector folds the writes in: its lag comes back to nothing, and it
    // has committed at least once.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (text, samples) = scrape(&s).await;
        let lag = total(&samples, "kring_projector_lag_events", &[]);
        let seconds = total(&samples, "kring_projector_lag_seconds", &[]);
        if lag == 0.0 {
            assert_eq!(seconds, 0.0, "{text}");
            assert!(
                total(&samples, "kring_projector_batches_total", &[]) >= 1.0,
                "{text}"
            );
            break;
        }
        assert!(seconds >= 0.0, "{text}");
        assert!(Instant::now() < deadline, "the projector lags:\n{text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_not_part_of_the_api_description() {
    let description = kring_server::openapi();
    let paths = serde_json::to_value(&description).unwrap()["paths"].clone();
    assert!(paths.get("/metrics").is_none());
    assert!(paths
        .as_object()
        .unwrap()
        .keys()
        .all(|path| !path.contains("metrics")));
}

#[test]
fn the_parser_takes_the_format_and_refuses_what_is_not() {
    let text = "# HELP a_total Things.\n# TYPE a_total counter\na_total{x=\"1\",y=\"a \\\"b\\\"\"} 3\nb 1.5\nc{le=\"+Inf\"} 2 1700000000000\nd NaN\n";
    let samples = parse(text);
    assert_eq!(samples.len(), 4);
    assert_eq!(samples[0].labels["y"], "a \"b\"");
    assert_eq!(total(&samples, "a_total", &[("x", "1")]), 3.0);
    for bad in [
        "a_total{x=1} 3",
        "a_total 3 4 5",
        "1a 3",
        "a_total{x=\"1\"}3",
        "a",
    ] {
        assert!(sample(bad).is_err(), "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_only_direct_scrapes_see_the_metrics() {
    let s = Server::start_with(
        kring_testkit::TestLog::sqlite().await,
        kring_server::Settings {
            trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
            ..kring_server::Settings::default()
        },
    )
    .await;
    let client = reqwest::Client::new();
    let (status, problem) = common::read(
        client
            .get(s.url("/metrics"))
            .header("x-forwarded-for", "198.51.100.7")
            .send()
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem["code"], "nothing-here");
    // Prometheus on the inside asks the node itself.
    let (_, samples) = scrape(&s).await;
    assert!(samples
        .iter()
        .any(|s| s.name == "kring_projector_lag_events"));
}
