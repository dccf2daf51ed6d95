//! The AT Protocol repository event stream, `com.atproto.sync.subscribeRepos`,
//! of a PDS or a relay: the posts created in every repository it hosts or
//! relays.
//!
//! Read from the specifications (atproto.com, repository
//! `bluesky-social/atproto-website`, read 2026-11):
//! - "Event Stream": each binary WebSocket frame is two concatenated DAG-CBOR
//!   objects, a header `{op, t}` and a payload. `op = 1` is a message of type
//!   `t` (`#commit`, `#identity`, `#account`, `#sync`, `#info`, …); `op = -1`
//!   an error `{error, message?}` after which the server closes. Unknown `op`
//!   or `t` are ignored. Sequence numbers increase; a `cursor` of 0 replays
//!   the whole backfill window, a cursor inside the window replays from it, an
//!   older one starts at the oldest event after an `#info` `OutdatedCursor`,
//!   a cursor "in the future" gets the `FutureCursor` error.
//! - The lexicon `com.atproto.sync.subscribeRepos` (repository
//!   `bluesky-social/atproto`, `lexicons/`): a `#commit` has `seq`, `repo`
//!   (DID), `ops` (`action` create/update/delete, `path`
//!   `collection/rkey`, `cid` of the new record) and `blocks`, a CAR file
//!   (at most 1,000,000 bytes) holding the new records among other blocks;
//!   at most 200 ops.
//! - "Repository" and the CAR v1 format: a varint-prefixed DAG-CBOR header,
//!   then varint-prefixed sections of a CID and the block's bytes. Record
//!   CIDs are CIDv1, DAG-CBOR, SHA-256.
//!
//! Each `#commit` becomes one [`FirehoseEvent`] with the created
//! `app.bsky.feed.post` records decoded (`text`, `createdAt`, `langs`);
//! `#identity`, `#account`, `#sync` and the older `#handle`, `#tombstone`
//! and `#migrate` become events without posts, so the cursor advances past
//! them too. `#info` frames carry no `seq`: they are logged.
//!
//! Resumption: pass the `seq` of the last event processed as the cursor.
//! Events at or before the cursor are skipped (counted as duplicates), so
//! an event is never delivered twice, whether the server replays from
//! `seq > cursor` or `seq >= cursor` (the specification says the latter).
//!
//! Where this deviates from the specification: it says a frame with
//! invalid DAG-CBOR should drop the connection. Reconnecting from the same
//! cursor would receive the same frame again, forever; so such frames are
//! skipped with a warning and counted ([`ListenCounts::malformed_frames`])
//! and the stream goes on. A record that cannot be decoded, is missing from
//! the CAR, or whose bytes do not hash to its CID is skipped the same way
//! (`skipped_records`), and its event is still delivered.

use super::ws::{self, Incoming, WsOptions};
#[cfg(doc)]
use super::ListenCounts;
use super::{
    bluesky_post_url, bounded_langs, bounded_text, parse_time, HeardPost, ListenError, ListenStats,
    POST_COLLECTION,
};
use ipld_core::cid::Cid;
use serde::Deserialize;
use sha2::Digest;
use std::collections::HashMap;
use std::future::Future;
use std::ops::ControlFlow;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use url::Url;

const NSID: &str = "com.atproto.sync.subscribeRepos";
/// Multicodec of SHA-256 multihashes.
const SHA2_256: u64 = 0x12;

