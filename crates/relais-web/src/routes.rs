//! The route table: every route with its method, path, kind and required access.
//!
//! The router is built from this table only, and each entry is wrapped in the
//! [`crate::guard`] with its [`Access`], so no route can exist without a policy.
//! Tests walk the same table against every role.

use crate::ctx::Kind;
use crate::guard::{guard, Guard};
use crate::{api, pages, AppState};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{on, MethodFilter, MethodRouter};
use relais_core::{Access, Action};

/// One route.
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub kind: Kind,
    pub access: Access,
    /// The largest body this route reads.
    pub body_limit: BodyLimit,
    handler: MethodRouter<AppState>,
}

/// How large a route's request body may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLimit {
    /// `server.max_body_bytes`.
    Default,
    /// `media.max_upload_bytes`, plus room for the form's other fields (H6).
    Media,
}

/// What a multipart upload carries besides the file (boundaries, headers, the
/// CSRF token, alt text).
pub const MULTIPART_SLACK: usize = 64 * 1024;

impl BodyLimit {
    pub fn bytes(self, config: &relais_config::Config) -> usize {
        match self {
            BodyLimit::Default => config.server.max_body_bytes,
            BodyLimit::Media => usize::try_from(config.media.max_upload_bytes)
                .unwrap_or(usize::MAX)
                .saturating_add(MULTIPART_SLACK),
        }
    }
}

impl RouteSpec {
    /// The handler wrapped in its guard.
    pub fn guarded(self, state: &AppState) -> MethodRouter<AppState> {
        let g = Guard {
            state: state.clone(),
            access: self.access,
            kind: self.kind,
            body_limit: self.body_limit.bytes(&state.config),
        };
        self.handler.route_layer(from_fn_with_state(g, guard))
    }
}

fn route<H, T>(
    method: Method,
    path: &'static str,
    kind: Kind,
    access: Access,
    handler: H,
) -> RouteSpec
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = match method.as_str() {
        "GET" => MethodFilter::GET,
        "POST" => MethodFilter::POST,
        "PATCH" => MethodFilter::PATCH,
        "PUT" => MethodFilter::PUT,
        _ => MethodFilter::DELETE,
    };
    RouteSpec {
        method,
        path,
        kind,
        access,
        body_limit: BodyLimit::Default,
        handler: on(filter, handler),
    }
}

impl RouteSpec {
    /// The same route with another body limit.
    fn limit(mut self, body_limit: BodyLimit) -> RouteSpec {
        self.body_limit = body_limit;
        self
    }
}

