//! Veille pages: the overview, items (filters and full-text search), one
//! item with its story and curation, spike alerts, digests (built from
//! curated items, printable, sent by e-mail) and the secret feed of curated
//! items (001 C1.1–C1.3).

use super::{ok, render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::forms::{escape, FormState, PageForm};
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use relais_core::model::{Actor, Workspace};
use relais_core::policy::role_allows;
use relais_core::veille::{Alert, Digest, Polarity, Source, TopicRecord, VeilleKind};
use relais_core::{Action, AlertId, DigestId, ItemId, SourceId, TopicId};
use relais_store::{ItemFilter, ItemView};
use serde::Deserialize;

/// Items per page of the list.
const PAGE_SIZE: i64 = 50;

/// The part of veille a page belongs to (its sub-navigation).
pub struct VeilleNav {
    pub slug: String,
    pub current: &'static str,
    pub can_edit: bool,
}

impl VeilleNav {
    pub(crate) fn new(ws: &WsCtx, current: &'static str) -> VeilleNav {
        VeilleNav {
            slug: ws.workspace.slug.clone(),
            current,
            can_edit: role_allows(ws.role, Action::EditVeille),
        }
    }
}

/// An item as the lists draw it.
pub struct ItemRow {
    pub view: ItemView,
    /// Highlighted title and passage (escaped HTML with `<mark>`), from a
    /// search; else the plain text.
    pub title_html: String,
    pub excerpt_html: String,
}

impl ItemRow {
    fn plain(view: ItemView) -> ItemRow {
        let title = if view.item.title.is_empty() {
            excerpt(&view.item.text, 80)
        } else {
            view.item.title.clone()
        };
        ItemRow {
            title_html: escape(&title),
            excerpt_html: escape(&excerpt(&view.item.text, 280)),
            view,
        }
    }
}

/// The first `max` characters of a text, on a word boundary, with "…".
pub fn excerpt(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

/// A search snippet as escaped HTML with its highlights in `<mark>`.
fn highlight(s: &relais_search::Snippet) -> String {
    let mut out = String::new();
    if s.ellipsis_before {
        out.push('…');
    }
    let mut at = 0;
    for r in &s.highlights {
        if r.start < at || r.end > s.fragment.len() {
            continue;
        }
        out.push_str(&escape(s.fragment.get(at..r.start).unwrap_or("")));
        out.push_str("<mark>");
        out.push_str(&escape(s.fragment.get(r.clone()).unwrap_or("")));
        out.push_str("</mark>");
        at = r.end;
    }
    out.push_str(&escape(s.fragment.get(at..).unwrap_or("")));
    if s.ellipsis_after {
        out.push('…');
    }
    out
}

fn polarity_key(p: Polarity) -> &'static str {
    match p {
        Polarity::Positive => "veille-polarity-positive",
        Polarity::Neutral => "veille-polarity-neutral",
        Polarity::Negative => "veille-polarity-negative",
    }
}

fn kind_key(k: VeilleKind) -> &'static str {
    match k {
        VeilleKind::Trade => "veille-kind-trade",
        VeilleKind::Technology => "veille-kind-technology",
        VeilleKind::Competition => "veille-kind-competition",
        VeilleKind::Regulation => "veille-kind-regulation",
    }
}

// ---- overview ----

pub struct TopicSummary {
    pub topic: TopicRecord,
    pub last_day: i64,
    pub last_week: i64,
    pub negative_week: i64,
}

pub struct KindGroup {
    pub label: String,
    pub topics: Vec<TopicSummary>,
}

#[derive(Template)]
#[template(path = "veille_home.html")]
pub struct HomePage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub nav: VeilleNav,
    pub veille_section: &'static str,
    pub groups: Vec<KindGroup>,
    pub alerts: Vec<Alert>,
    pub items: Vec<ItemRow>,
    pub sources: usize,
    pub failing: usize,
}

impl HomePage {
    pub fn polarity(&self, p: &Polarity) -> String {
        self.base.tr.t(polarity_key(*p))
    }
}

