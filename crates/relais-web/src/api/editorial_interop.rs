//! Calendar import and export and observances through the API.

use super::ApiJson;
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::pages::interop::{parse_csv, visible_filter};
use crate::render::Problem;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::NaiveDate;
use relais_core::entry::Observance;
use relais_core::model::Actor;
use relais_core::ObservanceId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// What to do with the uploaded CSV.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ImportParams {
    /// Only check the file; import nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Import the valid rows even if others have errors.
    #[serde(default)]
    pub valid_only: bool,
}

/// One error of one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowErrorOut {
    pub line: u64,
    pub column: String,
    pub message: String,
}

/// One row of the file.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowOut {
    pub line: u64,
    pub title: String,
    pub errors: Vec<RowErrorOut>,
}

/// The outcome of an import (or of its dry run).
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportOut {
    pub rows: Vec<RowOut>,
    pub valid: usize,
    pub invalid: usize,
    /// How many entries were created (0 for a dry run or a refused import).
    pub imported: usize,
    /// The ids of the created entries.
    pub ids: Vec<i64>,
    /// A problem with the whole file (no header, not text…).
    pub file_error: Option<String>,
}

/// Imports a CSV file (the body, `text/csv`). Nothing is imported while any
/// row has errors (422 with every row's errors), unless `valid_only=true`.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/calendar/import", tag = "calendar", params(("slug" = String, Path), ImportParams), request_body(content = String, content_type = "text/csv"), responses((status = 200, body = ImportOut), (status = 422, body = ImportOut)), security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(p): Query<ImportParams>,
    body: Bytes,
) -> AppResult<Response> {
    let parsed = parse_csv(&state, ws.workspace.id, ctx.locale, &body).await?;
    let refused = (parsed.invalid > 0 && !p.valid_only) || parsed.valid.is_empty();
    let mut out = ImportOut {
        valid: parsed.valid.len(),
        invalid: parsed.invalid,
        rows: parsed
            .rows
            .into_iter()
            .map(|r| RowOut {
                line: r.line,
                title: r.title,
                errors: r
                    .errors
                    .into_iter()
                    .map(|e| RowErrorOut {
                        line: e.line,
                        column: e.column,
                        message: e.message,
                    })
                    .collect(),
            })
            .collect(),
        imported: 0,
        ids: Vec::new(),
        file_error: parsed.file_error,
    };
    if out.file_error.is_some() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(out)).into_response());
    }
    if p.dry_run {
        return Ok(Json(out).into_response());
    }
    if refused {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(out)).into_response());
    }
    let user = ctx.user()?;
    let ids = state
        .store
        .import_entries(&Actor::user(user), ws.workspace.id, &parsed.valid)
        .await?;
    out.imported = ids.len();
    out.ids = ids.into_iter().map(|i| i.0).collect();
    Ok(Json(out).into_response())
}

/// The export format.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ExportParams {
    /// `csv` (default) or `ics`.
    pub format: Option<String>,
}

/// The calendar as CSV or iCalendar (client approvers: what was submitted to them).
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/calendar/export", tag = "calendar", params(("slug" = String, Path), ExportParams), responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn export(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
    Query(p): Query<ExportParams>,
) -> AppResult<Response> {
    let w = &ws.workspace;
    let (body, content_type) = match p.format.as_deref().unwrap_or("csv") {
        "csv" => {
            let entries = state
                .store
                .list_entries(w.id, &visible_filter(ws.role))
                .await?;
            let accounts = state.store.list_accounts(w.id).await?;
            (
                crate::adapters::export_csv(&entries, &accounts),
                "text/csv; charset=utf-8",
            )
        }
        "ics" => {
            let entries = state
                .store
                .list_entries(w.id, &visible_filter(ws.role))
                .await?;
            let accounts = state.store.list_accounts(w.id).await?;
            (
                crate::adapters::export_ics(&w.name, &entries, &accounts, crate::guard::now())
                    .into_bytes(),
                "text/calendar; charset=utf-8",
            )
        }
        _ => return Err(AppError::field("format", "interop-format-invalid")),
    };
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(r)
}

