//! The files in `deploy/` against the binary they deploy, without Docker or
//! Kubernetes: every `KRING_*` variable they set is one `kring` knows, probes
//! and health checks ask `/healthz` and `/readyz`, the nodes share one
//! database, the proxy passes WebSocket upgrades on `/api/v1/live` and is the
//! one trusted proxy. (nginx itself checks its file in
//! `scripts/check-proxy-config.sh`.)

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use ipnet::IpNet;
use serde::Deserialize;
use serde_yaml::Value;

const LIVE: &str = "/api/v1/live";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn deploy(path: &str) -> PathBuf {
    root().join("deploy").join(path)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kring"))
        .args(args)
        .arg("--help")
        .env_clear()
        .output()
        .expect("run kring --help");
    assert!(out.status.success(), "{args:?} --help");
    String::from_utf8(out.stdout).unwrap()
}

/// Every environment variable the real binary reads, from its `--help`.
fn known_variables() -> BTreeSet<String> {
    let mut known = BTreeSet::new();
    for text in [help(&[]), help(&["serve"])] {
        for (at, _) in text.match_indices("[env: ") {
            let rest = &text[at + "[env: ".len()..];
            let end = rest.find(['=', ']']).expect("a closed [env: …]");
            known.insert(rest[..end].to_owned());
        }
    }
    assert!(known.contains("KRING_LISTEN") && known.contains("KRING_TRUSTED_PROXIES"));
    known
}

/// The `KRING_*` words of a text (comments included: they tell people what to set).
fn variables_in(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in text.match_indices("KRING_") {
        if at > 0 && text[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let word: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        found.insert(word);
    }
    found
}

fn yaml_documents(path: &Path) -> Vec<Value> {
    let text = read(path);
    serde_yaml::Deserializer::from_str(&text)
        .map(|document| {
            let mut value =
                Value::deserialize(document).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            value.apply_merge().unwrap();
            value
        })
        .filter(|value| !value.is_null())
        .collect()
}

fn str_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut value = value;
    for key in path {
        value = value.get(*key)?;
    }
    value.as_str()
}

/// A service's `environment`, written as a map or as a list of `NAME=value`.
fn environment(service: &Value) -> BTreeMap<String, String> {
    match service.get("environment") {
        None => BTreeMap::new(),
        Some(Value::Mapping(map)) => map
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Value::String(s) => s.clone(),
                    other => serde_yaml::to_string(other).unwrap().trim().to_owned(),
                };
                (k.as_str().unwrap().to_owned(), value)
            })
            .collect(),
        Some(Value::Sequence(items)) => items
            .iter()
            .map(|item| {
                let (k, v) = item.as_str().unwrap().split_once('=').unwrap();
                (k.to_owned(), v.to_owned())
            })
            .collect(),
        Some(other) => panic!("environment: {other:?}"),
    }
}

/// `KRING_TRUSTED_PROXIES` as the binary reads it: comma-separated CIDR
/// ranges or single addresses.
fn trusted(list: &str) -> Vec<IpNet> {
    list.split(',')
        .map(|entry| {
            let entry = entry.trim();
            entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .unwrap_or_else(|_| panic!("not a CIDR range: {entry:?}"))
        })
        .collect()
}

fn port_of(listen: &str) -> u16 {
    listen.rsplit_once(':').unwrap().1.parse().unwrap()
}

fn assert_known(file: &str, text: &str, known: &BTreeSet<String>) {
    let unknown: Vec<_> = variables_in(text).difference(known).cloned().collect();
    assert!(
        unknown.is_empty(),
        "{file} sets variables kring does not read: {unknown:?} (known: {known:?})"
    );
}

#[test]
fn every_kring_variable_in_deploy_is_one_the_binary_reads() {
    let known = known_variables();
    let mut files = vec![
        "Dockerfile".to_owned(),
        "compose.yaml".into(),
        "kring.service".into(),
        "nginx/nginx.conf".into(),
    ];
    for entry in std::fs::read_dir(deploy("kubernetes")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        files.push(format!("kubernetes/{name}"));
    }
    let mut seen = BTreeSet::new();
    for file in &files {
        let text = read(&deploy(file));
        assert_known(file, &text, &known);
        seen.extend(variables_in(&text));
    }
    for needed in [
        "KRING_DATABASE_URL",
        "KRING_PUBLIC_URL",
        "KRING_SECRET",
        "KRING_TRUSTED_PROXIES",
        "KRING_LISTEN",
    ] {
        assert!(seen.contains(needed), "no deploy file sets {needed}");
    }
}

