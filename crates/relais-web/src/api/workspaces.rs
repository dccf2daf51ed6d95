//! Workspaces and their audit log.

use super::{ApiJson, AuditOut, WorkspaceOut};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::render::Problem;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use relais_core::model::{Actor, WorkspaceWithRole};
use relais_core::validate;
use relais_core::AuditId;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The workspaces the caller belongs to (all of them for an administrator).
#[utoipa::path(get, path = "/api/v1/workspaces", tag = "workspaces", responses((status = 200, body = [WorkspaceOut]), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> AppResult<Json<Vec<WorkspaceOut>>> {
    let list = state.store.workspaces_for_user(ctx.user()?).await?;
    Ok(Json(list.into_iter().map(WorkspaceOut::from).collect()))
}

/// A workspace to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkspace {
    /// 2 to 48 of a-z, 0-9 and hyphens.
    pub slug: String,
    pub name: String,
}

/// Creates a workspace (administrators); the caller becomes its owner.
#[utoipa::path(post, path = "/api/v1/workspaces", tag = "workspaces", request_body = NewWorkspace, responses((status = 201, body = WorkspaceOut), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(body): ApiJson<NewWorkspace>,
) -> AppResult<(StatusCode, Json<WorkspaceOut>)> {
    let errors: Vec<_> = [
        validate::slug("slug", &body.slug).err(),
        validate::name("name", &body.name).err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let user = ctx.user()?;
    let ws = state
        .store
        .create_workspace(
            &Actor::user(user),
            body.slug.trim(),
            body.name.trim(),
            Some(user.id),
            false,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(
            WorkspaceWithRole {
                workspace: ws,
                role: relais_core::Role::Owner,
            }
            .into(),
        ),
    ))
}

/// One workspace, with the caller's role.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}", tag = "workspaces", params(("slug" = String, Path)), responses((status = 200, body = WorkspaceOut), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_one(Extension(ws): Extension<WsCtx>) -> Json<WorkspaceOut> {
    Json(
        WorkspaceWithRole {
            workspace: ws.workspace,
            role: ws.role,
        }
        .into(),
    )
}

/// Paging through the audit log.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditParams {
    /// Entries older than this id.
    pub before: Option<i64>,
    /// At most this many entries (1 to 200, default 50).
    pub limit: Option<u32>,
}

/// The workspace's audit log, newest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/audit", tag = "workspaces", params(("slug" = String, Path), AuditParams), responses((status = 200, body = [AuditOut]), (status = 403, body = Problem), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn audit(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
    Query(p): Query<AuditParams>,
) -> AppResult<Json<Vec<AuditOut>>> {
    let limit = p.limit.unwrap_or(50).clamp(1, 200);
    let entries = state
        .store
        .audit_for_workspace(ws.workspace.id, p.before.map(AuditId), limit)
        .await?;
    Ok(Json(entries.into_iter().map(AuditOut::from).collect()))
}
