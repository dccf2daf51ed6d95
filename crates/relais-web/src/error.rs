//! One error type for every handler, turned into a response in one place.
//!
//! A handler returns [`AppError`]; its `IntoResponse` gives a bare response that
//! carries the error as an extension. The outer error renderer ([`crate::render`])
//! turns every bare error response (ours, or a 404/405/408/413 from the router and
//! its layers) into an HTML page in the reader's language, or into
//! `application/problem+json` (RFC 9457) under `/api`. Internal errors are logged
//! once, there, and their details never reach the client.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_core::validate::FieldError;
use relais_store::StoreError;

/// What went wrong while handling a request.
#[derive(Debug, Clone)]
pub enum AppError {
    /// Not logged in (API: no or bad token).
    Unauthorized,
    /// Logged in, but the role does not allow it.
    Forbidden,
    /// Does not exist, or is not visible to the asker.
    NotFound,
    /// The form's CSRF token is missing or wrong.
    Csrf,
    /// The body could not be read (malformed form or JSON); the message says why.
    BadRequest(String),
    /// Fields are invalid.
    Invalid(Vec<FieldError>),
    /// A unique value is taken (field, i18n code).
    Conflict(FieldError),
    /// The request body is larger than `server.max_body_bytes`.
    TooLarge,
    /// Too many failed attempts; retry after this many seconds.
    TooManyRequests(u64),
    /// A bug or an outage; the detail is logged, never shown.
    Internal(String),
    /// Another server (a network's) did not answer usefully; the field names
    /// the address at fault (502).
    Upstream(FieldError),
    /// This server cannot do it as configured; `error-<code>` says why (503).
    Unavailable(&'static str),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Upstream(_) => StatusCode::BAD_GATEWAY,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn field(field: &'static str, code: &'static str) -> AppError {
        AppError::Invalid(vec![FieldError::new(field, code)])
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(field) => {
                AppError::Conflict(FieldError::new(field, taken_code(field)))
            }
            StoreError::Rule(rule) => AppError::field("role", rule_code(rule)),
            // Optimistic concurrency and the status workflow: the person's
            // request was refused, nothing was written (409/422, never a 500).
            StoreError::Stale => AppError::Conflict(FieldError::new("version", "api-stale")),
            StoreError::NotEditable => {
                AppError::Conflict(FieldError::new("status", "api-not-editable"))
            }
            StoreError::BadTransition { .. } => AppError::field("to", "api-bad-transition"),
            // Publishing: a delivery is on its way (it can no longer be
            // stopped), or the entry lacks what scheduling needs.
            StoreError::InFlight => AppError::Conflict(FieldError::new("status", "in-flight")),
            StoreError::Unschedulable(reason) => {
                let (field, code) = unschedulable(reason);
                AppError::field(field, code)
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// The field at fault and the i18n code (`error-…`) of each reason why an
/// entry cannot be scheduled (`StoreError::Unschedulable`).
pub fn unschedulable(reason: &str) -> (&'static str, &'static str) {
    match reason {
        "no_date" => ("starts_at", "unschedulable-no-date"),
        "no_account" => ("accounts", "unschedulable-no-account"),
        "nothing_to_publish" => ("body", "unschedulable-nothing-to-publish"),
        "partly_published" => ("status", "unschedulable-partly-published"),
        _ => ("status", "unschedulable-other"),
    }
}

/// The reasons `StoreError::Unschedulable` carries.
pub const UNSCHEDULABLE_REASONS: [&str; 4] = [
    "no_date",
    "no_account",
    "nothing_to_publish",
    "partly_published",
];

/// The i18n code for "this value is taken".
pub fn taken_code(field: &str) -> &'static str {
    match field {
        "email" => "taken-email",
        "slug" => "taken-slug",
        _ => "required",
    }
}

/// The i18n code of a membership rule.
pub fn rule_code(rule: relais_core::policy::MembershipRuleError) -> &'static str {
    match rule {
        relais_core::policy::MembershipRuleError::OwnerOnly => "owner-only",
        relais_core::policy::MembershipRuleError::LastOwner => "last-owner",
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        if let AppError::TooManyRequests(secs) = &self {
            if let Ok(v) = secs.to_string().parse() {
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        response.extensions_mut().insert(self);
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;
    use relais_core::entry::Status;

    #[test]
    fn refused_writes_are_client_errors_on_every_path() {
        // Pages and API handlers that do not special-case these still answer
        // 409/422 with the field at fault, never a 500.
        let stale: AppError = StoreError::Stale.into();
        assert_eq!(stale.into_response().status(), StatusCode::CONFLICT);
        let not_editable: AppError = StoreError::NotEditable.into();
        assert_eq!(not_editable.into_response().status(), StatusCode::CONFLICT);
        let bad: AppError = StoreError::BadTransition {
            from: Status::Draft,
            to: Status::Approved,
        }
        .into();
        assert_eq!(
            bad.into_response().status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }

    #[test]
    fn publishing_refusals_are_409_and_422_with_a_message_per_reason() {
        let in_flight: AppError = StoreError::InFlight.into();
        assert!(matches!(&in_flight, AppError::Conflict(f) if f.code == "in-flight"));
        assert_eq!(in_flight.into_response().status(), StatusCode::CONFLICT);
        let mut codes = Vec::new();
        for reason in UNSCHEDULABLE_REASONS {
            let e: AppError = StoreError::Unschedulable(reason).into();
            match &e {
                AppError::Invalid(f) => codes.push(f[0].code),
                other => panic!("{reason}: {other:?}"),
            }
            assert_eq!(e.into_response().status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(
            codes.len(),
            UNSCHEDULABLE_REASONS.len(),
            "one message per reason"
        );
        assert!(!codes.contains(&"unschedulable-other"));
    }
}
