//! The veille API (issue 5): items with the list's filters and full-text
//! search, topics (listed, created, their volume over time), sources (listed
//! with their polite-fetch figures, added) and spike alerts.
//!
//! The checks are the pages' own (`pages::veille_topics::topic_problems`,
//! `pages::veille_sources::check_source`, `pages::veille::search_items`);
//! this module only turns their refusals into problem documents, each field's
//! message in the caller's language.

use super::ApiJson;
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::pages::veille::{parse_day, search_items, search_problem_text, SearchFailure};
use crate::pages::veille_sources::{
    check_source, interval_error, AddForm, Problem as SourceProblem,
};
use crate::pages::veille_topics::{problem_text, topic_problems, TopicForm, TopicProblem};
use crate::render::{problem_response, Problem, ProblemField};
use crate::tr::Tr;
use crate::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Duration, Utc};
use relais_core::model::Actor;
use relais_core::veille::{volume_series, Alert, Polarity, Source, TopicRecord, VolumeRange};
use relais_core::{SourceId, TopicId};
use relais_store::{ItemFilter, ItemView, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Items per request when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 50;
/// Most items per request.
pub const MAX_LIMIT: i64 = 200;
/// Deepest offset accepted (a search reads `offset + limit` hits).
pub const MAX_OFFSET: i64 = 10_000;
/// Alerts listed, newest first.
pub const ALERTS_LISTED: i64 = 200;

// --- Problems ---------------------------------------------------------------------

/// One field at fault, its message already in the caller's language.
fn at(field: &str, code: &str, message: String) -> ProblemField {
    ProblemField {
        field: field.to_string(),
        code: code.to_string(),
        message,
        position: None,
        hint: None,
    }
}

/// A refusal naming its fields (422, or 409 for a taken name or address).
fn refuse(tr: &Tr, status: StatusCode, errors: Vec<ProblemField>) -> Response {
    let detail = match (status, errors.first()) {
        (StatusCode::CONFLICT, Some(f)) => f.message.clone(),
        _ => tr.t("error-text-422"),
    };
    problem_response(Problem {
        kind: "/problems/invalid-fields".into(),
        title: tr.t(&format!("error-title-{}", status.as_u16())),
        status: status.as_u16(),
        detail,
        errors,
    })
}

/// A query string axum could not read (a repeated parameter): 400.
fn bad_query(r: QueryRejection) -> AppError {
    AppError::BadRequest(r.body_text())
}

// --- Items ------------------------------------------------------------------------

/// Filters of the item list. With `q`, the items are those of a full-text
/// search (French and English stemming, accents ignored), best first;
/// without, newest first.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemParams {
    /// Only items of this topic (its id).
    #[param(value_type = Option<i64>)]
    pub topic: Option<String>,
    /// Only items of this source (its id).
    #[param(value_type = Option<i64>)]
    pub source: Option<String>,
    /// Only items in this language (`fr`, `en`…).
    pub lang: Option<String>,
    /// positive, neutral or negative.
    pub polarity: Option<String>,
    /// `true`: only starred items.
    #[param(value_type = Option<bool>)]
    pub starred: Option<String>,
    /// Only items with this tag.
    pub tag: Option<String>,
    /// Items published on or after this day (YYYY-MM-DD, UTC).
    pub from: Option<String>,
    /// Items published on or before this day (YYYY-MM-DD, UTC).
    pub to: Option<String>,
    /// Full-text search: words, "exact phrases", -excluded, OR.
    pub q: Option<String>,
    /// Items per request, 1 to 200 (50 when absent).
    #[param(value_type = Option<i64>)]
    pub limit: Option<String>,
    /// Items to skip, 0 to 10,000.
    #[param(value_type = Option<i64>)]
    pub offset: Option<String>,
}

/// A topic an item matched.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemTopicOut {
    pub id: i64,
    pub name: String,
}

