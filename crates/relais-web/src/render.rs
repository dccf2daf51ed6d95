//! Draws every error response: an HTML page in the reader's language, or a
//! problem document (RFC 9457) under `/api`.

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::guard::accept_language;
use crate::pages::{Base, ErrorPage};
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use relais_core::validate::FieldError;
use serde::Serialize;

/// The router's fallback: nothing matches this path.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// A problem document (RFC 9457), with the fields at fault.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The fields at fault, for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// One field at fault.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    /// The field's name in the request body.
    pub field: String,
    /// A stable code, e.g. `email-invalid`.
    pub code: String,
    /// The message in the reader's language.
    pub message: String,
    /// The character at fault in the field's text, from 1 (query and
    /// search texts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    /// How to fix it, in the reader's language, when there is more to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Replaces bare error responses (no body type) by a page or a problem document.
pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let fallback_locale = accept_language(req.headers());
    let path = req.uri().path().to_string();
    let mut response = next.run(req).await;
    let status = response.status();
    if status.as_u16() < 400 || response.headers().contains_key(header::CONTENT_TYPE) {
        return response;
    }
    let err = response.extensions_mut().remove::<AppError>();
    let ctx = response.extensions_mut().remove::<Ctx>();
    let locale = ctx.as_ref().map_or(fallback_locale, |c| c.locale);
    match &err {
        Some(AppError::Internal(detail)) => {
            tracing::error!(%status, path, detail, "internal error")
        }
        _ if status.is_server_error() => tracing::error!(%status, path, "server error"),
        _ => {}
    }
    let tr = Tr::new(&state, locale);
    let title = tr.t(&format!("error-title-{}", status.as_u16()));
    let (detail, fields) = match &err {
        Some(AppError::Csrf) => (tr.t("error-text-csrf"), vec![]),
        Some(AppError::BadRequest(msg)) => (format!("{} {msg}", tr.t("error-text-400")), vec![]),
        Some(AppError::Invalid(fields)) => (tr.t("error-text-422"), fields.clone()),
        Some(AppError::Conflict(field)) | Some(AppError::Upstream(field)) => {
            (tr.t(&format!("error-{}", field.code)), vec![field.clone()])
        }
        Some(AppError::Unavailable(code)) => (tr.t(&format!("error-{code}")), vec![]),
        _ => (tr.t(&format!("error-text-{}", status.as_u16())), vec![]),
    };
    let title = if matches!(err, Some(AppError::Csrf)) {
        tr.t("error-title-csrf")
    } else {
        title
    };
    let mut out = if is_api {
        problem(&tr, status, title, detail, &fields)
    } else {
        let page = ErrorPage {
            base: Base::new(&state, ctx.as_ref(), locale, title.clone()),
            status: status.as_u16(),
            detail,
            fields: fields
                .iter()
                .map(|f| tr.t(&format!("error-{}", f.code)))
                .collect(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "error page template failed");
                (status, title).into_response()
            }
        }
    };
    // Keep the headers that matter to the client.
    for name in [
        header::RETRY_AFTER,
        header::WWW_AUTHENTICATE,
        header::ALLOW,
        header::SET_COOKIE,
    ] {
        for v in response.headers().get_all(&name) {
            out.headers_mut().append(name.clone(), v.clone());
        }
    }
    out
}

/// Builds a problem+json response.
pub fn problem(
    tr: &Tr,
    status: StatusCode,
    title: String,
    detail: String,
    fields: &[FieldError],
) -> Response {
    let body = Problem {
        kind: if fields.is_empty() {
            "about:blank".into()
        } else {
            "/problems/invalid-fields".into()
        },
        title,
        status: status.as_u16(),
        detail,
        errors: fields
            .iter()
            .map(|f| ProblemField {
                field: f.field.to_string(),
                code: f.code.to_string(),
                message: tr.t(&format!("error-{}", f.code)),
                position: None,
                hint: None,
            })
            .collect(),
    };
    problem_response(body)
}

/// A problem document as a response, with its status and media type.
pub fn problem_response(body: Problem) -> Response {
    let status = StatusCode::from_u16(body.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = (status, axum::Json(body)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    r
}
