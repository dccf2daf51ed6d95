//! A loopback Mastodon server implementing the documented behaviour of the
//! endpoints the connector uses, because no real Mastodon server can be
//! installed here.
//!
//! Modelled from the Mastodon documentation (repository
//! `mastodon/documentation`, `content/en/…`, read 2026-07):
//! - <https://docs.joinmastodon.org/methods/apps/>,
//!   <https://docs.joinmastodon.org/methods/oauth/>: `POST /api/v1/apps`,
//!   `GET /oauth/authorize` (approved at once by the "authorizing" account:
//!   a 302 to `redirect_uri?code=…&state=…`, or a page showing the code for
//!   `urn:ietf:wg:oauth:2.0:oob`), `POST /oauth/token` (`authorization_code`;
//!   a code works once; a wrong client is 401 `invalid_client`, a bad code
//!   400 `invalid_grant`).
//! - <https://docs.joinmastodon.org/methods/accounts/>:
//!   `GET /api/v1/accounts/verify_credentials`,
//!   `GET /api/v1/accounts/:id/statuses` (newest first, `limit` ≤ 40,
//!   `max_id`, `since_id`, `min_id`, `exclude_replies`, `only_media`; a
//!   `Link` header with `next` after a full page).
//! - <https://docs.joinmastodon.org/methods/statuses/>: `POST /api/v1/statuses`
//!   (form or JSON). The `Idempotency-Key` is "stored for up to 1 hour": the
//!   same key from the same account within the TTL answers the SAME status
//!   and creates nothing; older keys are forgotten. `GET` and
//!   `DELETE /api/v1/statuses/:id` (404 `Record not found` for a status that
//!   is gone or not the caller's). Text and content warning together are
//!   limited to 500 characters, links counting 23 and remote mentions their
//!   user part (<https://docs.joinmastodon.org/user/posting/>): past it, 422
//!   `Validation failed: Text character limit of 500 exceeded`. `content` is
//!   HTML as in <https://docs.joinmastodon.org/api/guidelines/#links>.
//! - <https://docs.joinmastodon.org/methods/media/>: `POST /api/v2/media`
//!   answers 200 when processed, 202 (`url: null`) while processing;
//!   `GET /api/v1/media/:id` answers 206 while processing, then 200 with a
//!   `url`; attaching unprocessed media is a 422. Here processing advances
//!   with polls: see [`MastodonServerBuilder::media_processing_polls`].
//! - <https://docs.joinmastodon.org/methods/timelines/>:
//!   `GET /api/v1/timelines/tag/:hashtag` (public statuses whose text has the
//!   hashtag, case-insensitive; 404 `Record not found` for a hashtag no
//!   status ever used) and `GET /api/v1/timelines/public`; both take
//!   `local`, `remote`, `only_media`, `max_id`, `since_id`, `min_id` and
//!   `limit` (20 by default, at most 40), answer newest first with a `Link`
//!   header (`next` with `max_id`, `prev` with `min_id`), show only
//!   `public` statuses, and need a token only when public preview is off
//!   ([`MastodonServerBuilder::public_preview`]; 401 otherwise). Statuses
//!   from other instances are seeded with
//!   [`MastodonServer::add_remote_account`] and [`MastodonServer::seed_status`].
//!   `any[]`, `all[]` and `none[]` are not modelled.
//! - <https://docs.joinmastodon.org/api/rate-limits/>: a budget per account
//!   per window (300 per 5 minutes by default), `X-RateLimit-Limit`,
//!   `-Remaining` and `-Reset` (ISO 8601) on every authenticated answer, 429
//!   `Too many requests` past the budget. The window starts at the account's
//!   first request; the per-endpoint limits on media and deletes and the
//!   per-IP limit are not modelled.
//! - <https://docs.joinmastodon.org/entities/Error/>: errors are
//!   `{"error": "…"}`; an unknown token is 401 `The access token is invalid`.
//!
//! Not modelled: scheduled statuses, polls, quotes, edits, mentions and
//! federation; media files are not served back.
//!
//! Every request is recorded ([`MastodonServer::requests`]) with the
//! `Authorization` value replaced by a fingerprint and secret form fields
//! redacted. Faults can be injected ([`MastodonServer::fail_next`],
//! [`MastodonServer::drop_answer_next`], [`MastodonServer::delay`]) and the
//! clock moved ([`MastodonServer::advance_clock`]) to prove key expiry.
//!
//! The happy path takes one mutex and no sleep; with
//! [`MastodonServerBuilder::fast`] nothing is recorded, so it can stand in for
//! "a loopback endpoint that answers at once" in benchmarks.

