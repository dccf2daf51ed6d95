//! Listening: reading what is said on the networks, for veille (monitoring).
//!
//! Three sources, one item type ([`HeardPost`]) and one error type
//! ([`ListenError`]):
//! - [`firehose`]: the AT Protocol repository event stream
//!   `com.atproto.sync.subscribeRepos` of a PDS or a relay (DAG-CBOR frames
//!   over a WebSocket, records inside CAR blocks), resumable by `seq` cursor;
//! - [`jetstream`]: Bluesky's Jetstream, the same events as JSON, resumable by
//!   a `time_us` cursor;
//! - [`mastodon`]: the hashtag and public timelines of a Mastodon instance,
//!   polled page by page from the last status id seen.
//!
//! The two streams are long-lived: [`firehose::Firehose`] and
//! [`jetstream::Jetstream`] give one event at a time (`next().await`), and
//! [`subscribe_repos`] / [`jetstream()`] drive them with a callback until a
//! cancellation token fires. Both end with an `Err` when the connection ends
//! for any other reason, so the caller reconnects from the last cursor it
//! processed after a back-off ([`ListenError::is_transient`],
//! [`ListenError::retry_after`]).
//!
//! A worker's loop around a stream, resuming from the last event it stored:
//!
//! ```no_run
//! # async fn run(service: url::Url, mut cursor: Option<i64>, cancel: tokio_util::sync::CancellationToken) {
//! use relais_connect::listen::{subscribe_repos, FirehoseOptions};
//! use std::ops::ControlFlow;
//! let options = FirehoseOptions::default();
//! let mut backoff = std::time::Duration::from_secs(1);
//! while !cancel.is_cancelled() {
//!     let stored = std::sync::Arc::new(std::sync::Mutex::new(cursor));
//!     let seen = stored.clone();
//!     let result = subscribe_repos(&service, cursor, &options, move |event| {
//!         let seen = seen.clone();
//!         async move {
//!             // Store event.posts, then the cursor, in one transaction.
//!             *seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(event.seq);
//!             ControlFlow::Continue(())
//!         }
//!     }, &cancel).await;
//!     cursor = *stored.lock().unwrap_or_else(|p| p.into_inner());
//!     match result {
//!         Ok(()) => break,
//!         Err(e) if e.is_transient() => {
//!             tokio::time::sleep(e.retry_after().unwrap_or(backoff)).await;
//!             backoff = (backoff * 2).min(std::time::Duration::from_secs(300));
//!         }
//!         Err(e) => { eprintln!("{e}"); break; } // tell the user
//!     }
//! }
//! # }
//! ```
//!
//! Sources are addresses typed by users: unless allowed
//! (`allow_private_addresses`, [`HttpClient::new`]), loopback, private and
//! link-local addresses are refused ([`ListenError::Forbidden`]), whether
//! written as IP addresses or reached through a name or a redirect.
//!
//! Everything a server sends is bounded: frame and message sizes, the CAR
//! file of a commit, the text of a post, the number of languages. A frame or
//! record that cannot be decoded is skipped with a `tracing` warning and
//! counted in [`ListenStats`]; nothing panics.

use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub mod firehose;
mod guard;
pub mod jetstream;
pub mod mastodon;
mod ws;

pub use firehose::{subscribe_repos, Firehose, FirehoseEvent, FirehoseKind, FirehoseOptions};
pub use guard::{is_public, HttpClient};
pub use jetstream::{jetstream, Jetstream, JetstreamEvent, JetstreamKind, JetstreamOptions};
pub use mastodon::{mastodon_hashtag, mastodon_public, Page};

/// The collection of Bluesky posts.
pub const POST_COLLECTION: &str = "app.bsky.feed.post";

/// One post heard on a network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeardPost {
    /// `"bluesky"` or `"mastodon"`.
    pub network: &'static str,
    /// `at://<did>/app.bsky.feed.post/<rkey>`, or the status URI (its
    /// ActivityPub id, the same on every instance).
    pub uri: String,
    /// A web address a person can open: `https://bsky.app/profile/<did>/post/<rkey>`,
    /// or the status `url`.
    pub url: Option<String>,
    /// The author's DID on Bluesky; `acct` on Mastodon (`user` for a local
    /// account, `user@domain` for a remote one).
    pub author: String,
    /// Plain text (Mastodon HTML converted; a content warning comes first,
    /// then a blank line). At most the configured number of bytes.
    pub text: String,
    /// When the author says the post was written (`createdAt`, `created_at`).
    pub created_at: Option<DateTime<Utc>>,
    /// BCP 47 tags the author gave (`langs` on Bluesky, `language` on Mastodon).
    pub langs: Vec<String>,
}

