//! The "Publication" section of the entry page: each delivery's timeline
//! (state, due time in its zone and in UTC, attempts, links to the published
//! posts), and the reschedule form of a scheduled entry.

use super::entries::{refuse, visible_entry};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{unschedulable, AppResult};
use crate::forms::PageForm;
use crate::publishing::zone_or_paris;
use crate::tr::Tr;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use relais_core::entry::{Account, Entry, Status};
use relais_core::model::Actor;
use relais_core::publish::{resolve_wall_time, WallTime, WallTimeKind};
use relais_store::{DeliveryView, StoreError};
use serde::Deserialize;

/// One delivery as the timeline shows it.
pub struct DeliveryLine {
    pub id: i64,
    pub account: String,
    pub round: i64,
    pub state: &'static str,
    pub state_text: String,
    pub due_local: String,
    pub due_utc: String,
    pub due_iso: String,
    pub attempts: Vec<AttemptLine>,
    /// Published posts: (what, address).
    pub links: Vec<(String, String)>,
    pub last_error: String,
}

/// One attempt of a delivery.
pub struct AttemptLine {
    pub at_local: String,
    pub at_iso: String,
    pub outcome: String,
    pub detail: String,
    pub retry_at: Option<String>,
}

/// The whole section.
pub struct Publication {
    pub deliveries: Vec<DeliveryLine>,
    /// The reschedule form's values, when the entry is scheduled.
    pub reschedule: Option<RescheduleValues>,
}

/// What the reschedule form shows.
pub struct RescheduleValues {
    pub version: i64,
    pub date: String,
    pub time: String,
    pub timezone: String,
}

/// Whether the entry page shows the section for this status.
pub fn shown_for(status: Status) -> bool {
    matches!(
        status,
        Status::Scheduled | Status::Published | Status::Failed
    )
}

/// The localized name of a delivery state (`delivery-state-…`).
pub fn state_key(state: &str) -> String {
    format!("delivery-state-{}", state.replace('_', "-"))
}

/// The localized name of an attempt's outcome (`delivery-outcome-…`).
pub fn outcome_key(outcome: &str) -> String {
    format!("delivery-outcome-{}", outcome.replace('_', "-"))
}

/// The attempt outcomes the store writes.
pub const OUTCOMES: [&str; 8] = [
    "published",
    "reconciled",
    "retry",
    "unconfirmed",
    "failed",
    "missed",
    "cancelled",
    "rate_limited",
];

fn outcome_text(tr: &Tr, outcome: &str) -> String {
    if OUTCOMES.contains(&outcome) {
        tr.t(&outcome_key(outcome))
    } else {
        outcome.to_string()
    }
}

fn line(tr: &Tr, v: &DeliveryView, accounts: &[Account]) -> DeliveryLine {
    let d = &v.delivery;
    let tz = zone_or_paris(&d.timezone);
    let account = accounts.iter().find(|a| a.id == d.account_id).map_or_else(
        || format!("{} #{}", d.network.label(), d.account_id.0),
        |a| format!("{} — {} ({})", a.network.label(), a.label, a.handle),
    );
    let mut links: Vec<(String, String)> = Vec::new();
    for p in &v.parts {
        if let Some(url) = p.remote.as_ref().and_then(|r| r.url.clone()) {
            if url.starts_with("https://") || url.starts_with("http://") {
                let what = tr.t(&format!(
                    "delivery-part-{}",
                    p.kind.as_str().replace('_', "-")
                ));
                links.push((format!("{what} {}", p.position + 1), url));
            }
        }
    }
    DeliveryLine {
        id: d.id.0,
        account,
        round: d.round,
        state: d.state.as_str(),
        state_text: tr.t(&state_key(d.state.as_str())),
        due_local: tr.datetime_in(&d.due_at, tz),
        due_utc: tr.datetime(&d.due_at),
        due_iso: tr.iso(&d.due_at),
        attempts: v
            .attempts
            .iter()
            .map(|a| AttemptLine {
                at_local: tr.datetime_in(&a.finished_at, tz),
                at_iso: tr.iso(&a.finished_at),
                outcome: outcome_text(tr, &a.outcome),
                detail: a.detail.clone(),
                retry_at: a.retry_at.map(|t| tr.datetime_in(&t, tz)),
            })
            .collect(),
        links,
        last_error: d.last_error.clone(),
    }
}

