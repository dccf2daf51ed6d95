//! The veille worker: reads the sources that are due, politely, and turns
//! what they publish into items (001 C1.1–C1.3).
//!
//! Two stages, side by side in [`VeilleWorker::run`]:
//!
//! 1. **Fetch** ([`VeilleWorker::fetch_pass`]): lease the due sources (one
//!    process at a time per source; more are leased while the others are
//!    read and written) → fetch each, `concurrency` at a time (conditional
//!    GET, caching hints, SSRF guard: `relais-fetch`; streams and
//!    timelines: `relais_connect::listen`) → parse (on the lower-priority
//!    background threads, `background.rs`) and normalise → drop the exact duplicates
//!    the workspace already has → store the new items *pending*, in one
//!    transaction shared with the other sources whose items are waiting to
//!    be written ([`write_loop`], a group commit): they are listed at once →
//!    record the fetch, its bytes and the next fetch time, and give the
//!    lease back.
//! 2. **Analysis** ([`VeilleWorker::analyse_pending`], woken when items are
//!    stored): read the pending items in batches → language, sentiment,
//!    topics through the workspace's one matcher (across the cores), story
//!    cluster → record them with their topics and hourly volumes in one
//!    transaction → index them for search → look for spikes in the topics
//!    they touched. A crash between the stages leaves items pending, and
//!    the next run analyses them; an item is recorded once even if two
//!    workers analyse it.
//!
//! [`VeilleWorker::pass`] runs one of each, for tests and the CLI.
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
use relais_store::{
    hour_of, FetchRecord, ItemAnalysis, ItemBatch, PendingItem, SourceFetch, Store, StoreError,
};
use relais_veille::{
    detect_spike, ClusterParams, Clusterer, Document, HourCounts, Matcher, Scratch,
    SentimentAnalyzer, SpikeConfig, Topic,
};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, Semaphore};
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
    /// Sources read.
    pub sources: usize,
    /// Sources whose read failed (recorded on them with the reason).
    pub failed: usize,
    /// Items stored (pending analysis after a fetch pass alone).
    pub new_items: usize,
    /// Spike alerts raised by the analysis ([`VeilleWorker::pass`]; 0 for
    /// [`VeilleWorker::fetch_pass`]).
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
    /// Wakes the analysis stage when items were stored.
    wake: Arc<tokio::sync::Notify>,
    /// One analysis run at a time.
    analysing: Arc<tokio::sync::Mutex<()>>,
}

/// Pending items analysed per batch (one read, one write transaction, one
/// index commit).
const ANALYSIS_BATCH: usize = 500;

/// How many hours before the current one new items can still fire a spike
/// alert for: 1, the hour just closed. A burst published at 10:59 and read
/// at 11:00 is the 10 o'clock hour's, and nothing else would look at it
/// again; items of older hours (a new source's back catalogue) are history.
const SPIKE_LATE_HOURS: i64 = 1;

/// What one run of the analysis stage did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysed {
    pub items: usize,
    pub alerts: usize,
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
    /// The source's fetch, recorded with the items (see [`ItemBatch::fetch`]).
    fetch: Option<FetchRecord>,
    reply: oneshot::Sender<Written>,
}

/// A job's items given back, with their ids or the write's error.
type Written = (Vec<NewItem>, Result<Vec<Option<ItemId>>, StoreError>);

/// Items written in one group transaction at most (about 1,000 feed items
/// of a few KB: a few MB per transaction).
const GROUP_ITEMS: usize = 1_000;

/// Sources leased at most per place among a pass's reads (`[veille]
/// concurrency`): the reads, up to as many waiting for a place, and those
/// read and waiting for the item writer. With the defaults, 128 sources
/// leased, 32 read at a time; what waits for the writer is parsed items, at
/// most the body limit of each source read.
const IN_FLIGHT_PER_SLOT: usize = 4;

/// A fetch pass's reads: places among them, and how many sources are
/// leased and not yet read (waiting for a place, or reading).
struct Reads {
    places: Semaphore,
    unread: AtomicUsize,
}

