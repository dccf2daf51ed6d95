//! Publishing rules without I/O: delivery states, what is published for an entry
//! on one network (thread parts, first comment), record keys (TIDs), retry
//! delays, the grace window after downtime, and wall-clock times across
//! daylight-saving changes.
//!
//! The store and the worker apply these rules; nothing here reads a clock, a
//! database or the network.

use crate::entry::{EntryContent, Format, MediaItem};
use crate::network::Network;
use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Where one publication (an entry on one account) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its time (or for its next attempt).
    Pending,
    /// A worker claimed it and may be talking to the network right now. A
    /// delivery in this state can no longer be cancelled: it may be out.
    Sending,
    /// An answer never arrived: the post may exist. Reconciliation asks the
    /// network before anything else; it is never re-posted blindly.
    Unconfirmed,
    /// Every part is on the network.
    Published,
    /// Given up, with a reason (permanent error, or retries past the deadline).
    Failed,
    /// Cancelled before it was sent (unscheduled, rescheduled, edited, deleted).
    Cancelled,
    /// Its time passed while relais was down, beyond the grace window.
    Missed,
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 7] = [
        DeliveryState::Pending,
        DeliveryState::Sending,
        DeliveryState::Unconfirmed,
        DeliveryState::Published,
        DeliveryState::Failed,
        DeliveryState::Cancelled,
        DeliveryState::Missed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sending => "sending",
            DeliveryState::Unconfirmed => "unconfirmed",
            DeliveryState::Published => "published",
            DeliveryState::Failed => "failed",
            DeliveryState::Cancelled => "cancelled",
            DeliveryState::Missed => "missed",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryState> {
        DeliveryState::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Finished: nothing more will happen to it.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            DeliveryState::Published
                | DeliveryState::Failed
                | DeliveryState::Cancelled
                | DeliveryState::Missed
        )
    }

    /// Whether a person may still stop it: only before any worker claimed it.
    pub fn is_cancellable(self) -> bool {
        self == DeliveryState::Pending
    }
}

/// What a part of a publication is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// The post itself, or the first post of a thread.
    Post,
    /// A following post of a thread (a reply to the previous one).
    ThreadPart,
    /// A reply under the post (or under the last part of the thread).
    FirstComment,
}

impl PartKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PartKind::Post => "post",
            PartKind::ThreadPart => "thread_part",
            PartKind::FirstComment => "first_comment",
        }
    }

    pub fn parse(s: &str) -> Option<PartKind> {
        [PartKind::Post, PartKind::ThreadPart, PartKind::FirstComment]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One post to create, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartPlan {
    pub kind: PartKind,
    pub text: String,
    /// Media go with the first part only.
    pub media: Vec<MediaItem>,
}

/// The line that separates the posts of a thread in an entry's text.
pub const THREAD_SEPARATOR: &str = "---";

/// The posts an entry becomes on `network`, in publishing order: its text for
/// that network (split into parts on lines holding only `---` when the format
/// is a thread), then the first comment if any. Empty parts are dropped.
pub fn plan_parts(content: &EntryContent, network: Network) -> Vec<PartPlan> {
    let text = content.text_for(network);
    let texts: Vec<String> = if content.format == Format::Thread {
        split_thread(text)
    } else {
        vec![text.trim().to_string()]
    };
    let mut parts: Vec<PartPlan> = texts
        .into_iter()
        .filter(|t| !t.is_empty())
        .enumerate()
        .map(|(i, text)| PartPlan {
            kind: if i == 0 {
                PartKind::Post
            } else {
                PartKind::ThreadPart
            },
            text,
            media: Vec::new(),
        })
        .collect();
    if parts.is_empty() && !content.media.is_empty() {
        // A picture without text is still a post.
        parts.push(PartPlan {
            kind: PartKind::Post,
            text: String::new(),
            media: Vec::new(),
        });
    }
    if let Some(first) = parts.first_mut() {
        first.media = content.media.clone();
    }
    let comment = content.first_comment.trim();
    if !parts.is_empty() && !comment.is_empty() {
        parts.push(PartPlan {
            kind: PartKind::FirstComment,
            text: comment.to_string(),
            media: Vec::new(),
        });
    }
    parts
}

fn split_thread(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    for line in text.lines() {
        if line.trim() == THREAD_SEPARATOR {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            if !last.is_empty() {
                last.push('\n');
            }
            last.push_str(line);
        }
    }
    parts.into_iter().map(|p| p.trim().to_string()).collect()
}

/// The base-32 alphabet of AT Protocol TIDs ("base32-sortable").
const TID_ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";

/// An AT Protocol timestamp identifier (the record key of a post): 64 bits,
/// the top one zero, then 53 bits of microseconds since the Unix epoch and 10
/// bits of clock identifier, written as 13 sortable base-32 characters
/// (atproto.com/specs/tid).
pub fn tid(micros_since_epoch: u64, clock_id: u16) -> String {
    let value: u64 =
        ((micros_since_epoch & ((1u64 << 53) - 1)) << 10) | u64::from(clock_id & 0x3ff);
    let mut out = [0u8; 13];
    for (i, slot) in out.iter_mut().enumerate() {
        let shift = 60 - 5 * i as u32;
        // The first character carries only the top 4 bits (bit 63 is zero).
        let index = ((value >> shift) & 0x1f) as usize;
        *slot = TID_ALPHABET[index];
    }
    out.iter().map(|&b| b as char).collect()
}

/// Whether `s` is a syntactically valid TID.
pub fn is_tid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 13
        && b.iter().all(|c| TID_ALPHABET.contains(c))
        // The top bit must be zero: the first character is one of the first 16.
        && TID_ALPHABET[..16].contains(&b[0])
}

