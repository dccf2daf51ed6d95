//! Instance administration: workspaces and accounts.

use super::workspaces::{audit_lines, AuditLine};
use super::{render, Base};
use crate::ctx::Ctx;
use crate::error::{taken_code, AppError, AppResult};
use crate::forms::{FormState, PageForm};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use relais_core::model::{Actor, User, Workspace};
use relais_core::validate::{self, Email, FieldError};
use relais_store::{NewUser, StoreError};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin.html")]
pub struct AdminPage {
    pub base: Base,
    pub notice: Option<String>,
    pub generated_password: Option<String>,
    pub workspaces: Vec<Workspace>,
    pub users: Vec<User>,
    pub entries: Vec<AuditLine>,
    pub ws_form: FormState,
    pub user_form: FormState,
}

struct Draw {
    status: StatusCode,
    notice: Option<String>,
    generated_password: Option<String>,
    ws_form: FormState,
    user_form: FormState,
}

impl Default for Draw {
    fn default() -> Self {
        Draw {
            status: StatusCode::OK,
            notice: None,
            generated_password: None,
            ws_form: FormState::new("ws-"),
            user_form: FormState::new("user-"),
        }
    }
}

async fn draw(state: &AppState, ctx: &Ctx, d: Draw) -> AppResult<Response> {
    let base = Base::page(state, ctx, "admin-title", "admin");
    let entries = audit_lines(&base.tr, &state.store.audit_for_instance(None, 50).await?);
    render(
        d.status,
        &AdminPage {
            base,
            notice: d.notice,
            generated_password: d.generated_password,
            workspaces: state.store.list_workspaces().await?,
            users: state.store.list_users().await?,
            entries,
            ws_form: d.ws_form,
            user_form: d.user_form,
        },
    )
}

pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> AppResult<Response> {
    draw(&state, &ctx, Draw::default()).await
}

#[derive(Debug, Deserialize)]
pub struct WorkspaceForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
}

pub async fn create_workspace(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    PageForm(form): PageForm<WorkspaceForm>,
) -> AppResult<Response> {
    let tr = crate::tr::Tr::new(&state, ctx.locale);
    let kept = FormState::new("ws-")
        .keep("slug", &form.slug)
        .keep("name", &form.name);
    let name = validate::name("name", &form.name);
    let slug = validate::slug("slug", &form.slug);
    let invalid = |errors: Vec<FieldError>| Draw {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        ws_form: kept.clone().with_errors(&tr, &errors),
        ..Draw::default()
    };
    let (name, slug) = match (name, slug) {
        (Ok(n), Ok(s)) => (n, s),
        (n, s) => {
            return draw(
                &state,
                &ctx,
                invalid([n.err(), s.err()].into_iter().flatten().collect()),
            )
            .await
        }
    };
    let user = ctx.user()?;
    match state
        .store
        .create_workspace(&Actor::user(user), &slug, &name, Some(user.id), false)
        .await
    {
        Ok(ws) => {
            let notice = tr.t1("workspace-created", "name", &ws.name);
            draw(
                &state,
                &ctx,
                Draw {
                    notice: Some(notice),
                    ..Draw::default()
                },
            )
            .await
        }
        Err(StoreError::Conflict(f)) => {
            draw(
                &state,
                &ctx,
                invalid(vec![FieldError::new("slug", taken_code(f))]),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    is_admin: String,
}

pub async fn create_user(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    PageForm(form): PageForm<UserForm>,
) -> AppResult<Response> {
    let tr = crate::tr::Tr::new(&state, ctx.locale);
    let kept = FormState::new("user-")
        .keep("email", &form.email)
        .keep("display_name", &form.display_name)
        .keep("is_admin", &form.is_admin);
    let mut errors = Vec::new();
    let email = Email::parse("email", &form.email)
        .map_err(|e| errors.push(e))
        .ok();
    let name = validate::name("display_name", &form.display_name)
        .map_err(|e| errors.push(e))
        .ok();
    let generated = form.password.is_empty();
    let password = if generated {
        relais_auth::generate_password()
    } else {
        form.password.clone()
    };
    if !generated {
        if let Err(e) = validate::new_password("password", "password", &password, &password) {
            errors.push(e);
        }
    }
    let invalid = |errors: Vec<FieldError>| Draw {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        user_form: kept.clone().with_errors(&tr, &errors),
        ..Draw::default()
    };
    let (Some(email), Some(name), true) = (email, name, errors.is_empty()) else {
        return draw(&state, &ctx, invalid(errors)).await;
    };
    let pw = password.clone();
    let hash = tokio::task::spawn_blocking(move || relais_auth::hash_password(&pw))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let new = NewUser {
        email: email.into_string(),
        display_name: name,
        password_hash: hash,
        is_admin: form.is_admin == "on",
        is_demo: false,
    };
    match state
        .store
        .create_user(&Actor::user(ctx.user()?), new)
        .await
    {
        Ok(user) => {
            let notice = tr.t1("user-created", "email", &user.email);
            let d = Draw {
                notice: Some(notice),
                generated_password: generated.then_some(password),
                ..Draw::default()
            };
            draw(&state, &ctx, d).await
        }
        Err(StoreError::Conflict(f)) => {
            draw(
                &state,
                &ctx,
                invalid(vec![FieldError::new("email", taken_code(f))]),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