/// `GET /w/{slug}/veille`
pub async fn home(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Response> {
    let id = ws.workspace.id;
    let now = crate::guard::now();
    let topics = state.store.list_topics(id).await?;
    let mut groups: Vec<KindGroup> = Vec::new();
    let tr = Tr::new(&state, ctx.locale);
    for kind in VeilleKind::ALL {
        let mut summaries = Vec::new();
        for t in topics.iter().filter(|t| t.kind == *kind) {
            let week = state
                .store
                .topic_volume(t.id, now - Duration::days(7), now + Duration::hours(1))
                .await?;
            let day_start = now - Duration::hours(24);
            summaries.push(TopicSummary {
                topic: t.clone(),
                last_day: week
                    .iter()
                    .filter(|v| v.hour >= relais_store::hour_of(day_start))
                    .map(|v| v.total)
                    .sum(),
                last_week: week.iter().map(|v| v.total).sum(),
                negative_week: week.iter().map(|v| v.negative).sum(),
            });
        }
        groups.push(KindGroup {
            label: tr.t(kind_key(*kind)),
            topics: summaries,
        });
    }
    let alerts = state.store.list_alerts(id, 5).await?;
    let items = state
        .store
        .list_items(
            id,
            &ItemFilter {
                limit: 10,
                ..ItemFilter::default()
            },
        )
        .await?
        .into_iter()
        .map(ItemRow::plain)
        .collect();
    let sources = state.store.list_sources(id).await?;
    let failing = sources
        .iter()
        .filter(|s| s.state != relais_core::veille::SourceState::Active)
        .count();
    ok(&HomePage {
        base: Base::page(&state, &ctx, "veille-title", "workspaces"),
        ws: ws.workspace.clone(),
        section: "veille",
        can_audit: role_allows(ws.role, Action::ViewAudit),
        nav: VeilleNav::new(&ws, "home"),
        veille_section: "home",
        groups,
        alerts,
        items,
        sources: sources.len(),
        failing,
    })
}

// ---- items ----

#[derive(Debug, Default, Deserialize)]
pub struct ItemsQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    polarity: String,
    #[serde(default)]
    starred: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    cluster: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// An instant (RFC 3339): the alert's hour, from the alerts page.
    #[serde(default)]
    hour: String,
    #[serde(default)]
    page: String,
}

#[derive(Template)]
#[template(path = "veille_items.html")]
pub struct ItemsPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub nav: VeilleNav,
    pub veille_section: &'static str,
    pub q: ItemsQueryView,
    pub topics: Vec<TopicRecord>,
    pub sources: Vec<Source>,
    pub tags: Vec<(String, i64)>,
    pub items: Vec<ItemRow>,
    pub total: Option<usize>,
    pub error: Option<String>,
    pub page: i64,
    pub next_page: Option<String>,
    pub prev_page: Option<String>,
}

/// The filters as typed, to fill the form again.
#[derive(Default)]
pub struct ItemsQueryView {
    pub q: String,
    pub topic: Option<i64>,
    pub source: Option<i64>,
    pub lang: String,
    pub polarity: String,
    pub starred: bool,
    pub tag: String,
    pub from: String,
    pub to: String,
}

impl ItemsPage {
    pub fn polarity(&self, p: &Polarity) -> String {
        self.base.tr.t(polarity_key(*p))
    }

    pub fn topic_chosen(&self, id: &TopicId) -> bool {
        self.q.topic == Some(id.0)
    }

    pub fn source_chosen(&self, id: &SourceId) -> bool {
        self.q.source == Some(id.0)
    }

    /// "N items match" after a search, else how many are shown.
    pub fn count_line(&self) -> String {
        match self.total {
            Some(n) => self.base.tr.n("veille-results-count", n),
            None => self.base.tr.n("veille-items-shown", self.items.len()),
        }
    }
}

/// A day typed as `YYYY-MM-DD`, as the instant it starts (UTC).
pub fn parse_day(s: &str) -> Option<DateTime<Utc>> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()?;
    Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?))
}

