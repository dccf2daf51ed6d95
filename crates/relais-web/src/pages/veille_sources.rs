//! A workspace's veille sources (001 C1.1: "un système de veille automatisé"):
//! the list with each source's polite-fetch figures (bytes downloaded, bytes
//! saved by 304 answers), the form to add one by hand, turning sources on and
//! off, removing them, and OPML import and export.
//!
//! The page checks what a person types (address scheme, selector, hashtag,
//! interval bounds); whether an address is reachable, and allowed (SSRF), is
//! the worker's business at fetch time, reported in the source's state.

use super::interop::{read_file_field, PageMultipart};
use super::{render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::AppResult;
use crate::forms::{FormState, PageForm};
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::{DateTime, Utc};
use relais_core::model::{Actor, Workspace};
use relais_core::policy::role_allows;
use relais_core::veille::{
    NewSource, Source, SourceKind, SourceState, MAX_INTERVAL_SECS, MIN_INTERVAL_SECS,
};
use relais_core::{Action, Locale, SourceId};
use relais_store::StoreError;
use serde::Deserialize;

/// The interval a new source gets when the field is left empty, in minutes.
pub const DEFAULT_INTERVAL_MINUTES: i64 = 60;
/// Longest address accepted.
pub const MAX_URL_CHARS: usize = 2000;
/// Longest CSS selector accepted.
pub const MAX_SELECTOR_CHARS: usize = 500;
/// Longest hashtag accepted.
pub const MAX_TAG_CHARS: usize = 100;
/// Longest title or category accepted.
pub const MAX_TEXT_CHARS: usize = 200;

/// A source as the table shows it.
pub struct SourceView {
    pub id: SourceId,
    pub kind: String,
    pub label: String,
    pub url: String,
    pub category: String,
    pub state: SourceState,
    pub state_label: String,
    pub last_error: String,
    pub last_fetch: Option<(String, String)>,
    /// `None` for streams (read continuously) and disabled sources.
    pub next_fetch: Option<(String, String)>,
    pub continuous: bool,
    pub fetches: i64,
    pub not_modified: i64,
    pub downloaded: String,
    pub saved: String,
    pub items: i64,
}

/// The name of a kind of source, in the reader's language.
pub fn kind_label(tr: &Tr, kind: SourceKind) -> String {
    match kind {
        SourceKind::Feed => tr.t("vsource-kind-feed"),
        SourceKind::Page => tr.t("vsource-kind-page"),
        SourceKind::MastodonTag => tr.t("vsource-kind-mastodon-tag"),
        SourceKind::MastodonPublic => tr.t("vsource-kind-mastodon-public"),
        SourceKind::Bluesky => tr.t("vsource-kind-bluesky"),
        SourceKind::Jetstream => tr.t("vsource-kind-jetstream"),
    }
}

fn state_label(tr: &Tr, state: SourceState) -> String {
    match state {
        SourceState::Active => tr.t("vsource-state-active"),
        SourceState::Failing => tr.t("vsource-state-failing"),
        SourceState::Disabled => tr.t("vsource-state-disabled"),
    }
}

/// A byte count in decimal units, the way the reader writes numbers
/// (`1,5 Mo`, `1.5 MB`).
pub fn human_bytes(locale: Locale, bytes: i64) -> String {
    let units: [&str; 5] = match locale {
        Locale::Fr => ["o", "ko", "Mo", "Go", "To"],
        Locale::En => ["B", "kB", "MB", "GB", "TB"],
    };
    let bytes = bytes.max(0);
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < units.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    let number = if unit == 0 {
        bytes.to_string()
    } else if value < 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    let number = match locale {
        Locale::Fr => number.replace('.', ","),
        Locale::En => number,
    };
    format!("{number}\u{a0}{}", units[unit])
}

fn when(tr: &Tr, at: &DateTime<Utc>) -> (String, String) {
    (tr.iso(at), tr.datetime(at))
}

fn view(tr: &Tr, s: &Source) -> SourceView {
    let continuous = s.kind.is_stream();
    SourceView {
        id: s.id,
        kind: kind_label(tr, s.kind),
        label: s.label(),
        url: s.url.clone(),
        category: s.category.clone(),
        state: s.state,
        state_label: state_label(tr, s.state),
        last_error: s.last_error.clone(),
        last_fetch: s.last_fetch_at.as_ref().map(|t| when(tr, t)),
        next_fetch: (!continuous && s.state != SourceState::Disabled)
            .then(|| when(tr, &s.next_fetch_at)),
        continuous,
        fetches: s.fetches,
        not_modified: s.not_modified,
        downloaded: human_bytes(tr.locale, s.bytes_downloaded),
        saved: human_bytes(tr.locale, s.bytes_saved),
        items: s.items_total,
    }
}

#[derive(Template)]
#[template(path = "veille_sources.html")]
pub struct SourcesPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub veille_section: &'static str,
    pub can_audit: bool,
    pub can_edit: bool,
    pub sources: Vec<SourceView>,
    /// `(value, label, selected)` for the kind list.
    pub kinds: Vec<(&'static str, String, bool)>,
    pub form: FormState,
    pub file_error: Option<String>,
    pub notice: Option<String>,
    pub min_minutes: i64,
    pub max_minutes: i64,
}

impl SourcesPage {
    /// The interval hint, with its bounds.
    pub fn interval_hint(&self) -> String {
        self.bounded("vsource-interval-hint")
    }

    fn bounded(&self, key: &str) -> String {
        let mut args = relais_i18n::FluentArgs::new();
        args.set("min", self.min_minutes);
        args.set("max", self.max_minutes);
        self.base
            .tr
            .i18n()
            .format(self.base.tr.locale, key, Some(&args))
    }
}

/// The interval error, with its bounds.
pub fn interval_error(tr: &Tr) -> String {
    let mut args = relais_i18n::FluentArgs::new();
    args.set("min", MIN_INTERVAL_SECS / 60);
    args.set("max", MAX_INTERVAL_SECS / 60);
    tr.i18n()
        .format(tr.locale, "vsource-error-interval", Some(&args))
}

async fn draw(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    status: StatusCode,
    form: FormState,
    file_error: Option<String>,
    notice: Option<String>,
) -> AppResult<Response> {
    let tr = Tr::new(state, ctx.locale);
    let sources = state.store.list_sources(ws.workspace.id).await?;
    let chosen = match form.value("kind") {
        "" => SourceKind::Feed.as_str(),
        k => k,
    };
    let kinds = SourceKind::ALL
        .iter()
        .map(|k| (k.as_str(), kind_label(&tr, *k), k.as_str() == chosen))
        .collect();
    render(
        status,
        &SourcesPage {
            base: Base::page(state, ctx, "vsource-title", "workspaces"),
            ws: ws.workspace.clone(),
            section: "veille",
            veille_section: "sources",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            can_edit: role_allows(ws.role, Action::EditVeille),
            sources: sources.iter().map(|s| view(&tr, s)).collect(),
            kinds,
            form,
            file_error,
            notice,
            min_minutes: MIN_INTERVAL_SECS / 60,
            max_minutes: MAX_INTERVAL_SECS / 60,
        },
    )
}

fn empty_form() -> FormState {
    FormState::new("source-").keep("interval", &DEFAULT_INTERVAL_MINUTES.to_string())
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
    #[serde(default)]
    added: usize,
    #[serde(default)]
    skipped: usize,
    #[serde(default)]
    invalid: usize,
}

/// `GET /w/{slug}/veille/sources`
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let notice = match q.done.as_str() {
        "added" => Some(tr.t("vsource-added")),
        "enabled" => Some(tr.t("vsource-enabled")),
        "disabled" => Some(tr.t("vsource-disabled")),
        "deleted" => Some(tr.t("vsource-deleted")),
        "imported" => Some(import_notice(&tr, q.added, q.skipped, q.invalid)),
        _ => None,
    };
    draw(
        &state,
        &ctx,
        &ws,
        StatusCode::OK,
        empty_form(),
        None,
        notice,
    )
    .await
}

