//! The editorial speed targets, measured end to end on a real SQLite file:
//!
//! - CSV import of 10,000 rows (parse + atomic insert): under 2 s;
//! - month view of a workspace holding 10,000 entries, server time through the
//!   whole router (guard, session, query, conformance panel, template): p99
//!   under 50 ms — anchor: Postiz users report 30 s or more to open a calendar
//!   of about 67 posts (gitroomhq/postiz-app issue #1777);
//! - conformance check of one year (5,000 entries): under 10 ms.
//!
//! Run: `cargo bench -p relais-web --bench editorial` (or `bash bench/editorial.sh`
//! for every editorial figure). Prints one line per figure.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{Duration, NaiveDate};
use http_body_util::BodyExt;
use relais_calendar::conformance;
use relais_calendar::csv::{parse_import, ImportContext};
use relais_config::Config;
use relais_core::model::Actor;
use relais_store::demo::seed_demo;
use relais_store::{ConnectOptions, EntryFilter, Store};
use relais_web::{app, AppState};
use std::time::Instant;
use tower::ServiceExt;

const ROWS: usize = 10_000;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

/// 10,000 rows over the year 2026, 28 a day between 08:00 and 19:42 (no time
/// in a daylight-saving gap), in the French Excel form (`;`, dd/mm/yyyy HH:MM).
fn csv(handles: &[String], axes: &[String]) -> String {
    let mut out =
        String::from("titre;date;comptes;axe;format;type_de_contenu;statut;texte;hashtags\n");
    let start = NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    for i in 0..ROWS {
        let at = start + Duration::days((i / 28) as i64) + Duration::minutes(25 * (i % 28) as i64);
        let handle = &handles[i % handles.len()];
        let axis = &axes[i % axes.len()];
        out.push_str(&format!(
            "Publication {i};{};{handle};{axis};post;conseil;draft;\"Texte n° {i} : une nouvelle fournée sort du four, venez la goûter. https://exemple.fr/p/{i}\";Boulangerie FaitMaison\n",
            at.format("%d/%m/%Y %H:%M")
        ));
    }
    out
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    let store = Store::connect(&url, &ConnectOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let hash = relais_auth::hash_password("bench-password-1").unwrap();
    seed_demo(&store, &hash).await.unwrap();
    let ws = store
        .workspace_by_slug("maison-dupain")
        .await
        .unwrap()
        .unwrap();
    let manager = store
        .user_by_email("manager@demo.local")
        .await
        .unwrap()
        .unwrap();
    let actor = Actor::user(&manager);
    let accounts = store.list_accounts(ws.id).await.unwrap();
    let charter = store.current_charter(ws.id).await.unwrap().unwrap().charter;
    let handles: Vec<String> = accounts.iter().map(|a| a.handle.clone()).collect();
    let axes: Vec<String> = charter.axes.iter().map(|a| a.name.clone()).collect();

    // --- CSV import of 10,000 rows -------------------------------------------
    let file = csv(&handles, &axes);
    let started = Instant::now();
    let ctx = ImportContext {
        accounts: &accounts,
        axes: &charter.axes,
        timezone: &charter.timezone,
    };
    let preview = parse_import(file.as_bytes(), &ctx).unwrap();
    if let Some(e) = preview.errors().next() {
        panic!(
            "the generated CSV has errors: line {} {}: {}",
            e.line, e.column, e.message_en
        );
    }
    let parsed = started.elapsed();
    let rows = preview.valid_rows();
    let ids = store.import_entries(&actor, ws.id, &rows).await.unwrap();
    let total = started.elapsed();
    assert_eq!(ids.len(), ROWS);
    println!(
        "csv import      {ROWS} rows: {:.0} ms (parse {:.0} ms, insert {:.0} ms)   target < 2000 ms: {}",
        total.as_secs_f64() * 1e3,
        parsed.as_secs_f64() * 1e3,
        (total - parsed).as_secs_f64() * 1e3,
        if total.as_millis() < 2000 { "met" } else { "MISSED" }
    );

    // --- Month view through the router ---------------------------------------
    let session = relais_auth::random_token();
    let csrf = relais_auth::random_token();
    store
        .create_session(
            manager.id,
            &relais_auth::token_digest(&session),
            &csrf,
            "bench",
            Duration::hours(1),
        )
        .await
        .unwrap();
    let router = app(AppState::new(store.clone(), Config::default()).unwrap());
    let total_entries = store
        .list_entries(ws.id, &EntryFilter::default())
        .await
        .unwrap()
        .len();
    let month_url = "/w/maison-dupain/calendar?view=month&date=2026-06-15";
    let mut month_entries = 0;
    let mut samples = Vec::new();
    for i in 0..230 {
        let req = Request::get(month_url)
            .header(header::COOKIE, format!("relais_session={session}"))
            .body(Body::empty())
            .unwrap();
        let t = Instant::now();
        let res = router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        let took = t.elapsed().as_secs_f64() * 1e3;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        if i == 0 {
            month_entries = String::from_utf8_lossy(&body)
                .matches("/w/maison-dupain/entries/")
                .count();
        }
        if i >= 30 {
            samples.push(took);
        }
    }
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let p99 = percentile(&samples, 0.99);
    println!(
        "month view      {total_entries} entries in the workspace, {month_entries} entry links on the page: p50 {:.1} ms, p99 {:.1} ms over {} requests   target p99 < 50 ms: {}; Postiz anchor 30 s for ~67 posts: {:.0}x faster",
        percentile(&samples, 0.5),
        p99,
        samples.len(),
        if p99 < 50.0 { "met" } else { "MISSED" },
        30_000.0 / p99
    );

    // --- Conformance of one year (5,000 entries) ------------------------------
    let year: Vec<_> = store
        .list_entries(ws.id, &EntryFilter::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.content.starts_at.is_some())
        .take(5_000)
        .collect();
    let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let mut runs = Vec::new();
    let mut findings = 0;
    for _ in 0..100 {
        let t = Instant::now();
        let c = conformance::check(&charter, &accounts, &year, from, to, &[]);
        runs.push(t.elapsed().as_secs_f64() * 1e3);
        findings = std::hint::black_box(c).findings.len();
    }
    runs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let p99 = percentile(&runs, 0.99);
    println!(
        "conformance     {} entries over one year ({findings} findings): median {:.2} ms, p99 {:.2} ms   target < 10 ms: {}",
        year.len(),
        percentile(&runs, 0.5),
        p99,
        if p99 < 10.0 { "met" } else { "MISSED" }
    );
}