/// `GET /w/{slug}/veille/items`: filters, and a search when `q` is given.
pub async fn items(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<ItemsQuery>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let id = ws.workspace.id;
    let page: i64 = q.page.parse().unwrap_or(1).clamp(1, 200);
    let mut error = None;
    let mut filter = ItemFilter {
        topic: q.topic.parse().ok().map(TopicId),
        source: q.source.parse().ok().map(SourceId),
        lang: Some(q.lang.trim().to_lowercase()).filter(|l| !l.is_empty()),
        polarity: Polarity::parse(&q.polarity),
        starred: q.starred == "1",
        tag: Some(q.tag.trim().to_string()).filter(|t| !t.is_empty()),
        cluster: q.cluster.parse().ok(),
        from: None,
        to: None,
        limit: PAGE_SIZE + 1,
        offset: (page - 1) * PAGE_SIZE,
    };
    if !q.from.trim().is_empty() {
        filter.from = parse_day(&q.from);
        if filter.from.is_none() {
            error = Some(tr.t("veille-error-date"));
        }
    }
    if !q.to.trim().is_empty() {
        filter.to = parse_day(&q.to).map(|d| d + Duration::days(1));
        if filter.to.is_none() {
            error = Some(tr.t("veille-error-date"));
        }
    }
    if let Ok(hour) = DateTime::parse_from_rfc3339(q.hour.trim()) {
        let hour = hour.with_timezone(&Utc);
        filter.from = Some(hour);
        filter.to = Some(hour + Duration::hours(1));
    }
    let mut total = None;
    let mut rows: Vec<ItemRow> = Vec::new();
    if error.is_none() {
        let text = q.q.trim();
        if text.is_empty() {
            rows = state
                .store
                .list_items(id, &filter)
                .await?
                .into_iter()
                .map(ItemRow::plain)
                .collect();
        } else {
            match search_items(&state, id, text, &filter, (PAGE_SIZE as usize) * 4).await? {
                Ok(found) => {
                    total = Some(found.total);
                    rows = found
                        .items
                        .into_iter()
                        .map(|(view, hit)| match hit {
                            Some(h) => ItemRow {
                                title_html: if h.title.fragment.is_empty() {
                                    escape(&excerpt(&view.item.text, 80))
                                } else {
                                    highlight(&h.title)
                                },
                                excerpt_html: highlight(&h.snippet),
                                view,
                            },
                            None => ItemRow::plain(view),
                        })
                        .collect();
                }
                Err(msg) => error = Some(msg.message(&tr)),
            }
        }
    }
    let has_more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let page_link = |p: i64| {
        let mut pairs: Vec<(String, String)> = raw
            .as_deref()
            .map(|r| serde_urlencoded::from_str::<Vec<(String, String)>>(r).unwrap_or_default())
            .unwrap_or_default();
        pairs.retain(|(k, _)| k != "page");
        pairs.push(("page".into(), p.to_string()));
        format!(
            "/w/{}/veille/items?{}",
            ws.workspace.slug,
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let next_page = match total {
        Some(n) => ((page * PAGE_SIZE) < n as i64).then(|| page_link(page + 1)),
        None => has_more.then(|| page_link(page + 1)),
    };
    let prev_page = (page > 1).then(|| page_link(page - 1));
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        status,
        &ItemsPage {
            base: Base::page(&state, &ctx, "veille-items-title", "workspaces"),
            ws: ws.workspace.clone(),
            section: "veille",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            nav: VeilleNav::new(&ws, "items"),
            veille_section: "items",
            q: ItemsQueryView {
                q: q.q.clone(),
                topic: filter.topic.map(|t| t.0),
                source: filter.source.map(|s| s.0),
                lang: q.lang.clone(),
                polarity: q.polarity.clone(),
                starred: filter.starred,
                tag: q.tag.clone(),
                from: q.from.clone(),
                to: q.to.clone(),
            },
            topics: state.store.list_topics(id).await?,
            sources: state.store.list_sources(id).await?,
            tags: state.store.item_tags(id).await?,
            items: rows,
            total,
            error,
            page,
            next_page,
            prev_page,
        },
    )
}

/// Why a search could not run.
pub enum SearchFailure {
    /// The server has no search index.
    Unavailable,
    /// The search text cannot be understood.
    Query(relais_search::QueryError),
    /// The index failed (the detail is for the logs).
    Index(String),
}

/// A search text's problem and how to fix it, in the reader's language.
pub fn search_problem_text(tr: &Tr, e: &relais_search::QueryError) -> (String, String) {
    let mut args = relais_i18n::FluentArgs::new();
    args.set("count", e.count);
    args.set("max-chars", relais_search::MAX_QUERY_CHARS);
    args.set("max-words", relais_search::MAX_QUERY_CLAUSES);
    let key = format!("vsearch-{}", e.code);
    let i18n = tr.i18n();
    (
        i18n.format(tr.locale, &key, Some(&args)),
        i18n.format(tr.locale, &format!("{key}-hint"), Some(&args)),
    )
}

impl SearchFailure {
    fn message(&self, tr: &Tr) -> String {
        match self {
            SearchFailure::Unavailable => tr.t("veille-search-unavailable"),
            SearchFailure::Query(e) => {
                let (message, hint) = search_problem_text(tr, e);
                let reason = format!("{message} ({hint})");
                tr.t1("veille-search-bad-query", "reason", &reason)
            }
            SearchFailure::Index(m) => tr.t1("veille-search-failed", "reason", m),
        }
    }
}

/// What a search found: how many items match the text and the index's
/// filters, and this page of them with their hits.
pub struct Found {
    pub total: usize,
    pub items: Vec<(ItemView, Option<relais_search::Hit>)>,
}

/// Searches the workspace's items for `text`, filtered by `f` (its topic,
/// source, language, polarity and dates in the index; the index knows no
/// curation, so stars, tags and stories filter the hits), reading `limit`
/// hits from `f.offset`.
pub async fn search_items(
    state: &AppState,
    ws: relais_core::WorkspaceId,
    text: &str,
    f: &ItemFilter,
    limit: usize,
) -> AppResult<Result<Found, SearchFailure>> {
    let (total, hits) = match search(state, ws.0, text, f, limit) {
        Ok(found) => found,
        Err(e) => return Ok(Err(e)),
    };
    let ids: Vec<ItemId> = hits.iter().map(|h| ItemId(h.item_id)).collect();
    let views = state.store.items_by_ids(ws, &ids).await?;
    let items = views
        .into_iter()
        .filter(|v| !f.starred || v.item.starred)
        .filter(|v| f.tag.as_ref().is_none_or(|t| v.tags.contains(t)))
        .filter(|v| f.cluster.is_none_or(|c| v.item.cluster_id == c))
        .map(|view| {
            let hit = hits.iter().find(|h| h.item_id == view.item.id.0).cloned();
            (view, hit)
        })
        .collect();
    Ok(Ok(Found { total, items }))
}

fn search(
    state: &AppState,
    ws: i64,
    text: &str,
    f: &ItemFilter,
    limit: usize,
) -> Result<(usize, Vec<relais_search::Hit>), SearchFailure> {
    let index = state.search().ok_or(SearchFailure::Unavailable)?;
    let mut q = relais_search::SearchQuery::new(ws, text);
    q.topic_id = f.topic.map(|t| t.0);
    q.source_id = f.source.map(|s| s.0);
    q.lang = f.lang.clone();
    q.sentiment = f.polarity.map(|p| match p {
        Polarity::Positive => relais_search::Sentiment::Positive,
        Polarity::Neutral => relais_search::Sentiment::Neutral,
        Polarity::Negative => relais_search::Sentiment::Negative,
    });
    q.from = f.from;
    q.to = f.to;
    q.limit = limit;
    q.offset = f.offset.max(0) as usize;
    match index.search(&q) {
        Ok(r) => Ok((r.total, r.hits)),
        Err(relais_search::SearchError::Query(e)) => Err(SearchFailure::Query(e)),
        Err(e) => Err(SearchFailure::Index(e.to_string())),
    }
}

// ---- one item ----

#[derive(Template)]
#[template(path = "veille_item.html")]
pub struct ItemPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub nav: VeilleNav,
    pub veille_section: &'static str,
    pub item: ItemView,
    pub story: Vec<ItemView>,
    pub form: FormState,
    pub notice: Option<String>,
}

