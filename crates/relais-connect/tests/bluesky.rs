//! The Bluesky connector against the real local PDS (`scripts/pds-test-server.sh`,
//! `TEST_PDS_URL`): what it writes is read back with `getRecord` / `listRecords`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use relais_connect::bluesky::Bluesky;
use relais_connect::testing::pds::{new_tid, TestAccount, TestPds};
use relais_connect::{
    ClientOptions, Connector, ConnectorError, Credentials, LinkCard, MediaBlob, PostOptions,
    PublishRequest, RemoteRef, ReplyTo,
};
use serde_json::{json, Value};
use std::sync::Arc;

const POST: &str = "app.bsky.feed.post";

/// The PDS, a fresh account and a connector for it; `None` when the PDS is not
/// configured outside CI (the helper prints the skip line).
async fn setup(test: &str) -> Option<(TestPds, TestAccount, Bluesky)> {
    let pds = TestPds::from_env(test)?;
    let account = pds.create_account().await.expect("create account");
    let bsky = connector(pds.credentials(&account));
    Some((pds, account, bsky))
}

fn connector(creds: Credentials) -> Bluesky {
    Bluesky::new(creds, &ClientOptions::default()).expect("connector")
}

/// `first_attempt_at` with whole milliseconds, as `createdAt` stores it.
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).expect("now")
}

fn request(text: &str) -> PublishRequest {
    PublishRequest {
        text: text.to_string(),
        media: Vec::new(),
        idempotency_key: new_tid(),
        first_attempt_at: now(),
        reply_to: None,
        options: PostOptions::default(),
    }
}

fn rkey(r: &RemoteRef) -> &str {
    r.id.rsplit('/').next().expect("rkey")
}

async fn stored(pds: &TestPds, did: &str, r: &RemoteRef) -> Value {
    pds.get_record(did, POST, rkey(r))
        .await
        .expect("getRecord")
        .expect("the record exists")
}

/// A valid 1×1 PNG (so the PDS sniffs `image/png`).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x56, 0xc7, 0x2f, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn png(alt: &str, width: u32, height: u32) -> MediaBlob {
    MediaBlob {
        bytes: Arc::new(PNG.to_vec()),
        mime: "image/png".into(),
        alt: alt.into(),
        width,
        height,
    }
}

fn reason(e: &ConnectorError) -> String {
    e.to_string()
}

