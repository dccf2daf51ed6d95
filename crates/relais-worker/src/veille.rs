//! The veille worker: reads the sources that are due, politely, and turns
//! what they publish into items (001 C1.1–C1.3).
//!
//! One pass: lease the due sources (one process at a time per source) →
//! fetch each (conditional GET, caching hints, SSRF guard: `relais-fetch`;
//! streams and timelines: `relais_connect::listen`) → normalise → drop the
//! exact duplicates the workspace already has → analyse each new item
//! (language, sentiment, topics through the workspace's one matcher, story
//! cluster) → store them with their topics and hourly volumes in one
//! transaction, shared with the other sources whose items are waiting to be
//! written ([`write_loop`], a group commit) → index them for search (visible at once) → look for spikes
//! in the topics they touched → record the fetch, its bytes and the next
//! fetch time, and give the lease back.
//!
//! A failure is recorded on the source with its reason and backs off; a
//! source failing for `dead_after_days` is disabled and the team told. A
//! stream is read in sessions of `stream_session_secs` under its lease; its
//! cursor is stored after each session, and items are deduplicated by key,
//! so a session cut short never loses nor doubles an item.

use crate::notify::Notifier;
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use relais_connect::listen::{self, FirehoseOptions, HeardPost, JetstreamOptions};
use relais_core::entry::NotificationKind;
use relais_core::veille::{AlertKind, NewItem, Polarity, Source, SourceKind, SourceState};
use relais_core::{ItemId, SourceId, TopicId, WorkspaceId};
use relais_fetch::{schedule, FeedItem, FetchError, Fetched, Fetcher, Validators};
use relais_search::{ItemDoc, SearchIndex};
use relais_store::{hour_of, FetchRecord, ItemBatch, Store, StoreError};
use relais_veille::{
    detect_lang, detect_spike, ClusterParams, Clusterer, Document, HourCounts, Matcher, Scratch,
    SentimentAnalyzer, SpikeConfig, Topic,
};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use url::Url;

/// How the veille worker behaves (from `[veille]`).
#[derive(Debug, Clone)]
pub struct VeilleOptions {
    pub concurrency: usize,
    pub lease: Duration,
    pub dead_after_days: u32,
    pub stream_session: Duration,
    pub spike: SpikeConfig,
    pub min_interval: Duration,
    pub max_interval: Duration,
    /// How often an idle worker looks for due sources.
    pub poll: Duration,
}

impl VeilleOptions {
    pub fn from_config(c: &relais_config::VeilleConfig) -> VeilleOptions {
        VeilleOptions {
            concurrency: c.concurrency.max(1) as usize,
            lease: Duration::from_secs((c.timeout_secs * 3).max(c.stream_session_secs * 2) + 30),
            dead_after_days: c.dead_after_days,
            stream_session: Duration::from_secs(c.stream_session_secs),
            spike: SpikeConfig {
                k: c.spike_k,
                window_days: c.spike_window_days,
                min_count: c.spike_min_count,
                negative_jump: c.spike_negative_jump,
            },
            min_interval: Duration::from_secs(
                relais_core::veille::MIN_INTERVAL_SECS.unsigned_abs(),
            ),
            max_interval: Duration::from_secs(
                relais_core::veille::MAX_INTERVAL_SECS.unsigned_abs(),
            ),
            poll: Duration::from_secs(1),
        }
    }
}

/// The fetch options `[veille]` asks for.
pub fn fetch_options(
    c: &relais_config::VeilleConfig,
    public_url: &str,
) -> relais_fetch::FetchOptions {
    let mut o = relais_fetch::FetchOptions::new(if public_url.is_empty() {
        "https://github.com/relais"
    } else {
        public_url
    });
    o.total_timeout = Duration::from_secs(c.timeout_secs);
    o.connect_timeout = Duration::from_secs(c.timeout_secs.min(10));
    o.max_body_bytes = c.max_body_bytes;
    o.per_host_concurrency = c.per_host_concurrency.max(1) as usize;
    // The administrator's switch opens private and loopback addresses
    // alike (an intranet source, or a test serving feeds on 127.0.0.1).
    o.address_policy.allow_private = c.allow_private_addresses;
    o.address_policy.allow_loopback = c.allow_private_addresses;
    o
}

/// An item as a source gives it, before analysis.
#[derive(Debug, Clone)]
pub struct RawItem {
    pub dedup_key: String,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub title: String,
    pub text: String,
    pub author: Option<String>,
    pub lang: Option<String>,
    /// A feed item's language is detected only when the item is new (in
    /// [`analyse`]; most of a changed feed is items already stored): `Some`
    /// for a feed item, holding the feed's declared language, the fallback
    /// of [`relais_fetch::item_lang`]; `lang` is then `None`.
    pub feed_lang: Option<Option<String>>,
    pub published_at: Option<DateTime<Utc>>,
    pub date_issue: String,
}

impl RawItem {
    /// A `guid:` key is unique only within its feed (`relais_veille::dedup_key`):
    /// two feeds may both number their items 1, 2, 3. It is scoped to the
    /// source; `url:` keys mean the same everywhere and stay as they are.
    fn scoped_to(mut self, source: &Source) -> RawItem {
        if let Some(guid) = self.dedup_key.strip_prefix("guid:") {
            self.dedup_key = format!("guid:{}:{guid}", source.id.0);
        }
        self
    }
}

impl RawItem {
    /// A feed item whose language is left to [`analyse`]; `feed_lang` is the
    /// feed's declared language ([`relais_fetch::ParsedFeed::lang`]).
    fn from_feed(f: FeedItem, feed_lang: Option<&str>) -> RawItem {
        RawItem {
            lang: None,
            feed_lang: Some(feed_lang.map(str::to_owned)),
            ..RawItem::from(f)
        }
    }
}

