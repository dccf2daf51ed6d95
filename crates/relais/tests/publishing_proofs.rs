//! The publishing proofs of issue 4, run against the real `relais worker`
//! binary, the real AT Protocol PDS (`TEST_PDS_URL`, from
//! `scripts/pds-test-server.sh`) and, for the several-process proof and the
//! PostgreSQL half of the race, PostgreSQL (`TEST_POSTGRES_URL`):
//!
//! 1. crash: 500 posts across 10 accounts, the worker SIGKILLed at random
//!    moments (at least 30 times) and restarted until all is done;
//! 2. three worker processes sharing one PostgreSQL database;
//! 3. a fault-injecting proxy between relais and the PDS (503, 429, resets,
//!    answers lost after the PDS applied the write);
//! 4. permanent errors (a wrong app password, a post the PDS refuses, a 422
//!    from the loopback Mastodon server) fail once, with reasons and
//!    notifications;
//! 5. cancelling and rescheduling while the worker sends never lets a
//!    cancelled post out;
//! 6. in every proof, the workers log JSON at debug level and no secret
//!    (app password, session token, Mastodon token, vault key) appears.
//!
//! After each run, `com.atproto.repo.listRecords` must show every post
//! exactly once, under its stored key, with its text, images (alt text) and
//! reply references, and no other record.
//!
//! The proofs take the one PDS and the two cores in turn (a shared lock).
//! Without `TEST_PDS_URL` (or `TEST_POSTGRES_URL` where needed) they print
//! "skipped" and pass, unless `CI` is set: then they fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "proofs/harness.rs"]
mod harness;
#[path = "proofs/proxy.rs"]
mod proxy;

use chrono::{Duration as ChronoDuration, Utc};
use harness::{assert_logs_clean, mixed, BskyAccount, Db, Harness};
use proxy::{Fault, Odds, Proxy};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use relais_core::entry::{EntryContent, NotificationKind, Status};
use relais_core::publish::DeliveryState;
use relais_core::{AccountId, EntryId};
use relais_store::{Delivery, StoreError};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

