//! The one typed configuration of relais.
//!
//! Sources, later ones winning: built-in defaults, the TOML file
//! (`--config FILE`, `RELAIS_CONFIG`, or `./relais.toml` if present), then
//! environment variables `RELAIS_<SECTION>__<KEY>` (for example
//! `RELAIS_SERVER__BIND=0.0.0.0:8080`, `RELAIS_DATABASE__URL=postgres://…`,
//! `RELAIS_DATA_DIR=/var/lib/relais`), then command-line flags. Unknown keys are
//! rejected and every value is validated before anything starts.
//! `relais.sample.toml` at the repository root documents every key with its
//! default; a test keeps it in sync with [`Config::default`].

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use relais_auth::vault::{SecretKey, Vault, Zeroizing};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Directory for local data: the SQLite database, backups.
    pub data_dir: PathBuf,
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub auth: AuthConfig,
    pub log: LogConfig,
    pub mail: MailConfig,
    pub media: MediaConfig,
    pub secrets: SecretsConfig,
    pub publish: PublishConfig,
    pub veille: VeilleConfig,
}

/// The HTTP server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub bind: String,
    /// The address people use to reach relais (for links in invitations). Empty:
    /// derived from the request. An `https://` URL turns on Secure cookies.
    pub public_url: String,
    /// Whether cookies carry the Secure flag: "auto" (when `public_url` is https or
    /// the request came through TLS per X-Forwarded-Proto), "always" or "never".
    pub secure_cookies: SecureCookies,
    /// Every request is answered within this many seconds (408 otherwise).
    pub request_timeout_secs: u64,
    /// Request bodies larger than this are refused with 413.
    pub max_body_bytes: usize,
}

/// When cookies get the Secure attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecureCookies {
    Auto,
    Always,
    Never,
}

/// The database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://PATH` or `postgres://USER:PASSWORD@HOST:PORT/DB`. Empty: the
    /// embedded SQLite file `relais.sqlite3` in `data_dir`.
    pub url: String,
    /// Largest number of pooled connections.
    pub max_connections: u32,
    /// Seconds to wait when connecting before giving up.
    pub connect_timeout_secs: u64,
    /// SQLite only: milliseconds a writer waits for a lock (busy_timeout).
    pub sqlite_busy_timeout_ms: u64,
}

/// Logins, sessions and invitations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// A session ends after this many hours without use.
    pub session_ttl_hours: u32,
    /// Failed logins allowed per address (and per client IP) inside the window.
    pub login_max_failures: u32,
    /// Length of the failed-login window, in minutes.
    pub login_window_minutes: u32,
    /// An invitation link stays valid this many hours.
    pub invitation_ttl_hours: u32,
}

/// Outgoing e-mail (notifications), sent through an SMTP server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// The SMTP server. Empty: e-mail is disabled (notifications stay in the
    /// app). `smtp://HOST:PORT` (plain, for a relay on loopback),
    /// `smtp://HOST:PORT?tls=starttls` (STARTTLS required), `smtps://HOST:PORT`
    /// (TLS from the start). Credentials go in the URL:
    /// `smtps://USER:PASSWORD@HOST` (percent-encode special characters).
    pub smtp_url: String,
    /// The sender, e.g. `relais <relais@example.org>`.
    pub from: String,
}

/// Uploaded media (images and videos of the composer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MediaConfig {
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: u64,
}

/// The publishing worker: when scheduled posts are sent, how failures are
/// retried, and what happens after downtime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PublishConfig {
    /// Whether `relais serve` also runs the publishing worker. `relais worker`
    /// runs it alone (several processes may run it on one PostgreSQL).
    pub worker: bool,
    /// How often the worker looks for due posts when idle, in milliseconds.
    pub poll_interval_ms: u64,
    /// How long a worker's lease on an account queue lasts without a
    /// heartbeat, in seconds. A crashed worker's posts resume after this.
    pub lease_secs: u64,
    /// How many accounts one worker publishes for at the same time (each
    /// waits on its network's answers, so this bounds the posts in flight).
    pub max_accounts: u32,
    /// After downtime, posts overdue by at most this many minutes are still
    /// published (in order); older ones are marked missed and the team told.
    pub grace_minutes: u64,
    /// First retry delay after a temporary failure, in seconds (doubled at
    /// each attempt, with jitter).
    pub retry_base_secs: u64,
    /// Longest delay between two attempts, in seconds.
    pub retry_max_delay_secs: u64,
    /// A post still failing this many seconds after its time fails for good.
    pub retry_deadline_secs: u64,
    /// Time-out of one request to a network, in seconds.
    pub request_timeout_secs: u64,
}

/// Veille (monitoring): how sources are fetched and when spikes alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VeilleConfig {
    /// Whether `relais serve` (and `relais worker`) also read the sources.
    pub worker: bool,
    /// How many sources one process fetches at the same time. A read
    /// mostly waits (for the network, then for a parse thread): 32 at a
    /// time keep two cores busy with parsing and writing where 16 left a
    /// tenth of them idle (bench/README.md, "32 reads at a time"). Each
    /// site's load is set by `per_host_concurrency`, not by this.
    pub concurrency: u32,
    /// How many requests at a time to one host.
    pub per_host_concurrency: u32,
    /// Time-out of one fetch, in seconds (connection included).
    pub timeout_secs: u64,
    /// The largest body accepted, decompressed, in bytes.
    pub max_body_bytes: u64,
    /// A source failing for this many days is disabled, and the team told.
    pub dead_after_days: u32,
    /// Let sources point at private, loopback or link-local addresses. Off:
    /// sources are URLs people type, and these would reach the server's own
    /// network (SSRF).
    pub allow_private_addresses: bool,
    /// A stream (Bluesky firehose, Jetstream) is read in sessions of this
    /// many seconds under its lease, its cursor kept between them.
    pub stream_session_secs: u64,
    /// Spike alerts: standard deviations above the baseline.
    pub spike_k: f64,
    /// Spike alerts: days of the same hour making the baseline.
    pub spike_window_days: u32,
    /// Spike alerts: no alert below this many items in the hour.
    pub spike_min_count: u32,
    /// Negative-share alerts: rise of the share of negative items over the
    /// baseline's (0.2 = 20 points).
    pub spike_negative_jump: f64,
}

