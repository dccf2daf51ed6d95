//! A workspace's members.

use super::{ApiJson, MemberOut};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::membership::{self, Added};
use crate::render::Problem;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use relais_core::{Role, UserId};
use relais_store::MembershipChange;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The workspace's members.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/members", tag = "members", params(("slug" = String, Path)), responses((status = 200, body = [MemberOut]), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Json<Vec<MemberOut>>> {
    let members = state.store.members(ws.workspace.id).await?;
    Ok(Json(members.into_iter().map(MemberOut::from).collect()))
}

fn parse_role(s: &str) -> Result<Role, AppError> {
    Role::parse(s).ok_or_else(|| AppError::field("role", "role-invalid"))
}

/// Someone to add to the workspace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    pub email: String,
    /// owner, manager, community_manager, client_approver or viewer.
    pub role: String,
}

/// An invitation created for an address with no account yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationOut {
    pub email: String,
    pub role: String,
    /// The link to send to the person; valid until `expires_at`.
    pub invite_url: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Adds an existing account (201, the member) or invites a new address (202, the invitation).
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/members", tag = "members", params(("slug" = String, Path)), request_body = AddMember, responses((status = 201, body = MemberOut), (status = 202, body = InvitationOut), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn add(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    ApiJson(body): ApiJson<AddMember>,
) -> AppResult<Response> {
    let (email, role) =
        membership::parse_add(&body.email, &body.role).map_err(AppError::Invalid)?;
    match membership::add_or_invite(&state, &ctx, &ws, &email, role).await? {
        Added::Member(m) => Ok((StatusCode::CREATED, Json(MemberOut::from(m))).into_response()),
        Added::Invited { link, expires_at } => {
            let out = InvitationOut {
                email: email.into_string(),
                role: role.as_str().to_string(),
                invite_url: link,
                expires_at,
            };
            Ok((StatusCode::ACCEPTED, Json(out)).into_response())
        }
    }
}

/// A new role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRole {
    pub role: String,
}

/// Changes a member's role.
#[utoipa::path(patch, path = "/api/v1/workspaces/{slug}/members/{user_id}", tag = "members", params(("slug" = String, Path), ("user_id" = i64, Path)), request_body = ChangeRole, responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn change_role(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, user_id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<ChangeRole>,
) -> AppResult<StatusCode> {
    let role = parse_role(&body.role)?;
    membership::change(
        &state,
        &ctx,
        &ws,
        UserId(user_id),
        MembershipChange::Change(role),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member.
#[utoipa::path(delete, path = "/api/v1/workspaces/{slug}/members/{user_id}", tag = "members", params(("slug" = String, Path), ("user_id" = i64, Path)), responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn remove(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, user_id)): Path<(String, i64)>,
) -> AppResult<StatusCode> {
    membership::change(&state, &ctx, &ws, UserId(user_id), MembershipChange::Remove).await?;
    Ok(StatusCode::NO_CONTENT)
}
