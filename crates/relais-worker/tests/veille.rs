//! The veille worker end to end, on SQLite and PostgreSQL: feeds served on
//! loopback are fetched politely (a second fetch is a 304 that downloads no
//! body), their items stored once with language, sentiment, topics and story
//! clusters, searchable at once; a broken feed marks its source failing with
//! a reason; a burst in the current hour, or in the hour just closed, fires
//! one spike alert that reaches the team, in the app and by e-mail through a real SMTP server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use relais_core::entry::NotificationKind;
use relais_core::model::{Actor, User, Workspace};
use relais_core::veille::{NewSource, Polarity, SourceKind, SourceState, VeilleKind};
use relais_core::Role;
use relais_search::{SearchIndex, SearchQuery};
use relais_store::MembershipChange::Add;
use relais_store::{on_every_backend, ItemFilter, NewUser, Store};
use relais_worker::veille::{VeilleOptions, VeilleWorker};
use relais_worker::Notifier;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

/// What the loopback feed server serves, and what it saw.
#[derive(Default)]
struct Feeds {
    news: Mutex<String>,
    burst: Mutex<String>,
    full_bodies: AtomicUsize,
    not_modified: AtomicUsize,
}

async fn serve_news(State(f): State<Arc<Feeds>>, headers: HeaderMap) -> impl IntoResponse {
    let body = f.news.lock().unwrap().clone();
    let etag = format!("\"{:x}\"", body.len());
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.to_str().unwrap_or("") == etag)
    {
        f.not_modified.fetch_add(1, Ordering::SeqCst);
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag)],
            String::new(),
        );
    }
    f.full_bodies.fetch_add(1, Ordering::SeqCst);
    (StatusCode::OK, [(header::ETAG, etag)], body)
}

async fn serve_burst(State(f): State<Arc<Feeds>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/rss+xml")],
        f.burst.lock().unwrap().clone(),
    )
}

async fn serve_broken() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html")],
        "<html><head><title>Pas un flux</title></head><body>Bonjour</body></html>",
    )
}

fn rss(items: &[(String, String, String, DateTime<Utc>)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Le Fil Pro</title><link>https://fil.test/</link><description>x</description>",
    );
    for (guid, title, text, at) in items {
        out.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{guid}</guid><title>{title}</title><link>https://fil.test/{guid}?utm_source=rss</link><description>{text}</description><pubDate>{}</pubDate></item>",
            at.to_rfc2822()
        ));
    }
    out.push_str("</channel></rss>");
    out
}

