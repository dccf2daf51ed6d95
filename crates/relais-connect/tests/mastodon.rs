//! The Mastodon connector against the loopback Mastodon server
//! (`relais_connect::testing::mastodon`), which implements the documented
//! behaviour of the endpoints the connector uses.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Utc;
use relais_connect::mastodon::{self, Mastodon, MediaPolling};
use relais_connect::testing::mastodon::{FaultKind, MastodonServer, Route};
use relais_connect::{
    ClientOptions, Connector, ConnectorError, Counts, Credentials, MediaBlob, PostOptions,
    PublishRequest, RemoteRef, ReplyTo, Visibility,
};
use std::sync::Arc;
use std::time::Duration;

const TOKEN: &str = "tok-alice-0123456789";

fn options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(5),
        ..ClientOptions::default()
    }
}

fn connector(server: &MastodonServer, token: &str) -> Mastodon {
    Mastodon::new(server.credentials(token), &options())
        .unwrap()
        .with_media_polling(MediaPolling {
            first_interval: Duration::from_millis(5),
            max_interval: Duration::from_millis(20),
            deadline: Duration::from_secs(5),
        })
}

fn request(text: &str, key: &str) -> PublishRequest {
    PublishRequest {
        text: text.to_string(),
        media: Vec::new(),
        idempotency_key: key.to_string(),
        first_attempt_at: Utc::now(),
        reply_to: None,
        options: PostOptions::default(),
    }
}

fn image(alt: &str, len: usize) -> MediaBlob {
    MediaBlob {
        bytes: Arc::new((0..len).map(|i| (i % 251) as u8).collect()),
        mime: "image/png".into(),
        alt: alt.into(),
        width: 640,
        height: 480,
    }
}

fn reply_to(parent: &RemoteRef, root: &RemoteRef) -> Option<ReplyTo> {
    Some(ReplyTo {
        root: root.clone(),
        parent: parent.clone(),
    })
}

async fn setup() -> (MastodonServer, Mastodon) {
    let server = MastodonServer::start().await.unwrap();
    server.add_account("alice", TOKEN);
    let masto = connector(&server, TOKEN);
    (server, masto)
}

fn requests_to(server: &MastodonServer, route: Route) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.route() == route)
        .count()
}

#[tokio::test]
async fn publishes_text_with_visibility_content_warning_and_language() {
    let (server, masto) = setup().await;
    let mut req = request("Bonjour Mastodon", "key-1");
    req.options = PostOptions {
        visibility: Visibility::Unlisted,
        content_warning: "Spoiler: météo".into(),
        language: Some("fr".into()),
        link_card: None,
    };
    let posted = masto.publish(&req).await.unwrap();

    let statuses = server.statuses();
    assert_eq!(statuses.len(), 1);
    let s = &statuses[0];
    assert_eq!(s.id, posted.id);
    assert_eq!(s.text, "Bonjour Mastodon");
    assert_eq!(s.visibility, "unlisted");
    assert_eq!(s.spoiler_text, "Spoiler: météo");
    assert_eq!(s.language.as_deref(), Some("fr"));
    assert_eq!(s.in_reply_to_id, None);
    assert_eq!(s.idempotency_key.as_deref(), Some("key-1"));
    assert_eq!(
        posted.url,
        Some(format!("{}/@alice/{}", server.url(), s.id))
    );
    assert_eq!(posted.cid, None);

    let create = server
        .requests()
        .into_iter()
        .find(|r| r.route() == Route::CreateStatus)
        .unwrap();
    assert_eq!(create.header("idempotency-key"), Some("key-1"));
    assert_eq!(create.status, Some(200));

    let rl = masto.rate_limit().expect("rate-limit headers are read");
    assert_eq!(rl.remaining, 299);
    assert!(rl.reset_at > Utc::now(), "{rl:?}");
}

