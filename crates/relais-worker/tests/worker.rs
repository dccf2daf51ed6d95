//! The worker against the loopback Mastodon server (no real Mastodon server
//! can be installed here; the Bluesky proofs run against the real PDS in
//! crates/relais/tests/publishing_proofs.rs), on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, Utc};
use relais_auth::vault::{SecretKey, Vault};
use relais_connect::testing::mastodon::{FaultKind, MastodonServer, Route};
use relais_connect::Credentials;
use relais_core::entry::{Account, Entry, EntryContent, Format, NotificationKind, Status};
use relais_core::model::{Actor, User, Workspace};
use relais_core::publish::{DeliveryState, RetryPolicy};
use relais_core::{Network, Role};
use relais_store::MembershipChange::Add;
use relais_store::{testing, NewUser, Store};
use relais_worker::{credentials_context, Notifier, Worker, WorkerOptions};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

use relais_store::on_every_backend;

struct World {
    server: MastodonServer,
    vault: Arc<Vault>,
    cm: User,
    ws: Workspace,
    account: Account,
    token: String,
    _data: tempfile::TempDir,
    worker: Worker,
}

async fn world(store: &Store) -> World {
    world_with(store, None).await
}

async fn world_with(store: &Store, mailer: Option<relais_mail::Mailer>) -> World {
    world_on(store, mailer, MastodonServer::start().await.unwrap()).await
}

async fn world_on(
    store: &Store,
    mailer: Option<relais_mail::Mailer>,
    server: MastodonServer,
) -> World {
    let sys = Actor::System("test");
    let cm = store
        .create_user(
            &sys,
            NewUser {
                email: "cm@x.fr".into(),
                display_name: "CM".into(),
                password_hash: "$argon2id$fake".into(),
                is_admin: false,
                is_demo: false,
            },
        )
        .await
        .unwrap();
    let ws = store
        .create_workspace(&sys, "brand", "Brand", None, false)
        .await
        .unwrap();
    store
        .set_membership(&sys, Role::Owner, ws.id, cm.id, Add(Role::CommunityManager))
        .await
        .unwrap();
    let me = Actor::user(&cm);
    let account = store
        .create_account(&me, ws.id, Network::Mastodon, "pain@masto.test", "Pain")
        .await
        .unwrap();
    let token = "tok-secret-123".to_string();
    server.add_account("pain", &token);
    let vault = Arc::new(Vault::new(SecretKey::generate(), vec![]));
    connect(store, &vault, &cm, &ws, &account, &server, &token).await;
    let data = tempfile::tempdir().unwrap();
    let options = WorkerOptions {
        id: "test-worker".into(),
        poll_interval: std::time::Duration::from_millis(50),
        lease: std::time::Duration::from_secs(5),
        max_accounts: 8,
        grace: Duration::minutes(30),
        retry: RetryPolicy {
            base_secs: 1,
            max_delay_secs: 2,
            deadline_secs: 3600,
        },
        reconcile_after: Duration::milliseconds(200),
        client: relais_connect::ClientOptions {
            timeout: std::time::Duration::from_secs(2),
            ..Default::default()
        },
    };
    let worker = Worker::new(
        store.clone(),
        vault.clone(),
        relais_media::MediaStore::new(data.path().to_path_buf()),
        options,
        Notifier::new(
            mailer,
            Arc::new(relais_i18n::I18n::new().unwrap()),
            "http://relais.test",
        ),
    );
    World {
        server,
        vault,
        cm,
        ws,
        account,
        token,
        _data: data,
        worker,
    }
}

async fn connect(
    store: &Store,
    vault: &Vault,
    cm: &User,
    ws: &Workspace,
    account: &Account,
    server: &MastodonServer,
    token: &str,
) {
    let creds = Credentials::Mastodon {
        instance: server.url().to_string(),
        access_token: token.to_string(),
    };
    let sealed = vault.seal(
        &serde_json::to_vec(&creds).unwrap(),
        &credentials_context(account.id),
    );
    store
        .save_connection(&Actor::user(cm), ws.id, account.id, &sealed, "1")
        .await
        .unwrap();
}

