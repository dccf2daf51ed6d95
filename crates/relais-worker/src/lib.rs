//! The publishing worker: leases account queues that have due posts, claims
//! each delivery before sending it, publishes its parts in order through the
//! account's connector, and records every outcome in the outbox.
//!
//! Exactly once, whatever happens:
//! - a delivery is sent only after a claim naming the version it read and the
//!   queue lease this worker holds; cancelled, rescheduled or deleted
//!   deliveries lose the claim and never fire;
//! - every part carries an idempotency key stored at scheduling time (a
//!   Bluesky record key, a Mastodon `Idempotency-Key`), so a retry after a
//!   crash or a lost answer cannot create a second post;
//! - a delivery whose answer was lost, or whose worker died while sending, is
//!   reconciled (`Connector::find`) before anything else is sent;
//! - one account is published by one worker at a time (the queue lease, renewed
//!   by a heartbeat and released on shutdown).

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use relais_auth::vault::Vault;
use relais_connect::{
    ClientOptions, Connector, ConnectorError, Credentials, LinkCard, MediaBlob, PostOptions,
    PublishRequest, RemoteRef, ReplyTo, Visibility,
};
use relais_core::publish::{lateness, quota, Lateness, Retry, RetryPolicy};
use relais_core::{AccountId, Network};
use relais_store::{
    ClaimRequest, Claimed, Delivery, DeliveryPart, Outcome, PartRecord, RemotePost, Store, Told,
};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

mod background;
mod notify;
pub mod veille;
pub use notify::Notifier;

/// How the worker behaves (from `[publish]` in the configuration).
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Names this worker in leases and timelines (`host:pid:random`).
    pub id: String,
    pub poll_interval: std::time::Duration,
    pub lease: std::time::Duration,
    pub max_accounts: usize,
    pub grace: Duration,
    pub retry: RetryPolicy,
    /// Delay before reconciling a delivery whose answer was lost.
    pub reconcile_after: Duration,
    pub client: ClientOptions,
}

impl WorkerOptions {
    pub fn from_config(c: &relais_config::PublishConfig) -> WorkerOptions {
        WorkerOptions {
            id: worker_id(),
            poll_interval: std::time::Duration::from_millis(c.poll_interval_ms),
            lease: std::time::Duration::from_secs(c.lease_secs),
            max_accounts: usize::try_from(c.max_accounts).unwrap_or(64).max(1),
            grace: relais_store::grace(c.grace_minutes.saturating_mul(60)),
            retry: RetryPolicy {
                base_secs: c.retry_base_secs,
                max_delay_secs: c.retry_max_delay_secs,
                deadline_secs: c.retry_deadline_secs,
            },
            reconcile_after: Duration::seconds(2),
            client: ClientOptions {
                timeout: std::time::Duration::from_secs(c.request_timeout_secs),
                ..ClientOptions::default()
            },
        }
    }
}

/// `hostname:pid:random`, unique per process start.
pub fn worker_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into());
    let tag: u32 = rand::thread_rng().gen();
    format!("{host}:{}:{tag:08x}", std::process::id())
}

/// A connector with the sealed credentials it was built from.
type Cached = (String, Arc<dyn Connector>);

/// The worker. Cheap to clone; every clone shares the connector cache.
#[derive(Clone)]
pub struct Worker {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    vault: Arc<Vault>,
    media: relais_media::MediaStore,
    options: WorkerOptions,
    notifier: Notifier,
    /// Connectors by account, with the sealed credentials they were built from.
    connectors: Mutex<HashMap<AccountId, Cached>>,
    /// Accounts this worker is publishing for now (their leases are renewed).
    active: Mutex<HashSet<AccountId>>,
    /// The group commit of claims and published parts while [`Worker::run`]
    /// runs.
    writer: Mutex<Option<Writer>>,
}

