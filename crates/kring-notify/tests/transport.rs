//! The transport against a real SMTP server (aiosmtpd) and real files.

use std::time::Duration;

use kring_notify::transport::{read_password_file, without_addresses, Mail, SendError, Transport};
use kring_testkit::{ReceivedMail, SmtpServer};

const WAIT: Duration = Duration::from_secs(10);

/// A mail to a recipient no other test uses (the server is shared).
fn mail_to(local_part: &str) -> Mail {
    let id = uuid::Uuid::new_v4();
    Mail {
        to: format!("{local_part}-{}@example.org", id.simple()),
        from: "Kring <kring@example.org>".into(),
        subject: "Eén verzoek voor één dag".into(),
        text: "Hallo Anna,\r\n\r\nEr is één nieuw verzoek voor Mam.\r\n".into(),
        html: "<p>Hallo Anna,</p>\r\n<p>Er is één nieuw verzoek voor Mam.</p>\r\n".into(),
        message_id: format!("{id}@kring.example.org"),
        language: "nl".into(),
        unsubscribe: Some(format!("https://kring.example.org/u/{}", id.simple())),
    }
}

fn assert_same_mail(received: &ReceivedMail, sent: &Mail) {
    let header = |name| received.header(name).unwrap_or_default();
    assert_eq!(header("Message-ID"), format!("<{}>", sent.message_id));
    assert_eq!(header("From"), sent.from);
    assert_eq!(header("To"), sent.to);
    assert_eq!(received.subject.as_deref(), Some(sent.subject.as_str()));
    assert_eq!(header("Content-Language"), sent.language);
    assert_eq!(header("Auto-Submitted"), "auto-generated");
    match &sent.unsubscribe {
        Some(url) => {
            assert_eq!(header("List-Unsubscribe"), format!("<{url}>"));
            assert_eq!(
                header("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click"
            );
        }
        None => {
            assert_eq!(received.header("List-Unsubscribe"), None);
            assert_eq!(received.header("List-Unsubscribe-Post"), None);
        }
    }
    assert!(
        header("Content-Type").starts_with("multipart/alternative;"),
        "{:?}",
        header("Content-Type")
    );
    assert_eq!(received.parts.len(), 2, "{:?}", received.parts);
    assert_eq!(received.part("text/plain"), Some(sent.text.as_str()));
    assert_eq!(received.part("text/html"), Some(sent.html.as_str()));
}

#[tokio::test]
async fn smtp_delivers_the_composed_mail_with_its_headers() {
    let server = SmtpServer::shared();
    let transport = Transport::from_url(&server.url()).unwrap();
    let mail = mail_to("anna");
    transport.send(&mail).await.unwrap();
    let received = server.wait_for_mails_to(&mail.to, 1, WAIT).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].envelope_to, vec![mail.to.clone()]);
    assert_same_mail(&received[0], &mail);
}

#[tokio::test]
async fn without_an_unsubscribe_url_there_are_no_list_headers() {
    let server = SmtpServer::shared();
    let transport = Transport::from_url(&server.url()).unwrap();
    let mail = Mail {
        unsubscribe: None,
        language: "en".into(),
        subject: "Confirm your address".into(),
        ..mail_to("bert")
    };
    transport.send(&mail).await.unwrap();
    let received = server.wait_for_mails_to(&mail.to, 1, WAIT).await;
    assert_same_mail(&received[0], &mail);
}

#[tokio::test]
async fn a_retry_keeps_the_message_id() {
    let server = SmtpServer::shared();
    let transport = Transport::from_url(&server.url()).unwrap();
    let mail = mail_to("carla");
    transport.send(&mail).await.unwrap();
    transport.send(&mail).await.unwrap();
    let received = server.wait_for_mails_to(&mail.to, 2, WAIT).await;
    let ids: Vec<_> = received.iter().map(|m| m.header("Message-ID")).collect();
    let expected = format!("<{}>", mail.message_id);
    assert_eq!(ids, vec![Some(expected.as_str()); 2]);
}