/// How long to wait before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// The first delay (doubled at each attempt).
    pub base_secs: u64,
    /// No delay is longer than this.
    pub max_delay_secs: u64,
    /// After this long past the due time, the post fails instead of retrying.
    pub deadline_secs: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base_secs: 5,
            max_delay_secs: 15 * 60,
            deadline_secs: 6 * 3600,
        }
    }
}

/// What to do after a temporary failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    At(DateTime<Utc>),
    /// The deadline would pass: give up.
    GiveUp,
}

impl RetryPolicy {
    /// The next attempt after `attempts` failed ones (1 for the first failure):
    /// exponential backoff with "full jitter" (`jitter` in [0, 1), drawn by the
    /// caller), never sooner than the server's `retry_after`, and never past
    /// the deadline counted from `due`.
    pub fn next(
        &self,
        now: DateTime<Utc>,
        due: DateTime<Utc>,
        attempts: u32,
        jitter: f64,
        retry_after: Option<std::time::Duration>,
    ) -> Retry {
        let exp = attempts.saturating_sub(1).min(30);
        let cap = self
            .base_secs
            .saturating_mul(1u64 << exp)
            .min(self.max_delay_secs)
            .max(1);
        let jitter = jitter.clamp(0.0, 1.0);
        // Half fixed, half random: spreads retries without ever retrying at once.
        let millis = (cap as f64 * 1000.0 * (0.5 + 0.5 * jitter)) as i64;
        let mut delay = Duration::milliseconds(millis.max(1));
        if let Some(ra) = retry_after.and_then(|d| Duration::from_std(d).ok()) {
            if ra > delay {
                delay = ra;
            }
        }
        let at = now + delay;
        let deadline = due + Duration::seconds(self.deadline_secs as i64);
        if at > deadline {
            Retry::GiveUp
        } else {
            Retry::At(at)
        }
    }
}

/// Whether an overdue post is still sent after downtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lateness {
    /// Due now or late within the grace window: send it.
    Send,
    /// Later than the grace window and never attempted: mark it missed and
    /// tell the team rather than publish a stale post.
    Missed,
}

