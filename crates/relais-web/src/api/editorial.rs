//! The editorial API: charter, accounts, calendar entries with their status
//! workflow, checklist and comments, and the client's approvals.
//!
//! Client approvers see only what was submitted to them: entries in internal
//! statuses are "not found" for them, here as on the pages.

use super::ApiJson;
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::notify;
use crate::render::{Problem, ProblemField};
use crate::tr::Tr;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, NaiveDate, Utc};
use relais_core::charter::{Charter, CharterVersion};
use relais_core::checks::FindingReport;
use relais_core::entry::{
    Account, Comment, Decider, Entry, EntryContent, NotificationKind, Status,
};
use relais_core::model::{Actor, User};
use relais_core::policy::role_allows;
use relais_core::validate::FieldError;
use relais_core::{AccountId, Action, EntryId, Network, Role, UserId};
use relais_store::{EntryFilter, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A problem document whose fields are paths inside a document (`axes.2.name`).
pub fn path_problem(tr: &Tr, errors: &[(String, &'static str)]) -> Response {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let body = Problem {
        kind: "/problems/invalid-fields".into(),
        title: tr.t("error-title-422"),
        status: status.as_u16(),
        detail: tr.t("error-text-422"),
        errors: errors
            .iter()
            .map(|(field, code)| ProblemField {
                field: field.clone(),
                code: code.to_string(),
                message: tr.t(&format!("error-{code}")),
                position: None,
                hint: None,
            })
            .collect(),
    };
    let mut r = (status, Json(body)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    r
}

// --- Charter --------------------------------------------------------------------

/// One saved version of the editorial charter.
#[derive(Debug, Serialize, ToSchema)]
pub struct CharterOut {
    /// 1 for the first save, then +1 per save.
    pub version: i64,
    /// The charter document: timezone, objectives, axes, networks, procedures, rules.
    #[schema(value_type = Object)]
    pub charter: Charter,
    pub note: String,
    pub author_name: String,
    pub created_at: DateTime<Utc>,
}

impl From<CharterVersion> for CharterOut {
    fn from(v: CharterVersion) -> Self {
        CharterOut {
            version: v.version,
            charter: v.charter,
            note: v.note,
            author_name: v.author_name,
            created_at: v.created_at,
        }
    }
}

/// The current charter (404 when none was written yet).
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/charter", tag = "charter", params(("slug" = String, Path)), responses((status = 200, body = CharterOut), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_charter(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Json<CharterOut>> {
    let current = state
        .store
        .current_charter(ws.workspace.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(current.into()))
}

/// A new version of the charter.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutCharter {
    #[schema(value_type = Object)]
    pub charter: Charter,
    /// What changed, in your words.
    #[serde(default)]
    pub note: String,
    /// The version you started from; null when there is no charter yet. A
    /// different current version is refused with 409.
    pub expected_version: Option<i64>,
}

/// Saves a new version of the charter (the history is kept).
#[utoipa::path(put, path = "/api/v1/workspaces/{slug}/charter", tag = "charter", params(("slug" = String, Path)), request_body = PutCharter, responses((status = 200, body = CharterOut), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn put_charter(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    ApiJson(body): ApiJson<PutCharter>,
) -> AppResult<Response> {
    let errors: Vec<(String, &'static str)> = body
        .charter
        .validate()
        .into_iter()
        .map(|e| (format!("charter.{}", e.field), e.code))
        .collect();
    if !errors.is_empty() {
        return Ok(path_problem(&Tr::new(&state, ctx.locale), &errors));
    }
    let user = ctx.user()?;
    let saved = state
        .store
        .save_charter(
            &Actor::user(user),
            ws.workspace.id,
            &body.charter,
            body.note.trim(),
            body.expected_version,
        )
        .await
        .map_err(|e| match e {
            StoreError::Stale => {
                AppError::Conflict(FieldError::new("expected_version", "api-stale"))
            }
            other => other.into(),
        })?;
    Ok(Json(CharterOut::from(saved)).into_response())
}

/// Every version of the charter, newest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/charter/history", tag = "charter", params(("slug" = String, Path)), responses((status = 200, body = [CharterOut]), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn charter_history(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Json<Vec<CharterOut>>> {
    let list = state.store.charter_history(ws.workspace.id).await?;
    Ok(Json(list.into_iter().map(CharterOut::from).collect()))
}