/// Limits and time-outs of a subscription.
#[derive(Debug, Clone)]
pub struct FirehoseOptions {
    /// The largest frame accepted; a larger one ends the stream with
    /// [`ListenError::TooLarge`]. 4 MiB by default: the specification asks
    /// servers to keep frames "around a couple megabytes".
    pub max_frame_bytes: usize,
    /// The largest `blocks` CAR of a commit whose posts are decoded; the
    /// posts of a larger one are skipped (counted). 2 MiB by default (the
    /// lexicon allows 1,000,000 bytes).
    pub max_car_bytes: usize,
    /// The most ops of a commit whose posts are decoded (the lexicon allows
    /// 200). 1,000 by default.
    pub max_ops: usize,
    /// Post texts are cut to this many bytes (Bluesky allows 3,000). 10,000
    /// by default.
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

impl Default for FirehoseOptions {
    fn default() -> Self {
        FirehoseOptions {
            max_frame_bytes: 4 * 1024 * 1024,
            max_car_bytes: 2 * 1024 * 1024,
            max_ops: 1000,
            max_text_bytes: 10_000,
            connect_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            user_agent: concat!("relais/", env!("CARGO_PKG_VERSION")).to_string(),
            allow_private_addresses: false,
        }
    }
}

/// The message type of a frame that carries a `seq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirehoseKind {
    Commit,
    Identity,
    Account,
    Sync,
    /// Deprecated types still in the lexicon: `#handle`, `#tombstone`,
    /// `#migrate`; or a newer type with a `seq` (its `t`, without `#`).
    Other(String),
}

/// One sequenced frame of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirehoseEvent {
    /// The cursor to resume after this event.
    pub seq: i64,
    pub kind: FirehoseKind,
    /// The repository (DID) the event is about, when the frame names one.
    pub repo: Option<String>,
    /// The `app.bsky.feed.post` records this commit created, in op order
    /// (empty for other frames and other collections).
    pub posts: Vec<HeardPost>,
    /// Creations of posts in this commit that were skipped (see the module
    /// documentation), or whose data was not sent (`tooBig` commits).
    pub skipped: usize,
}

/// A subscription: one event at a time with [`Firehose::next`].
pub struct Firehose {
    conn: ws::Conn,
    cursor: Option<i64>,
    options: FirehoseOptions,
    stats: ListenStats,
}

impl std::fmt::Debug for Firehose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Firehose")
            .field("url", &self.conn.shown())
            .field("cursor", &self.cursor)
            .finish_non_exhaustive()
    }
}

/// The stream address of a service: `https://pds.example` becomes
/// `wss://pds.example/xrpc/com.atproto.sync.subscribeRepos?cursor=N`. An
/// address already ending in the method name is kept.
pub fn stream_url(service: &Url, cursor: Option<i64>) -> Result<Url, ListenError> {
    let mut url = ws::websocket_url(service)?;
    if !url.path().ends_with(NSID) {
        let base = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{base}/xrpc/{NSID}"));
    }
    url.set_query(None);
    if let Some(c) = cursor {
        url.query_pairs_mut().append_pair("cursor", &c.to_string());
    }
    Ok(url)
}

impl Firehose {
    /// Connects to the firehose of `service` (the `http(s)` or `ws(s)` base
    /// address of a PDS or relay), from `cursor` (exclusive; `Some(0)` for
    /// the whole backfill window, `None` for live events only).
    pub async fn connect(
        service: &Url,
        cursor: Option<i64>,
        options: &FirehoseOptions,
    ) -> Result<Firehose, ListenError> {
        let url = stream_url(service, cursor)?;
        let conn = ws::connect(
            &url,
            &WsOptions {
                max_message_bytes: options.max_frame_bytes,
                connect_timeout: options.connect_timeout,
                idle: options.idle_timeout,
                user_agent: options.user_agent.clone(),
                allow_private: options.allow_private_addresses,
            },
        )
        .await?;
        Ok(Firehose {
            conn,
            cursor,
            options: options.clone(),
            stats: ListenStats::default(),
        })
    }

    /// The `seq` of the last event delivered, else the cursor connected with.
    pub fn cursor(&self) -> Option<i64> {
        self.cursor
    }

    /// Counters of this subscription (a handle that stays valid).
    pub fn stats(&self) -> ListenStats {
        self.stats.clone()
    }