mod api;
mod conn;
mod params;
mod render;

use crate::Credentials;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The documented default status length limit.
pub const DEFAULT_STATUS_LIMIT: usize = 500;
/// "Idempotency keys are stored for up to 1 hour."
pub const DEFAULT_IDEMPOTENCY_TTL: Duration = Duration::from_secs(3600);
/// "All endpoints and methods can be called 300 times within 5 minutes."
pub const DEFAULT_RATE_LIMIT: RateBudget = RateBudget {
    requests: 300,
    window: Duration::from_secs(300),
};

/// A rate-limit budget: `requests` per `window` per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateBudget {
    pub requests: u64,
    pub window: Duration,
}

/// The endpoints the server implements, for targeting faults and reading
/// the request log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// `POST /api/v1/apps`
    RegisterApp,
    /// `GET /oauth/authorize`
    Authorize,
    /// `POST /oauth/token`
    Token,
    /// `GET /api/v1/accounts/verify_credentials`
    VerifyCredentials,
    /// `GET /api/v1/accounts/:id/statuses`
    AccountStatuses,
    /// `POST /api/v1/statuses`
    CreateStatus,
    /// `GET /api/v1/statuses/:id`
    GetStatus,
    /// `DELETE /api/v1/statuses/:id`
    DeleteStatus,
    /// `POST /api/v2/media`
    UploadMedia,
    /// `GET /api/v1/media/:id`
    GetMedia,
    /// `GET /api/v1/timelines/tag/:hashtag`
    TagTimeline,
    /// `GET /api/v1/timelines/public`
    PublicTimeline,
    /// Anything else (answered 404).
    Other,
}

impl Route {
    pub fn of(method: &str, path: &str) -> Route {
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        match (method, segs.as_slice()) {
            ("POST", ["api", "v1", "apps"]) => Route::RegisterApp,
            ("GET", ["oauth", "authorize"]) => Route::Authorize,
            ("POST", ["oauth", "token"]) => Route::Token,
            ("GET", ["api", "v1", "accounts", "verify_credentials"]) => Route::VerifyCredentials,
            ("GET", ["api", "v1", "accounts", _, "statuses"]) => Route::AccountStatuses,
            ("POST", ["api", "v1", "statuses"]) => Route::CreateStatus,
            ("GET", ["api", "v1", "statuses", _]) => Route::GetStatus,
            ("DELETE", ["api", "v1", "statuses", _]) => Route::DeleteStatus,
            ("POST", ["api", "v2", "media"]) => Route::UploadMedia,
            ("GET", ["api", "v1", "media", _]) => Route::GetMedia,
            ("GET", ["api", "v1", "timelines", "tag", _]) => Route::TagTimeline,
            ("GET", ["api", "v1", "timelines", "public"]) => Route::PublicTimeline,
            _ => Route::Other,
        }
    }
}

/// What an injected fault does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer this status (with `Retry-After` when given; a 429 also carries
    /// `X-RateLimit-*` with the reset at `retry_after`) without applying
    /// anything.
    Fail {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// Apply the request, then close the connection without a byte of
    /// answer: the "answer lost" case.
    DropAnswer,
    /// Apply the request and wait this long before answering.
    Delay(Duration),
}

struct Fault {
    route: Option<Route>,
    remaining: usize,
    kind: FaultKind,
}

/// An account of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub username: String,
    /// The instance of a remote account (`acct` is `username@domain`);
    /// `None` for local accounts.
    pub domain: Option<String>,
}

/// A media attachment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub id: String,
    pub account_id: String,
    /// The alt text sent as `description`.
    pub description: String,
    pub mime: String,
    pub size: usize,
    /// The status it is attached to.
    pub status_id: Option<String>,
    /// Whether processing finished (a `url` is shown).
    pub processed: bool,
}

/// A status as stored, for assertions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub id: String,
    pub account_id: String,
    /// The text as sent (`status`), not the rendered HTML.
    pub text: String,
    pub visibility: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub language: Option<String>,
    pub in_reply_to_id: Option<String>,
    pub media: Vec<Media>,
    pub idempotency_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub deleted: bool,
    pub favourites: u64,
    pub reblogs: u64,
    pub replies: u64,
    pub quotes: u64,
}