/// A dated observance.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObservanceOut {
    pub id: i64,
    pub date: NaiveDate,
    pub label: String,
    /// manual or ics.
    pub source: String,
}

impl From<Observance> for ObservanceOut {
    fn from(o: Observance) -> Self {
        ObservanceOut {
            id: o.id.0,
            date: o.date,
            label: o.label,
            source: o.source,
        }
    }
}

/// The range of observances to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct RangeParams {
    /// First day (YYYY-MM-DD); default: no lower bound.
    pub from: Option<NaiveDate>,
    /// Day after the last (YYYY-MM-DD, exclusive); default: no upper bound.
    pub to: Option<NaiveDate>,
}

/// The workspace's observances, by date.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/observances", tag = "observances", params(("slug" = String, Path), RangeParams), responses((status = 200, body = [ObservanceOut])), security(("bearer" = [])))]
pub async fn list_observances(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
    Query(p): Query<RangeParams>,
) -> AppResult<Json<Vec<ObservanceOut>>> {
    let from = p
        .from
        .or_else(|| NaiveDate::from_ymd_opt(1900, 1, 1))
        .unwrap_or_default();
    let to =
        p.to.or_else(|| NaiveDate::from_ymd_opt(2200, 1, 1))
            .unwrap_or_default();
    let list = state
        .store
        .list_observances(ws.workspace.id, from, to)
        .await?;
    Ok(Json(list.into_iter().map(ObservanceOut::from).collect()))
}

/// An observance to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewObservance {
    pub date: NaiveDate,
    pub label: String,
}

/// Adds an observance.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/observances", tag = "observances", params(("slug" = String, Path)), request_body = NewObservance, responses((status = 201), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn add_observance(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    ApiJson(body): ApiJson<NewObservance>,
) -> AppResult<StatusCode> {
    let label = body.label.trim();
    if label.is_empty() {
        return Err(AppError::field("label", "required"));
    }
    if label.chars().count() > 200 {
        return Err(AppError::field("label", "too-long"));
    }
    let user = ctx.user()?;
    state
        .store
        .add_observances(
            &Actor::user(user),
            ws.workspace.id,
            &[(body.date, label.to_string())],
            "manual",
        )
        .await?;
    Ok(StatusCode::CREATED)
}

/// How many observances an import added.
#[derive(Debug, Serialize, ToSchema)]
pub struct AddedOut {
    pub added: usize,
}

/// Imports the observances of an iCalendar file (the body, `text/calendar`).
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/observances/import", tag = "observances", params(("slug" = String, Path)), request_body(content = String, content_type = "text/calendar"), responses((status = 200, body = AddedOut), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn import_observances(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    body: Bytes,
) -> AppResult<Json<AddedOut>> {
    let text = std::str::from_utf8(&body).map_err(|_| AppError::field("body", "observance-ics"))?;
    let items = crate::adapters::parse_observances(text)
        .map_err(|_| AppError::field("body", "observance-ics"))?;
    if items.is_empty() {
        return Err(AppError::field("body", "observance-ics"));
    }
    let user = ctx.user()?;
    let added = state
        .store
        .add_observances(&Actor::user(user), ws.workspace.id, &items, "ics")
        .await?;
    Ok(Json(AddedOut { added }))
}

/// Deletes an observance.
#[utoipa::path(delete, path = "/api/v1/workspaces/{slug}/observances/{observance_id}", tag = "observances", params(("slug" = String, Path), ("observance_id" = i64, Path)), responses((status = 204), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn delete_observance(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    let user = ctx.user()?;
    state
        .store
        .delete_observance(&Actor::user(user), ws.workspace.id, ObservanceId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
