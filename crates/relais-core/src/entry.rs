//! Calendar entries (001 C2.1): what the trade plans for each publication, and the
//! status workflow from idea to publication.

use crate::checks::{CheckDef, Finding, Severity};
use crate::ids::{AccountId, EntryId, MediaId, UserId, WorkspaceId};
use crate::network::Network;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The format of a publication (001 C2.1 "format").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    #[default]
    Post,
    Thread,
    Carousel,
    Story,
    Reel,
    Video,
    Article,
    Live,
    Poll,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Post,
        Format::Thread,
        Format::Carousel,
        Format::Story,
        Format::Reel,
        Format::Video,
        Format::Article,
        Format::Live,
        Format::Poll,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Post => "post",
            Format::Thread => "thread",
            Format::Carousel => "carousel",
            Format::Story => "story",
            Format::Reel => "reel",
            Format::Video => "video",
            Format::Article => "article",
            Format::Live => "live",
            Format::Poll => "poll",
        }
    }

    pub fn parse(text: &str) -> Option<Format> {
        let t = text.trim().to_ascii_lowercase();
        Format::ALL.into_iter().find(|f| f.as_str() == t)
    }
}

/// Where an entry is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Idea,
    Draft,
    InternalReview,
    Submitted,
    ChangesRequested,
    Approved,
    Scheduled,
    Published,
    Failed,
}

/// Who may make a status transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decider {
    /// The agency team (roles with `Action::EditCalendar`).
    Team,
    /// The client (roles with `Action::ApproveEntries`).
    Client,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::Idea,
        Status::Draft,
        Status::InternalReview,
        Status::Submitted,
        Status::ChangesRequested,
        Status::Approved,
        Status::Scheduled,
        Status::Published,
        Status::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Idea => "idea",
            Status::Draft => "draft",
            Status::InternalReview => "internal_review",
            Status::Submitted => "submitted",
            Status::ChangesRequested => "changes_requested",
            Status::Approved => "approved",
            Status::Scheduled => "scheduled",
            Status::Published => "published",
            Status::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        let t = text.trim().to_ascii_lowercase();
        Status::ALL.into_iter().find(|s| s.as_str() == t)
    }

    /// Who may move an entry from `self` to `to`; `None` when the transition does
    /// not exist. The workflow: idea → draft → internal review → submitted to the
    /// client → approved or changes requested → scheduled → published or failed.
    /// The team may step back (withdraw a submission, reopen an approved entry,
    /// unschedule, retry a failure). Publishing marks "published"/"failed"; until
    /// the publishing worker exists the team records them by hand.
    pub fn transition(self, to: Status) -> Option<Decider> {
        use Status::*;
        let team = Some(Decider::Team);
        match (self, to) {
            (Idea, Draft) | (Draft, Idea) => team,
            (Draft, InternalReview) | (InternalReview, Draft) => team,
            (InternalReview, Submitted) => team,
            (Submitted, Approved) | (Submitted, ChangesRequested) => Some(Decider::Client),
            (Submitted, Draft) => team,
            (ChangesRequested, Draft) | (ChangesRequested, InternalReview) => team,
            (Approved, Scheduled) | (Approved, Draft) => team,
            (Scheduled, Approved) => team,
            (Scheduled, Published) | (Scheduled, Failed) => team,
            (Failed, Scheduled) | (Failed, Draft) => team,
            _ => None,
        }
    }

    /// The statuses reachable from `self`.
    pub fn next(self) -> Vec<(Status, Decider)> {
        Status::ALL
            .into_iter()
            .filter_map(|to| self.transition(to).map(|d| (to, d)))
            .collect()
    }

    /// Whether the content may be edited in this status. A submitted, approved or
    /// scheduled entry must first go back to draft, so the client never approves
    /// one text and sees another published.
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            Status::Idea | Status::Draft | Status::InternalReview | Status::ChangesRequested
        )
    }

    /// Whether a client approver sees the entry (internal drafts stay internal).
    pub fn client_visible(self) -> bool {
        !matches!(self, Status::Idea | Status::Draft | Status::InternalReview)
    }
}

/// Image or video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    #[default]
    Image,
    Video,
}

/// A media file attached to an entry, with what the checks need to know of it
/// (copied from the media record when attached).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaItem {
    pub media_id: MediaId,
    pub kind: MediaKind,
    /// MIME type sniffed from the content.
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// Alternative text; empty means missing.
    #[serde(default)]
    pub alt: String,
    /// For videos: whether captions are provided.
    #[serde(default)]
    pub has_captions: bool,
}

