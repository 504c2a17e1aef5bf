//! A real server on 127.0.0.1:0 with its own projector and a fresh database,
//! and HTTP clients that keep cookies like a browser.
#![allow(dead_code)]

use std::time::Duration;

use kring_protocol::v1;
use kring_server::{AppState, Settings};
use kring_testkit::TestLog;
use reqwest::{Client, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct Server {
    pub base: String,
    pub test: TestLog,
    shutdown: Option<oneshot::Sender<()>>,
    tasks: Vec<JoinHandle<()>>,
    /// The notifier and sender, when started with [`Server::start_with_mail`].
    mail: Option<kring_notify::MailTasks>,
}

impl Server {
    pub async fn start(test: TestLog) -> Server {
        // Journeys sign up and invite many people from one address in
        // seconds; the limits themselves are tested in protection.rs.
        let roomy = kring_server::Limit::per_minute(10_000);
        let settings = Settings {
            // Generous: a loaded CI machine may lag; a read returns as soon as it can.
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
        Server::start_with(test, settings).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client: keeps the cookies it is given.
    pub fn browser(&self) -> Browser {
        Browser {
            client: Client::builder()
                .cookie_store(true)
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            base: self.base.clone(),
        }
    }

    pub async fn events(&self) -> u64 {
        self.test.log.event_count().await.expect("count events")
    }

    /// Signs up and logs in a new person; returns their browser and account id.
    pub async fn person(&self, name: &str, email: &str) -> (Browser, String) {
        let browser = self.browser();
        let created: v1::AccountCreated = browser
            .post_ok(
                "/api/v1/accounts",
                &v1::SignUp {
                    name: name.into(),
                    email: email.into(),
                    password: "correct horse battery".into(),
                },
                StatusCode::CREATED,
            )
            .await;
        let _: v1::Me = browser
            .post_ok(
                "/api/v1/session",
                &v1::LogIn {
                    email: email.into(),
                    password: "correct horse battery".into(),
                },
                StatusCode::OK,
            )
            .await;
        (browser, created.id.to_string())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        for task in &self.tasks {
            task.abort();
        }
    }
}

pub struct Browser {
    pub client: Client,
    pub base: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        read(self.client.get(format!("{}{path}", self.base)).send().await).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        read(
            self.client
                .post(format!("{}{path}", self.base))
                .json(&body)
                .send()
                .await,
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        read(
            self.client
                .delete(format!("{}{path}", self.base))
                .send()
                .await,
        )
        .await
    }
}

/// Status and JSON body (`null` when empty). An error must be problem+json.
pub async fn read(response: reqwest::Result<Response>) -> (StatusCode, Value) {
    let response = response.expect("the server answers");
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned());
    let text = response.text().await.expect("a body");
    if status.is_client_error() || status.is_server_error() {
        assert_eq!(
            content_type.as_deref(),
            Some("application/problem+json"),
            "{status}: {text}"
        );
    }
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {text}"))
    };
    if content_type.as_deref() == Some("application/problem+json") {
        assert_eq!(body["status"], status.as_u16(), "{body}");
        assert!(body["type"]
            .as_str()
            .unwrap()
            .starts_with("urn:kring:problem:"));
        assert!(body["title"].is_string());
        assert!(body["detail"].is_string());
    }
    (status, body)
}

/// Pages as the binary mounts kring-web's beside the API, without the UI:
/// a home page and a log-in form, so the tests see the protection, headers
/// and metrics around the pages too.
pub fn stand_in_pages() -> axum::Router {
    use axum::response::Html;
    use axum::routing::get;
    axum::Router::new()
        .route(
            "/",
            get(|| async { Html("<!DOCTYPE html><title>Kring</title>") }),
        )
        .route(
            "/login",
            get(|| async { Html("<form method=post></form>") })
                .post(|| async { axum::http::StatusCode::SEE_OTHER }),
        )
}

impl Server {
    /// Like [`Server::start`], with the caller's settings (tight rate limits, a public URL).
    pub async fn start_with(test: TestLog, settings: Settings) -> Server {
        let projector = kring_views::Projector::open(test.log.clone())
            .await
            .expect("open the projector");
        let projector = tokio::spawn(projector.run());
        let forgetter = kring_app::Forgetter::open(&test.url, &Default::default())
            .await
            .expect("open the database for erasing");
        let state = AppState::new(test.log.clone(), settings)
            .await
            .expect("set up the server")
            .with_forgetter(forgetter);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let (shutdown, stop) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            kring_server::serve(listener, state, stand_in_pages(), async {
                let _ = stop.await;
            })
            .await
            .expect("serve");
        });
        Server {
            base: format!("http://{address}"),
            test,
            shutdown: Some(shutdown),
            tasks: vec![server, projector],
            mail: None,
        }
    }

    /// Like [`Server::start`], with the notifier and the sender delivering to
    /// the test binary's shared SMTP server (a real aiosmtpd process): use
    /// addresses no other test uses.
    pub async fn start_with_mail(test: TestLog) -> Server {
        let mut server = Server::start(test).await;
        let smtp = kring_testkit::SmtpServer::shared();
        let transport = kring_notify::Transport::from_url(&smtp.url()).expect("an SMTP URL");
        let secret = kring_app::server_secret(server.test.log.as_ref(), None)
            .await
            .expect("the server secret");
        let settings = kring_notify::MailSettingsOfServer {
            public_url: server.base.clone(),
            from: "Kring <kring@example.org>".to_owned(),
        };
        let tasks = kring_notify::start(server.test.log.clone(), &secret, transport, settings)
            .await
            .expect("start mail");
        server.mail = Some(tasks);
        server
    }

    /// Makes `colleague` an intermediary of `organisation`, added by
    /// `inviter`, through the domain: what accepting a mailed invitation does
    /// (tests of that path are in mail_accounts.rs).
    pub async fn add_colleague(&self, organisation: &str, inviter: &str, colleague: &str) {
        let person = |id: &str| kring_domain::PersonId(id.parse().expect("an account id"));
        let organisation = kring_domain::OrganisationId(organisation.parse().expect("an id"));
        kring_app::Commands::new(self.test.log.clone(), kring_domain::Services::system())
            .organisation(
                organisation,
                kring_domain::OrganisationCommand {
                    actor: person(inviter),
                    action: kring_domain::OrganisationAction::AddIntermediary {
                        person: person(colleague),
                    },
                },
            )
            .await
            .expect("add the colleague");
    }

    /// A browser-like client whose connections come from `address` (on Linux
    /// every address of 127.0.0.0/8 is this machine), as another client would.
    pub fn browser_from(&self, address: std::net::IpAddr) -> Browser {
        Browser {
            client: Client::builder()
                .cookie_store(true)
                .local_address(address)
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            base: self.base.clone(),
        }
    }
}

