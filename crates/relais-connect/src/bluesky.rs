//! The Bluesky connector: AT Protocol XRPC calls as raw JSON over reqwest.
//!
//! A post is created with `com.atproto.repo.putRecord` under a record key
//! chosen by relais (a TID stored before the first attempt) and with
//! `swapRecord: null`, so the server creates it only if the key is free and
//! answers a clean 400 `InvalidSwap` otherwise. The record (text, `createdAt` =
//! the first attempt, facets, embed) is rebuilt identically on every retry; on
//! `InvalidSwap` the stored record is read back and accepted only if it is
//! ours. `createRecord` is never used: a duplicate key there answers 500.
//!
//! Sessions: `createSession` with the app password, kept and reused;
//! `refreshSession` when the access token is refused, and a new login when the
//! refresh token is refused too. A refreshed session is offered back through
//! [`Connector::updated_credentials`].

pub mod facets;
mod record;
pub mod tid;

use crate::{
    http, AccountInfo, BlueskySession, ClientOptions, Connector, ConnectorError, Counts,
    Credentials, MediaBlob, PublishRequest, RateLimit, RemoteRef, Result,
};
use async_trait::async_trait;
use chrono::Utc;
use record::{StrongRef, POST};
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The public service used when none is configured.
pub const DEFAULT_SERVICE: &str = "https://bsky.social";
/// Images per post (`app.bsky.embed.images`).
pub const MAX_IMAGES: usize = 4;
/// Bytes per image (`app.bsky.embed.images#image` `maxSize`).
pub const MAX_IMAGE_BYTES: usize = 1_000_000;

/// A Bluesky account on a PDS, reached with a handle and an app password.
pub struct Bluesky {
    service: String,
    identifier: String,
    app_password: String,
    client: reqwest::Client,
    state: Mutex<State>,
    /// Serialises logins and refreshes so concurrent calls do not each log in.
    renewing: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    session: Option<BlueskySession>,
    /// The session differs from the one in the credentials given at creation.
    changed: bool,
    rate: Option<RateLimit>,
}

impl std::fmt::Debug for Bluesky {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bluesky")
            .field("service", &self.service)
            .field("identifier", &self.identifier)
            .finish_non_exhaustive()
    }
}

