//! The Mastodon connector: statuses, media and OAuth over the REST API.
//!
//! Behaviour relied on, from the Mastodon documentation
//! (<https://docs.joinmastodon.org>, repository `mastodon/documentation`):
//! - `methods/statuses`: `POST /api/v1/statuses` honours an `Idempotency-Key`
//!   header, "stored for up to 1 hour"; statuses come back with their text as
//!   HTML (`content`).
//! - `methods/media`: `POST /api/v2/media` answers 200 when the file was
//!   processed, 202 (with `url: null`) while it is still processing; then
//!   `GET /api/v1/media/:id` answers 206 until processing ends, then 200.
//! - `api/rate-limits`: every answer carries `X-RateLimit-Limit`,
//!   `X-RateLimit-Remaining` and `X-RateLimit-Reset` (an ISO 8601 date); past
//!   the budget the server answers 429.
//!
//! The access token only ever travels in the `Authorization` header (marked
//! sensitive by reqwest) and never enters an error or a log line.

pub(crate) mod html;
mod multipart;
mod oauth;

pub use oauth::{authorize_url, exchange_code, register_app, AppRegistration, SCOPES};

use crate::{
    http, AccountInfo, ClientOptions, Connector, ConnectorError, Counts, Credentials, MediaBlob,
    PublishRequest, RateLimit, RemoteRef, Result,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long after `first_attempt_at` `publish` trusts the server's
/// idempotency alone. Mastodon keeps a key "for up to 1 hour"; past this margin
/// `publish` first looks for the status with [`Connector::find`] so a late retry
/// cannot create a second status once the key is forgotten.
pub const IDEMPOTENCY_TRUST: Duration = Duration::from_secs(50 * 60);

/// `find` looks at statuses created from this long before `first_attempt_at`
/// (clocks of relais and the instance may disagree a little).
const FIND_CLOCK_SLACK: Duration = Duration::from_secs(60);
/// The documented maximum of `limit` on `GET /api/v1/accounts/:id/statuses`.
const FIND_PAGE: usize = 40;
/// `find` gives up (with a retryable error, never a "not found") after this
/// many pages without reaching the start of its window.
const FIND_MAX_PAGES: usize = 50;

/// How `publish` waits for media that the instance processes asynchronously.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaPolling {
    /// The wait before the first `GET /api/v1/media/:id`; it grows by half at
    /// each poll, up to `max_interval`.
    pub first_interval: Duration,
    pub max_interval: Duration,
    /// Past this, the publication fails as retryable (nothing was posted).
    pub deadline: Duration,
}

impl Default for MediaPolling {
    fn default() -> Self {
        MediaPolling {
            first_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(5),
            deadline: Duration::from_secs(120),
        }
    }
}

/// A Mastodon account reached with an OAuth access token.
pub struct Mastodon {
    instance: Instance,
    token: String,
    client: reqwest::Client,
    rate: Mutex<Option<RateLimit>>,
    media_polling: MediaPolling,
}

/// Never prints the token.
impl std::fmt::Debug for Mastodon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mastodon")
            .field("instance", &self.instance.base)
            .finish_non_exhaustive()
    }
}

/// An instance address, normalised: `https://host[:port]` without a trailing
/// slash, and the host part used in handles.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub(crate) base: String,
    pub(crate) host: String,
}

impl Instance {
    /// Accepts `https://example.social`, `example.social` (https assumed) and
    /// `http://127.0.0.1:PORT` (tests).
    pub(crate) fn parse(instance: &str) -> Result<Instance> {
        let trimmed = instance.trim();
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_string()
        } else {
            format!("https://{trimmed}")
        };
        let invalid = || ConnectorError::Rejected {
            reason: format!("invalid Mastodon instance address: {trimmed:?}"),
        };
        let url = url::Url::parse(&with_scheme).map_err(|_| invalid())?;
        if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() {
            return Err(invalid());
        }
        let host = url.host_str().ok_or_else(invalid)?.to_string();
        let host = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        };
        let path = url.path().trim_end_matches('/');
        Ok(Instance {
            base: format!("{}://{host}{path}", url.scheme()),
            host,
        })
    }

    pub(crate) fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// One HTTP answer, read whole.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    /// The answer as an error unless it is a success.
    pub(crate) fn ok(self) -> Result<Answer> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(http::status(
                self.status,
                &self.headers,
                &error_detail(&self.body),
            ))
        }
    }

    /// The JSON body; an unreadable success is `Unconfirmed` for a write (it
    /// may have been applied: reconcile) and retryable otherwise.
    pub(crate) fn json<T: DeserializeOwned>(&self, writes: bool) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| {
            let reason = format!("unexpected answer (HTTP {}): {e}", self.status.as_u16());
            if writes {
                ConnectorError::Unconfirmed { reason }
            } else {
                ConnectorError::Retryable {
                    reason,
                    retry_after: None,
                    status: Some(self.status.as_u16()),
                }
            }
        })
    }
}

