//! Router tests of the page flows beyond access control: password change, member
//! role changes and removal, instance administration, and the request time-out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::{Body, Bytes};
use axum::http::{header, Request, StatusCode};
use common::*;
use relais_core::audit::AuditAction;
use relais_core::Role;
use relais_store::testing;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

#[tokio::test]
async fn changing_the_password_checks_the_old_one_and_ends_other_sessions() {
    let w = world(testing::sqlite().await).await;
    let here = w.login("cm@demo.local").await;
    let elsewhere = w.login("cm@demo.local").await;
    let change = |current: &'static str, new: &'static str, confirm: &'static str| {
        [
            ("current_password", current),
            ("new_password", new),
            ("password_confirm", confirm),
        ]
    };
    let r = w
        .post_form(
            Some(&here),
            "/settings/password",
            &change("wrong one", "a new long password", "a new long password"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("id=\"current-password-error\""));
    let r = w
        .post_form(
            Some(&here),
            "/settings/password",
            &change(DEMO_PASSWORD, "short", "short"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("id=\"new-password-error\""));
    let r = w
        .post_form(
            Some(&here),
            "/settings/password",
            &change(DEMO_PASSWORD, "a new long password", "another one!!"),
        )
        .await;
    assert!(text(r).await.contains("id=\"password-confirm-error\""));
    let r = w
        .post_form(
            Some(&here),
            "/settings/password",
            &change(DEMO_PASSWORD, "a new long password", "a new long password"),
        )
        .await;
    assert_eq!(location(&r), "/settings?done=password");
    assert_eq!(
        w.get_page(Some(&here), "/settings").await.status(),
        StatusCode::OK,
        "this session stays"
    );
    assert!(
        is_login_redirect(&w.get_page(Some(&elsewhere), "/settings").await),
        "other sessions end"
    );
    let r = w
        .post_form(
            None,
            "/login",
            &[
                ("email", "cm@demo.local"),
                ("password", "a new long password"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let log = w.db.store.audit_for_instance(None, 10).await.unwrap();
    assert_eq!(log[0].action, AuditAction::PasswordChanged);
    assert_eq!(log[0].actor, "cm@demo.local");
    w.db.finish().await;
}

#[tokio::test]
async fn owners_and_managers_change_roles_and_remove_members_within_the_rules() {
    let w = world(testing::sqlite().await).await;
    let store = &w.db.store;
    let ws = store
        .workspace_by_slug("maison-dupain")
        .await
        .unwrap()
        .unwrap();
    let cm = store.user_by_email("cm@demo.local").await.unwrap().unwrap();
    let owner = store
        .user_by_email("owner@demo.local")
        .await
        .unwrap()
        .unwrap();
    let manager = w.login("manager@demo.local").await;

    // A manager's page shows no controls on the owner's row.
    let html = text(w.get_page(Some(&manager), "/w/maison-dupain/members").await).await;
    assert!(!html.contains(&format!("/members/{}/role", owner.id)));
    assert!(html.contains(&format!("/members/{}/role", cm.id)));

    let r = w
        .post_form(
            Some(&manager),
            &format!("/w/maison-dupain/members/{}/role", cm.id),
            &[("role", "viewer")],
        )
        .await;
    assert_eq!(location(&r), "/w/maison-dupain/members?done=role");
    let role = |id| async move {
        store
            .members(ws.id)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.user_id == id)
            .map(|m| m.role)
    };
    assert_eq!(role(cm.id).await, Some(Role::Viewer));
    // A manager cannot demote the owner; the page says why and nothing changes.
    let r = w
        .post_form(
            Some(&manager),
            &format!("/w/maison-dupain/members/{}/role", owner.id),
            &[("role", "viewer")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("Seul un propriétaire"));
    assert_eq!(role(owner.id).await, Some(Role::Owner));
    // The last owner cannot remove themself.
    let o = w.login("owner@demo.local").await;
    let r = w
        .post_form(
            Some(&o),
            &format!("/w/maison-dupain/members/{}/remove", owner.id),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("au moins un propriétaire"));
    // Removal, audited with before and after.
    let r = w
        .post_form(
            Some(&manager),
            &format!("/w/maison-dupain/members/{}/remove", cm.id),
            &[],
        )
        .await;
    assert_eq!(location(&r), "/w/maison-dupain/members?done=removed");
    assert_eq!(role(cm.id).await, None);
    let log = store.audit_for_workspace(ws.id, None, 2).await.unwrap();
    assert_eq!(
        (log[0].action, log[0].target.as_str()),
        (AuditAction::MemberRemoved, "cm@demo.local")
    );
    assert_eq!(log[0].before, Some(serde_json::json!({"role": "viewer"})));
    assert_eq!(
        (log[1].action, log[1].actor.as_str()),
        (AuditAction::MemberRoleChanged, "manager@demo.local")
    );
    // Inviting an existing account adds it at once.
    let r = w
        .post_form(
            Some(&manager),
            "/w/maison-dupain/members",
            &[("email", "CM@demo.local"), ("role", "community_manager")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(text(r)
        .await
        .contains("cm@demo.local fait maintenant partie"));
    assert_eq!(role(cm.id).await, Some(Role::CommunityManager));
    let r = w
        .post_form(
            Some(&manager),
            "/w/maison-dupain/members",
            &[("email", "cm@demo.local"), ("role", "viewer")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(text(r).await.contains("déjà membre"));
    w.db.finish().await;
}

#[tokio::test]
async fn an_instance_admin_creates_workspaces_and_accounts() {
    let w = world(testing::sqlite().await).await;
    let admin = w.login("owner@demo.local").await;
    let r = w
        .post_form(
            Some(&admin),
            "/admin/workspaces",
            &[("slug", "cafe-lumiere"), ("name", "Café Lumière")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let ws =
        w.db.store
            .workspace_for_user("cafe-lumiere", &admin.user)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(ws.workspace.name, "Café Lumière");
    assert_eq!(
        w.db.store.members(ws.workspace.id).await.unwrap()[0].role,
        Role::Owner,
        "the creator owns it"
    );
    let r = w
        .post_form(
            Some(&admin),
            "/admin/users",
            &[("email", "Nina@Agence.fr"), ("display_name", "Nina")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = text(r).await;
    let pw = html
        .split("id=\"generated-password\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(pw.len(), 20);
    let r = w
        .post_form(
            None,
            "/login",
            &[("email", "nina@agence.fr"), ("password", &pw)],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "the generated password works"
    );
    let r = w
        .post_form(
            Some(&admin),
            "/admin/users",
            &[("email", "nina@agence.fr"), ("display_name", "Nina 2")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("a déjà un compte"));
    // Through the API too.
    let r = w
        .api(
            Some(&admin),
            "POST",
            "/api/v1/workspaces",
            Some(r#"{"slug":"x","name":"X"}"#),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = w
        .api(
            Some(&admin),
            "POST",
            "/api/v1/users",
            Some(r#"{"email":"api@x.fr","display_name":"Api","password":"long enough pw"}"#),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    w.db.finish().await;
}

/// A request body that never arrives.
struct Stalled;

impl http_body::Body for Stalled {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        Poll::Pending
    }
}

#[tokio::test]
async fn a_request_that_never_finishes_is_answered_with_408() {
    let mut config = relais_config::Config::default();
    config.server.request_timeout_secs = 1;
    let w = world_with(testing::sqlite().await, config).await;
    let m = w.login("manager@demo.local").await;
    let req = Request::post("/settings/tokens")
        .header(header::COOKIE, &m.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::new(Stalled))
        .unwrap();
    let r = tokio::time::timeout(std::time::Duration::from_secs(10), w.send(req))
        .await
        .expect("answered in time");
    assert_eq!(r.status(), StatusCode::REQUEST_TIMEOUT);
    assert!(text(r).await.contains("Délai dépassé"));
    w.db.finish().await;
}