#[tokio::test]
async fn publishes_media_with_their_descriptions() {
    let (server, masto) = setup().await;
    let mut req = request("Two pictures", "key-media");
    req.media = vec![
        image("A red cat on a wall", 3000),
        image("Le même chat, de dos", 10),
    ];
    let posted = masto.publish(&req).await.unwrap();

    let s = server.status(&posted.id).unwrap();
    let alts: Vec<&str> = s.media.iter().map(|m| m.description.as_str()).collect();
    assert_eq!(alts, ["A red cat on a wall", "Le même chat, de dos"]);
    assert_eq!(s.media[0].size, 3000);
    assert_eq!(s.media[0].mime, "image/png");
    assert!(s
        .media
        .iter()
        .all(|m| m.processed && m.status_id.as_deref() == Some(posted.id.as_str())));
    // Processed synchronously: no poll.
    assert_eq!(requests_to(&server, Route::UploadMedia), 2);
    assert_eq!(requests_to(&server, Route::GetMedia), 0);
}

#[tokio::test]
async fn waits_while_media_is_processing_202_then_206_then_200() {
    let server = MastodonServer::builder()
        .media_processing_polls(2)
        .start()
        .await
        .unwrap();
    server.add_account("alice", TOKEN);
    let masto = connector(&server, TOKEN);
    let mut req = request("A video", "key-video");
    req.media = vec![MediaBlob {
        mime: "video/mp4".into(),
        ..image("A short clip of waves", 5000)
    }];
    let posted = masto.publish(&req).await.unwrap();

    let seen: Vec<(Route, Option<u16>)> = server
        .requests()
        .iter()
        .map(|r| (r.route(), r.status))
        .collect();
    assert_eq!(
        seen,
        [
            (Route::UploadMedia, Some(202)),
            (Route::GetMedia, Some(206)),
            (Route::GetMedia, Some(206)),
            (Route::GetMedia, Some(200)),
            (Route::CreateStatus, Some(200)),
        ]
    );
    let s = server.status(&posted.id).unwrap();
    assert_eq!(s.media.len(), 1);
    assert_eq!(s.media[0].description, "A short clip of waves");
}

#[tokio::test]
async fn media_still_processing_past_the_deadline_is_retryable_and_posts_nothing() {
    let server = MastodonServer::builder()
        .media_processing_polls(1_000_000)
        .start()
        .await
        .unwrap();
    server.add_account("alice", TOKEN);
    let masto = connector(&server, TOKEN).with_media_polling(MediaPolling {
        first_interval: Duration::from_millis(5),
        max_interval: Duration::from_millis(10),
        deadline: Duration::from_millis(200),
    });
    let mut req = request("Slow video", "key-slow");
    req.media = vec![image("alt", 10)];
    let err = masto.publish(&req).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Retryable { reason, .. } if reason.contains("still processing")),
        "{err:?}"
    );
    assert!(server.statuses().is_empty());
    assert_eq!(requests_to(&server, Route::CreateStatus), 0);
}

#[tokio::test]
async fn the_server_refuses_media_that_is_still_processing() {
    // What the connector's polling protects against (documentation
    // `methods/media`: the `url` is null until processing ends).
    let server = MastodonServer::builder()
        .media_processing_polls(3)
        .start()
        .await
        .unwrap();
    server.add_account("alice", TOKEN);
    let client = reqwest::Client::new();
    let upload = client
        .post(format!("{}/api/v2/media", server.url()))
        .bearer_auth(TOKEN)
        .header("content-type", "multipart/form-data; boundary=B")
        .body("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nxx\r\n--B--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 202);
    let media: serde_json::Value = upload.json().await.unwrap();
    assert_eq!(media["url"], serde_json::Value::Null);
    let post = client
        .post(format!("{}/api/v1/statuses", server.url()))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"status": "too soon", "media_ids": [media["id"]]}))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 422);
    assert!(post
        .text()
        .await
        .unwrap()
        .contains("not finished processing"));
}

