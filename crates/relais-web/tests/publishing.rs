//! Publishing through pages and API on both backends (issue 4): scheduling an
//! approved entry and its delivery timeline, rescheduling (with the
//! daylight-saving policy shown), refusals while a delivery is being sent
//! (409) or when an entry cannot be scheduled (422), account health, the
//! connect forms (Mastodon against the loopback server, by token and by the
//! OAuth flow end to end; Bluesky against the real PDS when `TEST_PDS_URL` is
//! set) with the credentials sealed and never shown, and the notifications
//! of publishing events.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::*;
use relais_core::entry::{Entry, EntryContent, Status};
use relais_core::model::Actor;
use relais_core::publish::DeliveryState;
use relais_core::{AccountId, Network, WorkspaceId};
use relais_store::testing;
use relais_store::Store;

const SLUG: &str = "maison-dupain";

async fn md(store: &Store) -> WorkspaceId {
    store.workspace_by_slug(SLUG).await.unwrap().unwrap().id
}

/// The workspace's account on `network`.
async fn account(store: &Store, ws: WorkspaceId, network: Network) -> AccountId {
    store
        .list_accounts(ws)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.network == network)
        .unwrap()
        .id
}

/// An approved entry on `accounts`, due at `at` (Europe/Paris).
async fn approved(
    store: &Store,
    ws: WorkspaceId,
    title: &str,
    accounts: Vec<AccountId>,
    at: Option<DateTime<Utc>>,
) -> Entry {
    let sys = Actor::System("test");
    let content = EntryContent {
        title: title.into(),
        timezone: "Europe/Paris".into(),
        body: "Le pain de la semaine est sorti du four.".into(),
        accounts,
        starts_at: at,
        ..EntryContent::default()
    };
    let e = store
        .create_entry(&sys, ws, Status::Draft, &content)
        .await
        .unwrap();
    let mut last = e;
    for to in [Status::InternalReview, Status::Submitted, Status::Approved] {
        last = store
            .set_entry_status(&sys, ws, last.id, None, to, "")
            .await
            .unwrap();
    }
    last
}

async fn entry(store: &Store, ws: WorkspaceId, e: &Entry) -> Entry {
    store.get_entry(ws, e.id).await.unwrap().unwrap()
}

/// Schedules `e` through its page, as the community manager.
async fn schedule_by_page(w: &World, cm: &Login, e: &Entry) -> axum::http::Response<Body> {
    w.post_form(
        Some(cm),
        &format!("/w/{SLUG}/entries/{}/status", e.id),
        &[("to", "scheduled"), ("version", &e.version.to_string())],
    )
    .await
}

