//! `POST /api/v1/lint`: the composer's checks on a text, the API twin of
//! `relais lint`.

use super::editorial::{FindingOut, NetworkReportOut};
use super::ApiJson;
use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::render::Problem;
use axum::{Extension, Json};
use relais_core::entry::EntryContent;
use relais_core::{Locale, Network};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The composer's report for `text` on `network`, with the entry's media, legal
/// flags and UGC record.
pub fn report(
    network: Network,
    text: &str,
    content: &EntryContent,
    locale: Locale,
) -> NetworkReportOut {
    let (length, limit, findings) = crate::adapters::check_post(network, text, content, locale);
    NetworkReportOut {
        network: network.as_str().to_string(),
        length,
        limit,
        findings: findings
            .iter()
            .map(|f| FindingOut::from(f.report(locale)))
            .collect(),
    }
}

/// A text to check.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LintRequest {
    /// Network slugs: bluesky, mastodon, x, linkedin, facebook_page, instagram, threads, tiktok, youtube, pinterest.
    pub networks: Vec<String>,
    pub text: String,
    /// The text's language for spelling: fr (default) or en.
    #[serde(default)]
    pub lang: Option<String>,
}

/// The report of every network asked.
#[derive(Debug, Serialize, ToSchema)]
pub struct LintOut {
    pub networks: Vec<NetworkReportOut>,
    /// Whether any finding is an error (`relais lint` exits with 1 then).
    pub has_errors: bool,
}

/// Runs the composer's checks on a text for each network.
#[utoipa::path(post, path = "/api/v1/lint", tag = "lint", request_body = LintRequest, responses((status = 200, body = LintOut), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn lint(
    Extension(ctx): Extension<Ctx>,
    ApiJson(body): ApiJson<LintRequest>,
) -> AppResult<Json<LintOut>> {
    let networks: Option<Vec<Network>> = body.networks.iter().map(|n| Network::parse(n)).collect();
    let networks = networks
        .filter(|n| !n.is_empty())
        .ok_or_else(|| AppError::field("networks", "api-network-invalid"))?;
    let lang = match body.lang.as_deref() {
        None => ctx.locale,
        Some(l) => Locale::parse(l).ok_or_else(|| AppError::field("lang", "locale-invalid"))?,
    };
    let content = EntryContent::default();
    let reports: Vec<NetworkReportOut> = networks
        .into_iter()
        .map(|n| report(n, &body.text, &content, lang))
        .collect();
    let has_errors = reports
        .iter()
        .any(|r| r.findings.iter().any(|f| f.severity == "error"));
    Ok(Json(LintOut {
        networks: reports,
        has_errors,
    }))
}
