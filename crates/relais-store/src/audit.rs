//! The audit log: written in the same transaction as the change it records.

use crate::rows::AuditRow;
use crate::{on_pool, Result, Store};
use chrono::{DateTime, Utc};
use relais_core::audit::AuditAction;
use relais_core::model::{Actor, AuditEntry};
use relais_core::{AuditId, WorkspaceId};

/// One audit entry to write.
pub(crate) struct AuditRecord {
    pub workspace_id: Option<WorkspaceId>,
    pub actor: Actor,
    pub action: AuditAction,
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub at: DateTime<Utc>,
}

pub(crate) const AUDIT_INSERT: &str = "INSERT INTO audit_log \
    (workspace_id, actor_user_id, actor_label, action, target, before_json, after_json, at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// [`AUDIT_INSERT`] without its values, for several rows.
pub(crate) const AUDIT_INSERT_MANY: &str = "INSERT INTO audit_log \
    (workspace_id, actor_user_id, actor_label, action, target, before_json, after_json, at) VALUES";

/// Writes an [`AuditRecord`] on a transaction (`$tx` is `&mut Transaction`).
macro_rules! write_audit {
    ($tx:expr, $rec:expr) => {{
        let rec: $crate::audit::AuditRecord = $rec;
        sqlx::query($crate::audit::AUDIT_INSERT)
            .bind(rec.workspace_id.map(|w| w.0))
            .bind(rec.actor.user_id().map(|u| u.0))
            .bind(rec.actor.label())
            .bind(rec.action.as_str())
            .bind(rec.target)
            .bind(rec.before.map(|v| v.to_string()))
            .bind(rec.after.map(|v| v.to_string()))
            .bind($crate::time::DbTime::from(rec.at))
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use write_audit;

/// Writes several [`AuditRecord`]s, in order, in one statement on a
/// transaction (`$tx` is `&mut Transaction`). Nothing when there are none.
macro_rules! write_audits {
    ($tx:expr, $recs:expr) => {{
        let recs: Vec<$crate::audit::AuditRecord> = $recs;
        if !recs.is_empty() {
            let sql = format!(
                "{} {}",
                $crate::audit::AUDIT_INSERT_MANY,
                $crate::value_rows(recs.len(), 8, 1)
            );
            let mut q = sqlx::query(&sql);
            for rec in recs {
                q = q
                    .bind(rec.workspace_id.map(|w| w.0))
                    .bind(rec.actor.user_id().map(|u| u.0))
                    .bind(rec.actor.label())
                    .bind(rec.action.as_str())
                    .bind(rec.target)
                    .bind(rec.before.map(|v| v.to_string()))
                    .bind(rec.after.map(|v| v.to_string()))
                    .bind($crate::time::DbTime::from(rec.at));
            }
            q.execute(&mut *$tx).await?;
        }
    }};
}
pub(crate) use write_audits;

const AUDIT_COLUMNS: &str =
    "id, workspace_id, actor_user_id, actor_label, action, target, before_json, after_json, at";

impl Store {
    /// A workspace's audit log, newest first, `limit` entries older than `before`.
    pub async fn audit_for_workspace(
        &self,
        workspace: WorkspaceId,
        before: Option<AuditId>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE workspace_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
        );
        let rows: Vec<AuditRow> = on_pool!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(workspace.0)
                .bind(before.map_or(i64::MAX, |b| b.0))
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(AuditEntry::try_from).collect()
    }

    /// Instance-level entries (no workspace: users created, demo seeded), newest first.
    pub async fn audit_for_instance(
        &self,
        before: Option<AuditId>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE workspace_id IS NULL AND id < $1 ORDER BY id DESC LIMIT $2"
        );
        let rows: Vec<AuditRow> = on_pool!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(before.map_or(i64::MAX, |b| b.0))
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(AuditEntry::try_from).collect()
    }
}