impl From<FeedItem> for RawItem {
    fn from(f: FeedItem) -> RawItem {
        RawItem {
            dedup_key: f.dedup_key,
            url: f.url,
            canonical_url: f.canonical_url,
            title: f.title,
            text: f.text,
            author: f.author,
            lang: f.lang,
            feed_lang: None,
            published_at: f.published_at,
            date_issue: match f.date_issue {
                Some(relais_fetch::DateIssue::Future { .. }) => "future".into(),
                Some(relais_fetch::DateIssue::TooOld { .. }) => "too_old".into(),
                None => String::new(),
            },
        }
    }
}

impl From<HeardPost> for RawItem {
    fn from(p: HeardPost) -> RawItem {
        RawItem {
            dedup_key: p.uri,
            canonical_url: p.url.clone(),
            url: p.url,
            title: String::new(),
            text: p.text,
            author: Some(p.author),
            lang: p.langs.into_iter().next(),
            feed_lang: None,
            published_at: p.created_at,
            date_issue: String::new(),
        }
    }
}

/// A workspace's topics compiled into one matcher.
struct Compiled {
    fingerprint: (i64, i64, i64),
    matcher: Matcher,
    topics: Vec<TopicId>,
}

/// What analysing needs to remember between items: each workspace's
/// matcher and story clusterer.
#[derive(Default)]
struct Memory {
    matchers: HashMap<WorkspaceId, Arc<Compiled>>,
    clusterers: HashMap<WorkspaceId, Clusterer>,
}

/// Pages of a Mastodon timeline read at most in one go.
const MASTODON_PAGES: usize = 10;

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VeillePass {
    pub sources: usize,
    pub failed: usize,
    pub new_items: usize,
    pub alerts: usize,
}

/// The veille worker of one process.
#[derive(Clone)]
pub struct VeilleWorker {
    store: Store,
    fetcher: Fetcher,
    index: Option<Arc<SearchIndex>>,
    notifier: Notifier,
    /// Mastodon timelines, with the same address policy as the fetcher.
    http: listen::HttpClient,
    allow_private: bool,
    options: VeilleOptions,
    id: String,
    memory: Arc<Mutex<Memory>>,
    commits: Arc<Commits>,
    writer: Arc<std::sync::OnceLock<mpsc::UnboundedSender<WriteJob>>>,
}

/// The search index's grouped commits: additions are numbered, and the last
/// commit says up to which addition it took in.
#[derive(Default)]
struct Commits {
    added: AtomicU64,
    committed: tokio::sync::Mutex<u64>,
}

/// One source's new items, waiting for the group writer ([`write_loop`]),
/// and where to send them back with their ids.
struct WriteJob {
    workspace_id: WorkspaceId,
    source: Option<(SourceId, String)>,
    items: Vec<NewItem>,
    at: DateTime<Utc>,
    reply: oneshot::Sender<Written>,
}

/// A job's items given back, with their ids or the write's error.
type Written = (Vec<NewItem>, Result<Vec<Option<ItemId>>, StoreError>);

/// Items written in one group transaction at most (about 1,000 feed items
/// of a few KB: a few MB per transaction).
const GROUP_ITEMS: usize = 1_000;