/// A collected item, normalised and (once `analysed`) analysed, with its
/// curation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemOut {
    pub id: i64,
    pub title: String,
    pub text: String,
    pub url: Option<String>,
    /// The address without tracking parameters (`utm_*`…).
    pub canonical_url: Option<String>,
    pub author: Option<String>,
    /// Detected language (`fr`, `en`…).
    pub lang: Option<String>,
    pub published_at: DateTime<Utc>,
    /// positive, neutral or negative.
    pub polarity: String,
    /// The sentiment score, from -1 (negative) to 1 (positive).
    pub sentiment: f64,
    /// The story (near-duplicates told by several sources) it belongs to.
    pub cluster_id: i64,
    /// How many items tell the story, this one included.
    pub cluster_size: i64,
    pub topics: Vec<ItemTopicOut>,
    /// False while the item waits for analysis (seconds after it is
    /// collected): language, sentiment, story and topics are not given yet.
    pub analysed: bool,
    pub starred: bool,
    pub tags: Vec<String>,
    /// The impact note ("what this changes for us").
    pub note: String,
    /// The source it came from (null for items from a removed source).
    pub source_id: Option<i64>,
    pub source_title: String,
}

impl From<ItemView> for ItemOut {
    fn from(v: ItemView) -> Self {
        let i = v.item;
        ItemOut {
            id: i.id.0,
            title: i.title,
            text: i.text,
            url: i.url,
            canonical_url: i.canonical_url,
            author: i.author,
            lang: i.lang,
            published_at: i.published_at,
            polarity: i.polarity.as_str().to_string(),
            sentiment: i.sentiment,
            cluster_id: i.cluster_id,
            cluster_size: v.cluster_size,
            topics: v
                .topics
                .into_iter()
                .map(|(id, name)| ItemTopicOut { id: id.0, name })
                .collect(),
            analysed: i.analysed,
            starred: i.starred,
            tags: v.tags,
            note: i.note,
            source_id: i.source_id.map(|s| s.0),
            source_title: i.source_title,
        }
    }
}

/// A page of items.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemsOut {
    /// With `q`: how many items match the text and the filters the index
    /// knows (topic, source, language, polarity, dates); `starred` and `tag`
    /// then filter this page. Null without `q`.
    pub total: Option<usize>,
    pub items: Vec<ItemOut>,
}

/// Reads the filters; every parameter at fault is named.
fn item_filter(tr: &Tr, p: &ItemParams) -> Result<ItemFilter, Vec<ProblemField>> {
    let mut errors = Vec::new();
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut id = |name: &str, v: &Option<String>| match text(v) {
        None => None,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.push(at(name, "vapi-id-invalid", tr.t("vapi-error-id")));
                None
            }
        },
    };
    let topic = id("topic", &p.topic).map(TopicId);
    let source = id("source", &p.source).map(SourceId);
    let polarity = match text(&p.polarity) {
        None => None,
        Some(s) => {
            let parsed = Polarity::parse(&s.to_lowercase());
            if parsed.is_none() {
                errors.push(at(
                    "polarity",
                    "vapi-polarity-invalid",
                    tr.t("vapi-error-polarity"),
                ));
            }
            parsed
        }
    };
    let starred = match text(&p.starred).as_deref() {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(_) => {
            errors.push(at(
                "starred",
                "vapi-starred-invalid",
                tr.t("vapi-error-starred"),
            ));
            false
        }
    };
    let mut day = |name: &str, v: &Option<String>| match text(v) {
        None => None,
        Some(s) => {
            let d = parse_day(&s);
            if d.is_none() {
                errors.push(at(name, "vapi-date-invalid", tr.t("veille-error-date")));
            }
            d
        }
    };
    let from = day("from", &p.from);
    // The whole `to` day is included.
    let to = day("to", &p.to).map(|d| d + Duration::days(1));
    let mut bounded =
        |name: &str, v: &Option<String>, min: i64, max: i64, default: i64| match text(v) {
            None => default,
            Some(s) => match s.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => n,
                _ => {
                    let mut args = relais_i18n::FluentArgs::new();
                    args.set("min", min);
                    args.set("max", max);
                    let message = tr
                        .i18n()
                        .format(tr.locale, "vapi-error-bounded", Some(&args));
                    errors.push(at(name, "vapi-number-out-of-range", message));
                    default
                }
            },
        };
    let limit = bounded("limit", &p.limit, 1, MAX_LIMIT, DEFAULT_LIMIT);
    let offset = bounded("offset", &p.offset, 0, MAX_OFFSET, 0);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ItemFilter {
        topic,
        source,
        lang: text(&p.lang).map(|l| l.to_lowercase()),
        polarity,
        starred,
        tag: text(&p.tag),
        cluster: None,
        from,
        to,
        limit,
        offset,
    })
}

