//! Logging in and out.

use super::{render, Base};
use crate::cookies;
use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::forms::{FormState, PageForm};
use crate::guard::{minutes_ceil, now};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Duration;
use relais_core::throttle::LoginThrottle;
use relais_core::validate::Email;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub base: Base,
    pub form: FormState,
    pub next: String,
    pub notice: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    done: String,
}

/// Only local paths may be redirected to after login (no open redirect).
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_string()
    } else {
        "/".to_string()
    }
}

pub async fn login_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<LoginQuery>,
) -> AppResult<Response> {
    if ctx.user.is_some() {
        return Ok(Redirect::to(&safe_next(&q.next)).into_response());
    }
    let base = Base::page(&state, &ctx, "login-title", "login");
    let notice = (q.done == "logout").then(|| base.tr.t("logged-out"));
    render(
        StatusCode::OK,
        &LoginPage {
            base,
            form: FormState::new(""),
            next: safe_next(&q.next),
            notice,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    headers: axum::http::HeaderMap,
    PageForm(form): PageForm<LoginForm>,
) -> AppResult<Response> {
    let base = Base::page(&state, &ctx, "login-title", "login");
    let next = safe_next(&form.next);
    let again = |base: Base, status: StatusCode, f: FormState| {
        render(
            status,
            &LoginPage {
                base,
                form: f,
                next: next.clone(),
                notice: None,
            },
        )
    };
    let email = match Email::parse("email", &form.email) {
        Ok(e) => e,
        Err(err) => {
            let f = FormState::new("")
                .keep("email", &form.email)
                .with_errors(&base.tr, &[err]);
            return again(base, StatusCode::UNPROCESSABLE_ENTITY, f);
        }
    };
    let at = now();
    let auth = &state.config.auth;
    let rule = LoginThrottle {
        max_failures: auth.login_max_failures,
        window: Duration::minutes(i64::from(auth.login_window_minutes)),
    };
    let (by_email, by_ip) = state
        .store
        .recent_login_failures(email.as_str(), &ctx.client_ip, at - rule.window)
        .await?;
    // The IP limit is wider: an office behind one address shares it.
    let ip_rule = LoginThrottle {
        max_failures: rule.max_failures.saturating_mul(4),
        ..rule
    };
    if let Some(wait) = rule
        .retry_after(&by_email, at)
        .or_else(|| ip_rule.retry_after(&by_ip, at))
    {
        let minutes = minutes_ceil(wait);
        let msg = state
            .i18n
            .t1(ctx.locale, "login-throttled", "minutes", minutes);
        let f = FormState::new("")
            .keep("email", &form.email)
            .with_message("password", msg);
        let mut r = again(base, StatusCode::TOO_MANY_REQUESTS, f)?;
        if let Ok(v) = (minutes * 60).to_string().parse() {
            r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        return Ok(r);
    }
    let found = state.store.user_with_password(email.as_str()).await?;
    let password = form.password.clone();
    let verified = tokio::task::spawn_blocking(move || match found {
        Some((user, hash)) => relais_auth::verify_password(&password, &hash).then_some(user),
        None => {
            relais_auth::dummy_verify(&password);
            None
        }
    })
    .await
    .map_err(|e| AppError::Internal(format!("password check: {e}")))?;
    let Some(user) = verified else {
        state
            .store
            .record_login_failure(email.as_str(), &ctx.client_ip, at)
            .await?;
        let msg = base.tr.t("login-failed");
        let f = FormState::new("")
            .keep("email", &form.email)
            .with_message("password", msg);
        return again(base, StatusCode::UNAUTHORIZED, f);
    };
    state.store.clear_login_failures(email.as_str()).await?;
    let token = relais_auth::random_token();
    let ua = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ttl = Duration::hours(i64::from(auth.session_ttl_hours));
    state
        .store
        .create_session(
            user.id,
            &relais_auth::token_digest(&token),
            &relais_auth::random_token(),
            ua,
            ttl,
        )
        .await?;
    tracing::info!(user = %user.id, "login");
    let mut response = Redirect::to(&next).into_response();
    cookies::append(&mut response, &cookies::session(&token, ctx.secure));
    Ok(response)
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> AppResult<Response> {
    if let Some(id) = ctx.session {
        state.store.delete_session(id).await?;
    }
    let mut response = Redirect::to("/login?done=logout").into_response();
    cookies::append(&mut response, &cookies::session_cleared(ctx.secure));
    Ok(response)
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_is_local_only() {
        for (input, expected) in [
            ("/w/a", "/w/a"),
            ("", "/"),
            ("//evil.example", "/"),
            ("/\\evil.example", "/"),
            ("https://evil.example", "/"),
        ] {
            assert_eq!(super::safe_next(input), expected, "{input}");
        }
    }
}
