//! Helpers for tests against the real local AT Protocol PDS started by
//! `scripts/pds-test-server.sh`: accounts created through `createAccount`
//! (with an app password, as users connect), records read back with
//! `listRecords` / `getRecord`, fresh TIDs and unique handles.
//!
//! ```no_run
//! # async fn t() {
//! use relais_connect::testing::pds::TestPds;
//! let Some(pds) = TestPds::from_env("my_test") else { return };
//! let alice = pds.create_account().await.unwrap();
//! let records = pds.list_records(&alice.did, "app.bsky.feed.post").await.unwrap();
//! # }
//! ```

use crate::bluesky::tid;
use crate::Credentials;
use serde_json::{json, Value};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicI64, Ordering};

/// Where the test PDS listens (`http://localhost:PORT`).
pub const URL_VAR: &str = "TEST_PDS_URL";
/// The PDS admin password (to create invite codes if the PDS requires them).
pub const ADMIN_PASSWORD_VAR: &str = "TEST_PDS_ADMIN_PASSWORD";

/// A failed helper call, with the server's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdsError(pub String);

impl std::fmt::Display for PdsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PdsError {}

type Result<T> = std::result::Result<T, PdsError>;

/// The running test PDS.
#[derive(Debug, Clone)]
pub struct TestPds {
    pub url: String,
    admin_password: Option<String>,
    client: reqwest::Client,
}

/// An account created on the test PDS.
#[derive(Debug, Clone)]
pub struct TestAccount {
    pub handle: String,
    pub did: String,
    /// The account password (what `createAccount` was given).
    pub password: String,
    /// An app password created for it, what relais is given.
    pub app_password: String,
}

/// A random 64-bit value (from the standard library's per-process random keys
/// and the clock), enough for unique names in tests.
pub fn random_u64() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    h.finish()
}

/// A handle that no other test uses: `t` + 12 base-36 characters + `.test`.
pub fn unique_handle() -> String {
    let mut n = random_u64();
    let mut s = String::from("t");
    for _ in 0..12 {
        let d = (n % 36) as u32;
        s.push(char::from_digit(d, 36).unwrap_or('0'));
        n /= 36;
    }
    s.push_str(".test");
    s
}

/// A fresh TID: the current microsecond (strictly increasing within the
/// process) and a random clock id.
pub fn new_tid() -> String {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = chrono::Utc::now().timestamp_micros();
    let prev = LAST
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
            Some(now.max(last + 1))
        })
        .unwrap_or(now);
    let micros = now.max(prev + 1);
    let at = chrono::DateTime::from_timestamp_micros(micros).unwrap_or_default();
    tid::generate(at, (random_u64() & 0x3ff) as u16)
}

impl TestPds {
    /// The PDS named by `TEST_PDS_URL`. When it is unset: panics if `CI` is
    /// set (a CI run must not skip), otherwise prints a skip line naming
    /// `test` and returns `None`.
    pub fn from_env(test: &str) -> Option<TestPds> {
        match std::env::var(URL_VAR) {
            Ok(url) if !url.trim().is_empty() => Some(TestPds::new(url.trim())),
            _ => {
                if std::env::var_os("CI").is_some() {
                    panic!(
                        "{test}: {URL_VAR} is unset but CI is set; start the PDS with \
                         `bash scripts/pds-test-server.sh start` and export {URL_VAR}"
                    );
                }
                eprintln!("{test}: skipped: {URL_VAR} unset");
                None
            }
        }
    }

    pub fn new(url: &str) -> TestPds {
        TestPds {
            url: url.trim_end_matches('/').to_string(),
            admin_password: std::env::var(ADMIN_PASSWORD_VAR)
                .ok()
                .filter(|p| !p.is_empty()),
            client: reqwest::Client::new(),
        }
    }

    fn xrpc(&self, nsid: &str) -> String {
        format!("{}/xrpc/{nsid}", self.url)
    }

    async fn call(&self, what: &str, rb: reqwest::RequestBuilder) -> Result<(u16, Value)> {
        let resp = rb
            .send()
            .await
            .map_err(|e| PdsError(format!("{what}: {e}")))?;
        let status = resp.status().as_u16();
        let text = resp
            .text()
            .await
            .map_err(|e| PdsError(format!("{what}: {e}")))?;
        Ok((
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        ))
    }

    async fn ok(&self, what: &str, rb: reqwest::RequestBuilder) -> Result<Value> {
        match self.call(what, rb).await? {
            (200, v) => Ok(v),
            (s, v) => Err(PdsError(format!("{what}: HTTP {s}: {v}"))),
        }
    }

    /// Creates an account with a unique handle, and an app password for it.
    pub async fn create_account(&self) -> Result<TestAccount> {
        self.create_account_named(&unique_handle()).await
    }

