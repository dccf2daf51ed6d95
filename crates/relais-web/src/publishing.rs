//! Publishing as the web layer sees it, shared by pages and API: connecting
//! an account (credentials checked with the network's connector, then sealed
//! by the vault before they reach the store), the Mastodon OAuth `state`
//! (sealed, so no table is needed), account health, and the notices of the
//! daylight-saving policy (`relais_core::publish::resolve_wall_time`).
//!
//! Credentials never leave this module in clear except towards the network:
//! they are not put in pages, API answers, audit entries or logs.

use crate::error::AppError;
use crate::AppState;
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use relais_auth::vault::{Vault, Zeroizing};
use relais_connect::mastodon::AppRegistration;
use relais_connect::{AccountInfo, ConnectorError, Credentials};
use relais_core::entry::Account;
use relais_core::model::Actor;
use relais_core::publish::{resolve_wall_time, WallTime, WallTimeKind};
use relais_core::{AccountId, Locale, Network, UserId, WorkspaceId};
use relais_i18n::{FluentArgs, I18n};
use relais_store::AccountStatus;
use serde::{Deserialize, Serialize};

/// The vault context of an account's sealed credentials.
pub fn credentials_context(account: AccountId) -> String {
    format!("account-credentials:{}", account.0)
}

/// The vault context of a Mastodon OAuth `state`.
pub const OAUTH_CONTEXT: &str = "mastodon-oauth";

/// How long a Mastodon authorization may take, from the click to the callback.
pub const OAUTH_TTL_MINUTES: i64 = 15;

/// The Bluesky service used when the form leaves it empty.
pub const DEFAULT_BLUESKY_SERVICE: &str = "https://bsky.social";

/// Whether relais can connect (and publish on) accounts of this network.
pub fn connectable(network: Network) -> bool {
    matches!(network, Network::Bluesky | Network::Mastodon)
}

/// Why an account could not be connected. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectFailure {
    /// The server has no credentials vault: nothing can be stored.
    NoVault,
    /// The network refused the login or the token.
    Refused,
    /// The server could not be reached or answered with a temporary error.
    Unreachable,
    /// The server refused the request itself (a wrong address, a bad code).
    Invalid,
    /// The credentials are for another network than the account's.
    WrongNetwork,
    /// Storing failed.
    Internal(String),
}

impl From<ConnectorError> for ConnectFailure {
    fn from(e: ConnectorError) -> ConnectFailure {
        match e {
            ConnectorError::Auth { .. } => ConnectFailure::Refused,
            ConnectorError::Retryable { .. } | ConnectorError::Unconfirmed { .. } => {
                ConnectFailure::Unreachable
            }
            ConnectorError::Rejected { .. } => ConnectFailure::Invalid,
        }
    }
}

fn network_of(creds: &Credentials) -> Network {
    match creds {
        Credentials::Bluesky { .. } => Network::Bluesky,
        Credentials::Mastodon { .. } => Network::Mastodon,
    }
}

/// Checks `creds` with the network (a login on Bluesky, `verify_credentials`
/// on Mastodon), seals what the connector ends with (a Bluesky session
/// included, so the worker does not log in again) and stores it for
/// `account`. Nothing is stored unless the network accepted the credentials.
pub async fn connect_account(
    state: &AppState,
    actor: &Actor,
    ws: WorkspaceId,
    account: &Account,
    creds: Credentials,
) -> Result<AccountInfo, ConnectFailure> {
    let vault = state.vault().ok_or(ConnectFailure::NoVault)?;
    if network_of(&creds) != account.network {
        return Err(ConnectFailure::WrongNetwork);
    }
    let connector = relais_connect::connect(creds.clone(), &state.connect_options)?;
    let info = match connector.verify().await {
        Ok(info) => info,
        Err(e) => {
            // The kind only: a network's reason may quote what was sent.
            let kind = match &e {
                ConnectorError::Auth { .. } => "refused",
                ConnectorError::Rejected { .. } => "rejected",
                _ => "unreachable",
            };
            tracing::info!(
                account = account.id.0,
                network = account.network.as_str(),
                kind,
                "account connection not verified"
            );
            return Err(e.into());
        }
    };
    let creds = connector.updated_credentials().unwrap_or(creds);
    let sealed = seal_credentials(vault, account.id, &creds)
        .map_err(|e| ConnectFailure::Internal(format!("{e:?}")))?;
    state
        .store
        .save_connection(actor, ws, account.id, &sealed, &info.id)
        .await
        .map_err(|e| ConnectFailure::Internal(e.to_string()))?;
    Ok(info)
}