/// The server's own message: Mastodon answers `{"error": "..."}` (OAuth
/// endpoints add `error_description`). Bodies that are not JSON (a proxy's
/// HTML page) are summarised, not copied.
pub(crate) fn error_detail(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct ErrorBody {
        #[serde(default)]
        error: Option<String>,
        #[serde(default)]
        error_description: Option<String>,
    }
    if let Ok(e) = serde_json::from_slice::<ErrorBody>(body) {
        if let Some(d) = e.error_description.filter(|d| !d.is_empty()) {
            return d;
        }
        if let Some(e) = e.error {
            return e;
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() || text.starts_with('<') {
        String::new()
    } else {
        http::truncate(text, 200)
    }
}

/// Sends a request and reads the whole answer. Transport failures are
/// classified with `writes` (see [`http::transport`]).
pub(crate) async fn send(rb: reqwest::RequestBuilder, writes: bool) -> Result<Answer> {
    let resp = rb.send().await.map_err(|e| http::transport(&e, writes))?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .bytes()
        .await
        .map_err(|e| http::transport(&e, writes))?
        .to_vec();
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// The rate-limit state of an answer (`X-RateLimit-Remaining` and
/// `X-RateLimit-Reset`, an ISO 8601 date on Mastodon).
fn rate_limit_of(headers: &HeaderMap) -> Option<RateLimit> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let remaining = get("x-ratelimit-remaining")?.trim().parse::<u64>().ok()?;
    let reset_at = DateTime::parse_from_rfc3339(get("x-ratelimit-reset")?.trim())
        .ok()?
        .with_timezone(&Utc);
    Some(RateLimit {
        remaining,
        reset_at,
    })
}

/// The fields of a Status entity we read.
#[derive(Debug, Deserialize)]
struct StatusJson {
    id: String,
    created_at: DateTime<Utc>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    content: String,
    #[serde(default)]
    spoiler_text: String,
    #[serde(default)]
    in_reply_to_id: Option<String>,
    #[serde(default)]
    media_attachments: Vec<serde_json::Value>,
    #[serde(default)]
    reblog: Option<serde_json::Value>,
    #[serde(default)]
    favourites_count: Option<u64>,
    #[serde(default)]
    reblogs_count: Option<u64>,
    #[serde(default)]
    replies_count: Option<u64>,
    #[serde(default)]
    quotes_count: Option<u64>,
}

impl StatusJson {
    fn remote_ref(&self) -> RemoteRef {
        RemoteRef {
            id: self.id.clone(),
            cid: None,
            url: self.url.clone().or_else(|| self.uri.clone()),
        }
    }
}

#[derive(Debug, Deserialize)]
struct AccountJson {
    id: String,
    username: String,
}

#[derive(Debug, Deserialize)]
struct MediaJson {
    id: String,
    #[serde(default)]
    url: Option<String>,
}

/// The body of `POST /api/v1/statuses` (sent as JSON, which Mastodon accepts
/// for every form parameter).
#[derive(Debug, Serialize)]
struct NewStatus<'a> {
    status: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    media_ids: Vec<String>,
    visibility: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    spoiler_text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_reply_to_id: Option<&'a str>,
}

/// Ids the connector puts in a URL path: Mastodon ids are numeric strings;
/// anything else is refused rather than escaped.
fn path_id(id: &str) -> Result<&str> {
    if !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        Ok(id)
    } else {
        Err(ConnectorError::Rejected {
            reason: format!("not a Mastodon id: {:?}", http::truncate(id, 70)),
        })
    }
}

