//! The relais web layer: server-rendered pages, the JSON API under `/api/v1`,
//! health and metrics endpoints.
//!
//! [`app`] builds the whole [`Router`] from the route table in [`routes`]: every
//! route declares its [`relais_core::Access`] there, and [`guard`] enforces it.
//! `main` only binds a socket and calls `axum::serve`, so tests drive the router
//! with `oneshot`.

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
            }),
        })
    }
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
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
