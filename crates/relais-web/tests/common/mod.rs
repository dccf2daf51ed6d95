//! Test world for router tests: the demo agency on a real database, a session
//! cookie and an API token per person, and helpers to send requests through the
//! router with `oneshot` (no socket).
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use axum::Router;
use chrono::Duration;
use http_body_util::BodyExt;
use relais_config::Config;
use relais_core::model::{Actor, User};
use relais_store::demo::seed_demo;
use relais_store::testing::TestDb;
use relais_web::{app, AppState};
use tower::ServiceExt;

pub const DEMO_PASSWORD: &str = "demo-password-1";

pub struct World {
    pub db: TestDb,
    pub app: Router,
    pub config: Config,
    /// The credentials vault the app seals with (a fresh key per world).
    pub vault: relais_auth::vault::Vault,
}

/// A person as the tests use them.
#[derive(Clone, Debug)]
pub struct Login {
    pub user: User,
    pub cookie: String,
    pub csrf: String,
    pub token: String,
}

pub async fn world(db: TestDb) -> World {
    world_with(db, Config::default()).await
}

pub async fn world_with(db: TestDb, config: Config) -> World {
    let hash = relais_auth::hash_password(DEMO_PASSWORD).unwrap();
    seed_demo(&db.store, &hash).await.unwrap();
    let vault = relais_web::ephemeral_vault();
    let state = AppState::new(db.store.clone(), config.clone())
        .unwrap()
        .with_vault(vault.clone());
    World {
        app: app(state),
        db,
        config,
        vault,
    }
}

