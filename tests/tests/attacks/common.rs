//! What the attacks share: a node that mails to a real SMTP server, people
//! with proven addresses, circles with members, organisations with consent.

use kring_e2e::{mailed_link, Backend, Client, Node};
use kring_testkit::SmtpServer;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// An address no other test uses (the SMTP server is shared).
pub fn address(who: &str) -> String {
    format!("{who}-{}@example.org", uuid::Uuid::new_v4().simple())
}

/// A node that sends its mail to the shared test SMTP server, with the
/// default limits unless `extra` says otherwise.
pub async fn node(backend: &Backend, extra: &[&str]) -> Node {
    node_with(backend, extra, &[]).await
}

async fn node_with(backend: &Backend, extra: &[&str], env: &[(&str, &str)]) -> Node {
    let smtp = SmtpServer::shared().url();
    let mut args = vec!["--smtp-url", smtp.as_str()];
    args.extend_from_slice(extra);
    Node::start_with("attacked", backend, &args, env).await
}

/// A node whose write quotas do not get in the way of setting the scene (set
/// through the environment, which a binary without quotas ignores: the suite
/// also runs against older binaries, `KRING_BIN`).
pub async fn roomy_node(backend: &Backend) -> Node {
    node_with(backend, &[], &[("KRING_WRITES_PER_MINUTE", "100000")]).await
}

/// A signed-in person with a proven address.
pub async fn verified(node: &Node, name: &str) -> (Client, String) {
    let email = address(name);
    let client = Client::new(&node.base).person(name, &email).await;
    client.verify_address(SmtpServer::shared(), &email).await;
    (client, email)
}

/// A signed-in person whose address nobody proved.
pub async fn unproven(node: &Node, name: &str, email: &str) -> Client {
    Client::new(&node.base).person(name, email).await
}

/// A circle around "Mam" made by `coordinator`; its id.
pub async fn circle(coordinator: &Client) -> String {
    coordinator.create_circle("Mam").await
}

/// An invitation of `circle` (made by `by`) in `ring` as `role`; its code.
pub async fn invitation(by: &Client, circle: &str, ring: &str, role: &str) -> String {
    let body = by
        .post(
            &format!("/api/v1/circles/{circle}/invitations"),
            json!({"ring": ring, "role": role}),
        )
        .await
        .expect(StatusCode::CREATED);
    body["code"].as_str().expect("a code").to_owned()
}

/// `who` joins with `code`; the circle's version after it.
pub async fn join(who: &Client, code: &str) -> u64 {
    let body = who
        .post("/api/v1/invitations/accept", json!({"code": code}))
        .await
        .expect(StatusCode::OK);
    body["version"].as_u64().expect("a version")
}

/// A new member of `circle` in `ring`, invited by `coordinator`.
pub async fn member(
    node: &Node,
    coordinator: &Client,
    circle: &str,
    name: &str,
    ring: &str,
    role: &str,
) -> (Client, String) {
    let (client, email) = verified(node, name).await;
    let code = invitation(coordinator, circle, ring, role).await;
    join(&client, &code).await;
    (client, email)
}

/// The person's id (`GET /me`).
pub async fn id_of(client: &Client) -> String {
    let me = client.get("/api/v1/me").await.expect(StatusCode::OK);
    me["id"].as_str().expect("an id").to_owned()
}

/// An organisation registered by `intermediary`, with a second intermediary
/// invited by mail and accepted; answers the organisation's id.
pub async fn organisation(intermediary: &Client) -> String {
    let body = intermediary
        .post("/api/v1/organisations", json!({"name": "Buurtzorg Oost"}))
        .await
        .expect(StatusCode::CREATED);
    body["id"].as_str().expect("an id").to_owned()
}

/// `coordinator` lets `organisation` see `circle` with `scope`.
pub async fn consent(coordinator: &Client, circle: &str, organisation: &str, scope: &str) {
    coordinator
        .put(
            &format!("/api/v1/circles/{circle}/consents/{organisation}"),
            json!({"scope": scope}),
        )
        .await
        .expect(StatusCode::OK);
}

/// Invites `email` to `organisation` by mail (as `by`); the token of the
/// link in the invitation that address received (not its verification mail).
pub async fn colleague_invitation(by: &Client, organisation: &str, email: &str) -> String {
    let answer = by
        .post(
            &format!("/api/v1/organisations/{organisation}/intermediaries"),
            json!({"email": email}),
        )
        .await;
    assert!(answer.status.is_success(), "{answer:?}");
    for n in 1..=3 {
        let token = mailed_link(SmtpServer::shared(), email, n).await;
        let link = by.get(&format!("/api/v1/links/{token}")).await;
        if link.body["purpose"] == "colleague_invitation" {
            return token;
        }
    }
    panic!("no colleague invitation among the first mails to {email}")
}

/// The looks on `circle`'s record, as its coordinator reads them.
pub async fn looks(coordinator: &Client, circle: &str) -> Vec<Value> {
    let body = coordinator
        .get(&format!("/api/v1/circles/{circle}/looks"))
        .await
        .expect(StatusCode::OK);
    body["looks"].as_array().expect("looks").clone()
}
