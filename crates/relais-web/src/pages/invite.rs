//! Accepting an invitation: choose a name and a password, join the workspace.

use super::{render, Base};
use crate::cookies;
use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::forms::{FormState, PageForm};
use crate::guard::now;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Duration;
use relais_core::validate;
use relais_store::StoreError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "invite.html")]
pub struct InvitePage {
    pub base: Base,
    pub token: String,
    pub email: String,
    /// `None` when the invitation cannot be used; `message` says why.
    pub intro: Option<String>,
    pub message: String,
    pub form: FormState,
}

fn valid_token(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

async fn draw(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    status: StatusCode,
    form: FormState,
) -> AppResult<Response> {
    let found = if valid_token(token) {
        state
            .store
            .invitation_by_token(&relais_auth::token_digest(token), now())
            .await?
    } else {
        None
    };
    let tr = crate::tr::Tr::new(state, ctx.locale);
    let Some((inv, ws)) = found else {
        let base = Base::page(state, ctx, "invite-invalid-title", "");
        let page = InvitePage {
            base,
            token: String::new(),
            email: String::new(),
            intro: None,
            message: tr.t("invite-invalid"),
            form,
        };
        return render(StatusCode::NOT_FOUND, &page);
    };
    let mut base = Base::page(state, ctx, "invite-invalid-title", "");
    base.title = tr.t1("invite-accept-title", "workspace", &ws.name);
    let mut args = relais_i18n::FluentArgs::new();
    args.set("workspace", ws.name.clone());
    args.set("role", tr.role(&inv.role));
    let intro = state
        .i18n
        .format(ctx.locale, "invite-accept-intro", Some(&args));
    let page = InvitePage {
        base,
        token: token.to_string(),
        email: inv.email,
        intro: Some(intro),
        message: String::new(),
        form,
    };
    render(status, &page)
}

pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    draw(&state, &ctx, &token, StatusCode::OK, FormState::new("")).await
}

#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    password_confirm: String,
}

pub async fn accept(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(token): Path<String>,
    PageForm(form): PageForm<AcceptForm>,
) -> AppResult<Response> {
    let tr = crate::tr::Tr::new(&state, ctx.locale);
    let kept = FormState::new("").keep("display_name", &form.display_name);
    let mut errors = Vec::new();
    let name = validate::name("display_name", &form.display_name)
        .map_err(|e| errors.push(e))
        .ok();
    if let Err(e) = validate::new_password(
        "new_password",
        "password_confirm",
        &form.new_password,
        &form.password_confirm,
    ) {
        errors.push(e);
    }
    let (Some(name), true) = (name, errors.is_empty()) else {
        return draw(
            &state,
            &ctx,
            &token,
            StatusCode::UNPROCESSABLE_ENTITY,
            kept.with_errors(&tr, &errors),
        )
        .await;
    };
    if !valid_token(&token) {
        return draw(&state, &ctx, &token, StatusCode::NOT_FOUND, kept).await;
    }
    let pw = form.new_password.clone();
    let hash = tokio::task::spawn_blocking(move || relais_auth::hash_password(&pw))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let digest = relais_auth::token_digest(&token);
    let (user, ws) = match state
        .store
        .accept_invitation(&digest, &name, &hash, now())
        .await
    {
        Ok(v) => v,
        Err(StoreError::NotFound) => {
            return draw(&state, &ctx, &token, StatusCode::NOT_FOUND, kept).await
        }
        Err(StoreError::Conflict(_)) => {
            let email = state
                .store
                .invitation_by_token(&digest, now())
                .await?
                .map(|(inv, _)| inv.email)
                .unwrap_or_default();
            let f = kept.with_message("display_name", tr.t1("invite-email-taken", "email", &email));
            return draw(&state, &ctx, &token, StatusCode::CONFLICT, f).await;
        }
        Err(e) => return Err(e.into()),
    };
    // Log the new member in.
    let session = relais_auth::random_token();
    let ttl = Duration::hours(i64::from(state.config.auth.session_ttl_hours));
    state
        .store
        .create_session(
            user.id,
            &relais_auth::token_digest(&session),
            &relais_auth::random_token(),
            "",
            ttl,
        )
        .await?;
    let mut response = Redirect::to(&format!("/w/{}", ws.slug)).into_response();
    cookies::append(&mut response, &cookies::session(&session, ctx.secure));
    Ok(response)
}