/// The section for `e`, or `None` when its status has no publication.
pub async fn publication(
    state: &AppState,
    tr: &Tr,
    ws: &WsCtx,
    e: &Entry,
    accounts: &[Account],
) -> AppResult<Option<Publication>> {
    if !shown_for(e.status) {
        return Ok(None);
    }
    let views = state.store.entry_deliveries(ws.workspace.id, e.id).await?;
    let tz = zone_or_paris(&e.content.timezone);
    let local = e.content.starts_at.map(|t| t.with_timezone(&tz));
    Ok(Some(Publication {
        deliveries: views.iter().map(|v| line(tr, v, accounts)).collect(),
        reschedule: (e.status == Status::Scheduled).then(|| RescheduleValues {
            version: e.version,
            date: local
                .map(|l| l.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            time: local
                .map(|l| l.format("%H:%M").to_string())
                .unwrap_or_default(),
            timezone: if e.content.timezone.is_empty() {
                tz.name().to_string()
            } else {
                e.content.timezone.clone()
            },
        }),
    }))
}

/// A local date, time and zone resolved by the daylight-saving policy, or
/// `None` when one of them does not parse.
pub fn resolve_local(date: &str, time: &str, zone: &str) -> Option<(WallTime, Tz)> {
    let tz = zone.trim().parse::<Tz>().ok()?;
    let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M").ok()?;
    Some((resolve_wall_time(tz, date.and_time(time)), tz))
}

/// The redirect's query after a save: the typed wall time when the policy
/// moved it out of a gap (so the entry page can say so).
pub fn wall_param(wall: &WallTime) -> String {
    match wall.kind {
        WallTimeKind::Shifted { .. } => {
            format!("&wall={}", wall.local.format("%Y-%m-%dT%H:%M"))
        }
        _ => String::new(),
    }
}

#[derive(Debug, Deserialize)]
pub struct RescheduleForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    timezone: String,
}

/// The alert key and status of a refused reschedule (or schedule).
pub fn refusal(e: &StoreError) -> Option<(StatusCode, String)> {
    match e {
        StoreError::Stale => Some((StatusCode::CONFLICT, "entry-stale".into())),
        StoreError::InFlight => Some((StatusCode::CONFLICT, "error-in-flight".into())),
        StoreError::Unschedulable(reason) => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("error-{}", unschedulable(reason).1),
        )),
        StoreError::BadTransition { .. } => {
            Some((StatusCode::CONFLICT, "entry-transition-refused".into()))
        }
        _ => None,
    }
}

/// `POST /w/{slug}/entries/{entry_id}/reschedule`: a scheduled entry moves to
/// another time; its pending deliveries are replaced in one transaction.
pub async fn reschedule(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    PageForm(form): PageForm<RescheduleForm>,
) -> AppResult<Response> {
    let e = visible_entry(&state, &ws, id).await?;
    let zone = if form.timezone.trim().is_empty() {
        e.content.timezone.clone()
    } else {
        form.timezone.trim().to_string()
    };
    let Some((wall, tz)) = resolve_local(&form.date, &form.time, &zone) else {
        return refuse(
            &state,
            &ctx,
            &ws,
            e,
            StatusCode::UNPROCESSABLE_ENTITY,
            "publish-reschedule-invalid",
        )
        .await;
    };
    let version = form.version.trim().parse::<i64>().unwrap_or(-1);
    match state
        .store
        .reschedule_entry(
            &Actor::user(ctx.user()?),
            ws.workspace.id,
            e.id,
            version,
            wall.utc,
            tz.name(),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/w/{}/entries/{}?done=rescheduled{}",
            ws.workspace.slug,
            e.id,
            wall_param(&wall)
        ))
        .into_response()),
        Err(err) => match refusal(&err) {
            Some((status, key)) => refuse(&state, &ctx, &ws, e, status, &key).await,
            None => Err(err.into()),
        },
    }
}

/// The instant of a stored entry, for notices.
pub fn starts_at(e: &Entry) -> Option<(DateTime<Utc>, Tz)> {
    e.content
        .starts_at
        .map(|t| (t, zone_or_paris(&e.content.timezone)))
}