async fn start_server(feeds: Arc<Feeds>) -> String {
    let app = Router::new()
        .route("/news.xml", get(serve_news))
        .route("/burst.xml", get(serve_burst))
        .route("/broken.xml", get(serve_broken))
        .with_state(feeds);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn feed_source(url: String) -> NewSource {
    NewSource {
        kind: SourceKind::Feed,
        url,
        selector: String::new(),
        tag: String::new(),
        title: String::new(),
        category: String::new(),
        interval_secs: 900,
    }
}

/// The workspace's items (up to 50).
async fn all_items(store: &Store, w: &World) -> Vec<relais_store::ItemView> {
    store
        .list_items(
            w.ws.id,
            &ItemFilter {
                limit: 50,
                ..ItemFilter::default()
            },
        )
        .await
        .unwrap()
}

struct World {
    ws: Workspace,
    cm: User,
    index: Arc<SearchIndex>,
    worker: VeilleWorker,
}

async fn world(store: &Store, slug: &str, mailer: Option<relais_mail::Mailer>) -> World {
    let sys = Actor::System("test");
    let cm = store
        .create_user(
            &sys,
            NewUser {
                email: "cm@agence.test".into(),
                display_name: "Camille".into(),
                password_hash: "$argon2id$fake".into(),
                is_admin: false,
                is_demo: false,
            },
        )
        .await
        .unwrap();
    let ws = store
        .create_workspace(&sys, slug, "Veille W", None, false)
        .await
        .unwrap();
    store
        .set_membership(&sys, Role::Owner, ws.id, cm.id, Add(Role::CommunityManager))
        .await
        .unwrap();
    let me = Actor::user(&cm);
    for (name, kind, query) in [
        (
            "Grèves",
            VeilleKind::Trade,
            "grève* AND NOT \"grève de la faim\"",
        ),
        (
            "IA",
            VeilleKind::Technology,
            "\"intelligence artificielle\" OR IA",
        ),
        (
            "Concurrent",
            VeilleKind::Competition,
            "title:boulangerie NEAR/3 concurrente",
        ),
        ("Loi", VeilleKind::Regulation, "loi* NEAR/5 influence*"),
    ] {
        store
            .save_topic(&me, ws.id, None, name, kind, query)
            .await
            .unwrap();
    }
    let index = Arc::new(SearchIndex::in_ram().unwrap());
    let worker = make_worker(store, Arc::clone(&index), mailer);
    World {
        ws,
        cm,
        index,
        worker,
    }
}

/// A veille worker on `store` and `index`, as the tests' world has it.
fn make_worker(
    store: &Store,
    index: Arc<SearchIndex>,
    mailer: Option<relais_mail::Mailer>,
) -> VeilleWorker {
    make_worker_with(
        store,
        index,
        mailer,
        relais_config::VeilleConfig::default().concurrency as usize,
    )
}

/// The same, reading `concurrency` sources at a time (all the tests' feeds
/// are on one host: its limit is set above, so that the pass's is seen).
fn make_worker_with(
    store: &Store,
    index: Arc<SearchIndex>,
    mailer: Option<relais_mail::Mailer>,
    concurrency: usize,
) -> VeilleWorker {
    let mut fetch = relais_fetch::FetchOptions::new("https://relais.test");
    fetch.address_policy.allow_loopback = true;
    fetch.per_host_concurrency = 64;
    let fetcher = relais_fetch::Fetcher::new(fetch).unwrap();
    let i18n = Arc::new(relais_i18n::I18n::new().unwrap());
    let mut options = VeilleOptions::from_config(&relais_config::VeilleConfig {
        allow_private_addresses: true,
        ..relais_config::VeilleConfig::default()
    });
    options.spike.min_count = 10;
    options.concurrency = concurrency;
    options.poll = std::time::Duration::from_millis(200);
    VeilleWorker::new(
        store.clone(),
        fetcher,
        Some(index),
        Notifier::new(mailer, i18n, "https://relais.test"),
        options,
        "test-worker",
    )
    .unwrap()
}

async fn feeds_scenario(store: &Store) {
    let w = world(store, "veille-w", None).await;
    let me = Actor::user(&w.cm);
    let feeds = Arc::new(Feeds::default());
    let now = Utc::now();
    *feeds.news.lock().unwrap() = rss(&[
        (
            "a1".into(),
            "Grève des boulangers à Lyon".into(),
            "La grève des boulangers est un désastre terrible pour le quartier.".into(),
            now - Duration::hours(2),
        ),
        (
            "a2".into(),
            "L'intelligence artificielle au fournil".into(),
            "Une excellente nouvelle : l'IA aide les artisans à mieux cuire le pain.".into(),
            now - Duration::hours(3),
        ),
        (
            "a3".into(),
            "Grève des boulangers à Lyon : le point".into(),
            "La grève des boulangers est un désastre terrible pour le quartier !".into(),
            now - Duration::hours(1),
        ),
        (
            "a4".into(),
            "Une grève de la faim".into(),
            "Un militant entame une grève de la faim.".into(),
            now - Duration::hours(4),
        ),
    ]);
    let base = start_server(Arc::clone(&feeds)).await;
    let news = store
        .add_source(&me, w.ws.id, &feed_source(format!("{base}/news.xml")))
        .await
        .unwrap();
    let broken = store
        .add_source(&me, w.ws.id, &feed_source(format!("{base}/broken.xml")))
        .await
        .unwrap();

    let cancel = CancellationToken::new();
    let pass = w.worker.pass(Utc::now(), &cancel).await.unwrap();
    assert_eq!(pass.sources, 2);
    assert_eq!(pass.new_items, 4);
    assert_eq!(pass.failed, 1);

    let items = all_items(store, &w).await;
    assert_eq!(items.len(), 4);
    let by_title = |t: &str| items.iter().find(|v| v.item.title == t).unwrap();
    let a1 = by_title("Grève des boulangers à Lyon");
    assert_eq!(a1.item.lang.as_deref(), Some("fr"));
    assert_eq!(a1.item.polarity, Polarity::Negative);
    assert_eq!(
        a1.item.canonical_url.as_deref(),
        Some("https://fil.test/a1"),
        "tracking parameters are stripped"
    );
    let names =
        |v: &relais_store::ItemView| v.topics.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(a1), vec!["Grèves".to_string()]);
    let a2 = by_title("L'intelligence artificielle au fournil");
    assert_eq!(names(a2), vec!["IA".to_string()]);
    assert_eq!(a2.item.polarity, Polarity::Positive);
    let a4 = by_title("Une grève de la faim");
    assert!(names(a4).is_empty(), "NOT \"grève de la faim\" excludes it");
    // The two tellings of the Lyon strike are one story.
    let a3 = by_title("Grève des boulangers à Lyon : le point");
    assert_eq!(a1.item.cluster_id, a3.item.cluster_id);
    assert_eq!(a1.cluster_size, 2);
    assert_ne!(a1.item.cluster_id, a2.item.cluster_id);

    // Searchable at once, stemmed and accent-insensitive.
    let all = w.index.search(&SearchQuery::new(w.ws.id.0, "")).unwrap();
    assert_eq!(all.total, 4, "every item is indexed");
    let hits = w
        .index
        .search(&SearchQuery::new(w.ws.id.0, "greve LYON"))
        .unwrap();
    assert_eq!(hits.total, 2);

    // The broken feed: failing, with a reason a person can act on.
    let b = store.source(w.ws.id, broken.id).await.unwrap().unwrap();
    assert_eq!(b.state, SourceState::Failing);
    assert!(b.last_error.contains("HTML"), "{}", b.last_error);
    assert!(b.next_fetch_at > Utc::now());

    // The next fetch is a 304: no body downloaded, bytes saved counted, no
    // item stored twice.
    let s = store.source(w.ws.id, news.id).await.unwrap().unwrap();
    assert_eq!(s.title, "Le Fil Pro");
    assert!(s.bytes_downloaded > 0);
    let later = s.next_fetch_at + Duration::seconds(1);
    let pass = w.worker.pass(later, &cancel).await.unwrap();
    assert_eq!(pass.new_items, 0);
    assert_eq!(feeds.full_bodies.load(Ordering::SeqCst), 1);
    assert_eq!(feeds.not_modified.load(Ordering::SeqCst), 1);
    let s2 = store.source(w.ws.id, news.id).await.unwrap().unwrap();
    assert_eq!(s2.not_modified, 1);
    // The feed publishes about once an hour: it is read again in half an
    // hour (half the mean gap; its configured interval is 15 minutes), and
    // a 304, which brings no items to see that rhythm in, keeps it (the
    // stored items give it).
    let adapted = |wait: Duration| wait >= Duration::minutes(29) && wait <= Duration::minutes(31);
    let first_wait = s.next_fetch_at - now;
    assert!(adapted(first_wait), "after the first fetch: {first_wait}");
    let wait_after_304 = s2.next_fetch_at - later;
    assert!(adapted(wait_after_304), "after a 304: {wait_after_304}");
    assert_eq!(s2.bytes_saved, s.last_body_bytes);
    assert!(s2.bytes_downloaded - s.bytes_downloaded < 1000);

    // Another feed numbering its items the same way (GUIDs a1…a4): its items
    // are its own, not taken for the first feed's; the same texts join the
    // same stories.
    store
        .add_source(
            &me,
            w.ws.id,
            &feed_source(format!("{base}/news.xml?copy=1")),
        )
        .await
        .unwrap();
    let pass = w.worker.pass(Utc::now(), &cancel).await.unwrap();
    assert_eq!(pass.new_items, 4);
    let items = all_items(store, &w).await;
    assert_eq!(items.len(), 8);
    let lyon = items
        .iter()
        .find(|v| v.item.title == "Grève des boulangers à Lyon")
        .unwrap();
    assert_eq!(lyon.cluster_size, 4);
}

