//! The caller: profile, language, API tokens.

use super::{ApiJson, TokenOut, UserOut};
use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::render::Problem;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use relais_core::model::Actor;
use relais_core::validate;
use relais_core::{ApiTokenId, Locale};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The caller's account.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", responses((status = 200, body = UserOut), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn get_me(Extension(ctx): Extension<Ctx>) -> AppResult<Json<UserOut>> {
    Ok(Json(ctx.user()?.clone().into()))
}

/// Changes to the caller's account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchMe {
    /// `fr`, `en`, or null to follow Accept-Language.
    pub locale: Option<String>,
}

/// Sets the caller's UI language.
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", request_body = PatchMe, responses((status = 200, body = UserOut), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn patch_me(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(body): ApiJson<PatchMe>,
) -> AppResult<Json<UserOut>> {
    let locale = match body.locale.as_deref() {
        None => None,
        Some(s) => {
            Some(Locale::parse(s).ok_or_else(|| AppError::field("locale", "locale-invalid"))?)
        }
    };
    let user = ctx.user()?;
    state
        .store
        .set_locale(&Actor::user(user), user.id, locale)
        .await?;
    let updated = state
        .store
        .user_by_id(user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(updated.into()))
}

/// The caller's active API tokens.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "me", responses((status = 200, body = [TokenOut])), security(("bearer" = [])))]
pub async fn list_tokens(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> AppResult<Json<Vec<TokenOut>>> {
    let tokens = state.store.list_api_tokens(ctx.user()?.id).await?;
    Ok(Json(tokens.into_iter().map(TokenOut::from).collect()))
}

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
}

/// A created token: the secret appears here once and never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub token: String,
    pub name: String,
}

/// Creates an API token for the caller.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "me", request_body = NewToken, responses((status = 201, body = CreatedToken), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create_token(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(body): ApiJson<NewToken>,
) -> AppResult<(StatusCode, Json<CreatedToken>)> {
    let name = validate::name("name", &body.name).map_err(|e| AppError::Invalid(vec![e]))?;
    let token = crate::pages::settings::issue_token(&state, &ctx, &name).await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, name })))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "me", params(("id" = i64, Path)), responses((status = 204), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let user = ctx.user()?;
    state
        .store
        .revoke_api_token(&Actor::user(user), user, ApiTokenId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