/// Credentials as the store keeps them: their JSON, sealed for this account.
pub fn seal_credentials(
    vault: &Vault,
    account: AccountId,
    creds: &Credentials,
) -> Result<String, AppError> {
    let json = Zeroizing::new(
        serde_json::to_vec(creds)
            .map_err(|e| AppError::Internal(format!("credentials JSON: {e}")))?,
    );
    Ok(vault.seal(&json, &credentials_context(account)))
}

/// A normalized `http(s)://host[:port][/path]` address, or `None` when the
/// text is not one. A bare host name gets `https://`.
pub fn server_address(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() || t.chars().any(|c| c.is_whitespace() || c.is_control()) || t.len() > 300 {
        return None;
    }
    let with_scheme = if t.contains("://") {
        t.to_string()
    } else {
        format!("https://{t}")
    };
    let url = url::Url::parse(&with_scheme).ok()?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none()
        || !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return None;
    }
    Some(with_scheme.trim_end_matches('/').to_string())
}

// ---- Mastodon OAuth state ----------------------------------------------------

/// What the OAuth `state` carries through the instance and back: the app
/// registration, for whom and which account, until when. Sealed, so it can
/// be neither read nor forged, and tied to one person and one account.
#[derive(Clone, Serialize, Deserialize)]
pub struct OAuthState {
    pub account_id: i64,
    pub user_id: i64,
    pub expires_at: DateTime<Utc>,
    pub instance: String,
    pub registration: AppRegistration,
}

impl std::fmt::Debug for OAuthState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthState")
            .field("account_id", &self.account_id)
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .field("instance", &self.instance)
            .finish_non_exhaustive()
    }
}

/// Seals an OAuth state.
pub fn seal_oauth_state(vault: &Vault, s: &OAuthState) -> Result<String, AppError> {
    let json = Zeroizing::new(
        serde_json::to_vec(s).map_err(|e| AppError::Internal(format!("state JSON: {e}")))?,
    );
    Ok(vault.seal(&json, OAUTH_CONTEXT))
}

/// Opens an OAuth state if it is ours, unexpired, and for this account and
/// person; `None` otherwise (forged, altered, expired, someone else's).
pub fn open_oauth_state(
    vault: &Vault,
    text: &str,
    account: AccountId,
    user: UserId,
    now: DateTime<Utc>,
) -> Option<OAuthState> {
    let plain = vault.open(text.trim(), OAUTH_CONTEXT).ok()?;
    let s: OAuthState = serde_json::from_slice(&plain).ok()?;
    (s.account_id == account.0 && s.user_id == user.0 && now < s.expires_at).then_some(s)
}

/// The expiry of a state made now.
pub fn oauth_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::minutes(OAUTH_TTL_MINUTES)
}

// ---- Account health ------------------------------------------------------------

/// Where an account stands, as the accounts page and the API show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    NotConnected,
    Connected {
        since: Option<DateTime<Utc>>,
    },
    ReconnectNeeded {
        reason: String,
    },
    RateLimited {
        until: DateTime<Utc>,
        reason: String,
    },
}

impl Health {
    /// The state's stable name (`not_connected`, `connected`,
    /// `reconnect_needed`, `rate_limited`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Health::NotConnected => "not_connected",
            Health::Connected { .. } => "connected",
            Health::ReconnectNeeded { .. } => "reconnect_needed",
            Health::RateLimited { .. } => "rate_limited",
        }
    }

    /// Reconnecting comes first (nothing can be sent), then a pause.
    pub fn of(s: &AccountStatus) -> Health {
        if !s.connected {
            Health::NotConnected
        } else if s.reconnect_needed {
            Health::ReconnectNeeded {
                reason: s.health_reason.clone(),
            }
        } else if let Some(until) = s.paused_until {
            Health::RateLimited {
                until,
                reason: s.pause_reason.clone(),
            }
        } else {
            Health::Connected {
                since: s.connected_at,
            }
        }
    }

    /// The health in words, times in `tz` (the workspace's zone).
    pub fn text(&self, i18n: &I18n, locale: Locale, tz: Tz) -> String {
        let mut args = FluentArgs::new();
        let key = match self {
            Health::NotConnected => "health-not-connected",
            Health::Connected { since: Some(t) } => {
                args.set("since", format_local(locale, *t, tz));
                "health-connected-since"
            }
            Health::Connected { since: None } => "health-connected",
            Health::ReconnectNeeded { reason } => {
                args.set("reason", reason_or_unknown(i18n, locale, reason));
                "health-reconnect-needed"
            }
            Health::RateLimited { until, reason } => {
                args.set("until", format_local(locale, *until, tz));
                args.set("reason", reason_or_unknown(i18n, locale, reason));
                "health-rate-limited"
            }
        };
        i18n.format(locale, key, Some(&args))
    }
}

