#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The fetcher against a real HTTP server on loopback (axum), serving
//! polite, impolite and hostile answers.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use relais_fetch::{
    parse_feed, AddressKind, AddressPolicy, FeedError, FetchError, FetchOptions, Fetched, Fetcher,
    Validators,
};
use url::Url;

const FEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- Padding, so that compression shows: relais relais relais relais relais relais relais relais
relais relais relais relais relais relais relais relais relais relais relais relais relais relais
relais relais relais relais relais relais relais relais relais relais relais relais relais relais
relais relais relais relais relais relais relais relais relais relais relais relais relais relais
relais relais relais relais relais relais relais relais relais relais relais relais relais relais
relais relais relais relais relais relais relais relais relais relais relais relais relais relais
relais relais relais relais relais relais relais relais relais relais relais relais relais relais
relais relais relais relais relais relais relais relais relais relais relais relais relais relais -->
<rss version="2.0"><channel><title>Loopback</title><link>http://example.org/</link><ttl>60</ttl>
<item><title>Un article</title><link>http://example.org/a?utm_source=x</link><guid>a</guid>
<description>Le texte de l'article, assez long pour que la langue soit reconnue sans hésitation.</description>
<pubDate>Mon, 02 Jun 2025 10:00:00 GMT</pubDate></item>
</channel></rss>"#;
const ETAG: &str = "\"v1\"";
const LAST_MODIFIED: &str = "Mon, 02 Jun 2025 10:00:00 GMT";

#[derive(Default)]
struct Counters {
    hits: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    conditional: AtomicUsize,
    /// The User-Agent of the last request to `/feed`.
    user_agent: std::sync::Mutex<String>,
}

type Shared = Arc<Counters>;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

async fn feed(State(c): State<Shared>, headers: HeaderMap) -> Response {
    c.hits.fetch_add(1, Ordering::SeqCst);
    *c.user_agent.lock().unwrap() = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let etag_matches = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == ETAG.as_bytes());
    let date_matches = headers
        .get(header::IF_MODIFIED_SINCE)
        .is_some_and(|v| v.as_bytes() == LAST_MODIFIED.as_bytes());
    let common = [
        (header::ETAG, ETAG),
        (header::LAST_MODIFIED, LAST_MODIFIED),
        (header::CACHE_CONTROL, "public, max-age=600"),
    ];
    if etag_matches || date_matches {
        c.conditional.fetch_add(1, Ordering::SeqCst);
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let gz = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("gzip"));
    let body = if gz {
        gzip(FEED.as_bytes())
    } else {
        FEED.as_bytes().to_vec()
    };
    let mut response = (
        common,
        [(header::CONTENT_TYPE, "application/rss+xml")],
        body,
    )
        .into_response();
    if gz {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, "gzip".parse().unwrap());
    }
    response
}

async fn brotli_feed() -> Response {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
        w.write_all(FEED.as_bytes()).unwrap();
    }
    ([(header::CONTENT_ENCODING, "br")], out).into_response()
}

/// 64 MB of spaces in about 64 KB of gzip: 64 gzip members of 1 MB each
/// (RFC 1952 allows a file of several members).
async fn bomb() -> Response {
    let member = gzip(&vec![b' '; 1024 * 1024]);
    ([(header::CONTENT_ENCODING, "gzip")], member.repeat(64)).into_response()
}

/// A body that never ends, `pause` between 16 KB chunks.
fn endless(pause: Duration) -> Response {
    let stream = futures_util::stream::unfold((), move |()| async move {
        tokio::time::sleep(pause).await;
        Some((Ok::<_, std::io::Error>(vec![b'<'; 16 * 1024]), ()))
    });
    Response::new(Body::from_stream(stream))
}

async fn slow(State(c): State<Shared>) -> &'static str {
    let now = c.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    c.max_in_flight.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(150)).await;
    c.in_flight.fetch_sub(1, Ordering::SeqCst);
    FEED
}

fn redirect(code: StatusCode, to: &str) -> Response {
    (code, [(header::LOCATION, to.to_owned())]).into_response()
}

