//! Listening: the firehose against the real local PDS
//! (`scripts/pds-test-server.sh`, `TEST_PDS_URL`), Jetstream against the
//! loopback Jetstream server, Mastodon timelines against the loopback
//! Mastodon server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use relais_connect::listen::{
    self, jetstream::JetstreamKind, mastodon_hashtag, mastodon_public, Firehose, FirehoseEvent,
    FirehoseKind, FirehoseOptions, HeardPost, HttpClient, Jetstream, JetstreamOptions, ListenError,
};
use relais_connect::testing::jetstream::JetstreamServer;
use relais_connect::testing::mastodon::MastodonServer;
use relais_connect::testing::pds::{TestAccount, TestPds};
use relais_connect::ClientOptions;
use serde_json::json;
use std::ops::ControlFlow;
use std::time::Duration;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;
use url::Url;

/// Generous: the PDS shares two cores with other builds.
const WAIT: Duration = Duration::from_secs(60);

fn url(s: &str) -> Url {
    Url::parse(s).expect("url")
}

fn now_ms() -> DateTime<Utc> {
    ms(Utc::now())
}

/// Whole milliseconds, as the networks write dates.
fn ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).expect("ms")
}

/// The tests' servers are on loopback, which listening refuses by default.
fn loopback_firehose() -> FirehoseOptions {
    FirehoseOptions {
        allow_private_addresses: true,
        ..FirehoseOptions::default()
    }
}

fn loopback_jetstream() -> JetstreamOptions {
    JetstreamOptions {
        allow_private_addresses: true,
        ..JetstreamOptions::default()
    }
}

async fn next(fh: &mut Firehose) -> FirehoseEvent {
    timeout(WAIT, fh.next())
        .await
        .expect("an event before the time-out")
        .expect("no stream error")
}

/// Posts `text` with `langs` and returns what listening must hear.
async fn post(pds: &TestPds, who: &TestAccount, text: &str, langs: &[&str]) -> HeardPost {
    let at = now_ms();
    let (uri, _cid) = pds
        .create_post(who, text, langs, at)
        .await
        .expect("createRecord");
    let rkey = uri.rsplit('/').next().expect("rkey").to_string();
    assert_eq!(uri, format!("at://{}/app.bsky.feed.post/{rkey}", who.did));
    HeardPost {
        network: "bluesky",
        url: Some(format!("https://bsky.app/profile/{}/post/{rkey}", who.did)),
        uri,
        author: who.did.clone(),
        text: text.to_string(),
        created_at: Some(at),
        langs: langs.iter().map(|l| l.to_string()).collect(),
    }
}

/// Reads until `want` posts of `did` arrived; the events of `did` seen
/// (posts and others), in order. Sequence numbers must increase.
async fn read_posts_of(fh: &mut Firehose, did: &str, want: usize) -> Vec<FirehoseEvent> {
    let mut seen = Vec::new();
    let mut posts = 0;
    let mut last_seq = i64::MIN;
    while posts < want {
        let ev = next(fh).await;
        assert!(ev.seq > last_seq, "seq {} after {last_seq}", ev.seq);
        last_seq = ev.seq;
        if ev.repo.as_deref() == Some(did) {
            posts += ev.posts.len();
            seen.push(ev);
        }
    }
    seen
}

fn posts_of(events: &[FirehoseEvent]) -> Vec<HeardPost> {
    events.iter().flat_map(|e| e.posts.clone()).collect()
}