/// One proof at a time: they share the PDS and the machine.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// `PROOF_SEED` replays a run; otherwise a fresh seed (printed).
fn seed(test: &str) -> u64 {
    let seed = std::env::var("PROOF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen());
    eprintln!("{test}: seed {seed} (PROOF_SEED={seed} replays the random choices)");
    seed
}

/// `n` entries of the mixed load, every 25th on two accounts, due evenly over
/// `spread` from `first`. Returns the entries with their accounts.
async fn mixed_load(
    h: &Harness,
    tag: &str,
    accounts: &[BskyAccount],
    n: usize,
    first: chrono::DateTime<Utc>,
    spread: ChronoDuration,
    images: &[relais_core::entry::MediaItem],
) -> Vec<EntryId> {
    let mut entries = Vec::with_capacity(n);
    for i in 0..n {
        let a = accounts[i % accounts.len()].id;
        let on = if i % 25 == 0 {
            vec![a, accounts[(i + 1) % accounts.len()].id]
        } else {
            vec![a]
        };
        let due = first + spread * i as i32 / n as i32;
        let id = h.approved(&mixed(tag, i, on, due, images)).await;
        h.schedule(id).await;
        entries.push(id);
    }
    entries
}

/// Images of a few sizes, stored as uploads are.
async fn images(h: &Harness) -> Vec<relais_core::entry::MediaItem> {
    let mut out = Vec::new();
    for s in 0..5u32 {
        out.push(h.image((s * 50) as u8, 48 + s * 16, 32 + s * 8).await);
    }
    out
}

/// Outcomes of every attempt, by name, and the workers that published.
async fn timeline(
    h: &Harness,
    deliveries: &[Delivery],
) -> (BTreeMap<String, usize>, HashSet<String>) {
    let mut outcomes = BTreeMap::new();
    let mut workers = HashSet::new();
    for d in deliveries {
        for a in h.store.attempts(d.id).await.unwrap() {
            *outcomes.entry(a.outcome.clone()).or_insert(0) += 1;
            if a.outcome == "published" || a.outcome == "reconciled" {
                workers.insert(a.worker.clone());
            }
        }
    }
    (outcomes, workers)
}

async fn assert_entries(h: &Harness, entries: &[EntryId], status: Status) {
    for e in entries {
        let entry = h.store.get_entry(h.ws.id, *e).await.unwrap().unwrap();
        assert_eq!(
            entry.status, status,
            "{}: entry {} ({})",
            h.name, e.0, entry.content.title
        );
    }
}

fn all_ids(accounts: &[BskyAccount]) -> Vec<AccountId> {
    accounts.iter().map(|a| a.id).collect()
}

// ---- 1. crash ---------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proof1_crash_sigkill_at_random_moments_every_post_published_exactly_once() {
    const TEST: &str = "proof1_crash";
    let Some(pds) = harness::pds(TEST) else {
        return;
    };
    let _one_at_a_time = SERIAL.lock().await;
    let mut rng = StdRng::seed_from_u64(seed(TEST));
    let h = Harness::new(TEST, Db::Sqlite).await;
    let accounts = h.bluesky_accounts(&pds, 10, None).await;
    let imgs = images(&h).await;
    // 480 entries, 20 of them on two accounts: 500 posts, due over 100 s.
    let first = Utc::now() + ChronoDuration::seconds(12);
    let spread = ChronoDuration::seconds(100);
    let entries = mixed_load(&h, "crash", &accounts, 480, first, spread, &imgs).await;
    let last_due = first + spread;
    let planned = h.deliveries().await;
    assert_eq!(planned.len(), 500);
    eprintln!("{TEST}: set up in {:?}", h.started.elapsed());

    let run = Instant::now();
    let mut fleet = h.fleet(&[]);
    fleet.start();
    let mut targeted = 0usize;
    let give_up = Instant::now() + Duration::from_secs(300);
    // Kill at random moments until at least 30 kills and every post is due;
    // half the kills wait for a post being sent (the dangerous moment).
    while fleet.kills < 30 || Utc::now() < last_due {
        assert!(
            Instant::now() < give_up,
            "{TEST}: still killing after 300 s"
        );
        fleet.assert_alive();
        if rng.gen_bool(0.5) {
            let wait = rng.gen_range(200..5000);
            tokio::time::sleep(Duration::from_millis(wait)).await;
        } else {
            let until = Instant::now() + Duration::from_secs(4);
            while Instant::now() < until {
                let counts = h.store.delivery_counts().await.unwrap();
                if counts
                    .iter()
                    .any(|(s, n)| *s == DeliveryState::Sending && *n > 0)
                {
                    targeted += 1;
                    let delay = rng.gen_range(0..120);
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
        }
        fleet.kill_and_restart(0);
    }
    // The last process runs until everything is final.
    h.wait_all_final(&mut fleet, Duration::from_secs(120)).await;
    let ran = run.elapsed();
    fleet.stop().await;

    let deliveries = h.deliveries().await;
    let states: HashMap<_, usize> = deliveries.iter().fold(HashMap::new(), |mut m, d| {
        *m.entry(d.state.as_str()).or_insert(0) += 1;
        m
    });
    assert_eq!(
        states.get("published"),
        Some(&500),
        "{TEST}: states {states:?}"
    );
    assert_entries(&h, &entries, Status::Published).await;
    let v = h.verify_bluesky(&pds, &accounts).await;
    assert_eq!(v.published_deliveries, 500);
    assert!(v.images >= 50, "{TEST}: only {} images", v.images);
    assert!(v.replies > 0);
    let (outcomes, _) = timeline(&h, &deliveries).await;
    let retried = deliveries.iter().filter(|d| d.attempts > 1).count();
    let latest = deliveries
        .iter()
        .filter_map(|d| d.finished_at.map(|f| (f - d.due_at).num_milliseconds()))
        .max()
        .unwrap_or(0);
    let secrets = h.secrets(&all_ids(&accounts)).await;
    let lines = assert_logs_clean(TEST, &fleet, &secrets);
    eprintln!(
        "{TEST}: SUMMARY kills={} (targeted at a post being sent: {targeted}) posts={} records={} images={} replies={} \
         deliveries claimed more than once={retried} attempts={outcomes:?} latest finish after due={latest} ms \
         run={:.1}s total={:.1}s log lines={lines} (no secret)",
        fleet.kills,
        v.published_deliveries,
        v.records,
        v.images,
        v.replies,
        ran.as_secs_f64(),
        h.started.elapsed().as_secs_f64()
    );
    assert!(fleet.kills >= 30);
    h.finish().await;
}

// ---- 2. several processes ---------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proof2_three_worker_processes_on_one_postgres_publish_each_post_exactly_once() {
    const TEST: &str = "proof2_processes";
    let Some(pds) = harness::pds(TEST) else {
        return;
    };
    let Some(admin) = harness::postgres(TEST) else {
        return;
    };
    let _one_at_a_time = SERIAL.lock().await;
    let mut rng = StdRng::seed_from_u64(seed(TEST));
    let h = Harness::new(TEST, Db::Postgres(admin)).await;
    let accounts = h.bluesky_accounts(&pds, 10, None).await;
    let imgs = images(&h).await;
    // 288 entries, 12 on two accounts: 300 posts, due over 45 s.
    let first = Utc::now() + ChronoDuration::seconds(10);
    let spread = ChronoDuration::seconds(45);
    let entries = mixed_load(&h, "procs", &accounts, 288, first, spread, &imgs).await;
    assert_eq!(h.deliveries().await.len(), 300);
    eprintln!("{TEST}: set up in {:?}", h.started.elapsed());

    let run = Instant::now();
    let mut fleet = h.fleet(&[]);
    for _ in 0..3 {
        fleet.start();
    }
    // Three SIGKILLs of a random process while posts are due: its accounts
    // pass to the others when its leases expire.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(rng.gen_range(5000..15000))).await;
        fleet.assert_alive();
        fleet.kill_and_restart(rng.gen_range(0..3));
    }
    assert_eq!(fleet.running(), 3);
    h.wait_all_final(&mut fleet, Duration::from_secs(150)).await;
    let ran = run.elapsed();
    fleet.stop().await;

    let deliveries = h.deliveries().await;
    assert!(
        deliveries
            .iter()
            .all(|d| d.state == DeliveryState::Published),
        "{TEST}: {:?}",
        h.state_counts().await
    );
    assert_entries(&h, &entries, Status::Published).await;
    let v = h.verify_bluesky(&pds, &accounts).await;
    assert_eq!(v.published_deliveries, 300);
    let (outcomes, workers) = timeline(&h, &deliveries).await;
    assert!(
        workers.len() > 1,
        "{TEST}: only {workers:?} published: the processes did not share the work"
    );
    let secrets = h.secrets(&all_ids(&accounts)).await;
    let lines = assert_logs_clean(TEST, &fleet, &secrets);
    eprintln!(
        "{TEST}: SUMMARY processes=3 kills={} posts={} records={} images={} replies={} publishing workers={} \
         attempts={outcomes:?} run={:.1}s total={:.1}s log lines={lines} (no secret)",
        fleet.kills,
        v.published_deliveries,
        v.records,
        v.images,
        v.replies,
        workers.len(),
        ran.as_secs_f64(),
        h.started.elapsed().as_secs_f64()
    );
    h.finish().await;
}

