//! A loopback Jetstream server, because Jetstream (a Go service) cannot be
//! installed here. It speaks the format of the Jetstream README
//! (repository `bluesky-social/jetstream`, "Consuming Jetstream", read
//! 2026-11):
//! - `GET /subscribe` upgraded to a WebSocket; query parameters
//!   `wantedCollections` (repeated; an NSID or a `prefix.*`), `wantedDids`
//!   and `cursor` (unix microseconds) are honoured; other paths answer 404;
//! - events are JSON text messages with `did`, `time_us` and `kind`
//!   (`commit`, `identity`, `account`); the collection filters apply to
//!   commits only ("all subscribers receive Account and Identity events");
//! - with a cursor, stored events from `time_us >= cursor` are replayed
//!   (inclusive, the least favourable reading for a client), then live
//!   events follow; without one, live events only.
//!
//! Events are added with [`JetstreamServer::push`] (stored, and sent to
//! every matching subscriber); [`JetstreamServer::send_raw`] sends any text
//! to live subscribers (malformed input), and
//! [`JetstreamServer::disconnect_all`] closes every connection.

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::{self, Message};

#[derive(Clone)]
enum Live {
    Event(Arc<Value>),
    Raw(String),
    Disconnect,
}

struct State {
    events: Vec<Arc<Value>>,
    requests: Vec<String>,
}

fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The running server; it stops when dropped.
pub struct JetstreamServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    live: broadcast::Sender<Live>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for JetstreamServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JetstreamServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for JetstreamServer {
    fn drop(&mut self) {
        let _ = self.live.send(Live::Disconnect);
        self.task.abort();
    }
}

/// The filters of one subscriber.
struct Filter {
    collections: Vec<String>,
    dids: Vec<String>,
    cursor: Option<i64>,
}

impl Filter {
    fn parse(query: Option<&str>) -> Filter {
        let mut f = Filter {
            collections: Vec::new(),
            dids: Vec::new(),
            cursor: None,
        };
        for (k, v) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match k.as_ref() {
                "wantedCollections" => f.collections.push(v.into_owned()),
                "wantedDids" => f.dids.push(v.into_owned()),
                "cursor" => f.cursor = v.parse().ok(),
                _ => {}
            }
        }
        f
    }

    fn wants(&self, e: &Value) -> bool {
        let did = e["did"].as_str().unwrap_or("");
        if !self.dids.is_empty() && !self.dids.iter().any(|d| d == did) {
            return false;
        }
        if e["kind"] != "commit" || self.collections.is_empty() {
            return true;
        }
        let collection = e["commit"]["collection"].as_str().unwrap_or("");
        self.collections.iter().any(|w| match w.strip_suffix(".*") {
            Some(prefix) => collection
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('.')),
            None => w == collection,
        })
    }
}

impl JetstreamServer {
    /// Starts on a free loopback port.
    pub async fn start() -> std::io::Result<JetstreamServer> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State {
            events: Vec::new(),
            requests: Vec::new(),
        }));
        let (live, _) = broadcast::channel(1024);
        let task = tokio::spawn(accept_loop(listener, state.clone(), live.clone()));
        Ok(JetstreamServer {
            addr,
            state,
            live,
            task,
        })
    }

    /// `ws://127.0.0.1:PORT/subscribe`.
    pub fn url(&self) -> String {
        format!("ws://{}/subscribe", self.addr)
    }

    /// Stores an event (it must have a numeric `time_us`, increasing) and
    /// sends it to the live subscribers that want it.
    pub fn push(&self, event: Value) {
        let event = Arc::new(event);
        lock(&self.state).events.push(event.clone());
        let _ = self.live.send(Live::Event(event));
    }

    /// Sends `text` as it is to every live subscriber.
    pub fn send_raw(&self, text: &str) {
        let _ = self.live.send(Live::Raw(text.to_string()));
    }

    /// Closes every open connection.
    pub fn disconnect_all(&self) {
        let _ = self.live.send(Live::Disconnect);
    }

    /// The request targets (`/subscribe?…`) received, in order.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.state).requests.clone()
    }

    /// A commit creating an `app.bsky.feed.post`, as in the README.
    pub fn post_created(did: &str, rkey: &str, time_us: i64, text: &str, langs: &[&str]) -> Value {
        let created = chrono::DateTime::from_timestamp_micros(time_us)
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        json!({
            "did": did,
            "time_us": time_us,
            "kind": "commit",
            "commit": {
                "rev": format!("rev{time_us}"),
                "operation": "create",
                "collection": "app.bsky.feed.post",
                "rkey": rkey,
                "record": {
                    "$type": "app.bsky.feed.post",
                    "createdAt": created,
                    "langs": langs,
                    "text": text,
                },
                "cid": "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi",
            }
        })
    }

    /// A commit of any collection and operation (`record` is omitted for a
    /// delete).
    pub fn commit(
        did: &str,
        time_us: i64,
        operation: &str,
        collection: &str,
        rkey: &str,
        record: Option<Value>,
    ) -> Value {
        let mut commit = json!({
            "rev": format!("rev{time_us}"),
            "operation": operation,
            "collection": collection,
            "rkey": rkey,
        });
        if let Some(r) = record {
            commit["record"] = r;
            commit["cid"] = json!("bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi");
        }
        json!({ "did": did, "time_us": time_us, "kind": "commit", "commit": commit })
    }

    /// An identity event, as in the README.
    pub fn identity(did: &str, time_us: i64, handle: &str) -> Value {
        json!({
            "did": did,
            "time_us": time_us,
            "kind": "identity",
            "identity": { "did": did, "handle": handle, "seq": time_us / 1000, "time": "2024-09-05T06:11:04.870Z" }
        })
    }

    /// An account event, as in the README (`status` when inactive).
    pub fn account(did: &str, time_us: i64, active: bool, status: Option<&str>) -> Value {
        let mut account = json!({ "active": active, "did": did, "seq": time_us / 1000, "time": "2024-09-05T06:11:04.870Z" });
        if let Some(s) = status {
            account["status"] = json!(s);
        }
        json!({ "did": did, "time_us": time_us, "kind": "account", "account": account })
    }
}