#[tokio::test]
async fn firehose_hears_each_post_once_across_reconnections() {
    let Some(pds) = TestPds::from_env("firehose_hears_each_post_once_across_reconnections") else {
        return;
    };
    let service = url(&pds.url);
    let alice = pds.create_account().await.expect("account");
    let p1 = post(
        &pds,
        &alice,
        "Premier message : l'élection 🗳️ #veille",
        &["fr"],
    )
    .await;
    let p2 = post(&pds, &alice, "Second post, in English", &["en", "fr"]).await;
    let p3 = post(&pds, &alice, "Troisième, sans langue", &[]).await;
    // A like: a record of another collection, never heard as a post.
    let (_, _) = pds
        .create_record(
            &alice,
            "app.bsky.feed.like",
            json!({
                "$type": "app.bsky.feed.like",
                "subject": { "uri": p1.uri, "cid": "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi" },
                "createdAt": now_ms().to_rfc3339(),
            }),
        )
        .await
        .expect("like");

    // From the start of the backfill window: alice's three posts, then the
    // commit of the like (no post) closes what was written.
    let opts = loopback_firehose();
    let mut fh = Firehose::connect(&service, Some(0), &opts)
        .await
        .expect("connect");
    let mut events = read_posts_of(&mut fh, &alice.did, 3).await;
    assert_eq!(posts_of(&events), vec![p1.clone(), p2.clone(), p3.clone()]);
    assert!(
        events.iter().all(|e| e.skipped == 0),
        "nothing skipped: {events:?}"
    );
    let like = loop {
        let ev = next(&mut fh).await;
        if ev.repo.as_deref() == Some(alice.did.as_str()) {
            break ev;
        }
    };
    assert_eq!(like.kind, FirehoseKind::Commit);
    assert!(like.posts.is_empty(), "a like is not a post: {like:?}");
    events.push(like.clone());
    let cursor = fh.cursor().expect("a cursor");
    assert_eq!(cursor, like.seq);
    let counts = fh.stats().snapshot();
    assert_eq!(counts.malformed_frames, 0);
    assert!(
        counts.posts >= 3 && counts.frames >= counts.posts,
        "{counts:?}"
    );
    fh.close().await;

    // Two posts while disconnected; resuming from the cursor hears them
    // and nothing before.
    let p4 = post(&pds, &alice, "Quatrième, écrit hors connexion", &["fr"]).await;
    let p5 = post(&pds, &alice, "Fifth, also while away", &["en"]).await;
    let mut fh = Firehose::connect(&service, Some(cursor), &opts)
        .await
        .expect("reconnect");
    let after = read_posts_of(&mut fh, &alice.did, 2).await;
    assert!(after.iter().all(|e| e.seq > cursor), "{after:?}");
    assert_eq!(posts_of(&after), vec![p4.clone(), p5.clone()]);
    let p4_seq = after
        .iter()
        .find(|e| e.posts.first() == Some(&p4))
        .expect("p4's event")
        .seq;
    fh.close().await;

    // From p4's seq: p5 is the first post heard.
    let mut fh = Firehose::connect(&service, Some(p4_seq), &opts)
        .await
        .expect("again");
    let again = read_posts_of(&mut fh, &alice.did, 1).await;
    assert_eq!(posts_of(&again), vec![p5]);
    fh.close().await;
}

#[tokio::test]
async fn firehose_callback_hears_live_posts_until_cancelled() {
    let Some(pds) = TestPds::from_env("firehose_callback_hears_live_posts_until_cancelled") else {
        return;
    };
    let service = url(&pds.url);
    let bob = pds.create_account().await.expect("account");
    let (tx, mut rx) = tokio::sync::mpsc::channel::<FirehoseEvent>(1024);
    let cancel = CancellationToken::new();
    let did = bob.did.clone();
    let task = {
        let cancel = cancel.clone();
        let service = service.clone();
        tokio::spawn(async move {
            listen::subscribe_repos(
                &service,
                Some(0),
                &loopback_firehose(),
                move |ev| {
                    let tx = tx.clone();
                    let mine = ev.repo.as_deref() == Some(did.as_str());
                    async move {
                        if mine && tx.send(ev).await.is_err() {
                            return ControlFlow::Break(());
                        }
                        ControlFlow::Continue(())
                    }
                },
                &cancel,
            )
            .await
        })
    };
    // Bob's account events arrive from the backfill: the subscription is up.
    timeout(WAIT, rx.recv())
        .await
        .expect("bob's first event")
        .expect("open");
    let p = post(&pds, &bob, "Posted while the subscription runs", &["en"]).await;
    let heard = loop {
        let ev = timeout(WAIT, rx.recv())
            .await
            .expect("the post")
            .expect("open");
        if !ev.posts.is_empty() {
            break ev.posts;
        }
    };
    assert_eq!(heard, vec![p]);
    cancel.cancel();
    let ended = timeout(WAIT, task).await.expect("stops").expect("joins");
    assert_eq!(ended, Ok(()));
}

