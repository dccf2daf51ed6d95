//! Personal settings: language, password, API tokens.

use super::{render, Base};
use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::forms::{FormState, PageForm};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use relais_core::model::{Actor, ApiToken};
use relais_core::validate;
use relais_core::{ApiTokenId, Locale};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub base: Base,
    pub notice: Option<String>,
    pub locale_choice: &'static str,
    pub tokens: Vec<ApiToken>,
    pub new_token: Option<String>,
    pub password_form: FormState,
    pub token_form: FormState,
}

struct Draw {
    status: StatusCode,
    notice: Option<String>,
    new_token: Option<String>,
    password_form: FormState,
    token_form: FormState,
}

impl Default for Draw {
    fn default() -> Self {
        Draw {
            status: StatusCode::OK,
            notice: None,
            new_token: None,
            password_form: FormState::new(""),
            token_form: FormState::new("token-"),
        }
    }
}

async fn draw(state: &AppState, ctx: &Ctx, d: Draw) -> AppResult<Response> {
    let user = ctx.user()?;
    let tokens = state.store.list_api_tokens(user.id).await?;
    render(
        d.status,
        &SettingsPage {
            base: Base::page(state, ctx, "settings-title", "settings"),
            notice: d.notice,
            locale_choice: user.locale.map_or("", Locale::as_str),
            tokens,
            new_token: d.new_token,
            password_form: d.password_form,
            token_form: d.token_form,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let key = match q.done.as_str() {
        "language" => Some("language-changed"),
        "password" => Some("password-changed"),
        "token-revoked" => Some("token-revoked"),
        _ => None,
    };
    let notice = key.map(|k| state.i18n.t(ctx.locale, k));
    draw(
        &state,
        &ctx,
        Draw {
            notice,
            ..Draw::default()
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    locale: String,
}

pub async fn language(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    PageForm(form): PageForm<LanguageForm>,
) -> AppResult<Response> {
    let locale = match form.locale.as_str() {
        "" => None,
        s => Some(Locale::parse(s).ok_or_else(|| AppError::field("locale", "locale-invalid"))?),
    };
    let user = ctx.user()?;
    state
        .store
        .set_locale(&Actor::user(user), user.id, locale)
        .await?;
    Ok(Redirect::to("/settings?done=language").into_response())
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    password_confirm: String,
}

pub async fn password(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    PageForm(form): PageForm<PasswordForm>,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let tr = crate::tr::Tr::new(&state, ctx.locale);
    let invalid = |f: FormState| Draw {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        password_form: f,
        ..Draw::default()
    };
    if let Err(e) = validate::new_password(
        "new_password",
        "password_confirm",
        &form.new_password,
        &form.password_confirm,
    ) {
        return draw(
            &state,
            &ctx,
            invalid(FormState::new("").with_errors(&tr, &[e])),
        )
        .await;
    }
    let (_, hash) = state
        .store
        .user_with_password(&user.email)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let (current, new) = (form.current_password, form.new_password);
    let new_hash = tokio::task::spawn_blocking(move || {
        if relais_auth::verify_password(&current, &hash) {
            relais_auth::hash_password(&new).map(Some)
        } else {
            Ok(None)
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(new_hash) = new_hash else {
        let f = FormState::new("").with_message("current_password", tr.t("current-password-wrong"));
        return draw(&state, &ctx, invalid(f)).await;
    };
    state
        .store
        .set_password(&Actor::user(&user), user.id, &new_hash, ctx.session)
        .await?;
    Ok(Redirect::to("/settings?done=password").into_response())
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    PageForm(form): PageForm<TokenForm>,
) -> AppResult<Response> {
    let tr = crate::tr::Tr::new(&state, ctx.locale);
    let name = match validate::name("name", &form.name) {
        Ok(n) => n,
        Err(e) => {
            let f = FormState::new("token-")
                .keep("name", &form.name)
                .with_errors(&tr, &[e]);
            let d = Draw {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                token_form: f,
                ..Draw::default()
            };
            return draw(&state, &ctx, d).await;
        }
    };
    let token = issue_token(&state, &ctx, &name).await?;
    draw(
        &state,
        &ctx,
        Draw {
            new_token: Some(token),
            ..Draw::default()
        },
    )
    .await
}

/// Creates an API token for the current user and returns its secret (shown once).
pub async fn issue_token(state: &AppState, ctx: &Ctx, name: &str) -> AppResult<String> {
    let user = ctx.user()?;
    let secret = relais_auth::new_api_token();
    let prefix: String = secret.chars().take(8).collect();
    state
        .store
        .create_api_token(
            &Actor::user(user),
            user,
            name,
            &prefix,
            &relais_auth::token_digest(&secret),
        )
        .await?;
    Ok(secret)
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    state
        .store
        .revoke_api_token(&Actor::user(user), user, ApiTokenId(id))
        .await?;
    Ok(Redirect::to("/settings?done=token-revoked").into_response())
}
