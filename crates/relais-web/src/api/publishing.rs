//! The publishing API: an entry's delivery timeline, rescheduling a scheduled
//! entry (the daylight-saving policy applied to local times), an account's
//! health, and its connection (credentials in, never out).

use super::editorial::{visible_entry, EntryOut};
use super::ApiJson;
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::pages::connections::{account_of, failure_field, parse_credentials, ConnectForm};
use crate::publishing::{self, ConnectFailure, Health};
use crate::render::Problem;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use relais_core::model::Actor;
use relais_core::publish::{resolve_wall_time, WallTime, WallTimeKind};
use relais_core::validate::FieldError;
use relais_core::Network;
use relais_store::{DeliveryView, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// --- Timeline -------------------------------------------------------------------

/// One post of a delivery (the post, a thread part, the first comment).
#[derive(Debug, Serialize, ToSchema)]
pub struct PartOut {
    pub position: i64,
    /// post, thread_part or first_comment.
    pub kind: String,
    pub body: String,
    /// The network's id of the published post (an at:// URI on Bluesky).
    pub remote_id: Option<String>,
    /// Where a person can see it.
    pub remote_url: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
}

/// One line of a delivery's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptOut {
    /// The part it was about (0 for the post).
    pub position: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// published, reconciled, retry, rate_limited, unconfirmed, failed, missed, cancelled.
    pub outcome: String,
    pub detail: String,
    /// When the next attempt is due (retries).
    pub retry_at: Option<DateTime<Utc>>,
}

/// A publication of the entry on one account, in one scheduling round.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    pub id: i64,
    pub account_id: i64,
    pub network: String,
    /// 1 for the first scheduling, +1 per reschedule.
    pub round: i64,
    /// pending, sending, unconfirmed, published, failed, cancelled, missed.
    pub state: String,
    /// The UTC instant it is due.
    pub due_at: DateTime<Utc>,
    /// The IANA zone and the wall time (`YYYY-MM-DDTHH:MM`) chosen.
    pub timezone: String,
    pub local_time: String,
    pub next_attempt_at: DateTime<Utc>,
    pub attempt_count: i64,
    pub first_attempt_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub last_error: String,
    /// The published post's address (the first part's).
    pub remote_url: Option<String>,
    pub parts: Vec<PartOut>,
    pub timeline: Vec<AttemptOut>,
}

impl From<DeliveryView> for DeliveryOut {
    fn from(v: DeliveryView) -> Self {
        let d = v.delivery;
        DeliveryOut {
            id: d.id.0,
            account_id: d.account_id.0,
            network: d.network.as_str().to_string(),
            round: d.round,
            state: d.state.as_str().to_string(),
            due_at: d.due_at,
            timezone: d.timezone,
            local_time: d.local_time,
            next_attempt_at: d.next_attempt_at,
            attempt_count: d.attempts,
            first_attempt_at: d.first_attempt_at,
            finished_at: d.finished_at,
            last_error: d.last_error,
            remote_url: d.remote_url,
            parts: v
                .parts
                .into_iter()
                .map(|p| PartOut {
                    position: p.position,
                    kind: p.kind.as_str().to_string(),
                    body: p.body,
                    remote_id: p.remote.as_ref().map(|r| r.id.clone()),
                    remote_url: p.remote.and_then(|r| r.url),
                    published_at: p.published_at,
                })
                .collect(),
            timeline: v
                .attempts
                .into_iter()
                .map(|a| AttemptOut {
                    position: a.position,
                    started_at: a.started_at,
                    finished_at: a.finished_at,
                    outcome: a.outcome,
                    detail: a.detail,
                    retry_at: a.retry_at,
                })
                .collect(),
        }
    }
}

/// The entry's deliveries (every round, newest first), each with its parts
/// and its timeline of attempts.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/entries/{entry_id}/deliveries", tag = "publishing", params(("slug" = String, Path), ("entry_id" = i64, Path)), responses((status = 200, body = [DeliveryOut]), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn deliveries(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Json<Vec<DeliveryOut>>> {
    let e = visible_entry(&state, &ws, id).await?;
    let list = state.store.entry_deliveries(ws.workspace.id, e.id).await?;
    Ok(Json(list.into_iter().map(DeliveryOut::from).collect()))
}

// --- Reschedule -----------------------------------------------------------------

/// A new time for a scheduled entry.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleIn {
    /// The entry's version you read; 409 if it changed since.
    pub expected_version: i64,
    /// Either an instant (RFC 3339, `2026-03-29T09:00:00+02:00`), or a wall
    /// time `YYYY-MM-DDTHH:MM` read in `timezone` by the daylight-saving
    /// policy: a time that does not exist (spring forward) moves forward by
    /// the gap, a time that happens twice (autumn) takes the first one.
    pub starts_at: String,
    /// IANA zone (`Europe/Paris`); the entry's own zone when absent.
    #[serde(default)]
    pub timezone: Option<String>,
}