#[tokio::test]
async fn feeds_become_items_with_topics_sentiment_stories_and_search() {
    on_every_backend!(feeds_scenario);
}

/// A feed item's language is detected when the item is stored (not while
/// the feed is parsed): from its title and text, else the feed's declared
/// language, as `relais_fetch::parse_feed` gives it.
async fn languages_scenario(store: &Store) {
    let w = world(store, "veille-langs", None).await;
    let me = Actor::user(&w.cm);
    let feeds = Arc::new(Feeds::default());
    *feeds.burst.lock().unwrap() = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>\
        <title>Multilingue</title><link>https://multi.test/</link><language>fr-FR</language>\
        <item><guid>en</guid><title>Bakers on strike</title><description>The city council announced that the public \
        swimming pool will be closed for the whole summer, and residents are not happy about it.</description></item>\
        <item><guid>es</guid><title>Huelga</title><description>El ayuntamiento anunció que la piscina municipal \
        estará cerrada durante todo el verano y los vecinos no están contentos.</description></item>\
        <item><guid>fr</guid><title>Grève</title><description>La mairie a annoncé la fermeture de la piscine \
        municipale pendant tout l'été, les habitants du quartier sont très mécontents.</description></item>\
        <item><guid>short</guid><title>Ok</title></item>\
        </channel></rss>"
        .into();
    let body = feeds.burst.lock().unwrap().clone();
    let base = start_server(Arc::clone(&feeds)).await;
    let url = format!("{base}/burst.xml");
    store
        .add_source(&me, w.ws.id, &feed_source(url.clone()))
        .await
        .unwrap();
    let pass = w
        .worker
        .pass(Utc::now(), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!((pass.sources, pass.new_items, pass.failed), (1, 4, 0));
    let items = all_items(store, &w).await;
    let lang_of = |title: &str| {
        items
            .iter()
            .find(|v| v.item.title == title)
            .unwrap()
            .item
            .lang
            .clone()
    };
    assert_eq!(lang_of("Bakers on strike").as_deref(), Some("en"));
    assert_eq!(lang_of("Huelga").as_deref(), Some("es"));
    assert_eq!(lang_of("Grève").as_deref(), Some("fr"));
    assert_eq!(
        lang_of("Ok").as_deref(),
        Some("fr"),
        "the declared language"
    );
    // What parse_feed says, item by item.
    let parsed = relais_fetch::parse_feed(
        body.as_bytes(),
        Some("application/rss+xml"),
        &url::Url::parse(&url).unwrap(),
        Utc::now(),
    )
    .unwrap();
    for item in &parsed.items {
        assert_eq!(lang_of(&item.title), item.lang, "{}", item.title);
    }
}

#[tokio::test]
async fn feed_items_get_their_language_when_stored() {
    on_every_backend!(languages_scenario);
}

/// A burst of 25 posts on strikes, against nothing on the same hour of the
/// previous days, fires one alert, for the burst's hour, that reaches the
/// team. With `late`, the burst was published in the last seconds of the
/// hour that has just closed when it is read (10:59:35-10:59:59, read at
/// 11:00:20); otherwise in the current hour. The pass runs on a clock of
/// the next hour, so where the real clock stands in its hour does not
/// matter. 25 older posts (three hours back) match too, and fire nothing.
async fn spike_scenario(
    store: &Store,
    slug: &str,
    sink: &relais_mail::testing::SmtpSink,
    late: bool,
) {
    let mut mail = relais_config::Config::default().mail;
    mail.smtp_url = sink.url().to_string();
    mail.from = "relais <relais@demo.local>".into();
    let mailer = relais_mail::Mailer::from_config(&mail).unwrap();
    let w = world(store, slug, mailer).await;
    let me = Actor::user(&w.cm);
    let feeds = Arc::new(Feeds::default());
    let next_hour = relais_store::hour_of(Utc::now()) + Duration::hours(1);
    let (now, burst_hour) = if late {
        (
            next_hour + Duration::seconds(20),
            next_hour - Duration::hours(1),
        )
    } else {
        (next_hour + Duration::minutes(30), next_hour)
    };
    let burst_end = if late {
        next_hour - Duration::seconds(1)
    } else {
        now
    };
    let mut posts: Vec<_> = (0..25)
        .map(|i| {
            (
                format!("b{i}"),
                format!("Grève numéro {i} chez les meuniers"),
                format!("Article {i} : une grève éclate, tout le monde en parle ({i})."),
                burst_end - Duration::seconds(i),
            )
        })
        .collect();
    posts.extend((0..25).map(|i| {
        (
            format!("old{i}"),
            format!("Grève ancienne numéro {i}"),
            format!("Archive {i} : la grève de l'an dernier ({i})."),
            burst_hour - Duration::hours(3) + Duration::minutes(i),
        )
    }));
    *feeds.burst.lock().unwrap() = rss(&posts);
    let base = start_server(Arc::clone(&feeds)).await;
    store
        .add_source(&me, w.ws.id, &feed_source(format!("{base}/burst.xml")))
        .await
        .unwrap();
    let cancel = CancellationToken::new();
    let pass = w.worker.pass(now, &cancel).await.unwrap();
    assert_eq!(pass.new_items, 50);
    assert_eq!(pass.alerts, 1, "one volume alert, once");
    let alerts = store.list_alerts(w.ws.id, 10).await.unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].topic_name, "Grèves");
    assert_eq!(alerts[0].hour, burst_hour, "late: {late}");
    assert_eq!(alerts[0].observed, 25);
    let told = store.list_notifications(w.cm.id, 10).await.unwrap();
    assert!(
        told.iter()
            .any(|n| n.kind == NotificationKind::VeilleSpike && n.comment.contains("Grèves")),
        "{told:?}"
    );
    let link = format!("https://relais.test/w/{slug}/veille/alerts");
    let got = sink.wait_for(&link, std::time::Duration::from_secs(20));
    let json: serde_json::Value = serde_json::from_str(&got.json).unwrap();
    assert_eq!(
        json["to"].as_str().unwrap_or_default(),
        "cm@agence.test",
        "{json}"
    );
    assert!(
        json["body"].as_str().unwrap_or_default().contains("Grèves"),
        "{json}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_fires_one_spike_alert_that_reaches_the_team() {
    let sink = relais_mail::testing::SmtpSink::start();
    for late in [false, true] {
        for db in relais_store::testing::all().await {
            let slug = format!("spike-{late}-{}-{}", db.label, std::process::id());
            spike_scenario(&db.store, &slug, &sink, late).await;
            db.finish().await;
        }
    }
}

