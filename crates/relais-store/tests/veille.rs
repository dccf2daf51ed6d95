//! Veille storage on SQLite and PostgreSQL: sources and their leases and
//! fetch records, topics with versions, items stored once with their topics
//! and hourly volumes, alerts recorded once, curation, digests, the curated
//! feed's token, and tenant isolation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, TimeZone, Utc};
use relais_core::model::{Actor, Workspace};
use relais_core::veille::{
    AlertKind, NewItem, NewSource, Polarity, SourceKind, SourceState, VeilleKind,
};
use relais_core::{ItemId, TopicId};
use relais_store::{
    hour_of, on_every_backend, FetchRecord, ItemAnalysis, ItemBatch, ItemFilter, SourceFetch,
    Store, StoreError,
};

async fn workspace(store: &Store, slug: &str) -> Workspace {
    store
        .create_workspace(&Actor::System("test"), slug, slug, None, false)
        .await
        .unwrap()
}

fn feed(url: &str) -> NewSource {
    NewSource {
        kind: SourceKind::Feed,
        url: url.into(),
        selector: String::new(),
        tag: String::new(),
        title: String::new(),
        category: "Presse".into(),
        interval_secs: 1800,
    }
}

/// A feed source added to `ws` by the system.
async fn add_feed(store: &Store, ws: &Workspace, url: &str) -> relais_core::veille::Source {
    store
        .add_source(&Actor::System("test"), ws.id, &feed(url))
        .await
        .unwrap()
}

/// A batch of items fetched at `at` from `source` (`None`: added by hand),
/// stored `pending` or with their analysis, without a fetch record.
fn batch<'a>(
    ws: relais_core::WorkspaceId,
    source: Option<(relais_core::SourceId, &'a str)>,
    items: &'a [NewItem],
    at: chrono::DateTime<Utc>,
    pending: bool,
) -> ItemBatch<'a> {
    ItemBatch {
        workspace_id: ws,
        source,
        items,
        at,
        pending,
        fetch: None,
    }
}

/// `b` with the fetch that read it: `owner`'s, recording `record`.
fn fetched<'a>(b: ItemBatch<'a>, owner: &'a str, record: &'a FetchRecord) -> ItemBatch<'a> {
    ItemBatch {
        fetch: Some(SourceFetch {
            owner,
            at: b.at,
            record,
        }),
        ..b
    }
}

fn item(key: &str, text: &str, topics: &[TopicId], polarity: Polarity) -> NewItem {
    NewItem {
        dedup_key: key.into(),
        url: Some(format!("https://news.test/{key}")),
        canonical_url: Some(format!("https://news.test/{key}")),
        title: format!("Title {key}"),
        text: text.into(),
        author: None,
        lang: Some("fr".into()),
        lang_hint: None,
        published_at: Utc.with_ymd_and_hms(2026, 11, 20, 10, 15, 0).unwrap(),
        date_issue: String::new(),
        polarity,
        sentiment: if polarity == Polarity::Negative {
            -0.6
        } else {
            0.1
        },
        cluster_id: 42,
        topics: topics.to_vec(),
    }
}

