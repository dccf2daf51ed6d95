//! The one authorization policy: which role may perform which action.
//!
//! Every route of the web layer declares an [`Access`]; the web layer enforces it in
//! one middleware, and a test walks every route against every role using
//! [`role_allows`]. Adding an action means adding a row to [`POLICY`].

use crate::role::Role;
use serde::Serialize;

/// Something a member may do inside a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See the workspace and its home page.
    ViewWorkspace,
    /// See who is a member, with their roles.
    ViewMembers,
    /// Invite members, change their roles, remove them.
    ManageMembers,
    /// Read the workspace's audit log.
    ViewAudit,
    /// See the editorial charter.
    ViewCharter,
    /// Write the editorial charter (a new version).
    EditCharter,
    /// See the calendar. Client approvers see only what was submitted to them.
    ViewCalendar,
    /// See internal drafts (ideas, drafts, internal review).
    ViewDrafts,
    /// Create, edit, move and comment entries; move them through the team's steps
    /// of the workflow; upload media; import the calendar.
    EditCalendar,
    /// Approve submitted entries or request changes (the client's decision).
    ApproveEntries,
    /// Comment on an entry (team and client).
    CommentEntries,
    /// Manage the workspace's accounts and the secret calendar feed URL.
    ManageWorkspace,
    /// See veille: sources, topics, items, alerts, search and digests.
    ViewVeille,
    /// Add and remove sources, write topics, curate items, build and send
    /// digests, manage the curated feed's secret URL.
    EditVeille,
}

use Role::{ClientApprover as C, CommunityManager as Cm, Manager as M, Owner as O, Viewer as V};

/// The policy table: each action with the roles allowed to perform it.
pub const POLICY: &[(Action, &[Role])] = &[
    (Action::ViewWorkspace, &[O, M, Cm, C, V]),
    (Action::ViewMembers, &[O, M, Cm, C, V]),
    (Action::ManageMembers, &[O, M]),
    // "readable by owners and managers" (issue: foundation, audit log).
    (Action::ViewAudit, &[O, M]),
    (Action::ViewCharter, &[O, M, Cm, C, V]),
    // The community manager writes the charter (001 C1.9); the client reads it.
    (Action::EditCharter, &[O, M, Cm]),
    (Action::ViewCalendar, &[O, M, Cm, C, V]),
    // "The client-approver role sees what was submitted to it and nothing of the
    // internal drafts" (issue: calendar and approval).
    (Action::ViewDrafts, &[O, M, Cm, V]),
    (Action::EditCalendar, &[O, M, Cm]),
    // The client decides; an owner (or an instance admin) may record a decision
    // received by another channel. Managers may not approve their own team's work.
    (Action::ApproveEntries, &[O, C]),
    (Action::CommentEntries, &[O, M, Cm, C]),
    (Action::ManageWorkspace, &[O, M]),
    // Veille is the team's work (001 C1.1–C1.3); the client receives its
    // digests (e-mail, secret feed), not the raw monitoring.
    (Action::ViewVeille, &[O, M, Cm, V]),
    (Action::EditVeille, &[O, M, Cm]),
];

/// Whether `role` may perform `action`.
pub fn role_allows(role: Role, action: Action) -> bool {
    POLICY
        .iter()
        .find(|(a, _)| *a == action)
        .is_some_and(|(_, roles)| roles.contains(&role))
}

/// What a route requires of the person asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not.
    Public,
    /// Any logged-in person.
    User,
    /// An instance administrator.
    Admin,
    /// A member of the workspace named in the path whose role allows the action.
    /// Non-members get "not found", so a workspace's existence does not leak.
    Workspace(Action),
}

/// Why a membership change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MembershipRuleError {
    /// Only owners may grant, change or remove the owner role.
    #[error("only an owner can grant, change or remove the owner role")]
    OwnerOnly,
    /// A workspace always keeps at least one owner.
    #[error("a workspace must keep at least one owner")]
    LastOwner,
}

/// Checks a change of `target`'s role from `current` (None: not a member yet) to
/// `new` (None: removal), asked by someone whose role is `actor`.
/// `owners` is the workspace's current number of owners.
pub fn check_membership_change(
    actor: Role,
    current: Option<Role>,
    new: Option<Role>,
    owners: usize,
) -> Result<(), MembershipRuleError> {
    let touches_owner = current == Some(Role::Owner) || new == Some(Role::Owner);
    if touches_owner && actor != Role::Owner {
        return Err(MembershipRuleError::OwnerOnly);
    }
    if current == Some(Role::Owner) && new != Some(Role::Owner) && owners <= 1 {
        return Err(MembershipRuleError::LastOwner);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_exactly_one_policy_row() {
        for action in [
            Action::ViewWorkspace,
            Action::ViewMembers,
            Action::ManageMembers,
            Action::ViewAudit,
        ] {
            assert_eq!(
                POLICY.iter().filter(|(a, _)| *a == action).count(),
                1,
                "{action:?}"
            );
        }
    }

    #[test]
    fn policy_table() {
        // (role, action, allowed)
        let cases = [
            (O, Action::ManageMembers, true),
            (M, Action::ManageMembers, true),
            (Cm, Action::ManageMembers, false),
            (C, Action::ManageMembers, false),
            (V, Action::ManageMembers, false),
            (O, Action::ViewAudit, true),
            (M, Action::ViewAudit, true),
            (Cm, Action::ViewAudit, false),
            (C, Action::ViewAudit, false),
            (V, Action::ViewAudit, false),
            (V, Action::ViewWorkspace, true),
            (C, Action::ViewMembers, true),
        ];
        for (role, action, allowed) in cases {
            assert_eq!(role_allows(role, action), allowed, "{role:?} {action:?}");
        }
    }

    #[test]
    #[allow(clippy::type_complexity)] // a table of cases
    fn membership_rules() {
        use MembershipRuleError::*;
        // (actor, current, new, owners, expected)
        let cases: [(
            Role,
            Option<Role>,
            Option<Role>,
            usize,
            Result<(), MembershipRuleError>,
        ); 9] = [
            (M, None, Some(V), 1, Ok(())),
            (M, None, Some(O), 1, Err(OwnerOnly)),
            (M, Some(O), Some(V), 2, Err(OwnerOnly)),
            (M, Some(O), None, 2, Err(OwnerOnly)),
            (M, Some(Cm), Some(M), 1, Ok(())),
            (O, None, Some(O), 1, Ok(())),
            (O, Some(O), Some(M), 1, Err(LastOwner)),
            (O, Some(O), None, 1, Err(LastOwner)),
            (O, Some(O), None, 2, Ok(())),
        ];
        for (actor, current, new, owners, expected) in cases {
            assert_eq!(
                check_membership_change(actor, current, new, owners),
                expected,
                "{actor:?} {current:?}->{new:?} owners={owners}"
            );
        }
    }
}