#[tokio::test]
async fn publishes_text_with_facets_at_utf8_byte_offsets() {
    let Some((pds, alice, bsky)) = setup("publishes_text_with_facets_at_utf8_byte_offsets").await
    else {
        return;
    };
    let bob = pds.create_account().await.expect("bob");
    let text = format!(
        "Été 🎉 @{} lisez https://example.com/café (#pas-un-tag) et @nobody-{}.test #fête!",
        bob.handle,
        &rkey_like()[..6]
    );
    let mut req = request(&text);
    req.options.language = Some("fr".into());
    let r = bsky.publish(&req).await.expect("publish");

    assert_eq!(
        r.id,
        format!("at://{}/{POST}/{}", alice.did, req.idempotency_key)
    );
    assert_eq!(
        r.url.as_deref(),
        Some(
            format!(
                "https://bsky.app/profile/{}/post/{}",
                alice.handle, req.idempotency_key
            )
            .as_str()
        )
    );
    let got = stored(&pds, &alice.did, &r).await;
    assert_eq!(got["cid"].as_str(), r.cid.as_deref());
    let value = &got["value"];
    assert_eq!(value["text"], json!(text));
    assert_eq!(value["langs"], json!(["fr"]));
    assert_eq!(
        value["createdAt"],
        json!(req
            .first_attempt_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    );
    let bytes = text.as_bytes();
    let facets: Vec<(String, Value)> = value["facets"]
        .as_array()
        .expect("facets")
        .iter()
        .map(|f| {
            let start = f["index"]["byteStart"].as_u64().expect("byteStart") as usize;
            let end = f["index"]["byteEnd"].as_u64().expect("byteEnd") as usize;
            let span =
                String::from_utf8(bytes[start..end].to_vec()).expect("span on char boundaries");
            (span, f["features"][0].clone())
        })
        .collect();
    assert_eq!(
        facets,
        vec![
            (
                format!("@{}", bob.handle),
                json!({"$type": "app.bsky.richtext.facet#mention", "did": bob.did})
            ),
            (
                "https://example.com/café".to_string(),
                json!({"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/café"})
            ),
            (
                "#fête".to_string(),
                json!({"$type": "app.bsky.richtext.facet#tag", "tag": "fête"})
            ),
        ],
        "the unresolvable mention has no facet; the others mark exactly their bytes"
    );
}

/// Six random base-32 characters.
fn rkey_like() -> String {
    new_tid()[7..].to_string()
}

#[tokio::test]
async fn publishes_images_with_alt_and_aspect_ratio() {
    let Some((pds, alice, bsky)) = setup("publishes_images_with_alt_and_aspect_ratio").await else {
        return;
    };
    let mut req = request("Deux images");
    req.media = vec![
        png("Un carré rouge", 1200, 800),
        png("Sans dimensions", 0, 0),
    ];
    // A link card is ignored when there are images.
    req.options.link_card = Some(LinkCard {
        uri: "https://example.com".into(),
        title: "t".into(),
        description: String::new(),
    });
    let r = bsky.publish(&req).await.expect("publish");
    let records = pds
        .list_records(&alice.did, POST)
        .await
        .expect("listRecords");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["uri"].as_str(), Some(r.id.as_str()));
    let embed = &records[0]["value"]["embed"];
    assert_eq!(embed["$type"], json!("app.bsky.embed.images"));
    let images = embed["images"].as_array().expect("images");
    assert_eq!(images.len(), 2);
    assert_eq!(images[0]["alt"], json!("Un carré rouge"));
    assert_eq!(
        images[0]["aspectRatio"],
        json!({"width": 1200, "height": 800})
    );
    assert_eq!(images[1]["alt"], json!("Sans dimensions"));
    assert!(images[1].get("aspectRatio").is_none());
    let blob = &images[0]["image"];
    assert_eq!(blob["mimeType"], json!("image/png"));
    assert_eq!(blob["size"], json!(PNG.len()));
    // The blob itself is stored and served back.
    let cid = blob["ref"]["$link"].as_str().expect("blob cid");
    let served = reqwest::Client::new()
        .get(format!("{}/xrpc/com.atproto.sync.getBlob", pds.url))
        .query(&[("did", alice.did.as_str()), ("cid", cid)])
        .send()
        .await
        .expect("getBlob");
    assert_eq!(served.status().as_u16(), 200);
    assert_eq!(served.bytes().await.expect("blob bytes").as_ref(), PNG);
}

#[tokio::test]
async fn a_video_or_a_fifth_image_is_rejected_before_anything_is_sent() {
    let Some((pds, alice, bsky)) =
        setup("a_video_or_a_fifth_image_is_rejected_before_anything_is_sent").await
    else {
        return;
    };
    let mut req = request("vidéo");
    req.media = vec![MediaBlob {
        mime: "video/mp4".into(),
        ..png("v", 16, 9)
    }];
    let e = bsky.publish(&req).await.expect_err("video");
    assert!(
        matches!(e, ConnectorError::Rejected { .. }) && reason(&e).contains("video"),
        "{e:?}"
    );
    req.media = vec![png("i", 1, 1); 5];
    let e = bsky.publish(&req).await.expect_err("five images");
    assert!(matches!(e, ConnectorError::Rejected { .. }), "{e:?}");
    assert!(pds
        .list_records(&alice.did, POST)
        .await
        .expect("list")
        .is_empty());
}

#[tokio::test]
async fn thread_replies_carry_root_and_parent_refs() {
    let Some((pds, alice, bsky)) = setup("thread_replies_carry_root_and_parent_refs").await else {
        return;
    };
    let root = bsky.publish(&request("1/3 racine")).await.expect("root");
    let mut second = request("2/3 réponse");
    second.reply_to = Some(ReplyTo {
        root: root.clone(),
        parent: root.clone(),
    });
    let second_ref = bsky.publish(&second).await.expect("second");
    // The worker may only know the URI of a part (no CID): the connector reads it.
    let mut third = request("3/3 fin");
    third.reply_to = Some(ReplyTo {
        root: root.clone(),
        parent: RemoteRef {
            cid: None,
            ..second_ref.clone()
        },
    });
    let third_ref = bsky.publish(&third).await.expect("third");

    let strong = |r: &RemoteRef| json!({"uri": r.id, "cid": r.cid});
    let v2 = stored(&pds, &alice.did, &second_ref).await;
    assert_eq!(
        v2["value"]["reply"],
        json!({"root": strong(&root), "parent": strong(&root)})
    );
    let v3 = stored(&pds, &alice.did, &third_ref).await;
    assert_eq!(
        v3["value"]["reply"],
        json!({"root": strong(&root), "parent": strong(&second_ref)})
    );
    assert!(stored(&pds, &alice.did, &root).await["value"]
        .get("reply")
        .is_none());
}