    /// The next event. An error ends the subscription: an error frame
    /// ([`ListenError::Stream`]), the connection closing or going silent
    /// ([`ListenError::Closed`]), a frame over the limit.
    pub async fn next(&mut self) -> Result<FirehoseEvent, ListenError> {
        loop {
            let bytes = match self.conn.recv(self.options.max_frame_bytes).await? {
                Incoming::Binary(b) => b,
                Incoming::Text(t) => {
                    self.stats.frame(t.len());
                    self.malformed("a text frame (the stream sends binary DAG-CBOR)");
                    continue;
                }
            };
            self.stats.frame(bytes.len());
            let frame = match decode_frame(&bytes) {
                Ok(f) => f,
                Err(reason) => {
                    self.malformed(&reason);
                    continue;
                }
            };
            match frame {
                Frame::Error { error, message } => {
                    return Err(ListenError::Stream { error, message });
                }
                Frame::Info { name, message } => {
                    if name == "OutdatedCursor" {
                        tracing::warn!(
                            url = self.conn.shown(),
                            cursor = ?self.cursor,
                            "firehose: the cursor is older than the server's backfill window; events between were lost: {}",
                            message.unwrap_or_default()
                        );
                    } else {
                        tracing::info!(url = self.conn.shown(), %name, "firehose info: {}", message.unwrap_or_default());
                    }
                }
                Frame::Ignored => {}
                Frame::Event {
                    seq,
                    kind,
                    repo,
                    commit,
                } => {
                    if self.cursor.is_some_and(|c| seq <= c) {
                        self.stats.add(|c| &c.duplicates, 1);
                        continue;
                    }
                    let (posts, skipped) = match commit {
                        Some(commit) => self.posts_of(commit).await,
                        None => (Vec::new(), 0),
                    };
                    self.cursor = Some(seq);
                    self.stats.add(|c| &c.posts, posts.len() as u64);
                    self.stats.add(|c| &c.skipped_records, skipped as u64);
                    return Ok(FirehoseEvent {
                        seq,
                        kind,
                        repo,
                        posts,
                        skipped,
                    });
                }
            }
        }
    }

    fn malformed(&self, reason: &str) {
        self.stats.add(|c| &c.malformed_frames, 1);
        tracing::warn!(
            url = self.conn.shown(),
            cursor = ?self.cursor,
            "firehose: skipped a malformed frame: {reason}"
        );
    }

    /// The created posts of a commit, and how many creations were skipped.
    async fn posts_of(&self, commit: CommitBody) -> (Vec<HeardPost>, usize) {
        let wanted: Vec<(&str, Cid)> = commit
            .ops
            .iter()
            .filter(|op| op.action == "create")
            .filter_map(|op| {
                let rkey = op.path.strip_prefix(POST_COLLECTION)?.strip_prefix('/')?;
                Some((rkey, op.cid?))
            })
            .collect();
        if wanted.is_empty() {
            return (Vec::new(), 0);
        }
        let skip_all = |why: &str| {
            tracing::warn!(
                url = self.conn.shown(),
                seq = commit.seq,
                repo = %commit.repo,
                "firehose: skipped {} post(s) of a commit: {why}",
                wanted.len()
            );
            (Vec::new(), wanted.len())
        };
        if commit.too_big {
            return skip_all("the commit is marked tooBig (its blocks were not sent)");
        }
        if commit.ops.len() > self.options.max_ops {
            return skip_all(&format!(
                "{} ops, over the limit of {}",
                commit.ops.len(),
                self.options.max_ops
            ));
        }
        if commit.blocks.len() > self.options.max_car_bytes {
            return skip_all(&format!(
                "its CAR has {} bytes, over the limit of {}",
                commit.blocks.len(),
                self.options.max_car_bytes
            ));
        }
        let blocks = match car_blocks(&commit.blocks, &wanted).await {
            Ok(b) => b,
            Err(e) => return skip_all(&format!("unreadable CAR: {e}")),
        };
        let mut posts = Vec::with_capacity(wanted.len());
        let mut skipped = 0;
        for (rkey, cid) in &wanted {
            match blocks
                .get(cid)
                .ok_or_else(|| "its block is not in the CAR".to_string())
                .and_then(|bytes| decode_post(&commit.repo, rkey, cid, bytes))
            {
                Ok(record) => {
                    let (text, cut) = bounded_text(record.text, self.options.max_text_bytes);
                    if cut {
                        self.stats.add(|c| &c.truncated_texts, 1);
                    }
                    posts.push(HeardPost {
                        network: "bluesky",
                        uri: format!("at://{}/{POST_COLLECTION}/{rkey}", commit.repo),
                        url: Some(bluesky_post_url(&commit.repo, rkey)),
                        author: commit.repo.clone(),
                        text,
                        created_at: record.created_at.as_deref().and_then(parse_time),
                        langs: bounded_langs(record.langs),
                    });
                }
                Err(why) => {
                    skipped += 1;
                    tracing::warn!(
                        url = self.conn.shown(),
                        seq = commit.seq,
                        "firehose: skipped the post at://{}/{POST_COLLECTION}/{rkey}: {why}",
                        commit.repo
                    );
                }
            }
        }
        (posts, skipped)
    }