/// The lines of a Dockerfile with `\` continuations joined, comments dropped.
fn dockerfile_instructions(text: &str) -> Vec<String> {
    let mut instructions = vec![];
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if current.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => {
                current.push_str(part);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                instructions.push(std::mem::take(&mut current));
            }
        }
    }
    instructions
}

fn rust_version() -> (u32, u32) {
    let manifest = read(&root().join("Cargo.toml"));
    let line = manifest
        .lines()
        .find(|l| l.starts_with("rust-version"))
        .expect("the workspace's rust-version");
    let version = line.split('"').nth(1).unwrap();
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap());
    (parts.next().unwrap(), parts.next().unwrap())
}

#[test]
fn the_dockerfile_builds_the_locked_workspace_and_runs_unprivileged() {
    let text = read(&deploy("Dockerfile"));
    let instructions = dockerfile_instructions(&text);
    let of = |keyword: &str| -> Vec<&str> {
        instructions
            .iter()
            .filter_map(|i| i.strip_prefix(keyword).map(str::trim))
            .collect()
    };
    let stages = of("FROM ");
    assert!(stages.len() >= 2, "multi-stage: {stages:?}");
    let (build_image, build_stage) = stages[0].split_once(" AS ").expect("a named build stage");
    let run_image = *stages.last().unwrap();
    // The toolchain is at least the workspace's rust-version, and both stages
    // are the same Debian release (the binary links the build stage's glibc).
    let tag = build_image
        .strip_prefix("rust:")
        .expect("the official rust image");
    let mut version = tag
        .split('-')
        .next()
        .unwrap()
        .split('.')
        .map(|p| p.parse::<u32>().unwrap());
    let toolchain = (version.next().unwrap(), version.next().unwrap());
    assert!(
        toolchain >= rust_version(),
        "{tag} older than {:?}",
        rust_version()
    );
    let release = tag.rsplit('-').next().unwrap();
    assert!(run_image.contains(release), "{run_image} is not {release}");

    let runs = of("RUN ").join("\n");
    assert!(
        runs.contains("cargo build --release --locked -p kring"),
        "{runs}"
    );
    assert!(of("COPY ")
        .iter()
        .any(|c| c.starts_with(&format!("--from={build_stage} "))));

    let user = of("USER ");
    let user = user.last().expect("a USER");
    let name = user.split(':').next().unwrap();
    assert!(name != "root" && name != "0", "runs as {user}");

    let env = of("ENV ").join(" ");
    assert!(env.contains("KRING_LISTEN=0.0.0.0:8080"), "{env}");
    assert!(of("EXPOSE ").contains(&"8080"));
    let health = of("HEALTHCHECK ");
    assert_eq!(health.len(), 1);
    assert!(
        health[0].contains("http://127.0.0.1:8080/healthz"),
        "{}",
        health[0]
    );
    assert!(of("ENTRYPOINT ")[0].contains("kring"));
    assert_eq!(of("CMD "), ["[\"serve\"]"]);
    assert!(help(&[]).contains("\n  serve "));

    let ignored = read(&deploy("Dockerfile.dockerignore"));
    for kept_out in ["target", ".git"] {
        assert!(ignored.lines().any(|l| l.trim() == kept_out), "{kept_out}");
    }
    assert!(
        !ignored.lines().any(|l| l.trim() == "Cargo.lock"),
        "the build needs the lock file"
    );
}

struct Compose {
    services: serde_yaml::Mapping,
    document: Value,
}

fn compose() -> Compose {
    let mut documents = yaml_documents(&deploy("compose.yaml"));
    assert_eq!(documents.len(), 1);
    let document = documents.remove(0);
    let services = document["services"].as_mapping().unwrap().clone();
    Compose { services, document }
}

impl Compose {
    fn service(&self, name: &str) -> &Value {
        self.services
            .get(name)
            .unwrap_or_else(|| panic!("no service {name}"))
    }