/// An entry scheduled at `due` on the world's account.
async fn scheduled(
    store: &Store,
    w: &World,
    body: &str,
    due: chrono::DateTime<Utc>,
    f: impl FnOnce(&mut EntryContent),
) -> Entry {
    let me = Actor::user(&w.cm);
    let mut content = EntryContent {
        title: body.chars().take(20).collect(),
        accounts: vec![w.account.id],
        starts_at: Some(due),
        timezone: "Europe/Paris".into(),
        body: body.into(),
        ..EntryContent::default()
    };
    f(&mut content);
    let e = store
        .create_entry(&me, w.ws.id, Status::Draft, &content)
        .await
        .unwrap();
    for to in [
        Status::InternalReview,
        Status::Submitted,
        Status::Approved,
        Status::Scheduled,
    ] {
        store
            .set_entry_status(&me, w.ws.id, e.id, None, to, "")
            .await
            .unwrap();
    }
    store.get_entry(w.ws.id, e.id).await.unwrap().unwrap()
}

/// Runs the worker until every delivery of `entries` is final (or panics
/// after `secs`).
async fn run_until_final(store: &Store, w: &World, entries: &[&Entry], secs: u64) {
    let cancel = CancellationToken::new();
    let worker = w.worker.clone();
    let stop = cancel.clone();
    let task = tokio::spawn(async move { worker.run(stop).await });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let mut done = true;
        for e in entries {
            for v in store.entry_deliveries(w.ws.id, e.id).await.unwrap() {
                if !v.delivery.state.is_final() {
                    done = false;
                }
            }
        }
        if done {
            break;
        }
        if std::time::Instant::now() > deadline {
            cancel.cancel();
            let _ = task.await;
            for e in entries {
                eprintln!(
                    "{:#?}",
                    store.entry_deliveries(w.ws.id, e.id).await.unwrap()
                );
            }
            panic!("deliveries not final after {secs} s");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    cancel.cancel();
    task.await.unwrap();
}

async fn state_of(
    store: &Store,
    w: &World,
    e: &Entry,
) -> (Status, Vec<DeliveryState>, Vec<String>) {
    let entry = store.get_entry(w.ws.id, e.id).await.unwrap().unwrap();
    let views = store.entry_deliveries(w.ws.id, e.id).await.unwrap();
    let states = views.iter().map(|v| v.delivery.state).collect();
    let outcomes = views
        .iter()
        .flat_map(|v| v.attempts.iter().map(|a| a.outcome.clone()))
        .collect();
    (entry.status, states, outcomes)
}

async fn thread_scenario(store: &Store) {
    let w = world(store).await;
    let now = Utc::now();
    let thread = scheduled(store, &w, "Un\n---\nDeux\n---\nTrois", now, |c| {
        c.format = Format::Thread;
        c.first_comment = "Le lien en commentaire".into();
        c.publish.visibility = "unlisted".into();
        c.publish.content_warning = "Cuisine".into();
        c.publish.language = "fr".into();
    })
    .await;
    let later = scheduled(store, &w, "Plus tard", now + Duration::seconds(1), |_| {}).await;
    run_until_final(store, &w, &[&thread, &later], 30).await;
    let statuses = w.server.statuses();
    let texts: Vec<_> = statuses.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        vec!["Un", "Deux", "Trois", "Le lien en commentaire", "Plus tard"],
        "in order, once each"
    );
    // Each part replies to the previous one; options are applied.
    for pair in statuses[..4].windows(2) {
        assert_eq!(pair[1].in_reply_to_id.as_deref(), Some(pair[0].id.as_str()));
    }
    assert!(statuses[..4].iter().all(|s| s.visibility == "unlisted"
        && s.spoiler_text == "Cuisine"
        && s.language.as_deref() == Some("fr")));
    // Every status carried the idempotency key stored at scheduling.
    let views = store.entry_deliveries(w.ws.id, thread.id).await.unwrap();
    let keys: Vec<_> = views[0]
        .parts
        .iter()
        .map(|p| Some(p.idempotency_key.clone()))
        .collect();
    let sent: Vec<_> = statuses[..4]
        .iter()
        .map(|s| s.idempotency_key.clone())
        .collect();
    assert_eq!(keys, sent);
    assert_eq!(state_of(store, &w, &thread).await.0, Status::Published);
    assert_eq!(state_of(store, &w, &later).await.0, Status::Published);
    // The timeline links to the published post.
    assert!(views[0]
        .delivery
        .remote_url
        .as_deref()
        .unwrap_or("")
        .contains(&statuses[0].id));
    // The token never appears in the recorded requests in clear.
    let log = format!("{:?}", w.server.requests());
    assert!(!log.contains(&w.token));
}

