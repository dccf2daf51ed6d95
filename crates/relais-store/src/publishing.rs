//! The publishing outbox: deliveries (an entry on one account) and their
//! ordered parts, written in the same transaction as the status change that
//! schedules them; the per-account queues that workers lease; the claims,
//! results and attempts that make each delivery's timeline.
//!
//! Invariants kept here:
//! - scheduling writes the entry's status and every delivery with its
//!   idempotency keys in one transaction;
//! - a delivery is sent only after a claim that names the version it read and
//!   the queue lease it holds (`claim_delivery`), so a delivery cancelled,
//!   rescheduled or deleted meanwhile never fires;
//! - only `pending` deliveries can be cancelled; a change that would cancel a
//!   delivery being sent (or unconfirmed) is refused whole (`InFlight`).

use crate::audit::{write_audit, write_audits, AuditRecord};
use crate::time::{now, DbTime};
use crate::{marks, on_pool, value_rows, Backend, Result, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use relais_core::audit::AuditAction;
use relais_core::entry::{EntryContent, MediaItem, NotificationKind, Status};
use relais_core::model::Actor;
use relais_core::publish::{plan_parts, tid, DeliveryState, PartKind};
use relais_core::{AccountId, EntryId, Network, UserId, WorkspaceId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

/// A delivery's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeliveryId(pub i64);

impl std::fmt::Display for DeliveryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Publishing options copied from the entry when it was scheduled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryOptions {
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub content_warning: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub link_card_url: String,
    #[serde(default)]
    pub link_card_title: String,
    #[serde(default)]
    pub link_card_description: String,
}

/// One publication: an entry on one account, in one scheduling round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: DeliveryId,
    pub workspace_id: WorkspaceId,
    pub entry_id: EntryId,
    pub account_id: AccountId,
    pub round: i64,
    pub network: Network,
    pub state: DeliveryState,
    pub version: i64,
    pub due_at: DateTime<Utc>,
    pub timezone: String,
    /// The wall time the person chose, `YYYY-MM-DDTHH:MM`.
    pub local_time: String,
    pub next_attempt_at: DateTime<Utc>,
    pub attempts: i64,
    pub parts_done: i64,
    pub options: DeliveryOptions,
    pub first_attempt_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub last_error: String,
    pub remote_url: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One published part to record ([`Store::record_parts`]).
#[derive(Debug, Clone)]
pub struct PartRecord {
    pub delivery: DeliveryId,
    pub position: i64,
    pub remote: RemotePost,
    /// Found on the network by reconciliation rather than sent now.
    pub reconciled: bool,
    /// The delivery's last part: it is published and its entry settles.
    pub last: bool,
    pub worker: String,
    pub started_at: DateTime<Utc>,
}

/// Where a published part lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemotePost {
    pub id: String,
    pub cid: Option<String>,
    pub url: Option<String>,
}

/// One post of a delivery (the post, a thread part, the first comment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryPart {
    pub delivery_id: DeliveryId,
    pub position: i64,
    pub kind: PartKind,
    pub body: String,
    pub media: Vec<MediaItem>,
    pub idempotency_key: String,
    pub remote: Option<RemotePost>,
    pub published_at: Option<DateTime<Utc>>,
}

/// One line of a delivery's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub id: i64,
    pub delivery_id: DeliveryId,
    pub position: i64,
    pub worker: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// `published`, `reconciled`, `retry`, `unconfirmed`, `failed`, `missed`,
    /// `cancelled`, `rate_limited`.
    pub outcome: String,
    pub detail: String,
    pub retry_at: Option<DateTime<Utc>>,
}

/// A delivery with its parts and timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryView {
    pub delivery: Delivery,
    pub parts: Vec<DeliveryPart>,
    pub attempts: Vec<Attempt>,
}

/// A connected account's stored credentials (sealed) and health.
#[derive(Clone, PartialEq, Eq)]
pub struct Connection {
    pub account_id: AccountId,
    /// Sealed by `relais_auth::vault`; opened only by the worker and the
    /// connect pages, never shown.
    pub sealed_credentials: String,
    pub remote_id: String,
    pub reconnect_needed: bool,
    pub health_reason: String,
    pub connected_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("account_id", &self.account_id)
            .field("remote_id", &self.remote_id)
            .field("reconnect_needed", &self.reconnect_needed)
            .finish_non_exhaustive()
    }
}

/// What the account health page shows for one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountStatus {
    pub account_id: AccountId,
    pub connected: bool,
    pub remote_id: String,
    pub reconnect_needed: bool,
    pub health_reason: String,
    pub paused_until: Option<DateTime<Utc>>,
    pub pause_reason: String,
    pub connected_at: Option<DateTime<Utc>>,
    /// Deliveries waiting (pending, sending or unconfirmed).
    pub waiting: i64,
}

/// How a worker's attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every remaining part is on the network.
    Published,
    /// Try again at this time (temporary failure; `detail` says why).
    Retry {
        at: DateTime<Utc>,
        detail: String,
        rate_limited: bool,
    },
    /// The answer never came: reconcile at this time.
    Unconfirmed { at: DateTime<Utc>, detail: String },
    /// Given up; the entry is marked failed and the team is told.
    Failed { detail: String },
}

pub(crate) const DELIVERY_COLUMNS: &str =
    "id, workspace_id, entry_id, account_id, round, network, state, version, \
     due_at, timezone, local_time, next_attempt_at, attempts, parts_done, options, \
     first_attempt_at, finished_at, last_error, remote_url, created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct DeliveryRow {
    id: i64,
    workspace_id: i64,
    entry_id: i64,
    account_id: i64,
    round: i64,
    network: String,
    state: String,
    version: i64,
    due_at: DbTime,
    timezone: String,
    local_time: String,
    next_attempt_at: DbTime,
    attempts: i64,
    parts_done: i64,
    options: String,
    first_attempt_at: Option<DbTime>,
    finished_at: Option<DbTime>,
    last_error: String,
    remote_url: Option<String>,
    created_at: DbTime,
}

fn corrupt(table: &'static str, detail: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table,
        detail: detail.to_string(),
    }
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = StoreError;
    fn try_from(r: DeliveryRow) -> Result<Delivery> {
        Ok(Delivery {
            id: DeliveryId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            entry_id: EntryId(r.entry_id),
            account_id: AccountId(r.account_id),
            round: r.round,
            network: Network::parse(&r.network)
                .ok_or_else(|| corrupt("deliveries", format!("network {:?}", r.network)))?,
            state: DeliveryState::parse(&r.state)
                .ok_or_else(|| corrupt("deliveries", format!("state {:?}", r.state)))?,
            version: r.version,
            due_at: r.due_at.0,
            timezone: r.timezone,
            local_time: r.local_time,
            next_attempt_at: r.next_attempt_at.0,
            attempts: r.attempts,
            parts_done: r.parts_done,
            options: serde_json::from_str(&r.options).map_err(|e| corrupt("deliveries", e))?,
            first_attempt_at: r.first_attempt_at.map(|t| t.0),
            finished_at: r.finished_at.map(|t| t.0),
            last_error: r.last_error,
            remote_url: r.remote_url,
            created_at: r.created_at.0,
        })
    }
}

#[derive(sqlx::FromRow)]
struct PartRow {
    delivery_id: i64,
    position: i64,
    kind: String,
    body: String,
    media: String,
    idempotency_key: String,
    remote_id: Option<String>,
    remote_cid: Option<String>,
    remote_url: Option<String>,
    published_at: Option<DbTime>,
}