#[tokio::test]
async fn a_550_answer_is_permanent() {
    let server = SmtpServer::shared();
    let transport = Transport::from_url(&server.url()).unwrap();
    let mail = mail_to("refuse");
    let error = transport.send(&mail).await.unwrap_err();
    assert!(
        matches!(&error, SendError::Permanent(why) if why.contains("550")),
        "{error:?}"
    );
    assert!(error.is_permanent());
    // The server repeated the address; the error (kept in the outbox) does not.
    assert!(!error.to_string().contains('@'), "{error}");
    // A mail that went (after it) is there; the refused one is not.
    let other = mail_to("dirk");
    transport.send(&other).await.unwrap();
    server.wait_for_mails_to(&other.to, 1, WAIT).await;
    assert!(server.messages_to(&mail.to).is_empty());
}

#[tokio::test]
async fn a_451_answer_is_transient() {
    let server = SmtpServer::shared();
    let transport = Transport::from_url(&server.url()).unwrap();
    let mail = mail_to("later");
    let error = transport.send(&mail).await.unwrap_err();
    assert!(
        matches!(&error, SendError::Transient(why) if why.contains("451")),
        "{error:?}"
    );
    assert!(!error.is_permanent());
    assert!(!error.to_string().contains('@'), "{error}");
    assert!(server.messages_to(&mail.to).is_empty());
}

#[tokio::test]
async fn a_closed_port_is_transient() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }; // closed again here
    let transport = Transport::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let error = transport.send(&mail_to("erik")).await.unwrap_err();
    assert!(matches!(error, SendError::Transient(_)), "{error:?}");
}

#[tokio::test]
async fn an_address_that_is_no_address_is_permanent() {
    let server = SmtpServer::shared();
    let transport = Transport::from_url(&server.url()).unwrap();
    let mail = Mail {
        to: "not an address".into(),
        ..mail_to("fenna")
    };
    let error = transport.send(&mail).await.unwrap_err();
    assert!(error.is_permanent(), "{error:?}");
}

#[tokio::test]
async fn the_file_transport_writes_one_eml_per_mail() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mail"); // made by the first send
    let transport = Transport::files(folder.clone());
    let mails = [mail_to("gerrit"), mail_to("hanna")];
    for mail in &mails {
        transport.send(mail).await.unwrap();
    }
    let files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.iter().all(|f| f.extension().unwrap() == "eml"));
    for mail in &mails {
        let found: Vec<_> = files
            .iter()
            .map(|f| ReceivedMail::parse(vec![], std::fs::read(f).unwrap()))
            .filter(|m| m.header("To") == Some(mail.to.as_str()))
            .collect();
        assert_eq!(found.len(), 1);
        assert_same_mail(&found[0], mail);
    }
}

/// Building an SMTP transport needs a Tokio runtime (its connection pool).
#[tokio::test]
async fn urls_and_passwords() {
    assert!(Transport::from_url("smtp://127.0.0.1:2525").is_ok());
    assert!(Transport::from_url("smtp://mail.example.org:587?tls=required").is_ok());
    assert!(Transport::from_url("smtps://u:p@mail.example.org").is_ok());
    assert!(Transport::from_url("http://mail.example.org").is_err());
    assert!(Transport::from_url("not a url").is_err());
    assert!(
        Transport::from_url_with_password("smtps://kring@mail.example.org", "p@ss:/wörd").is_ok()
    );
    // Without a user the password would go nowhere.
    assert!(Transport::from_url_with_password("smtps://mail.example.org", "secret").is_err());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("password");
    std::fs::write(&file, "geheim wachtwoord\n").unwrap();
    assert_eq!(read_password_file(&file).unwrap(), "geheim wachtwoord");
    assert!(read_password_file(&dir.path().join("missing")).is_err());
}

#[tokio::test]
async fn a_server_of_its_own_stops_when_dropped() {
    let server = SmtpServer::start();
    let port = server.port;
    let mail = mail_to("ida");
    Transport::from_url(&server.url())
        .unwrap()
        .send(&mail)
        .await
        .unwrap();
    assert_eq!(server.wait_for_count(1, WAIT).await.len(), 1);
    drop(server);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn addresses_are_taken_out_of_error_texts() {
    assert_eq!(
        without_addresses("550 5.1.1 <anna@example.org>: Recipient address rejected"),
        "550 5.1.1 <[address]>: Recipient address rejected"
    );
    assert_eq!(
        without_addresses("to anna@example.org, bert@example.org; later"),
        "to [address], [address]; later"
    );
    assert_eq!(
        without_addresses("connection refused"),
        "connection refused"
    );
}