#[tokio::test]
async fn a_link_card_is_an_external_embed() {
    let Some((pds, alice, bsky)) = setup("a_link_card_is_an_external_embed").await else {
        return;
    };
    let mut req = request("Notre article https://example.com/article");
    req.options.link_card = Some(LinkCard {
        uri: "https://example.com/article".into(),
        title: "Un article".into(),
        description: "Résumé de l'article".into(),
    });
    let r = bsky.publish(&req).await.expect("publish");
    let v = stored(&pds, &alice.did, &r).await;
    assert_eq!(
        v["value"]["embed"],
        json!({
            "$type": "app.bsky.embed.external",
            "external": {
                "uri": "https://example.com/article",
                "title": "Un article",
                "description": "Résumé de l'article",
            }
        })
    );
}

#[tokio::test]
async fn retrying_the_same_post_returns_the_same_record_and_creates_one() {
    let Some((pds, alice, bsky)) =
        setup("retrying_the_same_post_returns_the_same_record_and_creates_one").await
    else {
        return;
    };
    let mut req = request("Une seule fois, avec une image #once");
    req.media = vec![png("image", 2, 1)];
    let first = bsky.publish(&req).await.expect("first attempt");
    let again = bsky.publish(&req).await.expect("retry");
    assert_eq!(again, first);
    // After a restart (a new connector, a new login) it is still recognised.
    let restarted = connector(pds.credentials(&alice));
    assert_eq!(restarted.publish(&req).await.expect("after restart"), first);
    let records = pds
        .list_records(&alice.did, POST)
        .await
        .expect("listRecords");
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0]["uri"].as_str(), Some(first.id.as_str()));
}

/// The PDS answers an identical `putRecord` as a no-op; a retry whose record
/// differs in a detail (here the language; in life a mention that resolves
/// differently) gets `InvalidSwap`, and the connector reads the record back.
#[tokio::test]
async fn a_retry_whose_record_differs_in_a_detail_finds_the_first_post() {
    let Some((pds, alice, bsky)) =
        setup("a_retry_whose_record_differs_in_a_detail_finds_the_first_post").await
    else {
        return;
    };
    let mut req = request("Même texte, même date");
    req.options.language = Some("fr".into());
    let first = bsky.publish(&req).await.expect("first attempt");
    req.options.language = Some("en".into());
    assert_eq!(bsky.publish(&req).await.expect("retry"), first);
    let records = pds.list_records(&alice.did, POST).await.expect("list");
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0]["value"]["langs"],
        json!(["fr"]),
        "the first post is untouched"
    );
}

#[tokio::test]
async fn another_post_under_a_used_record_key_is_rejected() {
    let Some((pds, alice, bsky)) = setup("another_post_under_a_used_record_key_is_rejected").await
    else {
        return;
    };
    let req = request("Le premier");
    let first = bsky.publish(&req).await.expect("first");

    let mut other_text = req.clone();
    other_text.text = "Un autre texte".into();
    let e = bsky.publish(&other_text).await.expect_err("other text");
    assert!(
        matches!(e, ConnectorError::Rejected { .. }) && reason(&e).contains("already used"),
        "{e:?}"
    );
    let mut other_time = req.clone();
    other_time.first_attempt_at = req.first_attempt_at + chrono::Duration::seconds(1);
    let e = bsky.publish(&other_time).await.expect_err("other date");
    assert!(matches!(e, ConnectorError::Rejected { .. }), "{e:?}");

    let records = pds.list_records(&alice.did, POST).await.expect("list");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["value"]["text"], json!("Le premier"));
    assert_eq!(
        records[0]["cid"].as_str(),
        first.cid.as_deref(),
        "the first post is untouched"
    );
}

