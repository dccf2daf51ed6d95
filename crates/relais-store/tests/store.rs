//! The store suite: the same test bodies against a real SQLite file and a real
//! PostgreSQL database.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Duration;
use relais_core::audit::AuditAction;
use relais_core::model::{Actor, User};
use relais_core::policy::MembershipRuleError;
use relais_core::{Locale, Role, UserId};
use relais_store::demo::{seed_demo, DemoError, DemoOutcome};
use relais_store::time::now;
use relais_store::MembershipChange::{Add, Change, Remove};
use relais_store::{NewUser, Store, StoreError};

fn new_user(email: &str, admin: bool) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: format!("Person {email}"),
        password_hash: "$argon2id$fake".into(),
        is_admin: admin,
        is_demo: false,
    }
}

async fn user(store: &Store, email: &str) -> User {
    store
        .create_user(&Actor::System("test"), new_user(email, false))
        .await
        .unwrap()
}

/// Runs one scenario on every backend, naming the backend when it fails.
use relais_store::on_every_backend;

async fn users_and_settings(store: &Store) {
    let sys = Actor::System("test");
    let a = store
        .create_user(&sys, new_user("a@x.fr", false))
        .await
        .unwrap();
    assert_eq!(a.email, "a@x.fr");
    assert_eq!(a.locale, None);
    assert!(matches!(
        store.create_user(&sys, new_user("a@x.fr", true)).await,
        Err(StoreError::Conflict("email"))
    ));
    let (found, hash) = store.user_with_password("a@x.fr").await.unwrap().unwrap();
    assert_eq!(found, a, "a user reads back exactly, timestamps included");
    assert_eq!(hash, "$argon2id$fake");
    assert!(store.user_by_email("nobody@x.fr").await.unwrap().is_none());

    store
        .set_locale(&Actor::user(&a), a.id, Some(Locale::En))
        .await
        .unwrap();
    assert_eq!(
        store.user_by_id(a.id).await.unwrap().unwrap().locale,
        Some(Locale::En)
    );
    store
        .set_locale(&Actor::user(&a), a.id, None)
        .await
        .unwrap();
    assert_eq!(store.user_by_id(a.id).await.unwrap().unwrap().locale, None);

    // A password change ends the other sessions but keeps the current one.
    let s1 = store
        .create_session(a.id, "h1", "c1", "ua", Duration::hours(1))
        .await
        .unwrap();
    let _s2 = store
        .create_session(a.id, "h2", "c2", "ua", Duration::hours(1))
        .await
        .unwrap();
    store
        .set_password(&Actor::user(&a), a.id, "$argon2id$new", Some(s1))
        .await
        .unwrap();
    assert!(store.session_by_token("h1", now()).await.unwrap().is_some());
    assert!(store.session_by_token("h2", now()).await.unwrap().is_none());
    assert_eq!(
        store.user_with_password("a@x.fr").await.unwrap().unwrap().1,
        "$argon2id$new"
    );
    assert!(matches!(
        store.set_password(&sys, UserId(9999), "x", None).await,
        Err(StoreError::NotFound)
    ));

    let log = store.audit_for_instance(None, 50).await.unwrap();
    let actions: Vec<AuditAction> = log.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![
            AuditAction::PasswordChanged,
            AuditAction::LocaleChanged,
            AuditAction::LocaleChanged,
            AuditAction::UserCreated
        ],
        "the failed duplicate left no audit entry"
    );
    assert_eq!(log[1].before, Some(serde_json::json!({"locale": "en"})));
    assert_eq!(log[1].after, Some(serde_json::json!({"locale": null})));
    assert_eq!(log[1].actor, "a@x.fr");
    assert_eq!(log[3].actor, "system (test)");
    assert_eq!(store.list_users().await.unwrap().len(), 1);
}

#[tokio::test]
async fn users() {
    on_every_backend!(users_and_settings);
}