/// One XRPC answer, its body parsed as JSON (`Null` when it is not JSON).
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Reply {
    fn ok(&self) -> bool {
        self.status.is_success()
    }

    /// The XRPC error name (`InvalidSwap`, `ExpiredToken`, …).
    fn error_name(&self) -> &str {
        self.body.get("error").and_then(Value::as_str).unwrap_or("")
    }

    fn message(&self) -> &str {
        self.body
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// `Name: message` as the server said it (never one of our secrets).
    fn detail(&self) -> String {
        match (self.error_name(), self.message()) {
            ("", m) => m.to_string(),
            (e, "") => e.to_string(),
            (e, m) => format!("{e}: {m}"),
        }
    }

    fn into_error(self) -> ConnectorError {
        http::status(self.status, &self.headers, &self.detail())
    }

    /// The access token was refused (expired, unverifiable, revoked): a
    /// refresh or a new login may fix it, and nothing was applied.
    fn token_refused(&self) -> bool {
        self.status == StatusCode::UNAUTHORIZED
            || (self.status == StatusCode::BAD_REQUEST
                && matches!(self.error_name(), "ExpiredToken" | "InvalidToken"))
    }

    fn str_field(&self, name: &str) -> Option<String> {
        self.body
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    }
}

fn unexpected(call: &str) -> ConnectorError {
    ConnectorError::Rejected {
        reason: format!("unexpected answer from the Bluesky server to {call}"),
    }
}

fn parse_session(body: &Value) -> Option<BlueskySession> {
    let s = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
    Some(BlueskySession {
        did: s("did")?,
        handle: s("handle")?,
        access_jwt: s("accessJwt")?,
        refresh_jwt: s("refreshJwt")?,
    })
}

/// `at://did/collection/rkey` → its three parts.
fn split_at_uri(uri: &str) -> Result<(&str, &str, &str)> {
    let parts = uri
        .strip_prefix("at://")
        .map(|rest| rest.split('/').collect::<Vec<_>>());
    match parts.as_deref() {
        Some([did, collection, rkey]) if !did.is_empty() && !rkey.is_empty() => {
            Ok((did, collection, rkey))
        }
        _ => Err(ConnectorError::Rejected {
            reason: format!("not a Bluesky record address: {uri}"),
        }),
    }
}

fn check_key(key: &str) -> Result<()> {
    if tid::is_valid(key) {
        Ok(())
    } else {
        Err(ConnectorError::Rejected {
            reason: format!(
                "the record key {key:?} is not a TID (13 characters of base32-sortable)"
            ),
        })
    }
}

fn check_media(media: &[MediaBlob]) -> Result<()> {
    if media.len() > MAX_IMAGES {
        return Err(ConnectorError::Rejected {
            reason: format!(
                "Bluesky takes at most {MAX_IMAGES} images per post; this one has {}",
                media.len()
            ),
        });
    }
    for (i, m) in media.iter().enumerate() {
        let n = i + 1;
        if m.mime.starts_with("video/") {
            return Err(ConnectorError::Rejected {
                reason: format!(
                    "media {n} is a video; relais does not publish videos on Bluesky yet"
                ),
            });
        }
        if !m.mime.starts_with("image/") {
            return Err(ConnectorError::Rejected {
                reason: format!("media {n} ({}) is not an image", m.mime),
            });
        }
        if m.bytes.len() > MAX_IMAGE_BYTES {
            return Err(ConnectorError::Rejected {
                reason: format!(
                    "image {n} weighs {} bytes; Bluesky takes at most {MAX_IMAGE_BYTES} bytes per image",
                    m.bytes.len()
                ),
            });
        }
    }
    Ok(())
}

/// Lenient count field of `app.bsky.feed.defs#postView`.
fn count(post: &Value, field: &str) -> Option<u64> {
    post.get(field).and_then(Value::as_u64)
}

impl Bluesky {
    /// A connector for `Credentials::Bluesky`; reuses the stored session if any.
    /// Nothing is sent before the first call.
    pub fn new(creds: Credentials, options: &ClientOptions) -> Result<Self> {
        match creds {
            Credentials::Bluesky {
                service,
                identifier,
                app_password,
                session,
            } => {
                let service = service.trim().trim_end_matches('/');
                let service = if service.is_empty() {
                    DEFAULT_SERVICE
                } else {
                    service
                };
                if !(service.starts_with("https://") || service.starts_with("http://")) {
                    return Err(ConnectorError::Rejected {
                        reason: format!(
                            "the Bluesky server address {service:?} is not an http(s) URL"
                        ),
                    });
                }
                Ok(Bluesky {
                    service: service.to_string(),
                    identifier: identifier.trim().trim_start_matches('@').to_string(),
                    app_password,
                    client: http::client(options)?,
                    state: Mutex::new(State {
                        session,
                        ..State::default()
                    }),
                    renewing: tokio::sync::Mutex::new(()),
                })
            }
            Credentials::Mastodon { .. } => Err(ConnectorError::Rejected {
                reason: "Mastodon credentials given to the Bluesky connector".into(),
            }),
        }
    }

    /// The public web address of the post `rkey` of `handle`.
    pub fn post_url(handle: &str, rkey: &str) -> String {
        format!("https://bsky.app/profile/{handle}/post/{rkey}")
    }

    fn xrpc(&self, nsid: &str) -> String {
        format!("{}/xrpc/{nsid}", self.service)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn current(&self) -> Option<BlueskySession> {
        self.state().session.clone()
    }

    fn store(&self, session: BlueskySession) {
        let mut st = self.state();
        if st.session.as_ref() != Some(&session) {
            st.session = Some(session);
            st.changed = true;
        }
    }

    fn observe_rate(&self, headers: &HeaderMap) {
        let get = |n: &str| {
            headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<i64>().ok())
        };
        if let (Some(remaining), Some(reset)) = (get("ratelimit-remaining"), get("ratelimit-reset"))
        {
            let reset_at = if reset > 1_000_000_000 {
                chrono::DateTime::from_timestamp(reset, 0)
            } else {
                Some(Utc::now() + chrono::Duration::seconds(reset.max(0)))
            };
            if let Some(reset_at) = reset_at {
                self.state().rate = Some(RateLimit {
                    remaining: u64::try_from(remaining).unwrap_or(0),
                    reset_at,
                });
            }
        }
    }

    /// Sends one request. `writes`: whether a lost answer may hide a created
    /// post (then the error is `Unconfirmed`).
    async fn send(&self, rb: RequestBuilder, writes: bool) -> Result<Reply> {
        let resp = rb.send().await.map_err(|e| http::transport(&e, writes))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        self.observe_rate(&headers);
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| http::transport(&e, writes))?;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// Sends a request with the session's access token; when the token is
    /// refused, renews the session once and sends it again.
    async fn authed<F>(&self, writes: bool, build: F) -> Result<Reply>
    where
        F: Fn() -> RequestBuilder,
    {
        let session = self.session().await?;
        let reply = self
            .send(build().bearer_auth(&session.access_jwt), writes)
            .await?;
        if !reply.token_refused() {
            return Ok(reply);
        }
        tracing::debug!(did = %session.did, error = reply.error_name(), "bluesky: access token refused, renewing the session");
        let session = self.renew(&session).await?;
        self.send(build().bearer_auth(&session.access_jwt), writes)
            .await
    }

    /// The current session, logging in when there is none.
    async fn session(&self) -> Result<BlueskySession> {
        if let Some(s) = self.current() {
            return Ok(s);
        }
        let _guard = self.renewing.lock().await;
        if let Some(s) = self.current() {
            return Ok(s);
        }
        let s = self.create_session().await?;
        self.store(s.clone());
        Ok(s)
    }

    /// A new session after `stale`'s access token was refused: refreshed with
    /// the refresh token, else a new login.
    async fn renew(&self, stale: &BlueskySession) -> Result<BlueskySession> {
        let _guard = self.renewing.lock().await;
        if let Some(s) = self.current() {
            if s.access_jwt != stale.access_jwt {
                return Ok(s); // another call renewed it meanwhile
            }
        }
        let s = match self.refresh_session(stale).await {
            Ok(s) => s,
            Err(e @ ConnectorError::Retryable { .. }) => return Err(e),
            Err(e) => {
                tracing::debug!(did = %stale.did, error = %e, "bluesky: refresh refused, logging in again");
                self.create_session().await?
            }
        };
        self.store(s.clone());
        Ok(s)
    }

    async fn create_session(&self) -> Result<BlueskySession> {
        let rb = self
            .client
            .post(self.xrpc("com.atproto.server.createSession"))
            .json(&json!({ "identifier": self.identifier, "password": self.app_password }));
        let reply = self.send(rb, false).await?;
        if reply.ok() {
            return parse_session(&reply.body).ok_or_else(|| unexpected("createSession"));
        }
        match reply.status.as_u16() {
            400 | 401 | 403 => Err(ConnectorError::Auth {
                reason: format!(
                    "{} refused the login of {} ({}); check the handle and the app password",
                    self.service,
                    self.identifier,
                    reply.detail()
                ),
            }),
            _ => Err(reply.into_error()),
        }
    }

    async fn refresh_session(&self, stale: &BlueskySession) -> Result<BlueskySession> {
        let rb = self
            .client
            .post(self.xrpc("com.atproto.server.refreshSession"))
            .bearer_auth(&stale.refresh_jwt);
        let reply = self.send(rb, false).await?;
        if reply.ok() {
            parse_session(&reply.body).ok_or_else(|| unexpected("refreshSession"))
        } else {
            Err(reply.into_error())
        }
    }

    /// `com.atproto.repo.getRecord`: `Ok(None)` when the record does not exist.
    async fn get_record(&self, did: &str, collection: &str, rkey: &str) -> Result<Option<Reply>> {
        let rb = self
            .client
            .get(self.xrpc("com.atproto.repo.getRecord"))
            .query(&[("repo", did), ("collection", collection), ("rkey", rkey)]);
        let reply = self.send(rb, false).await?;
        if reply.ok() {
            Ok(Some(reply))
        } else if reply.error_name() == "RecordNotFound"
            || (reply.status == StatusCode::BAD_REQUEST
                && reply.message().contains("Could not locate record"))
        {
            Ok(None)
        } else {
            Err(reply.into_error())
        }
    }

    /// The reference of our post `rkey` read back, or `Rejected` if the key
    /// holds someone else's record. `Ok(None)`: no record under that key.
    async fn find_ours(
        &self,
        session: &BlueskySession,
        req: &PublishRequest,
    ) -> Result<Option<RemoteRef>> {
        let rkey = &req.idempotency_key;
        let Some(found) = self.get_record(&session.did, POST, rkey).await? else {
            return Ok(None);
        };
        let value = found.body.get("value").cloned().unwrap_or(Value::Null);
        if !record::is_ours(&value, &req.text, &record::created_at(req.first_attempt_at)) {
            return Err(ConnectorError::Rejected {
                reason: format!(
                    "record key {rkey} already used by another post (different text or date)"
                ),
            });
        }
        let uri = found
            .str_field("uri")
            .unwrap_or_else(|| format!("at://{}/{POST}/{rkey}", session.did));
        Ok(Some(RemoteRef {
            id: uri,
            cid: found.str_field("cid"),
            url: Some(Self::post_url(&session.handle, rkey)),
        }))
    }

    /// `did` of a handle, `None` when it does not resolve.
    async fn resolve_handle(&self, handle: &str) -> Result<Option<String>> {
        let rb = self
            .client
            .get(self.xrpc("com.atproto.identity.resolveHandle"))
            .query(&[("handle", handle)]);
        let reply = self.send(rb, false).await?;
        if reply.ok() {
            return Ok(reply.str_field("did"));
        }
        match reply.status.as_u16() {
            408 | 425 | 429 | 500..=599 => Err(reply.into_error()),
            _ => Ok(None),
        }
    }

    /// The record facets of `text`, mentions resolved (an unresolvable
    /// mention gets none).
    async fn facets(&self, text: &str) -> Result<Vec<Value>> {
        let mut dids: HashMap<String, Option<String>> = HashMap::new();
        let mut out = Vec::new();
        for c in facets::detect(text) {
            let did = match &c.feature {
                facets::Feature::Mention { handle } => {
                    if !dids.contains_key(handle) {
                        let did = self.resolve_handle(handle).await?;
                        dids.insert(handle.clone(), did);
                    }
                    dids.get(handle).cloned().flatten()
                }
                _ => None,
            };
            out.extend(record::facet(&c, did.as_deref()));
        }
        Ok(out)
    }

    /// A strong reference to a post; reads its CID when relais lacks it.
    async fn strong_ref(&self, post: &RemoteRef) -> Result<StrongRef> {
        if let Some(cid) = &post.cid {
            return Ok(StrongRef {
                uri: post.id.clone(),
                cid: cid.clone(),
            });
        }
        let (did, collection, rkey) = split_at_uri(&post.id)?;
        match self.get_record(did, collection, rkey).await? {
            Some(found) => match found.str_field("cid") {
                Some(cid) => Ok(StrongRef {
                    uri: post.id.clone(),
                    cid,
                }),
                None => Err(unexpected("getRecord")),
            },
            None => Err(ConnectorError::Rejected {
                reason: format!("the post replied to no longer exists: {}", post.id),
            }),
        }
    }

    /// Uploads one image; returns the blob object to put in the record.
    async fn upload(&self, media: &MediaBlob) -> Result<Value> {
        let url = self.xrpc("com.atproto.repo.uploadBlob");
        // An upload creates nothing visible (an unused blob is collected), so
        // a lost answer is a plain retry.
        let reply = self
            .authed(false, || {
                self.client
                    .post(&url)
                    .header(CONTENT_TYPE, media.mime.as_str())
                    .body(media.bytes.as_ref().clone())
            })
            .await?;
        if !reply.ok() {
            return Err(reply.into_error());
        }
        reply
            .body
            .get("blob")
            .filter(|b| b.is_object())
            .cloned()
            .ok_or_else(|| unexpected("uploadBlob"))
    }
}

#[async_trait]
impl Connector for Bluesky {
    fn network(&self) -> relais_core::Network {
        relais_core::Network::Bluesky
    }

    async fn verify(&self) -> Result<AccountInfo> {
        let url = self.xrpc("com.atproto.server.getSession");
        let reply = self.authed(false, || self.client.get(&url)).await?;
        if !reply.ok() {
            return Err(reply.into_error());
        }
        let (Some(did), Some(handle)) = (reply.str_field("did"), reply.str_field("handle")) else {
            return Err(unexpected("getSession"));
        };
        if let Some(mut s) = self.current() {
            if s.handle != handle && s.did == did {
                s.handle = handle.clone();
                self.store(s);
            }
        }
        Ok(AccountInfo { id: did, handle })
    }

    async fn publish(&self, req: &PublishRequest) -> Result<RemoteRef> {
        check_key(&req.idempotency_key)?;
        check_media(&req.media)?;
        let session = self.session().await?;
        let reply = match &req.reply_to {
            Some(r) => Some((
                self.strong_ref(&r.root).await?,
                self.strong_ref(&r.parent).await?,
            )),
            None => None,
        };
        let embed = if req.media.is_empty() {
            req.options.link_card.as_ref().map(record::external_embed)
        } else {
            let mut images = Vec::with_capacity(req.media.len());
            for m in &req.media {
                let blob = self.upload(m).await?;
                images.push(record::image(blob, &m.alt, m.width, m.height));
            }
            Some(record::images_embed(images))
        };
        let post = record::Post {
            text: req.text.clone(),
            created_at: record::created_at(req.first_attempt_at),
            facets: self.facets(&req.text).await?,
            langs: req.options.language.iter().cloned().collect(),
            reply,
            embed,
        };
        let body = json!({
            "repo": session.did,
            "collection": POST,
            "rkey": req.idempotency_key,
            "record": post.to_json(),
            "swapRecord": null,
        });
        let url = self.xrpc("com.atproto.repo.putRecord");
        let reply = self
            .authed(true, || self.client.post(&url).json(&body))
            .await?;
        if reply.ok() {
            return match (reply.str_field("uri"), reply.str_field("cid")) {
                (Some(uri), Some(cid)) => Ok(RemoteRef {
                    id: uri,
                    cid: Some(cid),
                    url: Some(Self::post_url(&session.handle, &req.idempotency_key)),
                }),
                _ => Err(ConnectorError::Unconfirmed {
                    reason: "putRecord succeeded without saying the record's address".into(),
                }),
            };
        }
        if reply.error_name() != "InvalidSwap" {
            return Err(reply.into_error());
        }
        // The key is taken: by this very post (an earlier attempt whose answer
        // was lost) or by another record.
        match self.find_ours(&session, req).await? {
            Some(found) => {
                tracing::info!(uri = %found.id, "bluesky: the post already existed (earlier attempt)");
                Ok(found)
            }
            None => Err(ConnectorError::Retryable {
                reason: format!(
                    "record key {} was taken and then freed while checking",
                    req.idempotency_key
                ),
                retry_after: None,
                status: None,
            }),
        }
    }

    async fn find(&self, req: &PublishRequest) -> Result<Option<RemoteRef>> {
        check_key(&req.idempotency_key)?;
        let session = self.session().await?;
        self.find_ours(&session, req).await
    }

    async fn delete(&self, post: &RemoteRef) -> Result<()> {
        let (did, collection, rkey) = split_at_uri(&post.id)?;
        let body = json!({ "repo": did, "collection": collection, "rkey": rkey });
        let url = self.xrpc("com.atproto.repo.deleteRecord");
        let reply = self
            .authed(false, || self.client.post(&url).json(&body))
            .await?;
        if reply.ok() || reply.error_name() == "RecordNotFound" {
            Ok(())
        } else {
            Err(reply.into_error())
        }
    }

    /// Read through `app.bsky.feed.getPosts`, which the PDS forwards to its
    /// AppView. A server without one (a bare PDS, as in tests) says so: the
    /// counts are then unknown (all `None`), not an error. An AppView that is
    /// configured but failing is a retryable error.
    async fn counts(&self, post: &RemoteRef) -> Result<Counts> {
        let url = self.xrpc("app.bsky.feed.getPosts");
        let uri = post.id.clone();
        let reply = self
            .authed(false, || self.client.get(&url).query(&[("uris", &uri)]))
            .await?;
        if reply.ok() {
            let Some(p) = reply
                .body
                .get("posts")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
            else {
                return Ok(Counts::default());
            };
            return Ok(Counts {
                likes: count(p, "likeCount"),
                reposts: count(p, "repostCount"),
                replies: count(p, "replyCount"),
                quotes: count(p, "quoteCount"),
            });
        }
        // A bare PDS: 400 "No service configured for app.bsky.feed.getPosts"
        // (@atproto/pds 0.5); other servers: 404/501 or a "not implemented" error.
        let unsupported = matches!(reply.status.as_u16(), 404 | 501)
            || matches!(
                reply.error_name(),
                "MethodNotImplemented" | "XRPCNotSupported" | "NotImplemented"
            )
            || (reply.status == StatusCode::BAD_REQUEST
                && reply.message().starts_with("No service configured"));
        if unsupported {
            tracing::debug!(
                status = reply.status.as_u16(),
                "bluesky: no AppView behind this server, counts unknown"
            );
            Ok(Counts::default())
        } else {
            Err(reply.into_error())
        }
    }

    fn rate_limit(&self) -> Option<RateLimit> {
        self.state().rate
    }

    fn updated_credentials(&self) -> Option<Credentials> {
        let st = self.state();
        if !st.changed {
            return None;
        }
        Some(Credentials::Bluesky {
            service: self.service.clone(),
            identifier: self.identifier.clone(),
            app_password: self.app_password.clone(),
            session: st.session.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn image(mime: &str, len: usize) -> MediaBlob {
        MediaBlob {
            bytes: Arc::new(vec![0; len]),
            mime: mime.into(),
            alt: String::new(),
            width: 1,
            height: 1,
        }
    }

    fn rejected(r: Result<()>) -> String {
        match r {
            Err(ConnectorError::Rejected { reason }) => reason,
            other => panic!("expected Rejected, got {other:?}"),
        }
    }

    #[test]
    fn media_limits_are_checked_before_sending() {
        assert!(check_media(&[]).is_ok());
        assert!(check_media(&vec![image("image/png", 10); 4]).is_ok());
        assert!(rejected(check_media(&vec![image("image/png", 10); 5])).contains("at most 4"));
        assert!(rejected(check_media(&[image("video/mp4", 10)])).contains("video"));
        assert!(rejected(check_media(&[image("application/pdf", 10)])).contains("not an image"));
        assert!(
            rejected(check_media(&[image("image/jpeg", MAX_IMAGE_BYTES + 1)])).contains("bytes")
        );
    }

    #[test]
    fn record_keys_must_be_tids() {
        assert!(check_key("3jzfcijpj2z2a").is_ok());
        assert!(rejected(check_key("self")).contains("TID"));
        assert!(check_key("3jzfcijpj2z2A").is_err());
    }

    #[test]
    fn at_uris_split_into_repo_collection_and_key() {
        assert_eq!(
            split_at_uri("at://did:plc:abc/app.bsky.feed.post/3jzfcijpj2z2a").ok(),
            Some(("did:plc:abc", "app.bsky.feed.post", "3jzfcijpj2z2a"))
        );
        for bad in [
            "",
            "https://bsky.app/x",
            "at://did:plc:abc",
            "at://did/a/b/c",
            "at:///a/b",
        ] {
            assert!(split_at_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_bluesky_credentials_are_accepted() {
        let opts = ClientOptions::default();
        let m = Credentials::Mastodon {
            instance: "https://m.example".into(),
            access_token: "secret".into(),
        };
        assert!(matches!(
            Bluesky::new(m, &opts),
            Err(ConnectorError::Rejected { .. })
        ));
        let b = Credentials::Bluesky {
            service: String::new(),
            identifier: "@alice.test".into(),
            app_password: "p".into(),
            session: None,
        };
        let c = Bluesky::new(b, &opts).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.service, DEFAULT_SERVICE);
        assert_eq!(c.identifier, "alice.test");
        assert!(c.updated_credentials().is_none());
        assert!(!format!("{c:?}").contains("\"p\""));
    }

    #[test]
    fn refused_tokens_are_recognised() {
        let reply = |status: u16, error: &str| Reply {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            headers: HeaderMap::new(),
            body: json!({ "error": error, "message": "m" }),
        };
        assert!(reply(400, "ExpiredToken").token_refused());
        assert!(reply(400, "InvalidToken").token_refused());
        assert!(reply(401, "AuthenticationRequired").token_refused());
        assert!(!reply(400, "InvalidRequest").token_refused());
        assert!(!reply(400, "InvalidSwap").token_refused());
        assert!(!reply(403, "Forbidden").token_refused());
        assert_eq!(reply(400, "InvalidSwap").detail(), "InvalidSwap: m");
    }
}
