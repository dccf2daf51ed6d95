//! Records of the foundation: people, workspaces, memberships, tokens, audit entries.

use crate::audit::AuditAction;
use crate::ids::{ApiTokenId, AuditId, InvitationId, UserId, WorkspaceId};
use crate::locale::Locale;
use crate::role::Role;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A person who can log in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    /// Instance administrator: may create workspaces and users, and acts as owner
    /// in every workspace.
    pub is_admin: bool,
    /// Chosen UI language; `None` follows the browser's Accept-Language.
    pub locale: Option<Locale>,
    pub created_at: DateTime<Utc>,
}

/// A client brand of the agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub slug: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// A workspace as one person sees it: with their role there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkspaceWithRole {
    #[serde(flatten)]
    pub workspace: Workspace,
    pub role: Role,
}

/// A member of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub since: DateTime<Utc>,
}

/// A personal API token, without its secret (only its hash is stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A pending invitation to join a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invitation {
    pub id: InvitationId,
    pub workspace_id: WorkspaceId,
    pub email: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
}

/// Who made a change: a person, or the command line / system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User { id: UserId, email: String },
    System(&'static str),
}

impl Actor {
    pub fn user(user: &User) -> Actor {
        Actor::User {
            id: user.id,
            email: user.email.clone(),
        }
    }

    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::User { id, .. } => Some(*id),
            Actor::System(_) => None,
        }
    }

    /// How the actor is shown in the log (kept even if the user is deleted).
    pub fn label(&self) -> String {
        match self {
            Actor::User { email, .. } => email.clone(),
            Actor::System(what) => format!("system ({what})"),
        }
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: AuditId,
    pub workspace_id: Option<WorkspaceId>,
    pub actor_user_id: Option<UserId>,
    pub actor: String,
    pub action: AuditAction,
    /// What the change was made to, e.g. `member marie@agence.fr`.
    pub target: String,
    /// A summary of the state before the change (JSON), if there was one.
    pub before: Option<serde_json::Value>,
    /// A summary of the state after the change (JSON), if there is one.
    pub after: Option<serde_json::Value>,
    pub at: DateTime<Utc>,
}
