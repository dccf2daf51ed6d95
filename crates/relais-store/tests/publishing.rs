//! The publishing outbox on SQLite and PostgreSQL: scheduling writes the
//! deliveries in the status transaction, claims lose against cancellation,
//! in-flight deliveries cannot be stopped, queues are leased by one worker at a
//! time, results settle the entry and tell the team.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, Utc};
use relais_core::entry::{EntryContent, Format, NotificationKind, Status};
use relais_core::model::{Actor, User, Workspace};
use relais_core::publish::{is_tid, DeliveryState, PartKind};
use relais_core::{Network, Role};
use relais_store::MembershipChange::Add;
use relais_store::{testing, NewUser, Outcome, RemotePost, Store, StoreError};

use relais_store::on_every_backend;

struct Fixture {
    cm: User,
    ws: Workspace,
    bsky: relais_core::entry::Account,
    masto: relais_core::entry::Account,
}

async fn fixture(store: &Store) -> Fixture {
    let sys = Actor::System("test");
    let mk = |email: &str| NewUser {
        email: email.into(),
        display_name: format!("Person {email}"),
        password_hash: "$argon2id$fake".into(),
        is_admin: false,
        is_demo: false,
    };
    let owner = store.create_user(&sys, mk("owner@x.fr")).await.unwrap();
    let cm = store.create_user(&sys, mk("cm@x.fr")).await.unwrap();
    let ws = store
        .create_workspace(&sys, "brand-a", "Brand A", Some(owner.id), false)
        .await
        .unwrap();
    store
        .set_membership(&sys, Role::Owner, ws.id, cm.id, Add(Role::CommunityManager))
        .await
        .unwrap();
    let me = Actor::user(&cm);
    let bsky = store
        .create_account(&me, ws.id, Network::Bluesky, "pain.test", "Pain")
        .await
        .unwrap();
    let masto = store
        .create_account(&me, ws.id, Network::Mastodon, "pain@masto.test", "Pain M")
        .await
        .unwrap();
    Fixture {
        cm,
        ws,
        bsky,
        masto,
    }
}

/// An approved entry due at `due` on both accounts.
async fn approved(
    store: &Store,
    f: &Fixture,
    title: &str,
    due: chrono::DateTime<Utc>,
) -> relais_core::entry::Entry {
    let me = Actor::user(&f.cm);
    let content = EntryContent {
        title: title.into(),
        accounts: vec![f.bsky.id, f.masto.id],
        starts_at: Some(due),
        timezone: "Europe/Paris".into(),
        body: format!("{title} — un texte"),
        ..EntryContent::default()
    };
    let e = store
        .create_entry(&me, f.ws.id, Status::Draft, &content)
        .await
        .unwrap();
    for to in [Status::InternalReview, Status::Submitted, Status::Approved] {
        store
            .set_entry_status(&me, f.ws.id, e.id, None, to, "")
            .await
            .unwrap();
    }
    store.get_entry(f.ws.id, e.id).await.unwrap().unwrap()
}

async fn schedule(
    store: &Store,
    f: &Fixture,
    e: &relais_core::entry::Entry,
) -> Result<relais_core::entry::Entry, StoreError> {
    store
        .set_entry_status(
            &Actor::user(&f.cm),
            f.ws.id,
            e.id,
            None,
            Status::Scheduled,
            "",
        )
        .await
}

