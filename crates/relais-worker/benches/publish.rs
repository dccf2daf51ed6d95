//! The publishing speed target of issue 4, measured end to end: 10,000 posts
//! across 1,000 Mastodon accounts, published by the real worker from a real
//! database (SQLite file, then PostgreSQL when a server is given) to the
//! loopback Mastodon server in benchmark mode (nothing recorded, no rate
//! limit: "an endpoint that answers at once"), on the machine's cores.
//!
//! Setup, for each run, on a fresh database: 1,000 accounts in 10 workspaces,
//! each connected (credentials sealed with the vault); 10,000 entries (ten per
//! account, one post each) imported as approved, then scheduled through the
//! status transition (`set_entries_status`, one transaction per workspace),
//! which writes the deliveries and their idempotency keys. Their due times
//! start a few seconds after the setup ends:
//! - `spread`: spread evenly over one minute (167 due per second);
//! - `burst`: all at the same instant (a calendar of minute-precise times
//!   where everyone chose 09:00).
//!
//! Then the worker starts (the defaults of `[publish]`, `max_accounts` varied)
//! and every post is timed: lateness = the instant the server created the
//! status − the due time (also shown with the instant relais recorded it,
//! `delivery_parts.published_at`); throughput = posts / (last − first
//! creation). Each run also checks that every delivery is published and that
//! the server holds exactly one status per idempotency key.
//!
//! Targets (SQLite): p99 lateness ≤ 1 s; ≥ 2,000 publications/s. Anchors:
//! Mixpost polls once a minute (up to 60 s late); Postiz users report 1–3
//! minutes from queue to published.
//!
//! Run: `cargo bench -p relais-worker --bench publish` (or
//! `bash bench/publish.sh`, which also starts a throw-away PostgreSQL).
//! `-- --quick` (or `BENCH_QUICK=1`): 1,000 posts on 100 accounts, 10 s spread,
//! for a smoke test. Settings (environment):
//!   BENCH_POSTS (10000), BENCH_ACCOUNTS (1000), BENCH_WORKSPACES (10),
//!   BENCH_MODES ("spread burst"), BENCH_SPREAD_SECS (60),
//!   BENCH_MAX_ACCOUNTS ("64", the default of `publish.max_accounts`), BENCH_LEAD_SECS (5),
//!   BENCH_BACKENDS ("sqlite", plus "postgres" when a URL is set),
//!   BENCH_POSTGRES_URL or TEST_POSTGRES_URL (an admin URL: a fresh database
//!   is created and dropped per run), BENCH_DB_CONNECTIONS (8, the default
//!   `database.max_connections`), BENCH_PROFILE=1 (count the SQL statements
//!   and their time per post; slows the run down).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, SubsecRound, Utc};
use relais_auth::vault::{SecretKey, Vault};
use relais_connect::testing::mastodon::MastodonServer;
use relais_connect::Credentials;
use relais_core::entry::{EntryContent, Status};
use relais_core::model::Actor;
use relais_core::publish::DeliveryState;
use relais_core::{AccountId, EntryId, Network, WorkspaceId};
use relais_store::{ConnectOptions, Store};
use relais_worker::{credentials_context, Notifier, Worker, WorkerOptions};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio_util::sync::CancellationToken;

const TARGET_P99_SECS: f64 = 1.0;
const TARGET_RATE: f64 = 2_000.0;
const MIXPOST_WORST_SECS: f64 = 60.0;
const POSTIZ_SECS: (f64, f64) = (60.0, 180.0);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// Due times spread evenly over this many seconds.
    Spread(f64),
    /// All due at the same instant.
    Burst,
}

impl Mode {
    fn label(self) -> String {
        match self {
            Mode::Spread(s) => format!("spread {s:.0}s"),
            Mode::Burst => "burst".into(),
        }
    }
    fn span(self) -> f64 {
        match self {
            Mode::Spread(s) => s,
            Mode::Burst => 0.0,
        }
    }
}

#[derive(Debug, Clone)]
struct Settings {
    posts: usize,
    accounts: usize,
    workspaces: usize,
    modes: Vec<Mode>,
    max_accounts: Vec<usize>,
    lead_secs: f64,
    backends: Vec<String>,
    pg_url: Option<String>,
    connections: u32,
    profile: bool,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a valid value")),
        _ => default,
    }
}

