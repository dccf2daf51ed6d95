//! Membership changes shared by the pages and the API: add an existing account or
//! invite a new address; change or remove an existing member.

use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::AppState;
use chrono::{DateTime, Duration, Utc};
use relais_core::model::{Actor, Member};
use relais_core::validate::{Email, FieldError};
use relais_core::{Role, UserId};
use relais_store::{MembershipChange, StoreError};

/// What adding someone did.
#[derive(Debug)]
pub enum Added {
    /// The address had an account: it is a member now.
    Member(Member),
    /// A new address: an invitation link to pass on.
    Invited {
        link: String,
        expires_at: DateTime<Utc>,
    },
}

/// Parses the fields of an "add member" request, with one error per bad field.
pub fn parse_add(email: &str, role: &str) -> Result<(Email, Role), Vec<FieldError>> {
    let email = Email::parse("email", email);
    let role = Role::parse(role).ok_or(FieldError::new("role", "role-invalid"));
    match (email, role) {
        (Ok(e), Ok(r)) => Ok((e, r)),
        (e, r) => Err([e.err(), r.err()].into_iter().flatten().collect()),
    }
}

/// Adds the account with this address, or invites the address. An existing
/// member is a conflict on `email` (code `already-member`).
pub async fn add_or_invite(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    email: &Email,
    role: Role,
) -> AppResult<Added> {
    let actor = Actor::user(ctx.user()?);
    let store = &state.store;
    if let Some(user) = store.user_by_email(email.as_str()).await? {
        let add = MembershipChange::Add(role);
        match store
            .set_membership(&actor, ws.role, ws.workspace.id, user.id, add)
            .await
        {
            Err(StoreError::Conflict("membership")) => {
                return Err(AppError::Conflict(FieldError::new(
                    "email",
                    "already-member",
                )))
            }
            other => other?,
        }
        let added = store
            .members(ws.workspace.id)
            .await?
            .into_iter()
            .find(|m| m.user_id == user.id);
        return added.map(Added::Member).ok_or(AppError::NotFound);
    }
    let token = relais_auth::random_token();
    let expires_at =
        crate::guard::now() + Duration::hours(i64::from(state.config.auth.invitation_ttl_hours));
    let digest = relais_auth::token_digest(&token);
    store
        .create_invitation(
            &actor,
            ws.role,
            ws.workspace.id,
            email.as_str(),
            role,
            &digest,
            expires_at,
        )
        .await?;
    Ok(Added::Invited {
        link: format!("{}/invite/{token}", ctx.base_url),
        expires_at,
    })
}

/// Changes a member's role or removes them. The store refuses (404) anyone who
/// is not a member of this workspace: a change never adds.
pub async fn change(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    user: UserId,
    change: MembershipChange,
) -> AppResult<()> {
    let actor = Actor::user(ctx.user()?);
    state
        .store
        .set_membership(&actor, ws.role, ws.workspace.id, user, change)
        .await?;
    Ok(())
}
