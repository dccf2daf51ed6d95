//! A workspace's members: list, invite, change role, remove.

use super::{render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::forms::{FormState, PageForm};
use crate::membership::{self, Added};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use relais_core::model::{Member, Workspace};
use relais_core::policy::role_allows;
use relais_core::validate::FieldError;
use relais_core::{Action, Role, UserId};
use relais_store::MembershipChange;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "members.html")]
pub struct MembersPage {
    pub base: Base,
    pub ws: Workspace,
    pub members: Vec<Member>,
    pub roles: Vec<Role>,
    pub can_manage: bool,
    /// Only owners see and change owners' roles.
    pub can_grant_owner: bool,
    pub can_audit: bool,
    pub section: &'static str,
    pub form: FormState,
    pub notice: Option<String>,
    pub invite_link: Option<String>,
    pub invite_text: String,
}

async fn draw(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    status: StatusCode,
    form: FormState,
    notice: Option<String>,
    invite: Option<(String, String)>,
) -> AppResult<Response> {
    let members = state.store.members(ws.workspace.id).await?;
    let base = Base::page(state, ctx, "members-title", "workspaces");
    // Only owners may hand out the owner role.
    let roles = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Owner || ws.role == Role::Owner)
        .collect();
    let (invite_link, invite_text) = invite.map_or((None, String::new()), |(l, t)| (Some(l), t));
    render(
        status,
        &MembersPage {
            base,
            ws: ws.workspace.clone(),
            members,
            roles,
            can_manage: role_allows(ws.role, Action::ManageMembers),
            can_grant_owner: ws.role == Role::Owner,
            can_audit: role_allows(ws.role, Action::ViewAudit),
            section: "members",
            form,
            notice,
            invite_link,
            invite_text,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let notice = match q.done.as_str() {
        "role" => Some(state.i18n.t(ctx.locale, "member-role-changed")),
        "removed" => Some(state.i18n.t(ctx.locale, "member-removed")),
        _ => None,
    };
    let form = fresh_form();
    draw(&state, &ctx, &ws, StatusCode::OK, form, notice, None).await
}

#[derive(Debug, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

pub async fn invite(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    PageForm(form): PageForm<InviteForm>,
) -> AppResult<Response> {
    let tr = crate::tr::Tr::new(&state, ctx.locale);
    let kept = FormState::new("invite-")
        .keep("email", &form.email)
        .keep("role", &form.role);
    let refused = |status, errors: &[FieldError]| (status, kept.clone().with_errors(&tr, errors));
    let outcome = match membership::parse_add(&form.email, &form.role) {
        Err(errors) => Err(refused(StatusCode::UNPROCESSABLE_ENTITY, &errors)),
        Ok((email, role)) => match membership::add_or_invite(&state, &ctx, &ws, &email, role).await
        {
            Ok(added) => Ok((email, added)),
            Err(AppError::Invalid(errors)) => {
                Err(refused(StatusCode::UNPROCESSABLE_ENTITY, &errors))
            }
            Err(AppError::Conflict(e)) => Err(refused(StatusCode::CONFLICT, &[e])),
            Err(e) => return Err(e),
        },
    };
    match outcome {
        Err((status, f)) => draw(&state, &ctx, &ws, status, f, None, None).await,
        Ok((email, Added::Member(_))) => {
            let notice = tr.t1("member-added", "email", email.as_str());
            draw(
                &state,
                &ctx,
                &ws,
                StatusCode::OK,
                fresh_form(),
                Some(notice),
                None,
            )
            .await
        }
        Ok((email, Added::Invited { link, .. })) => {
            let mut args = relais_i18n::FluentArgs::new();
            args.set("email", email.as_str().to_string());
            args.set("hours", state.config.auth.invitation_ttl_hours);
            let text = state
                .i18n
                .format(ctx.locale, "invite-link-created", Some(&args));
            draw(
                &state,
                &ctx,
                &ws,
                StatusCode::OK,
                fresh_form(),
                None,
                Some((link, text)),
            )
            .await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn change_role(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, user_id)): Path<(String, i64)>,
    PageForm(form): PageForm<RoleForm>,
) -> AppResult<Response> {
    let role = Role::parse(&form.role).ok_or_else(|| AppError::field("role", "role-invalid"))?;
    set(
        &state,
        &ctx,
        &ws,
        UserId(user_id),
        MembershipChange::Change(role),
        "role",
    )
    .await
}

pub async fn remove(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, user_id)): Path<(String, i64)>,
) -> AppResult<Response> {
    set(
        &state,
        &ctx,
        &ws,
        UserId(user_id),
        MembershipChange::Remove,
        "removed",
    )
    .await
}

async fn set(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    user: UserId,
    change: MembershipChange,
    done: &str,
) -> AppResult<Response> {
    match membership::change(state, ctx, ws, user, change).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/w/{}/members?done={done}", ws.workspace.slug)).into_response(),
        ),
        Err(AppError::Invalid(errors)) => {
            let code = errors.first().map_or("role-invalid", |e| e.code);
            let msg = state.i18n.t(ctx.locale, &format!("error-{code}"));
            draw(
                state,
                ctx,
                ws,
                StatusCode::UNPROCESSABLE_ENTITY,
                fresh_form(),
                Some(msg),
                None,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// The invitation form, empty, with the most common role preselected.
fn fresh_form() -> FormState {
    FormState::new("invite-").keep("role", Role::CommunityManager.as_str())
}
