//! Connecting an account to its network: Bluesky (handle + app password +
//! PDS address), Mastodon (instance + pasted token, or the OAuth flow), and
//! disconnecting. The credentials are checked with the network before
//! anything is stored, sealed by the vault, and never drawn back into a page:
//! a refused form keeps the addresses and the handle, never the secret.

use super::{render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::forms::{FormState, PageForm};
use crate::publishing::{self, ConnectFailure, Health, OAuthState};
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use relais_connect::Credentials;
use relais_core::entry::Account;
use relais_core::model::{Actor, Workspace};
use relais_core::policy::role_allows;
use relais_core::{AccountId, Action, Network};
use relais_store::StoreError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account_connect.html")]
pub struct ConnectPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub account: Account,
    pub health: &'static str,
    pub health_text: String,
    pub waiting: usize,
    pub connected: bool,
    pub connectable: bool,
    pub form: FormState,
    pub alert: Option<String>,
}

impl ConnectPage {
    pub fn is_bluesky(&self) -> bool {
        self.account.network == Network::Bluesky
    }

    pub fn is_mastodon(&self) -> bool {
        self.account.network == Network::Mastodon
    }

    pub fn base_path(&self) -> String {
        format!("/w/{}/accounts/{}", self.ws.slug, self.account.id)
    }
}

/// The account `id` of the workspace, or 404.
pub async fn account_of(state: &AppState, ws: &WsCtx, id: i64) -> AppResult<Account> {
    state
        .store
        .list_accounts(ws.workspace.id)
        .await?
        .into_iter()
        .find(|a| a.id == AccountId(id))
        .ok_or(AppError::NotFound)
}

async fn draw(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    account: Account,
    status: StatusCode,
    form: FormState,
    alert: Option<String>,
) -> AppResult<Response> {
    let tr = Tr::new(state, ctx.locale);
    let rows = super::accounts::account_rows(state, &tr, ws.workspace.id).await?;
    let row = rows.into_iter().find(|r| r.account.id == account.id);
    let (health, health_text, waiting, connected) = match &row {
        Some(r) => (r.health, r.health_text.clone(), r.waiting, r.connected),
        None => (
            Health::NotConnected.as_str(),
            tr.t("health-not-connected"),
            0,
            false,
        ),
    };
    render(
        status,
        &ConnectPage {
            base: Base::page(state, ctx, "connect-title", "workspaces"),
            ws: ws.workspace.clone(),
            section: "accounts",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            connectable: publishing::connectable(account.network),
            account,
            health,
            health_text,
            waiting,
            connected,
            form,
            alert,
        },
    )
}

/// The form state with the defaults of a fresh page.
fn fresh_form() -> FormState {
    FormState::new("connect-").keep("service", publishing::DEFAULT_BLUESKY_SERVICE)
}

/// `GET /w/{slug}/accounts/{account_id}/connect`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let account = account_of(&state, &ws, id).await?;
    draw(
        &state,
        &ctx,
        &ws,
        account,
        StatusCode::OK,
        fresh_form(),
        None,
    )
    .await
}

/// The credential forms (one route; the account's network says which fields
/// are read).
#[derive(Debug, Deserialize)]
pub struct ConnectForm {
    #[serde(default)]
    pub identifier: String,
    #[serde(default)]
    pub app_password: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub instance: String,
    #[serde(default)]
    pub access_token: String,
}

/// Reads the credential form for `network`; errors at their fields.
pub fn parse_credentials(
    network: Network,
    form: &ConnectForm,
) -> Result<Credentials, Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    let secret_ok = |s: &str| {
        let s = s.trim();
        !s.is_empty() && s.len() <= 2000 && !s.chars().any(char::is_control)
    };
    match network {
        Network::Bluesky => {
            let identifier = form.identifier.trim().trim_start_matches('@');
            if identifier.is_empty() {
                errors.push(("identifier", "required"));
            } else if identifier.len() > 253 || identifier.chars().any(char::is_whitespace) {
                errors.push(("identifier", "connect-identifier-invalid"));
            }
            if form.app_password.trim().is_empty() {
                errors.push(("app_password", "required"));
            } else if !secret_ok(&form.app_password) {
                errors.push(("app_password", "connect-secret-invalid"));
            }
            let service = if form.service.trim().is_empty() {
                Some(publishing::DEFAULT_BLUESKY_SERVICE.to_string())
            } else {
                publishing::server_address(&form.service)
            };
            if service.is_none() {
                errors.push(("service", "connect-address-invalid"));
            }
            match service {
                Some(service) if errors.is_empty() => Ok(Credentials::Bluesky {
                    service,
                    identifier: identifier.to_string(),
                    app_password: form.app_password.trim().to_string(),
                    session: None,
                }),
                _ => Err(errors),
            }
        }
        Network::Mastodon => {
            let instance = if form.instance.trim().is_empty() {
                errors.push(("instance", "required"));
                None
            } else {
                let i = publishing::server_address(&form.instance);
                if i.is_none() {
                    errors.push(("instance", "connect-address-invalid"));
                }
                i
            };
            if form.access_token.trim().is_empty() {
                errors.push(("access_token", "required"));
            } else if !secret_ok(&form.access_token)
                || form.access_token.trim().chars().any(char::is_whitespace)
            {
                errors.push(("access_token", "connect-secret-invalid"));
            }
            match instance {
                Some(instance) if errors.is_empty() => Ok(Credentials::Mastodon {
                    instance,
                    access_token: form.access_token.trim().to_string(),
                }),
                _ => Err(errors),
            }
        }
        _ => Err(vec![("network", "connect-no-connector")]),
    }
}

