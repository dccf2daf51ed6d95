//! The five roles a person can hold in a workspace.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A member's role in one workspace. Ordered from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the client account at the agency: everything, including members.
    Owner,
    /// Agency project manager: plans, approves internally, manages members below owner.
    Manager,
    /// Writes, schedules, answers the community.
    CommunityManager,
    /// The client (commanditaire): approves the calendar and posts, reads reports.
    ClientApprover,
    /// Read-only.
    Viewer,
}

impl Role {
    /// Every role, from most to least powerful.
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Manager,
        Role::CommunityManager,
        Role::ClientApprover,
        Role::Viewer,
    ];

    /// The stable name used in the database, the API and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::CommunityManager => "community_manager",
            Role::ClientApprover => "client_approver",
            Role::Viewer => "viewer",
        }
    }

    /// Parses the stable name (see [`Role::as_str`]).
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!(Role::parse("admin"), None);
        assert_eq!(Role::parse("Owner"), None);
    }
}
