//! Feed ingestion benchmark (issue 5, benchmark 2), on the path production
//! takes: 1,000 feeds of 25 items served on loopback, read twice by the
//! real [`VeilleWorker`] into a real database and search index; then Python
//! `feedparser` on the same files.
//!
//! Run with `bash bench/feeds.sh` (installs the Python peer, then runs this)
//! or `cargo bench -p relais-worker --bench veille_feeds` (the peer then runs
//! only if `BENCH_PYTHON` names a Python that can import `feedparser`).
//!
//! # Corpus
//!
//! `bench/feeds_corpus.rs`: `BENCH_FEEDS` (1,000) feeds of `BENCH_ITEMS`
//! (25) items, RSS 2.0 and Atom, French and English, 1–3 KB of HTML per item,
//! 5 % of the items repeating another feed's article (same link).
//!
//! # Set-up (not timed)
//!
//! A fresh SQLite file (then a fresh PostgreSQL database when
//! `TEST_POSTGRES_URL` or `BENCH_POSTGRES_URL` is set; `BENCH_BACKENDS`
//! chooses), migrated; one workspace with a community manager, the eight
//! topics of the corpus (one matcher for all), and one feed source per feed,
//! added in one import. A search index in a directory (as `[search]` opens
//! it). The worker has the defaults of `[veille]` (32 sources at a time, 2
//! per host, 10 MB bodies) with `allow_private_addresses` on, since the feeds
//! are on loopback: an axum server listening on `BENCH_HOSTS` (32) loopback
//! addresses (127.0.1.1, 127.0.1.2, …), feed `n` on host `n mod 32`, so that
//! the per-host limit applies as it would across the web. Each feed is served
//! gzip-compressed with an `ETag` and a `Last-Modified`; a matching
//! `If-None-Match` gets a `304`.
//!
//! # What is measured
//!
//! - **Pass 1** (ingestion: parse, dedup and store): the wall time of the
//!   worker's fetch passes ([`VeilleWorker::fetch_pass`], what its `run`
//!   loop calls) from the first until no source is due. It includes
//!   everything the worker does for a source before an item is stored and
//!   listed: lease, conditional fetch, decompression, parsing, normalisation
//!   (text, canonical URL, dedup key, dates), the dedup query, the store
//!   transaction (group-committed with the other sources waiting) and the
//!   fetch record. MB/s are of uncompressed feed bytes per second of that
//!   wall time. Checked: every source fetched, none failed, and the items
//!   stored (pending analysis) are exactly the distinct items of the feeds
//!   (their dedup keys as `parse_feed` gives them, `guid:` keys per feed) —
//!   for the default corpus 25,000 served, the repeats by URL dropped.
//! - **Analysis**: then the worker's analysis stage
//!   ([`VeilleWorker::analyse_pending`], which `run` runs alongside the
//!   fetch passes) over those pending items: language, sentiment, topics
//!   through the matcher, story clusters, the transaction recording them with
//!   their topics and hourly volumes, search indexing with its commits, and
//!   the spike check. Checked: every item analysed and indexed, none left
//!   pending, some in a topic. Printed with the total until everything is
//!   searchable.
//! - **Pass 2**: the passes again, once every source is due (the clock given
//!   to the lease is moved past the latest next fetch time). Checked: the
//!   server answered exactly one `304` per feed and sent no body again (0
//!   body bytes re-downloaded), and no item was added.
//! - **Parse only**: `relais_fetch::parse_feed` over the bodies in memory,
//!   one thread: the figure comparable with the peer. Then the same with
//!   `relais_fetch::parse_feed_deferring_langs`, as the worker parses: it
//!   detects the languages of the new items only, after its dedup query.
//! - **Peer**: `bench/feeds_feedparser.py` parses the same files
//!   (uncompressed, from disk, read before timing) with `feedparser.parse`,
//!   one thread.
//!
//! Target (printed as met/missed): pass 1 (parse, dedup and store) ≥ 50
//! MB/s.
//!
//! Settings (environment): `BENCH_FEEDS` (1000), `BENCH_ITEMS` (25),
//! `BENCH_HOSTS` (32), `BENCH_CONCURRENCY` (`veille.concurrency`, 32),
//! `BENCH_BACKENDS` ("sqlite", plus "postgres" when a URL is set),
//! `BENCH_PYTHON`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../../bench/feeds_corpus.rs"]
mod feeds_corpus;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use relais_core::model::Actor;
use relais_core::veille::{NewSource, SourceKind, VeilleKind};
use relais_core::Role;
use relais_search::SearchIndex;
use relais_store::MembershipChange::Add;
use relais_store::{ConnectOptions, NewUser, Store};
use relais_worker::veille::{fetch_options, VeilleOptions, VeilleWorker};
use relais_worker::Notifier;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::Command;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;