    /// Closes the connection politely.
    pub async fn close(self) {
        self.conn.close().await;
    }
}

/// Reads the firehose of `service` from `cursor` and calls `on_event` for
/// each event, in order, until `cancel` fires or `on_event` answers
/// `Break` (then `Ok(())`), or the stream ends (then the error: reconnect
/// from the `seq` of the last event you processed, after
/// [`ListenError::retry_after`] or a back-off when
/// [`ListenError::is_transient`]).
///
/// `on_event` returns a future, so it can store the posts before the next
/// event is read; the stream is not read meanwhile (back-pressure: a
/// consumer too slow for the server gets `ConsumerTooSlow`).
pub async fn subscribe_repos<F, Fut>(
    service: &Url,
    cursor: Option<i64>,
    options: &FirehoseOptions,
    mut on_event: F,
    cancel: &CancellationToken,
) -> Result<(), ListenError>
where
    F: FnMut(FirehoseEvent) -> Fut,
    Fut: Future<Output = ControlFlow<()>>,
{
    let mut firehose = tokio::select! {
        _ = cancel.cancelled() => return Ok(()),
        f = Firehose::connect(service, cursor, options) => f?,
    };
    loop {
        let event = tokio::select! {
            _ = cancel.cancelled() => {
                firehose.close().await;
                return Ok(());
            }
            e = firehose.next() => e?,
        };
        if on_event(event).await.is_break() {
            firehose.close().await;
            return Ok(());
        }
    }
}

// ---- decoding ---------------------------------------------------------