/// The text for one network when it differs from the main text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub network: Network,
    pub text: String,
}

/// Legal nature of a post (domain.md §4, loi 2023-451).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LegalFlags {
    /// Paid promotion: needs "Publicité" or "Collaboration commerciale".
    #[serde(default)]
    pub sponsored: bool,
    /// Influence collaboration: same mention.
    #[serde(default)]
    pub collaboration: bool,
    /// A face or silhouette was retouched: needs "Images retouchées".
    #[serde(default)]
    pub retouched: bool,
    /// The image was generated by AI: needs "Images virtuelles".
    #[serde(default)]
    pub ai_generated: bool,
}

/// User-generated content reposted by the brand (001 C2.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Ugc {
    /// Who made the original (handle or name).
    pub original_author: String,
    #[serde(default)]
    pub source_url: String,
    #[serde(default)]
    pub permission_requested_on: Option<NaiveDate>,
    #[serde(default)]
    pub permission_granted_on: Option<NaiveDate>,
    /// How permission was asked and given ("DM Instagram", "e-mail").
    #[serde(default)]
    pub permission_channel: String,
    /// The credit line published with the post ("📷 @author").
    #[serde(default)]
    pub credit: String,
}

/// The editable content of a calendar entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EntryContent {
    pub title: String,
    /// The charter axis it belongs to (by name).
    #[serde(default)]
    pub axis: Option<String>,
    /// The accounts it is published on.
    #[serde(default)]
    pub accounts: Vec<AccountId>,
    /// When it is published; `None` for an undated idea.
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    /// The IANA time zone the date was planned in ("Europe/Paris").
    pub timezone: String,
    #[serde(default)]
    pub format: Format,
    /// One of the charter's content types for the network.
    #[serde(default)]
    pub content_type: String,
    /// The main text.
    #[serde(default)]
    pub body: String,
    /// Per-network texts that replace `body` on that network.
    #[serde(default)]
    pub variants: Vec<Variant>,
    #[serde(default)]
    pub media: Vec<MediaItem>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Hashtags without `#`.
    #[serde(default)]
    pub hashtags: Vec<String>,
    /// Campaign name (also the UTM campaign when set).
    #[serde(default)]
    pub campaign: String,
    /// Notes for or from the client.
    #[serde(default)]
    pub client_notes: String,
    #[serde(default)]
    pub assignee: Option<UserId>,
    #[serde(default)]
    pub legal: LegalFlags,
    #[serde(default)]
    pub ugc: Option<Ugc>,
    /// Published as a reply right after the post (or the last part of a
    /// thread), where the network allows replies. Empty: none.
    #[serde(default)]
    pub first_comment: String,
    /// Options used when publishing (visibility, content warning, link card).
    #[serde(default)]
    pub publish: PublishOptions,
}

/// How an entry is published, beyond its text and media.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PublishOptions {
    /// Mastodon visibility: "public" (default), "unlisted", "private", "direct".
    #[serde(default)]
    pub visibility: String,
    /// Mastodon content warning (spoiler text).
    #[serde(default)]
    pub content_warning: String,
    /// BCP 47 language of the text ("fr"); empty: the workspace's.
    #[serde(default)]
    pub language: String,
    /// A link preview card (Bluesky): the address, its title and description.
    #[serde(default)]
    pub link_card_url: String,
    #[serde(default)]
    pub link_card_title: String,
    #[serde(default)]
    pub link_card_description: String,
}

impl EntryContent {
    /// The text published on `network`: its variant, else the main text.
    pub fn text_for(&self, network: Network) -> &str {
        self.variants
            .iter()
            .find(|v| v.network == network)
            .map_or(self.body.as_str(), |v| v.text.as_str())
    }
}

/// A calendar entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: EntryId,
    pub workspace_id: WorkspaceId,
    pub status: Status,
    /// Incremented by every save; a save names the version it started from and is
    /// refused if the entry changed since (no silent overwrite).
    pub version: i64,
    pub content: EntryContent,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An account of the workspace on a network: where entries are published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub workspace_id: WorkspaceId,
    pub network: Network,
    /// The handle on the network (`@maisondupain.bsky.social`).
    pub handle: String,
    /// A short name shown in the calendar.
    pub label: String,
}