/// The group writer: takes the first job waiting, then every other job
/// already waiting (up to [`GROUP_ITEMS`] items), and writes them all in one
/// transaction ([`Store::store_item_batches`]). Sources whose reads finished
/// while a write was running share the next one: one writer turn and one
/// commit for many sources instead of one each, which is what SQLite's
/// single writer needs under a burst; alone, a source's items are written at
/// once. If a group's transaction fails, each job is retried alone, so one
/// source's bad item cannot fail the others'. Ends when every sender (every
/// clone of the worker) is gone.
async fn write_loop(store: Store, mut jobs: mpsc::UnboundedReceiver<WriteJob>) {
    while let Some(first) = jobs.recv().await {
        let mut group = vec![first];
        let mut items = group[0].items.len();
        while items < GROUP_ITEMS {
            match jobs.try_recv() {
                Ok(job) => {
                    items += job.items.len();
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        let batches: Vec<ItemBatch<'_>> = group
            .iter()
            .map(|j| ItemBatch {
                workspace_id: j.workspace_id,
                source: j.source.as_ref().map(|(id, label)| (*id, label.as_str())),
                items: &j.items,
                at: j.at,
            })
            .collect();
        let written = store.store_item_batches(&batches).await;
        drop(batches);
        match written {
            Ok(ids) => {
                for (job, ids) in group.into_iter().zip(ids) {
                    let _ = job.reply.send((job.items, Ok(ids)));
                }
            }
            Err(e) if group.len() == 1 => {
                if let Some(job) = group.pop() {
                    let _ = job.reply.send((job.items, Err(e)));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, sources = group.len(), "veille: a group write failed; writing each source alone");
                for job in group {
                    let source = job.source.as_ref().map(|(id, label)| (*id, label.as_str()));
                    let ids = store
                        .store_items(job.workspace_id, source, &job.items, job.at)
                        .await;
                    let _ = job.reply.send((job.items, ids));
                }
            }
        }
    }
}

/// The story key of a new item: stable for its dedup key, so the clusterer
/// and the store agree on it.
fn story_key(ws: WorkspaceId, dedup_key: &str) -> u64 {
    relais_veille::canon::key_hash(&format!("{}\u{0}{dedup_key}", ws.0))
}

impl VeilleWorker {
    pub fn new(
        store: Store,
        fetcher: Fetcher,
        index: Option<Arc<SearchIndex>>,
        notifier: Notifier,
        options: VeilleOptions,
        id: &str,
    ) -> Result<VeilleWorker, listen::ListenError> {
        let allow_private = fetcher.options().address_policy.allow_private;
        let client_options = relais_connect::ClientOptions {
            timeout: fetcher.options().total_timeout,
            user_agent: fetcher.options().user_agent.clone(),
            ..relais_connect::ClientOptions::default()
        };
        Ok(VeilleWorker {
            store,
            http: listen::HttpClient::new(&client_options, allow_private)?,
            allow_private,
            fetcher,
            index,
            notifier,
            options,
            id: format!("{id}/veille"),
            memory: Arc::new(Mutex::new(Memory::default())),
            commits: Arc::new(Commits::default()),
            writer: Arc::new(std::sync::OnceLock::new()),
        })
    }

    /// Runs until `cancel`: each pass takes the due sources; an idle worker
    /// looks again every `poll`.
    pub async fn run(&self, cancel: CancellationToken) {
        if let Err(e) = self.seed_clusters().await {
            tracing::error!(error = %e, "veille: could not read recent items for story clusters");
        }
        loop {
            if cancel.is_cancelled() {
                return;
            }
            let worked = match self.pass(Utc::now(), &cancel).await {
                Ok(p) => p.sources > 0,
                Err(e) => {
                    tracing::error!(error = %e, "veille pass failed");
                    false
                }
            };
            if !worked {
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tokio::time::sleep(self.options.poll) => {}
                }
            }
        }
    }

    /// Seeds each workspace's story clusterer with the last two days of
    /// items, so a story keeps its cluster across restarts.
    pub async fn seed_clusters(&self) -> Result<(), StoreError> {
        let since = Utc::now() - ChronoDuration::days(2);
        let rows = self.store.recent_item_texts(since, 200_000).await?;
        let mut memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        for (ws, cluster, text) in rows {
            memory
                .clusterers
                .entry(ws)
                .or_insert_with(|| Clusterer::new(ClusterParams::default()))
                .add(cluster as u64, &text);
        }
        Ok(())
    }

    /// One pass: every source due at `now` (up to `concurrency` at a time),
    /// read and recorded on a clock that starts at `now`.
    pub async fn pass(
        &self,
        now: DateTime<Utc>,
        cancel: &CancellationToken,
    ) -> Result<VeillePass, StoreError> {
        let lease = ChronoDuration::from_std(self.options.lease)
            .unwrap_or_else(|_| ChronoDuration::seconds(120));
        let due = self
            .store
            .lease_due_sources(&self.id, now, lease, self.options.concurrency as i64)
            .await?;
        let mut pass = VeillePass {
            sources: due.len(),
            ..VeillePass::default()
        };
        // The pass runs on its own clock: `now` as given, advancing with
        // real time (items, fetch records, back-off and the dead-source
        // check all read it), so a pass asked for at a later instant behaves
        // as it would then.
        let clock = Clock {
            offset: now - Utc::now(),
        };
        let mut tasks = JoinSet::new();
        for source in due {
            let me = self.clone();
            let cancel = cancel.clone();
            tasks.spawn(async move { me.read_source(source, clock, &cancel).await });
        }
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(Ok(r)) => {
                    pass.new_items += r.new_items;
                    pass.alerts += r.alerts;
                    pass.failed += usize::from(r.failed);
                }
                Ok(Err(e)) => {
                    pass.failed += 1;
                    tracing::error!(error = %e, "veille: a source could not be recorded");
                }
                Err(e) => {
                    pass.failed += 1;
                    tracing::error!(error = %e, "veille: a source task stopped");
                }
            }
        }
        Ok(pass)
    }

    /// Reads one leased source and records the outcome.
    async fn read_source(
        &self,
        source: Source,
        clock: Clock,
        cancel: &CancellationToken,
    ) -> Result<SourceOutcome, StoreError> {
        let started = clock.now();
        let read = match source.kind {
            SourceKind::Feed => self.read_feed(&source, started).await,
            SourceKind::Page => self.read_page(&source, started).await,
            SourceKind::MastodonTag | SourceKind::MastodonPublic => {
                self.read_mastodon(&source, started).await
            }
            SourceKind::Bluesky | SourceKind::Jetstream => {
                self.read_stream(&source, clock, cancel).await
            }
        };
        let now = clock.now();
        let mut outcome = SourceOutcome::default();
        let mut more = false;
        let (mut rec, publications, retry_after) = match read {
            Ok(r) => {
                outcome.new_items = r.new_items;
                outcome.alerts = r.alerts;
                more = r.more;
                (r.record, r.publications, None)
            }
            Err(e) => {
                outcome.failed = true;
                tracing::warn!(source = source.id.0, url = %source.url, error = %e.message, "veille: source failed");
                let record = Record {
                    record: FetchRecord {
                        error: Some(e.message),
                        wire_bytes: e.wire_bytes,
                        ..FetchRecord::default()
                    },
                    hints: None,
                    ttl: None,
                };
                (record, Vec::new(), e.retry_after)
            }
        };
        let failures = if rec.error.is_some() {
            u32::try_from(source.failures + 1).unwrap_or(u32::MAX)
        } else {
            0
        };
        let adaptive = source.kind == SourceKind::Feed;
        let publications = if adaptive && publications.is_empty() {
            // Nothing read to see the source's rhythm in (a 304, a
            // failure): its stored items give it, so a quiet source stays
            // polled rarely instead of falling back to its interval.
            self.stored_rhythm(&source, now).await
        } else {
            publications
        };
        let wait = if (source.kind.is_stream() || more) && rec.error.is_none() {
            // A stream is read again at once, from its cursor; so is a
            // timeline with more pages waiting.
            Duration::ZERO
        } else {
            schedule::next_interval(&schedule::ScheduleInput {
                interval: Duration::from_secs(source.interval_secs.unsigned_abs()),
                adaptive,
                min: self.options.min_interval,
                max: self.options.max_interval,
                feed_ttl: rec.ttl,
                hints: rec.hints.unwrap_or_default(),
                retry_after,
                recent_publications: &publications,
                now,
                failures,
            })
        };
        rec.record.next_fetch_at =
            now + ChronoDuration::from_std(wait).unwrap_or_else(|_| ChronoDuration::hours(1));
        let first_failure = source.first_failure_at.or(Some(now));
        if rec.record.error.is_some()
            && schedule::is_dead(first_failure, now, self.options.dead_after_days)
        {
            rec.record.disable = true;
        }
        let recorded = self
            .store
            .record_fetch(&self.id, source.id, now, &rec.record)
            .await?;
        if let Some(s) = recorded {
            if s.state == SourceState::Disabled && source.state != SourceState::Disabled {
                self.tell(
                    source.workspace_id,
                    NotificationKind::VeilleSourceDisabled,
                    format!("{} — {}", s.label(), s.last_error),
                )
                .await;
            }
        }
        Ok(outcome)
    }

    /// When the source's newest stored items were published (see
    /// [`schedule::HISTORY`]); none when they cannot be read, which leaves
    /// the configured interval.
    async fn stored_rhythm(&self, source: &Source, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let since = now
            - ChronoDuration::from_std(schedule::HISTORY_WINDOW)
                .unwrap_or_else(|_| ChronoDuration::days(30));
        self.store
            .recent_publications(source.id, since, schedule::HISTORY as i64)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(source = source.id.0, error = %e, "veille: reading a source's rhythm failed");
                Vec::new()
            })
    }

    async fn read_feed(&self, source: &Source, now: DateTime<Utc>) -> Result<Read, ReadError> {
        let url = parse_url(&source.url)?;
        let validators = Validators {
            etag: source.etag.clone(),
            last_modified: source.last_modified.clone(),
        };
        match self.fetcher.get(&url, &validators).await? {
            Fetched::NotModified {
                validators,
                hints,
                wire_bytes,
            } => Ok(Read::not_modified(validators, hints, wire_bytes)),
            Fetched::Body {
                body,
                final_url,
                content_type,
                validators,
                hints,
                wire_bytes,
                ..
            } => {
                // Parsing is CPU work (a few ms for a large feed): on a
                // blocking thread, so the runtime's workers stay free for the
                // I/O of the other sources and the item writer.
                let parsed = tokio::task::spawn_blocking(move || {
                    let feed = relais_fetch::parse_feed_deferring_langs(
                        &body,
                        content_type.as_deref(),
                        &final_url,
                        now,
                    );
                    (feed, body.len())
                })
                .await;
                let (feed, body_len) = match parsed {
                    Ok((feed, len)) => (feed, len),
                    Err(e) => return Err(ReadError::new(e.to_string(), wire_bytes)),
                };
                let feed = feed.map_err(|e| ReadError::new(e.to_string(), wire_bytes))?;
                let publications: Vec<DateTime<Utc>> =
                    feed.items.iter().filter_map(|i| i.published_at).collect();
                let raws: Vec<RawItem> = feed
                    .items
                    .into_iter()
                    .map(|item| RawItem::from_feed(item, feed.lang.as_deref()))
                    .map(|raw| raw.scoped_to(source))
                    .collect();
                let (new_items, alerts) = self
                    .ingest(source, &raws, now)
                    .await
                    .map_err(|e| ReadError::new(e.to_string(), wire_bytes))?;
                Ok(Read {
                    record: Record {
                        record: FetchRecord {
                            wire_bytes: wire_bytes as i64,
                            body_bytes: Some(body_len as i64),
                            etag: validators.etag,
                            last_modified: validators.last_modified,
                            title: feed.title,
                            site_url: feed.site_url,
                            ..FetchRecord::default()
                        },
                        hints: Some(hints),
                        ttl: feed.ttl,
                    },
                    publications,
                    new_items,
                    alerts,
                    more: false,
                })
            }
        }
    }

    /// A watched page: the text the selector picks is compared with the
    /// last one; a change becomes an item whose text is the diff.
    async fn read_page(&self, source: &Source, now: DateTime<Utc>) -> Result<Read, ReadError> {
        let url = parse_url(&source.url)?;
        let validators = Validators {
            etag: source.etag.clone(),
            last_modified: source.last_modified.clone(),
        };
        let fetched = self.fetcher.get(&url, &validators).await?;
        let (body, validators, hints, wire_bytes) = match fetched {
            Fetched::NotModified {
                validators,
                hints,
                wire_bytes,
            } => return Ok(Read::not_modified(validators, hints, wire_bytes)),
            Fetched::Body {
                body,
                validators,
                hints,
                wire_bytes,
                ..
            } => (body, validators, hints, wire_bytes),
        };
        let html = String::from_utf8_lossy(&body);
        let text = relais_fetch::watch::extract_text(&html, &source.selector)
            .map_err(|e| ReadError::new(e.to_string(), wire_bytes))?;
        let mut new_items = 0;
        let mut alerts = 0;
        if let Some(old) = &source.page_text {
            if *old != text {
                let diff = relais_fetch::watch::diff(old, &text);
                // One item per change: keyed by the fetch that saw it, so a
                // page coming back to an earlier text is told again, while a
                // read cut short before its record is not (the same fetch
                // number and text the next time).
                let key = format!(
                    "page:{}:{}:{:016x}",
                    source.id.0,
                    source.fetches,
                    relais_veille::canon::key_hash(&text)
                );
                let raw = RawItem {
                    dedup_key: key,
                    url: Some(source.url.clone()),
                    canonical_url: relais_veille::canonical_url(&source.url),
                    title: format!("{} — {}", source.label(), now.format("%Y-%m-%d %H:%M UTC")),
                    text: diff,
                    author: None,
                    lang: None,
                    feed_lang: None,
                    published_at: Some(now),
                    date_issue: String::new(),
                };
                (new_items, alerts) = self
                    .ingest(source, &[raw], now)
                    .await
                    .map_err(|e| ReadError::new(e.to_string(), wire_bytes))?;
            }
        }
        Ok(Read {
            record: Record {
                record: FetchRecord {
                    wire_bytes: wire_bytes as i64,
                    body_bytes: Some(body.len() as i64),
                    etag: validators.etag,
                    last_modified: validators.last_modified,
                    page_text: Some(text),
                    ..FetchRecord::default()
                },
                hints: Some(hints),
                ttl: None,
            },
            publications: Vec::new(),
            new_items,
            alerts,
            more: false,
        })
    }

    /// A Mastodon timeline from the stored cursor: page after page while the
    /// server says more follow (up to [`MASTODON_PAGES`]; past that, the
    /// next read comes at once), each page stored before the cursor moves
    /// past it.
    async fn read_mastodon(&self, source: &Source, now: DateTime<Utc>) -> Result<Read, ReadError> {
        let instance = parse_url(&source.url)?;
        let mut cursor = source.cursor.clone();
        let mut publications: Vec<DateTime<Utc>> = Vec::new();
        let (mut new_items, mut alerts) = (0, 0);
        let mut more = false;
        for _ in 0..MASTODON_PAGES {
            let page = match source.kind {
                SourceKind::MastodonTag => {
                    listen::mastodon_hashtag(
                        &self.http,
                        &instance,
                        &source.tag,
                        cursor.as_deref(),
                        None,
                    )
                    .await
                }
                _ => {
                    listen::mastodon_public(&self.http, &instance, false, cursor.as_deref(), None)
                        .await
                }
            }
            .map_err(ReadError::listen)?;
            publications.extend(page.posts.iter().filter_map(|p| p.created_at));
            let raws: Vec<RawItem> = page.posts.into_iter().rev().map(RawItem::from).collect();
            let (n, a) = self
                .ingest(source, &raws, now)
                .await
                .map_err(|e| ReadError::new(e.to_string(), 0))?;
            new_items += n;
            alerts += a;
            if page.newest_id.is_some() {
                cursor = page.newest_id;
            }
            more = page.has_more;
            if !more {
                break;
            }
        }
        Ok(Read {
            record: Record {
                record: FetchRecord {
                    cursor,
                    ..FetchRecord::default()
                },
                hints: None,
                ttl: None,
            },
            publications,
            new_items,
            alerts,
            more,
        })
    }

    /// A session on a stream: events are gathered and stored at least once a
    /// second until the session's end; the cursor is the last event stored.
    async fn read_stream(
        &self,
        source: &Source,
        clock: Clock,
        cancel: &CancellationToken,
    ) -> Result<Read, ReadError> {
        let url = parse_url(&source.url)?;
        let cursor: Option<i64> = source.cursor.as_deref().and_then(|c| c.parse().ok());
        let deadline = tokio::time::Instant::now() + self.options.stream_session;
        let mut stream = Stream::connect(source.kind, &url, cursor, self.allow_private)
            .await
            .map_err(ReadError::listen)?;
        let mut batch: Vec<RawItem> = Vec::new();
        // The cursor of the last event read; every batch is stored before
        // the session records it.
        let mut last_cursor = cursor;
        let mut flush_at = tokio::time::Instant::now() + Duration::from_secs(1);
        let (mut new_items, mut alerts) = (0, 0);
        let mut ended: Option<ReadError> = None;
        loop {
            let next = tokio::select! {
                _ = cancel.cancelled() => None,
                _ = tokio::time::sleep_until(deadline) => None,
                _ = tokio::time::sleep_until(flush_at) => Some(None),
                ev = stream.next() => Some(Some(ev)),
            };
            match next {
                None => break,
                Some(None) => {}
                Some(Some(Ok((seq, posts)))) => {
                    batch.extend(posts.into_iter().map(RawItem::from));
                    last_cursor = Some(seq);
                }
                Some(Some(Err(e))) => {
                    ended = Some(ReadError::listen(e));
                    break;
                }
            }
            if tokio::time::Instant::now() >= flush_at || batch.len() >= 500 {
                if !batch.is_empty() {
                    let (n, a) = self
                        .ingest(source, &batch, clock.now())
                        .await
                        .map_err(|e| ReadError::new(e.to_string(), 0))?;
                    new_items += n;
                    alerts += a;
                    batch.clear();
                }
                flush_at = tokio::time::Instant::now() + Duration::from_secs(1);
            }
        }
        if !batch.is_empty() {
            let (n, a) = self
                .ingest(source, &batch, clock.now())
                .await
                .map_err(|e| ReadError::new(e.to_string(), 0))?;
            new_items += n;
            alerts += a;
        }
        let wire_bytes = stream.bytes();
        stream.close().await;
        let record = Record {
            record: FetchRecord {
                cursor: last_cursor.map(|c| c.to_string()),
                wire_bytes: wire_bytes as i64,
                ..FetchRecord::default()
            },
            hints: None,
            ttl: None,
        };
        match ended {
            // The stream failed after storing what it had: the cursor is
            // kept by the next, successful session.
            Some(e) if new_items == 0 => Err(e),
            _ => Ok(Read {
                record,
                publications: Vec::new(),
                new_items,
                alerts,
                more: false,
            }),
        }
    }

    /// Analyses and stores the items of a source that the workspace does not
    /// have yet; indexes them; looks for spikes. Returns (new items, new
    /// alerts).
    pub async fn ingest(
        &self,
        source: &Source,
        raws: &[RawItem],
        now: DateTime<Utc>,
    ) -> Result<(usize, usize), StoreError> {
        let ws = source.workspace_id;
        let keys: Vec<String> = raws.iter().map(|r| r.dedup_key.clone()).collect();
        let known = self.store.known_dedup_keys(ws, &keys).await?;
        let mut seen = HashSet::new();
        let fresh: Vec<&RawItem> = raws
            .iter()
            .filter(|r| !known.contains(&r.dedup_key) && seen.insert(r.dedup_key.as_str()))
            .collect();
        if fresh.is_empty() {
            return Ok((0, 0));
        }
        let compiled = self.matcher(ws).await?;
        let site = Url::parse(&source.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let label = source.label();
        // Language, sentiment and topics depend on the item alone: they run
        // here, on this source's task, alongside the other sources'.
        let context = Context {
            compiled: &compiled,
            site: &site,
            source: &label,
            now,
        };
        let mut scratch = Scratch::new();
        let mut hits = Vec::new();
        let (mut items, wholes): (Vec<NewItem>, Vec<String>) = fresh
            .iter()
            .map(|raw| analyse(raw, &context, &mut scratch, &mut hits))
            .unzip();
        // Stories: the workspace's clusterer, one source at a time.
        {
            let mut memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
            let clusterer = memory
                .clusterers
                .entry(ws)
                .or_insert_with(|| Clusterer::new(ClusterParams::default()));
            for (item, whole) in items.iter_mut().zip(&wholes) {
                item.cluster_id = clusterer.add(story_key(ws, &item.dedup_key), whole).0 as i64;
            }
        }
        drop(wholes);
        let (items, ids) = self
            .write_items(ws, Some((source.id, label.clone())), items, now)
            .await;
        let ids = ids?;
        let mut touched: Vec<TopicId> = items
            .iter()
            .zip(&ids)
            .filter(|(_, id)| id.is_some())
            .flat_map(|(item, _)| item.topics.iter().copied())
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let docs: Vec<ItemDoc> = items
            .into_iter()
            .zip(&ids)
            .filter_map(|(item, id)| id.map(|id| new_item_doc(ws, source.id, id, item)))
            .collect();
        let stored = docs.len();
        self.index_docs(docs).await;
        let alerts = self.check_spikes(ws, &touched, now).await?;
        Ok((stored, alerts))
    }

    /// Stores a source's new items through the group writer; gives them
    /// back with their ids (`None` for one another source stored first).
    async fn write_items(
        &self,
        ws: WorkspaceId,
        source: Option<(SourceId, String)>,
        items: Vec<NewItem>,
        at: DateTime<Utc>,
    ) -> Written {
        let writer = self.writer.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(write_loop(self.store.clone(), rx));
            tx
        });
        let (reply, answer) = oneshot::channel();
        let job = WriteJob {
            workspace_id: ws,
            source,
            items,
            at,
            reply,
        };
        if let Err(mpsc::error::SendError(job)) = writer.send(job) {
            // The writer is gone (its runtime shut down): write directly.
            let source = job.source.as_ref().map(|(id, label)| (*id, label.as_str()));
            let ids = self.store.store_items(ws, source, &job.items, at).await;
            return (job.items, ids);
        }
        match answer.await {
            Ok(written) => written,
            // The writer stopped before answering (its runtime is shutting
            // down): the items are not known to be stored; the source is
            // read again later and its items deduplicated then.
            Err(_) => (
                Vec::new(),
                Err(StoreError::Unsupported(
                    "the veille item writer stopped before answering",
                )),
            ),
        }
    }

    /// Adds stored items to the search index and commits, so they are
    /// searchable when this returns. Commits are grouped: a source whose
    /// items were added while another source's commit was running waits for
    /// the next commit, which takes in every addition made before it starts
    /// (one commit for many sources, not one each). An index failure is
    /// logged: the items are stored, and `relais veille reindex` rebuilds
    /// the index.
    async fn index_docs(&self, docs: Vec<ItemDoc>) {
        let Some(index) = &self.index else {
            return;
        };
        if docs.is_empty() {
            return;
        }
        let added = {
            let index = Arc::clone(index);
            let commits = Arc::clone(&self.commits);
            tokio::task::spawn_blocking(move || {
                index.add(&docs)?;
                // Taken after the addition: a commit that reads the counter
                // at or past this ticket includes these documents.
                Ok::<u64, relais_search::SearchError>(
                    commits.added.fetch_add(1, Ordering::SeqCst) + 1,
                )
            })
            .await
        };
        let ticket = match added {
            Ok(Ok(ticket)) => ticket,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "veille: search index update failed");
                return;
            }
            Err(e) => {
                tracing::error!(error = %e, "veille: search index task stopped");
                return;
            }
        };
        let mut committed = self.commits.committed.lock().await;
        if *committed >= ticket {
            return;
        }
        let upto = self.commits.added.load(Ordering::SeqCst);
        let index = Arc::clone(index);
        match tokio::task::spawn_blocking(move || index.commit()).await {
            Ok(Ok(())) => *committed = upto,
            Ok(Err(e)) => tracing::error!(error = %e, "veille: search index commit failed"),
            Err(e) => tracing::error!(error = %e, "veille: search index task stopped"),
        }
    }

    /// The workspace's matcher, recompiled when its topics changed.
    async fn matcher(&self, ws: WorkspaceId) -> Result<Arc<Compiled>, StoreError> {
        let fingerprint = self.store.topics_fingerprint(ws).await?;
        {
            let memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(c) = memory.matchers.get(&ws) {
                if c.fingerprint == fingerprint {
                    return Ok(Arc::clone(c));
                }
            }
        }
        let records = self.store.list_topics(ws).await?;
        let mut topics = Vec::with_capacity(records.len());
        let mut ids = Vec::with_capacity(records.len());
        for r in records {
            match relais_veille::parse(&r.query) {
                Ok(query) => {
                    topics.push(Topic {
                        name: r.name,
                        query,
                    });
                    ids.push(r.id);
                }
                // Saved queries were parsed when saved; one that no longer
                // parses (a newer, stricter parser) is skipped, loudly.
                Err(e) => {
                    tracing::error!(topic = r.id.0, error = %e, "veille: a saved topic no longer parses")
                }
            }
        }
        let matcher = Matcher::new(&topics).map_err(|e| StoreError::Corrupt {
            table: "veille_topics",
            detail: e.to_string(),
        })?;
        let compiled = Arc::new(Compiled {
            fingerprint,
            matcher,
            topics: ids,
        });
        self.memory
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .matchers
            .insert(ws, Arc::clone(&compiled));
        Ok(compiled)
    }

    /// Looks at each topic's current hour against the same hour of the
    /// previous days (their volumes read in one query); records and tells
    /// each new alert.
    async fn check_spikes(
        &self,
        ws: WorkspaceId,
        topics: &[TopicId],
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        if topics.is_empty() {
            return Ok(0);
        }
        let current_hour = hour_of(now);
        let days = i64::from(self.options.spike.window_days);
        let from = current_hour - ChronoDuration::hours(24 * days);
        let volumes = self
            .store
            .topics_volume(topics, from, current_hour + ChronoDuration::hours(1))
            .await?;
        let mut new = 0;
        for &topic in topics {
            let volumes = volumes.get(&topic).map_or(&[][..], Vec::as_slice);
            new += self.check_spike(ws, topic, current_hour, volumes).await?;
        }
        Ok(new)
    }

    /// One topic's spike check, from its hourly volumes over the window.
    async fn check_spike(
        &self,
        ws: WorkspaceId,
        topic: TopicId,
        current_hour: DateTime<Utc>,
        volumes: &[relais_store::HourVolume],
    ) -> Result<usize, StoreError> {
        let config = &self.options.spike;
        let days = i64::from(config.window_days);
        let by_hour: HashMap<DateTime<Utc>, (i64, i64)> = volumes
            .iter()
            .map(|v| (v.hour, (v.total, v.negative)))
            .collect();
        let counts = |h: DateTime<Utc>| {
            let (t, n) = by_hour.get(&h).copied().unwrap_or((0, 0));
            HourCounts::new(
                u32::try_from(t).unwrap_or(u32::MAX),
                u32::try_from(n).unwrap_or(u32::MAX),
            )
        };
        let history: Vec<HourCounts> = (1..=24 * days)
            .rev()
            .map(|back| counts(current_hour - ChronoDuration::hours(back)))
            .collect();
        let current = counts(current_hour);
        let report = detect_spike(&history, current, config);
        if !report.fired() {
            return Ok(0);
        }
        let name = self
            .store
            .topic(ws, topic)
            .await?
            .map(|t| t.name)
            .unwrap_or_default();
        let mut new = 0;
        for (fired, kind) in [
            (report.volume, AlertKind::Volume),
            (report.negative_share, AlertKind::Negative),
        ] {
            if !fired {
                continue;
            }
            let id = self
                .store
                .record_alert(
                    ws,
                    topic,
                    kind,
                    current_hour,
                    i64::from(current.total),
                    report.baseline_mean,
                    report
                        .volume_threshold
                        .unwrap_or(f64::from(config.min_count)),
                    report.current_negative_share,
                )
                .await?;
            if id.is_some() {
                new += 1;
                self.tell(
                    ws,
                    NotificationKind::VeilleSpike,
                    format!("{name} — {}", report.reason),
                )
                .await;
            }
        }
        Ok(new)
    }

    /// Tells the team in the app and by e-mail.
    async fn tell(&self, ws: WorkspaceId, kind: NotificationKind, detail: String) {
        let team = match self.store.team_members(ws).await {
            Ok(team) => team,
            Err(e) => {
                tracing::error!(error = %e, "veille: could not read the team to tell");
                return;
            }
        };
        let users: Vec<_> = team.iter().map(|u| u.id).collect();
        if let Err(e) = self
            .store
            .notify(ws, &users, kind, &[], "relais", &detail)
            .await
        {
            tracing::error!(error = %e, "veille: notification not stored");
            return;
        }
        self.notifier
            .send(
                &self.store,
                relais_store::Told {
                    workspace_id: ws,
                    kind,
                    entry_id: None,
                    users,
                    detail,
                },
            )
            .await;
    }
}

