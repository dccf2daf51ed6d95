//! The demo's veille (Théâtre Lumière) is what the worker would have made:
//! every item carries exactly the topics the one matcher finds for it, the
//! burst of this hour has its spike alert, and the other demo workspaces
//! start with an empty veille.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Duration;
use relais_core::veille::{AlertKind, Polarity};
use relais_store::demo::seed_demo;
use relais_store::{testing, ItemFilter};
use relais_veille::{
    detect_spike, parse, Document, HourCounts, Matcher, Scratch, SpikeConfig, Topic,
};
use std::collections::BTreeSet;

#[tokio::test]
async fn the_demo_veille_is_what_the_matcher_would_have_found() {
    for db in testing::all().await {
        let label = db.label;
        let store = &db.store;
        seed_demo(store, "$argon2id$demo").await.unwrap();
        let ws = store
            .workspace_by_slug("theatre-lumiere")
            .await
            .unwrap()
            .unwrap();
        let topics = store.list_topics(ws.id).await.unwrap();
        assert_eq!(topics.len(), 4, "[{label}] one topic per kind of veille");
        let kinds: BTreeSet<_> = topics.iter().map(|t| t.kind.as_str()).collect();
        assert_eq!(kinds.len(), 4, "[{label}]");
        let compiled: Vec<Topic> = topics
            .iter()
            .map(|t| Topic {
                name: t.name.clone(),
                query: parse(&t.query).unwrap(),
            })
            .collect();
        let matcher = Matcher::new(&compiled).unwrap();
        let items = store
            .list_items(
                ws.id,
                &ItemFilter {
                    limit: 500,
                    ..ItemFilter::default()
                },
            )
            .await
            .unwrap();
        assert!(items.len() >= 50, "[{label}] {} items", items.len());
        let (mut scratch, mut found) = (Scratch::new(), Vec::new());
        for v in &items {
            let doc = Document {
                title: &v.item.title,
                text: &v.item.text,
                lang: v.item.lang.as_deref().unwrap_or(""),
                ..Document::default()
            };
            matcher.matches(&doc, &mut scratch, &mut found);
            let want: BTreeSet<&str> = found.iter().map(|&t| matcher.name(t)).collect();
            let stored: BTreeSet<&str> = v.topics.iter().map(|(_, n)| n.as_str()).collect();
            assert_eq!(stored, want, "[{label}] {:?}", v.item.title);
        }
        assert!(items.iter().any(|v| v.item.polarity == Polarity::Negative));
        assert!(items.iter().any(|v| v.item.polarity == Polarity::Positive));
        assert!(
            items.iter().any(|v| v.cluster_size == 2),
            "[{label}] a story told twice"
        );
        let alerts = store.list_alerts(ws.id, 10).await.unwrap();
        assert_eq!(alerts.len(), 1, "[{label}]");
        assert_eq!(alerts[0].kind, AlertKind::Volume);
        assert_eq!(alerts[0].topic_name, "Billetterie et public");
        assert_eq!(alerts[0].observed, 12);
        // The figures are the detector's, on the stored hours, as the
        // worker reads them (the same hour of each of the previous days).
        let hour = alerts[0].hour;
        let config = SpikeConfig::default();
        let days = i64::from(config.window_days);
        let volumes = store
            .topic_volume(
                alerts[0].topic_id,
                hour - Duration::days(days),
                hour + Duration::hours(1),
            )
            .await
            .unwrap();
        let counts = |h| {
            volumes
                .iter()
                .find(|v| v.hour == h)
                .map_or(HourCounts::new(0, 0), |v| {
                    HourCounts::new(v.total as u32, v.negative as u32)
                })
        };
        let history: Vec<HourCounts> = (1..=24 * days)
            .rev()
            .map(|back| counts(hour - Duration::hours(back)))
            .collect();
        let report = detect_spike(&history, counts(hour), &config);
        assert!(report.volume, "[{label}] {}", report.reason);
        assert_eq!(alerts[0].baseline, report.baseline_mean, "[{label}]");
        assert_eq!(
            alerts[0].threshold,
            report
                .volume_threshold
                .unwrap_or(f64::from(config.min_count)),
            "[{label}]"
        );
        for slug in ["maison-dupain", "velo-cite"] {
            let other = store.workspace_by_slug(slug).await.unwrap().unwrap();
            assert!(
                store.list_topics(other.id).await.unwrap().is_empty(),
                "[{label}] {slug}"
            );
        }
        db.finish().await;
    }
}