fn env_list(name: &str, default: &str) -> Vec<String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

impl Settings {
    fn from_env() -> Settings {
        let quick = std::env::args().any(|a| a == "--quick")
            || std::env::var("BENCH_QUICK").is_ok_and(|v| v == "1");
        let (posts, accounts, workspaces, spread, max) = if quick {
            (1_000, 100, 2, 10.0, "64")
        } else {
            (10_000, 1_000, 10, 60.0, "64")
        };
        let spread: f64 = env_or("BENCH_SPREAD_SECS", spread);
        let modes = env_list("BENCH_MODES", "spread burst")
            .iter()
            .map(|m| match m.as_str() {
                "spread" => Mode::Spread(spread),
                "burst" => Mode::Burst,
                other => panic!("BENCH_MODES: unknown mode {other:?} (spread, burst)"),
            })
            .collect();
        let pg_url = ["BENCH_POSTGRES_URL", "TEST_POSTGRES_URL"]
            .iter()
            .filter_map(|n| std::env::var(n).ok())
            .find(|v| !v.is_empty() && v != "skip");
        let default_backends = if pg_url.is_some() {
            "sqlite postgres"
        } else {
            "sqlite"
        };
        let backends = env_list("BENCH_BACKENDS", default_backends);
        for b in &backends {
            match b.as_str() {
                "sqlite" => {}
                "postgres" if pg_url.is_some() => {}
                "postgres" => panic!(
                    "BENCH_BACKENDS names postgres but neither BENCH_POSTGRES_URL nor TEST_POSTGRES_URL is set \
                     (bash bench/publish.sh starts a throw-away server)"
                ),
                other => panic!("BENCH_BACKENDS: unknown backend {other:?} (sqlite, postgres)"),
            }
        }
        let s = Settings {
            posts: env_or("BENCH_POSTS", posts),
            accounts: env_or("BENCH_ACCOUNTS", accounts),
            workspaces: env_or("BENCH_WORKSPACES", workspaces),
            modes,
            max_accounts: env_list("BENCH_MAX_ACCOUNTS", max)
                .iter()
                .map(|m| m.parse().expect("BENCH_MAX_ACCOUNTS: numbers"))
                .collect(),
            lead_secs: env_or("BENCH_LEAD_SECS", 5.0),
            backends,
            pg_url,
            connections: env_or(
                "BENCH_DB_CONNECTIONS",
                ConnectOptions::default().max_connections,
            ),
            profile: std::env::var("BENCH_PROFILE").is_ok_and(|v| v == "1"),
        };
        assert!(s.accounts > 0 && s.workspaces > 0 && s.posts > 0);
        assert!(
            s.accounts.is_multiple_of(s.workspaces),
            "BENCH_ACCOUNTS must be a multiple of BENCH_WORKSPACES"
        );
        s
    }
}

// ---- the endpoint --------------------------------------------------------

