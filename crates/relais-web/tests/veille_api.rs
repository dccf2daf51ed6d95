//! The veille API on SQLite and PostgreSQL: items with every filter and a
//! real search index, topics (created, refused with the parser's position and
//! code in the caller's language, their volume), sources (added, refused as
//! the page refuses them, with their fetch figures) and alerts; refusals save
//! nothing, a client approver cannot write, and another workspace's people
//! and topics are invisible.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{Duration, Utc};
use common::{text, world, world_with, Login, World};
use relais_core::veille::{AlertKind, NewItem, Polarity, VeilleKind};
use relais_core::{model::Actor, ItemId, Locale, TopicId, WorkspaceId};
use relais_store::testing;
use serde_json::{json, Value};

const SLUG: &str = "maison-dupain";
const API: &str = "/api/v1/workspaces/maison-dupain/veille";

/// Sends `body` (JSON) as `who`, in `lang`; the status and the JSON answer.
async fn call(
    w: &World,
    who: &Login,
    method: &str,
    path: &str,
    body: Option<Value>,
    lang: &str,
) -> (StatusCode, Value) {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {}", who.token))
        .header(header::ACCEPT_LANGUAGE, lang);
    let body = match body {
        Some(v) => {
            b = b.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let r = w.send(b.body(body).unwrap()).await;
    let status = r.status();
    if status.is_client_error() || status.is_server_error() {
        assert_eq!(
            r.headers().get(header::CONTENT_TYPE).unwrap(),
            "application/problem+json",
            "{method} {path}"
        );
    }
    let t = text(r).await;
    (status, serde_json::from_str(&t).unwrap_or(Value::Null))
}

async fn get(w: &World, who: &Login, path: &str) -> (StatusCode, Value) {
    call(w, who, "GET", path, None, "en").await
}

/// The fields a problem names, in order.
fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn listed(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

/// The demo agency with a topic, two items in a search index the app
/// searches, the first one curated.
async fn veille_world(db: testing::TestDb) -> (World, WorkspaceId, TopicId, Vec<ItemId>) {
    let config = relais_config::Config::default();
    let w = world_with(db, config).await;
    let store = w.db.store.clone();
    let ws = store.workspace_by_slug(SLUG).await.unwrap().unwrap();
    let sys = Actor::System("test");
    let (topic, ids) =
        common::farine_items(&store, ws.id, "Un fournil moderne ouvre à Lyon.").await;
    store
        .curate_item(
            &sys,
            ws.id,
            ids[0],
            true,
            &["prix".to_string()],
            "Nos coûts montent.",
        )
        .await
        .unwrap();
    let w = common::with_search_index(w, &ids).await;
    (w, ws.id, topic.id, ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_are_filtered_searched_and_bad_parameters_named() {
    for db in testing::all().await {
        let label = db.label;
        let (w, _ws, topic, ids) = veille_world(db).await;
        let cm = w.login("cm@demo.local").await;
        let items = format!("{API}/items");

        let (status, all) = get(&w, &cm, &items).await;
        assert_eq!(status, StatusCode::OK, "[{label}] {all}");
        assert_eq!(all["items"].as_array().unwrap().len(), 2, "[{label}]");
        assert!(all["total"].is_null(), "[{label}]");
        let f1 = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == ids[0].0)
            .unwrap();
        assert_eq!(f1["title"], "La farine flambe", "[{label}]");
        assert_eq!(f1["canonical_url"], "https://presse.test/f1", "[{label}]");
        assert_eq!(
            f1["url"], "https://presse.test/f1?utm_source=x",
            "[{label}]"
        );
        assert_eq!(f1["author"], "Camille", "[{label}]");
        assert_eq!(f1["lang"], "fr", "[{label}]");
        assert_eq!(f1["polarity"], "negative", "[{label}]");
        assert_eq!(f1["analysed"], true, "[{label}]");
        assert!(f1["sentiment"].as_f64().unwrap() < 0.0, "[{label}]");
        assert_eq!(
            f1["topics"],
            json!([{"id": topic.0, "name": "Farine"}]),
            "[{label}]"
        );
        assert_eq!(f1["starred"], true, "[{label}]");
        assert_eq!(f1["tags"], json!(["prix"]), "[{label}]");
        assert_eq!(f1["note"], "Nos coûts montent.", "[{label}]");
        assert!(f1["source_id"].is_null(), "[{label}]");
        assert!(f1["cluster_id"].is_i64() && f1["published_at"].is_string());

        // Each filter.
        let today = Utc::now().format("%Y-%m-%d").to_string();
        let tomorrow = (Utc::now() + Duration::days(1))
            .format("%Y-%m-%d")
            .to_string();
        for (query, expected) in [
            ("polarity=negative".to_string(), vec![ids[0].0]),
            ("polarity=positive".to_string(), vec![ids[1].0]),
            (format!("topic={}", topic.0), vec![ids[0].0]),
            ("starred=true".to_string(), vec![ids[0].0]),
            ("tag=prix".to_string(), vec![ids[0].0]),
            ("lang=en".to_string(), vec![]),
            (format!("from={tomorrow}"), vec![]),
            (
                format!("from={today}&to={today}&polarity=negative"),
                vec![ids[0].0],
            ),
            ("source=999999".to_string(), vec![]),
        ] {
            let (status, list) = get(&w, &cm, &format!("{items}?{query}")).await;
            assert_eq!(status, StatusCode::OK, "[{label}] {query}: {list}");
            assert_eq!(listed(&list), expected, "[{label}] {query}");
        }
        // Paging.
        let (_, first) = get(&w, &cm, &format!("{items}?limit=1")).await;
        let (_, second) = get(&w, &cm, &format!("{items}?limit=1&offset=1")).await;
        assert_eq!(listed(&first).len(), 1, "[{label}]");
        assert_eq!(listed(&second).len(), 1, "[{label}]");
        assert_ne!(listed(&first), listed(&second), "[{label}]");

        // Search: stemmed, with the index's filters and the curation's.
        let (status, found) = get(&w, &cm, &format!("{items}?q=fournils")).await;
        assert_eq!(status, StatusCode::OK, "[{label}] {found}");
        assert_eq!(listed(&found), vec![ids[1].0], "[{label}]");
        assert_eq!(found["total"], 1, "[{label}]");
        let (_, found) = get(&w, &cm, &format!("{items}?q=farine&starred=true")).await;
        assert_eq!(listed(&found), vec![ids[0].0], "[{label}]");
        let (_, found) = get(&w, &cm, &format!("{items}?q=farine&polarity=positive")).await;
        assert_eq!(listed(&found), Vec::<i64>::new(), "[{label}]");

        // A search text that cannot be understood: where, what, in the
        // caller's language.
        let path = format!("{items}?q=%22farine");
        let (status, en) = call(&w, &cm, "GET", &path, None, "en").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}] {en}");
        let (_, fr) = call(&w, &cm, "GET", &path, None, "fr").await;
        let (e, f) = (&en["errors"][0], &fr["errors"][0]);
        assert_eq!(e["field"], "q", "[{label}]");
        assert_eq!(e["code"], "unclosed-quote", "[{label}]");
        assert_eq!(e["position"], 1, "[{label}] {en}");
        assert_eq!(f["code"], e["code"], "[{label}]");
        assert_ne!(
            e["message"], f["message"],
            "[{label}] translated: {en} {fr}"
        );
        assert!(!e["hint"].as_str().unwrap().is_empty(), "[{label}]");

        // Bad parameters: each one named, all at once.
        for (query, field) in [
            ("limit=0", "limit"),
            ("limit=201", "limit"),
            ("limit=ten", "limit"),
            ("offset=-1", "offset"),
            ("offset=10001", "offset"),
            ("polarity=angry", "polarity"),
            ("starred=maybe", "starred"),
            ("from=2026-13-01", "from"),
            ("to=yesterday", "to"),
            ("topic=abc", "topic"),
            ("source=-2", "source"),
        ] {
            let (status, p) = get(&w, &cm, &format!("{items}?{query}")).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{label}] {query}"
            );
            assert_eq!(fields(&p), vec![field], "[{label}] {query}: {p}");
            assert!(!p["errors"][0]["message"].as_str().unwrap().is_empty());
        }
        let (_, p) = get(&w, &cm, &format!("{items}?limit=0&polarity=x&from=x")).await;
        assert_eq!(fields(&p), vec!["polarity", "from", "limit"], "[{label}]");
        w.db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_are_created_refused_with_the_parsers_position_and_have_a_volume() {
    for db in testing::all().await {
        let label = db.label;
        let (w, ws, farine, _ids) = veille_world(db).await;
        let store = &w.db.store;
        let cm = w.login("cm@demo.local").await;
        let topics = format!("{API}/topics");
        let count = || async { store.list_topics(ws).await.unwrap().len() };

        let (status, t) = call(
            &w,
            &cm,
            "POST",
            &topics,
            Some(json!({"name": "Grèves", "kind": "regulation", "query": "grève NEAR/3 boulangerie"})),
            "en",
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "[{label}] {t}");
        assert_eq!(t["kind"], "regulation", "[{label}]");
        assert_eq!(t["version"], 1, "[{label}]");
        let (status, list) = get(&w, &cm, &topics).await;
        assert_eq!(status, StatusCode::OK, "[{label}]");
        let names: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"Grèves") && names.contains(&"Farine"),
            "[{label}]"
        );
        assert_eq!(count().await, 2, "[{label}]");

        // A query the parser refuses: its position, its code, the message in
        // the caller's language; nothing saved.
        let bad = json!({"name": "Prix", "kind": "trade", "query": "grève AND \"prix"});
        let (status, en) = call(&w, &cm, "POST", &topics, Some(bad.clone()), "en").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}] {en}");
        let (_, fr) = call(&w, &cm, "POST", &topics, Some(bad), "fr").await;
        let (e, f) = (&en["errors"][0], &fr["errors"][0]);
        assert_eq!(e["field"], "query", "[{label}]");
        assert_eq!(e["code"], "unclosed-quote", "[{label}]");
        assert_eq!(e["position"], 11, "[{label}] {en}");
        let i18n = relais_i18n::I18n::new().unwrap();
        assert_eq!(
            e["message"],
            i18n.format(Locale::En, "vquery-unclosed-quote", None),
            "[{label}]"
        );
        assert_eq!(
            f["message"],
            i18n.format(Locale::Fr, "vquery-unclosed-quote", None),
            "[{label}]"
        );
        assert!(!e["hint"].as_str().unwrap().is_empty(), "[{label}]");
        // Every field at fault at once.
        let (status, p) = call(
            &w,
            &cm,
            "POST",
            &topics,
            Some(json!({"name": " ", "kind": "gossip", "query": "a NEAR/x b"})),
            "en",
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        assert_eq!(fields(&p), vec!["name", "kind", "query"], "[{label}] {p}");
        let (status, _) = call(
            &w,
            &cm,
            "POST",
            &topics,
            Some(json!({"name": "Farine", "kind": "trade", "query": "pain"})),
            "en",
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "[{label}] the name is taken");
        assert_eq!(count().await, 2, "[{label}] refusals saved nothing");

        // A client approver cannot write (nor read veille).
        let client = w.login("client@demo.local").await;
        let ok = json!({"name": "Client", "kind": "trade", "query": "pain"});
        let (status, _) = call(&w, &client, "POST", &topics, Some(ok), "en").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "[{label}]");
        assert_eq!(count().await, 2, "[{label}]");

        // Volume: three items three days ago (one negative) and today's
        // negative one.
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
                    &[farine],
                )
            })
            .collect();
        store.store_items(ws, None, &old, Utc::now()).await.unwrap();
        let volume = format!("{topics}/{}/volume", farine.0);
        let (status, v) = get(&w, &cm, &volume).await;
        assert_eq!(status, StatusCode::OK, "[{label}] {v}");
        assert_eq!(v["range"], "14d", "[{label}]");
        let periods = v["periods"].as_array().unwrap();
        assert_eq!(periods.len(), 14, "[{label}]");
        let sum = |key: &str| {
            periods
                .iter()
                .map(|p| p[key].as_i64().unwrap())
                .sum::<i64>()
        };
        assert_eq!((sum("total"), sum("negative")), (4, 2), "[{label}]");
        let day = three_days_ago.format("%Y-%m-%d").to_string();
        let that_day = periods
            .iter()
            .find(|p| p["start"].as_str().unwrap().starts_with(&day))
            .unwrap();
        assert_eq!(
            (that_day["total"].as_i64(), that_day["negative"].as_i64()),
            (Some(3), Some(1))
        );
        let (_, hourly) = get(&w, &cm, &format!("{volume}?range=48h")).await;
        assert_eq!(hourly["periods"].as_array().unwrap().len(), 48, "[{label}]");
        let (status, p) = get(&w, &cm, &format!("{volume}?range=7d")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        assert_eq!(fields(&p), vec!["range"], "[{label}]");
        // Another workspace's topic is not found through this one.
        let other = store.workspace_by_slug("velo-cite").await.unwrap().unwrap();
        let theirs = store
            .save_topic(
                &Actor::System("test"),
                other.id,
                None,
                "Secret vélo",
                VeilleKind::Trade,
                "velo",
            )
            .await
            .unwrap();
        let (status, _) = get(&w, &cm, &format!("{topics}/{}/volume", theirs.id.0)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "[{label}]");
        w.db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_are_added_as_the_page_checks_them_with_their_figures() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let store = &w.db.store;
        let ws = store.workspace_by_slug(SLUG).await.unwrap().unwrap();
        let cm = w.login("cm@demo.local").await;
        let sources = format!("{API}/sources");
        let count = || async { store.list_sources(ws.id).await.unwrap().len() };

        let (status, s) = call(
            &w,
            &cm,
            "POST",
            &sources,
            Some(json!({"kind": "feed", "url": " https://example.org/feed.xml ", "category": "Presse"})),
            "en",
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "[{label}] {s}");
        assert_eq!(s["url"], "https://example.org/feed.xml", "[{label}]");
        assert_eq!(s["interval_minutes"], 60, "[{label}]");
        assert_eq!(s["state"], "active", "[{label}]");

        // Refused as the page refuses them, every field named, nothing saved.
        for (body, field) in [
            (
                json!({"kind": "feed", "url": "ftp://example.org/feed"}),
                "url",
            ),
            (json!({"kind": "feed", "url": "javascript:alert(1)"}), "url"),
            (json!({"kind": "feed", "url": "https://"}), "url"),
            (json!({"kind": "feed", "url": ""}), "url"),
            (
                json!({"kind": "pigeon", "url": "https://example.org/"}),
                "kind",
            ),
            (
                json!({"kind": "page", "url": "https://example.org/", "selector": "p["}),
                "selector",
            ),
            (
                json!({"kind": "mastodon_tag", "url": "https://m.example/", "tag": "two words"}),
                "tag",
            ),
            (
                json!({"kind": "feed", "url": "https://example.org/a", "interval": 0}),
                "interval",
            ),
            (
                json!({"kind": "feed", "url": "https://example.org/a", "interval": 100000000}),
                "interval",
            ),
        ] {
            let (status, p) = call(&w, &cm, "POST", &sources, Some(body.clone()), "en").await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}] {body}");
            assert_eq!(fields(&p), vec![field], "[{label}] {body}: {p}");
            assert!(!p["errors"][0]["message"].as_str().unwrap().is_empty());
        }
        let (status, p) = call(
            &w,
            &cm,
            "POST",
            &sources,
            Some(json!({"kind": "feed", "url": "x", "colour": 1})),
            "en",
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}] {p}");
        let (status, _) = call(
            &w,
            &cm,
            "POST",
            &sources,
            Some(json!({"kind": "feed", "url": "https://example.org/feed.xml"})),
            "en",
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "[{label}] already watched");
        let client = w.login("client@demo.local").await;
        let ok = json!({"kind": "feed", "url": "https://example.org/other.xml"});
        let (status, _) = call(&w, &client, "POST", &sources, Some(ok), "en").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "[{label}]");
        assert_eq!(count().await, 1, "[{label}] refusals saved nothing");

        // The worker's side: a full fetch, a 304, then a failure.
        let fetch = |rec: relais_store::FetchRecord| async move {
            let now = relais_store::time::now();
            let leased = store
                .lease_due_sources("test", now, Duration::minutes(5), 10)
                .await
                .unwrap();
            store
                .record_fetch("test", leased[0].id, now, &rec)
                .await
                .unwrap()
                .unwrap();
        };
        let now = relais_store::time::now();
        fetch(relais_store::FetchRecord {
            wire_bytes: 42_000,
            body_bytes: Some(150_000),
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
        fetch(relais_store::FetchRecord {
            error: Some("HTTP 503 Service Unavailable".into()),
            next_fetch_at: now + Duration::hours(2),
            ..Default::default()
        })
        .await;
        let (status, list) = get(&w, &cm, &sources).await;
        assert_eq!(status, StatusCode::OK, "[{label}]");
        let s = &list[0];
        assert_eq!(s["kind"], "feed", "[{label}]");
        assert_eq!(s["state"], "failing", "[{label}]");
        assert_eq!(
            s["failure_reason"], "HTTP 503 Service Unavailable",
            "[{label}]"
        );
        assert_eq!(s["fetches"], 3, "[{label}]");
        assert_eq!(s["not_modified"], 1, "[{label}]");
        assert_eq!(s["bytes_downloaded"], 42_300, "[{label}]");
        assert_eq!(s["bytes_saved"], 150_000, "[{label}]");
        assert_eq!(s["items"], 0, "[{label}]");

        // This world has no search index: a search says so (503), the
        // filters still work.
        let (status, p) = get(&w, &cm, &format!("{API}/items?q=farine")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "[{label}] {p}");
        assert!(
            p["detail"].as_str().unwrap().contains("search"),
            "[{label}] {p}"
        );
        let (status, _) = get(&w, &cm, &format!("{API}/items?polarity=neutral")).await;
        assert_eq!(status, StatusCode::OK, "[{label}]");
        w.db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_are_listed_and_other_workspaces_see_nothing() {
    for db in testing::all().await {
        let label = db.label;
        let (w, ws, farine, _ids) = veille_world(db).await;
        let hour = relais_store::hour_of(Utc::now());
        w.db.store
            .record_alert(ws, farine, AlertKind::Volume, hour, 25, 1.5, 8.0, None)
            .await
            .unwrap();
        let cm = w.login("cm@demo.local").await;
        let (status, alerts) = get(&w, &cm, &format!("{API}/alerts")).await;
        assert_eq!(status, StatusCode::OK, "[{label}] {alerts}");
        let a = &alerts[0];
        assert_eq!(a["topic_id"], farine.0, "[{label}]");
        assert_eq!(a["topic_name"], "Farine", "[{label}]");
        assert_eq!(a["kind"], "volume", "[{label}]");
        assert_eq!(a["observed"], 25, "[{label}]");
        assert_eq!(a["threshold"], 8.0, "[{label}]");

        // A token of a member of another workspace only: 404 everywhere; a
        // client approver of this one: 403 (no veille for clients).
        let viewer = w.login("viewer@demo.local").await;
        let client = w.login("client@demo.local").await;
        for path in [
            format!("{API}/items"),
            format!("{API}/items?q=farine"),
            format!("{API}/topics"),
            format!("{API}/topics/{}/volume", farine.0),
            format!("{API}/sources"),
            format!("{API}/alerts"),
        ] {
            let (status, body) = get(&w, &viewer, &path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "[{label}] {path}");
            assert!(!body.to_string().contains("Farine"), "[{label}] {path}");
            let (status, _) = get(&w, &client, &path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "[{label}] {path}");
        }
        for path in [format!("{API}/topics"), format!("{API}/sources")] {
            let (status, _) = call(&w, &viewer, "POST", &path, Some(json!({})), "en").await;
            assert_eq!(status, StatusCode::NOT_FOUND, "[{label}] {path}");
        }
        // Without a token: 401.
        let r = w
            .send(
                Request::get(format!("{API}/items"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "[{label}]");
        w.db.finish().await;
    }
}