/// A write waiting for the group commit, and who waits for its answer.
enum WriteJob {
    /// A published part to record.
    Record(
        PartRecord,
        tokio::sync::oneshot::Sender<relais_store::Result<()>>,
    ),
    /// A due delivery to claim, just before it is sent.
    Claim(
        ClaimRequest,
        tokio::sync::oneshot::Sender<relais_store::Result<Option<Claimed>>>,
    ),
}
type Writer = tokio::sync::mpsc::UnboundedSender<WriteJob>;

/// When the network said no request is left before a reset still to come:
/// that reset.
fn exhausted(connector: &dyn Connector) -> Option<DateTime<Utc>> {
    connector
        .rate_limit()
        .filter(|rl| rl.remaining == 0 && rl.reset_at > Utc::now())
        .map(|rl| rl.reset_at)
}

/// How many due deliveries of an account are read at once.
const READ_AHEAD: i64 = 16;

/// The most writes (records and claims) one group commit makes.
const WRITE_BATCH: usize = 256;

/// The worker's group commit. Each account's task waits for its write (a
/// published part to record, or its next delivery to claim) as it would for
/// its own transaction, but the writes that arrived meanwhile share one
/// transaction ([`Store::write_batch`]; on SQLite, one turn of the single
/// writer instead of one each). A failed batch is retried one write at a
/// time, so one bad write cannot fail the others.
async fn write_in_batches(
    store: Store,
    owner: String,
    mut jobs: tokio::sync::mpsc::UnboundedReceiver<WriteJob>,
) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < WRITE_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut records = Vec::new();
        let mut recorded = Vec::new();
        let mut claims = Vec::new();
        let mut claiming = Vec::new();
        for job in batch {
            match job {
                WriteJob::Record(r, done) => {
                    records.push(r);
                    recorded.push(done);
                }
                WriteJob::Claim(c, done) => {
                    claims.push(c);
                    claiming.push(done);
                }
            }
        }
        match store
            .write_batch(&owner, &records, &claims, Utc::now())
            .await
        {
            Ok(claimed) => {
                for done in recorded {
                    let _ = done.send(Ok(()));
                }
                for (one, done) in claimed.into_iter().zip(claiming) {
                    let _ = done.send(Ok(one));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, records = records.len(), claims = claims.len(), "a group commit failed; making its writes one at a time");
                for (r, done) in records.iter().zip(recorded) {
                    let one = store.record_parts(std::slice::from_ref(r)).await;
                    let _ = done.send(one);
                }
                for (c, done) in claims.iter().zip(claiming) {
                    let one = store
                        .claim_read(&owner, c.id, c.version, c.maybe_sent, Utc::now())
                        .await;
                    let _ = done.send(one);
                }
            }
        }
    }
}

/// What one pass over the due queues did (for tests and the benchmark).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassStats {
    pub accounts: usize,
}

impl Worker {
    pub fn new(
        store: Store,
        vault: Arc<Vault>,
        media: relais_media::MediaStore,
        options: WorkerOptions,
        notifier: Notifier,
    ) -> Worker {
        Worker {
            inner: Arc::new(Inner {
                store,
                vault,
                media,
                options,
                notifier,
                connectors: Mutex::new(HashMap::new()),
                active: Mutex::new(HashSet::new()),
                writer: Mutex::new(None),
            }),
        }
    }

    pub fn id(&self) -> &str {
        &self.inner.options.id
    }

