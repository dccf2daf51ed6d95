//! A fault-injecting HTTP/1.1 proxy on loopback, between relais and the PDS.
//!
//! Each connection carries one request (answers say `Connection: close`). For
//! each request it draws, with the configured odds, one of: forward normally;
//! answer 503 without forwarding; answer 429 with `Retry-After: 1` without
//! forwarding; reset the connection (RST) before forwarding; or the hard case,
//! forward the request, let the PDS apply it, and close the connection
//! without a byte of its answer. Everything it decided is kept for the
//! assertions.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy did to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Forwarded, answer relayed.
    None,
    /// 503 without forwarding.
    ServerError,
    /// 429 with `Retry-After: 1` without forwarding.
    TooMany,
    /// Connection reset before forwarding.
    Reset,
    /// Forwarded (applied by the PDS), then the connection closed without
    /// the answer.
    DropAnswer,
}

/// The chance of each fault per request (the rest is forwarded normally).
#[derive(Debug, Clone, Copy, Default)]
pub struct Odds {
    pub server_error: f64,
    pub too_many: f64,
    pub reset: f64,
    pub drop_answer: f64,
}

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The path without the query string (`/xrpc/com.atproto.repo.putRecord`).
    pub path: String,
    pub fault: Fault,
    /// The PDS's status, when the request was forwarded and answered.
    pub upstream_status: Option<u16>,
}

struct Shared {
    upstream: String,
    odds: Mutex<Odds>,
    rng: Mutex<StdRng>,
    seen: Mutex<Vec<Seen>>,
}

pub struct Proxy {
    pub url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream_url`
    /// (`http://host:port`).
    pub async fn start(upstream_url: &str, seed: u64, odds: Odds) -> Proxy {
        let upstream = upstream_url
            .trim_end_matches('/')
            .strip_prefix("http://")
            .expect("the PDS URL is http://host:port")
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            upstream,
            odds: Mutex::new(odds),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            seen: Mutex::new(Vec::new()),
        });
        let s = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = serve(client, s).await;
                });
            }
        });
        Proxy { url, shared, task }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// How many requests got `fault` (on `path` when given).
    pub fn count(&self, fault: Fault, path: Option<&str>) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.fault == fault && path.is_none_or(|p| s.path == p))
            .count()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Shared {
    fn draw(&self) -> Fault {
        let odds = *self.odds.lock().unwrap();
        let x: f64 = self.rng.lock().unwrap().gen();
        let mut edge = 0.0;
        for (p, f) in [
            (odds.server_error, Fault::ServerError),
            (odds.too_many, Fault::TooMany),
            (odds.reset, Fault::Reset),
            (odds.drop_answer, Fault::DropAnswer),
        ] {
            edge += p;
            if x < edge {
                return f;
            }
        }
        Fault::None
    }
}

/// A request read off the wire: the head's lines and the body.
struct Request {
    line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads one request (head, then a `Content-Length` body). `None` when the
/// client closed first.
async fn read_request(client: &mut TcpStream) -> std::io::Result<Option<Request>> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = find(&buf, b"\r\n\r\n") {
            break at;
        }
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > 1 << 20 {
            return Err(std::io::Error::other("request head too large"));
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let line = lines.next().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        return Err(std::io::Error::other(
            "chunked request bodies are not supported",
        ));
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok(Some(Request {
        line,
        headers,
        body,
    }))
}

fn canned(status: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Closes with RST (SO_LINGER 0), not a clean FIN. (The deprecation is about
/// a linger that blocks the thread on drop; a zero linger resets at once.)
#[allow(deprecated)]
fn reset(stream: TcpStream) {
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}

/// Sends the request to the PDS and reads its whole answer (the PDS closes
/// after it, as asked), with its `Connection` header made `close`.
async fn forward(upstream: &str, req: &Request) -> std::io::Result<(u16, Vec<u8>)> {
    let mut up = TcpStream::connect(upstream).await?;
    let mut head = format!("{}\r\n", req.line);
    for (k, v) in &req.headers {
        let k_lower = k.to_ascii_lowercase();
        if matches!(
            k_lower.as_str(),
            "host" | "connection" | "keep-alive" | "proxy-connection"
        ) {
            continue;
        }
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Host: {upstream}\r\nConnection: close\r\n\r\n"));
    up.write_all(head.as_bytes()).await?;
    up.write_all(&req.body).await?;
    up.flush().await?;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), up.read_to_end(&mut answer))
        .await
        .map_err(|_| std::io::Error::other("the PDS did not answer within 60 s"))??;
    let Some(end) = find(&answer, b"\r\n\r\n") else {
        return Err(std::io::Error::other("the PDS answer has no head"));
    };
    let head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut out = format!("{status_line}\r\n");
    for l in lines {
        let name = l
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if name == "connection" || name == "keep-alive" {
            continue;
        }
        out.push_str(l);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&answer[end + 4..]);
    Ok((status, bytes))
}

async fn serve(mut client: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let Some(req) = read_request(&mut client).await? else {
        return Ok(());
    };
    let mut words = req.line.split_whitespace();
    let method = words.next().unwrap_or("").to_string();
    let path = words
        .next()
        .unwrap_or("")
        .split('?')
        .next()
        .unwrap_or("")
        .to_string();
    let fault = shared.draw();
    let mut seen = Seen {
        method,
        path,
        fault,
        upstream_status: None,
    };
    let result =
        match fault {
            Fault::ServerError => client
                .write_all(&canned(
                    "503 Service Unavailable",
                    "",
                    r#"{"error":"InternalServerError","message":"injected by the proof proxy"}"#,
                ))
                .await,
            Fault::TooMany => {
                client
                    .write_all(&canned(
                        "429 Too Many Requests",
                        "Retry-After: 1\r\n",
                        r#"{"error":"RateLimitExceeded","message":"injected by the proof proxy"}"#,
                    ))
                    .await
            }
            Fault::Reset => {
                reset(client);
                shared.seen.lock().unwrap().push(seen);
                return Ok(());
            }
            Fault::None | Fault::DropAnswer => {
                let answer = forward(&shared.upstream, &req).await;
                let (status, bytes) = match answer {
                    Ok(a) => a,
                    Err(e) => {
                        // The PDS itself failed: say so as a 502.
                        shared.seen.lock().unwrap().push(seen);
                        let body = format!(r#"{{"error":"BadGateway","message":"proxy: {e}"}}"#);
                        client
                            .write_all(&canned("502 Bad Gateway", "", &body))
                            .await?;
                        return client.shutdown().await;
                    }
                };
                seen.upstream_status = Some(status);
                if fault == Fault::DropAnswer {
                    // Applied upstream; the answer is lost (a clean close, no byte).
                    shared.seen.lock().unwrap().push(seen);
                    drop(client);
                    return Ok(());
                }
                client.write_all(&bytes).await
            }
        };
    shared.seen.lock().unwrap().push(seen);
    result?;
    client.shutdown().await
}
