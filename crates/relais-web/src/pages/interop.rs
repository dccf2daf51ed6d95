//! Calendar import and export (001 C2.1 CE.1 "un outil tableau") and the secret
//! iCalendar feed.
//!
//! Import is in two steps: the uploaded CSV is parsed and every row shown with its
//! errors (line, column, reason); the confirmation sends the same bytes back
//! (base64 in a hidden field, so nothing is kept on the server between the two
//! steps) and imports them in one transaction. While any row is wrong nothing is
//! imported, unless the person ticks "import only the valid rows".

use super::{render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::forms::PageForm;
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use base64::Engine;
use relais_core::entry::{EntryContent, Status};
use relais_core::model::{Actor, Workspace};
use relais_core::policy::role_allows;
use relais_core::{Action, Locale, WorkspaceId};
use relais_store::EntryFilter;
use serde::Deserialize;

/// One error of one CSV row, worded for the reader.
pub struct RowErrorView {
    pub line: u64,
    pub column: String,
    pub message: String,
}

/// One CSV row of the preview.
pub struct RowView {
    pub line: u64,
    pub title: String,
    pub when: String,
    pub errors: Vec<RowErrorView>,
}

/// The result of parsing an upload: every row, the valid ones ready to import.
pub struct Parsed {
    pub rows: Vec<RowView>,
    pub valid: Vec<(Status, EntryContent)>,
    pub invalid: usize,
    /// A problem with the whole file (no header, not text…): no rows then.
    pub file_error: Option<String>,
}

/// Parses a CSV upload against the workspace's accounts and charter.
pub async fn parse_csv(
    state: &AppState,
    ws: WorkspaceId,
    locale: Locale,
    bytes: &[u8],
) -> AppResult<Parsed> {
    let accounts = state.store.list_accounts(ws).await?;
    let charter = state.store.current_charter(ws).await?;
    let (axes, timezone) = match &charter {
        Some(c) => (c.charter.axes.clone(), c.charter.timezone.clone()),
        None => (Vec::new(), "Europe/Paris".to_string()),
    };
    let parsed = match crate::adapters::parse_import(bytes, &accounts, &axes, &timezone) {
        Ok(rows) => rows,
        Err(problem) => {
            return Ok(Parsed {
                rows: Vec::new(),
                valid: Vec::new(),
                invalid: 0,
                file_error: Some(problem.message(locale).to_string()),
            })
        }
    };
    let mut rows = Vec::new();
    let mut valid = Vec::new();
    let mut invalid = 0;
    for row in parsed {
        let errors: Vec<RowErrorView> = row
            .errors
            .iter()
            .map(|e| RowErrorView {
                line: e.line,
                column: e.column.clone(),
                message: e.message(locale).to_string(),
            })
            .collect();
        let title = row.title.clone();
        let when = row.starts_at.map(|at| at.to_rfc3339()).unwrap_or_default();
        if errors.is_empty() {
            if let Some(entry) = row.entry {
                valid.push(entry);
            }
        } else {
            invalid += 1;
        }
        rows.push(RowView {
            line: row.line,
            title,
            when,
            errors,
        });
    }
    Ok(Parsed {
        rows,
        valid,
        invalid,
        file_error: None,
    })
}

#[derive(Template)]
#[template(path = "import.html")]
pub struct ImportPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    /// May import (the team); others only export.
    pub can_import: bool,
    /// May manage the secret feed.
    pub can_manage: bool,
    pub notice: Option<String>,
    /// An error about the uploaded file (tied to the file field).
    pub file_error: Option<String>,
    /// The preview, with the uploaded bytes (base64) to confirm.
    pub preview: Option<Parsed>,
    pub payload: String,
    /// The confirmation was refused (rows with errors, "valid only" not ticked).
    pub confirm_error: Option<String>,
}

struct Draw {
    status: StatusCode,
    notice: Option<String>,
    file_error: Option<String>,
    preview: Option<(Parsed, String)>,
    confirm_error: Option<String>,
}

