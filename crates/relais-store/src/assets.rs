//! Observances on a workspace's calendar, media records and the secret
//! iCalendar feed token.

use crate::audit::{write_audit, AuditRecord};
use crate::rows::{prefixed, WorkspaceRow, WORKSPACE_COLUMNS};
use crate::time::{now, DbTime};
use crate::{on_pool, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use relais_core::audit::AuditAction;
use relais_core::entry::{MediaKind, MediaRecord, Observance};
use relais_core::model::{Actor, Workspace};
use relais_core::{MediaId, ObservanceId, UserId, WorkspaceId};
use serde_json::json;

#[derive(sqlx::FromRow)]
struct ObservanceRow {
    id: i64,
    workspace_id: i64,
    observed_on: NaiveDate,
    label: String,
    source: String,
}

impl From<ObservanceRow> for Observance {
    fn from(r: ObservanceRow) -> Observance {
        Observance {
            id: ObservanceId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            date: r.observed_on,
            label: r.label,
            source: r.source,
        }
    }
}

const MEDIA_COLUMNS: &str =
    "id, workspace_id, sha256, kind, mime, width, height, bytes, original_name, created_by, created_at";

#[derive(sqlx::FromRow)]
struct MediaRow {
    id: i64,
    workspace_id: i64,
    sha256: String,
    kind: String,
    mime: String,
    width: i64,
    height: i64,
    bytes: i64,
    original_name: String,
    created_by: Option<i64>,
    created_at: DbTime,
}

impl TryFrom<MediaRow> for MediaRecord {
    type Error = StoreError;
    fn try_from(r: MediaRow) -> Result<MediaRecord> {
        let corrupt = |detail: String| StoreError::Corrupt {
            table: "media",
            detail,
        };
        let kind = match r.kind.as_str() {
            "image" => MediaKind::Image,
            "video" => MediaKind::Video,
            other => return Err(corrupt(format!("unknown kind {other:?}"))),
        };
        let size = |v: i64| u32::try_from(v).map_err(|e| corrupt(e.to_string()));
        Ok(MediaRecord {
            id: MediaId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            sha256: r.sha256,
            kind,
            mime: r.mime,
            width: size(r.width)?,
            height: size(r.height)?,
            bytes: u64::try_from(r.bytes).map_err(|e| corrupt(e.to_string()))?,
            original_name: r.original_name,
            created_by: r.created_by.map(UserId),
            created_at: r.created_at.0,
        })
    }
}

fn media_kind_str(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Image => "image",
        MediaKind::Video => "video",
    }
}

impl Store {
    // ---- observances ----

    /// Adds dated observances in one transaction, skipping those the workspace
    /// already has (same date and label), so re-importing an .ics file adds
    /// nothing twice. Returns how many were added. `source`: "manual" or "ics".
    pub async fn add_observances(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        items: &[(NaiveDate, String)],
        source: &str,
    ) -> Result<usize> {
        let at = now();
        let added: usize = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let mut added = 0usize;
            for (date, label) in items {
                let label = label.trim();
                let (exists,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM observances WHERE workspace_id = $1 AND observed_on = $2 AND label = $3",
                )
                .bind(ws.0)
                .bind(*date)
                .bind(label)
                .fetch_one(&mut *tx)
                .await?;
                if exists > 0 || label.is_empty() {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO observances (workspace_id, observed_on, label, source, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(ws.0)
                .bind(*date)
                .bind(label)
                .bind(source)
                .bind(DbTime::from(at))
                .execute(&mut *tx)
                .await?;
                added += 1;
            }
            if added > 0 {
                write_audit!(
                    tx,
                    AuditRecord {
                        workspace_id: Some(ws),
                        actor: actor.clone(),
                        action: AuditAction::ObservancesAdded,
                        target: source.to_string(),
                        before: None,
                        after: Some(json!({"count": added, "source": source})),
                        at,
                    }
                );
            }
            tx.commit().await?;
            added
        });
        Ok(added)
    }

