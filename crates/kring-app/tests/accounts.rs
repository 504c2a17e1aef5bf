//! Signing up, logging in and out, on the real log, on both backends.

use std::sync::Arc;

use kring_app::{
    hash_password, server_secret, AccountError, Accounts, Commands, Email, EmailLookup, Forgetter,
    Opened, SessionToken,
};
use kring_domain::{PersonId, Services};
use kring_store::{Store, StreamName};
use kring_testkit::{on_both_backends, TestLog};
use uuid::Uuid;

struct World {
    test: TestLog,
    accounts: Accounts,
    lookup: EmailLookup,
}

impl World {
    async fn new(test: TestLog) -> World {
        let secret = server_secret(test.log.as_ref(), None).await.unwrap();
        let lookup = EmailLookup::new(&secret);
        let commands = Arc::new(Commands::new(test.log.clone(), Services::system()));
        World {
            accounts: Accounts::new(test.log.clone(), commands, lookup.clone()),
            lookup,
            test,
        }
    }

    fn log(&self) -> &Arc<dyn Store> {
        &self.test.log
    }

    async fn events(&self) -> u64 {
        self.log().event_count().await.unwrap()
    }
}

on_both_backends!(
    World::new =>
    sign_up_log_in_and_out,
    no_plaintext_email_is_stored,
    an_address_is_taken_once_whatever_its_case,
    a_refused_sign_up_leaves_no_trace,
    a_wrong_password_or_unknown_address_is_refused_alike,
    an_abandoned_sign_up_frees_its_address,
    the_server_secret_is_made_once_unless_configured,
    racing_sign_ups_with_one_address_make_one_account,
    an_erased_account_is_gone_and_its_address_free,
    an_address_is_proven_only_while_it_is_the_current_one,
);

async fn an_erased_account_is_gone_and_its_address_free(w: World) {
    let forgetter = Forgetter::open(&w.test.url, &Default::default())
        .await
        .unwrap();
    let ann = w
        .accounts
        .sign_up("Ann", "ann@example.org", "correct horse battery")
        .await
        .unwrap();
    let session = w
        .accounts
        .log_in("ann@example.org", "correct horse battery")
        .await
        .unwrap();
    let lookup = w.lookup.of(&Email::parse("ann@example.org").unwrap());

    let erased = forgetter.forget(ann).await.unwrap();
    assert!(
        erased.account && erased.credentials && erased.key,
        "{erased:?}"
    );
    assert_eq!(
        w.accounts.session(session.token.as_str()).await.unwrap(),
        None
    );
    assert!(w
        .log()
        .credentials_by_email(&lookup)
        .await
        .unwrap()
        .is_none());
    assert!(w.accounts.profile(ann).await.unwrap().is_none());
    let err = w
        .accounts
        .log_in("ann@example.org", "correct horse battery")
        .await
        .unwrap_err();
    assert!(matches!(err, AccountError::WrongCredentials), "{err:?}");

    // Again: nothing left, nothing written.
    let before = w.events().await;
    assert_eq!(
        forgetter.forget(ann).await.unwrap(),
        kring_app::Erased::default()
    );
    assert_eq!(w.events().await, before);

    // The address makes a new, unrelated account.
    let again = w
        .accounts
        .sign_up("Ann again", "ann@example.org", "another good password")
        .await
        .unwrap();
    assert_ne!(again, ann);
    let profile = w.accounts.profile(again).await.unwrap().unwrap();
    assert_eq!(profile.name, Opened::Text("Ann again".into()));
}

async fn an_address_is_proven_only_while_it_is_the_current_one(w: World) {
    let ann = w
        .accounts
        .sign_up("Ann", "ann@example.org", "correct horse battery")
        .await
        .unwrap();
    let first = w.accounts.current_lookup(ann).await.unwrap().unwrap();
    w.accounts
        .change_email(ann, "correct horse battery", "ann@example.net")
        .await
        .unwrap();
    let err = w.accounts.verify_email(ann, &first).await.unwrap_err();
    assert!(err.to_string().contains("changed since"), "{err}");
    let second = w.accounts.current_lookup(ann).await.unwrap().unwrap();
    assert_ne!(first, second);
    w.accounts.verify_email(ann, &second).await.unwrap();
    assert!(w.accounts.email_state(ann).await.unwrap().unwrap().verified);
    let err = w
        .accounts
        .change_email(ann, "correct horse battery", "ANN@example.net")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("already the e-mail address"),
        "{err}"
    );
}