    /// The services built from deploy/Dockerfile: the Kring nodes.
    fn nodes(&self) -> Vec<(String, &Value)> {
        self.services
            .iter()
            .filter(|(_, s)| str_at(s, &["build", "dockerfile"]) == Some("deploy/Dockerfile"))
            .map(|(name, s)| (name.as_str().unwrap().to_owned(), s))
            .collect()
    }
}

fn depends_on(service: &Value) -> Vec<String> {
    match service.get("depends_on") {
        Some(Value::Mapping(map)) => map.keys().map(|k| k.as_str().unwrap().to_owned()).collect(),
        Some(Value::Sequence(list)) => list
            .iter()
            .map(|k| k.as_str().unwrap().to_owned())
            .collect(),
        _ => vec![],
    }
}

#[test]
fn compose_runs_two_nodes_on_one_postgres_behind_the_proxy() {
    let compose = compose();
    let postgres = compose.service("postgres");
    assert!(postgres["image"]
        .as_str()
        .unwrap()
        .starts_with("postgres:15"));
    let volume = postgres["volumes"][0].as_str().unwrap();
    let (name, target) = volume.split_once(':').unwrap();
    assert_eq!(target, "/var/lib/postgresql/data");
    assert!(
        compose.document["volumes"].get(name).is_some(),
        "{name} is a named volume"
    );

    let nodes = compose.nodes();
    assert_eq!(nodes.len(), 2, "two Kring nodes");
    let environments: Vec<_> = nodes.iter().map(|(_, s)| environment(s)).collect();
    assert_eq!(
        environments[0], environments[1],
        "both nodes are set up alike"
    );
    let env = &environments[0];
    for needed in [
        "KRING_DATABASE_URL",
        "KRING_PUBLIC_URL",
        "KRING_SECRET",
        "KRING_TRUSTED_PROXIES",
    ] {
        assert!(env.contains_key(needed), "{needed}");
    }
    assert!(
        env["KRING_DATABASE_URL"].starts_with("postgres://")
            && env["KRING_DATABASE_URL"].contains("@postgres:5432/"),
        "the nodes use the postgres service: {}",
        env["KRING_DATABASE_URL"]
    );
    let known = known_variables();
    for name in env.keys() {
        assert!(known.contains(name), "{name}");
    }
    let listen_port = env
        .get("KRING_LISTEN")
        .map_or(8080, |listen| port_of(listen));
    for (name, node) in &nodes {
        let context = deploy(node["build"]["context"].as_str().unwrap());
        assert!(context.join("Cargo.lock").is_file(), "{name}: context");
        assert!(context.join("deploy/Dockerfile").is_file(), "{name}");
        assert!(depends_on(node).contains(&"postgres".to_owned()), "{name}");
    }

    // The proxy: nginx with deploy/nginx/nginx.conf, at the one address the
    // nodes trust, in front of both nodes.
    let proxy = compose.service("proxy");
    assert!(proxy["image"].as_str().unwrap().starts_with("nginx"));
    let mount = proxy["volumes"][0].as_str().unwrap();
    let source = mount.split(':').next().unwrap();
    assert!(deploy(source).is_file(), "{source}");
    assert!(mount.contains(":/etc/nginx/nginx.conf"));
    for (name, _) in &nodes {
        assert!(
            depends_on(proxy).contains(name),
            "the proxy waits for {name}"
        );
    }
    let networks = proxy["networks"].as_mapping().unwrap();
    let (network, settings) = networks.iter().next().unwrap();
    let address: IpAddr = settings["ipv4_address"].as_str().unwrap().parse().unwrap();
    let trusted = trusted(&env["KRING_TRUSTED_PROXIES"]);
    assert!(
        trusted.iter().any(|net| net.contains(&address)),
        "the nodes trust the proxy at {address}"
    );
    assert!(
        trusted
            .iter()
            .all(|net| net.prefix_len() == net.max_prefix_len()),
        "only the proxy, not the whole network: {trusted:?}"
    );
    let subnet: IpNet = compose.document["networks"][network.as_str().unwrap()]["ipam"]["config"]
        [0]["subnet"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(subnet.contains(&address));

    // nginx sends to both nodes, at the port they listen on.
    let conf = read(&deploy("nginx/nginx.conf"));
    let upstream = block(&conf, "upstream kring");
    for (name, _) in &nodes {
        assert!(
            upstream.contains(&format!("server {name}:{listen_port}")),
            "{upstream}"
        );
    }
}

/// The body of the nginx block that starts with `header {` (braces balanced).
fn block<'a>(conf: &'a str, header: &str) -> &'a str {
    let start = conf
        .find(&format!("{header} {{"))
        .unwrap_or_else(|| panic!("no block {header}"));
    let open = start + conf[start..].find('{').unwrap() + 1;
    let mut depth = 1;
    for (i, c) in conf[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &conf[open..open + i];
                }
            }
            _ => {}
        }
    }
    panic!("{header} is not closed")
}

