//! Outgoing e-mail of relais: plain-text UTF-8 messages through an SMTP server.
//!
//! The server is `mail.smtp_url` of the configuration (parsed by
//! [`relais_config::MailConfig::endpoint`]): `smtp://HOST:PORT` is plain SMTP (for
//! a relay on loopback), `smtp://HOST:PORT?tls=starttls` requires STARTTLS (a
//! server that does not offer it gets nothing: no downgrade), `smtps://HOST:PORT`
//! is TLS from the first byte. TLS is rustls, with the system's certificate
//! store (Debian: `ca-certificates`). User and password come from the URL.
//!
//! One connection per message (no pool): notifications are few, and a
//! connection that a server closed while idle is never reused.
//!
//! Tests run against a real SMTP server (aiosmtpd): see [`testing`] (feature
//! `testing`) and `scripts/smtp-test-server.sh`.

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use relais_config::{ConfigError, MailConfig, SmtpSecurity};
use std::time::Duration;

#[cfg(feature = "testing")]
pub mod testing;

/// How long one SMTP command may take before the send fails.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Why e-mail could not be set up or sent. Messages are one line, for logs and
/// for the person who fixes the configuration.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// `mail.smtp_url` is not usable (the message names the key and the fix).
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// `mail.from` is not a mailbox.
    #[error("invalid value for mail.from: {value:?} is not an address such as \"relais <relais@example.org>\" ({reason})")]
    BadFrom { value: String, reason: String },
    /// The recipient is not a mailbox.
    #[error("invalid e-mail address {address:?}: {reason}")]
    BadRecipient { address: String, reason: String },
    /// TLS could not be set up (e.g. no usable certificate store).
    #[error("could not set up TLS for the SMTP server {host}: {reason}")]
    Tls { host: String, reason: String },
    /// The message could not be built.
    #[error("could not build the e-mail: {0}")]
    Message(String),
    /// Connecting, TLS, authentication or the SMTP dialogue failed.
    #[error("sending e-mail through {server} failed: {reason}")]
    Send { server: String, reason: String },
}

/// Sends e-mail through the configured SMTP server. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// `host:port (security)`, for error messages; never the credentials.
    server: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.server)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// The mailer of the configuration; `Ok(None)` when e-mail is disabled
    /// (`mail.smtp_url` empty). Does not connect: a server that is down shows
    /// up at the first [`Mailer::send`].
    pub fn from_config(config: &MailConfig) -> Result<Option<Mailer>, MailError> {
        let Some(endpoint) = config.endpoint()? else {
            return Ok(None);
        };
        let from: Mailbox =
            config
                .from
                .trim()
                .parse()
                .map_err(|e: lettre::address::AddressError| MailError::BadFrom {
                    value: config.from.clone(),
                    reason: e.to_string(),
                })?;
        let tls = |host: &str| {
            TlsParameters::new(host.to_string()).map_err(|e| MailError::Tls {
                host: host.to_string(),
                reason: e.to_string(),
            })
        };
        let (mode, label) = match endpoint.security {
            SmtpSecurity::Plain => (Tls::None, "plain"),
            SmtpSecurity::StartTls => (Tls::Required(tls(&endpoint.host)?), "STARTTLS"),
            SmtpSecurity::Tls => (Tls::Wrapper(tls(&endpoint.host)?), "TLS"),
        };
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(endpoint.host.clone())
                .port(endpoint.port)
                .tls(mode)
                .timeout(Some(SMTP_TIMEOUT));
        if let Some((user, password)) = endpoint.credentials.clone() {
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Some(Mailer {
            transport: builder.build(),
            from,
            server: format!("{}:{} ({label})", endpoint.host, endpoint.port),
        }))
    }

    /// The sender of every message.
    pub fn from_address(&self) -> &Mailbox {
        &self.from
    }

    /// Sends one plain-text message. `to` is `addr@domain` or `Name <addr@domain>`;
    /// subject and body may hold any Unicode text (the subject is RFC 2047
    /// encoded, the body UTF-8 with a transfer encoding chosen to fit).
    /// Line breaks in the subject are turned into spaces.
    pub async fn send(&self, to: &str, subject: &str, text_body: &str) -> Result<(), MailError> {
        let message = self.build(to, subject, text_body)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Send {
                server: self.server.clone(),
                reason: describe_smtp_error(&e),
            })
    }

    /// Sends one message with an HTML body and its plain-text alternative
    /// (`multipart/alternative`: readers without HTML, and screen readers
    /// that prefer text, get the text part).
    pub async fn send_html(
        &self,
        to: &str,
        subject: &str,
        text_body: &str,
        html_body: &str,
    ) -> Result<(), MailError> {
        let message = self.build_html(to, subject, text_body, html_body)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Send {
                server: self.server.clone(),
                reason: describe_smtp_error(&e),
            })
    }

    /// The message [`Mailer::send_html`] sends, as built.
    pub fn build_html(
        &self,
        to: &str,
        subject: &str,
        text_body: &str,
        html_body: &str,
    ) -> Result<Message, MailError> {
        let builder = self.builder(to, subject)?;
        builder
            .multipart(lettre::message::MultiPart::alternative_plain_html(
                text_body.replace("\r\n", "\n"),
                html_body.to_string(),
            ))
            .map_err(|e| MailError::Message(e.to_string()))
    }

    /// The message [`Mailer::send`] sends, as built (for tests and previews).
    pub fn build(&self, to: &str, subject: &str, text_body: &str) -> Result<Message, MailError> {
        self.builder(to, subject)?
            .header(ContentType::TEXT_PLAIN)
            .body(text_body.replace("\r\n", "\n"))
            .map_err(|e| MailError::Message(e.to_string()))
    }

    fn builder(
        &self,
        to: &str,
        subject: &str,
    ) -> Result<lettre::message::MessageBuilder, MailError> {
        let to_box: Mailbox = to
            .trim()
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::BadRecipient {
                address: to.to_string(),
                reason: e.to_string(),
            })?;
        let subject: String = subject
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to_box)
            .subject(subject.trim())
            .message_id(None);
        // RFC 3834: automatic messages; asks auto-responders not to answer.
        builder = builder.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".into(),
        ));
        Ok(builder)
    }
}