impl Browser {
    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        read(
            self.client
                .put(format!("{}{path}", self.base))
                .json(&body)
                .send()
                .await,
        )
        .await
    }
}

impl Server {
    /// Signs up a new person and has them join `circle` in `ring` ("warm" or
    /// "lukewarm") through the invitation routes: `coordinator` invites, the
    /// newcomer accepts the code. Returns once the newcomer can read the
    /// circle, with their browser and person id.
    pub async fn join(&self, coordinator: &Browser, circle: &str, ring: &str) -> (Browser, String) {
        let name = format!("A {ring} member");
        let ring = serde_json::from_value(Value::from(ring)).expect("a ring");
        self.join_with(
            coordinator,
            circle,
            &name,
            v1::Invite {
                ring,
                role: v1::Role::Member,
                task: None,
                expires_in_days: None,
            },
        )
        .await
    }

    /// Like [`Server::join`], with the newcomer's name and the whole invitation
    /// (a [`v1::Invite`] with `ring: Cold, task: Some(request)` for a volunteer,
    /// `role: Coordinator`).
    pub async fn join_with(
        &self,
        coordinator: &Browser,
        circle: &str,
        name: &str,
        invitation: impl Serialize,
    ) -> (Browser, String) {
        let email = format!("{}@example.org", uuid::Uuid::new_v4().simple());
        let (browser, person) = self.person(name, &email).await;
        let invited: v1::InvitationCreated = coordinator
            .post_ok(
                &format!("/api/v1/circles/{circle}/invitations"),
                &invitation,
                StatusCode::CREATED,
            )
            .await;
        let joined: v1::Joined = browser
            .post_ok(
                "/api/v1/invitations/accept",
                &v1::AcceptInvitation { code: invited.code },
                StatusCode::OK,
            )
            .await;
        let _: v1::Circle = browser
            .get_ok(&format!(
                "/api/v1/circles/{circle}?min_version={}",
                joined.version
            ))
            .await;
        (browser, person)
    }
}

