//! Veille (monitoring) records: sources, topics, items, alerts and digests.
//!
//! The algorithms (query language, matcher, sentiment, clustering, spikes)
//! live in `relais-veille`; these are the records the store keeps and the
//! pages show (001 C1.1–C1.3).

use crate::{AlertId, DigestId, ItemId, SourceId, TopicId, UserId, WorkspaceId};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A closed vocabulary stored as text: `as_str`, `parse` and `ALL`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|k| k.as_str() == text)
            }
        }
    };
}

vocabulary!(
    /// What a source is and how it is read.
    SourceKind {
        /// RSS 0.9x/1.0/2.0, Atom or JSON Feed, fetched politely.
        Feed = "feed",
        /// A web page watched for changes in the part a CSS selector picks.
        Page = "page",
        /// The Bluesky firehose (`com.atproto.sync.subscribeRepos`) of a PDS or relay.
        Bluesky = "bluesky",
        /// Bluesky's Jetstream JSON stream.
        Jetstream = "jetstream",
        /// A Mastodon hashtag timeline.
        MastodonTag = "mastodon_tag",
        /// A Mastodon instance's public timeline.
        MastodonPublic = "mastodon_public",
    }
);

impl SourceKind {
    /// Whether the source is a stream read continuously, rather than polled.
    pub fn is_stream(self) -> bool {
        matches!(self, SourceKind::Bluesky | SourceKind::Jetstream)
    }
}

vocabulary!(
    /// Whether the worker reads the source.
    SourceState {
        Active = "active",
        /// Its last fetches failed; the worker backs off and keeps trying.
        Failing = "failing",
        /// Dead for too long (or turned off by a person): not fetched any more.
        Disabled = "disabled",
    }
);

vocabulary!(
    /// The four kinds of veille the referentials name (001 C1.1: "veille
    /// métier, technologique, concurrentielle et réglementaire").
    VeilleKind {
        Trade = "trade",
        Technology = "technology",
        Competition = "competition",
        Regulation = "regulation",
    }
);

vocabulary!(
    /// The tone of an item (relais_veille::sentiment).
    Polarity {
        Positive = "positive",
        Neutral = "neutral",
        Negative = "negative",
    }
);

vocabulary!(
    /// What made a spike alert fire.
    AlertKind {
        /// The hour's volume beyond the baseline by k standard deviations.
        Volume = "volume",
        /// The hour's share of negative items jumped.
        Negative = "negative",
    }
);

/// A watched source and its fetch state.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub id: SourceId,
    pub workspace_id: WorkspaceId,
    pub kind: SourceKind,
    pub url: String,
    pub selector: String,
    pub tag: String,
    pub title: String,
    pub site_url: Option<String>,
    pub category: String,
    pub interval_secs: i64,
    pub state: SourceState,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub cursor: Option<String>,
    pub next_fetch_at: DateTime<Utc>,
    pub last_fetch_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub first_failure_at: Option<DateTime<Utc>>,
    pub failures: i64,
    pub last_error: String,
    pub fetches: i64,
    pub not_modified: i64,
    pub bytes_downloaded: i64,
    pub bytes_saved: i64,
    pub last_body_bytes: i64,
    pub items_total: i64,
    pub page_text: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

impl Source {
    /// The name to show: its title, else its URL (with the hashtag or selector).
    pub fn label(&self) -> String {
        if !self.title.is_empty() {
            return self.title.clone();
        }
        match self.kind {
            SourceKind::MastodonTag => format!("#{} ({})", self.tag, self.url),
            SourceKind::Page => format!("{} [{}]", self.url, self.selector),
            _ => self.url.clone(),
        }
    }
}

/// What a person asks to watch.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSource {
    pub kind: SourceKind,
    pub url: String,
    pub selector: String,
    pub tag: String,
    pub title: String,
    pub category: String,
    pub interval_secs: i64,
}