/// One request as received. Secrets never appear: the `Authorization` value
/// is `Bearer [redacted #<fingerprint>]` (see
/// [`MastodonServer::token_fingerprint`]), `Cookie` is redacted, and the
/// fields `client_secret`, `code`, `access_token`, `refresh_token`,
/// `password` and `token` of bodies and query strings read `[redacted]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub at: DateTime<Utc>,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The fingerprint of the bearer token, if one was sent.
    pub token: Option<String>,
    /// JSON or form fields, or the parts of a multipart body (files as
    /// name, type and size).
    pub body: String,
    /// The status answered; `None` when the answer was dropped.
    pub status: Option<u16>,
}

impl RecordedRequest {
    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn route(&self) -> Route {
        Route::of(&self.method, &self.path)
    }
}

#[derive(Debug, Clone)]
struct Settings {
    rate: Option<RateBudget>,
    status_limit: usize,
    idempotency_ttl: Duration,
    media_processing_polls: u32,
    accept_any_token: bool,
    delay: Duration,
    public_preview: bool,
}

pub(crate) struct StatusRecord {
    pub(crate) id: String,
    pub(crate) account: usize,
    pub(crate) text: String,
    pub(crate) visibility: String,
    pub(crate) spoiler_text: String,
    pub(crate) sensitive: bool,
    pub(crate) language: Option<String>,
    pub(crate) in_reply_to_id: Option<String>,
    pub(crate) in_reply_to_account_id: Option<String>,
    pub(crate) media_ids: Vec<String>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) deleted: bool,
    pub(crate) favourites: u64,
    pub(crate) reblogs: u64,
    pub(crate) replies: u64,
    pub(crate) quotes: u64,
}

struct MediaRecord {
    media: Media,
    account: usize,
    polls_left: u32,
}

struct App {
    secret: String,
    redirect_uris: Vec<String>,
    scopes: Vec<String>,
}

struct Grant {
    client_id: String,
    redirect_uri: String,
    scopes: Vec<String>,
    account: usize,
    at: DateTime<Utc>,
}

struct State {
    base: String,
    settings: Settings,
    last_id: u64,
    accounts: Vec<Account>,
    tokens: HashMap<String, usize>,
    authorizing: Option<usize>,
    apps: HashMap<String, App>,
    codes: HashMap<String, Grant>,
    statuses: Vec<StatusRecord>,
    status_index: HashMap<String, usize>,
    media: HashMap<String, MediaRecord>,
    idempotency: HashMap<(usize, String), (String, DateTime<Utc>)>,
    windows: HashMap<usize, (DateTime<Utc>, u64)>,
    faults: VecDeque<Fault>,
}

impl State {
    fn add_account(&mut self, username: Option<&str>) -> usize {
        let n = self.accounts.len();
        let username = match username {
            Some(u) => u.to_string(),
            None => format!("user{}", n + 1),
        };
        self.accounts.push(Account {
            id: (n + 1).to_string(),
            username,
            domain: None,
        });
        n
    }

    /// Mastodon ids are time-ordered ("snowflakes": milliseconds << 16);
    /// here they also strictly increase.
    fn next_id(&mut self, now: DateTime<Utc>) -> String {
        let stamp = (now.timestamp_millis().max(0) as u64) << 16;
        self.last_id = stamp.max(self.last_id + 1);
        self.last_id.to_string()
    }

    fn take_fault(&mut self, route: Route) -> Option<FaultKind> {
        let i = self
            .faults
            .iter()
            .position(|f| f.route.is_none_or(|r| r == route))?;
        let fault = self.faults.get_mut(i)?;
        let kind = fault.kind;
        fault.remaining = fault.remaining.saturating_sub(1);
        if fault.remaining == 0 {
            self.faults.remove(i);
        }
        Some(kind)
    }

    fn public_media(&self, id: &str) -> Option<Media> {
        self.media.get(id).map(|m| m.media.clone())
    }

    fn public_status(&self, s: &StatusRecord) -> Status {
        Status {
            id: s.id.clone(),
            account_id: self
                .accounts
                .get(s.account)
                .map(|a| a.id.clone())
                .unwrap_or_default(),
            text: s.text.clone(),
            visibility: s.visibility.clone(),
            spoiler_text: s.spoiler_text.clone(),
            sensitive: s.sensitive,
            language: s.language.clone(),
            in_reply_to_id: s.in_reply_to_id.clone(),
            media: s
                .media_ids
                .iter()
                .filter_map(|id| self.public_media(id))
                .collect(),
            idempotency_key: s.idempotency_key.clone(),
            created_at: s.created_at,
            deleted: s.deleted,
            favourites: s.favourites,
            reblogs: s.reblogs,
            replies: s.replies,
            quotes: s.quotes,
        }
    }
}

