//! Veille pages (issue 5) through the router, on both backends: sources
//! added by hand and checked at their field, OPML import (nested folders,
//! all or nothing) and export, topics whose query is parsed before anything
//! is saved, stale saves, the query tester's explanation, and who may see and
//! change what.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use relais_core::veille::{SourceKind, SourceState};
use relais_store::testing;

const WS: &str = "maison-dupain";

async fn sources(w: &World, slug: &str) -> Vec<relais_core::veille::Source> {
    let ws = w.db.store.workspace_by_slug(slug).await.unwrap().unwrap();
    w.db.store.list_sources(ws.id).await.unwrap()
}

async fn topics(w: &World, slug: &str) -> Vec<relais_core::veille::TopicRecord> {
    let ws = w.db.store.workspace_by_slug(slug).await.unwrap().unwrap();
    w.db.store.list_topics(ws.id).await.unwrap()
}

fn multipart(csrf: &str, file: &str) -> (String, String) {
    let boundary = "----relaisveilleboundary4f9c2";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"feeds.opml\"\r\nContent-Type: text/x-opml\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(w: &World, who: &Login, file: &str) -> axum::http::Response<Body> {
    let (content_type, body) = multipart(&who.csrf, file);
    w.send(
        Request::post(format!("/w/{WS}/veille/sources/import"))
            .header(header::COOKIE, &who.cookie)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

async fn get_in(w: &World, who: &Login, path: &str, lang: &str) -> axum::http::Response<Body> {
    w.send(
        Request::get(path)
            .header(header::COOKIE, &who.cookie)
            .header(header::ACCEPT_LANGUAGE, lang)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

fn feed(url: &str) -> Vec<(&str, &str)> {
    vec![("kind", "feed"), ("url", url), ("interval", "60")]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_is_checked_at_its_field_and_refused_when_already_watched() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let cm = w.login("cm@demo.local").await;
        let path = format!("/w/{WS}/veille/sources");

        let r = w
            .post_form(Some(&cm), &path, &feed("https://example.org/feed.xml"))
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{label}]");
        assert_eq!(location(&r), format!("{path}?done=added"));
        let list = sources(&w, WS).await;
        assert_eq!(list.len(), 1, "[{label}]");
        assert_eq!(list[0].kind, SourceKind::Feed);
        assert_eq!(list[0].url, "https://example.org/feed.xml");
        assert_eq!(list[0].interval_secs, 3600);
        let html = text(w.get_page(Some(&cm), &path).await).await;
        assert!(html.contains("https://example.org/feed.xml"), "[{label}]");
        assert!(html.contains("id=\"source-form\""));

        // The same feed again, typed a little differently: refused at the URL.
        let r = w
            .post_form(Some(&cm), &path, &feed(" https://EXAMPLE.org/feed.xml "))
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "[{label}]");
        let html = text(r).await;
        assert!(
            html.contains("id=\"source-url-error\">Cette source est déjà surveillée"),
            "[{label}] {html}"
        );
        assert!(html.contains(
            "aria-invalid=\"true\" aria-describedby=\"source-url-hint source-url-error\""
        ));

        // Not an http(s) address; a page without selector; a bad interval.
        let r = w
            .post_form(Some(&cm), &path, &feed("ftp://example.org/feed"))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        let html = text(r).await;
        assert!(html.contains("id=\"source-url-error\">Saisissez une adresse complète commençant par http:// ou https://."));
        // What was typed is kept.
        assert!(html.contains("value=\"ftp://example.org/feed\""));
        let r = w
            .post_form(
                Some(&cm),
                &path,
                &[
                    ("kind", "page"),
                    ("url", "https://example.org/news"),
                    ("interval", "2"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = text(r).await;
        assert!(html.contains("id=\"source-selector-error\""), "{html}");
        assert!(html.contains(
            "id=\"source-interval-error\">Saisissez un nombre entier de minutes entre 5 et 10080."
        ));
        let r = w
            .post_form(
                Some(&cm),
                &path,
                &[
                    ("kind", "mastodon_tag"),
                    ("url", "https://mastodon.example"),
                    ("tag", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text(r).await.contains("id=\"source-tag-error\""));
        assert_eq!(
            sources(&w, WS).await.len(),
            1,
            "[{label}] nothing else added"
        );

        // A Jetstream URL is a stream: ws(s) is fine, and it reads continuously.
        let r = w
            .post_form(
                Some(&cm),
                &path,
                &[
                    ("kind", "jetstream"),
                    ("url", "wss://jetstream.example/subscribe"),
                    ("title", "Jetstream"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{label}]");
        let html = text(w.get_page(Some(&cm), &path).await).await;
        assert!(html.contains("En continu"), "[{label}]");

        // Turn off, on, remove: each button names its source.
        let id = sources(&w, WS).await[0].id;
        let html = text(w.get_page(Some(&cm), &path).await).await;
        assert!(html.contains(&format!("action=\"/w/{WS}/veille/sources/{id}/disable\"")));
        assert!(html.contains("aria-label=\"Retirer la source https://example.org/feed.xml\""));
        let r = w
            .post_form(Some(&cm), &format!("{path}/{id}/disable"), &[])
            .await;
        assert_eq!(location(&r), format!("{path}?done=disabled"));
        let s = sources(&w, WS).await;
        let s = s.iter().find(|s| s.id == id).unwrap();
        assert_eq!(s.state, SourceState::Disabled);
        w.post_form(Some(&cm), &format!("{path}/{id}/enable"), &[])
            .await;
        let s = sources(&w, WS).await;
        assert_eq!(
            s.iter().find(|s| s.id == id).unwrap().state,
            SourceState::Active
        );
        let r = w
            .post_form(Some(&cm), &format!("{path}/{id}/delete"), &[])
            .await;
        assert_eq!(location(&r), format!("{path}?done=deleted"));
        assert!(sources(&w, WS).await.iter().all(|s| s.id != id));
        // Once removed, it is not found.
        let r = w
            .post_form(Some(&cm), &format!("{path}/{id}/delete"), &[])
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        w.db.finish().await;
    }
}

const NESTED_OPML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Mes abonnements</title></head>
  <body>
    <outline text="Tech">
      <outline text="Rust">
        <outline type="rss" text="This Week in Rust" xmlUrl="https://this-week-in-rust.org/rss.xml" htmlUrl="https://this-week-in-rust.org/"/>
      </outline>
      <outline type="rss" text="LWN" xmlUrl="https://lwn.net/headlines/rss"/>
    </outline>
    <outline text="Boulangerie">
      <outline type="rss" text="Déjà là" xmlUrl="https://example.org/feed.xml"/>
      <outline type="rss" text="Pas web" xmlUrl="ftp://example.org/feed"/>
    </outline>
    <outline type="rss" text="Sans dossier" xmlUrl="https://example.net/atom.xml"/>
  </body>
</opml>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opml_import_adds_nested_feeds_at_once_and_a_broken_file_adds_nothing() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let cm = w.login("cm@demo.local").await;
        let path = format!("/w/{WS}/veille/sources");
        w.post_form(Some(&cm), &path, &feed("https://example.org/feed.xml"))
            .await;

        // A broken file: the error at the file field, nothing added.
        let r = upload(&w, &cm, "<opml><body><outline xmlUrl=").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        let html = text(r).await;
        assert!(
            html.contains("id=\"source-file-error\">Ce fichier n’est pas un OPML lisible ; rien n’a été ajouté."),
            "[{label}] {html}"
        );
        assert!(html.contains("aria-describedby=\"source-file-hint source-file-error\""));
        let r = upload(&w, &cm, "").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text(r).await.contains("Choisissez un fichier OPML."));
        assert_eq!(sources(&w, WS).await.len(), 1, "[{label}]");

        // Nested folders become categories; the feed already watched and the
        // ftp address are counted, not added.
        let r = upload(&w, &cm, NESTED_OPML).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{label}]");
        let back = location(&r);
        assert_eq!(
            back,
            format!("{path}?done=imported&added=3&skipped=1&invalid=1")
        );
        let html = text(w.get_page(Some(&cm), &back).await).await;
        assert!(
            html.contains(
                "3 sources ajoutées, une déjà surveillée, une adresse ignorée (ni http ni https)."
            ),
            "[{label}] {html}"
        );
        let list = sources(&w, WS).await;
        assert_eq!(list.len(), 4);
        let by_url = |u: &str| list.iter().find(|s| s.url == u).unwrap();
        assert_eq!(
            by_url("https://this-week-in-rust.org/rss.xml").category,
            "Tech / Rust"
        );
        assert_eq!(
            by_url("https://this-week-in-rust.org/rss.xml").title,
            "This Week in Rust"
        );
        assert_eq!(by_url("https://lwn.net/headlines/rss").category, "Tech");
        assert_eq!(by_url("https://example.net/atom.xml").category, "");
        // One audit entry for the import, in the same transaction.
        let ws = w.db.store.workspace_by_slug(WS).await.unwrap().unwrap();
        let audit =
            w.db.store
                .audit_for_workspace(ws.id, None, 50)
                .await
                .unwrap();
        assert_eq!(
            audit
                .iter()
                .filter(|a| a.action == relais_core::audit::AuditAction::VeilleSourcesImported)
                .count(),
            1,
            "[{label}]"
        );

        // Export: every feed, as OPML, downloaded; it reads back the same.
        let r = w.get_page(Some(&cm), &format!("{path}/export.opml")).await;
        assert_eq!(r.status(), StatusCode::OK, "[{label}]");
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "text/x-opml; charset=utf-8"
        );
        let disposition = r.headers()[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment;")
                && disposition.contains("maison-dupain-veille.opml"),
            "{disposition}"
        );
        let exported = text(r).await;
        let mut feeds = relais_fetch::opml::parse(exported.as_bytes()).unwrap();
        feeds.sort_by(|a, b| a.xml_url.cmp(&b.xml_url));
        let mut expected: Vec<(String, Option<String>, Option<String>)> = list
            .iter()
            .map(|s| {
                let some = |v: &str| (!v.is_empty()).then(|| v.to_string());
                (s.url.clone(), some(&s.title), some(&s.category))
            })
            .collect();
        expected.sort();
        let got: Vec<(String, Option<String>, Option<String>)> = feeds
            .into_iter()
            .map(|f| (f.xml_url, f.title, f.category))
            .collect();
        assert_eq!(got, expected, "[{label}]");
        // Importing the export again adds nothing: every feed is recognised.
        let r = upload(&w, &cm, &exported).await;
        assert_eq!(
            location(&r),
            format!("{path}?done=imported&added=0&skipped=4&invalid=0")
        );
        assert_eq!(sources(&w, WS).await.len(), 4);
        w.db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_with_a_wrong_query_shows_where_and_saves_nothing() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let cm = w.login("cm@demo.local").await;
        let path = format!("/w/{WS}/veille/topics");
        let bad = "grève AND (sncf OR";
        let r = w
            .post_form(
                Some(&cm),
                &path,
                &[("name", "Grèves"), ("kind", "trade"), ("query", bad)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        let html = text(r).await;
        let e = relais_veille::parse(bad).unwrap_err();
        assert!(
            html.contains(&format!(
                "La requête n’est pas valide (position {})",
                e.position
            )),
            "[{label}] {html}"
        );
        assert!(html.contains(&format!(
            "<div class=\"field-error query-problem\" id=\"topic-query-error\">\n  <p>Position {} :",
            e.position
        )), "{html}");
        // The parser's message and hint, in French.
        assert!(
            html.contains("la requête s’arrête là où un mot était attendu")
                && html
                    .contains("<p>terminez-la par un mot, une &#34;expression&#34; ou un groupe"),
            "{html}"
        );
        assert!(!html.contains("lang=\"en\""), "no English left on the page");
        assert!(html.contains("<pre class=\"query-caret\" tabindex=\"0\">"));
        let caret = format!("{}^", " ".repeat(e.position - 1));
        assert!(html.contains(&caret), "the caret line");
        assert!(html.contains(
            "aria-invalid=\"true\" aria-describedby=\"topic-query-hint topic-query-error\""
        ));
        // The text typed is kept in the textarea.
        assert!(html.contains("grève AND (sncf OR</textarea>"));
        assert!(topics(&w, WS).await.is_empty(), "[{label}] nothing saved");

        // A valid one: created, listed under its kind with a link to the tester.
        let good = "grève AND (sncf OR ratp)";
        let r = w
            .post_form(
                Some(&cm),
                &path,
                &[("name", "Grèves"), ("kind", "regulation"), ("query", good)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{label}]");
        let html = text(w.get_page(Some(&cm), &path).await).await;
        for heading in [
            "Veille métier",
            "Veille technologique",
            "Veille concurrentielle",
            "Veille réglementaire",
        ] {
            assert!(html.contains(heading), "{heading}");
        }
        let regulation = html.split("id=\"topics-regulation\"").nth(1).unwrap();
        assert!(regulation.contains("Grèves"));
        assert!(html.contains(&format!(
            "href=\"/w/{WS}/veille/test?q=gr%C3%A8ve+AND+%28sncf+OR+ratp%29\""
        )));
        // The same name again: refused at the name.
        let r = w
            .post_form(
                Some(&cm),
                &path,
                &[("name", "Grèves"), ("kind", "trade"), ("query", "grève")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(text(r)
            .await
            .contains("id=\"topic-name-error\">Un sujet de cet espace porte déjà ce nom."));

        // Edit: the form carries the version; a stale save is refused, the
        // person's text kept, the current query shown.
        let t = topics(&w, WS).await.remove(0);
        let edit = format!("{path}/{}", t.id);
        let html = text(w.get_page(Some(&cm), &edit).await).await;
        assert!(html.contains(&format!("name=\"version\" value=\"{}\"", t.version)));
        let v = t.version.to_string();
        let r = w
            .post_form(
                Some(&cm),
                &edit,
                &[
                    ("name", "Grèves"),
                    ("kind", "regulation"),
                    ("query", "grève AND sncf"),
                    ("version", &v),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{label}]");
        let r = w
            .post_form(
                Some(&cm),
                &edit,
                &[
                    ("name", "Grèves"),
                    ("kind", "regulation"),
                    ("query", "mon texte à garder"),
                    ("version", &v),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "[{label}]");
        let html = text(r).await;
        assert!(html.contains("id=\"topic-stale\""));
        assert!(html.contains("mon texte à garder</textarea>"));
        assert!(html.contains("<code>grève AND sncf</code>"));
        assert_eq!(topics(&w, WS).await[0].query, "grève AND sncf");
        // A wrong query on edit saves nothing either.
        let v2 = (t.version + 1).to_string();
        let r = w
            .post_form(
                Some(&cm),
                &edit,
                &[
                    ("name", "Grèves"),
                    ("kind", "regulation"),
                    ("query", "NEAR/3"),
                    ("version", &v2),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(topics(&w, WS).await[0].query, "grève AND sncf");
        // Delete.
        let r = w.post_form(Some(&cm), &format!("{edit}/delete"), &[]).await;
        assert_eq!(location(&r), format!("{path}?done=deleted"));
        assert!(topics(&w, WS).await.is_empty());
        w.db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tester_explains_each_part_in_words() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let viewer = w.login("viewer@demo.local").await;
        let base = "/w/velo-cite/veille/test";
        // Empty: just the form.
        let r = w.get_page(Some(&viewer), base).await;
        assert_eq!(r.status(), StatusCode::OK, "[{label}]");
        assert!(!text(r).await.contains("id=\"test-result\""));

        let q = "q=gr%C3%A8ve+AND+NOT+ratp&title=Gr%C3%A8ve&text=La+SNCF+en+gr%C3%A8ve";
        let r = w.get_page(Some(&viewer), &format!("{base}?{q}")).await;
        assert_eq!(r.status(), StatusCode::OK, "[{label}]");
        let html = text(r).await;
        assert!(html.contains("Le texte correspond à la requête."), "{html}");
        assert!(html.contains("<ul class=\"explanation\"><li><span class=\"verdict verdict-true\"><span aria-hidden=\"true\">✓</span> vrai</span>"), "{html}");
        // Where the word was found: the title's first word and the text's fourth.
        assert!(html.contains("dans le titre, mot 1"), "{html}");
        assert!(html.contains("dans le texte, mot 4"), "{html}");
        assert!(
            html.contains("<span aria-hidden=\"true\">✗</span> faux</span> <code>ratp</code>"),
            "{html}"
        );

        // In English, and a text that does not match.
        let q = "q=gr%C3%A8ve+AND+ratp&text=greve+SNCF";
        let html = text(get_in(&w, &viewer, &format!("{base}?{q}"), "en").await).await;
        assert!(
            html.contains("The text does not match the query."),
            "{html}"
        );
        assert!(html.contains("✗</span> false</span>"));
        assert!(html.contains("in the text, word 1"));

        // A wrong query: its position, hint and caret, and no result.
        let r = w
            .get_page(Some(&viewer), &format!("{base}?q=%22unclosed"))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = text(r).await;
        assert!(html.contains("id=\"test-q-error\""), "{html}");
        assert!(html.contains("Position 1 :"));
        assert!(!html.contains("id=\"test-result\""));
        w.db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_sees_but_cannot_change_and_others_are_kept_out() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let viewer = w.login("viewer@demo.local").await;
        let sources_path = "/w/velo-cite/veille/sources";
        let r = w.get_page(Some(&viewer), sources_path).await;
        assert_eq!(r.status(), StatusCode::OK, "[{label}]");
        let html = text(r).await;
        assert!(!html.contains("id=\"source-form\""), "no add form");
        assert!(!html.contains("id=\"source-import-form\""));
        assert!(html.contains("export.opml"));
        let r = w
            .post_form(
                Some(&viewer),
                sources_path,
                &feed("https://example.org/feed.xml"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "[{label}]");
        let r = w
            .post_form(
                Some(&viewer),
                "/w/velo-cite/veille/topics",
                &[("name", "x"), ("kind", "trade"), ("query", "x")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let html = text(
            w.get_page(Some(&viewer), "/w/velo-cite/veille/topics")
                .await,
        )
        .await;
        assert!(!html.contains("id=\"topic-form\""));
        assert!(sources(&w, "velo-cite").await.is_empty());
        assert!(topics(&w, "velo-cite").await.is_empty());

        // A client approver does not take part in veille: 403.
        let client = w.login("client@demo.local").await;
        let r = w
            .get_page(Some(&client), &format!("/w/{WS}/veille/sources"))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "[{label}]");
        // A member of another workspace: 404, pages and export alike.
        for path in [
            format!("/w/{WS}/veille/sources"),
            format!("/w/{WS}/veille/sources/export.opml"),
            format!("/w/{WS}/veille/topics"),
            format!("/w/{WS}/veille/test?q=a"),
        ] {
            let r = w.get_page(Some(&viewer), &path).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "[{label}] {path}");
        }
        w.db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_shows_what_fetching_cost_and_saved_in_the_readers_units() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let cm = w.login("cm@demo.local").await;
        let path = format!("/w/{WS}/veille/sources");
        w.post_form(Some(&cm), &path, &feed("https://example.org/feed.xml"))
            .await;
        let store = &w.db.store;
        // The worker's side: a full fetch, then a 304, then a failure.
        let fetch = |rec: relais_store::FetchRecord| async move {
            let now = relais_store::time::now();
            let leased = store
                .lease_due_sources("test", now, chrono::Duration::minutes(5), 10)
                .await
                .unwrap();
            assert_eq!(leased.len(), 1, "[{label}]");
            store
                .record_fetch("test", leased[0].id, now, &rec)
                .await
                .unwrap()
                .unwrap()
        };
        let now = relais_store::time::now();
        fetch(relais_store::FetchRecord {
            wire_bytes: 420_000,
            body_bytes: Some(1_500_000),
            next_fetch_at: now,
            ..Default::default()
        })
        .await;
        fetch(relais_store::FetchRecord {
            wire_bytes: 300,
            not_modified: true,
            next_fetch_at: now,
            ..Default::default()
        })
        .await;
        let s = fetch(relais_store::FetchRecord {
            wire_bytes: 0,
            error: Some("HTTP 503 Service Unavailable; retrying later".into()),
            next_fetch_at: now + chrono::Duration::hours(2),
            ..Default::default()
        })
        .await;
        assert_eq!(s.bytes_saved, 1_500_000, "[{label}]");
        let row = |html: &str| {
            html.split("<tbody>")
                .nth(1)
                .unwrap()
                .split("</tbody>")
                .next()
                .unwrap()
                .to_string()
        };
        let html = row(&text(w.get_page(Some(&cm), &path).await).await);
        for expected in [
            "<span class=\"source-state source-failing\">En échec</span>",
            "Dernière erreur : <span lang=\"en\">HTTP 503 Service Unavailable; retrying later</span>",
            "class=\"num\">3</td>",
            "class=\"num\">1</td>",
            // Downloaded: 420 000 + 300 bytes; saved by the 304: the body it did not resend.
            "class=\"num\">420\u{a0}ko</td>",
            "class=\"num\">1,5\u{a0}Mo</td>",
        ] {
            assert!(html.contains(expected), "[{label}] {expected} in {html}");
        }
        let html = row(&text(get_in(&w, &cm, &path, "en").await).await);
        assert!(html.contains("class=\"num\">1.5\u{a0}MB</td>"), "{html}");
        assert!(html.contains(">Failing</span>"));
        w.db.finish().await;
    }
}