/// Bounds of a source's schedule, in seconds: a person may ask between every
/// five minutes and once a week.
pub const MIN_INTERVAL_SECS: i64 = 300;
pub const MAX_INTERVAL_SECS: i64 = 7 * 24 * 3600;

/// A topic: a named boolean query of one veille kind.
#[derive(Debug, Clone, Serialize)]
pub struct TopicRecord {
    pub id: TopicId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub kind: VeilleKind,
    pub query: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A collected item, normalised.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: ItemId,
    pub workspace_id: WorkspaceId,
    pub source_id: Option<SourceId>,
    pub source_title: String,
    pub dedup_key: String,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub title: String,
    pub text: String,
    pub author: Option<String>,
    pub lang: Option<String>,
    pub published_at: DateTime<Utc>,
    pub fetched_at: DateTime<Utc>,
    pub date_issue: String,
    pub polarity: Polarity,
    pub sentiment: f64,
    pub cluster_id: i64,
    pub starred: bool,
    pub note: String,
    /// False while the item waits for the worker's analysis stage: its
    /// language may be unknown, and its sentiment, story and topics are
    /// not given yet.
    pub analysed: bool,
}

/// An item ready to store: normalised, and analysed and matched by the
/// worker unless it is stored pending (then `polarity`, `sentiment`,
/// `cluster_id` and `topics` wait for the analysis stage).
#[derive(Debug, Clone)]
pub struct NewItem {
    pub dedup_key: String,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub title: String,
    pub text: String,
    pub author: Option<String>,
    pub lang: Option<String>,
    /// The language the item's feed declares, when `lang` is still to be
    /// detected from the text: the fallback of that detection.
    pub lang_hint: Option<String>,
    pub published_at: DateTime<Utc>,
    pub date_issue: String,
    pub polarity: Polarity,
    pub sentiment: f64,
    pub cluster_id: i64,
    pub topics: Vec<TopicId>,
}

/// A spike alert.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    pub id: AlertId,
    pub workspace_id: WorkspaceId,
    pub topic_id: TopicId,
    pub topic_name: String,
    pub kind: AlertKind,
    pub hour: DateTime<Utc>,
    pub observed: i64,
    pub baseline: f64,
    pub threshold: f64,
    pub negative_share: Option<f64>,
    pub created_at: DateTime<Utc>,
}

/// A digest: curated items in order, with a title and an introduction.
#[derive(Debug, Clone, Serialize)]
pub struct Digest {
    pub id: DigestId,
    pub workspace_id: WorkspaceId,
    pub title: String,
    pub intro: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_to: String,
    pub items: Vec<ItemId>,
}

vocabulary!(
    /// The periods a topic's volume is drawn over.
    VolumeRange {
        /// The last 48 hours, hour by hour (the spike detector's unit).
        Hours48 = "48h",
        /// The last 14 days, day by day (the spike detector's window).
        Days14 = "14d",
        /// The last 90 days, day by day (a quarter, for reports).
        Days90 = "90d",
    }
);

impl VolumeRange {
    /// Whether the series is counted by hour (else by UTC day).
    pub fn hourly(self) -> bool {
        self == VolumeRange::Hours48
    }

    /// How many periods the series has.
    pub fn periods(self) -> usize {
        match self {
            VolumeRange::Hours48 => 48,
            VolumeRange::Days14 => 14,
            VolumeRange::Days90 => 90,
        }
    }

    /// The length of one period.
    pub fn step(self) -> chrono::Duration {
        if self.hourly() {
            chrono::Duration::hours(1)
        } else {
            chrono::Duration::days(1)
        }
    }

    /// The start of the first period when it is `now`: the series ends with
    /// the period holding `now` (the current hour or the current UTC day).
    pub fn first_period(self, now: DateTime<Utc>) -> DateTime<Utc> {
        use chrono::{DurationRound, TimeDelta};
        let unit = if self.hourly() {
            TimeDelta::hours(1)
        } else {
            TimeDelta::days(1)
        };
        let current = now.duration_trunc(unit).unwrap_or(now);
        current - self.step() * (self.periods() as i32 - 1)
    }
}

