//! Client approval, notifications (in the app and by e-mail through a real SMTP
//! server), the secret iCalendar feed, CSV import and the editorial API, on both
//! backends.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{Duration, TimeZone, Utc};
use common::*;
use relais_core::entry::{Entry, EntryContent, Status};
use relais_core::model::{Actor, Workspace};
use relais_core::{AccountId, Network};
use relais_mail::testing::SmtpSink;
use relais_store::{testing, EntryFilter};
use serde_json::{json, Value};
use std::path::Path;

struct Fixture {
    ws: Workspace,
    account: AccountId,
    cm: Login,
    client: Login,
}

/// A workspace of its own ("atelier", without the demo's entries), with the
/// demo's owner, manager, community manager and client in their roles.
async fn fixture(w: &World) -> Fixture {
    use relais_core::Role;
    use relais_store::MembershipChange;
    let store = &w.db.store;
    let sys = Actor::System("test");
    let owner = store
        .user_by_email("owner@demo.local")
        .await
        .unwrap()
        .unwrap();
    let ws = store
        .create_workspace(&sys, "atelier", "L'Atelier", Some(owner.id), false)
        .await
        .unwrap();
    for (email, role) in [
        ("manager@demo.local", Role::Manager),
        ("cm@demo.local", Role::CommunityManager),
        ("client@demo.local", Role::ClientApprover),
    ] {
        let u = store.user_by_email(email).await.unwrap().unwrap();
        store
            .set_membership(&sys, Role::Owner, ws.id, u.id, MembershipChange::Add(role))
            .await
            .unwrap();
    }
    let account = store
        .create_account(
            &sys,
            ws.id,
            Network::Bluesky,
            "@atelier.bsky.social",
            "Bluesky",
        )
        .await
        .unwrap();
    Fixture {
        ws,
        account: account.id,
        cm: w.login("cm@demo.local").await,
        client: w.login("client@demo.local").await,
    }
}

/// An entry of `f`'s workspace in `status`, `days` days after 2030-01-07 (a Monday).
async fn entry(w: &World, f: &Fixture, title: &str, days: i64, status: Status) -> Entry {
    let store = &w.db.store;
    let cm = Actor::user(&f.cm.user);
    let content = EntryContent {
        title: title.into(),
        timezone: "Europe/Paris".into(),
        body: format!("{title} : le texte du post."),
        accounts: vec![f.account],
        starts_at: Some(Utc.with_ymd_and_hms(2030, 1, 7, 9, 30, 0).unwrap() + Duration::days(days)),
        axis: Some("Savoir-faire".into()),
        client_notes: "Note pour le client".into(),
        ..EntryContent::default()
    };
    let start = if status == Status::Submitted {
        Status::InternalReview
    } else {
        status
    };
    let e = store
        .create_entry(&cm, f.ws.id, start, &content)
        .await
        .unwrap();
    if status == Status::Submitted {
        return store
            .set_entry_status(&cm, f.ws.id, e.id, None, Status::Submitted, "")
            .await
            .unwrap();
    }
    e
}

async fn status_of(w: &World, f: &Fixture, e: &Entry) -> Status {
    w.db.store
        .get_entry(f.ws.id, e.id)
        .await
        .unwrap()
        .unwrap()
        .status
}

