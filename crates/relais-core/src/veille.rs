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
}

/// An item ready to store: normalised, analysed and matched by the worker.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub dedup_key: String,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub title: String,
    pub text: String,
    pub author: Option<String>,
    pub lang: Option<String>,
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
}