/// A response's text with HTML's entities decoded (askama escapes `'`).
async fn page_text(r: axum::http::Response<Body>) -> String {
    text(r)
        .await
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// A page in English.
async fn get_en(w: &World, who: &Login, path: &str) -> String {
    let r = w
        .send(
            Request::get(path)
                .header(header::COOKIE, &who.cookie)
                .header(header::ACCEPT_LANGUAGE, "en")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    page_text(r).await
}

#[tokio::test]
async fn an_approved_entry_scheduled_from_its_page_shows_its_timeline_and_moves_on_reschedule() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let store = &w.db.store;
        let ws = md(store).await;
        let cm = w.login("cm@demo.local").await;
        let bsky = account(store, ws, Network::Bluesky).await;
        let masto = account(store, ws, Network::Mastodon).await;
        let at = Utc.with_ymd_and_hms(2027, 1, 15, 9, 0, 0).unwrap();
        let e = approved(store, ws, "Galette", vec![bsky, masto], Some(at)).await;
        let page = format!("/w/{SLUG}/entries/{}", e.id);

        // Before scheduling there is no publication section.
        let html = page_text(w.get_page(Some(&cm), &page).await).await;
        assert!(!html.contains("id=\"publication\""), "[{label}]");

        let r = schedule_by_page(&w, &cm, &e).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            page_text(r).await
        );
        assert_eq!(entry(store, ws, &e).await.status, Status::Scheduled);

        let html = page_text(w.get_page(Some(&cm), &page).await).await;
        assert!(html.contains("id=\"publication\""), "[{label}] {html}");
        assert_eq!(
            html.matches("class=\"delivery delivery-pending\"").count(),
            2,
            "[{label}]"
        );
        assert!(html.contains("En attente"), "[{label}]");
        // The due time in its zone, and the UTC instant.
        assert!(
            html.contains("15/01/2027 10:00 (Europe/Paris)"),
            "[{label}] {html}"
        );
        assert!(html.contains("15/01/2027 09:00 UTC"), "[{label}]");
        assert!(html.contains("id=\"reschedule-form\""), "[{label}]");
        // Scheduled: the move form gives way to the reschedule form.
        assert!(!html.contains("id=\"move-form\""), "[{label}]");
        // In English too.
        let html = get_en(&w, &cm, &page).await;
        assert!(
            html.contains("Waiting") && html.contains("2027-01-15 10:00 (Europe/Paris)"),
            "[{label}]"
        );

        // The API's timeline.
        let r = w
            .api(
                Some(&cm),
                "GET",
                &format!("/api/v1/workspaces/{SLUG}/entries/{}/deliveries", e.id),
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let list = json(&page_text(r).await);
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 2, "[{label}] {list:?}");
        for d in list {
            assert_eq!(d["state"], "pending");
            assert_eq!(d["round"], 1);
            assert_eq!(d["due_at"], "2027-01-15T09:00:00Z");
            assert_eq!(d["local_time"], "2027-01-15T10:00");
            assert_eq!(d["timezone"], "Europe/Paris");
            assert_eq!(d["parts"][0]["kind"], "post");
        }
        // The client approver sees the timeline too (read-only: no form).
        let client = w.login("client@demo.local").await;
        let html = page_text(w.get_page(Some(&client), &page).await).await;
        assert!(
            html.contains("id=\"publication\"") && !html.contains("id=\"reschedule-form\""),
            "[{label}]"
        );

        // Reschedule through the page: the pending deliveries are replaced.
        let now = entry(store, ws, &e).await;
        let r = w
            .post_form(
                Some(&cm),
                &format!("{page}/reschedule"),
                &[
                    ("version", &now.version.to_string()),
                    ("date", "2027-01-16"),
                    ("time", "11:30"),
                    ("timezone", "Europe/Paris"),
                ],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            page_text(r).await
        );
        let to = location(&r);
        assert!(
            to.contains("done=rescheduled") && !to.contains("wall="),
            "{to}"
        );
        let html = page_text(w.get_page(Some(&cm), &to).await).await;
        assert!(html.contains("Publication reprogrammée."), "[{label}]");
        assert!(
            html.contains("16/01/2027 11:30 (Europe/Paris)"),
            "[{label}]"
        );
        let views = store.entry_deliveries(ws, e.id).await.unwrap();
        let states: Vec<(i64, DeliveryState)> = views
            .iter()
            .map(|v| (v.delivery.round, v.delivery.state))
            .collect();
        assert_eq!(
            states,
            [
                (2, DeliveryState::Pending),
                (2, DeliveryState::Pending),
                (1, DeliveryState::Cancelled),
                (1, DeliveryState::Cancelled)
            ],
            "[{label}]"
        );
        assert_eq!(
            views[0].delivery.due_at,
            Utc.with_ymd_and_hms(2027, 1, 16, 10, 30, 0).unwrap()
        );

        // A stale version is refused, nothing moves.
        let r = w
            .post_form(
                Some(&cm),
                &format!("{page}/reschedule"),
                &[
                    ("version", &now.version.to_string()),
                    ("date", "2027-01-20"),
                    ("time", "08:00"),
                    ("timezone", "Europe/Paris"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "[{label}]");
        // Garbage is refused with a message.
        let cur = entry(store, ws, &e).await;
        let r = w
            .post_form(
                Some(&cm),
                &format!("{page}/reschedule"),
                &[
                    ("version", &cur.version.to_string()),
                    ("date", "16/01/2027"),
                    ("time", "11:30"),
                    ("timezone", "Europe/Paris"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        assert!(page_text(r)
            .await
            .contains("Saisissez une date, une heure (HH:MM) et un fuseau horaire valides."));
        assert_eq!(
            store.entry_deliveries(ws, e.id).await.unwrap().len(),
            4,
            "[{label}] nothing written"
        );

        // Reschedule through the API into the spring-forward gap: moved by the
        // gap, and said so.
        let cur = entry(store, ws, &e).await;
        let body = format!(
            "{{\"expected_version\":{},\"starts_at\":\"2027-03-28T02:30\",\"timezone\":\"Europe/Paris\"}}",
            cur.version
        );
        let path = format!("/api/v1/workspaces/{SLUG}/entries/{}/reschedule", e.id);
        let r = w.api(Some(&cm), "POST", &path, Some(&body)).await;
        assert_eq!(r.status(), StatusCode::OK, "[{label}]");
        let out = json(&page_text(r).await);
        assert_eq!(out["wall_time"]["kind"], "shifted");
        assert_eq!(out["wall_time"]["publishes_at_local"], "2027-03-28T03:30");
        assert_eq!(out["wall_time"]["utc"], "2027-03-28T01:30:00Z");
        assert_eq!(
            out["wall_time"]["notice"],
            "02:30 n'existe pas le 28 mars (on avance l'heure) : la publication partira à 03:30."
        );
        assert_eq!(out["entry"]["status"], "scheduled");
        // The same version again is stale (409, the field named).
        let r = w.api(Some(&cm), "POST", &path, Some(&body)).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(page_text(r).await.contains("expected_version"));

        // An instant that is the second 02:30 of 31 October 2027: taken as
        // given, and the entry page says which of the two it is.
        let cur = entry(store, ws, &e).await;
        let body = format!(
            "{{\"expected_version\":{},\"starts_at\":\"2027-10-31T01:30:00Z\"}}",
            cur.version
        );
        let r = w.api(Some(&cm), "POST", &path, Some(&body)).await;
        assert_eq!(r.status(), StatusCode::OK, "[{label}]");
        let out = json(&page_text(r).await);
        assert_eq!(out["wall_time"]["kind"], "ambiguous");
        assert_eq!(out["wall_time"]["utc"], "2027-10-31T01:30:00Z");
        let html = page_text(w.get_page(Some(&cm), &page).await).await;
        assert!(
            html.contains("02:30 existe deux fois le 31 octobre : cette publication partira à la seconde (UTC+1)."),
            "[{label}] {html}"
        );
        // Rescheduling the local 02:30 takes the first one.
        let cur = entry(store, ws, &e).await;
        let r = w
            .post_form(
                Some(&cm),
                &format!("{page}/reschedule"),
                &[
                    ("version", &cur.version.to_string()),
                    ("date", "2027-10-31"),
                    ("time", "02:30"),
                    ("timezone", "Europe/Paris"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{label}]");
        let html = page_text(w.get_page(Some(&cm), &location(&r)).await).await;
        assert!(
            html.contains(
                "02:30 existe deux fois le 31 octobre : relais publie à la première (UTC+2)."
            ),
            "[{label}]"
        );
        assert_eq!(
            entry(store, ws, &e).await.content.starts_at,
            Some(Utc.with_ymd_and_hms(2027, 10, 31, 0, 30, 0).unwrap())
        );
        let html = get_en(&w, &cm, &page).await;
        assert!(html.contains(
            "02:30 happens twice on 31 October: relais publishes at the first one (UTC+2)."
        ));

        // The reschedule is audited, by name.
        let audit = store.audit_for_workspace(ws, None, 50).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|a| a.action.as_str() == "entry_rescheduled"),
            "[{label}]"
        );
        w.db.finish().await;
    }
}

#[tokio::test]
async fn a_delivery_being_sent_makes_reschedule_and_unscheduling_answer_409() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let store = &w.db.store;
        let ws = md(store).await;
        let cm = w.login("cm@demo.local").await;
        let masto = account(store, ws, Network::Mastodon).await;
        let due = Utc::now() + Duration::days(3);
        let e = approved(store, ws, "Brioche", vec![masto], Some(due)).await;
        let r = schedule_by_page(&w, &cm, &e).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{label}]");

        // A worker leases the account's queue and claims the delivery, as the
        // scheduler does when it is due.
        let at = due + Duration::minutes(1);
        let leased = store
            .lease_queues("test-worker", at, at + Duration::hours(1), 10)
            .await
            .unwrap();
        assert!(leased.contains(&masto), "[{label}] {leased:?}");
        let d = store.next_due_delivery(masto, at).await.unwrap().unwrap();
        let claimed = store
            .claim_delivery("test-worker", d.id, d.version, at)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(claimed.delivery.state, DeliveryState::Sending);
        let before = store.entry_deliveries(ws, e.id).await.unwrap();
        let cur = entry(store, ws, &e).await;
        let page = format!("/w/{SLUG}/entries/{}", e.id);

        // The page: 409 with the reason, and the timeline says "being sent".
        let r = w
            .post_form(
                Some(&cm),
                &format!("{page}/reschedule"),
                &[
                    ("version", &cur.version.to_string()),
                    ("date", "2027-02-01"),
                    ("time", "09:00"),
                    ("timezone", "Europe/Paris"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "[{label}]");
        let html = page_text(r).await;
        assert!(
            html.contains("Cette entrée est en cours de publication en ce moment : elle ne peut plus être arrêtée"),
            "[{label}] {html}"
        );
        assert!(html.contains("En cours d'envoi"), "[{label}]");
        // Taking it back to "approved" is refused the same way.
        let r = w
            .post_form(
                Some(&cm),
                &format!("{page}/status"),
                &[("to", "approved"), ("version", &cur.version.to_string())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "[{label}]");
        assert!(page_text(r)
            .await
            .contains("en cours de publication en ce moment"));
        // The API: 409 problem naming the reason.
        let body = format!(
            "{{\"expected_version\":{},\"starts_at\":\"2027-02-01T09:00\"}}",
            cur.version
        );
        let r = w
            .api(
                Some(&cm),
                "POST",
                &format!("/api/v1/workspaces/{SLUG}/entries/{}/reschedule", e.id),
                Some(&body),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "[{label}]");
        let problem = json(&page_text(r).await);
        assert_eq!(problem["errors"][0]["code"], "in-flight", "{problem}");
        assert!(problem["detail"]
            .as_str()
            .unwrap()
            .contains("en cours de publication"));
        let r = w
            .api(
                Some(&cm),
                "POST",
                &format!("/api/v1/workspaces/{SLUG}/entries/{}/status", e.id),
                Some("{\"to\":\"approved\"}"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "[{label}]");
        // Nothing changed.
        assert_eq!(
            store.entry_deliveries(ws, e.id).await.unwrap(),
            before,
            "[{label}]"
        );
        assert_eq!(entry(store, ws, &e).await.version, cur.version);
        w.db.finish().await;
    }
}

#[tokio::test]
async fn an_entry_that_cannot_be_scheduled_says_why_with_422() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let store = &w.db.store;
        let ws = md(store).await;
        let cm = w.login("cm@demo.local").await;
        let masto = account(store, ws, Network::Mastodon).await;
        let at = Some(Utc::now() + Duration::days(2));
        let cases = [
            (
                vec![],
                at,
                "choisissez au moins un compte",
                "unschedulable-no-account",
            ),
            (
                vec![masto],
                None,
                "elle n'a pas de date de publication",
                "unschedulable-no-date",
            ),
        ];
        for (accounts, at, words, code) in cases {
            let e = approved(store, ws, "Sans tout", accounts.clone(), at).await;
            let r = schedule_by_page(&w, &cm, &e).await;
            assert_eq!(
                r.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{label}] {code}"
            );
            assert!(page_text(r).await.contains(words), "[{label}] {code}");
            let e = approved(store, ws, "Sans tout", accounts, at).await;
            let r = w
                .api(
                    Some(&cm),
                    "POST",
                    &format!("/api/v1/workspaces/{SLUG}/entries/{}/status", e.id),
                    Some("{\"to\":\"scheduled\"}"),
                )
                .await;
            assert_eq!(
                r.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{label}] {code}"
            );
            assert_eq!(json(&page_text(r).await)["errors"][0]["code"], code);
            assert_eq!(
                entry(store, ws, &e).await.status,
                Status::Approved,
                "[{label}]"
            );
            assert!(store.entry_deliveries(ws, e.id).await.unwrap().is_empty());
        }
        w.db.finish().await;
    }
}

#[tokio::test]
async fn the_composer_applies_the_daylight_saving_policy_and_says_so() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let store = &w.db.store;
        let ws = md(store).await;
        let cm = w.login("cm@demo.local").await;
        let bsky = account(store, ws, Network::Bluesky).await.0.to_string();
        let form = |date: &'static str, version: String| {
            vec![
                ("title", "Heure d'été".to_string()),
                ("accounts", bsky.clone()),
                ("date", date.to_string()),
                ("time", "02:30".to_string()),
                ("timezone", "Europe/Paris".to_string()),
                ("body", "Bonjour".to_string()),
                ("version", version),
                ("save", "1".to_string()),
            ]
        };
        // 02:30 on 28 March 2027 does not exist: saved at 03:30, and said so.
        let f = form("2027-03-28", String::new());
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = w
            .post_form(Some(&cm), &format!("/w/{SLUG}/entries"), &pairs)
            .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            page_text(r).await
        );
        let to = location(&r);
        assert!(to.contains("wall=2027-03-28T02:30"), "{to}");
        let html = page_text(w.get_page(Some(&cm), &to).await).await;
        assert!(
            html.contains("02:30 n'existe pas le 28 mars (on avance l'heure) : la publication partira à 03:30."),
            "[{label}] {html}"
        );
        let id: i64 = to
            .split('/')
            .nth(4)
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let e = store
            .get_entry(ws, relais_core::EntryId(id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            e.content.starts_at,
            Some(Utc.with_ymd_and_hms(2027, 3, 28, 1, 30, 0).unwrap())
        );
        // The composer then shows the time it will really be published at.
        assert!(html.contains("value=\"03:30\""), "[{label}]");
        let html = get_en(&w, &cm, &to).await;
        assert!(html.contains(
            "02:30 does not exist on 28 March (clocks go forward): it will be published at 03:30."
        ));
        // Without the typed time in the address, or with another one, no notice.
        let plain = format!("/w/{SLUG}/entries/{id}");
        let html = page_text(w.get_page(Some(&cm), &plain).await).await;
        assert!(!html.contains("id=\"dst-notice\""), "[{label}]");
        let html = page_text(
            w.get_page(Some(&cm), &format!("{plain}?wall=2027-03-28T02:10"))
                .await,
        )
        .await;
        assert!(!html.contains("id=\"dst-notice\""), "[{label}]");

        // 02:30 on 31 October 2027 happens twice: the first one is taken, and
        // the entry page says so whenever it is shown.
        let f = form("2027-10-31", e.version.to_string());
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = w.post_form(Some(&cm), &plain, &pairs).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{label}]");
        let html = page_text(w.get_page(Some(&cm), &plain).await).await;
        assert!(
            html.contains(
                "02:30 existe deux fois le 31 octobre : relais publie à la première (UTC+2)."
            ),
            "[{label}]"
        );
        let e = store
            .get_entry(ws, relais_core::EntryId(id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            e.content.starts_at,
            Some(Utc.with_ymd_and_hms(2027, 10, 31, 0, 30, 0).unwrap())
        );
        // An ordinary hour: no notice.
        let f = vec![
            ("title", "Heure d'été"),
            ("accounts", bsky.as_str()),
            ("date", "2027-10-31"),
            ("time", "12:00"),
            ("timezone", "Europe/Paris"),
            ("body", "Bonjour"),
            ("save", "1"),
        ];
        let version = e.version.to_string();
        let mut f = f;
        f.push(("version", &version));
        let r = w.post_form(Some(&cm), &plain, &f).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{label}]");
        let html = page_text(w.get_page(Some(&cm), &location(&r)).await).await;
        assert!(!html.contains("id=\"dst-notice\""), "[{label}]");
        w.db.finish().await;
    }
}