const TARGET_MB_S: f64 = 50.0;
const LAST_MODIFIED: &str = "Mon, 02 Jun 2025 10:00:00 GMT";

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a valid value")),
        _ => default,
    }
}

/// What the loopback server serves, and what it answered.
struct Served {
    gzipped: Vec<Bytes>,
    etags: Vec<String>,
    bodies_sent: Vec<AtomicU32>,
    not_modified_sent: Vec<AtomicU32>,
    body_bytes_sent: AtomicU64,
}

async fn serve_feed(
    State(s): State<Arc<Served>>,
    Path(n): Path<usize>,
    headers: HeaderMap,
) -> Response {
    let Some(body) = s.gzipped.get(n) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = s.etags[n].clone();
    let common = [
        (header::ETAG, etag.clone()),
        (header::LAST_MODIFIED, LAST_MODIFIED.to_owned()),
    ];
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        s.not_modified_sent[n].fetch_add(1, Ordering::SeqCst);
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    s.bodies_sent[n].fetch_add(1, Ordering::SeqCst);
    s.body_bytes_sent
        .fetch_add(body.len() as u64, Ordering::SeqCst);
    (
        common,
        [
            (header::CONTENT_TYPE, "application/rss+xml".to_owned()),
            (header::CONTENT_ENCODING, "gzip".to_owned()),
        ],
        body.clone(),
    )
        .into_response()
}

/// The loopback addresses the server listens on: 127.0.1.1, 127.0.1.2, …
fn host(i: usize) -> Ipv4Addr {
    let i = i + 1;
    Ipv4Addr::new(127, 0, 1 + (i / 256) as u8, (i % 256) as u8)
}

async fn start_server(served: Arc<Served>, hosts: usize) -> Vec<SocketAddr> {
    let app = Router::new()
        .route("/feeds/{n}", get(serve_feed))
        .with_state(served);
    let mut addrs = Vec::with_capacity(hosts);
    for h in 0..hosts {
        let listener = tokio::net::TcpListener::bind((host(h), 0))
            .await
            .unwrap_or_else(|e| panic!("cannot listen on {}: {e}", host(h)));
        addrs.push(listener.local_addr().unwrap());
        let app = app.clone();
        tokio::spawn(async move { axum::serve(listener, app).await });
    }
    addrs
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

struct Db {
    store: Store,
    pg: Option<relais_store::testing::TestDb>,
    _dir: Option<tempfile::TempDir>,
}

async fn fresh_db(backend: &str, pg_url: Option<&str>) -> Db {
    match backend {
        "sqlite" => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("bench.sqlite3").display());
            let store = Store::connect(&url, &ConnectOptions::default())
                .await
                .unwrap();
            store.migrate().await.unwrap();
            Db {
                store,
                pg: None,
                _dir: Some(dir),
            }
        }
        "postgres" => {
            let db = relais_store::testing::postgres(pg_url.unwrap()).await;
            Db {
                store: db.store.clone(),
                pg: Some(db),
                _dir: None,
            }
        }
        other => panic!("BENCH_BACKENDS: unknown backend {other:?} (sqlite, postgres)"),
    }
}