impl Default for VeilleConfig {
    fn default() -> Self {
        VeilleConfig {
            worker: true,
            concurrency: 32,
            per_host_concurrency: 2,
            timeout_secs: 30,
            max_body_bytes: 10 * 1024 * 1024,
            dead_after_days: 7,
            allow_private_addresses: false,
            stream_session_secs: 50,
            spike_k: 3.0,
            spike_window_days: 14,
            spike_min_count: 10,
            spike_negative_jump: 0.2,
        }
    }
}

impl Default for PublishConfig {
    fn default() -> Self {
        PublishConfig {
            worker: true,
            poll_interval_ms: 500,
            lease_secs: 30,
            max_accounts: 64,
            grace_minutes: 30,
            retry_base_secs: 5,
            retry_max_delay_secs: 900,
            retry_deadline_secs: 6 * 3600,
            request_timeout_secs: 30,
        }
    }
}

/// The key that seals the credentials of connected accounts at rest (see
/// `relais_auth::vault`). `Debug` shows key ids only, never a key.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecretsConfig {
    /// The current key: base64 of 32 random bytes (`openssl rand -base64 32`).
    /// Empty: the key is read from `key_file`, generated there on first start.
    pub key: String,
    /// The file holding the key when `key` is empty. Empty:
    /// `<data_dir>/secret.key`. It must not be readable by group or others.
    pub key_file: PathBuf,
    /// Keys still accepted for opening during a rotation (`relais keys
    /// rotate` re-seals everything with the current key; then remove them).
    pub previous_keys: Vec<String>,
}

impl std::fmt::Debug for SecretsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretsConfig")
            .field("key", &key_summary(&self.key))
            .field("key_file", &self.key_file)
            .field(
                "previous_keys",
                &self
                    .previous_keys
                    .iter()
                    .map(|k| key_summary(k))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// What may be shown of a configured key: empty, or masked with its id.
fn key_summary(key: &str) -> String {
    if key.is_empty() {
        String::new()
    } else {
        match SecretKey::from_base64(key) {
            Ok(k) => format!("******** (key id {})", k.id()),
            Err(_) => "******** (not a valid key)".into(),
        }
    }
}

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// No encryption: only for a relay on the same machine or network.
    Plain,
    /// Plain connection upgraded with STARTTLS (required, not opportunistic).
    StartTls,
    /// TLS from the first byte (`smtps://`, usually port 465).
    Tls,
}

/// `mail.smtp_url`, parsed.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpEndpoint {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// User name and password for SMTP AUTH, when the URL has them.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpEndpoint")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(u, _)| u))
            .finish_non_exhaustive()
    }
}

impl MailConfig {
    /// Whether e-mail is configured at all.
    pub fn enabled(&self) -> bool {
        !self.smtp_url.trim().is_empty()
    }

    /// Parses `smtp_url`; `Ok(None)` when e-mail is disabled. The error says
    /// what is wrong and gives an example of a good URL.
    pub fn endpoint(&self) -> Result<Option<SmtpEndpoint>, ConfigError> {
        if !self.enabled() {
            return Ok(None);
        }
        parse_smtp_url(self.smtp_url.trim()).map(Some)
    }
}

const SMTP_URL_HELP: &str = "use smtp://HOST:PORT (plain, loopback relays only), smtp://HOST:PORT?tls=starttls or smtps://USER:PASSWORD@HOST:465, or leave it empty to disable e-mail";