impl Mastodon {
    /// A connector for `Credentials::Mastodon`; other credentials are refused.
    pub fn new(creds: Credentials, options: &ClientOptions) -> Result<Self> {
        match creds {
            Credentials::Mastodon {
                instance,
                access_token,
            } => Ok(Mastodon {
                instance: Instance::parse(&instance)?,
                token: access_token,
                client: http::client(options)?,
                rate: Mutex::new(None),
                media_polling: MediaPolling::default(),
            }),
            Credentials::Bluesky { .. } => Err(ConnectorError::Rejected {
                reason: "Bluesky credentials given to the Mastodon connector".into(),
            }),
        }
    }

    /// Changes how long and how often `publish` waits for media processing.
    pub fn with_media_polling(mut self, polling: MediaPolling) -> Self {
        self.media_polling = polling;
        self
    }

    /// The normalised instance address (`https://example.social`).
    pub fn instance(&self) -> &str {
        &self.instance.base
    }

    /// Sends an authenticated request, records the rate-limit headers and
    /// turns an error status into a classified error.
    async fn call(&self, rb: reqwest::RequestBuilder, writes: bool) -> Result<Answer> {
        let answer = send(rb.bearer_auth(&self.token), writes).await?;
        if let Some(rl) = rate_limit_of(&answer.headers) {
            if let Ok(mut last) = self.rate.lock() {
                *last = Some(rl);
            }
        }
        Ok(answer)
    }

    async fn account(&self) -> Result<AccountJson> {
        let url = self
            .instance
            .endpoint("/api/v1/accounts/verify_credentials");
        self.call(self.client.get(url), false)
            .await?
            .ok()?
            .json(false)
    }

    /// Uploads one file with its description and waits until the instance
    /// has processed it. A lost answer here is retryable: an upload creates no
    /// visible post, only an unattached file the instance cleans up.
    async fn upload_media(&self, blob: &MediaBlob) -> Result<String> {
        let form = multipart::media_form(blob);
        let url = self.instance.endpoint("/api/v2/media");
        let rb = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, form.content_type)
            .body(form.body);
        let answer = self.call(rb, false).await?.ok()?;
        let media: MediaJson = answer.json(false)?;
        if answer.status == StatusCode::OK && media.url.is_some() {
            return Ok(media.id);
        }
        self.wait_for_media(&media.id).await?;
        Ok(media.id)
    }

    /// Polls `GET /api/v1/media/:id` until it answers 200 with a `url`.
    async fn wait_for_media(&self, id: &str) -> Result<()> {
        let polling = self.media_polling;
        let start = Instant::now();
        let url = self
            .instance
            .endpoint(&format!("/api/v1/media/{}", path_id(id)?));
        let mut interval = polling.first_interval;
        loop {
            let left = polling.deadline.saturating_sub(start.elapsed());
            if left.is_zero() {
                return Err(ConnectorError::Retryable {
                    reason: format!(
                        "media {id} still processing after {} s",
                        polling.deadline.as_secs()
                    ),
                    retry_after: None,
                    status: None,
                });
            }
            tokio::time::sleep(interval.min(left)).await;
            let answer = self.call(self.client.get(&url), false).await?.ok()?;
            if answer.status == StatusCode::OK {
                let media: MediaJson = answer.json(false)?;
                if media.url.is_some() {
                    return Ok(());
                }
            }
            interval = (interval + interval / 2).min(polling.max_interval);
        }
    }

    async fn get_status(&self, id: &str) -> Result<StatusJson> {
        let url = self
            .instance
            .endpoint(&format!("/api/v1/statuses/{}", path_id(id)?));
        self.call(self.client.get(url), false)
            .await?
            .ok()?
            .json(false)
    }

    async fn create_status(
        &self,
        req: &PublishRequest,
        media_ids: Vec<String>,
    ) -> Result<RemoteRef> {
        let body = NewStatus {
            status: &req.text,
            media_ids,
            visibility: req.options.visibility.as_str(),
            spoiler_text: &req.options.content_warning,
            language: req.options.language.as_deref().filter(|l| !l.is_empty()),
            in_reply_to_id: req.reply_to.as_ref().map(|r| r.parent.id.as_str()),
        };
        let url = self.instance.endpoint("/api/v1/statuses");
        let rb = self
            .client
            .post(url)
            .header("Idempotency-Key", &req.idempotency_key)
            .json(&body);
        let answer = self.call(rb, true).await?.ok()?;
        let status: StatusJson = answer.json(true)?;
        Ok(status.remote_ref())
    }
}