/// Requests being answered, and the most at once.
#[derive(Default)]
struct InFlight {
    now: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
}

/// Sixteen feeds on one address, each with three items of its own and one
/// article they all share (its GUID is its URL), each answered after 30 ms
/// so that reads overlap.
async fn serve_many(
    State(inflight): State<Arc<InFlight>>,
    Path(n): Path<usize>,
) -> impl IntoResponse {
    use std::sync::atomic::Ordering::SeqCst;
    let now = inflight.now.fetch_add(1, SeqCst) + 1;
    inflight.most.fetch_max(now, SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    inflight.now.fetch_sub(1, SeqCst);
    let at = Utc::now() - Duration::hours(1);
    let mut items = vec![(
        "https://fil.test/partage".to_string(),
        "Le dossier partagé".to_string(),
        "Un article repris par tous les fils.".to_string(),
        at,
    )];
    items.extend((1..=3).map(|i| {
        (
            format!("f{n}-{i}"),
            format!("Nouvelle {i} du fil {n}"),
            format!("Le texte de la nouvelle {i} du fil {n}."),
            at,
        )
    }));
    ([(header::CONTENT_TYPE, "application/rss+xml")], rss(&items))
}

/// Sources read in one pass are written together (the worker's group
/// writer puts the items of the sources that finish at once in one
/// transaction): each item is stored once, the first source keeps the
/// shared article, every source's count and the index agree. A pass reads
/// every due source, four at a time here (never more, while others wait to
/// be written), leasing more as places free up.
async fn many_sources_scenario(store: &Store) {
    const FEEDS: usize = 16;
    let w = world(store, "veille-many", None).await;
    let me = Actor::user(&w.cm);
    let inflight = Arc::new(InFlight::default());
    let app = Router::new()
        .route("/many/{n}", get(serve_many))
        .with_state(Arc::clone(&inflight));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    for n in 0..FEEDS {
        store
            .add_source(
                &me,
                w.ws.id,
                &feed_source(format!("http://{addr}/many/{n}")),
            )
            .await
            .unwrap();
    }
    let narrow = make_worker_with(store, Arc::clone(&w.index), None, 4);
    let pass = narrow
        .pass(Utc::now(), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(pass.sources, FEEDS);
    assert_eq!(pass.failed, 0);
    assert_eq!(pass.new_items, 1 + 3 * FEEDS, "{pass:?}");
    let most = inflight.most.load(std::sync::atomic::Ordering::SeqCst);
    assert!((2..=4).contains(&most), "{most} reads at once");
    let sources = store.list_sources(w.ws.id).await.unwrap();
    let mut totals: Vec<i64> = sources.iter().map(|s| s.items_total).collect();
    totals.sort_unstable();
    let mut expected = vec![3; FEEDS];
    expected[FEEDS - 1] = 4;
    assert_eq!(totals, expected, "one source has the shared article");
    let items = store
        .list_items(
            w.ws.id,
            &ItemFilter {
                limit: 100,
                ..ItemFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(items.len(), 1 + 3 * FEEDS);
    assert_eq!(
        items
            .iter()
            .filter(|v| v.item.title == "Le dossier partagé")
            .count(),
        1
    );
    assert_eq!(w.index.doc_count().unwrap() as usize, 1 + 3 * FEEDS);
    // Read again: every item is known, nothing is added.
    for s in &sources {
        store
            .set_source_enabled(&me, w.ws.id, s.id, true)
            .await
            .unwrap();
    }
    let again = narrow
        .pass(Utc::now(), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!((again.sources, again.new_items), (FEEDS, 0));
}

#[tokio::test]
async fn sources_read_together_store_each_item_once() {
    on_every_backend!(many_sources_scenario);
}

/// Store first, analyse later: a fetch pass stores the new items at once,
/// listed but pending (no topics, not searchable); the analysis stage, in
/// any worker (here one started after a "crash", with nothing in memory),
/// gives them their topics and indexes them; and the running worker does
/// both stages by itself.
async fn stages_scenario(store: &Store) {
    let w = world(store, "veille-stages", None).await;
    let me = Actor::user(&w.cm);
    let feeds = Arc::new(Feeds::default());
    let now = Utc::now();
    let news = |n: usize| {
        let items: Vec<_> = (1..=n)
            .map(|i| {
                (
                    format!("s{i}"),
                    format!("Grève numéro {i}"),
                    format!(
                        "La grève des boulangers continue dans tout le quartier et les habitants \
                         attendent toujours une solution de la mairie, marqueur{i}."
                    ),
                    now - Duration::hours(1),
                )
            })
            .collect();
        rss(&items)
    };
    *feeds.news.lock().unwrap() = news(2);
    let base = start_server(Arc::clone(&feeds)).await;
    let src = store
        .add_source(&me, w.ws.id, &feed_source(format!("{base}/news.xml")))
        .await
        .unwrap();

    let cancel = CancellationToken::new();
    let p = w.worker.fetch_pass(Utc::now(), &cancel).await.unwrap();
    assert_eq!((p.sources, p.new_items), (1, 2));
    let items = all_items(store, &w).await;
    assert_eq!(items.len(), 2, "listed as soon as stored");
    assert!(
        items.iter().all(|v| v.topics.is_empty()),
        "not analysed yet"
    );
    assert_eq!(w.index.doc_count().unwrap(), 0, "not indexed yet");
    assert_eq!(store.pending_items(10).await.unwrap().len(), 2);

    let restarted = make_worker(store, Arc::clone(&w.index), None);
    let done = restarted.analyse_pending(Utc::now()).await.unwrap();
    assert_eq!(done.items, 2);
    assert!(store.pending_items(10).await.unwrap().is_empty());
    let items = all_items(store, &w).await;
    assert!(
        items
            .iter()
            .all(|v| v.topics.len() == 1 && v.topics[0].1 == "Grèves"),
        "{:?}",
        items.iter().map(|v| &v.topics).collect::<Vec<_>>()
    );
    assert!(
        items.iter().all(|v| v.item.lang.as_deref() == Some("fr")),
        "{:?}",
        items.iter().map(|v| &v.item.lang).collect::<Vec<_>>()
    );
    assert_eq!(w.index.doc_count().unwrap(), 2);
    assert_eq!(
        restarted.analyse_pending(Utc::now()).await.unwrap().items,
        0,
        "nothing analysed twice"
    );

    // The running worker: a third item is fetched, analysed and searchable
    // with no call from outside.
    *feeds.news.lock().unwrap() = news(3);
    store
        .set_source_enabled(&me, w.ws.id, src.id, true)
        .await
        .unwrap();
    let running = {
        let worker = w.worker.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move { worker.run(cancel).await })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let hits = w
            .index
            .search(&SearchQuery::new(w.ws.id.0, "marqueur3"))
            .unwrap();
        if hits.total == 1 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the running worker never made the new item searchable"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    cancel.cancel();
    running.await.unwrap();
    let third = all_items(store, &w)
        .await
        .into_iter()
        .find(|v| v.item.title == "Grève numéro 3")
        .unwrap();
    assert_eq!(third.topics.len(), 1);
    assert!(store.pending_items(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn items_are_stored_first_and_analysed_by_any_worker() {
    on_every_backend!(stages_scenario);
}
