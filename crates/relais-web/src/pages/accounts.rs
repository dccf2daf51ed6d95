//! A workspace's accounts on the networks (where entries are published): list
//! with each one's connection health and waiting publications, add, delete.
//! Connecting one is on its own page (`pages::connections`).

use super::{render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::forms::{FormState, PageForm};
use crate::publishing::Health;
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use relais_core::entry::Account;
use relais_core::model::{Actor, Workspace};
use relais_core::policy::role_allows;
use relais_core::validate::FieldError;
use relais_core::{AccountId, Action, Network};
use relais_store::StoreError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "accounts.html")]
pub struct AccountsPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub can_manage: bool,
    pub accounts: Vec<Account>,
    pub rows: Vec<AccountRow>,
    pub networks: Vec<Network>,
    pub form: FormState,
    pub notice: Option<String>,
}

/// One account with its publishing status, as the table shows it.
pub struct AccountRow {
    pub account: Account,
    /// `not_connected`, `connected`, `reconnect_needed`, `rate_limited`.
    pub health: &'static str,
    pub health_text: String,
    /// Deliveries waiting (pending, being sent, unconfirmed).
    pub waiting: usize,
    /// relais can publish on its network (a connect page exists).
    pub connectable: bool,
    pub connected: bool,
}

/// The accounts of a workspace with their health, times in the workspace's zone.
pub async fn account_rows(
    state: &AppState,
    tr: &Tr,
    ws: relais_core::WorkspaceId,
) -> AppResult<Vec<AccountRow>> {
    let accounts = state.store.list_accounts(ws).await?;
    let statuses = state.store.account_statuses(ws).await?;
    let tz = crate::publishing::workspace_zone(state, ws).await?;
    Ok(accounts
        .into_iter()
        .map(|a| {
            let status = statuses.iter().find(|s| s.account_id == a.id);
            let health = status.map_or(Health::NotConnected, Health::of);
            AccountRow {
                health: health.as_str(),
                health_text: health.text(tr.i18n(), tr.locale, tz),
                waiting: status.map_or(0, |s| usize::try_from(s.waiting).unwrap_or(0)),
                connectable: crate::publishing::connectable(a.network),
                connected: status.is_some_and(|s| s.connected),
                account: a,
            }
        })
        .collect())
}

async fn draw(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    status: StatusCode,
    form: FormState,
    notice: Option<String>,
) -> AppResult<Response> {
    let accounts = state.store.list_accounts(ws.workspace.id).await?;
    let tr = Tr::new(state, ctx.locale);
    let rows = account_rows(state, &tr, ws.workspace.id).await?;
    render(
        status,
        &AccountsPage {
            base: Base::page(state, ctx, "accounts-title", "workspaces"),
            ws: ws.workspace.clone(),
            section: "accounts",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            can_manage: role_allows(ws.role, Action::ManageWorkspace),
            accounts,
            rows,
            networks: Network::ALL.to_vec(),
            form,
            notice,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// `GET /w/{slug}/accounts`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let notice = match q.done.as_str() {
        "added" => Some(state.i18n.t(ctx.locale, "accounts-added")),
        "deleted" => Some(state.i18n.t(ctx.locale, "accounts-deleted")),
        "connected" => Some(state.i18n.t(ctx.locale, "connect-done")),
        "disconnected" => Some(state.i18n.t(ctx.locale, "connect-disconnected")),
        _ => None,
    };
    draw(
        &state,
        &ctx,
        &ws,
        StatusCode::OK,
        FormState::new("account-"),
        notice,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    network: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    label: String,
}

/// Checks an account form: a known network, a handle and a label of sensible length.
pub fn parse_add(form: &AddForm) -> Result<(Network, String, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let network = Network::parse(&form.network);
    if network.is_none() {
        errors.push(FieldError::new("network", "required"));
    }
    let handle = form.handle.trim().to_string();
    if handle.is_empty() {
        errors.push(FieldError::new("handle", "required"));
    } else if handle.chars().count() > 100 {
        errors.push(FieldError::new("handle", "too-long"));
    } else if handle.chars().any(char::is_control) {
        errors.push(FieldError::new("handle", "invalid-characters"));
    }
    let mut label = form.label.trim().to_string();
    if label.chars().count() > 100 {
        errors.push(FieldError::new("label", "too-long"));
    } else if label.chars().any(char::is_control) {
        errors.push(FieldError::new("label", "invalid-characters"));
    }
    match network {
        Some(n) if errors.is_empty() => {
            if label.is_empty() {
                label = format!("{} {handle}", n.label());
            }
            Ok((n, handle, label))
        }
        _ => Err(errors),
    }
}

/// `POST /w/{slug}/accounts`.
pub async fn add(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    PageForm(form): PageForm<AddForm>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let kept = FormState::new("account-")
        .keep("network", &form.network)
        .keep("handle", &form.handle)
        .keep("label", &form.label);
    let (network, handle, label) = match parse_add(&form) {
        Ok(v) => v,
        Err(errors) => {
            let f = kept.with_errors(&tr, &errors);
            return draw(&state, &ctx, &ws, StatusCode::UNPROCESSABLE_ENTITY, f, None).await;
        }
    };
    let user = ctx.user()?;
    match state
        .store
        .create_account(
            &Actor::user(user),
            ws.workspace.id,
            network,
            &handle,
            &label,
        )
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/w/{}/accounts?done=added", ws.workspace.slug)).into_response(),
        ),
        Err(StoreError::Conflict(_)) => {
            let f = kept.with_message("handle", tr.t("accounts-taken"));
            draw(&state, &ctx, &ws, StatusCode::CONFLICT, f, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /w/{slug}/accounts/{account_id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    match state
        .store
        .delete_account(&Actor::user(user), ws.workspace.id, AccountId(id))
        .await
    {
        Ok(()) => Ok(
            Redirect::to(&format!("/w/{}/accounts?done=deleted", ws.workspace.slug))
                .into_response(),
        ),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}
