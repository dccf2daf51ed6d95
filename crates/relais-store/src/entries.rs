//! Calendar entries, their status workflow and their comment threads.
//!
//! The fields the calendar filters on (status, title, axis, date, assignee) are
//! columns; the whole [`EntryContent`] is a JSON document in `doc`; the accounts are
//! also in `entry_accounts` for filtering. Every save names the version it started
//! from and is refused with [`StoreError::Stale`] when the entry changed since
//! (`UPDATE … WHERE version = $expected`): nothing is silently overwritten.

use crate::audit::{write_audit, AuditRecord};
use crate::publishing::{cancel_deliveries, schedule_deliveries};
use crate::time::{now, DbTime};
use crate::{on_pool, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use relais_core::audit::AuditAction;
use relais_core::entry::{Comment, Entry, EntryContent, Status};
use relais_core::model::Actor;
use relais_core::{AccountId, CommentId, EntryId, UserId, WorkspaceId};
use serde_json::json;
use std::collections::HashSet;

/// Which entries [`Store::list_entries`] returns. The default (all `None`/false)
/// is every entry of the workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryFilter {
    /// `starts_at >= from`.
    pub from: Option<DateTime<Utc>>,
    /// `starts_at < to`.
    pub to: Option<DateTime<Utc>>,
    pub account: Option<AccountId>,
    pub axis: Option<String>,
    pub status: Option<Status>,
    pub assignee: Option<UserId>,
    /// Only statuses a client approver sees ([`Status::client_visible`]).
    pub client_visible_only: bool,
    /// Only undated entries (`starts_at` is null).
    pub undated_only: bool,
}

pub(crate) const ENTRY_COLUMNS: &str =
    "id, workspace_id, status, version, title, axis, starts_at, \
     assignee_id, doc, created_by, created_at, updated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct EntryRow {
    id: i64,
    workspace_id: i64,
    status: String,
    version: i64,
    title: String,
    axis: Option<String>,
    starts_at: Option<DbTime>,
    assignee_id: Option<i64>,
    doc: String,
    created_by: Option<i64>,
    created_at: DbTime,
    updated_at: DbTime,
}

fn corrupt(detail: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table: "entries",
        detail: detail.to_string(),
    }
}

pub(crate) fn parse_status(s: &str) -> Result<Status> {
    Status::parse(s).ok_or_else(|| corrupt(format!("unknown status {s:?}")))
}

impl TryFrom<EntryRow> for Entry {
    type Error = StoreError;
    fn try_from(r: EntryRow) -> Result<Entry> {
        let mut content: EntryContent = serde_json::from_str(&r.doc).map_err(corrupt)?;
        // The columns are authoritative (an assignee's account may have been deleted).
        content.title = r.title;
        content.axis = r.axis;
        content.starts_at = r.starts_at.map(|t| t.0);
        content.assignee = r.assignee_id.map(UserId);
        Ok(Entry {
            id: EntryId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            status: parse_status(&r.status)?,
            version: r.version,
            content,
            created_by: r.created_by.map(UserId),
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        })
    }
}

/// The content as stored: accounts without duplicates, an empty axis as none,
/// the date at the database's precision.
fn normalized(content: &EntryContent) -> EntryContent {
    let mut c = content.clone();
    let mut seen = HashSet::new();
    c.accounts.retain(|a| seen.insert(*a));
    c.axis = c
        .axis
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty());
    c.starts_at = c.starts_at.map(|t| DbTime::from(t).0);
    c
}

fn doc_of(content: &EntryContent) -> Result<String> {
    serde_json::to_string(content).map_err(corrupt)
}

/// The top-level fields that differ between two contents (for the audit log).
fn changed_fields(before: &EntryContent, after: &EntryContent) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    b.iter()
        .filter(|(k, v)| a.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect()
}

/// What may be referenced from a workspace's entries: its accounts and members.
pub(crate) struct WorkspaceRefs {
    accounts: HashSet<i64>,
    members: HashSet<i64>,
}