/// How the time was read.
#[derive(Debug, Serialize, ToSchema)]
pub struct WallTimeOut {
    /// exact, shifted (moved out of a spring-forward gap) or ambiguous (the
    /// first of two occurrences was taken).
    pub kind: String,
    /// The wall time as given (or as the instant reads in the zone).
    pub local: String,
    /// The wall time it will be published at, when shifted.
    pub publishes_at_local: String,
    /// The instant.
    pub utc: DateTime<Utc>,
    /// The policy in words, in the caller's language, when it applied.
    pub notice: Option<String>,
}

/// The rescheduled entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct RescheduleOut {
    pub entry: EntryOut,
    pub wall_time: WallTimeOut,
}

fn wall_out(wall: &WallTime, notice: Option<String>) -> WallTimeOut {
    let (kind, to) = match wall.kind {
        WallTimeKind::Exact => ("exact", wall.local),
        WallTimeKind::Shifted { to_local } => ("shifted", to_local),
        WallTimeKind::Ambiguous { .. } => ("ambiguous", wall.local),
    };
    WallTimeOut {
        kind: kind.to_string(),
        local: wall.local.format("%Y-%m-%dT%H:%M").to_string(),
        publishes_at_local: to.format("%Y-%m-%dT%H:%M").to_string(),
        utc: wall.utc,
        notice,
    }
}

/// Moves a scheduled entry to another time: its pending deliveries are
/// replaced by new ones in one transaction. 409 when a delivery is being
/// sent right now (it can no longer be stopped) or the entry changed since
/// `expected_version`; 422 when it is not scheduled or cannot be scheduled.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/entries/{entry_id}/reschedule", tag = "publishing", params(("slug" = String, Path), ("entry_id" = i64, Path)), request_body = RescheduleIn, responses((status = 200, body = RescheduleOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn reschedule(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<RescheduleIn>,
) -> AppResult<Json<RescheduleOut>> {
    let e = visible_entry(&state, &ws, id).await?;
    let zone = match body.timezone.as_deref().map(str::trim) {
        Some(z) if !z.is_empty() => z.to_string(),
        _ => e.content.timezone.clone(),
    };
    let tz: Tz = zone
        .parse()
        .map_err(|_| AppError::field("timezone", "publish-timezone-invalid"))?;
    let text = body.starts_at.trim();
    let (wall, notice) = if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        let utc = t.with_timezone(&Utc);
        let local = utc.with_timezone(&tz).naive_local();
        let resolved = resolve_wall_time(tz, local);
        // An instant is taken as given, even the second of two repeated times.
        let wall = WallTime { utc, ..resolved };
        (wall, publishing::stored_notice(utc, tz))
    } else {
        let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
            .map_err(|_| AppError::field("starts_at", "publish-starts-at-invalid"))?;
        let wall = resolve_wall_time(tz, local);
        (wall, publishing::notice_for(&wall))
    };
    let user = ctx.user()?;
    state
        .store
        .reschedule_entry(
            &Actor::user(user),
            ws.workspace.id,
            e.id,
            body.expected_version,
            wall.utc,
            tz.name(),
        )
        .await
        .map_err(|err| match err {
            StoreError::Stale => {
                AppError::Conflict(FieldError::new("expected_version", "api-stale"))
            }
            StoreError::BadTransition { .. } => AppError::field("status", "publish-not-scheduled"),
            other => other.into(),
        })?;
    let entry = visible_entry(&state, &ws, id).await?;
    let notice = notice.map(|n| publishing::notice_text(&state.i18n, ctx.locale, &n));
    Ok(Json(RescheduleOut {
        entry: entry.into(),
        wall_time: wall_out(&wall, notice),
    }))
}

// --- Health and connection --------------------------------------------------------

/// Whether relais can publish on an account, and what waits for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthOut {
    pub account_id: i64,
    pub network: String,
    /// not_connected, connected, reconnect_needed or rate_limited.
    pub state: String,
    /// Why it needs reconnecting, or why it is paused.
    pub reason: String,
    pub connected_at: Option<DateTime<Utc>>,
    /// Rate-limited: sending resumes at this instant.
    pub paused_until: Option<DateTime<Utc>>,
    /// The account on the network (a DID on Bluesky, an id on Mastodon).
    pub remote_id: String,
    /// Publications waiting (pending, being sent, unconfirmed).
    pub waiting: i64,
}