/// The workspace's items, filtered, or searched with `q`. 422 names the
/// parameter at fault; a search text that cannot be understood gives the
/// character at fault (`position`, from 1), a stable `code` and what to do
/// (`hint`). 503 when the server has no search index (filters still work).
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/veille/items", tag = "veille", params(("slug" = String, Path), ItemParams), responses((status = 200, body = ItemsOut), (status = 404, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)), security(("bearer" = [])))]
pub async fn list_items(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    params: Result<Query<ItemParams>, QueryRejection>,
) -> AppResult<Response> {
    let Query(p) = params.map_err(bad_query)?;
    let tr = Tr::new(&state, ctx.locale);
    let filter = match item_filter(&tr, &p) {
        Ok(f) => f,
        Err(errors) => return Ok(refuse(&tr, StatusCode::UNPROCESSABLE_ENTITY, errors)),
    };
    let id = ws.workspace.id;
    let text = p.q.as_deref().map(str::trim).unwrap_or("");
    if text.is_empty() {
        let items = state.store.list_items(id, &filter).await?;
        return Ok(Json(ItemsOut {
            total: None,
            items: items.into_iter().map(ItemOut::from).collect(),
        })
        .into_response());
    }
    let limit = usize::try_from(filter.limit).unwrap_or(0);
    match search_items(&state, id, text, &filter, limit).await? {
        Ok(found) => Ok(Json(ItemsOut {
            total: Some(found.total),
            items: found
                .items
                .into_iter()
                .map(|(view, _)| ItemOut::from(view))
                .collect(),
        })
        .into_response()),
        Err(SearchFailure::Query(e)) => {
            let (message, hint) = search_problem_text(&tr, &e);
            let field = ProblemField {
                position: Some(e.position + 1),
                hint: Some(hint),
                ..at("q", e.code, message)
            };
            Ok(refuse(&tr, StatusCode::UNPROCESSABLE_ENTITY, vec![field]))
        }
        Err(SearchFailure::Unavailable) => {
            let status = StatusCode::SERVICE_UNAVAILABLE;
            Ok(problem_response(Problem {
                kind: "about:blank".into(),
                title: tr.t("error-title-503"),
                status: status.as_u16(),
                detail: tr.t("veille-search-unavailable"),
                errors: Vec::new(),
            }))
        }
        Err(SearchFailure::Index(detail)) => Err(AppError::Internal(detail)),
    }
}

// --- Topics -----------------------------------------------------------------------