impl WorkspaceRefs {
    /// `NotFound` when the content names an account or an assignee outside the
    /// workspace.
    fn check(&self, content: &EntryContent) -> Result<()> {
        if content
            .accounts
            .iter()
            .any(|a| !self.accounts.contains(&a.0))
        {
            return Err(StoreError::NotFound);
        }
        if content
            .assignee
            .is_some_and(|u| !self.members.contains(&u.0))
        {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

/// Loads the [`WorkspaceRefs`] of `$ws` on a transaction.
macro_rules! workspace_refs {
    ($tx:expr, $ws:expr) => {{
        let accounts: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM accounts WHERE workspace_id = $1")
                .bind($ws.0)
                .fetch_all(&mut *$tx)
                .await?;
        let members: Vec<(i64,)> =
            sqlx::query_as("SELECT user_id FROM memberships WHERE workspace_id = $1")
                .bind($ws.0)
                .fetch_all(&mut *$tx)
                .await?;
        $crate::entries::WorkspaceRefs {
            accounts: accounts.into_iter().map(|a| a.0).collect(),
            members: members.into_iter().map(|m| m.0).collect(),
        }
    }};
}

/// How many (entry, account) pairs go into one multi-row insert.
const PAIRS_PER_INSERT: usize = 400;

fn pairs_insert_sql(n: usize) -> String {
    let values: Vec<String> = (0..n)
        .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
        .collect();
    format!(
        "INSERT INTO entry_accounts (entry_id, account_id) VALUES {}",
        values.join(", ")
    )
}

/// Inserts `(entry_id, account_id)` pairs, several per statement.
macro_rules! insert_entry_accounts {
    ($tx:expr, $pairs:expr) => {{
        let pairs: &[(i64, i64)] = $pairs;
        for chunk in pairs.chunks(PAIRS_PER_INSERT) {
            let sql = pairs_insert_sql(chunk.len());
            let mut q = sqlx::query(&sql);
            for (e, a) in chunk {
                q = q.bind(*e).bind(*a);
            }
            q.execute(&mut *$tx).await?;
        }
    }};
}

/// Replaces an entry's rows in `entry_accounts`.
macro_rules! set_entry_accounts {
    ($tx:expr, $entry:expr, $accounts:expr) => {{
        let entry: i64 = $entry;
        sqlx::query("DELETE FROM entry_accounts WHERE entry_id = $1")
            .bind(entry)
            .execute(&mut *$tx)
            .await?;
        let pairs: Vec<(i64, i64)> = $accounts.iter().map(|a: &AccountId| (entry, a.0)).collect();
        insert_entry_accounts!($tx, &pairs);
    }};
}

/// The state of an entry read at the start of a change: `(status, version, doc)`,
/// or `NotFound` when it is not in the workspace.
macro_rules! entry_state {
    ($tx:expr, $ws:expr, $id:expr) => {{
        let found: Option<(String, i64, String)> = sqlx::query_as(
            "SELECT status, version, doc FROM entries WHERE id = $1 AND workspace_id = $2",
        )
        .bind($id.0)
        .bind($ws.0)
        .fetch_optional(&mut *$tx)
        .await?;
        let (status, version, doc) = found.ok_or(StoreError::NotFound)?;
        let content: EntryContent = serde_json::from_str(&doc).map_err(corrupt)?;
        (parse_status(&status)?, version, content)
    }};
}

/// Writes new content for an entry whose version was `$version`; `Stale` if it
/// changed meanwhile. Evaluates to the stored [`EntryRow`].
macro_rules! write_content {
    ($tx:expr, $ws:expr, $id:expr, $version:expr, $content:expr, $at:expr) => {{
        let content: &EntryContent = $content;
        let sql = format!(
            "UPDATE entries SET title = $4, axis = $5, starts_at = $6, assignee_id = $7, doc = $8, \
             version = version + 1, updated_at = $9 \
             WHERE id = $1 AND workspace_id = $2 AND version = $3 RETURNING {ENTRY_COLUMNS}"
        );
        let row: Option<EntryRow> = sqlx::query_as(&sql)
            .bind($id.0)
            .bind($ws.0)
            .bind($version)
            .bind(&content.title)
            .bind(content.axis.as_deref())
            .bind(content.starts_at.map(DbTime::from))
            .bind(content.assignee.map(|u| u.0))
            .bind(doc_of(content)?)
            .bind(DbTime::from($at))
            .fetch_optional(&mut *$tx)
            .await?;
        row.ok_or(StoreError::Stale)?
    }};
}

/// Moves one entry to `$to` inside a transaction, with its audit entry and the
/// comment (when not empty). Evaluates to the stored [`EntryRow`].
macro_rules! change_status {
    ($tx:expr, $actor:expr, $ws:expr, $id:expr, $expected:expr, $to:expr, $comment:expr, $at:expr) => {{
        let (from, version, content) = entry_state!($tx, $ws, $id);
        let expected: Option<i64> = $expected;
        if expected.is_some_and(|v| v != version) {
            return Err(StoreError::Stale);
        }
        let to: Status = $to;
        if from.transition(to).is_none() {
            return Err(StoreError::BadTransition { from, to });
        }
        let sql = format!(
            "UPDATE entries SET status = $4, version = version + 1, updated_at = $5 \
             WHERE id = $1 AND workspace_id = $2 AND version = $3 RETURNING {ENTRY_COLUMNS}"
        );
        let row: Option<EntryRow> = sqlx::query_as(&sql)
            .bind($id.0)
            .bind($ws.0)
            .bind(version)
            .bind(to.as_str())
            .bind(DbTime::from($at))
            .fetch_optional(&mut *$tx)
            .await?;
        let row = row.ok_or(StoreError::Stale)?;
        // Leaving "scheduled" stops its pending deliveries (refused whole if one
        // is being sent); entering it writes the deliveries of a new round.
        if from == Status::Scheduled {
            cancel_deliveries!($tx, $id, $at);
        }
        if to == Status::Scheduled {
            schedule_deliveries!($tx, $ws, $id, &content, $at);
        }
        let comment: &str = $comment;
        let comment = comment.trim();
        if !comment.is_empty() {
            sqlx::query(
                "INSERT INTO entry_comments (entry_id, author_id, body, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind($id.0)
            .bind($actor.user_id().map(|u| u.0))
            .bind(comment)
            .bind(DbTime::from($at))
            .execute(&mut *$tx)
            .await?;
        }
        let mut after = json!({"status": to});
        if !comment.is_empty() {
            after["comment"] = json!(comment);
        }
        write_audit!(
            $tx,
            AuditRecord {
                workspace_id: Some($ws),
                actor: $actor.clone(),
                action: AuditAction::EntryStatusChanged,
                target: content.title.clone(),
                before: Some(json!({"status": from})),
                after: Some(after),
                at: $at,
            }
        );
        row
    }};
}

/// A bind value of a query built at run time.
enum Arg {
    Int(i64),
    Text(String),
    Time(DbTime),
}

/// The `WHERE` clause and its arguments for a filter (`$1` is the workspace).
fn filter_sql(ws: WorkspaceId, f: &EntryFilter) -> (String, Vec<Arg>) {
    let mut sql = String::from("workspace_id = $1");
    let mut args = vec![Arg::Int(ws.0)];
    let mut push = |cond: &str, arg: Arg, sql: &mut String| {
        args.push(arg);
        sql.push_str(&cond.replace("$?", &format!("${}", args.len())));
    };
    if let Some(from) = f.from {
        push(
            " AND starts_at >= $?",
            Arg::Time(DbTime::from(from)),
            &mut sql,
        );
    }
    if let Some(to) = f.to {
        push(" AND starts_at < $?", Arg::Time(DbTime::from(to)), &mut sql);
    }
    if let Some(account) = f.account {
        push(
            " AND EXISTS (SELECT 1 FROM entry_accounts ea WHERE ea.entry_id = entries.id AND ea.account_id = $?)",
            Arg::Int(account.0),
            &mut sql,
        );
    }
    if let Some(axis) = &f.axis {
        push(" AND axis = $?", Arg::Text(axis.clone()), &mut sql);
    }
    if let Some(status) = f.status {
        push(
            " AND status = $?",
            Arg::Text(status.as_str().into()),
            &mut sql,
        );
    }
    if let Some(assignee) = f.assignee {
        push(" AND assignee_id = $?", Arg::Int(assignee.0), &mut sql);
    }
    if f.client_visible_only {
        let visible: Vec<String> = Status::ALL
            .into_iter()
            .filter(|s| s.client_visible())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        sql.push_str(&format!(" AND status IN ({})", visible.join(", ")));
    }
    if f.undated_only {
        sql.push_str(" AND starts_at IS NULL");
    }
    (sql, args)
}

impl Store {
    /// Creates an entry. Every account and the assignee must belong to the
    /// workspace (`NotFound` otherwise, nothing written).
    pub async fn create_entry(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        status: Status,
        content: &EntryContent,
    ) -> Result<Entry> {
        let at = now();
        let content = normalized(content);
        let doc = doc_of(&content)?;
        let sql = format!(
            "INSERT INTO entries (workspace_id, status, version, title, axis, starts_at, assignee_id, doc, created_by, created_at, updated_at) \
             VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING {ENTRY_COLUMNS}"
        );
        let row: EntryRow = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let refs = workspace_refs!(tx, ws);
            refs.check(&content)?;
            let row: EntryRow = sqlx::query_as(&sql)
                .bind(ws.0)
                .bind(status.as_str())
                .bind(&content.title)
                .bind(content.axis.as_deref())
                .bind(content.starts_at.map(DbTime::from))
                .bind(content.assignee.map(|u| u.0))
                .bind(&doc)
                .bind(actor.user_id().map(|u| u.0))
                .bind(DbTime::from(at))
                .fetch_one(&mut *tx)
                .await?;
            set_entry_accounts!(tx, row.id, content.accounts);
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::EntryCreated,
                    target: content.title.clone(),
                    before: None,
                    after: Some(
                        json!({"id": row.id, "status": status, "starts_at": content.starts_at})
                    ),
                    at,
                }
            );
            tx.commit().await?;
            row
        });
        Entry::try_from(row)
    }

