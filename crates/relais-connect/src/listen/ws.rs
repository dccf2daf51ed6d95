//! The WebSocket client both streams share: bounded messages, a connection
//! time-out, a User-Agent naming relais, keep-alive pings, and errors
//! classified into [`ListenError`].

use super::ListenError;
use futures_util::{SinkExt, StreamExt};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest, protocol::WebSocketConfig};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};
use url::Url;

pub(crate) use tungstenite::Bytes;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Settings of one connection.
#[derive(Debug, Clone)]
pub(crate) struct WsOptions {
    pub(crate) max_message_bytes: usize,
    pub(crate) connect_timeout: Duration,
    /// With no message for this long, a ping is sent; with still nothing
    /// after as long again, the connection is taken as dead.
    pub(crate) idle: Duration,
    pub(crate) user_agent: String,
    /// Whether non-public addresses may be reached (see `guard`).
    pub(crate) allow_private: bool,
}

/// A message of the stream.
pub(crate) enum Incoming {
    Binary(Bytes),
    Text(tungstenite::Utf8Bytes),
}

pub(crate) struct Conn {
    socket: Socket,
    /// The address without its query, for messages.
    shown: String,
    idle: Duration,
}

/// `https` → `wss`, `http` → `ws`; `ws` and `wss` are kept.
pub(crate) fn websocket_url(url: &Url) -> Result<Url, ListenError> {
    let scheme = match url.scheme() {
        "https" | "wss" => "wss",
        "http" | "ws" => "ws",
        other => {
            return Err(ListenError::InvalidUrl {
                url: url.to_string(),
                reason: format!("the scheme {other} is not http(s) or ws(s)"),
            })
        }
    };
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ListenError::InvalidUrl {
            url: url.to_string(),
            reason: "no host".into(),
        });
    }
    let mut out = url.clone();
    out.set_scheme(scheme)
        .map_err(|()| ListenError::InvalidUrl {
            url: url.to_string(),
            reason: "cannot use it as a WebSocket address".into(),
        })?;
    Ok(out)
}

pub(crate) fn shown(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

/// One TLS configuration for every connection: the ring provider (the one
/// reqwest uses in this workspace) and the webpki root certificates, chosen
/// explicitly so nothing depends on which rustls provider features other
/// crates enable.
fn tls() -> Result<Arc<rustls::ClientConfig>, ListenError> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    if let Some(c) = CONFIG.get() {
        return Ok(c.clone());
    }
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| ListenError::Connect {
        url: String::new(),
        reason: format!("cannot configure TLS: {e}"),
    })?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(CONFIG.get_or_init(|| Arc::new(config)).clone())
}

/// Opens the WebSocket at `url` (already `ws`/`wss`).
pub(crate) async fn connect(url: &Url, opts: &WsOptions) -> Result<Conn, ListenError> {
    let shown = shown(url);
    let mut request = url
        .as_str()
        .into_client_request()
        .map_err(|e| ListenError::InvalidUrl {
            url: shown.clone(),
            reason: e.to_string(),
        })?;
    if let Ok(ua) = opts.user_agent.parse() {
        request.headers_mut().insert("user-agent", ua);
    }
    let config = WebSocketConfig::default()
        .max_message_size(Some(opts.max_message_bytes))
        .max_frame_size(Some(opts.max_message_bytes));
    let connector = if url.scheme() == "wss" {
        Connector::Rustls(tls()?)
    } else {
        Connector::Plain
    };
    let attempt = async {
        let stream = tcp(url, opts, &shown).await?;
        tokio_tungstenite::client_async_tls_with_config(
            request,
            stream,
            Some(config),
            Some(connector),
        )
        .await
        .map_err(|e| connect_error(&shown, e, opts.max_message_bytes))
    };
    let (socket, _response) = match tokio::time::timeout(opts.connect_timeout, attempt).await {
        Err(_) => {
            return Err(ListenError::Connect {
                url: shown,
                reason: format!("no answer within {} s", opts.connect_timeout.as_secs()),
            })
        }
        Ok(Err(e)) => return Err(e),
        Ok(Ok(pair)) => pair,
    };
    Ok(Conn {
        socket,
        shown,
        idle: opts.idle,
    })
}

