#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! relais-mail against a real SMTP server (aiosmtpd on loopback).
//!
//! The server: TEST_SMTP_URL + TEST_SMTP_DIR when both are set (a running
//! `scripts/smtp-test-server.sh`), else one started by the test itself through
//! `scripts/python-tools.sh` (see `relais_mail::testing`). Never skipped.

use relais_config::MailConfig;
use relais_mail::testing::SmtpSink;
use relais_mail::{MailError, Mailer};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn token(name: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{name}-{}-{nanos}", std::process::id())
}

fn mailer(url: &str) -> Mailer {
    Mailer::from_config(&MailConfig {
        smtp_url: url.into(),
        from: "Équipe relais <relais@localhost>".into(),
    })
    .unwrap()
    .expect("e-mail is enabled when smtp_url is set")
}

fn json(mail: &relais_mail::testing::ReceivedMail) -> serde_json::Value {
    serde_json::from_str(&mail.json).unwrap()
}

#[tokio::test]
async fn a_french_message_arrives_intact() {
    let sink = SmtpSink::start();
    let id = token("fr");
    let subject = format!("Révision demandée : « Fête de l'été » ✓ {id}");
    let body = format!(
        "Bonjour Zoé,\n\nLa cliente a demandé des modifications sur l'entrée « Fête de l'été » (août).\nÇa concerne la légende : « trop long, à raccourcir ».\n\nréf. {id}\n"
    );
    mailer(sink.url())
        .send("Zoé Müller <zoe@example.org>", &subject, &body)
        .await
        .unwrap();

    let mail = sink.wait_for(&id, Duration::from_secs(10));
    let v = json(&mail);
    assert_eq!(v["subject"], subject.as_str(), "{}", mail.json);
    assert_eq!(v["from"], "Équipe relais <relais@localhost>");
    assert_eq!(v["to"], "Zoé Müller <zoe@example.org>");
    assert_eq!(v["mail_from"], "relais@localhost");
    assert_eq!(v["rcpt_tos"], serde_json::json!(["zoe@example.org"]));
    assert_eq!(v["content_type"], "text/plain");
    assert_eq!(v["charset"], "utf-8");
    let received = v["body"].as_str().unwrap().replace("\r\n", "\n");
    assert_eq!(received.trim_end(), body.trim_end());
    assert_eq!(v["parse_defects"], serde_json::json!([]), "{}", mail.json);
    assert_eq!(
        v["headers"]["auto-submitted"],
        serde_json::json!(["auto-generated"])
    );
    // On the wire the headers are 7-bit (encoded words), as RFC 5322 wants.
    let raw = String::from_utf8(mail.raw.clone()).unwrap();
    let header_block = raw.split("\r\n\r\n").next().unwrap();
    assert!(header_block.is_ascii(), "{header_block}");
}

#[tokio::test]
async fn credentials_from_the_url_are_used() {
    let sink = SmtpSink::start_with_auth("relais", "s3cr3t:é");
    let id = token("auth");
    let port = sink.url().rsplit(':').next().unwrap();
    let url = format!("smtp://relais:s3cr3t%3A%C3%A9@127.0.0.1:{port}");
    mailer(&url)
        .send("client@example.org", &format!("Validé {id}"), "Merci !")
        .await
        .unwrap();
    let v = json(&sink.wait_for(&id, Duration::from_secs(10)));
    assert_eq!(v["auth_user"], "relais");

    // Wrong password: refused, and the error says so without the password.
    let url = format!("smtp://relais:wrong@127.0.0.1:{port}");
    let err = mailer(&url)
        .send("client@example.org", "x", "y")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, MailError::Send { .. }), "{text}");
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(!text.contains("wrong"), "{text}");
}

#[tokio::test]
async fn starttls_is_required_not_opportunistic() {
    // aiosmtpd here offers no STARTTLS: a mailer told to use it must not fall
    // back to sending in clear.
    let sink = SmtpSink::start();
    let id = token("starttls");
    let url = format!("{}?tls=starttls", sink.url());
    let err = mailer(&url)
        .send("client@example.org", &id, "must not arrive")
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::Send { .. }), "{err}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !sink
            .messages()
            .iter()
            .any(|m| m.json.contains(&id) || String::from_utf8_lossy(&m.raw).contains(&id)),
        "a message was sent without STARTTLS"
    );
}

#[tokio::test]
async fn a_server_that_is_down_is_a_clear_error() {
    // A port nobody listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = mailer(&format!("smtp://127.0.0.1:{port}"))
        .send("client@example.org", "s", "b")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "sending e-mail through 127.0.0.1:{port} (plain) failed"
        )),
        "{err}"
    );
    assert!(!err.contains('\n'), "{err}");
}

#[test]
fn from_config_refuses_a_bad_url_with_the_fix() {
    for url in ["http://mail.example.org", "smtp//x", "smtp://h?tls=maybe"] {
        let err = Mailer::from_config(&MailConfig {
            smtp_url: url.into(),
            ..MailConfig::default()
        })
        .unwrap_err();
        assert!(matches!(err, MailError::Config(_)), "{url}: {err}");
        let text = err.to_string();
        assert!(
            text.starts_with("invalid value for mail.smtp_url"),
            "{text}"
        );
        assert!(text.contains("smtps://"), "{text}");
    }
    assert!(Mailer::from_config(&MailConfig::default())
        .unwrap()
        .is_none());
}
