//! The veille worker on every kind of source, on SQLite and PostgreSQL:
//! a web page watched through a CSS selector (loopback HTTP server), the
//! Mastodon hashtag and public timelines (the loopback Mastodon server of
//! `relais-connect`), the Bluesky firehose of the real local PDS
//! (`scripts/pds-test-server.sh`, `TEST_PDS_URL`) and a Jetstream (the
//! loopback Jetstream server of `relais-connect`); and a source failing for
//! longer than `dead_after_days`, disabled with the team told in the app and
//! by e-mail through a real SMTP server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use relais_connect::testing::jetstream::JetstreamServer;
use relais_connect::testing::mastodon::MastodonServer;
use relais_connect::testing::pds::TestPds;
use relais_core::entry::NotificationKind;
use relais_core::model::{Actor, User, Workspace};
use relais_core::veille::{NewSource, Source, SourceKind, SourceState, VeilleKind};
use relais_core::{Role, SourceId};
use relais_store::MembershipChange::Add;
use relais_store::{ItemFilter, ItemView, NewUser, Store};
use relais_worker::veille::{fetch_options, VeilleOptions, VeilleWorker};
use relais_worker::Notifier;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

/// Generous: the PDS shares two cores with other builds.
const WAIT: std::time::Duration = std::time::Duration::from_secs(60);

struct World {
    ws: Workspace,
    cm: User,
    manager: User,
    viewer: User,
    worker: VeilleWorker,
}

async fn user(store: &Store, email: &str, name: &str) -> User {
    store
        .create_user(
            &Actor::System("test"),
            NewUser {
                email: email.into(),
                display_name: name.into(),
                password_hash: "$argon2id$fake".into(),
                is_admin: false,
                is_demo: false,
            },
        )
        .await
        .unwrap()
}

/// A workspace with a community manager, a manager and a viewer, two
/// topics, and a worker configured as `[veille]` would be with private
/// addresses allowed (the servers are on loopback).
async fn world(store: &Store, slug: &str, mailer: Option<relais_mail::Mailer>) -> World {
    let sys = Actor::System("test");
    let cm = user(store, "cm@agence.test", "Camille").await;
    let manager = user(store, "manager@agence.test", "Dominique").await;
    let viewer = user(store, "viewer@agence.test", "Vivian").await;
    let ws = store
        .create_workspace(&sys, slug, "Veille S", None, false)
        .await
        .unwrap();
    for (u, role) in [
        (&cm, Role::CommunityManager),
        (&manager, Role::Manager),
        (&viewer, Role::Viewer),
    ] {
        store
            .set_membership(&sys, Role::Owner, ws.id, u.id, Add(role))
            .await
            .unwrap();
    }
    let me = Actor::user(&cm);
    for (name, kind, query) in [
        ("Grèves", VeilleKind::Trade, "grève*"),
        (
            "IA",
            VeilleKind::Technology,
            "\"intelligence artificielle\" OR \"artificial intelligence\"",
        ),
    ] {
        store
            .save_topic(&me, ws.id, None, name, kind, query)
            .await
            .unwrap();
    }
    let config = relais_config::VeilleConfig {
        allow_private_addresses: true,
        ..relais_config::VeilleConfig::default()
    };
    let fetcher =
        relais_fetch::Fetcher::new(fetch_options(&config, "https://relais.test")).unwrap();
    let mut options = VeilleOptions::from_config(&config);
    options.stream_session = std::time::Duration::from_secs(3);
    let i18n = Arc::new(relais_i18n::I18n::new().unwrap());
    let worker = VeilleWorker::new(
        store.clone(),
        fetcher,
        None,
        Notifier::new(mailer, i18n, "https://relais.test"),
        options,
        "test-worker",
    )
    .unwrap();
    World {
        ws,
        cm,
        manager,
        viewer,
        worker,
    }
}

fn new_source(kind: SourceKind, url: &str, selector: &str, tag: &str) -> NewSource {
    NewSource {
        kind,
        url: url.to_string(),
        selector: selector.to_string(),
        tag: tag.to_string(),
        title: String::new(),
        category: String::new(),
        interval_secs: 900,
    }
}

async fn source(store: &Store, w: &World, id: SourceId) -> Source {
    store.source(w.ws.id, id).await.unwrap().unwrap()
}

/// The items of one source, newest first.
async fn items_of(store: &Store, w: &World, id: SourceId) -> Vec<ItemView> {
    store
        .list_items(
            w.ws.id,
            &ItemFilter {
                source: Some(id),
                limit: 1000,
                ..ItemFilter::default()
            },
        )
        .await
        .unwrap()
}