#[derive(Deserialize)]
struct Header {
    op: i64,
    #[serde(default)]
    t: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct InfoBody {
    name: String,
    #[serde(default)]
    message: Option<String>,
}

/// The fields of any sequenced frame that this reader uses.
#[derive(Deserialize)]
struct SeqBody {
    seq: i64,
    #[serde(default)]
    did: Option<String>,
}

#[derive(Deserialize)]
struct CommitBody {
    seq: i64,
    repo: String,
    #[serde(default, rename = "tooBig")]
    too_big: bool,
    #[serde(default)]
    blocks: serde_bytes::ByteBuf,
    #[serde(default)]
    ops: Vec<RepoOp>,
}

#[derive(Deserialize)]
struct RepoOp {
    action: String,
    path: String,
    #[serde(default)]
    cid: Option<Cid>,
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

enum Frame {
    Error {
        error: String,
        message: Option<String>,
    },
    Info {
        name: String,
        message: Option<String>,
    },
    Event {
        seq: i64,
        kind: FirehoseKind,
        repo: Option<String>,
        commit: Option<CommitBody>,
    },
    /// An unknown `op`, or a type without a `seq`.
    Ignored,
}

/// Decodes one frame: the header, then the payload the header announces.
fn decode_frame(bytes: &[u8]) -> Result<Frame, String> {
    let mut reader = std::io::Cursor::new(bytes);
    let header: Header = serde_ipld_dagcbor::de::from_reader_once(&mut reader)
        .map_err(|e| format!("bad header: {e}"))?;
    let at = usize::try_from(reader.position()).unwrap_or(bytes.len());
    let payload = bytes.get(at..).unwrap_or_default();
    let body_err = |t: &str, e: &dyn std::fmt::Display| format!("bad {t} payload: {e}");
    match header.op {
        -1 => {
            let e: ErrorBody =
                serde_ipld_dagcbor::from_slice(payload).map_err(|e| body_err("error", &e))?;
            Ok(Frame::Error {
                error: e.error,
                message: e.message,
            })
        }
        1 => {
            let t = header.t.ok_or("a message header without a type")?;
            match t.as_str() {
                "#commit" => {
                    let c: CommitBody =
                        serde_ipld_dagcbor::from_slice(payload).map_err(|e| body_err(&t, &e))?;
                    Ok(Frame::Event {
                        seq: c.seq,
                        kind: FirehoseKind::Commit,
                        repo: Some(c.repo.clone()),
                        commit: Some(c),
                    })
                }
                "#info" => {
                    let i: InfoBody =
                        serde_ipld_dagcbor::from_slice(payload).map_err(|e| body_err(&t, &e))?;
                    Ok(Frame::Info {
                        name: i.name,
                        message: i.message,
                    })
                }
                _ => {
                    let kind = match t.as_str() {
                        "#identity" => FirehoseKind::Identity,
                        "#account" => FirehoseKind::Account,
                        "#sync" => FirehoseKind::Sync,
                        other => FirehoseKind::Other(other.trim_start_matches('#').to_string()),
                    };
                    // A type this reader does not know and without a `seq`
                    // is ignored, as the specification asks.
                    match serde_ipld_dagcbor::from_slice::<SeqBody>(payload) {
                        Ok(b) => Ok(Frame::Event {
                            seq: b.seq,
                            kind,
                            repo: b.did,
                            commit: None,
                        }),
                        Err(e) if matches!(kind, FirehoseKind::Other(_)) => {
                            tracing::debug!("firehose: ignored a {t} frame: {e}");
                            Ok(Frame::Ignored)
                        }
                        Err(e) => Err(body_err(&t, &e)),
                    }
                }
            }
        }
        _ => Ok(Frame::Ignored),
    }
}

/// The blocks of `car` whose CIDs are wanted.
async fn car_blocks(
    car: &[u8],
    wanted: &[(&str, Cid)],
) -> Result<HashMap<Cid, Vec<u8>>, iroh_car::Error> {
    let mut reader = iroh_car::CarReader::new(car).await?;
    let mut found = HashMap::new();
    while let Some((cid, data)) = reader.next_block().await? {
        if wanted.iter().any(|(_, w)| *w == cid) {
            found.insert(cid, data);
        }
    }
    Ok(found)
}

/// A post record from its block, checked against its CID.
fn decode_post(repo: &str, rkey: &str, cid: &Cid, bytes: &[u8]) -> Result<PostRecord, String> {
    let hash = cid.hash();
    if hash.code() != SHA2_256 {
        return Err(format!(
            "its CID uses hash 0x{:x}, not SHA-256",
            hash.code()
        ));
    }
    if hash.digest() != sha2::Sha256::digest(bytes).as_slice() {
        return Err("its bytes do not match its CID".into());
    }
    let record: PostRecord =
        serde_ipld_dagcbor::from_slice(bytes).map_err(|e| format!("undecodable record: {e}"))?;
    match record.kind.as_deref() {
        Some(POST_COLLECTION) => Ok(record),
        other => Err(format!(
            "at://{repo}/{POST_COLLECTION}/{rkey} has $type {other:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct H<'a> {
        op: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        t: Option<&'a str>,
    }

    fn frame<B: Serialize>(op: i64, t: Option<&str>, body: &B) -> Vec<u8> {
        let mut out = serde_ipld_dagcbor::to_vec(&H { op, t }).unwrap_or_default();
        out.extend(serde_ipld_dagcbor::to_vec(body).unwrap_or_default());
        out
    }

    #[test]
    fn error_info_and_unknown_frames() {
        let mut e = BTreeMap::new();
        e.insert("error", "FutureCursor");
        e.insert("message", "Cursor in the future.");
        match decode_frame(&frame(-1, None, &e)) {
            Ok(Frame::Error { error, message }) => {
                assert_eq!(error, "FutureCursor");
                assert_eq!(message.as_deref(), Some("Cursor in the future."));
            }
            _ => panic!("not an error frame"),
        }
        let mut i = BTreeMap::new();
        i.insert("name", "OutdatedCursor");
        assert!(matches!(
            decode_frame(&frame(1, Some("#info"), &i)),
            Ok(Frame::Info { name, .. }) if name == "OutdatedCursor"
        ));
        // Unknown op: ignored; unknown type with a seq: an event.
        assert!(matches!(
            decode_frame(&frame(2, Some("#x"), &i)),
            Ok(Frame::Ignored)
        ));
        let mut s = BTreeMap::new();
        s.insert("seq", 7i64);
        assert!(matches!(
            decode_frame(&frame(1, Some("#labels"), &s)),
            Ok(Frame::Event { seq: 7, kind: FirehoseKind::Other(k), .. }) if k == "labels"
        ));
        assert!(matches!(
            decode_frame(&frame(1, Some("#labels"), &i)),
            Ok(Frame::Ignored)
        ));
    }

    #[test]
    fn malformed_frames_are_errors_not_panics() {
        let mut s = BTreeMap::new();
        s.insert("seq", 7i64);
        let good = frame(1, Some("#identity"), &s);
        let cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            vec![0xff],
            good[..good.len() - 1].to_vec(),
            [good.clone(), vec![0x00]].concat(),
            frame(1, None, &s),
            frame(1, Some("#commit"), &s),
            // A map nested far deeper than any real frame.
            [[0xa1, 0x61, b'a'].repeat(10_000), vec![0x00]].concat(),
        ];
        for (n, bytes) in cases.iter().enumerate() {
            assert!(decode_frame(bytes).is_err(), "case {n}");
        }
        assert!(decode_frame(&good).is_ok());
    }

    #[test]
    fn records_must_hash_to_their_cid() {
        let mut rec = BTreeMap::new();
        rec.insert("$type", "app.bsky.feed.post");
        rec.insert("text", "bonjour");
        let bytes = serde_ipld_dagcbor::to_vec(&rec).unwrap_or_default();
        let digest = sha2::Sha256::digest(&bytes);
        let mh =
            ipld_core::cid::multihash::Multihash::<64>::wrap(SHA2_256, &digest).unwrap_or_default();
        let cid = Cid::new_v1(0x71, mh);
        let ok = decode_post("did:x", "k", &cid, &bytes);
        assert_eq!(ok.map(|r| r.text).ok().as_deref(), Some("bonjour"));
        let mut other = bytes.clone();
        if let Some(last) = other.last_mut() {
            *last ^= 1;
        }
        assert!(decode_post("did:x", "k", &cid, &other).is_err());
        rec.insert("$type", "app.bsky.feed.like");
        let like = serde_ipld_dagcbor::to_vec(&rec).unwrap_or_default();
        let mh = ipld_core::cid::multihash::Multihash::<64>::wrap(
            SHA2_256,
            &sha2::Sha256::digest(&like),
        )
        .unwrap_or_default();
        assert!(decode_post("did:x", "k", &Cid::new_v1(0x71, mh), &like).is_err());
    }

    #[test]
    fn stream_urls() {
        let u = |s: &str, c| {
            Url::parse(s)
                .map_err(|e| e.to_string())
                .and_then(|u| stream_url(&u, c).map_err(|e| e.to_string()))
                .map(|u| u.to_string())
        };
        assert_eq!(
            u("https://pds.example", None).as_deref(),
            Ok("wss://pds.example/xrpc/com.atproto.sync.subscribeRepos")
        );
        assert_eq!(
            u("http://localhost:2583/", Some(0)).as_deref(),
            Ok("ws://localhost:2583/xrpc/com.atproto.sync.subscribeRepos?cursor=0")
        );
        assert_eq!(
            u(
                "wss://relay.example/xrpc/com.atproto.sync.subscribeRepos?cursor=3",
                Some(9)
            )
            .as_deref(),
            Ok("wss://relay.example/xrpc/com.atproto.sync.subscribeRepos?cursor=9")
        );
        assert!(u("ftp://x.example", None).is_err());
    }

    fn post_bytes(kind: &str, text: &str, langs: &[&str]) -> Vec<u8> {
        #[derive(Serialize)]
        struct R<'a> {
            #[serde(rename = "$type")]
            kind: &'a str,
            text: &'a str,
            #[serde(rename = "createdAt")]
            created_at: &'a str,
            langs: &'a [&'a str],
        }
        serde_ipld_dagcbor::to_vec(&R {
            kind,
            text,
            created_at: "2026-11-23T10:00:00.000Z",
            langs,
        })
        .unwrap_or_default()
    }