// --- Accounts -------------------------------------------------------------------

/// An account of the workspace on a network.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountOut {
    pub id: i64,
    /// bluesky, mastodon, x, linkedin, facebook_page, instagram, threads, tiktok, youtube, pinterest.
    pub network: String,
    pub handle: String,
    pub label: String,
}

impl From<Account> for AccountOut {
    fn from(a: Account) -> Self {
        AccountOut {
            id: a.id.0,
            network: a.network.as_str().to_string(),
            handle: a.handle,
            label: a.label,
        }
    }
}

/// The workspace's accounts.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/accounts", tag = "accounts", params(("slug" = String, Path)), responses((status = 200, body = [AccountOut]), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_accounts(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Json<Vec<AccountOut>>> {
    let list = state.store.list_accounts(ws.workspace.id).await?;
    Ok(Json(list.into_iter().map(AccountOut::from).collect()))
}

/// An account to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub network: String,
    pub handle: String,
    pub label: String,
}

/// Adds an account.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/accounts", tag = "accounts", params(("slug" = String, Path)), request_body = NewAccount, responses((status = 201, body = AccountOut), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create_account(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    ApiJson(body): ApiJson<NewAccount>,
) -> AppResult<(StatusCode, Json<AccountOut>)> {
    let mut errors = Vec::new();
    let network = Network::parse(&body.network);
    if network.is_none() {
        errors.push(FieldError::new("network", "api-network-invalid"));
    }
    for (field, value) in [("handle", &body.handle), ("label", &body.label)] {
        if value.trim().is_empty() {
            errors.push(FieldError::new(field, "required"));
        } else if value.chars().count() > 200 {
            errors.push(FieldError::new(field, "too-long"));
        }
    }
    let Some(network) = network.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let user = ctx.user()?;
    let a = state
        .store
        .create_account(
            &Actor::user(user),
            ws.workspace.id,
            network,
            body.handle.trim(),
            body.label.trim(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// Removes an account.
#[utoipa::path(delete, path = "/api/v1/workspaces/{slug}/accounts/{account_id}", tag = "accounts", params(("slug" = String, Path), ("account_id" = i64, Path)), responses((status = 204), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn delete_account(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    let user = ctx.user()?;
    state
        .store
        .delete_account(&Actor::user(user), ws.workspace.id, AccountId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- Entries --------------------------------------------------------------------

/// A calendar entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryOut {
    pub id: i64,
    /// idea, draft, internal_review, submitted, changes_requested, approved, scheduled, published, failed.
    pub status: String,
    /// Send it back with a change: a save from an older version is refused with 409.
    pub version: i64,
    /// title, axis, accounts, starts_at, timezone, format, content_type, body,
    /// variants, media, keywords, hashtags, campaign, client_notes, assignee, legal, ugc.
    #[schema(value_type = Object)]
    pub content: EntryContent,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Entry> for EntryOut {
    fn from(e: Entry) -> Self {
        EntryOut {
            id: e.id.0,
            status: e.status.as_str().to_string(),
            version: e.version,
            content: e.content,
            created_by: e.created_by.map(|u| u.0),
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// Filters of the entry list (the calendar's).
#[derive(Debug, Deserialize, IntoParams)]
pub struct EntryParams {
    /// Entries starting at or after this instant (RFC 3339) or date (YYYY-MM-DD).
    pub from: Option<String>,
    /// Entries starting before this instant or date.
    pub to: Option<String>,
    pub account: Option<i64>,
    pub axis: Option<String>,
    pub status: Option<String>,
    pub assignee: Option<i64>,
    /// Only entries with no date.
    #[serde(default)]
    pub undated: bool,
}

fn parse_instant(field: &'static str, s: &str) -> AppResult<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or_else(|| AppError::field(field, "api-date-invalid"))
}

/// The filter for `p`, as seen by `role`.
pub fn entry_filter(p: &EntryParams, role: Role) -> AppResult<EntryFilter> {
    let status = match &p.status {
        Some(s) => {
            Some(Status::parse(s).ok_or_else(|| AppError::field("status", "api-status-invalid"))?)
        }
        None => None,
    };
    Ok(EntryFilter {
        from: p
            .from
            .as_deref()
            .map(|s| parse_instant("from", s))
            .transpose()?,
        to: p
            .to
            .as_deref()
            .map(|s| parse_instant("to", s))
            .transpose()?,
        account: p.account.map(AccountId),
        axis: p.axis.clone().filter(|a| !a.trim().is_empty()),
        status,
        assignee: p.assignee.map(UserId),
        client_visible_only: !role_allows(role, Action::ViewDrafts),
        undated_only: p.undated,
    })
}

/// The calendar's entries, ordered by date.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/entries", tag = "entries", params(("slug" = String, Path), EntryParams), responses((status = 200, body = [EntryOut]), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn list_entries(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
    Query(p): Query<EntryParams>,
) -> AppResult<Json<Vec<EntryOut>>> {
    let filter = entry_filter(&p, ws.role)?;
    let list = state.store.list_entries(ws.workspace.id, &filter).await?;
    Ok(Json(list.into_iter().map(EntryOut::from).collect()))
}

/// The entry, if the caller may see it (client approvers: submitted and after).
pub async fn visible_entry(state: &AppState, ws: &WsCtx, id: i64) -> AppResult<Entry> {
    let e = state
        .store
        .get_entry(ws.workspace.id, EntryId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    if !role_allows(ws.role, Action::ViewDrafts) && !e.status.client_visible() {
        return Err(AppError::NotFound);
    }
    Ok(e)
}

/// One entry.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/entries/{entry_id}", tag = "entries", params(("slug" = String, Path), ("entry_id" = i64, Path)), responses((status = 200, body = EntryOut), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_entry(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Json<EntryOut>> {
    Ok(Json(visible_entry(&state, &ws, id).await?.into()))
}

/// A new entry.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    /// idea (default), draft or internal_review.
    #[serde(default)]
    pub status: Option<String>,
    #[schema(value_type = Object)]
    pub content: EntryContent,
}

fn check_content(c: &EntryContent) -> AppResult<()> {
    let mut errors = Vec::new();
    if c.title.trim().is_empty() {
        errors.push(FieldError::new("content", "required"));
    } else if c.title.chars().count() > 300 {
        errors.push(FieldError::new("content", "too-long"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Creates an entry.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/entries", tag = "entries", params(("slug" = String, Path)), request_body = NewEntry, responses((status = 201, body = EntryOut), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create_entry(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    ApiJson(body): ApiJson<NewEntry>,
) -> AppResult<(StatusCode, Json<EntryOut>)> {
    let status = match body.status.as_deref() {
        None => Status::Idea,
        Some(s) => Status::parse(s)
            .filter(|s| matches!(s, Status::Idea | Status::Draft | Status::InternalReview))
            .ok_or_else(|| AppError::field("status", "api-status-invalid"))?,
    };
    check_content(&body.content)?;
    let user = ctx.user()?;
    let e = state
        .store
        .create_entry(&Actor::user(user), ws.workspace.id, status, &body.content)
        .await?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

/// A change to an entry's content.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchEntry {
    /// The version you read; 409 if the entry changed since.
    pub version: i64,
    /// The whole new content.
    #[schema(value_type = Object)]
    pub content: EntryContent,
}

/// Changes an entry's content (refused with 409 if it changed since `version`).
#[utoipa::path(patch, path = "/api/v1/workspaces/{slug}/entries/{entry_id}", tag = "entries", params(("slug" = String, Path), ("entry_id" = i64, Path)), request_body = PatchEntry, responses((status = 200, body = EntryOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn patch_entry(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<PatchEntry>,
) -> AppResult<Json<EntryOut>> {
    check_content(&body.content)?;
    let user = ctx.user()?;
    let e = state
        .store
        .update_entry(
            &Actor::user(user),
            ws.workspace.id,
            EntryId(id),
            body.version,
            &body.content,
        )
        .await?;
    Ok(Json(e.into()))
}

/// The version of the entry being deleted.
#[derive(Debug, Deserialize, IntoParams)]
pub struct VersionParam {
    pub version: Option<i64>,
}

/// Deletes an entry (`?version=N`: refused with 409 if it changed since).
#[utoipa::path(delete, path = "/api/v1/workspaces/{slug}/entries/{entry_id}", tag = "entries", params(("slug" = String, Path), ("entry_id" = i64, Path), VersionParam), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn delete_entry(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    Query(q): Query<VersionParam>,
) -> AppResult<StatusCode> {
    let version = q
        .version
        .ok_or_else(|| AppError::field("version", "api-version-required"))?;
    let user = ctx.user()?;
    state
        .store
        .delete_entry(&Actor::user(user), ws.workspace.id, EntryId(id), version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A status change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// The new status.
    pub to: String,
    /// The version you read (optional; 409 if the entry changed since).
    #[serde(default)]
    pub version: Option<i64>,
    /// Added to the entry's comment thread when not empty.
    #[serde(default)]
    pub comment: String,
}

/// Whether `role` may make transitions decided by `decider`.
fn may_decide(role: Role, decider: Decider) -> bool {
    match decider {
        Decider::Team => role_allows(role, Action::EditCalendar),
        Decider::Client => role_allows(role, Action::ApproveEntries),
    }
}

/// Notifies the right people of a status change.
pub async fn notify_status(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    user: &User,
    to: Status,
    entries: &[Entry],
    comment: &str,
) -> AppResult<()> {
    let kind = match to {
        Status::Submitted => NotificationKind::Submitted,
        Status::Approved => NotificationKind::Approved,
        Status::ChangesRequested => NotificationKind::ChangesRequested,
        _ => return Ok(()),
    };
    notify::decision(
        state,
        &ws.workspace,
        user,
        kind,
        entries,
        comment,
        &ctx.base_url,
    )
    .await
}

/// Moves an entry through the workflow. The team's steps need the team's role;
/// approving or requesting changes needs the client's.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/entries/{entry_id}/status", tag = "entries", params(("slug" = String, Path), ("entry_id" = i64, Path)), request_body = StatusChange, responses((status = 200, body = EntryOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn change_status(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<StatusChange>,
) -> AppResult<Json<EntryOut>> {
    let to = Status::parse(&body.to).ok_or_else(|| AppError::field("to", "api-status-invalid"))?;
    let entry = visible_entry(&state, &ws, id).await?;
    let decider = entry
        .status
        .transition(to)
        .ok_or_else(|| AppError::field("to", "api-bad-transition"))?;
    if !may_decide(ws.role, decider) {
        return Err(AppError::Forbidden);
    }
    let comment = body.comment.trim();
    if to == Status::ChangesRequested && comment.is_empty() {
        return Err(AppError::field("comment", "required"));
    }
    let user = ctx.user()?.clone();
    let e = state
        .store
        .set_entry_status(
            &Actor::user(&user),
            ws.workspace.id,
            entry.id,
            body.version,
            to,
            comment,
        )
        .await?;
    notify_status(
        &state,
        &ctx,
        &ws,
        &user,
        to,
        std::slice::from_ref(&e),
        comment,
    )
    .await?;
    Ok(Json(e.into()))
}

/// The client's decision on one or several entries (all or nothing).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRequest {
    /// The entries decided on (one, or a whole week).
    pub entries: Vec<i64>,
    /// `approve` or `request_changes`.
    pub decision: String,
    /// Required to request changes.
    #[serde(default)]
    pub comment: String,
}

/// Approves entries or requests changes on them, in one transaction: if any
/// entry is not waiting for approval, nothing changes (422).
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/approvals", tag = "approvals", params(("slug" = String, Path)), request_body = ApprovalRequest, responses((status = 200, body = [EntryOut]), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    ApiJson(body): ApiJson<ApprovalRequest>,
) -> AppResult<Json<Vec<EntryOut>>> {
    let to = match body.decision.as_str() {
        "approve" => Status::Approved,
        "request_changes" => Status::ChangesRequested,
        _ => return Err(AppError::field("decision", "api-decision-invalid")),
    };
    if body.entries.is_empty() {
        return Err(AppError::field("entries", "required"));
    }
    let comment = body.comment.trim();
    if to == Status::ChangesRequested && comment.is_empty() {
        return Err(AppError::field("comment", "required"));
    }
    let ids: Vec<EntryId> = body.entries.iter().copied().map(EntryId).collect();
    let user = ctx.user()?.clone();
    let entries = state
        .store
        .set_entries_status(&Actor::user(&user), ws.workspace.id, &ids, to, comment)
        .await
        .map_err(|e| match e {
            StoreError::BadTransition { .. } | StoreError::Stale => {
                AppError::field("entries", "api-bad-transition")
            }
            other => other.into(),
        })?;
    notify_status(&state, &ctx, &ws, &user, to, &entries, comment).await?;
    Ok(Json(entries.into_iter().map(EntryOut::from).collect()))
}

// --- Checklist ------------------------------------------------------------------

/// One finding of a checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct FindingOut {
    /// The check's stable id (`entry.no_axis`, `compose.alt_text_missing`).
    pub check: String,
    /// error, warning or info.
    pub severity: String,
    pub message: String,
    /// The criterion it implements (`001 C2.1 CE.1`).
    pub reference: String,
    pub suggestion: Option<String>,
    /// What it is about (a network, a date) when the checklist covers several things.
    pub subject: Option<String>,
}

impl From<FindingReport> for FindingOut {
    fn from(f: FindingReport) -> Self {
        FindingOut {
            check: f.check.to_string(),
            severity: f.severity.as_str().to_string(),
            message: f.message,
            reference: f.reference.to_string(),
            suggestion: f.suggestion,
            subject: f.subject,
        }
    }
}

/// The composer's report for one network.
#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkReportOut {
    pub network: String,
    /// The text's length as that network counts it.
    pub length: usize,
    pub limit: usize,
    pub findings: Vec<FindingOut>,
}

/// An entry's checklist: completeness, then each target network's checks.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistOut {
    pub entry: Vec<FindingOut>,
    pub networks: Vec<NetworkReportOut>,
}

/// The entry's checklist (001 C2.1 CE.1, the composer's checks per network).
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/entries/{entry_id}/checklist", tag = "entries", params(("slug" = String, Path), ("entry_id" = i64, Path)), responses((status = 200, body = ChecklistOut), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn checklist(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Json<ChecklistOut>> {
    let e = visible_entry(&state, &ws, id).await?;
    let accounts = state.store.list_accounts(ws.workspace.id).await?;
    let mut networks: Vec<Network> = e
        .content
        .accounts
        .iter()
        .filter_map(|a| accounts.iter().find(|x| x.id == *a).map(|x| x.network))
        .collect();
    networks.sort();
    networks.dedup();
    let entry = relais_core::entry::completeness(e.status, &e.content)
        .iter()
        .map(|f| FindingOut::from(f.report(ctx.locale)))
        .collect();
    let networks = networks
        .into_iter()
        .map(|n| super::editorial_lint::report(n, e.content.text_for(n), &e.content, ctx.locale))
        .collect();
    Ok(Json(ChecklistOut { entry, networks }))
}