async fn scheduling_scenario(store: &Store) {
    let f = fixture(store).await;
    let due = Utc::now() + Duration::hours(1);
    let e = approved(store, &f, "Thread", due).await;
    // A thread with a first comment: three parts on each network.
    let me = Actor::user(&f.cm);
    let mut c = e.content.clone();
    c.format = Format::Thread;
    c.body = "Un\n---\nDeux".into();
    c.first_comment = "Lien".into();
    store
        .set_entry_status(&me, f.ws.id, e.id, None, Status::Draft, "")
        .await
        .unwrap();
    let e2 = store.get_entry(f.ws.id, e.id).await.unwrap().unwrap();
    store
        .update_entry(&me, f.ws.id, e.id, e2.version, &c)
        .await
        .unwrap();
    for to in [Status::InternalReview, Status::Submitted, Status::Approved] {
        store
            .set_entry_status(&me, f.ws.id, e.id, None, to, "")
            .await
            .unwrap();
    }
    let e = store.get_entry(f.ws.id, e.id).await.unwrap().unwrap();
    schedule(store, &f, &e).await.unwrap();
    let views = store.entry_deliveries(f.ws.id, e.id).await.unwrap();
    assert_eq!(views.len(), 2, "one delivery per account");
    for v in &views {
        assert_eq!(v.delivery.state, DeliveryState::Pending);
        assert_eq!(v.delivery.due_at, relais_store::DbTime::from(due).0);
        assert_eq!(v.delivery.timezone, "Europe/Paris");
        assert_eq!(
            v.delivery.local_time,
            due.with_timezone(&chrono_tz::Europe::Paris)
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        );
        let kinds: Vec<_> = v.parts.iter().map(|p| (p.kind, p.body.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (PartKind::Post, "Un"),
                (PartKind::ThreadPart, "Deux"),
                (PartKind::FirstComment, "Lien")
            ]
        );
        for p in &v.parts {
            match v.delivery.network {
                Network::Bluesky => assert!(is_tid(&p.idempotency_key), "{}", p.idempotency_key),
                _ => assert_eq!(p.idempotency_key.len(), 32, "{}", p.idempotency_key),
            }
        }
    }
    let keys: std::collections::HashSet<_> = views
        .iter()
        .flat_map(|v| v.parts.iter().map(|p| p.idempotency_key.clone()))
        .collect();
    assert_eq!(keys.len(), 6, "every part has its own key");

    // Unschedulable entries: the status does not change and nothing is written.
    let mut undated = approved(store, &f, "Sans date", due).await;
    let mut c = undated.content.clone();
    c.starts_at = None;
    store
        .set_entry_status(&me, f.ws.id, undated.id, None, Status::Draft, "")
        .await
        .unwrap();
    undated = store.get_entry(f.ws.id, undated.id).await.unwrap().unwrap();
    store
        .update_entry(&me, f.ws.id, undated.id, undated.version, &c)
        .await
        .unwrap();
    for to in [Status::InternalReview, Status::Submitted, Status::Approved] {
        store
            .set_entry_status(&me, f.ws.id, undated.id, None, to, "")
            .await
            .unwrap();
    }
    let undated = store.get_entry(f.ws.id, undated.id).await.unwrap().unwrap();
    assert!(matches!(
        schedule(store, &f, &undated).await,
        Err(StoreError::Unschedulable("no_date"))
    ));
    assert_eq!(
        store
            .get_entry(f.ws.id, undated.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        Status::Approved
    );
    assert!(store
        .entry_deliveries(f.ws.id, undated.id)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn scheduling_writes_deliveries_with_keys_in_the_status_transaction() {
    on_every_backend!(scheduling_scenario);
}

async fn leases_scenario(store: &Store) {
    let f = fixture(store).await;
    let now = Utc::now();
    let e = approved(store, &f, "Due", now - Duration::seconds(1)).await;
    schedule(store, &f, &e).await.unwrap();
    let until = now + Duration::seconds(30);
    let mut a = store.lease_queues("A", now, until, 10).await.unwrap();
    a.sort();
    let mut both = vec![f.bsky.id, f.masto.id];
    both.sort();
    assert_eq!(a, both, "A leases both due queues");
    assert!(
        store
            .lease_queues("B", now, until, 10)
            .await
            .unwrap()
            .is_empty(),
        "B gets nothing while A holds them"
    );
    // A renews one; the other expires and B takes it.
    let later = now + Duration::seconds(31);
    assert_eq!(
        store
            .renew_leases("A", &[f.bsky.id], later + Duration::seconds(30))
            .await
            .unwrap(),
        vec![f.bsky.id]
    );
    let b = store
        .lease_queues("B", later, later + Duration::seconds(30), 10)
        .await
        .unwrap();
    assert_eq!(b, vec![f.masto.id]);
    // A's renewal of the lost lease keeps nothing.
    assert!(store
        .renew_leases("A", &[f.masto.id], later + Duration::seconds(60))
        .await
        .unwrap()
        .is_empty());
    // A's claim on the masto delivery fails: the lease is B's.
    let d = store
        .next_due_delivery(f.masto.id, later)
        .await
        .unwrap()
        .unwrap();
    assert!(store
        .claim_delivery("A", d.id, d.version, later)
        .await
        .unwrap()
        .is_none());
    let claimed = store
        .claim_delivery("B", d.id, d.version, later)
        .await
        .unwrap()
        .unwrap();
    assert!(!claimed.maybe_sent);
    assert_eq!(claimed.delivery.state, DeliveryState::Sending);
    // A second claim with the old version loses (a stale job never fires).
    assert!(store
        .claim_delivery("B", d.id, d.version, later)
        .await
        .unwrap()
        .is_none());
    // Paused queues are not leased.
    store.release_queue("A", f.bsky.id).await.unwrap();
    store
        .pause_queue(f.bsky.id, later + Duration::minutes(5), "rate limited")
        .await
        .unwrap();
    assert!(store
        .lease_queues("C", later, later + Duration::seconds(30), 10)
        .await
        .unwrap()
        .is_empty());
    let statuses = store.account_statuses(f.ws.id).await.unwrap();
    assert!(statuses.iter().any(|s| s.account_id == f.bsky.id
        && s.paused_until.is_some()
        && s.pause_reason == "rate limited"));
}

#[tokio::test]
async fn queues_are_leased_by_one_worker_at_a_time_and_claims_need_the_lease() {
    on_every_backend!(leases_scenario);
}

async fn cancel_scenario(store: &Store) {
    let f = fixture(store).await;
    let me = Actor::user(&f.cm);
    let now = Utc::now();
    let until = now + Duration::seconds(30);
    // Cancelled before the claim: the claim loses, nothing is sent.
    let e = approved(store, &f, "Annulée", now - Duration::seconds(1)).await;
    schedule(store, &f, &e).await.unwrap();
    store.lease_queues("W", now, until, 10).await.unwrap();
    let d = store
        .next_due_delivery(f.bsky.id, now)
        .await
        .unwrap()
        .unwrap();
    store
        .set_entry_status(&me, f.ws.id, e.id, None, Status::Approved, "")
        .await
        .unwrap();
    assert!(store
        .claim_delivery("W", d.id, d.version, now)
        .await
        .unwrap()
        .is_none());
    let views = store.entry_deliveries(f.ws.id, e.id).await.unwrap();
    assert!(views
        .iter()
        .all(|v| v.delivery.state == DeliveryState::Cancelled));

    // Claimed (being sent): cancelling, rescheduling and deleting are refused
    // whole, with nothing changed.
    let e = approved(store, &f, "En cours", now - Duration::seconds(1)).await;
    let e = schedule(store, &f, &e).await.unwrap();
    let d = store
        .next_due_delivery(f.bsky.id, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.entry_id, e.id);
    let claimed = store
        .claim_delivery("W", d.id, d.version, now)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        store
            .set_entry_status(&me, f.ws.id, e.id, None, Status::Approved, "")
            .await,
        Err(StoreError::InFlight)
    ));
    assert!(matches!(
        store
            .reschedule_entry(
                &me,
                f.ws.id,
                e.id,
                e.version,
                now + Duration::days(1),
                "Europe/Paris"
            )
            .await,
        Err(StoreError::InFlight)
    ));
    assert!(matches!(
        store.delete_entry(&me, f.ws.id, e.id, e.version).await,
        Err(StoreError::InFlight)
    ));
    let after = store.get_entry(f.ws.id, e.id).await.unwrap().unwrap();
    assert_eq!(
        (after.status, after.version),
        (Status::Scheduled, e.version)
    );
    let masto = store
        .entry_deliveries(f.ws.id, e.id)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.delivery.account_id == f.masto.id)
        .unwrap();
    assert_eq!(
        masto.delivery.state,
        DeliveryState::Pending,
        "the refused change cancelled nothing"
    );

    // The post goes out; the entry settles when both are done.
    let remote = RemotePost {
        id: "at://did:plc:x/app.bsky.feed.post/3k".into(),
        cid: Some("bafy".into()),
        url: Some("https://bsky.app/x".into()),
    };
    store
        .record_part(d.id, 0, &remote, false, true, "W", now)
        .await
        .unwrap();
    assert_eq!(
        store.delivery(d.id).await.unwrap().unwrap().state,
        DeliveryState::Published,
        "the last part publishes the delivery in the same transaction"
    );
    assert_eq!(
        store
            .get_entry(f.ws.id, e.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        Status::Scheduled
    );
    let md = store
        .next_due_delivery(f.masto.id, now)
        .await
        .unwrap()
        .unwrap();
    let _ = claimed;
    store
        .claim_delivery("W", md.id, md.version, now)
        .await
        .unwrap()
        .unwrap();
    let told = store
        .finish_attempt(
            "W",
            md.id,
            0,
            now,
            &Outcome::Failed {
                detail: "HTTP 422: Validation failed".into(),
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(told.kind, NotificationKind::PublishFailed);
    assert!(!told.users.is_empty(), "the team is told");
    let e = store.get_entry(f.ws.id, e.id).await.unwrap().unwrap();
    assert_eq!(e.status, Status::Failed);
    let views = store.entry_deliveries(f.ws.id, e.id).await.unwrap();
    let b = views
        .iter()
        .find(|v| v.delivery.account_id == f.bsky.id)
        .unwrap();
    assert_eq!(b.delivery.state, DeliveryState::Published);
    assert_eq!(b.delivery.remote_url.as_deref(), Some("https://bsky.app/x"));
    assert_eq!(b.parts[0].remote.as_ref().unwrap().id, remote.id);
    assert_eq!(
        b.attempts
            .iter()
            .map(|a| a.outcome.as_str())
            .collect::<Vec<_>>(),
        vec!["published"]
    );
    let m = views
        .iter()
        .find(|v| v.delivery.account_id == f.masto.id)
        .unwrap();
    assert_eq!(m.delivery.state, DeliveryState::Failed);
    assert_eq!(m.delivery.last_error, "HTTP 422: Validation failed");
    let notes = store.list_notifications(f.cm.id, 10).await.unwrap();
    assert!(notes
        .iter()
        .any(|n| n.kind == NotificationKind::PublishFailed && n.entries == vec![e.id]));

    // Failed → Scheduled again: only the account not yet published gets a new
    // round.
    store
        .set_entry_status(&me, f.ws.id, e.id, None, Status::Scheduled, "")
        .await
        .unwrap();
    let views = store.entry_deliveries(f.ws.id, e.id).await.unwrap();
    let newest: Vec<_> = views.iter().filter(|v| v.delivery.round == 2).collect();
    assert_eq!(newest.len(), 1);
    assert_eq!(newest[0].delivery.account_id, f.masto.id);
}

#[tokio::test]
async fn cancelling_wins_before_the_claim_and_is_refused_while_sending() {
    on_every_backend!(cancel_scenario);
}

async fn retry_missed_reschedule_scenario(store: &Store) {
    let f = fixture(store).await;
    let me = Actor::user(&f.cm);
    let now = Utc::now();
    let until = now + Duration::seconds(30);
    // Unconfirmed → the next claim says "maybe sent".
    let e = approved(store, &f, "Perdue", now - Duration::seconds(1)).await;
    schedule(store, &f, &e).await.unwrap();
    store.lease_queues("W", now, until, 10).await.unwrap();
    let d = store
        .next_due_delivery(f.bsky.id, now)
        .await
        .unwrap()
        .unwrap();
    store
        .claim_delivery("W", d.id, d.version, now)
        .await
        .unwrap()
        .unwrap();
    store
        .finish_attempt(
            "W",
            d.id,
            0,
            now,
            &Outcome::Unconfirmed {
                at: now,
                detail: "timed out".into(),
            },
        )
        .await
        .unwrap();
    let d = store.delivery(d.id).await.unwrap().unwrap();
    assert_eq!(d.state, DeliveryState::Unconfirmed);
    assert!(
        matches!(
            store
                .set_entry_status(&me, f.ws.id, e.id, None, Status::Approved, "")
                .await,
            Err(StoreError::InFlight)
        ),
        "an unconfirmed post may be out: it cannot be cancelled"
    );
    let c = store
        .claim_delivery("W", d.id, d.version, now)
        .await
        .unwrap()
        .unwrap();
    assert!(c.maybe_sent);
    // Retry later: back to pending with its next time.
    let later = now + Duration::seconds(10);
    store
        .finish_attempt(
            "W",
            d.id,
            0,
            now,
            &Outcome::Retry {
                at: later,
                detail: "HTTP 503".into(),
                rate_limited: false,
            },
        )
        .await
        .unwrap();
    assert!(
        store
            .next_due_delivery(f.bsky.id, now)
            .await
            .unwrap()
            .is_none(),
        "not due before its retry time"
    );
    let d = store
        .next_due_delivery(f.bsky.id, later)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((d.state, d.attempts), (DeliveryState::Pending, 2));
    let outcomes: Vec<_> = store
        .attempts(d.id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.outcome)
        .collect();
    assert_eq!(outcomes, vec!["unconfirmed", "retry"]);

    // Missed: only a never-attempted pending delivery.
    let old = approved(store, &f, "Vieille", now - Duration::hours(3)).await;
    schedule(store, &f, &old).await.unwrap();
    let views = store.entry_deliveries(f.ws.id, old.id).await.unwrap();
    let mut told = Vec::new();
    for v in &views {
        told.push(
            store
                .mark_missed("W", v.delivery.id, v.delivery.version, "due 3 hours ago")
                .await
                .unwrap()
                .unwrap(),
        );
        assert!(store
            .mark_missed("W", v.delivery.id, v.delivery.version, "again")
            .await
            .unwrap()
            .is_none());
    }
    assert!(told
        .iter()
        .all(|t| t.kind == NotificationKind::PublishMissed));
    assert_eq!(
        store
            .get_entry(f.ws.id, old.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        Status::Failed
    );
    assert!(
        matches!(store.mark_missed("W", d.id, d.version, "x").await, Ok(None)),
        "an attempted delivery is never 'missed'"
    );

    // Reschedule: a new round at the new time, the old one cancelled.
    let r = approved(store, &f, "Déplacée", now + Duration::hours(2)).await;
    let r = schedule(store, &f, &r).await.unwrap();
    let new_time = now + Duration::days(2);
    store
        .reschedule_entry(&me, f.ws.id, r.id, r.version, new_time, "America/Cayenne")
        .await
        .unwrap();
    let views = store.entry_deliveries(f.ws.id, r.id).await.unwrap();
    assert_eq!(views.len(), 4);
    for v in &views {
        if v.delivery.round == 1 {
            assert_eq!(v.delivery.state, DeliveryState::Cancelled);
        } else {
            assert_eq!(v.delivery.state, DeliveryState::Pending);
            assert_eq!(v.delivery.due_at, relais_store::DbTime::from(new_time).0);
            assert_eq!(v.delivery.timezone, "America/Cayenne");
        }
    }
    let r2 = store.get_entry(f.ws.id, r.id).await.unwrap().unwrap();
    assert_eq!(
        r2.content.starts_at,
        Some(relais_store::DbTime::from(new_time).0)
    );
    assert!(matches!(
        store
            .reschedule_entry(&me, f.ws.id, r.id, r.version, new_time, "Europe/Paris")
            .await,
        Err(StoreError::Stale)
    ));
}

#[tokio::test]
async fn retries_unconfirmed_missed_and_rescheduled_deliveries() {
    on_every_backend!(retry_missed_reschedule_scenario);
}

async fn connections_scenario(store: &Store) {
    let f = fixture(store).await;
    let me = Actor::user(&f.cm);
    store
        .save_connection(&me, f.ws.id, f.bsky.id, "v1.key1.sealed-a", "did:plc:abc")
        .await
        .unwrap();
    store
        .save_connection(&me, f.ws.id, f.masto.id, "v1.key1.sealed-b", "42")
        .await
        .unwrap();
    let c = store.connection(f.bsky.id).await.unwrap().unwrap();
    assert_eq!(
        (
            c.sealed_credentials.as_str(),
            c.remote_id.as_str(),
            c.reconnect_needed
        ),
        ("v1.key1.sealed-a", "did:plc:abc", false)
    );
    assert!(
        !format!("{c:?}").contains("sealed-a"),
        "Debug hides the sealed value"
    );
    // Flagged once: the team is told once.
    let told = store
        .set_reconnect_needed(f.bsky.id, Some("HTTP 401: bad token"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(told.kind, NotificationKind::ReconnectNeeded);
    assert!(store
        .set_reconnect_needed(f.bsky.id, Some("again"))
        .await
        .unwrap()
        .is_none());
    let s = store.account_statuses(f.ws.id).await.unwrap();
    let b = s.iter().find(|s| s.account_id == f.bsky.id).unwrap();
    assert!(b.connected && b.reconnect_needed && b.health_reason == "again");
    // Rotation is all or nothing.
    let failed = store
        .reseal_credentials(|a, old| {
            if a == f.masto.id {
                Err("cannot open")
            } else {
                Ok(Some(format!("{old}-new")))
            }
        })
        .await
        .unwrap();
    assert!(failed.is_err());
    assert_eq!(
        store
            .connection(f.bsky.id)
            .await
            .unwrap()
            .unwrap()
            .sealed_credentials,
        "v1.key1.sealed-a"
    );
    let n = store
        .reseal_credentials(|_, old| Ok::<_, ()>(Some(format!("{old}-new"))))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        store
            .connection(f.masto.id)
            .await
            .unwrap()
            .unwrap()
            .sealed_credentials,
        "v1.key1.sealed-b-new"
    );
    // Reconnecting clears the flag; the audit log never holds the sealed value.
    store
        .save_connection(&me, f.ws.id, f.bsky.id, "v1.key1.sealed-c", "did:plc:abc")
        .await
        .unwrap();
    assert!(
        !store
            .connection(f.bsky.id)
            .await
            .unwrap()
            .unwrap()
            .reconnect_needed
    );
    let audit = store
        .audit_for_workspace(f.ws.id, None, 1000)
        .await
        .unwrap();
    let text = format!("{audit:?}");
    assert!(!text.contains("sealed"), "{text}");
    store
        .delete_connection(&me, f.ws.id, f.bsky.id)
        .await
        .unwrap();
    assert!(store.connection(f.bsky.id).await.unwrap().is_none());
    assert!(matches!(
        store.delete_connection(&me, f.ws.id, f.bsky.id).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn connections_are_sealed_flagged_rotated_and_never_audited_in_clear() {
    on_every_backend!(connections_scenario);
}

/// Two processes on one SQLite file (the web and the worker) each edit
/// entries in read-then-write transactions. Every write must wait for the
/// lock rather than fail with "database is locked": a deferred transaction
/// whose snapshot went stale cannot be helped by `busy_timeout`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_handles_on_one_sqlite_file_never_fail_with_database_is_locked() {
    let db = testing::sqlite().await;
    let f = fixture(&db.store).await;
    let other = Store::connect(&db.url, &relais_store::ConnectOptions::default())
        .await
        .unwrap();
    let due = Utc::now() + Duration::hours(1);
    let mut tasks = Vec::new();
    for (n, store) in [db.store.clone(), other.clone(), db.store.clone(), other]
        .into_iter()
        .enumerate()
    {
        let me = Actor::user(&f.cm);
        let ws = f.ws.id;
        let content = EntryContent {
            title: format!("Writer {n}"),
            accounts: vec![f.bsky.id],
            starts_at: Some(due),
            timezone: "Europe/Paris".into(),
            body: "texte".into(),
            ..EntryContent::default()
        };
        let e = store
            .create_entry(&me, ws, Status::Draft, &content)
            .await
            .unwrap();
        tasks.push(tokio::spawn(async move {
            let mut version = e.version;
            for i in 0..150 {
                let mut c = content.clone();
                c.body = format!("texte {i}");
                let saved = store
                    .update_entry(&me, ws, e.id, version, &c)
                    .await
                    .unwrap_or_else(|err| panic!("writer {n}, edit {i}: {err:?}"));
                version = saved.version;
            }
            version
        }));
    }
    for t in tasks {
        let version = t.await.unwrap();
        assert!(version > 150, "every edit was saved ({version})");
    }
    db.finish().await;
}

/// The worker's group commit: the parts of several deliveries recorded in one
/// transaction publish each delivery and settle each entry whose round is done.
async fn group_commit_scenario(store: &Store) {
    use relais_store::PartRecord;
    let f = fixture(store).await;
    let now = Utc::now();
    let until = now + Duration::seconds(30);
    let mut entries = Vec::new();
    for title in ["Un", "Deux"] {
        let e = approved(store, &f, title, now - Duration::seconds(1)).await;
        entries.push(schedule(store, &f, &e).await.unwrap());
    }
    store.lease_queues("W", now, until, 10).await.unwrap();
    let mut records = Vec::new();
    for account in [f.bsky.id, f.masto.id] {
        // Both deliveries of the account, read ahead and claimed one by one.
        let due = store.due_deliveries(account, now, 16).await.unwrap();
        assert_eq!(due.len(), 2);
        for d in due {
            let c = store
                .claim_delivery("W", d.id, d.version, now)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(c.parts.len(), 1);
            records.push(PartRecord {
                delivery: d.id,
                position: 0,
                remote: RemotePost {
                    id: format!("remote-{}", d.id.0),
                    cid: None,
                    url: Some(format!("https://example.test/{}", d.id.0)),
                },
                reconciled: false,
                last: true,
                worker: "W".into(),
                started_at: now,
            });
        }
    }
    assert_eq!(records.len(), 4);
    store.record_parts(&records).await.unwrap();
    for e in &entries {
        let after = store.get_entry(f.ws.id, e.id).await.unwrap().unwrap();
        assert_eq!(after.status, Status::Published, "{}", after.content.title);
        for v in store.entry_deliveries(f.ws.id, e.id).await.unwrap() {
            assert_eq!(v.delivery.state, DeliveryState::Published);
            assert_eq!(v.delivery.parts_done, 1);
            let url = format!("https://example.test/{}", v.delivery.id.0);
            assert_eq!(v.delivery.remote_url.as_deref(), Some(url.as_str()));
            assert_eq!(v.attempts.len(), 1);
        }
    }
    // Recording the same parts again leaves each delivery published once.
    store.record_parts(&records).await.unwrap();
    for e in &entries {
        for v in store.entry_deliveries(f.ws.id, e.id).await.unwrap() {
            assert_eq!(v.delivery.state, DeliveryState::Published);
            assert_eq!(v.delivery.parts_done, 1);
        }
    }
}

#[tokio::test]
async fn a_group_commit_publishes_each_delivery_and_settles_each_entry() {
    on_every_backend!(group_commit_scenario);
}

/// One group commit of the worker holds records and claims: the claims are
/// checked one by one (version and lease) and come back in order with their
/// parts; the records before them publish and settle, audited once per entry.
async fn write_batch_scenario(store: &Store) {
    use relais_store::{ClaimRequest, PartRecord};
    let f = fixture(store).await;
    let now = Utc::now();
    let until = now + Duration::seconds(30);
    let un = schedule(store, &f, &approved(store, &f, "Un", now).await)
        .await
        .unwrap();
    let deux = schedule(store, &f, &approved(store, &f, "Deux", now).await)
        .await
        .unwrap();
    store.lease_queues("W", now, until, 10).await.unwrap();
    let of = |e: &relais_core::entry::Entry, account| {
        let (ws, id) = (f.ws.id, e.id);
        async move {
            store
                .entry_deliveries(ws, id)
                .await
                .unwrap()
                .into_iter()
                .map(|v| v.delivery)
                .find(|d| d.account_id == account)
                .unwrap()
        }
    };
    let claim = |d: &relais_store::Delivery| ClaimRequest {
        id: d.id,
        version: d.version,
        maybe_sent: false,
    };
    let (un_b, un_m) = (of(&un, f.bsky.id).await, of(&un, f.masto.id).await);
    let (deux_b, deux_m) = (of(&deux, f.bsky.id).await, of(&deux, f.masto.id).await);
    // Without the lease, nothing is claimed.
    let none = store
        .write_batch("Z", &[], &[claim(&un_b)], now)
        .await
        .unwrap();
    assert!(none[0].is_none(), "a claim needs the lease");
    // Two claims win; one read at an older version loses, in its place.
    let mut stale = claim(&deux_b);
    stale.version -= 1;
    let got = store
        .write_batch(
            "W",
            &[],
            &[claim(&un_b), stale, claim(&un_m), claim(&un_b)],
            now,
        )
        .await
        .unwrap();
    assert_eq!(got.len(), 4);
    assert!(got[1].is_none(), "a stale claim never wins");
    assert!(
        got[3].is_none(),
        "the same delivery claimed twice in one batch is claimed once"
    );
    for (c, d) in [(&got[0], &un_b), (&got[2], &un_m)] {
        let c = c.as_ref().unwrap();
        assert_eq!(c.delivery.id, d.id);
        assert_eq!(c.delivery.state, DeliveryState::Sending);
        assert_eq!(c.delivery.attempts, 1);
        assert_eq!(c.parts.len(), 1);
        assert_eq!(c.parts[0].delivery_id, d.id);
    }
    // Un's parts recorded and Deux's deliveries claimed in one batch.
    let records: Vec<PartRecord> = [&un_b, &un_m]
        .iter()
        .map(|d| PartRecord {
            delivery: d.id,
            position: 0,
            remote: RemotePost {
                id: format!("r{}", d.id.0),
                cid: None,
                url: Some(format!("https://example.test/{}", d.id.0)),
            },
            reconciled: false,
            last: true,
            worker: "W".into(),
            started_at: now,
        })
        .collect();
    let got = store
        .write_batch("W", &records, &[claim(&deux_m), claim(&deux_b)], now)
        .await
        .unwrap();
    assert_eq!(
        got.iter()
            .map(|c| c.as_ref().unwrap().delivery.id)
            .collect::<Vec<_>>(),
        vec![deux_m.id, deux_b.id]
    );
    let after = store.get_entry(f.ws.id, un.id).await.unwrap().unwrap();
    assert_eq!(after.status, Status::Published);
    let after = store.get_entry(f.ws.id, deux.id).await.unwrap().unwrap();
    assert_eq!(after.status, Status::Scheduled, "Deux is being sent");
    let audit = store.audit_for_workspace(f.ws.id, None, 500).await.unwrap();
    let published: Vec<_> = audit
        .iter()
        .filter(|a| a.action == relais_core::audit::AuditAction::EntryPublished)
        .map(|a| a.target.as_str())
        .collect();
    assert_eq!(published, vec!["Un"], "one audit entry for the entry");
}

#[tokio::test]
async fn a_write_batch_checks_each_claim_and_records_before_claiming() {
    on_every_backend!(write_batch_scenario);
}
