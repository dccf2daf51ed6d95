//! Typed identifiers: a `UserId` can never be passed where a `WorkspaceId` is meant.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! typed_id {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )*};
}

typed_id!(
    /// A source veille watches (a feed, a page, a stream).
    SourceId,
    /// A veille topic (a boolean query of one veille kind).
    TopicId,
    /// An item veille collected.
    ItemId,
    /// A veille spike alert.
    AlertId,
    /// A veille digest (curated items shared).
    DigestId,
    /// A person who can log in.
    UserId,
    /// A client brand of the agency.
    WorkspaceId,
    /// A server-side login session.
    SessionId,
    /// A personal API token.
    ApiTokenId,
    /// A pending invitation to join a workspace.
    InvitationId,
    /// One entry of the audit log.
    AuditId,
    /// A calendar entry (a planned publication).
    EntryId,
    /// An account of a workspace on a network.
    AccountId,
    /// A stored media file.
    MediaId,
    /// A comment on a calendar entry.
    CommentId,
    /// An in-app notification.
    NotificationId,
    /// A dated observance added to a workspace's calendar.
    ObservanceId,
    /// One saved version of a workspace's editorial charter.
    CharterVersionId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_json() {
        let id: UserId = "42".parse().unwrap();
        assert_eq!(id, UserId(42));
        assert_eq!(id.to_string(), "42");
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert!("x".parse::<WorkspaceId>().is_err());
    }
}