/// The import page again with a file-level error (no file, unreadable CSV).
fn file_refused(state: &AppState, ctx: &Ctx, ws: &WsCtx, msg: String) -> AppResult<Response> {
    draw(
        state,
        ctx,
        ws,
        Draw {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            notice: None,
            file_error: Some(msg),
            preview: None,
            confirm_error: None,
        },
    )
}

fn draw(state: &AppState, ctx: &Ctx, ws: &WsCtx, d: Draw) -> AppResult<Response> {
    let (preview, payload) = match d.preview {
        Some((p, b)) => (Some(p), b),
        None => (None, String::new()),
    };
    render(
        d.status,
        &ImportPage {
            base: Base::page(state, ctx, "interop-import-title", "workspaces"),
            ws: ws.workspace.clone(),
            section: "import",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            can_import: role_allows(ws.role, Action::EditCalendar),
            can_manage: role_allows(ws.role, Action::ManageWorkspace),
            notice: d.notice,
            file_error: d.file_error,
            preview,
            payload,
            confirm_error: d.confirm_error,
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

/// `GET /w/{slug}/calendar/import`
pub async fn import_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let notice = (q.done == "imported")
        .then(|| crate::tr::Tr::new(&state, ctx.locale).n("interop-imported", q.count));
    draw(
        &state,
        &ctx,
        &ws,
        Draw {
            status: StatusCode::OK,
            notice,
            file_error: None,
            preview: None,
            confirm_error: None,
        },
    )
}

/// Reads the file field `name` of a multipart form (other fields are skipped).
pub async fn read_file_field(multipart: &mut Multipart, name: &str) -> AppResult<Vec<u8>> {
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        if field.name() == Some(name) {
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(e.body_text()))?;
            return Ok(bytes.to_vec());
        }
    }
    Ok(Vec::new())
}

/// A multipart body, or a 400 page when the request is not one.
pub struct PageMultipart(pub Multipart);

impl<S: Send + Sync> axum::extract::FromRequest<S> for PageMultipart {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        Multipart::from_request(req, state)
            .await
            .map(PageMultipart)
            .map_err(|e| AppError::BadRequest(e.body_text()))
    }
}

/// `POST /w/{slug}/calendar/import` (multipart, field `file`): the dry run.
pub async fn import_preview(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    PageMultipart(mut form): PageMultipart,
) -> AppResult<Response> {
    let bytes = read_file_field(&mut form, "file").await?;
    if bytes.is_empty() {
        let msg = state.i18n.t(ctx.locale, "interop-error-no-file");
        return file_refused(&state, &ctx, &ws, msg);
    }
    let parsed = parse_csv(&state, ws.workspace.id, ctx.locale, &bytes).await?;
    if let Some(msg) = parsed.file_error {
        return file_refused(&state, &ctx, &ws, msg);
    }
    let payload = base64::engine::general_purpose::STANDARD.encode(&bytes);
    draw(
        &state,
        &ctx,
        &ws,
        Draw {
            status: StatusCode::OK,
            notice: None,
            file_error: None,
            preview: Some((parsed, payload)),
            confirm_error: None,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    payload: String,
    #[serde(default)]
    valid_only: String,
}

/// `POST /w/{slug}/calendar/import/confirm`: imports what the preview showed,
/// in one transaction.
pub async fn import_confirm(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    PageForm(form): PageForm<ConfirmForm>,
) -> AppResult<Response> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(form.payload.trim())
        .unwrap_or_default();
    if bytes.is_empty() {
        let msg = state.i18n.t(ctx.locale, "interop-error-no-file");
        return file_refused(&state, &ctx, &ws, msg);
    }
    let parsed = parse_csv(&state, ws.workspace.id, ctx.locale, &bytes).await?;
    if let Some(msg) = parsed.file_error {
        return file_refused(&state, &ctx, &ws, msg);
    }
    let valid_only = !form.valid_only.is_empty();
    if (parsed.invalid > 0 && !valid_only) || parsed.valid.is_empty() {
        let tr = crate::tr::Tr::new(&state, ctx.locale);
        let msg = if parsed.valid.is_empty() {
            tr.t("interop-error-nothing-valid")
        } else {
            tr.n("interop-error-rows-wrong", parsed.invalid)
        };
        return draw(
            &state,
            &ctx,
            &ws,
            Draw {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                notice: None,
                file_error: None,
                preview: Some((parsed, form.payload)),
                confirm_error: Some(msg),
            },
        );
    }
    let user = ctx.user()?;
    let ids = state
        .store
        .import_entries(&Actor::user(user), ws.workspace.id, &parsed.valid)
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/calendar/import?done=imported&count={}",
        ws.workspace.slug,
        ids.len()
    ))
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    format: String,
}

