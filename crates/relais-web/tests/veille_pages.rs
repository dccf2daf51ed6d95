//! Veille pages on SQLite and PostgreSQL: items with filters and search,
//! curation refused when wrong and kept when right, alerts linking to their
//! items, digests built from curated items and sent through a real SMTP
//! server as accessible HTML, and the secret feed of curated items validated
//! by a third-party parser (Python feedparser) until revoked.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::{location, text, world_with, World};
use relais_core::veille::{AlertKind, NewItem, Polarity, VeilleKind};
use relais_core::{model::Actor, ItemId, WorkspaceId};
use relais_store::testing;
use std::path::Path;

const SLUG: &str = "maison-dupain";

/// A world whose app searches an index holding the items stored here.
async fn veille_world(db: testing::TestDb, smtp_url: &str) -> (World, WorkspaceId, Vec<ItemId>) {
    let mut config = relais_config::Config::default();
    config.mail.smtp_url = smtp_url.to_string();
    config.mail.from = "relais <relais@demo.local>".into();
    let w = world_with(db, config).await;
    let store = w.db.store.clone();
    let store = &store;
    let ws = store.workspace_by_slug(SLUG).await.unwrap().unwrap();
    let (topic, ids) =
        common::farine_items(store, ws.id, "Un fournil <b>moderne</b> ouvre à Lyon.").await;
    let w = common::with_search_index(w, &ids).await;
    store
        .record_alert(
            ws.id,
            topic.id,
            AlertKind::Volume,
            relais_store::hour_of(Utc::now()),
            25,
            1.5,
            8.0,
            None,
        )
        .await
        .unwrap();
    (w, ws.id, ids)
}