/// "N added, M already watched" (and the addresses ignored, if any).
pub fn import_notice(tr: &Tr, added: usize, skipped: usize, invalid: usize) -> String {
    let mut text = format!(
        "{}, {}",
        tr.n("vsource-imported-added", added),
        tr.n("vsource-imported-skipped", skipped)
    );
    if invalid > 0 {
        text.push_str(", ");
        text.push_str(&tr.n("vsource-imported-invalid", invalid));
    }
    text.push('.');
    text
}

#[derive(Debug, Default, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub selector: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub interval: String,
}

/// Why a source was refused: the field and the message key (the interval's
/// message takes its bounds: [`Problem::Interval`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Key(&'static str, &'static str),
    Interval,
}

/// The address of a source, checked for its kind and normalised (so that the
/// same feed typed twice, or imported, is recognised as already watched).
pub fn check_url(kind: SourceKind, raw: &str) -> Result<String, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("error-required");
    }
    if raw.chars().count() > MAX_URL_CHARS {
        return Err("vsource-error-url-long");
    }
    let wrong = if kind.is_stream() {
        "vsource-error-url-stream"
    } else {
        "vsource-error-url"
    };
    let url = url::Url::parse(raw).map_err(|_| wrong)?;
    let schemes: &[&str] = if kind.is_stream() {
        &["wss", "ws", "https", "http"]
    } else {
        &["https", "http"]
    };
    if !schemes.contains(&url.scheme()) || url.host_str().is_none_or(str::is_empty) {
        return Err(wrong);
    }
    Ok(url.to_string())
}

