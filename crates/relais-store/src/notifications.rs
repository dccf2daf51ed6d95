//! In-app notifications, and who on the team receives them.

use crate::rows::{prefixed, UserRow, USER_COLUMNS};
use crate::time::{now, DbTime};
use crate::{on_pool, Result, Store, StoreError};
use relais_core::entry::{Notification, NotificationKind};
use relais_core::model::User;
use relais_core::policy::role_allows;
use relais_core::{Action, EntryId, NotificationId, Role, UserId, WorkspaceId};

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    user_id: i64,
    workspace_id: i64,
    kind: String,
    entries: String,
    actor_name: String,
    comment: String,
    created_at: DbTime,
    read_at: Option<DbTime>,
}

impl TryFrom<NotificationRow> for Notification {
    type Error = StoreError;
    fn try_from(r: NotificationRow) -> Result<Notification> {
        let corrupt = |detail: String| StoreError::Corrupt {
            table: "notifications",
            detail,
        };
        Ok(Notification {
            id: NotificationId(r.id),
            user_id: UserId(r.user_id),
            workspace_id: WorkspaceId(r.workspace_id),
            kind: NotificationKind::parse(&r.kind)
                .ok_or_else(|| corrupt(format!("unknown kind {:?}", r.kind)))?,
            entries: serde_json::from_str(&r.entries).map_err(|e| corrupt(e.to_string()))?,
            actor_name: r.actor_name,
            comment: r.comment,
            created_at: r.created_at.0,
            read_at: r.read_at.map(|t| t.0),
        })
    }
}

#[derive(sqlx::FromRow)]
struct MemberUserRow {
    #[sqlx(flatten)]
    user: UserRow,
    role: String,
}

impl Store {
    /// Notifies each recipient (one transaction). Not audited: the decision it
    /// reports is.
    pub async fn notify(
        &self,
        ws: WorkspaceId,
        recipients: &[UserId],
        kind: NotificationKind,
        entries: &[EntryId],
        actor_name: &str,
        comment: &str,
    ) -> Result<()> {
        let at = now();
        let entries = serde_json::to_string(entries).map_err(|e| StoreError::Corrupt {
            table: "notifications",
            detail: e.to_string(),
        })?;
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            for user in recipients {
                sqlx::query(
                    "INSERT INTO notifications (user_id, workspace_id, kind, entries, actor_name, comment, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(user.0)
                .bind(ws.0)
                .bind(kind.as_str())
                .bind(&entries)
                .bind(actor_name)
                .bind(comment)
                .bind(DbTime::from(at))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// A person's notifications, newest first.
    pub async fn list_notifications(&self, user: UserId, limit: i64) -> Result<Vec<Notification>> {
        let rows: Vec<NotificationRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, user_id, workspace_id, kind, entries, actor_name, comment, created_at, read_at \
                 FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(user.0)
            .bind(limit.max(0))
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(Notification::try_from).collect()
    }

    /// How many of a person's notifications are unread.
    pub async fn unread_notifications(&self, user: UserId) -> Result<i64> {
        let (n,): (i64,) = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
            )
            .bind(user.0)
            .fetch_one(pool)
            .await?
        });
        Ok(n)
    }

    /// Marks all of a person's notifications read.
    pub async fn mark_notifications_read(&self, user: UserId) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
            )
            .bind(DbTime::from(at))
            .bind(user.0)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The members whose role may edit the calendar ([`Action::EditCalendar`]):
    /// who hears about the client's decisions. By name.
    pub async fn team_members(&self, ws: WorkspaceId) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {}, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.workspace_id = $1 ORDER BY u.display_name, u.id",
            prefixed(USER_COLUMNS, "u")
        );
        let rows: Vec<MemberUserRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .fetch_all(pool)
            .await?);
        Ok(rows
            .into_iter()
            .filter(|r| {
                Role::parse(&r.role).is_some_and(|role| role_allows(role, Action::EditCalendar))
            })
            .map(|r| User::from(r.user))
            .collect())
    }
}