/// The web address of a Bluesky post.
pub fn bluesky_post_url(did: &str, rkey: &str) -> String {
    format!("https://bsky.app/profile/{did}/post/{rkey}")
}

/// Why listening failed. `Display` says what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListenError {
    /// The address cannot be used as given.
    #[error("invalid address {url}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The address is not a public one (loopback, private, link-local…)
    /// and private addresses are not allowed.
    #[error("{url} is refused: {reason}; an administrator can allow private addresses")]
    Forbidden { url: String, reason: String },
    /// No connection could be made (refused, name not resolved, TLS failure,
    /// time-out while connecting). Try again later.
    #[error("cannot connect to {url}: {reason}; the service may be down, retry later")]
    Connect { url: String, reason: String },
    /// The server answered with an HTTP error instead of the stream or page.
    #[error("{url} answered HTTP {status}{}{}", detail_suffix(detail), retry_suffix(*retry_after))]
    Http {
        url: String,
        status: u16,
        detail: String,
        retry_after: Option<Duration>,
    },
    /// The server refused the credentials (401/403): a token is missing or
    /// no longer valid.
    #[error("{url} refused access (HTTP {status}): {detail}; reconnect the account or give a token with read:statuses")]
    Auth {
        url: String,
        status: u16,
        detail: String,
    },
    /// Too many requests: wait `retry_after` (when the server said) before the
    /// next one.
    #[error("{url} is rate-limiting us (HTTP {status}){}", retry_suffix(*retry_after))]
    RateLimited {
        url: String,
        status: u16,
        retry_after: Option<Duration>,
    },
    /// The stream sent an error frame (`FutureCursor`, `ConsumerTooSlow`, …).
    #[error("the stream sent error {error}{}{}", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default(), stream_hint(error))]
    Stream {
        error: String,
        message: Option<String>,
    },
    /// The connection ended (closed by the server, reset, or silent for too
    /// long). Reconnect from the last cursor processed.
    #[error("the stream from {url} ended: {reason}; reconnect from the last cursor")]
    Closed { url: String, reason: String },
    /// A message was larger than the configured limit.
    #[error("a message from {url} has more than {limit} bytes; the server misbehaves, or raise the limit")]
    TooLarge { url: String, limit: usize },
    /// The answer was not what the protocol describes (not JSON, wrong
    /// shape).
    #[error("unexpected answer from {url}: {reason}")]
    BadAnswer { url: String, reason: String },
    /// The request left but no complete answer came back (reset, time-out).
    #[error("no complete answer from {url}: {reason}; retry later")]
    Transport { url: String, reason: String },
}

fn detail_suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

fn retry_suffix(after: Option<Duration>) -> String {
    match after {
        Some(d) => format!("; retry in {} s", d.as_secs().max(1)),
        None => String::new(),
    }
}

fn stream_hint(error: &str) -> &'static str {
    match error {
        "FutureCursor" => {
            "; the cursor is ahead of the server (its sequence was reset?): subscribe again without a cursor, accepting a gap"
        }
        "ConsumerTooSlow" => "; we read too slowly: reconnect from the last cursor",
        _ => "",
    }
}

impl ListenError {
    /// Whether trying again later (after [`Self::retry_after`], or a
    /// back-off) may work. Not transient: a bad address, refused
    /// credentials, a future cursor, an HTTP 4xx other than 408/425/429,
    /// 501 Not Implemented.
    pub fn is_transient(&self) -> bool {
        match self {
            ListenError::InvalidUrl { .. }
            | ListenError::Auth { .. }
            | ListenError::Forbidden { .. } => false,
            ListenError::TooLarge { .. } | ListenError::BadAnswer { .. } => false,
            ListenError::Connect { .. }
            | ListenError::Closed { .. }
            | ListenError::Transport { .. }
            | ListenError::RateLimited { .. } => true,
            ListenError::Http { status, .. } => {
                matches!(status, 408 | 425 | 429 | 500 | 502..=599)
            }
            ListenError::Stream { error, .. } => error != "FutureCursor",
        }
    }