/// One period of a topic's volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VolumePeriod {
    pub start: DateTime<Utc>,
    pub total: i64,
    pub negative: i64,
}

/// Sums hourly volumes `(hour, total, negative)` into the periods of
/// `range` starting at `first` (see [`VolumeRange::first_period`]). Every
/// period is present, with zeros when nothing was seen; hours outside the
/// range are ignored.
pub fn volume_series(
    range: VolumeRange,
    first: DateTime<Utc>,
    hours: &[(DateTime<Utc>, i64, i64)],
) -> Vec<VolumePeriod> {
    let step = range.step();
    let mut periods: Vec<VolumePeriod> = (0..range.periods())
        .map(|i| VolumePeriod {
            start: first + step * i as i32,
            total: 0,
            negative: 0,
        })
        .collect();
    let step_secs = step.num_seconds();
    for (hour, total, negative) in hours {
        let offset = (*hour - first).num_seconds();
        if offset < 0 {
            continue;
        }
        if let Some(p) = periods.get_mut((offset / step_secs) as usize) {
            p.total += total;
            p.negative += negative;
        }
    }
    periods
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip_through_their_text() {
        for k in SourceKind::ALL {
            assert_eq!(SourceKind::parse(k.as_str()), Some(*k));
        }
        for k in VeilleKind::ALL {
            assert_eq!(VeilleKind::parse(k.as_str()), Some(*k));
        }
        for k in Polarity::ALL {
            assert_eq!(Polarity::parse(k.as_str()), Some(*k));
        }
        assert_eq!(VeilleKind::ALL.len(), 4);
        assert_eq!(SourceKind::parse("Feed"), None);
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_volume_series_has_every_period_and_sums_hours_into_days() {
        let now = at("2026-11-24T10:37:00Z");
        let first = VolumeRange::Days14.first_period(now);
        assert_eq!(first, at("2026-11-11T00:00:00Z"));
        let hours = [
            (at("2026-11-10T23:00:00Z"), 100, 100), // before the range
            (at("2026-11-11T00:00:00Z"), 2, 1),
            (at("2026-11-11T23:00:00Z"), 3, 0),
            (at("2026-11-24T10:00:00Z"), 5, 2),
            (at("2026-11-25T00:00:00Z"), 100, 100), // after the range
        ];
        let s = volume_series(VolumeRange::Days14, first, &hours);
        assert_eq!(s.len(), 14);
        assert_eq!((s[0].start, s[0].total, s[0].negative), (first, 5, 1));
        assert_eq!(s[13].start, at("2026-11-24T00:00:00Z"));
        assert_eq!((s[13].total, s[13].negative), (5, 2));
        assert_eq!(s.iter().map(|p| p.total).sum::<i64>(), 10);
    }

    #[test]
    fn an_hourly_series_ends_with_the_current_hour() {
        let now = at("2026-11-24T10:37:00Z");
        let first = VolumeRange::Hours48.first_period(now);
        assert_eq!(first, at("2026-11-22T11:00:00Z"));
        let s = volume_series(
            VolumeRange::Hours48,
            first,
            &[
                (at("2026-11-24T10:00:00Z"), 7, 3),
                (at("2026-11-22T11:00:00Z"), 1, 0),
            ],
        );
        assert_eq!(s.len(), 48);
        assert_eq!((s[47].start, s[47].total), (at("2026-11-24T10:00:00Z"), 7));
        assert_eq!(s[0].total, 1);
        assert_eq!(VolumeRange::parse("90d"), Some(VolumeRange::Days90));
        assert_eq!(
            VolumeRange::Days90.first_period(now),
            at("2026-08-27T00:00:00Z")
        );
    }
}
