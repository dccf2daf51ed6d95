//! Shared set-up of the publishing proofs: a fresh store (SQLite file or a new
//! PostgreSQL database), a workspace with its owner, Bluesky accounts created
//! on the real PDS and connected with sealed credentials, images stored as the
//! web upload stores them, scheduled entries, `relais worker` processes with
//! their logs, and the read-back of what the PDS holds.

use chrono::{DateTime, Utc};
use relais_auth::vault::{SecretKey, Vault};
use relais_connect::testing::pds::{TestAccount, TestPds};
use relais_connect::Credentials;
use relais_core::entry::{EntryContent, Format, MediaItem, Status};
use relais_core::model::{Actor, User, Workspace};
use relais_core::publish::DeliveryState;
use relais_core::{AccountId, EntryId, Network};
use relais_store::testing::TestDb;
use relais_store::{Delivery, DeliveryPart, NewUser, Store};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_relais");
pub const POST: &str = "app.bsky.feed.post";

/// Whether this run must not skip (a CI run).
fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// The PDS named by `TEST_PDS_URL`; `None` (after a "skipped" line) outside CI
/// when it is unset; a panic in CI.
pub fn pds(test: &str) -> Option<TestPds> {
    TestPds::from_env(test)
}

/// The PostgreSQL server named by `TEST_POSTGRES_URL`; same rules as [`pds`].
/// `TEST_POSTGRES_URL=skip` (the suite's explicit "SQLite only") skips loudly.
pub fn postgres(test: &str) -> Option<String> {
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(v) if v == "skip" => {
            eprintln!("{test}: skipped: TEST_POSTGRES_URL=skip (PostgreSQL half NOT run)");
            None
        }
        Ok(v) if !v.trim().is_empty() => Some(v.trim().to_string()),
        _ => {
            if in_ci() {
                panic!(
                    "{test}: TEST_POSTGRES_URL is unset but CI is set; start a server with \
                     `bash scripts/pg-test-server.sh start` and export TEST_POSTGRES_URL"
                );
            }
            eprintln!("{test}: skipped: TEST_POSTGRES_URL unset");
            None
        }
    }
}

/// Which database the proof runs on.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite,
    /// The admin URL of the test server; a new database is made in it.
    Postgres(String),
}

/// One proof's world.
pub struct Harness {
    pub name: &'static str,
    db: Option<TestDb>,
    pub store: Store,
    pub db_url: String,
    /// Working directory of the workers; `data/` is their data directory.
    pub dir: tempfile::TempDir,
    pub key_base64: String,
    pub vault: Vault,
    pub ws: Workspace,
    pub owner: User,
    pub actor: Actor,
    pub started: Instant,
}

/// A Bluesky account of the workspace and of the PDS.
#[derive(Debug, Clone)]
pub struct BskyAccount {
    pub id: AccountId,
    pub remote: TestAccount,
}