/// A topic: one kind of veille and a boolean query.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicOut {
    pub id: i64,
    pub name: String,
    /// trade, technology, competition or regulation.
    pub kind: String,
    /// The boolean query as typed.
    pub query: String,
    /// 1 when created, +1 per save.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<TopicRecord> for TopicOut {
    fn from(t: TopicRecord) -> Self {
        TopicOut {
            id: t.id.0,
            name: t.name,
            kind: t.kind.as_str().to_string(),
            query: t.query,
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// The workspace's topics, by name.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/veille/topics", tag = "veille", params(("slug" = String, Path)), responses((status = 200, body = [TopicOut]), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_topics(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Json<Vec<TopicOut>>> {
    let topics = state.store.list_topics(ws.workspace.id).await?;
    Ok(Json(topics.into_iter().map(TopicOut::from).collect()))
}

/// A new topic.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicIn {
    /// 1 to 100 characters, unique in the workspace.
    #[serde(default)]
    pub name: String,
    /// trade, technology, competition or regulation.
    #[serde(default)]
    pub kind: String,
    /// AND, OR, NOT, parentheses, "phrases", NEAR/n, NEAR/nf, `term*`, and
    /// the fields `title:`, `site:`, `author:`, `lang:`, `source:`; at most
    /// 4,096 characters.
    #[serde(default)]
    pub query: String,
}

/// Creates a topic (201). 422 names each field at fault and saves nothing;
/// a query the parser refuses gives the character at fault (`position`, from
/// 1), the problem's stable `code` (`unclosed-quote`…), its message and a
/// `hint`. 409 when the name is taken.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/veille/topics", tag = "veille", params(("slug" = String, Path)), request_body = TopicIn, responses((status = 201, body = TopicOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create_topic(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    ApiJson(body): ApiJson<TopicIn>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let form = TopicForm {
        name: body.name,
        kind: body.kind,
        query: body.query,
        version: String::new(),
    };
    let checked = match topic_problems(&form) {
        Ok(c) => c,
        Err(problems) => {
            let errors = problems
                .into_iter()
                .map(|p| match p {
                    TopicProblem::Name(key) => {
                        at("name", key.trim_start_matches("error-"), tr.t(key))
                    }
                    TopicProblem::Kind => {
                        at("kind", "vtopic-kind-invalid", tr.t("vtopic-error-kind"))
                    }
                    TopicProblem::Query(e) => {
                        let (message, hint) = problem_text(&tr, &e.problem);
                        ProblemField {
                            position: Some(e.position),
                            hint: Some(hint),
                            ..at("query", e.problem.code(), message)
                        }
                    }
                })
                .collect();
            return Ok(refuse(&tr, StatusCode::UNPROCESSABLE_ENTITY, errors));
        }
    };
    let user = ctx.user()?;
    match state
        .store
        .save_topic(
            &Actor::user(user),
            ws.workspace.id,
            None,
            &checked.name,
            checked.kind,
            &checked.query,
        )
        .await
    {
        Ok(t) => Ok((StatusCode::CREATED, Json(TopicOut::from(t))).into_response()),
        Err(StoreError::Conflict(_)) => Ok(refuse(
            &tr,
            StatusCode::CONFLICT,
            vec![at(
                "name",
                "vtopic-name-taken",
                tr.t("vtopic-error-name-taken"),
            )],
        )),
        Err(e) => Err(e.into()),
    }
}

/// The period of a topic's volume.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VolumeParams {
    /// 48h (hour by hour), 14d or 90d (day by day, UTC); 14d when absent.
    pub range: Option<String>,
}

/// One period of a topic's volume.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodOut {
    /// The hour or the UTC day it starts at.
    pub start: DateTime<Utc>,
    /// Items of the topic published in the period.
    pub total: i64,
    /// Of which negative.
    pub negative: i64,
}

/// A topic's volume over time.
#[derive(Debug, Serialize, ToSchema)]
pub struct VolumeOut {
    pub topic_id: i64,
    /// 48h, 14d or 90d.
    pub range: String,
    /// Every period, oldest first, the current one last (zeros included).
    pub periods: Vec<PeriodOut>,
}