fn validate_feed(xml: &str) -> serde_json::Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = std::process::Command::new("bash")
        .arg(root.join("scripts/python-tools.sh"))
        .output()
        .expect("python-tools.sh");
    assert!(
        python.status.success(),
        "{}",
        String::from_utf8_lossy(&python.stderr)
    );
    let python = String::from_utf8(python.stdout).unwrap().trim().to_string();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("feed.xml");
    std::fs::write(&file, xml).unwrap();
    let out = std::process::Command::new(python)
        .arg(root.join("scripts/validate-feed.py"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "validate-feed: {}{}\n{xml}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_curation_digests_and_the_curated_feed() {
    let sink = relais_mail::testing::SmtpSink::start();
    for db in testing::all().await {
        let label = db.label;
        let (w, _ws, ids) = veille_world(db, sink.url()).await;
        let cm = w.login("cm@demo.local").await;
        let viewer = w.login("viewer@demo.local").await;

        // Overview and list.
        let home = w.get_page(Some(&cm), &format!("/w/{SLUG}/veille")).await;
        assert_eq!(home.status(), StatusCode::OK, "[{label}]");
        let html = text(home).await;
        assert!(
            html.contains("Veille métier") && html.contains("Farine"),
            "[{label}]"
        );
        let list = text(
            w.get_page(
                Some(&cm),
                &format!("/w/{SLUG}/veille/items?polarity=negative"),
            )
            .await,
        )
        .await;
        assert!(
            list.contains("La farine flambe") && !list.contains("Un nouveau four"),
            "[{label}]"
        );

        // An item stored by the fetch stage and not analysed yet: listed at
        // once, said to be pending, not counted as neutral.
        let waiting = relais_core::veille::NewItem {
            title: "Un article en attente".into(),
            lang_hint: Some("fr".into()),
            lang: None,
            ..common::veille_item("attente", "En attente", "rien", Polarity::Neutral, &[])
        };
        let pending_id =
            w.db.store
                .store_item_batches(&[relais_store::ItemBatch {
                    workspace_id: _ws,
                    source: None,
                    items: std::slice::from_ref(&waiting),
                    at: Utc::now(),
                    pending: true,
                    fetch: None,
                }])
                .await
                .unwrap()[0][0]
                .unwrap();
        let all = text(
            w.get_page(Some(&cm), &format!("/w/{SLUG}/veille/items"))
                .await,
        )
        .await;
        let at = all
            .find("Un article en attente")
            .expect("the pending item is listed");
        assert!(all[at..].contains("analyse en cours"), "[{label}]");
        let neutral = text(
            w.get_page(
                Some(&cm),
                &format!("/w/{SLUG}/veille/items?polarity=neutral"),
            )
            .await,
        )
        .await;
        assert!(!neutral.contains("Un article en attente"), "[{label}]");
        let page = text(
            w.get_page(
                Some(&cm),
                &format!("/w/{SLUG}/veille/items/{}", pending_id.0),
            )
            .await,
        )
        .await;
        assert!(page.contains("analyse en cours"), "[{label}]");

        // Search: stemmed, accents ignored, the text escaped with its marks.
        let found = text(
            w.get_page(Some(&cm), &format!("/w/{SLUG}/veille/items?q=fournils"))
                .await,
        )
        .await;
        assert!(found.contains("Un nouveau four"), "[{label}] {found}");
        assert!(found.contains("<mark>fournil</mark>"), "[{label}]");
        assert!(
            found.contains("&lt;b&gt;moderne&lt;/b&gt;") || found.contains("&#60;b&#62;"),
            "[{label}] HTML in a post is text"
        );
        let bad = w
            .get_page(Some(&cm), &format!("/w/{SLUG}/veille/items?from=demain"))
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");

        // Curation: bad tags refused at the field, nothing saved; then saved.
        let path = format!("/w/{SLUG}/veille/items/{}", ids[0].0);
        let long = "x".repeat(60);
        let refused = w
            .post_form(
                Some(&cm),
                &path,
                &[("starred", "1"), ("tags", &long), ("note", "n")],
            )
            .await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{label}]"
        );
        let item = w.db.store.item(_ws, ids[0]).await.unwrap().unwrap();
        assert!(
            !item.item.starred && item.tags.is_empty(),
            "[{label}] nothing half-saved"
        );
        let saved = w
            .post_form(
                Some(&cm),
                &path,
                &[
                    ("starred", "1"),
                    ("tags", "Prix, farine"),
                    ("note", "Revoir nos tarifs"),
                ],
            )
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER, "[{label}]");
        let item = w.db.store.item(_ws, ids[0]).await.unwrap().unwrap();
        assert!(item.item.starred, "[{label}]");
        assert_eq!(item.tags, vec!["farine".to_string(), "prix".to_string()]);
        // The client approver receives digests, not the raw watch; a member
        // of another workspace gets "not found".
        let client = w.login("client@demo.local").await;
        assert_eq!(
            w.get_page(Some(&client), &path).await.status(),
            StatusCode::FORBIDDEN
        );
        let denied = w.post_form(Some(&client), &path, &[("starred", "")]).await;
        assert_eq!(denied.status(), StatusCode::FORBIDDEN, "[{label}]");
        assert_eq!(
            w.get_page(Some(&viewer), &path).await.status(),
            StatusCode::NOT_FOUND
        );

        // Alerts link to the items of their hour.
        let alerts = text(
            w.get_page(Some(&cm), &format!("/w/{SLUG}/veille/alerts"))
                .await,
        )
        .await;
        assert!(
            alerts.contains("Farine") && alerts.contains("veille/items?topic="),
            "[{label}]"
        );

        // A digest: at least one item, then created and sent as HTML + text.
        let digests = format!("/w/{SLUG}/veille/digests");
        let empty = w
            .post_form(Some(&cm), &digests, &[("title", "Semaine 48")])
            .await;
        assert_eq!(
            empty.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{label}]"
        );
        let id = ids[0].0.to_string();
        let made = w
            .post_form(
                Some(&cm),
                &digests,
                &[
                    ("title", &format!("Semaine 48 {label}")),
                    ("intro", "L'essentiel"),
                    ("item", &id),
                    ("item", &pending_id.0.to_string()),
                ],
            )
            .await;
        assert_eq!(made.status(), StatusCode::SEE_OTHER, "[{label}]");
        let digest_path = location(&made).split('?').next().unwrap().to_string();
        let page = text(w.get_page(Some(&cm), &digest_path).await).await;
        assert!(
            page.contains("Revoir nos tarifs") && page.contains("<ol class=\"digest-items\">"),
            "[{label}]"
        );
        // The line under an item's title: its polarity once analysed, none
        // while its analysis is pending (its stored placeholder is not one).
        let line_after = |html: &str, title: &str| -> String {
            let rest = &html[html.find(title).expect(title)..];
            let rest = &rest[rest.find("</h2>").expect("a heading")..];
            rest[..rest.find("</p>").expect("a line")].to_string()
        };
        assert!(
            line_after(&page, "La farine flambe").contains("négatif"),
            "[{label}]"
        );
        assert!(
            !line_after(&page, "Un article en attente").contains("neutre"),
            "[{label}] {}",
            line_after(&page, "Un article en attente")
        );
        let bad_to = w
            .post_form(
                Some(&cm),
                &format!("{digest_path}/send"),
                &[("to", "pas-une-adresse")],
            )
            .await;
        assert_eq!(
            bad_to.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{label}]"
        );
        let to = format!("client-{label}@brand.test");
        let sent = w
            .post_form(Some(&cm), &format!("{digest_path}/send"), &[("to", &to)])
            .await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER, "[{label}]");
        let mail = sink.wait_for(&to, std::time::Duration::from_secs(20));
        let raw = String::from_utf8_lossy(&mail.raw);
        assert!(raw.contains("multipart/alternative"), "[{label}] {raw}");
        assert!(
            raw.contains("text/html") && raw.contains("text/plain"),
            "[{label}]"
        );
        let json: serde_json::Value = serde_json::from_str(&mail.json).unwrap();
        assert_eq!(
            json["subject"].as_str().unwrap_or_default(),
            format!("Semaine 48 {label}")
        );
        // Read well by a screen reader: a language, headings, an ordered
        // list of items, no layout table, no image without text.
        let html = json["html"].as_str().unwrap_or_default();
        assert!(html.contains("<html lang=\"fr\">"), "[{label}] {html}");
        assert!(
            html.contains("<h1") && html.contains("<ol") && html.contains("<h2"),
            "[{label}] {html}"
        );
        assert!(
            !html.contains("<table") && !html.contains("<img"),
            "[{label}]"
        );
        assert!(html.contains("Revoir nos tarifs"), "[{label}]");
        assert!(
            line_after(html, "La farine flambe").contains("négatif"),
            "[{label}]"
        );
        assert!(
            !line_after(html, "Un article en attente").contains("neutre"),
            "[{label}]"
        );

        // The secret feed of curated items: valid for feedparser, until revoked.
        let made = w
            .post_form(Some(&cm), &format!("/w/{SLUG}/veille/feed"), &[])
            .await;
        assert_eq!(made.status(), StatusCode::OK, "[{label}]");
        let html = text(made).await;
        let start = html.find("/veille/feeds/").unwrap();
        let token: String = html[start + "/veille/feeds/".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        let feed = w.get_page(None, &format!("/veille/feeds/{token}")).await;
        assert_eq!(feed.status(), StatusCode::OK, "[{label}]");
        let xml = text(feed).await;
        let parsed = validate_feed(&xml);
        let entries = parsed["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 1, "[{label}] only the curated item");
        assert_eq!(entries[0]["title"], "La farine flambe");
        assert!(entries[0]["summary"]
            .as_str()
            .unwrap()
            .contains("Revoir nos tarifs"));
        let revoked = w
            .post_form(Some(&cm), &format!("/w/{SLUG}/veille/feed/revoke"), &[])
            .await;
        assert_eq!(revoked.status(), StatusCode::SEE_OTHER, "[{label}]");
        let gone = w.get_page(None, &format!("/veille/feeds/{token}")).await;
        assert_eq!(gone.status(), StatusCode::NOT_FOUND, "[{label}]");

        w.db.finish().await;
    }
}