/// One line saying what went wrong, with the server's reply when there is one.
fn describe_smtp_error(err: &lettre::transport::smtp::Error) -> String {
    use std::error::Error as _;
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn config(url: &str) -> MailConfig {
        MailConfig {
            smtp_url: url.into(),
            from: "relais <relais@localhost>".into(),
        }
    }

    #[test]
    fn disabled_when_the_url_is_empty() {
        assert!(Mailer::from_config(&config("")).unwrap().is_none());
    }

    #[test]
    fn a_bad_from_is_refused() {
        let mut c = config("smtp://127.0.0.1:2525");
        c.from = "relais <not an address>".into();
        let err = Mailer::from_config(&c).unwrap_err().to_string();
        assert!(err.starts_with("invalid value for mail.from"), "{err}");
    }

    #[test]
    fn messages_are_utf8_and_headers_cannot_be_injected() {
        let mailer = Mailer::from_config(&config("smtp://127.0.0.1:2525"))
            .unwrap()
            .unwrap();
        let msg = mailer
            .build(
                "Zoé <zoe@example.org>",
                "Révision demandée\r\nBcc: evil@example.org",
                "Bonjour,\nl'entrée « Fête » attend votre décision.",
            )
            .unwrap();
        let raw = String::from_utf8(msg.formatted()).unwrap();
        assert!(!raw.contains("\r\nBcc:"), "{raw}");
        assert!(raw.contains("Auto-Submitted: auto-generated"), "{raw}");
        assert!(raw.contains("Message-ID: <"), "{raw}");
        assert!(
            raw.contains("Content-Type: text/plain; charset=utf-8"),
            "{raw}"
        );
        // Non-ASCII subjects are encoded words, never raw 8-bit headers.
        let subject = raw.lines().find(|l| l.starts_with("Subject:")).unwrap();
        assert!(
            subject.is_ascii() && subject.contains("=?utf-8?"),
            "{subject}"
        );
        let err = mailer.build("pas une adresse", "s", "b").unwrap_err();
        assert!(matches!(err, MailError::BadRecipient { .. }), "{err}");
    }
}