/// Whether a status of the account is the one `req` would have created.
fn is_ours(status: &StatusJson, req: &PublishRequest, text: &str, spoiler: &str) -> bool {
    status.reblog.is_none()
        && status.in_reply_to_id.as_deref() == req.reply_to.as_ref().map(|r| r.parent.id.as_str())
        && status.media_attachments.len() == req.media.len()
        && html::normalize(&status.spoiler_text) == spoiler
        && html::normalize(&html::to_text(&status.content)) == text
}

#[async_trait]
impl Connector for Mastodon {
    fn network(&self) -> relais_core::Network {
        relais_core::Network::Mastodon
    }

    /// `GET /api/v1/accounts/verify_credentials`; the handle is
    /// `username@instance-host`.
    async fn verify(&self) -> Result<AccountInfo> {
        let account = self.account().await?;
        Ok(AccountInfo {
            handle: format!("{}@{}", account.username, self.instance.host),
            id: account.id,
        })
    }

    /// Uploads the media (`POST /api/v2/media` with the alt text as
    /// `description`, waiting out the 202 processing state), then
    /// `POST /api/v1/statuses` with `Idempotency-Key`. Within the hour the key
    /// is kept, a retry returns the status created first; past
    /// [`IDEMPOTENCY_TRUST`] after `first_attempt_at`, `find` runs first.
    /// Media are uploaded again on each attempt (unattached files are
    /// cleaned up by the instance).
    async fn publish(&self, req: &PublishRequest) -> Result<RemoteRef> {
        let age = (Utc::now() - req.first_attempt_at)
            .to_std()
            .unwrap_or(Duration::ZERO);
        if age > IDEMPOTENCY_TRUST {
            if let Some(found) = self.find(req).await? {
                return Ok(found);
            }
        }
        let mut media_ids = Vec::with_capacity(req.media.len());
        for blob in &req.media {
            media_ids.push(self.upload_media(blob).await?);
        }
        self.create_status(req, media_ids).await
    }

    /// Reconciliation without posting: lists the account's own statuses
    /// (`GET /api/v1/accounts/:id/statuses`, 40 a page, newest first) back to
    /// one minute before `first_attempt_at`, and returns the oldest one whose
    /// text, content warning, reply parent and number of attachments match.
    ///
    /// Limits of this matching:
    /// - Mastodon does not expose the `Idempotency-Key` of a status, so the
    ///   match is by content. Two posts of the same account with the same text,
    ///   warning, parent and media count in the window are indistinguishable;
    ///   the oldest is taken.
    /// - Statuses come back as HTML. The text is compared after removing tags,
    ///   decoding entities and collapsing white space, which recovers links
    ///   (Mastodon keeps the full address in `invisible` spans) and hashtags,
    ///   but a mention of a remote account (`@bob@other.example`) is rendered
    ///   as `@bob` and will not match; nor will a status edited since.
    /// - Boosts are skipped; statuses older than the window are not examined,
    ///   so a status created while the instance's clock was more than a minute
    ///   behind relais's is missed.
    /// - After `FIND_MAX_PAGES` (50) pages without reaching the window start the
    ///   answer is a retryable error, never "not found".
    async fn find(&self, req: &PublishRequest) -> Result<Option<RemoteRef>> {
        let account = self.account().await?;
        let since =
            req.first_attempt_at - chrono::Duration::from_std(FIND_CLOCK_SLACK).unwrap_or_default();
        let text = html::normalize(&req.text);
        let spoiler = html::normalize(&req.options.content_warning);
        let list = self.instance.endpoint(&format!(
            "/api/v1/accounts/{}/statuses",
            path_id(&account.id)?
        ));
        let mut found = None;
        let mut max_id: Option<String> = None;
        for _ in 0..FIND_MAX_PAGES {
            let mut query = vec![
                ("limit", FIND_PAGE.to_string()),
                ("exclude_reblogs", "true".to_string()),
            ];
            if let Some(id) = &max_id {
                query.push(("max_id", id.clone()));
            }
            let page: Vec<StatusJson> = self
                .call(self.client.get(&list).query(&query), false)
                .await?
                .ok()?
                .json(false)?;
            let Some(last) = page.last() else {
                return Ok(found);
            };
            // Newest first: the last match seen is the oldest.
            for status in page.iter().filter(|s| s.created_at >= since) {
                if is_ours(status, req, &text, &spoiler) {
                    found = Some(status.remote_ref());
                }
            }
            // A short page is the last one (Mastodon itself sends a `next`
            // link only after a full page).
            if last.created_at < since || page.len() < FIND_PAGE {
                return Ok(found);
            }
            max_id = Some(last.id.clone());
        }
        match found {
            Some(found) => Ok(Some(found)),
            None => Err(ConnectorError::Retryable {
                reason: format!(
                    "more than {} statuses since {}: cannot tell whether the post exists",
                    FIND_PAGE * FIND_MAX_PAGES,
                    req.first_attempt_at.to_rfc3339()
                ),
                retry_after: None,
                status: None,
            }),
        }
    }

