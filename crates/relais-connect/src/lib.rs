//! Connectors to the networks relais publishes on: one [`Connector`] trait, one
//! implementation per network (`bluesky`, `mastodon`), and errors classified so
//! the worker knows whether to retry, reconcile, flag the account or give up.
//!
//! Everything network-specific stays in its module; the worker sees only this
//! file's types.
//!
//! [`listen`] reads the networks for veille: the AT Protocol firehose, Jetstream
//! and Mastodon timelines.
//!
//! Dependencies of `listen`, and why:
//! - `tokio-tungstenite` (with `rustls`, `webpki-roots`): the maintained tokio
//!   WebSocket client, the version axum uses; TLS with the same rustls and
//!   `ring` provider as reqwest.
//! - `serde_ipld_dagcbor` and `ipld-core`: the IPLD project's DAG-CBOR codec
//!   and CID type, with a nesting-depth limit for hostile input.
//! - `iroh-car`: a maintained CAR v1 reader (n0), bounded to 4 MiB a block;
//!   it uses the same `serde_ipld_dagcbor` and `cid` versions.
//! - `serde_bytes`: CBOR byte strings (the CAR inside a commit) as bytes.
//! - `sha2`: checks that each record hashes to its CID.
//! - `tokio-util`: `CancellationToken` to stop a subscription.
//! - `futures-util`: sending on and reading from the WebSocket stream.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

pub mod bluesky;
mod http;
pub mod listen;
pub mod mastodon;
#[cfg(feature = "testing")]
pub mod testing;

/// What an account needs to post, as stored (encrypted) by relais.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "network", rename_all = "snake_case")]
pub enum Credentials {
    Bluesky {
        /// The PDS (or entryway) address, `https://bsky.social` by default.
        service: String,
        /// Handle or DID used to log in.
        identifier: String,
        app_password: String,
        /// The last session, so a restart does not log in again.
        #[serde(default)]
        session: Option<BlueskySession>,
    },
    Mastodon {
        /// `https://mastodon.social`.
        instance: String,
        access_token: String,
    },
}

/// Never prints a secret.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Bluesky {
                service,
                identifier,
                ..
            } => f
                .debug_struct("Bluesky")
                .field("service", service)
                .field("identifier", identifier)
                .finish_non_exhaustive(),
            Credentials::Mastodon { instance, .. } => f
                .debug_struct("Mastodon")
                .field("instance", instance)
                .finish_non_exhaustive(),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlueskySession {
    pub did: String,
    pub handle: String,
    pub access_jwt: String,
    pub refresh_jwt: String,
}

impl std::fmt::Debug for BlueskySession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlueskySession")
            .field("did", &self.did)
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

/// An image or video to attach, already read from the media store.
#[derive(Debug, Clone)]
pub struct MediaBlob {
    pub bytes: Arc<Vec<u8>>,
    pub mime: String,
    /// Alternative text (sent as `alt` on Bluesky, `description` on Mastodon).
    pub alt: String,
    pub width: u32,
    pub height: u32,
}

/// A link preview card (Bluesky `app.bsky.embed.external`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkCard {
    pub uri: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
}

/// Who may see a Mastodon status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    #[default]
    Public,
    Unlisted,
    Private,
    Direct,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
            Visibility::Direct => "direct",
        }
    }
}

/// Options of a post that some networks ignore.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostOptions {
    /// Mastodon only.
    #[serde(default)]
    pub visibility: Visibility,
    /// Mastodon `spoiler_text`; ignored elsewhere.
    #[serde(default)]
    pub content_warning: String,
    /// BCP 47 language of the text ("fr").
    #[serde(default)]
    pub language: Option<String>,
    /// Bluesky only; ignored when the post has images.
    #[serde(default)]
    pub link_card: Option<LinkCard>,
}

/// Where a published post lives on its network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteRef {
    /// Bluesky: the `at://did/app.bsky.feed.post/rkey` URI. Mastodon: the status id.
    pub id: String,
    /// Bluesky: the record CID (needed for reply refs). Mastodon: none.
    #[serde(default)]
    pub cid: Option<String>,
    /// A web address a person can open.
    #[serde(default)]
    pub url: Option<String>,
}

/// The posts a reply hangs under (a thread part or a first comment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTo {
    pub root: RemoteRef,
    pub parent: RemoteRef,
}

