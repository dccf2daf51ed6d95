//! A workspace's members.

use super::{ApiJson, MemberOut};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::render::Problem;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::Duration;
use relais_core::model::Actor;
use relais_core::validate::{Email, FieldError};
use relais_core::{Role, UserId};
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
    let email = Email::parse("email", &body.email).map_err(|e| AppError::Invalid(vec![e]))?;
    let role = parse_role(&body.role)?;
    let actor = Actor::user(ctx.user()?);
    if let Some(user) = state.store.user_by_email(email.as_str()).await? {
        let members = state.store.members(ws.workspace.id).await?;
        if members.iter().any(|m| m.user_id == user.id) {
            return Err(AppError::Conflict(FieldError::new("email", "taken-email")));
        }
        state
            .store
            .set_membership(&actor, ws.role, ws.workspace.id, user.id, Some(role))
            .await?;
        let member = state
            .store
            .members(ws.workspace.id)
            .await?
            .into_iter()
            .find(|m| m.user_id == user.id)
            .ok_or(AppError::NotFound)?;
        return Ok((StatusCode::CREATED, Json(MemberOut::from(member))).into_response());
    }
    let token = relais_auth::random_token();
    let expires_at =
        crate::guard::now() + Duration::hours(i64::from(state.config.auth.invitation_ttl_hours));
    state
        .store
        .create_invitation(
            &actor,
            ws.role,
            ws.workspace.id,
            email.as_str(),
            role,
            &relais_auth::token_digest(&token),
            expires_at,
        )
        .await?;
    let out = InvitationOut {
        email: email.into_string(),
        role: role.as_str().to_string(),
        invite_url: format!("{}/invite/{token}", ctx.base_url),
        expires_at,
    };
    Ok((StatusCode::ACCEPTED, Json(out)).into_response())
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
    let members = state.store.members(ws.workspace.id).await?;
    if !members.iter().any(|m| m.user_id.0 == user_id) {
        return Err(AppError::NotFound);
    }
    state
        .store
        .set_membership(
            &Actor::user(ctx.user()?),
            ws.role,
            ws.workspace.id,
            UserId(user_id),
            Some(role),
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
    state
        .store
        .set_membership(
            &Actor::user(ctx.user()?),
            ws.role,
            ws.workspace.id,
            UserId(user_id),
            None,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