async fn sessions_and_failures(store: &Store) {
    let a = user(store, "s@x.fr").await;
    let id = store
        .create_session(a.id, "tok", "csrf", "Firefox", Duration::minutes(10))
        .await
        .unwrap();
    let s = store.session_by_token("tok", now()).await.unwrap().unwrap();
    assert_eq!((s.id, s.csrf_token.as_str(), s.user.id), (id, "csrf", a.id));
    assert!(
        store
            .session_by_token("tok", now() + Duration::minutes(11))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    store
        .touch_session(id, now(), Duration::minutes(30))
        .await
        .unwrap();
    assert!(
        store
            .session_by_token("tok", now() + Duration::minutes(20))
            .await
            .unwrap()
            .is_some(),
        "slid forward"
    );
    assert_eq!(
        store
            .purge_expired(now() + Duration::hours(1), Duration::hours(1))
            .await
            .unwrap(),
        1
    );
    assert!(store
        .session_by_token("tok", now())
        .await
        .unwrap()
        .is_none());
    let id2 = store
        .create_session(a.id, "tok2", "csrf", "", Duration::minutes(10))
        .await
        .unwrap();
    store.delete_session(id2).await.unwrap();
    assert!(store
        .session_by_token("tok2", now())
        .await
        .unwrap()
        .is_none());

    let t = now();
    store
        .record_login_failure("s@x.fr", "10.0.0.1", t - Duration::minutes(30))
        .await
        .unwrap();
    store
        .record_login_failure("s@x.fr", "10.0.0.1", t)
        .await
        .unwrap();
    store
        .record_login_failure("other@x.fr", "10.0.0.1", t)
        .await
        .unwrap();
    let (by_email, by_ip) = store
        .recent_login_failures("s@x.fr", "10.0.0.1", t - Duration::minutes(15))
        .await
        .unwrap();
    assert_eq!((by_email.len(), by_ip.len()), (1, 2));
    assert_eq!(by_email[0], t, "timestamps round-trip to the microsecond");
    store.clear_login_failures("s@x.fr").await.unwrap();
    let (by_email, by_ip) = store
        .recent_login_failures("s@x.fr", "10.0.0.1", t - Duration::hours(1))
        .await
        .unwrap();
    assert_eq!((by_email.len(), by_ip.len()), (0, 1));
}

#[tokio::test]
async fn sessions() {
    on_every_backend!(sessions_and_failures);
}

async fn api_tokens_scenario(store: &Store) {
    let a = user(store, "t@x.fr").await;
    let b = user(store, "u@x.fr").await;
    let tok = store
        .create_api_token(&Actor::user(&a), &a, "cron", "rls_abcd", "digest-1")
        .await
        .unwrap();
    assert_eq!(
        store.list_api_tokens(a.id).await.unwrap(),
        vec![tok.clone()]
    );
    assert!(store.list_api_tokens(b.id).await.unwrap().is_empty());
    let owner = store
        .user_by_api_token("digest-1", now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner.id, a.id);
    assert!(
        store.list_api_tokens(a.id).await.unwrap()[0]
            .last_used_at
            .is_some(),
        "use is recorded"
    );
    assert!(store
        .user_by_api_token("digest-2", now())
        .await
        .unwrap()
        .is_none());
    // Someone else's token cannot be revoked, and is not even "found".
    assert!(matches!(
        store.revoke_api_token(&Actor::user(&b), &b, tok.id).await,
        Err(StoreError::NotFound)
    ));
    store
        .revoke_api_token(&Actor::user(&a), &a, tok.id)
        .await
        .unwrap();
    assert!(store
        .user_by_api_token("digest-1", now())
        .await
        .unwrap()
        .is_none());
    assert!(store.list_api_tokens(a.id).await.unwrap().is_empty());
    assert!(matches!(
        store.revoke_api_token(&Actor::user(&a), &a, tok.id).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn api_tokens() {
    on_every_backend!(api_tokens_scenario);
}

async fn workspaces_and_members(store: &Store) {
    let sys = Actor::System("test");
    let owner = user(store, "owner@x.fr").await;
    let mgr = user(store, "mgr@x.fr").await;
    let outsider = user(store, "out@x.fr").await;
    let admin = store
        .create_user(&sys, new_user("admin@x.fr", true))
        .await
        .unwrap();

    let ws = store
        .create_workspace(&sys, "brand-a", "Brand A", Some(owner.id), false)
        .await
        .unwrap();
    let other = store
        .create_workspace(&sys, "brand-b", "Brand B", None, false)
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_workspace(&sys, "brand-a", "Again", None, false)
            .await,
        Err(StoreError::Conflict("slug"))
    ));
    assert_eq!(
        store.workspace_by_slug("brand-a").await.unwrap().unwrap(),
        ws
    );

    let o = Actor::user(&owner);
    store
        .set_membership(&o, Role::Owner, ws.id, mgr.id, Add(Role::Manager))
        .await
        .unwrap();
    let members = store.members(ws.id).await.unwrap();
    assert_eq!(
        members
            .iter()
            .map(|m| (m.email.as_str(), m.role))
            .collect::<Vec<_>>(),
        vec![("mgr@x.fr", Role::Manager), ("owner@x.fr", Role::Owner)]
    );

    // Visibility: members see their workspaces, outsiders nothing, admins everything as owners.
    let seen = store.workspaces_for_user(&mgr).await.unwrap();
    assert_eq!(
        seen.iter()
            .map(|w| (w.workspace.slug.as_str(), w.role))
            .collect::<Vec<_>>(),
        vec![("brand-a", Role::Manager)]
    );
    assert!(store
        .workspaces_for_user(&outsider)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .workspace_for_user("brand-a", &outsider)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .workspace_for_user("nope", &mgr)
        .await
        .unwrap()
        .is_none());
    let all = store.workspaces_for_user(&admin).await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|w| w.role == Role::Owner));
    assert_eq!(
        store
            .workspace_for_user("brand-b", &admin)
            .await
            .unwrap()
            .unwrap()
            .workspace,
        other
    );

    // Rules: a manager cannot make owners or touch them; the last owner stays.
    let m = Actor::user(&mgr);
    assert!(matches!(
        store
            .set_membership(&m, Role::Manager, ws.id, outsider.id, Add(Role::Owner))
            .await,
        Err(StoreError::Rule(MembershipRuleError::OwnerOnly))
    ));
    assert!(matches!(
        store
            .set_membership(&m, Role::Manager, ws.id, owner.id, Remove)
            .await,
        Err(StoreError::Rule(MembershipRuleError::OwnerOnly))
    ));
    assert!(matches!(
        store
            .set_membership(&o, Role::Owner, ws.id, owner.id, Change(Role::Viewer))
            .await,
        Err(StoreError::Rule(MembershipRuleError::LastOwner))
    ));
    store
        .set_membership(&m, Role::Manager, ws.id, outsider.id, Add(Role::Viewer))
        .await
        .unwrap();
    store
        .set_membership(
            &m,
            Role::Manager,
            ws.id,
            outsider.id,
            Change(Role::CommunityManager),
        )
        .await
        .unwrap();
    store
        .set_membership(&m, Role::Manager, ws.id, outsider.id, Remove)
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_membership(&m, Role::Manager, ws.id, outsider.id, Remove)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .set_membership(&m, Role::Manager, ws.id, UserId(424242), Add(Role::Viewer))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        matches!(
            store
                .set_membership(&m, Role::Manager, ws.id, outsider.id, Change(Role::Viewer))
                .await,
            Err(StoreError::NotFound)
        ),
        "changing a non-member's role never adds them"
    );
    assert!(
        matches!(
            store
                .set_membership(&o, Role::Owner, ws.id, mgr.id, Add(Role::Viewer))
                .await,
            Err(StoreError::Conflict("membership"))
        ),
        "adding a member again is a conflict, not a role change"
    );
    assert_eq!(
        store.members(ws.id).await.unwrap().len(),
        2,
        "refused changes wrote nothing"
    );
    assert!(store.members(other.id).await.unwrap().is_empty());

    // The audit log: who, what, before and after; newest first; paged; per workspace.
    let log = store.audit_for_workspace(ws.id, None, 100).await.unwrap();
    let actions: Vec<AuditAction> = log.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![
            AuditAction::MemberRemoved,
            AuditAction::MemberRoleChanged,
            AuditAction::MemberAdded,
            AuditAction::MemberAdded,
            AuditAction::MemberAdded,
            AuditAction::WorkspaceCreated,
        ]
    );
    assert_eq!(log[1].actor, "mgr@x.fr");
    assert_eq!(log[1].target, "out@x.fr");
    assert_eq!(log[1].before, Some(serde_json::json!({"role": "viewer"})));
    assert_eq!(
        log[1].after,
        Some(serde_json::json!({"role": "community_manager"}))
    );
    let page2 = store
        .audit_for_workspace(ws.id, Some(log[1].id), 2)
        .await
        .unwrap();
    assert_eq!(
        page2.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![log[2].id, log[3].id]
    );
    assert_eq!(
        store
            .audit_for_workspace(other.id, None, 100)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn workspaces() {
    on_every_backend!(workspaces_and_members);
}

async fn invitations_scenario(store: &Store) {
    let sys = Actor::System("test");
    let owner = user(store, "own@x.fr").await;
    let ws = store
        .create_workspace(&sys, "brand", "Brand", Some(owner.id), false)
        .await
        .unwrap();
    let o = Actor::user(&owner);
    let t = now();
    assert!(matches!(
        store
            .create_invitation(
                &o,
                Role::Manager,
                ws.id,
                "new@x.fr",
                Role::Owner,
                "ih0",
                t + Duration::days(1)
            )
            .await,
        Err(StoreError::Rule(MembershipRuleError::OwnerOnly))
    ));
    let inv = store
        .create_invitation(
            &o,
            Role::Owner,
            ws.id,
            "new@x.fr",
            Role::Viewer,
            "ih1",
            t + Duration::days(1),
        )
        .await
        .unwrap();
    let (found, found_ws) = store.invitation_by_token("ih1", t).await.unwrap().unwrap();
    assert_eq!((found, found_ws.id), (inv.clone(), ws.id));
    assert!(
        store
            .invitation_by_token("ih1", t + Duration::days(2))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );

    let (new_user, joined) = store
        .accept_invitation("ih1", "Nouvelle", "$argon2id$h", t)
        .await
        .unwrap();
    assert_eq!((new_user.email.as_str(), joined.id), ("new@x.fr", ws.id));
    let role = store
        .workspace_for_user("brand", &new_user)
        .await
        .unwrap()
        .unwrap()
        .role;
    assert_eq!(role, Role::Viewer);
    assert!(matches!(
        store.accept_invitation("ih1", "Again", "h", t).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store.invitation_by_token("ih1", t).await.unwrap().is_none(),
        "used"
    );

    // Accepting for an address that meanwhile got an account changes nothing at all.
    store
        .create_invitation(
            &o,
            Role::Owner,
            ws.id,
            "late@x.fr",
            Role::Viewer,
            "ih2",
            t + Duration::days(1),
        )
        .await
        .unwrap();
    user(store, "late@x.fr").await;
    assert!(matches!(
        store.accept_invitation("ih2", "Late", "h", t).await,
        Err(StoreError::Conflict("email"))
    ));
    assert!(
        store.invitation_by_token("ih2", t).await.unwrap().is_some(),
        "the invitation is still unused"
    );
    assert_eq!(store.members(ws.id).await.unwrap().len(), 2);

    // Expired invitations cannot be accepted.
    store
        .create_invitation(
            &o,
            Role::Owner,
            ws.id,
            "old@x.fr",
            Role::Viewer,
            "ih3",
            t - Duration::seconds(1),
        )
        .await
        .unwrap();
    assert!(matches!(
        store.accept_invitation("ih3", "Old", "h", t).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.user_by_email("old@x.fr").await.unwrap().is_none());
}

#[tokio::test]
async fn invitations() {
    on_every_backend!(invitations_scenario);
}

async fn demo_scenario(store: &Store) {
    assert_eq!(
        seed_demo(store, "$argon2id$one").await.unwrap(),
        DemoOutcome::Created
    );
    let client = store
        .user_by_email("client@demo.local")
        .await
        .unwrap()
        .unwrap();
    let seen = store.workspaces_for_user(&client).await.unwrap();
    assert_eq!(
        seen.iter()
            .map(|w| (w.workspace.slug.as_str(), w.role))
            .collect::<Vec<_>>(),
        vec![("maison-dupain", Role::ClientApprover)]
    );
    assert_eq!(store.list_workspaces().await.unwrap().len(), 3);
    assert!(
        store
            .user_by_email("owner@demo.local")
            .await
            .unwrap()
            .unwrap()
            .is_admin
    );

    assert_eq!(
        seed_demo(store, "$argon2id$two").await.unwrap(),
        DemoOutcome::PasswordReset
    );
    assert_eq!(
        store
            .user_with_password("viewer@demo.local")
            .await
            .unwrap()
            .unwrap()
            .1,
        "$argon2id$two"
    );
    assert_eq!(
        store.list_users().await.unwrap().len(),
        5,
        "no duplicate demo users"
    );

    user(store, "real@agency.fr").await;
    match seed_demo(store, "$argon2id$three").await {
        Err(DemoError::NotDemo {
            users: 1,
            workspaces: 0,
        }) => {}
        other => panic!("expected NotDemo, got {other:?}"),
    }
    assert_eq!(
        store
            .user_with_password("viewer@demo.local")
            .await
            .unwrap()
            .unwrap()
            .1,
        "$argon2id$two"
    );
}

#[tokio::test]
async fn demo() {
    on_every_backend!(demo_scenario);
}

async fn user_with_membership_scenario(store: &Store) {
    let sys = Actor::System("test");
    let ws = store
        .create_workspace(&sys, "brand", "Brand", None, false)
        .await
        .unwrap();
    let u = store
        .create_user_in(
            &sys,
            new_user("m@x.fr", false),
            Some((ws.id, Role::Manager)),
        )
        .await
        .unwrap();
    assert_eq!(store.members(ws.id).await.unwrap()[0].user_id, u.id);
    // A membership that cannot be written takes the account down with it.
    let missing = relais_core::WorkspaceId(ws.id.0 + 1000);
    assert!(matches!(
        store
            .create_user_in(
                &sys,
                new_user("n@x.fr", false),
                Some((missing, Role::Viewer))
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store.user_by_email("n@x.fr").await.unwrap().is_none(),
        "nothing half-written"
    );
}

#[tokio::test]
async fn user_with_membership_is_atomic() {
    on_every_backend!(user_with_membership_scenario);
}