    fn cid_of(bytes: &[u8]) -> Cid {
        let mh = ipld_core::cid::multihash::Multihash::<64>::wrap(
            SHA2_256,
            &sha2::Sha256::digest(bytes),
        )
        .unwrap_or_default();
        Cid::new_v1(0x71, mh)
    }

    async fn car(blocks: Vec<(Cid, Vec<u8>)>) -> Vec<u8> {
        let root = blocks.first().map(|b| b.0).unwrap_or_default();
        let mut w = iroh_car::CarWriter::new(iroh_car::CarHeader::new_v1(vec![root]), Vec::new());
        for (cid, data) in blocks {
            let _ = w.write(cid, data).await;
        }
        w.finish().await.unwrap_or_default()
    }

    #[derive(Serialize)]
    struct Op {
        action: &'static str,
        path: String,
        cid: Option<Cid>,
    }

    #[derive(Serialize)]
    struct Commit {
        seq: i64,
        rebase: bool,
        #[serde(rename = "tooBig")]
        too_big: bool,
        repo: &'static str,
        blocks: serde_bytes::ByteBuf,
        ops: Vec<Op>,
        time: &'static str,
    }

    fn commit(seq: i64, too_big: bool, blocks: Vec<u8>, ops: Vec<Op>) -> Vec<u8> {
        frame(
            1,
            Some("#commit"),
            &Commit {
                seq,
                rebase: false,
                too_big,
                repo: "did:plc:alice",
                blocks: serde_bytes::ByteBuf::from(blocks),
                ops,
                time: "2026-11-23T10:00:00.000Z",
            },
        )
    }