impl ItemPage {
    pub fn polarity(&self, p: &Polarity) -> String {
        self.base.tr.t(polarity_key(*p))
    }
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

async fn draw_item(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    id: ItemId,
    status: StatusCode,
    form: Option<FormState>,
    notice: Option<String>,
) -> AppResult<Response> {
    let item = state
        .store
        .item(ws.workspace.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let story = if item.cluster_size > 1 {
        state
            .store
            .list_items(
                ws.workspace.id,
                &ItemFilter {
                    cluster: Some(item.item.cluster_id),
                    limit: 50,
                    ..ItemFilter::default()
                },
            )
            .await?
            .into_iter()
            .filter(|v| v.item.id != item.item.id)
            .collect()
    } else {
        Vec::new()
    };
    let form = form.unwrap_or_else(|| {
        FormState::new("curate-")
            .keep("tags", &item.tags.join(", "))
            .keep("note", &item.item.note)
    });
    render(
        status,
        &ItemPage {
            base: Base::page(state, ctx, "veille-item-title", "workspaces"),
            ws: ws.workspace.clone(),
            section: "veille",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            nav: VeilleNav::new(ws, "items"),
            veille_section: "items",
            item,
            story,
            form,
            notice,
        },
    )
}

/// `GET /w/{slug}/veille/items/{item_id}`
pub async fn item(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let notice = (q.done == "saved").then(|| state.i18n.t(ctx.locale, "veille-curate-saved"));
    draw_item(&state, &ctx, &ws, ItemId(id), StatusCode::OK, None, notice).await
}

#[derive(Debug, Deserialize)]
pub struct CurateForm {
    #[serde(default)]
    starred: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    note: String,
}

/// The most tags on one item, and their length.
const MAX_TAGS: usize = 20;
const MAX_TAG_CHARS: usize = 50;
const MAX_NOTE_CHARS: usize = 4000;

/// `POST /w/{slug}/veille/items/{item_id}`: star, tags, impact note.
pub async fn curate(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    PageForm(form): PageForm<CurateForm>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let mut tags: Vec<String> = form
        .tags
        .split(',')
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    tags.sort();
    tags.dedup();
    let mut f = FormState::new("curate-")
        .keep("tags", &form.tags)
        .keep("note", &form.note);
    if tags.len() > MAX_TAGS || tags.iter().any(|t| t.chars().count() > MAX_TAG_CHARS) {
        f = f.with_message("tags", tr.t("veille-error-tags"));
    }
    if form.note.chars().count() > MAX_NOTE_CHARS {
        f = f.with_message("note", tr.t("error-too-long"));
    }
    if f.has_errors() {
        return draw_item(
            &state,
            &ctx,
            &ws,
            ItemId(id),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(f),
            None,
        )
        .await;
    }
    let user = ctx.user()?;
    state
        .store
        .curate_item(
            &Actor::user(user),
            ws.workspace.id,
            ItemId(id),
            form.starred == "1",
            &tags,
            form.note.trim(),
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/veille/items/{id}?done=saved",
        ws.workspace.slug
    ))
    .into_response())
}