async fn all_items(store: &Store, w: &World) -> Vec<ItemView> {
    store
        .list_items(
            w.ws.id,
            &ItemFilter {
                limit: 5000,
                ..ItemFilter::default()
            },
        )
        .await
        .unwrap()
}

fn topic_names(v: &ItemView) -> Vec<String> {
    v.topics.iter().map(|(_, n)| n.clone()).collect()
}

/// How many stored items have each dedup key.
fn key_counts(items: &[ItemView]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for v in items {
        *counts.entry(v.item.dedup_key.clone()).or_insert(0) += 1;
    }
    counts
}

// ---- a watched web page ------------------------------------------------

/// The page the loopback server serves, and what it answered.
#[derive(Default)]
struct Page {
    html: Mutex<String>,
    full_bodies: AtomicUsize,
    not_modified: AtomicUsize,
}

async fn serve_page(State(p): State<Arc<Page>>, headers: HeaderMap) -> impl IntoResponse {
    let body = p.html.lock().unwrap().clone();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    let etag = format!("\"{:016x}\"", h.finish());
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.to_str().unwrap_or("") == etag)
    {
        p.not_modified.fetch_add(1, Ordering::SeqCst);
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag),
                (header::CONTENT_TYPE, "text/html".into()),
            ],
            String::new(),
        );
    }
    p.full_bodies.fetch_add(1, Ordering::SeqCst);
    (
        StatusCode::OK,
        [
            (header::ETAG, etag),
            (header::CONTENT_TYPE, "text/html; charset=utf-8".into()),
        ],
        body,
    )
}

fn tariffs(bread: &str, note: &str, footer: &str) -> String {
    format!(
        "<!doctype html><html lang=\"fr\"><head><title>Tarifs</title></head><body>\
         <header><nav>Accueil · Tarifs</nav></header>\
         <section id=\"tarifs\"><h2>Nos prix</h2><ul><li>Pain : {bread}</li>\
         <li>Croissant : 1,10 €</li></ul><p>{note}</p></section>\
         <footer>{footer}</footer></body></html>"
    )
}