/// A topic's volume: items and negative items per hour (48h) or per day
/// (14d, 90d). 404 for a topic of another workspace.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/veille/topics/{topic_id}/volume", tag = "veille", params(("slug" = String, Path), ("topic_id" = i64, Path), VolumeParams), responses((status = 200, body = VolumeOut), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn topic_volume(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, topic_id)): Path<(String, i64)>,
    params: Result<Query<VolumeParams>, QueryRejection>,
) -> AppResult<Response> {
    let Query(p) = params.map_err(bad_query)?;
    let tr = Tr::new(&state, ctx.locale);
    let topic = state
        .store
        .topic(ws.workspace.id, TopicId(topic_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let range = match p.range.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => VolumeRange::Days14,
        Some(r) => match VolumeRange::parse(r) {
            Some(r) => r,
            None => {
                let field = at("range", "vapi-range-invalid", tr.t("vapi-error-range"));
                return Ok(refuse(&tr, StatusCode::UNPROCESSABLE_ENTITY, vec![field]));
            }
        },
    };
    let first = range.first_period(crate::guard::now());
    let end = first + range.step() * range.periods() as i32;
    let hours: Vec<_> = state
        .store
        .topic_volume(topic.id, first, end)
        .await?
        .into_iter()
        .map(|h| (h.hour, h.total, h.negative))
        .collect();
    Ok(Json(VolumeOut {
        topic_id: topic.id.0,
        range: range.as_str().to_string(),
        periods: volume_series(range, first, &hours)
            .into_iter()
            .map(|p| PeriodOut {
                start: p.start,
                total: p.total,
                negative: p.negative,
            })
            .collect(),
    })
    .into_response())
}

// --- Sources ----------------------------------------------------------------------

/// A source with its polite-fetch figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceOut {
    pub id: i64,
    /// feed, page, bluesky (a firehose), jetstream, mastodon_tag or
    /// mastodon_public.
    pub kind: String,
    pub url: String,
    /// The CSS selector of a watched page.
    pub selector: String,
    /// The hashtag of a Mastodon tag timeline.
    pub tag: String,
    pub title: String,
    pub category: String,
    /// Minutes between two reads (streams are read continuously).
    pub interval_minutes: i64,
    /// active, failing or disabled (the worker turns off sources dead for
    /// days, saying why in `failure_reason`).
    pub state: String,
    /// Why the last reads failed (empty when they did not).
    pub failure_reason: String,
    /// Failed reads in a row.
    pub failures: i64,
    pub last_fetch_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub next_fetch_at: DateTime<Utc>,
    /// Requests made.
    pub fetches: i64,
    /// Of which answered 304 Not Modified.
    pub not_modified: i64,
    pub bytes_downloaded: i64,
    /// Bytes not downloaded again thanks to 304 answers.
    pub bytes_saved: i64,
    /// Items collected from it.
    pub items: i64,
    pub created_at: DateTime<Utc>,
}

impl From<Source> for SourceOut {
    fn from(s: Source) -> Self {
        SourceOut {
            id: s.id.0,
            kind: s.kind.as_str().to_string(),
            url: s.url,
            selector: s.selector,
            tag: s.tag,
            title: s.title,
            category: s.category,
            interval_minutes: s.interval_secs / 60,
            state: s.state.as_str().to_string(),
            failure_reason: s.last_error,
            failures: s.failures,
            last_fetch_at: s.last_fetch_at,
            last_success_at: s.last_success_at,
            next_fetch_at: s.next_fetch_at,
            fetches: s.fetches,
            not_modified: s.not_modified,
            bytes_downloaded: s.bytes_downloaded,
            bytes_saved: s.bytes_saved,
            items: s.items_total,
            created_at: s.created_at,
        }
    }
}

/// The workspace's sources.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/veille/sources", tag = "veille", params(("slug" = String, Path)), responses((status = 200, body = [SourceOut]), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_sources(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Json<Vec<SourceOut>>> {
    let sources = state.store.list_sources(ws.workspace.id).await?;
    Ok(Json(sources.into_iter().map(SourceOut::from).collect()))
}

