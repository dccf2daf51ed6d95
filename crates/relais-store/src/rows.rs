//! Database rows and their conversion into core records.

use crate::time::DbTime;
use crate::StoreError;
use relais_core::audit::AuditAction;
use relais_core::model::{ApiToken, AuditEntry, Invitation, Member, User, Workspace};
use relais_core::{ApiTokenId, AuditId, InvitationId, Locale, Role, UserId, WorkspaceId};

fn role(table: &'static str, s: &str) -> Result<Role, StoreError> {
    Role::parse(s).ok_or_else(|| StoreError::Corrupt {
        table,
        detail: format!("unknown role {s:?}"),
    })
}

/// A column list with a table alias on each column (`id, email` → `u.id, u.email`).
pub(crate) fn prefixed(columns: &str, alias: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) const USER_COLUMNS: &str = "id, email, display_name, is_admin, locale, created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    is_admin: bool,
    locale: Option<String>,
    created_at: DbTime,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> User {
        User {
            id: UserId(r.id),
            email: r.email,
            display_name: r.display_name,
            is_admin: r.is_admin,
            locale: r.locale.as_deref().and_then(Locale::parse),
            created_at: r.created_at.0,
        }
    }
}

pub(crate) const WORKSPACE_COLUMNS: &str = "id, slug, name, created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct WorkspaceRow {
    id: i64,
    slug: String,
    name: String,
    created_at: DbTime,
}

impl From<WorkspaceRow> for Workspace {
    fn from(r: WorkspaceRow) -> Workspace {
        Workspace {
            id: WorkspaceId(r.id),
            slug: r.slug,
            name: r.name,
            created_at: r.created_at.0,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct WorkspaceRoleRow {
    #[sqlx(flatten)]
    pub workspace: WorkspaceRow,
    pub role: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct MemberRow {
    user_id: i64,
    email: String,
    display_name: String,
    role: String,
    created_at: DbTime,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(r: MemberRow) -> Result<Member, StoreError> {
        Ok(Member {
            user_id: UserId(r.user_id),
            email: r.email,
            display_name: r.display_name,
            role: role("memberships", &r.role)?,
            since: r.created_at.0,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ApiTokenRow {
    id: i64,
    name: String,
    prefix: String,
    created_at: DbTime,
    last_used_at: Option<DbTime>,
}

impl From<ApiTokenRow> for ApiToken {
    fn from(r: ApiTokenRow) -> ApiToken {
        ApiToken {
            id: ApiTokenId(r.id),
            name: r.name,
            prefix: r.prefix,
            created_at: r.created_at.0,
            last_used_at: r.last_used_at.map(|t| t.0),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct InvitationRow {
    id: i64,
    pub(crate) workspace_id: i64,
    email: String,
    role: String,
    expires_at: DbTime,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = StoreError;
    fn try_from(r: InvitationRow) -> Result<Invitation, StoreError> {
        Ok(Invitation {
            id: InvitationId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            email: r.email,
            role: role("invitations", &r.role)?,
            expires_at: r.expires_at.0,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    id: i64,
    workspace_id: Option<i64>,
    actor_user_id: Option<i64>,
    actor_label: String,
    action: String,
    target: String,
    before_json: Option<String>,
    after_json: Option<String>,
    at: DbTime,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;
    fn try_from(r: AuditRow) -> Result<AuditEntry, StoreError> {
        let corrupt = |detail: String| StoreError::Corrupt {
            table: "audit_log",
            detail,
        };
        let json = |s: Option<String>| -> Result<Option<serde_json::Value>, StoreError> {
            s.map(|s| serde_json::from_str(&s).map_err(|e| corrupt(e.to_string())))
                .transpose()
        };
        Ok(AuditEntry {
            id: AuditId(r.id),
            workspace_id: r.workspace_id.map(WorkspaceId),
            actor_user_id: r.actor_user_id.map(UserId),
            actor: r.actor_label,
            action: AuditAction::parse(&r.action)
                .ok_or_else(|| corrupt(format!("unknown action {:?}", r.action)))?,
            target: r.target,
            before: json(r.before_json)?,
            after: json(r.after_json)?,
            at: r.at.0,
        })
    }
}