async fn start_page_server(page: Arc<Page>) -> String {
    let app = Router::new()
        .route("/tarifs", get(serve_page))
        .with_state(page);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// The instant just after `id` is due (passes run on that clock).
async fn due(store: &Store, w: &World, id: SourceId) -> DateTime<Utc> {
    source(store, w, id).await.next_fetch_at + Duration::seconds(1)
}

async fn page_scenario(store: &Store) {
    let w = world(store, "veille-page", None).await;
    let me = Actor::user(&w.cm);
    let page = Arc::new(Page::default());
    let selected = |html: &str| relais_fetch::watch::extract_text(html, "#tarifs").unwrap();
    let v1 = tariffs("1,20 €", "Prix stables.", "© 2025");
    *page.html.lock().unwrap() = v1.clone();
    let base = start_page_server(Arc::clone(&page)).await;
    let url = format!("{base}/tarifs");
    let s = store
        .add_source(
            &me,
            w.ws.id,
            &new_source(SourceKind::Page, &url, "#tarifs", ""),
        )
        .await
        .unwrap();
    let cancel = CancellationToken::new();

    // First sight: the selected text is the baseline, no item.
    let pass = w.worker.pass(Utc::now(), &cancel).await.unwrap();
    assert_eq!((pass.sources, pass.new_items, pass.failed), (1, 0, 0));
    let after = source(store, &w, s.id).await;
    assert_eq!(after.state, SourceState::Active);
    assert_eq!(after.page_text.as_deref(), Some(selected(&v1).as_str()));
    assert!(
        after
            .page_text
            .as_deref()
            .unwrap()
            .contains("Pain : 1,20 €"),
        "{:?}",
        after.page_text
    );
    assert!(!after.page_text.as_deref().unwrap().contains("2025"));
    assert!(items_of(store, &w, s.id).await.is_empty());

    // A change outside the selector: the page is downloaded again, but the
    // watched text is the same: no item.
    *page.html.lock().unwrap() = tariffs("1,20 €", "Prix stables.", "© 2026 — nouveau pied");
    let pass = w
        .worker
        .pass(due(store, &w, s.id).await, &cancel)
        .await
        .unwrap();
    assert_eq!((pass.sources, pass.new_items, pass.failed), (1, 0, 0));
    assert_eq!(page.full_bodies.load(Ordering::SeqCst), 2);
    assert!(items_of(store, &w, s.id).await.is_empty());

    // Unchanged: a 304, no body, no item.
    let pass = w
        .worker
        .pass(due(store, &w, s.id).await, &cancel)
        .await
        .unwrap();
    assert_eq!((pass.sources, pass.new_items, pass.failed), (1, 0, 0));
    assert_eq!(page.not_modified.load(Ordering::SeqCst), 1);
    assert_eq!(page.full_bodies.load(Ordering::SeqCst), 2);
    let after = source(store, &w, s.id).await;
    assert_eq!(after.not_modified, 1);
    assert_eq!(after.page_text.as_deref(), Some(selected(&v1).as_str()));
    assert!(items_of(store, &w, s.id).await.is_empty());

    // A change inside the selector: one item whose text is the diff.
    let v2 = tariffs(
        "1,35 €",
        "Grève des meuniers : les prix montent.",
        "© 2026 — nouveau pied",
    );
    *page.html.lock().unwrap() = v2.clone();
    let pass = w
        .worker
        .pass(due(store, &w, s.id).await, &cancel)
        .await
        .unwrap();
    assert_eq!((pass.sources, pass.new_items, pass.failed), (1, 1, 0));
    let items = items_of(store, &w, s.id).await;
    assert_eq!(items.len(), 1);
    let item = &items[0].item;
    assert_eq!(
        item.text,
        relais_fetch::watch::diff(&selected(&v1), &selected(&v2))
    );
    let lines: Vec<&str> = item.text.lines().collect();
    for want in [
        "-Pain : 1,20 €",
        "+Pain : 1,35 €",
        "-Prix stables.",
        "+Grève des meuniers : les prix montent.",
    ] {
        assert!(lines.contains(&want), "{want:?} in {:?}", item.text);
    }
    assert!(lines.contains(&" Croissant : 1,10 €"), "{:?}", item.text);
    assert!(!item.text.contains("pied"), "{:?}", item.text);
    assert_eq!(item.url.as_deref(), Some(url.as_str()));
    assert_eq!(topic_names(&items[0]), vec!["Grèves".to_string()]);
    assert_eq!(
        source(store, &w, s.id).await.page_text.as_deref(),
        Some(selected(&v2).as_str())
    );

    // Back to the first prices, then up again: each change is an item,
    // even one that brings back a text seen before.
    for (html, n) in [(&v1, 2), (&v2, 3)] {
        *page.html.lock().unwrap() = html.clone();
        let pass = w
            .worker
            .pass(due(store, &w, s.id).await, &cancel)
            .await
            .unwrap();
        assert_eq!((pass.sources, pass.new_items, pass.failed), (1, 1, 0));
        let items = items_of(store, &w, s.id).await;
        assert_eq!(items.len(), n, "change {n}");
    }
    let items = items_of(store, &w, s.id).await;
    let texts: Vec<&str> = items.iter().map(|v| v.item.text.as_str()).collect();
    let up = relais_fetch::watch::diff(&selected(&v1), &selected(&v2));
    let down = relais_fetch::watch::diff(&selected(&v2), &selected(&v1));
    assert_eq!(texts.iter().filter(|t| **t == up).count(), 2, "{texts:?}");
    assert_eq!(texts.iter().filter(|t| **t == down).count(), 1, "{texts:?}");
}

#[tokio::test]
async fn a_watched_page_gives_one_item_per_change_inside_its_selector() {
    relais_store::on_every_backend!(page_scenario);
}

// ---- Mastodon timelines ------------------------------------------------

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

async fn mastodon_scenario(store: &Store) {
    let w = world(store, "veille-mastodon", None).await;
    let me = Actor::user(&w.cm);
    let server = MastodonServer::builder()
        .no_rate_limit()
        .start()
        .await
        .unwrap();
    let base = server.url().to_string();
    let alice = server.add_account("alice", "tok-alice");
    let bob = server.add_remote_account("bob", "remote.example");
    let s1 = server
        .seed_status(
            &alice,
            "La grève des boulangers s'étend à Lyon #veille",
            Some("fr"),
            "public",
        )
        .unwrap();
    let s2 = server
        .seed_status(
            &bob,
            "Artificial intelligence <b>in</b> bakeries & more #Veille",
            Some("en"),
            "public",
        )
        .unwrap();
    server.seed_status(&alice, "#veille mais non listé", None, "unlisted");
    let s3 = server
        .seed_status(&alice, "Rien à signaler aujourd'hui", Some("fr"), "public")
        .unwrap();
    let tag = store
        .add_source(
            &me,
            w.ws.id,
            &new_source(SourceKind::MastodonTag, &base, "", "veille"),
        )
        .await
        .unwrap();
    let public = store
        .add_source(
            &me,
            w.ws.id,
            &new_source(SourceKind::MastodonPublic, &base, "", ""),
        )
        .await
        .unwrap();
    let cancel = CancellationToken::new();

    // The hashtag gives s1 and s2, the public timeline s1, s2 and s3: each
    // status is stored once, with its author, address, text and time.
    let pass = w.worker.pass(Utc::now(), &cancel).await.unwrap();
    assert_eq!((pass.sources, pass.failed), (2, 0));
    assert_eq!(pass.new_items, 3);
    let items = all_items(store, &w).await;
    assert_eq!(items.len(), 3);
    assert!(key_counts(&items).values().all(|n| *n == 1));
    let by_text = |t: &str| {
        items
            .iter()
            .find(|v| v.item.text == t)
            .unwrap_or_else(|| panic!("no item {t:?} in {items:?}"))
    };
    let i1 = by_text("La grève des boulangers s'étend à Lyon #veille");
    assert_eq!(i1.item.author.as_deref(), Some("alice"));
    assert_eq!(
        i1.item.url.as_deref(),
        Some(format!("{base}/@alice/{}", s1.id).as_str())
    );
    assert_eq!(ms(i1.item.published_at), ms(s1.created_at));
    assert_eq!(i1.item.lang.as_deref(), Some("fr"));
    assert_eq!(topic_names(i1), vec!["Grèves".to_string()]);
    // The server sends HTML; the item has the text.
    let i2 = by_text("Artificial intelligence <b>in</b> bakeries & more #Veille");
    assert_eq!(i2.item.author.as_deref(), Some("bob@remote.example"));
    assert_eq!(
        i2.item.url.as_deref(),
        Some(format!("https://remote.example/@bob/{}", s2.id).as_str())
    );
    assert_eq!(ms(i2.item.published_at), ms(s2.created_at));
    assert_eq!(topic_names(i2), vec!["IA".to_string()]);
    let i3 = by_text("Rien à signaler aujourd'hui");
    assert!(topic_names(i3).is_empty());
    assert_eq!(i3.item.source_id, Some(public.id));

    // The cursors are stored; the next poll asks for what follows them and
    // stores nothing twice.
    let t = source(store, &w, tag.id).await;
    let p = source(store, &w, public.id).await;
    assert_eq!(t.cursor.as_deref(), Some(s2.id.as_str()));
    assert_eq!(p.cursor.as_deref(), Some(s3.id.as_str()));
    assert_eq!(
        (t.state, p.state),
        (SourceState::Active, SourceState::Active)
    );
    server.clear_requests();
    let later = t.next_fetch_at.max(p.next_fetch_at) + Duration::seconds(1);
    let pass = w.worker.pass(later, &cancel).await.unwrap();
    assert_eq!((pass.sources, pass.new_items, pass.failed), (2, 0, 0));
    let queries: Vec<(String, String)> = server
        .requests()
        .iter()
        .map(|r| (r.path.clone(), r.query.clone().unwrap_or_default()))
        .collect();
    assert!(
        queries
            .iter()
            .any(|(path, q)| path == "/api/v1/timelines/tag/veille"
                && q.contains(&format!("min_id={}", s2.id))),
        "{queries:?}"
    );
    assert!(
        queries
            .iter()
            .any(|(path, q)| path == "/api/v1/timelines/public"
                && q.contains(&format!("min_id={}", s3.id))),
        "{queries:?}"
    );
    assert_eq!(all_items(store, &w).await.len(), 3);

    // 45 new statuses: more than a page. One poll reads every page after
    // the cursor; none is skipped, none stored twice.
    let mut ids = Vec::new();
    for i in 0..45 {
        let s = server
            .seed_status(
                &bob,
                &format!("Nouvelle grève numéro {i} #veille"),
                Some("fr"),
                "public",
            )
            .unwrap();
        ids.push(s.id);
    }
    let t = source(store, &w, tag.id).await;
    let p = source(store, &w, public.id).await;
    let later = t.next_fetch_at.max(p.next_fetch_at) + Duration::seconds(1);
    let pass = w.worker.pass(later, &cancel).await.unwrap();
    assert_eq!((pass.sources, pass.failed), (2, 0));
    assert_eq!(pass.new_items, 45);
    let items = all_items(store, &w).await;
    assert_eq!(items.len(), 48);
    assert!(key_counts(&items).values().all(|n| *n == 1));
    for i in 0..45 {
        let text = format!("Nouvelle grève numéro {i} #veille");
        let v = items.iter().find(|v| v.item.text == text).unwrap();
        assert_eq!(topic_names(v), vec!["Grèves".to_string()]);
    }
    let last = ids.last().unwrap();
    assert_eq!(
        source(store, &w, tag.id).await.cursor.as_deref(),
        Some(last.as_str())
    );
    assert_eq!(
        source(store, &w, public.id).await.cursor.as_deref(),
        Some(last.as_str())
    );
}

#[tokio::test]
async fn mastodon_timelines_become_items_once_from_their_stored_cursor() {
    relais_store::on_every_backend!(mastodon_scenario);
}

// ---- the Bluesky firehose of the real PDS ------------------------------

/// Runs sessions until every URI of `want` is stored; the new items and
/// the passes it took.
async fn sessions_until(store: &Store, w: &World, id: SourceId, want: &[String]) -> (usize, usize) {
    let cancel = CancellationToken::new();
    let (mut new_items, mut sessions) = (0, 0);
    // Sessions run one after the other until the posts are in (a session
    // lasts three seconds).
    let deadline = tokio::time::Instant::now() + 3 * WAIT;
    loop {
        let pass = w.worker.pass(Utc::now(), &cancel).await.unwrap();
        assert_eq!((pass.sources, pass.failed), (1, 0), "{pass:?}");
        new_items += pass.new_items;
        sessions += 1;
        let keys = key_counts(&items_of(store, w, id).await);
        if want.iter().all(|u| keys.contains_key(u)) {
            return (new_items, sessions);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the posts did not arrive within {:?}",
            3 * WAIT
        );
    }
}

async fn firehose_scenario(store: &Store, pds: &TestPds, slug: &str) {
    let w = world(store, slug, None).await;
    let me = Actor::user(&w.cm);
    let alice = pds.create_account().await.unwrap();
    // Written before the source exists: a new source listens live, so this
    // one never arrives.
    let (before, _) = pds
        .create_post(&alice, "Grève d'avant la source", &["fr"], Utc::now())
        .await
        .unwrap();
    // The PDS hands sequenced events to its live subscribers shortly after
    // the write; let it, so that the post is truly in the past.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let s = store
        .add_source(
            &me,
            w.ws.id,
            &new_source(SourceKind::Bluesky, &pds.url, "", ""),
        )
        .await
        .unwrap();

    // Posts written while the first session listens.
    let cancel = CancellationToken::new();
    let session = {
        let worker = w.worker.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move { worker.pass(Utc::now(), &cancel).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let mut uris = Vec::new();
    for text in [
        "Grève générale des cheminots demain",
        "Nothing to see here",
        "L'intelligence artificielle au service des boulangers",
        "Quatrième message",
    ] {
        let (uri, _) = pds
            .create_post(&alice, text, &["fr"], Utc::now())
            .await
            .unwrap();
        uris.push(uri);
    }
    let pass = session.await.unwrap().unwrap();
    assert_eq!((pass.sources, pass.failed), (1, 0), "{pass:?}");
    let (more, _) = sessions_until(store, &w, s.id, &uris).await;
    let new_first = pass.new_items + more;
    let items = items_of(store, &w, s.id).await;
    assert_eq!(new_first, items.len(), "every new item counted once");
    let keys = key_counts(&items);
    assert!(keys.values().all(|n| *n == 1), "{keys:?}");
    assert!(
        !keys.contains_key(&before),
        "a new source does not read the past"
    );
    let strike = items.iter().find(|v| v.item.dedup_key == uris[0]).unwrap();
    assert_eq!(strike.item.text, "Grève générale des cheminots demain");
    assert_eq!(strike.item.author.as_deref(), Some(alice.did.as_str()));
    let rkey = uris[0].rsplit('/').next().unwrap();
    assert_eq!(
        strike.item.url.as_deref(),
        Some(format!("https://bsky.app/profile/{}/post/{rkey}", alice.did).as_str())
    );
    assert_eq!(strike.item.lang.as_deref(), Some("fr"));
    assert_eq!(topic_names(strike), vec!["Grèves".to_string()]);
    let ai = items.iter().find(|v| v.item.dedup_key == uris[2]).unwrap();
    assert_eq!(topic_names(ai), vec!["IA".to_string()]);
    let after_first = source(store, &w, s.id).await;
    assert_eq!(after_first.state, SourceState::Active);
    let cursor1: i64 = after_first
        .cursor
        .as_deref()
        .expect("a cursor is stored")
        .parse()
        .unwrap();
    assert!(cursor1 > 0);
    let bytes_first = after_first.bytes_downloaded;

    // A post while no session runs: the next sessions resume from the
    // cursor and bring it alone.
    let (uri5, _) = pds
        .create_post(
            &alice,
            "Un cinquième, écrit entre deux sessions",
            &[],
            Utc::now(),
        )
        .await
        .unwrap();
    let (new_second, _) = sessions_until(store, &w, s.id, std::slice::from_ref(&uri5)).await;
    assert_eq!(new_second, 1, "only the new post");
    let items = items_of(store, &w, s.id).await;
    assert_eq!(items.len(), new_first + 1);
    assert!(key_counts(&items).values().all(|n| *n == 1));
    let after_second = source(store, &w, s.id).await;
    let cursor2: i64 = after_second.cursor.as_deref().unwrap().parse().unwrap();
    assert!(cursor2 > cursor1, "{cursor2} after {cursor1}");
    // Resumed, not replayed: the later sessions downloaded less than the
    // first ones (which read alice's four posts and more).
    let bytes_second = after_second.bytes_downloaded - bytes_first;
    assert!(
        bytes_second < bytes_first,
        "{bytes_second} bytes after the cursor, {bytes_first} from the start"
    );
}

#[tokio::test]
async fn firehose_sessions_store_each_post_once_and_resume_from_the_cursor() {
    let Some(pds) =
        TestPds::from_env("firehose_sessions_store_each_post_once_and_resume_from_the_cursor")
    else {
        return;
    };
    for db in relais_store::testing::all().await {
        eprintln!("-- firehose on {}", db.label);
        firehose_scenario(&db.store, &pds, &format!("firehose-{}", db.label)).await;
        db.finish().await;
    }
}

// ---- Jetstream ----------------------------------------------------------

const ALICE: &str = "did:plc:eygmaihciaxprqvxpfvl6flk";
const BOB: &str = "did:plc:rfov6bpyztcnedeyyzgfq42k";

async fn wait_for_subscribers(server: &JetstreamServer, n: usize) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while server.requests().len() < n {
        assert!(tokio::time::Instant::now() < deadline, "no connection");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn jetstream_scenario(store: &Store) {
    let w = world(store, "veille-jetstream", None).await;
    let me = Actor::user(&w.cm);
    let server = JetstreamServer::start().await.unwrap();
    let s = store
        .add_source(
            &me,
            w.ws.id,
            &new_source(SourceKind::Jetstream, &server.url(), "", ""),
        )
        .await
        .unwrap();
    let cancel = CancellationToken::new();
    let t0 = Utc::now().timestamp_micros();

    // A new source listens live: events from when it connects.
    let session = {
        let worker = w.worker.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move { worker.pass(Utc::now(), &cancel).await })
    };
    wait_for_subscribers(&server, 1).await;
    assert!(
        !server.requests()[0].contains("cursor="),
        "{:?}",
        server.requests()
    );
    server.push(JetstreamServer::post_created(
        ALICE,
        "3l3qo2vuowo2a",
        t0,
        "Grève des contrôleurs ce week-end",
        &["fr"],
    ));
    server.push(JetstreamServer::commit(
        BOB,
        t0 + 1,
        "create",
        "app.bsky.feed.like",
        "3l3qo2vuowo2b",
        Some(serde_json::json!({ "$type": "app.bsky.feed.like", "createdAt": "2024-09-09T19:46:02.102Z" })),
    ));
    server.push(JetstreamServer::post_created(
        BOB,
        "3l3qo2vuowo2c",
        t0 + 2,
        "Artificial intelligence everywhere",
        &["en"],
    ));
    server.push(JetstreamServer::identity(BOB, t0 + 3, "bob.example"));
    let pass = session.await.unwrap().unwrap();
    assert_eq!((pass.sources, pass.new_items, pass.failed), (1, 2, 0));
    let items = items_of(store, &w, s.id).await;
    assert_eq!(items.len(), 2);
    let strike = items
        .iter()
        .find(|v| v.item.dedup_key == format!("at://{ALICE}/app.bsky.feed.post/3l3qo2vuowo2a"))
        .unwrap();
    assert_eq!(strike.item.text, "Grève des contrôleurs ce week-end");
    assert_eq!(strike.item.author.as_deref(), Some(ALICE));
    assert_eq!(topic_names(strike), vec!["Grèves".to_string()]);
    // The cursor is the last event read, the identity event included.
    let after = source(store, &w, s.id).await;
    assert_eq!(after.cursor, Some((t0 + 3).to_string()));
    assert_eq!(after.state, SourceState::Active);
    assert!(after.bytes_downloaded > 0);
    assert!(
        after.next_fetch_at <= Utc::now(),
        "a stream is read again at once"
    );

    // Two posts while no session runs: the next session asks from the
    // cursor and stores them alone.
    server.push(JetstreamServer::post_created(
        ALICE,
        "3l3qo2vuowo2d",
        t0 + 4,
        "Pendant l'absence",
        &["fr"],
    ));
    server.push(JetstreamServer::post_created(
        BOB,
        "3l3qo2vuowo2e",
        t0 + 5,
        "While away",
        &["en"],
    ));
    let pass = w.worker.pass(Utc::now(), &cancel).await.unwrap();
    assert_eq!((pass.sources, pass.new_items, pass.failed), (1, 2, 0));
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests[1].contains(&format!("cursor={}", t0 + 3)),
        "{requests:?}"
    );
    let items = items_of(store, &w, s.id).await;
    assert_eq!(items.len(), 4);
    assert!(key_counts(&items).values().all(|n| *n == 1));
    assert_eq!(
        source(store, &w, s.id).await.cursor,
        Some((t0 + 5).to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jetstream_sessions_store_items_then_their_cursor_and_resume_from_it() {
    relais_store::on_every_backend!(jetstream_scenario);
}

// ---- a dead source ------------------------------------------------------

#[derive(Default)]
struct Hits {
    dying: AtomicUsize,
    young: AtomicUsize,
}

async fn dying(State(h): State<Arc<Hits>>) -> impl IntoResponse {
    h.dying.fetch_add(1, Ordering::SeqCst);
    (StatusCode::INTERNAL_SERVER_ERROR, "down")
}

async fn young(State(h): State<Arc<Hits>>) -> impl IntoResponse {
    h.young.fetch_add(1, Ordering::SeqCst);
    (StatusCode::INTERNAL_SERVER_ERROR, "down")
}

async fn dead_scenario(store: &Store, slug: &str, sink: &relais_mail::testing::SmtpSink) {
    let mut mail = relais_config::Config::default().mail;
    mail.smtp_url = sink.url().to_string();
    mail.from = "relais <relais@demo.local>".into();
    let mailer = relais_mail::Mailer::from_config(&mail).unwrap();
    let w = world(store, slug, mailer).await;
    let me = Actor::user(&w.cm);
    let hits = Arc::new(Hits::default());
    let app = Router::new()
        .route("/dying.xml", get(dying))
        .route("/young.xml", get(young))
        .with_state(Arc::clone(&hits));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let dying_url = format!("{base}/dying.xml");
    let d = store
        .add_source(
            &me,
            w.ws.id,
            &new_source(SourceKind::Feed, &dying_url, "", ""),
        )
        .await
        .unwrap();
    let cancel = CancellationToken::new();
    let told = |u: &User| {
        let store = store.clone();
        let id = u.id;
        async move {
            store
                .list_notifications(id, 50)
                .await
                .unwrap()
                .into_iter()
                .filter(|n| n.kind == NotificationKind::VeilleSourceDisabled)
                .collect::<Vec<_>>()
        }
    };

    // The first failure: failing, retried after twice the interval.
    let t0 = Utc::now();
    let pass = w.worker.pass(t0, &cancel).await.unwrap();
    assert_eq!((pass.sources, pass.failed), (1, 1));
    let s = source(store, &w, d.id).await;
    assert_eq!(s.state, SourceState::Failing);
    assert_eq!(s.failures, 1);
    assert!(s.last_error.contains("500"), "{}", s.last_error);
    let first_failure = s.first_failure_at.unwrap();
    let wait = s.next_fetch_at - s.last_fetch_at.unwrap();
    assert!(
        (wait - Duration::seconds(1800)).num_seconds().abs() <= 1,
        "{wait}"
    );
    // Not due before then.
    let pass = w
        .worker
        .pass(t0 + Duration::seconds(1700), &cancel)
        .await
        .unwrap();
    assert_eq!(pass.sources, 0);

    // A day later, still failing: backed off further, still on.
    let pass = w
        .worker
        .pass(t0 + Duration::days(1), &cancel)
        .await
        .unwrap();
    assert_eq!((pass.sources, pass.failed), (1, 1));
    let s = source(store, &w, d.id).await;
    assert_eq!((s.state, s.failures), (SourceState::Failing, 2));
    assert_eq!(s.first_failure_at, Some(first_failure));
    let wait = s.next_fetch_at - s.last_fetch_at.unwrap();
    assert!(
        (wait - Duration::seconds(3600)).num_seconds().abs() <= 1,
        "{wait}"
    );
    assert!(told(&w.cm).await.is_empty());
    assert_eq!(hits.dying.load(Ordering::SeqCst), 2);

    // A second source starts failing six days later.
    let y = store
        .add_source(
            &me,
            w.ws.id,
            &new_source(SourceKind::Feed, &format!("{base}/young.xml"), "", ""),
        )
        .await
        .unwrap();
    let pass = w
        .worker
        .pass(t0 + Duration::days(6), &cancel)
        .await
        .unwrap();
    assert_eq!((pass.sources, pass.failed), (2, 2));

    // Past `dead_after_days` (7) of failures: the first is disabled and the
    // team told; the second, failing for a day, stays on.
    let at = t0 + Duration::days(7) + Duration::hours(1);
    let pass = w.worker.pass(at, &cancel).await.unwrap();
    assert_eq!((pass.sources, pass.failed), (2, 2));
    let s = source(store, &w, d.id).await;
    assert_eq!(s.state, SourceState::Disabled);
    assert!(s.last_error.contains("500"), "{}", s.last_error);
    let ys = source(store, &w, y.id).await;
    assert_eq!((ys.state, ys.failures), (SourceState::Failing, 2));
    for u in [&w.cm, &w.manager] {
        let n = told(u).await;
        assert_eq!(n.len(), 1, "{}: {n:?}", u.email);
        assert!(n[0].comment.contains(&dying_url), "{:?}", n[0].comment);
        assert_eq!(n[0].workspace_id, w.ws.id);
    }
    assert!(
        told(&w.viewer).await.is_empty(),
        "the team, not every reader"
    );
    // By e-mail to each of them, with a link to the sources page.
    let link = format!("https://relais.test/w/{slug}/veille/sources");
    sink.wait_for(&link, WAIT);
    let deadline = std::time::Instant::now() + WAIT;
    let to: Vec<String> = loop {
        let to: Vec<String> = sink
            .messages()
            .iter()
            .filter(|m| m.json.contains(&link))
            .map(|m| {
                let json: serde_json::Value = serde_json::from_str(&m.json).unwrap();
                assert!(
                    json["body"]
                        .as_str()
                        .unwrap_or_default()
                        .contains(&dying_url),
                    "{json}"
                );
                json["to"].as_str().unwrap_or_default().to_string()
            })
            .collect();
        if to.len() >= 2 || std::time::Instant::now() > deadline {
            break to;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let mut to = to;
    to.sort();
    assert_eq!(to, vec!["cm@agence.test", "manager@agence.test"]);

    assert_eq!(hits.dying.load(Ordering::SeqCst), 4);

    // Never fetched again, however late; the other one is retried when due.
    let later = source(store, &w, y.id).await.next_fetch_at + Duration::seconds(1);
    let pass = w.worker.pass(later, &cancel).await.unwrap();
    assert_eq!((pass.sources, pass.failed), (1, 1));
    assert_eq!(source(store, &w, y.id).await.failures, 3);
    let pass = w
        .worker
        .pass(t0 + Duration::days(60), &cancel)
        .await
        .unwrap();
    assert_eq!(pass.sources, 1, "only the second source");
    assert_eq!(hits.dying.load(Ordering::SeqCst), 4);
    assert_eq!(hits.young.load(Ordering::SeqCst), 4);
    assert_eq!(source(store, &w, d.id).await.state, SourceState::Disabled);
    // The first source was told once; the second, dead in turn by now, once.
    let about = |n: &[relais_core::entry::Notification], url: &str| {
        n.iter().filter(|n| n.comment.contains(url)).count()
    };
    let n = told(&w.cm).await;
    assert_eq!(about(&n, &dying_url), 1, "{n:?}");
    assert_eq!(about(&n, &format!("{base}/young.xml")), 1, "{n:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_dead_for_too_long_is_disabled_and_the_team_told() {
    let sink = relais_mail::testing::SmtpSink::start();
    for db in relais_store::testing::all().await {
        let slug = format!("dead-{}-{}", db.label, std::process::id());
        dead_scenario(&db.store, &slug, &sink).await;
        db.finish().await;
    }
}