    /// The workspace's observances from `from` (included) to `to` (excluded), by date.
    pub async fn list_observances(
        &self,
        ws: WorkspaceId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Observance>> {
        let rows: Vec<ObservanceRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, workspace_id, observed_on, label, source FROM observances \
                 WHERE workspace_id = $1 AND observed_on >= $2 AND observed_on < $3 ORDER BY observed_on, id",
            )
            .bind(ws.0)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Observance::from).collect())
    }

    /// Deletes an observance (`NotFound` if it is not in `ws`).
    pub async fn delete_observance(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        id: ObservanceId,
    ) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let gone: Option<(NaiveDate, String)> = sqlx::query_as(
                "DELETE FROM observances WHERE id = $1 AND workspace_id = $2 RETURNING observed_on, label",
            )
            .bind(id.0)
            .bind(ws.0)
            .fetch_optional(&mut *tx)
            .await?;
            let (date, label) = gone.ok_or(StoreError::NotFound)?;
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::ObservanceDeleted,
                    target: label.clone(),
                    before: Some(json!({"date": date, "label": label})),
                    after: None,
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    // ---- media ----

    /// Records an uploaded media file (its bytes are already on disk).
    #[allow(clippy::too_many_arguments)]
    pub async fn create_media(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        sha256: &str,
        kind: MediaKind,
        mime: &str,
        width: u32,
        height: u32,
        bytes: u64,
        original_name: &str,
    ) -> Result<MediaRecord> {
        let at = now();
        let size = i64::try_from(bytes).map_err(|_| StoreError::Unsupported("file too large"))?;
        let sql = format!(
            "INSERT INTO media (workspace_id, sha256, kind, mime, width, height, bytes, original_name, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {MEDIA_COLUMNS}"
        );
        let row: MediaRow = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let row: MediaRow = sqlx::query_as(&sql)
                .bind(ws.0)
                .bind(sha256)
                .bind(media_kind_str(kind))
                .bind(mime)
                .bind(i64::from(width))
                .bind(i64::from(height))
                .bind(size)
                .bind(original_name)
                .bind(actor.user_id().map(|u| u.0))
                .bind(DbTime::from(at))
                .fetch_one(&mut *tx)
                .await?;
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::MediaUploaded,
                    target: original_name.to_string(),
                    before: None,
                    after: Some(json!({
                        "id": row.id, "sha256": sha256, "mime": mime,
                        "width": width, "height": height, "bytes": bytes,
                    })),
                    at,
                }
            );
            tx.commit().await?;
            row
        });
        MediaRecord::try_from(row)
    }

    pub async fn get_media(&self, ws: WorkspaceId, id: MediaId) -> Result<Option<MediaRecord>> {
        let sql = format!("SELECT {MEDIA_COLUMNS} FROM media WHERE id = $1 AND workspace_id = $2");
        let row: Option<MediaRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id.0)
            .bind(ws.0)
            .fetch_optional(pool)
            .await?);
        row.map(MediaRecord::try_from).transpose()
    }

    /// The workspace's media, newest first.
    pub async fn list_media(&self, ws: WorkspaceId) -> Result<Vec<MediaRecord>> {
        let sql =
            format!("SELECT {MEDIA_COLUMNS} FROM media WHERE workspace_id = $1 ORDER BY id DESC");
        let rows: Vec<MediaRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(MediaRecord::try_from).collect()
    }

    // ---- secret feeds: the calendar (iCalendar) and veille's curated items ----

    /// Creates the workspace's secret calendar feed token, revoking the
    /// previous one, and returns it (shown once; only its SHA-256 digest is
    /// stored).
    pub async fn create_feed_token(&self, actor: &Actor, ws: WorkspaceId) -> Result<String> {
        self.create_secret_feed(SecretFeed::Calendar, actor, ws)
            .await
    }

    /// Revokes the workspace's calendar feed token; does nothing (and logs
    /// nothing) when there is none.
    pub async fn revoke_feed_token(&self, actor: &Actor, ws: WorkspaceId) -> Result<()> {
        self.revoke_secret_feed(SecretFeed::Calendar, actor, ws)
            .await
    }

    /// When the live calendar feed token was created, if there is one.
    pub async fn feed_token_created_at(&self, ws: WorkspaceId) -> Result<Option<DateTime<Utc>>> {
        self.secret_feed_created_at(SecretFeed::Calendar, ws).await
    }

    /// The workspace whose live calendar feed token is `token`.
    pub async fn workspace_by_feed_token(&self, token: &str) -> Result<Option<Workspace>> {
        self.workspace_by_secret_feed(SecretFeed::Calendar, token)
            .await
    }

    /// Creates the workspace's secret curated-items feed token (veille),
    /// revoking the previous one; returns it, shown once.
    pub async fn create_veille_feed_token(&self, actor: &Actor, ws: WorkspaceId) -> Result<String> {
        self.create_secret_feed(SecretFeed::Veille, actor, ws).await
    }

    /// Revokes the curated-items feed token (nothing when there is none).
    pub async fn revoke_veille_feed_token(&self, actor: &Actor, ws: WorkspaceId) -> Result<()> {
        self.revoke_secret_feed(SecretFeed::Veille, actor, ws).await
    }

    /// When the curated-items feed token was made, if there is one.
    pub async fn veille_feed_token_created_at(
        &self,
        ws: WorkspaceId,
    ) -> Result<Option<DateTime<Utc>>> {
        self.secret_feed_created_at(SecretFeed::Veille, ws).await
    }

    /// The workspace whose curated-items feed this token opens.
    pub async fn workspace_by_veille_feed_token(&self, token: &str) -> Result<Option<Workspace>> {
        self.workspace_by_secret_feed(SecretFeed::Veille, token)
            .await
    }

    async fn create_secret_feed(
        &self,
        feed: SecretFeed,
        actor: &Actor,
        ws: WorkspaceId,
    ) -> Result<String> {
        let at = now();
        let token = relais_auth::random_token();
        let digest = relais_auth::token_digest(&token);
        let table = feed.table();
        let delete = format!("DELETE FROM {table} WHERE workspace_id = $1 RETURNING created_at");
        let insert = format!(
            "INSERT INTO {table} (workspace_id, digest, created_by, created_at) VALUES ($1, $2, $3, $4)"
        );
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let previous: Option<(DbTime,)> = sqlx::query_as(&delete)
                .bind(ws.0)
                .fetch_optional(&mut *tx)
                .await?;
            sqlx::query(&insert)
                .bind(ws.0)
                .bind(&digest)
                .bind(actor.user_id().map(|u| u.0))
                .bind(DbTime::from(at))
                .execute(&mut *tx)
                .await?;
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: feed.created(),
                    target: feed.target().to_string(),
                    before: previous.map(|(t,)| json!({"created_at": t.0})),
                    after: Some(json!({"created_at": at})),
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(token)
    }

    async fn revoke_secret_feed(
        &self,
        feed: SecretFeed,
        actor: &Actor,
        ws: WorkspaceId,
    ) -> Result<()> {
        let at = now();
        let delete = format!(
            "DELETE FROM {} WHERE workspace_id = $1 RETURNING created_at",
            feed.table()
        );
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let previous: Option<(DbTime,)> = sqlx::query_as(&delete)
                .bind(ws.0)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some((created,)) = previous {
                write_audit!(
                    tx,
                    AuditRecord {
                        workspace_id: Some(ws),
                        actor: actor.clone(),
                        action: feed.revoked(),
                        target: feed.target().to_string(),
                        before: Some(json!({"created_at": created.0})),
                        after: None,
                        at,
                    }
                );
                tx.commit().await?;
            }
        });
        Ok(())
    }

    async fn secret_feed_created_at(
        &self,
        feed: SecretFeed,
        ws: WorkspaceId,
    ) -> Result<Option<DateTime<Utc>>> {
        let sql = format!(
            "SELECT created_at FROM {} WHERE workspace_id = $1",
            feed.table()
        );
        let row: Option<(DbTime,)> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .fetch_optional(pool)
            .await?);
        Ok(row.map(|(t,)| t.0))
    }

    async fn workspace_by_secret_feed(
        &self,
        feed: SecretFeed,
        token: &str,
    ) -> Result<Option<Workspace>> {
        let digest = relais_auth::token_digest(token);
        let sql = format!(
            "SELECT {} FROM {} f JOIN workspaces w ON w.id = f.workspace_id WHERE f.digest = $1",
            prefixed(WORKSPACE_COLUMNS, "w"),
            feed.table()
        );
        let row: Option<WorkspaceRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(digest)
            .fetch_optional(pool)
            .await?);
        Ok(row.map(Workspace::from))
    }
}

/// A workspace's secret feed address: one live token per workspace and kind,
/// stored as a digest, made and revoked with an audit entry.
#[derive(Debug, Clone, Copy)]
enum SecretFeed {
    /// The calendar as iCalendar (`feed_tokens`).
    Calendar,
    /// Veille's curated items as RSS (`veille_feed_tokens`).
    Veille,
}

impl SecretFeed {
    fn table(self) -> &'static str {
        match self {
            SecretFeed::Calendar => "feed_tokens",
            SecretFeed::Veille => "veille_feed_tokens",
        }
    }

    fn created(self) -> AuditAction {
        match self {
            SecretFeed::Calendar => AuditAction::FeedTokenCreated,
            SecretFeed::Veille => AuditAction::VeilleFeedTokenCreated,
        }
    }

    fn revoked(self) -> AuditAction {
        match self {
            SecretFeed::Calendar => AuditAction::FeedTokenRevoked,
            SecretFeed::Veille => AuditAction::VeilleFeedTokenRevoked,
        }
    }

    fn target(self) -> &'static str {
        match self {
            SecretFeed::Calendar => "ics",
            SecretFeed::Veille => "veille feed",
        }
    }
}