/// The directives of a block, one per `;`, with their words.
fn directives(body: &str) -> Vec<Vec<String>> {
    body.lines()
        .map(|l| l.split('#').next().unwrap())
        .collect::<Vec<_>>()
        .join(" ")
        .split(';')
        .map(|d| d.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .filter(|d| !d.is_empty() && !d.iter().any(|w| w.contains('{') || w.contains('}')))
        .collect()
}

fn seconds(value: &str) -> u64 {
    match value.strip_suffix('s') {
        Some(s) => s.parse().unwrap(),
        None => match value.strip_suffix('m') {
            Some(m) => m.parse::<u64>().unwrap() * 60,
            None => match value.strip_suffix('h') {
                Some(h) => h.parse::<u64>().unwrap() * 3600,
                None => value.parse().unwrap(),
            },
        },
    }
}

#[test]
fn nginx_passes_websocket_upgrades_on_the_live_route() {
    let conf = read(&deploy("nginx/nginx.conf"));
    let map = directives(block(&conf, "map $http_upgrade $connection_upgrade"));
    assert!(map.contains(&vec!["default".to_owned(), "upgrade".to_owned()]));

    let live = directives(block(&conf, &format!("location {LIVE}")));
    let has = |words: &[&str]| live.iter().any(|d| d == words);
    assert!(has(&["proxy_pass", "http://kring"]), "{live:?}");
    assert!(has(&["proxy_http_version", "1.1"]), "{live:?}");
    assert!(
        has(&["proxy_set_header", "Upgrade", "$http_upgrade"]),
        "{live:?}"
    );
    assert!(
        has(&["proxy_set_header", "Connection", "$connection_upgrade"]),
        "{live:?}"
    );
    // A location's proxy_set_header replaces all the server's: the client's
    // address must be passed here too, or the rate limits see only nginx.
    assert!(
        has(&[
            "proxy_set_header",
            "X-Forwarded-For",
            "$proxy_add_x_forwarded_for"
        ]),
        "{live:?}"
    );
    for timeout in ["proxy_read_timeout", "proxy_send_timeout"] {
        let value = live
            .iter()
            .find(|d| d[0] == timeout)
            .unwrap_or_else(|| panic!("{timeout}"));
        assert!(seconds(&value[1]) >= 600, "{value:?}: a quiet socket stays");
    }

    let server = directives(block(&conf, "server"));
    assert!(server.contains(&vec![
        "proxy_set_header".to_owned(),
        "X-Forwarded-For".to_owned(),
        "$proxy_add_x_forwarded_for".to_owned()
    ]));
    let metrics = directives(block(&conf, "location = /metrics"));
    assert_eq!(metrics, [["return", "404"]], "/metrics stays inside");
}

struct Kubernetes {
    /// (file, kind, document)
    documents: Vec<(String, String, Value)>,
}

impl Kubernetes {
    fn load() -> Kubernetes {
        let mut documents = vec![];
        let mut paths: Vec<_> = std::fs::read_dir(deploy("kubernetes"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            assert_eq!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml"),
                "{}",
                path.display()
            );
            let file = path.file_name().unwrap().to_str().unwrap().to_owned();
            for document in yaml_documents(&path) {
                let kind = document["kind"].as_str().expect("a kind").to_owned();
                documents.push((file.clone(), kind, document));
            }
        }
        Kubernetes { documents }
    }

    fn one(&self, kind: &str) -> &Value {
        let found: Vec<_> = self.documents.iter().filter(|d| d.1 == kind).collect();
        assert_eq!(found.len(), 1, "one {kind}");
        &found[0].2
    }
}

fn probe_path(container: &Value, probe: &str) -> String {
    container[probe]["httpGet"]["path"]
        .as_str()
        .unwrap_or_else(|| panic!("{probe}"))
        .to_owned()
}

#[test]
fn kubernetes_runs_two_probed_replicas_with_secrets_and_websocket_timeouts() {
    let k8s = Kubernetes::load();
    let known = known_variables();

    // kustomization.yaml lists every other file.
    let kustomization = k8s.one("Kustomization");
    let listed: BTreeSet<&str> = kustomization["resources"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let files: BTreeSet<&str> = k8s
        .documents
        .iter()
        .filter(|d| d.1 != "Kustomization")
        .map(|d| d.0.as_str())
        .collect();
    assert_eq!(listed, files);

    let deployment = k8s.one("Deployment");
    assert_eq!(deployment["spec"]["replicas"].as_u64(), Some(2));
    let pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        .as_mapping()
        .unwrap();
    for (k, v) in deployment["spec"]["selector"]["matchLabels"]
        .as_mapping()
        .unwrap()
    {
        assert_eq!(pod_labels.get(k), Some(v), "the selector finds the pods");
    }
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"].as_bool(), Some(true));
    let containers = pod["containers"].as_sequence().unwrap();
    assert_eq!(containers.len(), 1);
    let kring = &containers[0];

    let env: BTreeMap<&str, &Value> = kring["env"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e))
        .collect();
    for name in env.keys() {
        assert!(known.contains(*name), "{name} is not a kring variable");
    }
    for secret in ["KRING_SECRET", "KRING_DATABASE_URL"] {
        let entry = env.get(secret).unwrap_or_else(|| panic!("{secret}"));
        assert!(entry.get("value").is_none(), "{secret} in the clear");
        assert!(
            entry["valueFrom"]["secretKeyRef"]["name"].is_string()
                && entry["valueFrom"]["secretKeyRef"]["key"].is_string(),
            "{secret} comes from a Secret"
        );
    }
    trusted(env["KRING_TRUSTED_PROXIES"]["value"].as_str().unwrap());
    let listen = env["KRING_LISTEN"]["value"].as_str().unwrap();
    assert!(
        listen.starts_with("0.0.0.0:"),
        "reachable from outside the pod"
    );

    let port = &kring["ports"][0];
    assert_eq!(port["containerPort"].as_u64(), Some(port_of(listen).into()));
    let port_name = port["name"].as_str().unwrap();
    assert_eq!(probe_path(kring, "readinessProbe"), "/readyz");
    assert_eq!(probe_path(kring, "livenessProbe"), "/healthz");
    if kring.get("startupProbe").is_some() {
        assert_eq!(probe_path(kring, "startupProbe"), "/healthz");
    }
    for probe in ["readinessProbe", "livenessProbe"] {
        assert_eq!(kring[probe]["httpGet"]["port"].as_str(), Some(port_name));
    }
    if let Some(args) = kring.get("args") {
        assert_eq!(args[0].as_str(), Some("serve"));
    }

    let service = k8s.one("Service");
    for (k, v) in service["spec"]["selector"].as_mapping().unwrap() {
        assert_eq!(pod_labels.get(k), Some(v), "the Service finds the pods");
    }
    let service_port = &service["spec"]["ports"][0];
    assert_eq!(service_port["targetPort"].as_str(), Some(port_name));

    let ingress = k8s.one("Ingress");
    let annotations = ingress["metadata"]["annotations"].as_mapping().unwrap();
    for timeout in ["proxy-read-timeout", "proxy-send-timeout"] {
        let key = format!("nginx.ingress.kubernetes.io/{timeout}");
        let value = annotations
            .get(key.as_str())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{key}"));
        assert!(seconds(value) >= 600, "{key}: {value}");
    }
    let paths = ingress["spec"]["rules"][0]["http"]["paths"]
        .as_sequence()
        .unwrap();
    let live = paths
        .iter()
        .find(|p| {
            let path = p["path"].as_str().unwrap();
            match p["pathType"].as_str().unwrap() {
                "Exact" => path == LIVE,
                _ => LIVE.starts_with(path),
            }
        })
        .expect("a path that covers the live route");
    let backend = &live["backend"]["service"];
    assert_eq!(backend["name"], service["metadata"]["name"]);
    assert_eq!(backend["port"]["name"], service_port["name"]);
}

#[test]
fn the_systemd_unit_runs_commands_and_flags_the_binary_has() {
    let unit = read(&deploy("kring.service"));
    let top = help(&[]);
    let serve = help(&["serve"]);
    for line in unit.lines() {
        let Some((key, command)) = line.split_once('=') else {
            continue;
        };
        if !key.starts_with("ExecStart") {
            continue;
        }
        let mut words = command.split_whitespace();
        assert_eq!(words.next(), Some("/usr/local/bin/kring"), "{line}");
        let subcommand = words.next().expect("a subcommand");
        assert!(top.contains(&format!("\n  {subcommand} ")), "{line}");
        for flag in words.filter(|w| w.starts_with("--")) {
            let flag = flag.split('=').next().unwrap();
            assert!(serve.contains(&format!("{flag} ")), "{line}");
        }
    }
    assert!(unit.contains("ExecStart=/usr/local/bin/kring serve"));
    assert!(unit.contains("KillSignal=SIGTERM"));
}

#[test]
fn the_readme_tells_how_to_use_each_deploy_file_and_every_setting() {
    let readme = read(&root().join("README.md"));
    let deploy_section = readme
        .split("### Deploy")
        .nth(1)
        .expect("a Deploy section")
        .split("\n### ")
        .next()
        .unwrap();
    for file in [
        "deploy/Dockerfile",
        "deploy/compose.yaml",
        "deploy/kubernetes/",
        "deploy/kring.service",
        "scripts/check-proxy-config.sh",
    ] {
        assert!(deploy_section.contains(file), "README Deploy: {file}");
    }
    assert!(root().join("scripts/check-proxy-config.sh").is_file());
    let settings = readme
        .split("### Settings")
        .nth(1)
        .expect("a Settings section")
        .split("\n### ")
        .next()
        .unwrap();
    for variable in known_variables() {
        assert!(
            settings.contains(&format!("`{variable}`")),
            "README Settings: {variable}"
        );
    }
}

/// nginx's access log would otherwise keep every calendar feed's secret (and
/// every mail link's): anyone reading the logs could follow a family's rota.
/// Every path whose secret Kring's own log hides is hidden by nginx's too, and
/// the log format carries no raw request line, query string or Referer.
#[test]
fn nginx_logs_no_secret_from_a_path() {
    let conf = read(&deploy("nginx/nginx.conf"));
    let http = block(&conf, "http");
    let logs: Vec<Vec<String>> = directives(http)
        .into_iter()
        .filter(|d| d[0] == "access_log")
        .collect();
    assert!(!logs.is_empty(), "no access_log in the http block");
    for log in &logs {
        assert!(
            log.get(2).map(String::as_str) == Some("kring") || log[1] == "off",
            "an access log without the kring format: {log:?}"
        );
    }
    let format_start = conf.find("log_format kring").expect("log_format kring");
    let format = &conf[format_start..format_start + conf[format_start..].find(';').unwrap()];
    for raw in [
        "$request ",
        "$request\"",
        "$request_uri",
        "$uri",
        "$args",
        "$query_string",
        "$http_referer",
        "$arg_",
    ] {
        assert!(
            !format.contains(raw),
            "the log format writes {raw}: {format}"
        );
    }
    assert!(format.contains("$loggable_path"), "{format}");

    // The map's alternatives, as nginx reads its regex.
    let map = block(&conf, "map $uri $loggable_path");
    let regex = map.split('"').nth(1).expect("the map's regex");
    let prefixes: Vec<&str> = regex
        .trim_start_matches("~^(?<kept>")
        .trim_end_matches(')')
        .split('|')
        .collect();
    let secret = "n_fXDcNNoDwISrUECPuBjItbl_KpjSUjAilPdtyLsDQ";
    for path in [
        format!("/calendar/{secret}.ics"),
        format!("/m/{secret}"),
        format!("/links/{secret}"),
        format!("/api/v1/links/{secret}"),
        format!("/api/v1/password-reset/{secret}"),
    ] {
        assert!(
            !kring_server::loggable_path(&path).contains(secret),
            "{path}"
        );
        assert!(
            prefixes.iter().any(|p| path.starts_with(p)),
            "nginx would log the secret of {path}: {prefixes:?}"
        );
    }
}