async fn sign_up_log_in_and_out(w: World) {
    let ann = w
        .accounts
        .sign_up(" Ann de Vries ", "Ann@Example.org", "correct horse battery")
        .await
        .unwrap();
    let profile = w.accounts.profile(ann).await.unwrap().unwrap();
    assert_eq!(profile.name, Opened::Text("Ann de Vries".into()));
    assert_eq!(profile.email, Opened::Text("Ann@Example.org".into()));
    assert_eq!(
        w.accounts.name_of(ann).await.unwrap(),
        Some(Opened::Text("Ann de Vries".into()))
    );

    let session = w
        .accounts
        .log_in("ann@example.ORG", "correct horse battery")
        .await
        .unwrap();
    assert_eq!(session.account, ann);
    assert_eq!(
        w.accounts.session(session.token.as_str()).await.unwrap(),
        Some(ann)
    );
    let other = w
        .accounts
        .log_in("ann@example.org", "correct horse battery")
        .await
        .unwrap();
    assert_ne!(
        other.token, session.token,
        "every log-in has its own session"
    );

    assert!(w.accounts.log_out(session.token.as_str()).await.unwrap());
    assert!(!w.accounts.log_out(session.token.as_str()).await.unwrap());
    assert_eq!(
        w.accounts.session(session.token.as_str()).await.unwrap(),
        None
    );
    assert_eq!(
        w.accounts.session(other.token.as_str()).await.unwrap(),
        Some(ann),
        "logging out ends only that session"
    );
    assert_eq!(w.accounts.session("garbage").await.unwrap(), None);
    assert!(w
        .accounts
        .profile(PersonId(Uuid::new_v4()))
        .await
        .unwrap()
        .is_none());
}

