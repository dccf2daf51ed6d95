//! A workspace's members: list, invite, change role, remove.

use super::{render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{rule_code, AppError, AppResult};
use crate::forms::{FormState, PageForm};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Duration;
use relais_core::model::{Actor, Member, Workspace};
use relais_core::policy::role_allows;
use relais_core::validate::{Email, FieldError};
use relais_core::{Action, Role, UserId};
use relais_store::StoreError;
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
    let mut errors = Vec::new();
    let email = Email::parse("email", &form.email)
        .map_err(|e| errors.push(e))
        .ok();
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.push(FieldError::new("role", "role-invalid"));
    }
    let (Some(email), Some(role)) = (email, role) else {
        let f = kept.with_errors(&tr, &errors);
        return draw(
            &state,
            &ctx,
            &ws,
            StatusCode::UNPROCESSABLE_ENTITY,
            f,
            None,
            None,
        )
        .await;
    };
    let user = ctx.user()?;
    let actor = Actor::user(user);
    let refuse = |f: FieldError| kept.clone().with_errors(&tr, &[f]);
    if let Some(existing) = state.store.user_by_email(email.as_str()).await? {
        let members = state.store.members(ws.workspace.id).await?;
        if members.iter().any(|m| m.user_id == existing.id) {
            let f = kept.clone().with_message("email", tr.t("member-already"));
            return draw(&state, &ctx, &ws, StatusCode::CONFLICT, f, None, None).await;
        }
        return match state
            .store
            .set_membership(&actor, ws.role, ws.workspace.id, existing.id, Some(role))
            .await
        {
            Ok(()) => {
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
            Err(StoreError::Rule(rule)) => {
                let f = refuse(FieldError::new("role", rule_code(rule)));
                draw(
                    &state,
                    &ctx,
                    &ws,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    f,
                    None,
                    None,
                )
                .await
            }
            Err(e) => Err(e.into()),
        };
    }
    let token = relais_auth::random_token();
    let hours = state.config.auth.invitation_ttl_hours;
    let expires = crate::guard::now() + Duration::hours(i64::from(hours));
    let digest = relais_auth::token_digest(&token);
    match state
        .store
        .create_invitation(
            &actor,
            ws.role,
            ws.workspace.id,
            email.as_str(),
            role,
            &digest,
            expires,
        )
        .await
    {
        Ok(_) => {
            let link = format!("{}/invite/{token}", ctx.base_url);
            let text = state.i18n.format(
                ctx.locale,
                "invite-link-created",
                Some(&{
                    let mut a = fluent_args();
                    a.set("email", email.as_str().to_string());
                    a.set("hours", hours);
                    a
                }),
            );
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
        Err(StoreError::Rule(rule)) => {
            let f = refuse(FieldError::new("role", rule_code(rule)));
            draw(
                &state,
                &ctx,
                &ws,
                StatusCode::UNPROCESSABLE_ENTITY,
                f,
                None,
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

fn fluent_args() -> relais_i18n::FluentArgs<'static> {
    relais_i18n::FluentArgs::new()
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
    set(&state, &ctx, &ws, UserId(user_id), Some(role), "role").await
}

pub async fn remove(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, user_id)): Path<(String, i64)>,
) -> AppResult<Response> {
    set(&state, &ctx, &ws, UserId(user_id), None, "removed").await
}

async fn set(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    user: UserId,
    role: Option<Role>,
    done: &str,
) -> AppResult<Response> {
    let actor = Actor::user(ctx.user()?);
    // Only existing members can be changed or removed here: a user id from
    // another workspace is "not found", never silently added.
    if !state
        .store
        .members(ws.workspace.id)
        .await?
        .iter()
        .any(|m| m.user_id == user)
    {
        return Err(AppError::NotFound);
    }
    match state
        .store
        .set_membership(&actor, ws.role, ws.workspace.id, user, role)
        .await
    {
        Ok(()) => Ok(
            Redirect::to(&format!("/w/{}/members?done={done}", ws.workspace.slug)).into_response(),
        ),
        Err(StoreError::Rule(rule)) => {
            let msg = state
                .i18n
                .t(ctx.locale, &format!("error-{}", rule_code(rule)));
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
        Err(e) => Err(e.into()),
    }
}

/// The invitation form, empty, with the most common role preselected.
fn fresh_form() -> FormState {
    FormState::new("invite-").keep("role", Role::CommunityManager.as_str())
}
