//! Polite, bounded, SSRF-safe HTTP GET for sources.
//!
//! One [`Fetcher`] holds one `reqwest` client (one connection pool) and a
//! semaphore per host, and is cheap to clone. [`Fetcher::get`]:
//! - sends the validators of the last fetch (`If-None-Match`,
//!   `If-Modified-Since`) and answers [`Fetched::NotModified`] on `304`;
//! - follows redirects itself, up to [`FetchOptions::max_redirects`],
//!   refusing loops, and checks every URL of the chain against the
//!   [`AddressPolicy`] (IP literals here, host names in the resolver after
//!   DNS, see [`crate::net`]);
//! - asks for `gzip`, `deflate` and `br` and decompresses itself, as the
//!   bytes arrive, into a buffer that refuses to grow past
//!   [`FetchOptions::max_body_bytes`] — a gzip bomb stops at the limit, and
//!   [`Fetched`]'s `wire_bytes` counts the bytes actually received;
//! - bounds the whole exchange, redirects and body included, by
//!   [`FetchOptions::total_timeout`] (an endless body ends there or at the
//!   size limit, whichever comes first);
//! - reads `Cache-Control`, `Expires` and `Retry-After` into [`CacheHints`].

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{redirect, Response, StatusCode};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::{Host, Url};

use crate::hints::CacheHints;
use crate::net::{AddressPolicy, BlockedAddress, NoAddress, PolicyResolver};

/// How a [`Fetcher`] behaves. [`FetchOptions::new`] gives the defaults.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Names relais, its version and where to learn about it or reach the
    /// instance's operator (see [`user_agent`]).
    pub user_agent: String,
    /// Time to open a TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Time for the whole exchange: every redirect and the whole body.
    pub total_timeout: Duration,
    /// The largest body accepted, **after** decompression (also bounds the
    /// bytes received).
    pub max_body_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Requests in flight at once to one host (name and port).
    pub per_host_concurrency: usize,
    /// Which special addresses may be reached.
    pub address_policy: AddressPolicy,
}

/// `relais/<version> (+<url>)`: the User-Agent convention of crawlers, so a
/// site operator can tell who fetches and where to complain.
pub fn user_agent(version: &str, url: &str) -> String {
    format!("relais/{version} (feed reader; +{url})")
}

impl FetchOptions {
    /// The defaults: 10 s to connect, 30 s in all, 5 MB, 5 redirects, 2
    /// requests at once per host, no special address allowed; the
    /// User-Agent names this crate's version and `url` (the instance's
    /// public URL).
    pub fn new(url: &str) -> FetchOptions {
        FetchOptions {
            user_agent: user_agent(env!("CARGO_PKG_VERSION"), url),
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 5 * 1024 * 1024,
            max_redirects: 5,
            per_host_concurrency: 2,
            address_policy: AddressPolicy::default(),
        }
    }
}

/// The validators of a representation, sent back to revalidate it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// `ETag`, as received (quotes and `W/` included).
    pub etag: Option<String>,
    /// `Last-Modified`, as received.
    pub last_modified: Option<String>,
}

/// The outcome of a successful fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// `304 Not Modified`: the representation is the one the validators
    /// name. Its validators are the response's, or the ones sent where the
    /// response repeats none.
    NotModified {
        validators: Validators,
        hints: CacheHints,
        /// Bytes received: response headers (estimated from their length)
        /// of every response in the redirect chain; a 304 has no body.
        wire_bytes: u64,
    },
    /// A `2xx` response with its decompressed body.
    Body {
        body: Vec<u8>,
        /// Where the body came from after redirects.
        final_url: Url,
        /// Whether every redirect followed was permanent (301, 308): the
        /// source's address may then be updated to `final_url`.
        moved_permanently: bool,
        content_type: Option<String>,
        validators: Validators,
        hints: CacheHints,
        /// Bytes received: the body as sent on the wire (compressed when it
        /// was) plus the estimated response headers of the chain.
        wire_bytes: u64,
    },
}

impl Fetched {
    /// Bytes received, whichever the outcome.
    pub fn wire_bytes(&self) -> u64 {
        match self {
            Fetched::NotModified { wire_bytes, .. } | Fetched::Body { wire_bytes, .. } => {
                *wire_bytes
            }
        }
    }
}

