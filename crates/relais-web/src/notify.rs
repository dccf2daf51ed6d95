//! Telling people about editorial decisions: an in-app notification for each
//! recipient (stored with the decision's entries), then an e-mail to each through
//! the configured SMTP server.
//!
//! The notification is written after the decision's transaction committed; the
//! e-mails are sent afterwards in a spawned task, so a slow or broken SMTP server
//! never delays or fails the decision. A failed e-mail is logged at error level
//! with its recipient and counted in `relais_mail_failures` (the log line), never
//! dropped silently.

use crate::error::AppResult;
use crate::AppState;
use relais_core::entry::{Entry, NotificationKind};
use relais_core::model::{User, Workspace};
use relais_core::policy::role_allows;
use relais_core::{Action, Locale, Role};

/// Who is told about a decision of kind `kind`: the team for the client's
/// decisions and comments, the client approvers for submissions. Never the person
/// who acted.
pub async fn recipients(
    state: &AppState,
    ws: &Workspace,
    kind: NotificationKind,
    actor: &User,
) -> AppResult<Vec<User>> {
    let mut out = Vec::new();
    match kind {
        NotificationKind::Submitted => {
            let members = state.store.members(ws.id).await?;
            // The client approvers; owners only when there is no client approver.
            let clients: Vec<_> = members
                .iter()
                .filter(|m| m.role == Role::ClientApprover)
                .collect();
            let chosen: Vec<_> = if clients.is_empty() {
                members
                    .iter()
                    .filter(|m| role_allows(m.role, Action::ApproveEntries))
                    .collect()
            } else {
                clients
            };
            for m in chosen {
                if let Some(u) = state.store.user_by_id(m.user_id).await? {
                    out.push(u);
                }
            }
        }
        _ => out = state.store.team_members(ws.id).await?,
    }
    out.retain(|u| u.id != actor.id);
    Ok(out)
}

/// Records the notifications of a decision and sends its e-mails (in the
/// background). `base_url` is where the links in the e-mails point.
pub async fn decision(
    state: &AppState,
    ws: &Workspace,
    actor: &User,
    kind: NotificationKind,
    entries: &[Entry],
    comment: &str,
    base_url: &str,
) -> AppResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let to = recipients(state, ws, kind, actor).await?;
    if to.is_empty() {
        return Ok(());
    }
    let ids: Vec<_> = to.iter().map(|u| u.id).collect();
    let entry_ids: Vec<_> = entries.iter().map(|e| e.id).collect();
    state
        .store
        .notify(ws.id, &ids, kind, &entry_ids, &actor.display_name, comment)
        .await?;
    let Some(mailer) = state.mailer.clone() else {
        return Ok(());
    };
    let titles: Vec<String> = entries.iter().map(|e| e.content.title.clone()).collect();
    let path = match kind {
        NotificationKind::Submitted => format!("/w/{}/approvals", ws.slug),
        _ => "/notifications".to_string(),
    };
    let link = format!("{}{path}", base_url.trim_end_matches('/'));
    let mails: Vec<(String, String, String)> = to
        .iter()
        .map(|u| {
            let locale = u.locale.unwrap_or_default();
            let (subject, body) = mail_text(
                state,
                locale,
                kind,
                &ws.name,
                &actor.display_name,
                &titles,
                comment,
                &link,
            );
            (u.email.clone(), subject, body)
        })
        .collect();
    tokio::spawn(async move {
        for (to, subject, body) in mails {
            match mailer.send(&to, &subject, &body).await {
                Ok(()) => tracing::info!(to, kind = kind.as_str(), "notification e-mail sent"),
                Err(e) => tracing::error!(
                    to,
                    kind = kind.as_str(),
                    error = %e,
                    "notification e-mail could not be sent (the in-app notification was stored)"
                ),
            }
        }
    });
    Ok(())
}

/// The subject and plain-text body of a notification e-mail.
#[allow(clippy::too_many_arguments)]
pub fn mail_text(
    state: &AppState,
    locale: Locale,
    kind: NotificationKind,
    workspace: &str,
    actor: &str,
    titles: &[String],
    comment: &str,
    link: &str,
) -> (String, String) {
    let mut args = relais_i18n::FluentArgs::new();
    args.set("actor", actor.to_string());
    args.set("workspace", workspace.to_string());
    args.set("count", titles.len());
    let key = format!("notification-{}", kind.as_str().replace('_', "-"));
    let summary = state.i18n.format(locale, &key, Some(&args));
    let subject = format!("[relais] {summary}");
    let mut body = format!("{summary}\n\n");
    for t in titles {
        body.push_str(&format!("- {t}\n"));
    }
    if !comment.trim().is_empty() {
        body.push_str(&format!(
            "\n{}\n{}\n",
            state.i18n.t(locale, "notification-comment"),
            comment.trim()
        ));
    }
    body.push_str(&format!(
        "\n{}\n{link}\n",
        state.i18n.t(locale, "notification-mail-link")
    ));
    (subject, body)
}