/// The message of a form error code (`error-<code>`, as in API problems).
fn message(tr: &Tr, code: &str) -> String {
    tr.t(&format!("error-{code}"))
}

/// The field a failure is shown at, and its error code.
pub fn failure_field(network: Network, f: &ConnectFailure) -> (&'static str, &'static str) {
    let (secret, address) = match network {
        Network::Bluesky => ("app_password", "service"),
        _ => ("access_token", "instance"),
    };
    match f {
        ConnectFailure::Refused if network == Network::Bluesky => {
            (secret, "connect-refused-bluesky")
        }
        ConnectFailure::Refused => (secret, "connect-refused-mastodon"),
        ConnectFailure::Unreachable => (address, "connect-unreachable"),
        ConnectFailure::Invalid => (address, "connect-invalid"),
        ConnectFailure::WrongNetwork => ("network", "connect-no-connector"),
        ConnectFailure::NoVault | ConnectFailure::Internal(_) => ("network", "connect-no-vault"),
    }
}

/// `POST /w/{slug}/accounts/{account_id}/connect`.
pub async fn connect(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    PageForm(form): PageForm<ConnectForm>,
) -> AppResult<Response> {
    let account = account_of(&state, &ws, id).await?;
    let tr = Tr::new(&state, ctx.locale);
    // Addresses and the handle are drawn again; the secrets never are.
    let kept = FormState::new("connect-")
        .keep("identifier", &form.identifier)
        .keep("service", &form.service)
        .keep("instance", &form.instance);
    let network = account.network;
    if !publishing::connectable(network) {
        return no_connector(&state, &ctx, &ws, account, kept).await;
    }
    if state.vault().is_none() {
        return no_vault(&state, &ctx, &ws, account, kept).await;
    }
    let creds = match parse_credentials(network, &form) {
        Ok(c) => c,
        Err(errors) => {
            let f = errors.into_iter().fold(kept, |f, (field, code)| {
                f.with_message(field, message(&tr, code))
            });
            return draw(
                &state,
                &ctx,
                &ws,
                account,
                StatusCode::UNPROCESSABLE_ENTITY,
                f,
                None,
            )
            .await;
        }
    };
    let actor = Actor::user(ctx.user()?);
    match publishing::connect_account(&state, &actor, ws.workspace.id, &account, creds).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/w/{}/accounts?done=connected", ws.workspace.slug))
                .into_response(),
        ),
        Err(failure) => refused(&state, &ctx, &ws, account, kept, failure).await,
    }
}