#[tokio::test]
async fn firehose_future_cursor_is_a_stream_error() {
    let Some(pds) = TestPds::from_env("firehose_future_cursor_is_a_stream_error") else {
        return;
    };
    let mut fh = Firehose::connect(&url(&pds.url), Some(1 << 50), &loopback_firehose())
        .await
        .expect("connect");
    let err = timeout(WAIT, fh.next())
        .await
        .expect("an answer")
        .expect_err("a future cursor is refused");
    match &err {
        ListenError::Stream { error, .. } => assert_eq!(error, "FutureCursor"),
        other => panic!("not a stream error: {other:?}"),
    }
    assert!(!err.is_transient());
    assert!(err.to_string().contains("without a cursor"), "{err}");
}

#[tokio::test]
async fn firehose_connection_failures_are_classified() {
    // A port nobody listens on: a transient connection error.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let err = Firehose::connect(
        &url(&format!("http://127.0.0.1:{port}")),
        None,
        &loopback_firehose(),
    )
    .await
    .expect_err("nobody listens");
    assert!(matches!(err, ListenError::Connect { .. }), "{err:?}");
    assert!(err.is_transient());

    // A server that is not a PDS answers the upgrade with a 404.
    let mastodon = MastodonServer::start().await.expect("server");
    let err = Firehose::connect(&url(mastodon.url()), None, &loopback_firehose())
        .await
        .expect_err("not a firehose");
    assert!(
        matches!(err, ListenError::Http { status: 404, .. }),
        "{err:?}"
    );
    assert!(!err.is_transient());

    let err = Firehose::connect(&url("ftp://127.0.0.1/"), None, &loopback_firehose())
        .await
        .expect_err("not http");
    assert!(matches!(err, ListenError::InvalidUrl { .. }), "{err:?}");
}

// ---- Jetstream ----------------------------------------------------------

const ALICE: &str = "did:plc:eygmaihciaxprqvxpfvl6flk";
const BOB: &str = "did:plc:rfov6bpyztcnedeyyzgfq42k";

async fn jnext(js: &mut Jetstream) -> listen::JetstreamEvent {
    timeout(WAIT, js.next())
        .await
        .expect("an event before the time-out")
        .expect("no stream error")
}

fn post_record(text: &str) -> serde_json::Value {
    json!({ "$type": "app.bsky.feed.post", "text": text, "createdAt": "2024-09-09T19:46:02.102Z" })
}

