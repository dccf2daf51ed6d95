//! The guard: one middleware, installed on every route with that route's declared
//! [`Access`], that identifies the caller, enforces the authorization policy and
//! checks CSRF tokens. No handler does its own access control.

use crate::cookies;
use crate::ctx::{Ctx, Kind, WsCtx};
use crate::error::AppError;
use crate::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Request};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use relais_config::SecureCookies;
use relais_core::policy::role_allows;
use relais_core::{Access, Locale};
use std::collections::HashMap;
use std::net::SocketAddr;

/// What a route requires, with the state to check it.
#[derive(Clone)]
pub struct Guard {
    pub state: AppState,
    pub access: Access,
    pub kind: Kind,
    /// The largest body the route reads (see [`crate::routes::BodyLimit`]).
    pub body_limit: usize,
}

/// Identifies the caller, checks `access`, checks CSRF on page forms, then runs the
/// handler with [`Ctx`] (and [`WsCtx`] for workspace routes) in its extensions.
pub async fn guard(
    axum::extract::State(g): axum::extract::State<Guard>,
    req: Request,
    next: Next,
) -> Response {
    match check(&g, req).await {
        Ok((req, ctx, new_csrf_cookie)) => {
            let secure = ctx.secure;
            let mut response = next.run(req).await;
            // The renderer needs the language and the user to draw error pages;
            // successful responses do not carry the context.
            if response.status().as_u16() >= 400 {
                response.extensions_mut().insert(ctx);
            }
            if let Some(token) = new_csrf_cookie {
                cookies::append(&mut response, &cookies::csrf(&token, secure));
            }
            response
        }
        Err((err, ctx, path)) => {
            let mut response = match (&err, g.kind) {
                (AppError::Unauthorized, Kind::Page) => {
                    Redirect::to(&format!("/login?next={}", urlencode(&path))).into_response()
                }
                (AppError::Unauthorized, _) => {
                    let mut r = err.into_response();
                    r.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        header::HeaderValue::from_static("Bearer"),
                    );
                    r
                }
                _ => err.into_response(),
            };
            if let Some(ctx) = ctx {
                response.extensions_mut().insert(ctx);
            }
            response
        }
    }
}

type CheckError = (AppError, Option<Ctx>, String);

