//! A workspace's observances: dates that matter to the calendar ("journée
//! mondiale du pain", a trade fair), added by hand or imported from an .ics file.

use super::interop::{read_file_field, PageMultipart};
use super::{render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::AppResult;
use crate::forms::{FormState, PageForm};
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::NaiveDate;
use relais_core::entry::Observance;
use relais_core::model::{Actor, Workspace};
use relais_core::policy::role_allows;
use relais_core::{Action, ObservanceId};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "observances.html")]
pub struct ObservancesPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub can_edit: bool,
    pub items: Vec<Observance>,
    pub form: FormState,
    pub file_error: Option<String>,
    pub notice: Option<String>,
}

impl ObservancesPage {
    pub fn date(&self, d: &NaiveDate) -> String {
        match self.base.tr.locale {
            relais_core::Locale::Fr => d.format("%d/%m/%Y").to_string(),
            relais_core::Locale::En => d.format("%Y-%m-%d").to_string(),
        }
    }
}

fn all_dates() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(2200, 1, 1).unwrap_or_default(),
    )
}

async fn draw(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    status: StatusCode,
    form: FormState,
    file_error: Option<String>,
    notice: Option<String>,
) -> AppResult<Response> {
    let (from, to) = all_dates();
    let items = state
        .store
        .list_observances(ws.workspace.id, from, to)
        .await?;
    render(
        status,
        &ObservancesPage {
            base: Base::page(state, ctx, "observance-title", "workspaces"),
            ws: ws.workspace.clone(),
            section: "observances",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            can_edit: role_allows(ws.role, Action::EditCalendar),
            items,
            form,
            file_error,
            notice,
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

/// `GET /w/{slug}/observances`
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let notice = match q.done.as_str() {
        "added" => Some(tr.n("observance-added", q.count)),
        "deleted" => Some(tr.t("observance-deleted")),
        _ => None,
    };
    draw(
        &state,
        &ctx,
        &ws,
        StatusCode::OK,
        FormState::new("observance-"),
        None,
        notice,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    label: String,
}

/// `POST /w/{slug}/observances`: one observance by hand.
pub async fn add(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    PageForm(form): PageForm<AddForm>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let mut f = FormState::new("observance-")
        .keep("date", &form.date)
        .keep("label", &form.label);
    let date = NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d").ok();
    if date.is_none() {
        f = f.with_message("date", tr.t("observance-error-date"));
    }
    let label = form.label.trim();
    if label.is_empty() {
        f = f.with_message("label", tr.t("error-required"));
    } else if label.chars().count() > 200 {
        f = f.with_message("label", tr.t("error-too-long"));
    }
    let Some(date) = date.filter(|_| !f.has_errors()) else {
        return draw(
            &state,
            &ctx,
            &ws,
            StatusCode::UNPROCESSABLE_ENTITY,
            f,
            None,
            None,
        )
        .await;
    };
    let user = ctx.user()?;
    let n = state
        .store
        .add_observances(
            &Actor::user(user),
            ws.workspace.id,
            &[(date, label.to_string())],
            "manual",
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/observances?done=added&count={n}",
        ws.workspace.slug
    ))
    .into_response())
}

/// `POST /w/{slug}/observances/import` (multipart, field `file`): an .ics file.
pub async fn import(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    PageMultipart(mut form): PageMultipart,
) -> AppResult<Response> {
    let bytes = read_file_field(&mut form, "file").await?;
    let refuse = |key: &str| state.i18n.t(ctx.locale, key);
    let parsed = if bytes.is_empty() {
        Err(refuse("interop-error-no-file"))
    } else {
        match std::str::from_utf8(&bytes) {
            Err(_) => Err(refuse("observance-error-ics")),
            Ok(text) => crate::adapters::parse_observances(text)
                .map_err(|e| e.message(ctx.locale).to_string()),
        }
    };
    let parsed = parsed.and_then(|items| {
        if items.is_empty() {
            Err(refuse("observance-error-empty"))
        } else {
            Ok(items)
        }
    });
    let items = match parsed {
        Ok(items) => items,
        Err(msg) => {
            return draw(
                &state,
                &ctx,
                &ws,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormState::new("observance-"),
                Some(msg),
                None,
            )
            .await
        }
    };
    let user = ctx.user()?;
    let n = state
        .store
        .add_observances(&Actor::user(user), ws.workspace.id, &items, "ics")
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/observances?done=added&count={n}",
        ws.workspace.slug
    ))
    .into_response())
}

/// `POST /w/{slug}/observances/{observance_id}/delete`
pub async fn delete(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    state
        .store
        .delete_observance(&Actor::user(user), ws.workspace.id, ObservanceId(id))
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/observances?done=deleted",
        ws.workspace.slug
    ))
    .into_response())
}
