//! Workspaces (client brands), their members and invitations.

use crate::audit::{write_audit, AuditRecord};
use crate::rows::{
    prefixed, InvitationRow, MemberRow, UserRow, WorkspaceRoleRow, WorkspaceRow, USER_COLUMNS,
    WORKSPACE_COLUMNS,
};
use crate::time::{now, DbTime};
use crate::{conflict_on, on_pool, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use relais_core::audit::AuditAction;
use relais_core::model::{Actor, Invitation, Member, User, Workspace, WorkspaceWithRole};
use relais_core::policy::check_membership_change;
use relais_core::{Role, UserId, WorkspaceId};
use serde_json::json;

impl Store {
    /// Creates a workspace. `owner`, if given, becomes its first owner in the same
    /// transaction.
    pub async fn create_workspace(
        &self,
        actor: &Actor,
        slug: &str,
        name: &str,
        owner: Option<UserId>,
        is_demo: bool,
    ) -> Result<Workspace> {
        let at = now();
        let sql = format!(
            "INSERT INTO workspaces (slug, name, is_demo, created_at) VALUES ($1, $2, $3, $4) RETURNING {WORKSPACE_COLUMNS}"
        );
        let ws: Workspace = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let row: WorkspaceRow = sqlx::query_as(&sql)
                .bind(slug)
                .bind(name)
                .bind(is_demo)
                .bind(DbTime::from(at))
                .fetch_one(&mut *tx)
                .await
                .map_err(conflict_on("slug"))?;
            let ws = Workspace::from(row);
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws.id),
                    actor: actor.clone(),
                    action: AuditAction::WorkspaceCreated,
                    target: ws.slug.clone(),
                    before: None,
                    after: Some(json!({"slug": ws.slug, "name": ws.name})),
                    at,
                }
            );
            if let Some(owner) = owner {
                let (email,): (String,) = sqlx::query_as("SELECT email FROM users WHERE id = $1")
                    .bind(owner.0)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                sqlx::query("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(ws.id.0)
                    .bind(owner.0)
                    .bind(Role::Owner.as_str())
                    .bind(DbTime::from(at))
                    .execute(&mut *tx)
                    .await?;
                write_audit!(
                    tx,
                    AuditRecord {
                        workspace_id: Some(ws.id),
                        actor: actor.clone(),
                        action: AuditAction::MemberAdded,
                        target: email,
                        before: None,
                        after: Some(json!({"role": Role::Owner})),
                        at,
                    }
                );
            }
            tx.commit().await?;
            ws
        });
        Ok(ws)
    }

    pub async fn workspace_by_slug(&self, slug: &str) -> Result<Option<Workspace>> {
        let sql = format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE slug = $1");
        let row: Option<WorkspaceRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(slug)
            .fetch_optional(pool)
            .await?);
        Ok(row.map(Workspace::from))
    }

    /// The workspace named by `slug` as `user` sees it: with their role, or `None`
    /// when it does not exist or they are not a member. Instance administrators
    /// act as owners everywhere, whatever their membership says.
    pub async fn workspace_for_user(
        &self,
        slug: &str,
        user: &User,
    ) -> Result<Option<WorkspaceWithRole>> {
        let sql = format!(
            "SELECT {}, m.role FROM workspaces w \
             LEFT JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $2 \
             WHERE w.slug = $1",
            prefixed(WORKSPACE_COLUMNS, "w")
        );
        let row: Option<WorkspaceRoleRow> = on_pool!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(slug)
                .bind(user.id.0)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.and_then(|r| with_role(r, user.is_admin)))
    }

    /// The workspaces `user` belongs to (all of them for an administrator), by name.
    pub async fn workspaces_for_user(&self, user: &User) -> Result<Vec<WorkspaceWithRole>> {
        let sql = format!(
            "SELECT {}, m.role FROM workspaces w \
             LEFT JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1 \
             WHERE m.user_id IS NOT NULL OR $2 \
             ORDER BY w.name, w.id",
            prefixed(WORKSPACE_COLUMNS, "w")
        );
        let rows: Vec<WorkspaceRoleRow> = on_pool!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(user.id.0)
                .bind(user.is_admin)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|r| with_role(r, user.is_admin))
            .collect())
    }

    /// Every workspace, by name.
    pub async fn list_workspaces(&self) -> Result<Vec<Workspace>> {
        let sql = format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces ORDER BY name, id");
        let rows: Vec<WorkspaceRow> =
            on_pool!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await?);
        Ok(rows.into_iter().map(Workspace::from).collect())
    }

    /// A workspace's members, by name.
    pub async fn members(&self, workspace: WorkspaceId) -> Result<Vec<Member>> {
        let rows: Vec<MemberRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT u.id AS user_id, u.email, u.display_name, m.role, m.created_at \
                 FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.workspace_id = $1 ORDER BY u.display_name, u.id",
            )
            .bind(workspace.0)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(Member::try_from).collect()
    }

    /// Adds, changes or removes a membership, enforcing inside the transaction
    /// that the person is (for `Change` and `Remove`) or is not yet (for `Add`) a
    /// member, and the membership rules (owner-only changes, last owner).
    /// `actor_role` is the role the actor holds in this workspace.
    pub async fn set_membership(
        &self,
        actor: &Actor,
        actor_role: Role,
        workspace: WorkspaceId,
        user: UserId,
        change: MembershipChange,
    ) -> Result<()> {
        let new = match change {
            MembershipChange::Add(role) | MembershipChange::Change(role) => Some(role),
            MembershipChange::Remove => None,
        };
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let target: Option<(String, Option<String>)> = sqlx::query_as(
                "SELECT u.email, m.role FROM users u \
                 LEFT JOIN memberships m ON m.user_id = u.id AND m.workspace_id = $1 WHERE u.id = $2",
            )
            .bind(workspace.0)
            .bind(user.0)
            .fetch_optional(&mut *tx)
            .await?;
            let (email, current) = target.ok_or(StoreError::NotFound)?;
            let current = current.as_deref().and_then(Role::parse);
            match (change, current) {
                (MembershipChange::Add(_), Some(_)) => {
                    return Err(StoreError::Conflict("membership"))
                }
                (MembershipChange::Change(_) | MembershipChange::Remove, None) => {
                    return Err(StoreError::NotFound)
                }
                _ => {}
            }
            if current == new {
                return Ok(());
            }
            let (owners,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND role = 'owner'",
            )
            .bind(workspace.0)
            .fetch_one(&mut *tx)
            .await?;
            check_membership_change(
                actor_role,
                current,
                new,
                usize::try_from(owners).unwrap_or(0),
            )?;
            let action = match (current, new) {
                (None, Some(role)) => {
                    sqlx::query("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(workspace.0)
                        .bind(user.0)
                        .bind(role.as_str())
                        .bind(DbTime::from(at))
                        .execute(&mut *tx)
                        .await?;
                    AuditAction::MemberAdded
                }
                (Some(_), Some(role)) => {
                    sqlx::query(
                        "UPDATE memberships SET role = $1 WHERE workspace_id = $2 AND user_id = $3",
                    )
                    .bind(role.as_str())
                    .bind(workspace.0)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
                    AuditAction::MemberRoleChanged
                }
                _ => {
                    sqlx::query("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2")
                        .bind(workspace.0)
                        .bind(user.0)
                        .execute(&mut *tx)
                        .await?;
                    AuditAction::MemberRemoved
                }
            };
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(workspace),
                    actor: actor.clone(),
                    action,
                    target: email,
                    before: current.map(|r| json!({"role": r})),
                    after: new.map(|r| json!({"role": r})),
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    // ---- invitations ----

    /// Records an invitation for `email` (not yet a user) to join with `role`.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_invitation(
        &self,
        actor: &Actor,
        actor_role: Role,
        workspace: WorkspaceId,
        email: &str,
        role: Role,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<Invitation> {
        check_membership_change(actor_role, None, Some(role), 1)?;
        let at = now();
        let inv: Invitation = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let row: InvitationRow = sqlx::query_as(
                "INSERT INTO invitations (workspace_id, email, role, token_hash, invited_by, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, workspace_id, email, role, expires_at",
            )
            .bind(workspace.0)
            .bind(email)
            .bind(role.as_str())
            .bind(token_hash)
            .bind(actor.user_id().map(|u| u.0))
            .bind(DbTime::from(at))
            .bind(DbTime::from(expires_at))
            .fetch_one(&mut *tx)
            .await?;
            let inv = Invitation::try_from(row)?;
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(workspace),
                    actor: actor.clone(),
                    action: AuditAction::InvitationCreated,
                    target: email.to_string(),
                    before: None,
                    after: Some(json!({"role": role, "expires_at": expires_at})),
                    at,
                }
            );
            tx.commit().await?;
            inv
        });
        Ok(inv)
    }

    /// A pending, unexpired invitation by token digest, with its workspace.
    pub async fn invitation_by_token(
        &self,
        token_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<(Invitation, Workspace)>> {
        let ws_sql = format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE id = $1");
        let found: Option<(InvitationRow, WorkspaceRow)> = on_pool!(self, |pool| {
            let inv: Option<InvitationRow> = sqlx::query_as(
                "SELECT id, workspace_id, email, role, expires_at FROM invitations \
                 WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
            )
            .bind(token_hash)
            .bind(DbTime::from(at))
            .fetch_optional(pool)
            .await?;
            match inv {
                Some(inv) => {
                    let ws: WorkspaceRow = sqlx::query_as(&ws_sql)
                        .bind(inv.workspace_id)
                        .fetch_one(pool)
                        .await?;
                    Some((inv, ws))
                }
                None => None,
            }
        });
        found
            .map(|(inv, ws)| Ok((Invitation::try_from(inv)?, Workspace::from(ws))))
            .transpose()
    }

    /// Accepts an invitation: creates the account and the membership and marks the
    /// invitation used, all in one transaction. Fails with `NotFound` if the
    /// invitation was used or expired meanwhile, `Conflict("email")` if the address
    /// got an account meanwhile.
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        display_name: &str,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(User, Workspace)> {
        let user_sql = format!(
            "INSERT INTO users (email, display_name, password_hash, is_admin, is_demo, created_at, updated_at) \
             VALUES ($1, $2, $3, FALSE, FALSE, $4, $4) RETURNING {USER_COLUMNS}"
        );
        let ws_sql = format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE id = $1");
        let result = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            // Claim the invitation first: a concurrent accept finds nothing to claim.
            let claimed: Option<(i64, i64, String, String)> = sqlx::query_as(
                "UPDATE invitations SET accepted_at = $1 \
                 WHERE token_hash = $2 AND accepted_at IS NULL AND expires_at > $1 \
                 RETURNING id, workspace_id, email, role",
            )
            .bind(DbTime::from(at))
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let (inv_id, ws_id, email, role) = claimed.ok_or(StoreError::NotFound)?;
            let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt {
                table: "invitations",
                detail: format!("role {role:?}"),
            })?;
            let user_row: UserRow = sqlx::query_as(&user_sql)
                .bind(&email)
                .bind(display_name)
                .bind(password_hash)
                .bind(DbTime::from(at))
                .fetch_one(&mut *tx)
                .await
                .map_err(conflict_on("email"))?;
            let user = User::from(user_row);
            sqlx::query("UPDATE invitations SET accepted_by = $1 WHERE id = $2")
                .bind(user.id.0)
                .bind(inv_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
                .bind(ws_id)
                .bind(user.id.0)
                .bind(role.as_str())
                .bind(DbTime::from(at))
                .execute(&mut *tx)
                .await?;
            let ws_row: WorkspaceRow = sqlx::query_as(&ws_sql)
                .bind(ws_id)
                .fetch_one(&mut *tx)
                .await?;
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(WorkspaceId(ws_id)),
                    actor: Actor::user(&user),
                    action: AuditAction::InvitationAccepted,
                    target: email.clone(),
                    before: None,
                    after: Some(json!({"role": role, "display_name": user.display_name})),
                    at,
                }
            );
            tx.commit().await?;
            (user, Workspace::from(ws_row))
        });
        Ok(result)
    }

    // ---- demo data guard ----

    /// Counts of (demo, non-demo) users and workspaces, to decide whether the demo
    /// may run against this database.
    pub async fn demo_census(&self) -> Result<DemoCensus> {
        let (demo_users, other_users, demo_ws, other_ws): (i64, i64, i64, i64) = on_pool!(
            self,
            |pool| {
                sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM users WHERE is_demo), (SELECT COUNT(*) FROM users WHERE NOT is_demo), \
                        (SELECT COUNT(*) FROM workspaces WHERE is_demo), (SELECT COUNT(*) FROM workspaces WHERE NOT is_demo)",
            )
            .fetch_one(pool)
            .await?
            }
        );
        Ok(DemoCensus {
            demo_users,
            other_users,
            demo_workspaces: demo_ws,
            other_workspaces: other_ws,
        })
    }
}

/// What [`Store::set_membership`] is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipChange {
    /// Make a non-member a member (`Conflict("membership")` if they already are).
    Add(Role),
    /// Change a member's role (`NotFound` if they are not a member).
    Change(Role),
    /// Remove a member (`NotFound` if they are not a member).
    Remove,
}

/// How much demo and non-demo data a database holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoCensus {
    pub demo_users: i64,
    pub other_users: i64,
    pub demo_workspaces: i64,
    pub other_workspaces: i64,
}

fn with_role(r: WorkspaceRoleRow, is_admin: bool) -> Option<WorkspaceWithRole> {
    let role = if is_admin {
        Role::Owner
    } else {
        r.role.as_deref().and_then(Role::parse)?
    };
    Some(WorkspaceWithRole {
        workspace: Workspace::from(r.workspace),
        role,
    })
}

impl Store {
    /// A workspace by id (for background work that has no user, such as the
    /// publishing worker's notifications).
    pub async fn workspace_by_id(&self, id: WorkspaceId) -> Result<Option<Workspace>> {
        let sql = format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE id = $1");
        let row: Option<WorkspaceRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id.0)
            .fetch_optional(pool)
            .await?);
        Ok(row.map(Workspace::from))
    }
}