fn parse_smtp_url(text: &str) -> Result<SmtpEndpoint, ConfigError> {
    let bad = |why: String| {
        Err(ConfigError(format!(
            "invalid value for mail.smtp_url: {why}; {SMTP_URL_HELP}"
        )))
    };
    let Ok(url) = url::Url::parse(text) else {
        return bad("not a URL".into());
    };
    let mut security = match url.scheme() {
        "smtp" => SmtpSecurity::Plain,
        "smtps" => SmtpSecurity::Tls,
        other => return bad(format!("unknown scheme {other:?}")),
    };
    let host = match url.host_str() {
        Some(h) if !h.is_empty() => h.trim_start_matches('[').trim_end_matches(']').to_string(),
        _ => return bad("no host".into()),
    };
    if !matches!(url.path(), "" | "/") {
        return bad(format!("unexpected path {:?}", url.path()));
    }
    if url.fragment().is_some() {
        return bad("unexpected #fragment".into());
    }
    for (key, value) in url.query_pairs() {
        match (key.as_ref(), value.as_ref(), security) {
            ("tls", "starttls", SmtpSecurity::Plain | SmtpSecurity::StartTls) => {
                security = SmtpSecurity::StartTls
            }
            ("tls", "none", SmtpSecurity::Plain) => {}
            ("tls", "tls", SmtpSecurity::Tls) => {}
            ("tls", other, _) => {
                return bad(format!(
                    "tls={other:?} does not fit the {} scheme (smtp:// takes tls=starttls or tls=none; smtps:// is always TLS)",
                    url.scheme()
                ))
            }
            (other, _, _) => return bad(format!("unknown parameter {other:?}")),
        }
    }
    let port = url.port().unwrap_or(match security {
        SmtpSecurity::Plain => 25,
        SmtpSecurity::StartTls => 587,
        SmtpSecurity::Tls => 465,
    });
    let decode = |s: &str| {
        percent_decode(s).ok_or_else(|| {
            ConfigError(format!(
                "invalid value for mail.smtp_url: the user or password is not valid percent-encoded UTF-8; {SMTP_URL_HELP}"
            ))
        })
    };
    let credentials = match (url.username(), url.password()) {
        ("", None) => None,
        ("", Some(_)) => return bad("a password without a user name".into()),
        (user, password) => Some((decode(user)?, decode(password.unwrap_or(""))?)),
    };
    if credentials.is_some() && security == SmtpSecurity::Plain && !is_loopback(&host) {
        return bad(format!(
            "credentials would be sent in clear text to {host}: add ?tls=starttls or use smtps://"
        ));
    }
    Ok(SmtpEndpoint {
        host,
        port,
        security,
        credentials,
    })
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Decodes `%XX` escapes; `None` for a bad escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// "human" (coloured lines) or "json" (one object per line).
    pub format: LogFormat,
    /// A tracing filter, e.g. "info" or "info,relais_web=debug".
    pub level: String,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("relais-data"),
            server: ServerConfig::default(),
            database: DatabaseConfig::default(),
            auth: AuthConfig::default(),
            log: LogConfig::default(),
            mail: MailConfig::default(),
            media: MediaConfig::default(),
            publish: PublishConfig::default(),
            veille: VeilleConfig::default(),
            secrets: SecretsConfig::default(),
        }
    }
}

impl Default for SecretsConfig {
    fn default() -> Self {
        SecretsConfig {
            key: String::new(),
            key_file: PathBuf::new(),
            previous_keys: Vec::new(),
        }
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp_url: String::new(),
            from: "relais <relais@localhost>".into(),
        }
    }
}

impl Default for MediaConfig {
    fn default() -> Self {
        MediaConfig {
            max_upload_bytes: 20 * 1024 * 1024,
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: "127.0.0.1:8080".into(),
            public_url: String::new(),
            secure_cookies: SecureCookies::Auto,
            request_timeout_secs: 30,
            max_body_bytes: 1024 * 1024,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: String::new(),
            max_connections: 8,
            connect_timeout_secs: 5,
            sqlite_busy_timeout_ms: 5000,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            session_ttl_hours: 24 * 14,
            login_max_failures: 5,
            login_window_minutes: 15,
            invitation_ttl_hours: 24 * 7,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Human,
            level: "info".into(),
        }
    }
}

/// A configuration problem, worded for the person who has to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Command-line values that override the other sources.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
}