    fn create(collection: &str, rkey: &str, cid: Cid) -> Op {
        Op {
            action: "create",
            path: format!("{collection}/{rkey}"),
            cid: Some(cid),
        }
    }

    /// A loopback server sends a hostile mix of frames: the good ones are
    /// delivered in order, the others skipped and counted, nothing panics.
    #[tokio::test]
    async fn a_hostile_stream_is_survived_and_counted() {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;

        let post = "app.bsky.feed.post";
        let a = post_bytes(post, "Post A", &["fr"]);
        let b = post_bytes(post, "Post B", &[]);
        let mut b_tampered = b.clone();
        if let Some(x) = b_tampered.iter_mut().rev().find(|x| **x == b'B') {
            *x = b'b';
        }
        let c = post_bytes(post, "Post C", &[]);
        let like = post_bytes("app.bsky.feed.like", "not a post", &[]);
        let long = post_bytes(post, &"x".repeat(1000), &[]);
        let d = post_bytes(post, "Post D is longer than twenty bytes", &["en"]);
        let car1 = car(vec![
            (cid_of(&a), a.clone()),
            (cid_of(&b), b_tampered),
            (cid_of(&like), like.clone()),
        ])
        .await;
        let car_big = car(vec![(cid_of(&long), long.clone())]).await;
        let car_d = car(vec![(cid_of(&d), d.clone())]).await;
        let max_car_bytes = 600;
        assert!(car1.len() <= max_car_bytes && car_big.len() > max_car_bytes);
        let mut identity = BTreeMap::new();
        identity.insert("seq", 1i64);
        let mut info = BTreeMap::new();
        info.insert("name", "OutdatedCursor");
        let mut too_slow = BTreeMap::new();
        too_slow.insert("error", "ConsumerTooSlow");
        let frames: Vec<Message> = vec![
            Message::Binary(vec![0xff, 0x00].into()),
            Message::Text("hello".into()),
            Message::Binary(frame(1, Some("#identity"), &identity).into()),
            Message::Binary(
                commit(
                    2,
                    false,
                    car1,
                    vec![
                        create(post, "a", cid_of(&a)),
                        create(post, "b", cid_of(&b)),
                        create(post, "c", cid_of(&c)),
                        create("app.bsky.feed.like", "l", cid_of(&like)),
                        Op {
                            action: "delete",
                            path: format!("{post}/z"),
                            cid: None,
                        },
                    ],
                )
                .into(),
            ),
            Message::Binary(
                commit(3, false, car_big, vec![create(post, "big", cid_of(&long))]).into(),
            ),
            Message::Binary(frame(1, Some("#info"), &info).into()),
            Message::Binary(commit(2, false, Vec::new(), Vec::new()).into()),
            Message::Binary(
                commit(4, true, Vec::new(), vec![create(post, "tb", cid_of(&c))]).into(),
            ),
            Message::Binary(commit(5, false, car_d, vec![create(post, "d", cid_of(&d))]).into()),
            Message::Binary(frame(-1, None, &too_slow).into()),
        ];

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let server = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap_or_else(|e| panic!("{e}"));
            let mut ws = tokio_tungstenite::accept_async(stream)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            for f in frames {
                let _ = ws.send(f).await;
            }
            while let Some(Ok(_)) = ws.next().await {}
        });

