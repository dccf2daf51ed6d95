//! The relais web layer: server-rendered pages, the JSON API under `/api/v1`,
//! health and metrics endpoints.
//!
//! [`app`] builds the whole [`Router`] from the route table in [`routes`]: every
//! route declares its [`relais_core::Access`] there, and [`guard`] enforces it.
//! `main` only binds a socket and calls `axum::serve`, so tests drive the router
//! with `oneshot`.
//!
//! Veille pages (issue 5) use two workspace crates: `relais-veille`, for the
//! topic query parser and the one matcher with its explanations (the query
//! tester shows exactly what the worker will match, invariant 28), and
//! `relais-fetch`, for OPML import and export and for checking a watched
//! page's CSS selector with the same parser the page watcher uses.

pub mod adapters;
pub mod api;
pub mod cookies;
pub mod ctx;
pub mod error;
pub mod forms;
pub mod guard;
pub mod membership;
pub mod metrics;
pub mod notify;
pub mod pages;
pub mod publishing;
pub mod render;
pub mod routes;
pub mod tr;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::Router;
use relais_config::Config;
use relais_i18n::I18n;
use relais_store::Store;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Everything a request handler may need. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

pub struct Inner {
    pub store: Store,
    pub i18n: I18n,
    pub config: Config,
    pub metrics: metrics::Metrics,
    /// Sends notification e-mails; `None` when `[mail]` is not configured.
    pub mailer: Option<relais_mail::Mailer>,
    /// Uploaded media files, content-addressed under the data directory (H6).
    pub media: relais_media::MediaStore,
    /// Seals the credentials of connected accounts (and the Mastodon OAuth
    /// state). `None` until the binary hands one over ([`AppState::with_vault`]):
    /// then connecting an account is refused with a clear message.
    vault: std::sync::OnceLock<relais_auth::vault::Vault>,
    /// How the connect pages talk to the networks (time-out, user agent).
    pub connect_options: relais_connect::ClientOptions,
    /// The veille search index, shared with the worker that writes it.
    /// `None` until the binary hands one over ([`AppState::with_search`]):
    /// the search box then says search is unavailable.
    search: std::sync::OnceLock<Arc<relais_search::SearchIndex>>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}

impl AppState {
    pub fn new(store: Store, config: Config) -> Result<AppState, relais_i18n::I18nError> {
        // `check-config` and `serve` validate `[mail]` first; a mailer that still
        // cannot be built is reported here and e-mail stays off (in-app
        // notifications still work).
        let mailer = relais_mail::Mailer::from_config(&config.mail).unwrap_or_else(|e| {
            tracing::error!(error = %e, "e-mail disabled: the [mail] configuration is unusable");
            None
        });
        let media = relais_media::MediaStore::new(config.data_dir.clone());
        Ok(AppState {
            inner: Arc::new(Inner {
                store,
                i18n: I18n::new()?,
                config,
                metrics: metrics::Metrics::new(),
                mailer,
                media,
                vault: std::sync::OnceLock::new(),
                search: std::sync::OnceLock::new(),
                connect_options: relais_connect::ClientOptions {
                    timeout: Duration::from_secs(20),
                    ..relais_connect::ClientOptions::default()
                },
            }),
        })
    }

    /// The same state with the credentials vault (`Config::load_vault`). Set
    /// once: a second vault is ignored (the first keeps sealing and opening).
    pub fn with_vault(self, vault: relais_auth::vault::Vault) -> AppState {
        let _ = self.inner.vault.set(vault);
        self
    }

    /// The same state with the veille search index. Set once.
    pub fn with_search(self, index: Arc<relais_search::SearchIndex>) -> AppState {
        let _ = self.inner.search.set(index);
        self
    }

    /// The veille search index, if the binary gave one.
    pub fn search(&self) -> Option<&Arc<relais_search::SearchIndex>> {
        self.inner.search.get()
    }

    /// The credentials vault, if the binary gave one.
    pub fn vault(&self) -> Option<&relais_auth::vault::Vault> {
        self.inner.vault.get()
    }
}

/// A vault with a fresh random key, for tests and throw-away instances: what
/// it seals cannot be opened after the process ends.
pub fn ephemeral_vault() -> relais_auth::vault::Vault {
    relais_auth::vault::Vault::new(relais_auth::vault::SecretKey::generate(), Vec::new())
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let limits = &state.config.server;
    let mut router = Router::new();
    for spec in routes::routes() {
        // Each route has its body limit (`server.max_body_bytes`, or the media
        // upload limit for uploads), so it is applied per route, not around all.
        let max = spec.body_limit.bytes(&state.config);
        let path = spec.path;
        let handler = spec
            .guarded(&state)
            .layer::<_, Infallible>(DefaultBodyLimit::max(max))
            .layer::<_, Infallible>(RequestBodyLimitLayer::new(max));
        router = router.route(path, handler);
    }
    router
        .fallback(render::not_found)
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(limits.request_timeout_secs),
        ))
        .layer(from_fn_with_state(state.clone(), render::render_errors))
        // Spans name the path, never the query: an OAuth callback carries its
        // code and sealed state there.
        .layer(TraceLayer::new_for_http().make_span_with(
            |req: &axum::http::Request<axum::body::Body>| {
                tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
            },
        ))
        .with_state(state)
}
