//! The request handler: faults, authentication, rate limits, then the
//! endpoints, all under one lock (never held across an await).

use super::conn::Conn;
use super::params::{redact_query, summarize, Params};
use super::render;
use super::{
    lock, random_string, App, FaultKind, Grant, MastodonServer, Media, MediaRecord,
    RecordedRequest, Route, Shared, State, StatusRecord,
};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State as AxumState};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
const INVALID_TOKEN: &str = "The access token is invalid";
const NOT_FOUND: &str = "Record not found";
const VISIBILITIES: [&str; 4] = ["public", "unlisted", "private", "direct"];
/// Authorization codes live ten minutes (Doorkeeper's default).
const CODE_TTL_SECS: i64 = 600;

enum Body {
    Json(Value),
    Html(String),
    Empty,
}

pub(crate) struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Body,
}

impl Reply {
    fn json(status: u16, v: Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Json(v),
        }
    }

    fn error(status: u16, message: &str) -> Reply {
        Reply::json(status, json!({ "error": message }))
    }

    fn oauth_error(status: u16, error: &str, description: &str) -> Reply {
        Reply::json(
            status,
            json!({ "error": error, "error_description": description }),
        )
    }

    fn header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut headers = HeaderMap::new();
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.append(HeaderName::from_static(name), v);
            }
        }
        match self.body {
            Body::Json(v) => (status, headers, axum::Json(v)).into_response(),
            Body::Html(h) => (status, headers, axum::response::Html(h)).into_response(),
            Body::Empty => (status, headers).into_response(),
        }
    }
}

fn rate_date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn std_to_chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// An injected failure: nothing is applied.
fn failure(status: u16, retry_after: Option<Duration>, now: DateTime<Utc>) -> Reply {
    let message = match status {
        429 => "Too many requests",
        401 => INVALID_TOKEN,
        500..=599 => "There was a temporary problem serving your request, please try again",
        _ => "Injected failure",
    };
    let mut reply = Reply::error(status, message);
    if let Some(after) = retry_after {
        reply = reply.header("retry-after", after.as_secs().to_string());
    }
    if status == 429 {
        let reset = now + std_to_chrono(retry_after.unwrap_or(Duration::from_secs(60)));
        reply = reply
            .header("x-ratelimit-limit", "300".into())
            .header("x-ratelimit-remaining", "0".into())
            .header("x-ratelimit-reset", rate_date(reset));
    }
    reply
}

/// The one handler behind every path.
pub(crate) async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = shared.now();
    let route = Route::of(method.as_str(), uri.path());
    let (reply, delay, dropped) = {
        let mut st = lock(&shared.state);
        let delay = st.settings.delay;
        match st.take_fault(route) {
            Some(FaultKind::Fail {
                status,
                retry_after,
            }) => (failure(status, retry_after, now), delay, false),
            Some(FaultKind::DropAnswer) => {
                (st.dispatch(route, now, &uri, &headers, &body), delay, true)
            }
            Some(FaultKind::Delay(d)) => (
                st.dispatch(route, now, &uri, &headers, &body),
                delay + d,
                false,
            ),
            None => (st.dispatch(route, now, &uri, &headers, &body), delay, false),
        }
    };
    if shared.record.load(std::sync::atomic::Ordering::Relaxed) {
        let recorded = record(
            now,
            &method,
            &uri,
            &headers,
            &body,
            (!dropped).then_some(reply.status),
        );
        lock(&shared.requests).push(recorded);
    }
    if dropped {
        conn.kill();
    }
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    reply.into_response()
}

