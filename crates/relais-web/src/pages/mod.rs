//! Server-rendered HTML pages, one module per resource.

pub mod admin;
pub mod auth;
pub mod invite;
pub mod members;
pub mod ops;
pub mod settings;
pub mod workspaces;
// Approval, notifications, interop (H5b).
pub mod approvals;
pub mod interop;
pub mod notifications;
pub mod observances;
// Veille: sources, topics and the query tester (issue 5).
pub mod veille_sources;
pub mod veille_topics;
pub mod veille_volume;
// Calendar, charter, composer (H5a).
pub mod accounts;
pub mod calendar;
pub mod charter;
pub mod checklist;
pub mod entries;
pub mod fields;
// Media library and uploads (H6).
pub mod media;
// Publishing: connected accounts, delivery timelines, rescheduling (issue 4).
pub mod connections;
pub mod publication;
pub mod veille;

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use relais_core::model::User;
use relais_core::Locale;

/// What the layout needs on every page.
pub struct Base {
    pub tr: Tr,
    pub user: Option<User>,
    pub csrf: String,
    pub title: String,
    /// Which top navigation entry is current (`workspaces`, `settings`, `admin`).
    pub current: &'static str,
    /// Unread notifications, for the header's link.
    pub unread: i64,
}

impl Base {
    pub fn new(state: &AppState, ctx: Option<&Ctx>, locale: Locale, title: String) -> Base {
        Base {
            tr: Tr::new(state, locale),
            user: ctx.and_then(|c| c.user.clone()),
            csrf: ctx.map(|c| c.csrf.clone()).unwrap_or_default(),
            title,
            current: "",
            unread: ctx.map_or(0, |c| c.unread),
        }
    }

    /// The base for a page, with its title from the message `title_key`.
    pub fn page(state: &AppState, ctx: &Ctx, title_key: &str, current: &'static str) -> Base {
        let tr = Tr::new(state, ctx.locale);
        let title = tr.t(title_key);
        Base {
            tr,
            user: ctx.user.clone(),
            csrf: ctx.csrf.clone(),
            title,
            current,
            unread: ctx.unread,
        }
    }

    /// The notifications link's accessible name, with the unread count.
    pub fn notifications_label(&self) -> String {
        self.tr.n(
            "nav-notifications-unread",
            usize::try_from(self.unread).unwrap_or(0),
        )
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_admin)
    }

    /// `aria-current="page"` for the current navigation entry.
    pub fn aria_current(&self, entry: &str) -> &'static str {
        if self.current == entry {
            "aria-current=\"page\""
        } else {
            ""
        }
    }
}

/// Any error, as a page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub base: Base,
    pub status: u16,
    pub detail: String,
    pub fields: Vec<String>,
}

/// Renders a template with a status.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Result<Response, AppError> {
    page.render()
        .map(|html| (status, Html(html)).into_response())
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

/// Renders a template with 200 OK.
pub fn ok<T: Template>(page: &T) -> Result<Response, AppError> {
    render(StatusCode::OK, page)
}