async fn serve() -> (Url, Shared) {
    let counters = Shared::default();
    let app = Router::new()
        .route("/feed", get(feed))
        .route("/br", get(brotli_feed))
        .route("/bomb", get(bomb))
        .route("/endless", get(|| async { endless(Duration::ZERO) }))
        .route(
            "/trickle",
            get(|| async { endless(Duration::from_millis(50)) }),
        )
        .route("/slow", get(slow))
        .route(
            "/unavailable",
            get(|| async {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "120")],
                )
                    .into_response()
            }),
        )
        .route(
            "/throttled",
            get(|| async {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [
                        (header::DATE, "Mon, 02 Jun 2025 10:00:00 GMT"),
                        (header::RETRY_AFTER, "Mon, 02 Jun 2025 10:30:00 GMT"),
                    ],
                )
                    .into_response()
            }),
        )
        .route("/gone", get(|| async { StatusCode::GONE }))
        .route(
            "/loop-a",
            get(|| async { redirect(StatusCode::FOUND, "/loop-b") }),
        )
        .route(
            "/loop-b",
            get(|| async { redirect(StatusCode::FOUND, "/loop-a") }),
        )
        .route(
            "/chain/{n}",
            get(|Path(n): Path<u32>| async move {
                redirect(StatusCode::FOUND, &format!("/chain/{}", n + 1))
            }),
        )
        .route(
            "/moved",
            get(|| async { redirect(StatusCode::MOVED_PERMANENTLY, "/feed") }),
        )
        .route(
            "/found",
            get(|| async { redirect(StatusCode::FOUND, "/feed") }),
        )
        .route(
            "/to-private",
            get(|| async { redirect(StatusCode::FOUND, "http://10.0.0.3/feed") }),
        )
        .route(
            "/to-metadata",
            get(|| async {
                redirect(
                    StatusCode::FOUND,
                    "http://169.254.169.254/latest/meta-data/",
                )
            }),
        )
        .route(
            "/to-mapped",
            get(|| async { redirect(StatusCode::FOUND, "http://[::ffff:192.168.1.1]/") }),
        )
        .route(
            "/page",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    r#"<!doctype html><html><head><title>Blog</title>
<link rel="alternate" type="application/atom+xml" title="Atom" href="/feed.atom">
</head><body><h1>Blog</h1></body></html>"#,
                )
            }),
        )
        .route(
            "/latin1-broken",
            get(|| async {
                let mut body = FEED.as_bytes().to_vec();
                let at = FEED.find("hésitation").unwrap() + 1;
                body[at] = 0xe9;
                body[at + 1] = b'x';
                ([(header::CONTENT_TYPE, "application/rss+xml")], body)
            }),
        )
        .with_state(counters.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (Url::parse(&format!("http://{addr}/")).unwrap(), counters)
}

fn options(policy: AddressPolicy) -> FetchOptions {
    let mut o = FetchOptions::new("https://relais.test/");
    o.address_policy = policy;
    o.total_timeout = Duration::from_secs(5);
    o
}

fn loopback() -> Fetcher {
    Fetcher::new(options(AddressPolicy {
        allow_loopback: true,
        allow_private: false,
    }))
    .unwrap()
}

async fn fetch(f: &Fetcher, base: &Url, path: &str) -> Result<Fetched, FetchError> {
    f.get(&base.join(path).unwrap(), &Validators::default())
        .await
}

#[tokio::test]
async fn conditional_get_saves_the_body() {
    let (base, counters) = serve().await;
    let f = loopback();
    let url = base.join("/feed").unwrap();
    let first = f.get(&url, &Validators::default()).await.unwrap();
    let Fetched::Body {
        body,
        validators,
        hints,
        wire_bytes,
        content_type,
        final_url,
        moved_permanently,
    } = first
    else {
        panic!("expected a body, got {first:?}");
    };
    // Decompressed, while the wire carried the gzip (plus headers).
    assert_eq!(body, FEED.as_bytes());
    let compressed = gzip(FEED.as_bytes()).len() as u64;
    // The compressed body plus a few hundred bytes of headers, not the
    // decompressed size.
    assert!(FEED.len() as u64 > compressed + 400);
    assert!(
        (compressed..compressed + 400).contains(&wire_bytes),
        "{wire_bytes} vs {compressed} compressed, {} decompressed",
        FEED.len()
    );
    assert_eq!(validators.etag.as_deref(), Some(ETAG));
    assert_eq!(validators.last_modified.as_deref(), Some(LAST_MODIFIED));
    assert_eq!(hints.max_age, Some(Duration::from_secs(600)));
    // The request names relais and where its operator can be found.
    assert_eq!(
        *counters.user_agent.lock().unwrap(),
        relais_fetch::user_agent(env!("CARGO_PKG_VERSION"), "https://relais.test/")
    );
    assert_eq!(content_type.as_deref(), Some("application/rss+xml"));
    assert_eq!(final_url, url);
    assert!(!moved_permanently);

    let second = f.get(&url, &validators).await.unwrap();
    let Fetched::NotModified {
        validators: again,
        wire_bytes,
        hints,
    } = second
    else {
        panic!("expected 304, got {second:?}");
    };
    assert_eq!(again, validators);
    assert_eq!(hints.max_age, Some(Duration::from_secs(600)));
    assert!(
        wire_bytes < 300,
        "a 304 costs only its headers: {wire_bytes}"
    );
    assert_eq!(counters.hits.load(Ordering::SeqCst), 2);
    assert_eq!(counters.conditional.load(Ordering::SeqCst), 1);

    // Last-Modified alone revalidates too.
    let date_only = Validators {
        etag: None,
        last_modified: Some(LAST_MODIFIED.into()),
    };
    let third = f.get(&url, &date_only).await.unwrap();
    assert!(matches!(third, Fetched::NotModified { .. }), "{third:?}");
}