struct Corpus {
    bodies: Vec<Vec<u8>>,
    total: u64,
    items: usize,
    /// Distinct items by dedup key as the worker scopes them.
    distinct: usize,
}

struct PassFigures {
    seconds: f64,
    sources: usize,
    failed: usize,
    new_items: usize,
    passes: usize,
    cpu: f64,
}

/// Runs the worker's fetch passes at `at` (each lease takes the sources due
/// then) until `sources` have been read, or none is due.
async fn passes(
    worker: &VeilleWorker,
    at: impl Fn() -> chrono::DateTime<Utc>,
    sources: usize,
) -> PassFigures {
    let cancel = CancellationToken::new();
    let cpu = cpu_seconds();
    let start = Instant::now();
    let mut f = PassFigures {
        seconds: 0.0,
        sources: 0,
        failed: 0,
        new_items: 0,
        passes: 0,
        cpu: 0.0,
    };
    while f.sources < sources {
        let p = worker.fetch_pass(at(), &cancel).await.unwrap();
        if p.sources == 0 {
            break;
        }
        f.passes += 1;
        f.sources += p.sources;
        f.failed += p.failed;
        f.new_items += p.new_items;
    }
    f.seconds = start.elapsed().as_secs_f64();
    f.cpu = cpu_seconds() - cpu;
    f
}

/// CPU time (user + system) of this process so far, in seconds, from
/// `/proc/self/stat` (Linux; 0 elsewhere). The machine may be shared: the
/// CPU seconds a pass took say what it costs whatever the load.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses): utime and
    // stime are the 12th and 13th, in clock ticks (100 per second).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// One full run on one backend; returns pass 1's MB/s.
