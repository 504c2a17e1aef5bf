//! A client of one node, speaking HTTP and WebSocket only: the session cookie
//! is sent by hand, like an app would; `Origin` only when a test sets one.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Every test account's password.
pub const PASSWORD: &str = "correct horse battery";

/// The WebSocket of `/api/v1/live`.
pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// An answer: its status, its body as JSON (a string when it was not JSON)
/// and the `name=value` of a cookie it set.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub set_cookie: Option<String>,
    /// The path of the next page of a list (its `Link: <...>; rel="next"`).
    pub next: Option<String>,
}

impl Answer {
    /// Panics with the body unless the status is `expected`.
    #[track_caller]
    pub fn expect(self, expected: StatusCode) -> Value {
        assert_eq!(self.status, expected, "{}", self.body);
        self.body
    }

    /// The problem's stable `code`, when the answer is one.
    pub fn code(&self) -> Option<&str> {
        self.body["code"].as_str()
    }
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    pub cookie: Option<String>,
    origin: Option<String>,
    headers: Vec<(String, String)>,
}

impl Client {
    /// A client of the node at `base`, signed in as nobody.
    pub fn new(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
            base: base.to_owned(),
            cookie: None,
            origin: None,
            headers: Vec::new(),
        }
    }

    /// The same client sending `Origin: origin` (a browser on that site).
    pub fn from_origin(&self, origin: &str) -> Client {
        Client {
            origin: Some(origin.to_owned()),
            ..self.clone()
        }
    }

    /// The same client sending one more header with every request.
    pub fn with_header(&self, name: &str, value: &str) -> Client {
        let mut client = self.clone();
        client.headers.push((name.to_owned(), value.to_owned()));
        client
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// `method path` (`/api/v1/…` or a page) with a JSON body when given.
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let url = format!("{}{path}", self.base);
        let mut request = self.http.request(method.clone(), &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request = self.decorate(request);
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        Self::answer(response).await
    }

    /// A form post (`application/x-www-form-urlencoded`), as a browser sends one.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let url = format!("{}{path}", self.base);
        let request = self.decorate(self.http.post(&url).form(fields));
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {url}: {e}"));
        Self::answer(response).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    /// Every item of a list the API pages (a JSON array a page, or the array
    /// under `key`), following each page's `Link` to the next.
    pub async fn get_all(&self, path: &str, key: Option<&str>) -> Vec<Value> {
        let (mut items, mut next) = (vec![], Some(path.to_owned()));
        while let Some(path) = next.take() {
            let answer = self.get(&path).await;
            next = answer.next.clone();
            let page = answer.expect(StatusCode::OK);
            let page = key.map_or(&page, |key| &page[key]);
            items.extend(page.as_array().expect("a list").iter().cloned());
        }
        items
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }

    /// Makes an account; the client stays signed out.
    pub async fn sign_up(&self, name: &str, email: &str) {
        let body = json!({"name": name, "email": email, "password": PASSWORD});
        self.post("/api/v1/accounts", body)
            .await
            .expect(StatusCode::CREATED);
    }

    /// A new client of the same node, signed in as `email`.
    pub async fn log_in(&self, email: &str) -> Client {
        let body = json!({"email": email, "password": PASSWORD});
        let answer = self.post("/api/v1/session", body).await;
        let cookie = answer.set_cookie.clone();
        answer.expect(StatusCode::OK);
        Client {
            cookie: Some(cookie.expect("a session cookie")),
            ..self.clone()
        }
    }

    /// Makes an account and answers a client signed in as it.
    pub async fn person(&self, name: &str, email: &str) -> Client {
        self.sign_up(name, email).await;
        self.log_in(email).await
    }

    /// A new circle around `focus_name`; answers its id.
    pub async fn create_circle(&self, focus_name: &str) -> String {
        let body = self
            .post("/api/v1/circles", json!({"focus_name": focus_name}))
            .await
            .expect(StatusCode::CREATED);
        body["id"].as_str().expect("the circle's id").to_owned()
    }

    /// `/api/v1/live` with this client's cookie (and `Origin`, when set).
    pub async fn socket(&self) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
        let url = format!("{}/api/v1/live", self.base.replacen("http://", "ws://", 1));
        let mut request = url.into_client_request()?;
        let headers = request.headers_mut();
        if let Some(cookie) = &self.cookie {
            headers.insert("cookie", cookie.parse().expect("a header value"));
        }
        if let Some(origin) = &self.origin {
            headers.insert("origin", origin.parse().expect("a header value"));
        }
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(socket)
    }

    fn decorate(&self, mut request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(origin) = &self.origin {
            request = request.header("origin", origin);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request
    }

    async fn answer(response: reqwest::Response) -> Answer {
        let status = response.status();
        let set_cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().to_owned());
        let next = response
            .headers()
            .get("link")
            .and_then(|v| v.to_str().ok())
            .filter(|link| link.ends_with("rel=\"next\""))
            .and_then(|link| Some(link[link.find('<')? + 1..link.find('>')?].to_owned()));
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer {
            status,
            body,
            set_cookie,
            next,
        }
    }
}

/// The token of the first `/m/<token>` link in the `n`-th mail (from 1) to
/// `address` that `smtp` received, waiting for it.
pub async fn mailed_link(smtp: &kring_testkit::SmtpServer, address: &str, n: usize) -> String {
    let mails = smtp
        .wait_for_mails_to(address, n, Duration::from_secs(60))
        .await;
    let text = mails[n - 1].part("text/plain").expect("a plain-text part");
    let start = text.find("/m/").expect("a link in the mail") + 3;
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

impl Client {
    /// Proves this client's address with the first verification mail sent to
    /// `address` (the node must send mail to `smtp`).
    pub async fn verify_address(&self, smtp: &kring_testkit::SmtpServer, address: &str) {
        let token = mailed_link(smtp, address, 1).await;
        let answer = self
            .post(&format!("/api/v1/links/{token}"), json!({}))
            .await;
        assert!(
            answer.status.is_success(),
            "verifying {address}: {answer:?}"
        );
    }
}