#[tokio::test]
async fn a_thread_and_its_first_comment_go_out_in_order_once() {
    on_every_backend!(thread_scenario);
}

async fn faults_scenario(store: &Store) {
    let w = world(store).await;
    let now = Utc::now();
    // 503, then 429 with Retry-After, then the answer lost after the status
    // was created: still exactly one status per post.
    w.server.inject(
        Some(Route::CreateStatus),
        1,
        FaultKind::Fail {
            status: 503,
            retry_after: None,
        },
    );
    w.server.inject(
        Some(Route::CreateStatus),
        1,
        FaultKind::Fail {
            status: 429,
            retry_after: Some(std::time::Duration::from_secs(1)),
        },
    );
    w.server
        .inject(Some(Route::CreateStatus), 1, FaultKind::DropAnswer);
    let e = scheduled(store, &w, "Malgré tout", now, |_| {}).await;
    run_until_final(store, &w, &[&e], 40).await;
    let statuses = w.server.statuses();
    assert_eq!(
        statuses.iter().filter(|s| s.text == "Malgré tout").count(),
        1,
        "{statuses:#?}"
    );
    let (status, states, outcomes) = state_of(store, &w, &e).await;
    assert_eq!(status, Status::Published);
    assert_eq!(states, vec![DeliveryState::Published]);
    assert!(outcomes.contains(&"retry".to_string()), "{outcomes:?}");
    assert!(
        outcomes.contains(&"rate_limited".to_string()),
        "{outcomes:?}"
    );
    assert!(
        outcomes.contains(&"unconfirmed".to_string()),
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes.last().map(String::as_str),
        Some("reconciled"),
        "found, not posted again: {outcomes:?}"
    );
}

#[tokio::test]
async fn errors_retries_and_lost_answers_still_publish_exactly_once() {
    on_every_backend!(faults_scenario);
}

async fn permanent_scenario(store: &Store) {
    let w = world(store).await;
    let now = Utc::now();
    // Too long for the instance: 422, failed at once with the reason.
    let long = "x".repeat(600);
    let e = scheduled(store, &w, &long, now, |_| {}).await;
    // A thread whose second part is refused: the rest is not sent.
    let t = scheduled(
        store,
        &w,
        &format!("Début\n---\n{long}\n---\nFin"),
        now,
        |c| c.format = Format::Thread,
    )
    .await;
    run_until_final(store, &w, &[&e, &t], 30).await;
    let (status, states, outcomes) = state_of(store, &w, &e).await;
    assert_eq!(
        (status, states),
        (Status::Failed, vec![DeliveryState::Failed])
    );
    assert_eq!(outcomes, vec!["failed"], "no retry of a refused post");
    let views = store.entry_deliveries(w.ws.id, e.id).await.unwrap();
    assert!(
        views[0].delivery.last_error.contains("character limit"),
        "{}",
        views[0].delivery.last_error
    );
    let texts: Vec<_> = w.server.statuses().into_iter().map(|s| s.text).collect();
    assert_eq!(
        texts,
        vec!["Début"],
        "the thread stopped at its refused part"
    );
    let tv = store.entry_deliveries(w.ws.id, t.id).await.unwrap();
    assert!(
        tv[0].delivery.last_error.contains("thread part 2"),
        "{}",
        tv[0].delivery.last_error
    );
    let notes = store.list_notifications(w.cm.id, 10).await.unwrap();
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.kind == NotificationKind::PublishFailed)
            .count(),
        2
    );

    // Revoked token: failed, the account flagged, the team told, no retry.
    w.server.revoke_token(&w.token);
    let a = scheduled(store, &w, "Sans accès", now, |_| {}).await;
    run_until_final(store, &w, &[&a], 30).await;
    let (status, _, outcomes) = state_of(store, &w, &a).await;
    assert_eq!(
        (status, outcomes),
        (Status::Failed, vec!["failed".to_string()])
    );
    let health = store.account_statuses(w.ws.id).await.unwrap();
    assert!(health[0].reconnect_needed, "{health:?}");
    assert!(store
        .list_notifications(w.cm.id, 10)
        .await
        .unwrap()
        .iter()
        .any(|n| n.kind == NotificationKind::ReconnectNeeded));
    // Until reconnected, later posts fail with the reason without calling out.
    let before = w.server.requests().len();
    let b = scheduled(store, &w, "Toujours sans accès", now, |_| {}).await;
    run_until_final(store, &w, &[&b], 30).await;
    assert_eq!(w.server.requests().len(), before);
    let bv = store.entry_deliveries(w.ws.id, b.id).await.unwrap();
    assert!(
        bv[0].delivery.last_error.contains("reconnect"),
        "{}",
        bv[0].delivery.last_error
    );
    // Reconnected: publishing works again.
    let token2 = "tok-2";
    let acct = w.server.add_account("pain2", token2);
    let _ = acct;
    connect(store, &w.vault, &w.cm, &w.ws, &w.account, &w.server, token2).await;
    let c = scheduled(store, &w, "De retour", now, |_| {}).await;
    run_until_final(store, &w, &[&c], 30).await;
    assert_eq!(state_of(store, &w, &c).await.0, Status::Published);
}