// ---- alerts ----

#[derive(Template)]
#[template(path = "veille_alerts.html")]
pub struct AlertsPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub nav: VeilleNav,
    pub veille_section: &'static str,
    pub alerts: Vec<Alert>,
}

impl AlertsPage {
    pub fn items_link(&self, a: &Alert) -> String {
        alert_items_link(&self.ws.slug, a)
    }

    pub fn percent(&self, share: &Option<f64>) -> String {
        share.map_or_else(String::new, |s| format!("{:.0} %", s * 100.0))
    }

    pub fn number(&self, x: &f64) -> String {
        format!("{x:.1}")
    }
}

/// `GET /w/{slug}/veille/alerts`
pub async fn alerts(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Response> {
    let alerts = state.store.list_alerts(ws.workspace.id, 200).await?;
    ok(&AlertsPage {
        base: Base::page(&state, &ctx, "veille-alerts-title", "workspaces"),
        ws: ws.workspace.clone(),
        section: "veille",
        can_audit: role_allows(ws.role, Action::ViewAudit),
        nav: VeilleNav::new(&ws, "alerts"),
        veille_section: "alerts",
        alerts,
    })
}

/// `GET /w/{slug}/veille/alerts/{alert_id}`: the items behind an alert.
pub async fn alert(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let a = state
        .store
        .alert(ws.workspace.id, AlertId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&alert_items_link(&ws.workspace.slug, &a)).into_response())
}