/// What analysing an item needs to know about where it comes from.
struct Context<'a> {
    compiled: &'a Compiled,
    site: &'a str,
    source: &'a str,
    now: DateTime<Utc>,
}

/// Turns a raw item into an item to store: language, sentiment, topics. The
/// story (`cluster_id`) is left for the caller, which holds the workspace's
/// clusterer; the title and text joined, as the clusterer reads them, come
/// with the item.
fn analyse(
    raw: &RawItem,
    cx: &Context<'_>,
    scratch: &mut Scratch,
    hits: &mut Vec<usize>,
) -> (NewItem, String) {
    let (compiled, now) = (cx.compiled, cx.now);
    let whole = if raw.title.is_empty() {
        raw.text.clone()
    } else {
        format!("{}\n{}", raw.title, raw.text)
    };
    let lang = raw
        .lang
        .clone()
        .or_else(|| {
            let feed_lang = raw.feed_lang.as_ref()?;
            relais_fetch::item_lang(&raw.title, &raw.text, feed_lang.as_deref())
        })
        .or_else(|| detect_lang(&whole).map(|l| l.code().to_string()));
    let sentiment = SentimentAnalyzer::shared().analyze(
        &whole,
        relais_veille::sentiment::Lang::for_code(lang.as_deref().unwrap_or("en")),
    );
    let item_site = raw
        .url
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
        .and_then(|u| u.host_str().map(str::to_string));
    let doc = Document {
        title: &raw.title,
        text: &raw.text,
        author: raw.author.as_deref().unwrap_or(""),
        site: item_site.as_deref().unwrap_or(cx.site),
        lang: lang.as_deref().unwrap_or(""),
        source: cx.source,
    };
    hits.clear();
    compiled.matcher.matches(&doc, scratch, hits);
    let topics = hits
        .iter()
        .filter_map(|i| compiled.topics.get(*i).copied())
        .collect();
    let item = NewItem {
        dedup_key: raw.dedup_key.clone(),
        url: raw.url.clone(),
        canonical_url: raw.canonical_url.clone(),
        title: raw.title.clone(),
        text: raw.text.clone(),
        author: raw.author.clone(),
        lang,
        published_at: raw.published_at.unwrap_or(now).min(now),
        date_issue: raw.date_issue.clone(),
        polarity: Polarity::parse(sentiment.polarity.as_str()).unwrap_or(Polarity::Neutral),
        sentiment: sentiment.score,
        cluster_id: 0,
        topics,
    };
    (item, whole)
}