/// Whether `selector` is a CSS selector the page watcher can use: the
/// watcher's own parser, run on an empty page (where a valid selector finds
/// nothing and a wrong one is refused as such).
pub fn selector_is_valid(selector: &str) -> bool {
    !matches!(
        relais_fetch::watch::extract_text("", selector),
        Err(relais_fetch::WatchError::Selector { .. })
    )
}

/// A hashtag as Mastodon reads it: without its `#`, in lower case.
pub fn check_tag(raw: &str) -> Result<String, &'static str> {
    let tag = raw.trim().trim_start_matches('#');
    if tag.is_empty() {
        return Err("vsource-error-tag-required");
    }
    if tag.chars().count() > MAX_TAG_CHARS || !tag.chars().all(|c| c.is_alphanumeric() || c == '_')
    {
        return Err("vsource-error-tag-invalid");
    }
    Ok(tag.to_lowercase())
}

/// Checks a typed source; every problem is returned, each at its field.
pub fn check_source(form: &AddForm) -> Result<NewSource, Vec<Problem>> {
    let mut problems = Vec::new();
    let kind = SourceKind::parse(form.kind.trim());
    if kind.is_none() {
        problems.push(Problem::Key("kind", "vsource-error-kind"));
    }
    let kind = kind.unwrap_or(SourceKind::Feed);
    let url = match check_url(kind, &form.url) {
        Ok(url) => url,
        Err(key) => {
            problems.push(Problem::Key("url", key));
            String::new()
        }
    };
    let mut selector = String::new();
    if kind == SourceKind::Page {
        let s = form.selector.trim();
        if s.is_empty() {
            problems.push(Problem::Key("selector", "vsource-error-selector-required"));
        } else if s.chars().count() > MAX_SELECTOR_CHARS {
            problems.push(Problem::Key("selector", "vsource-error-selector-long"));
        } else if !selector_is_valid(s) {
            problems.push(Problem::Key("selector", "vsource-error-selector-invalid"));
        }
        selector = s.to_string();
    }
    let mut tag = String::new();
    if kind == SourceKind::MastodonTag {
        match check_tag(&form.tag) {
            Ok(t) => tag = t,
            Err(k) => problems.push(Problem::Key("tag", k)),
        }
    }
    for (field, value) in [("title", &form.title), ("category", &form.category)] {
        if value.trim().chars().count() > MAX_TEXT_CHARS {
            problems.push(Problem::Key(field, "vsource-error-text-long"));
        }
    }
    let interval_secs = match form.interval.trim() {
        "" => Some(DEFAULT_INTERVAL_MINUTES * 60),
        text => text
            .parse::<i64>()
            .ok()
            .and_then(|m| m.checked_mul(60))
            .filter(|s| (MIN_INTERVAL_SECS..=MAX_INTERVAL_SECS).contains(s)),
    };
    if interval_secs.is_none() {
        problems.push(Problem::Interval);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(NewSource {
        kind,
        url,
        selector,
        tag,
        title: form.title.trim().to_string(),
        category: form.category.trim().to_string(),
        interval_secs: interval_secs.unwrap_or(DEFAULT_INTERVAL_MINUTES * 60),
    })
}

/// `POST /w/{slug}/veille/sources`: one source by hand.
pub async fn add(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    PageForm(form): PageForm<AddForm>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let mut f = FormState::new("source-")
        .keep("kind", &form.kind)
        .keep("url", &form.url)
        .keep("selector", &form.selector)
        .keep("tag", &form.tag)
        .keep("title", &form.title)
        .keep("category", &form.category)
        .keep("interval", &form.interval);
    let new = match check_source(&form) {
        Ok(new) => new,
        Err(problems) => {
            for p in problems {
                f = match p {
                    Problem::Key(field, key) => f.with_message(field, tr.t(key)),
                    Problem::Interval => f.with_message("interval", interval_error(&tr)),
                };
            }
            return draw(
                &state,
                &ctx,
                &ws,
                StatusCode::UNPROCESSABLE_ENTITY,
                f,
                None,
                None,
            )
            .await;
        }
    };
    let user = ctx.user()?;
    match state
        .store
        .add_source(&Actor::user(user), ws.workspace.id, &new)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/w/{}/veille/sources?done=added",
            ws.workspace.slug
        ))
        .into_response()),
        Err(StoreError::Conflict(_)) => {
            let f = f.with_message("url", tr.t("vsource-error-duplicate"));
            draw(&state, &ctx, &ws, StatusCode::CONFLICT, f, None, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The feeds of an OPML file as sources: `(sources, addresses ignored)`.
pub fn opml_sources(feeds: Vec<relais_fetch::opml::OpmlFeed>) -> (Vec<NewSource>, usize) {
    let mut sources = Vec::with_capacity(feeds.len());
    let mut invalid = 0;
    for feed in feeds {
        let Ok(url) = check_url(SourceKind::Feed, &feed.xml_url) else {
            invalid += 1;
            continue;
        };
        let clip = |s: Option<String>| -> String {
            s.unwrap_or_default()
                .trim()
                .chars()
                .take(MAX_TEXT_CHARS)
                .collect()
        };
        sources.push(NewSource {
            kind: SourceKind::Feed,
            url,
            selector: String::new(),
            tag: String::new(),
            title: clip(feed.title),
            category: clip(feed.category),
            interval_secs: DEFAULT_INTERVAL_MINUTES * 60,
        });
    }
    (sources, invalid)
}

/// `POST /w/{slug}/veille/sources/import` (multipart, field `file`): an OPML
/// file, every valid feed added in one transaction, or nothing.
pub async fn import(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    PageMultipart(mut form): PageMultipart,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let bytes = read_file_field(&mut form, "file").await?;
    let parsed = if bytes.is_empty() {
        Err(tr.t("vsource-error-no-file"))
    } else {
        relais_fetch::opml::parse(&bytes)
            .map_err(|e| format!("{} ({e})", tr.t("vsource-error-opml")))
    };
    let parsed = parsed.and_then(|feeds| {
        let (sources, invalid) = opml_sources(feeds);
        if sources.is_empty() {
            Err(tr.t("vsource-error-opml-no-valid"))
        } else {
            Ok((sources, invalid))
        }
    });
    let (sources, invalid) = match parsed {
        Ok(p) => p,
        Err(msg) => {
            return draw(
                &state,
                &ctx,
                &ws,
                StatusCode::UNPROCESSABLE_ENTITY,
                empty_form(),
                Some(msg),
                None,
            )
            .await
        }
    };
    let user = ctx.user()?;
    let report = state
        .store
        .import_sources(&Actor::user(user), ws.workspace.id, &sources)
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/veille/sources?done=imported&added={}&skipped={}&invalid={invalid}",
        ws.workspace.slug,
        report.added.len(),
        report.skipped.len()
    ))
    .into_response())
}