fn record(
    at: DateTime<Utc>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    status: Option<u16>,
) -> RecordedRequest {
    let mut token = None;
    let shown = headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let value = if name == axum::http::header::AUTHORIZATION {
                match bearer_of(&value) {
                    Some(t) => {
                        let fp = MastodonServer::token_fingerprint(t);
                        let shown = format!("Bearer [redacted #{fp}]");
                        token = Some(fp);
                        shown
                    }
                    None => "[redacted]".to_string(),
                }
            } else if name == axum::http::header::COOKIE {
                "[redacted]".to_string()
            } else {
                value
            };
            (name.as_str().to_string(), value)
        })
        .collect();
    RecordedRequest {
        at,
        method: method.as_str().to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(redact_query),
        headers: shown,
        token,
        body: summarize(headers, body),
        status,
    }
}

fn bearer_of(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The `:id` segment of `/api/v1/<what>/:id[/…]`.
fn path_segment(uri: &Uri, n: usize) -> String {
    uri.path()
        .trim_matches('/')
        .split('/')
        .nth(n)
        .unwrap_or("")
        .to_string()
}

impl State {
    fn dispatch(
        &mut self,
        route: Route,
        now: DateTime<Utc>,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Reply {
        let params = match Params::parse(headers, uri.query(), body) {
            Ok(p) => p,
            Err(message) => return Reply::error(400, &message),
        };
        match route {
            Route::RegisterApp => return self.register_app(&params),
            Route::Authorize => return self.authorize(&params, now),
            Route::Token => return self.token(&params, now),
            Route::Other => return Reply::error(404, "Not Found"),
            _ => {}
        }
        // Public for public statuses; an invalid token is still refused.
        let public = match route {
            Route::GetStatus | Route::AccountStatuses => true,
            Route::TagTimeline | Route::PublicTimeline => self.settings.public_preview,
            _ => false,
        };
        let required = !public;
        let viewer = match self.authenticate(headers, required) {
            Ok(v) => v,
            Err(reply) => return reply,
        };
        let limits = match viewer {
            Some(account) => match self.rate(account, now) {
                Ok(h) => h,
                Err(reply) => return reply,
            },
            None => Vec::new(),
        };
        let mut reply = match (route, viewer) {
            (Route::VerifyCredentials, Some(a)) => self.verify_credentials(a),
            (Route::AccountStatuses, v) => self.account_statuses(v, &path_segment(uri, 3), &params),
            (Route::GetStatus, v) => self.get_status(v, &path_segment(uri, 3)),
            (Route::CreateStatus, Some(a)) => self.create_status(a, &params, headers, now),
            (Route::DeleteStatus, Some(a)) => self.delete_status(a, &path_segment(uri, 3)),
            (Route::UploadMedia, Some(a)) => self.upload_media(a, &params, now),
            (Route::GetMedia, Some(a)) => self.get_media(a, &path_segment(uri, 3)),
            (Route::TagTimeline, _) => self.timeline(Some(&path_segment(uri, 4)), &params),
            (Route::PublicTimeline, _) => self.timeline(None, &params),
            _ => Reply::error(401, INVALID_TOKEN),
        };
        reply.headers.extend(limits);
        reply
    }

    fn authenticate(
        &mut self,
        headers: &HeaderMap,
        required: bool,
    ) -> Result<Option<usize>, Reply> {
        let token = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer_of);
        match token {
            None if required => Err(Reply::error(401, INVALID_TOKEN)),
            None => Ok(None),
            Some(t) => match self.tokens.get(t) {
                Some(&i) => Ok(Some(i)),
                None if self.settings.accept_any_token => {
                    let i = self.add_account(None);
                    self.tokens.insert(t.to_string(), i);
                    Ok(Some(i))
                }
                None => Err(Reply::error(401, INVALID_TOKEN)),
            },
        }
    }

    /// Counts the request against the account's window; the headers to add,
    /// or the 429.
    fn rate(
        &mut self,
        account: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<(&'static str, String)>, Reply> {
        let Some(budget) = self.settings.rate else {
            return Ok(Vec::new());
        };
        let window = std_to_chrono(budget.window);
        let entry = self.windows.entry(account).or_insert((now, 0));
        if now >= entry.0 + window {
            *entry = (now, 0);
        }
        let reset = rate_date(entry.0 + window);
        let limit = budget.requests.to_string();
        if entry.1 >= budget.requests {
            return Err(Reply::error(429, "Too many requests")
                .header("x-ratelimit-limit", limit)
                .header("x-ratelimit-remaining", "0".into())
                .header("x-ratelimit-reset", reset));
        }
        entry.1 += 1;
        Ok(vec![
            ("x-ratelimit-limit", limit),
            (
                "x-ratelimit-remaining",
                (budget.requests - entry.1).to_string(),
            ),
            ("x-ratelimit-reset", reset),
        ])
    }

    fn register_app(&mut self, params: &Params) -> Reply {
        let Some(name) = params.get("client_name").filter(|n| !n.trim().is_empty()) else {
            return Reply::error(422, "Validation failed: Application name can't be blank");
        };
        let uris: Vec<String> = params
            .list("redirect_uris")
            .iter()
            .flat_map(|u| u.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .collect();
        if uris.is_empty() {
            return Reply::error(422, "Validation failed: Redirect URI can't be blank");
        }
        if uris.iter().any(|u| u != OOB && url::Url::parse(u).is_err()) {
            return Reply::error(
                422,
                "Validation failed: Redirect URI must be an absolute URI.",
            );
        }
        let scopes: Vec<String> = params
            .get("scopes")
            .unwrap_or_else(|| "read".into())
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let client_id = random_string();
        let client_secret = random_string();
        let id = self.apps.len() + 1;
        self.apps.insert(
            client_id.clone(),
            App {
                secret: client_secret.clone(),
                redirect_uris: uris.clone(),
                scopes: scopes.clone(),
            },
        );
        Reply::json(
            200,
            json!({
                "id": id.to_string(),
                "name": name,
                "website": params.get("website"),
                "scopes": scopes,
                "redirect_uri": uris.join("\n"),
                "redirect_uris": uris,
                "client_id": client_id,
                "client_secret": client_secret,
                "client_secret_expires_at": 0,
            }),
        )
    }

    fn authorize(&mut self, params: &Params, now: DateTime<Utc>) -> Reply {
        if params.get("response_type").as_deref() != Some("code") {
            return Reply::oauth_error(
                400,
                "unsupported_response_type",
                "The authorization server does not support this response type.",
            );
        }
        let client_id = params.get("client_id").unwrap_or_default();
        let Some(app) = self.apps.get(&client_id) else {
            return Reply::oauth_error(
                401,
                "invalid_client",
                "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
            );
        };
        let redirect_uri = params.get("redirect_uri").unwrap_or_default();
        if !app.redirect_uris.contains(&redirect_uri) {
            return Reply::oauth_error(
                400,
                "invalid_redirect_uri",
                "The requested redirect uri is malformed or doesn't match client redirect URI.",
            );
        }
        let scopes: Vec<String> = params
            .get("scope")
            .unwrap_or_else(|| "read".into())
            .split([' ', '+'])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if scopes.iter().any(|s| !app.scopes.contains(s)) {
            return Reply::oauth_error(
                400,
                "invalid_scope",
                "The requested scope is invalid, unknown, or malformed.",
            );
        }
        let account = match self.authorizing {
            Some(a) => a,
            None => {
                let a = self.add_account(Some("alice"));
                self.authorizing = Some(a);
                a
            }
        };
        let code = random_string();
        self.codes.insert(
            code.clone(),
            Grant {
                client_id,
                redirect_uri: redirect_uri.clone(),
                scopes,
                account,
                at: now,
            },
        );
        if redirect_uri == OOB {
            return Reply {
                status: 200,
                headers: Vec::new(),
                body: Body::Html(format!(
                    "<!DOCTYPE html><html><body><p>Copy this authorization code:</p><code class=\"oauth-code\">{code}</code></body></html>"
                )),
            };
        }
        let mut location = redirect_uri;
        location.push(if location.contains('?') { '&' } else { '?' });
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("code", &code);
        if let Some(state) = params.get("state") {
            query.append_pair("state", &state);
        }
        location.push_str(&query.finish());
        Reply {
            status: 302,
            headers: vec![("location", location)],
            body: Body::Empty,
        }
    }

    fn token(&mut self, params: &Params, now: DateTime<Utc>) -> Reply {
        if params.get("grant_type").as_deref() != Some("authorization_code") {
            return Reply::oauth_error(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            );
        }
        let client_id = params.get("client_id").unwrap_or_default();
        let secret_ok = self
            .apps
            .get(&client_id)
            .is_some_and(|app| Some(&app.secret) == params.get("client_secret").as_ref());
        if !secret_ok {
            return Reply::oauth_error(
                401,
                "invalid_client",
                "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
            );
        }
        let code = params.get("code").unwrap_or_default();
        let grant = self.codes.remove(&code).filter(|g| {
            g.client_id == client_id
                && Some(&g.redirect_uri) == params.get("redirect_uri").as_ref()
                && now < g.at + chrono::Duration::seconds(CODE_TTL_SECS)
        });
        let Some(grant) = grant else {
            return Reply::oauth_error(
                400,
                "invalid_grant",
                "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
            );
        };
        let token = random_string();
        self.tokens.insert(token.clone(), grant.account);
        Reply::json(
            200,
            json!({
                "access_token": token,
                "token_type": "Bearer",
                "scope": grant.scopes.join(" "),
                "created_at": now.timestamp(),
            }),
        )
    }

    fn verify_credentials(&self, account: usize) -> Reply {
        let Some(a) = self.accounts.get(account) else {
            return Reply::error(401, INVALID_TOKEN);
        };
        let count = self
            .statuses
            .iter()
            .filter(|s| s.account == account && !s.deleted)
            .count();
        let mut v = render::account(a, &self.base, count);
        v["source"] = json!({
            "privacy": "public",
            "sensitive": false,
            "language": null,
            "note": "",
            "fields": [],
        });
        Reply::json(200, v)
    }

    fn visible(s: &StatusRecord, viewer: Option<usize>) -> bool {
        !s.deleted
            && (viewer == Some(s.account) || matches!(s.visibility.as_str(), "public" | "unlisted"))
    }

    fn status_json(&self, s: &StatusRecord, with_source: bool) -> Value {
        let media: Vec<Value> = s
            .media_ids
            .iter()
            .filter_map(|id| self.media.get(id))
            .map(|m| render::media(&m.media, &self.base))
            .collect();
        match self.accounts.get(s.account) {
            Some(author) => render::status(s, author, &media, &self.base, with_source),
            None => Value::Null,
        }
    }

    fn account_statuses(&self, viewer: Option<usize>, account_id: &str, params: &Params) -> Reply {
        let Some(target) = self.accounts.iter().position(|a| a.id == account_id) else {
            return Reply::error(404, NOT_FOUND);
        };
        let limit = params
            .get("limit")
            .and_then(|l| l.parse::<usize>().ok())
            .filter(|&l| l > 0)
            .unwrap_or(20)
            .min(40);
        let id_param = |name: &str| params.get(name).and_then(|v| v.parse::<u64>().ok());
        let (max_id, since_id, min_id) =
            (id_param("max_id"), id_param("since_id"), id_param("min_id"));
        let flag = |name: &str| matches!(params.get(name).as_deref(), Some("true" | "1"));
        let (exclude_replies, only_media) = (flag("exclude_replies"), flag("only_media"));
        let target_id = &self.accounts[target].id;
        let keep = |s: &&StatusRecord| {
            let id = s.id.parse::<u64>().unwrap_or(0);
            s.account == target
                && Self::visible(s, viewer)
                && max_id.is_none_or(|m| id < m)
                && since_id.is_none_or(|m| id > m)
                && min_id.is_none_or(|m| id > m)
                && !(exclude_replies
                    && s.in_reply_to_account_id
                        .as_ref()
                        .is_some_and(|a| a != target_id))
                && !(only_media && s.media_ids.is_empty())
        };
        let page: Vec<&StatusRecord> = if min_id.is_some() {
            let mut up: Vec<&StatusRecord> =
                self.statuses.iter().filter(keep).take(limit).collect();
            up.reverse();
            up
        } else {
            self.statuses
                .iter()
                .rev()
                .filter(keep)
                .take(limit)
                .collect()
        };
        let body: Vec<Value> = page.iter().map(|s| self.status_json(s, false)).collect();
        let mut reply = Reply::json(200, Value::Array(body));
        // As Mastodon: `next` only after a full page.
        if let (Some(first), Some(last)) = (page.first(), page.last()) {
            let list = format!("{}/api/v1/accounts/{account_id}/statuses", self.base);
            let prev = format!("<{list}?limit={limit}&min_id={}>; rel=\"prev\"", first.id);
            let link = if page.len() == limit {
                format!(
                    "<{list}?limit={limit}&max_id={}>; rel=\"next\", {prev}",
                    last.id
                )
            } else {
                prev
            };
            reply = reply.header("link", link);
        }
        reply
    }

    /// The hashtag timeline of `tag`, or the public timeline.
    fn timeline(&self, tag: Option<&str>, params: &Params) -> Reply {
        let tag = tag.map(|t| {
            url::form_urlencoded::parse(format!("t={t}").as_bytes())
                .next()
                .map(|(_, v)| v.to_lowercase())
                .unwrap_or_default()
        });
        let has_tag = |s: &StatusRecord| {
            tag.as_ref()
                .is_none_or(|t| render::tags(&s.text).iter().any(|x| x == t))
        };
        if tag.is_some() && !self.statuses.iter().any(&has_tag) {
            return Reply::error(404, NOT_FOUND);
        }
        let limit = params
            .get("limit")
            .and_then(|l| l.parse::<usize>().ok())
            .filter(|&l| l > 0)
            .unwrap_or(20)
            .min(40);
        let id_param = |name: &str| params.get(name).and_then(|v| v.parse::<u64>().ok());
        let (max_id, since_id, min_id) =
            (id_param("max_id"), id_param("since_id"), id_param("min_id"));
        let flag = |name: &str| matches!(params.get(name).as_deref(), Some("true" | "1"));
        let (local, remote, only_media) = (flag("local"), flag("remote"), flag("only_media"));
        let keep = |s: &&StatusRecord| {
            let id = s.id.parse::<u64>().unwrap_or(0);
            let is_remote = self
                .accounts
                .get(s.account)
                .is_some_and(|a| a.domain.is_some());
            !s.deleted
                && s.visibility == "public"
                && has_tag(s)
                && !(local && is_remote)
                && (!remote || is_remote)
                && !(only_media && s.media_ids.is_empty())
                && max_id.is_none_or(|m| id < m)
                && since_id.is_none_or(|m| id > m)
                && min_id.is_none_or(|m| id > m)
        };
        let page: Vec<&StatusRecord> = if min_id.is_some() {
            let mut up: Vec<&StatusRecord> =
                self.statuses.iter().filter(keep).take(limit).collect();
            up.reverse();
            up
        } else {
            self.statuses
                .iter()
                .rev()
                .filter(keep)
                .take(limit)
                .collect()
        };
        let body: Vec<Value> = page.iter().map(|s| self.status_json(s, false)).collect();
        let mut reply = Reply::json(200, Value::Array(body));
        if let (Some(first), Some(last)) = (page.first(), page.last()) {
            let list = match &tag {
                Some(t) => {
                    let mut u = format!("{}/api/v1/timelines/tag/", self.base);
                    u.extend(url::form_urlencoded::byte_serialize(t.as_bytes()));
                    u
                }
                None => format!("{}/api/v1/timelines/public", self.base),
            };
            let mut kept = String::new();
            for (name, on) in [
                ("local", local),
                ("remote", remote),
                ("only_media", only_media),
            ] {
                if on {
                    kept.push_str(&format!("&{name}=true"));
                }
            }
            reply = reply.header(
                "link",
                format!(
                    "<{list}?limit={limit}{kept}&max_id={}>; rel=\"next\", <{list}?limit={limit}{kept}&min_id={}>; rel=\"prev\"",
                    last.id, first.id
                ),
            );
        }
        reply
    }

    fn find_visible(&self, id: &str, viewer: Option<usize>) -> Option<&StatusRecord> {
        let i = *self.status_index.get(id)?;
        self.statuses.get(i).filter(|s| Self::visible(s, viewer))
    }

    fn get_status(&self, viewer: Option<usize>, id: &str) -> Reply {
        match self.find_visible(id, viewer) {
            Some(s) => Reply::json(200, self.status_json(s, false)),
            None => Reply::error(404, NOT_FOUND),
        }
    }

    fn create_status(
        &mut self,
        account: usize,
        params: &Params,
        headers: &HeaderMap,
        now: DateTime<Utc>,
    ) -> Reply {
        let key = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_string);
        if let Some(key) = &key {
            let slot = (account, key.clone());
            if let Some((id, at)) = self.idempotency.get(&slot).cloned() {
                if now < at + std_to_chrono(self.settings.idempotency_ttl) {
                    // The status created first, whatever this body says.
                    return match self
                        .status_index
                        .get(&id)
                        .and_then(|&i| self.statuses.get(i))
                    {
                        Some(s) if !s.deleted => Reply::json(200, self.status_json(s, false)),
                        _ => Reply::error(404, NOT_FOUND),
                    };
                }
                self.idempotency.remove(&slot);
            }
        }
        if params.get("scheduled_at").is_some_and(|s| !s.is_empty()) {
            return Reply::error(
                422,
                "Validation failed: scheduled statuses are not modelled by the loopback server",
            );
        }
        let text = params.get("status").unwrap_or_default();
        let spoiler_text = params.get("spoiler_text").unwrap_or_default();
        let visibility = params
            .get("visibility")
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "public".into());
        if !VISIBILITIES.contains(&visibility.as_str()) {
            return Reply::error(
                422,
                "Validation failed: Visibility is not included in the list",
            );
        }
        let media_ids = params.list("media_ids");
        if media_ids.len() > 4 {
            return Reply::error(422, "Validation failed: Cannot attach more than 4 files");
        }
        for id in &media_ids {
            match self.media.get(id) {
                Some(m) if m.account == account && m.media.status_id.is_none() => {
                    if !m.media.processed {
                        return Reply::error(
                            422,
                            "Cannot attach files that have not finished processing. Try again in a moment!",
                        );
                    }
                }
                _ => return Reply::error(422, "Validation failed: Media attachment not found"),
            }
        }
        if text.trim().is_empty() && media_ids.is_empty() {
            return Reply::error(422, "Validation failed: Text can't be blank");
        }
        let limit = self.settings.status_limit;
        if render::counted_length(&text) + render::counted_length(&spoiler_text) > limit {
            return Reply::error(
                422,
                &format!("Validation failed: Text character limit of {limit} exceeded"),
            );
        }
        let mut parent = None;
        if let Some(reply_to) = params.get("in_reply_to_id").filter(|r| !r.is_empty()) {
            match self
                .find_visible(&reply_to, Some(account))
                .map(|p| (p.id.clone(), p.account))
            {
                Some(found) => parent = Some(found),
                None => {
                    return Reply::error(
                        404,
                        "The post you are trying to reply to does not appear to exist.",
                    )
                }
            }
        }
        let id = self.next_id(now);
        if let Some((parent_id, _)) = &parent {
            if let Some(&i) = self.status_index.get(parent_id) {
                if let Some(p) = self.statuses.get_mut(i) {
                    p.replies += 1;
                }
            }
        }
        for media_id in &media_ids {
            if let Some(m) = self.media.get_mut(media_id) {
                m.media.status_id = Some(id.clone());
            }
        }
        let in_reply_to_account_id = parent
            .as_ref()
            .and_then(|(_, a)| self.accounts.get(*a))
            .map(|a| a.id.clone());
        let record = StatusRecord {
            id: id.clone(),
            account,
            text,
            visibility,
            spoiler_text,
            sensitive: matches!(params.get("sensitive").as_deref(), Some("true" | "1")),
            language: params.get("language").filter(|l| !l.is_empty()),
            in_reply_to_id: parent.map(|(p, _)| p),
            in_reply_to_account_id,
            media_ids,
            idempotency_key: key.clone(),
            created_at: now,
            deleted: false,
            favourites: 0,
            reblogs: 0,
            replies: 0,
            quotes: 0,
        };
        let reply = Reply::json(200, self.status_json(&record, false));
        self.status_index.insert(id.clone(), self.statuses.len());
        self.statuses.push(record);
        if let Some(key) = key {
            self.idempotency.insert((account, key), (id, now));
        }
        reply
    }

    fn delete_status(&mut self, account: usize, id: &str) -> Reply {
        let Some(i) = self.status_index.get(id).copied() else {
            return Reply::error(404, NOT_FOUND);
        };
        let parent = match self.statuses.get_mut(i) {
            Some(s) if s.account == account && !s.deleted => {
                s.deleted = true;
                s.in_reply_to_id.clone()
            }
            _ => return Reply::error(404, NOT_FOUND),
        };
        if let Some(p) = parent.and_then(|p| self.status_index.get(&p).copied()) {
            if let Some(p) = self.statuses.get_mut(p) {
                p.replies = p.replies.saturating_sub(1);
            }
        }
        match self.statuses.get(i) {
            Some(s) => Reply::json(200, self.status_json(s, true)),
            None => Reply::error(404, NOT_FOUND),
        }
    }

    fn upload_media(&mut self, account: usize, params: &Params, now: DateTime<Utc>) -> Reply {
        let invalid = || {
            Reply::error(
                422,
                "Validation failed: File content type is invalid, File is invalid",
            )
        };
        let Some(file) = params.file("file") else {
            return invalid();
        };
        let Some(mime) = file.content_type.clone().filter(|m| !m.is_empty()) else {
            return invalid();
        };
        let description = params.get("description").unwrap_or_default();
        if description.chars().count() > 1500 {
            return Reply::error(
                422,
                "Validation failed: Description is too long (maximum is 1500 characters)",
            );
        }
        let polls = self.settings.media_processing_polls;
        let id = self.next_id(now);
        let media = Media {
            id: id.clone(),
            account_id: self
                .accounts
                .get(account)
                .map(|a| a.id.clone())
                .unwrap_or_default(),
            description,
            mime,
            size: file.data.len(),
            status_id: None,
            processed: polls == 0,
        };
        let reply = Reply::json(
            if polls == 0 { 200 } else { 202 },
            render::media(&media, &self.base),
        );
        self.media.insert(
            id,
            MediaRecord {
                media,
                account,
                polls_left: polls,
            },
        );
        reply
    }

    fn get_media(&mut self, account: usize, id: &str) -> Reply {
        let base = self.base.clone();
        match self.media.get_mut(id) {
            Some(m) if m.account == account && m.media.status_id.is_none() => {
                if m.polls_left > 0 {
                    m.polls_left -= 1;
                    return Reply::json(206, render::media(&m.media, &base));
                }
                m.media.processed = true;
                Reply::json(200, render::media(&m.media, &base))
            }
            _ => Reply::error(404, NOT_FOUND),
        }
    }
}