#[tokio::test]
async fn an_invalid_record_key_is_rejected() {
    let Some((_pds, _alice, bsky)) = setup("an_invalid_record_key_is_rejected").await else {
        return;
    };
    let mut req = request("clé");
    req.idempotency_key = "not-a-tid".into();
    let e = bsky.publish(&req).await.expect_err("publish");
    assert!(matches!(e, ConnectorError::Rejected { .. }), "{e:?}");
    let e = bsky.find(&req).await.expect_err("find");
    assert!(matches!(e, ConnectorError::Rejected { .. }), "{e:?}");
}

#[tokio::test]
async fn find_says_whether_the_post_exists_and_is_ours() {
    let Some((_pds, _alice, bsky)) = setup("find_says_whether_the_post_exists_and_is_ours").await
    else {
        return;
    };
    let req = request("À retrouver");
    assert_eq!(bsky.find(&req).await.expect("find before"), None);
    let r = bsky.publish(&req).await.expect("publish");
    assert_eq!(bsky.find(&req).await.expect("find after"), Some(r));
    let mut other = req.clone();
    other.text = "Pas le même".into();
    let e = bsky.find(&other).await.expect_err("someone else's");
    assert!(matches!(e, ConnectorError::Rejected { .. }), "{e:?}");
}

#[tokio::test]
async fn delete_removes_the_post_and_deleting_again_is_fine() {
    let Some((pds, alice, bsky)) =
        setup("delete_removes_the_post_and_deleting_again_is_fine").await
    else {
        return;
    };
    let keep = bsky.publish(&request("reste")).await.expect("keep");
    let req = request("à supprimer");
    let r = bsky.publish(&req).await.expect("publish");
    bsky.delete(&r).await.expect("delete");
    assert_eq!(
        pds.get_record(&alice.did, POST, rkey(&r))
            .await
            .expect("get"),
        None
    );
    assert_eq!(bsky.find(&req).await.expect("find"), None);
    bsky.delete(&r).await.expect("delete again");
    let records = pds.list_records(&alice.did, POST).await.expect("list");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["uri"].as_str(), Some(keep.id.as_str()));
}

#[tokio::test]
async fn a_wrong_app_password_is_an_auth_error_without_the_password() {
    let Some((pds, alice, _)) =
        setup("a_wrong_app_password_is_an_auth_error_without_the_password").await
    else {
        return;
    };
    let wrong = "wrong-pass-word-1234";
    let bsky = connector(Credentials::Bluesky {
        service: pds.url.clone(),
        identifier: alice.handle.clone(),
        app_password: wrong.into(),
        session: None,
    });
    for e in [
        bsky.verify().await.expect_err("verify"),
        bsky.publish(&request("x")).await.expect_err("publish"),
    ] {
        assert!(matches!(e, ConnectorError::Auth { .. }), "{e:?}");
        let text = reason(&e);
        assert!(
            text.contains(&alice.handle) && !text.contains(wrong),
            "{text}"
        );
    }
    assert!(bsky.updated_credentials().is_none());
}