#[tokio::test]
async fn threads_hang_together_with_in_reply_to_id() {
    let (server, masto) = setup().await;
    let root = masto.publish(&request("1/3 A thread", "t1")).await.unwrap();
    let mut second = request("2/3 continues", "t2");
    second.reply_to = reply_to(&root, &root);
    let second = masto.publish(&second).await.unwrap();
    let mut third = request("3/3 ends", "t3");
    third.reply_to = reply_to(&second, &root);
    let third = masto.publish(&third).await.unwrap();

    let by_id = |id: &str| server.status(id).unwrap();
    assert_eq!(by_id(&root.id).in_reply_to_id, None);
    assert_eq!(
        by_id(&second.id).in_reply_to_id.as_deref(),
        Some(root.id.as_str())
    );
    assert_eq!(
        by_id(&third.id).in_reply_to_id.as_deref(),
        Some(second.id.as_str())
    );
    assert_eq!(masto.counts(&root).await.unwrap().replies, Some(1));
}

#[tokio::test]
async fn the_same_idempotency_key_twice_gives_one_status_with_the_same_id() {
    let (server, masto) = setup().await;
    let req = request("Exactly once", "same-key");
    let first = masto.publish(&req).await.unwrap();
    let again = masto.publish(&req).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(server.statuses().len(), 1);
    assert_eq!(requests_to(&server, Route::CreateStatus), 2);

    // Keys belong to one account: another account's same key is another post.
    server.add_account("bob", "tok-bob");
    let bob = connector(&server, "tok-bob").publish(&req).await.unwrap();
    assert_ne!(bob.id, first.id);
    assert_eq!(server.statuses().len(), 2);
}

#[tokio::test]
async fn after_the_hour_the_key_is_forgotten_and_a_second_status_appears() {
    // Why the connector cannot rely on the key alone after an hour.
    let (server, masto) = setup().await;
    let req = request("Posted twice after an hour", "old-key");
    let first = masto.publish(&req).await.unwrap();
    server.advance_clock(Duration::from_secs(59 * 60));
    assert_eq!(
        masto.publish(&req).await.unwrap(),
        first,
        "still inside the hour"
    );
    server.advance_clock(Duration::from_secs(2 * 60));
    let second = masto.publish(&req).await.unwrap();
    assert_ne!(second.id, first.id);
    assert_eq!(server.statuses().len(), 2);
}

#[tokio::test]
async fn past_the_hour_publish_reconciles_with_find_before_posting() {
    let (server, masto) = setup().await;
    let mut req = request("Retried two hours later", "late-key");
    req.first_attempt_at = Utc::now() - chrono::Duration::minutes(1);
    let first = masto.publish(&req).await.unwrap();
    // Two hours pass: the server forgot the key; relais retries.
    server.advance_clock(Duration::from_secs(2 * 3600));
    req.first_attempt_at -= chrono::Duration::hours(2);
    server.clear_requests();
    let again = masto.publish(&req).await.unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(server.statuses().len(), 1);
    assert_eq!(requests_to(&server, Route::CreateStatus), 0);
    assert_eq!(requests_to(&server, Route::AccountStatuses), 1);
}

#[tokio::test]
async fn rate_limit_429_is_retryable_with_retry_after_from_the_reset() {
    let server = MastodonServer::builder()
        .rate_limit(3, Duration::from_secs(120))
        .start()
        .await
        .unwrap();
    server.add_account("alice", TOKEN);
    let masto = connector(&server, TOKEN);
    for _ in 0..3 {
        masto.verify().await.unwrap();
    }
    assert_eq!(masto.rate_limit().unwrap().remaining, 0);
    let err = masto
        .publish(&request("over budget", "k429"))
        .await
        .unwrap_err();
    match err {
        ConnectorError::Retryable {
            retry_after: Some(after),
            status: Some(429),
            ..
        } => assert!(
            after > Duration::from_secs(110) && after <= Duration::from_secs(120),
            "{after:?}"
        ),
        other => panic!("expected a retryable 429, got {other:?}"),
    }
    assert!(server.statuses().is_empty());
    let rl = masto.rate_limit().unwrap();
    assert_eq!(rl.remaining, 0);
    let until_reset = (rl.reset_at - Utc::now()).num_seconds();
    assert!((110..=120).contains(&until_reset), "{until_reset}");

    // The window ends: the budget is back.
    server.advance_clock(Duration::from_secs(121));
    masto
        .publish(&request("after the reset", "k429"))
        .await
        .unwrap();
    assert_eq!(server.statuses().len(), 1);
}