const PART_COLUMNS: &str = "delivery_id, position, kind, body, media, idempotency_key, \
     remote_id, remote_cid, remote_url, published_at";

impl TryFrom<PartRow> for DeliveryPart {
    type Error = StoreError;
    fn try_from(r: PartRow) -> Result<DeliveryPart> {
        Ok(DeliveryPart {
            delivery_id: DeliveryId(r.delivery_id),
            position: r.position,
            kind: PartKind::parse(&r.kind)
                .ok_or_else(|| corrupt("delivery_parts", format!("kind {:?}", r.kind)))?,
            body: r.body,
            media: serde_json::from_str(&r.media).map_err(|e| corrupt("delivery_parts", e))?,
            idempotency_key: r.idempotency_key,
            remote: r.remote_id.map(|id| RemotePost {
                id,
                cid: r.remote_cid,
                url: r.remote_url,
            }),
            published_at: r.published_at.map(|t| t.0),
        })
    }
}

#[derive(sqlx::FromRow)]
struct AttemptRow {
    id: i64,
    delivery_id: i64,
    position: i64,
    worker: String,
    started_at: DbTime,
    finished_at: DbTime,
    outcome: String,
    detail: String,
    retry_at: Option<DbTime>,
}

impl From<AttemptRow> for Attempt {
    fn from(r: AttemptRow) -> Attempt {
        Attempt {
            id: r.id,
            delivery_id: DeliveryId(r.delivery_id),
            position: r.position,
            worker: r.worker,
            started_at: r.started_at.0,
            finished_at: r.finished_at.0,
            outcome: r.outcome,
            detail: r.detail,
            retry_at: r.retry_at.map(|t| t.0),
        }
    }
}

/// A part to insert when scheduling.
pub(crate) struct PlannedPart {
    kind: PartKind,
    body: String,
    media: String,
    key: String,
}

/// The idempotency key of a part: a TID on Bluesky (its record key), a random
/// UUID elsewhere (Mastodon's `Idempotency-Key`). TIDs are made from the
/// scheduling instant plus a sequence number and a random clock id, so the
/// keys of one account never collide.
fn idempotency_key(network: Network, at: DateTime<Utc>, seq: u64, clock: u16) -> String {
    match network {
        Network::Bluesky => {
            let micros = u64::try_from(at.timestamp_micros()).unwrap_or(0);
            tid(micros + seq, clock)
        }
        _ => uuid::Uuid::new_v4().simple().to_string(),
    }
}

/// The parts of `content` on `network`, with their keys.
pub(crate) fn planned_parts(
    content: &EntryContent,
    network: Network,
    at: DateTime<Utc>,
    seq: &mut u64,
    clock: u16,
) -> Result<Vec<PlannedPart>> {
    plan_parts(content, network)
        .into_iter()
        .map(|p| {
            *seq += 1;
            Ok(PlannedPart {
                kind: p.kind,
                body: p.text,
                media: serde_json::to_string(&p.media).map_err(|e| corrupt("delivery_parts", e))?,
                key: idempotency_key(network, at, *seq, clock),
            })
        })
        .collect()
}

pub(crate) fn options_doc(content: &EntryContent) -> Result<String> {
    let p = &content.publish;
    serde_json::to_string(&DeliveryOptions {
        visibility: p.visibility.clone(),
        content_warning: p.content_warning.clone(),
        language: p.language.clone(),
        link_card_url: p.link_card_url.clone(),
        link_card_title: p.link_card_title.clone(),
        link_card_description: p.link_card_description.clone(),
    })
    .map_err(|e| corrupt("deliveries", e))
}

/// The wall time of `at` in `timezone` (`YYYY-MM-DDTHH:MM`), UTC when the zone
/// is unknown.
pub(crate) fn local_time(at: DateTime<Utc>, timezone: &str) -> String {
    match timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string(),
        Err(_) => at.format("%Y-%m-%dT%H:%M").to_string(),
    }
}

/// Writes the deliveries of a new scheduling round for entry `$id` of `$ws`
/// (inside the caller's transaction): one per account not already published
/// in an earlier round, each with its parts and keys, and a queue row per
/// account. `Unschedulable` when there is no date, no account or nothing to
/// publish.
macro_rules! schedule_deliveries {
    ($tx:expr, $ws:expr, $id:expr, $content:expr, $at:expr) => {{
        let content: &relais_core::entry::EntryContent = $content;
        let at: chrono::DateTime<chrono::Utc> = $at;
        let starts_at = content
            .starts_at
            .ok_or(StoreError::Unschedulable("no_date"))?;
        if content.accounts.is_empty() {
            return Err(StoreError::Unschedulable("no_account"));
        }
        let accounts: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, network FROM accounts WHERE workspace_id = $1")
                .bind($ws.0)
                .fetch_all(&mut *$tx)
                .await?;
        let done: Vec<(i64,)> = sqlx::query_as(
            "SELECT account_id FROM deliveries WHERE entry_id = $1 AND state = 'published'",
        )
        .bind($id.0)
        .fetch_all(&mut *$tx)
        .await?;
        let partly: Option<(i64,)> = sqlx::query_as(
            "SELECT d.id FROM deliveries d JOIN delivery_parts p ON p.delivery_id = d.id \
             WHERE d.entry_id = $1 AND d.state <> 'published' AND p.published_at IS NOT NULL LIMIT 1",
        )
        .bind($id.0)
        .fetch_optional(&mut *$tx)
        .await?;
        if partly.is_some() {
            return Err(StoreError::Unschedulable("partly_published"));
        }
        let (round,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MAX(round), 0) + 1 FROM deliveries WHERE entry_id = $1",
        )
        .bind($id.0)
        .fetch_one(&mut *$tx)
        .await?;
        let options = $crate::publishing::options_doc(content)?;
        let local = $crate::publishing::local_time(starts_at, &content.timezone);
        let clock: u16 = $crate::publishing::rand_clock();
        let mut seq: u64 = 0;
        let mut written = 0usize;
        for account in &content.accounts {
            if done.iter().any(|d| d.0 == account.0) {
                continue;
            }
            let Some((_, network)) = accounts.iter().find(|(a, _)| *a == account.0) else {
                return Err(StoreError::NotFound);
            };
            let network = relais_core::Network::parse(network).ok_or_else(|| {
                StoreError::Corrupt {
                    table: "accounts",
                    detail: format!("network {network:?}"),
                }
            })?;
            let parts = $crate::publishing::planned_parts(content, network, at, &mut seq, clock)?;
            if parts.is_empty() {
                return Err(StoreError::Unschedulable("nothing_to_publish"));
            }
            let (delivery,): (i64,) = sqlx::query_as(
                "INSERT INTO deliveries (workspace_id, entry_id, account_id, round, network, state, version, \
                 due_at, timezone, local_time, next_attempt_at, options, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'pending', 1, $6, $7, $8, $6, $9, $10) RETURNING id",
            )
            .bind($ws.0)
            .bind($id.0)
            .bind(account.0)
            .bind(round)
            .bind(network.as_str())
            .bind(DbTime::from(starts_at))
            .bind(&content.timezone)
            .bind(&local)
            .bind(&options)
            .bind(DbTime::from(at))
            .fetch_one(&mut *$tx)
            .await?;
            for (position, p) in parts.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO delivery_parts (delivery_id, position, kind, body, media, idempotency_key) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(delivery)
                .bind(position as i64)
                .bind(p.kind_str())
                .bind(&p.body_text())
                .bind(p.media_doc())
                .bind(p.key_text())
                .execute(&mut *$tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO publish_queues (account_id) VALUES ($1) ON CONFLICT (account_id) DO NOTHING",
            )
            .bind(account.0)
            .execute(&mut *$tx)
            .await?;
            written += 1;
        }
        written
    }};
}
pub(crate) use schedule_deliveries;

