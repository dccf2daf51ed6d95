//! A workspace's veille topics, grouped by the four kinds of veille (001
//! C1.1: "veille métier, technologique, concurrentielle et réglementaire"),
//! and the query tester.
//!
//! A topic's query is parsed with [`relais_veille::parse`] before anything
//! is saved; a wrong query is shown at its field with the position, the
//! parser's hint and the query with a caret under the position. Saves name
//! the version they started from (invariant 15): a stale save is refused with
//! 409 and the person's text kept.
//!
//! The tester (`GET …/veille/test`) changes nothing: it parses a query and,
//! for a pasted text, runs the one matcher every part of relais uses
//! (invariant 28) and shows its explanation as nested lists, each part with
//! "true"/"false" in words and where each word was found.
//!
//! The parser's problems are shown in the reader's language: each
//! [`relais_veille::Problem`] has a code, and `vquery-<code>` and
//! `vquery-<code>-hint` say it with the problem's values.

use super::{render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::forms::{escape, FormState, PageForm};
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use relais_core::model::{Actor, Workspace};
use relais_core::policy::role_allows;
use relais_core::veille::{TopicRecord, VeilleKind};
use relais_core::{Action, TopicId};
use relais_store::StoreError;
use relais_veille::{parse, Document, Explanation, Field, Matcher, Topic};
use serde::Deserialize;

/// Longest topic name accepted.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest pasted text the tester reads (title and text each).
pub const MAX_TEST_TEXT_CHARS: usize = 100_000;

/// A query the parser refused, ready to show at its field.
#[derive(Debug, Clone)]
pub struct QueryProblem {
    /// The character at fault, from 1.
    pub position: usize,
    pub message: String,
    pub hint: String,
    /// The query on one line, and a caret under the position.
    pub pointer: String,
}

impl QueryProblem {
    fn of(query: &str, e: &relais_veille::QueryError, tr: &Tr) -> QueryProblem {
        let (message, hint) = problem_text(tr, &e.problem);
        QueryProblem {
            position: e.position,
            message,
            hint,
            pointer: e.pointer(query),
        }
    }
}

/// A query problem's message and hint in the reader's language.
pub fn problem_text(tr: &Tr, problem: &relais_veille::Problem) -> (String, String) {
    let mut args = relais_i18n::FluentArgs::new();
    for (name, value) in problem.args() {
        args.set(name, value);
    }
    let key = format!("vquery-{}", problem.code());
    let i18n = tr.i18n();
    (
        i18n.format(tr.locale, &key, Some(&args)),
        i18n.format(tr.locale, &format!("{key}-hint"), Some(&args)),
    )
}

/// The name of a kind of veille, in the reader's language.
pub fn kind_label(tr: &Tr, kind: VeilleKind) -> String {
    match kind {
        VeilleKind::Trade => tr.t("vtopic-kind-trade"),
        VeilleKind::Technology => tr.t("vtopic-kind-technology"),
        VeilleKind::Competition => tr.t("vtopic-kind-competition"),
        VeilleKind::Regulation => tr.t("vtopic-kind-regulation"),
    }
}

/// The tester's address, prefilled with `query`.
pub fn test_href(slug: &str, query: &str) -> String {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", query)
        .finish();
    format!("/w/{slug}/veille/test?{q}")
}

/// A topic as the list shows it.
pub struct TopicView {
    pub id: TopicId,
    pub name: String,
    pub query: String,
    pub test_href: String,
}

/// The topics of one kind.
pub struct KindGroup {
    pub kind: &'static str,
    pub label: String,
    pub topics: Vec<TopicView>,
}

fn groups(tr: &Tr, slug: &str, topics: &[TopicRecord]) -> Vec<KindGroup> {
    VeilleKind::ALL
        .iter()
        .map(|k| KindGroup {
            kind: k.as_str(),
            label: kind_label(tr, *k),
            topics: topics
                .iter()
                .filter(|t| t.kind == *k)
                .map(|t| TopicView {
                    id: t.id,
                    name: t.name.clone(),
                    query: t.query.clone(),
                    test_href: test_href(slug, &t.query),
                })
                .collect(),
        })
        .collect()
}

/// `(value, label, selected)` for the kind list.
fn kind_options(tr: &Tr, chosen: &str) -> Vec<(&'static str, String, bool)> {
    VeilleKind::ALL
        .iter()
        .map(|k| (k.as_str(), kind_label(tr, *k), k.as_str() == chosen))
        .collect()
}

#[derive(Template)]
#[template(path = "veille_topics.html")]
pub struct TopicsPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub veille_section: &'static str,
    pub can_audit: bool,
    pub can_edit: bool,
    pub groups: Vec<KindGroup>,
    pub kinds: Vec<(&'static str, String, bool)>,
    pub form: FormState,
    pub problem: Option<QueryProblem>,
    pub notice: Option<String>,
}

async fn draw_list(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    status: StatusCode,
    form: FormState,
    problem: Option<QueryProblem>,
    notice: Option<String>,
) -> AppResult<Response> {
    let tr = Tr::new(state, ctx.locale);
    let topics = state.store.list_topics(ws.workspace.id).await?;
    let chosen = match form.value("kind") {
        "" => VeilleKind::Trade.as_str(),
        k => k,
    };
    render(
        status,
        &TopicsPage {
            base: Base::page(state, ctx, "vtopic-title", "workspaces"),
            ws: ws.workspace.clone(),
            section: "veille",
            veille_section: "topics",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            can_edit: role_allows(ws.role, Action::EditVeille),
            groups: groups(&tr, &ws.workspace.slug, &topics),
            kinds: kind_options(&tr, chosen),
            form,
            problem,
            notice,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// `GET /w/{slug}/veille/topics`
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let notice = match q.done.as_str() {
        "created" => Some(tr.t("vtopic-created")),
        "saved" => Some(tr.t("vtopic-saved")),
        "deleted" => Some(tr.t("vtopic-deleted")),
        _ => None,
    };
    draw_list(
        &state,
        &ctx,
        &ws,
        StatusCode::OK,
        FormState::new("topic-"),
        None,
        notice,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct TopicForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub version: String,
}

/// A checked topic: its name, kind and query (as typed: the store keeps the
/// person's text, the worker parses it again).
pub struct CheckedTopic {
    pub name: String,
    pub kind: VeilleKind,
    pub query: String,
}

/// Why a typed topic was refused, field by field (shared by the topic form
/// and the API).
#[derive(Debug, Clone)]
pub enum TopicProblem {
    /// The name, with its message key (`error-required`, `error-too-long`).
    Name(&'static str),
    /// The kind is not one of the four.
    Kind,
    /// The parser refused the query (as typed, so positions point into it).
    Query(relais_veille::QueryError),
}

/// Checks a typed topic: every problem, in the form's order (name, kind,
/// query).
pub fn topic_problems(form: &TopicForm) -> Result<CheckedTopic, Vec<TopicProblem>> {
    let mut problems = Vec::new();
    let name = form.name.trim();
    if name.is_empty() {
        problems.push(TopicProblem::Name("error-required"));
    } else if name.chars().count() > MAX_NAME_CHARS {
        problems.push(TopicProblem::Name("error-too-long"));
    }
    let kind = VeilleKind::parse(form.kind.trim());
    if kind.is_none() {
        problems.push(TopicProblem::Kind);
    }
    // Parsed as typed, so the position points into the text as typed.
    if let Err(e) = parse(&form.query) {
        problems.push(TopicProblem::Query(e));
    }
    match kind {
        Some(kind) if problems.is_empty() => Ok(CheckedTopic {
            name: name.to_string(),
            kind,
            query: form.query.trim().to_string(),
        }),
        _ => Err(problems),
    }
}

/// Checks a typed topic. On error: the form with each message at its field,
/// and the parser's problem for the query field.
pub fn check_topic(
    tr: &Tr,
    form: &TopicForm,
) -> Result<CheckedTopic, Box<(FormState, Option<QueryProblem>)>> {
    let problems = match topic_problems(form) {
        Ok(checked) => return Ok(checked),
        Err(problems) => problems,
    };
    let mut f = FormState::new("topic-")
        .keep("name", &form.name)
        .keep("kind", &form.kind)
        .keep("query", &form.query);
    let mut query_problem = None;
    for p in problems {
        match p {
            TopicProblem::Name(key) => f = f.with_message("name", tr.t(key)),
            TopicProblem::Kind => f = f.with_message("kind", tr.t("vtopic-error-kind")),
            TopicProblem::Query(e) => {
                let qp = QueryProblem::of(&form.query, &e, tr);
                f = f.with_message("query", tr.n("vtopic-error-query", qp.position));
                query_problem = Some(qp);
            }
        }
    }
    Err(Box::new((f, query_problem)))
}

/// `POST /w/{slug}/veille/topics`: a new topic.
pub async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    PageForm(form): PageForm<TopicForm>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let checked = match check_topic(&tr, &form) {
        Ok(c) => c,
        Err(refused) => {
            let (f, problem) = *refused;
            return draw_list(
                &state,
                &ctx,
                &ws,
                StatusCode::UNPROCESSABLE_ENTITY,
                f,
                problem,
                None,
            )
            .await;
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
        Ok(_) => Ok(Redirect::to(&format!(
            "/w/{}/veille/topics?done=created",
            ws.workspace.slug
        ))
        .into_response()),
        Err(StoreError::Conflict(_)) => {
            let f = FormState::new("topic-")
                .keep("name", &form.name)
                .keep("kind", &form.kind)
                .keep("query", &form.query)
                .with_message("name", tr.t("vtopic-error-name-taken"));
            draw_list(&state, &ctx, &ws, StatusCode::CONFLICT, f, None, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "veille_topic.html")]
pub struct TopicPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub veille_section: &'static str,
    pub can_audit: bool,
    pub topic_id: TopicId,
    pub version: i64,
    pub kinds: Vec<(&'static str, String, bool)>,
    pub form: FormState,
    pub problem: Option<QueryProblem>,
    /// Set when the save was stale: the topic as it now is.
    pub current: Option<TopicRecord>,
}

#[allow(clippy::too_many_arguments)]
fn draw_topic(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    status: StatusCode,
    topic_id: TopicId,
    version: i64,
    form: FormState,
    problem: Option<QueryProblem>,
    current: Option<TopicRecord>,
) -> AppResult<Response> {
    let tr = Tr::new(state, ctx.locale);
    let kinds = kind_options(&tr, form.value("kind"));
    render(
        status,
        &TopicPage {
            base: Base::page(state, ctx, "vtopic-edit-title", "workspaces"),
            ws: ws.workspace.clone(),
            section: "veille",
            veille_section: "topics",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            topic_id,
            version,
            kinds,
            form,
            problem,
            current,
        },
    )
}

/// `GET /w/{slug}/veille/topics/{topic_id}`: the edit form.
pub async fn edit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let topic = state
        .store
        .topic(ws.workspace.id, TopicId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    let f = FormState::new("topic-")
        .keep("name", &topic.name)
        .keep("kind", topic.kind.as_str())
        .keep("query", &topic.query);
    draw_topic(
        &state,
        &ctx,
        &ws,
        StatusCode::OK,
        topic.id,
        topic.version,
        f,
        None,
        None,
    )
}

/// `POST /w/{slug}/veille/topics/{topic_id}`: saves the topic, naming the
/// version the form was opened at.
pub async fn save(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    PageForm(form): PageForm<TopicForm>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let id = TopicId(id);
    // An unknown topic is 404 before anything else, whatever the form says.
    state
        .store
        .topic(ws.workspace.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let version = form
        .version
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::BadRequest("version".into()))?;
    let checked = match check_topic(&tr, &form) {
        Ok(c) => c,
        Err(refused) => {
            let (f, problem) = *refused;
            return draw_topic(
                &state,
                &ctx,
                &ws,
                StatusCode::UNPROCESSABLE_ENTITY,
                id,
                version,
                f,
                problem,
                None,
            );
        }
    };
    let kept = || {
        FormState::new("topic-")
            .keep("name", &form.name)
            .keep("kind", &form.kind)
            .keep("query", &form.query)
    };
    let user = ctx.user()?;
    match state
        .store
        .save_topic(
            &Actor::user(user),
            ws.workspace.id,
            Some((id, version)),
            &checked.name,
            checked.kind,
            &checked.query,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/w/{}/veille/topics?done=saved",
            ws.workspace.slug
        ))
        .into_response()),
        Err(StoreError::Stale) => {
            // Keep what was typed and show what was saved in between; the
            // hidden version stays the old one, so saving again is refused
            // again until the person reopens the current version.
            let current = state.store.topic(ws.workspace.id, id).await?;
            draw_topic(
                &state,
                &ctx,
                &ws,
                StatusCode::CONFLICT,
                id,
                version,
                kept(),
                None,
                current,
            )
        }
        Err(StoreError::Conflict(_)) => {
            let f = kept().with_message("name", tr.t("vtopic-error-name-taken"));
            draw_topic(
                &state,
                &ctx,
                &ws,
                StatusCode::CONFLICT,
                id,
                version,
                f,
                None,
                None,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /w/{slug}/veille/topics/{topic_id}/delete`
pub async fn delete(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    state
        .store
        .delete_topic(&Actor::user(user), ws.workspace.id, TopicId(id))
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/veille/topics?done=deleted",
        ws.workspace.slug
    ))
    .into_response())
}

// --- The query tester ---------------------------------------------------------

/// What the tester found for a valid query.
pub struct Tested {
    /// The query as the parser reads it.
    pub read_as: String,
    pub literals: Vec<String>,
    /// For a pasted text: whether it matches, and the explanation as HTML
    /// nested lists (escaped when built).
    pub result: Option<(bool, String)>,
}

#[derive(Template)]
#[template(path = "veille_test.html")]
pub struct TestPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub veille_section: &'static str,
    pub can_audit: bool,
    pub form: FormState,
    pub problem: Option<QueryProblem>,
    pub tested: Option<Tested>,
    pub compile_error: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct TestQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub text: String,
}

fn clip(s: &str) -> &str {
    match s.char_indices().nth(MAX_TEST_TEXT_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Where a word was found, in words: "in the text, word 3 (one word
/// between the two)".
fn place(tr: &Tr, f: &relais_veille::Found) -> String {
    let field = match f.field {
        Field::Title => tr.t("vtest-in-title"),
        Field::Text => tr.t("vtest-in-text"),
        Field::Author => tr.t("vtest-in-author"),
        Field::Source => tr.t("vtest-in-source"),
    };
    let mut p = format!("{field}, {}", tr.n("vtest-word", f.word));
    if let Some(b) = f.words_between {
        p.push_str(&format!(" ({})", tr.n("vtest-words-between", b)));
    }
    p
}

/// The explanation as nested lists: each part with ✓/✗ and "true"/"false"
/// in words (never colour alone), its query text and where it was found.
pub fn explanation_html(tr: &Tr, e: &Explanation, out: &mut String) {
    let (mark, word, class) = if e.value {
        ("✓", tr.t("vtest-true"), "verdict-true")
    } else {
        ("✗", tr.t("vtest-false"), "verdict-false")
    };
    out.push_str(&format!(
        "<li><span class=\"verdict {class}\"><span aria-hidden=\"true\">{mark}</span> {}</span> <code>{}</code>",
        escape(&word),
        escape(&e.part)
    ));
    if !e.found.is_empty() {
        let places: Vec<String> = e.found.iter().map(|f| place(tr, f)).collect();
        out.push_str(&format!(" — {}", escape(&places.join(", "))));
    }
    if !e.parts.is_empty() {
        out.push_str("<ul>");
        for p in &e.parts {
            explanation_html(tr, p, out);
        }
        out.push_str("</ul>");
    }
    out.push_str("</li>");
}

/// `GET /w/{slug}/veille/test?q=…&title=…&text=…`
pub async fn test(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<TestQuery>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let query = q.q.trim();
    let (title, text) = (clip(&q.title), clip(&q.text));
    let mut form = FormState::new("test-")
        .keep("q", &q.q)
        .keep("title", title)
        .keep("text", text);
    let (mut problem, mut tested, mut compile_error) = (None, None, false);
    let mut status = StatusCode::OK;
    if !query.is_empty() {
        match parse(&q.q) {
            Err(e) => {
                let p = QueryProblem::of(&q.q, &e, &tr);
                form = form.with_message("q", tr.n("vtopic-error-query", p.position));
                problem = Some(p);
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
            Ok(parsed) => {
                let read_as = parsed.to_string();
                let literals = parsed.literals().iter().map(|l| l.display()).collect();
                let result = if title.trim().is_empty() && text.trim().is_empty() {
                    None
                } else {
                    let topics = [Topic {
                        name: "test".into(),
                        query: parsed,
                    }];
                    let doc = Document {
                        title,
                        text,
                        ..Document::default()
                    };
                    match Matcher::new(&topics).ok().and_then(|m| m.explain(0, &doc)) {
                        Some(e) => {
                            let mut html = String::from("<ul class=\"explanation\">");
                            explanation_html(&tr, &e, &mut html);
                            html.push_str("</ul>");
                            Some((e.value, html))
                        }
                        None => {
                            compile_error = true;
                            None
                        }
                    }
                };
                tested = Some(Tested {
                    read_as,
                    literals,
                    result,
                });
            }
        }
    }
    render(
        status,
        &TestPage {
            base: Base::page(&state, &ctx, "vtest-title", "workspaces"),
            ws: ws.workspace.clone(),
            section: "veille",
            veille_section: "test",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            form,
            problem,
            tested,
            compile_error,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tester_link_carries_the_query() {
        assert_eq!(
            test_href("maison", "grève AND \"SNCF\" & co"),
            "/w/maison/veille/test?q=gr%C3%A8ve+AND+%22SNCF%22+%26+co"
        );
    }

    #[test]
    fn long_pasted_text_is_clipped_on_a_character() {
        let s = "é".repeat(MAX_TEST_TEXT_CHARS + 10);
        assert_eq!(clip(&s).chars().count(), MAX_TEST_TEXT_CHARS);
        assert_eq!(clip("court"), "court");
    }
}
