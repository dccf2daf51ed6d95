//! Accounts (instance administrators only).

use super::{ApiJson, UserOut};
use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::render::Problem;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use relais_core::model::Actor;
use relais_core::validate::{self, Email};
use relais_store::NewUser;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Every account.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = [UserOut]), (status = 403, body = Problem)), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>) -> AppResult<Json<Vec<UserOut>>> {
    Ok(Json(
        state
            .store
            .list_users()
            .await?
            .into_iter()
            .map(UserOut::from)
            .collect(),
    ))
}

/// An account to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserIn {
    pub email: String,
    pub display_name: String,
    /// At least 12 characters; omitted: one is generated and returned.
    pub password: Option<String>,
    #[serde(default)]
    pub is_admin: bool,
}

/// The created account, with the generated password if one was made.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    pub user: UserOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<String>,
}

/// Creates an account.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUserIn, responses((status = 201, body = CreatedUser), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(body): ApiJson<NewUserIn>,
) -> AppResult<(StatusCode, Json<CreatedUser>)> {
    let mut errors = Vec::new();
    let email = Email::parse("email", &body.email)
        .map_err(|e| errors.push(e))
        .ok();
    let name = validate::name("display_name", &body.display_name)
        .map_err(|e| errors.push(e))
        .ok();
    let generated = body.password.is_none();
    let password = body.password.unwrap_or_else(relais_auth::generate_password);
    if let Err(e) = validate::new_password("password", "password", &password, &password) {
        errors.push(e);
    }
    let (Some(email), Some(name), true) = (email, name, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let pw = password.clone();
    let hash = tokio::task::spawn_blocking(move || relais_auth::hash_password(&pw))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let user = state
        .store
        .create_user(
            &Actor::user(ctx.user()?),
            NewUser {
                email: email.into_string(),
                display_name: name,
                password_hash: hash,
                is_admin: body.is_admin,
                is_demo: false,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUser {
            user: user.into(),
            generated_password: generated.then_some(password),
        }),
    ))
}
