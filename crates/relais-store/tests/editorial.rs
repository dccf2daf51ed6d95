//! The editorial store suite (charter, accounts, entries, comments,
//! notifications, observances, media, feed token) on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use relais_core::audit::AuditAction;
use relais_core::charter::{Axis, Charter, NetworkPlan, Objective};
use relais_core::entry::{EntryContent, MediaKind, NotificationKind, Status, Variant};
use relais_core::model::{Actor, User, Workspace};
use relais_core::{AccountId, EntryId, MediaId, Network, ObservanceId, Role, UserId};
use relais_store::MembershipChange::Add;
use relais_store::{EntryFilter, NewUser, Store, StoreError};

use relais_store::on_every_backend;

struct Fixture {
    owner: User,
    cm: User,
    client: User,
    ws: Workspace,
    other: Workspace,
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
    let client = store.create_user(&sys, mk("client@x.fr")).await.unwrap();
    let ws = store
        .create_workspace(&sys, "brand-a", "Brand A", Some(owner.id), false)
        .await
        .unwrap();
    let other = store
        .create_workspace(&sys, "brand-b", "Brand B", Some(owner.id), false)
        .await
        .unwrap();
    for (u, role) in [
        (&cm, Role::CommunityManager),
        (&client, Role::ClientApprover),
    ] {
        store
            .set_membership(&sys, Role::Owner, ws.id, u.id, Add(role))
            .await
            .unwrap();
    }
    Fixture {
        owner,
        cm,
        client,
        ws,
        other,
    }
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

fn content(title: &str, accounts: &[AccountId], starts_at: Option<DateTime<Utc>>) -> EntryContent {
    EntryContent {
        title: title.into(),
        axis: Some("Coulisses".into()),
        accounts: accounts.to_vec(),
        starts_at,
        timezone: "Europe/Paris".into(),
        body: format!("Texte de {title} — été 🥐"),
        variants: vec![Variant {
            network: Network::Bluesky,
            text: "Court".into(),
        }],
        hashtags: vec!["MaisonDupain".into()],
        ..EntryContent::default()
    }
}

async fn actions(store: &Store, f: &Fixture) -> Vec<AuditAction> {
    store
        .audit_for_workspace(f.ws.id, None, 1000)
        .await
        .unwrap()
        .iter()
        .map(|e| e.action)
        .collect()
}

async fn charter_scenario(store: &Store) {
    let f = fixture(store).await;
    let me = Actor::user(&f.cm);
    assert!(store.current_charter(f.ws.id).await.unwrap().is_none());
    let mut charter = Charter {
        objectives: vec![Objective {
            label: "Notoriété".into(),
            target: "+20 %".into(),
        }],
        axes: vec![Axis {
            name: "Coulisses".into(),
            ..Axis::default()
        }],
        networks: vec![NetworkPlan {
            network: Network::Instagram,
            content_types: vec!["coulisses".into()],
            tone: "chaleureux".into(),
            min_per_week: 2,
            max_per_week: 4,
            windows: vec![],
            brand_hashtags: vec!["MaisonDupain".into()],
            campaign_hashtags: vec![],
            paid: Default::default(),
        }],
        ..Charter::default()
    };
    // Saving "over" a version that does not exist is stale.
    assert!(matches!(
        store
            .save_charter(&me, f.ws.id, &charter, "", Some(1))
            .await,
        Err(StoreError::Stale)
    ));
    let v1 = store
        .save_charter(&me, f.ws.id, &charter, "première version", None)
        .await
        .unwrap();
    assert_eq!(v1.version, 1);
    assert_eq!(v1.charter, charter);
    assert_eq!(v1.author_id, Some(f.cm.id));
    assert_eq!(v1.author_name, "Person cm@x.fr");
    charter.axes.push(Axis {
        name: "Recettes".into(),
        ..Axis::default()
    });
    // A second author who opened v0 (no charter) is refused; nothing written.
    assert!(matches!(
        store.save_charter(&me, f.ws.id, &charter, "", None).await,
        Err(StoreError::Stale)
    ));
    let v2 = store
        .save_charter(&me, f.ws.id, &charter, "ajout d'un axe", Some(1))
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    assert!(matches!(
        store
            .save_charter(&me, f.ws.id, &charter, "", Some(1))
            .await,
        Err(StoreError::Stale)
    ));
    let current = store.current_charter(f.ws.id).await.unwrap().unwrap();
    assert_eq!(current, v2);
    let history = store.charter_history(f.ws.id).await.unwrap();
    assert_eq!(
        history.iter().map(|v| v.version).collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(history[1].charter.axes.len(), 1, "old versions are kept");
    assert_eq!(
        store.charter_version(f.ws.id, 1).await.unwrap().unwrap(),
        v1
    );
    assert!(store.charter_version(f.ws.id, 3).await.unwrap().is_none());
    // Tenant isolation: the other workspace has no charter.
    assert!(store.current_charter(f.other.id).await.unwrap().is_none());
    assert!(store
        .charter_version(f.other.id, 1)
        .await
        .unwrap()
        .is_none());
    let log = store.audit_for_workspace(f.ws.id, None, 10).await.unwrap();
    assert_eq!(log[0].action, AuditAction::CharterSaved);
    assert_eq!(log[0].after.as_ref().unwrap()["version"], 2);
    assert_eq!(
        log.iter()
            .filter(|e| e.action == AuditAction::CharterSaved)
            .count(),
        2,
        "refused saves wrote nothing"
    );
}

#[tokio::test]
async fn charter() {
    on_every_backend!(charter_scenario);
}

async fn accounts_scenario(store: &Store) {
    let f = fixture(store).await;
    let me = Actor::user(&f.owner);
    let bsky = store
        .create_account(
            &me,
            f.ws.id,
            Network::Bluesky,
            "@dupain.bsky.social",
            "Bluesky",
        )
        .await
        .unwrap();
    let insta = store
        .create_account(&me, f.ws.id, Network::Instagram, "@maisondupain", "Insta")
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_account(&me, f.ws.id, Network::Bluesky, "@dupain.bsky.social", "x")
            .await,
        Err(StoreError::Conflict("handle"))
    ));
    assert_eq!(
        store.list_accounts(f.ws.id).await.unwrap(),
        vec![bsky.clone(), insta.clone()]
    );
    assert!(store.list_accounts(f.other.id).await.unwrap().is_empty());
    // An entry on both accounts; deleting one takes it out of the entry.
    let e = store
        .create_entry(
            &me,
            f.ws.id,
            Status::Draft,
            &content("Pain", &[bsky.id, insta.id], Some(at(3, 9))),
        )
        .await
        .unwrap();
    assert!(matches!(
        store.delete_account(&me, f.other.id, bsky.id).await,
        Err(StoreError::NotFound)
    ));
    store.delete_account(&me, f.ws.id, bsky.id).await.unwrap();
    let e2 = store.get_entry(f.ws.id, e.id).await.unwrap().unwrap();
    assert_eq!(e2.content.accounts, vec![insta.id]);
    assert_eq!(e2.version, e.version + 1);
    assert_eq!(store.list_accounts(f.ws.id).await.unwrap(), vec![insta]);
    let acts = actions(store, &f).await;
    assert_eq!(acts[0], AuditAction::AccountDeleted);
    assert!(acts.contains(&AuditAction::AccountCreated));
}