    /// Runs until `cancel` fires: leases due queues, publishes, renews its
    /// leases, and on shutdown finishes the posts in progress and gives its
    /// queues back.
    pub async fn run(&self, cancel: CancellationToken) {
        tracing::info!(worker = self.id(), "publishing worker started");
        let (jobs, queue) = tokio::sync::mpsc::unbounded_channel();
        let recording = tokio::spawn(write_in_batches(
            self.inner.store.clone(),
            self.inner.options.id.clone(),
            queue,
        ));
        if let Ok(mut r) = self.inner.writer.lock() {
            *r = Some(jobs);
        }
        let mut tasks: JoinSet<()> = JoinSet::new();
        // Leasing searches every queue. While accounts are being served, it
        // waits until a few slots are free, so that a burst costs one search
        // per several accounts rather than one per account that finishes.
        let refill = (self.inner.options.max_accounts / 8).max(1);
        let heartbeat = {
            let me = self.clone();
            let cancel = cancel.clone();
            tokio::spawn(async move { me.heartbeat(cancel).await })
        };
        loop {
            if cancel.is_cancelled() {
                break;
            }
            let room = self.inner.options.max_accounts.saturating_sub(tasks.len());
            let mut leased = Vec::new();
            if room > 0 && (room >= refill || tasks.is_empty()) {
                match self.lease(room).await {
                    Ok(accounts) => leased = accounts,
                    Err(e) => tracing::error!(error = %e, "leasing due posts failed"),
                }
            }
            for account in &leased {
                let me = self.clone();
                let cancel = cancel.clone();
                let account = *account;
                tasks.spawn(async move { me.serve_account(account, cancel).await });
            }
            // Wait for the poll interval, a finished account, or shutdown;
            // when the batch was full there may be more due: look again soon.
            let wait = if leased.len() >= room && room > 0 {
                std::time::Duration::from_millis(5)
            } else {
                self.inner.options.poll_interval
            };
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = tokio::time::sleep(wait) => {}
                Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                    if let Err(e) = done {
                        tracing::error!(error = %e, "a publishing task stopped abnormally");
                    }
                }
            }
            while let Some(done) = tasks.try_join_next() {
                if let Err(e) = done {
                    tracing::error!(error = %e, "a publishing task stopped abnormally");
                }
            }
        }
        // Graceful: the tasks see the cancellation between posts and release.
        while let Some(done) = tasks.join_next().await {
            if let Err(e) = done {
                tracing::error!(error = %e, "a publishing task stopped abnormally");
            }
        }
        heartbeat.abort();
        // Every task is done: the last parts are committed, then it stops.
        if let Ok(mut r) = self.inner.writer.lock() {
            *r = None;
        }
        if let Err(e) = recording.await {
            tracing::error!(error = %e, "the group commit of the worker stopped abnormally");
        }
        tracing::info!(worker = self.id(), "publishing worker stopped");
    }

    /// Leases up to `n` due queues and marks them active.
    async fn lease(&self, n: usize) -> relais_store::Result<Vec<AccountId>> {
        let now = Utc::now();
        let until = now + to_chrono(self.inner.options.lease);
        let accounts = self
            .inner
            .store
            .lease_queues(&self.inner.options.id, now, until, n as i64)
            .await?;
        if let Ok(mut active) = self.inner.active.lock() {
            active.extend(accounts.iter().copied());
        }
        Ok(accounts)
    }

    /// Renews the leases of the active accounts every third of the lease.
    async fn heartbeat(&self, cancel: CancellationToken) {
        let every = self.inner.options.lease / 3;
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(every) => {}
            }
            let accounts: Vec<AccountId> = match self.inner.active.lock() {
                Ok(a) => a.iter().copied().collect(),
                Err(_) => return,
            };
            if accounts.is_empty() {
                continue;
            }
            let until = Utc::now() + to_chrono(self.inner.options.lease);
            match self
                .inner
                .store
                .renew_leases(&self.inner.options.id, &accounts, until)
                .await
            {
                Ok(kept) => {
                    // A queue given back meanwhile (its task finished) is not
                    // lost: only one still served here and not renewed is.
                    let lost = match self.inner.active.lock() {
                        Ok(active) => accounts
                            .iter()
                            .filter(|a| active.contains(a) && !kept.contains(a))
                            .count(),
                        Err(_) => 0,
                    };
                    if lost > 0 {
                        tracing::warn!(
                            lost,
                            "some queue leases were lost (another worker took them after expiry)"
                        );
                    }
                }
                Err(e) => tracing::error!(error = %e, "renewing queue leases failed"),
            }
        }
    }

    /// Publishes an account's due deliveries one at a time, then gives the
    /// queue back.
    async fn serve_account(&self, account: AccountId, cancel: CancellationToken) {
        if let Err(e) = self.drain(account, &cancel).await {
            tracing::error!(account = account.0, error = %e, "publishing for an account failed; its lease will expire and another pass will resume");
        }
        if let Ok(mut active) = self.inner.active.lock() {
            active.remove(&account);
        }
        if let Err(e) = self
            .inner
            .store
            .release_queue(&self.inner.options.id, account)
            .await
        {
            tracing::error!(account = account.0, error = %e, "releasing a queue failed");
        }
    }

    async fn drain(
        &self,
        account: AccountId,
        cancel: &CancellationToken,
    ) -> anyhow_like::Result<()> {
        let store = &self.inner.store;
        let mut quota_left: Option<(i64, i64)> = None; // (left, window secs)
                                                       // The account's connector, looked up once per lease while all goes well.
        let mut connector: Option<Arc<dyn Connector>> = None;
        // Due deliveries read ahead (each is still claimed before it is sent),
        // and whether any of the last read won its claim.
        let mut due: std::collections::VecDeque<Delivery> = std::collections::VecDeque::new();
        let mut claimed_any = true;
        let mut more = true;
        loop {
            if cancel.is_cancelled() {
                return Ok(());
            }
            let now = Utc::now();
            if due.is_empty() {
                if !claimed_any || !more {
                    // Every claim of the last read lost (the lease is gone, or
                    // they all changed), or the last read had all that was
                    // due: give the queue back, the next pass looks again.
                    return Ok(());
                }
                let read = store.due_deliveries(account, now, READ_AHEAD).await?;
                more = read.len() as i64 >= READ_AHEAD;
                due.extend(read);
                claimed_any = false;
            }
            let Some(d) = due.pop_front() else {
                return Ok(());
            };
            // Downtime: never attempted and too late → missed, the team told.
            if d.state == relais_core::publish::DeliveryState::Pending
                && d.attempts == 0
                && lateness(now, d.due_at, self.inner.options.grace) == Lateness::Missed
            {
                let detail = format!(
                    "due at {} ({} {}), more than {} minutes before relais could send it",
                    d.due_at.format("%Y-%m-%d %H:%M UTC"),
                    d.local_time.replace('T', " "),
                    d.timezone,
                    self.inner.options.grace.num_minutes()
                );
                if let Some(told) = store
                    .mark_missed(&self.inner.options.id, d.id, d.version, &detail)
                    .await?
                {
                    claimed_any = true;
                    self.inner.notifier.send(&self.inner.store, told).await;
                }
                continue;
            }
            // The account's own quota, counted once per lease.
            if quota_left.is_none() {
                if let Some(q) = quota(d.network) {
                    let since = now - Duration::seconds(q.window_secs as i64);
                    let used = store.published_since(account, since).await?;
                    quota_left = Some((i64::from(q.posts) - used, q.window_secs as i64));
                }
            }
            if let Some((left, window)) = quota_left {
                if left <= 0 {
                    let until = now + Duration::seconds((window / 20).max(60));
                    store
                        .pause_queue(
                            account,
                            until,
                            "quota: the network's posting limit per account",
                        )
                        .await?;
                    return Ok(());
                }
            }
            let maybe_sent = d.state != relais_core::publish::DeliveryState::Pending;
            let claim = ClaimRequest {
                id: d.id,
                version: d.version,
                maybe_sent,
            };
            let Some(claimed) = self.claim(claim).await? else {
                // Cancelled, rescheduled or deleted meanwhile, or the lease was
                // lost: nothing is sent.
                continue;
            };
            claimed_any = true;
            let sent = self.deliver(account, claimed, &mut connector).await?;
            // No requests left: the queue is paused until the reset (see
            // `respect_rate_limit`); give it back rather than send into a 429.
            if connector.as_deref().and_then(exhausted).is_some() {
                return Ok(());
            }
            if let Some((left, _)) = quota_left.as_mut() {
                *left -= sent;
            }
        }
    }

    /// Sends one claimed delivery's remaining parts. Returns how many parts
    /// were published now.
    async fn deliver(
        &self,
        account: AccountId,
        claimed: Claimed,
        cached: &mut Option<Arc<dyn Connector>>,
    ) -> anyhow_like::Result<i64> {
        let store = &self.inner.store;
        let worker = self.inner.options.id.as_str();
        let Claimed {
            delivery,
            parts,
            maybe_sent,
        } = claimed;
        let started = Utc::now();
        let position = delivery.parts_done;
        let looked_up = match cached.take() {
            Some(c) => Ok(c),
            None => self.connector(account).await,
        };
        let connector = match looked_up {
            Ok(c) => c,
            Err(Blocked::Failed(detail)) => {
                let told = store
                    .finish_attempt(
                        worker,
                        delivery.id,
                        position,
                        started,
                        &Outcome::Failed { detail },
                    )
                    .await?;
                self.tell(told).await;
                return Ok(0);
            }
            Err(Blocked::Wait(detail)) => {
                let outcome = self.retry_outcome(&delivery, None, detail, false);
                let told = store
                    .finish_attempt(worker, delivery.id, position, started, &outcome)
                    .await?;
                self.tell(told).await;
                return Ok(0);
            }
        };
        let mut published: Vec<Option<RemoteRef>> = parts
            .iter()
            .map(|p| {
                p.remote.as_ref().map(|r| RemoteRef {
                    id: r.id.clone(),
                    cid: r.cid.clone(),
                    url: r.url.clone(),
                })
            })
            .collect();
        let first_attempt = delivery.first_attempt_at.unwrap_or(started);
        let mut sent_now = 0;
        for (i, part) in parts.iter().enumerate() {
            if published[i].is_some() {
                continue;
            }
            let part_started = Utc::now();
            let req = match self
                .request(&delivery, part, &published, first_attempt)
                .await
            {
                Ok(r) => r,
                Err(detail) => {
                    let told = store
                        .finish_attempt(
                            worker,
                            delivery.id,
                            part.position,
                            part_started,
                            &Outcome::Failed { detail },
                        )
                        .await?;
                    self.tell(told).await;
                    return Ok(sent_now);
                }
            };
            // The part that may already be out: ask the network first.
            let mut reconciled = false;
            let mut found = None;
            if maybe_sent && i as i64 == position {
                match connector.find(&req).await {
                    Ok(Some(r)) => {
                        found = Some(r);
                        reconciled = true;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        return self
                            .failed_call(
                                account,
                                &delivery,
                                part,
                                part_started,
                                e,
                                true,
                                &*connector,
                            )
                            .await
                            .map(|_| sent_now);
                    }
                }
            }
            let result = match found {
                Some(r) => Ok(r),
                None => connector.publish(&req).await,
            };
            self.keep_credentials(account, &*connector).await;
            match result {
                Ok(remote) => {
                    self.record(PartRecord {
                        delivery: delivery.id,
                        position: part.position,
                        remote: RemotePost {
                            id: remote.id.clone(),
                            cid: remote.cid.clone(),
                            url: remote.url.clone(),
                        },
                        reconciled,
                        last: i + 1 == parts.len(),
                        worker: worker.to_string(),
                        started_at: part_started,
                    })
                    .await?;
                    published[i] = Some(remote);
                    sent_now += 1;
                }
                Err(e) => {
                    return self
                        .failed_call(
                            account,
                            &delivery,
                            part,
                            part_started,
                            e,
                            false,
                            &*connector,
                        )
                        .await
                        .map(|_| sent_now);
                }
            }
            if let Some(reset) = self.respect_rate_limit(account, &*connector).await? {
                if let Some(next) = parts.get(i + 1) {
                    // The rest of the thread waits for the network's reset.
                    let outcome = Outcome::Retry {
                        at: reset,
                        detail: "rate limited: no requests left until the reset".into(),
                        rate_limited: true,
                    };
                    let told = store
                        .finish_attempt(worker, delivery.id, next.position, Utc::now(), &outcome)
                        .await?;
                    self.tell(told).await;
                    *cached = Some(connector.clone());
                    return Ok(sent_now);
                }
            }
        }
        *cached = Some(connector.clone());
        if sent_now == 0 {
            // Every part was already out (recorded before a crash): close it.
            let told = store
                .finish_attempt(worker, delivery.id, position, started, &Outcome::Published)
                .await?;
            self.tell(told).await;
        }
        Ok(sent_now)
    }

    /// Claims a due delivery just before it is sent, and returns once the
    /// claim is committed: through the group commit while the worker runs,
    /// else on its own. `None`: it changed meanwhile or the lease is gone.
    async fn claim(&self, claim: ClaimRequest) -> anyhow_like::Result<Option<Claimed>> {
        let writer = self.inner.writer.lock().ok().and_then(|r| r.clone());
        if let Some(writer) = writer {
            let (done, committed) = tokio::sync::oneshot::channel();
            if writer.send(WriteJob::Claim(claim, done)).is_ok() {
                if let Ok(result) = committed.await {
                    return result;
                }
            }
        }
        self.inner
            .store
            .claim_read(
                &self.inner.options.id,
                claim.id,
                claim.version,
                claim.maybe_sent,
                Utc::now(),
            )
            .await
    }

    /// Records a published part and returns once it is committed: through the
    /// group commit while the worker runs, else on its own.
    async fn record(&self, record: PartRecord) -> anyhow_like::Result<()> {
        let writer = self.inner.writer.lock().ok().and_then(|r| r.clone());
        if let Some(writer) = writer {
            let (done, committed) = tokio::sync::oneshot::channel();
            if writer.send(WriteJob::Record(record.clone(), done)).is_ok() {
                if let Ok(result) = committed.await {
                    return result;
                }
            }
        }
        self.inner.store.record_parts(&[record]).await
    }

    /// Records a failed call by its class.
    #[allow(clippy::too_many_arguments)]
    async fn failed_call(
        &self,
        account: AccountId,
        delivery: &Delivery,
        part: &DeliveryPart,
        started: DateTime<Utc>,
        error: ConnectorError,
        reconciling: bool,
        connector: &dyn Connector,
    ) -> anyhow_like::Result<()> {
        let store = &self.inner.store;
        let worker = self.inner.options.id.as_str();
        let which = part_label(part, delivery);
        let outcome = match error {
            ConnectorError::Retryable {
                reason,
                retry_after,
                status,
            } => {
                let rate_limited = status == Some(429);
                if rate_limited {
                    let until = Utc::now()
                        + retry_after
                            .and_then(|d| Duration::from_std(d).ok())
                            .unwrap_or_else(|| Duration::seconds(60));
                    store
                        .pause_queue(account, until, &format!("rate limited: {reason}"))
                        .await?;
                }
                match self.retry_outcome(delivery, retry_after, format!("{which}: {reason}"), rate_limited) {
                    // While reconciling, the post may exist: stay unconfirmed so
                    // the next attempt asks the network again before sending.
                    Outcome::Retry { at, detail, .. } if reconciling => Outcome::Unconfirmed { at, detail },
                    other => other,
                }
            }
            ConnectorError::Unconfirmed { reason } => Outcome::Unconfirmed {
                at: Utc::now() + self.inner.options.reconcile_after,
                detail: format!("{which}: {reason} — relais will check whether it was published before sending anything again"),
            },
            ConnectorError::Auth { reason } => {
                if let Some(told) = store.set_reconnect_needed(account, Some(&reason)).await? {
                    self.inner.notifier.send(store, told).await;
                }
                self.forget(account);
                Outcome::Failed {
                    detail: format!("{which}: the network refused the account's credentials ({reason}); reconnect the account"),
                }
            }
            ConnectorError::Rejected { reason } => Outcome::Failed {
                detail: if reconciling {
                    format!("{which}: {reason}")
                } else {
                    format!("{which}: the network refused the post ({reason})")
                },
            },
        };
        let _ = connector;
        let told = store
            .finish_attempt(worker, delivery.id, part.position, started, &outcome)
            .await?;
        self.tell(told).await;
        Ok(())
    }

    /// The next attempt after a temporary failure, or failure at the deadline.
    fn retry_outcome(
        &self,
        delivery: &Delivery,
        retry_after: Option<std::time::Duration>,
        detail: String,
        rate_limited: bool,
    ) -> Outcome {
        let jitter: f64 = rand::thread_rng().gen();
        let attempts = u32::try_from(delivery.attempts).unwrap_or(u32::MAX);
        match self.inner.options.retry.next(
            Utc::now(),
            delivery.due_at,
            attempts,
            jitter,
            retry_after,
        ) {
            Retry::At(at) => Outcome::Retry {
                at,
                detail,
                rate_limited,
            },
            Retry::GiveUp => Outcome::Failed {
                detail: format!(
                    "gave up after {} attempts, {} hours after its time: {detail}",
                    delivery.attempts,
                    self.inner.options.retry.deadline_secs / 3600
                ),
            },
        }
    }

    /// Pauses the queue when the network says no requests are left.
    async fn respect_rate_limit(
        &self,
        account: AccountId,
        connector: &dyn Connector,
    ) -> anyhow_like::Result<Option<DateTime<Utc>>> {
        let Some(reset) = exhausted(connector) else {
            return Ok(None);
        };
        self.inner
            .store
            .pause_queue(
                account,
                reset,
                "rate limited: no requests left until the reset",
            )
            .await?;
        Ok(Some(reset))
    }

    /// The connector of an account, built from its stored credentials (cached
    /// while they do not change).
    async fn connector(&self, account: AccountId) -> Result<Arc<dyn Connector>, Blocked> {
        let conn = match self.inner.store.connection(account).await {
            Ok(Some(c)) => c,
            Ok(None) => {
                return Err(Blocked::Failed(
                    "the account is not connected to its network: connect it on the accounts page, then schedule again".into(),
                ))
            }
            Err(e) => return Err(Blocked::Wait(format!("database: {e}"))),
        };
        if conn.reconnect_needed {
            return Err(Blocked::Failed(format!(
                "the account needs reconnecting ({}); reconnect it, then schedule again",
                conn.health_reason
            )));
        }
        if let Ok(cache) = self.inner.connectors.lock() {
            if let Some((sealed, c)) = cache.get(&account) {
                if *sealed == conn.sealed_credentials {
                    return Ok(c.clone());
                }
            }
        }
        let plain = self
            .inner
            .vault
            .open(&conn.sealed_credentials, &credentials_context(account))
            .map_err(|e| {
                Blocked::Failed(format!("the stored credentials cannot be opened: {e}"))
            })?;
        let creds: Credentials = serde_json::from_slice(&plain)
            .map_err(|_| Blocked::Failed("the stored credentials are not readable".into()))?;
        let connector = relais_connect::connect(creds, &self.inner.options.client)
            .map_err(|e| Blocked::Failed(e.to_string()))?;
        if let Ok(mut cache) = self.inner.connectors.lock() {
            cache.insert(account, (conn.sealed_credentials, connector.clone()));
        }
        Ok(connector)
    }

    fn forget(&self, account: AccountId) {
        if let Ok(mut cache) = self.inner.connectors.lock() {
            cache.remove(&account);
        }
    }

    /// Stores a refreshed session (sealed) so a restart does not log in again.
    async fn keep_credentials(&self, account: AccountId, connector: &dyn Connector) {
        let Some(creds) = connector.updated_credentials() else {
            return;
        };
        let Ok(json) = serde_json::to_vec(&creds) else {
            return;
        };
        let sealed = self.inner.vault.seal(&json, &credentials_context(account));
        match self
            .inner
            .store
            .update_sealed_credentials(account, &sealed)
            .await
        {
            Ok(()) => {
                if let Ok(mut cache) = self.inner.connectors.lock() {
                    if let Some(entry) = cache.get_mut(&account) {
                        entry.0 = sealed;
                    }
                }
            }
            Err(e) => {
                tracing::warn!(account = account.0, error = %e, "could not store a refreshed session")
            }
        }
    }

    /// The request for one part: its text, media bytes, key and reply refs.
    async fn request(
        &self,
        delivery: &Delivery,
        part: &DeliveryPart,
        published: &[Option<RemoteRef>],
        first_attempt: DateTime<Utc>,
    ) -> Result<PublishRequest, String> {
        let mut media = Vec::with_capacity(part.media.len());
        for m in &part.media {
            let record = self
                .inner
                .store
                .get_media(delivery.workspace_id, m.media_id)
                .await
                .map_err(|e| format!("media {}: {e}", m.media_id.0))?
                .ok_or_else(|| format!("media {} was deleted from the library", m.media_id.0))?;
            let path = self
                .inner
                .media
                .path(&record.sha256)
                .ok_or_else(|| format!("media {} has no stored file", m.media_id.0))?;
            let bytes = tokio::fs::read(&path)
                .await
                .map_err(|e| format!("media {} cannot be read: {e}", m.media_id.0))?;
            media.push(MediaBlob {
                bytes: Arc::new(bytes),
                mime: record.mime.clone(),
                alt: m.alt.clone(),
                width: record.width,
                height: record.height,
            });
        }
        let reply_to = if part.position > 0 {
            let root = published.first().cloned().flatten();
            let parent = published.get(part.position as usize - 1).cloned().flatten();
            match (root, parent) {
                (Some(root), Some(parent)) => Some(ReplyTo { root, parent }),
                _ => return Err("an earlier part of the thread is not published".into()),
            }
        } else {
            None
        };
        let o = &delivery.options;
        let options = PostOptions {
            visibility: match o.visibility.as_str() {
                "unlisted" => Visibility::Unlisted,
                "private" => Visibility::Private,
                "direct" => Visibility::Direct,
                _ => Visibility::Public,
            },
            content_warning: o.content_warning.clone(),
            language: Some(o.language.clone()).filter(|l| !l.is_empty()),
            link_card: (!o.link_card_url.is_empty() && part.position == 0).then(|| LinkCard {
                uri: o.link_card_url.clone(),
                title: o.link_card_title.clone(),
                description: o.link_card_description.clone(),
            }),
        };
        Ok(PublishRequest {
            text: part.body.clone(),
            media,
            idempotency_key: part.idempotency_key.clone(),
            first_attempt_at: first_attempt,
            reply_to,
            options,
        })
    }

    async fn tell(&self, told: Option<Told>) {
        if let Some(t) = told {
            self.inner.notifier.send(&self.inner.store, t).await;
        }
    }
}

/// Why a delivery cannot be sent right now.
enum Blocked {
    /// It never can as things stand (not connected, reconnect needed).
    Failed(String),
    /// Later may work (the database hiccupped).
    Wait(String),
}

/// The associated data that binds sealed credentials to their account.
pub fn credentials_context(account: AccountId) -> String {
    format!("account-credentials:{}", account.0)
}

fn part_label(part: &DeliveryPart, delivery: &Delivery) -> String {
    let network = match delivery.network {
        Network::Bluesky => "Bluesky",
        Network::Mastodon => "Mastodon",
        other => other.label(),
    };
    match part.kind {
        relais_core::publish::PartKind::Post => format!("{network}, post"),
        relais_core::publish::PartKind::ThreadPart => {
            format!("{network}, thread part {}", part.position + 1)
        }
        relais_core::publish::PartKind::FirstComment => format!("{network}, first comment"),
    }
}

fn to_chrono(d: std::time::Duration) -> Duration {
    Duration::from_std(d).unwrap_or_else(|_| Duration::seconds(30))
}

/// The worker's error type: store errors (the only ones that stop a pass).
mod anyhow_like {
    pub type Result<T> = std::result::Result<T, relais_store::StoreError>;
}