#[tokio::test]
async fn injected_429_with_retry_after_and_5xx_are_retryable_and_create_nothing() {
    let (server, masto) = setup().await;
    let req = request("Eventually", "k5xx");
    server.fail_next(1, 429, Some(Duration::from_secs(30)));
    let err = masto.publish(&req).await.unwrap_err();
    assert!(
        matches!(err, ConnectorError::Retryable { retry_after: Some(d), status: Some(429), .. } if d == Duration::from_secs(30)),
        "{err:?}"
    );
    for code in [500, 502, 503] {
        server.fail_next(1, code, None);
        let err = masto.publish(&req).await.unwrap_err();
        assert!(
            matches!(&err, ConnectorError::Retryable { status: Some(s), .. } if *s == code),
            "{err:?}"
        );
    }
    server.fail_next(1, 503, Some(Duration::from_secs(7)));
    let err = masto.publish(&req).await.unwrap_err();
    assert!(
        matches!(err, ConnectorError::Retryable { retry_after: Some(d), .. } if d == Duration::from_secs(7)),
        "{err:?}"
    );
    assert!(server.statuses().is_empty());
    masto.publish(&req).await.unwrap();
    assert_eq!(server.statuses().len(), 1);
}

#[tokio::test]
async fn too_long_a_status_is_rejected_with_the_servers_message() {
    let (server, masto) = setup().await;
    let err = masto
        .publish(&request(&"é".repeat(501), "long"))
        .await
        .unwrap_err();
    match err {
        ConnectorError::Rejected { reason } => assert!(
            reason.contains("422") && reason.contains("Text character limit of 500 exceeded"),
            "{reason}"
        ),
        other => panic!("expected Rejected, got {other:?}"),
    }
    // The content warning counts too.
    let mut req = request(&"a".repeat(490), "long-cw");
    req.options.content_warning = "b".repeat(11);
    assert!(matches!(
        masto.publish(&req).await,
        Err(ConnectorError::Rejected { .. })
    ));
    // Links count 23 characters whatever their length.
    let text = format!(
        "{} https://example.com/{}",
        "a".repeat(470),
        "p".repeat(200)
    );
    masto.publish(&request(&text, "link")).await.unwrap();
    masto
        .publish(&request(&"é".repeat(500), "exactly-500"))
        .await
        .unwrap();
    assert_eq!(server.statuses().len(), 2);
}

#[tokio::test]
async fn a_bad_token_is_an_auth_error_that_does_not_show_the_token() {
    let (server, _) = setup().await;
    let bad = "tok-not-known-to-the-server";
    let masto = connector(&server, bad);
    for err in [
        masto.verify().await.unwrap_err(),
        masto.publish(&request("x", "k")).await.unwrap_err(),
        masto.find(&request("x", "k")).await.unwrap_err(),
    ] {
        match &err {
            ConnectorError::Auth { reason } => {
                assert!(reason.contains("The access token is invalid"), "{reason}")
            }
            other => panic!("expected Auth, got {other:?}"),
        }
        assert!(!format!("{err:?} {err}").contains(bad));
    }
    assert!(!format!("{masto:?}").contains(bad));
    server.revoke_token(TOKEN);
    assert!(matches!(
        connector(&server, TOKEN).verify().await,
        Err(ConnectorError::Auth { .. })
    ));
    assert!(server.statuses().is_empty());
}