/// The workspace's feeds as OPML feeds, in the store's order.
pub fn opml_feeds(sources: &[Source]) -> Vec<relais_fetch::opml::OpmlFeed> {
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
    sources
        .iter()
        .filter(|s| s.kind == SourceKind::Feed)
        .map(|s| relais_fetch::opml::OpmlFeed {
            title: some(&s.title),
            xml_url: s.url.clone(),
            html_url: s.site_url.clone(),
            category: some(&s.category),
        })
        .collect()
}

/// `GET /w/{slug}/veille/sources/export.opml`: every feed source.
pub async fn export(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Response> {
    let w = &ws.workspace;
    let sources = state.store.list_sources(w.id).await?;
    let body = relais_fetch::opml::export(&w.name, &opml_feeds(&sources));
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/x-opml; charset=utf-8"),
    );
    if let Ok(v) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}-veille.opml\"", w.slug))
    {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

async fn set_enabled(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    id: i64,
    enabled: bool,
) -> AppResult<Response> {
    let user = ctx.user()?;
    state
        .store
        .set_source_enabled(&Actor::user(user), ws.workspace.id, SourceId(id), enabled)
        .await?;
    let done = if enabled { "enabled" } else { "disabled" };
    Ok(Redirect::to(&format!(
        "/w/{}/veille/sources?done={done}",
        ws.workspace.slug
    ))
    .into_response())
}

/// `POST /w/{slug}/veille/sources/{source_id}/enable`
pub async fn enable(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    set_enabled(&state, &ctx, &ws, id, true).await
}

/// `POST /w/{slug}/veille/sources/{source_id}/disable`
pub async fn disable(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    set_enabled(&state, &ctx, &ws, id, false).await
}

/// `POST /w/{slug}/veille/sources/{source_id}/delete`
pub async fn delete(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    state
        .store
        .delete_source(&Actor::user(user), ws.workspace.id, SourceId(id))
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/veille/sources?done=deleted",
        ws.workspace.slug
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, url: &str) -> AddForm {
        AddForm {
            kind: kind.into(),
            url: url.into(),
            ..AddForm::default()
        }
    }

    #[test]
    fn addresses_are_checked_for_their_kind_and_normalised() {
        assert_eq!(
            check_url(SourceKind::Feed, " https://Example.org "),
            Ok("https://example.org/".to_string())
        );
        assert_eq!(
            check_url(SourceKind::Feed, "ftp://example.org/feed"),
            Err("vsource-error-url")
        );
        assert_eq!(
            check_url(SourceKind::Feed, "wss://bsky.network"),
            Err("vsource-error-url")
        );
        assert_eq!(
            check_url(SourceKind::Bluesky, "wss://bsky.network"),
            Ok("wss://bsky.network/".to_string())
        );
        assert_eq!(
            check_url(SourceKind::Jetstream, "example.org"),
            Err("vsource-error-url-stream")
        );
        assert_eq!(check_url(SourceKind::Feed, ""), Err("error-required"));
        assert_eq!(
            check_url(
                SourceKind::Feed,
                &format!("https://e.org/{}", "a".repeat(2000))
            ),
            Err("vsource-error-url-long")
        );
    }

    #[test]
    fn each_kind_needs_its_own_fields() {
        let page = check_source(&form("page", "https://example.org/news"));
        assert_eq!(
            page,
            Err(vec![Problem::Key(
                "selector",
                "vsource-error-selector-required"
            )])
        );
        let tag = check_source(&form("mastodon_tag", "https://mastodon.social"));
        assert_eq!(
            tag,
            Err(vec![Problem::Key("tag", "vsource-error-tag-required")])
        );
        let mut f = form("mastodon_tag", "https://mastodon.social");
        f.tag = "#Boulangerie".into();
        f.selector = "ignored".into();
        let ok = check_source(&f).unwrap();
        assert_eq!(ok.tag, "boulangerie");
        assert_eq!(ok.selector, "");
        assert_eq!(ok.interval_secs, DEFAULT_INTERVAL_MINUTES * 60);
        let mut p = form("page", "https://example.org/news");
        p.selector = "main > article.news".into();
        assert_eq!(check_source(&p).unwrap().selector, "main > article.news");
        p.selector = "main >> [".into();
        assert_eq!(
            check_source(&p),
            Err(vec![Problem::Key(
                "selector",
                "vsource-error-selector-invalid"
            )])
        );
        f.tag = "deux mots".into();
        assert_eq!(
            check_source(&f),
            Err(vec![Problem::Key("tag", "vsource-error-tag-invalid")])
        );
        assert_eq!(
            check_source(&form("rss", "https://example.org/feed")),
            Err(vec![Problem::Key("kind", "vsource-error-kind")])
        );
    }

    #[test]
    fn the_interval_is_bounded() {
        let mut f = form("feed", "https://example.org/feed");
        for (minutes, ok) in [
            ("4", false),
            ("5", true),
            ("10080", true),
            ("10081", false),
            ("soon", false),
            ("-60", false),
            ("9223372036854775807", false),
        ] {
            f.interval = minutes.into();
            assert_eq!(check_source(&f).is_ok(), ok, "{minutes}");
        }
        f.interval = "15".into();
        assert_eq!(check_source(&f).unwrap().interval_secs, 900);
    }

    #[test]
    fn bytes_read_in_the_readers_units() {
        assert_eq!(human_bytes(Locale::Fr, 0), "0\u{a0}o");
        assert_eq!(human_bytes(Locale::En, 999), "999\u{a0}B");
        assert_eq!(human_bytes(Locale::Fr, 1_500_000), "1,5\u{a0}Mo");
        assert_eq!(human_bytes(Locale::En, 1_500_000), "1.5\u{a0}MB");
        assert_eq!(human_bytes(Locale::En, 25_300), "25\u{a0}kB");
        assert_eq!(human_bytes(Locale::En, -5), "0\u{a0}B");
        assert_eq!(human_bytes(Locale::En, i64::MAX), "9223372\u{a0}TB");
    }
}