impl World {
    /// A fresh session and API token for `email`.
    pub async fn login(&self, email: &str) -> Login {
        let store = &self.db.store;
        let user = store.user_by_email(email).await.unwrap().unwrap();
        let session = relais_auth::random_token();
        let csrf = relais_auth::random_token();
        store
            .create_session(
                user.id,
                &relais_auth::token_digest(&session),
                &csrf,
                "test",
                Duration::hours(1),
            )
            .await
            .unwrap();
        let token = relais_auth::new_api_token();
        store
            .create_api_token(
                &Actor::user(&user),
                &user,
                "test",
                "rls_test",
                &relais_auth::token_digest(&token),
            )
            .await
            .unwrap();
        Login {
            user,
            cookie: format!("relais_session={session}"),
            csrf,
            token,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        self.app.clone().oneshot(req).await.unwrap()
    }

    pub async fn get_page(&self, who: Option<&Login>, path: &str) -> Response<Body> {
        let mut b = Request::get(path);
        if let Some(w) = who {
            b = b.header(header::COOKIE, &w.cookie);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// POSTs a form as `who`, with their CSRF token added.
    pub async fn post_form(
        &self,
        who: Option<&Login>,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Response<Body> {
        let mut pairs: Vec<(&str, &str)> = fields.to_vec();
        let mut b =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        let anon_csrf = "a".repeat(43);
        match who {
            Some(w) => {
                pairs.push(("_csrf", &w.csrf));
                b = b.header(header::COOKIE, &w.cookie);
            }
            None => {
                pairs.push(("_csrf", &anon_csrf));
                b = b.header(header::COOKIE, format!("relais_csrf={anon_csrf}"));
            }
        }
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    pub async fn api(
        &self,
        who: Option<&Login>,
        method: &str,
        path: &str,
        json: Option<&str>,
    ) -> Response<Body> {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(w) = who {
            b = b.header(header::AUTHORIZATION, format!("Bearer {}", w.token));
        }
        let body = match json {
            Some(j) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(j.to_string())
            }
            None => Body::empty(),
        };
        self.send(b.body(body).unwrap()).await
    }
}

pub async fn text(r: Response<Body>) -> String {
    String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

pub fn location(r: &Response<Body>) -> String {
    r.headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

pub fn is_login_redirect(r: &Response<Body>) -> bool {
    r.status() == StatusCode::SEE_OTHER && location(r).starts_with("/login?next=")
}

/// Replaces the editorial path parameters of `path` by fresh real ids in `ws`, so
/// that requests the policy allows reach their handler (H5b): `{entry_id}` (an
/// entry submitted to the client), `{account_id}`, `{observance_id}`, and the
/// secret feed's `/feeds/{token}`. Fresh each time, since an allowed request may
/// delete what it names.
pub async fn editorial_fixtures(
    store: &relais_store::Store,
    ws: relais_core::WorkspaceId,
    path: String,
) -> String {
    use relais_core::entry::{EntryContent, Status};
    let sys = Actor::System("test");
    let mut path = path;
    if path.contains("{account_id}") {
        let a = store
            .create_account(
                &sys,
                ws,
                relais_core::Network::Mastodon,
                // Unique: a refused delete leaves the previous one in place.
                &format!("@fixture{}@example.org", &relais_auth::random_token()[..8]),
                "Fixture",
            )
            .await
            .unwrap();
        path = path.replace("{account_id}", &a.id.to_string());
    }
    if path.contains("{entry_id}") {
        let content = EntryContent {
            title: "Fixture entry".into(),
            timezone: "Europe/Paris".into(),
            body: "Bonjour".into(),
            starts_at: Some(chrono::Utc::now()),
            ..EntryContent::default()
        };
        let e = store
            .create_entry(&sys, ws, Status::InternalReview, &content)
            .await
            .unwrap();
        let e = store
            .set_entry_status(&sys, ws, e.id, None, Status::Submitted, "")
            .await
            .unwrap();
        path = path.replace("{entry_id}", &e.id.to_string());
    }
    if path.contains("{observance_id}") {
        let label = format!("Fixture {}", relais_auth::random_token());
        let day = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        store
            .add_observances(&sys, ws, &[(day, label.clone())], "manual")
            .await
            .unwrap();
        let list = store
            .list_observances(ws, day, day + chrono::Duration::days(1))
            .await
            .unwrap();
        let o = list.into_iter().find(|o| o.label == label).unwrap();
        path = path.replace("{observance_id}", &o.id.to_string());
    }
    if path.contains("{source_id}") {
        // Veille (issue 5): a feed source, unique since a delete may have run.
        let new = relais_core::veille::NewSource {
            kind: relais_core::veille::SourceKind::Feed,
            url: format!(
                "https://fixture.example/{}.xml",
                relais_auth::random_token()
            ),
            selector: String::new(),
            tag: String::new(),
            title: "Fixture".into(),
            category: String::new(),
            interval_secs: 3600,
        };
        let s = store.add_source(&sys, ws, &new).await.unwrap();
        path = path.replace("{source_id}", &s.id.to_string());
    }
    if path.contains("{topic_id}") {
        let name = format!("Fixture {}", relais_auth::random_token());
        let t = store
            .save_topic(
                &sys,
                ws,
                None,
                &name,
                relais_core::veille::VeilleKind::Trade,
                "grève",
            )
            .await
            .unwrap();
        path = path.replace("{topic_id}", &t.id.to_string());
    }
    if path.contains("{item_id}") || path.contains("{digest_id}") {
        // Veille items (issue 5): a fresh item, and a digest of it.
        let key = format!("fixture-{}", relais_auth::random_token());
        let item = relais_core::veille::NewItem {
            dedup_key: key.clone(),
            url: Some(format!("https://fixture.example/{key}")),
            canonical_url: None,
            title: "Fixture item".into(),
            text: "Bonjour".into(),
            author: None,
            lang: Some("fr".into()),
            lang_hint: None,
            published_at: chrono::Utc::now(),
            date_issue: String::new(),
            polarity: relais_core::veille::Polarity::Neutral,
            sentiment: 0.0,
            cluster_id: 1,
            topics: Vec::new(),
        };
        let id = store
            .store_items(ws, None, &[item], chrono::Utc::now())
            .await
            .unwrap()[0]
            .unwrap();
        path = path.replace("{item_id}", &id.to_string());
        if path.contains("{digest_id}") {
            let d = store
                .create_digest(&sys, ws, "Fixture digest", "", &[id])
                .await
                .unwrap();
            path = path.replace("{digest_id}", &d.to_string());
        }
    }
    if path.contains("{alert_id}") {
        let name = format!("Fixture {}", relais_auth::random_token());
        let t = store
            .save_topic(
                &sys,
                ws,
                None,
                &name,
                relais_core::veille::VeilleKind::Trade,
                "x",
            )
            .await
            .unwrap();
        let a = store
            .record_alert(
                ws,
                t.id,
                relais_core::veille::AlertKind::Volume,
                relais_store::hour_of(chrono::Utc::now()),
                20,
                1.0,
                5.0,
                None,
            )
            .await
            .unwrap()
            .unwrap();
        path = path.replace("{alert_id}", &a.to_string());
    }
    if path.starts_with("/veille/feeds/{token}") {
        let token = store.create_veille_feed_token(&sys, ws).await.unwrap();
        path = path.replace("{token}", &token);
    }
    if path.starts_with("/feeds/{token}") {
        let token = store.create_feed_token(&sys, ws).await.unwrap();
        path = path.replace("{token}", &format!("{token}.ics"));
    }
    if path.contains("{version}") {
        // A charter version (H5a): the current one, or a first one.
        let v = match store.current_charter(ws).await.unwrap() {
            Some(v) => v.version,
            None => {
                let c = relais_core::charter::Charter::default();
                store
                    .save_charter(&sys, ws, &c, "fixture", None)
                    .await
                    .unwrap()
                    .version
            }
        };
        path = path.replace("{version}", &v.to_string());
    }
    path
}

/// The same world whose app searches an in-memory index holding the items
/// `ids`, indexed as the veille worker indexes them.
pub async fn with_search_index(w: World, ids: &[relais_core::ItemId]) -> World {
    let index = std::sync::Arc::new(relais_search::SearchIndex::in_ram().unwrap());
    let docs: Vec<_> =
        w.db.store
            .indexed_items(ids)
            .await
            .unwrap()
            .into_iter()
            .map(relais_worker::veille::item_doc)
            .collect();
    index.add(&docs).unwrap();
    index.commit().unwrap();
    let state = AppState::new(w.db.store.clone(), w.config.clone())
        .unwrap()
        .with_vault(w.vault.clone())
        .with_search(index);
    World {
        app: app(state),
        ..w
    }
}

/// A veille item of the demo agency's press, five minutes old, in French.
pub fn veille_item(
    key: &str,
    title: &str,
    body: &str,
    polarity: relais_core::veille::Polarity,
    topics: &[relais_core::TopicId],
) -> relais_core::veille::NewItem {
    use relais_core::veille::Polarity;
    relais_core::veille::NewItem {
        dedup_key: key.into(),
        url: Some(format!("https://presse.test/{key}?utm_source=x")),
        canonical_url: Some(format!("https://presse.test/{key}")),
        title: title.into(),
        text: body.into(),
        author: Some("Camille".into()),
        lang: Some("fr".into()),
        lang_hint: None,
        published_at: chrono::Utc::now() - Duration::minutes(5),
        date_issue: String::new(),
        polarity,
        sentiment: if polarity == Polarity::Negative {
            -0.7
        } else {
            0.4
        },
        cluster_id: relais_veille::canon::key_hash(key) as i64,
        topics: topics.to_vec(),
    }
}

/// The demo agency's topic "Farine" (`farine*`) and two items: "La farine
/// flambe" (negative, in the topic) and "Un nouveau four" (positive, in no
/// topic, its text `four_text`). Returns the topic and the items' ids.
pub async fn farine_items(
    store: &relais_store::Store,
    ws: relais_core::WorkspaceId,
    four_text: &str,
) -> (relais_core::veille::TopicRecord, Vec<relais_core::ItemId>) {
    use relais_core::veille::{Polarity, VeilleKind};
    let topic = store
        .save_topic(
            &Actor::System("test"),
            ws,
            None,
            "Farine",
            VeilleKind::Trade,
            "farine*",
        )
        .await
        .unwrap();
    let ids = store
        .store_items(
            ws,
            None,
            &[
                veille_item(
                    "f1",
                    "La farine flambe",
                    "Le prix de la farine augmente, c'est terrible.",
                    Polarity::Negative,
                    &[topic.id],
                ),
                veille_item("f2", "Un nouveau four", four_text, Polarity::Positive, &[]),
            ],
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect();
    (topic, ids)
}