    /// One entry of the workspace.
    pub async fn get_entry(&self, ws: WorkspaceId, id: EntryId) -> Result<Option<Entry>> {
        let sql =
            format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE id = $1 AND workspace_id = $2");
        let row: Option<EntryRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id.0)
            .bind(ws.0)
            .fetch_optional(pool)
            .await?);
        row.map(Entry::try_from).transpose()
    }

    /// Replaces an entry's content. `Stale` when its version is no longer
    /// `expected_version`; `NotEditable` when its status forbids edits
    /// ([`Status::is_editable`]); `NotFound` for an entry, account or assignee
    /// outside the workspace. The status is not changed here.
    pub async fn update_entry(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        id: EntryId,
        expected_version: i64,
        content: &EntryContent,
    ) -> Result<Entry> {
        let at = now();
        let content = normalized(content);
        let row: EntryRow = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let (status, version, before) = entry_state!(tx, ws, id);
            if version != expected_version {
                return Err(StoreError::Stale);
            }
            if !status.is_editable() {
                return Err(StoreError::NotEditable);
            }
            let refs = workspace_refs!(tx, ws);
            refs.check(&content)?;
            let row = write_content!(tx, ws, id, expected_version, &content, at);
            set_entry_accounts!(tx, id.0, content.accounts);
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::EntryUpdated,
                    target: content.title.clone(),
                    before: Some(json!({"version": version})),
                    after: Some(
                        json!({"version": version + 1, "changed": changed_fields(&before, &content)})
                    ),
                    at,
                }
            );
            tx.commit().await?;
            row
        });
        Entry::try_from(row)
    }

    /// Moves an entry to another date (same rules as [`Store::update_entry`]: a
    /// submitted, approved or scheduled entry goes back to draft first).
    pub async fn move_entry(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        id: EntryId,
        expected_version: i64,
        starts_at: DateTime<Utc>,
        timezone: &str,
    ) -> Result<Entry> {
        let at = now();
        let starts_at = DbTime::from(starts_at).0;
        let row: EntryRow = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let (status, version, before) = entry_state!(tx, ws, id);
            if version != expected_version {
                return Err(StoreError::Stale);
            }
            if !status.is_editable() {
                return Err(StoreError::NotEditable);
            }
            let mut content = before.clone();
            content.starts_at = Some(starts_at);
            content.timezone = timezone.to_string();
            let row = write_content!(tx, ws, id, expected_version, &content, at);
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::EntryMoved,
                    target: content.title.clone(),
                    before: Some(
                        json!({"starts_at": before.starts_at, "timezone": before.timezone})
                    ),
                    after: Some(json!({"starts_at": starts_at, "timezone": timezone})),
                    at,
                }
            );
            tx.commit().await?;
            row
        });
        Entry::try_from(row)
    }

    /// Changes an entry's status along the workflow (`BadTransition` otherwise;
    /// who may decide is the caller's check). With `expected_version`, `Stale`
    /// when the entry changed since. A non-empty comment also goes into the
    /// entry's thread. Audited with from/to.
    pub async fn set_entry_status(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        id: EntryId,
        expected_version: Option<i64>,
        to: Status,
        comment: &str,
    ) -> Result<Entry> {
        let at = now();
        let row: EntryRow = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let row = change_status!(tx, actor, ws, id, expected_version, to, comment, at);
            tx.commit().await?;
            row
        });
        Entry::try_from(row)
    }

    /// Changes the status of several entries (a week's approval) in one
    /// transaction: all of them change, or none does (the first refusal is
    /// returned). The comment goes into each entry's thread.
    pub async fn set_entries_status(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        ids: &[EntryId],
        to: Status,
        comment: &str,
    ) -> Result<Vec<Entry>> {
        let at = now();
        let mut seen = HashSet::new();
        let ids: Vec<EntryId> = ids.iter().copied().filter(|i| seen.insert(*i)).collect();
        let rows: Vec<EntryRow> = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let mut rows = Vec::with_capacity(ids.len());
            for id in &ids {
                rows.push(change_status!(tx, actor, ws, *id, None, to, comment, at));
            }
            tx.commit().await?;
            rows
        });
        rows.into_iter().map(Entry::try_from).collect()
    }

    /// Deletes an entry (with its comments). `Stale` when it changed since
    /// `expected_version`.
    pub async fn delete_entry(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        id: EntryId,
        expected_version: i64,
    ) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let (status, version, content) = entry_state!(tx, ws, id);
            if version != expected_version {
                return Err(StoreError::Stale);
            }
            // A delivery being sent right now cannot be stopped: refuse.
            cancel_deliveries!(tx, id, at);
            let done = sqlx::query(
                "DELETE FROM entries WHERE id = $1 AND workspace_id = $2 AND version = $3",
            )
            .bind(id.0)
            .bind(ws.0)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Stale);
            }
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::EntryDeleted,
                    target: content.title.clone(),
                    before: Some(
                        json!({"id": id, "status": status, "starts_at": content.starts_at})
                    ),
                    after: None,
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// The workspace's entries matching `filter`, by date (undated last), then id.
    /// One indexed range query (`entries (workspace_id, starts_at, id)`).
    pub async fn list_entries(&self, ws: WorkspaceId, filter: &EntryFilter) -> Result<Vec<Entry>> {
        let (cond, args) = filter_sql(ws, filter);
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE {cond} ORDER BY starts_at NULLS LAST, id"
        );
        let rows: Vec<EntryRow> = on_pool!(self, |pool| {
            let mut q = sqlx::query_as(&sql);
            for arg in &args {
                q = match arg {
                    Arg::Int(v) => q.bind(*v),
                    Arg::Text(v) => q.bind(v.as_str()),
                    Arg::Time(v) => q.bind(*v),
                };
            }
            q.fetch_all(pool).await?
        });
        rows.into_iter().map(Entry::try_from).collect()
    }

    /// Imports entries in one transaction with one audit entry (their count):
    /// all of them, or none when any row names an account or assignee outside
    /// the workspace. Returns the new ids in the order of `rows`.
    pub async fn import_entries(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        rows: &[(Status, EntryContent)],
    ) -> Result<Vec<EntryId>> {
        let at = now();
        let mut prepared = Vec::with_capacity(rows.len());
        for (status, content) in rows {
            let content = normalized(content);
            let doc = doc_of(&content)?;
            prepared.push((*status, content, doc));
        }
        let sql = "INSERT INTO entries (workspace_id, status, version, title, axis, starts_at, assignee_id, doc, created_by, created_at, updated_at) \
             VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id";
        let ids: Vec<i64> = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let refs = workspace_refs!(tx, ws);
            for (_, content, _) in &prepared {
                refs.check(content)?;
            }
            let mut ids = Vec::with_capacity(prepared.len());
            let mut pairs = Vec::new();
            // One statement, prepared once on this connection and reused per row.
            for (status, content, doc) in &prepared {
                let (id,): (i64,) = sqlx::query_as(sql)
                    .bind(ws.0)
                    .bind(status.as_str())
                    .bind(&content.title)
                    .bind(content.axis.as_deref())
                    .bind(content.starts_at.map(DbTime::from))
                    .bind(content.assignee.map(|u| u.0))
                    .bind(doc)
                    .bind(actor.user_id().map(|u| u.0))
                    .bind(DbTime::from(at))
                    .fetch_one(&mut *tx)
                    .await?;
                pairs.extend(content.accounts.iter().map(|a| (id, a.0)));
                ids.push(id);
            }
            insert_entry_accounts!(tx, &pairs);
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::EntriesImported,
                    target: format!("{} entries", ids.len()),
                    before: None,
                    after: Some(json!({"count": ids.len()})),
                    at,
                }
            );
            tx.commit().await?;
            ids
        });
        Ok(ids.into_iter().map(EntryId).collect())
    }

    // ---- comments ----

    /// Adds a comment to an entry's thread (`NotFound` if the entry is not in `ws`).
    pub async fn add_comment(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        entry: EntryId,
        body: &str,
    ) -> Result<Comment> {
        let at = now();
        let (id, author_name): (i64, String) = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let title: Option<(String,)> =
                sqlx::query_as("SELECT title FROM entries WHERE id = $1 AND workspace_id = $2")
                    .bind(entry.0)
                    .bind(ws.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (title,) = title.ok_or(StoreError::NotFound)?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO entry_comments (entry_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(entry.0)
            .bind(actor.user_id().map(|u| u.0))
            .bind(body)
            .bind(DbTime::from(at))
            .fetch_one(&mut *tx)
            .await?;
            let name: Option<(String,)> = match actor.user_id() {
                Some(user) => {
                    sqlx::query_as("SELECT display_name FROM users WHERE id = $1")
                        .bind(user.0)
                        .fetch_optional(&mut *tx)
                        .await?
                }
                None => None,
            };
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::CommentAdded,
                    target: title,
                    before: None,
                    after: Some(json!({"entry_id": entry, "comment_id": id})),
                    at,
                }
            );
            tx.commit().await?;
            (id, name.map(|n| n.0).unwrap_or_default())
        });
        Ok(Comment {
            id: CommentId(id),
            entry_id: entry,
            author_id: actor.user_id(),
            author_name,
            body: body.to_string(),
            created_at: at,
        })
    }

    /// An entry's comments, oldest first (`NotFound` if the entry is not in `ws`).
    pub async fn list_comments(&self, ws: WorkspaceId, entry: EntryId) -> Result<Vec<Comment>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            entry_id: i64,
            author_id: Option<i64>,
            author_name: String,
            body: String,
            created_at: DbTime,
        }
        let rows: Option<Vec<Row>> = on_pool!(self, |pool| {
            let found: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM entries WHERE id = $1 AND workspace_id = $2")
                    .bind(entry.0)
                    .bind(ws.0)
                    .fetch_optional(pool)
                    .await?;
            match found {
                None => None,
                Some(_) => Some(
                    sqlx::query_as(
                        "SELECT c.id, c.entry_id, c.author_id, COALESCE(u.display_name, '') AS author_name, \
                         c.body, c.created_at FROM entry_comments c LEFT JOIN users u ON u.id = c.author_id \
                         WHERE c.entry_id = $1 ORDER BY c.id",
                    )
                    .bind(entry.0)
                    .fetch_all(pool)
                    .await?,
                ),
            }
        });
        let rows = rows.ok_or(StoreError::NotFound)?;
        Ok(rows
            .into_iter()
            .map(|r| Comment {
                id: CommentId(r.id),
                entry_id: EntryId(r.entry_id),
                author_id: r.author_id.map(UserId),
                author_name: r.author_name,
                body: r.body,
                created_at: r.created_at.0,
            })
            .collect())
    }
}