impl PlannedPart {
    pub(crate) fn kind_str(&self) -> &'static str {
        self.kind.as_str()
    }
    pub(crate) fn body_text(&self) -> String {
        self.body.clone()
    }
    pub(crate) fn media_doc(&self) -> &str {
        &self.media
    }
    pub(crate) fn key_text(&self) -> &str {
        &self.key
    }
}

/// A random 10-bit TID clock identifier.
pub(crate) fn rand_clock() -> u16 {
    // The low bits of a v4 UUID are random.
    (uuid::Uuid::new_v4().as_u128() & 0x3ff) as u16
}

/// Cancels the pending deliveries of entry `$id` (inside the caller's
/// transaction). `InFlight` when one of its deliveries is being sent or
/// unconfirmed: the caller's whole transaction must then be abandoned (the
/// early return drops it, rolling back). Evaluates to the number cancelled.
///
/// The UPDATE comes first so that it locks the rows it changes: a worker's
/// claim of one of them then waits and finds a new version; the check that
/// follows sees any claim that committed before.
macro_rules! cancel_deliveries {
    ($tx:expr, $id:expr, $at:expr) => {{
        let at: chrono::DateTime<chrono::Utc> = $at;
        let done = sqlx::query(
            "UPDATE deliveries SET state = 'cancelled', version = version + 1, finished_at = $2 \
             WHERE entry_id = $1 AND state = 'pending'",
        )
        .bind($id.0)
        .bind(DbTime::from(at))
        .execute(&mut *$tx)
        .await?;
        let (busy,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM deliveries WHERE entry_id = $1 AND state IN ('sending', 'unconfirmed')",
        )
        .bind($id.0)
        .fetch_one(&mut *$tx)
        .await?;
        if busy > 0 {
            return Err(StoreError::InFlight);
        }
        done.rows_affected()
    }};
}
pub(crate) use cancel_deliveries;

/// After a delivery of entry `$entry` reached a final state: when every
/// delivery of the entry's last round is final, the entry becomes `published`
/// (all published) or `failed` (otherwise), with its audit entry. Evaluates to
/// the new status, if it changed.
macro_rules! settle_entry {
    ($tx:expr, $entry:expr, $at:expr) => {{
        let entry: i64 = $entry;
        let at: chrono::DateTime<chrono::Utc> = $at;
        let states: Vec<(String,)> = sqlx::query_as(
            "SELECT state FROM deliveries WHERE entry_id = $1 \
             AND round = (SELECT MAX(round) FROM deliveries WHERE entry_id = $1)",
        )
        .bind(entry)
        .fetch_all(&mut *$tx)
        .await?;
        let states: Vec<DeliveryState> = states
            .iter()
            .filter_map(|(s,)| DeliveryState::parse(s))
            .collect();
        let mut changed: Option<Status> = None;
        if !states.is_empty() && states.iter().all(|s| s.is_final()) {
            let to = if states.iter().all(|s| *s == DeliveryState::Published) {
                Status::Published
            } else {
                Status::Failed
            };
            let row: Option<(String, i64)> = sqlx::query_as(
                "UPDATE entries SET status = $2, version = version + 1, updated_at = $3 \
                 WHERE id = $1 AND status = 'scheduled' RETURNING title, workspace_id",
            )
            .bind(entry)
            .bind(to.as_str())
            .bind(DbTime::from(at))
            .fetch_optional(&mut *$tx)
            .await?;
            if let Some((title, ws)) = row {
                write_audit!(
                    $tx,
                    AuditRecord {
                        workspace_id: Some(WorkspaceId(ws)),
                        actor: Actor::System("publisher"),
                        action: if to == Status::Published {
                            AuditAction::EntryPublished
                        } else {
                            AuditAction::EntryPublishFailed
                        },
                        target: title,
                        before: Some(json!({"status": Status::Scheduled})),
                        after: Some(json!({"status": to})),
                        at,
                    }
                );
                changed = Some(to);
            }
        }
        changed
    }};
}

/// Notifies the team of workspace `$ws` (inside the caller's transaction).
macro_rules! notify_team {
    ($tx:expr, $ws:expr, $kind:expr, $entry:expr, $comment:expr, $at:expr) => {{
        let ws: i64 = $ws;
        let kind: NotificationKind = $kind;
        let entries = match $entry {
            Some(e) => format!("[{}]", e),
            None => "[]".to_string(),
        };
        let members: Vec<(i64, String)> =
            sqlx::query_as("SELECT user_id, role FROM memberships WHERE workspace_id = $1")
                .bind(ws)
                .fetch_all(&mut *$tx)
                .await?;
        let mut told: Vec<UserId> = Vec::new();
        for (user, role) in members {
            let Some(role) = relais_core::Role::parse(&role) else {
                continue;
            };
            if !relais_core::policy::role_allows(role, relais_core::Action::EditCalendar) {
                continue;
            }
            sqlx::query(
                "INSERT INTO notifications (user_id, workspace_id, kind, entries, actor_name, comment, created_at) \
                 VALUES ($1, $2, $3, $4, 'relais', $5, $6)",
            )
            .bind(user)
            .bind(ws)
            .bind(kind.as_str())
            .bind(&entries)
            .bind($comment)
            .bind(DbTime::from($at))
            .execute(&mut *$tx)
            .await?;
            told.push(UserId(user));
        }
        told
    }};
}

/// Who was told about a publishing event, for the e-mails sent after commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Told {
    pub workspace_id: WorkspaceId,
    pub kind: NotificationKind,
    pub entry_id: Option<EntryId>,
    pub users: Vec<UserId>,
    pub detail: String,
}

/// The most claims one statement of [`Store::write_batch`] makes.
const CLAIMS_PER_STATEMENT: usize = 100;

/// One claim of a [`Store::write_batch`]: the delivery read as due, at the
/// version it was read, and whether it may already be on the network.
#[derive(Debug, Clone, Copy)]
pub struct ClaimRequest {
    pub id: DeliveryId,
    pub version: i64,
    pub maybe_sent: bool,
}

/// What a claim gives the worker.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: Delivery,
    pub parts: Vec<DeliveryPart>,
    /// The delivery was `sending` or `unconfirmed` before this claim: the part
    /// at `parts_done` may already be on the network. Reconcile first.
    pub maybe_sent: bool,
}

/// Appends a line to a delivery's timeline (inside the caller's transaction):
/// `(tx, delivery, position, worker, started_at, finished_at, outcome, detail, retry_at)`.
macro_rules! insert_attempt {
    ($tx:expr, $id:expr, $position:expr, $worker:expr, $started:expr, $finished:expr, $outcome:expr, $detail:expr, $retry:expr) => {{
        let retry: Option<DateTime<Utc>> = $retry;
        sqlx::query(
            "INSERT INTO delivery_attempts (delivery_id, position, worker, started_at, finished_at, outcome, detail, retry_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($id.0)
        .bind($position)
        .bind($worker)
        .bind(DbTime::from($started))
        .bind(DbTime::from($finished))
        .bind($outcome)
        .bind($detail)
        .bind(retry.map(DbTime::from))
        .execute(&mut *$tx)
        .await?;
    }};
}

/// `items` cut, in order, into runs of at most `max` where no key appears
/// twice.
fn distinct_runs<T>(items: &[T], key: impl Fn(&T) -> i64, max: usize) -> Vec<&[T]> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut seen = std::collections::HashSet::new();
    for (i, item) in items.iter().enumerate() {
        if i - start >= max || !seen.insert(key(item)) {
            runs.push(&items[start..i]);
            start = i;
            seen.clear();
            seen.insert(key(item));
        }
    }
    if start < items.len() {
        runs.push(&items[start..]);
    }
    runs
}