/// One post to create.
#[derive(Debug, Clone)]
pub struct PublishRequest {
    pub text: String,
    pub media: Vec<MediaBlob>,
    /// Chosen and stored by relais before the first attempt, the same on every
    /// retry: the Bluesky record key (a TID) or the Mastodon `Idempotency-Key`.
    pub idempotency_key: String,
    /// When relais first tried to send it (the record's `createdAt` on Bluesky,
    /// the start of the search window when reconciling).
    pub first_attempt_at: DateTime<Utc>,
    pub reply_to: Option<ReplyTo>,
    pub options: PostOptions,
}

/// The counts a network lets us read for one post.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub likes: Option<u64>,
    pub reposts: Option<u64>,
    pub replies: Option<u64>,
    pub quotes: Option<u64>,
}

/// The account behind the credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    /// DID on Bluesky, account id on Mastodon.
    pub id: String,
    /// The handle without `@` (`alice.test`, `alice@instance.example`).
    pub handle: String,
}

/// Rate-limit state observed in the last answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub remaining: u64,
    pub reset_at: DateTime<Utc>,
}

/// Why a call failed, classified for the worker.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectorError {
    /// Nothing was created; trying again later may work (429, 5xx, a refused or
    /// reset connection before the request was sent, a time-out while
    /// connecting). `retry_after` is the server's Retry-After or rate-limit reset.
    #[error("temporary failure: {reason}")]
    Retryable {
        reason: String,
        retry_after: Option<Duration>,
        /// The HTTP status, when there was an answer.
        status: Option<u16>,
    },
    /// The request may have been applied but no answer arrived (time-out or
    /// reset after sending). The caller must reconcile before anything else.
    #[error("no answer after sending: {reason}")]
    Unconfirmed { reason: String },
    /// 401/403 or a refused login: the account needs reconnecting.
    #[error("authentication refused: {reason}")]
    Auth { reason: String },
    /// The network refused the content or the request (validation): retrying
    /// the same request cannot succeed.
    #[error("refused by the network: {reason}")]
    Rejected { reason: String },
}

impl ConnectorError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, ConnectorError::Retryable { .. })
    }
}

pub type Result<T, E = ConnectorError> = std::result::Result<T, E>;

/// One network account that relais can post on.
#[async_trait]
pub trait Connector: Send + Sync {
    fn network(&self) -> relais_core::Network;

    /// Logs in (or checks the token) and says who the account is.
    async fn verify(&self) -> Result<AccountInfo>;

    /// Creates one post. Idempotent for the same `idempotency_key`: a retry of a
    /// post that was already created returns the existing post's reference
    /// (after checking it is ours), never a second post.
    async fn publish(&self, req: &PublishRequest) -> Result<RemoteRef>;

    /// Reconciliation: whether the post of `req` exists on the network (after an
    /// unconfirmed attempt), without creating anything.
    async fn find(&self, req: &PublishRequest) -> Result<Option<RemoteRef>>;

    /// Deletes a post; deleting a post that is already gone is not an error.
    async fn delete(&self, post: &RemoteRef) -> Result<()>;

    /// The counts the network exposes for a post.
    async fn counts(&self, post: &RemoteRef) -> Result<Counts>;

    /// The rate-limit state seen in the last answer, if the network sends one.
    fn rate_limit(&self) -> Option<RateLimit> {
        None
    }

    /// Credentials that changed since creation (a refreshed session) and should
    /// be stored again; `None` when nothing changed.
    fn updated_credentials(&self) -> Option<Credentials> {
        None
    }
}

/// Settings shared by every connector.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Time-out of one request, connection included.
    pub timeout: Duration,
    pub user_agent: String,
    /// The HTTP client every connector made with these options (and their
    /// clones) uses, built on first use: one connection pool and one TLS
    /// configuration for all accounts, instead of one per account. Credentials
    /// travel in each request's headers, never in the client.
    pub shared: SharedClient,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(30),
            user_agent: concat!("relais/", env!("CARGO_PKG_VERSION")).to_string(),
            shared: SharedClient::default(),
        }
    }
}

/// See [`ClientOptions::shared`]. A fresh value shares nothing yet.
#[derive(Debug, Clone, Default)]
pub struct SharedClient(Arc<std::sync::OnceLock<reqwest::Client>>);

/// The connector for stored credentials.
pub fn connect(creds: Credentials, options: &ClientOptions) -> Result<Arc<dyn Connector>> {
    match creds {
        c @ Credentials::Bluesky { .. } => Ok(Arc::new(bluesky::Bluesky::new(c, options)?)),
        c @ Credentials::Mastodon { .. } => Ok(Arc::new(mastodon::Mastodon::new(c, options)?)),
    }
}