pub(crate) struct Shared {
    clock_offset_ms: AtomicI64,
    record: AtomicBool,
    state: Mutex<State>,
    requests: Mutex<Vec<RecordedRequest>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::milliseconds(self.clock_offset_ms.load(Ordering::Relaxed))
    }
}

/// A hard-to-guess string (client ids, secrets, codes, tokens): not
/// cryptographic, which a test server does not need.
fn random_string() -> String {
    let state = std::collections::hash_map::RandomState::new();
    let mut a = state.build_hasher();
    a.write_u64(1);
    let mut b = state.build_hasher();
    b.write_u64(2);
    format!("{:016x}{:016x}", a.finish(), b.finish())
}

/// Settings of a [`MastodonServer`] before it starts.
#[derive(Debug, Clone)]
pub struct MastodonServerBuilder {
    bind: SocketAddr,
    settings: Settings,
    record: bool,
    max_body: usize,
}

impl Default for MastodonServerBuilder {
    fn default() -> Self {
        MastodonServerBuilder {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            settings: Settings {
                rate: Some(DEFAULT_RATE_LIMIT),
                status_limit: DEFAULT_STATUS_LIMIT,
                idempotency_ttl: DEFAULT_IDEMPOTENCY_TTL,
                media_processing_polls: 0,
                accept_any_token: false,
                delay: Duration::ZERO,
                public_preview: true,
            },
            record: true,
            max_body: 100 * 1024 * 1024,
        }
    }
}

impl MastodonServerBuilder {
    /// The address to listen on (`127.0.0.1:0` by default: a free port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// `requests` per `window` per account (300 per 5 minutes by default).
    pub fn rate_limit(mut self, requests: u64, window: Duration) -> Self {
        self.settings.rate = Some(RateBudget { requests, window });
        self
    }

    /// No rate limit (and no `X-RateLimit-*` headers).
    pub fn no_rate_limit(mut self) -> Self {
        self.settings.rate = None;
        self
    }

    /// The status length limit (500 by default).
    pub fn status_limit(mut self, chars: usize) -> Self {
        self.settings.status_limit = chars;
        self
    }

    /// How long idempotency keys are kept (one hour by default).
    pub fn idempotency_ttl(mut self, ttl: Duration) -> Self {
        self.settings.idempotency_ttl = ttl;
        self
    }

    /// With `n > 0`, uploads answer 202 and the first `n` polls of
    /// `GET /api/v1/media/:id` answer 206; the next answers 200 with a `url`.
    /// With 0 (the default), uploads answer 200 at once.
    pub fn media_processing_polls(mut self, n: u32) -> Self {
        self.settings.media_processing_polls = n;
        self
    }

    /// Unknown bearer tokens get a new account instead of a 401 (many
    /// accounts in benchmarks without [`MastodonServer::add_token`] calls).
    pub fn accept_any_token(mut self, yes: bool) -> Self {
        self.settings.accept_any_token = yes;
        self
    }

    /// Whether the public and hashtag timelines answer without a token (yes
    /// by default); when not, they answer 401 without one.
    pub fn public_preview(mut self, yes: bool) -> Self {
        self.settings.public_preview = yes;
        self
    }

    /// Whether requests are recorded (yes by default).
    pub fn record_requests(mut self, yes: bool) -> Self {
        self.record = yes;
        self
    }

    /// Benchmark mode: nothing recorded, no rate limit.
    pub fn fast(self) -> Self {
        self.record_requests(false).no_rate_limit()
    }