impl Harness {
    pub async fn new(name: &'static str, db: Db) -> Harness {
        let started = Instant::now();
        let test_db = match db {
            Db::Sqlite => relais_store::testing::sqlite().await,
            Db::Postgres(admin) => relais_store::testing::postgres(&admin).await,
        };
        let store = test_db.store.clone();
        let db_url = test_db.url.clone();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        std::fs::create_dir_all(dir.path().join("logs")).unwrap();
        let key = SecretKey::generate();
        let key_base64 = key.to_base64();
        let vault = Vault::new(SecretKey::from_base64(&key_base64).unwrap(), vec![]);
        let sys = Actor::System("proof");
        let owner = store
            .create_user(
                &sys,
                NewUser {
                    email: "owner@proof.example".into(),
                    display_name: "Proof owner".into(),
                    password_hash: "$argon2id$not-used".into(),
                    is_admin: false,
                    is_demo: false,
                },
            )
            .await
            .unwrap();
        let ws = store
            .create_workspace(&sys, "proof", "Proof", Some(owner.id), false)
            .await
            .unwrap();
        Harness {
            name,
            db: Some(test_db),
            actor: Actor::user(&owner),
            store,
            db_url,
            dir,
            key_base64,
            vault,
            ws,
            owner,
            started,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.dir.path().join("logs")
    }

    /// Drops the PostgreSQL database (SQLite files go with the directory).
    pub async fn finish(mut self) {
        if let Some(db) = self.db.take() {
            db.finish().await;
        }
    }

    /// Creates `n` accounts on the PDS (in parallel) and connects them. With
    /// `service`, the stored credentials point there (the fault proxy)
    /// instead of the PDS.
    pub async fn bluesky_accounts(
        &self,
        pds: &TestPds,
        n: usize,
        service: Option<&str>,
    ) -> Vec<BskyAccount> {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..n {
            let pds = pds.clone();
            set.spawn(async move { (i, pds.create_account().await.unwrap()) });
        }
        let mut remote: Vec<(usize, TestAccount)> = Vec::new();
        while let Some(r) = set.join_next().await {
            remote.push(r.unwrap());
        }
        remote.sort_by_key(|(i, _)| *i);
        let mut out = Vec::new();
        for (_, account) in remote {
            let password = account.app_password.clone();
            out.push(self.connect_bluesky(pds, account, service, &password).await);
        }
        out
    }

    /// Connects an existing PDS account with `app_password` (possibly wrong).
    pub async fn connect_bluesky(
        &self,
        pds: &TestPds,
        remote: TestAccount,
        service: Option<&str>,
        app_password: &str,
    ) -> BskyAccount {
        let account = self
            .store
            .create_account(
                &self.actor,
                self.ws.id,
                Network::Bluesky,
                &remote.handle,
                &remote.handle,
            )
            .await
            .unwrap();
        let creds = Credentials::Bluesky {
            service: service.unwrap_or(&pds.url).to_string(),
            identifier: remote.handle.clone(),
            app_password: app_password.to_string(),
            session: None,
        };
        self.save_credentials(account.id, &creds, &remote.did).await;
        BskyAccount {
            id: account.id,
            remote,
        }
    }

    /// A Mastodon account of the workspace connected with `creds`.
    pub async fn mastodon_account(&self, handle: &str, creds: &Credentials) -> AccountId {
        let account = self
            .store
            .create_account(&self.actor, self.ws.id, Network::Mastodon, handle, handle)
            .await
            .unwrap();
        self.save_credentials(account.id, creds, handle).await;
        account.id
    }

    async fn save_credentials(&self, account: AccountId, creds: &Credentials, remote_id: &str) {
        let json = serde_json::to_vec(creds).unwrap();
        let sealed = self
            .vault
            .seal(&json, &relais_worker::credentials_context(account));
        self.store
            .save_connection(&self.actor, self.ws.id, account, &sealed, remote_id)
            .await
            .unwrap();
    }

    /// The credentials stored for an account now (sessions included), opened.
    pub async fn stored_credentials(&self, account: AccountId) -> Credentials {
        let conn = self.store.connection(account).await.unwrap().unwrap();
        let plain = self
            .vault
            .open(
                &conn.sealed_credentials,
                &relais_worker::credentials_context(account),
            )
            .unwrap();
        serde_json::from_slice(&plain).unwrap()
    }

    /// A PNG stored as an upload is (ingested, content-addressed under the
    /// data directory, recorded), attached with `alt`.
    pub async fn image(&self, seed: u8, width: u32, height: u32) -> MediaItem {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([seed, (x * 7 % 256) as u8, (y * 13 % 256) as u8])
        });
        let mut png = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut png, image::ImageFormat::Png)
            .unwrap();
        let ingested =
            relais_media::ingest(png.get_ref(), &relais_media::MediaLimits::default()).unwrap();
        relais_media::MediaStore::new(self.data_dir())
            .put(&ingested)
            .unwrap();
        let record = self
            .store
            .create_media(
                &self.actor,
                self.ws.id,
                &ingested.sha256,
                ingested.kind,
                ingested.mime,
                ingested.width,
                ingested.height,
                ingested.bytes.len() as u64,
                &format!("proof-{seed}.png"),
            )
            .await
            .unwrap();
        MediaItem {
            media_id: record.id,
            kind: record.kind,
            mime: record.mime,
            width: record.width,
            height: record.height,
            bytes: record.bytes,
            alt: String::new(),
            has_captions: false,
        }
    }

    /// Creates an approved entry (not scheduled yet).
    pub async fn approved(&self, content: &EntryContent) -> EntryId {
        self.store
            .create_entry(&self.actor, self.ws.id, Status::Approved, content)
            .await
            .unwrap()
            .id
    }

    /// Moves an approved entry to scheduled: its deliveries are written.
    pub async fn schedule(&self, entry: EntryId) {
        self.store
            .set_entry_status(&self.actor, self.ws.id, entry, None, Status::Scheduled, "")
            .await
            .unwrap();
    }

    /// Every delivery of the workspace, every round.
    pub async fn deliveries(&self) -> Vec<Delivery> {
        let from = DateTime::<Utc>::from_timestamp(0, 0).unwrap();
        let to = Utc::now() + chrono::Duration::days(3650);
        self.store
            .deliveries_between(self.ws.id, from, to)
            .await
            .unwrap()
    }

    /// Deliveries not final whose due time is at most an hour away.
    pub async fn open_due(&self) -> Vec<Delivery> {
        let soon = Utc::now() + chrono::Duration::hours(1);
        self.deliveries()
            .await
            .into_iter()
            .filter(|d| !d.state.is_final() && d.due_at <= soon)
            .collect()
    }

    /// How many deliveries are in each state.
    pub async fn state_counts(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for d in self.deliveries().await {
            *out.entry(d.state.as_str().to_string()).or_insert(0) += 1;
        }
        out
    }

    /// Waits until no delivery due within the hour is left open, checking that
    /// the workers stay alive. Panics with the states and the log tail after
    /// `timeout`.
    pub async fn wait_all_final(&self, fleet: &mut Fleet, timeout: Duration) {
        let until = Instant::now() + timeout;
        loop {
            fleet.assert_alive();
            if self.open_due().await.is_empty() {
                return;
            }
            if Instant::now() > until {
                panic!(
                    "{}: deliveries still open after {timeout:?}: {:?}\n{}",
                    self.name,
                    self.state_counts().await,
                    fleet.log_tail(40)
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The environment of `relais worker` for this harness, plus `extra`.
    pub fn worker_env(&self, extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = [
            ("RELAIS_DATABASE__URL", self.db_url.as_str()),
            ("RELAIS_SECRETS__KEY", self.key_base64.as_str()),
            ("RELAIS_PUBLISH__LEASE_SECS", "5"),
            ("RELAIS_PUBLISH__POLL_INTERVAL_MS", "100"),
            ("RELAIS_PUBLISH__REQUEST_TIMEOUT_SECS", "5"),
            ("RELAIS_PUBLISH__RETRY_BASE_SECS", "1"),
            ("RELAIS_PUBLISH__RETRY_MAX_DELAY_SECS", "4"),
            ("RELAIS_LOG__FORMAT", "json"),
            ("RELAIS_LOG__LEVEL", "debug"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        env.push((
            "RELAIS_DATA_DIR".into(),
            self.data_dir().display().to_string(),
        ));
        for (k, v) in extra {
            env.retain(|(key, _)| key != k);
            env.push((k.to_string(), v.to_string()));
        }
        env
    }

    pub fn fleet(&self, extra: &[(&str, &str)]) -> Fleet {
        Fleet {
            env: self.worker_env(extra),
            cwd: self.dir.path().to_path_buf(),
            logs: self.log_dir(),
            procs: Vec::new(),
            spawned: 0,
            kills: 0,
        }
    }

    /// Reads back what the PDS holds for `accounts` and checks it against the
    /// outbox: every part recorded as published is there exactly once, under
    /// its key, with its text, images (alt text, aspect ratio) and reply
    /// references; every part not recorded as published is absent; the
    /// repositories hold no other post.
    pub async fn verify_bluesky(&self, pds: &TestPds, accounts: &[BskyAccount]) -> Verified {
        let deliveries = self.deliveries().await;
        let mut parts_of: HashMap<i64, Vec<DeliveryPart>> = HashMap::new();
        for d in &deliveries {
            parts_of.insert(d.id.0, self.store.parts(d.id).await.unwrap());
        }
        let mut v = Verified::default();
        for account in accounts {
            let did = &account.remote.did;
            let records = pds.list_records(did, POST).await.unwrap();
            let mut by_key: HashMap<String, &Value> = HashMap::new();
            for r in &records {
                let uri = r["uri"].as_str().unwrap();
                let key = uri.rsplit('/').next().unwrap().to_string();
                assert!(
                    by_key.insert(key.clone(), r).is_none(),
                    "{}: listRecords shows {uri} twice",
                    self.name
                );
            }
            let mut expected: HashSet<String> = HashSet::new();
            for d in deliveries.iter().filter(|d| d.account_id == account.id) {
                let parts = &parts_of[&d.id.0];
                if d.state == DeliveryState::Published {
                    v.published_deliveries += 1;
                    assert!(
                        parts.iter().all(|p| p.remote.is_some()),
                        "{}: delivery {} is published with a part missing: {parts:#?}",
                        self.name,
                        d.id
                    );
                }
                for p in parts {
                    let key = &p.idempotency_key;
                    let Some(remote) = &p.remote else {
                        assert!(
                            !by_key.contains_key(key),
                            "{}: delivery {} ({}) part {} is not recorded as published, yet the PDS holds {key}: {}",
                            self.name,
                            d.id,
                            d.state.as_str(),
                            p.position,
                            by_key[key]
                        );
                        continue;
                    };
                    let record = by_key.get(key).unwrap_or_else(|| {
                        panic!(
                            "{}: delivery {} part {} recorded as published ({}) but absent from the PDS",
                            self.name, d.id, p.position, remote.id
                        )
                    });
                    expected.insert(key.clone());
                    v.records += 1;
                    let uri = format!("at://{did}/{POST}/{key}");
                    assert_eq!(remote.id, uri, "{}: remote id of {key}", self.name);
                    assert_eq!(
                        remote.cid.as_deref(),
                        record["cid"].as_str(),
                        "{}: cid of {key}",
                        self.name
                    );
                    let value = &record["value"];
                    assert_eq!(
                        value["text"].as_str(),
                        Some(p.body.as_str()),
                        "{}: text of {key}",
                        self.name
                    );
                    check_embed(self.name, key, p, value, &mut v);
                    if p.position > 0 {
                        v.replies += 1;
                        let root = parts[0].remote.as_ref().unwrap();
                        let parent = parts[p.position as usize - 1].remote.as_ref().unwrap();
                        let reply = &value["reply"];
                        assert_eq!(
                            reply["root"]["uri"].as_str(),
                            Some(root.id.as_str()),
                            "{}: root of {key}",
                            self.name
                        );
                        assert_eq!(
                            reply["root"]["cid"].as_str(),
                            root.cid.as_deref(),
                            "{}: root cid of {key}",
                            self.name
                        );
                        assert_eq!(
                            reply["parent"]["uri"].as_str(),
                            Some(parent.id.as_str()),
                            "{}: parent of {key}",
                            self.name
                        );
                        assert_eq!(
                            reply["parent"]["cid"].as_str(),
                            parent.cid.as_deref(),
                            "{}: parent cid of {key}",
                            self.name
                        );
                    } else {
                        assert!(
                            value.get("reply").is_none(),
                            "{}: {key} is a reply",
                            self.name
                        );
                    }
                }
            }
            let extra: Vec<&String> = by_key.keys().filter(|k| !expected.contains(*k)).collect();
            assert!(
                extra.is_empty(),
                "{}: the PDS holds posts relais does not know as published in {}: {extra:?}",
                self.name,
                account.remote.handle
            );
            assert_eq!(records.len(), expected.len());
        }
        v
    }

    /// The secrets the workers were given or made: app passwords, the
    /// sessions' access and refresh tokens as stored now, the vault key.
    pub async fn secrets(&self, accounts: &[AccountId]) -> Vec<(String, String)> {
        let mut out = vec![("vault key".to_string(), self.key_base64.clone())];
        for a in accounts {
            match self.stored_credentials(*a).await {
                Credentials::Bluesky {
                    app_password,
                    session,
                    ..
                } => {
                    out.push((format!("app password of account {}", a.0), app_password));
                    if let Some(s) = session {
                        out.push((format!("access JWT of account {}", a.0), s.access_jwt));
                        out.push((format!("refresh JWT of account {}", a.0), s.refresh_jwt));
                    }
                }
                Credentials::Mastodon { access_token, .. } => {
                    out.push((format!("Mastodon token of account {}", a.0), access_token));
                }
            }
        }
        out
    }
}

/// What [`Harness::verify_bluesky`] saw.
#[derive(Debug, Default, Clone, Copy)]
pub struct Verified {
    pub published_deliveries: usize,
    pub records: usize,
    pub images: usize,
    pub replies: usize,
}

fn check_embed(test: &str, key: &str, p: &DeliveryPart, value: &Value, v: &mut Verified) {
    if p.media.is_empty() {
        assert!(
            value.get("embed").is_none(),
            "{test}: {key} has an embed: {value}"
        );
        return;
    }
    let embed = &value["embed"];
    assert_eq!(
        embed["$type"].as_str(),
        Some("app.bsky.embed.images"),
        "{test}: embed of {key}: {value}"
    );
    let images = embed["images"].as_array().unwrap();
    assert_eq!(images.len(), p.media.len(), "{test}: images of {key}");
    for (img, m) in images.iter().zip(&p.media) {
        v.images += 1;
        assert_eq!(
            img["alt"].as_str(),
            Some(m.alt.as_str()),
            "{test}: alt of {key}"
        );
        assert_eq!(
            img["image"]["mimeType"].as_str(),
            Some(m.mime.as_str()),
            "{test}: type of {key}"
        );
        assert!(
            img["image"]["ref"]["$link"].as_str().is_some(),
            "{test}: blob of {key}: {img}"
        );
        assert_eq!(
            img["aspectRatio"]["width"].as_u64(),
            Some(u64::from(m.width)),
            "{test}: width of {key}"
        );
        assert_eq!(
            img["aspectRatio"]["height"].as_u64(),
            Some(u64::from(m.height)),
            "{test}: height of {key}"
        );
    }
}

/// The content of post `i` of a mixed load: plain posts, threads of three
/// parts, first comments, one or two images with alt text; `tag` makes the
/// texts unique to the proof.
pub fn mixed(
    tag: &str,
    i: usize,
    accounts: Vec<AccountId>,
    due: DateTime<Utc>,
    images: &[MediaItem],
) -> EntryContent {
    let mut c = EntryContent {
        title: format!("{tag} {i}"),
        accounts,
        starts_at: Some(due),
        timezone: "Europe/Paris".into(),
        body: format!("{tag} post {i}: croissants au beurre ☕ #relais{i}"),
        ..EntryContent::default()
    };
    if i % 10 == 3 {
        c.format = Format::Thread;
        c.body = format!(
            "{tag} thread {i}, part one 🧵\n---\n{tag} thread {i}, part two https://example.com/{tag}/{i}\n---\n{tag} thread {i}, part three"
        );
    }
    if i % 10 == 7 {
        c.first_comment = format!("{tag} first comment of {i} 💬");
    }
    if i % 6 == 1 && !images.is_empty() {
        let n = if i % 12 == 1 { 2 } else { 1 };
        for j in 0..n {
            let mut m = images[(i + j) % images.len()].clone();
            m.alt = format!("{tag} alt text {i}.{j}: a coloured square");
            c.media.push(m);
        }
    }
    c
}

/// `relais worker` processes, their logs (one file per start) and kills.
pub struct Fleet {
    env: Vec<(String, String)>,
    cwd: PathBuf,
    logs: PathBuf,
    procs: Vec<Option<Child>>,
    spawned: usize,
    pub kills: usize,
}

impl Fleet {
    /// Starts one more worker process; returns its slot.
    pub fn start(&mut self) -> usize {
        let child = self.spawn();
        self.procs.push(Some(child));
        self.procs.len() - 1
    }

    fn spawn(&mut self) -> Child {
        self.spawned += 1;
        let n = self.spawned;
        let out = File::create(self.logs.join(format!("worker-{n:03}.out"))).unwrap();
        let err = File::create(self.logs.join(format!("worker-{n:03}.err"))).unwrap();
        let mut cmd = Command::new(BIN);
        cmd.env_clear();
        for key in ["PATH", "HOME"] {
            if let Some(v) = std::env::var_os(key) {
                cmd.env(key, v);
            }
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(&self.cwd)
            .arg("worker")
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap()
    }

    /// SIGKILL, then a new process in the same slot.
    pub fn kill_and_restart(&mut self, slot: usize) {
        if let Some(mut child) = self.procs[slot].take() {
            child.kill().unwrap();
            child.wait().unwrap();
            self.kills += 1;
        }
        let child = self.spawn();
        self.procs[slot] = Some(child);
    }

    /// How many processes are running.
    pub fn running(&self) -> usize {
        self.procs.iter().filter(|p| p.is_some()).count()
    }

    /// Panics (with the log tail) if a worker exited by itself.
    pub fn assert_alive(&mut self) {
        for (slot, p) in self.procs.iter_mut().enumerate() {
            if let Some(child) = p {
                if let Some(status) = child.try_wait().unwrap() {
                    let tail = tail_of(&self.logs, 40);
                    panic!("worker in slot {slot} exited by itself ({status}):\n{tail}");
                }
            }
        }
    }

    /// SIGTERM to every worker; each must exit with success (finishing what
    /// it was sending and giving its queues back) within 30 s.
    pub async fn stop(&mut self) {
        for child in self.procs.iter().flatten() {
            let pid = child.id().to_string();
            let ok = Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success();
            assert!(ok, "kill -TERM {pid} failed");
        }
        let until = Instant::now() + Duration::from_secs(30);
        for slot in 0..self.procs.len() {
            let Some(mut child) = self.procs[slot].take() else {
                continue;
            };
            loop {
                if let Some(status) = child.try_wait().unwrap() {
                    assert!(
                        status.success(),
                        "worker in slot {slot} ended with {status} after SIGTERM:\n{}",
                        tail_of(&self.logs, 30)
                    );
                    break;
                }
                if Instant::now() > until {
                    child.kill().ok();
                    child.wait().ok();
                    panic!(
                        "worker in slot {slot} did not stop within 30 s of SIGTERM:\n{}",
                        tail_of(&self.logs, 30)
                    );
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }

    /// Everything every process wrote, stdout and stderr.
    pub fn logs(&self) -> Vec<(String, String)> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.logs)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|f| {
                let name = f.file_name().unwrap().to_string_lossy().to_string();
                let bytes = std::fs::read(&f).unwrap();
                (name, String::from_utf8_lossy(&bytes).into_owned())
            })
            .collect()
    }

    pub fn log_tail(&self, lines: usize) -> String {
        tail_of(&self.logs, lines)
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for child in self.procs.iter_mut().flatten() {
            child.kill().ok();
            child.wait().ok();
        }
    }
}

/// The last `lines` lines of the newest stderr log.
fn tail_of(dir: &Path, lines: usize) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|f| f.extension().is_some_and(|e| e == "err"));
    files.sort();
    let Some(last) = files.last() else {
        return String::from("(no logs)");
    };
    let text = std::fs::read_to_string(last).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    let from = all.len().saturating_sub(lines);
    format!("--- {} ---\n{}", last.display(), all[from..].join("\n"))
}

/// Proof 6: no secret in what the workers printed. Also checks the logs are
/// the JSON lines asked for and at debug level (so the search means
/// something), and that no JWT-looking string (`eyJ…`, base64 of `{"`)
/// appears at all.
pub fn assert_logs_clean(test: &str, fleet: &Fleet, secrets: &[(String, String)]) -> usize {
    let logs = fleet.logs();
    let mut lines = 0usize;
    let mut debug = 0usize;
    for (file, text) in &logs {
        for (label, secret) in secrets {
            assert!(secret.len() >= 8, "{test}: {label} is suspiciously short");
            assert!(
                !text.contains(secret.as_str()),
                "{test}: the {label} appears in {file}"
            );
        }
        if let Some(at) = text.find("eyJ") {
            let from = at.saturating_sub(80);
            panic!(
                "{test}: a JWT-looking string appears in {file}: …{}…",
                &text[from..(at + 40).min(text.len())]
            );
        }
        if file.ends_with(".err") {
            let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            for (n, line) in all.iter().enumerate() {
                lines += 1;
                let v: Value = match serde_json::from_str(line) {
                    Ok(v) => v,
                    // A process killed with SIGKILL may have been cut mid-line.
                    Err(_) if n + 1 == all.len() => continue,
                    Err(e) => panic!("{test}: {file}: a log line is not JSON ({e}): {line}"),
                };
                if v["level"].as_str() == Some("DEBUG") {
                    debug += 1;
                }
            }
        }
    }
    assert!(lines > 0, "{test}: the workers logged nothing");
    assert!(
        debug > 0,
        "{test}: no debug line was logged: the level was not applied"
    );
    lines
}