fn reason_or_unknown(i18n: &I18n, locale: Locale, reason: &str) -> String {
    if reason.trim().is_empty() {
        i18n.t(locale, "health-no-reason")
    } else {
        reason.trim().to_string()
    }
}

/// A date and time in `tz`, the way the reader writes them, with the zone.
pub fn format_local(locale: Locale, at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    match locale {
        Locale::Fr => format!("{} ({})", local.format("%d/%m/%Y %H:%M"), tz.name()),
        Locale::En => format!("{} ({})", local.format("%Y-%m-%d %H:%M"), tz.name()),
    }
}

/// A zone by name, Europe/Paris when unknown.
pub fn zone_or_paris(name: &str) -> Tz {
    name.parse::<Tz>().unwrap_or(chrono_tz::Europe::Paris)
}

/// The workspace's zone: its charter's, Europe/Paris by default.
pub async fn workspace_zone(state: &AppState, ws: WorkspaceId) -> Result<Tz, AppError> {
    let charter = state.store.current_charter(ws).await?;
    Ok(charter.map_or(chrono_tz::Europe::Paris, |c| {
        zone_or_paris(&c.charter.timezone)
    }))
}

// ---- Daylight-saving notices ---------------------------------------------------

/// A notice of the daylight-saving policy, when it applied to a chosen time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DstNotice {
    /// The chosen wall time does not exist (spring forward): it was moved on.
    Shifted {
        local: NaiveDateTime,
        to_local: NaiveDateTime,
    },
    /// The wall time exists twice (autumn): `first` says which one is used,
    /// `offset_secs` the UTC offset of that one.
    Ambiguous {
        local: NaiveDateTime,
        first: bool,
        offset_secs: i32,
    },
}

/// The notice for a wall time just resolved by the policy (composer,
/// reschedule), or `None` when the time exists once.
pub fn notice_for(wall: &WallTime) -> Option<DstNotice> {
    match wall.kind {
        WallTimeKind::Exact => None,
        WallTimeKind::Shifted { to_local } => Some(DstNotice::Shifted {
            local: wall.local,
            to_local,
        }),
        WallTimeKind::Ambiguous { .. } => Some(DstNotice::Ambiguous {
            local: wall.local,
            first: true,
            offset_secs: offset_at(wall.zone, wall.utc),
        }),
    }
}

/// The notice for a stored instant: when its wall time in `tz` happens twice,
/// which of the two it is. (A stored instant always exists, so never `Shifted`.)
pub fn stored_notice(at: DateTime<Utc>, tz: Tz) -> Option<DstNotice> {
    let local = at.with_timezone(&tz).naive_local();
    let wall = resolve_wall_time(tz, local);
    match wall.kind {
        WallTimeKind::Ambiguous { .. } => Some(DstNotice::Ambiguous {
            local,
            first: wall.utc == at,
            offset_secs: offset_at(tz, at),
        }),
        _ => None,
    }
}

/// The notice after a save or a reschedule that moved a time out of the
/// spring-forward gap: `typed` is the wall time the person typed (carried in
/// the redirect); shown only if the policy really moved it to `at`.
pub fn shifted_notice(typed: &str, at: DateTime<Utc>, tz: Tz) -> Option<DstNotice> {
    let local = NaiveDateTime::parse_from_str(typed.trim(), "%Y-%m-%dT%H:%M").ok()?;
    let wall = resolve_wall_time(tz, local);
    match wall.kind {
        WallTimeKind::Shifted { .. } if wall.utc == at => notice_for(&wall),
        _ => None,
    }
}

fn offset_at(tz: Tz, at: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

/// `UTC+2`, `UTC-3`, `UTC+5:30`.
pub fn utc_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    let (h, m) = (abs / 3600, (abs % 3600) / 60);
    if m == 0 {
        format!("UTC{sign}{h}")
    } else {
        format!("UTC{sign}{h}:{m:02}")
    }
}