impl Config {
    /// Loads and validates the configuration. `file` is the explicit path
    /// (`--config` or `RELAIS_CONFIG`); without one, `./relais.toml` is read if it
    /// exists. An explicit file that does not exist is an error.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                if !path.is_file() {
                    return Err(ConfigError(format!(
                        "configuration file {} not found: check the path given with --config or RELAIS_CONFIG",
                        path.display()
                    )));
                }
                figment = figment.merge(Toml::file_exact(path));
            }
            None => {
                let default = Path::new("relais.toml");
                if default.is_file() {
                    figment = figment.merge(Toml::file_exact(default));
                }
            }
        }
        figment = figment.merge(Env::prefixed("RELAIS_").split("__").ignore(&["config"]));
        let mut config: Config = figment.extract().map_err(describe_figment_error)?;
        if let Some(bind) = &overrides.bind {
            config.server.bind = bind.clone();
        }
        if let Some(dir) = &overrides.data_dir {
            config.data_dir = dir.clone();
        }
        if let Some(url) = &overrides.database_url {
            config.database.url = url.clone();
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks values that types alone cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad =
            |key: &str, msg: String| Err(ConfigError(format!("invalid value for {key}: {msg}")));
        if self.server.bind.parse::<SocketAddr>().is_err() {
            return bad(
                "server.bind",
                format!(
                    "{:?} is not an address:port such as 127.0.0.1:8080",
                    self.server.bind
                ),
            );
        }
        if !self.server.public_url.is_empty() {
            match url::Url::parse(&self.server.public_url) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
                _ => {
                    return bad(
                        "server.public_url",
                        format!(
                            "{:?} is not an http(s) URL such as https://relais.example.org",
                            self.server.public_url
                        ),
                    )
                }
            }
        }
        let p = &self.publish;
        for (key, value, min) in [
            ("publish.poll_interval_ms", p.poll_interval_ms, 10),
            ("publish.lease_secs", p.lease_secs, 5),
            ("publish.max_accounts", u64::from(p.max_accounts), 1),
            ("publish.retry_base_secs", p.retry_base_secs, 1),
            ("publish.retry_max_delay_secs", p.retry_max_delay_secs, 1),
            ("publish.retry_deadline_secs", p.retry_deadline_secs, 60),
            ("publish.request_timeout_secs", p.request_timeout_secs, 1),
        ] {
            if value < min {
                return bad(key, format!("must be at least {min}"));
            }
        }
        let v = &self.veille;
        for (key, value, min) in [
            ("veille.concurrency", u64::from(v.concurrency), 1),
            (
                "veille.per_host_concurrency",
                u64::from(v.per_host_concurrency),
                1,
            ),
            ("veille.timeout_secs", v.timeout_secs, 1),
            ("veille.max_body_bytes", v.max_body_bytes, 1024),
            ("veille.dead_after_days", u64::from(v.dead_after_days), 1),
            ("veille.stream_session_secs", v.stream_session_secs, 1),
            (
                "veille.spike_window_days",
                u64::from(v.spike_window_days),
                1,
            ),
            ("veille.spike_min_count", u64::from(v.spike_min_count), 1),
        ] {
            if value < min {
                return bad(key, format!("must be at least {min}"));
            }
        }
        if !(v.spike_k.is_finite() && v.spike_k > 0.0) {
            return bad(
                "veille.spike_k",
                "must be a positive number such as 3".into(),
            );
        }
        if !(v.spike_negative_jump.is_finite()
            && v.spike_negative_jump > 0.0
            && v.spike_negative_jump <= 1.0)
        {
            return bad(
                "veille.spike_negative_jump",
                "must be a share between 0 and 1 such as 0.2".into(),
            );
        }
        if p.request_timeout_secs * 2 >= p.lease_secs * 3 {
            return bad(
                "publish.request_timeout_secs",
                format!(
                    "must stay well under publish.lease_secs ({}), or a slow request could outlive its lease",
                    p.lease_secs
                ),
            );
        }
        if self.server.request_timeout_secs == 0 {
            return bad("server.request_timeout_secs", "must be at least 1".into());
        }
        if self.server.max_body_bytes < 1024 {
            return bad("server.max_body_bytes", "must be at least 1024".into());
        }
        let url = &self.database.url;
        if !url.is_empty()
            && !["sqlite:", "postgres://", "postgresql://"]
                .iter()
                .any(|p| url.starts_with(p))
        {
            return bad(
                "database.url",
                "must start with sqlite:, postgres:// or postgresql:// (or be empty for the embedded SQLite file)".into(),
            );
        }
        if url.starts_with("sqlite:") && sqlite_path(url).is_none() {
            return bad("database.url", "a SQLite URL needs a file path, e.g. sqlite:///var/lib/relais/relais.sqlite3 (in-memory databases lose everything at exit)".into());
        }
        if self.database.max_connections == 0 {
            return bad("database.max_connections", "must be at least 1".into());
        }
        if self.database.connect_timeout_secs == 0 {
            return bad("database.connect_timeout_secs", "must be at least 1".into());
        }
        if self.auth.session_ttl_hours == 0 || self.auth.invitation_ttl_hours == 0 {
            return bad(
                "auth",
                "session_ttl_hours and invitation_ttl_hours must be at least 1".into(),
            );
        }
        if self.auth.login_max_failures == 0 || self.auth.login_window_minutes == 0 {
            return bad(
                "auth",
                "login_max_failures and login_window_minutes must be at least 1".into(),
            );
        }
        if self.data_dir.as_os_str().is_empty() {
            return bad("data_dir", "must not be empty".into());
        }
        self.mail.endpoint()?;
        if !valid_from(&self.mail.from) {
            return bad(
                "mail.from",
                format!(
                    "{:?} is not an address such as relais@example.org or \"relais <relais@example.org>\"",
                    self.mail.from
                ),
            );
        }
        if self.media.max_upload_bytes < 1024 {
            return bad("media.max_upload_bytes", "must be at least 1024".into());
        }
        self.secret_keys()?;
        Ok(())
    }

    /// Parses `secrets.key` (when set) and `secrets.previous_keys`; errors name
    /// the key and never repeat its value.
    fn secret_keys(&self) -> Result<(Option<SecretKey>, Vec<SecretKey>), ConfigError> {
        let parse = |name: &str, text: &str, help: &str| {
            SecretKey::from_base64(text)
                .map_err(|e| ConfigError(format!("invalid value for {name}: {e}; {help}")))
        };
        let secrets = &self.secrets;
        let current = if secrets.key.is_empty() {
            None
        } else {
            if !secrets.key_file.as_os_str().is_empty() {
                return Err(ConfigError(
                    "invalid value for secrets.key_file: secrets.key is also set; set only one of them (the key itself, or the file that holds it)".into(),
                ));
            }
            Some(parse(
                "secrets.key",
                &secrets.key,
                "or leave it empty to use the key file",
            )?)
        };
        let previous = secrets
            .previous_keys
            .iter()
            .enumerate()
            .map(|(i, text)| {
                parse(
                    &format!("secrets.previous_keys[{i}]"),
                    text,
                    "give the old key exactly as it was configured",
                )
            })
            .collect::<Result<_, _>>()?;
        Ok((current, previous))
    }

    /// The key file in use: `secrets.key_file`, or `<data_dir>/secret.key`;
    /// `None` when the key is given inline in `secrets.key`.
    pub fn secret_key_file(&self) -> Option<PathBuf> {
        self.secrets.key.is_empty().then(|| self.key_file_path())
    }

    fn key_file_path(&self) -> PathBuf {
        if self.secrets.key_file.as_os_str().is_empty() {
            self.data_dir.join("secret.key")
        } else {
            self.secrets.key_file.clone()
        }
    }

    /// The vault of connected-account credentials: the current key from
    /// `secrets.key`, or else from the key file, which is created (mode 0600,
    /// never overwritten) with a fresh key when it does not exist yet; plus
    /// `secrets.previous_keys`. Nothing secret is logged or put in an error.
    pub fn load_vault(&self) -> Result<Vault, ConfigError> {
        let (current, previous) = self.secret_keys()?;
        let current = match current {
            Some(key) => key,
            None => key_from_file(&self.key_file_path())?,
        };
        Ok(Vault::new(current, previous))
    }

    /// The database URL to use: the configured one, or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            format!(
                "sqlite://{}",
                self.data_dir.join("relais.sqlite3").display()
            )
        } else {
            self.database.url.clone()
        }
    }

    /// Whether the database is the embedded SQLite file or another SQLite URL.
    pub fn is_sqlite(&self) -> bool {
        self.database_url().starts_with("sqlite:")
    }

    /// The SQLite database file, when the database is SQLite.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        sqlite_path(&self.database_url())
    }

    /// The configuration as TOML with secrets (database and SMTP passwords) masked, for
    /// `relais check-config`.
    pub fn redacted(&self) -> Config {
        let mut c = self.clone();
        if let Ok(mut u) = url::Url::parse(&c.database.url) {
            if u.password().is_some() {
                let _ = u.set_password(Some("********"));
                c.database.url = u.to_string();
            }
        }
        if let Ok(mut u) = url::Url::parse(&c.mail.smtp_url) {
            if u.password().is_some() {
                let _ = u.set_password(Some("********"));
                c.mail.smtp_url = u.to_string();
            }
        }
        c.secrets.key = key_summary(&c.secrets.key);
        for k in &mut c.secrets.previous_keys {
            *k = key_summary(k);
        }
        c
    }
}

