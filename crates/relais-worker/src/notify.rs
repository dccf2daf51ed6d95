//! Telling the team about publishing events by e-mail. The in-app
//! notifications were written by the store in the same transaction as the
//! event; this sends the e-mails afterwards, each in its reader's language.
//! A failed e-mail is logged, never retried forever and never fatal.

use relais_core::entry::NotificationKind;
use relais_core::Locale;
use relais_i18n::{FluentArgs, I18n};
use relais_store::{Store, Told};
use std::sync::Arc;

/// Sends notification e-mails (or only logs when mail is not configured).
#[derive(Clone)]
pub struct Notifier {
    mailer: Option<relais_mail::Mailer>,
    i18n: Arc<I18n>,
    /// Where links in the e-mails point (`server.public_url`).
    base_url: String,
}

impl Notifier {
    pub fn new(mailer: Option<relais_mail::Mailer>, i18n: Arc<I18n>, base_url: &str) -> Notifier {
        Notifier {
            mailer,
            i18n,
            base_url: base_url.trim_end_matches('/').to_string(),
        }
    }

    /// The subject and body of the e-mail about `told`.
    pub fn mail_text(
        &self,
        locale: Locale,
        told: &Told,
        workspace_name: &str,
        link: &str,
    ) -> (String, String) {
        let mut args = FluentArgs::new();
        args.set("workspace", workspace_name.to_string());
        args.set("count", 1);
        let key = format!("notification-{}", told.kind.as_str().replace('_', "-"));
        let summary = self.i18n.format(locale, &key, Some(&args));
        let mut body = format!("{summary}\n\n");
        if !told.detail.is_empty() {
            body.push_str(&told.detail);
            body.push_str("\n\n");
        }
        body.push_str(&format!(
            "{}\n{link}\n",
            self.i18n.t(locale, "notification-mail-link")
        ));
        (format!("[relais] {summary}"), body)
    }

    /// Logs the event and e-mails each person told.
    pub async fn send(&self, store: &Store, told: Told) {
        tracing::warn!(
            kind = told.kind.as_str(),
            workspace = told.workspace_id.0,
            entry = told.entry_id.map(|e| e.0),
            detail = %told.detail,
            "publishing needs the team's attention"
        );
        let Some(mailer) = &self.mailer else {
            return;
        };
        let ws = match store.workspace_by_id(told.workspace_id).await {
            Ok(Some(ws)) => ws,
            _ => return,
        };
        let path = match (told.kind, told.entry_id) {
            (NotificationKind::VeilleSpike, _) => format!("/w/{}/veille/alerts", ws.slug),
            (NotificationKind::VeilleSourceDisabled, _) => {
                format!("/w/{}/veille/sources", ws.slug)
            }
            (NotificationKind::ReconnectNeeded, _) | (_, None) => {
                format!("/w/{}/accounts", ws.slug)
            }
            (_, Some(e)) => format!("/w/{}/entries/{}", ws.slug, e.0),
        };
        let link = format!("{}{path}", self.base_url);
        for user in &told.users {
            let Ok(Some(u)) = store.user_by_id(*user).await else {
                continue;
            };
            let (subject, body) =
                self.mail_text(u.locale.unwrap_or_default(), &told, &ws.name, &link);
            match mailer.send(&u.email, &subject, &body).await {
                Ok(()) => tracing::info!(
                    to = u.email,
                    kind = told.kind.as_str(),
                    "notification e-mail sent"
                ),
                Err(e) => tracing::error!(
                    to = u.email,
                    kind = told.kind.as_str(),
                    error = %e,
                    "notification e-mail could not be sent (the in-app notification was stored)"
                ),
            }
        }
    }
}