/// "29 mars" / "29 March".
pub fn day_month(locale: Locale, d: NaiveDateTime) -> String {
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let names = match locale {
        Locale::Fr => FR,
        Locale::En => EN,
    };
    let month = names.get(d.month0() as usize).copied().unwrap_or_default();
    let day = if locale == Locale::Fr && d.day() == 1 {
        "1er".to_string()
    } else {
        d.day().to_string()
    };
    format!("{day} {month}")
}

/// The message key of a notice.
pub fn notice_key(n: &DstNotice) -> &'static str {
    match n {
        DstNotice::Shifted { .. } => "publish-dst-shifted",
        DstNotice::Ambiguous { first: true, .. } => "publish-dst-ambiguous-first",
        DstNotice::Ambiguous { first: false, .. } => "publish-dst-ambiguous-second",
    }
}

/// The notice in words.
pub fn notice_text(i18n: &I18n, locale: Locale, n: &DstNotice) -> String {
    let mut args = FluentArgs::new();
    match n {
        DstNotice::Shifted { local, to_local } => {
            args.set("time", local.format("%H:%M").to_string());
            args.set("date", day_month(locale, *local));
            args.set("to", to_local.format("%H:%M").to_string());
        }
        DstNotice::Ambiguous {
            local, offset_secs, ..
        } => {
            args.set("time", local.format("%H:%M").to_string());
            args.set("date", day_month(locale, *local));
            args.set("offset", utc_offset(*offset_secs));
        }
    }
    i18n.format(locale, notice_key(n), Some(&args))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    #[test]
    fn the_dst_notice_is_chosen_by_the_europe_paris_calendar() {
        let i18n = I18n::new().unwrap();
        let paris = chrono_tz::Europe::Paris;
        // (wall time typed, expected notice key, French text, English text)
        let cases: [(NaiveDateTime, Option<&str>, &str, &str); 6] = [
            (
                at(2026, 3, 29, 2, 30),
                Some("publish-dst-shifted"),
                "02:30 n'existe pas le 29 mars (on avance l'heure) : la publication partira à 03:30.",
                "02:30 does not exist on 29 March (clocks go forward): it will be published at 03:30.",
            ),
            (
                at(2026, 10, 25, 2, 30),
                Some("publish-dst-ambiguous-first"),
                "02:30 existe deux fois le 25 octobre : relais publie à la première (UTC+2).",
                "02:30 happens twice on 25 October: relais publishes at the first one (UTC+2).",
            ),
            (
                at(2025, 3, 30, 2, 0),
                Some("publish-dst-shifted"),
                "02:00 n'existe pas le 30 mars (on avance l'heure) : la publication partira à 03:00.",
                "02:00 does not exist on 30 March (clocks go forward): it will be published at 03:00.",
            ),
            (
                at(2025, 10, 26, 2, 59),
                Some("publish-dst-ambiguous-first"),
                "02:59 existe deux fois le 26 octobre : relais publie à la première (UTC+2).",
                "02:59 happens twice on 26 October: relais publishes at the first one (UTC+2).",
            ),
            // The hours around the changes exist once: no notice.
            (at(2026, 3, 29, 3, 0), None, "", ""),
            (at(2026, 10, 25, 3, 0), None, "", ""),
        ];
        for (local, key, fr, en) in cases {
            let wall = resolve_wall_time(paris, local);
            let notice = notice_for(&wall);
            assert_eq!(notice.as_ref().map(notice_key), key, "{local}");
            if let Some(n) = notice {
                assert_eq!(notice_text(&i18n, Locale::Fr, &n), fr);
                assert_eq!(notice_text(&i18n, Locale::En, &n), en);
            }
        }
        // Other days and ordinary hours: nothing.
        for local in [
            at(2026, 3, 28, 2, 30),
            at(2026, 7, 14, 12, 0),
            at(2026, 1, 1, 0, 0),
        ] {
            assert_eq!(notice_for(&resolve_wall_time(paris, local)), None);
        }
    }

    #[test]
    fn a_stored_time_in_the_repeated_hour_says_which_occurrence() {
        let i18n = I18n::new().unwrap();
        let paris = chrono_tz::Europe::Paris;
        // 02:30 on 25 October 2026 is 00:30 UTC (summer time) and 01:30 UTC (winter time).
        let first = Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap();
        let second = Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap();
        let n = stored_notice(first, paris).unwrap();
        assert_eq!(notice_key(&n), "publish-dst-ambiguous-first");
        assert!(notice_text(&i18n, Locale::En, &n).ends_with("(UTC+2)."));
        let n = stored_notice(second, paris).unwrap();
        assert_eq!(notice_key(&n), "publish-dst-ambiguous-second");
        assert_eq!(
            notice_text(&i18n, Locale::Fr, &n),
            "02:30 existe deux fois le 25 octobre : cette publication partira à la seconde (UTC+1)."
        );
        // Just outside the repeated hour, and a summer instant: nothing.
        for t in [
            Utc.with_ymd_and_hms(2026, 10, 25, 2, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 10, 24, 23, 59, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap(),
        ] {
            assert_eq!(stored_notice(t, paris), None, "{t}");
        }
    }

    #[test]
    fn a_shifted_notice_needs_the_instant_the_policy_gave() {
        let paris = chrono_tz::Europe::Paris;
        // 02:30 on 29 March 2026 → 03:30 CEST = 01:30 UTC.
        let moved = Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap();
        assert!(matches!(
            shifted_notice("2026-03-29T02:30", moved, paris),
            Some(DstNotice::Shifted { .. })
        ));
        // Another instant, an existing time, or garbage: no notice.
        let other = Utc.with_ymd_and_hms(2026, 3, 29, 8, 0, 0).unwrap();
        assert_eq!(shifted_notice("2026-03-29T02:30", other, paris), None);
        assert_eq!(shifted_notice("2026-03-29T10:00", moved, paris), None);
        assert_eq!(shifted_notice("nonsense", moved, paris), None);
    }

    #[test]
    fn offsets_and_addresses() {
        assert_eq!(utc_offset(7200), "UTC+2");
        assert_eq!(utc_offset(-10800), "UTC-3");
        assert_eq!(utc_offset(19800), "UTC+5:30");
        assert_eq!(day_month(Locale::Fr, at(2026, 5, 1, 0, 0)), "1er mai");
        assert_eq!(
            server_address("mastodon.social/"),
            Some("https://mastodon.social".into())
        );
        assert_eq!(
            server_address("http://127.0.0.1:8080"),
            Some("http://127.0.0.1:8080".into())
        );
        for bad in [
            "",
            "ftp://x.org",
            "https://u:p@x.org",
            "a b",
            "https://x.org/?q=1",
        ] {
            assert_eq!(server_address(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_oauth_state_opens_only_for_its_account_person_and_time() {
        let vault = crate::ephemeral_vault();
        let now = Utc::now();
        let s = OAuthState {
            account_id: 7,
            user_id: 3,
            expires_at: oauth_expiry(now),
            instance: "https://example.social".into(),
            registration: AppRegistration {
                client_id: "the-client-id-of-the-app".into(),
                client_secret: "very-secret".into(),
            },
        };
        let sealed = seal_oauth_state(&vault, &s).unwrap();
        // Values long enough not to turn up by chance in the ciphertext's
        // base64 ("cid" did, about once in a thousand runs).
        assert!(!sealed.contains("very-secret") && !sealed.contains("the-client-id-of-the-app"));
        assert!(!format!("{s:?}").contains("very-secret"));
        let ok = open_oauth_state(&vault, &sealed, AccountId(7), UserId(3), now).unwrap();
        assert_eq!(ok.registration.client_secret, "very-secret");
        assert!(open_oauth_state(&vault, &sealed, AccountId(8), UserId(3), now).is_none());
        assert!(open_oauth_state(&vault, &sealed, AccountId(7), UserId(4), now).is_none());
        let late = now + Duration::minutes(OAUTH_TTL_MINUTES + 1);
        assert!(open_oauth_state(&vault, &sealed, AccountId(7), UserId(3), late).is_none());
        // Another vault, or the same value sealed for another purpose, does not open.
        let other = crate::ephemeral_vault();
        assert!(open_oauth_state(&other, &sealed, AccountId(7), UserId(3), now).is_none());
        let json = serde_json::to_vec(&s).unwrap();
        let elsewhere = vault.seal(&json, &credentials_context(AccountId(7)));
        assert!(open_oauth_state(&vault, &elsewhere, AccountId(7), UserId(3), now).is_none());
        let mut forged = sealed.clone();
        forged.pop();
        forged.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(open_oauth_state(&vault, &forged, AccountId(7), UserId(3), now).is_none());
    }
}