// ---- 3. faults --------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proof3_faults_between_relais_and_the_pds_still_publish_each_post_exactly_once() {
    const TEST: &str = "proof3_faults";
    let Some(pds) = harness::pds(TEST) else {
        return;
    };
    let _one_at_a_time = SERIAL.lock().await;
    let seed = seed(TEST);
    let h = Harness::new(TEST, Db::Sqlite).await;
    let proxy = Proxy::start(
        &pds.url,
        seed,
        Odds {
            server_error: 0.08,
            too_many: 0.06,
            reset: 0.08,
            drop_answer: 0.12,
        },
    )
    .await;
    let accounts = h.bluesky_accounts(&pds, 4, Some(&proxy.url)).await;
    let imgs = images(&h).await;
    // 77 entries, 4 on two accounts: 81 posts, due over 10 s.
    let first = Utc::now() + ChronoDuration::seconds(3);
    let entries = mixed_load(
        &h,
        "faults",
        &accounts,
        77,
        first,
        ChronoDuration::seconds(10),
        &imgs,
    )
    .await;
    let run = Instant::now();
    let mut fleet = h.fleet(&[]);
    fleet.start();
    h.wait_all_final(&mut fleet, Duration::from_secs(200)).await;
    let ran = run.elapsed();
    fleet.stop().await;

    let deliveries = h.deliveries().await;
    assert!(
        deliveries
            .iter()
            .all(|d| d.state == DeliveryState::Published),
        "{TEST}: {:?}",
        h.state_counts().await
    );
    assert_entries(&h, &entries, Status::Published).await;
    let v = h.verify_bluesky(&pds, &accounts).await;
    assert_eq!(v.published_deliveries, deliveries.len());

    // Every kind of fault happened, the hard case on the write itself.
    const PUT: &str = "/xrpc/com.atproto.repo.putRecord";
    let put = Some(PUT);
    let faults: BTreeMap<String, usize> = [
        Fault::None,
        Fault::ServerError,
        Fault::TooMany,
        Fault::Reset,
        Fault::DropAnswer,
    ]
    .iter()
    .map(|f| (format!("{f:?}"), proxy.count(*f, None)))
    .collect();
    for f in [
        Fault::ServerError,
        Fault::TooMany,
        Fault::Reset,
        Fault::DropAnswer,
    ] {
        assert!(
            proxy.count(f, None) > 0,
            "{TEST}: no {f:?} was injected: {faults:?}"
        );
    }
    let lost_writes = proxy
        .seen()
        .iter()
        .filter(|s| s.fault == Fault::DropAnswer && s.path == PUT && s.upstream_status == Some(200))
        .count();
    assert!(
        lost_writes > 0,
        "{TEST}: no applied write lost its answer: {faults:?}"
    );
    assert!(proxy.count(Fault::Reset, put) + proxy.count(Fault::ServerError, put) > 0);

    // The timelines: retries, unconfirmed sends, each settled by a
    // reconciliation or a later publication of the same part.
    let (outcomes, _) = timeline(&h, &deliveries).await;
    let retries = outcomes.get("retry").copied().unwrap_or(0)
        + outcomes.get("rate_limited").copied().unwrap_or(0);
    assert!(retries > 0, "{TEST}: no retry recorded: {outcomes:?}");
    assert!(
        outcomes.get("unconfirmed").copied().unwrap_or(0) > 0,
        "{TEST}: {outcomes:?}"
    );
    assert!(
        outcomes.get("reconciled").copied().unwrap_or(0) > 0,
        "{TEST}: {outcomes:?}"
    );
    for d in &deliveries {
        let attempts = h.store.attempts(d.id).await.unwrap();
        for (i, a) in attempts.iter().enumerate() {
            if a.outcome == "unconfirmed" {
                assert!(
                    attempts[i + 1..].iter().any(|b| b.position == a.position
                        && (b.outcome == "reconciled" || b.outcome == "published")),
                    "{TEST}: delivery {} part {} stayed unconfirmed: {attempts:#?}",
                    d.id,
                    a.position
                );
            }
        }
    }
    let secrets = h.secrets(&all_ids(&accounts)).await;
    let lines = assert_logs_clean(TEST, &fleet, &secrets);
    eprintln!(
        "{TEST}: SUMMARY posts={} records={} requests={} faults={faults:?} lost applied writes={lost_writes} \
         attempts={outcomes:?} run={:.1}s total={:.1}s log lines={lines} (no secret)",
        v.published_deliveries,
        v.records,
        proxy.seen().len(),
        ran.as_secs_f64(),
        h.started.elapsed().as_secs_f64()
    );
    h.finish().await;
}