async fn accept_loop(
    listener: TcpListener,
    state: Arc<Mutex<State>>,
    live: broadcast::Sender<Live>,
) {
    while let Ok((stream, _)) = listener.accept().await {
        let state = state.clone();
        let rx = live.subscribe();
        tokio::spawn(async move {
            let _ = serve(stream, state, rx).await;
        });
    }
}

async fn serve(
    stream: tokio::net::TcpStream,
    state: Arc<Mutex<State>>,
    mut rx: broadcast::Receiver<Live>,
) -> Result<(), tungstenite::Error> {
    let mut target = String::new();
    #[allow(clippy::result_large_err)] // the signature tungstenite asks for
    let callback = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        target = req
            .uri()
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default();
        if req.uri().path() != "/subscribe" {
            let mut not_found = ErrorResponse::new(Some("404 page not found".into()));
            *not_found.status_mut() = tungstenite::http::StatusCode::NOT_FOUND;
            return Err(not_found);
        }
        Ok(resp)
    };
    let accepted = tokio_tungstenite::accept_hdr_async(stream, callback).await;
    lock(&state).requests.push(target.clone());
    let mut ws = accepted?;
    let filter = Filter::parse(target.split_once('?').map(|(_, q)| q));
    let mut sent_up_to = i64::MIN;
    if let Some(cursor) = filter.cursor {
        let replay: Vec<Arc<Value>> = lock(&state)
            .events
            .iter()
            .filter(|e| e["time_us"].as_i64().is_some_and(|t| t >= cursor))
            .cloned()
            .collect();
        for e in replay {
            sent_up_to = sent_up_to.max(e["time_us"].as_i64().unwrap_or(i64::MIN));
            if filter.wants(&e) {
                ws.send(Message::Text(e.to_string().into())).await?;
            }
        }
    }
    loop {
        tokio::select! {
            msg = rx.recv() => match msg {
                Ok(Live::Event(e)) => {
                    let t = e["time_us"].as_i64().unwrap_or(i64::MIN);
                    if t > sent_up_to && filter.wants(&e) {
                        sent_up_to = t;
                        ws.send(Message::Text(e.to_string().into())).await?;
                    }
                }
                Ok(Live::Raw(text)) => ws.send(Message::Text(text.into())).await?,
                Ok(Live::Disconnect) | Err(_) => {
                    let _ = ws.close(None).await;
                    return Ok(());
                }
            },
            incoming = ws.next() => match incoming {
                // A heartbeat is answered as the README shows.
                Some(Ok(Message::Text(t))) => {
                    if let Ok(v) = serde_json::from_str::<Value>(t.as_str()) {
                        if v["type"] == "heartbeat" {
                            let payload = v["payload"].clone();
                            ws.send(Message::Text(json!({"kind": "heartbeat", "payload": payload}).to_string().into())).await?;
                        }
                    }
                }
                Some(Ok(_)) => {}
                None | Some(Err(_)) => return Ok(()),
            },
        }
    }
}