#[tokio::test]
async fn brotli_is_decoded() {
    let (base, _) = serve().await;
    match fetch(&loopback(), &base, "/br").await.unwrap() {
        Fetched::Body { body, .. } => assert_eq!(body, FEED.as_bytes()),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_fetched_feed_parses() {
    let (base, _) = serve().await;
    let Fetched::Body {
        body,
        content_type,
        final_url,
        ..
    } = fetch(&loopback(), &base, "/feed").await.unwrap()
    else {
        panic!("no body");
    };
    let feed = parse_feed(
        &body,
        content_type.as_deref(),
        &final_url,
        chrono::Utc::now(),
    )
    .unwrap();
    assert_eq!(feed.ttl, Some(Duration::from_secs(3600)));
    assert_eq!(
        feed.items[0].canonical_url.as_deref(),
        Some("http://example.org/a")
    );
    assert_eq!(feed.items[0].lang.as_deref(), Some("fr"));
}

#[tokio::test]
async fn server_hints_and_errors_are_typed() {
    let (base, _) = serve().await;
    let f = loopback();
    let e = fetch(&f, &base, "/unavailable").await.unwrap_err();
    assert_eq!(
        e,
        FetchError::Status {
            code: 503,
            retry_after: Some(Duration::from_secs(120))
        }
    );
    assert!(e.is_transient());
    assert_eq!(e.retry_after(), Some(Duration::from_secs(120)));
    // An HTTP date, relative to the server's own Date.
    let e = fetch(&f, &base, "/throttled").await.unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(1800)));
    assert!(e.is_transient());
    let e = fetch(&f, &base, "/gone").await.unwrap_err();
    assert!(!e.is_transient());
    assert!(e.to_string().contains("removed"), "{e}");
}