/// A new source, as the sources page takes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceIn {
    /// feed, page, bluesky (a firehose), jetstream, mastodon_tag or
    /// mastodon_public.
    #[serde(default)]
    pub kind: String,
    /// http(s) for feeds, pages and Mastodon; ws(s) or http(s) for streams.
    #[serde(default)]
    pub url: String,
    /// page: the CSS selector of the part to watch.
    #[serde(default)]
    pub selector: String,
    /// mastodon_tag: the hashtag (with or without `#`).
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub category: String,
    /// Minutes between two reads (60 when absent).
    #[serde(default)]
    pub interval: Option<i64>,
}

/// Adds a source (201), checked as the sources page checks it (the address
/// for its kind, the selector, the hashtag, the interval's bounds); whether
/// an address is reachable and allowed (no private or loopback addresses) is
/// checked at every fetch and shows in the source's state. 422 names each
/// field at fault and saves nothing; 409 when the workspace already watches
/// it.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/veille/sources", tag = "veille", params(("slug" = String, Path)), request_body = SourceIn, responses((status = 201, body = SourceOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn add_source(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    ApiJson(body): ApiJson<SourceIn>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let form = AddForm {
        kind: body.kind,
        url: body.url,
        selector: body.selector,
        tag: body.tag,
        title: body.title,
        category: body.category,
        interval: body.interval.map(|m| m.to_string()).unwrap_or_default(),
    };
    let new = match check_source(&form) {
        Ok(new) => new,
        Err(problems) => {
            let errors = problems
                .into_iter()
                .map(|p| match p {
                    SourceProblem::Key(field, key) => {
                        at(field, key.trim_start_matches("error-"), tr.t(key))
                    }
                    SourceProblem::Interval => {
                        at("interval", "vsource-error-interval", interval_error(&tr))
                    }
                })
                .collect();
            return Ok(refuse(&tr, StatusCode::UNPROCESSABLE_ENTITY, errors));
        }
    };
    let user = ctx.user()?;
    match state
        .store
        .add_source(&Actor::user(user), ws.workspace.id, &new)
        .await
    {
        Ok(s) => Ok((StatusCode::CREATED, Json(SourceOut::from(s))).into_response()),
        Err(StoreError::Conflict(_)) => Ok(refuse(
            &tr,
            StatusCode::CONFLICT,
            vec![at(
                "url",
                "vsource-error-duplicate",
                tr.t("vsource-error-duplicate"),
            )],
        )),
        Err(e) => Err(e.into()),
    }
}

// --- Alerts -----------------------------------------------------------------------

/// A spike alert.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertOut {
    pub id: i64,
    pub topic_id: i64,
    pub topic_name: String,
    /// volume (the hour beyond its baseline) or negative (the share of
    /// negative items jumped).
    pub kind: String,
    /// The hour it is about.
    pub hour: DateTime<Utc>,
    /// Items seen in the hour.
    pub observed: i64,
    /// The same hours of the past days, on average.
    pub baseline: f64,
    /// The count (or share) the hour had to exceed.
    pub threshold: f64,
    pub negative_share: Option<f64>,
    pub created_at: DateTime<Utc>,
}

impl From<Alert> for AlertOut {
    fn from(a: Alert) -> Self {
        AlertOut {
            id: a.id.0,
            topic_id: a.topic_id.0,
            topic_name: a.topic_name,
            kind: a.kind.as_str().to_string(),
            hour: a.hour,
            observed: a.observed,
            baseline: a.baseline,
            threshold: a.threshold,
            negative_share: a.negative_share,
            created_at: a.created_at,
        }
    }
}

/// The workspace's latest spike alerts (200), newest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/veille/alerts", tag = "veille", params(("slug" = String, Path)), responses((status = 200, body = [AlertOut]), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_alerts(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Json<Vec<AlertOut>>> {
    let alerts = state
        .store
        .list_alerts(ws.workspace.id, ALERTS_LISTED)
        .await?;
    Ok(Json(alerts.into_iter().map(AlertOut::from).collect()))
}