/// Draws the connect page after a failed connection, the message at its field.
async fn refused(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    account: Account,
    kept: FormState,
    failure: ConnectFailure,
) -> AppResult<Response> {
    match failure {
        ConnectFailure::NoVault => no_vault(state, ctx, ws, account, kept).await,
        ConnectFailure::Internal(detail) => Err(AppError::Internal(detail)),
        f => {
            let tr = Tr::new(state, ctx.locale);
            let (field, code) = failure_field(account.network, &f);
            let kept = kept.with_message(field, message(&tr, code));
            let status = match f {
                ConnectFailure::Unreachable => StatusCode::BAD_GATEWAY,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            draw(state, ctx, ws, account, status, kept, None).await
        }
    }
}

/// The account's network cannot be connected (this way): 422, nothing stored.
async fn no_connector(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    account: Account,
    kept: FormState,
) -> AppResult<Response> {
    let alert = Some(state.i18n.t(ctx.locale, "error-connect-no-connector"));
    draw(
        state,
        ctx,
        ws,
        account,
        StatusCode::UNPROCESSABLE_ENTITY,
        kept,
        alert,
    )
    .await
}

async fn no_vault(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    account: Account,
    kept: FormState,
) -> AppResult<Response> {
    let alert = Some(state.i18n.t(ctx.locale, "error-connect-no-vault"));
    draw(
        state,
        ctx,
        ws,
        account,
        StatusCode::SERVICE_UNAVAILABLE,
        kept,
        alert,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct AuthorizeForm {
    #[serde(default)]
    oauth_instance: String,
}

/// The address the instance sends the person back to.
fn callback_uri(ctx: &Ctx, ws: &WsCtx, account: AccountId) -> String {
    format!(
        "{}/w/{}/accounts/{}/mastodon/callback",
        ctx.base_url.trim_end_matches('/'),
        ws.workspace.slug,
        account.0
    )
}

/// `POST /w/{slug}/accounts/{account_id}/mastodon/authorize`: registers relais
/// on the instance and sends the person there to authorize it. The
/// registration travels in the sealed `state`.
pub async fn authorize(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    PageForm(form): PageForm<AuthorizeForm>,
) -> AppResult<Response> {
    let account = account_of(&state, &ws, id).await?;
    let tr = Tr::new(&state, ctx.locale);
    let kept = fresh_form().keep("oauth_instance", &form.oauth_instance);
    if account.network != Network::Mastodon {
        return no_connector(&state, &ctx, &ws, account, kept).await;
    }
    let Some(vault) = state.vault() else {
        return no_vault(&state, &ctx, &ws, account, kept).await;
    };
    let instance = match form.oauth_instance.trim() {
        "" => Err("required"),
        s => publishing::server_address(s).ok_or("connect-address-invalid"),
    };
    let instance = match instance {
        Ok(i) => i,
        Err(code) => {
            let f = kept.with_message("oauth_instance", message(&tr, code));
            return draw(
                &state,
                &ctx,
                &ws,
                account,
                StatusCode::UNPROCESSABLE_ENTITY,
                f,
                None,
            )
            .await;
        }
    };
    let redirect_uri = callback_uri(&ctx, &ws, account.id);
    let registration = match relais_connect::mastodon::register_app(
        &instance,
        &redirect_uri,
        &state.connect_options,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => {
            let failure = ConnectFailure::from(e);
            let code = match failure {
                ConnectFailure::Unreachable => "connect-unreachable",
                _ => "connect-invalid",
            };
            let f = kept.with_message("oauth_instance", message(&tr, code));
            let status = if failure == ConnectFailure::Unreachable {
                StatusCode::BAD_GATEWAY
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return draw(&state, &ctx, &ws, account, status, f, None).await;
        }
    };
    let user = ctx.user()?;
    let sealed = publishing::seal_oauth_state(
        vault,
        &OAuthState {
            account_id: account.id.0,
            user_id: user.id.0,
            expires_at: publishing::oauth_expiry(relais_store::time::now()),
            instance: instance.clone(),
            registration: registration.clone(),
        },
    )?;
    let to = relais_connect::mastodon::authorize_url(
        &instance,
        &registration.client_id,
        &redirect_uri,
        &sealed,
    );
    Ok(Redirect::to(&to).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    /// Set by the instance when the person refused.
    #[serde(default)]
    error: String,
}

/// `GET /w/{slug}/accounts/{account_id}/mastodon/callback`: the instance sends
/// the person back here with a code; the sealed state says which registration,
/// account and person it is for, until when.
pub async fn callback(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    Query(q): Query<CallbackQuery>,
) -> AppResult<Response> {
    let account = account_of(&state, &ws, id).await?;
    let tr = Tr::new(&state, ctx.locale);
    let Some(vault) = state.vault() else {
        return no_vault(&state, &ctx, &ws, account, fresh_form()).await;
    };
    let user = ctx.user()?;
    let opened = publishing::open_oauth_state(
        vault,
        &q.state,
        account.id,
        user.id,
        relais_store::time::now(),
    );
    let alert = |key: &str| Some(tr.t(key));
    let Some(oauth) = opened else {
        return draw(
            &state,
            &ctx,
            &ws,
            account,
            StatusCode::BAD_REQUEST,
            fresh_form(),
            alert("connect-oauth-invalid"),
        )
        .await;
    };
    let kept = fresh_form().keep("oauth_instance", &oauth.instance);
    if !q.error.is_empty() || q.code.trim().is_empty() {
        return draw(
            &state,
            &ctx,
            &ws,
            account,
            StatusCode::BAD_REQUEST,
            kept,
            alert("connect-oauth-denied"),
        )
        .await;
    }
    let token = match relais_connect::mastodon::exchange_code(
        &oauth.instance,
        &oauth.registration,
        q.code.trim(),
        &callback_uri(&ctx, &ws, account.id),
        &state.connect_options,
    )
    .await
    {
        Ok(t) => t,
        Err(e) => {
            let key = match ConnectFailure::from(e) {
                ConnectFailure::Unreachable => "error-connect-unreachable",
                _ => "connect-oauth-code",
            };
            return draw(
                &state,
                &ctx,
                &ws,
                account,
                StatusCode::BAD_GATEWAY,
                kept,
                alert(key),
            )
            .await;
        }
    };
    let creds = Credentials::Mastodon {
        instance: oauth.instance.clone(),
        access_token: token,
    };
    let actor = Actor::user(user);
    match publishing::connect_account(&state, &actor, ws.workspace.id, &account, creds).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/w/{}/accounts?done=connected", ws.workspace.slug))
                .into_response(),
        ),
        Err(failure) => refused(&state, &ctx, &ws, account, kept, failure).await,
    }
}

/// `POST /w/{slug}/accounts/{account_id}/disconnect`: forgets the credentials
/// (an account that was not connected stays so).
pub async fn disconnect(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let account = account_of(&state, &ws, id).await?;
    match state
        .store
        .delete_connection(&Actor::user(ctx.user()?), ws.workspace.id, account.id)
        .await
    {
        Ok(()) | Err(StoreError::NotFound) => Ok(Redirect::to(&format!(
            "/w/{}/accounts?done=disconnected",
            ws.workspace.slug
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}
