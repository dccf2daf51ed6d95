//! The OpenAPI document, generated from the handlers' annotations.

use crate::render::{Problem, ProblemField};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "relais API", description = "Workspaces, members, audit log and personal settings of relais. Authenticate with `Authorization: Bearer <token>` (create tokens in Settings or with `relais token create`). Errors are `application/problem+json` (RFC 9457)."),
    paths(
        super::me::get_me, super::me::patch_me, super::me::list_tokens, super::me::create_token, super::me::revoke_token,
        super::users::list, super::users::create,
        super::workspaces::list, super::workspaces::create, super::workspaces::get_one, super::workspaces::audit,
        super::members::list, super::members::add, super::members::change_role, super::members::remove,
        // Editorial (H5b).
        super::editorial::get_charter, super::editorial::put_charter, super::editorial::charter_history,
        super::editorial::list_accounts, super::editorial::create_account, super::editorial::delete_account,
        super::editorial::list_entries, super::editorial::create_entry, super::editorial::get_entry, super::editorial::patch_entry, super::editorial::delete_entry,
        super::editorial::change_status, super::editorial::checklist, super::editorial::list_comments, super::editorial::add_comment, super::editorial::approve,
        super::editorial_interop::import, super::editorial_interop::export,
        super::editorial_interop::list_observances, super::editorial_interop::add_observance, super::editorial_interop::import_observances, super::editorial_interop::delete_observance,
        super::editorial_lint::lint,
        // Media (H6).
        super::media::list, super::media::upload,
        // Publishing (issue 4).
        super::publishing::deliveries, super::publishing::reschedule,
        super::publishing::health, super::publishing::put_connection, super::publishing::delete_connection,
        // Veille (issue 5).
        super::veille::list_items, super::veille::list_topics, super::veille::create_topic, super::veille::topic_volume,
        super::veille::list_sources, super::veille::add_source, super::veille::list_alerts,
    ),
    components(schemas(Problem, ProblemField)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