    /// `DELETE /api/v1/statuses/:id`; 404 (already gone) is a success. A lost
    /// answer is retryable: deleting twice is harmless.
    async fn delete(&self, post: &RemoteRef) -> Result<()> {
        let url = self
            .instance
            .endpoint(&format!("/api/v1/statuses/{}", path_id(&post.id)?));
        let answer = self.call(self.client.delete(url), false).await?;
        if answer.status == StatusCode::NOT_FOUND {
            return Ok(());
        }
        answer.ok().map(|_| ())
    }

    /// `GET /api/v1/statuses/:id`: favourites, boosts, replies, and quotes
    /// where the instance reports them (`quotes_count`, Mastodon 4.5).
    async fn counts(&self, post: &RemoteRef) -> Result<Counts> {
        let status = self.get_status(&post.id).await?;
        Ok(Counts {
            likes: status.favourites_count,
            reposts: status.reblogs_count,
            replies: status.replies_count,
            quotes: status.quotes_count,
        })
    }

    fn rate_limit(&self) -> Option<RateLimit> {
        self.rate.lock().ok().and_then(|r| *r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_addresses_are_normalised() {
        let cases = [
            (
                "https://mastodon.social",
                "https://mastodon.social",
                "mastodon.social",
            ),
            (
                "https://mastodon.social/",
                "https://mastodon.social",
                "mastodon.social",
            ),
            (
                "mastodon.social",
                "https://mastodon.social",
                "mastodon.social",
            ),
            (
                "http://127.0.0.1:4000",
                "http://127.0.0.1:4000",
                "127.0.0.1:4000",
            ),
            (
                "HTTPS://Example.Social:443",
                "https://example.social",
                "example.social",
            ),
        ];
        for (input, base, host) in cases {
            let i = Instance::parse(input).unwrap();
            assert_eq!((i.base.as_str(), i.host.as_str()), (base, host), "{input}");
        }
        for bad in [
            "",
            "ftp://x.example",
            "https://user:pw@x.example",
            "https://",
        ] {
            assert!(Instance::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn error_details_come_from_the_error_field() {
        let cases: [(&[u8], &str); 5] = [
            (
                br#"{"error":"The access token is invalid"}"#,
                "The access token is invalid",
            ),
            (
                br#"{"error":"invalid_grant","error_description":"The provided grant is invalid"}"#,
                "The provided grant is invalid",
            ),
            (b"<html><body>Bad gateway</body></html>", ""),
            (b"plain failure", "plain failure"),
            (b"", ""),
        ];
        for (body, want) in cases {
            assert_eq!(error_detail(body), want);
        }
    }

    #[test]
    fn rate_limit_headers_are_read() {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-limit", "300".parse().unwrap());
        h.insert("x-ratelimit-remaining", "299".parse().unwrap());
        h.insert(
            "x-ratelimit-reset",
            "2026-05-01T10:05:00.000000Z".parse().unwrap(),
        );
        let rl = rate_limit_of(&h).unwrap();
        assert_eq!(rl.remaining, 299);
        assert_eq!(rl.reset_at.to_rfc3339(), "2026-05-01T10:05:00+00:00");
        assert_eq!(rate_limit_of(&HeaderMap::new()), None);
    }

    #[test]
    fn ids_in_paths_are_checked() {
        assert!(path_id("109876543210").is_ok());
        for bad in ["", "../admin", "1/2", "1?x=2", "a b"] {
            assert!(path_id(bad).is_err(), "{bad}");
        }
    }
}