fn mail_config(sink: &SmtpSink) -> relais_config::Config {
    let mut config = relais_config::Config::default();
    config.mail.smtp_url = sink.url().to_string();
    config.mail.from = "relais <relais@demo.local>".into();
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_approves_one_entry_and_requests_changes_on_another_and_the_team_hears_of_it() {
    let sink = SmtpSink::start();
    for db in testing::all().await {
        let label = db.label;
        let w = world_with(db, mail_config(&sink)).await;
        let f = fixture(&w).await;
        let one = entry(&w, &f, "Pain du jour", 0, Status::Submitted).await;
        let two = entry(&w, &f, "Atelier viennoiserie", 1, Status::Submitted).await;
        let draft = entry(&w, &f, "Brouillon secret", 2, Status::Draft).await;

        // The client sees what was submitted, with its text, notes and forms.
        let r = w.get_page(Some(&f.client), "/w/atelier/approvals").await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = text(r).await;
        assert!(
            html.contains("Pain du jour") && html.contains("Atelier viennoiserie"),
            "[{label}]"
        );
        assert!(html.contains("Pain du jour : le texte du post."));
        assert!(html.contains("Note pour le client"));
        assert!(html.contains(&format!("id=\"decide-{}\"", one.id)));
        assert!(
            !html.contains("Brouillon secret"),
            "[{label}] a draft leaked to the client"
        );

        // Requesting changes needs a comment: an error tied to the field, nothing saved.
        let path = format!("/w/atelier/approvals/{}", two.id);
        let r = w
            .post_form(
                Some(&f.client),
                &path,
                &[("decision", "changes"), ("comment", " ")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = text(r).await;
        assert!(html.contains(&format!("aria-describedby=\"comment-{}-error\"", two.id)));
        assert_eq!(status_of(&w, &f, &two).await, Status::Submitted);

        let token = format!("changes-{label}-{}", relais_auth::random_token());
        let comment = format!("Le prix est faux ({token})");
        let r = w
            .post_form(
                Some(&f.client),
                &path,
                &[("decision", "changes"), ("comment", &comment)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{label}]");
        let path = format!("/w/atelier/approvals/{}", one.id);
        let r = w
            .post_form(
                Some(&f.client),
                &path,
                &[("decision", "approve"), ("comment", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(status_of(&w, &f, &one).await, Status::Approved);
        assert_eq!(status_of(&w, &f, &two).await, Status::ChangesRequested);
        assert_eq!(status_of(&w, &f, &draft).await, Status::Draft);

        // The comment joined the entry's thread; each decision is in the audit log.
        let thread = w.db.store.list_comments(f.ws.id, two.id).await.unwrap();
        assert!(thread.iter().any(|c| c.body == comment));
        let log =
            w.db.store
                .audit_for_workspace(f.ws.id, None, 50)
                .await
                .unwrap();
        let by_client = log
            .iter()
            .filter(|e| e.actor == "client@demo.local")
            .count();
        assert!(by_client >= 2, "[{label}] audit: {log:?}");

        // The team is notified in the app (the header shows the count)…
        let notes =
            w.db.store
                .list_notifications(f.cm.user.id, 10)
                .await
                .unwrap();
        assert_eq!(notes.len(), 2, "[{label}] {notes:?}");
        assert!(notes.iter().any(|n| n.comment == comment));
        let html = text(w.get_page(Some(&f.cm), "/notifications").await).await;
        assert!(html.contains("Notifications (2 non lues)"), "[{label}]");
        assert!(html.contains(&comment));
        let r = w.post_form(Some(&f.cm), "/notifications/read", &[]).await;
        assert_eq!(location(&r), "/notifications?done=read");
        assert_eq!(
            w.db.store.unread_notifications(f.cm.user.id).await.unwrap(),
            0
        );
        // The client is not told about their own decisions.
        assert!(w
            .db
            .store
            .list_notifications(f.client.user.id, 10)
            .await
            .unwrap()
            .is_empty());

        // …and by e-mail, through the real SMTP server.
        let mail = sink.wait_for(&token, std::time::Duration::from_secs(20));
        let view: Value = serde_json::from_str(&mail.json).unwrap();
        let to = view.to_string();
        assert!(
            to.contains("cm@demo.local")
                || to.contains("manager@demo.local")
                || to.contains("owner@demo.local"),
            "{to}"
        );
        assert!(
            view["subject"].as_str().unwrap().contains("relais"),
            "{view}"
        );
        w.db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_week_is_decided_in_one_action_all_or_nothing() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let f = fixture(&w).await;
        let a = entry(&w, &f, "Lundi", 0, Status::Submitted).await;
        let b = entry(&w, &f, "Mardi", 1, Status::Submitted).await;
        let c = entry(&w, &f, "Mercredi", 2, Status::Draft).await;
        // A week whose list includes an entry not submitted: nothing changes.
        let ids = format!("{},{},{}", a.id, b.id, c.id);
        let r = w
            .post_form(
                Some(&f.client),
                "/w/atelier/approvals/week?week=2030-01-07",
                &[("decision", "approve"), ("ids", &ids), ("comment", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        assert!(text(r).await.contains("Rien n&#39;a été enregistré"));
        for e in [&a, &b] {
            assert_eq!(status_of(&w, &f, e).await, Status::Submitted, "[{label}]");
        }
        // The week as the page shows it: one form, both entries.
        let html = text(w.get_page(Some(&f.client), "/w/atelier/approvals").await).await;
        let week_ids = format!("value=\"{},{}\"", a.id, b.id);
        assert!(html.contains(&week_ids), "[{label}] {html}");
        let ids = format!("{},{}", a.id, b.id);
        let r = w
            .post_form(
                Some(&f.client),
                "/w/atelier/approvals/week?week=2030-01-07",
                &[
                    ("decision", "approve"),
                    ("ids", &ids),
                    ("comment", "Parfait"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        for e in [&a, &b] {
            assert_eq!(status_of(&w, &f, e).await, Status::Approved);
        }
        // One notification per team member for the whole week.
        let notes =
            w.db.store
                .list_notifications(f.cm.user.id, 10)
                .await
                .unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].entries.len(), 2);
        // Through the API as well: a bulk request with one wrong id changes nothing.
        let d = entry(&w, &f, "Jeudi", 3, Status::Submitted).await;
        let body =
            json!({"entries": [d.id, a.id], "decision": "request_changes", "comment": "Non"})
                .to_string();
        let r = w
            .api(
                Some(&f.client),
                "POST",
                "/api/v1/workspaces/atelier/approvals",
                Some(&body),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(status_of(&w, &f, &d).await, Status::Submitted);
        let body = json!({"entries": [d.id], "decision": "approve"}).to_string();
        let r = w
            .api(
                Some(&f.client),
                "POST",
                "/api/v1/workspaces/atelier/approvals",
                Some(&body),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(status_of(&w, &f, &d).await, Status::Approved);
        // The team submits a week; the client is notified.
        let e1 = entry(&w, &f, "Vendredi", 4, Status::InternalReview).await;
        let e2 = entry(&w, &f, "Samedi", 5, Status::InternalReview).await;
        let html = text(w.get_page(Some(&f.cm), "/w/atelier/approvals").await).await;
        assert!(html.contains("id=\"submit-all\""));
        let ids = format!("{},{}", e1.id, e2.id);
        let r = w
            .post_form(Some(&f.cm), "/w/atelier/approvals/submit", &[("ids", &ids)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(status_of(&w, &f, &e1).await, Status::Submitted);
        let notes =
            w.db.store
                .list_notifications(f.client.user.id, 10)
                .await
                .unwrap();
        assert_eq!(notes.len(), 1, "[{label}]");
        // The team cannot decide for the client (policy), the client cannot submit.
        let r = w
            .post_form(
                Some(&f.cm),
                &format!("/w/atelier/approvals/{}", e1.id),
                &[("decision", "approve")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = w
            .post_form(
                Some(&f.client),
                "/w/atelier/approvals/submit",
                &[("ids", &ids)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        w.db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_never_sees_internal_drafts_through_pages_or_api() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let f = fixture(&w).await;
        let shown = entry(&w, &f, "Visible du client", 0, Status::Submitted).await;
        let mut hidden = Vec::new();
        for (i, s) in [Status::Idea, Status::Draft, Status::InternalReview]
            .into_iter()
            .enumerate()
        {
            hidden.push(entry(&w, &f, &format!("Interne {}", s.as_str()), i as i64, s).await);
        }
        let base = "/api/v1/workspaces/atelier";
        let list: Value = serde_json::from_str(
            &text(
                w.api(Some(&f.client), "GET", &format!("{base}/entries"), None)
                    .await,
            )
            .await,
        )
        .unwrap();
        let titles: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["content"]["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, ["Visible du client"], "[{label}]");
        let r = w
            .api(
                Some(&f.client),
                "GET",
                &format!("{base}/entries/{}", shown.id),
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        for e in &hidden {
            for suffix in ["", "/checklist", "/comments"] {
                let r = w
                    .api(
                        Some(&f.client),
                        "GET",
                        &format!("{base}/entries/{}{suffix}", e.id),
                        None,
                    )
                    .await;
                assert_eq!(
                    r.status(),
                    StatusCode::NOT_FOUND,
                    "[{label}] {} {suffix}",
                    e.content.title
                );
            }
            let body = json!({"to": "approved"}).to_string();
            let r = w
                .api(
                    Some(&f.client),
                    "POST",
                    &format!("{base}/entries/{}/status", e.id),
                    Some(&body),
                )
                .await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
        }
        // The team sees everything.
        let list: Value = serde_json::from_str(
            &text(
                w.api(Some(&f.cm), "GET", &format!("{base}/entries"), None)
                    .await,
            )
            .await,
        )
        .unwrap();
        assert_eq!(list.as_array().unwrap().len(), 4);
        // Pages: approvals, export, and the calendar and entry pages when they exist.
        for path in [
            "/w/atelier/approvals".to_string(),
            "/w/atelier/calendar/export?format=csv".to_string(),
            "/w/atelier/calendar/export?format=ics".to_string(),
            "/w/atelier/calendar".to_string(),
            "/w/atelier/calendar?view=list".to_string(),
        ] {
            let r = w.get_page(Some(&f.client), &path).await;
            if r.status() == StatusCode::NOT_FOUND {
                continue;
            }
            let body = text(r).await;
            for e in &hidden {
                assert!(
                    !body.contains(&e.content.title),
                    "[{label}] {path} shows {}",
                    e.content.title
                );
            }
        }
        for e in &hidden {
            let r = w
                .get_page(Some(&f.client), &format!("/w/atelier/entries/{}", e.id))
                .await;
            assert!(
                matches!(r.status(), StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                "[{label}] the entry page of a draft answers {} to the client",
                r.status()
            );
        }
        w.db.finish().await;
    }
}

fn validate_ics(ics: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = std::process::Command::new("bash")
        .arg(root.join("scripts/python-tools.sh"))
        .output()
        .expect("python-tools.sh");
    assert!(
        python.status.success(),
        "{}",
        String::from_utf8_lossy(&python.stderr)
    );
    let python = String::from_utf8(python.stdout).unwrap().trim().to_string();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("feed.ics");
    std::fs::write(&file, ics).unwrap();
    let out = std::process::Command::new(python)
        .arg(root.join("scripts/validate-ics.py"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "validate-ics: {}{}\n{ics}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secret_feed_serves_valid_icalendar_until_revoked() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let f = fixture(&w).await;
        entry(&w, &f, "Pain du jour", 0, Status::Submitted).await;
        entry(&w, &f, "Galette des rois", 1, Status::Draft).await;
        let manager = w.login("manager@demo.local").await;
        let html = text(w.get_page(Some(&manager), "/w/atelier/feed").await).await;
        assert!(html.contains("id=\"feed-create\""));
        let r = w.post_form(Some(&manager), "/w/atelier/feed", &[]).await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = text(r).await;
        let url = html
            .split("id=\"feed-url\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let path = format!("/feeds/{}", url.split("/feeds/").nth(1).unwrap());
        // Shown once: the page afterwards gives only the creation date.
        let html = text(w.get_page(Some(&manager), "/w/atelier/feed").await).await;
        assert!(!html.contains(&path) && html.contains("id=\"feed-status\""));
        let r = w.get_page(None, &path).await;
        assert_eq!(r.status(), StatusCode::OK, "[{label}]");
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "text/calendar; charset=utf-8"
        );
        let ics = text(r).await;
        assert!(
            ics.contains("BEGIN:VCALENDAR") && ics.contains("Pain du jour"),
            "{ics}"
        );
        validate_ics(&ics);
        // A client approver may not manage the feed.
        let r = w.get_page(Some(&f.client), "/w/atelier/feed").await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Regenerating replaces the URL; revoking ends it.
        let r = w.post_form(Some(&manager), "/w/atelier/feed", &[]).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            w.get_page(None, &path).await.status(),
            StatusCode::NOT_FOUND
        );
        let token =
            w.db.store
                .create_feed_token(&Actor::System("test"), f.ws.id)
                .await
                .unwrap();
        let path = format!("/feeds/{token}.ics");
        assert_eq!(w.get_page(None, &path).await.status(), StatusCode::OK);
        let r = w
            .post_form(Some(&manager), "/w/atelier/feed/revoke", &[])
            .await;
        assert_eq!(location(&r), "/w/atelier/feed?done=revoked");
        assert_eq!(
            w.get_page(None, &path).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            w.get_page(None, "/feeds/nope.ics").await.status(),
            StatusCode::NOT_FOUND
        );
        // The export link gives the same format.
        let r = w
            .get_page(Some(&f.cm), "/w/atelier/calendar/export?format=ics")
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        validate_ics(&text(r).await);
        w.db.finish().await;
    }
}

/// A CSV of two good rows and one with an unknown account (see docs/calendar-csv.md).
fn csv_with_one_bad_row() -> String {
    [
        "title;date;accounts;axis;status;text",
        "Pain du jour;2030-02-04T09:30;@atelier.bsky.social;Savoir-faire;draft;Bonjour",
        "Croissants;2030-02-05T09:30;@inconnu.example;Savoir-faire;draft;Miam",
        "Baguette;06/02/2030 10:00;@atelier.bsky.social;Savoir-faire;idea;Croustillante",
    ]
    .join("\r\n")
}

async fn count_entries(w: &World, f: &Fixture) -> usize {
    w.db.store
        .list_entries(f.ws.id, &EntryFilter::default())
        .await
        .unwrap()
        .len()
}

fn multipart(csrf: &str, file: &str) -> (String, String) {
    let boundary = "----relaisboundary7MA4YWxkTrZu0gW";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_import_previews_every_row_and_is_atomic_unless_valid_only() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let f = fixture(&w).await;
        let base = "/api/v1/workspaces/atelier/calendar/import";
        let csv = csv_with_one_bad_row();
        let send = |query: &str| {
            Request::post(format!("{base}{query}"))
                .header(header::AUTHORIZATION, format!("Bearer {}", f.cm.token))
                .header(header::CONTENT_TYPE, "text/csv")
                .body(Body::from(csv.clone()))
                .unwrap()
        };
        // Dry run: every row with its errors, nothing written.
        let r = w.send(send("?dry_run=true")).await;
        assert_eq!(r.status(), StatusCode::OK, "[{label}]");
        let report: Value = serde_json::from_str(&text(r).await).unwrap();
        assert_eq!(report["valid"], 2, "{report}");
        assert_eq!(report["invalid"], 1);
        assert_eq!(report["imported"], 0);
        let bad = &report["rows"][1];
        assert_eq!(bad["line"], 3, "{report}");
        assert!(!bad["errors"][0]["column"].as_str().unwrap().is_empty());
        assert!(!bad["errors"][0]["message"].as_str().unwrap().is_empty());
        assert_eq!(count_entries(&w, &f).await, 0);
        // All or nothing.
        let r = w.send(send("")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(count_entries(&w, &f).await, 0);
        // Unless the valid rows are asked for explicitly.
        let r = w.send(send("?valid_only=true")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let report: Value = serde_json::from_str(&text(r).await).unwrap();
        assert_eq!(report["imported"], 2);
        assert_eq!(count_entries(&w, &f).await, 2);

        // The same through the pages: upload, preview, refused, valid only.
        let (content_type, body) = multipart(&f.cm.csrf, &csv);
        let r = w
            .send(
                Request::post("/w/atelier/calendar/import")
                    .header(header::COOKIE, &f.cm.cookie)
                    .header(header::CONTENT_TYPE, content_type)
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "[{label}]");
        let html = text(r).await;
        assert!(html.contains("id=\"preview-table\"") && html.contains("id=\"import-valid-only\""));
        let payload = html
            .split("name=\"payload\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let r = w
            .post_form(
                Some(&f.cm),
                "/w/atelier/calendar/import/confirm",
                &[("payload", &payload)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text(r).await.contains("rien n&#39;a été importé"));
        assert_eq!(count_entries(&w, &f).await, 2);
        let r = w
            .post_form(
                Some(&f.cm),
                "/w/atelier/calendar/import/confirm",
                &[("payload", &payload), ("valid_only", "1")],
            )
            .await;
        assert_eq!(
            location(&r),
            "/w/atelier/calendar/import?done=imported&count=2"
        );
        assert_eq!(count_entries(&w, &f).await, 4);
        // A multipart form without the CSRF token is refused.
        let (content_type, body) = multipart("wrong", &csv);
        let r = w
            .send(
                Request::post("/w/atelier/calendar/import")
                    .header(header::COOKIE, &f.cm.cookie)
                    .header(header::CONTENT_TYPE, content_type)
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        w.db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_refuses_stale_saves_and_names_the_fields() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let f = fixture(&w).await;
        let base = "/api/v1/workspaces/atelier";
        let body = json!({"status": "draft", "content": {"title": "Nouveau", "timezone": "Europe/Paris", "accounts": [f.account.0], "body": "Bonjour"}}).to_string();
        let r = w
            .api(Some(&f.cm), "POST", &format!("{base}/entries"), Some(&body))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "[{label}]");
        let created: Value = serde_json::from_str(&text(r).await).unwrap();
        let id = created["id"].as_i64().unwrap();
        assert_eq!(created["version"], 1);
        let patch = |version: i64, title: &str| {
            json!({"version": version, "content": {"title": title, "timezone": "Europe/Paris", "body": "x"}}).to_string()
        };
        let path = format!("{base}/entries/{id}");
        let r = w
            .api(Some(&f.cm), "PATCH", &path, Some(&patch(1, "Premier")))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        // A second save from version 1: 409, nothing overwritten.
        let r = w
            .api(Some(&f.cm), "PATCH", &path, Some(&patch(1, "Second")))
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let p: Value = serde_json::from_str(&text(r).await).unwrap();
        assert_eq!(p["errors"][0]["field"], "version");
        let now: Value =
            serde_json::from_str(&text(w.api(Some(&f.cm), "GET", &path, None).await).await)
                .unwrap();
        assert_eq!(now["content"]["title"], "Premier");
        // Delete with a stale version: 409 too.
        let r = w
            .api(Some(&f.cm), "DELETE", &format!("{path}?version=1"), None)
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        // The workflow: the team submits, the client decides; roles are enforced.
        for (who, to, expected) in [
            (&f.cm, "internal_review", StatusCode::OK),
            (&f.cm, "approved", StatusCode::UNPROCESSABLE_ENTITY),
            (&f.cm, "submitted", StatusCode::OK),
            (&f.cm, "approved", StatusCode::FORBIDDEN),
            (
                &f.client,
                "changes_requested",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (&f.client, "approved", StatusCode::OK),
        ] {
            let body = json!({"to": to}).to_string();
            let r = w
                .api(Some(who), "POST", &format!("{path}/status"), Some(&body))
                .await;
            assert_eq!(r.status(), expected, "[{label}] -> {to}");
        }
        // Checklist, comments, accounts, charter, observances, export, lint.
        let r = w
            .api(Some(&f.cm), "GET", &format!("{path}/checklist"), None)
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let checklist: Value = serde_json::from_str(&text(r).await).unwrap();
        assert!(
            checklist["entry"].is_array() && checklist["networks"].is_array(),
            "{checklist}"
        );
        let r = w
            .api(
                Some(&f.client),
                "POST",
                &format!("{path}/comments"),
                Some(r#"{"body":"Merci !"}"#),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let list: Value = serde_json::from_str(
            &text(
                w.api(Some(&f.cm), "GET", &format!("{path}/comments"), None)
                    .await,
            )
            .await,
        )
        .unwrap();
        assert!(list
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["body"] == "Merci !"));
        let r = w
            .api(Some(&f.cm), "PUT", &format!("{base}/charter"), Some(r#"{"charter":{"timezone":"Europe/Paris"},"note":"v1","expected_version":null}"#))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "[{label}]");
        let r = w
            .api(Some(&f.cm), "PUT", &format!("{base}/charter"), Some(r#"{"charter":{"timezone":"Europe/Paris"},"note":"again","expected_version":null}"#))
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let p: Value = serde_json::from_str(&text(r).await).unwrap();
        assert_eq!(p["errors"][0]["field"], "expected_version");
        let history: Value = serde_json::from_str(
            &text(
                w.api(
                    Some(&f.client),
                    "GET",
                    &format!("{base}/charter/history"),
                    None,
                )
                .await,
            )
            .await,
        )
        .unwrap();
        assert_eq!(history.as_array().unwrap().len(), 1);
        let r = w
            .api(
                Some(&f.cm),
                "POST",
                &format!("{base}/accounts"),
                Some(r#"{"network":"myspace","handle":"x","label":"y"}"#),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "community managers do not manage accounts"
        );
        let manager = w.login("manager@demo.local").await;
        let r = w
            .api(
                Some(&manager),
                "POST",
                &format!("{base}/accounts"),
                Some(r#"{"network":"myspace","handle":"x","label":"y"}"#),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p: Value = serde_json::from_str(&text(r).await).unwrap();
        assert_eq!(p["errors"][0]["field"], "network");
        let r = w
            .api(
                Some(&f.cm),
                "POST",
                &format!("{base}/observances"),
                Some(r#"{"date":"2030-05-16","label":"Journée mondiale du pain"}"#),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let list: Value = serde_json::from_str(
            &text(
                w.api(Some(&f.client), "GET", &format!("{base}/observances"), None)
                    .await,
            )
            .await,
        )
        .unwrap();
        assert_eq!(list[0]["label"], "Journée mondiale du pain");
        let r = w
            .api(
                Some(&f.client),
                "GET",
                &format!("{base}/calendar/export?format=csv"),
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = w
            .api(
                Some(&f.cm),
                "POST",
                "/api/v1/lint",
                Some(r#"{"networks":["bluesky","x"],"text":"Bonjour"}"#),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let lint: Value = serde_json::from_str(&text(r).await).unwrap();
        assert_eq!(lint["networks"][0]["network"], "bluesky");
        assert_eq!(lint["networks"][0]["length"], 7);
        assert_eq!(lint["networks"][0]["limit"], 300);
        let r = w
            .api(
                Some(&f.cm),
                "POST",
                "/api/v1/lint",
                Some(r#"{"networks":["nope"],"text":"x"}"#),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        w.db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observances_are_added_by_hand_imported_from_ics_and_deleted() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let f = fixture(&w).await;
        let r = w
            .post_form(
                Some(&f.cm),
                "/w/atelier/observances",
                &[("date", "pas une date"), ("label", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = text(r).await;
        assert!(
            html.contains("id=\"observance-date-error\"")
                && html.contains("id=\"observance-label-error\""),
            "[{label}]"
        );
        let r = w
            .post_form(
                Some(&f.cm),
                "/w/atelier/observances",
                &[("date", "2030-05-16"), ("label", "Journée du pain")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:a@test\r\nDTSTAMP:20300101T000000Z\r\nDTSTART;VALUE=DATE:20300621\r\nSUMMARY:Fête de la musique\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let boundary = "----relaisics";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dates.ics\"\r\nContent-Type: text/calendar\r\n\r\n{ics}\r\n--{boundary}--\r\n",
            f.cm.csrf
        );
        let r = w
            .send(
                Request::post("/w/atelier/observances/import")
                    .header(header::COOKIE, &f.cm.cookie)
                    .header(
                        header::CONTENT_TYPE,
                        format!("multipart/form-data; boundary={boundary}"),
                    )
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "[{label}]");
        let html = text(w.get_page(Some(&f.client), "/w/atelier/observances").await).await;
        assert!(html.contains("Journée du pain") && html.contains("Fête de la musique"));
        assert!(
            !html.contains("id=\"observance-form\""),
            "the client only reads"
        );
        let list =
            w.db.store
                .list_observances(
                    f.ws.id,
                    chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
                    chrono::NaiveDate::from_ymd_opt(2031, 1, 1).unwrap(),
                )
                .await
                .unwrap();
        let r = w
            .post_form(
                Some(&f.cm),
                &format!("/w/atelier/observances/{}/delete", list[0].id),
                &[],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            w.db.store
                .list_observances(
                    f.ws.id,
                    chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
                    chrono::NaiveDate::from_ymd_opt(2031, 1, 1).unwrap()
                )
                .await
                .unwrap()
                .len(),
            1
        );
        w.db.finish().await;
    }
}