    /// The largest body accepted (100 MiB by default).
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<MastodonServer> {
        let listener = tokio::net::TcpListener::bind(self.bind).await?;
        let addr = listener.local_addr()?;
        let url = format!("http://{addr}");
        let shared = Arc::new(Shared {
            clock_offset_ms: AtomicI64::new(0),
            record: AtomicBool::new(self.record),
            state: Mutex::new(State {
                base: url.clone(),
                settings: self.settings,
                last_id: 0,
                accounts: Vec::new(),
                tokens: HashMap::new(),
                authorizing: None,
                apps: HashMap::new(),
                codes: HashMap::new(),
                statuses: Vec::new(),
                status_index: HashMap::new(),
                media: HashMap::new(),
                idempotency: HashMap::new(),
                windows: HashMap::new(),
                faults: VecDeque::new(),
            }),
            requests: Mutex::new(Vec::new()),
        });
        let app = axum::Router::new()
            .fallback(api::handle)
            .layer(axum::extract::DefaultBodyLimit::max(self.max_body))
            .with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(
                conn::KillableListener { inner: listener },
                app.into_make_service_with_connect_info::<conn::Conn>(),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        });
        Ok(MastodonServer {
            shared,
            addr,
            url,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// The running server; it stops when dropped or on [`MastodonServer::shutdown`].
pub struct MastodonServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for MastodonServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MastodonServer")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl MastodonServer {
    pub fn builder() -> MastodonServerBuilder {
        MastodonServerBuilder::default()
    }

    /// A server with the documented defaults on a free loopback port.
    pub async fn start() -> std::io::Result<MastodonServer> {
        Self::builder().start().await
    }

    /// `http://127.0.0.1:PORT`, the instance address.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A new account (`user1`, `user2`, …) reachable with `token`.
    pub fn add_token(&self, token: &str) -> Account {
        let mut st = lock(&self.shared.state);
        let i = st.add_account(None);
        st.tokens.insert(token.to_string(), i);
        st.accounts[i].clone()
    }

    /// A new account with this username, reachable with `token`.
    pub fn add_account(&self, username: &str, token: &str) -> Account {
        let mut st = lock(&self.shared.state);
        let i = st.add_account(Some(username));
        st.tokens.insert(token.to_string(), i);
        st.accounts[i].clone()
    }

    /// An account of another instance (`acct` = `username@domain`), with no
    /// token: its statuses arrive by [`Self::seed_status`], as federated
    /// statuses do.
    pub fn add_remote_account(&self, username: &str, domain: &str) -> Account {
        let mut st = lock(&self.shared.state);
        let i = st.add_account(Some(username));
        st.accounts[i].domain = Some(domain.to_string());
        st.accounts[i].clone()
    }

    /// Stores a status of `account` as if it had arrived (posted elsewhere or
    /// federated), created now on the server's clock; `visibility` is
    /// `public`, `unlisted`, `private` or `direct`. `None` if the account
    /// is unknown.
    pub fn seed_status(
        &self,
        account: &Account,
        text: &str,
        language: Option<&str>,
        visibility: &str,
    ) -> Option<Status> {
        let now = self.shared.now();
        let mut st = lock(&self.shared.state);
        let owner = st.accounts.iter().position(|a| a.id == account.id)?;
        let id = st.next_id(now);
        let record = StatusRecord {
            id: id.clone(),
            account: owner,
            text: text.to_string(),
            visibility: visibility.to_string(),
            spoiler_text: String::new(),
            sensitive: false,
            language: language.map(str::to_string),
            in_reply_to_id: None,
            in_reply_to_account_id: None,
            media_ids: Vec::new(),
            idempotency_key: None,
            created_at: now,
            deleted: false,
            favourites: 0,
            reblogs: 0,
            replies: 0,
            quotes: 0,
        };
        let public = st.public_status(&record);
        let at = st.statuses.len();
        st.status_index.insert(id, at);
        st.statuses.push(record);
        Some(public)
    }

    /// Another token for an existing account; false if the account is unknown.
    pub fn add_token_for(&self, account: &Account, token: &str) -> bool {
        let mut st = lock(&self.shared.state);
        let Some(i) = st.accounts.iter().position(|a| a.id == account.id) else {
            return false;
        };
        st.tokens.insert(token.to_string(), i);
        true
    }

    /// The token stops working (401).
    pub fn revoke_token(&self, token: &str) {
        lock(&self.shared.state).tokens.remove(token);
    }

    /// The account that `GET /oauth/authorize` approves as (by default an
    /// account `alice` created on first use).
    pub fn authorize_as(&self, account: &Account) {
        let mut st = lock(&self.shared.state);
        st.authorizing = st.accounts.iter().position(|a| a.id == account.id);
    }

    /// Credentials for the connector.
    pub fn credentials(&self, token: &str) -> Credentials {
        Credentials::Mastodon {
            instance: self.url.clone(),
            access_token: token.to_string(),
        }
    }

    /// Statuses not deleted, oldest first.
    pub fn statuses(&self) -> Vec<Status> {
        let st = lock(&self.shared.state);
        st.statuses
            .iter()
            .filter(|s| !s.deleted)
            .map(|s| st.public_status(s))
            .collect()
    }

    /// How many statuses exist (deleted ones excluded), without copying them.
    pub fn status_count(&self) -> usize {
        let st = lock(&self.shared.state);
        st.statuses.iter().filter(|s| !s.deleted).count()
    }

    /// Every status ever created, deleted ones included.
    pub fn all_statuses(&self) -> Vec<Status> {
        let st = lock(&self.shared.state);
        st.statuses.iter().map(|s| st.public_status(s)).collect()
    }

    pub fn status(&self, id: &str) -> Option<Status> {
        let st = lock(&self.shared.state);
        let i = *st.status_index.get(id)?;
        st.statuses.get(i).map(|s| st.public_status(s))
    }

    /// Every media attachment uploaded, attached or not.
    pub fn media(&self) -> Vec<Media> {
        let st = lock(&self.shared.state);
        let mut all: Vec<Media> = st.media.values().map(|m| m.media.clone()).collect();
        all.sort_by(|a, b| a.id.len().cmp(&b.id.len()).then(a.id.cmp(&b.id)));
        all
    }

    /// Sets the counts `GET /api/v1/statuses/:id` reports; false if unknown.
    pub fn set_counts(
        &self,
        id: &str,
        favourites: u64,
        reblogs: u64,
        replies: u64,
        quotes: u64,
    ) -> bool {
        let mut st = lock(&self.shared.state);
        let Some(i) = st.status_index.get(id).copied() else {
            return false;
        };
        let Some(s) = st.statuses.get_mut(i) else {
            return false;
        };
        s.favourites = favourites;
        s.reblogs = reblogs;
        s.replies = replies;
        s.quotes = quotes;
        true
    }

    /// The requests received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    pub fn record_requests(&self, yes: bool) {
        self.shared.record.store(yes, Ordering::Relaxed);
    }

    /// How a token appears in [`RecordedRequest`]s.
    pub fn token_fingerprint(token: &str) -> String {
        let mut h = std::hash::DefaultHasher::new();
        h.write(token.as_bytes());
        format!("{:08x}", h.finish() >> 32)
    }

    /// The server's clock (the real clock plus [`Self::advance_clock`]).
    pub fn now(&self) -> DateTime<Utc> {
        self.shared.now()
    }

    /// Moves the server's clock forward: idempotency keys, rate-limit
    /// windows and new statuses' `created_at` follow it.
    pub fn advance_clock(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.shared.clock_offset_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// The next `n` requests (any endpoint) answer `status` without being
    /// applied.
    pub fn fail_next(&self, n: usize, status: u16, retry_after: Option<Duration>) {
        self.inject(
            None,
            n,
            FaultKind::Fail {
                status,
                retry_after,
            },
        );
    }

    /// The next `n` requests (any endpoint) are applied, then their
    /// connection is closed without an answer.
    pub fn drop_answer_next(&self, n: usize) {
        self.inject(None, n, FaultKind::DropAnswer);
    }

    /// Every answer waits `by` (after the request was applied);
    /// `Duration::ZERO` turns it off.
    pub fn delay(&self, by: Duration) {
        lock(&self.shared.state).settings.delay = by;
    }

    /// A fault for the next `n` requests to `route` (any route with `None`).
    /// Faults apply in the order injected, one per request.
    pub fn inject(&self, route: Option<Route>, n: usize, kind: FaultKind) {
        if n > 0 {
            lock(&self.shared.state).faults.push_back(Fault {
                route,
                remaining: n,
                kind,
            });
        }
    }

    /// Removes faults not yet used.
    pub fn clear_faults(&self) {
        lock(&self.shared.state).faults.clear();
    }

    /// See [`MastodonServerBuilder::media_processing_polls`]; applies to
    /// later uploads.
    pub fn set_media_processing_polls(&self, n: u32) {
        lock(&self.shared.state).settings.media_processing_polls = n;
    }

    /// Changes the rate limit; windows in progress start over.
    pub fn set_rate_limit(&self, budget: Option<RateBudget>) {
        let mut st = lock(&self.shared.state);
        st.settings.rate = budget;
        st.windows.clear();
    }

    /// Stops accepting, lets requests in progress finish (up to 5 s) and
    /// closes the connections.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for MastodonServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