/// `due` compared with `now` for a post never attempted yet. Posts already
/// attempted (retries) are governed by [`RetryPolicy`] instead.
pub fn lateness(now: DateTime<Utc>, due: DateTime<Utc>, grace: Duration) -> Lateness {
    if now - due > grace {
        Lateness::Missed
    } else {
        Lateness::Send
    }
}

/// How a wall-clock time was turned into an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WallTimeKind {
    /// The time exists once.
    Exact,
    /// The time does not exist (the spring-forward gap): it is moved forward
    /// by the length of the gap (02:30 becomes 03:30 in Europe/Paris).
    Shifted { to_local: NaiveDateTime },
    /// The time exists twice (the autumn overlap): the first occurrence
    /// (still summer time) is taken; `other` is the second one.
    Ambiguous { other: DateTime<Utc> },
}

/// A planned publication time: the instant, the zone and the wall time the
/// person chose, and how the first came from the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WallTime {
    pub utc: DateTime<Utc>,
    pub zone: Tz,
    pub local: NaiveDateTime,
    pub kind: WallTimeKind,
}

/// Resolves a wall-clock time in `zone` by the explicit policy of
/// [`WallTimeKind`]: gaps move forward by their length, overlaps take the
/// first occurrence. Always gives an instant.
pub fn resolve_wall_time(zone: Tz, local: NaiveDateTime) -> WallTime {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => WallTime {
            utc: t.with_timezone(&Utc),
            zone,
            local,
            kind: WallTimeKind::Exact,
        },
        LocalResult::Ambiguous(first, second) => WallTime {
            utc: first.with_timezone(&Utc),
            zone,
            local,
            kind: WallTimeKind::Ambiguous {
                other: second.with_timezone(&Utc),
            },
        },
        LocalResult::None => {
            // Find the gap's length: the offset after it minus the one before.
            // Gaps last at most a few hours; the offsets are read 1 day apart.
            let before = zone.offset_from_utc_datetime(&(local - Duration::days(1)));
            let after = zone.offset_from_utc_datetime(&(local + Duration::days(1)));
            use chrono::Offset;
            let gap = after.fix().local_minus_utc() - before.fix().local_minus_utc();
            let gap = Duration::seconds(i64::from(gap.max(0)));
            // Read the shifted time with the offset before the gap: the same
            // instant as "as if the clocks had not changed yet".
            let utc = local - Duration::seconds(i64::from(before.fix().local_minus_utc()));
            let utc = Utc.from_utc_datetime(&utc);
            WallTime {
                utc,
                zone,
                local,
                kind: WallTimeKind::Shifted {
                    to_local: local + gap,
                },
            }
        }
    }
}

/// The health of a connected account, as the account page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AccountHealth {
    /// No credentials yet.
    NotConnected,
    Connected,
    /// The network refused the credentials: a person must reconnect.
    ReconnectNeeded {
        reason: String,
    },
    /// The network asked us to wait.
    RateLimited {
        until: DateTime<Utc>,
    },
}

#[cfg(test)]
mod tests;

/// A network's own ceiling on posts per account, which relais keeps below
/// without waiting for a 429. Data with its source, not logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostQuota {
    pub network: Network,
    /// Posts (each thread part and comment counts) per window.
    pub posts: u32,
    pub window_secs: u64,
    pub source: &'static str,
}

/// The quotas relais applies per account (domain.md §2).
pub const POST_QUOTAS: &[PostQuota] = &[
    PostQuota {
        network: Network::Bluesky,
        // 5,000 write points per hour per DID, a create costs 3.
        posts: 1_666,
        window_secs: 3_600,
        source: "bsky-docs docs/advanced-guides/rate-limits.md (2026-04); packages/pds/src/rate-limits.ts",
    },
    PostQuota {
        network: Network::Mastodon,
        posts: 300,
        window_secs: 3 * 3_600,
        source: "mastodon app/lib/rate_limiter.rb: 300 statuses per 3 hours",
    },
];

/// The quota of `network`, if relais knows one.
pub fn quota(network: Network) -> Option<PostQuota> {
    POST_QUOTAS.iter().copied().find(|q| q.network == network)
}
