//! The audit log vocabulary: every change recorded says who, what, when, and a
//! summary of before and after.

use serde::Serialize;

/// What kind of change an audit entry records. The i18n key is `audit-<as_str>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    WorkspaceCreated,
    UserCreated,
    MemberAdded,
    MemberRoleChanged,
    MemberRemoved,
    InvitationCreated,
    InvitationAccepted,
    PasswordChanged,
    LocaleChanged,
    ApiTokenCreated,
    ApiTokenRevoked,
    DemoSeeded,
    AccountCreated,
    AccountDeleted,
    CharterSaved,
    EntryCreated,
    EntryUpdated,
    EntryMoved,
    EntryStatusChanged,
    EntryDeleted,
    EntriesImported,
    CommentAdded,
    ObservancesAdded,
    ObservanceDeleted,
    MediaUploaded,
    FeedTokenCreated,
    FeedTokenRevoked,
    AccountConnected,
    AccountDisconnected,
    EntryRescheduled,
    DeliveryCancelled,
    EntryPublished,
    EntryPublishFailed,
    CredentialsRotated,
    VeilleSourceAdded,
    VeilleSourceChanged,
    VeilleSourceRemoved,
    VeilleSourcesImported,
    VeilleTopicSaved,
    VeilleTopicDeleted,
    VeilleItemCurated,
    VeilleDigestCreated,
    VeilleDigestSent,
    VeilleFeedTokenCreated,
    VeilleFeedTokenRevoked,
}

impl AuditAction {
    pub const ALL: [AuditAction; 45] = [
        AuditAction::WorkspaceCreated,
        AuditAction::UserCreated,
        AuditAction::MemberAdded,
        AuditAction::MemberRoleChanged,
        AuditAction::MemberRemoved,
        AuditAction::InvitationCreated,
        AuditAction::InvitationAccepted,
        AuditAction::PasswordChanged,
        AuditAction::LocaleChanged,
        AuditAction::ApiTokenCreated,
        AuditAction::ApiTokenRevoked,
        AuditAction::DemoSeeded,
        AuditAction::AccountCreated,
        AuditAction::AccountDeleted,
        AuditAction::CharterSaved,
        AuditAction::EntryCreated,
        AuditAction::EntryUpdated,
        AuditAction::EntryMoved,
        AuditAction::EntryStatusChanged,
        AuditAction::EntryDeleted,
        AuditAction::EntriesImported,
        AuditAction::CommentAdded,
        AuditAction::ObservancesAdded,
        AuditAction::ObservanceDeleted,
        AuditAction::MediaUploaded,
        AuditAction::FeedTokenCreated,
        AuditAction::FeedTokenRevoked,
        AuditAction::AccountConnected,
        AuditAction::AccountDisconnected,
        AuditAction::EntryRescheduled,
        AuditAction::DeliveryCancelled,
        AuditAction::EntryPublished,
        AuditAction::EntryPublishFailed,
        AuditAction::CredentialsRotated,
        AuditAction::VeilleSourceAdded,
        AuditAction::VeilleSourceChanged,
        AuditAction::VeilleSourceRemoved,
        AuditAction::VeilleSourcesImported,
        AuditAction::VeilleTopicSaved,
        AuditAction::VeilleTopicDeleted,
        AuditAction::VeilleItemCurated,
        AuditAction::VeilleDigestCreated,
        AuditAction::VeilleDigestSent,
        AuditAction::VeilleFeedTokenCreated,
        AuditAction::VeilleFeedTokenRevoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::WorkspaceCreated => "workspace_created",
            AuditAction::UserCreated => "user_created",
            AuditAction::MemberAdded => "member_added",
            AuditAction::MemberRoleChanged => "member_role_changed",
            AuditAction::MemberRemoved => "member_removed",
            AuditAction::InvitationCreated => "invitation_created",
            AuditAction::InvitationAccepted => "invitation_accepted",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::LocaleChanged => "locale_changed",
            AuditAction::ApiTokenCreated => "api_token_created",
            AuditAction::ApiTokenRevoked => "api_token_revoked",
            AuditAction::DemoSeeded => "demo_seeded",
            AuditAction::AccountCreated => "account_created",
            AuditAction::AccountDeleted => "account_deleted",
            AuditAction::CharterSaved => "charter_saved",
            AuditAction::EntryCreated => "entry_created",
            AuditAction::EntryUpdated => "entry_updated",
            AuditAction::EntryMoved => "entry_moved",
            AuditAction::EntryStatusChanged => "entry_status_changed",
            AuditAction::EntryDeleted => "entry_deleted",
            AuditAction::EntriesImported => "entries_imported",
            AuditAction::CommentAdded => "comment_added",
            AuditAction::ObservancesAdded => "observances_added",
            AuditAction::ObservanceDeleted => "observance_deleted",
            AuditAction::MediaUploaded => "media_uploaded",
            AuditAction::FeedTokenCreated => "feed_token_created",
            AuditAction::FeedTokenRevoked => "feed_token_revoked",
            AuditAction::AccountConnected => "account_connected",
            AuditAction::AccountDisconnected => "account_disconnected",
            AuditAction::EntryRescheduled => "entry_rescheduled",
            AuditAction::DeliveryCancelled => "delivery_cancelled",
            AuditAction::EntryPublished => "entry_published",
            AuditAction::EntryPublishFailed => "entry_publish_failed",
            AuditAction::CredentialsRotated => "credentials_rotated",
            AuditAction::VeilleSourceAdded => "veille_source_added",
            AuditAction::VeilleSourceChanged => "veille_source_changed",
            AuditAction::VeilleSourceRemoved => "veille_source_removed",
            AuditAction::VeilleSourcesImported => "veille_sources_imported",
            AuditAction::VeilleTopicSaved => "veille_topic_saved",
            AuditAction::VeilleTopicDeleted => "veille_topic_deleted",
            AuditAction::VeilleItemCurated => "veille_item_curated",
            AuditAction::VeilleDigestCreated => "veille_digest_created",
            AuditAction::VeilleDigestSent => "veille_digest_sent",
            AuditAction::VeilleFeedTokenCreated => "veille_feed_token_created",
            AuditAction::VeilleFeedTokenRevoked => "veille_feed_token_revoked",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert!(seen.insert(a.as_str()), "duplicate {}", a.as_str());
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
        }
    }
}
