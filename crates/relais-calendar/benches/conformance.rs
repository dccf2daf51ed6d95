//! Conformance check of one year of 5,000 entries (target: well under 10 ms).
//!
//! `cargo bench -p relais-calendar --bench conformance` prints the median and
//! p99 of 200 runs. A plain binary (harness = false): no benchmark framework to
//! download, and the figure is what the calendar page pays per recomputation.

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use relais_calendar::conformance::{check, KeyDate};
use relais_calendar::holidays::{key_dates, Zone};
use relais_core::charter::{Axis, Charter, NetworkPlan, Objective, Paid, PostingWindow};
use relais_core::entry::{Account, Entry, EntryContent, Status};
use relais_core::ids::{AccountId, EntryId, WorkspaceId};
use relais_core::{Locale, Network};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let networks = [
        Network::Instagram,
        Network::Linkedin,
        Network::Bluesky,
        Network::Mastodon,
        Network::FacebookPage,
    ];
    let axes = ["Coulisses", "Produits", "Conseils", "Recettes", "Équipe"];
    let hm = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
    let charter = Charter {
        objectives: vec![Objective {
            label: "Notoriété".into(),
            target: "+20 %".into(),
        }],
        axes: axes
            .iter()
            .map(|a| Axis {
                name: (*a).into(),
                theme: "t".into(),
                objective: "Notoriété".into(),
                rationale: "r".into(),
            })
            .collect(),
        networks: networks
            .iter()
            .map(|&network| NetworkPlan {
                network,
                content_types: vec!["coulisses".into(), "tutoriel".into()],
                tone: String::new(),
                min_per_week: 10,
                max_per_week: 25,
                windows: vec![
                    PostingWindow {
                        days: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu],
                        start: hm(8, 0),
                        end: hm(10, 0),
                        reason: "r".into(),
                    },
                    PostingWindow {
                        days: vec![],
                        start: hm(12, 0),
                        end: hm(14, 0),
                        reason: "r".into(),
                    },
                ],
                brand_hashtags: vec![],
                campaign_hashtags: vec![],
                paid: Paid::Organic,
            })
            .collect(),
        ..Charter::default()
    };
    let accounts: Vec<Account> = networks
        .iter()
        .enumerate()
        .map(|(i, &network)| Account {
            id: AccountId(i as i64 + 1),
            workspace_id: WorkspaceId(1),
            network,
            handle: format!("@brand{i}"),
            label: format!("Brand {i}"),
        })
        .collect();
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 7, 0, 0).unwrap();
    let entries: Vec<Entry> = (0..5_000_i64)
        .map(|i| {
            // ~13.7 posts a day spread over the year, at varied minutes.
            let at = start + Duration::minutes(i * 105 + (i * 37) % 60);
            Entry {
                id: EntryId(i + 1),
                workspace_id: WorkspaceId(1),
                status: if i % 10 == 0 {
                    Status::Idea
                } else {
                    Status::Draft
                },
                version: 1,
                content: EntryContent {
                    title: format!("Publication {i}"),
                    axis: Some(axes[(i % 7) as usize % axes.len()].into()),
                    accounts: vec![AccountId(i % 5 + 1)],
                    starts_at: Some(at),
                    timezone: "Europe/Paris".into(),
                    content_type: if i % 13 == 0 { "promo" } else { "coulisses" }.into(),
                    ..EntryContent::default()
                },
                created_by: None,
                created_at: start,
                updated_at: start,
            }
        })
        .collect();
    let from = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let mut keys: Vec<KeyDate> = key_dates(from, to, Zone::Metropole, Locale::Fr);
    keys.extend((0..40).map(|i| KeyDate {
        date: from + Duration::days(i * 9),
        label: format!("Journée {i}"),
        kind: relais_calendar::conformance::KeyDateKind::Observance,
    }));

    run(
        "many findings (most posts outside the windows)",
        &charter,
        &accounts,
        &entries,
        from,
        to,
        &keys,
    );
    // The same year against a charter it mostly follows: all-day windows,
    // generous bounds, short collision tolerance.
    let mut lenient = charter.clone();
    for plan in &mut lenient.networks {
        plan.max_per_week = 100;
        plan.min_per_week = 1;
        plan.windows[1].start = hm(0, 0);
        plan.windows[1].end = hm(23, 59);
    }
    lenient.rules.collision_minutes = 10;
    run(
        "few findings (a conforming plan)",
        &lenient,
        &accounts,
        &entries,
        from,
        to,
        &keys,
    );
}

fn run(
    label: &str,
    charter: &Charter,
    accounts: &[Account],
    entries: &[Entry],
    from: NaiveDate,
    to: NaiveDate,
    keys: &[KeyDate],
) {
    let first = check(charter, accounts, entries, from, to, keys);
    for _ in 0..20 {
        black_box(check(charter, accounts, entries, from, to, keys));
    }
    let runs = 200;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        black_box(check(
            black_box(charter),
            accounts,
            black_box(entries),
            from,
            to,
            keys,
        ));
        times.push(t.elapsed());
    }
    times.sort();
    let median = times[runs / 2];
    let p99 = times[runs * 99 / 100];
    println!(
        "conformance, {label}: {} entries ({} counted), {} findings, score {}",
        entries.len(),
        first.counted,
        first.findings.len(),
        first.score
    );
    println!(
        "conformance, {label}: one year of 5,000 entries: median {:.3} ms, p99 {:.3} ms over {runs} runs (target < 10 ms)",
        median.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );
}
