//! Client approval (001 C1.8, C2.2): the client approver sees the entries
//! submitted to them, grouped by week, and approves them or requests changes with
//! a comment, one at a time or a whole week in one action (all or nothing). The
//! team sees the same page read-only, plus the entries ready to submit, which it
//! submits a week at a time or all at once.
//!
//! The client never sees ideas, drafts or internal review here: the lists come
//! from the store with explicit statuses.

use super::{render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::AppResult;
use crate::forms::PageForm;
use crate::notify;
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::{Datelike, NaiveDate};
use relais_core::entry::{Account, Comment, Entry, NotificationKind, Status};
use relais_core::model::{Actor, Workspace};
use relais_core::policy::role_allows;
use relais_core::{Action, EntryId};
use relais_store::{EntryFilter, StoreError};
use serde::Deserialize;

/// One network's text of an entry.
pub struct NetworkText {
    pub network: String,
    pub accounts: String,
    pub text: String,
}

/// An entry as the approval page shows it.
pub struct EntryView {
    pub id: EntryId,
    pub version: i64,
    pub title: String,
    pub status: Status,
    pub when: String,
    pub when_iso: String,
    pub axis: String,
    pub format: String,
    pub texts: Vec<NetworkText>,
    /// (thumbnail URL, alt text; empty alt is shown as "no alt text").
    pub media: Vec<(String, String)>,
    pub client_notes: String,
    pub comments: Vec<Comment>,
}

/// Entries of one week (Monday), or the undated ones.
pub struct WeekGroup {
    /// `2025-10-06`, or `undated`.
    pub key: String,
    pub heading: String,
    pub entries: Vec<EntryView>,
}

impl WeekGroup {
    /// The ids, comma-separated, for the week's bulk form.
    pub fn ids(&self) -> String {
        self.entries
            .iter()
            .map(|e| e.id.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[derive(Template)]
#[template(path = "approvals.html")]
pub struct ApprovalsPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub can_approve: bool,
    pub can_submit: bool,
    /// Submitted to the client, by week.
    pub waiting: Vec<WeekGroup>,
    /// Ready to submit (internal review), by week; team only.
    pub ready: Vec<WeekGroup>,
    pub ready_ids: String,
    pub notice: Option<String>,
    /// A refused decision: (form id prefix, message) and the typed comment.
    pub error: Option<(String, String)>,
    pub typed_comment: String,
}

impl ApprovalsPage {
    /// The error for the form `key` (`entry-12`, `week-2025-10-06`), if any.
    pub fn error_for(&self, key: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(k, _)| k == key)
            .map(|(_, m)| m.as_str())
    }

    /// The comment to draw again in the form `key`.
    pub fn comment_for(&self, key: &str) -> &str {
        if self.error_for(key).is_some() {
            &self.typed_comment
        } else {
            ""
        }
    }
}

/// The Monday of the week of `date`.
pub fn monday(date: NaiveDate) -> NaiveDate {
    date - chrono::Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// Turns entries into week groups with their texts, media and comments.
pub async fn group_by_week(
    state: &AppState,
    tr: &Tr,
    ws: &Workspace,
    accounts: &[Account],
    entries: Vec<Entry>,
    with_comments: bool,
) -> AppResult<Vec<WeekGroup>> {
    let mut groups: Vec<WeekGroup> = Vec::new();
    for e in entries {
        let (key, heading) = match e.content.starts_at {
            Some(at) => {
                let m = monday(at.date_naive());
                let when = m.and_hms_opt(0, 0, 0).map(|d| d.and_utc()).unwrap_or(at);
                (
                    m.format("%Y-%m-%d").to_string(),
                    tr.t1("approval-week-of", "date", &tr.date(&when)),
                )
            }
            None => ("undated".to_string(), tr.t("approval-undated")),
        };
        let comments = if with_comments {
            state.store.list_comments(ws.id, e.id).await?
        } else {
            Vec::new()
        };
        let view = entry_view(tr, ws, accounts, e, comments);
        match groups.iter_mut().find(|g| g.key == key) {
            Some(g) => g.entries.push(view),
            None => groups.push(WeekGroup {
                key,
                heading,
                entries: vec![view],
            }),
        }
    }
    // Dated weeks in order, undated last.
    groups.sort_by(|a, b| (a.key == "undated", &a.key).cmp(&(b.key == "undated", &b.key)));
    Ok(groups)
}

fn entry_view(
    tr: &Tr,
    ws: &Workspace,
    accounts: &[Account],
    e: Entry,
    comments: Vec<Comment>,
) -> EntryView {
    let mut texts: Vec<NetworkText> = Vec::new();
    for id in &e.content.accounts {
        let Some(a) = accounts.iter().find(|a| a.id == *id) else {
            continue;
        };
        let name = format!("{} ({})", a.label, a.handle);
        match texts.iter_mut().find(|t| t.network == a.network.label()) {
            Some(t) => {
                t.accounts.push_str(", ");
                t.accounts.push_str(&name);
            }
            None => texts.push(NetworkText {
                network: a.network.label().to_string(),
                accounts: name,
                text: e.content.text_for(a.network).to_string(),
            }),
        }
    }
    if texts.is_empty() {
        texts.push(NetworkText {
            network: tr.t("approval-main-text"),
            accounts: String::new(),
            text: e.content.body.clone(),
        });
    }
    EntryView {
        id: e.id,
        version: e.version,
        title: e.content.title.clone(),
        status: e.status,
        when: e
            .content
            .starts_at
            .map_or_else(|| tr.t("approval-undated"), |at| tr.datetime(&at)),
        when_iso: e
            .content
            .starts_at
            .map(|at| tr.iso(&at))
            .unwrap_or_default(),
        axis: e.content.axis.clone().unwrap_or_default(),
        format: e.content.format.as_str().to_string(),
        texts,
        media: e
            .content
            .media
            .iter()
            .map(|m| {
                (
                    format!("/w/{}/media/{}/thumbnail", ws.slug, m.media_id),
                    m.alt.clone(),
                )
            })
            .collect(),
        client_notes: e.content.client_notes.clone(),
        comments,
    }
}

fn entries_with(status: Status) -> EntryFilter {
    EntryFilter {
        status: Some(status),
        ..EntryFilter::default()
    }
}

async fn draw(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    status: StatusCode,
    notice: Option<String>,
    error: Option<(String, String)>,
    typed_comment: String,
) -> AppResult<Response> {
    let base = Base::page(state, ctx, "approval-title", "workspaces");
    let w = &ws.workspace;
    let accounts = state.store.list_accounts(w.id).await?;
    let submitted = state
        .store
        .list_entries(w.id, &entries_with(Status::Submitted))
        .await?;
    let waiting = group_by_week(state, &base.tr, w, &accounts, submitted, true).await?;
    let can_submit = role_allows(ws.role, Action::EditCalendar);
    let (ready, ready_ids) = if can_submit {
        let list = state
            .store
            .list_entries(w.id, &entries_with(Status::InternalReview))
            .await?;
        let ids = list
            .iter()
            .map(|e| e.id.to_string())
            .collect::<Vec<_>>()
            .join(",");
        (
            group_by_week(state, &base.tr, w, &accounts, list, false).await?,
            ids,
        )
    } else {
        (Vec::new(), String::new())
    };
    render(
        status,
        &ApprovalsPage {
            base,
            ws: w.clone(),
            section: "approvals",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            can_approve: role_allows(ws.role, Action::ApproveEntries),
            can_submit,
            waiting,
            ready,
            ready_ids,
            notice,
            error,
            typed_comment,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
    #[serde(default)]
    count: usize,
}

pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let notice = match q.done.as_str() {
        "approved" => Some(tr.n("approval-done-approved", q.count)),
        "changes" => Some(tr.n("approval-done-changes", q.count)),
        "submitted" => Some(tr.n("approval-done-submitted", q.count)),
        _ => None,
    };
    draw(
        &state,
        &ctx,
        &ws,
        StatusCode::OK,
        notice,
        None,
        String::new(),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    ids: String,
}

/// What the client decided.
fn parse_decision(s: &str) -> Option<Status> {
    match s {
        "approve" => Some(Status::Approved),
        "changes" => Some(Status::ChangesRequested),
        _ => None,
    }
}

/// Parses `1,2,3`.
pub fn parse_ids(s: &str) -> Option<Vec<EntryId>> {
    let ids: Option<Vec<EntryId>> = s
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect();
    ids.filter(|v| !v.is_empty())
}

/// `POST /w/{slug}/approvals/{entry_id}`: one entry's decision.
pub async fn decide_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, entry_id)): Path<(String, i64)>,
    PageForm(form): PageForm<DecisionForm>,
) -> AppResult<Response> {
    let key = format!("entry-{entry_id}");
    decide(&state, &ctx, &ws, key, vec![EntryId(entry_id)], form).await
}

/// `POST /w/{slug}/approvals/week`: a whole week's decision, all or nothing.
pub async fn decide_week(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<WeekQuery>,
    PageForm(form): PageForm<DecisionForm>,
) -> AppResult<Response> {
    let key = format!("week-{}", q.week);
    let Some(ids) = parse_ids(&form.ids) else {
        let msg = state.i18n.t(ctx.locale, "approval-error-no-entries");
        return draw(
            &state,
            &ctx,
            &ws,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some((key, msg)),
            form.comment,
        )
        .await;
    };
    decide(&state, &ctx, &ws, key, ids, form).await
}

#[derive(Debug, Deserialize)]
pub struct WeekQuery {
    #[serde(default)]
    week: String,
}

async fn decide(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    key: String,
    ids: Vec<EntryId>,
    form: DecisionForm,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let refuse = |code: &str, comment: String| {
        let msg = state.i18n.t(ctx.locale, code);
        draw(
            state,
            ctx,
            ws,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some((key.clone(), msg)),
            comment,
        )
    };
    let Some(to) = parse_decision(&form.decision) else {
        return refuse("approval-error-decision", form.comment).await;
    };
    let comment = form.comment.trim().to_string();
    if to == Status::ChangesRequested && comment.is_empty() {
        return refuse("approval-error-comment-required", form.comment).await;
    }
    let w = &ws.workspace;
    let result = if ids.len() == 1 {
        state
            .store
            .set_entry_status(&Actor::user(&user), w.id, ids[0], None, to, &comment)
            .await
            .map(|e| vec![e])
    } else {
        state
            .store
            .set_entries_status(&Actor::user(&user), w.id, &ids, to, &comment)
            .await
    };
    let entries = match result {
        Ok(e) => e,
        Err(StoreError::BadTransition { .. }) | Err(StoreError::Stale) => {
            return refuse("approval-error-not-submitted", form.comment).await
        }
        Err(e) => return Err(e.into()),
    };
    let kind = if to == Status::Approved {
        NotificationKind::Approved
    } else {
        NotificationKind::ChangesRequested
    };
    notify::decision(state, w, &user, kind, &entries, &comment, &ctx.base_url).await?;
    let done = if to == Status::Approved {
        "approved"
    } else {
        "changes"
    };
    Ok(Redirect::to(&format!(
        "/w/{}/approvals?done={done}&count={}",
        w.slug,
        entries.len()
    ))
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct SubmitForm {
    #[serde(default)]
    ids: String,
    #[serde(default)]
    comment: String,
}

/// `POST /w/{slug}/approvals/submit`: the team submits entries in internal
/// review to the client (a week, or everything ready), all or nothing.
pub async fn submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    PageForm(form): PageForm<SubmitForm>,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let refuse = |code: &str| {
        let msg = state.i18n.t(ctx.locale, code);
        draw(
            &state,
            &ctx,
            &ws,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(("submit".to_string(), msg)),
            String::new(),
        )
    };
    let Some(ids) = parse_ids(&form.ids) else {
        return refuse("approval-error-no-entries").await;
    };
    let w = &ws.workspace;
    let comment = form.comment.trim();
    let entries = match state
        .store
        .set_entries_status(&Actor::user(&user), w.id, &ids, Status::Submitted, comment)
        .await
    {
        Ok(e) => e,
        Err(StoreError::BadTransition { .. }) | Err(StoreError::Stale) => {
            return refuse("approval-error-not-ready").await
        }
        Err(e) => return Err(e.into()),
    };
    notify::decision(
        &state,
        w,
        &user,
        NotificationKind::Submitted,
        &entries,
        comment,
        &ctx.base_url,
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/approvals?done=submitted&count={}",
        w.slug,
        entries.len()
    ))
    .into_response())
}