/// The items behind an alert: its topic's items in its hour (the negative
/// ones for a negative-share alert).
fn alert_items_link(slug: &str, a: &Alert) -> String {
    let mut pairs = vec![
        ("topic", a.topic_id.0.to_string()),
        ("hour", a.hour.to_rfc3339()),
    ];
    if a.kind == relais_core::veille::AlertKind::Negative {
        pairs.push(("polarity", "negative".to_string()));
    }
    format!(
        "/w/{slug}/veille/items?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

// ---- digests ----

#[derive(Template)]
#[template(path = "veille_digests.html")]
pub struct DigestsPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub nav: VeilleNav,
    pub veille_section: &'static str,
    pub digests: Vec<Digest>,
    pub curated: Vec<ItemView>,
    pub form: FormState,
    pub selected: Vec<i64>,
    pub feed_created: Option<DateTime<Utc>>,
    /// The feed's address, shown once after it was made.
    pub feed_url: Option<String>,
    pub notice: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn draw_digests(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    status: StatusCode,
    form: FormState,
    selected: Option<Vec<i64>>,
    feed_url: Option<String>,
    notice: Option<String>,
) -> AppResult<Response> {
    let id = ws.workspace.id;
    let curated = state
        .store
        .list_items(
            id,
            &ItemFilter {
                starred: true,
                limit: 200,
                ..ItemFilter::default()
            },
        )
        .await?;
    let selected = selected.unwrap_or_else(|| curated.iter().map(|v| v.item.id.0).collect());
    render(
        status,
        &DigestsPage {
            base: Base::page(state, ctx, "veille-digests-title", "workspaces"),
            ws: ws.workspace.clone(),
            section: "veille",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            nav: VeilleNav::new(ws, "digests"),
            veille_section: "digests",
            digests: state.store.list_digests(id).await?,
            curated,
            form,
            selected,
            feed_created: state.store.veille_feed_token_created_at(id).await?,
            feed_url,
            notice,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct DigestsDone {
    #[serde(default)]
    done: String,
}

/// `GET /w/{slug}/veille/digests`
pub async fn digests(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<DigestsDone>,
) -> AppResult<Response> {
    let notice = match q.done.as_str() {
        "revoked" => Some(state.i18n.t(ctx.locale, "veille-feed-revoked")),
        _ => None,
    };
    draw_digests(
        &state,
        &ctx,
        &ws,
        StatusCode::OK,
        FormState::new("digest-"),
        None,
        None,
        notice,
    )
    .await
}

/// `POST /w/{slug}/veille/digests`: title, introduction and the items
/// (`item` repeated), in the order shown.
pub async fn digest_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    PageForm(form): PageForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let title = field("title");
    let intro = field("intro");
    let items: Vec<i64> = form
        .iter()
        .filter(|(k, _)| k == "item")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let mut f = FormState::new("digest-")
        .keep("title", &title)
        .keep("intro", &intro);
    if title.is_empty() {
        f = f.with_message("title", tr.t("error-required"));
    } else if title.chars().count() > 200 {
        f = f.with_message("title", tr.t("error-too-long"));
    }
    if intro.chars().count() > 4000 {
        f = f.with_message("intro", tr.t("error-too-long"));
    }
    if items.is_empty() {
        f = f.with_message("items", tr.t("veille-digest-error-items"));
    }
    if f.has_errors() {
        return draw_digests(
            &state,
            &ctx,
            &ws,
            StatusCode::UNPROCESSABLE_ENTITY,
            f,
            Some(items),
            None,
            None,
        )
        .await;
    }
    let user = ctx.user()?;
    let ids: Vec<ItemId> = items.into_iter().map(ItemId).collect();
    let id = state
        .store
        .create_digest(&Actor::user(user), ws.workspace.id, &title, &intro, &ids)
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/veille/digests/{}?done=created",
        ws.workspace.slug, id.0
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "veille_digest.html")]
pub struct DigestPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub nav: VeilleNav,
    pub veille_section: &'static str,
    pub digest: Digest,
    pub items: Vec<ItemView>,
    pub form: FormState,
    pub notice: Option<String>,
}

impl DigestPage {
    pub fn polarity(&self, p: &Polarity) -> String {
        self.base.tr.t(polarity_key(*p))
    }
}

async fn digest_parts(
    state: &AppState,
    ws: &WsCtx,
    id: DigestId,
) -> AppResult<(Digest, Vec<ItemView>)> {
    let digest = state
        .store
        .digest(ws.workspace.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let items = state
        .store
        .items_by_ids(ws.workspace.id, &digest.items)
        .await?;
    Ok((digest, items))
}

async fn draw_digest(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    id: DigestId,
    status: StatusCode,
    form: FormState,
    notice: Option<String>,
) -> AppResult<Response> {
    let (digest, items) = digest_parts(state, ws, id).await?;
    render(
        status,
        &DigestPage {
            base: Base::page(state, ctx, "veille-digest-title", "workspaces"),
            ws: ws.workspace.clone(),
            section: "veille",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            nav: VeilleNav::new(ws, "digests"),
            veille_section: "digests",
            digest,
            items,
            form,
            notice,
        },
    )
}

/// `GET /w/{slug}/veille/digests/{digest_id}`: the digest, printable.
pub async fn digest(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    Query(q): Query<DigestsDone>,
) -> AppResult<Response> {
    let notice = match q.done.as_str() {
        "created" => Some(state.i18n.t(ctx.locale, "veille-digest-created")),
        "sent" => Some(state.i18n.t(ctx.locale, "veille-digest-sent")),
        _ => None,
    };
    draw_digest(
        &state,
        &ctx,
        &ws,
        DigestId(id),
        StatusCode::OK,
        FormState::new("send-"),
        notice,
    )
    .await
}

/// The digest as an e-mail: accessible HTML (semantic, lang, no layout
/// tables) and its plain-text alternative.
#[derive(Template)]
#[template(path = "veille_digest_mail.html")]
pub struct DigestMail<'a> {
    pub lang: &'a str,
    pub tr: &'a Tr,
    pub workspace: &'a str,
    pub digest: &'a Digest,
    pub items: &'a [ItemView],
}

impl DigestMail<'_> {
    pub fn polarity(&self, p: &Polarity) -> String {
        self.tr.t(polarity_key(*p))
    }

    /// The plain-text alternative.
    pub fn text(&self) -> String {
        let mut out = format!(
            "{}\n{}\n\n",
            self.digest.title,
            "=".repeat(self.digest.title.chars().count().min(72))
        );
        if !self.digest.intro.is_empty() {
            out.push_str(&self.digest.intro);
            out.push_str("\n\n");
        }
        for (i, v) in self.items.iter().enumerate() {
            let title = if v.item.title.is_empty() {
                excerpt(&v.item.text, 80)
            } else {
                v.item.title.clone()
            };
            out.push_str(&format!("{}. {title}\n", i + 1));
            if !v.item.note.is_empty() {
                out.push_str(&format!(
                    "   {} {}\n",
                    self.tr.t("veille-impact-label"),
                    v.item.note
                ));
            }
            out.push_str(&format!("   {}\n", excerpt(&v.item.text, 300)));
            if let Some(u) = &v.item.url {
                out.push_str(&format!("   {u}\n"));
            }
            out.push('\n');
        }
        out.push_str(&format!("— {} · relais\n", self.workspace));
        out
    }
}

#[derive(Debug, Deserialize)]
pub struct SendForm {
    #[serde(default)]
    to: String,
}

/// `POST /w/{slug}/veille/digests/{digest_id}/send`: e-mails the digest to
/// the addresses given (comma or line separated).
pub async fn digest_send(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    PageForm(form): PageForm<SendForm>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let id = DigestId(id);
    let to: Vec<String> = form
        .to
        .split([',', '\n', ';'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let mut f = FormState::new("send-").keep("to", &form.to);
    if to.is_empty() {
        f = f.with_message("to", tr.t("error-required"));
    } else if to.len() > 50 {
        f = f.with_message("to", tr.t("veille-send-error-too-many"));
    } else if let Some(bad) = to
        .iter()
        .find(|a| relais_core::validate::Email::parse("to", a).is_err())
    {
        f = f.with_message("to", tr.t1("veille-send-error-address", "address", bad));
    }
    let Some(mailer) = state.mailer.as_ref() else {
        f = f.with_message("to", tr.t("veille-send-error-no-mail"));
        return draw_digest(
            &state,
            &ctx,
            &ws,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            f,
            None,
        )
        .await;
    };
    if f.has_errors() {
        return draw_digest(
            &state,
            &ctx,
            &ws,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            f,
            None,
        )
        .await;
    }
    let (digest, items) = digest_parts(&state, &ws, id).await?;
    let mail = DigestMail {
        lang: tr.lang(),
        tr: &tr,
        workspace: &ws.workspace.name,
        digest: &digest,
        items: &items,
    };
    let html = mail
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    let text = mail.text();
    for address in &to {
        if let Err(e) = mailer.send_html(address, &digest.title, &text, &html).await {
            tracing::error!(to = %address, error = %e, "veille digest not sent");
            let f = FormState::new("send-").keep("to", &form.to).with_message(
                "to",
                tr.t1("veille-send-error-failed", "reason", &e.to_string()),
            );
            return draw_digest(&state, &ctx, &ws, id, StatusCode::BAD_GATEWAY, f, None).await;
        }
    }
    let user = ctx.user()?;
    state
        .store
        .mark_digest_sent(&Actor::user(user), ws.workspace.id, id, &to.join(", "))
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/veille/digests/{}?done=sent",
        ws.workspace.slug, id.0
    ))
    .into_response())
}

