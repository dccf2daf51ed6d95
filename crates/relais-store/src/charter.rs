//! A workspace's network accounts and its versioned editorial charter.

use crate::audit::{write_audit, AuditRecord};
use crate::time::{now, DbTime};
use crate::{conflict_on, on_pool, Result, Store, StoreError};
use relais_core::audit::AuditAction;
use relais_core::charter::{Charter, CharterVersion};
use relais_core::entry::{Account, EntryContent};
use relais_core::model::Actor;
use relais_core::{AccountId, CharterVersionId, Network, UserId, WorkspaceId};
use serde_json::json;

pub(crate) const ACCOUNT_COLUMNS: &str = "id, workspace_id, network, handle, label";

#[derive(sqlx::FromRow)]
pub(crate) struct AccountRow {
    id: i64,
    workspace_id: i64,
    network: String,
    handle: String,
    label: String,
}

impl TryFrom<AccountRow> for Account {
    type Error = StoreError;
    fn try_from(r: AccountRow) -> Result<Account> {
        Ok(Account {
            id: AccountId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            network: Network::parse(&r.network).ok_or_else(|| StoreError::Corrupt {
                table: "accounts",
                detail: format!("unknown network {:?}", r.network),
            })?,
            handle: r.handle,
            label: r.label,
        })
    }
}

const CHARTER_SELECT: &str = "SELECT c.id, c.workspace_id, c.version, c.doc, c.note, c.author_id, \
     COALESCE(u.display_name, '') AS author_name, c.created_at \
     FROM charter_versions c LEFT JOIN users u ON u.id = c.author_id";

#[derive(sqlx::FromRow)]
struct CharterRow {
    id: i64,
    workspace_id: i64,
    version: i64,
    doc: String,
    note: String,
    author_id: Option<i64>,
    author_name: String,
    created_at: DbTime,
}

impl TryFrom<CharterRow> for CharterVersion {
    type Error = StoreError;
    fn try_from(r: CharterRow) -> Result<CharterVersion> {
        Ok(CharterVersion {
            id: CharterVersionId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            version: r.version,
            charter: serde_json::from_str(&r.doc).map_err(|e| StoreError::Corrupt {
                table: "charter_versions",
                detail: e.to_string(),
            })?,
            note: r.note,
            author_id: r.author_id.map(UserId),
            author_name: r.author_name,
            created_at: r.created_at.0,
        })
    }
}

impl Store {
    // ---- accounts ----

