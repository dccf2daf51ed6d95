//! The OAuth app-registration flow, for the web layer
//! (documentation `methods/apps` and `methods/oauth`):
//! [`register_app`] once per instance, send the person to [`authorize_url`],
//! then [`exchange_code`] for the access token stored in the credentials.

use super::{send, Instance};
use crate::{http, ClientOptions, Result};
use serde::{Deserialize, Serialize};

/// The scopes relais asks for (space separated, as `POST /api/v1/apps` takes them).
pub const SCOPES: &str = "read write";

/// The name relais registers under (`client_name`).
const CLIENT_NAME: &str = "relais";

/// An application registered on one instance.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRegistration {
    pub client_id: String,
    pub client_secret: String,
}

/// Never prints the client secret.
impl std::fmt::Debug for AppRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppRegistration")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// `POST /api/v1/apps` with `client_name`, `redirect_uris` and the scopes
/// `read write`.
pub async fn register_app(
    instance: &str,
    redirect_uri: &str,
    options: &ClientOptions,
) -> Result<AppRegistration> {
    let instance = Instance::parse(instance)?;
    let client = http::client(options)?;
    let form = [
        ("client_name", CLIENT_NAME),
        ("redirect_uris", redirect_uri),
        ("scopes", SCOPES),
    ];
    let rb = client.post(instance.endpoint("/api/v1/apps")).form(&form);
    send(rb, false).await?.ok()?.json(false)
}

/// The page to send the person to: `/oauth/authorize?response_type=code&…`
/// with the scopes `read+write` and `state` passed through to the redirect.
pub fn authorize_url(instance: &str, client_id: &str, redirect_uri: &str, state: &str) -> String {
    let base = Instance::parse(instance)
        .map(|i| i.base)
        .unwrap_or_else(|_| instance.trim().trim_end_matches('/').to_string());
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", SCOPES)
        .append_pair("state", state)
        .finish();
    format!("{base}/oauth/authorize?{query}")
}

/// `POST /oauth/token` with `grant_type=authorization_code`: the access
/// token for the code the instance sent to `redirect_uri`. A refused code is
/// `Rejected` (the person starts again), a refused client `Auth`.
pub async fn exchange_code(
    instance: &str,
    reg: &AppRegistration,
    code: &str,
    redirect_uri: &str,
    options: &ClientOptions,
) -> Result<String> {
    #[derive(Deserialize)]
    struct Token {
        access_token: String,
    }
    let instance = Instance::parse(instance)?;
    let client = http::client(options)?;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", reg.client_id.as_str()),
        ("client_secret", reg.client_secret.as_str()),
        ("redirect_uri", redirect_uri),
    ];
    let rb = client.post(instance.endpoint("/oauth/token")).form(&form);
    let token: Token = send(rb, false).await?.ok()?.json(false)?;
    Ok(token.access_token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_url_carries_every_parameter() {
        let url = authorize_url(
            "https://example.social/",
            "cid",
            "https://relais.example/callback?x=1",
            "st&ate",
        );
        assert_eq!(
            url,
            "https://example.social/oauth/authorize?response_type=code&client_id=cid&redirect_uri=https%3A%2F%2Frelais.example%2Fcallback%3Fx%3D1&scope=read+write&state=st%26ate"
        );
    }

    #[test]
    fn registration_debug_hides_the_secret() {
        let reg = AppRegistration {
            client_id: "id-1".into(),
            client_secret: "s3cr3t".into(),
        };
        let shown = format!("{reg:?}");
        assert!(
            shown.contains("id-1") && !shown.contains("s3cr3t"),
            "{shown}"
        );
    }
}
