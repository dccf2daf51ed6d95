//! Feed ingestion benchmark (issue 5, benchmark 2): fetch, parse, normalise
//! and deduplicate 1,000 feeds of 25 items served on loopback, twice, and
//! Python `feedparser` on the same files.
//!
//! Run with `bash bench/feeds.sh` (installs the Python peer, then runs this)
//! or `cargo bench -p relais-fetch --bench feeds` (the peer then runs only if
//! `BENCH_PYTHON` names a Python that can import `feedparser`).
//!
//! # Corpus
//!
//! `bench/feeds_corpus.rs` (shared with the ingestion benchmark of the
//! worker, `crates/relais-worker/benches/veille_feeds.rs`, which measures the
//! whole production path: this one stops before the store).
//!
//! # What is measured
//!
//! A loopback axum server serves each feed gzip-compressed, with an `ETag`
//! and a `Last-Modified`, and answers `304` to a matching conditional
//! request. Both passes run 16 fetches at a time through one `Fetcher`
//! (per-host limit raised to 16: every feed is on 127.0.0.1).
//! - **Pass 1**: fetch + decompress + `parse_feed` (parse, HTML stripping,
//!   canonical URL, dedup key, date checks, language detection) + dedup
//!   across feeds + the per-item sink (a closure that counts: analysis,
//!   store and index are measured by the worker's benchmark). MB/s are of decompressed feed bytes per second of
//!   wall time; the parsing runs on one task, so on one core.
//! - **Pass 2**: the same with the validators of pass 1: the body bytes
//!   re-downloaded must be 0 (every answer a 304); the header bytes are
//!   shown.
//! - **Parse only**: `parse_feed` over the bodies already in memory, one
//!   thread — the figure comparable with the peer.
//! - **Peer**: `bench/feeds_feedparser.py` parses the same files
//!   (uncompressed, from disk, read before timing) with `feedparser.parse`.
//!
//! The target (≥ 50 MB/s) is for the whole path, which the worker's
//! benchmark measures; pass 1 here is printed against it for comparison.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../../bench/feeds_corpus.rs"]
mod feeds_corpus;

use std::collections::HashSet;
use std::io::Write;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, StreamExt};
use relais_fetch::{
    parse_feed, AddressPolicy, FeedItem, FetchOptions, Fetched, Fetcher, ParsedFeed, Validators,
};
use url::Url;

const TARGET_MB_S: f64 = 50.0;
const IN_FLIGHT: usize = 16;
const LAST_MODIFIED: &str = "Mon, 02 Jun 2025 10:00:00 GMT";

struct Served {
    gzipped: Vec<Bytes>,
    etags: Vec<String>,
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
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [
            (header::CONTENT_TYPE, "application/xml".to_owned()),
            (header::CONTENT_ENCODING, "gzip".to_owned()),
        ],
        body.clone(),
    )
        .into_response()
}

#[derive(Default)]
struct PassStats {
    fetched: usize,
    not_modified: usize,
    body_bytes: u64,
    wire_bytes: u64,
    items: usize,
    duplicates: usize,
    errors: usize,
    seconds: f64,
}