#[tokio::test]
async fn jetstream_filters_resumes_and_skips_malformed_messages() {
    let server = JetstreamServer::start().await.expect("server");
    let base = url(&server.url());
    let t0 = 1_725_911_162_329_308i64;
    server.push(JetstreamServer::post_created(
        ALICE,
        "3l3qo2vuowo2a",
        t0,
        "Bonjour la veille",
        &["fr"],
    ));
    server.push(JetstreamServer::commit(
        BOB,
        t0 + 1,
        "create",
        "app.bsky.feed.like",
        "3l3qo2vuowo2b",
        Some(json!({ "$type": "app.bsky.feed.like", "createdAt": "2024-09-09T19:46:02.102Z" })),
    ));
    server.push(JetstreamServer::identity(BOB, t0 + 2, "bob.example"));
    server.push(JetstreamServer::account(
        BOB,
        t0 + 3,
        false,
        Some("deactivated"),
    ));
    server.push(JetstreamServer::commit(
        ALICE,
        t0 + 4,
        "update",
        "app.bsky.feed.post",
        "3l3qo2vuowo2a",
        Some(post_record("Bonjour la veille (edited)")),
    ));
    server.push(JetstreamServer::commit(
        ALICE,
        t0 + 5,
        "delete",
        "app.bsky.feed.post",
        "3l3qo2vuowo2a",
        None,
    ));
    server.push(JetstreamServer::post_created(
        BOB,
        "3l3qo2vuowo2c",
        t0 + 6,
        "Second post",
        &["en", "de"],
    ));

    // From the first event: the like is filtered out by the server.
    let opts = loopback_jetstream();
    let mut js = Jetstream::connect(&base, Some(t0 - 1), &opts)
        .await
        .expect("connect");
    let first = jnext(&mut js).await;
    assert_eq!(first.time_us, t0);
    assert_eq!(
        first.post,
        Some(HeardPost {
            network: "bluesky",
            uri: format!("at://{ALICE}/app.bsky.feed.post/3l3qo2vuowo2a"),
            url: Some(format!(
                "https://bsky.app/profile/{ALICE}/post/3l3qo2vuowo2a"
            )),
            author: ALICE.into(),
            text: "Bonjour la veille".into(),
            created_at: DateTime::from_timestamp_micros(t0)
                .map(|t| DateTime::from_timestamp_millis(t.timestamp_millis()).expect("ms")),
            langs: vec!["fr".into()],
        })
    );
    let kinds: Vec<(i64, JetstreamKind, bool)> = {
        let mut v = Vec::new();
        for _ in 0..5 {
            let e = jnext(&mut js).await;
            v.push((e.time_us, e.kind, e.post.is_some()));
        }
        v
    };
    assert_eq!(
        kinds,
        vec![
            (
                t0 + 2,
                JetstreamKind::Identity {
                    handle: Some("bob.example".into())
                },
                false
            ),
            (
                t0 + 3,
                JetstreamKind::Account {
                    active: false,
                    status: Some("deactivated".into())
                },
                false
            ),
            (
                t0 + 4,
                JetstreamKind::Commit {
                    operation: "update".into(),
                    collection: "app.bsky.feed.post".into(),
                    rkey: "3l3qo2vuowo2a".into()
                },
                false
            ),
            (
                t0 + 5,
                JetstreamKind::Commit {
                    operation: "delete".into(),
                    collection: "app.bsky.feed.post".into(),
                    rkey: "3l3qo2vuowo2a".into()
                },
                false
            ),
            (
                t0 + 6,
                JetstreamKind::Commit {
                    operation: "create".into(),
                    collection: "app.bsky.feed.post".into(),
                    rkey: "3l3qo2vuowo2c".into()
                },
                true
            ),
        ]
    );
    let target = &server.requests()[0];
    assert!(target.starts_with("/subscribe?"), "{target}");
    assert!(
        target.contains("wantedCollections=app.bsky.feed.post"),
        "{target}"
    );
    assert!(target.contains(&format!("cursor={}", t0 - 1)), "{target}");

    // Malformed messages are skipped and counted; the next event arrives.
    server.send_raw("this is not JSON");
    server.send_raw(r#"{"kind":"commit","did":"did:plc:x"}"#);
    server.send_raw(r#"{"did":"did:plc:x","time_us":1,"kind":"commit"}"#);
    server.send_raw(
        &serde_json::to_string(&JetstreamServer::commit(
            ALICE,
            t0 + 7,
            "create",
            "app.bsky.feed.post",
            "bad",
            Some(json!({"text": 5})),
        ))
        .expect("json"),
    );
    // A heartbeat's answer is not an event, and not malformed either.
    js.heartbeat().await.expect("heartbeat");
    server.push(JetstreamServer::post_created(
        ALICE,
        "3l3qo2vuowo2d",
        t0 + 8,
        "Live post",
        &[],
    ));
    let live = jnext(&mut js).await;
    // The record of t0 + 7 is not a post: the event comes without one.
    assert_eq!(live.time_us, t0 + 7);
    assert_eq!(live.post, None);
    let live = jnext(&mut js).await;
    assert_eq!(live.post.map(|p| p.text).as_deref(), Some("Live post"));
    let counts = js.stats().snapshot();
    assert_eq!(counts.malformed_frames, 2, "{counts:?}");
    assert_eq!(counts.skipped_records, 1, "{counts:?}");
    // The event with time_us 1 is before the cursor: a duplicate.
    assert_eq!(counts.duplicates, 1, "{counts:?}");
    assert_eq!(counts.posts, 3, "{counts:?}");
    let cursor = js.cursor().expect("cursor");
    assert_eq!(cursor, t0 + 8);

    // The server goes away: a transient error; two posts while away.
    server.disconnect_all();
    let err = timeout(WAIT, js.next())
        .await
        .expect("ends")
        .expect_err("closed");
    assert!(matches!(err, ListenError::Closed { .. }), "{err:?}");
    assert!(err.is_transient());
    server.push(JetstreamServer::post_created(
        BOB,
        "3l3qo2vuowo2e",
        t0 + 9,
        "Away one",
        &[],
    ));
    server.push(JetstreamServer::post_created(
        BOB,
        "3l3qo2vuowo2f",
        t0 + 10,
        "Away two",
        &[],
    ));

    // Resuming: the server replays from the cursor inclusive; the event at
    // the cursor is not heard twice.
    let mut js = Jetstream::connect(&base, Some(cursor), &opts)
        .await
        .expect("reconnect");
    let a = jnext(&mut js).await;
    let b = jnext(&mut js).await;
    assert_eq!(
        (a.time_us, a.post.map(|p| p.text)),
        (t0 + 9, Some("Away one".to_string()))
    );
    assert_eq!(
        (b.time_us, b.post.map(|p| p.text)),
        (t0 + 10, Some("Away two".to_string()))
    );
    assert_eq!(js.stats().snapshot().duplicates, 1);
    assert!(server.requests()[1].contains(&format!("cursor={cursor}")));
    js.close().await;
}

#[tokio::test]
async fn jetstream_callback_stops_on_break_and_on_cancel() {
    let server = JetstreamServer::start().await.expect("server");
    let base = url(&server.url());
    for i in 0..5 {
        server.push(JetstreamServer::post_created(
            ALICE,
            &format!("k{i}"),
            1000 + i,
            &format!("post {i}"),
            &[],
        ));
    }
    let mut heard = Vec::new();
    let cancel = CancellationToken::new();
    let _keep = &server;
    let r = listen::jetstream(
        &base,
        Some(0),
        &loopback_jetstream(),
        |e| {
            heard.push(e.time_us);
            let stop = heard.len() == 3;
            async move {
                if stop {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            }
        },
        &cancel,
    )
    .await;
    assert_eq!(r, Ok(()));
    assert_eq!(heard, vec![1000, 1001, 1002]);

    // Cancelled while waiting for live events.
    let c2 = cancel.clone();
    let live_url = url(&server.url());
    let waiting = tokio::spawn(async move {
        listen::jetstream(
            &live_url,
            None,
            &loopback_jetstream(),
            |_| async { ControlFlow::Continue(()) },
            &c2,
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    cancel.cancel();
    assert_eq!(
        timeout(WAIT, waiting).await.expect("stops").expect("joins"),
        Ok(())
    );
}

// ---- Mastodon -----------------------------------------------------------

#[tokio::test]
async fn mastodon_hashtag_pages_forward_from_the_last_id() {
    let server = MastodonServer::builder()
        .no_rate_limit()
        .start()
        .await
        .expect("server");
    let instance = url(server.url());
    let client = HttpClient::new(&ClientOptions::default(), true).expect("client");
    let alice = server.add_account("alice", "tok-alice");
    let bob = server.add_remote_account("bob", "remote.example");
    let s1 = server
        .seed_status(
            &alice,
            "Première #veille : <b>gras</b> & \"guillemets\"\n\nDeuxième paragraphe",
            Some("fr"),
            "public",
        )
        .expect("s1");
    let s2 = server
        .seed_status(
            &bob,
            "From afar #Veille https://example.com/a/very/long/path/that/is/shortened",
            Some("en"),
            "public",
        )
        .expect("s2");
    server.seed_status(&alice, "#veille but unlisted", None, "unlisted");
    server.seed_status(&alice, "no tag here", None, "public");

    let page = mastodon_hashtag(&client, &instance, "#veille", None, None)
        .await
        .expect("page");
    assert!(!page.has_more);
    assert_eq!(page.newest_id.as_deref(), Some(s2.id.as_str()));
    let base = server.url();
    assert_eq!(
        page.posts,
        vec![
            HeardPost {
                network: "mastodon",
                uri: format!("https://remote.example/users/bob/statuses/{}", s2.id),
                url: Some(format!("https://remote.example/@bob/{}", s2.id)),
                author: "bob@remote.example".into(),
                text: "From afar #Veille https://example.com/a/very/long/path/that/is/shortened"
                    .into(),
                created_at: Some(ms(s2.created_at)),
                langs: vec!["en".into()],
            },
            HeardPost {
                network: "mastodon",
                uri: format!("{base}/users/alice/statuses/{}", s1.id),
                url: Some(format!("{base}/@alice/{}", s1.id)),
                author: "alice".into(),
                text: "Première #veille : <b>gras</b> & \"guillemets\"\n\nDeuxième paragraphe"
                    .into(),
                created_at: Some(ms(s1.created_at)),
                langs: vec!["fr".into()],
            },
        ]
    );

    // Nothing new.
    let empty = mastodon_hashtag(&client, &instance, "veille", Some(&s2.id), None)
        .await
        .expect("empty");
    assert!(empty.posts.is_empty());
    assert_eq!(empty.newest_id.as_deref(), Some(s2.id.as_str()));

    // 45 new statuses, and one posted through the API by the connector:
    // more than a page; paging forward from the cursor hears each once.
    let mut expected = Vec::new();
    for i in 0..45 {
        let s = server
            .seed_status(&bob, &format!("Nouvelle {i} #veille"), Some("fr"), "public")
            .expect("seed");
        expected.push(s.id);
    }
    let masto = relais_connect::mastodon::Mastodon::new(
        server.credentials("tok-alice"),
        &relais_connect::ClientOptions::default(),
    )
    .expect("connector");
    let published = relais_connect::Connector::publish(
        &masto,
        &relais_connect::PublishRequest {
            text: "Published through the API #VEILLE".into(),
            media: Vec::new(),
            idempotency_key: "k-1".into(),
            first_attempt_at: Utc::now(),
            reply_to: None,
            options: relais_connect::PostOptions::default(),
        },
    )
    .await
    .expect("publish");
    expected.push(published.id.clone());

    let mut cursor = page.newest_id.clone();
    let mut heard = Vec::new();
    let mut pages = 0;
    loop {
        let p = mastodon_hashtag(&client, &instance, "veille", cursor.as_deref(), None)
            .await
            .expect("page");
        pages += 1;
        let ids: Vec<String> = p
            .posts
            .iter()
            .map(|h| h.uri.rsplit('/').next().expect("id").to_string())
            .collect();
        // Newest first within a page; pages go forward in time.
        heard.extend(ids.into_iter().rev());
        cursor = p.newest_id.clone();
        if !p.has_more {
            break;
        }
    }
    assert_eq!(pages, 2);
    assert_eq!(heard, expected);
    assert_eq!(cursor.as_deref(), Some(published.id.as_str()));
    let sent: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/timelines/tag/"))
        .filter_map(|r| r.query.clone())
        .collect();
    assert!(
        sent.iter()
            .any(|q| q.contains(&format!("min_id={}", s2.id)) && q.contains("limit=40")),
        "{sent:?}"
    );

    // A hashtag nobody used: an empty page, not an error.
    let none = mastodon_hashtag(&client, &instance, "jamais", None, None)
        .await
        .expect("unknown tag");
    assert_eq!(none, listen::Page::default());
    assert!(
        mastodon_hashtag(&client, &instance, "two words", None, None)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn mastodon_public_timeline_local_auth_and_rate_limits() {
    let server = MastodonServer::builder()
        .public_preview(false)
        .start()
        .await
        .expect("server");
    let instance = url(server.url());
    let client = HttpClient::new(&ClientOptions::default(), true).expect("client");
    let alice = server.add_account("alice", "tok-alice");
    let bob = server.add_remote_account("bob", "remote.example");
    let a = server
        .seed_status(&alice, "Local news", Some("fr"), "public")
        .expect("a");
    server
        .seed_status(&bob, "Remote news", Some("en"), "public")
        .expect("b");
    server
        .seed_status(&alice, "Private", None, "private")
        .expect("c");

    // Public preview is off: a token is needed.
    let err = mastodon_public(&client, &instance, false, None, None)
        .await
        .expect_err("no token");
    assert!(
        matches!(err, ListenError::Auth { status: 401, .. }),
        "{err:?}"
    );
    assert!(!err.is_transient());

    let all = mastodon_public(&client, &instance, false, None, Some("tok-alice"))
        .await
        .expect("all");
    let texts: Vec<&str> = all.posts.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, vec!["Remote news", "Local news"]);
    let local = mastodon_public(&client, &instance, true, None, Some("tok-alice"))
        .await
        .expect("local");
    let texts: Vec<&str> = local.posts.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, vec!["Local news"]);
    assert_eq!(local.newest_id.as_deref(), Some(a.id.as_str()));
    let last = server.requests().last().cloned().expect("a request");
    assert_eq!(last.path, "/api/v1/timelines/public");
    assert!(
        last.query
            .as_deref()
            .is_some_and(|q| q.contains("local=true")),
        "{last:?}"
    );

    // 429 with a reset: transient, with the wait.
    server.fail_next(1, 429, Some(Duration::from_secs(30)));
    let err = mastodon_public(&client, &instance, false, None, Some("tok-alice"))
        .await
        .expect_err("rate-limited");
    assert!(
        matches!(err, ListenError::RateLimited { status: 429, .. }),
        "{err:?}"
    );
    assert!(err.is_transient());
    let wait = err.retry_after().expect("a wait");
    assert!(
        wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
        "{wait:?}"
    );
    assert!(err.to_string().contains("retry in"), "{err}");

    // A 5xx is transient too; the next call works.
    server.fail_next(1, 503, None);
    let err = mastodon_public(&client, &instance, false, None, Some("tok-alice"))
        .await
        .expect_err("unavailable");
    assert!(err.is_transient(), "{err:?}");
    assert!(
        mastodon_public(&client, &instance, false, None, Some("tok-alice"))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn mastodon_timelines_send_link_headers() {
    let server = MastodonServer::start().await.expect("server");
    let alice = server.add_account("alice", "tok");
    let ids: Vec<String> = (0..3)
        .map(|i| {
            server
                .seed_status(&alice, &format!("n{i} #tag"), None, "public")
                .expect("seed")
                .id
        })
        .collect();
    let resp = reqwest::get(format!("{}/api/v1/timelines/tag/tag?limit=2", server.url()))
        .await
        .expect("get");
    let link = resp
        .headers()
        .get("link")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .expect("a Link header");
    assert!(
        link.contains(&format!("max_id={}>; rel=\"next\"", ids[1])),
        "{link}"
    );
    assert!(
        link.contains(&format!("min_id={}>; rel=\"prev\"", ids[2])),
        "{link}"
    );
    let body: Vec<serde_json::Value> = resp.json().await.expect("json");
    assert_eq!(body.len(), 2);
    assert_eq!(body[0]["tags"][0]["name"], "tag");
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed() {
    // Servers that would answer: the refusal comes from the guard, before
    // any connection.
    let js = JetstreamServer::start().await.expect("jetstream");
    let mastodon = MastodonServer::start().await.expect("mastodon");
    mastodon.add_account("alice", "tok");
    let port = url(mastodon.url()).port().expect("port");
    for address in [js.url(), js.url().replace("127.0.0.1", "localhost")] {
        let err = Jetstream::connect(&url(&address), None, &JetstreamOptions::default())
            .await
            .expect_err("loopback is refused");
        assert!(
            matches!(err, ListenError::Forbidden { .. }),
            "{address}: {err:?}"
        );
        assert!(!err.is_transient());
        assert!(
            err.to_string().contains("an administrator can allow"),
            "{err}"
        );
    }
    let err = Firehose::connect(&url("http://[::1]:9/"), None, &FirehoseOptions::default())
        .await
        .expect_err("loopback is refused");
    assert!(matches!(err, ListenError::Forbidden { .. }), "{err:?}");

    let guarded = HttpClient::new(&ClientOptions::default(), false).expect("client");
    for instance in [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
    ] {
        let err = mastodon_public(&guarded, &url(&instance), false, None, None)
            .await
            .expect_err("loopback is refused");
        assert!(
            matches!(err, ListenError::Forbidden { .. }),
            "{instance}: {err:?}"
        );
    }
    assert!(
        mastodon.requests().is_empty(),
        "nothing reached the server: {:?}",
        mastodon.requests()
    );
    // Allowed by the administrator: the same calls work.
    let allowed = HttpClient::new(&ClientOptions::default(), true).expect("client");
    assert!(mastodon_public(
        &allowed,
        &url(&format!("http://localhost:{port}")),
        false,
        None,
        None
    )
    .await
    .is_ok());
}