// ---- 4. permanent errors ----------------------------------------------------

fn plain(title: &str, account: AccountId, body: &str) -> EntryContent {
    EntryContent {
        title: title.into(),
        accounts: vec![account],
        starts_at: Some(Utc::now()),
        timezone: "Europe/Paris".into(),
        body: body.into(),
        ..EntryContent::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proof4_permanent_errors_fail_once_with_a_reason_a_flag_and_a_notification() {
    use relais_connect::testing::mastodon::MastodonServer;
    const TEST: &str = "proof4_permanent";
    let Some(pds) = harness::pds(TEST) else {
        return;
    };
    let _one_at_a_time = SERIAL.lock().await;
    let h = Harness::new(TEST, Db::Sqlite).await;
    // The proxy injects nothing here: it counts the logins.
    let proxy = Proxy::start(&pds.url, 1, Odds::default()).await;
    let remote_bad = pds.create_account().await.unwrap();
    let bad = h
        .connect_bluesky(&pds, remote_bad, Some(&proxy.url), "wrong-pass-word-zzzz")
        .await;
    let good = h.bluesky_accounts(&pds, 1, None).await.remove(0);
    let mastodon = MastodonServer::start().await.unwrap();
    let token = format!(
        "proof-mastodon-token-{:016x}",
        rand::thread_rng().gen::<u64>()
    );
    mastodon.add_token(&token);
    let toot = h
        .mastodon_account("proof@127.0.0.1", &mastodon.credentials(&token))
        .await;

    let too_long = format!("Trop long : {}", "🥐".repeat(800));
    assert!(too_long.len() > 3000);
    let mastodon_long = "Un texte bien trop long pour Mastodon. ".repeat(20);
    assert!(mastodon_long.chars().count() > 500);
    let cases = [
        ("bad login", bad.id, "bad login post"),
        ("bad login again", bad.id, "bad login second post"),
        ("too long", good.id, too_long.as_str()),
        ("fine", good.id, "proof4 a post that is fine"),
        ("mastodon too long", toot, mastodon_long.as_str()),
        ("mastodon fine", toot, "proof4 a toot that is fine"),
    ];
    let mut ids = HashMap::new();
    for (title, account, body) in cases {
        let id = h.approved(&plain(title, account, body)).await;
        ids.insert(title, id);
    }
    for (title, _, _) in cases {
        h.schedule(ids[title]).await;
    }
    let mut fleet = h.fleet(&[]);
    fleet.start();
    h.wait_all_final(&mut fleet, Duration::from_secs(60)).await;
    // No endless retries: nothing moves in the next seconds.
    let before: Vec<_> = h
        .deliveries()
        .await
        .iter()
        .map(|d| (d.id, d.attempts, d.version))
        .collect();
    tokio::time::sleep(Duration::from_secs(4)).await;
    let after: Vec<_> = h
        .deliveries()
        .await
        .iter()
        .map(|d| (d.id, d.attempts, d.version))
        .collect();
    assert_eq!(
        before, after,
        "{TEST}: deliveries changed after they were final"
    );
    fleet.stop().await;

    let delivery_of = |entry: EntryId, all: &[Delivery]| -> Delivery {
        let mine: Vec<&Delivery> = all.iter().filter(|d| d.entry_id == entry).collect();
        assert_eq!(mine.len(), 1);
        mine[0].clone()
    };
    let all = h.deliveries().await;
    let mut reasons = Vec::new();
    for (title, want_state, want_reason) in [
        ("bad login", DeliveryState::Failed, "app password"),
        ("bad login again", DeliveryState::Failed, "reconnect"),
        (
            "too long",
            DeliveryState::Failed,
            "Invalid app.bsky.feed.post record",
        ),
        ("fine", DeliveryState::Published, ""),
        ("mastodon too long", DeliveryState::Failed, "422"),
        ("mastodon fine", DeliveryState::Published, ""),
    ] {
        let d = delivery_of(ids[title], &all);
        assert_eq!(d.state, want_state, "{TEST}: {title}: {d:#?}");
        assert_eq!(
            d.attempts, 1,
            "{TEST}: {title} was attempted {} times",
            d.attempts
        );
        let attempts = h.store.attempts(d.id).await.unwrap();
        if want_state == DeliveryState::Failed {
            assert_eq!(attempts.len(), 1, "{TEST}: {title}: {attempts:#?}");
            assert_eq!(attempts[0].outcome, "failed");
            assert!(
                d.last_error.contains(want_reason),
                "{TEST}: {title}: the reason {:?} does not say {want_reason:?}",
                d.last_error
            );
            assert!(
                !d.last_error.contains('{'),
                "{TEST}: {title}: unreadable reason {:?}",
                d.last_error
            );
            reasons.push(format!("{title}: {}", d.last_error));
        }
        let entry = h
            .store
            .get_entry(h.ws.id, ids[title])
            .await
            .unwrap()
            .unwrap();
        let want_entry = if want_state == DeliveryState::Published {
            Status::Published
        } else {
            Status::Failed
        };
        assert_eq!(entry.status, want_entry, "{TEST}: {title}");
    }
    // The account is flagged, with its reason, and was asked to log in once.
    let conn = h.store.connection(bad.id).await.unwrap().unwrap();
    assert!(conn.reconnect_needed, "{TEST}: the account is not flagged");
    assert!(!conn.health_reason.is_empty());
    let logins = proxy
        .seen()
        .iter()
        .filter(|s| s.method == "POST" && s.path == "/xrpc/com.atproto.server.createSession")
        .count();
    assert_eq!(logins, 1, "{TEST}: {:#?}", proxy.seen());
    assert!(
        !h.store
            .connection(good.id)
            .await
            .unwrap()
            .unwrap()
            .reconnect_needed
    );
    // The team was told.
    let notes = h.store.list_notifications(h.owner.id, 100).await.unwrap();
    let kinds: Vec<NotificationKind> = notes.iter().map(|n| n.kind).collect();
    assert!(
        kinds.contains(&NotificationKind::ReconnectNeeded),
        "{TEST}: {kinds:?}"
    );
    let failed_told: HashSet<EntryId> = notes
        .iter()
        .filter(|n| n.kind == NotificationKind::PublishFailed)
        .flat_map(|n| n.entries.clone())
        .collect();
    for title in [
        "bad login",
        "bad login again",
        "too long",
        "mastodon too long",
    ] {
        assert!(
            failed_told.contains(&ids[title]),
            "{TEST}: no notification for {title}: {notes:#?}"
        );
    }
    // On the networks: only the two fine posts.
    let v = h.verify_bluesky(&pds, &[bad.clone(), good.clone()]).await;
    assert_eq!(v.records, 1);
    let texts: Vec<String> = mastodon.statuses().iter().map(|s| s.text.clone()).collect();
    assert_eq!(texts, vec!["proof4 a toot that is fine".to_string()]);
    let mut secrets = h.secrets(&[bad.id, good.id, toot]).await;
    secrets.push(("bad app password".into(), "wrong-pass-word-zzzz".into()));
    let lines = assert_logs_clean(TEST, &fleet, &secrets);
    eprintln!(
        "{TEST}: SUMMARY failed once each with reasons: {reasons:#?}; logins for the bad account={logins}; \
         notifications={kinds:?}; total={:.1}s log lines={lines} (no secret)",
        h.started.elapsed().as_secs_f64()
    );
    h.finish().await;
}

// ---- 5. cancel and reschedule racing the worker -----------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Cancel,
    Reschedule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Answer {
    Done,
    InFlight,
    AlreadyPublished,
}

async fn change(h: &Harness, entry: EntryId, what: Change) -> Answer {
    loop {
        let result = match what {
            Change::Cancel => h
                .store
                .set_entry_status(&h.actor, h.ws.id, entry, None, Status::Approved, "")
                .await
                .map(|_| ()),
            Change::Reschedule => {
                let e = h.store.get_entry(h.ws.id, entry).await.unwrap().unwrap();
                h.store
                    .reschedule_entry(
                        &h.actor,
                        h.ws.id,
                        entry,
                        e.version,
                        Utc::now() + ChronoDuration::days(1),
                        "Europe/Paris",
                    )
                    .await
            }
        };
        match result {
            Ok(()) => return Answer::Done,
            Err(StoreError::InFlight) => return Answer::InFlight,
            Err(StoreError::BadTransition {
                from: Status::Published,
                ..
            }) => return Answer::AlreadyPublished,
            // The worker settled the entry between our read and our write.
            Err(StoreError::Stale) => continue,
            Err(e) => panic!("{}: {what:?} of entry {}: {e:?}", h.name, entry.0),
        }
    }
}

async fn cancel_race(test: &'static str, db: Db, pds: relais_connect::testing::pds::TestPds) {
    let mut rng = StdRng::seed_from_u64(seed(test));
    let h = Harness::new(test, db).await;
    let accounts = h.bluesky_accounts(&pds, 10, None).await;
    let imgs = images(&h).await;
    // 120 entries, 12 per account, all due at the same moment.
    let due = Utc::now() + ChronoDuration::seconds(8);
    let mut entries = Vec::new();
    for i in 0..120 {
        let mut c = mixed("race", i, vec![accounts[i % 10].id], due, &imgs);
        c.title = format!("race {i}");
        entries.push(h.approved(&c).await);
    }
    for e in &entries {
        h.schedule(*e).await;
    }
    let mut fleet = h.fleet(&[]);
    fleet.start();
    // Every other post of each account is changed, in the order the worker
    // sends them; one change in four first waits for its post to be sent.
    let mut targets = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let k = i / 10;
        if k % 2 == 0 {
            let what = if (i + k / 2) % 2 == 0 {
                Change::Cancel
            } else {
                Change::Reschedule
            };
            targets.push((*e, what, rng.gen_bool(0.25)));
        }
    }
    let wait = (due - Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait).await;
    let race = Instant::now();
    let mut answers: Vec<(EntryId, Change, bool, Answer)> = Vec::new();
    for (entry, what, when_sending) in targets {
        if when_sending {
            let until = Instant::now() + Duration::from_secs(10);
            loop {
                let ds = h.store.entry_deliveries(h.ws.id, entry).await.unwrap();
                if ds
                    .iter()
                    .any(|d| d.delivery.state != DeliveryState::Pending)
                    || Instant::now() > until
                {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        answers.push((entry, what, when_sending, change(&h, entry, what).await));
    }
    let raced = race.elapsed();
    h.wait_all_final(&mut fleet, Duration::from_secs(120)).await;
    // Anything stale would fire now: give it time.
    tokio::time::sleep(Duration::from_secs(3)).await;
    fleet.stop().await;

    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for (entry, what, when_sending, answer) in &answers {
        let how = if *when_sending { " (once sending)" } else { "" };
        *tally
            .entry(format!("{what:?}{how} {answer:?}"))
            .or_insert(0) += 1;
        let entry_now = h.store.get_entry(h.ws.id, *entry).await.unwrap().unwrap();
        let views = h.store.entry_deliveries(h.ws.id, *entry).await.unwrap();
        match answer {
            Answer::Done => {
                let first = views.iter().find(|v| v.delivery.round == 1).unwrap();
                assert_eq!(
                    first.delivery.state,
                    DeliveryState::Cancelled,
                    "{test}: {what:?} succeeded but round 1 is {:?}: {:#?}",
                    first.delivery.state,
                    first
                );
                assert!(first.parts.iter().all(|p| p.remote.is_none()));
                match what {
                    Change::Cancel => {
                        assert_eq!(entry_now.status, Status::Approved);
                        assert_eq!(views.len(), 1);
                    }
                    Change::Reschedule => {
                        assert_eq!(entry_now.status, Status::Scheduled);
                        let next = views.iter().find(|v| v.delivery.round == 2).unwrap();
                        assert_eq!(next.delivery.state, DeliveryState::Pending);
                        assert!(next.delivery.due_at > Utc::now() + ChronoDuration::hours(23));
                    }
                }
                // Nothing on the PDS under any key of any round.
                let did = &accounts
                    .iter()
                    .find(|a| a.id == first.delivery.account_id)
                    .unwrap()
                    .remote
                    .did;
                for v in &views {
                    for p in &v.parts {
                        let found = pds
                            .get_record(did, harness::POST, &p.idempotency_key)
                            .await
                            .unwrap();
                        assert!(
                            found.is_none(),
                            "{test}: {what:?} of entry {} SUCCEEDED, yet its post is on the PDS: {found:?}",
                            entry.0
                        );
                    }
                }
            }
            Answer::InFlight | Answer::AlreadyPublished => {
                assert_eq!(
                    entry_now.status,
                    Status::Published,
                    "{test}: {what:?} {answer:?} entry {}",
                    entry.0
                );
                assert_eq!(views.len(), 1);
                assert_eq!(views[0].delivery.state, DeliveryState::Published);
            }
        }
    }
    let done = answers.iter().filter(|a| a.3 == Answer::Done).count();
    let refused = answers.len() - done;
    assert!(done > 0, "{test}: no change succeeded: {tally:?}");
    assert!(
        refused > 0,
        "{test}: no change met a post being sent: {tally:?}"
    );
    // Everything else was published exactly once; nothing else is there.
    let v = h.verify_bluesky(&pds, &accounts).await;
    let published = h
        .deliveries()
        .await
        .iter()
        .filter(|d| d.state == DeliveryState::Published)
        .count();
    assert_eq!(v.published_deliveries, published);
    assert_eq!(published, 120 - done);
    let secrets = h.secrets(&all_ids(&accounts)).await;
    let lines = assert_logs_clean(test, &fleet, &secrets);
    eprintln!(
        "{test}: SUMMARY changes={} in {:.2}s: {tally:?}; published={published} records={} \
         total={:.1}s log lines={lines} (no secret)",
        answers.len(),
        raced.as_secs_f64(),
        v.records,
        h.started.elapsed().as_secs_f64()
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proof5_cancel_and_reschedule_racing_the_worker_never_let_a_post_out_sqlite() {
    const TEST: &str = "proof5_race_sqlite";
    let Some(pds) = harness::pds(TEST) else {
        return;
    };
    let _one_at_a_time = SERIAL.lock().await;
    cancel_race(TEST, Db::Sqlite, pds).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proof5_cancel_and_reschedule_racing_the_worker_never_let_a_post_out_postgres() {
    const TEST: &str = "proof5_race_postgres";
    let Some(pds) = harness::pds(TEST) else {
        return;
    };
    let Some(admin) = harness::postgres(TEST) else {
        return;
    };
    let _one_at_a_time = SERIAL.lock().await;
    cancel_race(TEST, Db::Postgres(admin), pds).await;
}