/// The loopback Mastodon server on its own thread and runtime (as a remote
/// server would be: its work does not run on the worker's runtime threads).
struct Endpoint {
    server: Option<MastodonServer>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Endpoint {
    fn start() -> Endpoint {
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("mastodon-loopback".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    let server = MastodonServer::builder().fast().start().await.unwrap();
                    tx.send(server).unwrap();
                    let _ = stopped.await;
                });
            })
            .unwrap();
        Endpoint {
            server: Some(rx.recv().unwrap()),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn server(&self) -> &MastodonServer {
        self.server.as_ref().unwrap()
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        drop(self.server.take());
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

// ---- SQL statement profile -------------------------------------------------

/// Counts the statements sqlx runs (its `sqlx::query` events) and their time.
#[derive(Default)]
struct Profile {
    on: AtomicBool,
    by_statement: Mutex<HashMap<String, (u64, f64)>>,
}

static PROFILE: std::sync::OnceLock<Arc<Profile>> = std::sync::OnceLock::new();

struct ProfileLayer(Arc<Profile>);

#[derive(Default)]
struct StatementVisitor {
    summary: String,
    statement: String,
    elapsed: f64,
}

impl tracing::field::Visit for StatementVisitor {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        match field.name() {
            "summary" => self.summary = value.to_string(),
            "db.statement" => self.statement = value.to_string(),
            _ => {}
        }
    }
    fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.elapsed = value;
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "summary" => self.summary = format!("{value:?}"),
            "db.statement" => self.statement = format!("{value:?}"),
            _ => {}
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ProfileLayer {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if !self.0.on.load(Ordering::Relaxed) || event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut v = StatementVisitor::default();
        event.record(&mut v);
        let text = if v.statement.trim().is_empty() {
            v.summary
        } else {
            v.statement
        };
        let key: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let key: String = key.chars().take(110).collect();
        let mut map = self.0.by_statement.lock().unwrap();
        let e = map.entry(key).or_default();
        e.0 += 1;
        e.1 += v.elapsed;
    }
}

fn init_tracing(profile: bool) -> Arc<Profile> {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let p = PROFILE.get_or_init(|| Arc::new(Profile::default())).clone();
    // Warnings and errors of the worker are shown; sqlx statements only feed
    // the profile (when asked: enabling them costs time in sqlx).
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(
            Targets::new()
                .with_default(LevelFilter::WARN)
                .with_target("sqlx::query", LevelFilter::OFF),
        );
    let prof = profile.then(|| {
        ProfileLayer(p.clone())
            .with_filter(Targets::new().with_target("sqlx::query", LevelFilter::TRACE))
    });
    tracing_subscriber::registry().with(fmt).with(prof).init();
    p
}

// ---- one run ---------------------------------------------------------------

struct Db {
    store: Store,
    pg: Option<relais_store::testing::TestDb>,
    _dir: Option<tempfile::TempDir>,
}

async fn fresh_db(backend: &str, s: &Settings) -> Db {
    match backend {
        "sqlite" => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("bench.sqlite3").display());
            let store = Store::connect(
                &url,
                &ConnectOptions {
                    max_connections: s.connections,
                    ..ConnectOptions::default()
                },
            )
            .await
            .unwrap();
            store.migrate().await.unwrap();
            Db {
                store,
                pg: None,
                _dir: Some(dir),
            }
        }
        _ => {
            let db = relais_store::testing::postgres(s.pg_url.as_deref().unwrap()).await;
            Db {
                store: db.store.clone(),
                pg: Some(db),
                _dir: None,
            }
        }
    }
}