    /// How long the server asked us to wait, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ListenError::Http { retry_after, .. }
            | ListenError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Counters of one subscription, shared with clones (read them while the
/// stream runs).
#[derive(Debug, Clone, Default)]
pub struct ListenStats(Arc<Counters>);

#[derive(Debug, Default)]
struct Counters {
    frames: AtomicU64,
    bytes: AtomicU64,
    posts: AtomicU64,
    malformed_frames: AtomicU64,
    skipped_records: AtomicU64,
    truncated_texts: AtomicU64,
    duplicates: AtomicU64,
}

/// A snapshot of [`ListenStats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListenCounts {
    /// Messages received (frames of the firehose, JSON messages of Jetstream).
    pub frames: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Posts delivered.
    pub posts: u64,
    /// Messages that could not be decoded, skipped.
    pub malformed_frames: u64,
    /// Records of decodable messages skipped: undecodable, missing from the
    /// CAR, hash mismatch, a CAR over the size limit.
    pub skipped_records: u64,
    /// Post texts cut at the size limit.
    pub truncated_texts: u64,
    /// Events at or before the cursor (already seen), skipped.
    pub duplicates: u64,
}

impl ListenStats {
    pub fn snapshot(&self) -> ListenCounts {
        let c = &self.0;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        ListenCounts {
            frames: get(&c.frames),
            bytes: get(&c.bytes),
            posts: get(&c.posts),
            malformed_frames: get(&c.malformed_frames),
            skipped_records: get(&c.skipped_records),
            truncated_texts: get(&c.truncated_texts),
            duplicates: get(&c.duplicates),
        }
    }

    fn frame(&self, bytes: usize) {
        self.0.frames.fetch_add(1, Ordering::Relaxed);
        self.0.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    fn add(&self, which: fn(&Counters) -> &AtomicU64, n: u64) {
        which(&self.0).fetch_add(n, Ordering::Relaxed);
    }
}

/// `text` cut to at most `max` bytes at a character boundary; whether it
/// was cut.
pub(crate) fn bounded_text(mut text: String, max: usize) -> (String, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    (text, true)
}

/// At most `MAX_LANGS` language tags of at most 35 bytes (BCP 47's longest
/// usual form), the others dropped.
pub(crate) fn bounded_langs(langs: impl IntoIterator<Item = String>) -> Vec<String> {
    const MAX_LANGS: usize = 8;
    langs
        .into_iter()
        .filter(|l| !l.is_empty() && l.len() <= 35)
        .take(MAX_LANGS)
        .collect()
}

pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_cut_at_character_boundaries() {
        assert_eq!(bounded_text("été".into(), 10), ("été".into(), false));
        assert_eq!(bounded_text("été".into(), 2), ("é".into(), true));
        assert_eq!(bounded_text("été".into(), 1), ("".into(), true));
        assert_eq!(bounded_text("abc".into(), 3), ("abc".into(), false));
    }

    #[test]
    fn errors_are_classified_and_actionable() {
        let e = ListenError::Stream {
            error: "FutureCursor".into(),
            message: Some("Cursor in the future.".into()),
        };
        assert!(!e.is_transient());
        assert!(e.to_string().contains("without a cursor"), "{e}");
        let e = ListenError::Stream {
            error: "ConsumerTooSlow".into(),
            message: None,
        };
        assert!(e.is_transient());
        let e = ListenError::RateLimited {
            url: "https://m.example".into(),
            status: 429,
            retry_after: Some(Duration::from_secs(30)),
        };
        assert!(e.is_transient());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
        assert!(e.to_string().contains("retry in 30 s"), "{e}");
        for (status, transient) in [(400, false), (404, false), (501, false), (503, true)] {
            let e = ListenError::Http {
                url: "x".into(),
                status,
                detail: String::new(),
                retry_after: None,
            };
            assert_eq!(e.is_transient(), transient, "{status}");
        }
    }
}