        let options = FirehoseOptions {
            allow_private_addresses: true,
            max_car_bytes,
            max_text_bytes: 20,
            ..FirehoseOptions::default()
        };
        let service = Url::parse(&format!("http://{addr}")).unwrap_or_else(|e| panic!("{e}"));
        let mut fh = Firehose::connect(&service, Some(0), &options)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut got = Vec::new();
        let err = loop {
            match fh.next().await {
                Ok(e) => got.push((e.seq, e.kind, e.posts, e.skipped)),
                Err(e) => break e,
            }
        };
        let heard = |rkey: &str, text: &str, langs: &[&str]| HeardPost {
            network: "bluesky",
            uri: format!("at://did:plc:alice/app.bsky.feed.post/{rkey}"),
            url: Some(format!(
                "https://bsky.app/profile/did:plc:alice/post/{rkey}"
            )),
            author: "did:plc:alice".into(),
            text: text.into(),
            created_at: parse_time("2026-11-23T10:00:00.000Z"),
            langs: langs.iter().map(|l| l.to_string()).collect(),
        };
        assert_eq!(
            got,
            vec![
                (1, FirehoseKind::Identity, vec![], 0),
                (
                    2,
                    FirehoseKind::Commit,
                    vec![heard("a", "Post A", &["fr"])],
                    2
                ),
                (3, FirehoseKind::Commit, vec![], 1),
                (4, FirehoseKind::Commit, vec![], 1),
                (
                    5,
                    FirehoseKind::Commit,
                    vec![heard("d", "Post D is longer tha", &["en"])],
                    0
                ),
            ]
        );
        assert!(
            matches!(&err, ListenError::Stream { error, .. } if error == "ConsumerTooSlow"),
            "{err:?}"
        );
        assert!(err.is_transient());
        let counts = fh.stats().snapshot();
        assert_eq!(counts.frames, 10);
        assert_eq!(counts.malformed_frames, 2);
        assert_eq!(counts.duplicates, 1);
        assert_eq!(counts.skipped_records, 4);
        assert_eq!(counts.truncated_texts, 1);
        assert_eq!(counts.posts, 2);
        assert_eq!(fh.cursor(), Some(5));
        fh.close().await;
        server.abort();
    }
}