// implements 001 C2.1 CE.1: every entry has title, theme, channel, date, format,
// content type, content, status, images, keywords/hashtags.
pub static ENTRY_NO_AXIS: CheckDef = CheckDef {
    id: "entry.no_axis",
    severity: Severity::Warning,
    reference: "001 C2.1 CE.1; 003 Cr3.3",
    fr: "L'entrée n'a pas d'axe éditorial.",
    en: "The entry has no content axis.",
};
pub static ENTRY_NO_ACCOUNT: CheckDef = CheckDef {
    id: "entry.no_account",
    severity: Severity::Warning,
    reference: "001 C2.1 CE.1",
    fr: "L'entrée n'a aucun compte de publication.",
    en: "The entry has no account to publish on.",
};
pub static ENTRY_NO_DATE: CheckDef = CheckDef {
    id: "entry.no_date",
    severity: Severity::Warning,
    reference: "001 C2.1 CE.1",
    fr: "L'entrée n'a pas de date de publication.",
    en: "The entry has no publication date.",
};
pub static ENTRY_NO_CONTENT_TYPE: CheckDef = CheckDef {
    id: "entry.no_content_type",
    severity: Severity::Info,
    reference: "001 C2.1 CE.1",
    fr: "L'entrée n'a pas de type de contenu.",
    en: "The entry has no content type.",
};
pub static ENTRY_NO_TEXT: CheckDef = CheckDef {
    id: "entry.no_text",
    severity: Severity::Warning,
    reference: "001 C2.1 CE.1",
    fr: "L'entrée n'a pas encore de texte.",
    en: "The entry has no text yet.",
};
pub static ENTRY_NO_MEDIA: CheckDef = CheckDef {
    id: "entry.no_media",
    severity: Severity::Info,
    reference: "001 C2.1 CE.1",
    fr: "L'entrée n'a pas de visuel.",
    en: "The entry has no image or video.",
};
pub static ENTRY_NO_TAGS: CheckDef = CheckDef {
    id: "entry.no_keywords",
    severity: Severity::Info,
    reference: "001 C2.1 CE.1",
    fr: "L'entrée n'a ni mot-clé ni hashtag.",
    en: "The entry has no keywords or hashtags.",
};

/// Every check definition of this module, for the catalog.
pub fn checks() -> [&'static CheckDef; 7] {
    [
        &ENTRY_NO_AXIS,
        &ENTRY_NO_ACCOUNT,
        &ENTRY_NO_DATE,
        &ENTRY_NO_CONTENT_TYPE,
        &ENTRY_NO_TEXT,
        &ENTRY_NO_MEDIA,
        &ENTRY_NO_TAGS,
    ]
}

/// Completeness of an entry against the fields the trade lists (001 C2.1 CE.1).
/// An idea is allowed to be incomplete: it gets no findings.
pub fn completeness(status: Status, content: &EntryContent) -> Vec<Finding> {
    if status == Status::Idea {
        return Vec::new();
    }
    let mut out = Vec::new();
    if content.axis.as_deref().is_none_or(|a| a.trim().is_empty()) {
        out.push(Finding::new(&ENTRY_NO_AXIS));
    }
    if content.accounts.is_empty() {
        out.push(Finding::new(&ENTRY_NO_ACCOUNT));
    }
    if content.starts_at.is_none() {
        out.push(Finding::new(&ENTRY_NO_DATE));
    }
    if content.content_type.trim().is_empty() {
        out.push(Finding::new(&ENTRY_NO_CONTENT_TYPE));
    }
    if content.body.trim().is_empty() && content.variants.iter().all(|v| v.text.trim().is_empty()) {
        out.push(Finding::new(&ENTRY_NO_TEXT));
    }
    if content.media.is_empty()
        && !matches!(
            content.format,
            Format::Thread | Format::Poll | Format::Article
        )
    {
        out.push(Finding::new(&ENTRY_NO_MEDIA));
    }
    if content.keywords.is_empty() && content.hashtags.is_empty() {
        out.push(Finding::new(&ENTRY_NO_TAGS));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_allows_only_its_transitions() {
        use Status::*;
        // (from, to, who) — every allowed transition, and nothing else.
        let allowed = [
            (Idea, Draft, Decider::Team),
            (Draft, Idea, Decider::Team),
            (Draft, InternalReview, Decider::Team),
            (InternalReview, Draft, Decider::Team),
            (InternalReview, Submitted, Decider::Team),
            (Submitted, Approved, Decider::Client),
            (Submitted, ChangesRequested, Decider::Client),
            (Submitted, Draft, Decider::Team),
            (ChangesRequested, Draft, Decider::Team),
            (ChangesRequested, InternalReview, Decider::Team),
            (Approved, Scheduled, Decider::Team),
            (Approved, Draft, Decider::Team),
            (Scheduled, Approved, Decider::Team),
            (Scheduled, Published, Decider::Team),
            (Scheduled, Failed, Decider::Team),
            (Failed, Scheduled, Decider::Team),
            (Failed, Draft, Decider::Team),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                let expected = allowed
                    .iter()
                    .find(|(f, t, _)| *f == from && *t == to)
                    .map(|(_, _, d)| *d);
                assert_eq!(from.transition(to), expected, "{from:?} -> {to:?}");
            }
        }
        // Nothing skips the client: no path from draft to approved in one step.
        assert_eq!(Draft.transition(Approved), None);
        assert_eq!(Published.next(), vec![]);
    }

    #[test]
    fn statuses_and_formats_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(f));
        }
        assert!(!Status::Draft.client_visible());
        assert!(Status::Submitted.client_visible());
        assert!(!Status::Approved.is_editable());
    }

    #[test]
    fn completeness_lists_each_missing_field() {
        let empty = EntryContent {
            title: "x".into(),
            timezone: "Europe/Paris".into(),
            ..EntryContent::default()
        };
        let ids: Vec<&str> = completeness(Status::Draft, &empty)
            .iter()
            .map(|f| f.check.id)
            .collect();
        assert_eq!(
            ids,
            [
                "entry.no_axis",
                "entry.no_account",
                "entry.no_date",
                "entry.no_content_type",
                "entry.no_text",
                "entry.no_media",
                "entry.no_keywords"
            ]
        );
        assert!(completeness(Status::Idea, &empty).is_empty());
    }
}