// --- Comments -------------------------------------------------------------------

/// A comment of an entry's thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentOut {
    pub id: i64,
    pub author_id: Option<i64>,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<Comment> for CommentOut {
    fn from(c: Comment) -> Self {
        CommentOut {
            id: c.id.0,
            author_id: c.author_id.map(|u| u.0),
            author_name: c.author_name,
            body: c.body,
            created_at: c.created_at,
        }
    }
}

/// The entry's comments, oldest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/entries/{entry_id}/comments", tag = "entries", params(("slug" = String, Path), ("entry_id" = i64, Path)), responses((status = 200, body = [CommentOut]), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_comments(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Json<Vec<CommentOut>>> {
    let e = visible_entry(&state, &ws, id).await?;
    let list = state.store.list_comments(ws.workspace.id, e.id).await?;
    Ok(Json(list.into_iter().map(CommentOut::from).collect()))
}

/// A comment to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    pub body: String,
}

/// Adds a comment to the entry's thread; the team is notified of a client's comment.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/entries/{entry_id}/comments", tag = "entries", params(("slug" = String, Path), ("entry_id" = i64, Path)), request_body = NewComment, responses((status = 201, body = CommentOut), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn add_comment(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<NewComment>,
) -> AppResult<(StatusCode, Json<CommentOut>)> {
    let text = body.body.trim();
    if text.is_empty() {
        return Err(AppError::field("body", "required"));
    }
    if text.chars().count() > 5000 {
        return Err(AppError::field("body", "too-long"));
    }
    let e = visible_entry(&state, &ws, id).await?;
    let user = ctx.user()?.clone();
    let c = state
        .store
        .add_comment(&Actor::user(&user), ws.workspace.id, e.id, text)
        .await?;
    if !role_allows(ws.role, Action::EditCalendar) {
        notify::decision(
            &state,
            &ws.workspace,
            &user,
            NotificationKind::Commented,
            std::slice::from_ref(&e),
            text,
            &ctx.base_url,
        )
        .await?;
    }
    Ok((StatusCode::CREATED, Json(c.into())))
}