/// One pass over every feed: fetch, parse and normalise, dedup across
/// feeds, and hand each new item to `sink` (feed index, item).
async fn pass(
    fetcher: &Fetcher,
    urls: &[Url],
    validators: &mut [Validators],
    seen: &mut HashSet<(Option<usize>, String)>,
    mut sink: impl FnMut(usize, &FeedItem),
) -> PassStats {
    let mut stats = PassStats::default();
    let start = Instant::now();
    let now = chrono::Utc::now();
    let sent: Vec<Validators> = validators.to_vec();
    let jobs = urls
        .iter()
        .zip(sent)
        .enumerate()
        .map(|(i, (url, v))| async move {
            let fetched = fetcher.get(url, &v).await;
            let parsed = match &fetched {
                Ok(Fetched::Body {
                    body,
                    content_type,
                    final_url,
                    ..
                }) => Some(parse_feed(body, content_type.as_deref(), final_url, now)),
                _ => None,
            };
            (i, fetched, parsed)
        });
    let mut results = stream::iter(jobs).buffer_unordered(IN_FLIGHT);
    while let Some((i, fetched, parsed)) = results.next().await {
        let fetched = match fetched {
            Ok(f) => f,
            Err(e) => {
                eprintln!("feed {i}: {e}");
                stats.errors += 1;
                continue;
            }
        };
        stats.wire_bytes += fetched.wire_bytes();
        match fetched {
            Fetched::NotModified { .. } => stats.not_modified += 1,
            Fetched::Body {
                body,
                validators: v,
                ..
            } => {
                stats.fetched += 1;
                stats.body_bytes += body.len() as u64;
                validators[i] = v;
            }
        }
        if let Some(parsed) = parsed {
            let parsed: ParsedFeed = match parsed {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("feed {i}: {e}");
                    stats.errors += 1;
                    continue;
                }
            };
            for item in &parsed.items {
                // `guid:` keys are unique within their feed only.
                let scope = item.dedup_key.starts_with("guid:").then_some(i);
                if seen.insert((scope, item.dedup_key.clone())) {
                    stats.items += 1;
                    sink(i, item);
                } else {
                    stats.duplicates += 1;
                }
            }
        }
    }
    stats.seconds = start.elapsed().as_secs_f64();
    stats
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn main() {
    let feeds: usize = std::env::var("BENCH_FEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let items: usize = std::env::var("BENCH_ITEMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25);
    let bodies = feeds_corpus::generate(feeds, items);
    let total: u64 = bodies.iter().map(|b| b.len() as u64).sum();
    let gzipped: Vec<Bytes> = bodies
        .iter()
        .map(|b| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(b).unwrap();
            Bytes::from(e.finish().unwrap())
        })
        .collect();
    let gz_total: u64 = gzipped.iter().map(|b| b.len() as u64).sum();
    let etags = bodies
        .iter()
        .map(|b| format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(b)))
        .collect();
    println!(
        "feed ingestion: {feeds} feeds x {items} items, {:.1} MB ({:.1} MB gzip on the wire), {:.1} KB per item",
        mb(total),
        mb(gz_total),
        total as f64 / (feeds * items) as f64 / 1024.0
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let pass1_rate = rt.block_on(async {
        let served = Arc::new(Served { gzipped, etags });
        let app = Router::new()
            .route("/feeds/{n}", get(serve_feed))
            .with_state(served);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let mut options = FetchOptions::new("https://relais.test/");
        options.address_policy = AddressPolicy {
            allow_loopback: true,
            allow_private: false,
        };
        options.per_host_concurrency = IN_FLIGHT;
        options.total_timeout = Duration::from_secs(60);
        let fetcher = Fetcher::new(options).unwrap();
        let urls: Vec<Url> = (0..feeds)
            .map(|n| Url::parse(&format!("http://{addr}/feeds/{n}")).unwrap())
            .collect();
        let mut validators = vec![Validators::default(); feeds];
        let mut seen = HashSet::new();
        let mut sunk = 0usize;
        let mut text_bytes = 0usize;

        let p1 = pass(&fetcher, &urls, &mut validators, &mut seen, |_, item| {
            sunk += 1;
            text_bytes += item.text.len();
        })
        .await;
        let rate = mb(p1.body_bytes) / p1.seconds;
        println!(
            "pass 1: {} feeds fetched, {} errors, {:.1} MB of feeds ({:.1} MB received) in {:.2} s: {:.1} MB/s fetch+parse+normalise+dedup (target >= {TARGET_MB_S}: {})",
            p1.fetched,
            p1.errors,
            mb(p1.body_bytes),
            mb(p1.wire_bytes),
            p1.seconds,
            rate,
            if rate >= TARGET_MB_S { "met" } else { "MISSED" }
        );
        println!(
            "        {} new items to the sink ({sunk} seen by it, {:.1} MB of plain text), {} duplicates dropped",
            p1.items,
            mb(text_bytes as u64),
            p1.duplicates
        );
        let p2 = pass(&fetcher, &urls, &mut validators, &mut seen, |_, _| {}).await;
        println!(
            "pass 2: {} answers 304, {} with a body: {} body bytes re-downloaded ({}), {:.1} KB of headers, {:.2} s",
            p2.not_modified,
            p2.fetched,
            p2.body_bytes,
            if p2.body_bytes == 0 && p2.fetched == 0 { "target 0: met" } else { "target 0: MISSED" },
            p2.wire_bytes as f64 / 1024.0,
            p2.seconds
        );
        rate
    });

    // Parse only, in memory, one thread.
    let base = Url::parse("https://bench.example/feed").unwrap();
    let now = chrono::Utc::now();
    let start = Instant::now();
    let mut n = 0usize;
    for body in &bodies {
        n += parse_feed(body, Some("application/xml"), &base, now)
            .map(|f| f.items.len())
            .unwrap_or(0);
    }
    let parse_s = start.elapsed().as_secs_f64();
    let relais_parse = mb(total) / parse_s;
    println!(
        "parse only (relais parse_feed, in memory, 1 thread): {n} items, {:.2} s, {:.1} MB/s",
        parse_s, relais_parse
    );

    // The peer.
    let Ok(python) = std::env::var("BENCH_PYTHON") else {
        println!("peer feedparser: n/a (set BENCH_PYTHON, or run bash bench/feeds.sh)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (i, b) in bodies.iter().enumerate() {
        std::fs::write(dir.path().join(format!("{i:05}.xml")), b).unwrap();
    }
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../bench/feeds_feedparser.py"
    );
    let out = Command::new(&python).arg(script).arg(dir.path()).output();
    match out {
        Ok(out) if out.status.success() => {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let secs = v["seconds"].as_f64().unwrap_or(f64::NAN);
            let bytes = v["bytes"].as_f64().unwrap_or(f64::NAN);
            let entries = v["entries"].as_u64().unwrap_or(0);
            let peer = bytes / 1e6 / secs;
            println!(
                "peer feedparser {} (parse only, same files, 1 thread): {entries} entries, {:.2} s, {:.2} MB/s; relais pass 1 is {:.0}x, relais parse only {:.0}x",
                v["version"].as_str().unwrap_or("?"),
                secs,
                peer,
                pass1_rate / peer,
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