impl Server {
    /// A handle on a server the test started itself (its own settings, no
    /// projector): for `person`, `browser` and `events`.
    pub fn detached(base: String, test: TestLog) -> Server {
        Server {
            base,
            test,
            shutdown: None,
            tasks: vec![],
            mail: None,
        }
    }
}

/// A live-updates client: a WebSocket on `/api/v1/live` with a person's session.
pub mod live {
    use std::time::Duration;

    use futures::{SinkExt, StreamExt};
    use serde_json::{json, Value};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Message;

    pub type Socket = tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >;

    /// Logs `email` in on its own (a fresh session) and answers the cookie header.
    pub async fn session_cookie(base: &str, email: &str) -> String {
        let response = reqwest::Client::new()
            .post(format!("{base}/api/v1/session"))
            .json(&kring_protocol::v1::LogIn {
                email: email.into(),
                password: "correct horse battery".into(),
            })
            .send()
            .await
            .expect("log in");
        assert!(response.status().is_success(), "{}", response.status());
        let set = response.headers()["set-cookie"].to_str().unwrap();
        set.split(';').next().unwrap().to_owned()
    }

    pub async fn connect(base: &str, cookie: &str) -> Socket {
        let url = format!("{}/api/v1/live", base.replacen("http://", "ws://", 1));
        let mut request = url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("connect");
        socket
    }

    /// Sends `message` (a `v1::ClientMessage`, or JSON the types cannot express).
    pub async fn send(socket: &mut Socket, message: impl serde::Serialize) {
        let text = serde_json::to_string(&message).expect("a message");
        socket.send(Message::Text(text.into())).await.expect("send");
    }

    /// The next JSON message, within ten seconds.
    pub async fn next(socket: &mut Socket) -> Value {
        let deadline = Duration::from_secs(10);
        loop {
            let message = tokio::time::timeout(deadline, socket.next())
                .await
                .expect("a message within 10 s")
                .expect("the socket is open")
                .expect("a frame");
            match message {
                Message::Text(text) => return serde_json::from_str(&text).unwrap(),
                Message::Close(frame) => {
                    return json!({"type": "closed", "frame": format!("{frame:?}")})
                }
                _ => continue,
            }
        }
    }

    /// Nothing arrives for `quiet` (pings aside).
    pub async fn silent(socket: &mut Socket, quiet: Duration) -> Option<Value> {
        loop {
            match tokio::time::timeout(quiet, socket.next()).await {
                Err(_) => return None,
                Ok(Some(Ok(Message::Text(text)))) => {
                    return Some(serde_json::from_str(&text).unwrap())
                }
                Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
                Ok(other) => return Some(json!({"type": "other", "what": format!("{other:?}")})),
            }
        }
    }

    /// Messages until `subscribed` for the circle (included).
    pub async fn until_subscribed(socket: &mut Socket) -> Vec<Value> {
        let mut got = vec![];
        loop {
            let message = next(socket).await;
            let done = message["type"] == "subscribed"
                || message["type"] == "error"
                || message["type"] == "reload";
            got.push(message);
            if done {
                return got;
            }
        }
    }
}

impl Browser {
    /// GETs `path` until its body satisfies `done` (the read side catching up
    /// with something not tied to a circle version), for at most ten seconds.
    pub async fn get_until(&self, path: &str, done: impl Fn(&Value) -> bool) -> Value {
        let what = format!("{path} to come to the expected answer");
        kring_testkit::eventually(Duration::from_secs(10), &what, || async {
            let (status, body) = self.get(path).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
            if done(&body) {
                Ok(body)
            } else {
                Err(body.to_string())
            }
        })
        .await
    }
}

