//! The workspace list, a workspace's home and its audit log.

use super::{ok, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::AppResult;
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Extension;
use relais_core::model::{AuditEntry, Workspace, WorkspaceWithRole};
use relais_core::policy::role_allows;
use relais_core::{Action, AuditId, Role};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "workspaces.html")]
pub struct ListPage {
    pub base: Base,
    pub workspaces: Vec<WorkspaceWithRole>,
}

pub async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> AppResult<Response> {
    let workspaces = state.store.workspaces_for_user(ctx.user()?).await?;
    ok(&ListPage {
        base: Base::page(&state, &ctx, "workspaces-title", "workspaces"),
        workspaces,
    })
}

#[derive(Template)]
#[template(path = "ws_home.html")]
pub struct HomePage {
    pub base: Base,
    pub ws: Workspace,
    pub role: Role,
    pub member_count: usize,
    pub section: &'static str,
    pub can_audit: bool,
}

pub async fn home(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Response> {
    let member_count = state.store.members(ws.workspace.id).await?.len();
    let mut base = Base::page(&state, &ctx, "ws-nav-home", "workspaces");
    base.title = ws.workspace.name.clone();
    ok(&HomePage {
        base,
        role: ws.role,
        member_count,
        section: "home",
        can_audit: role_allows(ws.role, Action::ViewAudit),
        ws: ws.workspace,
    })
}

/// An audit entry as the table shows it.
pub struct AuditLine {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub change: String,
}

/// Words an audit entry in the reader's language.
pub fn audit_lines(tr: &Tr, entries: &[AuditEntry]) -> Vec<AuditLine> {
    let show =
        |v: &Option<serde_json::Value>| v.as_ref().map_or("∅".to_string(), |v| v.to_string());
    entries
        .iter()
        .map(|e| AuditLine {
            at: e.at,
            actor: e.actor.clone(),
            action: tr.t(&format!("audit-{}", e.action.as_str())),
            target: e.target.clone(),
            change: format!("{} → {}", show(&e.before), show(&e.after)),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub base: Base,
    pub heading: String,
    pub ws: Option<Workspace>,
    pub entries: Vec<AuditLine>,
    pub older_url: Option<String>,
    pub section: &'static str,
    pub can_audit: bool,
}

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    before: Option<i64>,
}

const AUDIT_PAGE: u32 = 50;

pub async fn audit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let entries = state
        .store
        .audit_for_workspace(ws.workspace.id, q.before.map(AuditId), AUDIT_PAGE)
        .await?;
    let older_url = (entries.len() == AUDIT_PAGE as usize)
        .then(|| {
            entries
                .last()
                .map(|e| format!("/w/{}/audit?before={}", ws.workspace.slug, e.id))
        })
        .flatten();
    let base = Base::page(&state, &ctx, "audit-title", "workspaces");
    let heading = format!("{} — {}", base.title, ws.workspace.name);
    let entries = audit_lines(&base.tr, &entries);
    ok(&AuditPage {
        base,
        heading,
        ws: Some(ws.workspace),
        entries,
        older_url,
        section: "audit",
        can_audit: true,
    })
}