    /// Creates the account `handle` (it must end in `.test`).
    pub async fn create_account_named(&self, handle: &str) -> Result<TestAccount> {
        let password = format!("pw-{:016x}", random_u64());
        let email = format!("{}@example.com", handle.replace('.', "-"));
        let mut body = json!({ "handle": handle, "email": email, "password": password });
        let (mut status, mut answer) = self
            .call(
                "createAccount",
                self.client
                    .post(self.xrpc("com.atproto.server.createAccount"))
                    .json(&body),
            )
            .await?;
        let needs_invite = answer.get("error").and_then(Value::as_str) == Some("InvalidInviteCode");
        if status != 200 && needs_invite {
            body["inviteCode"] = json!(self.invite_code().await?);
            (status, answer) = self
                .call(
                    "createAccount",
                    self.client
                        .post(self.xrpc("com.atproto.server.createAccount"))
                        .json(&body),
                )
                .await?;
        }
        if status != 200 {
            return Err(PdsError(format!(
                "createAccount {handle}: HTTP {status}: {answer}"
            )));
        }
        let field = |k: &str| {
            answer
                .get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| PdsError(format!("createAccount {handle}: no {k} in the answer")))
        };
        let did = field("did")?;
        let access = field("accessJwt")?;
        let app = self
            .ok(
                "createAppPassword",
                self.client
                    .post(self.xrpc("com.atproto.server.createAppPassword"))
                    .bearer_auth(access)
                    .json(&json!({ "name": "relais" })),
            )
            .await?;
        let app_password = app
            .get("password")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| PdsError("createAppPassword: no password in the answer".into()))?;
        Ok(TestAccount {
            handle: handle.to_string(),
            did,
            password,
            app_password,
        })
    }

    async fn invite_code(&self) -> Result<String> {
        let Some(admin) = &self.admin_password else {
            return Err(PdsError(format!(
                "the PDS wants an invite code and {ADMIN_PASSWORD_VAR} is unset"
            )));
        };
        let v = self
            .ok(
                "createInviteCode",
                self.client
                    .post(self.xrpc("com.atproto.server.createInviteCode"))
                    .basic_auth("admin", Some(admin))
                    .json(&json!({ "useCount": 1 })),
            )
            .await?;
        v.get("code")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| PdsError("createInviteCode: no code in the answer".into()))
    }

    /// Credentials relais would store for `account` (its app password, no
    /// session yet).
    pub fn credentials(&self, account: &TestAccount) -> Credentials {
        Credentials::Bluesky {
            service: self.url.clone(),
            identifier: account.handle.clone(),
            app_password: account.app_password.clone(),
            session: None,
        }
    }

    /// Every record of `collection` in `did`'s repository, each as
    /// `{uri, cid, value}`, all pages.
    pub async fn list_records(&self, did: &str, collection: &str) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut q = vec![
                ("repo", did.to_string()),
                ("collection", collection.to_string()),
                ("limit", "100".to_string()),
            ];
            if let Some(c) = &cursor {
                q.push(("cursor", c.clone()));
            }
            let page = self
                .ok(
                    "listRecords",
                    self.client
                        .get(self.xrpc("com.atproto.repo.listRecords"))
                        .query(&q),
                )
                .await?;
            let records = page
                .get("records")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let done = records.is_empty();
            out.extend(records);
            cursor = page
                .get("cursor")
                .and_then(Value::as_str)
                .map(str::to_string);
            if done || cursor.is_none() {
                return Ok(out);
            }
        }
    }

    /// One record as `{uri, cid, value}`, `None` when it does not exist.
    pub async fn get_record(
        &self,
        did: &str,
        collection: &str,
        rkey: &str,
    ) -> Result<Option<Value>> {
        let (status, v) = self
            .call(
                "getRecord",
                self.client
                    .get(self.xrpc("com.atproto.repo.getRecord"))
                    .query(&[("repo", did), ("collection", collection), ("rkey", rkey)]),
            )
            .await?;
        match status {
            200 => Ok(Some(v)),
            400 if v.get("error").and_then(Value::as_str) == Some("RecordNotFound")
                || v.to_string().contains("Could not locate record") =>
            {
                Ok(None)
            }
            s => Err(PdsError(format!("getRecord: HTTP {s}: {v}"))),
        }
    }

    /// An access token for `account` (`createSession` with its password).
    pub async fn access_token(&self, account: &TestAccount) -> Result<String> {
        let v = self
            .ok(
                "createSession",
                self.client
                    .post(self.xrpc("com.atproto.server.createSession"))
                    .json(&json!({ "identifier": account.did, "password": account.password })),
            )
            .await?;
        v.get("accessJwt")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| PdsError("createSession: no accessJwt in the answer".into()))
    }

    /// Creates a record of `collection` in `account`'s repository with
    /// `createRecord` (the PDS picks the record key); its `(uri, cid)`.
    pub async fn create_record(
        &self,
        account: &TestAccount,
        collection: &str,
        record: Value,
    ) -> Result<(String, String)> {
        let token = self.access_token(account).await?;
        let v = self
            .ok(
                "createRecord",
                self.client
                    .post(self.xrpc("com.atproto.repo.createRecord"))
                    .bearer_auth(token)
                    .json(
                        &json!({ "repo": account.did, "collection": collection, "record": record }),
                    ),
            )
            .await?;
        let field = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| PdsError(format!("createRecord: no {k} in the answer")))
        };
        Ok((field("uri")?, field("cid")?))
    }

    /// Creates an `app.bsky.feed.post` with `text`, `langs` and
    /// `createdAt` = `created_at` (milliseconds, UTC); its `(uri, cid)`.
    pub async fn create_post(
        &self,
        account: &TestAccount,
        text: &str,
        langs: &[&str],
        created_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(String, String)> {
        let mut record = json!({
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        });
        if !langs.is_empty() {
            record["langs"] = json!(langs);
        }
        self.create_record(account, "app.bsky.feed.post", record)
            .await
    }
}