async fn sources_scenario(store: &Store) {
    let sys = Actor::System("test");
    let ws = workspace(store, "veille-a").await;
    let a = store
        .add_source(&sys, ws.id, &feed("https://a.test/rss"))
        .await
        .unwrap();
    assert_eq!(a.state, SourceState::Active);
    assert!(matches!(
        store
            .add_source(&sys, ws.id, &feed("https://a.test/rss"))
            .await,
        Err(StoreError::Conflict("source"))
    ));
    let report = store
        .import_sources(
            &sys,
            ws.id,
            &[feed("https://a.test/rss"), feed("https://b.test/atom")],
        )
        .await
        .unwrap();
    assert_eq!(report.added.len(), 1);
    assert_eq!(report.skipped, vec!["https://a.test/rss".to_string()]);
    assert_eq!(store.list_sources(ws.id).await.unwrap().len(), 2);

    // Leases: one worker at a time per source.
    let now = Utc::now();
    let taken = store
        .lease_due_sources("w1", now, Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(taken.len(), 2);
    assert!(store
        .lease_due_sources("w2", now, Duration::seconds(60), 10)
        .await
        .unwrap()
        .is_empty());
    // A full fetch, then a 304: bytes saved is the body not sent again.
    let rec = FetchRecord {
        wire_bytes: 4000,
        body_bytes: Some(12000),
        etag: Some("\"v1\"".into()),
        title: Some("Le Blog".into()),
        next_fetch_at: now + Duration::minutes(30),
        ..FetchRecord::default()
    };
    assert!(store
        .record_fetch("w2", a.id, now, &rec)
        .await
        .unwrap()
        .is_none());
    let after = store
        .record_fetch("w1", a.id, now, &rec)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.title, "Le Blog");
    assert_eq!(after.bytes_downloaded, 4000);
    assert_eq!(after.etag.as_deref(), Some("\"v1\""));
    let later = now + Duration::minutes(31);
    let again = store
        .lease_due_sources("w1", later, Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(again.iter().filter(|s| s.id == a.id).count(), 1);
    let nm = FetchRecord {
        wire_bytes: 0,
        not_modified: true,
        etag: Some("\"v1\"".into()),
        next_fetch_at: later + Duration::minutes(30),
        ..FetchRecord::default()
    };
    let s = store
        .record_fetch("w1", a.id, later, &nm)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((s.fetches, s.not_modified), (2, 1));
    assert_eq!(s.bytes_saved, 12000);
    assert_eq!(s.bytes_downloaded, 4000);
    // A failure counts, keeps the validators, and a disabled source is never leased.
    let later = later + Duration::minutes(31);
    store
        .lease_due_sources("w1", later, Duration::seconds(60), 10)
        .await
        .unwrap();
    let failed = FetchRecord {
        error: Some("the server answered 500".into()),
        next_fetch_at: later + Duration::minutes(5),
        disable: true,
        ..FetchRecord::default()
    };
    let s = store
        .record_fetch("w1", a.id, later, &failed)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.state, SourceState::Disabled);
    assert_eq!(s.failures, 1);
    assert_eq!(s.etag.as_deref(), Some("\"v1\""));
    assert_eq!(s.last_error, "the server answered 500");
    assert!(s.first_failure_at.is_some());
    let far = later + Duration::days(2);
    assert!(store
        .lease_due_sources("w3", far, Duration::seconds(60), 10)
        .await
        .unwrap()
        .iter()
        .all(|x| x.id != a.id));
    store
        .set_source_enabled(&sys, ws.id, a.id, true)
        .await
        .unwrap();
    let s = store.source(ws.id, a.id).await.unwrap().unwrap();
    assert_eq!((s.state, s.failures), (SourceState::Active, 0));

    // Another workspace sees none of it.
    let other = workspace(store, "veille-b").await;
    assert!(store.source(other.id, a.id).await.unwrap().is_none());
    assert!(matches!(
        store.delete_source(&sys, other.id, a.id).await,
        Err(StoreError::NotFound)
    ));
    store.delete_source(&sys, ws.id, a.id).await.unwrap();
    assert_eq!(store.list_sources(ws.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn sources_are_leased_once_and_record_their_fetches() {
    on_every_backend!(sources_scenario);
}

async fn items_scenario(store: &Store) {
    let sys = Actor::System("test");
    let ws = workspace(store, "veille-c").await;
    let other = workspace(store, "veille-d").await;
    let src = store
        .add_source(&sys, ws.id, &feed("https://c.test/rss"))
        .await
        .unwrap();
    let t = store
        .save_topic(
            &sys,
            ws.id,
            None,
            "Élections",
            VeilleKind::Regulation,
            "élection*",
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .save_topic(&sys, ws.id, None, "Élections", VeilleKind::Trade, "x")
            .await,
        Err(StoreError::Conflict("name"))
    ));
    let fp = store.topics_fingerprint(ws.id).await.unwrap();
    let t2 = store
        .save_topic(
            &sys,
            ws.id,
            Some((t.id, t.version)),
            "Élections",
            VeilleKind::Regulation,
            "élection* OR scrutin",
        )
        .await
        .unwrap();
    assert_eq!(t2.version, 2);
    assert_ne!(store.topics_fingerprint(ws.id).await.unwrap(), fp);
    assert!(matches!(
        store
            .save_topic(
                &sys,
                ws.id,
                Some((t.id, 1)),
                "Élections",
                VeilleKind::Trade,
                "x"
            )
            .await,
        Err(StoreError::Stale)
    ));

    let at = Utc::now();
    let ids = store
        .store_items(
            ws.id,
            Some((src.id, "C")),
            &[
                item("a", "élection", &[t.id], Polarity::Negative),
                item("b", "rien", &[], Polarity::Neutral),
                item("a", "doublon", &[t.id], Polarity::Negative),
            ],
            at,
        )
        .await
        .unwrap();
    assert!(ids[0].is_some() && ids[1].is_some());
    assert_eq!(ids[2], None, "the same dedup key is stored once");
    let again = store
        .store_items(
            ws.id,
            Some((src.id, "C")),
            &[item("b", "x", &[], Polarity::Neutral)],
            at,
        )
        .await
        .unwrap();
    assert_eq!(again, vec![None]);
    assert_eq!(
        store
            .known_dedup_keys(ws.id, &["a".into(), "z".into()])
            .await
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>(),
        vec!["a".to_string()]
    );
    // The same key in another workspace is another item; a topic of another
    // workspace cannot be attached.
    let foreign = store
        .store_items(
            other.id,
            None,
            &[item("a", "élection", &[t.id], Polarity::Neutral)],
            at,
        )
        .await
        .unwrap();
    assert!(foreign[0].is_some());
    let fv = store
        .item(other.id, foreign[0].unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(fv.topics.is_empty());
    assert!(store
        .item(other.id, ids[0].unwrap())
        .await
        .unwrap()
        .is_none());

    let s = store.source(ws.id, src.id).await.unwrap().unwrap();
    assert_eq!(s.items_total, 2);
    let by_topic = store
        .list_items(
            ws.id,
            &ItemFilter {
                topic: Some(t.id),
                limit: 50,
                ..ItemFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(by_topic.len(), 1);
    assert_eq!(by_topic[0].topics, vec![(t.id, "Élections".to_string())]);
    assert_eq!(by_topic[0].cluster_size, 2, "both items share cluster 42");
    let negative = store
        .list_items(
            ws.id,
            &ItemFilter {
                polarity: Some(Polarity::Negative),
                limit: 50,
                ..ItemFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(negative.len(), 1);

    // Volumes by hour.
    let hour = hour_of(Utc.with_ymd_and_hms(2026, 11, 20, 10, 15, 0).unwrap());
    let vol = store
        .topic_volume(t.id, hour - Duration::days(1), hour + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(vol.len(), 1);
    assert_eq!((vol[0].hour, vol[0].total, vol[0].negative), (hour, 1, 1));

    // Alerts once per topic, hour and kind.
    let a1 = store
        .record_alert(ws.id, t.id, AlertKind::Volume, hour, 30, 2.0, 8.0, None)
        .await
        .unwrap();
    assert!(a1.is_some());
    let a2 = store
        .record_alert(ws.id, t.id, AlertKind::Volume, hour, 31, 2.0, 8.0, None)
        .await
        .unwrap();
    assert!(a2.is_none());
    let alerts = store.list_alerts(ws.id, 10).await.unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].topic_name, "Élections");
    assert!(store.list_alerts(other.id, 10).await.unwrap().is_empty());
    assert!(store.alert(other.id, a1.unwrap()).await.unwrap().is_none());

    // Curation.
    let id = ids[0].unwrap();
    store
        .curate_item(
            &sys,
            ws.id,
            id,
            true,
            &["loi".into(), "urgent".into()],
            "Nous devons répondre",
        )
        .await
        .unwrap();
    assert!(matches!(
        store.curate_item(&sys, other.id, id, true, &[], "").await,
        Err(StoreError::NotFound)
    ));
    let starred = store
        .list_items(
            ws.id,
            &ItemFilter {
                starred: true,
                limit: 50,
                ..ItemFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(starred.len(), 1);
    assert_eq!(
        starred[0].tags,
        vec!["loi".to_string(), "urgent".to_string()]
    );
    assert_eq!(starred[0].item.note, "Nous devons répondre");
    assert_eq!(
        store.item_tags(ws.id).await.unwrap(),
        vec![("loi".to_string(), 1), ("urgent".to_string(), 1)]
    );

    // Digests keep their order and refuse another workspace's items.
    let d = store
        .create_digest(
            &sys,
            ws.id,
            "Semaine 47",
            "Ce qui compte",
            &[ids[1].unwrap(), id],
        )
        .await
        .unwrap();
    let digest = store.digest(ws.id, d).await.unwrap().unwrap();
    assert_eq!(digest.items, vec![ids[1].unwrap(), id]);
    assert!(matches!(
        store
            .create_digest(&sys, ws.id, "Mauvais", "", &[foreign[0].unwrap()])
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.list_digests(ws.id).await.unwrap().len(), 1);
    store
        .mark_digest_sent(&sys, ws.id, d, "client@brand.test")
        .await
        .unwrap();
    assert!(store
        .digest(ws.id, d)
        .await
        .unwrap()
        .unwrap()
        .sent_at
        .is_some());
    assert!(store.digest(other.id, d).await.unwrap().is_none());

    // The index reads every item with its topics.
    let all = store.items_for_index(ItemId(0), 100).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].topics, vec![t.id]);

    // The feed token opens one workspace, until revoked.
    let token = store.create_veille_feed_token(&sys, ws.id).await.unwrap();
    assert_eq!(
        store
            .workspace_by_veille_feed_token(&token)
            .await
            .unwrap()
            .map(|w| w.id),
        Some(ws.id)
    );
    store.revoke_veille_feed_token(&sys, ws.id).await.unwrap();
    assert!(store
        .workspace_by_veille_feed_token(&token)
        .await
        .unwrap()
        .is_none());

    // Deleting the topic keeps the items.
    store.delete_topic(&sys, ws.id, t.id).await.unwrap();
    let it = store.item(ws.id, id).await.unwrap().unwrap();
    assert!(it.topics.is_empty());
}

#[tokio::test]
async fn items_are_stored_once_with_topics_volumes_alerts_and_curation() {
    on_every_backend!(items_scenario);
}

/// A group commit ([`Store::store_item_batches`]): several sources' items in
/// one transaction give what storing them one source after the other would.
async fn item_batches_scenario(store: &Store) {
    let sys = Actor::System("test");
    let ws = workspace(store, "veille-g").await;
    let other = workspace(store, "veille-h").await;
    let a = add_feed(store, &ws, "https://a.test/rss").await;
    let b = add_feed(store, &ws, "https://b.test/rss").await;
    let c = add_feed(store, &other, "https://c.test/rss").await;
    let t = store
        .save_topic(&sys, ws.id, None, "Grève", VeilleKind::Trade, "grève")
        .await
        .unwrap();
    let before = store
        .store_items(
            ws.id,
            Some((a.id, "A")),
            &[item("old", "grève", &[], Polarity::Neutral)],
            Utc::now(),
        )
        .await
        .unwrap();
    assert!(before[0].is_some());

    let from_a = [
        item("shared", "grève", &[t.id], Polarity::Negative),
        item("a1", "grève", &[t.id], Polarity::Neutral),
        item("old", "déjà là", &[t.id], Polarity::Neutral),
    ];
    let from_b = [
        item("b1", "grève", &[t.id], Polarity::Negative),
        item("shared", "grève aussi", &[t.id], Polarity::Negative),
    ];
    // The other workspace: the same key is its own item, and this
    // workspace's topic is not attached to it.
    let from_c = [item("shared", "grève", &[t.id], Polarity::Negative)];
    let at = Utc::now();
    let ids = store
        .store_item_batches(&[
            batch(ws.id, Some((a.id, "A")), &from_a, at, false),
            batch(ws.id, Some((b.id, "B")), &from_b, at, false),
            batch(other.id, Some((c.id, "C")), &from_c, at, false),
            batch(ws.id, None, &[], at, false),
        ])
        .await
        .unwrap();
    assert_eq!(ids.len(), 4, "one answer per batch");
    assert!(ids[0][0].is_some() && ids[0][1].is_some(), "{ids:?}");
    assert_eq!(ids[0][2], None, "a key already stored is skipped");
    assert!(ids[1][0].is_some());
    assert_eq!(ids[1][1], None, "the first batch given keeps a shared key");
    assert!(ids[2][0].is_some(), "another workspace's key is its own");
    assert!(ids[3].is_empty());
    let all: Vec<ItemId> = ids.iter().flatten().flatten().copied().collect();
    let mut distinct = all.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), all.len(), "ids are distinct: {all:?}");

    let shared = store
        .item(ws.id, ids[0][0].unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        shared.item.text, "grève",
        "the shared item is the first batch's"
    );
    assert_eq!(shared.item.source_id, Some(a.id));
    assert!(store
        .item(other.id, ids[2][0].unwrap())
        .await
        .unwrap()
        .unwrap()
        .topics
        .is_empty());
    for (source, ws, total) in [(a.id, ws.id, 3), (b.id, ws.id, 1), (c.id, other.id, 1)] {
        let s = store.source(ws, source).await.unwrap().unwrap();
        assert_eq!(s.items_total, total, "items of source {source:?}");
    }
    // The topic's hour counts the three items that matched it, two of them
    // negative, across both batches.
    let hour = hour_of(item("x", "", &[], Polarity::Neutral).published_at);
    let volumes = store
        .topics_volume(&[t.id], hour, hour + Duration::hours(1))
        .await
        .unwrap();
    let v = &volumes[&t.id];
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!((v[0].total, v[0].negative), (3, 2));
}

#[tokio::test]
async fn item_batches_store_as_their_sources_one_by_one() {
    on_every_backend!(item_batches_scenario);
}

/// A group larger than one statement: each backend splits its rows into
/// statements (SQLite 32 rows, PostgreSQL 1,024), and a key given twice, its
/// two copies on either side of both split points, is stored once. Rows go
/// in in key order (ids rise with the keys: the lock order), and every
/// column, empty or not, reads back as given.
async fn large_group_scenario(store: &Store) {
    let ws = workspace(store, "veille-large").await;
    let a = add_feed(store, &ws, "https://a.test/rss").await;
    let b = add_feed(store, &ws, "https://b.test/rss").await;
    let published = Utc.with_ymd_and_hms(2026, 11, 20, 10, 15, 0).unwrap();
    let make = |k: usize| {
        let mut it = item(
            &format!("k{k:04}"),
            &format!("texte {k}"),
            &[],
            Polarity::Neutral,
        );
        if k.is_multiple_of(2) {
            // Every optional column empty on half the rows.
            it.url = None;
            it.canonical_url = None;
            it.lang = None;
            it.lang_hint = Some("fr".into());
        } else {
            it.author = Some(format!("Auteur {k}"));
        }
        it.published_at = published + Duration::microseconds(k as i64);
        it.sentiment = k as f64 / 10_000.0;
        it.cluster_id = k as i64;
        it
    };
    // Source A: even keys (pending); source B: odd keys, and again key 1023,
    // which sorts at position 1024, just after its first copy at 1023 (the
    // last row of a statement on both backends).
    let from_a: Vec<NewItem> = (0..2500usize)
        .filter(|k: &usize| k.is_multiple_of(2))
        .map(make)
        .collect();
    let mut from_b: Vec<NewItem> = (0..2500usize)
        .filter(|k: &usize| !k.is_multiple_of(2))
        .map(make)
        .collect();
    let mut again = make(1023);
    again.text = "second copy".into();
    from_b.push(again);
    let at = Utc::now();
    let ids = store
        .store_item_batches(&[
            batch(ws.id, Some((a.id, "A")), &from_a, at, true),
            batch(ws.id, Some((b.id, "B")), &from_b, at, false),
        ])
        .await
        .unwrap();
    assert_eq!(ids[0].len(), 1250);
    assert_eq!(ids[1].len(), 1251);
    assert!(ids[0].iter().all(Option::is_some));
    assert!(ids[1][..1250].iter().all(Option::is_some));
    assert_eq!(ids[1][1250], None, "the second copy of k1023 is not stored");
    // By key: k0000 (A), k0001 (B), … ; ids rise with the keys.
    let by_key: Vec<ItemId> = (0..2500usize)
        .map(|k| {
            if k.is_multiple_of(2) {
                ids[0][k / 2]
            } else {
                ids[1][k / 2]
            }
            .unwrap()
        })
        .collect();
    assert!(
        by_key.windows(2).all(|w| w[0] < w[1]),
        "ids follow the key order"
    );
    for k in [0, 1, 1022, 1023, 1024, 2047, 2048, 2499] {
        let view = store.item(ws.id, by_key[k]).await.unwrap().unwrap();
        let (it, want) = (&view.item, make(k));
        assert_eq!(it.dedup_key, want.dedup_key);
        assert_eq!(it.text, want.text, "k{k}: the first copy is the one stored");
        assert_eq!(
            (&it.url, &it.canonical_url),
            (&want.url, &want.canonical_url)
        );
        assert_eq!(
            (&it.title, &it.author, &it.lang),
            (&want.title, &want.author, &want.lang)
        );
        assert_eq!(it.published_at, want.published_at);
        assert_eq!(it.fetched_at, relais_store::DbTime::from(at).0);
        assert_eq!(
            (it.sentiment, it.cluster_id),
            (want.sentiment, want.cluster_id)
        );
        let (source, label, analysed) = if k.is_multiple_of(2) {
            (a.id, "A", false)
        } else {
            (b.id, "B", true)
        };
        assert_eq!(
            (it.source_id, it.source_title.as_str()),
            (Some(source), label)
        );
        assert_eq!(it.analysed, analysed, "k{k}");
    }
    let pending = store.pending_items(5000).await.unwrap();
    assert_eq!(pending.len(), 1250);
    assert_eq!(
        pending[0].lang_hint.as_deref(),
        Some("fr"),
        "the feed's language is kept"
    );
    for (source, total) in [(a.id, 1250), (b.id, 1250)] {
        let s = store.source(ws.id, source).await.unwrap().unwrap();
        assert_eq!(s.items_total, total);
    }
}

#[tokio::test]
async fn a_group_larger_than_one_statement_is_stored_whole_and_in_key_order() {
    on_every_backend!(large_group_scenario);
}

/// A source's fetch recorded with its items ([`ItemBatch::fetch`]): written
/// in their transaction, lease checked, and undone with them.
async fn fetch_with_items_scenario(store: &Store) {
    let sys = Actor::System("test");
    let ws = workspace(store, "veille-f").await;
    let mut sources = Vec::new();
    for url in [
        "https://f1.test/rss",
        "https://f2.test/rss",
        "https://f3.test/rss",
    ] {
        sources.push(store.add_source(&sys, ws.id, &feed(url)).await.unwrap());
    }
    let leased = store
        .lease_due_sources(
            "w1",
            Utc::now() + Duration::seconds(1),
            Duration::seconds(60),
            10,
        )
        .await
        .unwrap();
    assert_eq!(leased.len(), 3);
    let (a, b, c) = (&sources[0], &sources[1], &sources[2]);
    let at = Utc::now();
    let next = at + Duration::minutes(30);
    let record = |etag: &str| FetchRecord {
        wire_bytes: 100,
        body_bytes: Some(400),
        etag: Some(etag.into()),
        title: Some(format!("Feed {etag}")),
        next_fetch_at: next,
        ..FetchRecord::default()
    };
    let (rec_a, rec_b, rec_c) = (record("ea"), record("eb"), record("ec"));
    let items_a = [item("fa", "un", &[], Polarity::Neutral)];
    let items_b = [item("fb", "deux", &[], Polarity::Neutral)];
    store
        .store_item_batches(&[
            fetched(
                batch(ws.id, Some((a.id, "A")), &items_a, at, true),
                "w1",
                &rec_a,
            ),
            // Another worker's record: its lease is not that worker's.
            fetched(
                batch(ws.id, Some((b.id, "B")), &items_b, at, true),
                "w2",
                &rec_b,
            ),
        ])
        .await
        .unwrap();
    let a_now = store.source(ws.id, a.id).await.unwrap().unwrap();
    assert_eq!(a_now.etag.as_deref(), Some("ea"));
    assert_eq!(
        (a_now.fetches, a_now.items_total, a_now.bytes_downloaded),
        (1, 1, 100)
    );
    assert_eq!(a_now.title, "Feed ea");
    assert_eq!(a_now.next_fetch_at.timestamp(), next.timestamp());
    let b_now = store.source(ws.id, b.id).await.unwrap().unwrap();
    assert_eq!(
        (b_now.fetches, b_now.items_total),
        (0, 1),
        "items stored, record not"
    );
    assert_eq!(b_now.etag, None);

    // A group that fails (an item of a workspace that does not exist)
    // leaves neither the items nor the fetch of the others.
    let items_c = [item("fc", "trois", &[], Polarity::Neutral)];
    let ghost = [item("fg", "fantôme", &[], Polarity::Neutral)];
    let failed = store
        .store_item_batches(&[
            fetched(
                batch(ws.id, Some((c.id, "C")), &items_c, at, true),
                "w1",
                &rec_c,
            ),
            batch(relais_core::WorkspaceId(i64::MAX), None, &ghost, at, true),
        ])
        .await;
    assert!(failed.is_err());
    let c_now = store.source(ws.id, c.id).await.unwrap().unwrap();
    assert_eq!(
        (c_now.fetches, c_now.items_total, c_now.etag.clone()),
        (0, 0, None)
    );
    assert!(store
        .known_dedup_keys(ws.id, &["fc".to_string()])
        .await
        .unwrap()
        .is_empty());
    // The lease is still w1's: the fetch can be recorded after all.
    assert!(store
        .record_fetch("w1", c.id, at, &rec_c)
        .await
        .unwrap()
        .is_some());
    // a's lease was given back with its record: a is leased again when due.
    let again = store
        .lease_due_sources("w3", next + Duration::seconds(1), Duration::seconds(60), 10)
        .await
        .unwrap();
    assert!(again.iter().any(|s| s.id == a.id), "{again:?}");
}

#[tokio::test]
async fn a_fetch_is_recorded_with_its_items_or_not_at_all() {
    on_every_backend!(fetch_with_items_scenario);
}

/// A fetch recorded with its items in a group ([`ItemBatch::fetch`]; one
/// statement for all the group's sources on PostgreSQL) leaves its source
/// as recording it alone ([`Store::record_fetch`]) does, field for field,
/// through a fetch, a `304`, a failure and a disabling; two sources in each
/// group with different values.
async fn fetch_record_paths_scenario(store: &Store) {
    let ws = workspace(store, "veille-paths").await;
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(
            add_feed(store, &ws, &format!("https://p{n}.test/rss"))
                .await
                .id,
        );
    }
    // Sources 0 and 1 alone, 2 and 3 in a group; 0 and 2 get the `x`
    // records, 1 and 3 the `y` ones.
    let start = relais_store::time::now();
    let records = |p: &str, step: i64| {
        let next = start + Duration::hours(step + 1);
        match step {
            0 => FetchRecord {
                wire_bytes: 100,
                body_bytes: Some(if p == "x" { 400 } else { 500 }),
                etag: Some(format!("{p}-e1")),
                last_modified: Some(format!("{p}-lm1")),
                cursor: Some(format!("{p}-c1")),
                title: Some(format!("Titre {p}")),
                site_url: Some(format!("https://{p}.test/")),
                page_text: Some(format!("page {p}")),
                next_fetch_at: next,
                ..FetchRecord::default()
            },
            1 => FetchRecord {
                wire_bytes: 40,
                not_modified: true,
                etag: Some(format!("{p}-e1")),
                last_modified: Some(format!("{p}-lm1")),
                title: Some("ignored: a title is kept".into()),
                next_fetch_at: next,
                ..FetchRecord::default()
            },
            2 => FetchRecord {
                wire_bytes: 0,
                error: Some(format!("timeout {p}")),
                next_fetch_at: next,
                ..FetchRecord::default()
            },
            _ => FetchRecord {
                error: Some(format!("gone {p}")),
                disable: true,
                next_fetch_at: next,
                ..FetchRecord::default()
            },
        }
    };
    let fields = |s: &relais_core::veille::Source| {
        format!(
            "{:?}",
            (
                (
                    &s.title,
                    &s.site_url,
                    s.state,
                    &s.etag,
                    &s.last_modified,
                    &s.cursor
                ),
                (
                    s.next_fetch_at,
                    s.last_fetch_at,
                    s.last_success_at,
                    s.first_failure_at
                ),
                (s.failures, &s.last_error, s.fetches, s.not_modified),
                (
                    s.bytes_downloaded,
                    s.bytes_saved,
                    s.last_body_bytes,
                    s.items_total
                ),
                &s.page_text,
            )
        )
    };
    for step in 0..4 {
        let at = start + Duration::hours(step) + Duration::minutes(1);
        let leased = store
            .lease_due_sources("w", at, Duration::seconds(60), 10)
            .await
            .unwrap();
        assert_eq!(leased.len(), 4, "step {step}");
        let (rx, ry) = (records("x", step), records("y", step));
        let key = |n: usize| format!("s{n}-{step}");
        // Alone: the items, then the fetch.
        for (n, rec) in [(0, &rx), (1, &ry)] {
            store
                .store_items(
                    ws.id,
                    Some((ids[n], "P")),
                    &[item(&key(n), "", &[], Polarity::Neutral)],
                    at,
                )
                .await
                .unwrap();
            assert!(store
                .record_fetch("w", ids[n], at, rec)
                .await
                .unwrap()
                .is_some());
        }
        // In a group: both with their items.
        let (i2, i3) = (
            [item(&key(2), "", &[], Polarity::Neutral)],
            [item(&key(3), "", &[], Polarity::Neutral)],
        );
        let batches: Vec<ItemBatch<'_>> = [(2, &i2, &rx), (3, &i3, &ry)]
            .into_iter()
            .map(|(n, items, rec)| {
                fetched(
                    batch(ws.id, Some((ids[n], "P")), items.as_slice(), at, true),
                    "w",
                    rec,
                )
            })
            .collect();
        store.store_item_batches(&batches).await.unwrap();
        let now: Vec<_> = {
            let mut v = Vec::new();
            for id in &ids {
                v.push(store.source(ws.id, *id).await.unwrap().unwrap());
            }
            v
        };
        assert_eq!(fields(&now[2]), fields(&now[0]), "step {step}, x");
        assert_eq!(fields(&now[3]), fields(&now[1]), "step {step}, y");
        assert_ne!(fields(&now[0]), fields(&now[1]), "step {step}");
        let x = &now[2];
        match step {
            0 => assert_eq!(
                (
                    x.etag.as_deref(),
                    x.cursor.as_deref(),
                    x.last_body_bytes,
                    x.items_total
                ),
                (Some("x-e1"), Some("x-c1"), 400, 1)
            ),
            1 => assert_eq!(
                (
                    x.not_modified,
                    x.bytes_saved,
                    x.bytes_downloaded,
                    x.title.as_str()
                ),
                (1, 400, 140, "Titre x")
            ),
            2 => assert_eq!(
                (
                    x.state,
                    x.failures,
                    x.last_error.as_str(),
                    x.etag.as_deref()
                ),
                (SourceState::Failing, 1, "timeout x", Some("x-e1"))
            ),
            _ => assert_eq!((x.state, x.failures), (SourceState::Disabled, 2)),
        }
    }
}

#[tokio::test]
async fn a_fetch_recorded_in_a_group_is_recorded_as_alone() {
    on_every_backend!(fetch_record_paths_scenario);
}

/// Store first, analyse later: items stored pending wait in the analysis
/// queue without topics; recording their analysis gives them language,
/// sentiment, story, topics and volumes once, and takes them off the queue.
async fn pending_scenario(store: &Store) {
    let sys = Actor::System("test");
    let ws = workspace(store, "veille-p").await;
    let src = store
        .add_source(&sys, ws.id, &feed("https://p.test/rss"))
        .await
        .unwrap();
    let t = store
        .save_topic(&sys, ws.id, None, "Grève", VeilleKind::Trade, "grève")
        .await
        .unwrap();
    let mut raw = item("p1", "grève", &[], Polarity::Neutral);
    raw.lang = None;
    raw.lang_hint = Some("fr".into());
    let items = [raw, item("p2", "rien", &[], Polarity::Neutral)];
    let at = Utc::now();
    let ids = store
        .store_item_batches(&[batch(ws.id, Some((src.id, "Le Fil")), &items, at, true)])
        .await
        .unwrap()
        .pop()
        .unwrap();
    let (p1, p2) = (ids[0].unwrap(), ids[1].unwrap());
    let pending = store.pending_items(10).await.unwrap();
    assert_eq!(
        pending.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![p1, p2],
        "oldest first"
    );
    assert_eq!(pending[0].lang, None);
    assert_eq!(pending[0].lang_hint.as_deref(), Some("fr"));
    assert_eq!(pending[0].source_title, "Le Fil");
    assert_eq!(pending[0].source_url.as_deref(), Some("https://p.test/rss"));
    assert_eq!(pending[0].text, "grève");
    assert_eq!(store.pending_items(1).await.unwrap().len(), 1, "limit");
    assert_eq!(
        store
            .source(ws.id, src.id)
            .await
            .unwrap()
            .unwrap()
            .items_total,
        2
    );
    // Listed at once, marked pending, without topics yet; not counted as
    // neutral; not seeded into story clusters.
    let listed = store.item(ws.id, p1).await.unwrap().unwrap();
    assert!(listed.topics.is_empty());
    assert!(!listed.item.analysed);
    // No story yet: the placeholder story both pending items share is none.
    assert_eq!(listed.cluster_size, 1);
    let story = ItemFilter {
        cluster: Some(listed.item.cluster_id),
        limit: 50,
        ..ItemFilter::default()
    };
    assert!(store.list_items(ws.id, &story).await.unwrap().is_empty());
    let neutral = ItemFilter {
        polarity: Some(Polarity::Neutral),
        limit: 50,
        ..ItemFilter::default()
    };
    assert!(store.list_items(ws.id, &neutral).await.unwrap().is_empty());
    assert!(store
        .recent_item_texts(at - Duration::hours(1), 10)
        .await
        .unwrap()
        .is_empty());
    // Not read for a rebuilt index: the analysis stage indexes them.
    let for_index = |store: &Store| {
        let store = store.clone();
        async move {
            store
                .items_for_index(ItemId(0), 100)
                .await
                .unwrap()
                .iter()
                .map(|i| i.item.id)
                .filter(|id| [p1, p2].contains(id))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(for_index(store).await, vec![]);

    let analysis = ItemAnalysis {
        id: p1,
        workspace_id: ws.id,
        lang: Some("fr".into()),
        polarity: Polarity::Negative,
        sentiment: -0.7,
        cluster_id: 7,
        topics: vec![t.id],
        published_at: items[0].published_at,
    };
    let recorded = store
        .record_analyses(std::slice::from_ref(&analysis))
        .await
        .unwrap();
    assert_eq!(recorded, vec![true]);
    let v = store.item(ws.id, p1).await.unwrap().unwrap();
    assert_eq!(v.item.lang.as_deref(), Some("fr"));
    assert_eq!(v.item.polarity, Polarity::Negative);
    assert_eq!(v.item.cluster_id, 7);
    assert!(v.item.analysed);
    assert_eq!(v.topics, vec![(t.id, "Grève".to_string())]);
    assert_eq!(for_index(store).await, vec![p1]);
    assert_eq!(
        store
            .pending_items(10)
            .await
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect::<Vec<_>>(),
        vec![p2]
    );
    // Recorded once: a second analysis of the same item (another worker's)
    // changes nothing and counts nothing twice.
    let again = ItemAnalysis {
        polarity: Polarity::Positive,
        ..analysis
    };
    assert_eq!(store.record_analyses(&[again]).await.unwrap(), vec![false]);
    assert_eq!(
        store.item(ws.id, p1).await.unwrap().unwrap().item.polarity,
        Polarity::Negative
    );
    let hour = hour_of(items[0].published_at);
    let volumes = store
        .topics_volume(&[t.id], hour, hour + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(
        (volumes[&t.id][0].total, volumes[&t.id][0].negative),
        (1, 1)
    );
    assert_eq!(
        store
            .recent_item_texts(at - Duration::hours(1), 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn pending_items_wait_for_their_analysis_recorded_once() {
    on_every_backend!(pending_scenario);
}

/// SQLite's checkpoints run beside the writers (its automatic checkpoint,
/// run by a committing writer, only past 40 MB): the write-ahead log is
/// copied back and reused, not left to grow with everything written.
#[tokio::test]
async fn sqlite_log_is_checkpointed_beside_the_writers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wal.sqlite3");
    let store = Store::connect(
        &format!("sqlite://{}", path.display()),
        &relais_store::ConnectOptions::default(),
    )
    .await
    .unwrap();
    store.migrate().await.unwrap();
    let ws = workspace(&store, "veille-wal").await;
    let body = "texte ".repeat(40_000);
    for round in 0..12 {
        // About 1 MB a round, 12 MB in all.
        let items: Vec<NewItem> = (0..4)
            .map(|i| item(&format!("wal-{round}-{i}"), &body, &[], Polarity::Neutral))
            .collect();
        store
            .store_items(ws.id, None, &items, Utc::now())
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    let wal = std::fs::metadata(dir.path().join("wal.sqlite3-wal"))
        .unwrap()
        .len();
    assert!(
        wal < 4 * 1024 * 1024,
        "the log holds {wal} bytes: it was not checkpointed and reused"
    );
    store.close().await;
}

/// Under a steady stream of writes (no pause for a checkpoint to catch up
/// beside them), the checkpoints still catch up, inside the write turn, so
/// the log is reused from its start instead of growing until SQLite's
/// backstop (40 MB) makes every commit checkpoint inside the writer's turn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_log_is_reused_under_a_steady_stream_of_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("steady.sqlite3");
    // Checkpoints every 20 ms, so that the writes below span many of them.
    let store = Store::connect(
        &format!("sqlite://{}", path.display()),
        &relais_store::ConnectOptions {
            sqlite_checkpoint_every: std::time::Duration::from_millis(20),
            ..relais_store::ConnectOptions::default()
        },
    )
    .await
    .unwrap();
    store.migrate().await.unwrap();
    let ws = workspace(&store, "veille-steady").await;
    let body = "texte ".repeat(10_000);
    let start = std::time::Instant::now();
    let mut written = 0;
    let mut round = 0;
    // 32 MB in all, below the backstop, one write right after the other.
    while written < 32 * 1024 * 1024 {
        let items: Vec<NewItem> = (0..4)
            .map(|i| {
                item(
                    &format!("steady-{round}-{i}"),
                    &body,
                    &[],
                    Polarity::Neutral,
                )
            })
            .collect();
        store
            .store_items(ws.id, None, &items, Utc::now())
            .await
            .unwrap();
        written += 4 * body.len();
        round += 1;
    }
    let wal = std::fs::metadata(dir.path().join("steady.sqlite3-wal"))
        .unwrap()
        .len();
    println!(
        "{written} bytes in {round} writes, {:.2} s; log file {wal} bytes",
        start.elapsed().as_secs_f64()
    );
    assert!(
        wal < 20 * 1024 * 1024,
        "the log file holds {wal} bytes of {written} written: it was never reused"
    );
    store.close().await;
}

/// The page size of the SQLite file at `url`, read on a connection of its
/// own.
async fn page_size(url: &str) -> i64 {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
    let (size,): (i64,) = sqlx::query_as("PRAGMA page_size")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    size
}

/// A new SQLite database takes pages of `SQLITE_PAGE_SIZE` (8 KiB); one
/// made before with SQLite's 4 KiB keeps them, and what it holds, when the
/// store opens and migrates it.
#[tokio::test]
async fn a_new_sqlite_database_has_8_kib_pages_and_an_older_one_keeps_its_own() {
    let fresh = relais_store::testing::sqlite().await;
    assert_eq!(relais_store::SQLITE_PAGE_SIZE, 8192);
    assert_eq!(page_size(&fresh.url).await, 8192);
    fresh.finish().await;

    // An older database: made with 4 KiB pages, and a row in it.
    let dir = tempfile::tempdir().unwrap();
    let older = dir.path().join("older.sqlite3");
    let url = format!("sqlite://{}", older.display());
    {
        use sqlx::ConnectOptions;
        use std::str::FromStr;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true)
            .page_size(4096)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .connect()
            .await
            .unwrap();
        sqlx::query("CREATE TABLE before (note TEXT NOT NULL)")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("INSERT INTO before (note) VALUES ('kept')")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::Connection::close(conn).await.unwrap();
    }
    assert_eq!(page_size(&url).await, 4096);
    let store = Store::connect(&url, &relais_store::ConnectOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let ws = workspace(&store, "veille-older").await;
    let items = vec![item("older-1", "texte", &[], Polarity::Neutral)];
    let ids = store
        .store_items(ws.id, None, &items, Utc::now())
        .await
        .unwrap();
    assert!(ids[0].is_some());
    store.close().await;
    assert_eq!(page_size(&url).await, 4096);
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let (note,): (String,) = sqlx::query_as("SELECT note FROM before")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(note, "kept");
    conn.close().await.unwrap();
}

/// On PostgreSQL an item's body past 2 KB is compressed with lz4, not pglz
/// (the test server is built with lz4, as Debian's is), and reads back
/// whole.
#[tokio::test]
async fn item_bodies_are_compressed_with_lz4_on_postgresql() {
    let Some(url) = relais_store::testing::postgres_url() else {
        return;
    };
    let db = relais_store::testing::postgres(&url).await;
    let ws = workspace(&db.store, "veille-lz4").await;
    // About 6 KB of varied text: compressible, past the 2 KB threshold.
    let body: String = (0..600).map(|i| format!("mot{} ", i % 97)).collect();
    let items = vec![item("lz4-1", &body, &[], Polarity::Neutral)];
    let ids = db
        .store
        .store_items(ws.id, None, &items, Utc::now())
        .await
        .unwrap();
    let id = ids[0].unwrap();
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let (method, stored): (Option<String>, String) =
        sqlx::query_as("SELECT pg_column_compression(body), body FROM veille_items WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(method.as_deref(), Some("lz4"));
    assert_eq!(stored, body);
    conn.close().await.unwrap();
    db.finish().await;
}