#[tokio::test]
async fn accounts() {
    on_every_backend!(accounts_scenario);
}

async fn entries_scenario(store: &Store) {
    let f = fixture(store).await;
    let me = Actor::user(&f.cm);
    let a1 = store
        .create_account(&me, f.ws.id, Network::Bluesky, "@a", "A")
        .await
        .unwrap();
    let a2 = store
        .create_account(&me, f.ws.id, Network::Mastodon, "@b", "B")
        .await
        .unwrap();
    let foreign = store
        .create_account(&me, f.other.id, Network::Mastodon, "@c", "C")
        .await
        .unwrap();

    let mut c1 = content("Un", &[a1.id, a1.id], Some(at(2, 9)));
    c1.assignee = Some(f.cm.id);
    let e1 = store
        .create_entry(&me, f.ws.id, Status::Draft, &c1)
        .await
        .unwrap();
    assert_eq!(e1.version, 1);
    assert_eq!(e1.status, Status::Draft);
    assert_eq!(e1.content.accounts, vec![a1.id], "duplicates dropped");
    assert_eq!(e1.created_by, Some(f.cm.id));
    assert_eq!(store.get_entry(f.ws.id, e1.id).await.unwrap().unwrap(), e1);
    let mut c2 = content("Deux", &[a2.id], Some(at(15, 18)));
    c2.axis = Some("Recettes".into());
    let e2 = store
        .create_entry(&me, f.ws.id, Status::Submitted, &c2)
        .await
        .unwrap();
    let e3 = store
        .create_entry(&me, f.ws.id, Status::Idea, &content("Trois", &[], None))
        .await
        .unwrap();
    let e4 = store
        .create_entry(
            &me,
            f.ws.id,
            Status::Approved,
            &content("Quatre", &[a1.id, a2.id], Some(at(31, 22))),
        )
        .await
        .unwrap();
    store
        .create_entry(
            &me,
            f.other.id,
            Status::Draft,
            &content("Ailleurs", &[foreign.id], Some(at(2, 9))),
        )
        .await
        .unwrap();

    // References outside the workspace are refused and nothing is written.
    let before = actions(store, &f).await.len();
    assert!(matches!(
        store
            .create_entry(
                &me,
                f.ws.id,
                Status::Draft,
                &content("X", &[foreign.id], None)
            )
            .await,
        Err(StoreError::NotFound)
    ));
    let mut stranger = content("X", &[], None);
    stranger.assignee = Some(UserId(99_999));
    assert!(matches!(
        store
            .create_entry(&me, f.ws.id, Status::Draft, &stranger)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(actions(store, &f).await.len(), before);

    // Filters.
    let ids = |v: Vec<relais_core::entry::Entry>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();
    let all = store
        .list_entries(f.ws.id, &EntryFilter::default())
        .await
        .unwrap();
    assert_eq!(
        ids(all),
        vec![e1.id, e2.id, e4.id, e3.id],
        "by date, undated last"
    );
    let march_first_half = EntryFilter {
        from: Some(at(1, 0)),
        to: Some(at(15, 18)),
        ..EntryFilter::default()
    };
    assert_eq!(
        ids(store
            .list_entries(f.ws.id, &march_first_half)
            .await
            .unwrap()),
        vec![e1.id],
        "to is exclusive"
    );
    let by = |filter: EntryFilter| async move {
        ids(store.list_entries(f.ws.id, &filter).await.unwrap())
    };
    assert_eq!(
        by(EntryFilter {
            account: Some(a2.id),
            ..Default::default()
        })
        .await,
        vec![e2.id, e4.id]
    );
    assert_eq!(
        by(EntryFilter {
            axis: Some("Recettes".into()),
            ..Default::default()
        })
        .await,
        vec![e2.id]
    );
    assert_eq!(
        by(EntryFilter {
            status: Some(Status::Idea),
            ..Default::default()
        })
        .await,
        vec![e3.id]
    );
    assert_eq!(
        by(EntryFilter {
            assignee: Some(f.cm.id),
            ..Default::default()
        })
        .await,
        vec![e1.id]
    );
    assert_eq!(
        by(EntryFilter {
            client_visible_only: true,
            ..Default::default()
        })
        .await,
        vec![e2.id, e4.id]
    );
    assert_eq!(
        by(EntryFilter {
            undated_only: true,
            ..Default::default()
        })
        .await,
        vec![e3.id]
    );
    assert_eq!(
        by(EntryFilter {
            account: Some(foreign.id),
            ..Default::default()
        })
        .await,
        Vec::<EntryId>::new()
    );

    // Update: the version moves; a second save from the old version is stale.
    let mut edited = e1.content.clone();
    edited.body = "Nouveau texte".into();
    edited.accounts = vec![a2.id];
    let u1 = store
        .update_entry(&me, f.ws.id, e1.id, 1, &edited)
        .await
        .unwrap();
    assert_eq!(u1.version, 2);
    assert_eq!(u1.content.body, "Nouveau texte");
    assert_eq!(
        by(EntryFilter {
            account: Some(a2.id),
            ..Default::default()
        })
        .await,
        vec![e1.id, e2.id, e4.id],
        "entry_accounts follow the content"
    );
    let mut concurrent = e1.content.clone();
    concurrent.body = "Écrase ?".into();
    let n = actions(store, &f).await.len();
    assert!(matches!(
        store
            .update_entry(&me, f.ws.id, e1.id, 1, &concurrent)
            .await,
        Err(StoreError::Stale)
    ));
    assert_eq!(store.get_entry(f.ws.id, e1.id).await.unwrap().unwrap(), u1);
    assert_eq!(actions(store, &f).await.len(), n, "nothing written");
    // Not editable once submitted; not found from another workspace.
    assert!(matches!(
        store.update_entry(&me, f.ws.id, e2.id, 1, &c2).await,
        Err(StoreError::NotEditable)
    ));
    assert!(matches!(
        store.update_entry(&me, f.other.id, e1.id, 2, &edited).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.get_entry(f.other.id, e1.id).await.unwrap().is_none());

    // Move.
    let moved = store
        .move_entry(&me, f.ws.id, e1.id, 2, at(20, 7), "America/Martinique")
        .await
        .unwrap();
    assert_eq!(moved.content.starts_at, Some(at(20, 7)));
    assert_eq!(moved.content.timezone, "America/Martinique");
    assert_eq!(moved.version, 3);
    assert!(matches!(
        store
            .move_entry(&me, f.ws.id, e1.id, 2, at(21, 7), "Europe/Paris")
            .await,
        Err(StoreError::Stale)
    ));
    assert!(matches!(
        store
            .move_entry(&me, f.ws.id, e4.id, 1, at(21, 7), "Europe/Paris")
            .await,
        Err(StoreError::NotEditable)
    ));

    // Status workflow.
    assert!(matches!(
        store
            .set_entry_status(&me, f.ws.id, e1.id, None, Status::Approved, "")
            .await,
        Err(StoreError::BadTransition {
            from: Status::Draft,
            to: Status::Approved
        })
    ));
    assert!(matches!(
        store
            .set_entry_status(&me, f.ws.id, e1.id, Some(1), Status::InternalReview, "")
            .await,
        Err(StoreError::Stale)
    ));
    let reviewed = store
        .set_entry_status(
            &me,
            f.ws.id,
            e1.id,
            Some(3),
            Status::InternalReview,
            "à relire",
        )
        .await
        .unwrap();
    assert_eq!(reviewed.status, Status::InternalReview);
    assert_eq!(reviewed.version, 4);
    let comments = store.list_comments(f.ws.id, e1.id).await.unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].body, "à relire");
    assert_eq!(comments[0].author_name, "Person cm@x.fr");
    let log = store.audit_for_workspace(f.ws.id, None, 1).await.unwrap();
    assert_eq!(log[0].action, AuditAction::EntryStatusChanged);
    assert_eq!(log[0].before, Some(serde_json::json!({"status": "draft"})));
    assert_eq!(
        log[0].after,
        Some(serde_json::json!({"status": "internal_review", "comment": "à relire"}))
    );

    // Delete.
    assert!(matches!(
        store.delete_entry(&me, f.ws.id, e3.id, 7).await,
        Err(StoreError::Stale)
    ));
    assert!(matches!(
        store.delete_entry(&me, f.other.id, e3.id, 1).await,
        Err(StoreError::NotFound)
    ));
    store.delete_entry(&me, f.ws.id, e3.id, 1).await.unwrap();
    assert!(store.get_entry(f.ws.id, e3.id).await.unwrap().is_none());
    let acts = actions(store, &f).await;
    assert_eq!(acts[0], AuditAction::EntryDeleted);
    for a in [
        AuditAction::EntryCreated,
        AuditAction::EntryUpdated,
        AuditAction::EntryMoved,
    ] {
        assert!(acts.contains(&a), "{a:?}");
    }
}

#[tokio::test]
async fn entries() {
    on_every_backend!(entries_scenario);
}

async fn bulk_status_scenario(store: &Store) {
    let f = fixture(store).await;
    let team = Actor::user(&f.cm);
    let client = Actor::user(&f.client);
    let mut week = Vec::new();
    for day in 2..6 {
        let e = store
            .create_entry(
                &team,
                f.ws.id,
                Status::Submitted,
                &content(&format!("Jour {day}"), &[], Some(at(day, 10))),
            )
            .await
            .unwrap();
        week.push(e.id);
    }
    let draft = store
        .create_entry(
            &team,
            f.ws.id,
            Status::Draft,
            &content("Brouillon", &[], Some(at(6, 10))),
        )
        .await
        .unwrap();
    let elsewhere = store
        .create_entry(
            &team,
            f.other.id,
            Status::Submitted,
            &content("Autre", &[], Some(at(6, 10))),
        )
        .await
        .unwrap();
    let n = actions(store, &f).await.len();
    // One entry that cannot be approved: nothing changes.
    let mut with_bad = week.clone();
    with_bad.push(draft.id);
    assert!(matches!(
        store
            .set_entries_status(&client, f.ws.id, &with_bad, Status::Approved, "ok")
            .await,
        Err(StoreError::BadTransition { .. })
    ));
    // One entry of another workspace: nothing changes.
    let mut with_foreign = week.clone();
    with_foreign.insert(1, elsewhere.id);
    assert!(matches!(
        store
            .set_entries_status(&client, f.ws.id, &with_foreign, Status::Approved, "ok")
            .await,
        Err(StoreError::NotFound)
    ));
    for id in &week {
        let e = store.get_entry(f.ws.id, *id).await.unwrap().unwrap();
        assert_eq!((e.status, e.version), (Status::Submitted, 1));
        assert!(store.list_comments(f.ws.id, *id).await.unwrap().is_empty());
    }
    assert_eq!(actions(store, &f).await.len(), n, "no audit entry either");
    let done = store
        .set_entries_status(&client, f.ws.id, &week, Status::Approved, "Parfait")
        .await
        .unwrap();
    assert_eq!(done.len(), 4);
    assert!(done
        .iter()
        .all(|e| e.status == Status::Approved && e.version == 2));
    let acts = actions(store, &f).await;
    assert_eq!(
        acts.iter()
            .filter(|a| **a == AuditAction::EntryStatusChanged)
            .count(),
        4,
        "each transition is in the audit log"
    );
    assert_eq!(
        store.list_comments(f.ws.id, week[0]).await.unwrap()[0].body,
        "Parfait"
    );
}

#[tokio::test]
async fn bulk_status() {
    on_every_backend!(bulk_status_scenario);
}

async fn import_scenario(store: &Store) {
    let f = fixture(store).await;
    let me = Actor::user(&f.cm);
    let acc = store
        .create_account(&me, f.ws.id, Network::Instagram, "@i", "I")
        .await
        .unwrap();
    let foreign = store
        .create_account(&me, f.other.id, Network::Instagram, "@j", "J")
        .await
        .unwrap();
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
    let rows: Vec<(Status, EntryContent)> = (0..10_000)
        .map(|i| {
            (
                if i % 3 == 0 {
                    Status::Idea
                } else {
                    Status::Draft
                },
                content(
                    &format!("Publication {i}"),
                    &[acc.id],
                    Some(start + Duration::minutes(53 * i64::from(i))),
                ),
            )
        })
        .collect();
    // One bad row: nothing imported.
    let mut bad = rows[..50].to_vec();
    bad[37].1.accounts.push(foreign.id);
    let n = actions(store, &f).await.len();
    assert!(matches!(
        store.import_entries(&me, f.ws.id, &bad).await,
        Err(StoreError::NotFound)
    ));
    assert!(store
        .list_entries(f.ws.id, &EntryFilter::default())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(actions(store, &f).await.len(), n);

    let t = std::time::Instant::now();
    let ids = store.import_entries(&me, f.ws.id, &rows).await.unwrap();
    eprintln!(
        "import of {} entries ({}): {:?}",
        ids.len(),
        if store.kind() == relais_store::BackendKind::Sqlite {
            "sqlite"
        } else {
            "postgres"
        },
        t.elapsed()
    );
    assert_eq!(ids.len(), 10_000);
    let log = store.audit_for_workspace(f.ws.id, None, 1).await.unwrap();
    assert_eq!(log[0].action, AuditAction::EntriesImported);
    assert_eq!(log[0].after, Some(serde_json::json!({"count": 10_000})));
    let first = store.get_entry(f.ws.id, ids[0]).await.unwrap().unwrap();
    assert_eq!(first.content, rows[0].1);

    // The month view among 10,000 entries.
    let month = EntryFilter {
        from: Some(Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()),
        to: Some(Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap()),
        ..EntryFilter::default()
    };
    let _warm = store.list_entries(f.ws.id, &month).await.unwrap();
    let t = std::time::Instant::now();
    let got = store.list_entries(f.ws.id, &month).await.unwrap();
    eprintln!("month view: {} entries in {:?}", got.len(), t.elapsed());
    assert!(got.len() > 800);
    assert!(got
        .windows(2)
        .all(|w| w[0].content.starts_at <= w[1].content.starts_at));
    let by_account = EntryFilter {
        account: Some(acc.id),
        ..month.clone()
    };
    assert_eq!(
        store
            .list_entries(f.ws.id, &by_account)
            .await
            .unwrap()
            .len(),
        got.len()
    );
}

#[tokio::test]
async fn import_is_atomic_and_fast() {
    on_every_backend!(import_scenario);
}

async fn comments_and_notifications_scenario(store: &Store) {
    let f = fixture(store).await;
    let team = Actor::user(&f.cm);
    let client = Actor::user(&f.client);
    let e = store
        .create_entry(&team, f.ws.id, Status::Submitted, &content("Un", &[], None))
        .await
        .unwrap();
    let c1 = store
        .add_comment(&client, f.ws.id, e.id, "Pouvez-vous changer la photo ?")
        .await
        .unwrap();
    assert_eq!(c1.author_name, "Person client@x.fr");
    store
        .add_comment(&team, f.ws.id, e.id, "C'est fait.")
        .await
        .unwrap();
    let thread = store.list_comments(f.ws.id, e.id).await.unwrap();
    assert_eq!(
        thread.iter().map(|c| c.body.as_str()).collect::<Vec<_>>(),
        ["Pouvez-vous changer la photo ?", "C'est fait."]
    );
    assert_eq!(thread[0], c1);
    assert!(matches!(
        store.add_comment(&client, f.other.id, e.id, "x").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.list_comments(f.other.id, e.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(actions(store, &f).await[0], AuditAction::CommentAdded);

    // The team: owner and community manager, not the client.
    let team_ids: Vec<UserId> = store
        .team_members(f.ws.id)
        .await
        .unwrap()
        .iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(team_ids, vec![f.cm.id, f.owner.id]);
    store
        .notify(
            f.ws.id,
            &team_ids,
            NotificationKind::ChangesRequested,
            &[e.id],
            "Person client@x.fr",
            "Changer la photo",
        )
        .await
        .unwrap();
    store
        .notify(
            f.ws.id,
            &[f.cm.id],
            NotificationKind::Approved,
            &[e.id, EntryId(7)],
            "C",
            "",
        )
        .await
        .unwrap();
    assert_eq!(store.unread_notifications(f.cm.id).await.unwrap(), 2);
    assert_eq!(store.unread_notifications(f.owner.id).await.unwrap(), 1);
    assert_eq!(store.unread_notifications(f.client.id).await.unwrap(), 0);
    let list = store.list_notifications(f.cm.id, 10).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].kind, NotificationKind::Approved, "newest first");
    assert_eq!(list[0].entries, vec![e.id, EntryId(7)]);
    assert_eq!(list[1].comment, "Changer la photo");
    assert!(list[1].read_at.is_none());
    assert_eq!(store.list_notifications(f.cm.id, 1).await.unwrap().len(), 1);
    store.mark_notifications_read(f.cm.id).await.unwrap();
    assert_eq!(store.unread_notifications(f.cm.id).await.unwrap(), 0);
    assert_eq!(store.unread_notifications(f.owner.id).await.unwrap(), 1);
    assert!(store.list_notifications(f.cm.id, 10).await.unwrap()[0]
        .read_at
        .is_some());
}

#[tokio::test]
async fn comments_and_notifications() {
    on_every_backend!(comments_and_notifications_scenario);
}

async fn observances_media_feed_scenario(store: &Store) {
    let f = fixture(store).await;
    let me = Actor::user(&f.owner);
    let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    let items = vec![
        (d(3, 20), "Journée internationale du bonheur".to_string()),
        (d(5, 16), "Fête du pain".to_string()),
        (d(3, 20), "Journée internationale du bonheur".to_string()),
    ];
    assert_eq!(
        store
            .add_observances(&me, f.ws.id, &items, "ics")
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .add_observances(&me, f.ws.id, &items, "ics")
            .await
            .unwrap(),
        0,
        "re-import adds nothing"
    );
    let march = store
        .list_observances(f.ws.id, d(3, 1), d(4, 1))
        .await
        .unwrap();
    assert_eq!(march.len(), 1);
    assert_eq!(march[0].date, d(3, 20));
    assert_eq!(march[0].source, "ics");
    assert_eq!(
        store
            .list_observances(f.ws.id, d(3, 1), d(3, 20))
            .await
            .unwrap()
            .len(),
        0,
        "to is exclusive"
    );
    assert!(matches!(
        store.delete_observance(&me, f.other.id, march[0].id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .delete_observance(&me, f.ws.id, ObservanceId(99_999))
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .delete_observance(&me, f.ws.id, march[0].id)
        .await
        .unwrap();
    assert!(
        store
            .list_observances(f.ws.id, d(1, 1), d(12, 31))
            .await
            .unwrap()
            .len()
            == 1
    );

    let m = store
        .create_media(
            &me,
            f.ws.id,
            "ab12",
            MediaKind::Image,
            "image/jpeg",
            1080,
            1350,
            123_456,
            "croissant.jpg",
        )
        .await
        .unwrap();
    assert_eq!(m.width, 1080);
    assert_eq!(m.bytes, 123_456);
    assert_eq!(store.get_media(f.ws.id, m.id).await.unwrap().unwrap(), m);
    assert!(store.get_media(f.other.id, m.id).await.unwrap().is_none());
    assert!(store
        .get_media(f.ws.id, MediaId(99))
        .await
        .unwrap()
        .is_none());
    assert_eq!(store.list_media(f.ws.id).await.unwrap(), vec![m]);
    assert!(store.list_media(f.other.id).await.unwrap().is_empty());

    // Feed token: shown once, stored as a digest, one live per workspace.
    assert!(store
        .feed_token_created_at(f.ws.id)
        .await
        .unwrap()
        .is_none());
    let t1 = store.create_feed_token(&me, f.ws.id).await.unwrap();
    assert!(t1.len() >= 40);
    assert_eq!(
        store
            .workspace_by_feed_token(&t1)
            .await
            .unwrap()
            .unwrap()
            .id,
        f.ws.id
    );
    let t2 = store.create_feed_token(&me, f.ws.id).await.unwrap();
    assert_ne!(t1, t2);
    assert!(
        store.workspace_by_feed_token(&t1).await.unwrap().is_none(),
        "the old token is revoked"
    );
    assert_eq!(
        store
            .workspace_by_feed_token(&t2)
            .await
            .unwrap()
            .unwrap()
            .id,
        f.ws.id
    );
    assert!(store
        .feed_token_created_at(f.ws.id)
        .await
        .unwrap()
        .is_some());
    let t3 = store.create_feed_token(&me, f.other.id).await.unwrap();
    store.revoke_feed_token(&me, f.ws.id).await.unwrap();
    assert!(store.workspace_by_feed_token(&t2).await.unwrap().is_none());
    assert!(store
        .feed_token_created_at(f.ws.id)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store
            .workspace_by_feed_token(&t3)
            .await
            .unwrap()
            .unwrap()
            .id,
        f.other.id,
        "another workspace's token is untouched"
    );
    store.revoke_feed_token(&me, f.ws.id).await.unwrap();
    assert!(store.workspace_by_feed_token("").await.unwrap().is_none());
    let acts = actions(store, &f).await;
    assert_eq!(
        &acts[..6],
        [
            AuditAction::FeedTokenRevoked,
            AuditAction::FeedTokenCreated,
            AuditAction::FeedTokenCreated,
            AuditAction::MediaUploaded,
            AuditAction::ObservanceDeleted,
            AuditAction::ObservancesAdded,
        ],
        "one audit entry per change; no-ops write none"
    );
}

#[tokio::test]
async fn observances_media_feed() {
    on_every_backend!(observances_media_feed_scenario);
}

async fn demo_scenario(store: &Store) {
    use relais_store::demo::{seed_demo, DEMO_WORKSPACES};
    seed_demo(store, "$argon2id$one").await.unwrap();
    let mut counts = Vec::new();
    for (slug, _) in DEMO_WORKSPACES {
        let ws = store.workspace_by_slug(slug).await.unwrap().unwrap();
        let accounts = store.list_accounts(ws.id).await.unwrap();
        assert!((2..=4).contains(&accounts.len()), "{slug}");
        let charter = store.current_charter(ws.id).await.unwrap().unwrap();
        assert!((3..=5).contains(&charter.charter.axes.len()), "{slug}");
        assert!(charter.charter.validate().is_empty(), "{slug}");
        assert!(charter
            .charter
            .networks
            .iter()
            .all(|p| !p.windows.is_empty() && p.windows.iter().all(|w| !w.reason.is_empty())));
        let entries = store
            .list_entries(ws.id, &EntryFilter::default())
            .await
            .unwrap();
        assert!(entries.len() >= 20, "{slug}: {}", entries.len());
        let axes: Vec<&str> = charter
            .charter
            .axes
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        for e in &entries {
            assert!(axes.contains(&e.content.axis.as_deref().unwrap()), "{slug}");
            assert!(e
                .content
                .accounts
                .iter()
                .all(|a| accounts.iter().any(|x| x.id == *a)));
        }
        for s in [
            Status::Published,
            Status::Scheduled,
            Status::Submitted,
            Status::Draft,
            Status::Idea,
        ] {
            assert!(entries.iter().any(|e| e.status == s), "{slug}: {s:?}");
        }
        counts.push(entries.len());
    }
    let dupain = store
        .workspace_by_slug("maison-dupain")
        .await
        .unwrap()
        .unwrap();
    let for_client = store
        .list_entries(
            dupain.id,
            &EntryFilter {
                status: Some(Status::Submitted),
                client_visible_only: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(for_client.len() >= 3, "the client has entries to approve");
    let changes = store
        .list_entries(
            dupain.id,
            &EntryFilter {
                status: Some(Status::ChangesRequested),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let thread = store.list_comments(dupain.id, changes[0].id).await.unwrap();
    assert_eq!(thread[0].author_name, "Claire Bernard");
    // A second run resets the password and adds nothing.
    seed_demo(store, "$argon2id$two").await.unwrap();
    for ((slug, _), n) in DEMO_WORKSPACES.iter().zip(counts) {
        let ws = store.workspace_by_slug(slug).await.unwrap().unwrap();
        assert_eq!(
            store
                .list_entries(ws.id, &EntryFilter::default())
                .await
                .unwrap()
                .len(),
            n
        );
        assert_eq!(store.charter_history(ws.id).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn demo_has_editorial_content() {
    on_every_backend!(demo_scenario);
}