struct Outcome {
    backend: String,
    mode: Mode,
    max_accounts: usize,
    posts: usize,
    /// Seconds, sorted: server creation − due.
    late_sent: Vec<f64>,
    /// Seconds, sorted: `published_at` recorded by relais − due.
    late_recorded: Vec<f64>,
    rate: f64,
    first_to_last: f64,
    setup_accounts: f64,
    setup_schedule: f64,
    gap: f64,
    statements: Option<Vec<(String, u64, f64)>>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// The content of entry `i`: one post on `account`, due at `due`.
fn content(i: usize, account: AccountId, due: DateTime<Utc>) -> EntryContent {
    EntryContent {
        title: format!("Fournée {i}"),
        accounts: vec![account],
        starts_at: Some(due),
        timezone: "Europe/Paris".into(),
        body: format!(
            "Nouvelle fournée n° {i} : pain de campagne au levain, sorti du four à 7 h. \
             Venez le goûter ! https://exemple.fr/p/{i}"
        ),
        ..EntryContent::default()
    }
}

async fn run(backend: &str, mode: Mode, max_accounts: usize, s: &Settings) -> Outcome {
    let db = fresh_db(backend, s).await;
    let store = db.store.clone();
    let endpoint = Endpoint::start();
    let server = endpoint.server();
    let actor = Actor::System("bench");
    let vault = Arc::new(Vault::new(SecretKey::generate(), Vec::new()));
    let per_ws = s.accounts / s.workspaces;
    let run_tag: u32 = rand::random();

    // Workspaces, accounts, connections.
    let t = Instant::now();
    let mut workspaces: Vec<(WorkspaceId, Vec<AccountId>)> = Vec::new();
    for w in 0..=s.workspaces {
        // The last one is for calibration only (never connected).
        let ws = store
            .create_workspace(
                &actor,
                &format!("bench-{w}"),
                &format!("Bench {w}"),
                None,
                false,
            )
            .await
            .unwrap();
        let mut ids = Vec::with_capacity(per_ws);
        for a in 0..per_ws {
            let n = w * per_ws + a;
            let account = store
                .create_account(
                    &actor,
                    ws.id,
                    Network::Mastodon,
                    &format!("@boulangerie{n}@loopback"),
                    &format!("Boulangerie {n}"),
                )
                .await
                .unwrap();
            if w < s.workspaces {
                let token = format!("bench-{run_tag:08x}-{n}");
                let remote = server.add_account(&format!("boulangerie{n}"), &token);
                let creds = Credentials::Mastodon {
                    instance: server.url().to_string(),
                    access_token: token,
                };
                let sealed = vault.seal(
                    &serde_json::to_vec(&creds).unwrap(),
                    &credentials_context(account.id),
                );
                store
                    .save_connection(&actor, ws.id, account.id, &sealed, &remote.id)
                    .await
                    .unwrap();
            }
            ids.push(account.id);
        }
        workspaces.push((ws.id, ids));
    }
    let setup_accounts = t.elapsed().as_secs_f64();

    // Calibration: how long scheduling takes here, with entries due in a
    // day on the unconnected workspace (never due during the run).
    let (cal_ws, cal_accounts) = workspaces.pop().unwrap();
    let cal_n = (s.posts / s.workspaces).clamp(10, 200);
    let later = Utc::now() + Duration::days(1);
    let t = Instant::now();
    let rows: Vec<(Status, EntryContent)> = (0..cal_n)
        .map(|i| {
            (
                Status::Approved,
                content(i, cal_accounts[i % cal_accounts.len()], later),
            )
        })
        .collect();
    let ids = store.import_entries(&actor, cal_ws, &rows).await.unwrap();
    store
        .set_entries_status(&actor, cal_ws, &ids, Status::Scheduled, "")
        .await
        .unwrap();
    let per_entry = t.elapsed().as_secs_f64() / cal_n as f64;

    // The entries, due from `t0`.
    let estimate = per_entry * s.posts as f64 * 1.3 + 0.5;
    let t0 = Utc::now() + Duration::milliseconds(((estimate + s.lead_secs) * 1000.0) as i64);
    let t = Instant::now();
    let mut global = 0usize;
    let per_ws_posts = s.posts.div_ceil(s.workspaces);
    let mut due_of: HashMap<EntryId, DateTime<Utc>> = HashMap::with_capacity(s.posts);
    for (ws, accounts) in &workspaces {
        let n = per_ws_posts.min(s.posts - global);
        let mut rows = Vec::with_capacity(n);
        for k in 0..n {
            let i = global + k;
            let offset = mode.span() * i as f64 / s.posts as f64;
            // At the precision the database keeps (microseconds).
            let due = (t0 + Duration::microseconds((offset * 1e6) as i64)).trunc_subsecs(6);
            rows.push((
                Status::Approved,
                content(i, accounts[k % accounts.len()], due),
            ));
        }
        let ids = store.import_entries(&actor, *ws, &rows).await.unwrap();
        for (id, (_, c)) in ids.iter().zip(&rows) {
            due_of.insert(*id, c.starts_at.unwrap());
        }
        for chunk in ids.chunks(1_000) {
            store
                .set_entries_status(&actor, *ws, chunk, Status::Scheduled, "")
                .await
                .unwrap();
        }
        global += n;
    }
    let setup_schedule = t.elapsed().as_secs_f64();
    let gap = (t0 - Utc::now()).num_milliseconds() as f64 / 1000.0;
    if gap < 1.0 {
        eprintln!(
            "WARNING: the setup ended {:.1} s before the first due time (less than 1 s): lateness includes setup time",
            gap
        );
    }

    // The worker: the defaults of [publish], `max_accounts` varied.
    let options = WorkerOptions::from_config(&relais_config::PublishConfig {
        max_accounts: u32::try_from(max_accounts).unwrap(),
        ..relais_config::PublishConfig::default()
    });
    let media_dir = tempfile::tempdir().unwrap();
    let notifier = Notifier::new(
        None,
        Arc::new(relais_i18n::I18n::new().unwrap()),
        "http://localhost",
    );
    let worker = Worker::new(
        store.clone(),
        vault.clone(),
        relais_media::MediaStore::new(media_dir.path().to_path_buf()),
        options,
        notifier,
    );
    let profile = PROFILE.get().cloned();
    if s.profile {
        if let Some(p) = &profile {
            p.by_statement.lock().unwrap().clear();
            p.on.store(true, Ordering::Relaxed);
        }
    }
    let cancel = CancellationToken::new();
    let running = {
        let worker = worker.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move { worker.run(cancel).await })
    };
    let deadline = t0 + Duration::seconds(mode.span() as i64 + 300);
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let n = server.status_count();
        if n >= s.posts {
            break;
        }
        if Utc::now() > deadline {
            eprintln!(
                "WARNING: {backend} {} max_accounts {max_accounts}: only {n} of {} published 300 s after the last due time",
                mode.label(),
                s.posts
            );
            break;
        }
    }
    cancel.cancel();
    running.await.unwrap();
    let statements = if s.profile {
        profile.map(|p| {
            p.on.store(false, Ordering::Relaxed);
            let mut v: Vec<(String, u64, f64)> = p
                .by_statement
                .lock()
                .unwrap()
                .drain()
                .map(|(k, (n, t))| (k, n, t))
                .collect();
            v.sort_by(|a, b| b.2.total_cmp(&a.2));
            v
        })
    } else {
        None
    };

    // Every delivery published once; lateness per post.
    let statuses = server.all_statuses();
    let mut created: HashMap<String, DateTime<Utc>> = HashMap::with_capacity(statuses.len());
    let mut duplicates = 0usize;
    for st in &statuses {
        let key = st.idempotency_key.clone().unwrap_or_default();
        if created.insert(key, st.created_at).is_some() {
            duplicates += 1;
        }
    }
    let mut late_sent = Vec::with_capacity(s.posts);
    let mut late_recorded = Vec::with_capacity(s.posts);
    let mut not_published = 0usize;
    let (from, to) = (t0 - Duration::hours(1), t0 + Duration::hours(1));
    for (ws, _) in &workspaces {
        for d in store.deliveries_between(*ws, from, to).await.unwrap() {
            assert_eq!(due_of.get(&d.entry_id), Some(&d.due_at), "due time kept");
            if d.state != DeliveryState::Published {
                not_published += 1;
                continue;
            }
            for part in store.parts(d.id).await.unwrap() {
                let sent = created
                    .get(&part.idempotency_key)
                    .unwrap_or_else(|| panic!("delivery {} published but not on the server", d.id));
                late_sent.push((*sent - d.due_at).num_microseconds().unwrap() as f64 / 1e6);
                let recorded = part.published_at.expect("published part has a time");
                late_recorded.push((recorded - d.due_at).num_microseconds().unwrap() as f64 / 1e6);
            }
        }
    }
    assert_eq!(duplicates, 0, "a post was created twice on the server");
    assert_eq!(
        statuses.len(),
        late_sent.len(),
        "server statuses and published parts differ"
    );
    if not_published > 0 {
        eprintln!("WARNING: {not_published} deliveries not published");
    }
    let first = statuses.iter().map(|s| s.created_at).min();
    let last = statuses.iter().map(|s| s.created_at).max();
    let first_to_last = match (first, last) {
        (Some(a), Some(b)) => (b - a).num_microseconds().unwrap_or(0) as f64 / 1e6,
        _ => 0.0,
    };
    let rate = if first_to_last > 0.0 {
        statuses.len() as f64 / first_to_last
    } else {
        f64::NAN
    };
    late_sent.sort_by(f64::total_cmp);
    late_recorded.sort_by(f64::total_cmp);
    drop(endpoint);
    store.close().await;
    if let Some(pg) = db.pg {
        pg.finish().await;
    }
    Outcome {
        backend: backend.to_string(),
        mode,
        max_accounts,
        posts: late_sent.len(),
        late_sent,
        late_recorded,
        rate,
        first_to_last,
        setup_accounts,
        setup_schedule,
        gap,
        statements,
    }
}