#[tokio::test]
async fn a_lost_answer_is_unconfirmed_and_find_returns_the_status_created() {
    let (server, masto) = setup().await;
    let text = "Rendez-vous <demain> & après-demain\n\nDétails : https://example.com/a/very/long/path/to/the/agenda?x=1 #Relais";
    let mut req = request(text, "lost-key");
    req.options.content_warning = "Annonce".into();
    server.inject(Some(Route::CreateStatus), 1, FaultKind::DropAnswer);
    let err = masto.publish(&req).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Unconfirmed { .. }), "{err:?}");
    let created = server.statuses();
    assert_eq!(created.len(), 1, "the write was applied");
    let dropped = server
        .requests()
        .into_iter()
        .find(|r| r.route() == Route::CreateStatus)
        .unwrap();
    assert_eq!(dropped.status, None);

    server.clear_requests();
    let found = masto
        .find(&req)
        .await
        .unwrap()
        .expect("find sees the status");
    assert_eq!(found.id, created[0].id);
    assert_eq!(
        found.url,
        Some(format!("{}/@alice/{}", server.url(), created[0].id))
    );
    assert_eq!(
        requests_to(&server, Route::CreateStatus),
        0,
        "find never posts"
    );

    // A retry within the hour gets the same status back.
    assert_eq!(masto.publish(&req).await.unwrap().id, created[0].id);
    assert_eq!(server.statuses().len(), 1);
}

#[tokio::test]
async fn a_time_out_after_sending_is_unconfirmed() {
    let server = MastodonServer::start().await.unwrap();
    server.add_account("alice", TOKEN);
    let masto = Mastodon::new(
        server.credentials(TOKEN),
        &ClientOptions {
            timeout: Duration::from_millis(300),
            ..ClientOptions::default()
        },
    )
    .unwrap();
    server.inject(
        Some(Route::CreateStatus),
        1,
        FaultKind::Delay(Duration::from_millis(1500)),
    );
    let err = masto
        .publish(&request("slow answer", "slow"))
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectorError::Unconfirmed { .. }), "{err:?}");
    assert_eq!(server.statuses().len(), 1);
    // A lost answer on a read is only retryable.
    server.drop_answer_next(1);
    let err = masto.verify().await.unwrap_err();
    assert!(matches!(err, ConnectorError::Retryable { .. }), "{err:?}");
}

#[tokio::test]
async fn find_pages_back_matches_exactly_and_never_creates() {
    let (server, masto) = setup().await;
    let mut target = request("The one we look for", "target");
    target.first_attempt_at = Utc::now() - chrono::Duration::seconds(5);
    let posted = masto.publish(&target).await.unwrap();
    for i in 0..45 {
        masto
            .publish(&request(&format!("filler {i}"), &format!("f{i}")))
            .await
            .unwrap();
    }
    // Same text as a reply: not ours (the parent differs).
    let mut reply = request("The one we look for", "reply");
    reply.reply_to = reply_to(&posted, &posted);
    let reply_ref = masto.publish(&reply).await.unwrap();
    server.clear_requests();

    assert_eq!(masto.find(&target).await.unwrap(), Some(posted.clone()));
    let pages = server
        .requests()
        .into_iter()
        .filter(|r| r.route() == Route::AccountStatuses)
        .count();
    assert_eq!(pages, 2, "47 statuses: a full page of 40, then 7");
    assert_eq!(masto.find(&reply).await.unwrap(), Some(reply_ref));
    assert_eq!(
        masto.find(&request("never posted", "nope")).await.unwrap(),
        None
    );
    // Outside the window (first attempt after the status): not found.
    let mut later = target.clone();
    later.first_attempt_at = Utc::now() + chrono::Duration::minutes(5);
    assert_eq!(masto.find(&later).await.unwrap(), None);
    assert_eq!(requests_to(&server, Route::CreateStatus), 0);
    assert_eq!(server.statuses().len(), 47);
}