/// Why a fetch failed. The message is a sentence a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("{url} cannot be fetched: {reason}")]
    InvalidUrl { url: String, reason: &'static str },
    #[error("{0}")]
    Blocked(#[from] BlockedAddress),
    #[error("the name {host} could not be resolved ({detail}); check the address, or it may be a passing DNS failure")]
    Dns { host: String, detail: String },
    #[error("could not connect to {host} ({detail}); the site may be down")]
    Connect { host: String, detail: String },
    #[error("the server took longer than {} s to answer in full", .after.as_secs_f64())]
    Timeout { after: Duration },
    #[error("the connection failed during the exchange ({detail}); relais will try again")]
    Transport { detail: String },
    #[error("{}", status_message(*.code, .retry_after))]
    Status {
        code: u16,
        retry_after: Option<Duration>,
    },
    #[error("the server sent more than {}; this is not a feed relais will read (the limit is an administrator setting)", human_bytes(*.limit))]
    TooLarge { limit: u64 },
    #[error("the server redirected more than {max} times (last to {last}); use the final address")]
    TooManyRedirects { max: usize, last: String },
    #[error("the server redirects in a loop (back to {url}); the site is misconfigured")]
    RedirectLoop { url: String },
    #[error("the server answered {code} (a redirect) without saying where to")]
    RedirectWithoutLocation { code: u16 },
    #[error("the server compressed the answer with {encoding:?}, which relais does not read")]
    UnsupportedEncoding { encoding: String },
    #[error("the server's {encoding} compressed data is corrupt ({detail})")]
    Decompression { encoding: String, detail: String },
    #[error("the HTTP client could not be set up: {detail}")]
    Client { detail: String },
}

fn status_message(code: u16, retry_after: &Option<Duration>) -> String {
    let reason = StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let status = format!("{code} {reason}").trim_end().to_owned();
    let wait = match retry_after {
        Some(d) => format!("; it asked to wait {} s", d.as_secs()),
        None => String::new(),
    };
    match code {
        404 => format!("the server answered {status}: the address is mistyped or the feed moved"),
        410 => format!("the server answered {status}: the publisher removed this feed"),
        401 | 403 => {
            format!("the server refused access ({status}); the source may need a login or refuse robots")
        }
        429 => {
            format!("the server says relais asks too often ({status}){wait}; relais will slow down")
        }
        500..=599 => format!("the server failed ({status}){wait}; relais will try again later"),
        _ => format!("the server answered {status}{wait}"),
    }
}

fn human_bytes(n: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if n >= MB && n.is_multiple_of(MB) {
        format!("{} MB", n / MB)
    } else if n >= MB {
        format!("{:.1} MB", n as f64 / MB as f64)
    } else if n >= 1024 {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

impl FetchError {
    /// Whether trying again later may succeed (network trouble, time-outs,
    /// 408, 425, 429, 5xx); otherwise the source needs a person's attention.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Dns { .. }
            | FetchError::Connect { .. }
            | FetchError::Timeout { .. }
            | FetchError::Transport { .. } => true,
            FetchError::Status { code, .. } => matches!(code, 408 | 425 | 429 | 500..=599),
            _ => false,
        }
    }

    /// The wait the server asked for (`Retry-After` on a 429 or 503).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The shared HTTP client and per-host limits. Clone freely.
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

struct Inner {
    client: reqwest::Client,
    options: FetchOptions,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

/// Above this many idle per-host semaphores, the idle ones are dropped.
const MAX_IDLE_HOSTS: usize = 1024;

const ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, \
application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5";

impl Fetcher {
    /// A fetcher with its client.
    pub fn new(options: FetchOptions) -> Result<Fetcher, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(options.user_agent.clone())
            .connect_timeout(options.connect_timeout)
            .timeout(options.total_timeout)
            .redirect(redirect::Policy::none())
            // Proxies would resolve names themselves, out of the policy's
            // reach.
            .no_proxy()
            // Decompression is done here, under the size limit.
            .no_gzip()
            .no_brotli()
            .no_deflate()
            .no_zstd()
            .dns_resolver(Arc::new(PolicyResolver {
                policy: options.address_policy,
            }))
            .build()
            .map_err(|e| FetchError::Client {
                detail: error_chain(&e),
            })?;
        Ok(Fetcher {
            inner: Arc::new(Inner {
                client,
                options,
                hosts: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The options this fetcher was made with.
    pub fn options(&self) -> &FetchOptions {
        &self.inner.options
    }

    /// Fetches `url`, revalidating with `validators`. See the
    /// [module documentation](self).
    pub async fn get(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        let total = self.inner.options.total_timeout;
        match tokio::time::timeout(total, self.get_inner(url, validators)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout { after: total }),
        }
    }

    async fn get_inner(&self, start: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        let options = &self.inner.options;
        let mut url = start.clone();
        let mut visited: HashSet<Url> = HashSet::new();
        let mut wire_bytes = 0u64;
        let mut moved_permanently = true;
        let mut redirects = 0usize;
        loop {
            self.check_url(&url)?;
            if !visited.insert(url.clone()) {
                return Err(FetchError::RedirectLoop { url: url.into() });
            }
            let permit = self.permit(&url).await?;
            let response = self.send(&url, validators).await?;
            wire_bytes += header_bytes(&response);
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                drop(permit);
                let location = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or(FetchError::RedirectWithoutLocation {
                        code: status.as_u16(),
                    })?;
                let next = url
                    .join(location.trim())
                    .map_err(|_| FetchError::InvalidUrl {
                        url: location.to_owned(),
                        reason: "the server redirected to an address that is not a valid URL",
                    })?;
                redirects += 1;
                if redirects > options.max_redirects {
                    return Err(FetchError::TooManyRedirects {
                        max: options.max_redirects,
                        last: next.into(),
                    });
                }
                moved_permanently &= matches!(
                    status,
                    StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
                );
                url = next;
                continue;
            }
            let headers = response.headers().clone();
            let hints = CacheHints::from_headers(
                header_str(&headers, header::CACHE_CONTROL),
                header_str(&headers, header::EXPIRES),
                header_str(&headers, header::RETRY_AFTER),
                header_str(&headers, header::DATE),
                SystemTime::now(),
            );
            if status == StatusCode::NOT_MODIFIED {
                let received = validators_of(&headers);
                return Ok(Fetched::NotModified {
                    validators: Validators {
                        etag: received.etag.or_else(|| validators.etag.clone()),
                        last_modified: received
                            .last_modified
                            .or_else(|| validators.last_modified.clone()),
                    },
                    hints,
                    wire_bytes,
                });
            }
            if !status.is_success() {
                return Err(FetchError::Status {
                    code: status.as_u16(),
                    retry_after: hints.retry_after,
                });
            }
            let (body, body_wire) = self.read_body(response).await?;
            drop(permit);
            return Ok(Fetched::Body {
                body,
                final_url: url,
                moved_permanently: redirects > 0 && moved_permanently,
                content_type: header_str(&headers, header::CONTENT_TYPE).map(str::to_owned),
                validators: validators_of(&headers),
                hints,
                wire_bytes: wire_bytes + body_wire,
            });
        }
    }

    /// Scheme, host and, for an IP literal, the address policy (reqwest
    /// calls no resolver for those).
    fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        let invalid = |reason| FetchError::InvalidUrl {
            url: url.as_str().to_owned(),
            reason,
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("only http and https addresses can be fetched"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "addresses with a user name or password are not fetched",
            ));
        }
        let policy = self.inner.options.address_policy;
        match url.host() {
            None => Err(invalid("the address has no host")),
            Some(Host::Ipv4(ip)) => Ok(policy.check(&ip.to_string(), ip.into())?),
            Some(Host::Ipv6(ip)) => Ok(policy.check(&ip.to_string(), ip.into())?),
            Some(Host::Domain(_)) => Ok(()),
        }
    }

    async fn permit(&self, url: &Url) -> Result<OwnedSemaphorePermit, FetchError> {
        let key = format!(
            "{}:{}",
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or(0)
        );
        let semaphore = {
            let mut hosts = self
                .inner
                .hosts
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if hosts.len() > MAX_IDLE_HOSTS {
                hosts.retain(|_, s| Arc::strong_count(s) > 1);
            }
            hosts
                .entry(key)
                .or_insert_with(|| {
                    Arc::new(Semaphore::new(
                        self.inner.options.per_host_concurrency.max(1),
                    ))
                })
                .clone()
        };
        semaphore
            .acquire_owned()
            .await
            .map_err(|_| FetchError::Client {
                detail: "the per-host limiter was closed".into(),
            })
    }

    async fn send(&self, url: &Url, validators: &Validators) -> Result<Response, FetchError> {
        let mut request = self
            .inner
            .client
            .get(url.clone())
            .header(header::ACCEPT, ACCEPT)
            .header(header::ACCEPT_ENCODING, "gzip, deflate, br");
        if let Some(etag) = validators.etag.as_deref().and_then(header_value) {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = validators.last_modified.as_deref().and_then(header_value) {
            request = request.header(header::IF_MODIFIED_SINCE, lm);
        }
        request
            .send()
            .await
            .map_err(|e| self.transport_error(url, &e))
    }

    fn transport_error(&self, url: &Url, e: &reqwest::Error) -> FetchError {
        let host = url.host_str().unwrap_or_default().to_owned();
        if e.is_timeout() {
            return FetchError::Timeout {
                after: self.inner.options.total_timeout,
            };
        }
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(err) = source {
            if let Some(blocked) = err.downcast_ref::<BlockedAddress>() {
                return FetchError::Blocked(blocked.clone());
            }
            if err.downcast_ref::<NoAddress>().is_some() {
                return FetchError::Dns {
                    host,
                    detail: "no address".into(),
                };
            }
            source = err.source();
        }
        let detail = error_chain(e);
        if e.is_connect() {
            // Resolution failures come through as connect errors; the
            // system resolver's message says which.
            if detail.contains("dns error") || detail.contains("failed to lookup") {
                FetchError::Dns { host, detail }
            } else {
                FetchError::Connect { host, detail }
            }
        } else {
            FetchError::Transport { detail }
        }
    }

    async fn read_body(&self, mut response: Response) -> Result<(Vec<u8>, u64), FetchError> {
        let limit = self.inner.options.max_body_bytes;
        let encoding = header_str(response.headers(), header::CONTENT_ENCODING)
            .unwrap_or("identity")
            .trim()
            .to_ascii_lowercase();
        let capacity = response
            .content_length()
            .unwrap_or(0)
            .min(limit)
            .min(1024 * 1024);
        let sink = Bounded {
            buf: Vec::with_capacity(usize::try_from(capacity).unwrap_or(0)),
            limit,
            exceeded: false,
        };
        let mut decoder = Decoder::new(&encoding, sink)?;
        let mut wire = 0u64;
        loop {
            let chunk = response.chunk().await.map_err(|e| {
                if e.is_timeout() {
                    FetchError::Timeout {
                        after: self.inner.options.total_timeout,
                    }
                } else {
                    FetchError::Transport {
                        detail: error_chain(&e),
                    }
                }
            })?;
            let Some(chunk) = chunk else { break };
            wire += chunk.len() as u64;
            // Compressed data never legitimately outgrows its expansion by
            // much; this bounds endless streams that expand to nothing.
            if wire > limit {
                return Err(FetchError::TooLarge { limit });
            }
            decoder.write(&chunk, &encoding)?;
        }
        Ok((decoder.finish(&encoding)?, wire))
    }
}

/// A buffer that refuses to grow past its limit.
struct Bounded {
    buf: Vec<u8>,
    limit: u64,
    exceeded: bool,
}

impl Write for Bounded {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() as u64 + data.len() as u64 > self.limit {
            self.exceeded = true;
            return Err(std::io::Error::other("body limit reached"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Streaming decompression into a [`Bounded`] buffer.
enum Decoder {
    Identity(Bounded),
    Gzip(Box<flate2::write::MultiGzDecoder<Bounded>>),
    Deflate(Box<flate2::write::ZlibDecoder<Bounded>>),
    Brotli(Box<brotli::DecompressorWriter<Bounded>>),
}

impl Decoder {
    fn new(encoding: &str, sink: Bounded) -> Result<Decoder, FetchError> {
        Ok(match encoding {
            "identity" | "" => Decoder::Identity(sink),
            "gzip" | "x-gzip" => Decoder::Gzip(Box::new(flate2::write::MultiGzDecoder::new(sink))),
            "deflate" => Decoder::Deflate(Box::new(flate2::write::ZlibDecoder::new(sink))),
            "br" => Decoder::Brotli(Box::new(brotli::DecompressorWriter::new(sink, 8192))),
            other => {
                return Err(FetchError::UnsupportedEncoding {
                    encoding: other.to_owned(),
                })
            }
        })
    }

    fn sink(&self) -> &Bounded {
        match self {
            Decoder::Identity(s) => s,
            Decoder::Gzip(d) => d.get_ref(),
            Decoder::Deflate(d) => d.get_ref(),
            Decoder::Brotli(d) => d.get_ref(),
        }
    }

    fn error(&self, encoding: &str, e: &std::io::Error) -> FetchError {
        let sink = self.sink();
        if sink.exceeded {
            FetchError::TooLarge { limit: sink.limit }
        } else {
            FetchError::Decompression {
                encoding: encoding.to_owned(),
                detail: e.to_string(),
            }
        }
    }

    fn write(&mut self, data: &[u8], encoding: &str) -> Result<(), FetchError> {
        let result = match self {
            Decoder::Identity(s) => s.write_all(data),
            Decoder::Gzip(d) => d.write_all(data),
            Decoder::Deflate(d) => d.write_all(data),
            Decoder::Brotli(d) => d.write_all(data),
        };
        result.map_err(|e| self.error(encoding, &e))
    }

    fn finish(self, encoding: &str) -> Result<Vec<u8>, FetchError> {
        let truncated = || FetchError::Decompression {
            encoding: encoding.to_owned(),
            detail: "the compressed stream ends early".into(),
        };
        match self {
            Decoder::Identity(s) => Ok(s.buf),
            Decoder::Gzip(mut d) => match d.try_finish() {
                Ok(()) => d.finish().map(|s| s.buf).map_err(|_| truncated()),
                Err(e) => Err(Decoder::Gzip(d).error(encoding, &e)),
            },
            Decoder::Deflate(mut d) => match d.try_finish() {
                Ok(()) => d.finish().map(|s| s.buf).map_err(|_| truncated()),
                Err(e) => Err(Decoder::Deflate(d).error(encoding, &e)),
            },
            Decoder::Brotli(mut d) => match d.close() {
                Ok(()) => d.into_inner().map(|s| s.buf).map_err(|_| truncated()),
                Err(e) => Err(Decoder::Brotli(d).error(encoding, &e)),
            },
        }
    }
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn header_value(s: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(s).ok()
}

fn validators_of(headers: &HeaderMap) -> Validators {
    Validators {
        etag: header_str(headers, header::ETAG).map(str::to_owned),
        last_modified: header_str(headers, header::LAST_MODIFIED).map(str::to_owned),
    }
}

/// The size of a response's status line and headers as HTTP/1.1 sends
/// them (`Name: value\r\n`), which reqwest does not report.
fn header_bytes(response: &Response) -> u64 {
    let status_line = "HTTP/1.1 200 OK\r\n".len() as u64;
    let headers: u64 = response
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().len() + value.len() + 4) as u64)
        .sum();
    status_line + headers + 2
}

/// An error and its sources, as one line.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(err) = source {
        let text = err.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = err.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_happened_and_what_to_do() {
        assert_eq!(
            FetchError::TooLarge {
                limit: 5 * 1024 * 1024
            }
            .to_string(),
            "the server sent more than 5 MB; this is not a feed relais will read (the limit is an administrator setting)"
        );
        let e = FetchError::Status {
            code: 503,
            retry_after: Some(Duration::from_secs(120)),
        };
        assert_eq!(
            e.to_string(),
            "the server failed (503 Service Unavailable); it asked to wait 120 s; relais will try again later"
        );
        assert!(e.is_transient());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(120)));
        let e = FetchError::Status {
            code: 404,
            retry_after: None,
        };
        assert!(!e.is_transient());
        assert!(e.to_string().contains("404 Not Found"));
    }

    #[test]
    fn the_bounded_buffer_stops_at_its_limit() {
        let mut b = Bounded {
            buf: Vec::new(),
            limit: 4,
            exceeded: false,
        };
        assert!(b.write_all(b"abcd").is_ok());
        assert!(b.write_all(b"e").is_err());
        assert!(b.exceeded);
        assert_eq!(b.buf, b"abcd");
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_limit() {
        use flate2::write::GzEncoder;
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..64 {
            enc.write_all(&zeros).unwrap();
        }
        let bomb = enc.finish().unwrap();
        assert!(bomb.len() < 100 * 1024, "{}", bomb.len());
        let sink = Bounded {
            buf: Vec::new(),
            limit: 1024 * 1024,
            exceeded: false,
        };
        let mut d = Decoder::new("gzip", sink).unwrap();
        let mut err = None;
        for chunk in bomb.chunks(4096) {
            if let Err(e) = d.write(chunk, "gzip") {
                err = Some(e);
                break;
            }
        }
        assert_eq!(err, Some(FetchError::TooLarge { limit: 1024 * 1024 }));
        assert!(d.sink().buf.len() <= 1024 * 1024);
    }
}