fn print_outcome(o: &Outcome, s: &Settings) {
    let l = &o.late_sent;
    let (p50, p90, p99, max) = (
        percentile(l, 0.50),
        percentile(l, 0.90),
        percentile(l, 0.99),
        l.last().copied().unwrap_or(f64::NAN),
    );
    println!(
        "\n{} · {} · max_accounts {} · {} of {} posts on {} accounts",
        o.backend,
        o.mode.label(),
        o.max_accounts,
        o.posts,
        s.posts,
        s.accounts
    );
    println!(
        "  setup         {} accounts connected in {:.1} s; {} entries scheduled in {:.1} s; first due {:.1} s after",
        s.accounts, o.setup_accounts, s.posts, o.setup_schedule, o.gap
    );
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "  lateness      p50 {p50:.3} s  p90 {p90:.3} s  p99 {p99:.3} s  max {max:.3} s   (server's creation time − due)   target p99 <= {TARGET_P99_SECS} s: {}",
        verdict(p99 <= TARGET_P99_SECS)
    );
    let r = &o.late_recorded;
    println!(
        "                p50 {:.3} s  p90 {:.3} s  p99 {:.3} s  max {:.3} s   (published_at recorded by relais − due)",
        percentile(r, 0.50),
        percentile(r, 0.90),
        percentile(r, 0.99),
        r.last().copied().unwrap_or(f64::NAN)
    );
    let bound = match o.mode {
        Mode::Spread(secs) => format!(
            "   (bounded by the due rate, {:.0}/s: not a capacity figure)",
            s.posts as f64 / secs
        ),
        Mode::Burst => format!(
            "   target >= {TARGET_RATE:.0}/s: {}",
            verdict(o.rate >= TARGET_RATE)
        ),
    };
    println!(
        "  throughput    {:.0} publications/s ({} in {:.2} s, first to last){bound}",
        o.rate, o.posts, o.first_to_last
    );
    println!(
        "  anchors       p99 {:.0}× under Mixpost's 60 s worst case; {:.0}–{:.0}× under Postiz's 1–3 min; max {:.0}× under Mixpost's",
        MIXPOST_WORST_SECS / p99,
        POSTIZ_SECS.0 / p99,
        POSTIZ_SECS.1 / p99,
        MIXPOST_WORST_SECS / max
    );
    if let Some(st) = &o.statements {
        let total: u64 = st.iter().map(|x| x.1).sum();
        let secs: f64 = st.iter().map(|x| x.2).sum();
        let per = o.posts.max(1) as f64;
        println!(
            "  SQL           {:.1} statements per post, {:.0} µs of statement time per post ({} statements, {:.2} s)",
            total as f64 / per,
            secs * 1e6 / per,
            total,
            secs
        );
        println!("                 per post   µs each   µs/post  statement");
        for (sql, n, t) in st.iter().take(20) {
            println!(
                "                 {:>8.2} {:>9.0} {:>9.0}  {sql}",
                *n as f64 / per,
                t * 1e6 / *n as f64,
                t * 1e6 / per
            );
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let s = Settings::from_env();
    init_tracing(s.profile);
    println!(
        "publish bench: {} posts, {} accounts ({} workspaces), Mastodon loopback (fast), {} cores visible, db connections {}",
        s.posts,
        s.accounts,
        s.workspaces,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        s.connections
    );
    let mut outcomes = Vec::new();
    for backend in &s.backends {
        for mode in &s.modes {
            for max in &s.max_accounts {
                let o = run(backend, *mode, *max, &s).await;
                print_outcome(&o, &s);
                outcomes.push(o);
            }
        }
    }
    println!("\nsummary (lateness = server's creation time − due time)");
    println!(
        "{:<9} {:<11} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10}",
        "backend", "mode", "max_acc", "p50 s", "p90 s", "p99 s", "max s", "pub/s"
    );
    for o in &outcomes {
        let l = &o.late_sent;
        println!(
            "{:<9} {:<11} {:>8} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>10.0}",
            o.backend,
            o.mode.label(),
            o.max_accounts,
            percentile(l, 0.50),
            percentile(l, 0.90),
            percentile(l, 0.99),
            l.last().copied().unwrap_or(f64::NAN),
            o.rate
        );
    }
}