/// A TCP connection to the first address of `url` that answers, after the
/// address guard.
async fn tcp(url: &Url, opts: &WsOptions, shown: &str) -> Result<TcpStream, ListenError> {
    let addrs = super::guard::resolve(url, opts.allow_private, shown).await?;
    let mut last = String::from("no address");
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    Err(ListenError::Connect {
        url: shown.to_string(),
        reason: last,
    })
}

fn connect_error(shown: &str, e: tungstenite::Error, limit: usize) -> ListenError {
    use tungstenite::Error as E;
    match e {
        E::Http(response) => {
            let status = response.status().as_u16();
            let detail = response
                .body()
                .as_deref()
                .map(|b| crate::http::truncate(String::from_utf8_lossy(b).trim(), 300))
                .unwrap_or_default();
            let retry_after = crate::http::retry_after(response.headers());
            match status {
                401 | 403 => ListenError::Auth {
                    url: shown.to_string(),
                    status,
                    detail,
                },
                429 => ListenError::RateLimited {
                    url: shown.to_string(),
                    status,
                    retry_after,
                },
                _ => ListenError::Http {
                    url: shown.to_string(),
                    status,
                    detail,
                    retry_after,
                },
            }
        }
        E::Url(u) => ListenError::InvalidUrl {
            url: shown.to_string(),
            reason: u.to_string(),
        },
        E::Capacity(_) => ListenError::TooLarge {
            url: shown.to_string(),
            limit,
        },
        other => ListenError::Connect {
            url: shown.to_string(),
            reason: other.to_string(),
        },
    }
}

impl Conn {
    pub(crate) fn shown(&self) -> &str {
        &self.shown
    }

    fn closed(&self, reason: impl Into<String>) -> ListenError {
        ListenError::Closed {
            url: self.shown.clone(),
            reason: reason.into(),
        }
    }

    /// The next data message. Pings are answered by the library; control
    /// frames are skipped. Cancel-safe.
    pub(crate) async fn recv(&mut self, limit: usize) -> Result<Incoming, ListenError> {
        let mut pinged = false;
        loop {
            let next = match tokio::time::timeout(self.idle, self.socket.next()).await {
                Ok(next) => next,
                Err(_) if pinged => {
                    return Err(self.closed(format!(
                        "nothing received for {} s, not even an answer to a ping",
                        2 * self.idle.as_secs()
                    )))
                }
                Err(_) => {
                    pinged = true;
                    if let Err(e) = self
                        .socket
                        .send(tungstenite::Message::Ping(Bytes::new()))
                        .await
                    {
                        return Err(self.closed(format!("cannot send a ping: {e}")));
                    }
                    continue;
                }
            };
            pinged = false;
            match next {
                None => return Err(self.closed("the connection was closed")),
                Some(Err(tungstenite::Error::Capacity(_))) => {
                    return Err(ListenError::TooLarge {
                        url: self.shown.clone(),
                        limit,
                    })
                }
                Some(Err(e)) => return Err(self.closed(e.to_string())),
                Some(Ok(tungstenite::Message::Binary(b))) => return Ok(Incoming::Binary(b)),
                Some(Ok(tungstenite::Message::Text(t))) => return Ok(Incoming::Text(t)),
                Some(Ok(tungstenite::Message::Close(frame))) => {
                    let reason = match frame {
                        Some(f) if !f.reason.is_empty() => {
                            format!("closed by the server ({}: {})", u16::from(f.code), f.reason)
                        }
                        Some(f) => format!("closed by the server ({})", u16::from(f.code)),
                        None => "closed by the server".to_string(),
                    };
                    return Err(self.closed(reason));
                }
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Sends a text message (Jetstream's subscriber-sourced messages).
    pub(crate) async fn send_text(&mut self, text: String) -> Result<(), ListenError> {
        self.socket
            .send(tungstenite::Message::Text(text.into()))
            .await
            .map_err(|e| self.closed(format!("cannot send: {e}")))
    }

    /// Closes politely, waiting at most two seconds.
    pub(crate) async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.socket.close(None)).await;
    }
}