#[tokio::test]
async fn the_accounts_page_and_api_show_health_and_waiting_publications() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let store = &w.db.store;
        let ws = md(store).await;
        let owner = w.login("owner@demo.local").await;
        let cm = w.login("cm@demo.local").await;
        let sys = Actor::System("test");
        let bsky = account(store, ws, Network::Bluesky).await;
        let masto = account(store, ws, Network::Mastodon).await;
        let insta = account(store, ws, Network::Instagram).await;
        // Nothing connected yet.
        let html = page_text(
            w.get_page(Some(&owner), &format!("/w/{SLUG}/accounts"))
                .await,
        )
        .await;
        assert!(html.contains("Non connecté"), "[{label}]");
        assert!(
            html.contains("relais ne publie pas encore sur ce réseau."),
            "[{label}]"
        );
        assert!(
            html.contains(&format!("/w/{SLUG}/accounts/{bsky}/connect")),
            "[{label}]"
        );
        assert!(
            !html.contains(&format!("/w/{SLUG}/accounts/{insta}/connect")),
            "[{label}]"
        );

        // Bluesky connected; Mastodon connected then flagged and paused.
        let sealed = w.vault.seal(b"{}", "account-credentials:0");
        store
            .save_connection(&sys, ws, bsky, &sealed, "did:plc:abc")
            .await
            .unwrap();
        store
            .save_connection(&sys, ws, masto, &sealed, "109")
            .await
            .unwrap();
        let told = store
            .set_reconnect_needed(masto, Some("token revoked"))
            .await
            .unwrap();
        assert!(told.is_some());
        let until = Utc::now() + Duration::hours(2);
        store
            .pause_queue(bsky, until, "429 from the server")
            .await
            .unwrap();
        // Two waiting publications on Bluesky.
        for title in ["Un", "Deux"] {
            let e = approved(
                store,
                ws,
                title,
                vec![bsky],
                Some(Utc::now() + Duration::days(4)),
            )
            .await;
            assert_eq!(
                schedule_by_page(&w, &cm, &e).await.status(),
                StatusCode::SEE_OTHER
            );
        }
        let html = page_text(
            w.get_page(Some(&owner), &format!("/w/{SLUG}/accounts"))
                .await,
        )
        .await;
        let paris = until
            .with_timezone(&chrono_tz::Europe::Paris)
            .format("%d/%m/%Y %H:%M")
            .to_string();
        assert!(
            html.contains(&format!("En pause jusqu'au {paris} (Europe/Paris) (limite de débit du réseau) : 429 from the server")),
            "[{label}] {html}"
        );
        assert!(html.contains("À reconnecter : token revoked"), "[{label}]");
        assert!(html.contains("2 publications en attente"), "[{label}]");
        assert!(html.contains("Aucune publication en attente"), "[{label}]");
        assert!(html.contains("Reconnecter"), "[{label}]");
        let html = get_en(&w, &owner, &format!("/w/{SLUG}/accounts")).await;
        assert!(
            html.contains("Needs reconnecting: token revoked")
                && html.contains("2 publications waiting")
        );
        // The connect page shows the same.
        let html = page_text(
            w.get_page(Some(&owner), &format!("/w/{SLUG}/accounts/{masto}/connect"))
                .await,
        )
        .await;
        assert!(html.contains("À reconnecter : token revoked"), "[{label}]");
        assert!(
            html.contains("id=\"mastodon-oauth-form\"")
                && html.contains("id=\"mastodon-token-form\"")
        );
        // Back to connected: "since".
        store.set_reconnect_needed(masto, None).await.unwrap();
        let html = page_text(
            w.get_page(Some(&owner), &format!("/w/{SLUG}/accounts"))
                .await,
        )
        .await;
        assert!(html.contains("Connecté depuis le "), "[{label}]");

        // The API.
        let health = |id: AccountId| format!("/api/v1/workspaces/{SLUG}/accounts/{id}/health");
        let h = json(&page_text(w.api(Some(&cm), "GET", &health(bsky), None).await).await);
        assert_eq!(h["state"], "rate_limited", "{h}");
        assert_eq!(h["reason"], "429 from the server");
        assert_eq!(h["waiting"], 2);
        assert_eq!(h["remote_id"], "did:plc:abc");
        let h = json(&page_text(w.api(Some(&cm), "GET", &health(masto), None).await).await);
        assert_eq!(h["state"], "connected", "{h}");
        let h = json(&page_text(w.api(Some(&cm), "GET", &health(insta), None).await).await);
        assert_eq!(h["state"], "not_connected", "{h}");
        assert_eq!(
            w.api(Some(&cm), "GET", &health(AccountId(999_999)), None)
                .await
                .status(),
            StatusCode::NOT_FOUND
        );

        // Disconnecting (page and API) forgets the credentials; twice is fine.
        let r = w
            .post_form(
                Some(&owner),
                &format!("/w/{SLUG}/accounts/{masto}/disconnect"),
                &[],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(location(&r).ends_with("done=disconnected"));
        assert!(
            store.connection(masto).await.unwrap().is_none(),
            "[{label}]"
        );
        let path = format!("/api/v1/workspaces/{SLUG}/accounts/{bsky}/connection");
        assert_eq!(
            w.api(Some(&owner), "DELETE", &path, None).await.status(),
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            w.api(Some(&owner), "DELETE", &path, None).await.status(),
            StatusCode::NO_CONTENT
        );
        assert!(store.connection(bsky).await.unwrap().is_none());
        // The community manager may not connect or disconnect.
        let r = w.api(Some(&cm), "DELETE", &path, None).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        w.db.finish().await;
    }
}