/// A typed answer: the wire type on success, the problem otherwise.
pub type Answer<A> = Result<A, v1::Problem>;

/// Reads `body` as `A` when `status` is a success, as a problem otherwise.
pub fn typed<A: DeserializeOwned>(status: StatusCode, body: Value) -> Answer<A> {
    if status.is_success() {
        Ok(serde_json::from_value(body.clone())
            .unwrap_or_else(|e| panic!("{status}: not the expected type ({e}): {body}")))
    } else {
        Err(serde_json::from_value(body.clone())
            .unwrap_or_else(|e| panic!("{status}: not a problem ({e}): {body}")))
    }
}

/// Typed requests: bodies and answers are the wire types of `kring_protocol::v1`,
/// so a renamed field fails to compile. `*_as` answer the status and the typed
/// answer; `*_ok` expect a status and answer the body.
impl Browser {
    pub async fn get_as<A: DeserializeOwned>(&self, path: &str) -> (StatusCode, Answer<A>) {
        let (status, body) = self.get(path).await;
        (status, typed(status, body))
    }

    pub async fn post_as<A: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> (StatusCode, Answer<A>) {
        let body = serde_json::to_value(body).expect("a body");
        let (status, answer) = self.post(path, body).await;
        (status, typed(status, answer))
    }

    pub async fn put_as<A: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> (StatusCode, Answer<A>) {
        let body = serde_json::to_value(body).expect("a body");
        let (status, answer) = self.put(path, body).await;
        (status, typed(status, answer))
    }

    pub async fn delete_as<A: DeserializeOwned>(&self, path: &str) -> (StatusCode, Answer<A>) {
        let (status, body) = self.delete(path).await;
        (status, typed(status, body))
    }

    pub async fn get_ok<A: DeserializeOwned>(&self, path: &str) -> A {
        expect(path, StatusCode::OK, self.get_as(path).await)
    }

    pub async fn post_ok<A: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
        status: StatusCode,
    ) -> A {
        expect(path, status, self.post_as(path, body).await)
    }

    pub async fn put_ok<A: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
        status: StatusCode,
    ) -> A {
        expect(path, status, self.put_as(path, body).await)
    }

    /// Posts `body` and expects a refusal with `status`; answers the problem.
    pub async fn post_refused(
        &self,
        path: &str,
        body: &impl Serialize,
        status: StatusCode,
    ) -> v1::Problem {
        let (answer, problem) = self.post_as::<Value>(path, body).await;
        assert_eq!(answer, status, "{path}: {problem:?}");
        problem.expect_err("a refusal")
    }
}

/// The answer when the status is `wanted`; panics with the answer otherwise.
pub fn expect<A>(path: &str, wanted: StatusCode, (status, answer): (StatusCode, Answer<A>)) -> A {
    assert_eq!(status, wanted, "{path}: {:?}", answer.as_ref().err());
    answer.unwrap_or_else(|problem| panic!("{path}: {problem:?}"))
}

/// An empty request body (`{}`), for actions that take none.
#[derive(Serialize)]
pub struct Empty {}

impl Browser {
    /// Like [`Browser::get_until`], with the answer read as `A`.
    pub async fn get_until_as<A: DeserializeOwned>(
        &self,
        path: &str,
        done: impl Fn(&A) -> bool,
    ) -> A {
        let body = self
            .get_until(path, |body| {
                done(&typed(StatusCode::OK, body.clone()).unwrap())
            })
            .await;
        typed(StatusCode::OK, body).unwrap()
    }
}

/// Marks `email`'s address proven, as following the verification link does
/// (through the account command itself): mails go only to proven addresses.
pub async fn verify_email(server: &Server, email: &str) {
    use std::sync::Arc;

    use kring_domain::Services;
    let log = server.test.log.clone();
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

/// A fresh address for a test that receives mail (the SMTP server is shared).
pub fn mail_address(name: &str) -> String {
    format!("{name}-{}@example.org", uuid::Uuid::new_v4().simple())
}