/// A just-stored item as the search index takes it (what [`item_doc`] gives
/// from the store, without reading it back).
fn new_item_doc(ws: WorkspaceId, source: SourceId, id: ItemId, item: NewItem) -> ItemDoc {
    ItemDoc {
        item_id: id.0,
        workspace_id: ws.0,
        source_id: source.0,
        topic_ids: item.topics.iter().map(|t| t.0).collect(),
        title: item.title,
        text: item.text,
        author: item.author,
        url: item.url,
        lang: item.lang,
        sentiment: Some(search_sentiment(item.polarity)),
        published_at: item.published_at,
    }
}

fn search_sentiment(p: Polarity) -> relais_search::Sentiment {
    match p {
        Polarity::Positive => relais_search::Sentiment::Positive,
        Polarity::Neutral => relais_search::Sentiment::Neutral,
        Polarity::Negative => relais_search::Sentiment::Negative,
    }
}

/// A stored item as the search index takes it.
pub fn item_doc(i: relais_store::IndexedItem) -> ItemDoc {
    ItemDoc {
        item_id: i.item.id.0,
        workspace_id: i.item.workspace_id.0,
        source_id: i.item.source_id.map_or(0, |s| s.0),
        topic_ids: i.topics.iter().map(|t| t.0).collect(),
        title: i.item.title,
        text: i.item.text,
        author: i.item.author,
        url: i.item.url,
        lang: i.item.lang,
        sentiment: Some(search_sentiment(i.item.polarity)),
        published_at: i.item.published_at,
    }
}

