//! Bluesky's Jetstream: the repository event stream as JSON text messages.
//!
//! Read from the Jetstream README (repository `bluesky-social/jetstream`,
//! "Consuming Jetstream", read 2026-11):
//! - connect to `wss://<host>/subscribe`; query parameters
//!   `wantedCollections` (repeated, at most 100, NSIDs or `prefix.*`),
//!   `wantedDids` (at most 10,000), `maxMessageSizeBytes`, `cursor` (unix
//!   microseconds; absent or in the future means live tail), `compress`
//!   (zstd, not requested here);
//! - every event has `did`, `time_us` and `kind`: `commit` (with `commit`:
//!   `rev`, `operation` create/update/delete, `collection`, `rkey`, and for
//!   create and update `record` and `cid`), `identity` (`identity`: `did`,
//!   `handle`, `seq`, `time`) or `account` (`account`: `active`, `did`,
//!   `seq`, `time`, and `status` when inactive); a `heartbeat` event answers
//!   a client's heartbeat and has no `time_us`;
//! - "Regardless of desired collections, all subscribers receive Account and
//!   Identity events";
//! - when reconnecting, "use the `time_us` from your most recently
//!   processed event".
//!
//! Jetstream keys its events by `time_us`, so they are unique and
//! increasing on one instance: events at or before the cursor are skipped
//! (counted as duplicates) and none is delivered twice. Messages that are
//! not valid events are skipped with a warning and counted.

use super::ws::{self, Incoming, WsOptions};
use super::{
    bluesky_post_url, bounded_langs, bounded_text, parse_time, HeardPost, ListenError, ListenStats,
    POST_COLLECTION,
};
use serde::Deserialize;
use std::future::Future;
use std::ops::ControlFlow;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use url::Url;

/// Settings of a subscription.
#[derive(Debug, Clone)]
pub struct JetstreamOptions {
    /// `wantedCollections` (at most 100): `app.bsky.feed.post` by default.
    /// Empty asks for every collection.
    pub wanted_collections: Vec<String>,
    /// `wantedDids` (at most 10,000); empty for every repository.
    pub wanted_dids: Vec<String>,
    /// The largest message accepted, also sent as `maxMessageSizeBytes` so
    /// the server skips larger events. 1 MiB by default.
    pub max_message_bytes: usize,
    /// Post texts are cut to this many bytes. 10,000 by default.
    pub max_text_bytes: usize,
    pub connect_timeout: Duration,
    /// Silence after which a ping is sent, and after twice which the
    /// connection is taken as dead. 60 s by default.
    pub idle_timeout: Duration,
    pub user_agent: String,
    /// Whether loopback, private and link-local addresses may be reached
    /// (an administrator's choice; tests on loopback need it). No by
    /// default.
    pub allow_private_addresses: bool,
}

impl Default for JetstreamOptions {
    fn default() -> Self {
        JetstreamOptions {
            wanted_collections: vec![POST_COLLECTION.to_string()],
            wanted_dids: Vec::new(),
            max_message_bytes: 1024 * 1024,
            max_text_bytes: 10_000,
            connect_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            user_agent: concat!("relais/", env!("CARGO_PKG_VERSION")).to_string(),
            allow_private_addresses: false,
        }
    }
}

/// What a Jetstream event is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JetstreamKind {
    /// A record created, updated or deleted.
    Commit {
        operation: String,
        collection: String,
        rkey: String,
    },
    Identity {
        handle: Option<String>,
    },
    Account {
        active: bool,
        status: Option<String>,
    },
    /// A kind this reader does not know.
    Other(String),
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JetstreamEvent {
    /// The cursor to resume after this event.
    pub time_us: i64,
    pub did: String,
    pub kind: JetstreamKind,
    /// The post, when the event creates an `app.bsky.feed.post` record.
    pub post: Option<HeardPost>,
}

/// A subscription: one event at a time with [`Jetstream::next`].
pub struct Jetstream {
    conn: ws::Conn,
    cursor: Option<i64>,
    options: JetstreamOptions,
    stats: ListenStats,
}

impl std::fmt::Debug for Jetstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jetstream")
            .field("url", &self.conn.shown())
            .field("cursor", &self.cursor)
            .finish_non_exhaustive()
    }
}