/// Records published parts, at most one per delivery, inside the caller's
/// transaction, in a fixed number of statements whatever their number: the
/// parts' remote references, their timeline lines, the deliveries' progress
/// (the last part: published), then the entries whose deliveries are all
/// final settle (as [`settle_entry!`] does for one) with their audit entries.
macro_rules! record_chunk {
    ($tx:expr, $chunk:expr, $at:expr) => {{
        let chunk: &[PartRecord] = $chunk;
        let at: DateTime<Utc> = $at;
        if !chunk.is_empty() {
            let sql = format!(
                "UPDATE delivery_parts SET remote_id = v.column3, remote_cid = v.column4, \
                 remote_url = v.column5, published_at = $1 FROM (VALUES {}) AS v \
                 WHERE delivery_parts.delivery_id = v.column1 AND delivery_parts.position = v.column2 \
                 AND delivery_parts.published_at IS NULL",
                value_rows(chunk.len(), 5, 2)
            );
            let mut q = sqlx::query(&sql).bind(DbTime::from(at));
            for r in chunk {
                q = q
                    .bind(r.delivery.0)
                    .bind(r.position)
                    .bind(r.remote.id.as_str())
                    .bind(r.remote.cid.as_deref())
                    .bind(r.remote.url.as_deref());
            }
            q.execute(&mut *$tx).await?;

            let sql = format!(
                "INSERT INTO delivery_attempts (delivery_id, position, worker, started_at, finished_at, outcome, detail, retry_at) \
                 VALUES {}",
                value_rows(chunk.len(), 8, 1)
            );
            let mut q = sqlx::query(&sql);
            for r in chunk {
                let outcome = if r.reconciled { "reconciled" } else { "published" };
                let detail = r.remote.url.clone().unwrap_or_else(|| r.remote.id.clone());
                q = q
                    .bind(r.delivery.0)
                    .bind(r.position)
                    .bind(r.worker.as_str())
                    .bind(DbTime::from(r.started_at))
                    .bind(DbTime::from(at))
                    .bind(outcome)
                    .bind(detail)
                    .bind(None::<DbTime>);
            }
            q.execute(&mut *$tx).await?;

            let (last, between): (Vec<&PartRecord>, Vec<&PartRecord>) =
                chunk.iter().partition(|r| r.last);
            if !between.is_empty() {
                let sql = format!(
                    "UPDATE deliveries SET parts_done = v.column2 + 1, \
                     remote_url = COALESCE(deliveries.remote_url, v.column3) FROM (VALUES {}) AS v \
                     WHERE deliveries.id = v.column1 AND deliveries.parts_done <= v.column2",
                    value_rows(between.len(), 3, 1)
                );
                let mut q = sqlx::query(&sql);
                for r in &between {
                    q = q.bind(r.delivery.0).bind(r.position).bind(r.remote.url.as_deref());
                }
                q.execute(&mut *$tx).await?;
            }
            let mut entries: Vec<i64> = Vec::new();
            if !last.is_empty() {
                // Progress and the published state in one statement.
                let sql = format!(
                    "UPDATE deliveries SET parts_done = v.column2 + 1, \
                     remote_url = COALESCE(deliveries.remote_url, v.column3), state = 'published', \
                     version = deliveries.version + 1, last_error = '', finished_at = $1 \
                     FROM (VALUES {}) AS v \
                     WHERE deliveries.id = v.column1 AND deliveries.state = 'sending' \
                     AND deliveries.parts_done <= v.column2 RETURNING deliveries.entry_id",
                    value_rows(last.len(), 3, 2)
                );
                let mut q = sqlx::query_as(&sql).bind(DbTime::from(at));
                for r in &last {
                    q = q.bind(r.delivery.0).bind(r.position).bind(r.remote.url.as_deref());
                }
                let rows: Vec<(i64,)> = q.fetch_all(&mut *$tx).await?;
                entries = rows.into_iter().map(|(e,)| e).collect();
                entries.sort_unstable();
                entries.dedup();
            }
            if !entries.is_empty() {
                // The states of each entry's last round.
                let sql = format!(
                    "SELECT d.entry_id, d.state FROM deliveries d WHERE d.entry_id IN ({}) \
                     AND d.round = (SELECT MAX(r.round) FROM deliveries r WHERE r.entry_id = d.entry_id)",
                    marks(1, entries.len())
                );
                let mut q = sqlx::query_as(&sql);
                for e in &entries {
                    q = q.bind(*e);
                }
                let states: Vec<(i64, String)> = q.fetch_all(&mut *$tx).await?;
                let mut by_entry: HashMap<i64, Vec<DeliveryState>> = HashMap::new();
                for (e, s) in states {
                    if let Some(s) = DeliveryState::parse(&s) {
                        by_entry.entry(e).or_default().push(s);
                    }
                }
                let mut settle: Vec<(Status, Vec<i64>)> =
                    vec![(Status::Published, Vec::new()), (Status::Failed, Vec::new())];
                for e in &entries {
                    let Some(states) = by_entry.get(e) else { continue };
                    if states.is_empty() || !states.iter().all(|s| s.is_final()) {
                        continue;
                    }
                    let to = if states.iter().all(|s| *s == DeliveryState::Published) { 0 } else { 1 };
                    settle[to].1.push(*e);
                }
                let mut audits: Vec<AuditRecord> = Vec::new();
                for (to, ids) in settle {
                    if ids.is_empty() {
                        continue;
                    }
                    let sql = format!(
                        "UPDATE entries SET status = $1, version = version + 1, updated_at = $2 \
                         WHERE status = 'scheduled' AND id IN ({}) RETURNING id, title, workspace_id",
                        marks(3, ids.len())
                    );
                    let mut q = sqlx::query_as(&sql).bind(to.as_str()).bind(DbTime::from(at));
                    for id in &ids {
                        q = q.bind(*id);
                    }
                    let mut settled: Vec<(i64, String, i64)> = q.fetch_all(&mut *$tx).await?;
                    settled.sort_unstable_by_key(|(id, _, _)| *id);
                    for (_, title, ws) in settled {
                        audits.push(AuditRecord {
                            workspace_id: Some(WorkspaceId(ws)),
                            actor: Actor::System("publisher"),
                            action: if to == Status::Published {
                                AuditAction::EntryPublished
                            } else {
                                AuditAction::EntryPublishFailed
                            },
                            target: title,
                            before: Some(json!({"status": Status::Scheduled})),
                            after: Some(json!({"status": to})),
                            at,
                        });
                    }
                }
                write_audits!($tx, audits);
            }
        }
    }};
}

impl Store {
    // ---- connections -------------------------------------------------------