async fn run(backend: &str, pg_url: Option<&str>, corpus: &Corpus, hosts: usize) -> f64 {
    let feeds = corpus.bodies.len();
    let db = fresh_db(backend, pg_url).await;
    let store = db.store.clone();
    let gzipped: Vec<Bytes> = corpus
        .bodies
        .iter()
        .map(|b| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(b).unwrap();
            Bytes::from(e.finish().unwrap())
        })
        .collect();
    let gz_total: u64 = gzipped.iter().map(|b| b.len() as u64).sum();
    let etags = corpus
        .bodies
        .iter()
        .map(|b| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            b.hash(&mut h);
            format!("\"{:016x}\"", h.finish())
        })
        .collect();
    let served = Arc::new(Served {
        gzipped,
        etags,
        bodies_sent: (0..feeds).map(|_| AtomicU32::new(0)).collect(),
        not_modified_sent: (0..feeds).map(|_| AtomicU32::new(0)).collect(),
        body_bytes_sent: AtomicU64::new(0),
    });
    let addrs = start_server(Arc::clone(&served), hosts).await;

    // The workspace, its topics and its sources.
    let sys = Actor::System("bench");
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
        .create_workspace(&sys, "veille-bench", "Veille bench", None, false)
        .await
        .unwrap();
    store
        .set_membership(&sys, Role::Owner, ws.id, cm.id, Add(Role::CommunityManager))
        .await
        .unwrap();
    let me = Actor::user(&cm);
    for (name, kind, query) in feeds_corpus::TOPICS {
        relais_veille::parse(query).unwrap_or_else(|e| panic!("topic {name}: {e}"));
        store
            .save_topic(
                &me,
                ws.id,
                None,
                name,
                VeilleKind::parse(kind).unwrap(),
                query,
            )
            .await
            .unwrap();
    }
    let sources: Vec<NewSource> = (0..feeds)
        .map(|n| NewSource {
            kind: SourceKind::Feed,
            url: format!("http://{}/feeds/{n}", addrs[n % addrs.len()]),
            selector: String::new(),
            tag: String::new(),
            title: String::new(),
            category: String::new(),
            interval_secs: 900,
        })
        .collect();
    let import = store.import_sources(&me, ws.id, &sources).await.unwrap();
    assert_eq!(import.added.len(), feeds);

    // The worker, as `relais worker` builds it from `[veille]`.
    let index_dir = tempfile::tempdir().unwrap();
    let index = Arc::new(SearchIndex::open_or_create(index_dir.path()).unwrap());
    let mut config = relais_config::VeilleConfig {
        allow_private_addresses: true,
        ..relais_config::VeilleConfig::default()
    };
    config.concurrency = env_or("BENCH_CONCURRENCY", config.concurrency);
    let fetcher =
        relais_fetch::Fetcher::new(fetch_options(&config, "https://relais.test")).unwrap();
    let i18n = Arc::new(relais_i18n::I18n::new().unwrap());
    let worker = VeilleWorker::new(
        store.clone(),
        fetcher,
        Some(Arc::clone(&index)),
        Notifier::new(None, i18n, "https://relais.test"),
        VeilleOptions::from_config(&config),
        "bench",
    )
    .unwrap();
    println!(
        "[{backend}] {feeds} sources on {} loopback hosts, {} topics; worker: {} sources at a time, {} per host",
        addrs.len(),
        feeds_corpus::TOPICS.len(),
        config.concurrency,
        config.per_host_concurrency
    );

    // Pass 1.
    let p1 = passes(&worker, Utc::now, feeds).await;
    let rate = mb(corpus.total) / p1.seconds;
    let listed = store.list_sources(ws.id).await.unwrap();
    let stored: i64 = listed.iter().map(|s| s.items_total).sum();
    let failing: Vec<_> = listed
        .iter()
        .filter(|s| !s.last_error.is_empty())
        .map(|s| format!("{}: {}", s.url, s.last_error))
        .collect();
    assert!(failing.is_empty(), "failing sources: {failing:?}");
    assert_eq!(p1.sources, feeds, "every source read in pass 1");
    assert_eq!(p1.failed, 0);
    assert_eq!(p1.new_items, corpus.distinct, "new items of pass 1");
    assert_eq!(stored as usize, corpus.distinct, "items stored");
    assert_eq!(
        store.pending_items(i64::MAX).await.unwrap().len(),
        corpus.distinct,
        "every item stored pending analysis"
    );
    let body_bytes_1 = served.body_bytes_sent.load(Ordering::SeqCst);
    println!(
        "[{backend}] pass 1: {} sources in {} worker passes, {:.1} MB of feeds ({:.1} MB gzip received) in {:.2} s: \
         {:.1} MB/s, {:.0} items/s (target >= {TARGET_MB_S} MB/s: {})",
        p1.sources,
        p1.passes,
        mb(corpus.total),
        mb(body_bytes_1),
        p1.seconds,
        rate,
        p1.new_items as f64 / p1.seconds,
        if rate >= TARGET_MB_S { "met" } else { "MISSED" }
    );
    println!(
        "[{backend}]         CPU {:.1} s for the pass ({:.2} cores busy on average; {:.1} MB per CPU-second); load average before: {}",
        p1.cpu,
        p1.cpu / p1.seconds,
        mb(corpus.total) / p1.cpu,
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim()
    );
    println!(
        "[{backend}]         {} items served, {} stored pending analysis ({} repeats dropped by dedup), {} failed sources",
        corpus.items,
        stored,
        corpus.items - corpus.distinct,
        p1.failed
    );
    assert_eq!(gz_total, body_bytes_1);

    // The analysis stage, after the burst (the running worker runs it
    // alongside the fetches).
    let cpu = cpu_seconds();
    let start = Instant::now();
    let analysed = worker.analyse_pending(Utc::now()).await.unwrap();
    let a_seconds = start.elapsed().as_secs_f64();
    let a_cpu = cpu_seconds() - cpu;
    assert_eq!(analysed.items, corpus.distinct, "items analysed");
    assert!(store.pending_items(10).await.unwrap().is_empty());
    let indexed = index.doc_count().unwrap();
    assert_eq!(indexed as usize, corpus.distinct, "items indexed");
    let topics: Vec<_> = store
        .list_topics(ws.id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    let with_topics: i64 = store
        .topics_volume(
            &topics,
            Utc::now() - chrono::Duration::days(3650),
            Utc::now() + chrono::Duration::days(1),
        )
        .await
        .unwrap()
        .values()
        .flatten()
        .map(|v| v.total)
        .sum();
    assert!(with_topics > 0, "the topics matched items");
    println!(
        "[{backend}] analysis: {} items (language, sentiment, topics, stories), stored, indexed and spike-checked in {a_seconds:.2} s: \
         {:.1} MB/s, {:.0} items/s, CPU {a_cpu:.1} s; {with_topics} (item, topic) matches",
        analysed.items,
        mb(corpus.total) / a_seconds,
        analysed.items as f64 / a_seconds,
    );
    println!(
        "[{backend}] ingestion then analysis: {:.2} s for everything searchable: {:.1} MB/s",
        p1.seconds + a_seconds,
        mb(corpus.total) / (p1.seconds + a_seconds),
    );

    // Pass 2: every source due again, as the source page's "enable" does
    // (next fetch now; validators kept). Not timed.
    for s in &listed {
        store
            .set_source_enabled(&me, ws.id, s.id, true)
            .await
            .unwrap();
    }
    let p2 = passes(&worker, Utc::now, usize::MAX).await;
    let bodies: u32 = served
        .bodies_sent
        .iter()
        .map(|c| c.load(Ordering::SeqCst))
        .sum();
    let body_bytes_2 = served.body_bytes_sent.load(Ordering::SeqCst) - body_bytes_1;
    assert_eq!(p2.sources, feeds, "every source read in pass 2");
    assert_eq!(p2.new_items, 0, "pass 2 added no item");
    for n in 0..feeds {
        assert_eq!(
            served.bodies_sent[n].load(Ordering::SeqCst),
            1,
            "feed {n}: one body, in pass 1"
        );
        assert_eq!(
            served.not_modified_sent[n].load(Ordering::SeqCst),
            1,
            "feed {n}: one 304, in pass 2"
        );
    }
    assert_eq!(body_bytes_2, 0);
    let listed = store.list_sources(ws.id).await.unwrap();
    let saved: i64 = listed.iter().map(|s| s.bytes_saved).sum();
    let header_bytes: i64 =
        listed.iter().map(|s| s.bytes_downloaded).sum::<i64>() - gz_total as i64;
    println!(
        "[{backend}] pass 2: {} sources in {:.2} s, {feeds} answers 304 and {} bodies sent in all: {body_bytes_2} body bytes re-downloaded \
         (target 0: {}); {:.1} MB recorded as saved by 304s, {:.1} KB of headers over both passes",
        p2.sources,
        p2.seconds,
        bodies,
        if body_bytes_2 == 0 { "met" } else { "MISSED" },
        mb(saved as u64),
        header_bytes as f64 / 1024.0,
    );
    drop(worker);
    drop(index);
    if let Some(pg) = db.pg {
        pg.finish().await;
    }
    rate
}