fn parse_url(s: &str) -> Result<Url, ReadError> {
    Url::parse(s).map_err(|e| ReadError::new(format!("the address {s:?} is not a URL ({e})"), 0))
}

/// The clock of one pass: the instant it was asked for, advancing with
/// real time.
#[derive(Debug, Clone, Copy)]
struct Clock {
    offset: ChronoDuration,
}

impl Clock {
    fn now(self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

#[derive(Debug, Default)]
struct SourceOutcome {
    new_items: usize,
    alerts: usize,
    failed: bool,
}

/// The fetch record being built, with what scheduling reads from it.
struct Record {
    record: FetchRecord,
    hints: Option<relais_fetch::CacheHints>,
    ttl: Option<Duration>,
}

impl std::ops::Deref for Record {
    type Target = FetchRecord;
    fn deref(&self) -> &FetchRecord {
        &self.record
    }
}

struct Read {
    record: Record,
    publications: Vec<DateTime<Utc>>,
    new_items: usize,
    alerts: usize,
    /// More is waiting at the source now (a timeline's pages): read it
    /// again at once.
    more: bool,
}

impl Read {
    /// A `304 Not Modified`: nothing read, the validators kept.
    fn not_modified(
        validators: Validators,
        hints: relais_fetch::CacheHints,
        wire_bytes: u64,
    ) -> Read {
        Read {
            record: Record {
                record: FetchRecord {
                    wire_bytes: wire_bytes as i64,
                    not_modified: true,
                    etag: validators.etag,
                    last_modified: validators.last_modified,
                    ..FetchRecord::default()
                },
                hints: Some(hints),
                ttl: None,
            },
            publications: Vec::new(),
            new_items: 0,
            alerts: 0,
            more: false,
        }
    }
}

/// Why reading a source failed, in words for the source page.
#[derive(Debug)]
struct ReadError {
    message: String,
    wire_bytes: i64,
    retry_after: Option<Duration>,
}

impl ReadError {
    fn new(message: String, wire_bytes: u64) -> ReadError {
        ReadError {
            message,
            wire_bytes: wire_bytes as i64,
            retry_after: None,
        }
    }

    fn listen(e: listen::ListenError) -> ReadError {
        ReadError {
            retry_after: e.retry_after(),
            message: e.to_string(),
            wire_bytes: 0,
        }
    }
}

impl From<FetchError> for ReadError {
    fn from(e: FetchError) -> ReadError {
        ReadError {
            retry_after: e.retry_after(),
            message: e.to_string(),
            wire_bytes: 0,
        }
    }
}

/// A Bluesky stream, whichever its protocol.
enum Stream {
    Firehose(listen::Firehose),
    Jetstream(listen::Jetstream),
}

impl Stream {
    async fn connect(
        kind: SourceKind,
        url: &Url,
        cursor: Option<i64>,
        allow_private: bool,
    ) -> Result<Stream, listen::ListenError> {
        Ok(match kind {
            SourceKind::Jetstream => {
                let options = JetstreamOptions {
                    allow_private_addresses: allow_private,
                    ..JetstreamOptions::default()
                };
                Stream::Jetstream(listen::Jetstream::connect(url, cursor, &options).await?)
            }
            _ => {
                let options = FirehoseOptions {
                    allow_private_addresses: allow_private,
                    ..FirehoseOptions::default()
                };
                // A new firehose source listens live, as a Jetstream one
                // does: a relay's backfill window holds days of the whole
                // network, which nobody adding a source means to download.
                Stream::Firehose(listen::Firehose::connect(url, cursor, &options).await?)
            }
        })
    }

    /// The next event's cursor and the posts it creates.
    async fn next(&mut self) -> Result<(i64, Vec<HeardPost>), listen::ListenError> {
        match self {
            Stream::Firehose(f) => f.next().await.map(|e| (e.seq, e.posts)),
            Stream::Jetstream(j) => j
                .next()
                .await
                .map(|e| (e.time_us, e.post.into_iter().collect())),
        }
    }

    fn bytes(&self) -> u64 {
        match self {
            Stream::Firehose(f) => f.stats().snapshot().bytes,
            Stream::Jetstream(j) => j.stats().snapshot().bytes,
        }
    }

    async fn close(self) {
        match self {
            Stream::Firehose(f) => f.close().await,
            Stream::Jetstream(j) => j.close().await,
        }
    }
}