#[tokio::test]
async fn delete_removes_the_status_and_deleting_again_is_fine() {
    let (server, masto) = setup().await;
    let posted = masto.publish(&request("short-lived", "del")).await.unwrap();
    masto.delete(&posted).await.unwrap();
    assert!(server.statuses().is_empty());
    assert!(server.all_statuses()[0].deleted);
    masto.delete(&posted).await.unwrap();
    assert!(matches!(
        masto.counts(&posted).await,
        Err(ConnectorError::Rejected { .. })
    ));
    // Someone else's status cannot be deleted (404, which is "gone" for us).
    server.add_account("bob", "tok-bob");
    let bobs = connector(&server, "tok-bob")
        .publish(&request("bob's", "b"))
        .await
        .unwrap();
    masto.delete(&bobs).await.unwrap();
    assert!(server.status(&bobs.id).is_some_and(|s| !s.deleted));
}

#[tokio::test]
async fn counts_are_read_from_the_status() {
    let (server, masto) = setup().await;
    let posted = masto.publish(&request("count me", "c")).await.unwrap();
    assert_eq!(
        masto.counts(&posted).await.unwrap(),
        Counts {
            likes: Some(0),
            reposts: Some(0),
            replies: Some(0),
            quotes: Some(0),
        }
    );
    assert!(server.set_counts(&posted.id, 12, 3, 4, 1));
    assert_eq!(
        masto.counts(&posted).await.unwrap(),
        Counts {
            likes: Some(12),
            reposts: Some(3),
            replies: Some(4),
            quotes: Some(1),
        }
    );
}

