use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use ipnet::IpNet;
use kring_domain::PersonId;
use kring_store::{Durability, OpenOptions, Store};

#[derive(Parser, Debug)]
#[command(
    name = "kring",
    version,
    about = "Care circles around a person who needs care"
)]
pub struct Cli {
    #[command(flatten)]
    pub store: StoreArgs,
    /// How log lines on stderr look: `text` for people, `json` (one object a
    /// line) for a log collector.
    #[arg(
        long,
        env = "KRING_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text,
        global = true
    )]
    pub log_format: LogFormat,
    /// What to do; `serve` when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve(ServeArgs),
    /// Create or update the database schema, then exit.
    Migrate,
    /// Check every stream's hash chain; exits with 2 when one is broken.
    Verify,
    /// Drop every view and rebuild it from the log, with a progress bar.
    Rebuild,
    /// Fill an empty database with a demo circle (a family around a mother at
    /// home after heart surgery) and print its accounts; adds nothing to a
    /// database that holds circles already.
    Demo {
        /// The server secret `kring serve` will use (see `serve --secret`).
        #[arg(long, env = "KRING_SECRET", hide_env_values = true)]
        secret: Option<Secret>,
    },
    /// Erase a person, as deleting their own account does: record them leaving
    /// every circle and organisation, delete their log-in, sessions, calendar
    /// feeds and mail, free their address, and destroy the key of their
    /// personal data, so their name, contact details and writing can never be
    /// read again. Their events stay in the log, shown as "a former member".
    /// May run while nodes serve; running it again finishes an interrupted
    /// run. Exits with 1 when nothing about that id was left to erase.
    Forget {
        /// The person's id (a UUID).
        person: PersonId,
    },
}

impl Cli {
    /// Parses the command line; without a subcommand it is `serve`, parsed by
    /// clap like any other (so a bad `KRING_LISTEN` is an error, not ignored).
    pub fn parse_with_default() -> Cli {
        let cli = Cli::parse();
        if cli.command.is_some() {
            return cli;
        }
        Cli::parse_from(std::env::args_os().chain(["serve".into()]))
    }
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "KRING_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Where people reach Kring, such as `https://kring.example.org` (default: the
    /// listen address over plain HTTP). Behind https the session cookie is
    /// `__Host-kring_session` and Secure; over plain HTTP it is `kring_session`.
    #[arg(long, env = "KRING_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Key (at least 32 characters) of the hash that finds accounts by e-mail
    /// address. Left out, one is made and kept in the database on first start.
    /// Set it before the first start or never: a new key makes every account unfindable.
    #[arg(long, env = "KRING_SECRET", hide_env_values = true)]
    pub secret: Option<Secret>,
    /// A reverse proxy (an address or CIDR range such as `10.0.0.0/8`) whose
    /// `X-Forwarded-For` is believed, so that the rate limits count per client
    /// rather than per proxy. Repeat the flag for several; in the environment,
    /// separate them with commas.
    #[arg(
        long = "trusted-proxy",
        env = "KRING_TRUSTED_PROXIES",
        value_name = "CIDR",
        value_delimiter = ',',
        value_parser = parse_network
    )]
    pub trusted_proxies: Vec<IpNet>,
    /// Writes one account may make a minute (all at once, then evenly); one
    /// client address may make ten times as many. Raise it for load tests.
    #[arg(long, env = "KRING_WRITES_PER_MINUTE", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    pub writes_per_minute: u32,
    /// Password checks (log-ins, a new password or address, deleting an
    /// account) of one account a minute, from any number of addresses. Raise
    /// it for load tests that log in as one account again and again.
    #[arg(long, env = "KRING_PASSWORD_CHECKS_PER_MINUTE", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub password_checks_per_minute: u32,
    /// Before serving, fill the database with the demo circle (as `kring demo`)
    /// when it holds no circles yet, and print the demo accounts.
    #[arg(long, env = "KRING_DEMO")]
    pub demo: bool,
    #[command(flatten)]
    pub mail: MailArgs,
}

/// How Kring sends mail.
#[derive(Args, Debug, Clone, Default)]
pub struct MailArgs {
    /// The SMTP server, in lettre's URL form: `smtp://host:25` (plain, for a
    /// local relay), `smtp://user:password@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:password@host:465` (TLS). Left out, mails are written as
    /// .eml files into a folder next to the database (the log says where).
    #[arg(long, env = "KRING_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// A file holding the SMTP password (instead of one in the URL, which then
    /// names only the user): for secrets mounted as files.
    #[arg(long, env = "KRING_SMTP_PASSWORD_FILE")]
    pub smtp_password_file: Option<std::path::PathBuf>,
    /// The sender of Kring's mails, such as `Kring <kring@example.org>`.
    #[arg(
        long,
        env = "KRING_MAIL_FROM",
        default_value = "Kring <kring@localhost>"
    )]
    pub mail_from: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// A CIDR range, or one address (as a /32 or /128).
fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| format!("{text:?} is neither an address nor a CIDR range such as 10.0.0.0/8"))
}

/// A secret from the command line or the environment: never printed.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

#[derive(Args, Debug, Clone)]
pub struct StoreArgs {
    /// Where the event log lives: `sqlite:FILE` (the default, created if missing) or `postgres://…`.
    #[arg(
        long,
        env = "KRING_DATABASE_URL",
        default_value = "sqlite:kring.db",
        // Its password must not appear in `--help`.
        hide_env_values = true,
        global = true
    )]
    pub database_url: String,
    /// Start even if the database could lose data on a crash (fsync off). Only for throw-away data.
    #[arg(long, env = "KRING_ALLOW_UNSAFE_DURABILITY", global = true)]
    pub allow_unsafe_durability: bool,
    /// Most database connections this process opens (Postgres).
    #[arg(
        long,
        env = "KRING_DATABASE_MAX_CONNECTIONS",
        default_value_t = 20,
        global = true
    )]
    pub database_max_connections: u32,
}

impl StoreArgs {
    pub async fn open(&self) -> anyhow::Result<Arc<dyn Store>> {
        kring_store::open(&self.database_url, &self.options())
            .await
            .with_context(|| format!("cannot open the event log at {}", self.display_url()))
    }

    /// The store opened to forget people (`kring forget`).
    pub async fn open_forgetter(&self) -> anyhow::Result<kring_app::Forgetter> {
        kring_app::Forgetter::open(&self.database_url, &self.options())
            .await
            .with_context(|| format!("cannot open the event log at {}", self.display_url()))
    }

    fn options(&self) -> OpenOptions {
        OpenOptions {
            durability: if self.allow_unsafe_durability {
                Durability::WarnOnly
            } else {
                Durability::Require
            },
            max_connections: self.database_max_connections,
        }
    }

    /// Where mails go without SMTP: `<name>-mail/` beside an SQLite database file,
    /// else `kring-mail/` in the working folder.
    pub fn mail_folder(&self) -> std::path::PathBuf {
        let file = self
            .database_url
            .strip_prefix("sqlite://")
            .or_else(|| self.database_url.strip_prefix("sqlite:"))
            .map(|rest| rest.split('?').next().unwrap_or(rest));
        match file {
            Some(file) if !file.is_empty() && file != ":memory:" => {
                let file = std::path::Path::new(file);
                let dir = file.parent().unwrap_or(std::path::Path::new(""));
                let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("kring");
                dir.join(format!("{stem}-mail"))
            }
            _ => std::path::PathBuf::from("kring-mail"),
        }
    }

    /// The URL without its password, fit for logs and screens.
    pub fn display_url(&self) -> String {
        redact_password(&self.database_url)
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_network, redact_password};

    #[test]
    fn trusted_proxies_are_ranges_or_single_addresses() {
        assert_eq!(
            parse_network("10.0.0.0/8").unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert_eq!(
            parse_network(" 10.1.2.3/8 ").unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert_eq!(
            parse_network("192.0.2.7").unwrap().to_string(),
            "192.0.2.7/32"
        );
        assert_eq!(
            parse_network("2001:db8::/32").unwrap().to_string(),
            "2001:db8::/32"
        );
        assert_eq!(parse_network("::1").unwrap().to_string(), "::1/128");
        assert!(parse_network("proxy.internal").is_err());
        assert!(parse_network("10.0.0.0/33").is_err());
    }

    #[test]
    fn trusted_proxies_repeat_or_come_comma_separated() {
        use clap::Parser;
        let proxies = |args: &[&str]| {
            let cli = super::Cli::try_parse_from(["kring", "serve"].iter().chain(args)).unwrap();
            match cli.command {
                Some(super::Command::Serve(serve)) => serve
                    .trusted_proxies
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>(),
                other => panic!("{other:?}"),
            }
        };
        let both = ["10.0.0.0/8", "192.0.2.1/32"];
        assert_eq!(
            proxies(&[
                "--trusted-proxy",
                "10.0.0.0/8",
                "--trusted-proxy",
                "192.0.2.1"
            ]),
            both
        );
        assert_eq!(proxies(&["--trusted-proxy", "10.0.0.0/8, 192.0.2.1"]), both);
        assert!(proxies(&[]).is_empty() || std::env::var_os("KRING_TRUSTED_PROXIES").is_some());
    }

    #[test]
    fn passwords_never_reach_the_screen() {
        assert_eq!(
            redact_password("postgres://kring:s3cret@db:5432/kring"),
            "postgres://kring:***@db:5432/kring"
        );
        assert_eq!(
            redact_password("postgres://kring@db/kring"),
            "postgres://kring@db/kring"
        );
        assert_eq!(redact_password("sqlite:kring.db"), "sqlite:kring.db");
    }
}