/// A comment in an entry's thread (team and client).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: crate::ids::CommentId,
    pub entry_id: EntryId,
    pub author_id: Option<UserId>,
    /// The author's display name at read time ("" if the account was deleted).
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Entries were submitted to the client.
    Submitted,
    /// The client approved entries.
    Approved,
    /// The client requested changes.
    ChangesRequested,
    /// Someone commented on an entry.
    Commented,
    /// A publication failed (with its reason in the comment).
    PublishFailed,
    /// A publication's time passed while relais was down, beyond the grace window.
    PublishMissed,
    /// A network refused an account's credentials: someone must reconnect it.
    ReconnectNeeded,
    /// A veille topic's volume or negative share spiked (the comment says
    /// which topic and why).
    VeilleSpike,
    /// A veille source failed for too long and was turned off.
    VeilleSourceDisabled,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 9] = [
        NotificationKind::Submitted,
        NotificationKind::Approved,
        NotificationKind::ChangesRequested,
        NotificationKind::Commented,
        NotificationKind::PublishFailed,
        NotificationKind::PublishMissed,
        NotificationKind::ReconnectNeeded,
        NotificationKind::VeilleSpike,
        NotificationKind::VeilleSourceDisabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Submitted => "submitted",
            NotificationKind::Approved => "approved",
            NotificationKind::ChangesRequested => "changes_requested",
            NotificationKind::Commented => "commented",
            NotificationKind::PublishFailed => "publish_failed",
            NotificationKind::PublishMissed => "publish_missed",
            NotificationKind::ReconnectNeeded => "reconnect_needed",
            NotificationKind::VeilleSpike => "veille_spike",
            NotificationKind::VeilleSourceDisabled => "veille_source_disabled",
        }
    }

    pub fn parse(text: &str) -> Option<NotificationKind> {
        NotificationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// An in-app notification for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub id: crate::ids::NotificationId,
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
    pub kind: NotificationKind,
    /// The entries concerned (one, or a whole week's decision).
    pub entries: Vec<EntryId>,
    /// Who caused it.
    pub actor_name: String,
    /// The decision's comment, if any.
    pub comment: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A dated observance shown on a workspace's calendar (a "journée mondiale", a
/// trade fair, a sale period), added by hand or imported from an .ics file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Observance {
    pub id: crate::ids::ObservanceId,
    pub workspace_id: WorkspaceId,
    pub date: NaiveDate,
    pub label: String,
    /// "manual" or "ics".
    pub source: String,
}

/// A stored media file (the bytes are content-addressed on disk by `sha256`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaRecord {
    pub id: MediaId,
    pub workspace_id: WorkspaceId,
    /// Hex SHA-256 of the stored (metadata-stripped) bytes.
    pub sha256: String,
    pub kind: MediaKind,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// The uploaded file's name, for display only.
    pub original_name: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}
