//! The JSON API under `/api/v1`: the same resources as the pages, for scripts.
//! Authentication is `Authorization: Bearer <token>` only; errors are
//! `application/problem+json`; the OpenAPI document is generated from these
//! handlers' annotations (utoipa) and served at `/api/v1/openapi.json`.

// Editorial API (H5b).
pub mod editorial;
pub mod editorial_interop;
pub mod editorial_lint;
pub mod me;
// Media (H6).
pub mod media;
pub mod members;
pub mod openapi;
// Publishing (issue 4).
pub mod publishing;
pub mod users;
// Veille (issue 5).
pub mod veille;
pub mod workspaces;

use crate::error::AppError;
use axum::extract::{FromRequest, Request};
use chrono::{DateTime, Utc};
use relais_core::model::{ApiToken, AuditEntry, Member, User, Workspace, WorkspaceWithRole};
use relais_core::validate::FieldError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa::ToSchema;

/// A JSON body whose rejection is a problem document naming the field at fault.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::TooLarge)
            }
            Err(e) => {
                let text = e.body_text();
                // serde names the field between backticks: "missing field `email`".
                let field = text
                    .split('`')
                    .nth(1)
                    .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
                match field {
                    Some(f) => {
                        let code = if text.contains("unknown field") {
                            "unknown-field"
                        } else {
                            "invalid-json"
                        };
                        Err(AppError::Invalid(vec![FieldError::new(
                            leak_field(f),
                            code,
                        )]))
                    }
                    None => Err(AppError::BadRequest(text)),
                }
            }
        }
    }
}

/// Field names in problems are `&'static str`; the API's field names are a small
/// fixed set, so map known ones and name the rest generically.
fn leak_field(f: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "email",
        "role",
        "name",
        "slug",
        "display_name",
        "password",
        "is_admin",
        "locale",
        // Publishing (issue 4).
        "expected_version",
        "starts_at",
        "timezone",
        "network",
        "identifier",
        "app_password",
        "service",
        "instance",
        "access_token",
        // Veille (issue 5).
        "kind",
        "query",
        "url",
        "selector",
        "tag",
        "title",
        "category",
        "interval",
    ];
    KNOWN.iter().find(|k| **k == f).copied().unwrap_or("body")
}

/// A user as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub is_admin: bool,
    /// `fr`, `en`, or null (follows Accept-Language).
    pub locale: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        UserOut {
            id: u.id.0,
            email: u.email,
            display_name: u.display_name,
            is_admin: u.is_admin,
            locale: u.locale.map(|l| l.as_str().to_string()),
            created_at: u.created_at,
        }
    }
}

/// A workspace, with the caller's role when listed for them.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceOut {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

impl From<WorkspaceWithRole> for WorkspaceOut {
    fn from(w: WorkspaceWithRole) -> Self {
        let mut out = WorkspaceOut::from(w.workspace);
        out.role = Some(w.role.as_str().to_string());
        out
    }
}

impl From<Workspace> for WorkspaceOut {
    fn from(w: Workspace) -> Self {
        WorkspaceOut {
            id: w.id.0,
            slug: w.slug,
            name: w.name,
            created_at: w.created_at,
            role: None,
        }
    }
}

/// A member of a workspace.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOut {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    /// owner, manager, community_manager, client_approver or viewer.
    pub role: String,
    pub since: DateTime<Utc>,
}

impl From<Member> for MemberOut {
    fn from(m: Member) -> Self {
        MemberOut {
            user_id: m.user_id.0,
            email: m.email,
            display_name: m.display_name,
            role: m.role.as_str().to_string(),
            since: m.since,
        }
    }
}

/// An API token, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<ApiToken> for TokenOut {
    fn from(t: ApiToken) -> Self {
        TokenOut {
            id: t.id.0,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        }
    }
}

/// One audit log entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditOut {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub target: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

impl From<AuditEntry> for AuditOut {
    fn from(e: AuditEntry) -> Self {
        AuditOut {
            id: e.id.0,
            at: e.at,
            actor: e.actor,
            actor_user_id: e.actor_user_id.map(|u| u.0),
            action: e.action.as_str().to_string(),
            target: e.target,
            before: e.before,
            after: e.after,
        }
    }
}