async fn check(g: &Guard, req: Request) -> Result<(Request, Ctx, Option<String>), CheckError> {
    let state = &g.state;
    let now = relais_store::time::now();
    let (mut parts, body) = req.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_string(), |p| p.to_string());
    let fail = |e: AppError| (e, None, path.clone());
    let headers = &parts.headers;

    let secure = match state.config.server.secure_cookies {
        SecureCookies::Always => true,
        SecureCookies::Never => false,
        SecureCookies::Auto => {
            state.config.server.public_url.starts_with("https://")
                || headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    == Some("https")
        }
    };
    let client_ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string());

    // Who is asking: a session cookie for pages, a bearer token for the API.
    let mut user = None;
    let mut session = None;
    let mut session_csrf = None;
    match g.kind {
        Kind::Page => {
            if let Some(token) = cookies::read(headers, cookies::SESSION) {
                let digest = relais_auth::token_digest(&token);
                let found = state
                    .store
                    .session_by_token(&digest, now)
                    .await
                    .map_err(|e| fail(e.into()))?;
                if let Some(s) = found {
                    if now - s.last_seen_at > Duration::seconds(60) {
                        let ttl = Duration::hours(i64::from(state.config.auth.session_ttl_hours));
                        state
                            .store
                            .touch_session(s.id, now, ttl)
                            .await
                            .map_err(|e| fail(e.into()))?;
                    }
                    session = Some(s.id);
                    session_csrf = Some(s.csrf_token);
                    user = Some(s.user);
                }
            }
        }
        Kind::Api => {
            if let Some(value) = headers.get(header::AUTHORIZATION) {
                let token = value
                    .to_str()
                    .ok()
                    .and_then(|v| {
                        v.strip_prefix("Bearer ")
                            .or_else(|| v.strip_prefix("bearer "))
                    })
                    .map(str::trim)
                    .ok_or_else(|| fail(AppError::Unauthorized))?;
                let digest = relais_auth::token_digest(token);
                let found = state
                    .store
                    .user_by_api_token(&digest, now)
                    .await
                    .map_err(|e| fail(e.into()))?;
                user = Some(found.ok_or_else(|| fail(AppError::Unauthorized))?);
            }
        }
        Kind::Plain => {}
    }

    let locale = user
        .as_ref()
        .and_then(|u| u.locale)
        .unwrap_or_else(|| accept_language(headers));

    // The CSRF token: the session's, or a double-submit cookie for anonymous forms.
    let mut new_csrf_cookie = None;
    let csrf = match session_csrf {
        Some(t) => t,
        None if g.kind == Kind::Page => {
            match cookies::read(headers, cookies::CSRF).filter(|t| t.len() == 43) {
                Some(t) => t,
                None => {
                    let t = relais_auth::random_token();
                    new_csrf_cookie = Some(t.clone());
                    t
                }
            }
        }
        None => String::new(),
    };

    let base_url = base_url(state, headers, secure);
    // The header's notification count, on pages of logged-in people.
    let unread = match (&user, g.kind) {
        (Some(u), Kind::Page) => state
            .store
            .unread_notifications(u.id)
            .await
            .map_err(|e| fail(e.into()))?,
        _ => 0,
    };
    let ctx = Ctx {
        locale,
        user,
        session,
        csrf,
        secure,
        base_url,
        client_ip,
        unread,
    };
    let deny = |e: AppError| (e, Some(ctx.clone()), path.clone());

    // The policy.
    let mut ws_ctx = None;
    match g.access {
        Access::Public => {}
        Access::User => {
            ctx.user
                .as_ref()
                .ok_or_else(|| deny(AppError::Unauthorized))?;
        }
        Access::Admin => {
            let u = ctx
                .user
                .as_ref()
                .ok_or_else(|| deny(AppError::Unauthorized))?;
            if !u.is_admin {
                return Err(deny(AppError::Forbidden));
            }
        }
        Access::Workspace(action) => {
            let u = ctx
                .user
                .as_ref()
                .ok_or_else(|| deny(AppError::Unauthorized))?;
            let Path(params) =
                Path::<HashMap<String, String>>::from_request_parts(&mut parts, state)
                    .await
                    .map_err(|_| deny(AppError::NotFound))?;
            let slug = params.get("slug").ok_or_else(|| deny(AppError::NotFound))?;
            let found = state
                .store
                .workspace_for_user(slug, u)
                .await
                .map_err(|e| deny(e.into()))?;
            // Not a member (or no such workspace): not found, so nothing leaks.
            let ws = found.ok_or_else(|| deny(AppError::NotFound))?;
            if !role_allows(ws.role, action) {
                return Err(deny(AppError::Forbidden));
            }
            ws_ctx = Some(WsCtx {
                workspace: ws.workspace,
                role: ws.role,
            });
        }
    }

    // CSRF: every state-changing page request carries the token in its form.
    let mut body = body;
    if g.kind == Kind::Page && !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS)
    {
        let bytes = axum::body::to_bytes(body, g.body_limit)
            .await
            .map_err(|e| deny(body_error(&e)))?;
        let multipart = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.starts_with("multipart/form-data"))
            .map(str::to_string);
        let sent = match multipart {
            // File uploads: the token is a field of the multipart body.
            Some(content_type) => multipart_csrf(&content_type, bytes.clone()).await,
            None => serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .ok()
                .and_then(|pairs| {
                    pairs
                        .into_iter()
                        .find(|(k, _)| k == "_csrf")
                        .map(|(_, v)| v)
                }),
        };
        let ok = sent.is_some_and(|s| relais_auth::constant_time_eq(&s, &ctx.csrf));
        if !ok {
            return Err(deny(AppError::Csrf));
        }
        body = Body::from(bytes);
    }

    parts.extensions.insert(ctx.clone());
    if let Some(ws) = ws_ctx {
        parts.extensions.insert(ws);
    }
    Ok((Request::from_parts(parts, body), ctx, new_csrf_cookie))
}

/// The `_csrf` field of a multipart form body, if it has one.
async fn multipart_csrf(content_type: &str, bytes: axum::body::Bytes) -> Option<String> {
    let req = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes))
        .ok()?;
    let mut form = axum::extract::Multipart::from_request(req, &())
        .await
        .ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("_csrf") {
            return field.text().await.ok();
        }
    }
    None
}

/// The language from `Accept-Language`, French when absent.
pub fn accept_language(headers: &HeaderMap) -> Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::negotiate)
        .unwrap_or_default()
}

fn base_url(state: &AppState, headers: &HeaderMap, secure: bool) -> String {
    let configured = state.config.server.public_url.trim_end_matches('/');
    if !configured.is_empty() {
        return configured.to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("{}://{host}", if secure { "https" } else { "http" })
}

/// Percent-encodes a path for the `next` parameter.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|v| v.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// Seconds until a throttled login may be tried again, rounded up to minutes.
pub fn minutes_ceil(d: Duration) -> i64 {
    (d.num_seconds() + 59) / 60
}

/// The current time (one place, so that tests could pin it later).
pub fn now() -> chrono::DateTime<Utc> {
    relais_store::time::now()
}

/// A body that could not be read: too large (413), or broken (400).
pub fn body_error(e: &axum::Error) -> AppError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return AppError::TooLarge;
        }
        source = err.source();
    }
    AppError::BadRequest(e.to_string())
}