/// The entries a role may export: client approvers only what was submitted to them.
pub fn visible_filter(role: relais_core::Role) -> EntryFilter {
    EntryFilter {
        client_visible_only: !role_allows(role, Action::ViewDrafts),
        ..EntryFilter::default()
    }
}

/// `GET /w/{slug}/calendar/export?format=csv|ics`
pub async fn export(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let w = &ws.workspace;
    let entries = state
        .store
        .list_entries(w.id, &visible_filter(ws.role))
        .await?;
    let accounts = state.store.list_accounts(w.id).await?;
    match q.format.as_str() {
        "" | "csv" => {
            let body = crate::adapters::export_csv(&entries, &accounts);
            Ok(download(body, "text/csv; charset=utf-8", &w.slug, "csv"))
        }
        "ics" => {
            let body =
                crate::adapters::export_ics(&w.name, &entries, &accounts, crate::guard::now());
            Ok(download(
                body.into_bytes(),
                "text/calendar; charset=utf-8",
                &w.slug,
                "ics",
            ))
        }
        _ => Err(AppError::field("format", "interop-format-invalid")),
    }
}

fn download(body: Vec<u8>, content_type: &'static str, slug: &str, ext: &str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{slug}-calendar.{ext}\""))
    {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

// --- The secret iCalendar feed ------------------------------------------------

#[derive(Template)]
#[template(path = "feed.html")]
pub struct FeedPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The URL, shown once right after creation.
    pub new_url: Option<String>,
    pub notice: Option<String>,
}

async fn draw_feed(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    new_url: Option<String>,
    notice: Option<String>,
) -> AppResult<Response> {
    let created_at = state.store.feed_token_created_at(ws.workspace.id).await?;
    render(
        StatusCode::OK,
        &FeedPage {
            base: Base::page(state, ctx, "feed-title", "workspaces"),
            ws: ws.workspace.clone(),
            section: "feed",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            created_at,
            new_url,
            notice,
        },
    )
}

/// `GET /w/{slug}/feed`
pub async fn feed_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let notice = (q.done == "revoked").then(|| state.i18n.t(ctx.locale, "feed-revoked"));
    draw_feed(&state, &ctx, &ws, None, notice).await
}

/// `POST /w/{slug}/feed`: creates (or replaces) the secret URL and shows it once.
pub async fn feed_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let token = state
        .store
        .create_feed_token(&Actor::user(user), ws.workspace.id)
        .await?;
    let url = format!("{}/feeds/{token}.ics", ctx.base_url);
    draw_feed(&state, &ctx, &ws, Some(url), None).await
}

/// `POST /w/{slug}/feed/revoke`
pub async fn feed_revoke(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    state
        .store
        .revoke_feed_token(&Actor::user(user), ws.workspace.id)
        .await?;
    Ok(Redirect::to(&format!("/w/{}/feed?done=revoked", ws.workspace.slug)).into_response())
}

/// `GET /feeds/{token}` (public; the token is the secret): the workspace's dated
/// entries as iCalendar. Unknown or revoked tokens are "not found".
pub async fn feed(State(state): State<AppState>, Path(token): Path<String>) -> AppResult<Response> {
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    let ws = state
        .store
        .workspace_by_feed_token(token)
        .await?
        .ok_or(AppError::NotFound)?;
    let entries = state
        .store
        .list_entries(ws.id, &EntryFilter::default())
        .await?;
    let accounts = state.store.list_accounts(ws.id).await?;
    let body = crate::adapters::export_ics(&ws.name, &entries, &accounts, crate::guard::now());
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    Ok(r)
}