// ---- the secret feed of curated items ----

/// `POST /w/{slug}/veille/feed`: makes (or remakes) the secret feed URL,
/// shown once.
pub async fn feed_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let token = state
        .store
        .create_veille_feed_token(&Actor::user(user), ws.workspace.id)
        .await?;
    let url = format!("{}/veille/feeds/{token}", ctx.base_url);
    let notice = Some(state.i18n.t(ctx.locale, "veille-feed-created"));
    draw_digests(
        &state,
        &ctx,
        &ws,
        StatusCode::OK,
        FormState::new("digest-"),
        None,
        Some(url),
        notice,
    )
    .await
}

/// `POST /w/{slug}/veille/feed/revoke`
pub async fn feed_revoke(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    state
        .store
        .revoke_veille_feed_token(&Actor::user(user), ws.workspace.id)
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/veille/digests?done=revoked",
        ws.workspace.slug
    ))
    .into_response())
}

/// `GET /veille/feeds/{token}`: the curated items as RSS 2.0, newest first,
/// each with its impact note. Anyone with the address can read it; making a
/// new address revokes the old one.
pub async fn public_feed(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let ws = state
        .store
        .workspace_by_veille_feed_token(token.trim_end_matches(".xml"))
        .await?
        .ok_or(AppError::NotFound)?;
    let items = state
        .store
        .list_items(
            ws.id,
            &ItemFilter {
                starred: true,
                limit: 100,
                ..ItemFilter::default()
            },
        )
        .await?;
    let tr = Tr::new(&state, relais_core::Locale::default());
    let body = curated_rss(&ws, &items, &tr, &ctx.base_url);
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/rss+xml; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    Ok(r)
}

