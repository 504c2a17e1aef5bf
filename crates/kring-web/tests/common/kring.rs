//! Kring in this process: a fresh SQLite file, its projector, and HTTP
//! servers on 127.0.0.1 serving the pages and the API, as `kring serve` does.

use std::net::SocketAddr;

use kring_server::{AppState, Settings};
use kring_testkit::TestLog;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// One database with its projector. Servers come and go on top of it
/// ([`Kring::serve`]); the projector runs until this is dropped.
pub struct Kring {
    pub test: TestLog,
    views: watch::Receiver<u64>,
    projector: JoinHandle<()>,
}

impl Kring {
    pub async fn start() -> Kring {
        let test = TestLog::sqlite().await;
        let projector = kring_views::Projector::open(test.log.clone())
            .await
            .expect("open the projector");
        let views = projector.progress();
        let projector = tokio::spawn(projector.run());
        Kring {
            test,
            views,
            projector,
        }
    }

    /// A database with a server on a free port.
    pub async fn with_server() -> (Kring, Server) {
        let kring = Kring::start().await;
        let server = kring.serve().await;
        (kring, server)
    }

    /// A new server on a free port of 127.0.0.1.
    pub async fn serve(&self) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        self.serve_on(listener).await
    }

    /// A new server on `address`, such as the one of a server that was
    /// stopped (browsers reconnect to the same address).
    pub async fn serve_at(&self, address: SocketAddr) -> Server {
        let listener = super::eventually(super::WAIT, &format!("{address} to be free"), || async {
            TcpListener::bind(address).await.map_err(|e| e.to_string())
        })
        .await;
        self.serve_on(listener).await
    }

    async fn serve_on(&self, listener: TcpListener) -> Server {
        // Journeys sign up, log in and invite many people from one address
        // within seconds; the limits themselves are tested in kring-server.
        let roomy = kring_server::Limit::per_minute(10_000);
        let settings = Settings {
            rate_limits: kring_server::RateLimits {
                log_in: roomy,
                sign_up: roomy,
                invitations: roomy,
                writes: roomy,
                writes_per_account: roomy,
                password_checks: roomy,
            },
            ..Settings::default()
        };
        let state = AppState::new(self.test.log.clone(), settings)
            .await
            .expect("set up the server");
        let address = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            // As `kring serve` mounts them: the pages on the API, beside it.
            let pages = kring_web::routes(kring_server::api_router(&state));
            kring_server::serve(listener, state, pages, async {
                let _ = stopped.await;
            })
            .await
            .expect("serve");
        });
        Server {
            base: format!("http://{address}"),
            address,
            stop: Some(stop),
            task: Some(task),
        }
    }
}

impl Kring {
    /// Starts the notifier and the sender, delivering to the shared test SMTP
    /// server, with links to `server`. Mail stops when the answer is dropped.
    pub async fn start_mail(&self, server: &Server) -> kring_notify::MailTasks {
        let smtp = kring_testkit::SmtpServer::shared();
        let transport = kring_notify::Transport::from_url(&smtp.url()).expect("an SMTP URL");
        let secret = kring_app::server_secret(self.test.log.as_ref(), None)
            .await
            .expect("the server secret");
        let settings = kring_notify::MailSettingsOfServer {
            public_url: server.base.clone(),
            from: "Kring <kring@example.org>".to_owned(),
        };
        kring_notify::start(self.test.log.clone(), &secret, transport, settings)
            .await
            .expect("start mail")
    }
}

impl Drop for Kring {
    fn drop(&mut self) {
        self.projector.abort();
    }
}

/// One HTTP server; stopped when dropped.
pub struct Server {
    /// `http://127.0.0.1:<port>`, without a slash at the end.
    pub base: String,
    pub address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the server as `kring serve` stops on SIGTERM: open sockets are
    /// closed, and it no longer listens once this returns.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(super::WAIT, task).await.is_err() {
                abort.abort();
                panic!("the server did not stop within {:?}", super::WAIT);
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Mail beside a server: the notifier and the sender, delivering to the test
/// binary's shared SMTP server (a real aiosmtpd process), with links under
/// the server's address. Stops when dropped.
pub async fn start_mail(kring: &Kring, server: &Server) -> kring_notify::MailTasks {
    let smtp = kring_testkit::SmtpServer::shared();
    let transport = kring_notify::Transport::from_url(&smtp.url()).expect("an SMTP URL");
    let secret = kring_app::server_secret(kring.test.log.as_ref(), None)
        .await
        .expect("the server secret");
    let settings = kring_notify::MailSettingsOfServer {
        public_url: server.base.clone(),
        from: "Kring <kring@example.org>".to_owned(),
    };
    kring_notify::start(kring.test.log.clone(), &secret, transport, settings)
        .await
        .expect("start mail")
}

/// Marks `email`'s address proven, as following the verification link does
/// (through the account command itself): mails go only to proven addresses.
pub async fn verify_email(kring: &Kring, email: &str) {
    use std::sync::Arc;

    use kring_domain::Services;
    let log = kring.test.log.clone();
    let secret = kring_app::server_secret(log.as_ref(), None)
        .await
        .expect("the server secret");
    let lookup = kring_app::EmailLookup::new(&secret);
    let email_lookup = lookup.of(&kring_app::Email::parse(email).expect("an address"));
    let commands = Arc::new(kring_app::Commands::new(log.clone(), Services::system()));
    let accounts = kring_app::Accounts::new(log, commands, lookup);
    let account = accounts
        .find(email)
        .await
        .expect("look the address up")
        .expect("an account with this address");
    accounts
        .verify_email(account, &email_lookup)
        .await
        .expect("the address is proven");
}
