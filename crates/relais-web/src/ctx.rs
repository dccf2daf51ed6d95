//! What the guard learns about a request and hands to handlers.

use relais_core::model::{User, Workspace};
use relais_core::{Locale, Role, SessionId};

/// Which face of the application a route belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Server-rendered HTML, authenticated by session cookie, forms with CSRF tokens.
    Page,
    /// JSON under `/api/v1`, authenticated by `Authorization: Bearer` tokens only.
    Api,
    /// Health, metrics, static files: no identity at all.
    Plain,
}

/// The request context: who asks, in which language, with which CSRF token.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub locale: Locale,
    pub user: Option<User>,
    pub session: Option<SessionId>,
    /// The CSRF token to put in forms (the session's, or the anonymous cookie's).
    pub csrf: String,
    /// Whether cookies set now get the Secure attribute.
    pub secure: bool,
    /// `scheme://host` as the client reached us (or the configured public URL).
    pub base_url: String,
    /// The client's address, for login throttling.
    pub client_ip: String,
    /// Unread notifications of the logged-in person (pages only; 0 otherwise).
    pub unread: i64,
}

impl Ctx {
    /// The logged-in user. Routes whose access is not `Public` always have one.
    pub fn user(&self) -> Result<&User, crate::error::AppError> {
        self.user
            .as_ref()
            .ok_or(crate::error::AppError::Unauthorized)
    }
}

/// The workspace named in the path, and the asker's role in it.
#[derive(Debug, Clone)]
pub struct WsCtx {
    pub workspace: Workspace,
    pub role: Role,
}