fn main() {
    let feeds: usize = env_or("BENCH_FEEDS", 1000);
    let items: usize = env_or("BENCH_ITEMS", 25);
    let hosts: usize = env_or("BENCH_HOSTS", 32usize).clamp(1, 250);
    let pg_url = ["BENCH_POSTGRES_URL", "TEST_POSTGRES_URL"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()));
    let backends: Vec<String> = std::env::var("BENCH_BACKENDS")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| v.split_whitespace().map(str::to_string).collect())
        .unwrap_or_else(|| {
            let mut b = vec!["sqlite".to_string()];
            if pg_url.is_some() {
                b.push("postgres".into());
            }
            b
        });

    let bodies = feeds_corpus::generate(feeds, items);
    let total: u64 = bodies.iter().map(|b| b.len() as u64).sum();

    // Parse only, in memory, one thread; it also gives the distinct items.
    let base = Url::parse("https://bench.example/feed").unwrap();
    let now = Utc::now();
    let start = Instant::now();
    let parsed: Vec<_> = bodies
        .iter()
        .map(|b| relais_fetch::parse_feed(b, Some("application/xml"), &base, now).unwrap())
        .collect();
    let parse_s = start.elapsed().as_secs_f64();
    // The same without the items' language detection: what the worker runs
    // before its dedup query (it detects the new items' languages after).
    let start = Instant::now();
    let deferred: usize = bodies
        .iter()
        .map(|b| {
            let feed =
                relais_fetch::parse_feed_deferring_langs(b, Some("application/xml"), &base, now)
                    .unwrap();
            feed.items.len() + feed.duplicates
        })
        .sum();
    let deferred_s = start.elapsed().as_secs_f64();
    // A feed repeating one of its own articles gives it once
    // (`ParsedFeed::duplicates`).
    let n_items: usize = parsed.iter().map(|f| f.items.len() + f.duplicates).sum();
    assert_eq!(n_items, feeds * items, "every item parsed");
    let mut keys = HashSet::new();
    for (n, feed) in parsed.iter().enumerate() {
        for item in &feed.items {
            let scope = item.dedup_key.starts_with("guid:").then_some(n);
            keys.insert((scope, item.dedup_key.clone()));
        }
    }
    drop(parsed);
    let corpus = Corpus {
        total,
        items: n_items,
        distinct: keys.len(),
        bodies,
    };
    println!(
        "feed ingestion: {feeds} feeds x {items} items, {:.1} MB, {:.1} KB per item; {} cores visible",
        mb(total),
        total as f64 / n_items as f64 / 1024.0,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut pass1 = Vec::new();
    for backend in &backends {
        let rate = rt.block_on(run(backend, pg_url.as_deref(), &corpus, hosts));
        pass1.push((backend.clone(), rate));
    }

    let relais_parse = mb(total) / parse_s;
    println!(
        "parse only (relais_fetch::parse_feed, in memory, 1 thread): {n_items} items, {parse_s:.2} s, {relais_parse:.1} MB/s"
    );
    println!(
        "parse only, languages deferred (parse_feed_deferring_langs, as the worker parses): {deferred} items, {deferred_s:.2} s, {:.1} MB/s",
        mb(total) / deferred_s
    );

    // The peer.
    let Ok(python) = std::env::var("BENCH_PYTHON") else {
        println!("peer feedparser: n/a (set BENCH_PYTHON, or run bash bench/feeds.sh)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (i, b) in corpus.bodies.iter().enumerate() {
        std::fs::write(dir.path().join(format!("{i:05}.xml")), b).unwrap();
    }
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../bench/feeds_feedparser.py"
    );
    match Command::new(&python).arg(script).arg(dir.path()).output() {
        Ok(out) if out.status.success() => {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let secs = v["seconds"].as_f64().unwrap_or(f64::NAN);
            let bytes = v["bytes"].as_f64().unwrap_or(f64::NAN);
            let entries = v["entries"].as_u64().unwrap_or(0);
            let peer = bytes / 1e6 / secs;
            println!(
                "peer feedparser {} (parse only, same files, 1 thread): {entries} entries, {secs:.2} s, {peer:.2} MB/s",
                v["version"].as_str().unwrap_or("?"),
            );
            for (backend, rate) in &pass1 {
                println!(
                    "ratio: relais ingestion pass 1 [{backend}] {:.0}x feedparser's parse alone",
                    rate / peer
                );
            }
            println!(
                "ratio: relais parse only {:.0}x feedparser",
                relais_parse / peer
            );
        }
        Ok(out) => println!(
            "peer feedparser: failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => println!("peer feedparser: cannot run {python}: {e}"),
    }
}