/// The group writer: takes the first job waiting, then every other job
/// already waiting (up to [`GROUP_ITEMS`] items), and writes them all in one
/// transaction ([`Store::store_item_batches`]). Sources whose reads finished
/// while a write was running share the next one: one writer turn and one
/// commit for many sources instead of one each, which is what SQLite's
/// single writer needs under a burst; alone, a source's items are written at
/// once. If a group's transaction fails, each job is retried alone, so one
/// source's bad item cannot fail the others'. Ends when every sender (every
/// clone of the worker) is gone.
async fn write_loop(store: Store, owner: String, mut jobs: mpsc::UnboundedReceiver<WriteJob>) {
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
                pending: true,
                fetch: fetch_of(&owner, j),
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
                    let ids = store_pending(&store, &owner, &job).await;
                    let _ = job.reply.send((job.items, ids));
                }
            }
        }
    }
}

/// The fetch to record with a job's items, if it has one.
fn fetch_of<'a>(owner: &'a str, job: &'a WriteJob) -> Option<SourceFetch<'a>> {
    job.fetch.as_ref().map(|record| SourceFetch {
        owner,
        at: job.at,
        record,
    })
}

/// One job's items (and fetch) written alone, pending.
async fn store_pending(
    store: &Store,
    owner: &str,
    job: &WriteJob,
) -> Result<Vec<Option<ItemId>>, StoreError> {
    let batch = ItemBatch {
        workspace_id: job.workspace_id,
        source: job.source.as_ref().map(|(id, label)| (*id, label.as_str())),
        items: &job.items,
        at: job.at,
        pending: true,
        fetch: fetch_of(owner, job),
    };
    Ok(store
        .store_item_batches(std::slice::from_ref(&batch))
        .await?
        .pop()
        .unwrap_or_default())
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
            wake: Arc::new(tokio::sync::Notify::new()),
            analysing: Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    /// Runs until `cancel`, in two stages side by side: fetch passes take
    /// the due sources and store their new items pending (an idle worker
    /// looks again every `poll`); the analysis stage analyses pending items
    /// as soon as some are stored (and every `poll`, for items a crash left
    /// pending).
    pub async fn run(&self, cancel: CancellationToken) {
        if let Err(e) = self.seed_clusters().await {
            tracing::error!(error = %e, "veille: could not read recent items for story clusters");
        }
        let analysis = {
            let me = self.clone();
            let cancel = cancel.clone();
            tokio::spawn(async move { me.analysis_loop(cancel).await })
        };
        loop {
            if cancel.is_cancelled() {
                break;
            }
            let worked = match self.fetch_pass(Utc::now(), &cancel).await {
                Ok(p) => p.sources > 0,
                Err(e) => {
                    tracing::error!(error = %e, "veille pass failed");
                    false
                }
            };
            if !worked {
                tokio::select! {
                    _ = cancel.cancelled() => break,
                    _ = tokio::time::sleep(self.options.poll) => {}
                }
            }
        }
        if let Err(e) = analysis.await {
            tracing::error!(error = %e, "veille: the analysis stage stopped");
        }
    }

    /// The analysis stage of [`VeilleWorker::run`].
    async fn analysis_loop(&self, cancel: CancellationToken) {
        loop {
            if cancel.is_cancelled() {
                return;
            }
            if let Err(e) = self.analyse_pending(Utc::now()).await {
                tracing::error!(error = %e, "veille: analysing new items failed");
            }
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.options.poll) => {}
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

    /// One pass of both stages: [`VeilleWorker::fetch_pass`], then
    /// [`VeilleWorker::analyse_pending`] on the same clock, so that the new
    /// items are analysed, indexed and spike-checked when it returns.
    pub async fn pass(
        &self,
        now: DateTime<Utc>,
        cancel: &CancellationToken,
    ) -> Result<VeillePass, StoreError> {
        let clock = Clock {
            offset: now - Utc::now(),
        };
        let mut pass = self.fetch_pass(now, cancel).await?;
        pass.alerts += self.analyse_pending(clock.now()).await?.alerts;
        Ok(pass)
    }

    /// One fetch pass: every source due at `now` (up to `concurrency` at a
    /// time, until none is left), read, its new items stored pending, and
    /// recorded, on a clock that starts at `now`.
    pub async fn fetch_pass(
        &self,
        now: DateTime<Utc>,
        cancel: &CancellationToken,
    ) -> Result<VeillePass, StoreError> {
        let lease = ChronoDuration::from_std(self.options.lease)
            .unwrap_or_else(|_| ChronoDuration::seconds(120));
        let slots = self.options.concurrency.max(1);
        // `slots` sources are read (fetched and parsed) at a time. A source
        // read and waiting for the item writer does not hold up the next
        // read, and the next sources are leased before the last ones are
        // written: the writer always has items at hand and writes them in
        // large groups (bench/README.md, "Reads that do not wait for the
        // writer"). At most `slots` more wait for a place among the reads,
        // so that a leased source starts within one read's time, well inside
        // its lease; at most `in_flight` are leased in all.
        let reads = Arc::new(Reads {
            places: Semaphore::new(slots),
            unread: AtomicUsize::new(0),
        });
        let in_flight = IN_FLIGHT_PER_SLOT * slots;
        let mut pass = VeillePass::default();
        // The pass runs on its own clock: `now` as given, advancing with
        // real time (items, fetch records, back-off and the dead-source
        // check all read it), so a pass asked for at a later instant behaves
        // as it would then.
        let clock = Clock {
            offset: now - Utc::now(),
        };
        // Sources are leased while the others are read and written, `slots`
        // or more at a time (to keep the leases few), not in rounds that wait
        // for their slowest source. Only sources due at `now` are leased, so
        // a source read in this pass (its next fetch is later) is not read
        // again in it.
        let mut tasks = JoinSet::new();
        // At most one lease at a time (a set, so that it stops with the pass).
        let mut leasing = JoinSet::new();
        let mut exhausted = false;
        loop {
            let unread = reads.unread.load(Ordering::Acquire);
            if leasing.is_empty()
                && !exhausted
                && unread <= slots
                && tasks.len() + slots <= in_flight
            {
                if cancel.is_cancelled() {
                    exhausted = true;
                } else {
                    let want = (2 * slots - unread).min(in_flight - tasks.len());
                    let store = self.store.clone();
                    let owner = self.id.clone();
                    leasing.spawn(async move {
                        let due = store
                            .lease_due_sources(&owner, now, lease, want as i64)
                            .await;
                        (want, due)
                    });
                }
            }
            tokio::select! {
                Some(leased) = leasing.join_next(), if !leasing.is_empty() => {
                    let due = match leased {
                        Ok((want, Ok(due))) => {
                            exhausted = due.len() < want;
                            Ok(due)
                        }
                        Ok((_, Err(e))) => Err(e),
                        Err(e) => Err(StoreError::Stopped(format!("veille lease: {e}"))),
                    };
                    match due {
                        Ok(due) => {
                            pass.sources += due.len();
                            reads.unread.fetch_add(due.len(), Ordering::AcqRel);
                            for source in due {
                                let me = self.clone();
                                let cancel = cancel.clone();
                                let reads = Arc::clone(&reads);
                                tasks.spawn(async move {
                                    me.read_source(source, clock, &cancel, &reads).await
                                });
                            }
                        }
                        // The sources already leased are finished first.
                        Err(e) if !tasks.is_empty() => {
                            tracing::error!(error = %e, "veille: leasing due sources failed");
                            exhausted = true;
                        }
                        Err(e) => return Err(e),
                    }
                }
                done = tasks.join_next(), if !tasks.is_empty() => match done {
                    Some(Ok(Ok(r))) => {
                        pass.new_items += r.new_items;
                        pass.failed += usize::from(r.failed);
                    }
                    Some(Ok(Err(e))) => {
                        pass.failed += 1;
                        tracing::error!(error = %e, "veille: a source could not be recorded");
                    }
                    Some(Err(e)) => {
                        pass.failed += 1;
                        tracing::error!(error = %e, "veille: a source task stopped");
                    }
                    None => {}
                },
                else => break,
            }
        }
        Ok(pass)
    }

    /// Reads one leased source and records the outcome. The items a read
    /// leaves to store ([`Read::last`]) are written with the fetch record,
    /// in one transaction and one writer turn.
    async fn read_source(
        &self,
        source: Source,
        clock: Clock,
        cancel: &CancellationToken,
        reads: &Reads,
    ) -> Result<SourceOutcome, StoreError> {
        // A place among the reads (the semaphore is never closed).
        let permit = reads.places.acquire().await.ok();
        let started = clock.now();
        let mut read = match source.kind {
            SourceKind::Feed => self.read_feed(&source, started).await,
            SourceKind::Page => self.read_page(&source, started).await,
            SourceKind::MastodonTag | SourceKind::MastodonPublic => {
                self.read_mastodon(&source, started).await
            }
            SourceKind::Bluesky | SourceKind::Jetstream => {
                self.read_stream(&source, clock, cancel).await
            }
        };
        // Read: the next source's read starts while this one is written.
        drop(permit);
        reads.unread.fetch_sub(1, Ordering::AcqRel);
        let now = clock.now();
        let last = read
            .as_mut()
            .map(|r| std::mem::take(&mut r.last))
            .unwrap_or_default();
        let mut settled = self.settle(&source, read, now).await;
        if !last.is_empty() {
            let wire_bytes = settled.record.wire_bytes.max(0) as u64;
            match self
                .ingest_with(&source, &last, now, Some(settled.record.clone()))
                .await
            {
                Ok(Some(stored)) => {
                    settled.outcome.new_items += stored;
                    return Ok(settled.outcome);
                }
                // Nothing new: the record is written alone, below.
                Ok(None) => {}
                // The items could not be stored: the read failed.
                Err(e) => {
                    settled = self
                        .settle(&source, Err(ReadError::new(e.to_string(), wire_bytes)), now)
                        .await;
                }
            }
        }
        let recorded = self
            .store
            .record_fetch(&self.id, source.id, now, &settled.record)
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
        Ok(settled.outcome)
    }

    /// What a read of `source` ending at `now` comes to: its fetch record
    /// (counters, validators, error, when to read it next, whether it is
    /// now dead) and the outcome counted in the pass.
    async fn settle(
        &self,
        source: &Source,
        read: Result<Read, ReadError>,
        now: DateTime<Utc>,
    ) -> Settled {
        let mut outcome = SourceOutcome::default();
        let mut more = false;
        let (mut rec, publications, retry_after) = match read {
            Ok(r) => {
                outcome.new_items = r.new_items;
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
            self.stored_rhythm(source, now).await
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
        Settled {
            record: rec.record,
            outcome,
        }
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
                // Parsing is CPU work (a few ms for a large feed): on the
                // background threads, which yield to the item writer and the
                // runtime's workers (the I/O of the other sources).
                let parsed = crate::background::run(move || {
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
                    Err(e) => return Err(ReadError::new(e, wire_bytes)),
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
                    new_items: 0,
                    more: false,
                    last: raws,
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
        let mut last = Vec::new();
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
                last.push(raw);
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
            new_items: 0,
            more: false,
            last,
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
        let mut new_items = 0;
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
            new_items += self
                .ingest(source, &raws, now)
                .await
                .map_err(|e| ReadError::new(e.to_string(), 0))?;
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
            more,
            last: Vec::new(),
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
        let mut new_items = 0;
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
                    new_items += self
                        .ingest(source, &batch, clock.now())
                        .await
                        .map_err(|e| ReadError::new(e.to_string(), 0))?;
                    batch.clear();
                }
                flush_at = tokio::time::Instant::now() + Duration::from_secs(1);
            }
        }
        if !batch.is_empty() {
            new_items += self
                .ingest(source, &batch, clock.now())
                .await
                .map_err(|e| ReadError::new(e.to_string(), 0))?;
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
                more: false,
                last: Vec::new(),
            }),
        }
    }

    /// Stores the items of a source that the workspace does not have yet,
    /// pending: the analysis stage ([`VeilleWorker::analyse_pending`]) gives
    /// them their language, sentiment, topics and story, indexes them and
    /// looks for spikes; it is woken now. Returns how many were stored.
    pub async fn ingest(
        &self,
        source: &Source,
        raws: &[RawItem],
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        Ok(self
            .ingest_with(source, raws, now, None)
            .await?
            .unwrap_or(0))
    }

    /// [`VeilleWorker::ingest`], recording `fetch` (the source's fetch at
    /// `now`) in the items' transaction. `None` when none of the items is
    /// new: nothing written, the fetch not recorded.
    async fn ingest_with(
        &self,
        source: &Source,
        raws: &[RawItem],
        now: DateTime<Utc>,
        fetch: Option<FetchRecord>,
    ) -> Result<Option<usize>, StoreError> {
        let ws = source.workspace_id;
        // Items already stored are not sent to the writer. A source that has
        // stored nothing yet (a new one: every source of an import) skips
        // the lookup: only another source's items could match, and the
        // insert drops those by itself (its conflict clause), so the lookup
        // would cost a query per new source for a few repeats.
        let known = if source.items_total == 0 {
            HashSet::new()
        } else {
            let keys: Vec<String> = raws.iter().map(|r| r.dedup_key.clone()).collect();
            self.store.known_dedup_keys(ws, &keys).await?
        };
        let mut seen = HashSet::new();
        let items: Vec<NewItem> = raws
            .iter()
            .filter(|r| !known.contains(&r.dedup_key) && seen.insert(r.dedup_key.as_str()))
            .map(|raw| pending_item(raw, now))
            .collect();
        if items.is_empty() {
            return Ok(None);
        }
        let (_, ids) = self
            .write_items(ws, Some((source.id, source.label())), items, now, fetch)
            .await;
        let stored = ids?.iter().flatten().count();
        if stored > 0 {
            self.wake.notify_one();
        }
        Ok(Some(stored))
    }

    /// The analysis stage: analyses every pending item (of every
    /// workspace), oldest first, in batches of [`ANALYSIS_BATCH`]: language,
    /// sentiment, topics through the workspace's matcher, story; records
    /// them with their topics and hourly volumes, indexes them (searchable
    /// when this returns) and looks for spikes in the topics they touched,
    /// in their hours that are the current one or the one just closed on
    /// the clock `now`. One run at a time in a process; items another
    /// process analysed first are skipped. A crash leaves items pending,
    /// analysed by the next run.
    pub async fn analyse_pending(&self, now: DateTime<Utc>) -> Result<Analysed, StoreError> {
        let _turn = self.analysing.lock().await;
        let mut done = Analysed::default();
        loop {
            let pending = self.store.pending_items(ANALYSIS_BATCH as i64).await?;
            let full = pending.len() == ANALYSIS_BATCH;
            if pending.is_empty() {
                break;
            }
            let (items, alerts) = self.analyse_batch(pending, now).await?;
            done.items += items;
            done.alerts += alerts;
            // A batch of which nothing was recorded (another process took
            // it) ends the run rather than reading it again.
            if !full || items == 0 {
                break;
            }
        }
        Ok(done)
    }

    async fn analyse_batch(
        &self,
        pending: Vec<PendingItem>,
        now: DateTime<Utc>,
    ) -> Result<(usize, usize), StoreError> {
        let mut matchers: HashMap<WorkspaceId, Arc<Compiled>> = HashMap::new();
        let mut workspaces: Vec<WorkspaceId> = pending.iter().map(|p| p.workspace_id).collect();
        workspaces.sort_unstable();
        workspaces.dedup();
        for ws in workspaces {
            matchers.insert(ws, self.matcher(ws).await?);
        }
        // Language, sentiment, the matcher and the clusterer are CPU work:
        // on a blocking thread, so the runtime stays free for the fetches,
        // and the items split across the cores (each item's analysis is its
        // own); then the stories, in the order the items were stored.
        let memory = Arc::clone(&self.memory);
        let work = tokio::task::spawn_blocking(move || {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let part = pending.len().div_ceil(threads).max(1);
            let matchers = &matchers;
            let analysed: Vec<(ItemAnalysis, String, u64)> = std::thread::scope(|scope| {
                let parts: Vec<_> = pending
                    .chunks(part)
                    .map(|items| {
                        scope.spawn(move || {
                            let mut scratch = Scratch::new();
                            let mut hits = Vec::new();
                            items
                                .iter()
                                .filter_map(|p| {
                                    let compiled = matchers.get(&p.workspace_id)?;
                                    let (a, whole) = analyse(p, compiled, &mut scratch, &mut hits);
                                    Some((a, whole, story_key(p.workspace_id, &p.dedup_key)))
                                })
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                parts
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            });
            let mut analyses = Vec::with_capacity(analysed.len());
            let mut memory = memory.lock().unwrap_or_else(|p| p.into_inner());
            for (mut a, whole, key) in analysed {
                let clusterer = memory
                    .clusterers
                    .entry(a.workspace_id)
                    .or_insert_with(|| Clusterer::new(ClusterParams::default()));
                a.cluster_id = clusterer.add(key, &whole).0 as i64;
                analyses.push(a);
            }
            (pending, analyses)
        })
        .await;
        let (pending, analyses) = match work {
            Ok(done) => done,
            Err(e) => return Err(StoreError::Stopped(format!("veille analysis: {e}"))),
        };
        let recorded = self.store.record_analyses(&analyses).await?;
        // The recent hours each topic gained items in: the current one and
        // the one just closed (items published in its last minutes often
        // arrive after it ended). Older hours are history, never alerts.
        let recent = hour_of(now) - ChronoDuration::hours(SPIKE_LATE_HOURS);
        let mut touched: HashMap<WorkspaceId, Vec<(TopicId, DateTime<Utc>)>> = HashMap::new();
        let mut docs = Vec::with_capacity(analyses.len());
        let mut pending: HashMap<ItemId, PendingItem> =
            pending.into_iter().map(|p| (p.id, p)).collect();
        for (a, ok) in analyses.into_iter().zip(recorded) {
            let Some(p) = pending.remove(&a.id).filter(|_| ok) else {
                continue;
            };
            let hour = hour_of(p.published_at);
            if hour >= recent {
                touched
                    .entry(p.workspace_id)
                    .or_default()
                    .extend(a.topics.iter().map(|&t| (t, hour)));
            }
            docs.push(ItemDoc {
                item_id: p.id.0,
                workspace_id: p.workspace_id.0,
                source_id: p.source_id.map_or(0, |s| s.0),
                topic_ids: a.topics.iter().map(|t| t.0).collect(),
                title: p.title,
                text: p.text,
                author: p.author,
                url: p.url,
                lang: a.lang,
                sentiment: Some(search_sentiment(a.polarity)),
                published_at: p.published_at,
            });
        }
        let analysed = docs.len();
        self.index_docs(docs).await;
        let mut alerts = 0;
        let mut touched: Vec<_> = touched.into_iter().collect();
        touched.sort_unstable_by_key(|(ws, _)| *ws);
        for (ws, mut hours) in touched {
            hours.sort_unstable();
            hours.dedup();
            alerts += self.check_spikes(ws, &hours).await?;
        }
        Ok((analysed, alerts))
    }

    /// Stores a source's new items through the group writer; gives them
    /// back with their ids (`None` for one another source stored first).
    async fn write_items(
        &self,
        ws: WorkspaceId,
        source: Option<(SourceId, String)>,
        items: Vec<NewItem>,
        at: DateTime<Utc>,
        fetch: Option<FetchRecord>,
    ) -> Written {
        let writer = self.writer.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(write_loop(self.store.clone(), self.id.clone(), rx));
            tx
        });
        let (reply, answer) = oneshot::channel();
        let job = WriteJob {
            workspace_id: ws,
            source,
            items,
            at,
            fetch,
            reply,
        };
        if let Err(mpsc::error::SendError(job)) = writer.send(job) {
            // The writer is gone (its runtime shut down): write directly.
            let ids = store_pending(&self.store, &self.id, &job).await;
            return (job.items, ids);
        }
        match answer.await {
            Ok(written) => written,
            // The writer stopped before answering (its runtime is shutting
            // down): the items are not known to be stored; the source is
            // read again later and its items deduplicated then.
            Err(_) => (
                Vec::new(),
                Err(StoreError::Stopped(
                    "the veille item writer stopped before answering".into(),
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

    /// Looks at each (topic, hour) pair, sorted, against the same hour of
    /// the previous days (all the volumes read in one query); records and
    /// tells each new alert.
    async fn check_spikes(
        &self,
        ws: WorkspaceId,
        hours: &[(TopicId, DateTime<Utc>)],
    ) -> Result<usize, StoreError> {
        let (Some(first), Some(last)) = (
            hours.iter().map(|&(_, h)| h).min(),
            hours.iter().map(|&(_, h)| h).max(),
        ) else {
            return Ok(0);
        };
        let days = i64::from(self.options.spike.window_days);
        let from = first - ChronoDuration::hours(24 * days);
        let mut topics: Vec<TopicId> = hours.iter().map(|&(t, _)| t).collect();
        topics.dedup();
        let volumes = self
            .store
            .topics_volume(&topics, from, last + ChronoDuration::hours(1))
            .await?;
        let mut new = 0;
        for &(topic, hour) in hours {
            let volumes = volumes.get(&topic).map_or(&[][..], Vec::as_slice);
            new += self.check_spike(ws, topic, hour, volumes).await?;
        }
        Ok(new)
    }

    /// One topic's spike check of the hour `current_hour`, from its hourly
    /// volumes over the window before it.
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

/// A new item as stage one stores it: normalised, pending analysis.
fn pending_item(raw: &RawItem, now: DateTime<Utc>) -> NewItem {
    NewItem {
        dedup_key: raw.dedup_key.clone(),
        url: raw.url.clone(),
        canonical_url: raw.canonical_url.clone(),
        title: raw.title.clone(),
        text: raw.text.clone(),
        author: raw.author.clone(),
        lang: raw.lang.clone(),
        lang_hint: raw.feed_lang.clone().flatten(),
        published_at: raw.published_at.unwrap_or(now).min(now),
        date_issue: raw.date_issue.clone(),
        polarity: Polarity::Neutral,
        sentiment: 0.0,
        cluster_id: 0,
        topics: Vec::new(),
    }
}

/// Analyses a pending item: language (the item's own, else detected from
/// its title and text, else its feed's), sentiment, topics. The story
/// (`cluster_id`) is left for the caller, which holds the workspace's
/// clusterer; the title and text joined, as the clusterer reads them, come
/// with the analysis.
fn analyse(
    p: &PendingItem,
    compiled: &Compiled,
    scratch: &mut Scratch,
    hits: &mut Vec<usize>,
) -> (ItemAnalysis, String) {
    let whole = if p.title.is_empty() {
        p.text.clone()
    } else {
        format!("{}\n{}", p.title, p.text)
    };
    let lang = p
        .lang
        .clone()
        .or_else(|| relais_fetch::item_lang(&p.title, &p.text, p.lang_hint.as_deref()));
    let sentiment = SentimentAnalyzer::shared().analyze(
        &whole,
        relais_veille::sentiment::Lang::for_code(lang.as_deref().unwrap_or("en")),
    );
    let host = |u: &str| {
        Url::parse(u)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
    };
    let site = p
        .url
        .as_deref()
        .and_then(host)
        .or_else(|| p.source_url.as_deref().and_then(host))
        .unwrap_or_default();
    let doc = Document {
        title: &p.title,
        text: &p.text,
        author: p.author.as_deref().unwrap_or(""),
        site: &site,
        lang: lang.as_deref().unwrap_or(""),
        source: &p.source_title,
    };
    hits.clear();
    compiled.matcher.matches(&doc, scratch, hits);
    let topics = hits
        .iter()
        .filter_map(|i| compiled.topics.get(*i).copied())
        .collect();
    let analysis = ItemAnalysis {
        id: p.id,
        workspace_id: p.workspace_id,
        lang,
        polarity: Polarity::parse(sentiment.polarity.as_str()).unwrap_or(Polarity::Neutral),
        sentiment: sentiment.score,
        cluster_id: 0,
        topics,
        published_at: p.published_at,
    };
    (analysis, whole)
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
    failed: bool,
}

/// A read settled: the fetch record to write and the outcome to count.
struct Settled {
    record: FetchRecord,
    outcome: SourceOutcome,
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
    /// More is waiting at the source now (a timeline's pages): read it
    /// again at once.
    more: bool,
    /// Items read and not stored yet: stored with the fetch record, in one
    /// transaction ([`VeilleWorker::read_source`]). Counted in `new_items`
    /// once stored.
    last: Vec<RawItem>,
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
            more: false,
            last: Vec::new(),
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