#[tokio::test]
async fn the_oauth_flow_gives_a_token_that_works() {
    let server = MastodonServer::start().await.unwrap();
    let redirect = "https://relais.example/accounts/mastodon/callback";
    let reg = mastodon::register_app(server.url(), redirect, &options())
        .await
        .unwrap();
    assert!(!format!("{reg:?}").contains(&reg.client_secret));

    let url = mastodon::authorize_url(server.url(), &reg.client_id, redirect, "csrf-state-1");
    let parsed = url::Url::parse(&url).unwrap();
    assert_eq!(parsed.path(), "/oauth/authorize");
    let q: std::collections::HashMap<String, String> = parsed.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], reg.client_id);
    assert_eq!(q["redirect_uri"], redirect);
    assert_eq!(q["scope"], "read write");
    assert_eq!(q["state"], "csrf-state-1");
    assert!(url.contains("scope=read+write"), "{url}");

    // The person approves; the instance redirects back with the code.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = browser.get(&url).send().await.unwrap();
    assert_eq!(answer.status(), 302);
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(redirect), "{location}");
    let back: std::collections::HashMap<String, String> = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(back["state"], "csrf-state-1");
    let code = back["code"].clone();

    let token = mastodon::exchange_code(server.url(), &reg, &code, redirect, &options())
        .await
        .unwrap();
    let info = connector(&server, &token).verify().await.unwrap();
    let host = server.url().trim_start_matches("http://");
    assert_eq!(info.handle, format!("alice@{host}"));
    assert_eq!(info.id, "1");

    // A code works once; a wrong secret is an authentication failure.
    let again = mastodon::exchange_code(server.url(), &reg, &code, redirect, &options()).await;
    assert!(
        matches!(&again, Err(ConnectorError::Rejected { reason }) if reason.contains("authorization grant is invalid")),
        "{again:?}"
    );
    let wrong = mastodon::AppRegistration {
        client_secret: "wrong".into(),
        ..reg.clone()
    };
    let refused = mastodon::exchange_code(server.url(), &wrong, "any", redirect, &options()).await;
    assert!(
        matches!(refused, Err(ConnectorError::Auth { .. })),
        "{refused:?}"
    );

    // The out-of-band redirect shows the code on a page instead.
    let oob = "urn:ietf:wg:oauth:2.0:oob";
    let reg2 = mastodon::register_app(server.url(), oob, &options())
        .await
        .unwrap();
    let page = browser
        .get(mastodon::authorize_url(
            server.url(),
            &reg2.client_id,
            oob,
            "s",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let code = html
        .split("<code class=\"oauth-code\">")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .unwrap();
    let token2 = mastodon::exchange_code(server.url(), &reg2, code, oob, &options())
        .await
        .unwrap();
    assert_eq!(connector(&server, &token2).verify().await.unwrap().id, "1");

    // An unregistered redirect is refused before any code is made.
    let bad = browser
        .get(mastodon::authorize_url(
            server.url(),
            &reg.client_id,
            "https://evil.example/",
            "s",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn recorded_requests_never_contain_a_secret_in_clear() {
    let server = MastodonServer::builder()
        .media_processing_polls(1)
        .start()
        .await
        .unwrap();
    server.add_account("alice", TOKEN);
    let masto = connector(&server, TOKEN);
    let mut req = request("with media", "rec");
    req.media = vec![image("alt", 100)];
    let posted = masto.publish(&req).await.unwrap();
    masto.find(&req).await.unwrap();
    masto.counts(&posted).await.unwrap();
    masto.delete(&posted).await.unwrap();
    let redirect = "https://relais.example/cb";
    let reg = mastodon::register_app(server.url(), redirect, &options())
        .await
        .unwrap();
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = browser
        .get(mastodon::authorize_url(
            server.url(),
            &reg.client_id,
            redirect,
            "st",
        ))
        .send()
        .await
        .unwrap();
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let token = mastodon::exchange_code(server.url(), &reg, &code, redirect, &options())
        .await
        .unwrap();
    connector(&server, &token).verify().await.unwrap();

    let requests = server.requests();
    assert!(requests.len() >= 10, "{}", requests.len());
    let log = format!("{requests:?}");
    for secret in [
        TOKEN,
        token.as_str(),
        reg.client_secret.as_str(),
        code.as_str(),
    ] {
        assert!(!log.contains(secret), "a secret is in the request log");
    }
    let authed: Vec<_> = requests.iter().filter(|r| r.token.is_some()).collect();
    assert!(authed.len() >= 7);
    let fp = MastodonServer::token_fingerprint(TOKEN);
    let first = authed[0];
    assert_eq!(first.token.as_deref(), Some(fp.as_str()));
    assert_eq!(
        first.header("authorization"),
        Some(format!("Bearer [redacted #{fp}]").as_str())
    );
    let exchange = requests.iter().find(|r| r.route() == Route::Token).unwrap();
    assert!(
        exchange.body.contains("client_secret=[redacted]"),
        "{}",
        exchange.body
    );
    assert!(
        exchange.body.contains("code=[redacted]"),
        "{}",
        exchange.body
    );
    let upload = requests
        .iter()
        .find(|r| r.route() == Route::UploadMedia)
        .unwrap();
    assert!(
        upload.body.contains("image/png, 100 bytes"),
        "{}",
        upload.body
    );
    assert!(
        upload.body.contains("description=\"alt\""),
        "{}",
        upload.body
    );
}

#[tokio::test]
async fn credentials_of_another_network_are_refused_and_connect_dispatches() {
    let other = Credentials::Bluesky {
        service: "http://localhost:1".into(),
        identifier: "a.test".into(),
        app_password: "pw".into(),
        session: None,
    };
    assert!(matches!(
        Mastodon::new(other, &options()),
        Err(ConnectorError::Rejected { .. })
    ));
    let (server, _) = setup().await;
    let conn = relais_connect::connect(server.credentials(TOKEN), &options()).unwrap();
    assert_eq!(conn.network(), relais_core::Network::Mastodon);
    assert_eq!(
        conn.verify().await.unwrap().handle.split('@').next(),
        Some("alice")
    );
}

#[tokio::test]
async fn an_unreachable_instance_is_retryable() {
    let server = MastodonServer::start().await.unwrap();
    let creds = server.credentials(TOKEN);
    server.shutdown().await;
    let masto = Mastodon::new(creds, &options()).unwrap();
    let err = masto
        .publish(&request("nobody listens", "k"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ConnectorError::Retryable { status: None, .. }),
        "{err:?}"
    );
}
