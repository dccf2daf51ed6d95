//! The demo agency that `relais serve --demo` puts in an empty database, so a
//! newcomer can log in as each role and see every page at once.

use crate::demo_data::{self, BRANDS};
use crate::{EntryFilter, MembershipChange, NewUser, Result, Store, StoreError};
use relais_core::entry::Status;
use relais_core::model::{Actor, Workspace};
use relais_core::{Role, UserId};

/// The demo workspaces: (slug, name).
pub const DEMO_WORKSPACES: [(&str, &str); 3] = [
    ("maison-dupain", "Maison Dupain — boulangerie"),
    ("velo-cite", "Vélo Cité — ateliers vélo"),
    ("theatre-lumiere", "Théâtre Lumière"),
];

/// A demo person: (e-mail, name, instance admin, memberships as (slug, role)).
pub type DemoUser = (
    &'static str,
    &'static str,
    bool,
    &'static [(&'static str, Role)],
);

/// The demo people.
pub const DEMO_USERS: [DemoUser; 5] = [
    (
        "owner@demo.local",
        "Océane Moreau",
        true,
        &[
            ("maison-dupain", Role::Owner),
            ("velo-cite", Role::Owner),
            ("theatre-lumiere", Role::Owner),
        ],
    ),
    (
        "manager@demo.local",
        "Mathieu Lefèvre",
        false,
        &[
            ("maison-dupain", Role::Manager),
            ("velo-cite", Role::Manager),
            ("theatre-lumiere", Role::Manager),
        ],
    ),
    (
        "cm@demo.local",
        "Camille Dubois",
        false,
        &[
            ("maison-dupain", Role::CommunityManager),
            ("velo-cite", Role::CommunityManager),
        ],
    ),
    (
        "client@demo.local",
        "Claire Bernard",
        false,
        &[("maison-dupain", Role::ClientApprover)],
    ),
    (
        "viewer@demo.local",
        "Victor Petit",
        false,
        &[("velo-cite", Role::Viewer)],
    ),
];

/// What seeding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoOutcome {
    /// The database was empty; the demo agency was created.
    Created,
    /// The demo agency was already there; the demo password was reset.
    PasswordReset,
}