/// Every route of the application.
pub fn routes() -> Vec<RouteSpec> {
    use Access::{Admin, Public, User, Workspace as Ws};
    use Kind::{Api, Page, Plain};
    let (get, post, patch, delete) = (Method::GET, Method::POST, Method::PATCH, Method::DELETE);
    vec![
        // Operations.
        route(get.clone(), "/healthz", Plain, Public, pages::ops::healthz),
        route(get.clone(), "/readyz", Plain, Public, pages::ops::readyz),
        route(get.clone(), "/metrics", Plain, Public, pages::ops::metrics),
        route(
            get.clone(),
            "/static/app.css",
            Plain,
            Public,
            pages::ops::stylesheet,
        ),
        // Pages.
        route(get.clone(), "/login", Page, Public, pages::auth::login_page),
        route(post.clone(), "/login", Page, Public, pages::auth::login),
        route(post.clone(), "/logout", Page, User, pages::auth::logout),
        route(get.clone(), "/", Page, User, pages::workspaces::list),
        route(
            get.clone(),
            "/w/{slug}",
            Page,
            Ws(Action::ViewWorkspace),
            pages::workspaces::home,
        ),
        route(
            get.clone(),
            "/w/{slug}/members",
            Page,
            Ws(Action::ViewMembers),
            pages::members::page,
        ),
        route(
            post.clone(),
            "/w/{slug}/members",
            Page,
            Ws(Action::ManageMembers),
            pages::members::invite,
        ),
        route(
            post.clone(),
            "/w/{slug}/members/{user_id}/role",
            Page,
            Ws(Action::ManageMembers),
            pages::members::change_role,
        ),
        route(
            post.clone(),
            "/w/{slug}/members/{user_id}/remove",
            Page,
            Ws(Action::ManageMembers),
            pages::members::remove,
        ),
        route(
            get.clone(),
            "/w/{slug}/audit",
            Page,
            Ws(Action::ViewAudit),
            pages::workspaces::audit,
        ),
        route(get.clone(), "/settings", Page, User, pages::settings::page),
        route(
            post.clone(),
            "/settings/language",
            Page,
            User,
            pages::settings::language,
        ),
        route(
            post.clone(),
            "/settings/password",
            Page,
            User,
            pages::settings::password,
        ),
        route(
            post.clone(),
            "/settings/tokens",
            Page,
            User,
            pages::settings::create_token,
        ),
        route(
            post.clone(),
            "/settings/tokens/{id}/revoke",
            Page,
            User,
            pages::settings::revoke_token,
        ),
        route(get.clone(), "/admin", Page, Admin, pages::admin::page),
        route(
            post.clone(),
            "/admin/workspaces",
            Page,
            Admin,
            pages::admin::create_workspace,
        ),
        route(
            post.clone(),
            "/admin/users",
            Page,
            Admin,
            pages::admin::create_user,
        ),
        route(
            get.clone(),
            "/invite/{token}",
            Page,
            Public,
            pages::invite::page,
        ),
        route(
            post.clone(),
            "/invite/{token}",
            Page,
            Public,
            pages::invite::accept,
        ),
        // Calendar, charter, composer (H5a).
        route(
            get.clone(),
            "/w/{slug}/charter",
            Page,
            Ws(Action::ViewCharter),
            pages::charter::page,
        ),
        route(
            get.clone(),
            "/w/{slug}/charter/edit",
            Page,
            Ws(Action::EditCharter),
            pages::charter::edit,
        ),
        route(
            post.clone(),
            "/w/{slug}/charter",
            Page,
            Ws(Action::EditCharter),
            pages::charter::save,
        ),
        route(
            get.clone(),
            "/w/{slug}/charter/versions/{version}",
            Page,
            Ws(Action::ViewCharter),
            pages::charter::version,
        ),
        route(
            get.clone(),
            "/w/{slug}/calendar",
            Page,
            Ws(Action::ViewCalendar),
            pages::calendar::page,
        ),
        route(
            get.clone(),
            "/w/{slug}/accounts",
            Page,
            Ws(Action::ViewWorkspace),
            pages::accounts::page,
        ),
        route(
            post.clone(),
            "/w/{slug}/accounts",
            Page,
            Ws(Action::ManageWorkspace),
            pages::accounts::add,
        ),
        route(
            post.clone(),
            "/w/{slug}/accounts/{account_id}/delete",
            Page,
            Ws(Action::ManageWorkspace),
            pages::accounts::delete,
        ),
        route(
            get.clone(),
            "/static/composer.js",
            Plain,
            Public,
            pages::entries::script,
        ),
        route(
            get.clone(),
            "/w/{slug}/entries/new",
            Page,
            Ws(Action::EditCalendar),
            pages::entries::new,
        ),
        route(
            post.clone(),
            "/w/{slug}/entries",
            Page,
            Ws(Action::EditCalendar),
            pages::entries::create,
        ),
        route(
            post.clone(),
            "/w/{slug}/entries/count",
            Page,
            Ws(Action::EditCalendar),
            pages::entries::count,
        ),
        route(
            get.clone(),
            "/w/{slug}/entries/{entry_id}",
            Page,
            Ws(Action::ViewCalendar),
            pages::entries::show,
        ),
        route(
            post.clone(),
            "/w/{slug}/entries/{entry_id}",
            Page,
            Ws(Action::EditCalendar),
            pages::entries::save,
        ),
        route(
            post.clone(),
            "/w/{slug}/entries/{entry_id}/move",
            Page,
            Ws(Action::EditCalendar),
            pages::entries::move_entry,
        ),
        route(
            post.clone(),
            "/w/{slug}/entries/{entry_id}/status",
            Page,
            Ws(Action::EditCalendar),
            pages::entries::set_status,
        ),
        route(
            post.clone(),
            "/w/{slug}/entries/{entry_id}/comments",
            Page,
            Ws(Action::CommentEntries),
            pages::entries::comment,
        ),
        // End of H5a routes.
        // Approval, notifications, interop, API (H5b)
        route(
            get.clone(),
            "/w/{slug}/approvals",
            Page,
            Ws(Action::ViewCalendar),
            pages::approvals::page,
        ),
        route(
            post.clone(),
            "/w/{slug}/approvals/submit",
            Page,
            Ws(Action::EditCalendar),
            pages::approvals::submit,
        ),
        route(
            post.clone(),
            "/w/{slug}/approvals/week",
            Page,
            Ws(Action::ApproveEntries),
            pages::approvals::decide_week,
        ),
        route(
            post.clone(),
            "/w/{slug}/approvals/{entry_id}",
            Page,
            Ws(Action::ApproveEntries),
            pages::approvals::decide_one,
        ),
        route(
            get.clone(),
            "/notifications",
            Page,
            User,
            pages::notifications::page,
        ),
        route(
            post.clone(),
            "/notifications/read",
            Page,
            User,
            pages::notifications::mark_read,
        ),
        route(
            get.clone(),
            "/w/{slug}/calendar/import",
            Page,
            Ws(Action::ViewCalendar),
            pages::interop::import_page,
        ),
        route(
            post.clone(),
            "/w/{slug}/calendar/import",
            Page,
            Ws(Action::EditCalendar),
            pages::interop::import_preview,
        ),
        route(
            post.clone(),
            "/w/{slug}/calendar/import/confirm",
            Page,
            Ws(Action::EditCalendar),
            pages::interop::import_confirm,
        ),
        route(
            get.clone(),
            "/w/{slug}/calendar/export",
            Page,
            Ws(Action::ViewCalendar),
            pages::interop::export,
        ),
        route(
            get.clone(),
            "/w/{slug}/observances",
            Page,
            Ws(Action::ViewCalendar),
            pages::observances::page,
        ),
        route(
            post.clone(),
            "/w/{slug}/observances",
            Page,
            Ws(Action::EditCalendar),
            pages::observances::add,
        ),
        route(
            post.clone(),
            "/w/{slug}/observances/import",
            Page,
            Ws(Action::EditCalendar),
            pages::observances::import,
        ),
        route(
            post.clone(),
            "/w/{slug}/observances/{observance_id}/delete",
            Page,
            Ws(Action::EditCalendar),
            pages::observances::delete,
        ),
        // Veille: sources (OPML import/export), topics, the query tester (issue 5).
        route(
            get.clone(),
            "/w/{slug}/veille/sources",
            Page,
            Ws(Action::ViewVeille),
            pages::veille_sources::page,
        ),
        route(
            post.clone(),
            "/w/{slug}/veille/sources",
            Page,
            Ws(Action::EditVeille),
            pages::veille_sources::add,
        ),
        route(
            post.clone(),
            "/w/{slug}/veille/sources/import",
            Page,
            Ws(Action::EditVeille),
            pages::veille_sources::import,
        ),
        route(
            get.clone(),
            "/w/{slug}/veille/sources/export.opml",
            Page,
            Ws(Action::ViewVeille),
            pages::veille_sources::export,
        ),
        route(
            post.clone(),
            "/w/{slug}/veille/sources/{source_id}/enable",
            Page,
            Ws(Action::EditVeille),
            pages::veille_sources::enable,
        ),
        route(
            post.clone(),
            "/w/{slug}/veille/sources/{source_id}/disable",
            Page,
            Ws(Action::EditVeille),
            pages::veille_sources::disable,
        ),
        route(
            post.clone(),
            "/w/{slug}/veille/sources/{source_id}/delete",
            Page,
            Ws(Action::EditVeille),
            pages::veille_sources::delete,
        ),
        route(
            get.clone(),
            "/w/{slug}/veille/topics",
            Page,
            Ws(Action::ViewVeille),
            pages::veille_topics::page,
        ),
        route(
            post.clone(),
            "/w/{slug}/veille/topics",
            Page,
            Ws(Action::EditVeille),
            pages::veille_topics::create,
        ),
        route(
            get.clone(),
            "/w/{slug}/veille/topics/{topic_id}",
            Page,
            Ws(Action::EditVeille),
            pages::veille_topics::edit,
        ),
        route(
            post.clone(),
            "/w/{slug}/veille/topics/{topic_id}",
            Page,
            Ws(Action::EditVeille),
            pages::veille_topics::save,
        ),
        route(
            post.clone(),
            "/w/{slug}/veille/topics/{topic_id}/delete",
            Page,
            Ws(Action::EditVeille),
            pages::veille_topics::delete,
        ),
        route(
            get.clone(),
            "/w/{slug}/veille/test",
            Page,
            Ws(Action::ViewVeille),
            pages::veille_topics::test,
        ),
        route(
            get.clone(),
            "/w/{slug}/veille",
            Page,
            Ws(Action::ViewVeille),
            pages::veille::home,
        ),
        route(
            get.clone(),
            "/w/{slug}/veille/items",
            Page,
            Ws(Action::ViewVeille),
            pages::veille::items,
        ),
        route(
            get.clone(),
            "/w/{slug}/veille/items/{item_id}",
            Page,
            Ws(Action::ViewVeille),
            pages::veille::item,
        ),
        route(
            post.clone(),
            "/w/{slug}/veille/items/{item_id}",
            Page,
            Ws(Action::EditVeille),
            pages::veille::curate,
        ),
        route(
            get.clone(),
            "/w/{slug}/veille/alerts",
            Page,
            Ws(Action::ViewVeille),
            pages::veille::alerts,
        ),
        route(
            get.clone(),
            "/w/{slug}/veille/alerts/{alert_id}",
            Page,
            Ws(Action::ViewVeille),
            pages::veille::alert,
        ),
        route(
            get.clone(),
            "/w/{slug}/veille/digests",
            Page,
            Ws(Action::ViewVeille),
            pages::veille::digests,
        ),
        route(
            post.clone(),
            "/w/{slug}/veille/digests",
            Page,
            Ws(Action::EditVeille),
            pages::veille::digest_create,
        ),
        route(
            get.clone(),
            "/w/{slug}/veille/digests/{digest_id}",
            Page,
            Ws(Action::ViewVeille),
            pages::veille::digest,
        ),
        route(
            post.clone(),
            "/w/{slug}/veille/digests/{digest_id}/send",
            Page,
            Ws(Action::EditVeille),
            pages::veille::digest_send,
        ),
        route(
            post.clone(),
            "/w/{slug}/veille/feed",
            Page,
            Ws(Action::EditVeille),
            pages::veille::feed_create,
        ),
        route(
            post.clone(),
            "/w/{slug}/veille/feed/revoke",
            Page,
            Ws(Action::EditVeille),
            pages::veille::feed_revoke,
        ),
        route(
            get.clone(),
            "/veille/feeds/{token}",
            Plain,
            Public,
            pages::veille::public_feed,
        ),
        route(
            get.clone(),
            "/w/{slug}/feed",
            Page,
            Ws(Action::ManageWorkspace),
            pages::interop::feed_page,
        ),
        route(
            post.clone(),
            "/w/{slug}/feed",
            Page,
            Ws(Action::ManageWorkspace),
            pages::interop::feed_create,
        ),
        route(
            post.clone(),
            "/w/{slug}/feed/revoke",
            Page,
            Ws(Action::ManageWorkspace),
            pages::interop::feed_revoke,
        ),
        route(
            get.clone(),
            "/feeds/{token}",
            Plain,
            Public,
            pages::interop::feed,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}/charter",
            Api,
            Ws(Action::ViewCharter),
            api::editorial::get_charter,
        ),
        route(
            Method::PUT,
            "/api/v1/workspaces/{slug}/charter",
            Api,
            Ws(Action::EditCharter),
            api::editorial::put_charter,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}/charter/history",
            Api,
            Ws(Action::ViewCharter),
            api::editorial::charter_history,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}/accounts",
            Api,
            Ws(Action::ViewWorkspace),
            api::editorial::list_accounts,
        ),
        route(
            post.clone(),
            "/api/v1/workspaces/{slug}/accounts",
            Api,
            Ws(Action::ManageWorkspace),
            api::editorial::create_account,
        ),
        route(
            delete.clone(),
            "/api/v1/workspaces/{slug}/accounts/{account_id}",
            Api,
            Ws(Action::ManageWorkspace),
            api::editorial::delete_account,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}/entries",
            Api,
            Ws(Action::ViewCalendar),
            api::editorial::list_entries,
        ),
        route(
            post.clone(),
            "/api/v1/workspaces/{slug}/entries",
            Api,
            Ws(Action::EditCalendar),
            api::editorial::create_entry,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}/entries/{entry_id}",
            Api,
            Ws(Action::ViewCalendar),
            api::editorial::get_entry,
        ),
        route(
            patch.clone(),
            "/api/v1/workspaces/{slug}/entries/{entry_id}",
            Api,
            Ws(Action::EditCalendar),
            api::editorial::patch_entry,
        ),
        route(
            delete.clone(),
            "/api/v1/workspaces/{slug}/entries/{entry_id}",
            Api,
            Ws(Action::EditCalendar),
            api::editorial::delete_entry,
        ),
        route(
            post.clone(),
            "/api/v1/workspaces/{slug}/entries/{entry_id}/status",
            Api,
            Ws(Action::CommentEntries),
            api::editorial::change_status,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}/entries/{entry_id}/checklist",
            Api,
            Ws(Action::ViewCalendar),
            api::editorial::checklist,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}/entries/{entry_id}/comments",
            Api,
            Ws(Action::ViewCalendar),
            api::editorial::list_comments,
        ),
        route(
            post.clone(),
            "/api/v1/workspaces/{slug}/entries/{entry_id}/comments",
            Api,
            Ws(Action::CommentEntries),
            api::editorial::add_comment,
        ),
        route(
            post.clone(),
            "/api/v1/workspaces/{slug}/approvals",
            Api,
            Ws(Action::ApproveEntries),
            api::editorial::approve,
        ),
        route(
            post.clone(),
            "/api/v1/workspaces/{slug}/calendar/import",
            Api,
            Ws(Action::EditCalendar),
            api::editorial_interop::import,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}/calendar/export",
            Api,
            Ws(Action::ViewCalendar),
            api::editorial_interop::export,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}/observances",
            Api,
            Ws(Action::ViewCalendar),
            api::editorial_interop::list_observances,
        ),
        route(
            post.clone(),
            "/api/v1/workspaces/{slug}/observances",
            Api,
            Ws(Action::EditCalendar),
            api::editorial_interop::add_observance,
        ),
        route(
            post.clone(),
            "/api/v1/workspaces/{slug}/observances/import",
            Api,
            Ws(Action::EditCalendar),
            api::editorial_interop::import_observances,
        ),
        route(
            delete.clone(),
            "/api/v1/workspaces/{slug}/observances/{observance_id}",
            Api,
            Ws(Action::EditCalendar),
            api::editorial_interop::delete_observance,
        ),
        route(
            post.clone(),
            "/api/v1/lint",
            Api,
            User,
            api::editorial_lint::lint,
        ),
        // End of H5b routes.
        // Media (H6).
        route(
            get.clone(),
            "/w/{slug}/media",
            Page,
            Ws(Action::ViewCalendar),
            pages::media::page,
        ),
        route(
            post.clone(),
            "/w/{slug}/media",
            Page,
            Ws(Action::EditCalendar),
            pages::media::upload,
        )
        .limit(BodyLimit::Media),
        route(
            get.clone(),
            "/w/{slug}/media/{media_id}/thumbnail",
            Page,
            Ws(Action::ViewCalendar),
            pages::media::thumbnail,
        ),
        route(
            get.clone(),
            "/w/{slug}/media/{media_id}/file",
            Page,
            Ws(Action::ViewCalendar),
            pages::media::file,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}/media",
            Api,
            Ws(Action::ViewCalendar),
            api::media::list,
        ),
        route(
            post.clone(),
            "/api/v1/workspaces/{slug}/media",
            Api,
            Ws(Action::EditCalendar),
            api::media::upload,
        )
        .limit(BodyLimit::Media),
        // End of media routes (H6).
        // Publishing: connections, timelines, rescheduling (issue 4).
        route(
            get.clone(),
            "/w/{slug}/accounts/{account_id}/connect",
            Page,
            Ws(Action::ManageWorkspace),
            pages::connections::page,
        ),
        route(
            post.clone(),
            "/w/{slug}/accounts/{account_id}/connect",
            Page,
            Ws(Action::ManageWorkspace),
            pages::connections::connect,
        ),
        route(
            post.clone(),
            "/w/{slug}/accounts/{account_id}/mastodon/authorize",
            Page,
            Ws(Action::ManageWorkspace),
            pages::connections::authorize,
        ),
        route(
            get.clone(),
            "/w/{slug}/accounts/{account_id}/mastodon/callback",
            Page,
            Ws(Action::ManageWorkspace),
            pages::connections::callback,
        ),
        route(
            post.clone(),
            "/w/{slug}/accounts/{account_id}/disconnect",
            Page,
            Ws(Action::ManageWorkspace),
            pages::connections::disconnect,
        ),
        route(
            post.clone(),
            "/w/{slug}/entries/{entry_id}/reschedule",
            Page,
            Ws(Action::EditCalendar),
            pages::publication::reschedule,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}/entries/{entry_id}/deliveries",
            Api,
            Ws(Action::ViewCalendar),
            api::publishing::deliveries,
        ),
        route(
            post.clone(),
            "/api/v1/workspaces/{slug}/entries/{entry_id}/reschedule",
            Api,
            Ws(Action::EditCalendar),
            api::publishing::reschedule,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}/accounts/{account_id}/health",
            Api,
            Ws(Action::ViewWorkspace),
            api::publishing::health,
        ),
        route(
            Method::PUT,
            "/api/v1/workspaces/{slug}/accounts/{account_id}/connection",
            Api,
            Ws(Action::ManageWorkspace),
            api::publishing::put_connection,
        ),
        route(
            delete.clone(),
            "/api/v1/workspaces/{slug}/accounts/{account_id}/connection",
            Api,
            Ws(Action::ManageWorkspace),
            api::publishing::delete_connection,
        ),
        // End of publishing routes (issue 4).
        // JSON API.
        route(
            get.clone(),
            "/api/v1/openapi.json",
            Api,
            Public,
            api::openapi::document,
        ),
        route(get.clone(), "/api/v1/me", Api, User, api::me::get_me),
        route(patch.clone(), "/api/v1/me", Api, User, api::me::patch_me),
        route(
            get.clone(),
            "/api/v1/me/tokens",
            Api,
            User,
            api::me::list_tokens,
        ),
        route(
            post.clone(),
            "/api/v1/me/tokens",
            Api,
            User,
            api::me::create_token,
        ),
        route(
            delete.clone(),
            "/api/v1/me/tokens/{id}",
            Api,
            User,
            api::me::revoke_token,
        ),
        route(get.clone(), "/api/v1/users", Api, Admin, api::users::list),
        route(
            post.clone(),
            "/api/v1/users",
            Api,
            Admin,
            api::users::create,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces",
            Api,
            User,
            api::workspaces::list,
        ),
        route(
            post.clone(),
            "/api/v1/workspaces",
            Api,
            Admin,
            api::workspaces::create,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}",
            Api,
            Ws(Action::ViewWorkspace),
            api::workspaces::get_one,
        ),
        route(
            get.clone(),
            "/api/v1/workspaces/{slug}/members",
            Api,
            Ws(Action::ViewMembers),
            api::members::list,
        ),
        route(
            post.clone(),
            "/api/v1/workspaces/{slug}/members",
            Api,
            Ws(Action::ManageMembers),
            api::members::add,
        ),
        route(
            patch,
            "/api/v1/workspaces/{slug}/members/{user_id}",
            Api,
            Ws(Action::ManageMembers),
            api::members::change_role,
        ),
        route(
            delete,
            "/api/v1/workspaces/{slug}/members/{user_id}",
            Api,
            Ws(Action::ManageMembers),
            api::members::remove,
        ),
        route(
            get,
            "/api/v1/workspaces/{slug}/audit",
            Api,
            Ws(Action::ViewAudit),
            api::workspaces::audit,
        ),
    ]
}
