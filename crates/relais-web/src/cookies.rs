//! The two cookies: the session and the anonymous CSRF token. Both HttpOnly,
//! SameSite=Lax, Path=/, and Secure behind TLS.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use cookie::{Cookie, SameSite};

pub const SESSION: &str = "relais_session";
pub const CSRF: &str = "relais_csrf";

/// The value of cookie `name` in the request, if any.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

fn build(name: &'static str, value: String, max_age: Option<i64>, secure: bool) -> Cookie<'static> {
    let mut c = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure);
    if let Some(secs) = max_age {
        c = c.max_age(cookie::time::Duration::seconds(secs));
    }
    c.build()
}

/// The session cookie. It lives as long as the browser session; the server ends
/// the session itself after `session_ttl_hours` without use.
pub fn session(token: &str, secure: bool) -> Cookie<'static> {
    build(SESSION, token.to_string(), None, secure)
}

/// A cookie that removes the session cookie.
pub fn session_cleared(secure: bool) -> Cookie<'static> {
    build(SESSION, String::new(), Some(0), secure)
}

/// The anonymous CSRF cookie (double-submit) for the login and invitation forms.
pub fn csrf(token: &str, secure: bool) -> Cookie<'static> {
    build(CSRF, token.to_string(), None, secure)
}

/// Adds a `Set-Cookie` header.
pub fn append(response: &mut Response, cookie: &Cookie<'_>) {
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}