/// The volume page: a topic's items counted per day (and per hour), the
/// negative ones apart, every period present, each count linking to its
/// items, the spike alert marked in its hour; the same figures as CSV; a
/// topic of another workspace is never drawn.
#[tokio::test]
async fn volume_per_topic_over_time() {
    let sink = relais_mail::testing::SmtpSink::start();
    for db in testing::all().await {
        let label = db.label;
        let (w, ws, _ids) = veille_world(db, sink.url()).await;
        let store = &w.db.store;
        let sys = Actor::System("test");
        let farine = store.list_topics(ws).await.unwrap()[0].clone();
        // Three items three days ago (one negative), beside today's negative one.
        let three_days_ago = Utc::now() - Duration::days(3);
        let old: Vec<NewItem> = (0..3)
            .map(|i| NewItem {
                published_at: three_days_ago,
                ..common::veille_item(
                    &format!("old{i}"),
                    "Farine",
                    "farine",
                    if i == 0 {
                        Polarity::Negative
                    } else {
                        Polarity::Positive
                    },
                    &[farine.id],
                )
            })
            .collect();
        store.store_items(ws, None, &old, Utc::now()).await.unwrap();
        // Another workspace's topic, busier than ours.
        let other = store.workspace_by_slug("velo-cite").await.unwrap().unwrap();
        let theirs = store
            .save_topic(
                &sys,
                other.id,
                None,
                "Secret vélo",
                VeilleKind::Trade,
                "velo",
            )
            .await
            .unwrap();
        let many: Vec<NewItem> = (0..7)
            .map(|i| {
                common::veille_item(
                    &format!("v{i}"),
                    "vélo",
                    "vélo",
                    Polarity::Neutral,
                    &[theirs.id],
                )
            })
            .collect();
        store
            .store_items(other.id, None, &many, Utc::now())
            .await
            .unwrap();

        let cm = w.login("cm@demo.local").await;
        let page = w
            .get_page(
                Some(&cm),
                &format!("/w/{SLUG}/veille/volume?topic={}&range=14d", farine.id.0),
            )
            .await;
        assert_eq!(page.status(), StatusCode::OK, "[{label}]");
        let html = text(page).await;
        assert!(
            html.contains("4 éléments sur la période, dont 2 négatifs."),
            "[{label}] {html}"
        );
        assert_eq!(
            html.matches("<th scope=\"row\"><time").count(),
            14,
            "[{label}] every day is a row"
        );
        let day = three_days_ago.format("%Y-%m-%d").to_string();
        let link = format!(
            "/w/{SLUG}/veille/items?topic={}&#38;from={day}&#38;to={day}",
            farine.id.0
        );
        assert!(
            html.contains(&link),
            "[{label}] a day links to its items: {html}"
        );
        assert!(
            html.contains("role=\"img\"") && html.contains("<desc id=\"volume-chart-desc\">"),
            "[{label}]"
        );
        assert!(!html.contains("Secret vélo"), "[{label}]");

        // The hourly view marks the alert of this hour and links to it.
        let hourly = text(
            w.get_page(
                Some(&cm),
                &format!("/w/{SLUG}/veille/volume?topic={}&range=48h", farine.id.0),
            )
            .await,
        )
        .await;
        let alert = store.list_alerts(ws, 10).await.unwrap()[0].clone();
        assert!(
            hourly.contains(&format!("/w/{SLUG}/veille/alerts/{}", alert.id.0)),
            "[{label}]"
        );
        assert!(
            hourly.contains("1 élément sur la période, dont 1 négatif."),
            "[{label}] {hourly}"
        );

        // CSV: one line per day, oldest first.
        let csv = text(
            w.get_page(
                Some(&cm),
                &format!(
                    "/w/{SLUG}/veille/volume?topic={}&range=14d&format=csv",
                    farine.id.0
                ),
            )
            .await,
        )
        .await;
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "period_start,total,negative,alerts", "[{label}]");
        assert_eq!(lines.len(), 15, "[{label}]");
        assert!(
            lines[11].starts_with(&format!("{day}T00:00:00Z,3,1,0")),
            "[{label}] {csv}"
        );
        assert!(lines[14].ends_with(",1,1,1"), "[{label}] {csv}");

        // Another workspace's topic id shows our first topic, never theirs.
        let foreign = text(
            w.get_page(
                Some(&cm),
                &format!("/w/{SLUG}/veille/volume?topic={}", theirs.id.0),
            )
            .await,
        )
        .await;
        assert!(
            foreign.contains("4 éléments sur la période") && !foreign.contains("Secret vélo"),
            "[{label}]"
        );
    }
}