#[tokio::test]
async fn over_long_text_is_rejected_by_the_pds_with_its_reason() {
    let Some((pds, alice, bsky)) =
        setup("over_long_text_is_rejected_by_the_pds_with_its_reason").await
    else {
        return;
    };
    // 301 graphemes (each "é" is one), 602 bytes: over the lexicon's 300.
    let req = request(&"é".repeat(301));
    let e = bsky.publish(&req).await.expect_err("too long");
    match &e {
        ConnectorError::Rejected { reason } => {
            assert!(
                reason.contains("300") || reason.contains("graphemes"),
                "{reason}"
            )
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert!(pds
        .list_records(&alice.did, POST)
        .await
        .expect("list")
        .is_empty());
    // 300 is fine.
    bsky.publish(&request(&"é".repeat(300)))
        .await
        .expect("300 graphemes");
}

#[tokio::test]
async fn verify_says_who_the_account_is_and_a_stored_session_is_reused() {
    let Some((pds, alice, bsky)) =
        setup("verify_says_who_the_account_is_and_a_stored_session_is_reused").await
    else {
        return;
    };
    let info = bsky.verify().await.expect("verify");
    assert_eq!(
        (info.id.as_str(), info.handle.as_str()),
        (alice.did.as_str(), alice.handle.as_str())
    );
    // The first login is a new session, to be stored.
    let creds = bsky.updated_credentials().expect("a new session to store");
    let Credentials::Bluesky {
        session: Some(session),
        ..
    } = &creds
    else {
        panic!("no session in {creds:?}");
    };
    assert_eq!(session.did, alice.did);
    // Given back, it is used as is: nothing new to store.
    let again = connector(creds.clone());
    again
        .verify()
        .await
        .expect("verify with the stored session");
    again
        .publish(&request("avec la session gardée"))
        .await
        .expect("publish");
    assert!(again.updated_credentials().is_none());
    assert_eq!(
        pds.list_records(&alice.did, POST)
            .await
            .expect("list")
            .len(),
        1
    );
}

/// The stored session with its access token spoiled (a bad signature).
fn spoil_access(creds: &Credentials, refresh_too: bool) -> Credentials {
    let mut creds = creds.clone();
    if let Credentials::Bluesky {
        session: Some(s), ..
    } = &mut creds
    {
        s.access_jwt.truncate(s.access_jwt.len() - 4);
        s.access_jwt.push_str("AAAA");
        if refresh_too {
            s.refresh_jwt.truncate(s.refresh_jwt.len() - 4);
            s.refresh_jwt.push_str("AAAA");
        }
    }
    creds
}

fn session_of(creds: &Credentials) -> relais_connect::BlueskySession {
    match creds {
        Credentials::Bluesky {
            session: Some(s), ..
        } => s.clone(),
        other => panic!("no session in {other:?}"),
    }
}

#[tokio::test]
async fn a_refused_access_token_is_refreshed_and_offered_for_storage() {
    let Some((pds, alice, bsky)) =
        setup("a_refused_access_token_is_refreshed_and_offered_for_storage").await
    else {
        return;
    };
    bsky.verify().await.expect("login");
    let good = bsky.updated_credentials().expect("session");
    let spoiled = spoil_access(&good, false);

    // With a wrong app password, only the refresh token can renew the session.
    let renewed = connector(with_password(&spoiled, "no-longer-valid"));
    let r = renewed
        .publish(&request("après rafraîchissement"))
        .await
        .expect("publish");
    let new_creds = renewed
        .updated_credentials()
        .expect("the renewed session is offered");
    let new = session_of(&new_creds);
    assert_ne!(new.access_jwt, session_of(&spoiled).access_jwt);
    assert_eq!(new.did, alice.did);
    assert_eq!(
        stored(&pds, &alice.did, &r).await["value"]["text"],
        json!("après rafraîchissement")
    );
    // The renewed session works on its own.
    let reused = connector(new_creds);
    reused
        .verify()
        .await
        .expect("verify with the renewed session");
    assert!(reused.updated_credentials().is_none());

    // With the refresh token spoiled too, the connector logs in again with
    // the app password; with a wrong one, that is an Auth error.
    let e = connector(with_password(&spoil_access(&good, true), "no-longer-valid"))
        .publish(&request("jamais"))
        .await
        .expect_err("no way in");
    assert!(matches!(e, ConnectorError::Auth { .. }), "{e:?}");
    let relogin = connector(spoil_access(&good, true));
    relogin
        .publish(&request("après nouvelle connexion"))
        .await
        .expect("publish");
    let relogged = session_of(&relogin.updated_credentials().expect("new session"));
    assert_ne!(relogged.refresh_jwt, session_of(&good).refresh_jwt);
    let texts: Vec<Value> = pds
        .list_records(&alice.did, POST)
        .await
        .expect("list")
        .iter()
        .map(|r| r["value"]["text"].clone())
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
}

fn with_password(creds: &Credentials, password: &str) -> Credentials {
    let mut creds = creds.clone();
    if let Credentials::Bluesky { app_password, .. } = &mut creds {
        *app_password = password.to_string();
    }
    creds
}

#[tokio::test]
async fn counts_without_an_appview_are_unknown_not_an_error() {
    let Some((_pds, _alice, bsky)) =
        setup("counts_without_an_appview_are_unknown_not_an_error").await
    else {
        return;
    };
    let r = bsky.publish(&request("compte")).await.expect("publish");
    let counts = bsky.counts(&r).await.expect("counts");
    // The local PDS has no AppView: nothing is known, and nothing is invented.
    assert_eq!(counts, relais_connect::Counts::default());
}