    /// Stores (or replaces) an account's sealed credentials and marks it
    /// connected. Audited without the credentials.
    pub async fn save_connection(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        account: AccountId,
        sealed: &str,
        remote_id: &str,
    ) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let found: Option<(String,)> =
                sqlx::query_as("SELECT handle FROM accounts WHERE id = $1 AND workspace_id = $2")
                    .bind(account.0)
                    .bind(ws.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (handle,) = found.ok_or(StoreError::NotFound)?;
            sqlx::query(
                "INSERT INTO account_connections (account_id, credentials, remote_id, health, health_reason, connected_at, updated_at) \
                 VALUES ($1, $2, $3, 'connected', '', $4, $4) \
                 ON CONFLICT (account_id) DO UPDATE SET credentials = $2, remote_id = $3, health = 'connected', \
                 health_reason = '', connected_at = $4, updated_at = $4",
            )
            .bind(account.0)
            .bind(sealed)
            .bind(remote_id)
            .bind(DbTime::from(at))
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO publish_queues (account_id) VALUES ($1) ON CONFLICT (account_id) DO NOTHING",
            )
            .bind(account.0)
            .execute(&mut *tx)
            .await?;
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::AccountConnected,
                    target: handle,
                    before: None,
                    after: Some(json!({"remote_id": remote_id})),
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Forgets an account's credentials. Audited.
    pub async fn delete_connection(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        account: AccountId,
    ) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let found: Option<(String,)> =
                sqlx::query_as("SELECT handle FROM accounts WHERE id = $1 AND workspace_id = $2")
                    .bind(account.0)
                    .bind(ws.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (handle,) = found.ok_or(StoreError::NotFound)?;
            let done = sqlx::query("DELETE FROM account_connections WHERE account_id = $1")
                .bind(account.0)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::AccountDisconnected,
                    target: handle,
                    before: None,
                    after: None,
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// An account's connection (for the worker and the connect pages).
    pub async fn connection(&self, account: AccountId) -> Result<Option<Connection>> {
        let row: Option<(i64, String, String, String, String, DbTime, DbTime)> = on_pool!(
            self,
            |pool| {
                sqlx::query_as(
                "SELECT account_id, credentials, remote_id, health, health_reason, connected_at, updated_at \
                 FROM account_connections WHERE account_id = $1"
            )
            .bind(account.0)
            .fetch_optional(pool)
            .await?
            }
        );
        Ok(row.map(|r| Connection {
            account_id: AccountId(r.0),
            sealed_credentials: r.1,
            remote_id: r.2,
            reconnect_needed: r.3 == "reconnect_needed",
            health_reason: r.4,
            connected_at: r.5 .0,
            updated_at: r.6 .0,
        }))
    }

    /// Replaces the sealed credentials of an account (a refreshed session, a
    /// key rotation) without changing its health.
    pub async fn update_sealed_credentials(&self, account: AccountId, sealed: &str) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let _turn = self.write_turn(pool).await?;
            sqlx::query(
            "UPDATE account_connections SET credentials = $2, updated_at = $3 WHERE account_id = $1"
        )
        .bind(account.0)
        .bind(sealed)
        .bind(DbTime::from(at))
        .execute(pool)
        .await?;
        });
        Ok(())
    }

    /// Every stored sealed credential, for `relais keys rotate`.
    pub async fn all_sealed_credentials(&self) -> Result<Vec<(AccountId, String)>> {
        let rows: Vec<(i64, String)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT account_id, credentials FROM account_connections ORDER BY account_id"
        )
        .fetch_all(pool)
        .await?);
        Ok(rows.into_iter().map(|(a, c)| (AccountId(a), c)).collect())
    }

    /// Re-seals every credential in one transaction (`relais keys rotate`):
    /// `reseal` gets each sealed value and returns it sealed with the current
    /// key (or `None` to keep it). All or nothing. Audited once.
    pub async fn reseal_credentials<F, E>(
        &self,
        mut reseal: F,
    ) -> Result<std::result::Result<usize, E>>
    where
        F: FnMut(AccountId, &str) -> std::result::Result<Option<String>, E>,
    {
        let at = now();
        let n = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let rows: Vec<(i64, String)> = sqlx::query_as(
                "SELECT account_id, credentials FROM account_connections ORDER BY account_id",
            )
            .fetch_all(&mut *tx)
            .await?;
            let mut n = 0usize;
            for (account, sealed) in rows {
                match reseal(AccountId(account), &sealed) {
                    Ok(Some(new)) => {
                        sqlx::query(
                            "UPDATE account_connections SET credentials = $2 WHERE account_id = $1",
                        )
                        .bind(account)
                        .bind(new)
                        .execute(&mut *tx)
                        .await?;
                        n += 1;
                    }
                    Ok(None) => {}
                    Err(e) => return Ok(Err(e)),
                }
            }
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: None,
                    actor: Actor::System("keys rotate"),
                    action: AuditAction::CredentialsRotated,
                    target: format!("{n} accounts"),
                    before: None,
                    after: Some(json!({"resealed": n})),
                    at,
                }
            );
            tx.commit().await?;
            n
        });
        Ok(Ok(n))
    }

    /// Flags an account "reconnect needed" (or back to connected, with an
    /// empty reason), telling the team the first time. Returns who was told.
    pub async fn set_reconnect_needed(
        &self,
        account: AccountId,
        reason: Option<&str>,
    ) -> Result<Option<Told>> {
        let at = now();
        let told = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let found: Option<(String, i64)> = sqlx::query_as(
                "SELECT c.health, a.workspace_id FROM account_connections c JOIN accounts a ON a.id = c.account_id \
                 WHERE c.account_id = $1",
            )
            .bind(account.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((health, ws)) = found else {
                return Ok(None);
            };
            let (new, why) = match reason {
                Some(r) => ("reconnect_needed", r),
                None => ("connected", ""),
            };
            sqlx::query(
                "UPDATE account_connections SET health = $2, health_reason = $3, updated_at = $4 WHERE account_id = $1",
            )
            .bind(account.0)
            .bind(new)
            .bind(why)
            .bind(DbTime::from(at))
            .execute(&mut *tx)
            .await?;
            let mut told = None;
            if health != "reconnect_needed" && reason.is_some() {
                let users = notify_team!(
                    tx,
                    ws,
                    NotificationKind::ReconnectNeeded,
                    None::<i64>,
                    why,
                    at
                );
                told = Some(Told {
                    workspace_id: WorkspaceId(ws),
                    kind: NotificationKind::ReconnectNeeded,
                    entry_id: None,
                    users,
                    detail: why.to_string(),
                });
            }
            tx.commit().await?;
            told
        });
        Ok(told)
    }

    /// The publishing status of every account of a workspace, by account id.
    pub async fn account_statuses(&self, ws: WorkspaceId) -> Result<Vec<AccountStatus>> {
        #[allow(clippy::type_complexity)]
        let rows: Vec<(
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<DbTime>,
            Option<DbTime>,
            Option<String>,
            i64,
        )> = on_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT a.id, c.remote_id, c.health, c.health_reason, c.connected_at, q.paused_until, q.pause_reason, \
             (SELECT COUNT(*) FROM deliveries d WHERE d.account_id = a.id AND d.state IN ('pending', 'sending', 'unconfirmed')) \
             FROM accounts a \
             LEFT JOIN account_connections c ON c.account_id = a.id \
             LEFT JOIN publish_queues q ON q.account_id = a.id \
             WHERE a.workspace_id = $1 ORDER BY a.id"
        )
        .bind(ws.0)
        .fetch_all(pool)
        .await?
        });
        let at = now();
        Ok(rows
            .into_iter()
            .map(|r| AccountStatus {
                account_id: AccountId(r.0),
                connected: r.1.is_some(),
                remote_id: r.1.unwrap_or_default(),
                reconnect_needed: r.2.as_deref() == Some("reconnect_needed"),
                health_reason: r.3.unwrap_or_default(),
                connected_at: r.4.map(|t| t.0),
                paused_until: r.5.map(|t| t.0).filter(|t| *t > at),
                pause_reason: r.6.unwrap_or_default(),
                waiting: r.7,
            })
            .collect())
    }

    // ---- reading deliveries ------------------------------------------------

    /// The deliveries of an entry (every round, newest first), with parts and
    /// timeline.
    pub async fn entry_deliveries(
        &self,
        ws: WorkspaceId,
        entry: EntryId,
    ) -> Result<Vec<DeliveryView>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE workspace_id = $1 AND entry_id = $2 \
             ORDER BY round DESC, account_id"
        );
        let rows: Vec<DeliveryRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .bind(entry.0)
            .fetch_all(pool)
            .await?);
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let delivery = Delivery::try_from(row)?;
            let parts = self.parts(delivery.id).await?;
            let attempts = self.attempts(delivery.id).await?;
            out.push(DeliveryView {
                delivery,
                parts,
                attempts,
            });
        }
        Ok(out)
    }

    /// One delivery, by id (any workspace: for the worker and tests).
    pub async fn delivery(&self, id: DeliveryId) -> Result<Option<Delivery>> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = $1");
        let row: Option<DeliveryRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id.0)
            .fetch_optional(pool)
            .await?);
        row.map(Delivery::try_from).transpose()
    }

    /// Every delivery of a workspace due in `[from, to)`, by due time.
    pub async fn deliveries_between(
        &self,
        ws: WorkspaceId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Delivery>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE workspace_id = $1 AND due_at >= $2 AND due_at < $3 \
             ORDER BY due_at, id"
        );
        let rows: Vec<DeliveryRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .bind(DbTime::from(from))
            .bind(DbTime::from(to))
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(Delivery::try_from).collect()
    }

    /// How many deliveries are in each state (for metrics and tests).
    pub async fn delivery_counts(&self) -> Result<Vec<(DeliveryState, i64)>> {
        let rows: Vec<(String, i64)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT state, COUNT(*) FROM deliveries GROUP BY state ORDER BY state"
        )
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .filter_map(|(s, n)| DeliveryState::parse(&s).map(|s| (s, n)))
            .collect())
    }

    pub async fn parts(&self, delivery: DeliveryId) -> Result<Vec<DeliveryPart>> {
        let sql = format!(
            "SELECT {PART_COLUMNS} FROM delivery_parts WHERE delivery_id = $1 ORDER BY position"
        );
        let rows: Vec<PartRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(delivery.0)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(DeliveryPart::try_from).collect()
    }

    pub async fn attempts(&self, delivery: DeliveryId) -> Result<Vec<Attempt>> {
        let rows: Vec<AttemptRow> = on_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT id, delivery_id, position, worker, started_at, finished_at, outcome, detail, retry_at \
             FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id"
        )
        .bind(delivery.0)
        .fetch_all(pool)
        .await?
        });
        Ok(rows.into_iter().map(Attempt::from).collect())
    }

    // ---- changing a schedule -----------------------------------------------

    /// Moves a scheduled entry to another time: its pending deliveries are
    /// cancelled and a new round is written for the new time, in one
    /// transaction. `InFlight` when a delivery is being sent; `BadTransition`
    /// unless the entry is scheduled.
    pub async fn reschedule_entry(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        id: EntryId,
        expected_version: i64,
        starts_at: DateTime<Utc>,
        timezone: &str,
    ) -> Result<()> {
        let at = now();
        let starts_at = DbTime::from(starts_at).0;
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let found: Option<(String, i64, String)> = sqlx::query_as(
                "SELECT status, version, doc FROM entries WHERE id = $1 AND workspace_id = $2",
            )
            .bind(id.0)
            .bind(ws.0)
            .fetch_optional(&mut *tx)
            .await?;
            let (status, version, doc) = found.ok_or(StoreError::NotFound)?;
            if version != expected_version {
                return Err(StoreError::Stale);
            }
            let status = crate::entries::parse_status(&status)?;
            if status != Status::Scheduled {
                return Err(StoreError::BadTransition {
                    from: status,
                    to: Status::Scheduled,
                });
            }
            let mut content: EntryContent =
                serde_json::from_str(&doc).map_err(|e| corrupt("entries", e))?;
            let before = (content.starts_at, content.timezone.clone());
            cancel_deliveries!(tx, id, at);
            content.starts_at = Some(starts_at);
            content.timezone = timezone.to_string();
            let doc = serde_json::to_string(&content).map_err(|e| corrupt("entries", e))?;
            let done = sqlx::query(
                "UPDATE entries SET starts_at = $4, doc = $5, version = version + 1, updated_at = $6 \
                 WHERE id = $1 AND workspace_id = $2 AND version = $3",
            )
            .bind(id.0)
            .bind(ws.0)
            .bind(version)
            .bind(DbTime::from(starts_at))
            .bind(doc)
            .bind(DbTime::from(at))
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Stale);
            }
            schedule_deliveries!(tx, ws, id, &content, at);
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::EntryRescheduled,
                    target: content.title.clone(),
                    before: Some(json!({"starts_at": before.0, "timezone": before.1})),
                    after: Some(json!({"starts_at": starts_at, "timezone": timezone})),
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    // ---- the worker's side -------------------------------------------------

    /// Leases up to `limit` account queues that have a due delivery and are
    /// neither leased (unexpired) nor paused, earliest due first, until
    /// `until`. One statement: `UPDATE … RETURNING` on SQLite (one writer at a
    /// time), `FOR UPDATE SKIP LOCKED` on PostgreSQL (workers never wait for
    /// each other's rows).
    pub async fn lease_queues(
        &self,
        owner: &str,
        at: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<AccountId>> {
        // Due, free and unpaused queues, the most overdue first; `at` and
        // `limit` name the parameters.
        let candidates = |at: &str, limit: &str| {
            format!(
                "SELECT q.account_id FROM publish_queues q \
                 WHERE (q.lease_expires_at IS NULL OR q.lease_expires_at < {at}) \
                 AND (q.paused_until IS NULL OR q.paused_until <= {at}) \
                 AND EXISTS (SELECT 1 FROM deliveries d WHERE d.account_id = q.account_id \
                     AND d.state IN ('pending', 'sending', 'unconfirmed') AND d.next_attempt_at <= {at}) \
                 ORDER BY (SELECT MIN(d.next_attempt_at) FROM deliveries d WHERE d.account_id = q.account_id \
                     AND d.state IN ('pending', 'sending', 'unconfirmed')), q.account_id \
                 LIMIT {limit}"
            )
        };
        let rows: Vec<(i64,)> = match &self.backend {
            Backend::Sqlite(pool) => {
                // The candidates are read outside the write turn (the search
                // over every queue is the slow part, and the single writer
                // should not wait for it); the update then takes those still
                // free and unpaused, so a queue leased meanwhile by another
                // process is not taken twice.
                let sql = candidates("$1", "$2");
                let found: Vec<(i64,)> = sqlx::query_as(&sql)
                    .bind(DbTime::from(at))
                    .bind(limit)
                    .fetch_all(pool)
                    .await?;
                if found.is_empty() {
                    return Ok(Vec::new());
                }
                let marks = marks(4, found.len());
                let sql = format!(
                    "UPDATE publish_queues SET lease_owner = $1, lease_expires_at = $2 \
                     WHERE account_id IN ({marks}) \
                     AND (lease_expires_at IS NULL OR lease_expires_at < $3) \
                     AND (paused_until IS NULL OR paused_until <= $3) RETURNING account_id"
                );
                let mut q = sqlx::query_as(&sql)
                    .bind(owner)
                    .bind(DbTime::from(until))
                    .bind(DbTime::from(at));
                for (account,) in &found {
                    q = q.bind(*account);
                }
                let _turn = self.write_turn(pool).await?;
                q.fetch_all(pool).await?
            }
            Backend::Postgres(pool) => {
                let sql = format!(
                    "UPDATE publish_queues SET lease_owner = $1, lease_expires_at = $2 \
                     WHERE account_id IN ({} FOR UPDATE OF q SKIP LOCKED) RETURNING account_id",
                    candidates("$3", "$4")
                );
                sqlx::query_as(&sql)
                    .bind(owner)
                    .bind(DbTime::from(until))
                    .bind(DbTime::from(at))
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
            }
        };
        Ok(rows.into_iter().map(|r| AccountId(r.0)).collect())
    }

    /// Extends this owner's leases (the heartbeat). Returns the accounts whose
    /// lease is still ours; a lease lost (expired and taken) is not renewed.
    pub async fn renew_leases(
        &self,
        owner: &str,
        accounts: &[AccountId],
        until: DateTime<Utc>,
    ) -> Result<Vec<AccountId>> {
        let mut kept = Vec::with_capacity(accounts.len());
        for chunk in accounts.chunks(400) {
            let sql = format!(
                "UPDATE publish_queues SET lease_expires_at = $2 WHERE lease_owner = $1 \
                 AND account_id IN ({}) RETURNING account_id",
                marks(3, chunk.len())
            );
            let rows: Vec<(i64,)> = on_pool!(self, |pool| {
                let _turn = self.write_turn(pool).await?;
                let mut q = sqlx::query_as(&sql).bind(owner).bind(DbTime::from(until));
                for a in chunk {
                    q = q.bind(a.0);
                }
                q.fetch_all(pool).await?
            });
            kept.extend(rows.into_iter().map(|r| AccountId(r.0)));
        }
        Ok(kept)
    }

    /// Gives an account's queue back (the worker is done with it for now).
    pub async fn release_queue(&self, owner: &str, account: AccountId) -> Result<()> {
        on_pool!(self, |pool| {
            let _turn = self.write_turn(pool).await?;
            sqlx::query(
                "UPDATE publish_queues SET lease_owner = NULL, lease_expires_at = NULL \
             WHERE account_id = $1 AND lease_owner = $2",
            )
            .bind(account.0)
            .bind(owner)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Pauses an account's queue until `until` (rate limits).
    pub async fn pause_queue(
        &self,
        account: AccountId,
        until: DateTime<Utc>,
        reason: &str,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let _turn = self.write_turn(pool).await?;
            sqlx::query(
            "UPDATE publish_queues SET paused_until = $2, pause_reason = $3 WHERE account_id = $1"
        )
        .bind(account.0)
        .bind(DbTime::from(until))
        .bind(reason)
        .execute(pool)
        .await?;
        });
        Ok(())
    }

    /// The account's next due delivery (earliest due first), if any.
    pub async fn next_due_delivery(
        &self,
        account: AccountId,
        at: DateTime<Utc>,
    ) -> Result<Option<Delivery>> {
        Ok(self.due_deliveries(account, at, 1).await?.pop())
    }

    /// Up to `limit` of the account's due deliveries, earliest first, as read
    /// now: each must still be claimed ([`Store::claim_read`]), which fails if
    /// it changed since.
    pub async fn due_deliveries(
        &self,
        account: AccountId,
        at: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Delivery>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE account_id = $1 \
             AND state IN ('pending', 'sending', 'unconfirmed') AND next_attempt_at <= $2 \
             ORDER BY next_attempt_at, due_at, id LIMIT $3"
        );
        let rows: Vec<DeliveryRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(account.0)
            .bind(DbTime::from(at))
            .bind(limit)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(Delivery::try_from).collect()
    }

    /// How many parts this account published since `since` (its own quota).
    pub async fn published_since(&self, account: AccountId, since: DateTime<Utc>) -> Result<i64> {
        let (n,): (i64,) = on_pool!(self, |pool| sqlx::query_as(
            "SELECT COUNT(*) FROM delivery_parts p JOIN deliveries d ON d.id = p.delivery_id \
             WHERE d.account_id = $1 AND p.published_at >= $2"
        )
        .bind(account.0)
        .bind(DbTime::from(since))
        .fetch_one(pool)
        .await?);
        Ok(n)
    }

    /// Marks a never-attempted delivery missed (its time passed beyond the
    /// grace window while relais was down) and tells the team, if it is still
    /// at `version` and pending. Returns who was told.
    pub async fn mark_missed(
        &self,
        worker: &str,
        id: DeliveryId,
        version: i64,
        detail: &str,
    ) -> Result<Option<Told>> {
        let at = now();
        let told = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let row: Option<(i64, i64)> = sqlx::query_as(
                "UPDATE deliveries SET state = 'missed', version = version + 1, finished_at = $3, last_error = $4 \
                 WHERE id = $1 AND version = $2 AND state = 'pending' AND attempts = 0 \
                 RETURNING entry_id, workspace_id",
            )
            .bind(id.0)
            .bind(version)
            .bind(DbTime::from(at))
            .bind(detail)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((entry, ws)) = row else {
                return Ok(None);
            };
            insert_attempt!(tx, id, 0i64, worker, at, at, "missed", detail, None);
            settle_entry!(tx, entry, at);
            let users = notify_team!(
                tx,
                ws,
                NotificationKind::PublishMissed,
                Some(entry),
                detail,
                at
            );
            tx.commit().await?;
            Some(Told {
                workspace_id: WorkspaceId(ws),
                kind: NotificationKind::PublishMissed,
                entry_id: Some(EntryId(entry)),
                users,
                detail: detail.to_string(),
            })
        });
        Ok(told)
    }

    /// Claims a delivery for sending: only if it is still at `version`, in a
    /// sendable state, and the account's queue lease is still `owner`'s. The
    /// delivery becomes `sending` (no longer cancellable) and its attempt
    /// count grows. `None` when the claim lost (cancelled, rescheduled,
    /// deleted, or the lease was lost): then nothing must be sent.
    pub async fn claim_delivery(
        &self,
        owner: &str,
        id: DeliveryId,
        version: i64,
        at: DateTime<Utc>,
    ) -> Result<Option<Claimed>> {
        let before: Option<(String,)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT state FROM deliveries WHERE id = $1 AND version = $2"
        )
        .bind(id.0)
        .bind(version)
        .fetch_optional(pool)
        .await?);
        let Some((before,)) = before else {
            return Ok(None);
        };
        self.claim_read(owner, id, version, before != "pending", at)
            .await
    }

    /// [`Store::claim_delivery`] for a delivery the caller read at `version`
    /// (its state then is its state now if the claim wins: every change of
    /// state moves the version). `maybe_sent`: it was `sending` or
    /// `unconfirmed` when read, so its current part may already be out.
    pub async fn claim_read(
        &self,
        owner: &str,
        id: DeliveryId,
        version: i64,
        maybe_sent: bool,
        at: DateTime<Utc>,
    ) -> Result<Option<Claimed>> {
        let claim = ClaimRequest {
            id,
            version,
            maybe_sent,
        };
        let mut claimed = self.write_batch(owner, &[], &[claim], at).await?;
        Ok(claimed.pop().flatten())
    }

    /// Records one part published (its remote reference), while the delivery
    /// is still being sent. The delivery's progress moves past it. When it is
    /// the `last` part, the delivery is published and the entry settles in the
    /// same transaction (one write instead of two per post).
    #[allow(clippy::too_many_arguments)]
    pub async fn record_part(
        &self,
        id: DeliveryId,
        position: i64,
        remote: &RemotePost,
        reconciled: bool,
        last: bool,
        worker: &str,
        started_at: DateTime<Utc>,
    ) -> Result<()> {
        self.record_parts(&[PartRecord {
            delivery: id,
            position,
            remote: remote.clone(),
            reconciled,
            last,
            worker: worker.to_string(),
            started_at,
        }])
        .await
    }

    /// [`Store::record_part`] for several parts (of any deliveries) in one
    /// transaction: a worker's group commit. All are recorded or none.
    pub async fn record_parts(&self, records: &[PartRecord]) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        self.write_batch("", records, &[], now()).await?;
        Ok(())
    }

    /// One group commit of the worker: records published parts (as
    /// [`Store::record_parts`]) and then makes claims (each as
    /// [`Store::claim_read`], for `owner`), all in one write transaction, so
    /// that a burst of posts costs one turn of the SQLite writer per batch
    /// rather than two per post. Each claim is still for the one delivery its
    /// account is about to send, and is checked against its version and the
    /// lease as on its own: the answers, in the order of `claims`, are `None`
    /// where the delivery changed or the lease is gone. One failing statement
    /// fails the whole batch, and nothing of it is written.
    pub async fn write_batch(
        &self,
        owner: &str,
        records: &[PartRecord],
        claims: &[ClaimRequest],
        at: DateTime<Utc>,
    ) -> Result<Vec<Option<Claimed>>> {
        if records.is_empty() && claims.is_empty() {
            return Ok(Vec::new());
        }
        // Claims in runs of distinct deliveries, one statement each: every
        // claim names the version it read, and the lease must still be ours.
        let runs = distinct_runs(claims, |c| c.id.0, CLAIMS_PER_STATEMENT);
        let claim_sql: Vec<String> = runs
            .iter()
            .map(|run| {
                let each: Vec<String> = (0..run.len())
                    .map(|i| format!("(id = ${} AND version = ${})", 3 + 2 * i, 4 + 2 * i))
                    .collect();
                format!(
                    "UPDATE deliveries SET state = 'sending', version = version + 1, attempts = attempts + 1, \
                     first_attempt_at = COALESCE(first_attempt_at, $1) \
                     WHERE ({}) AND state IN ('pending', 'sending', 'unconfirmed') \
                     AND EXISTS (SELECT 1 FROM publish_queues q WHERE q.account_id = deliveries.account_id \
                         AND q.lease_owner = $2 AND q.lease_expires_at > $1) \
                     RETURNING {DELIVERY_COLUMNS}",
                    each.join(" OR ")
                )
            })
            .collect();
        let (rows, part_rows): (Vec<Option<DeliveryRow>>, Vec<PartRow>) = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            // Set-based, a chunk at a time, each chunk with at most one part
            // per delivery (a delivery's parts are recorded one after the
            // other, so there is normally a single chunk).
            for chunk in distinct_runs(records, |r| r.delivery.0, usize::MAX) {
                record_chunk!(tx, chunk, at);
            }
            let mut rows: Vec<Option<DeliveryRow>> = Vec::with_capacity(claims.len());
            for (run, sql) in runs.iter().zip(&claim_sql) {
                let mut q = sqlx::query_as(sql).bind(DbTime::from(at)).bind(owner);
                for c in run.iter() {
                    q = q.bind(c.id.0).bind(c.version);
                }
                let won: Vec<DeliveryRow> = q.fetch_all(&mut *tx).await?;
                let mut won: HashMap<i64, DeliveryRow> =
                    won.into_iter().map(|r| (r.id, r)).collect();
                rows.extend(run.iter().map(|c| won.remove(&c.id.0)));
            }
            let claimed: Vec<i64> = rows.iter().flatten().map(|r| r.id).collect();
            let part_rows: Vec<PartRow> = if claimed.is_empty() {
                Vec::new()
            } else {
                let marks = marks(1, claimed.len());
                let sql = format!(
                    "SELECT {PART_COLUMNS} FROM delivery_parts WHERE delivery_id IN ({marks}) \
                     ORDER BY delivery_id, position"
                );
                let mut q = sqlx::query_as(&sql);
                for id in &claimed {
                    q = q.bind(*id);
                }
                q.fetch_all(&mut *tx).await?
            };
            tx.commit().await?;
            (rows, part_rows)
        });
        let mut parts: HashMap<i64, Vec<DeliveryPart>> = HashMap::new();
        for row in part_rows {
            let part = DeliveryPart::try_from(row)?;
            parts.entry(part.delivery_id.0).or_default().push(part);
        }
        rows.into_iter()
            .zip(claims)
            .map(|(row, c)| {
                let Some(row) = row else {
                    return Ok(None);
                };
                let delivery = Delivery::try_from(row)?;
                Ok(Some(Claimed {
                    parts: parts.remove(&delivery.id.0).unwrap_or_default(),
                    delivery,
                    maybe_sent: c.maybe_sent,
                }))
            })
            .collect()
    }

    /// Ends a claimed attempt. `Published`: the delivery is done and the entry
    /// settles. `Retry`/`Unconfirmed`: back to `pending`/`unconfirmed` with its
    /// next attempt time. `Failed`: done, the entry settles as failed and the
    /// team is told. Returns who was told.
    pub async fn finish_attempt(
        &self,
        worker: &str,
        id: DeliveryId,
        position: i64,
        started_at: DateTime<Utc>,
        outcome: &Outcome,
    ) -> Result<Option<Told>> {
        let at = now();
        let told = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let (state, next, detail, name, retry_at): (
                &str,
                DateTime<Utc>,
                String,
                &str,
                Option<DateTime<Utc>>,
            ) = match outcome {
                Outcome::Published => ("published", at, String::new(), "", None),
                Outcome::Retry {
                    at: when,
                    detail,
                    rate_limited,
                } => (
                    "pending",
                    *when,
                    detail.clone(),
                    if *rate_limited {
                        "rate_limited"
                    } else {
                        "retry"
                    },
                    Some(*when),
                ),
                Outcome::Unconfirmed { at: when, detail } => (
                    "unconfirmed",
                    *when,
                    detail.clone(),
                    "unconfirmed",
                    Some(*when),
                ),
                Outcome::Failed { detail } => ("failed", at, detail.clone(), "failed", None),
            };
            let finished = matches!(outcome, Outcome::Published | Outcome::Failed { .. });
            let row: Option<(i64, i64)> = sqlx::query_as(
                "UPDATE deliveries SET state = $2, version = version + 1, next_attempt_at = $3, \
                 last_error = $4, finished_at = $5 WHERE id = $1 AND state = 'sending' \
                 RETURNING entry_id, workspace_id",
            )
            .bind(id.0)
            .bind(state)
            .bind(DbTime::from(next))
            .bind(&detail)
            .bind(finished.then(|| DbTime::from(at)))
            .fetch_optional(&mut *tx)
            .await?;
            let Some((entry, ws)) = row else {
                return Ok(None);
            };
            if !name.is_empty() {
                insert_attempt!(tx, id, position, worker, started_at, at, name, &detail, retry_at);
            }
            let mut told = None;
            if finished {
                settle_entry!(tx, entry, at);
                if let Outcome::Failed { detail } = outcome {
                    let users = notify_team!(
                        tx,
                        ws,
                        NotificationKind::PublishFailed,
                        Some(entry),
                        detail,
                        at
                    );
                    told = Some(Told {
                        workspace_id: WorkspaceId(ws),
                        kind: NotificationKind::PublishFailed,
                        entry_id: Some(EntryId(entry)),
                        users,
                        detail: detail.clone(),
                    });
                }
            }
            tx.commit().await?;
            told
        });
        Ok(told)
    }
}

/// The grace window as a chrono duration.
pub fn grace(secs: u64) -> Duration {
    Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX / 2))
}