/// The curated items as an RSS 2.0 document (the `rss` crate writes and
/// escapes it).
pub fn curated_rss(ws: &Workspace, items: &[ItemView], tr: &Tr, base_url: &str) -> String {
    let entries: Vec<rss::Item> = items
        .iter()
        .map(|v| {
            let mut description = String::new();
            if !v.item.note.is_empty() {
                description.push_str(&format!(
                    "<p><strong>{}</strong> {}</p>",
                    escape(&tr.t("veille-impact-label")),
                    escape(&v.item.note)
                ));
            }
            description.push_str(&format!("<p>{}</p>", escape(&excerpt(&v.item.text, 600))));
            let guid = rss::GuidBuilder::default()
                .value(format!("relais-veille-{}-{}", ws.id.0, v.item.id.0))
                .permalink(false)
                .build();
            rss::ItemBuilder::default()
                .title(Some(if v.item.title.is_empty() {
                    excerpt(&v.item.text, 80)
                } else {
                    v.item.title.clone()
                }))
                .link(v.item.url.clone())
                .description(Some(description))
                .author(v.item.author.clone().filter(|a| a.contains('@')))
                .categories(
                    v.tags
                        .iter()
                        .map(|t| rss::CategoryBuilder::default().name(t.clone()).build())
                        .collect::<Vec<_>>(),
                )
                .guid(Some(guid))
                .pub_date(Some(v.item.published_at.to_rfc2822()))
                .build()
        })
        .collect();
    rss::ChannelBuilder::default()
        .title(format!("{} — {}", ws.name, tr.t("veille-feed-title")))
        .link(format!("{base_url}/w/{}/veille/digests", ws.slug))
        .description(tr.t("veille-feed-description"))
        .language(Some(tr.lang().to_string()))
        .generator(Some("relais".to_string()))
        .items(entries)
        .build()
        .to_string()
}