#[tokio::test]
async fn refused_posts_and_credentials_fail_once_with_a_reason_and_a_notification() {
    on_every_backend!(permanent_scenario);
}

async fn downtime_scenario(store: &Store) {
    let w = world(store).await;
    let now = Utc::now();
    // The worker was down: two posts within the 30-minute grace window, one
    // far older.
    let old = scheduled(store, &w, "Trop vieux", now - Duration::hours(5), |_| {}).await;
    let b = scheduled(store, &w, "Deuxième", now - Duration::minutes(5), |_| {}).await;
    let a = scheduled(store, &w, "Premier", now - Duration::minutes(20), |_| {}).await;
    run_until_final(store, &w, &[&old, &a, &b], 30).await;
    let texts: Vec<_> = w.server.statuses().into_iter().map(|s| s.text).collect();
    assert_eq!(
        texts,
        vec!["Premier", "Deuxième"],
        "in due order, the stale one not sent"
    );
    let (status, states, outcomes) = state_of(store, &w, &old).await;
    assert_eq!(
        (status, states, outcomes),
        (
            Status::Failed,
            vec![DeliveryState::Missed],
            vec!["missed".to_string()]
        )
    );
    assert!(store
        .list_notifications(w.cm.id, 10)
        .await
        .unwrap()
        .iter()
        .any(|n| n.kind == NotificationKind::PublishMissed && n.entries == vec![old.id]));
}

#[tokio::test]
async fn after_downtime_posts_within_grace_go_out_in_order_and_older_ones_are_missed() {
    on_every_backend!(downtime_scenario);
}

async fn month_scenario(store: &Store) {
    let w = world(store).await;
    let paris = chrono_tz::Europe::Paris;
    // A month of daily posts at 09:00 Paris time, across the change to summer
    // time (28 March 2027), planned as the composer plans them.
    let mut entries = Vec::new();
    let first = chrono::NaiveDate::from_ymd_opt(2027, 3, 15).unwrap();
    for day in 0..31 {
        let date = first + Duration::days(day);
        let wall =
            relais_core::publish::resolve_wall_time(paris, date.and_hms_opt(9, 0, 0).unwrap());
        assert_eq!(wall.kind, relais_core::publish::WallTimeKind::Exact);
        entries.push(scheduled(store, &w, &format!("Jour {}", day + 1), wall.utc, |_| {}).await);
    }
    for (i, e) in entries.iter().enumerate() {
        let v = &store.entry_deliveries(w.ws.id, e.id).await.unwrap()[0];
        let date = first + Duration::days(i as i64);
        // 08:00 UTC in winter time (UTC+1), 07:00 UTC from 28 March (UTC+2).
        let hour = if date < chrono::NaiveDate::from_ymd_opt(2027, 3, 28).unwrap() {
            8
        } else {
            7
        };
        assert_eq!(
            v.delivery.due_at,
            date.and_hms_opt(hour, 0, 0).unwrap().and_utc(),
            "day {date}"
        );
        assert_eq!(v.delivery.local_time, format!("{date}T09:00"));
        assert_eq!(v.delivery.timezone, "Europe/Paris");
        assert_eq!(v.delivery.state, DeliveryState::Pending);
    }
    // The worker runs and nothing leaves early.
    let cancel = CancellationToken::new();
    let worker = w.worker.clone();
    let stop = cancel.clone();
    let task = tokio::spawn(async move { worker.run(stop).await });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    cancel.cancel();
    task.await.unwrap();
    assert!(w.server.statuses().is_empty());
    for e in &entries {
        assert_eq!(
            store
                .get_entry(w.ws.id, e.id)
                .await
                .unwrap()
                .unwrap()
                .status,
            Status::Scheduled
        );
    }
}