/// Why the demo refuses to run.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "this database holds data that is not demo data ({users} user(s), {workspaces} workspace(s)); \
         --demo only runs on an empty database or one it filled itself: use another --data-dir or --database-url"
    )]
    NotDemo { users: i64, workspaces: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Fills an empty database with the demo agency, or resets the demo password of
/// one it filled before. Refuses a database holding anything else.
pub async fn seed_demo(store: &Store, password_hash: &str) -> Result<DemoOutcome, DemoError> {
    let census = store.demo_census().await?;
    if census.other_users > 0 || census.other_workspaces > 0 {
        return Err(DemoError::NotDemo {
            users: census.other_users,
            workspaces: census.other_workspaces,
        });
    }
    let actor = Actor::System("demo");
    if census.demo_users > 0 {
        for (email, ..) in DEMO_USERS {
            if let Some(user) = store.user_by_email(email).await? {
                store
                    .set_password(&actor, user.id, password_hash, None)
                    .await?;
            }
        }
        return Ok(DemoOutcome::PasswordReset);
    }
    let mut users: Vec<(UserId, &[(&str, Role)])> = Vec::new();
    for (email, name, is_admin, memberships) in DEMO_USERS {
        let user = store
            .create_user(
                &actor,
                NewUser {
                    email: email.into(),
                    display_name: name.into(),
                    password_hash: password_hash.into(),
                    is_admin,
                    is_demo: true,
                },
            )
            .await?;
        users.push((user.id, memberships));
    }
    for (slug, name) in DEMO_WORKSPACES {
        let ws = store
            .create_workspace(&actor, slug, name, None, true)
            .await?;
        for (user, memberships) in &users {
            for (s, role) in memberships.iter() {
                if *s == slug {
                    store
                        .set_membership(
                            &actor,
                            Role::Owner,
                            ws.id,
                            *user,
                            MembershipChange::Add(*role),
                        )
                        .await?;
                }
            }
        }
        seed_editorial(store, &ws).await?;
        // Veille goes to the theatre, whose people (owner, manager) try it
        // there; the other workspaces start with an empty veille.
        if ws.slug == "theatre-lumiere" {
            seed_veille(store, &ws).await?;
        }
    }
    Ok(DemoOutcome::Created)
}

/// The workspace's accounts, charter and a month of entries around today, with
/// a client's request for changes on one of them.
async fn seed_editorial(store: &Store, ws: &Workspace) -> Result<()> {
    let actor = Actor::System("demo");
    let Some(brand) = BRANDS.iter().find(|b| b.slug == ws.slug) else {
        return Ok(());
    };
    let mut accounts = Vec::new();
    for (network, handle, label) in brand.accounts {
        accounts.push(
            store
                .create_account(&actor, ws.id, *network, handle, label)
                .await?
                .id,
        );
    }
    store
        .save_charter(
            &actor,
            ws.id,
            &demo_data::charter(brand),
            "Charte de départ, validée en réunion de lancement",
            None,
        )
        .await?;
    let assignee_email = if ws.slug == "theatre-lumiere" {
        "manager@demo.local"
    } else {
        "cm@demo.local"
    };
    let assignee = store.user_by_email(assignee_email).await?.map(|u| u.id);
    let rows = demo_data::entries(brand, &accounts, assignee, crate::time::now());
    store.import_entries(&actor, ws.id, &rows).await?;
    let changes = EntryFilter {
        status: Some(Status::ChangesRequested),
        ..EntryFilter::default()
    };
    let client = store.user_by_email("client@demo.local").await?;
    let is_client_ws = ws.slug == "maison-dupain";
    for entry in store.list_entries(ws.id, &changes).await? {
        let who = match (&client, is_client_ws) {
            (Some(c), true) => Actor::user(c),
            _ => actor.clone(),
        };
        store
            .add_comment(
                &who,
                ws.id,
                entry.id,
                "Pouvez-vous reprendre la photo ? On ne voit pas assez le produit. Le texte me va.",
            )
            .await?;
    }
    Ok(())
}

/// Veille for one workspace: a topic per kind of veille and a fortnight of
/// items (about three a day, some negative, one story told by two sites),
/// then this hour's burst of one story, with the spike alert the worker
/// would have raised for it (checked against the detector by a test of the
/// `relais` crate, which may use `relais-veille`). The items have no
/// source (the demo fetches nothing); the server indexes them for search
/// when it creates its index.
async fn seed_veille(store: &Store, ws: &Workspace) -> Result<()> {
    use demo_data::{Story, BURST, STORIES, VEILLE_TOPICS};
    use relais_core::veille::{AlertKind, NewItem, Polarity};
    let actor = Actor::System("demo");
    let mut topics = Vec::new();
    for (name, kind, query) in VEILLE_TOPICS {
        topics.push(
            store
                .save_topic(&actor, ws.id, None, name, *kind, query)
                .await?
                .id,
        );
    }
    let now = crate::time::now();
    let item = |n: usize, story: &Story, at, cluster: i64| {
        let (polarity, sentiment) = match story.tone {
            t if t < 0 => (Polarity::Negative, -0.62),
            0 => (Polarity::Neutral, 0.0),
            _ => (Polarity::Positive, 0.58),
        };
        let url = format!("https://{}/actualites/{n}", story.site);
        NewItem {
            dedup_key: url.clone(),
            url: Some(url.clone()),
            canonical_url: Some(url),
            title: story.title.to_string(),
            text: story.text.to_string(),
            author: None,
            lang: Some("fr".into()),
            lang_hint: None,
            published_at: at,
            date_issue: String::new(),
            polarity,
            sentiment,
            cluster_id: cluster,
            topics: story.topics.iter().map(|i| topics[*i]).collect(),
        }
    };
    let mut items = Vec::new();
    let hour = crate::veille::hour_of(now);
    for n in 0..42usize {
        let story = &STORIES[n % STORIES.len()];
        // From 14 days ago to yesterday, at working hours.
        let at = hour - chrono::Duration::days(14 - (n / 3) as i64)
            + chrono::Duration::hours([-3i64, 1, 4][n % 3]);
        items.push(item(n, story, at, 1_000 + n as i64));
    }
    // One story told by two sites: the same cluster.
    let mut retold = item(100, &STORIES[0], hour - chrono::Duration::hours(26), 1_040);
    retold.url = Some("https://sorties.example/actualites/prix-billets".into());
    retold.canonical_url = retold.url.clone();
    retold.dedup_key = "https://sorties.example/actualites/prix-billets".into();
    items.push(retold);
    let burst = 12;
    for n in 0..burst {
        let at = (now - chrono::Duration::minutes(2 + 3 * n as i64)).max(hour);
        items.push(item(200 + n, &BURST, at, 2_000));
    }
    store.store_items(ws.id, None, &items, now).await?;
    // The alert the worker would record for this hour. No demo item is
    // ever placed at this hour of an earlier day, so the baseline is empty;
    // `relais/tests/demo_veille.rs` checks these figures against the
    // detector itself.
    let (baseline, threshold) = demo_data::BURST_ALERT;
    store
        .record_alert(
            ws.id,
            topics[0],
            AlertKind::Volume,
            hour,
            burst as i64,
            baseline,
            threshold,
            None,
        )
        .await?;
    Ok(())
}
