//! Setting the scene over the JSON API (as the README's curl walk-through
//! does): people, circles, invitations, shifts. The journeys themselves go
//! through the pages, in a browser.

use std::time::Duration;

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use super::{Server, PASSWORD};

/// A signed-up, logged-in person with their own cookie jar.
pub struct Person {
    pub id: String,
    pub name: String,
    pub email: String,
    client: Client,
    base: String,
}

impl Person {
    /// Signs up `name` with a fresh address and [`PASSWORD`], and logs in.
    pub async fn sign_up(server: &Server, name: &str) -> Person {
        let email = super::email(name);
        let client = Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        let mut person = Person {
            id: String::new(),
            name: name.to_owned(),
            email: email.clone(),
            client,
            base: server.base.clone(),
        };
        let (status, body) = person
            .post(
                "/accounts",
                json!({"name": name, "email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "sign up {name}: {body}");
        person.id = body["id"].as_str().expect("an account id").to_owned();
        let (status, body) = person
            .post("/session", json!({"email": email, "password": PASSWORD}))
            .await;
        assert_eq!(status, StatusCode::OK, "log in {name}: {body}");
        person
    }

    /// From now on talks to `server` (the same cookies: they are not bound
    /// to a port).
    pub fn via(&mut self, server: &Server) {
        self.base = server.base.clone();
    }

    /// `GET /api/v1{path}`.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(format!("{}/api/v1{path}", self.base))
            .send()
            .await
            .expect("the API answers");
        read(response).await
    }

    /// `POST /api/v1{path}` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}/api/v1{path}", self.base))
            .json(&body)
            .send()
            .await
            .expect("the API answers");
        read(response).await
    }

    /// `DELETE /api/v1{path}`.
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .delete(format!("{}/api/v1{path}", self.base))
            .send()
            .await
            .expect("the API answers");
        read(response).await
    }

    /// `PUT /api/v1{path}` with a JSON body, failing the test unless the API agreed.
    pub async fn put(&self, path: &str, body: Value) -> Value {
        let response = self
            .client
            .put(format!("{}/api/v1{path}", self.base))
            .json(&body)
            .send()
            .await
            .expect("the API answers");
        let (status, answer) = read(response).await;
        assert!(status.is_success(), "PUT {path}: {status} {answer}");
        answer
    }

    /// Like [`Person::post`], failing the test unless the API agreed (2xx).
    pub async fn ok(&self, path: &str, body: Value) -> Value {
        let (status, answer) = self.post(path, body).await;
        assert!(status.is_success(), "POST {path}: {status} {answer}");
        answer
    }

    /// Starts a circle around `focus_name`; its id.
    pub async fn circle(&self, focus_name: &str) -> String {
        let created = self
            .ok("/circles", json!({ "focus_name": focus_name }))
            .await;
        created["id"].as_str().expect("a circle id").to_owned()
    }

    /// Has `newcomer` join `circle` in `ring` (invited by `self`, a coordinator).
    pub async fn bring_in(&self, circle: &str, newcomer: &Person, ring: &str) {
        let invitation = self
            .ok(
                &format!("/circles/{circle}/invitations"),
                json!({ "ring": ring }),
            )
            .await;
        let code = invitation["code"].as_str().expect("a code");
        newcomer
            .ok("/invitations/accept", json!({ "code": code }))
            .await;
    }

    /// Schedules a weekly shift from `day` (`YYYY-MM-DD`) at `time`; its id.
    pub async fn weekly_shift(&self, circle: &str, title: &str, day: &str, time: &str) -> String {
        let shift = self
            .ok(
                &format!("/circles/{circle}/shifts"),
                json!({
                    "title": title,
                    "starts": format!("{day}T{time}"),
                    "duration_minutes": 90,
                    "weekly": {},
                    "helpers_needed": 1,
                    "rings": ["warm", "lukewarm"],
                }),
            )
            .await;
        shift["id"].as_str().expect("a shift id").to_owned()
    }
}

async fn read(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("a body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}