/// Reads the vault key from `file`, or creates the file with a fresh key when
/// there is none. Creation is atomic: the key is written to a private
/// temporary file, then hard-linked to its name, which fails if another process
/// won the race (its key is then read). An existing file is never replaced: a
/// lost key means sealed credentials cannot be opened.
fn key_from_file(file: &Path) -> Result<SecretKey, ConfigError> {
    let shown = file.display();
    match std::fs::metadata(file) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_key_file(file)?,
        Err(e) => {
            return Err(ConfigError(format!(
                "cannot read the secret key file {shown}: {e}"
            )))
        }
    }
    check_key_file_mode(file)?;
    let text = std::fs::read_to_string(file)
        .map_err(|e| ConfigError(format!("cannot read the secret key file {shown}: {e}")))?;
    let text = Zeroizing::new(text);
    SecretKey::from_base64(&text).map_err(|e| {
        ConfigError(format!(
            "the secret key file {shown} does not hold a key: {e}; restore it from your backup (credentials sealed with its key cannot be opened without it), or set secrets.key"
        ))
    })
}

#[cfg(unix)]
fn check_key_file_mode(file: &Path) -> Result<(), ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let shown = file.display();
    let mode = std::fs::metadata(file)
        .map_err(|e| ConfigError(format!("cannot read the secret key file {shown}: {e}")))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(ConfigError(format!(
            "the secret key file {shown} is readable or writable by group or others (mode {:o}): run `chmod 600 {shown}`",
            mode & 0o777
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_key_file_mode(_file: &Path) -> Result<(), ConfigError> {
    Ok(())
}

fn create_key_file(file: &Path) -> Result<(), ConfigError> {
    use std::io::Write;
    let shown = file.display();
    let fail = |what: &str, e: std::io::Error| {
        ConfigError(format!(
            "cannot create the secret key file {shown}: {what}: {e}; check that its directory is writable, or set secrets.key"
        ))
    };
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| fail("creating its directory", e))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "secret.key".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", relais_auth::random_token()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let key = SecretKey::generate();
    let written = options
        .open(&tmp)
        .and_then(|mut f| {
            let line = Zeroizing::new(format!("{}\n", key.to_base64()));
            f.write_all(line.as_bytes())?;
            f.sync_all()
        })
        .map_err(|e| fail("writing a temporary file", e))
        .and_then(|()| match std::fs::hard_link(&tmp, file) {
            Ok(()) => Ok(()),
            // Another process created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(fail("linking it in place", e)),
        });
    let _ = std::fs::remove_file(&tmp);
    written?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A rough shape check of `mail.from` (`addr@domain` or `Name <addr@domain>`);
/// the mailer parses it fully.
fn valid_from(from: &str) -> bool {
    let from = from.trim();
    let addr = match (from.rfind('<'), from.strip_suffix('>')) {
        (Some(open), Some(inner)) => &inner[open + 1..],
        (None, None) => from,
        _ => return false,
    };
    match addr.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !addr.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

/// The file of a `sqlite:` URL (`sqlite:PATH`, `sqlite://PATH`, options after
/// `?`); `None` for other URLs and for in-memory databases.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && !path.contains(":memory:")).then(|| PathBuf::from(path))
}

/// Turns a figment error into one actionable line.
fn describe_figment_error(err: figment::Error) -> ConfigError {
    let mut parts = Vec::new();
    for e in err {
        let key = if e.path.is_empty() {
            String::new()
        } else {
            e.path.join(".")
        };
        let source = e
            .metadata
            .as_ref()
            .map(|m| match &m.source {
                Some(src) => format!(" (from {src})"),
                None => format!(" (from {})", m.name),
            })
            .unwrap_or_default();
        let what = match &e.kind {
            figment::error::Kind::UnknownField(field, expected) => format!(
                "unknown key {:?}{}; known keys here: {}",
                if key.is_empty() {
                    field.clone()
                } else {
                    key.clone()
                },
                source,
                expected.join(", ")
            ),
            _ if key.is_empty() => format!("{}{}", e.kind, source),
            _ => format!("invalid value for {key}{source}: {}", e.kind),
        };
        parts.push(what);
    }
    ConfigError(format!("configuration error: {}", parts.join("; ")))
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment's Jail API returns its own large error type
mod tests {
    use super::*;
    use figment::Jail;

    fn sample_path() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../relais.sample.toml")
    }

    #[test]
    fn sample_file_is_exactly_the_defaults() {
        let text = std::fs::read_to_string(sample_path()).unwrap();
        let parsed: Config = toml::from_str(&text).unwrap();
        assert_eq!(
            parsed,
            Config::default(),
            "relais.sample.toml and Config::default() disagree"
        );
        // Every key of the defaults is written out in the sample (not only implied).
        let sample: toml::Table = toml::from_str(&text).unwrap();
        let defaults: toml::Table =
            toml::from_str(&toml::to_string(&Config::default()).unwrap()).unwrap();
        fn keys(t: &toml::Table, prefix: &str, out: &mut Vec<String>) {
            for (k, v) in t {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                match v {
                    toml::Value::Table(inner) => keys(inner, &path, out),
                    _ => out.push(path),
                }
            }
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        keys(&sample, "", &mut a);
        keys(&defaults, "", &mut b);
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }

    #[test]
    fn sqlite_paths() {
        let cases = [
            (
                "sqlite://relais-data/relais.sqlite3",
                Some("relais-data/relais.sqlite3"),
            ),
            (
                "sqlite:///var/lib/relais.db?mode=rwc",
                Some("/var/lib/relais.db"),
            ),
            ("sqlite:x.db", Some("x.db")),
            ("sqlite::memory:", None),
            ("sqlite:", None),
            ("postgres://h/db", None),
        ];
        for (url, expected) in cases {
            assert_eq!(sqlite_path(url), expected.map(PathBuf::from), "{url}");
        }
    }

    #[test]
    fn defaults_are_valid() {
        Config::default().validate().unwrap();
        assert!(Config::default()
            .database_url()
            .ends_with("relais-data/relais.sqlite3"));
    }

    #[test]
    fn file_then_env_then_flags() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "relais.toml",
                "[server]\nbind = \"127.0.0.1:9000\"\n[log]\nformat = \"json\"\n",
            )?;
            jail.set_env("RELAIS_LOG__LEVEL", "debug");
            jail.set_env("RELAIS_DATA_DIR", "/tmp/relais-x");
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(c.server.bind, "127.0.0.1:9000");
            assert_eq!(c.log.format, LogFormat::Json);
            assert_eq!(c.log.level, "debug");
            assert_eq!(c.data_dir, PathBuf::from("/tmp/relais-x"));
            jail.set_env("RELAIS_SERVER__BIND", "127.0.0.1:9001");
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(c.server.bind, "127.0.0.1:9001");
            let flags = Overrides {
                bind: Some("127.0.0.1:9002".into()),
                ..Default::default()
            };
            let c = Config::load(None, &flags).unwrap();
            assert_eq!(c.server.bind, "127.0.0.1:9002");
            Ok(())
        });
    }

    #[test]
    fn errors_name_the_key_and_the_fix() {
        Jail::expect_with(|jail| {
            jail.create_file("relais.toml", "[server]\nbnd = \"x\"\n")?;
            let err = Config::load(None, &Overrides::default()).unwrap_err().0;
            assert!(err.contains("unknown key \"server.bnd\""), "{err}");
            assert!(err.contains("bind"), "{err}");
            assert!(!err.contains('\n'), "{err}");

            jail.create_file("relais.toml", "[server]\nrequest_timeout_secs = \"soon\"\n")?;
            let err = Config::load(None, &Overrides::default()).unwrap_err().0;
            assert!(err.contains("server.request_timeout_secs"), "{err}");

            jail.create_file("relais.toml", "")?;
            jail.set_env("RELAIS_SERVER__BOGUS", "1");
            let err = Config::load(None, &Overrides::default()).unwrap_err().0;
            assert!(err.contains("server.bogus"), "{err}");
            Ok(())
        });
        Jail::expect_with(|_jail| {
            let flags = Overrides {
                bind: Some("localhost".into()),
                ..Default::default()
            };
            let err = Config::load(None, &flags).unwrap_err().0;
            assert!(err.starts_with("invalid value for server.bind"), "{err}");
            let flags = Overrides {
                database_url: Some("sqlite::memory:".into()),
                ..Default::default()
            };
            let err = Config::load(None, &flags).unwrap_err().0;
            assert!(err.contains("needs a file path"), "{err}");
            let flags = Overrides {
                database_url: Some("mysql://x".into()),
                ..Default::default()
            };
            let err = Config::load(None, &flags).unwrap_err().0;
            assert!(err.contains("database.url"), "{err}");
            let err = Config::load(Some(Path::new("nope.toml")), &Overrides::default())
                .unwrap_err()
                .0;
            assert!(err.contains("nope.toml not found"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn smtp_urls() {
        let mail = |url: &str| MailConfig {
            smtp_url: url.into(),
            ..MailConfig::default()
        };
        assert_eq!(mail("").endpoint().unwrap(), None);
        assert_eq!(mail("   ").endpoint().unwrap(), None);
        let ok = |url: &str| mail(url).endpoint().unwrap().unwrap();
        let e = ok("smtp://127.0.0.1:2525");
        assert_eq!(
            (e.host.as_str(), e.port, e.security, e.credentials),
            ("127.0.0.1", 2525, SmtpSecurity::Plain, None)
        );
        let e = ok("smtp://mail.example.org?tls=starttls");
        assert_eq!((e.port, e.security), (587, SmtpSecurity::StartTls));
        let e = ok("smtps://bob%40example.org:p%C3%A0ss%3Aw@mail.example.org");
        assert_eq!((e.port, e.security), (465, SmtpSecurity::Tls));
        assert_eq!(
            e.credentials,
            Some(("bob@example.org".into(), "pàss:w".into()))
        );
        assert!(!format!("{e:?}").contains("pàss"));
        let e = ok("smtp://u:p@localhost:25");
        assert_eq!(e.credentials, Some(("u".into(), "p".into())));
        let e = ok("smtp://[::1]:2525");
        assert_eq!(e.host, "::1");

        for (url, needle) in [
            ("mail.example.org", "not a URL"),
            ("http://mail.example.org", "unknown scheme"),
            ("smtp://mail.example.org/x", "unexpected path"),
            ("smtp://mail.example.org?tls=yes", "tls=\"yes\""),
            ("smtps://mail.example.org?tls=starttls", "tls=\"starttls\""),
            ("smtp://mail.example.org?auth=1", "unknown parameter"),
            ("smtp://u:p@mail.example.org", "clear text"),
            ("smtp://:p@localhost", "without a user"),
            ("smtp://u:%ZZ@localhost", "percent-encoded"),
        ] {
            let err = mail(url).endpoint().unwrap_err().0;
            assert!(
                err.starts_with("invalid value for mail.smtp_url"),
                "{url}: {err}"
            );
            assert!(err.contains(needle), "{url}: {err}");
            assert!(err.contains("smtps://"), "{url}: the fix is shown: {err}");
        }
        let mut c = Config::default();
        c.mail.smtp_url = "smtp//nope".into();
        assert!(c.validate().unwrap_err().0.contains("mail.smtp_url"));
    }

    #[test]
    fn mail_from_and_media_limits() {
        for good in [
            "relais <relais@localhost>",
            "relais@example.org",
            "Équipe relais <equipe@example.org>",
        ] {
            assert!(valid_from(good), "{good}");
        }
        for bad in ["", "relais", "relais <relais@localhost", "<@x>", "a b@c"] {
            assert!(!valid_from(bad), "{bad}");
        }
        let mut c = Config::default();
        c.mail.from = "nobody".into();
        assert!(c.validate().unwrap_err().0.contains("mail.from"));
        let mut c = Config::default();
        c.media.max_upload_bytes = 10;
        assert!(c
            .validate()
            .unwrap_err()
            .0
            .contains("media.max_upload_bytes"));
        Jail::expect_with(|jail| {
            jail.set_env("RELAIS_MAIL__SMTP_URL", "smtp://127.0.0.1:2525");
            jail.set_env("RELAIS_MEDIA__MAX_UPLOAD_BYTES", "5000000");
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(c.mail.smtp_url, "smtp://127.0.0.1:2525");
            assert_eq!(c.media.max_upload_bytes, 5_000_000);
            Ok(())
        });
    }

    fn jail_config(jail: &Jail) -> Config {
        Config {
            data_dir: jail.directory().join("data"),
            ..Config::default()
        }
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn secrets_key_from_the_environment() {
        Jail::expect_with(|jail| {
            let key = SecretKey::generate();
            let (old1, old2) = (SecretKey::generate(), SecretKey::generate());
            jail.set_env("RELAIS_DATA_DIR", jail.directory().join("data").display());
            jail.set_env("RELAIS_SECRETS__KEY", key.to_base64());
            jail.set_env(
                "RELAIS_SECRETS__PREVIOUS_KEYS",
                format!("[{}, {}]", old1.to_base64(), old2.to_base64()),
            );
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(c.secrets.key, key.to_base64());
            assert_eq!(c.secret_key_file(), None);
            let vault = c.load_vault().unwrap();
            assert_eq!(vault.current.id(), key.id());
            let ids: Vec<_> = vault.previous.iter().map(|k| k.id().to_string()).collect();
            assert_eq!(ids, [old1.id(), old2.id()]);
            // An inline key writes no key file.
            assert!(!jail.directory().join("data").exists());
            Ok(())
        });
    }

    #[test]
    fn bad_secret_keys_name_the_key_and_the_fix() {
        let good = SecretKey::generate().to_base64();
        let cases = [
            (
                "not-a-key!",
                vec![],
                "invalid value for secrets.key: not base64",
            ),
            (
                "c2hvcnQ=",
                vec![],
                "invalid value for secrets.key: wrong length: it decodes to 5 bytes",
            ),
            (
                "",
                vec![good.clone(), good.clone(), "c2hvcnQ=".to_string()],
                "invalid value for secrets.previous_keys[2]: wrong length",
            ),
            (
                "",
                vec![String::new()],
                "invalid value for secrets.previous_keys[0]: wrong length: it decodes to 0 bytes",
            ),
            (
                "",
                vec!["%%%".to_string()],
                "invalid value for secrets.previous_keys[0]: not base64",
            ),
        ];
        for (key, previous, expected) in cases {
            let mut c = Config::default();
            c.secrets.key = key.into();
            c.secrets.previous_keys = previous;
            let err = c.validate().unwrap_err().0;
            assert!(err.starts_with(expected), "{key}: {err}");
            assert!(err.contains("openssl rand -base64 32"), "{err}");
            assert!(
                !err.contains("c2hvcnQ") && !err.contains("not-a-key"),
                "the value is not repeated: {err}"
            );
            assert!(!err.contains(&good), "{err}");
            assert_eq!(c.load_vault().unwrap_err().0, err);
        }
        let mut c = Config::default();
        c.secrets.key = good;
        c.secrets.key_file = "keys/secret.key".into();
        let err = c.validate().unwrap_err().0;
        assert!(
            err.starts_with("invalid value for secrets.key_file"),
            "{err}"
        );
        assert!(err.contains("set only one"), "{err}");
        Jail::expect_with(|jail| {
            jail.set_env("RELAIS_SECRETS__KEY", "dG9vLXNob3J0");
            let err = Config::load(None, &Overrides::default()).unwrap_err().0;
            assert!(
                err.starts_with("invalid value for secrets.key: wrong length"),
                "{err}"
            );
            jail.create_file("relais.toml", "[secrets]\nkeys = \"x\"\n")?;
            let err = Config::load(None, &Overrides::default()).unwrap_err().0;
            assert!(err.contains("unknown key \"secrets.keys\""), "{err}");
            assert!(err.contains("previous_keys"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn key_file_is_generated_once_and_reused() {
        Jail::expect_with(|jail| {
            let c = jail_config(jail);
            let file = jail.directory().join("data/secret.key");
            assert_eq!(c.secret_key_file(), Some(file.clone()));
            assert!(!file.exists());
            let first = c.load_vault().unwrap();
            let text = std::fs::read_to_string(&file).unwrap();
            assert_eq!(text.trim_end(), first.current.to_base64());
            #[cfg(unix)]
            assert_eq!(mode(&file), 0o600);
            let sealed = first.seal(b"app password", "account-credentials:1");
            let second = c.load_vault().unwrap();
            assert_eq!(second.current.id(), first.current.id());
            assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
            assert_eq!(
                second
                    .open(&sealed, "account-credentials:1")
                    .unwrap()
                    .as_slice(),
                b"app password"
            );
            // No temporary file is left behind.
            let names: Vec<_> = std::fs::read_dir(jail.directory().join("data"))
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(names, ["secret.key"]);

            // An explicit key_file, in a directory that does not exist yet.
            let mut c = jail_config(jail);
            c.secrets.key_file = "keys/relais.key".into();
            let vault = c.load_vault().unwrap();
            assert_ne!(vault.current.id(), first.current.id());
            assert_eq!(c.load_vault().unwrap().current.id(), vault.current.id());
            assert!(jail.directory().join("keys/relais.key").is_file());
            Ok(())
        });
    }

    #[test]
    fn key_file_created_once_by_racing_processes() {
        Jail::expect_with(|jail| {
            let c = jail_config(jail);
            let ids: Vec<String> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..8)
                    .map(|_| s.spawn(|| c.load_vault().unwrap().current.id().to_string()))
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            assert!(ids.iter().all(|id| id == &ids[0]), "{ids:?}");
            let on_disk =
                std::fs::read_to_string(jail.directory().join("data/secret.key")).unwrap();
            assert_eq!(SecretKey::from_base64(&on_disk).unwrap().id(), ids[0]);
            Ok(())
        });
    }

    #[cfg(unix)]
    #[test]
    fn key_file_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        Jail::expect_with(|jail| {
            let c = jail_config(jail);
            c.load_vault().unwrap();
            let file = jail.directory().join("data/secret.key");
            for bad in [0o644, 0o640, 0o604, 0o620] {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(bad)).unwrap();
                let err = c.load_vault().unwrap_err().0;
                assert!(err.contains(&file.display().to_string()), "{err}");
                assert!(err.contains(&format!("(mode {bad:o})")), "{err}");
                assert!(
                    err.ends_with(&format!("run `chmod 600 {}`", file.display())),
                    "{err}"
                );
            }
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o400)).unwrap();
            c.load_vault().unwrap();
            Ok(())
        });
    }

    #[test]
    fn a_damaged_key_file_is_an_error_and_never_replaced() {
        Jail::expect_with(|jail| {
            let c = jail_config(jail);
            std::fs::create_dir_all(jail.directory().join("data")).unwrap();
            let file = jail.directory().join("data/secret.key");
            for (content, needle) in [
                ("garbage!\n", "not base64"),
                ("", "wrong length"),
                ("c2hvcnQ=", "wrong length"),
            ] {
                std::fs::write(&file, content).unwrap();
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                        .unwrap();
                }
                let err = c.load_vault().unwrap_err().0;
                assert!(
                    err.starts_with(&format!(
                        "the secret key file {} does not hold a key",
                        file.display()
                    )),
                    "{err}"
                );
                assert!(err.contains(needle), "{err}");
                assert!(err.contains("restore it from your backup"), "{err}");
                assert!(!err.contains("garbage"), "{err}");
                assert_eq!(std::fs::read_to_string(&file).unwrap(), content);
            }
            Ok(())
        });
    }

    #[test]
    fn secrets_never_shown_in_debug_or_redacted() {
        let key = SecretKey::generate();
        let old = SecretKey::generate();
        let mut c = Config::default();
        c.secrets.key = key.to_base64();
        c.secrets.previous_keys = vec![old.to_base64()];
        let debug = format!("{c:?}");
        let redacted = toml::to_string(&c.redacted()).unwrap();
        for text in [&debug, &redacted] {
            assert!(!text.contains(&key.to_base64()), "{text}");
            assert!(!text.contains(&old.to_base64()), "{text}");
            assert!(
                text.contains(&format!("******** (key id {})", key.id())),
                "{text}"
            );
            assert!(
                text.contains(&format!("******** (key id {})", old.id())),
                "{text}"
            );
        }
        assert_eq!(Config::default().redacted(), Config::default());
    }

    #[test]
    fn redaction_hides_the_database_password() {
        let mut c = Config::default();
        c.database.url = "postgres://relais:s3cret@db:5432/relais".into();
        let r = c.redacted();
        assert!(!r.database.url.contains("s3cret"));
        assert!(r.database.url.contains("relais:********@db"));
        c.mail.smtp_url = "smtps://relais:m41l@mail.example.org:465".into();
        let r = c.redacted();
        assert!(!r.mail.smtp_url.contains("m41l"));
        assert!(r.mail.smtp_url.contains("relais:********@mail"));
    }
}