async fn no_plaintext_email_is_stored(w: World) {
    let ann = w
        .accounts
        .sign_up("Ann", "ann.secret@example.org", "correct horse battery")
        .await
        .unwrap();
    let stream = StreamName::account(ann.0);
    let events = w.log().read_stream(&stream, 1, 100).await.unwrap();
    assert_eq!(events.len(), 1);
    let stored = format!("{} {}", events[0].payload(), events[0].metadata());
    assert!(!stored.contains("ann.secret"), "{stored}");
    assert!(!stored.contains("Ann\""), "{stored}");
    let lookup = w
        .lookup
        .of(&Email::parse("ann.secret@example.org").unwrap());
    assert!(
        !stored.contains(&lookup),
        "the lookup hash lives only in the credentials, never in the log"
    );
    let credentials = w.log().credentials_by_email(&lookup).await.unwrap();
    assert!(credentials
        .unwrap()
        .password_hash
        .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    if let Some(file) = w.test.sqlite_file() {
        let mut bytes = std::fs::read(&file).unwrap();
        if let Ok(wal) = std::fs::read(file.with_extension("db-wal")) {
            bytes.extend(wal);
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("ann.secret"), "no plaintext address on disk");
        assert!(
            !text.contains("correct horse"),
            "no plaintext password on disk"
        );
    }
}

async fn an_address_is_taken_once_whatever_its_case(w: World) {
    w.accounts
        .sign_up("Ann", "ann@example.org", "correct horse battery")
        .await
        .unwrap();
    let before = w.events().await;
    let err = w
        .accounts
        .sign_up("Other Ann", " ANN@example.org", "another password")
        .await
        .unwrap_err();
    assert!(matches!(err, AccountError::EmailTaken), "{err:?}");
    assert_eq!(w.events().await, before, "nothing was written");
}

async fn a_refused_sign_up_leaves_no_trace(w: World) {
    for (name, email, password) in [
        ("Ann", "not an address", "correct horse battery"),
        ("Ann", "ann@example.org", "short"),
        ("", "ann@example.org", "correct horse battery"),
    ] {
        let err = w.accounts.sign_up(name, email, password).await.unwrap_err();
        assert!(matches!(err, AccountError::Invalid(_)), "{err:?}");
    }
    assert_eq!(w.events().await, 0);
    let lookup = w.lookup.of(&Email::parse("ann@example.org").unwrap());
    assert!(w
        .log()
        .credentials_by_email(&lookup)
        .await
        .unwrap()
        .is_none());
}

async fn a_wrong_password_or_unknown_address_is_refused_alike(w: World) {
    w.accounts
        .sign_up("Ann", "ann@example.org", "correct horse battery")
        .await
        .unwrap();
    let before = w.events().await;
    let wrong = w
        .accounts
        .log_in("ann@example.org", "wrong horse battery")
        .await
        .unwrap_err();
    let unknown = w
        .accounts
        .log_in("bob@example.org", "correct horse battery")
        .await
        .unwrap_err();
    assert!(matches!(wrong, AccountError::WrongCredentials), "{wrong:?}");
    assert!(
        matches!(unknown, AccountError::WrongCredentials),
        "{unknown:?}"
    );
    assert_eq!(wrong.to_string(), unknown.to_string());
    assert_eq!(w.events().await, before);
}

async fn an_abandoned_sign_up_frees_its_address(w: World) {
    // A sign-up that stored its claim and stopped before registering the account.
    let lookup = w.lookup.of(&Email::parse("ann@example.org").unwrap());
    let ghost = Uuid::new_v4();
    assert!(w
        .log()
        .add_credentials(
            ghost,
            &lookup,
            &hash_password("correct horse battery").await.unwrap()
        )
        .await
        .unwrap());
    let err = w
        .accounts
        .log_in("ann@example.org", "correct horse battery")
        .await
        .unwrap_err();
    assert!(matches!(err, AccountError::WrongCredentials), "{err:?}");
    // A fresh claim may be a sign-up still under way: the address stays taken.
    let err = w
        .accounts
        .sign_up("Ann", "ann@example.org", "correct horse battery")
        .await
        .unwrap_err();
    assert!(matches!(err, AccountError::EmailTaken), "{err:?}");
    // An old one is abandoned: the next sign-up takes the address over.
    age_credentials(&w, ghost).await;
    let ann = w
        .accounts
        .sign_up("Ann", "ann@example.org", "correct horse battery")
        .await
        .unwrap();
    let session = w
        .accounts
        .log_in("ann@example.org", "correct horse battery")
        .await
        .unwrap();
    assert_eq!(session.account, ann);
}

/// Moves a claim an hour into the past, behind the store's back.
async fn age_credentials(w: &World, account: Uuid) {
    match w.test.sqlite_file() {
        Some(_) => {
            let pool = sqlx::SqlitePool::connect(&w.test.url).await.unwrap();
            sqlx::query(
                "UPDATE credentials SET created_at = created_at - 3600000000 WHERE account_id = ?",
            )
            .bind(account)
            .execute(&pool)
            .await
            .unwrap();
        }
        None => {
            let pool = sqlx::PgPool::connect(&w.test.url).await.unwrap();
            sqlx::query("UPDATE credentials SET created_at = created_at - interval '1 hour' WHERE account_id = $1")
                .bind(account)
                .execute(&pool)
                .await
                .unwrap();
        }
    }
}

async fn the_server_secret_is_made_once_unless_configured(w: World) {
    let stored = server_secret(w.log().as_ref(), None).await.unwrap();
    assert_eq!(stored.len(), 32);
    assert_eq!(server_secret(w.log().as_ref(), None).await.unwrap(), stored);
    let configured = "a secret of at least thirty-two characters";
    assert_eq!(
        server_secret(w.log().as_ref(), Some(configured))
            .await
            .unwrap(),
        configured.as_bytes()
    );
    let err = server_secret(w.log().as_ref(), Some("too short"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("KRING_SECRET"), "{err}");
    let _ = SessionToken::generate().unwrap();
}

async fn racing_sign_ups_with_one_address_make_one_account(w: World) {
    let w = Arc::new(w);
    let racers: Vec<_> = (0..6)
        .map(|n| {
            let w = w.clone();
            tokio::spawn(async move {
                w.accounts
                    .sign_up(
                        &format!("Ann {n}"),
                        "ann@example.org",
                        "correct horse battery",
                    )
                    .await
            })
        })
        .collect();
    let mut made = vec![];
    for racer in racers {
        match racer.await.unwrap() {
            Ok(account) => made.push(account),
            Err(AccountError::EmailTaken) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(w.events().await, 1, "one AccountRegistered");
    let session = w
        .accounts
        .log_in("ann@example.org", "correct horse battery")
        .await
        .unwrap();
    assert_eq!(session.account, made[0]);
}
