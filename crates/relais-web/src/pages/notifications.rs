//! The person's notifications, newest first, with the unread ones marked (in
//! words, not only by colour), and a "mark all read" form.

use super::{ok, Base};
use crate::ctx::Ctx;
use crate::error::AppResult;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use relais_core::entry::Notification;
use relais_core::model::WorkspaceWithRole;
use serde::Deserialize;

/// A notification as the list shows it.
pub struct NotificationView {
    pub id: i64,
    pub unread: bool,
    pub text: String,
    pub comment: String,
    pub at: chrono::DateTime<chrono::Utc>,
    /// Where to look: the workspace's approvals or calendar.
    pub link: Option<String>,
    pub workspace: String,
}

#[derive(Template)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub base: Base,
    pub items: Vec<NotificationView>,
    pub unread: usize,
    pub notice: Option<String>,
}

/// How many notifications the page shows.
const LIMIT: i64 = 100;

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

fn view(
    state: &AppState,
    base: &Base,
    n: Notification,
    workspaces: &[WorkspaceWithRole],
) -> NotificationView {
    let ws = workspaces.iter().find(|w| w.workspace.id == n.workspace_id);
    let mut args = relais_i18n::FluentArgs::new();
    args.set("actor", n.actor_name.clone());
    args.set(
        "workspace",
        ws.map_or_else(String::new, |w| w.workspace.name.clone()),
    );
    args.set("count", n.entries.len());
    let key = format!("notification-{}", n.kind.as_str().replace('_', "-"));
    let text = state.i18n.format(base.tr.locale, &key, Some(&args));
    let link = ws.map(|w| match n.kind {
        relais_core::entry::NotificationKind::Submitted => {
            format!("/w/{}/approvals", w.workspace.slug)
        }
        // An account to reconnect: its page says which one and why.
        relais_core::entry::NotificationKind::ReconnectNeeded => {
            format!("/w/{}/accounts", w.workspace.slug)
        }
        relais_core::entry::NotificationKind::VeilleSpike => {
            format!("/w/{}/veille/alerts", w.workspace.slug)
        }
        relais_core::entry::NotificationKind::VeilleSourceDisabled => {
            format!("/w/{}/veille/sources", w.workspace.slug)
        }
        _ => match n.entries.as_slice() {
            [one] => format!("/w/{}/entries/{one}", w.workspace.slug),
            _ => format!("/w/{}/calendar", w.workspace.slug),
        },
    });
    NotificationView {
        id: n.id.0,
        unread: n.read_at.is_none(),
        text,
        comment: n.comment,
        at: n.created_at,
        link,
        workspace: ws.map_or_else(String::new, |w| w.workspace.name.clone()),
    }
}

/// `GET /notifications`
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let list = state.store.list_notifications(user.id, LIMIT).await?;
    let workspaces = state.store.workspaces_for_user(user).await?;
    let base = Base::page(&state, &ctx, "notifications-title", "notifications");
    let items: Vec<NotificationView> = list
        .into_iter()
        .map(|n| view(&state, &base, n, &workspaces))
        .collect();
    let unread = items.iter().filter(|i| i.unread).count();
    let notice = (q.done == "read").then(|| base.tr.t("notifications-marked-read"));
    ok(&NotificationsPage {
        base,
        items,
        unread,
        notice,
    })
}

/// `POST /notifications/read`: marks every notification read.
pub async fn mark_read(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    state.store.mark_notifications_read(user.id).await?;
    Ok(Redirect::to("/notifications?done=read").into_response())
}