async fn health_of(
    state: &AppState,
    ws: &WsCtx,
    account: &relais_core::entry::Account,
) -> AppResult<HealthOut> {
    let status = state
        .store
        .account_statuses(ws.workspace.id)
        .await?
        .into_iter()
        .find(|s| s.account_id == account.id);
    let health = status.as_ref().map_or(Health::NotConnected, Health::of);
    let reason = match &health {
        Health::ReconnectNeeded { reason } | Health::RateLimited { reason, .. } => reason.clone(),
        _ => String::new(),
    };
    Ok(HealthOut {
        account_id: account.id.0,
        network: account.network.as_str().to_string(),
        state: health.as_str().to_string(),
        reason,
        connected_at: status.as_ref().and_then(|s| s.connected_at),
        paused_until: status.as_ref().and_then(|s| s.paused_until),
        remote_id: status
            .as_ref()
            .map(|s| s.remote_id.clone())
            .unwrap_or_default(),
        waiting: status.as_ref().map_or(0, |s| s.waiting),
    })
}

/// The account's connection health.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/accounts/{account_id}/health", tag = "publishing", params(("slug" = String, Path), ("account_id" = i64, Path)), responses((status = 200, body = HealthOut), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn health(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Json<HealthOut>> {
    let account = account_of(&state, &ws, id).await?;
    Ok(Json(health_of(&state, &ws, &account).await?))
}

/// Credentials for an account. Bluesky: `identifier` (handle or DID),
/// `app_password`, `service` (default `https://bsky.social`). Mastodon:
/// `instance` and `access_token`. They are checked with the network, stored
/// encrypted, and never returned.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectionIn {
    /// bluesky or mastodon; when given, must be the account's network.
    #[serde(default)]
    pub network: Option<String>,
    #[serde(default)]
    pub identifier: String,
    #[serde(default)]
    pub app_password: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub instance: String,
    #[serde(default)]
    pub access_token: String,
}

/// Never prints a secret.
impl std::fmt::Debug for ConnectionIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionIn")
            .field("network", &self.network)
            .field("identifier", &self.identifier)
            .field("service", &self.service)
            .field("instance", &self.instance)
            .finish_non_exhaustive()
    }
}

/// Connects the account (or replaces its credentials) after the network
/// accepted them; refused credentials store nothing (422, the field named).
#[utoipa::path(put, path = "/api/v1/workspaces/{slug}/accounts/{account_id}/connection", tag = "publishing", params(("slug" = String, Path), ("account_id" = i64, Path)), request_body = ConnectionIn, responses((status = 200, body = HealthOut), (status = 404, body = Problem), (status = 422, body = Problem), (status = 502, body = Problem), (status = 503, body = Problem)), security(("bearer" = [])))]
pub async fn put_connection(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<ConnectionIn>,
) -> AppResult<Json<HealthOut>> {
    let account = account_of(&state, &ws, id).await?;
    if let Some(n) = body.network.as_deref() {
        if Network::parse(n.trim()) != Some(account.network) {
            return Err(AppError::field("network", "connect-network-mismatch"));
        }
    }
    if !publishing::connectable(account.network) {
        return Err(AppError::field("network", "connect-no-connector"));
    }
    if state.vault().is_none() {
        return Err(AppError::Unavailable("connect-no-vault"));
    }
    let form = ConnectForm {
        identifier: body.identifier.clone(),
        app_password: body.app_password.clone(),
        service: body.service.clone(),
        instance: body.instance.clone(),
        access_token: body.access_token.clone(),
    };
    let creds = parse_credentials(account.network, &form).map_err(|errors| {
        AppError::Invalid(
            errors
                .into_iter()
                .map(|(field, code)| FieldError::new(field, code))
                .collect(),
        )
    })?;
    let actor = Actor::user(ctx.user()?);
    match publishing::connect_account(&state, &actor, ws.workspace.id, &account, creds).await {
        Ok(_) => Ok(Json(health_of(&state, &ws, &account).await?)),
        Err(ConnectFailure::NoVault) => Err(AppError::Unavailable("connect-no-vault")),
        Err(ConnectFailure::Internal(detail)) => Err(AppError::Internal(detail)),
        Err(f) => {
            let (field, code) = failure_field(account.network, &f);
            Err(match f {
                ConnectFailure::Unreachable => AppError::Upstream(FieldError::new(field, code)),
                _ => AppError::field(field, code),
            })
        }
    }
}

/// Forgets the account's credentials (204 also when it was not connected).
#[utoipa::path(delete, path = "/api/v1/workspaces/{slug}/accounts/{account_id}/connection", tag = "publishing", params(("slug" = String, Path), ("account_id" = i64, Path)), responses((status = 204), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn delete_connection(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    let account = account_of(&state, &ws, id).await?;
    match state
        .store
        .delete_connection(&Actor::user(ctx.user()?), ws.workspace.id, account.id)
        .await
    {
        Ok(()) | Err(StoreError::NotFound) => Ok(StatusCode::NO_CONTENT),
        Err(e) => Err(e.into()),
    }
}