#[tokio::test]
async fn redirects_are_followed_within_limits() {
    let (base, _) = serve().await;
    let f = loopback();
    match fetch(&f, &base, "/moved").await.unwrap() {
        Fetched::Body {
            final_url,
            moved_permanently,
            ..
        } => {
            assert_eq!(final_url, base.join("/feed").unwrap());
            assert!(moved_permanently);
        }
        other => panic!("{other:?}"),
    }
    match fetch(&f, &base, "/found").await.unwrap() {
        Fetched::Body {
            moved_permanently, ..
        } => assert!(!moved_permanently),
        other => panic!("{other:?}"),
    }
    let e = fetch(&f, &base, "/loop-a").await.unwrap_err();
    assert_eq!(
        e,
        FetchError::RedirectLoop {
            url: base.join("/loop-a").unwrap().into()
        }
    );
    assert!(e.to_string().contains("loop"), "{e}");
    let e = fetch(&f, &base, "/chain/0").await.unwrap_err();
    assert!(
        matches!(e, FetchError::TooManyRedirects { max: 5, .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn loopback_is_refused_unless_allowed() {
    let (base, counters) = serve().await;
    let strict = Fetcher::new(options(AddressPolicy::default())).unwrap();
    // An IP literal: refused before any connection.
    let e = fetch(&strict, &base, "/feed").await.unwrap_err();
    match &e {
        FetchError::Blocked(b) => assert_eq!(b.kind, AddressKind::Loopback),
        other => panic!("{other:?}"),
    }
    // A name that resolves to loopback: refused by the resolver, after DNS
    // and before connecting.
    let by_name = Url::parse(&format!("http://localhost:{}/feed", base.port().unwrap())).unwrap();
    let e = strict
        .get(&by_name, &Validators::default())
        .await
        .unwrap_err();
    match &e {
        FetchError::Blocked(b) => {
            assert_eq!(b.kind, AddressKind::Loopback);
            assert_eq!(b.host, "localhost");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        counters.hits.load(Ordering::SeqCst),
        0,
        "no request arrived"
    );
    // Allowed, the same URLs are fetched.
    assert!(loopback()
        .get(&by_name, &Validators::default())
        .await
        .is_ok());
    assert_eq!(counters.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn redirects_to_private_addresses_are_refused() {
    let (base, _) = serve().await;
    let f = loopback();
    for (path, kind) in [
        ("/to-private", AddressKind::Private),
        ("/to-metadata", AddressKind::LinkLocal),
        ("/to-mapped", AddressKind::Private),
    ] {
        // These addresses are unroutable here: a connection attempt would
        // end in a connect error or the 5 s time-out, not in Blocked.
        let e = fetch(&f, &base, path).await.unwrap_err();
        match &e {
            FetchError::Blocked(b) => assert_eq!(b.kind, kind, "{path}"),
            other => panic!("{path}: {other:?}"),
        }
    }
    let e = fetch(&f, &base, "/to-private").await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "address 10.0.0.3 is private; an administrator can allow private and loopback addresses"
    );
    assert!(!e.is_transient());
    // Other schemes are refused outright.
    let e = f
        .get(
            &Url::parse("file:///etc/passwd").unwrap(),
            &Validators::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, FetchError::InvalidUrl { .. }), "{e:?}");
}

#[tokio::test]
async fn concurrency_per_host_is_limited() {
    let (base, counters) = serve().await;
    let mut o = options(AddressPolicy {
        allow_loopback: true,
        allow_private: false,
    });
    o.per_host_concurrency = 2;
    let f = Fetcher::new(o).unwrap();
    let url = base.join("/slow").unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let f = f.clone();
            let url = url.clone();
            tokio::spawn(async move { f.get(&url, &Validators::default()).await })
        })
        .collect();
    for t in tasks {
        assert!(t.await.unwrap().is_ok());
    }
    assert_eq!(counters.max_in_flight.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn hostile_bodies_are_bounded() {
    let (base, _) = serve().await;
    let mut o = options(AddressPolicy {
        allow_loopback: true,
        allow_private: false,
    });
    o.max_body_bytes = 1024 * 1024;
    o.total_timeout = Duration::from_secs(2);
    let f = Fetcher::new(o).unwrap();
    // The gzip bomb stops at the limit after decompression.
    let e = fetch(&f, &base, "/bomb").await.unwrap_err();
    assert_eq!(e, FetchError::TooLarge { limit: 1024 * 1024 });
    assert_eq!(
        e.to_string(),
        "the server sent more than 1 MB; this is not a feed relais will read (the limit is an administrator setting)"
    );
    // An endless body stops at the limit...
    let e = fetch(&f, &base, "/endless").await.unwrap_err();
    assert_eq!(e, FetchError::TooLarge { limit: 1024 * 1024 });
    // ... or at the total time-out when it trickles (16 KB every 50 ms
    // reaches 1 MB only after 3 s).
    let e = fetch(&f, &base, "/trickle").await.unwrap_err();
    assert_eq!(
        e,
        FetchError::Timeout {
            after: Duration::from_secs(2)
        }
    );
    assert!(e.is_transient());
}

#[tokio::test]
async fn wrong_content_and_encoding_are_explained() {
    let (base, _) = serve().await;
    let f = loopback();
    let Fetched::Body {
        body,
        content_type,
        final_url,
        ..
    } = fetch(&f, &base, "/page").await.unwrap()
    else {
        panic!("no body");
    };
    let e = parse_feed(
        &body,
        content_type.as_deref(),
        &final_url,
        chrono::Utc::now(),
    )
    .unwrap_err();
    let atom = base.join("/feed.atom").unwrap().to_string();
    assert_eq!(
        e,
        FeedError::HtmlPage {
            feeds: vec![atom.clone()]
        }
    );
    assert_eq!(
        e.to_string(),
        format!("this is an HTML page, not a feed; its feed seems to be at {atom}")
    );
    let Fetched::Body {
        body,
        content_type,
        final_url,
        ..
    } = fetch(&f, &base, "/latin1-broken").await.unwrap()
    else {
        panic!("no body");
    };
    let e = parse_feed(
        &body,
        content_type.as_deref(),
        &final_url,
        chrono::Utc::now(),
    )
    .unwrap_err();
    assert!(matches!(e, FeedError::InvalidUtf8 { .. }), "{e:?}");
}