    /// Adds an account of the workspace on a network. `Conflict("handle")` when
    /// the workspace already has this handle on this network.
    pub async fn create_account(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        network: Network,
        handle: &str,
        label: &str,
    ) -> Result<Account> {
        let at = now();
        let sql = format!(
            "INSERT INTO accounts (workspace_id, network, handle, label, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {ACCOUNT_COLUMNS}"
        );
        let row: AccountRow = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let row: AccountRow = sqlx::query_as(&sql)
                .bind(ws.0)
                .bind(network.as_str())
                .bind(handle)
                .bind(label)
                .bind(DbTime::from(at))
                .fetch_one(&mut *tx)
                .await
                .map_err(conflict_on("handle"))?;
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::AccountCreated,
                    target: format!("{} {handle}", network.as_str()),
                    before: None,
                    after: Some(json!({"network": network, "handle": handle, "label": label})),
                    at,
                }
            );
            tx.commit().await?;
            row
        });
        Account::try_from(row)
    }

    /// The workspace's accounts, by network then label.
    pub async fn list_accounts(&self, ws: WorkspaceId) -> Result<Vec<Account>> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE workspace_id = $1 ORDER BY network, label, id"
        );
        let rows: Vec<AccountRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(Account::try_from).collect()
    }

    /// Deletes an account (`NotFound` if it is not in `ws`). The entries that
    /// named it lose it from their account list (their version goes up), in the
    /// same transaction.
    pub async fn delete_account(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        id: AccountId,
    ) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let found: Option<(String, String, String)> = sqlx::query_as(
                "SELECT network, handle, label FROM accounts WHERE id = $1 AND workspace_id = $2",
            )
            .bind(id.0)
            .bind(ws.0)
            .fetch_optional(&mut *tx)
            .await?;
            let (network, handle, label) = found.ok_or(StoreError::NotFound)?;
            let using: Vec<(i64, String)> = sqlx::query_as(
                "SELECT e.id, e.doc FROM entries e JOIN entry_accounts ea ON ea.entry_id = e.id \
                 WHERE ea.account_id = $1",
            )
            .bind(id.0)
            .fetch_all(&mut *tx)
            .await?;
            for (entry_id, doc) in &using {
                let mut content: EntryContent =
                    serde_json::from_str(doc).map_err(|e| StoreError::Corrupt {
                        table: "entries",
                        detail: e.to_string(),
                    })?;
                content.accounts.retain(|a| *a != id);
                let doc = serde_json::to_string(&content).map_err(|e| StoreError::Corrupt {
                    table: "entries",
                    detail: e.to_string(),
                })?;
                sqlx::query(
                    "UPDATE entries SET doc = $1, version = version + 1, updated_at = $2 WHERE id = $3",
                )
                .bind(doc)
                .bind(DbTime::from(at))
                .bind(*entry_id)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("DELETE FROM accounts WHERE id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::AccountDeleted,
                    target: format!("{network} {handle}"),
                    before: Some(json!({"network": network, "handle": handle, "label": label})),
                    after: Some(json!({"entries_updated": using.len()})),
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    // ---- charter ----

    /// The newest version of the workspace's charter, if it has one.
    pub async fn current_charter(&self, ws: WorkspaceId) -> Result<Option<CharterVersion>> {
        let sql =
            format!("{CHARTER_SELECT} WHERE c.workspace_id = $1 ORDER BY c.version DESC LIMIT 1");
        let row: Option<CharterRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .fetch_optional(pool)
            .await?);
        row.map(CharterVersion::try_from).transpose()
    }

    /// Saves a new version of the charter. `expected_version` is the version the
    /// author started from (`None`: there was no charter yet); if another save
    /// came first, `StoreError::Stale` and nothing is written.
    pub async fn save_charter(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        charter: &Charter,
        note: &str,
        expected_version: Option<i64>,
    ) -> Result<CharterVersion> {
        let at = now();
        let doc = serde_json::to_string(charter).map_err(|e| StoreError::Corrupt {
            table: "charter_versions",
            detail: e.to_string(),
        })?;
        let id: i64 = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let (current,): (Option<i64>,) =
                sqlx::query_as("SELECT MAX(version) FROM charter_versions WHERE workspace_id = $1")
                    .bind(ws.0)
                    .fetch_one(&mut *tx)
                    .await?;
            if current != expected_version {
                return Err(StoreError::Stale);
            }
            let version = current.unwrap_or(0) + 1;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO charter_versions (workspace_id, version, doc, note, author_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(ws.0)
            .bind(version)
            .bind(&doc)
            .bind(note)
            .bind(actor.user_id().map(|u| u.0))
            .bind(DbTime::from(at))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match &e {
                // A concurrent save took this version number first.
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Stale,
                _ => StoreError::Db(e),
            })?;
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::CharterSaved,
                    target: format!("v{version}"),
                    before: current.map(|v| json!({"version": v})),
                    after: Some(json!({
                        "version": version,
                        "note": note,
                        "axes": charter.axes.len(),
                        "networks": charter.networks.iter().map(|p| p.network).collect::<Vec<_>>(),
                    })),
                    at,
                }
            );
            tx.commit().await?;
            id
        });
        let sql = format!("{CHARTER_SELECT} WHERE c.id = $1");
        let row: CharterRow = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_one(pool)
            .await?);
        CharterVersion::try_from(row)
    }

    /// Every saved version of the charter, newest first.
    pub async fn charter_history(&self, ws: WorkspaceId) -> Result<Vec<CharterVersion>> {
        let sql = format!("{CHARTER_SELECT} WHERE c.workspace_id = $1 ORDER BY c.version DESC");
        let rows: Vec<CharterRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(CharterVersion::try_from).collect()
    }

    /// One saved version of the charter.
    pub async fn charter_version(
        &self,
        ws: WorkspaceId,
        version: i64,
    ) -> Result<Option<CharterVersion>> {
        let sql = format!("{CHARTER_SELECT} WHERE c.workspace_id = $1 AND c.version = $2");
        let row: Option<CharterRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .bind(version)
            .fetch_optional(pool)
            .await?);
        row.map(CharterVersion::try_from).transpose()
    }
}