#[tokio::test]
async fn connect_forms_refuse_bad_input_and_unreachable_servers_storing_nothing() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let store = &w.db.store;
        let ws = md(store).await;
        let owner = w.login("owner@demo.local").await;
        let bsky = account(store, ws, Network::Bluesky).await;
        let masto = account(store, ws, Network::Mastodon).await;
        let insta = account(store, ws, Network::Instagram).await;
        let secret = "sekrit-app-pass-4f9a";
        let connect = |id: AccountId| format!("/w/{SLUG}/accounts/{id}/connect");

        // Empty and malformed fields: each at its field, the secret never drawn back.
        let r = w
            .post_form(
                Some(&owner),
                &connect(bsky),
                &[
                    ("identifier", ""),
                    ("app_password", secret),
                    ("service", "ftp://x.org"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        let html = page_text(r).await;
        assert!(
            html.contains("id=\"connect-identifier-error\""),
            "[{label}] {html}"
        );
        assert!(html.contains("id=\"connect-service-error\""), "[{label}]");
        assert!(
            html.contains("value=\"ftp://x.org\""),
            "[{label}] the address is kept"
        );
        assert!(
            !html.contains(secret),
            "[{label}] the secret is not drawn back"
        );
        let r = w
            .post_form(
                Some(&owner),
                &connect(masto),
                &[("instance", "not a host"), ("access_token", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = page_text(r).await;
        assert!(
            html.contains("id=\"connect-instance-error\"")
                && html.contains("id=\"connect-access-token-error\"")
        );

        // A server that does not answer: 502, nothing stored, nothing echoed.
        let closed = "http://127.0.0.1:9";
        let r = w
            .post_form(
                Some(&owner),
                &connect(bsky),
                &[
                    ("identifier", "maison.test"),
                    ("app_password", secret),
                    ("service", closed),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_GATEWAY, "[{label}]");
        let html = page_text(r).await;
        assert!(
            html.contains("Le serveur n'a pas répondu correctement."),
            "[{label}] {html}"
        );
        assert!(!html.contains(secret));
        let r = w
            .post_form(
                Some(&owner),
                &connect(masto),
                &[("instance", closed), ("access_token", secret)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_GATEWAY, "[{label}]");
        assert!(!page_text(r).await.contains(secret));
        let r = w
            .post_form(
                Some(&owner),
                &format!("/w/{SLUG}/accounts/{masto}/mastodon/authorize"),
                &[("oauth_instance", closed)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_GATEWAY, "[{label}]");
        let api = format!("/api/v1/workspaces/{SLUG}/accounts/{masto}/connection");
        let body = format!("{{\"instance\":\"{closed}\",\"access_token\":\"{secret}\"}}");
        let r = w.api(Some(&owner), "PUT", &api, Some(&body)).await;
        assert_eq!(r.status(), StatusCode::BAD_GATEWAY, "[{label}]");
        let answer = page_text(r).await;
        assert!(
            answer.contains("\"instance\"") && !answer.contains(secret),
            "{answer}"
        );
        // Fields at fault through the API, the wrong network, a network relais
        // cannot publish on.
        let r = w
            .api(
                Some(&owner),
                "PUT",
                &api,
                Some("{\"instance\":\"\",\"access_token\":\"\"}"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p = json(&page_text(r).await);
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["instance", "access_token"]);
        let r = w
            .api(
                Some(&owner),
                "PUT",
                &api,
                Some("{\"network\":\"bluesky\",\"identifier\":\"a\",\"app_password\":\"b\"}"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = w
            .api(
                Some(&owner),
                "PUT",
                &format!("/api/v1/workspaces/{SLUG}/accounts/{insta}/connection"),
                Some("{}"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = w.post_form(Some(&owner), &connect(insta), &[]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // An account of another workspace is not found.
        let velo = store
            .workspace_by_slug("velo-cite")
            .await
            .unwrap()
            .unwrap()
            .id;
        let other = account(store, velo, Network::Mastodon).await;
        assert_eq!(
            w.get_page(Some(&owner), &connect(other)).await.status(),
            StatusCode::NOT_FOUND
        );

        for id in [bsky, masto, insta] {
            assert!(
                store.connection(id).await.unwrap().is_none(),
                "[{label}] nothing stored"
            );
        }
        let audit = store.audit_for_workspace(ws, None, 100).await.unwrap();
        assert!(
            !audit
                .iter()
                .any(|a| a.action.as_str() == "account_connected"),
            "[{label}]"
        );
        w.db.finish().await;
    }
}

#[tokio::test]
async fn without_a_vault_nothing_can_be_connected_and_the_page_says_why() {
    let db = testing::sqlite().await;
    let hash = relais_auth::hash_password(DEMO_PASSWORD).unwrap();
    relais_store::demo::seed_demo(&db.store, &hash)
        .await
        .unwrap();
    let state =
        relais_web::AppState::new(db.store.clone(), relais_config::Config::default()).unwrap();
    let w = World {
        app: relais_web::app(state),
        db,
        config: relais_config::Config::default(),
        vault: relais_web::ephemeral_vault(),
    };
    let owner = w.login("owner@demo.local").await;
    let ws = md(&w.db.store).await;
    let masto = account(&w.db.store, ws, Network::Mastodon).await;
    let r = w
        .post_form(
            Some(&owner),
            &format!("/w/{SLUG}/accounts/{masto}/connect"),
            &[("instance", "mastodon.social"), ("access_token", "abc")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(page_text(r)
        .await
        .contains("Le coffre des identifiants n'est pas configuré"));
    let r = w
        .api(
            Some(&owner),
            "PUT",
            &format!("/api/v1/workspaces/{SLUG}/accounts/{masto}/connection"),
            Some("{\"instance\":\"mastodon.social\",\"access_token\":\"abc\"}"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(w.db.store.connection(masto).await.unwrap().is_none());
    w.db.finish().await;
}

#[tokio::test]
async fn a_forged_expired_or_someone_elses_oauth_state_is_refused() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let store = &w.db.store;
        let ws = md(store).await;
        let owner = w.login("owner@demo.local").await;
        let manager = w.login("manager@demo.local").await;
        let masto = account(store, ws, Network::Mastodon).await;
        let callback = format!("/w/{SLUG}/accounts/{masto}/mastodon/callback");
        let state_for = |user: i64, account: i64, minutes: i64| {
            let s = relais_web::publishing::OAuthState {
                account_id: account,
                user_id: user,
                expires_at: Utc::now() + Duration::minutes(minutes),
                instance: "http://127.0.0.1:9".into(),
                registration: relais_connect::mastodon::AppRegistration {
                    client_id: "cid".into(),
                    client_secret: "csecret".into(),
                },
            };
            relais_web::publishing::seal_oauth_state(&w.vault, &s).unwrap()
        };
        let forged =
            "v1.00000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let cases = [
            forged.to_string(),
            state_for(owner.user.id.0, masto.0, -1),
            state_for(manager.user.id.0, masto.0, 10),
            state_for(owner.user.id.0, masto.0 + 1, 10),
            w.vault.seal(b"{}", "mastodon-oauth"),
        ];
        for state in cases {
            let q =
                serde_urlencoded::to_string([("code", "abc"), ("state", state.as_str())]).unwrap();
            let r = w.get_page(Some(&owner), &format!("{callback}?{q}")).await;
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "[{label}]");
            let html = page_text(r).await;
            assert!(html.contains("invalide ou a expiré"), "[{label}] {html}");
            assert!(!html.contains("csecret"));
        }
        // A refusal on the instance.
        let q = serde_urlencoded::to_string([
            ("error", "access_denied"),
            ("state", &state_for(owner.user.id.0, masto.0, 10)),
        ])
        .unwrap();
        let r = w.get_page(Some(&owner), &format!("{callback}?{q}")).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "[{label}]");
        assert!(page_text(r)
            .await
            .contains("L'autorisation n'a pas été donnée"));
        assert!(
            store.connection(masto).await.unwrap().is_none(),
            "[{label}]"
        );
        w.db.finish().await;
    }
}

#[tokio::test]
async fn publishing_notifications_are_drawn_with_their_links() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let store = &w.db.store;
        let ws = md(store).await;
        let cm = w.login("cm@demo.local").await;
        let sys = Actor::System("test");
        let masto = account(store, ws, Network::Mastodon).await;
        let sealed = w.vault.seal(b"{}", "account-credentials:0");
        store
            .save_connection(&sys, ws, masto, &sealed, "109")
            .await
            .unwrap();
        store
            .set_reconnect_needed(masto, Some("401 from the instance"))
            .await
            .unwrap();
        // A publication that fails for good.
        let due = Utc::now() + Duration::days(1);
        let e = approved(store, ws, "Éclair", vec![masto], Some(due)).await;
        assert_eq!(
            schedule_by_page(&w, &cm, &e).await.status(),
            StatusCode::SEE_OTHER
        );
        let at = due + Duration::minutes(1);
        store
            .lease_queues("w", at, at + Duration::hours(1), 10)
            .await
            .unwrap();
        let d = store.next_due_delivery(masto, at).await.unwrap().unwrap();
        store
            .claim_delivery("w", d.id, d.version, at)
            .await
            .unwrap()
            .unwrap();
        let outcome = relais_store::Outcome::Failed {
            detail: "422: text too long".into(),
        };
        store
            .finish_attempt("w", d.id, 0, at, &outcome)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(entry(store, ws, &e).await.status, Status::Failed);

        let html = page_text(w.get_page(Some(&cm), "/notifications").await).await;
        assert!(
            html.contains("Un compte doit être reconnecté (Maison Dupain — boulangerie)."),
            "[{label}] {html}"
        );
        assert!(
            html.contains(&format!("href=\"/w/{SLUG}/accounts\"")),
            "[{label}]"
        );
        assert!(
            html.contains("La publication d'une entrée a échoué (Maison Dupain — boulangerie)."),
            "[{label}]"
        );
        assert!(
            html.contains(&format!("href=\"/w/{SLUG}/entries/{}\"", e.id)),
            "[{label}]"
        );
        assert!(html.contains("422: text too long") && html.contains("401 from the instance"));
        let html = get_en(&w, &cm, "/notifications").await;
        assert!(
            html.contains("An account needs reconnecting")
                && html.contains("Publishing an entry failed")
        );

        // The failed entry's timeline shows the attempt and its reason.
        let html = page_text(
            w.get_page(Some(&cm), &format!("/w/{SLUG}/entries/{}", e.id))
                .await,
        )
        .await;
        assert!(
            html.contains("class=\"delivery delivery-failed\""),
            "[{label}]"
        );
        assert!(
            html.contains("<strong>Échec</strong> — 422: text too long"),
            "[{label}] {html}"
        );
        assert!(
            !html.contains("id=\"reschedule-form\""),
            "[{label}] failed: no reschedule form"
        );
        w.db.finish().await;
    }
}

/// Everything a person or a script can read about the workspace's accounts:
/// pages and API answers (and the audit log, page and API), to search for a
/// secret.
async fn everything_shown(w: &World, owner: &Login, account: AccountId) -> String {
    let mut all = String::new();
    for page in [
        format!("/w/{SLUG}/accounts"),
        format!("/w/{SLUG}/accounts/{account}/connect"),
        format!("/w/{SLUG}/audit"),
    ] {
        all.push_str(&page_text(w.get_page(Some(owner), &page).await).await);
    }
    for api in [
        format!("/api/v1/workspaces/{SLUG}/accounts"),
        format!("/api/v1/workspaces/{SLUG}/accounts/{account}/health"),
        format!("/api/v1/workspaces/{SLUG}/audit"),
    ] {
        all.push_str(&page_text(w.api(Some(owner), "GET", &api, None).await).await);
    }
    let ws = md(&w.db.store).await;
    for a in w.db.store.audit_for_workspace(ws, None, 500).await.unwrap() {
        all.push_str(&format!(
            "{} {} {:?} {:?}",
            a.action.as_str(),
            a.target,
            a.before,
            a.after
        ));
    }
    all
}

/// The credentials stored for `account`, opened with the world's vault.
async fn stored_credentials(
    w: &World,
    account: AccountId,
) -> (String, relais_connect::Credentials) {
    let c =
        w.db.store
            .connection(account)
            .await
            .unwrap()
            .expect("a stored connection");
    let plain = w
        .vault
        .open(
            &c.sealed_credentials,
            &relais_web::publishing::credentials_context(account),
        )
        .unwrap();
    (
        c.sealed_credentials,
        serde_json::from_slice(&plain).unwrap(),
    )
}

/// The SQLite database file (and its WAL) as bytes, or nothing on PostgreSQL.
fn sqlite_bytes(w: &World) -> Vec<u8> {
    let Some(path) = w.db.url.strip_prefix("sqlite://") else {
        return Vec::new();
    };
    let mut bytes = std::fs::read(path).unwrap();
    if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
        bytes.extend(wal);
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn a_mastodon_account_connects_by_token_and_by_oauth_and_its_token_is_never_shown() {
    use relais_connect::testing::mastodon::MastodonServer;
    let server = MastodonServer::start().await.unwrap();
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let store = &w.db.store;
        let ws = md(store).await;
        let owner = w.login("owner@demo.local").await;
        let manager = w.login("manager@demo.local").await;
        let masto = account(store, ws, Network::Mastodon).await;
        let connect = format!("/w/{SLUG}/accounts/{masto}/connect");
        let token = format!("tok-{label}-{}", relais_auth::random_token());
        let remote = server.add_account(&format!("maisondupain{label}"), &token);

        // A wrong token: refused at its field, nothing stored, nothing echoed.
        let wrong = format!("wrong-{}", relais_auth::random_token());
        let r = w
            .post_form(
                Some(&owner),
                &connect,
                &[("instance", server.url()), ("access_token", &wrong)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        let html = page_text(r).await;
        assert!(
            html.contains("L'instance a refusé ce jeton"),
            "[{label}] {html}"
        );
        assert!(html.contains("id=\"connect-access-token-error\""));
        assert!(
            html.contains(&format!("value=\"{}\"", server.url())),
            "[{label}] the address is kept"
        );
        assert!(!html.contains(&wrong));
        let r = w
            .api(
                Some(&owner),
                "PUT",
                &format!("/api/v1/workspaces/{SLUG}/accounts/{masto}/connection"),
                Some(&format!(
                    "{{\"instance\":\"{}\",\"access_token\":\"{wrong}\"}}",
                    server.url()
                )),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        let p = json(&page_text(r).await);
        assert_eq!(p["errors"][0]["field"], "access_token");
        assert_eq!(p["errors"][0]["code"], "connect-refused-mastodon");
        assert!(
            store.connection(masto).await.unwrap().is_none(),
            "[{label}]"
        );

        // The pasted token: verified, sealed, stored.
        let r = w
            .post_form(
                Some(&owner),
                &connect,
                &[("instance", server.url()), ("access_token", &token)],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            page_text(r).await
        );
        assert_eq!(location(&r), format!("/w/{SLUG}/accounts?done=connected"));
        let (sealed, creds) = stored_credentials(&w, masto).await;
        assert!(
            !sealed.contains(&token),
            "[{label}] the stored value is not the token"
        );
        assert!(sealed.starts_with("v1."), "[{label}] sealed by the vault");
        assert_eq!(
            creds,
            relais_connect::Credentials::Mastodon {
                instance: server.url().to_string(),
                access_token: token.clone()
            }
        );
        // The row as stored: read it back whole and look for the token.
        let row = format!("{:?}", store.connection(masto).await.unwrap().unwrap());
        assert!(!row.contains(&token));
        assert_eq!(
            store.connection(masto).await.unwrap().unwrap().remote_id,
            remote.id
        );
        let bytes = sqlite_bytes(&w);
        assert!(
            !contains(&bytes, &token),
            "[{label}] the token is not in the database file"
        );
        let html = page_text(
            w.get_page(Some(&owner), &format!("/w/{SLUG}/accounts?done=connected"))
                .await,
        )
        .await;
        assert!(
            html.contains("Compte connecté : relais peut maintenant y publier."),
            "[{label}]"
        );
        assert!(html.contains("Connecté depuis le"), "[{label}]");
        let shown = everything_shown(&w, &owner, masto).await;
        assert!(
            shown.contains("account_connected") || shown.contains("Compte connecté à son réseau"),
            "[{label}]"
        );
        assert!(
            !shown.contains(&token),
            "[{label}] a page, an API answer or the audit log shows the token"
        );

        // The API replaces the credentials; its answer never echoes them.
        let token2 = format!("tok2-{label}-{}", relais_auth::random_token());
        assert!(server.add_token_for(&remote, &token2));
        let r = w
            .api(
                Some(&owner),
                "PUT",
                &format!("/api/v1/workspaces/{SLUG}/accounts/{masto}/connection"),
                Some(&format!("{{\"network\":\"mastodon\",\"instance\":\"{}\",\"access_token\":\"{token2}\"}}", server.url())),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "[{label}]");
        let answer = page_text(r).await;
        assert!(!answer.contains(&token2), "{answer}");
        assert_eq!(json(&answer)["state"], "connected");
        assert!(matches!(stored_credentials(&w, masto).await.1,
            relais_connect::Credentials::Mastodon { access_token, .. } if access_token == token2));

        // Disconnect, then the OAuth flow end to end: register, redirect to
        // the instance, authorize there, come back with the code.
        let r = w
            .post_form(
                Some(&owner),
                &format!("/w/{SLUG}/accounts/{masto}/disconnect"),
                &[],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(store.connection(masto).await.unwrap().is_none());
        let alice = server.add_account(
            &format!("alice{label}"),
            &format!("unused-{}", relais_auth::random_token()),
        );
        server.authorize_as(&alice);
        let r = w
            .post_form(
                Some(&owner),
                &format!("/w/{SLUG}/accounts/{masto}/mastodon/authorize"),
                &[("oauth_instance", server.url())],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            page_text(r).await
        );
        let to_instance = location(&r);
        assert!(
            to_instance.starts_with(&format!("{}/oauth/authorize?", server.url())),
            "{to_instance}"
        );
        let query: Vec<(String, String)> =
            url::form_urlencoded::parse(to_instance.split_once('?').unwrap().1.as_bytes())
                .into_owned()
                .collect();
        let param = |k: &str| {
            query
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(
            param("redirect_uri"),
            format!("http://localhost/w/{SLUG}/accounts/{masto}/mastodon/callback")
        );
        assert_eq!(param("scope"), "read write");
        // The state is sealed: neither the client secret nor ids in clear.
        assert!(param("state").starts_with("v1.") && !param("state").contains("client"));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let answer = client.get(&to_instance).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 302, "[{label}]");
        let back = answer.headers()["location"].to_str().unwrap().to_string();
        let back = back.strip_prefix("http://localhost").unwrap().to_string();
        assert!(
            back.starts_with(&format!(
                "/w/{SLUG}/accounts/{masto}/mastodon/callback?code="
            )),
            "{back}"
        );
        // Someone else coming back with this state is refused.
        let r = w.get_page(Some(&manager), &back).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "[{label}]");
        assert!(store.connection(masto).await.unwrap().is_none());
        // The person who started it: connected as alice.
        let r = w.get_page(Some(&owner), &back).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            page_text(r).await
        );
        assert_eq!(location(&r), format!("/w/{SLUG}/accounts?done=connected"));
        let conn = store.connection(masto).await.unwrap().unwrap();
        assert_eq!(conn.remote_id, alice.id, "[{label}]");
        let (sealed, creds) = stored_credentials(&w, masto).await;
        let relais_connect::Credentials::Mastodon {
            instance,
            access_token,
        } = creds
        else {
            panic!("not Mastodon credentials");
        };
        assert_eq!(instance, server.url());
        assert!(!sealed.contains(&access_token));
        assert!(!contains(&sqlite_bytes(&w), &access_token), "[{label}]");
        let shown = everything_shown(&w, &owner, masto).await;
        assert!(
            !shown.contains(&access_token) && !shown.contains(&token) && !shown.contains(&token2),
            "[{label}]"
        );
        // A code works once: coming back again is refused, the connection stays.
        let r = w.get_page(Some(&owner), &back).await;
        assert_eq!(r.status(), StatusCode::BAD_GATEWAY, "[{label}]");
        assert!(page_text(r)
            .await
            .contains("n'a pas accepté le code d'autorisation"));
        assert_eq!(
            store.connection(masto).await.unwrap().unwrap().remote_id,
            alice.id
        );
        // A Mastodon token pasted for the Bluesky account is refused as such.
        let bsky = account(store, ws, Network::Bluesky).await;
        let r = w
            .api(
                Some(&owner),
                "PUT",
                &format!("/api/v1/workspaces/{SLUG}/accounts/{bsky}/connection"),
                Some(&format!(
                    "{{\"network\":\"mastodon\",\"instance\":\"{}\",\"access_token\":\"{token}\"}}",
                    server.url()
                )),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(store.connection(bsky).await.unwrap().is_none());
        w.db.finish().await;
    }
}

#[tokio::test]
async fn a_bluesky_account_connects_against_the_real_pds() {
    use relais_connect::testing::pds::TestPds;
    let Some(pds) = TestPds::from_env("a_bluesky_account_connects_against_the_real_pds") else {
        return;
    };
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let store = &w.db.store;
        let ws = md(store).await;
        let owner = w.login("owner@demo.local").await;
        let bsky = account(store, ws, Network::Bluesky).await;
        let connect = format!("/w/{SLUG}/accounts/{bsky}/connect");
        let alice = pds.create_account().await.unwrap();

        // A wrong app password: refused by the PDS, nothing stored.
        let r = w
            .post_form(
                Some(&owner),
                &connect,
                &[
                    ("identifier", &alice.handle),
                    ("app_password", "aaaa-bbbb-cccc-dddd"),
                    ("service", &pds.url),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        let html = page_text(r).await;
        assert!(
            html.contains("Bluesky a refusé cette connexion"),
            "[{label}] {html}"
        );
        assert!(
            html.contains(&format!("value=\"{}\"", alice.handle)),
            "[{label}] the handle is kept"
        );
        assert!(store.connection(bsky).await.unwrap().is_none());

        // The right one: logged in, the session kept with the credentials, sealed.
        let r = w
            .post_form(
                Some(&owner),
                &connect,
                &[
                    ("identifier", &alice.handle),
                    ("app_password", &alice.app_password),
                    ("service", &pds.url),
                ],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            page_text(r).await
        );
        let conn = store.connection(bsky).await.unwrap().unwrap();
        assert_eq!(conn.remote_id, alice.did, "[{label}]");
        let (sealed, creds) = stored_credentials(&w, bsky).await;
        assert!(!sealed.contains(&alice.app_password));
        let relais_connect::Credentials::Bluesky {
            service,
            identifier,
            app_password,
            session,
        } = creds
        else {
            panic!("not Bluesky credentials");
        };
        assert_eq!(
            (service.as_str(), identifier.as_str()),
            (pds.url.as_str(), alice.handle.as_str())
        );
        assert_eq!(app_password, alice.app_password);
        let session = session.expect("the session is stored, so the worker need not log in again");
        assert_eq!(session.did, alice.did);
        let bytes = sqlite_bytes(&w);
        for secret in [
            &alice.app_password,
            &session.access_jwt,
            &session.refresh_jwt,
        ] {
            assert!(
                !contains(&bytes, secret),
                "[{label}] a secret is in the database file"
            );
        }
        let shown = everything_shown(&w, &owner, bsky).await;
        for secret in [
            &alice.app_password,
            &session.access_jwt,
            &session.refresh_jwt,
        ] {
            assert!(
                !shown.contains(secret.as_str()),
                "[{label}] a secret is shown"
            );
        }
        let h = json(
            &page_text(
                w.api(
                    Some(&owner),
                    "GET",
                    &format!("/api/v1/workspaces/{SLUG}/accounts/{bsky}/health"),
                    None,
                )
                .await,
            )
            .await,
        );
        assert_eq!(h["state"], "connected");
        assert_eq!(h["remote_id"], alice.did.as_str());
        w.db.finish().await;
    }
}