#[tokio::test]
async fn a_month_of_posts_is_due_at_the_right_instants_across_daylight_saving_and_nothing_leaves_early(
) {
    on_every_backend!(month_scenario);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_post_emails_the_team_in_their_language_with_a_link() {
    let sink = relais_mail::testing::SmtpSink::start();
    let mut mail = relais_config::Config::default().mail;
    mail.smtp_url = sink.url().to_string();
    mail.from = "relais <relais@demo.local>".into();
    for db in testing::all().await {
        let store = &db.store;
        let w = world_with(store, relais_mail::Mailer::from_config(&mail).unwrap()).await;
        let title = format!("Refus {}", db.label);
        let e = scheduled(
            store,
            &w,
            &format!("{title} {}", "x".repeat(600)),
            Utc::now(),
            |_| {},
        )
        .await;
        run_until_final(store, &w, &[&e], 30).await;
        let link = format!("http://relais.test/w/brand/entries/{}", e.id.0);
        let got = sink.wait_for(&link, std::time::Duration::from_secs(20));
        let json: serde_json::Value = serde_json::from_str(&got.json).unwrap();
        assert_eq!(json["to"].as_str().unwrap_or_default(), "cm@x.fr", "{json}");
        let subject = json["subject"].as_str().unwrap_or_default();
        assert!(
            subject.contains("La publication d'une entrée a échoué"),
            "French by default: {subject}"
        );
        let body = json["body"].as_str().unwrap_or_default();
        assert!(
            body.contains("character limit"),
            "the reason is in the e-mail: {body}"
        );
        assert!(!body.contains(&w.token));
        db.finish().await;
    }
}

/// The instance's rate-limit headers are honoured: when they say no request
/// is left, the worker stops sending for that account until the reset,
/// instead of running into 429s; the posts wait, untried.
async fn rate_limit_scenario(store: &Store) {
    let server = MastodonServer::builder()
        .rate_limit(3, std::time::Duration::from_secs(300))
        .start()
        .await
        .unwrap();
    let w = world_on(store, None, server).await;
    let due = Utc::now() - Duration::seconds(1);
    let mut entries = Vec::new();
    for i in 0..5 {
        entries.push(scheduled(store, &w, &format!("Fournée {i}"), due, |_| {}).await);
    }
    let cancel = CancellationToken::new();
    let worker = w.worker.clone();
    let stop = cancel.clone();
    let task = tokio::spawn(async move { worker.run(stop).await });
    // Many poll intervals: time enough to run into the limit if it were ignored.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    cancel.cancel();
    task.await.unwrap();
    // Three requests allowed; the third answer said none were left.
    assert_eq!(w.server.statuses().len(), 3);
    let refused: Vec<_> = w
        .server
        .requests()
        .into_iter()
        .filter(|r| r.status == Some(429))
        .collect();
    assert!(
        refused.is_empty(),
        "no request ran into the limit: {refused:#?}"
    );
    let mut untried = 0;
    for e in &entries {
        let (status, states, outcomes) = state_of(store, &w, e).await;
        if status == Status::Scheduled {
            assert_eq!(states, vec![DeliveryState::Pending]);
            assert!(outcomes.is_empty(), "never tried: {outcomes:?}");
            untried += 1;
        } else {
            assert_eq!(status, Status::Published);
        }
    }
    assert_eq!(untried, 2);
}

#[tokio::test]
async fn rate_limit_headers_pause_the_account_until_the_reset() {
    on_every_backend!(rate_limit_scenario);
}