/// The subscription address: `url` (`wss://host/subscribe`; `https` and
/// `http` are turned into `wss` and `ws`) with the query parameters of
/// `options` and the cursor, replacing any already there.
pub fn subscribe_url(
    url: &Url,
    cursor_time_us: Option<i64>,
    options: &JetstreamOptions,
) -> Result<Url, ListenError> {
    let mut out = ws::websocket_url(url)?;
    if out.path().is_empty() || out.path() == "/" {
        out.set_path("/subscribe");
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| {
            !matches!(
                k.as_ref(),
                "wantedCollections" | "wantedDids" | "cursor" | "maxMessageSizeBytes" | "compress"
            )
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    out.set_query(None);
    {
        let mut q = out.query_pairs_mut();
        for (k, v) in &kept {
            q.append_pair(k, v);
        }
        for c in &options.wanted_collections {
            q.append_pair("wantedCollections", c);
        }
        for d in &options.wanted_dids {
            q.append_pair("wantedDids", d);
        }
        q.append_pair(
            "maxMessageSizeBytes",
            &options.max_message_bytes.to_string(),
        );
        if let Some(c) = cursor_time_us {
            q.append_pair("cursor", &c.to_string());
        }
    }
    Ok(out)
}

impl Jetstream {
    /// Connects to `url` from `cursor_time_us` (exclusive; `None` for live
    /// events only).
    pub async fn connect(
        url: &Url,
        cursor_time_us: Option<i64>,
        options: &JetstreamOptions,
    ) -> Result<Jetstream, ListenError> {
        if options.wanted_collections.len() > 100 || options.wanted_dids.len() > 10_000 {
            return Err(ListenError::InvalidUrl {
                url: ws::shown(url),
                reason: "Jetstream accepts at most 100 wanted collections and 10,000 wanted DIDs"
                    .into(),
            });
        }
        let full = subscribe_url(url, cursor_time_us, options)?;
        let conn = ws::connect(
            &full,
            &WsOptions {
                // Room for the JSON envelope around the largest event the
                // server agreed to send.
                max_message_bytes: options.max_message_bytes.saturating_add(64 * 1024),
                connect_timeout: options.connect_timeout,
                idle: options.idle_timeout,
                user_agent: options.user_agent.clone(),
                allow_private: options.allow_private_addresses,
            },
        )
        .await?;
        Ok(Jetstream {
            conn,
            cursor: cursor_time_us,
            options: options.clone(),
            stats: ListenStats::default(),
        })
    }

    /// The `time_us` of the last event delivered, else the cursor connected
    /// with.
    pub fn cursor(&self) -> Option<i64> {
        self.cursor
    }

    pub fn stats(&self) -> ListenStats {
        self.stats.clone()
    }

    /// Sends a `heartbeat` message (the README's subscriber-sourced message,
    /// for keeping narrow subscriptions alive); the answer is skipped.
    pub async fn heartbeat(&mut self) -> Result<(), ListenError> {
        self.conn
            .send_text(r#"{"type":"heartbeat","payload":""}"#.to_string())
            .await
    }

    /// The next event. An error ends the subscription.
    pub async fn next(&mut self) -> Result<JetstreamEvent, ListenError> {
        let limit = self.options.max_message_bytes.saturating_add(64 * 1024);
        loop {
            let text = match self.conn.recv(limit).await? {
                Incoming::Text(t) => t,
                Incoming::Binary(b) => {
                    self.stats.frame(b.len());
                    self.malformed("a binary message (compression was not asked for)");
                    continue;
                }
            };
            self.stats.frame(text.len());
            let raw: RawEvent = match serde_json::from_str(text.as_str()) {
                Ok(r) => r,
                Err(e) => {
                    self.malformed(&format!("not a Jetstream event: {e}"));
                    continue;
                }
            };
            if raw.kind == "heartbeat" {
                continue;
            }
            let (Some(time_us), Some(did)) = (raw.time_us, raw.did.clone()) else {
                self.malformed("an event without time_us or did");
                continue;
            };
            if self.cursor.is_some_and(|c| time_us <= c) {
                self.stats.add(|c| &c.duplicates, 1);
                continue;
            }
            let event = match self.event(raw, time_us, did) {
                Ok(e) => e,
                Err(why) => {
                    self.malformed(&why);
                    continue;
                }
            };
            self.cursor = Some(time_us);
            if event.post.is_some() {
                self.stats.add(|c| &c.posts, 1);
            }
            return Ok(event);
        }
    }

    fn event(&self, raw: RawEvent, time_us: i64, did: String) -> Result<JetstreamEvent, String> {
        let (kind, post) = match raw.kind.as_str() {
            "commit" => {
                let c = raw.commit.ok_or("a commit event without commit")?;
                let post = if c.operation == "create" && c.collection == POST_COLLECTION {
                    self.post(&did, &c.rkey, c.record)
                } else {
                    None
                };
                (
                    JetstreamKind::Commit {
                        operation: c.operation,
                        collection: c.collection,
                        rkey: c.rkey,
                    },
                    post,
                )
            }
            "identity" => (
                JetstreamKind::Identity {
                    handle: raw.identity.and_then(|i| i.handle),
                },
                None,
            ),
            "account" => {
                let a = raw.account.ok_or("an account event without account")?;
                (
                    JetstreamKind::Account {
                        active: a.active,
                        status: a.status,
                    },
                    None,
                )
            }
            other => (JetstreamKind::Other(other.to_string()), None),
        };
        Ok(JetstreamEvent {
            time_us,
            did,
            kind,
            post,
        })
    }

    fn post(&self, did: &str, rkey: &str, record: Option<serde_json::Value>) -> Option<HeardPost> {
        let uri = format!("at://{did}/{POST_COLLECTION}/{rkey}");
        let record = record.and_then(|r| serde_json::from_value::<PostRecord>(r).ok());
        let Some(record) = record.filter(|r| r.kind.as_deref() == Some(POST_COLLECTION)) else {
            self.stats.add(|c| &c.skipped_records, 1);
            tracing::warn!(
                url = self.conn.shown(),
                "jetstream: skipped {uri}: no valid app.bsky.feed.post record"
            );
            return None;
        };
        let (text, cut) = bounded_text(record.text, self.options.max_text_bytes);
        if cut {
            self.stats.add(|c| &c.truncated_texts, 1);
        }
        Some(HeardPost {
            network: "bluesky",
            uri,
            url: Some(bluesky_post_url(did, rkey)),
            author: did.to_string(),
            text,
            created_at: record.created_at.as_deref().and_then(parse_time),
            langs: bounded_langs(record.langs),
        })
    }

    fn malformed(&self, reason: &str) {
        self.stats.add(|c| &c.malformed_frames, 1);
        tracing::warn!(
            url = self.conn.shown(),
            cursor = ?self.cursor,
            "jetstream: skipped a message: {reason}"
        );
    }

    pub async fn close(self) {
        self.conn.close().await;
    }
}

/// Reads Jetstream at `url` from `cursor_time_us` and calls `on_event` for
/// each event until `cancel` fires or `on_event` answers `Break` (then
/// `Ok(())`), or the stream ends (then the error: reconnect from the
/// `time_us` of the last event processed). The same contract as
/// [`super::subscribe_repos`].
pub async fn jetstream<F, Fut>(
    url: &Url,
    cursor_time_us: Option<i64>,
    options: &JetstreamOptions,
    mut on_event: F,
    cancel: &CancellationToken,
) -> Result<(), ListenError>
where
    F: FnMut(JetstreamEvent) -> Fut,
    Fut: Future<Output = ControlFlow<()>>,
{
    let mut stream = tokio::select! {
        _ = cancel.cancelled() => return Ok(()),
        s = Jetstream::connect(url, cursor_time_us, options) => s?,
    };
    loop {
        let event = tokio::select! {
            _ = cancel.cancelled() => {
                stream.close().await;
                return Ok(());
            }
            e = stream.next() => e?,
        };
        if on_event(event).await.is_break() {
            stream.close().await;
            return Ok(());
        }
    }
}

#[derive(Deserialize)]
struct RawEvent {
    #[serde(default)]
    did: Option<String>,
    #[serde(default)]
    time_us: Option<i64>,
    kind: String,
    #[serde(default)]
    commit: Option<RawCommit>,
    #[serde(default)]
    identity: Option<RawIdentity>,
    #[serde(default)]
    account: Option<RawAccount>,
}

#[derive(Deserialize)]
struct RawCommit {
    operation: String,
    collection: String,
    rkey: String,
    #[serde(default)]
    record: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawIdentity {
    #[serde(default)]
    handle: Option<String>,
}

#[derive(Deserialize)]
struct RawAccount {
    active: bool,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
struct PostRecord {
    #[serde(rename = "$type", default)]
    kind: Option<String>,
    text: String,
    #[serde(rename = "createdAt", default)]
    created_at: Option<String>,
    #[serde(default)]
    langs: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscribe_urls_carry_the_filters_and_cursor() {
        let base = Url::parse("https://jetstream.example/subscribe?compress=true&x=1")
            .unwrap_or_else(|_| Url::parse("https://x.invalid").unwrap_or_else(|_| unreachable!()));
        let opts = JetstreamOptions {
            wanted_dids: vec!["did:plc:a".into()],
            max_message_bytes: 1000,
            ..JetstreamOptions::default()
        };
        let u = subscribe_url(&base, Some(1725519626134432), &opts).map(|u| u.to_string());
        assert_eq!(
            u.as_deref(),
            Ok("wss://jetstream.example/subscribe?x=1&wantedCollections=app.bsky.feed.post&wantedDids=did%3Aplc%3Aa&maxMessageSizeBytes=1000&cursor=1725519626134432")
        );
        let bare = Url::parse("ws://127.0.0.1:6008").unwrap_or_else(|_| unreachable!());
        let u = subscribe_url(&bare, None, &JetstreamOptions::default()).map(|u| u.to_string());
        assert_eq!(
            u.as_deref(),
            Ok("ws://127.0.0.1:6008/subscribe?wantedCollections=app.bsky.feed.post&maxMessageSizeBytes=1048576")
        );
    }
}
