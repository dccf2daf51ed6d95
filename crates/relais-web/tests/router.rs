//! Router tests (`oneshot`, no socket) on the demo agency: the authorization
//! policy on every route for every role, tenant isolation through pages and API,
//! CSRF, problem documents, the OpenAPI document, limits and operations endpoints.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::Duration;
use common::*;
use relais_core::model::Actor;
use relais_core::policy::role_allows;
use relais_core::{Access, Role};
use relais_store::{testing, MembershipChange, StoreError};
use relais_web::ctx::Kind;
use relais_web::routes::routes;

/// The demo people and the workspace each one is tested in.
const PEOPLE: [(&str, &str); 6] = [
    ("owner@demo.local", "maison-dupain"),
    ("manager@demo.local", "maison-dupain"),
    ("cm@demo.local", "maison-dupain"),
    ("client@demo.local", "maison-dupain"),
    ("viewer@demo.local", "velo-cite"),
    ("stranger@x.fr", "maison-dupain"),
];

/// What the guard must answer for `who` (None: anonymous) on a route.
#[derive(Debug, PartialEq)]
enum Expect {
    Pass,
    LoginRedirect,
    Unauthorized,
    Forbidden,
    NotFound,
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_policy_says() {
    for db in testing::all().await {
        let label = db.label;
        let w = world(db).await;
        let store = &w.db.store;
        let sys = Actor::System("test");
        // A member with no workspace at all, and a target whose role the matrix changes.
        let hash = relais_auth::hash_password(DEMO_PASSWORD).unwrap();
        for email in ["stranger@x.fr", "target@x.fr"] {
            let new = relais_store::NewUser {
                email: email.into(),
                display_name: email.into(),
                password_hash: hash.clone(),
                is_admin: false,
                is_demo: false,
            };
            store.create_user(&sys, new).await.unwrap();
        }
        let target = store.user_by_email("target@x.fr").await.unwrap().unwrap();
        let mut checked = 0;
        for spec in routes() {
            let personas: Vec<Option<(&str, &str)>> = std::iter::once(None)
                .chain(PEOPLE.iter().map(|p| Some((p.0, p.1))))
                .collect();
            for persona in personas {
                // Reset what earlier requests may have changed.
                for slug in ["maison-dupain", "velo-cite"] {
                    let ws = store.workspace_by_slug(slug).await.unwrap().unwrap();
                    let change = MembershipChange::Change(Role::Viewer);
                    match store
                        .set_membership(&sys, Role::Owner, ws.id, target.id, change)
                        .await
                    {
                        Err(StoreError::NotFound) => {
                            let add = MembershipChange::Add(Role::Viewer);
                            store
                                .set_membership(&sys, Role::Owner, ws.id, target.id, add)
                                .await
                                .unwrap();
                        }
                        other => other.unwrap(),
                    }
                }
                let who = match persona {
                    Some((email, _)) => Some(w.login(email).await),
                    None => None,
                };
                let slug = persona.map_or("maison-dupain", |p| p.1);
                let ws = store.workspace_by_slug(slug).await.unwrap().unwrap();
                let role = match &who {
                    Some(l) if l.user.is_admin => Some(Role::Owner),
                    Some(l) => store
                        .members(ws.id)
                        .await
                        .unwrap()
                        .into_iter()
                        .find(|m| m.user_id == l.user.id)
                        .map(|m| m.role),
                    None => None,
                };
                let expect = match (spec.access, &who) {
                    (Access::Public, _) => Expect::Pass,
                    (_, None) if spec.kind == Kind::Page => Expect::LoginRedirect,
                    (_, None) => Expect::Unauthorized,
                    (Access::User, Some(_)) => Expect::Pass,
                    (Access::Admin, Some(l)) => {
                        if l.user.is_admin {
                            Expect::Pass
                        } else {
                            Expect::Forbidden
                        }
                    }
                    (Access::Workspace(action), Some(_)) => match role {
                        None => Expect::NotFound,
                        Some(r) if role_allows(r, action) => Expect::Pass,
                        Some(_) => Expect::Forbidden,
                    },
                };
                // A concrete path: real ids, so that allowed requests reach their handler.
                let mut path = spec
                    .path
                    .replace("{slug}", slug)
                    .replace("{user_id}", &target.id.to_string());
                if path.contains("{id}") {
                    let id = match &who {
                        Some(l) => store.list_api_tokens(l.user.id).await.unwrap()[0].id.0,
                        None => 1,
                    };
                    path = path.replace("{id}", &id.to_string());
                }
                path = editorial_fixtures(store, ws.id, path).await;
                if path.contains("{token}") {
                    let token = relais_auth::random_token();
                    let digest = relais_auth::token_digest(&token);
                    let exp = relais_store::time::now() + Duration::hours(1);
                    store
                        .create_invitation(
                            &sys,
                            Role::Owner,
                            ws.id,
                            "inv@x.fr",
                            Role::Viewer,
                            &digest,
                            exp,
                        )
                        .await
                        .unwrap();
                    path = path.replace("{token}", &token);
                }
                let response = match (spec.kind, spec.method.clone()) {
                    (Kind::Api, m) => {
                        let body = (m == Method::POST || m == Method::PATCH).then_some("{}");
                        w.api(who.as_ref(), m.as_str(), &path, body).await
                    }
                    (_, Method::GET) => w.get_page(who.as_ref(), &path).await,
                    (_, _) => w.post_form(who.as_ref(), &path, &[]).await,
                };
                let status = response.status();
                let got = if is_login_redirect(&response) {
                    Expect::LoginRedirect
                } else {
                    match status {
                        StatusCode::UNAUTHORIZED => Expect::Unauthorized,
                        StatusCode::FORBIDDEN => Expect::Forbidden,
                        StatusCode::NOT_FOUND => Expect::NotFound,
                        _ => Expect::Pass,
                    }
                };
                let who_label = persona.map_or("anonymous", |p| p.0);
                // A handler may legitimately answer 401 (failed login) on public routes.
                let ok = got == expect
                    || (expect == Expect::Pass
                        && spec.path == "/login"
                        && got == Expect::Unauthorized);
                assert!(
                    ok,
                    "[{label}] {} {} as {who_label}: expected {expect:?}, got {status} ({got:?})",
                    spec.method, spec.path
                );
                assert!(
                    status != StatusCode::INTERNAL_SERVER_ERROR,
                    "[{label}] {} {path} as {who_label}: 500",
                    spec.method
                );
                checked += 1;
            }
        }
        assert!(checked >= 40 * 7, "[{label}] only {checked} checks");
        w.db.finish().await;
    }
}

#[tokio::test]
async fn a_member_of_one_workspace_gets_404_for_everything_in_another() {
    for db in testing::all().await {
        let w = world(db).await;
        // client@demo.local belongs to maison-dupain only.
        let client = w.login("client@demo.local").await;
        let velo =
            w.db.store
                .workspace_by_slug("velo-cite")
                .await
                .unwrap()
                .unwrap();
        let velo_member = w.db.store.members(velo.id).await.unwrap()[0].user_id;
        for spec in routes() {
            if !matches!(spec.access, Access::Workspace(_)) {
                continue;
            }
            let path = spec
                .path
                .replace("{slug}", "velo-cite")
                .replace("{user_id}", &velo_member.to_string());
            let r = match (spec.kind, spec.method.as_str()) {
                (Kind::Api, m) => {
                    w.api(
                        Some(&client),
                        m,
                        &path,
                        Some("{\"role\":\"owner\",\"email\":\"a@b.fr\"}"),
                    )
                    .await
                }
                (_, "GET") => w.get_page(Some(&client), &path).await,
                _ => {
                    w.post_form(
                        Some(&client),
                        &path,
                        &[("role", "owner"), ("email", "a@b.fr")],
                    )
                    .await
                }
            };
            assert_eq!(
                r.status(),
                StatusCode::NOT_FOUND,
                "[{}] {} {path}",
                w.db.label,
                spec.method
            );
        }
        // A manager of maison-dupain cannot reach a velo-cite-only person through
        // maison-dupain's routes either.
        let manager = w.login("manager@demo.local").await;
        let viewer =
            w.db.store
                .user_by_email("viewer@demo.local")
                .await
                .unwrap()
                .unwrap();
        let path = format!("/w/maison-dupain/members/{}/role", viewer.id);
        let r = w
            .post_form(Some(&manager), &path, &[("role", "manager")])
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let api_path = format!("/api/v1/workspaces/maison-dupain/members/{}", viewer.id);
        let r = w
            .api(
                Some(&manager),
                "PATCH",
                &api_path,
                Some("{\"role\":\"manager\"}"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let md =
            w.db.store
                .workspace_by_slug("maison-dupain")
                .await
                .unwrap()
                .unwrap();
        assert!(
            !w.db
                .store
                .members(md.id)
                .await
                .unwrap()
                .iter()
                .any(|m| m.user_id == viewer.id),
            "nothing was added"
        );
        // The workspace list shows only one's own workspaces.
        let body = text(
            w.api(Some(&client), "GET", "/api/v1/workspaces", None)
                .await,
        )
        .await;
        let list: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["slug"], "maison-dupain");
        assert_eq!(list[0]["role"], "client_approver");
        let html = text(w.get_page(Some(&client), "/").await).await;
        assert!(html.contains("/w/maison-dupain") && !html.contains("/w/velo-cite"));
        w.db.finish().await;
    }
}

#[tokio::test]
async fn sessions_are_for_pages_and_tokens_for_the_api() {
    let w = world(testing::sqlite().await).await;
    let m = w.login("manager@demo.local").await;
    let r = w
        .send(
            Request::get("/api/v1/me")
                .header(header::COOKIE, &m.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "a cookie does not authenticate the API"
    );
    assert_eq!(r.headers()[header::WWW_AUTHENTICATE], "Bearer");
    let r = w
        .send(
            Request::get("/")
                .header(header::AUTHORIZATION, format!("Bearer {}", m.token))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        is_login_redirect(&r),
        "a bearer token does not log into pages"
    );
    let r = w
        .send(
            Request::get("/api/v1/me")
                .header(header::AUTHORIZATION, "Bearer rls_nope")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let body = text(w.api(Some(&m), "GET", "/api/v1/me", None).await).await;
    assert!(body.contains("\"email\":\"manager@demo.local\""), "{body}");
    w.db.finish().await;
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused_and_change_nothing() {
    let w = world(testing::sqlite().await).await;
    let m = w.login("manager@demo.local").await;
    let post = |csrf: Option<&str>| {
        let mut fields = vec![("email", "csrf-victim@x.fr"), ("role", "viewer")];
        if let Some(c) = csrf {
            fields.push(("_csrf", c));
        }
        Request::post("/w/maison-dupain/members")
            .header(header::COOKIE, &m.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(&fields).unwrap()))
            .unwrap()
    };
    for csrf in [None, Some("wrong"), Some(&"x".repeat(43)[..])] {
        let r = w.send(post(csrf)).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{csrf:?}");
        let html = text(r).await;
        assert!(html.contains("Formulaire expiré"), "{html}");
    }
    let ws =
        w.db.store
            .workspace_by_slug("maison-dupain")
            .await
            .unwrap()
            .unwrap();
    let before =
        w.db.store
            .audit_for_workspace(ws.id, None, 100)
            .await
            .unwrap()
            .len();
    let r = w.send(post(Some(&m.csrf))).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(text(r).await.contains("id=\"invite-link\""));
    let log =
        w.db.store
            .audit_for_workspace(ws.id, None, 100)
            .await
            .unwrap();
    assert_eq!(log.len(), before + 1);
    assert_eq!(log[0].actor, "manager@demo.local");
    assert_eq!(log[0].target, "csrf-victim@x.fr");
    // Anonymous forms use a double-submit cookie.
    let r = w
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("email=a%40b.fr&password=x"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    w.db.finish().await;
}

#[tokio::test]
async fn login_sets_safe_cookies_throttles_failures_and_logout_ends_the_session() {
    let w = world(testing::sqlite().await).await;
    let ok = [
        ("email", "cm@demo.local"),
        ("password", DEMO_PASSWORD),
        ("next", "/w/velo-cite"),
    ];
    let r = w.post_form(None, "/login", &ok).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/w/velo-cite");
    let cookie = r.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.starts_with("relais_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http on loopback: {cookie}"
    );
    // Behind a TLS proxy the cookie is Secure.
    let body = serde_urlencoded::to_string([
        ("email", "cm@demo.local"),
        ("password", DEMO_PASSWORD),
        ("_csrf", &"a".repeat(43)),
    ])
    .unwrap();
    let r = w
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("relais_csrf={}", "a".repeat(43)))
                .header("x-forwarded-proto", "https")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert!(r.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Secure"));

    // Open redirects are refused.
    let r = w
        .post_form(
            None,
            "/login",
            &[
                ("email", "cm@demo.local"),
                ("password", DEMO_PASSWORD),
                ("next", "//evil.example"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/");

    // Wrong password: the field error, the typed address kept, 401.
    let r = w
        .post_form(
            None,
            "/login",
            &[
                ("email", "viewer@demo.local"),
                ("password", "wrong password"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let html = text(r).await;
    assert!(
        html.contains("value=\"viewer@demo.local\"") && html.contains("aria-invalid=\"true\""),
        "{html}"
    );
    for _ in 0..4 {
        w.post_form(
            None,
            "/login",
            &[
                ("email", "viewer@demo.local"),
                ("password", "wrong password"),
            ],
        )
        .await;
    }
    // Five failures: even the right password is refused for a while.
    let r = w
        .post_form(
            None,
            "/login",
            &[("email", "viewer@demo.local"), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key(header::RETRY_AFTER));
    assert!(text(r).await.contains("Réessayez dans 15 minutes"));
    // Other addresses are not affected.
    let r = w.post_form(None, "/login", &ok).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Logout ends the session server-side.
    let m = w.login("manager@demo.local").await;
    let r = w.post_form(Some(&m), "/logout", &[]).await;
    assert_eq!(location(&r), "/login?done=logout");
    assert!(is_login_redirect(&w.get_page(Some(&m), "/settings").await));
    w.db.finish().await;
}

#[tokio::test]
async fn api_errors_are_problem_documents_naming_the_field() {
    let w = world(testing::sqlite().await).await;
    let m = w.login("manager@demo.local").await;
    let cases: [(&str, &str, &str, StatusCode, &str); 5] = [
        (
            "POST",
            "/api/v1/workspaces/maison-dupain/members",
            r#"{"email":"nope","role":"viewer"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
        ),
        (
            "POST",
            "/api/v1/workspaces/maison-dupain/members",
            r#"{"email":"a@b.fr","role":"boss"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "role",
        ),
        (
            "POST",
            "/api/v1/workspaces/maison-dupain/members",
            r#"{"role":"viewer"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
        ),
        (
            "POST",
            "/api/v1/workspaces/maison-dupain/members",
            r#"{"email":"a@b.fr","role":"owner"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "role",
        ),
        (
            "POST",
            "/api/v1/workspaces/maison-dupain/members",
            r#"{"email":"cm@demo.local","role":"viewer"}"#,
            StatusCode::CONFLICT,
            "email",
        ),
    ];
    for (method, path, body, status, field) in cases {
        let r = w.api(Some(&m), method, path, Some(body)).await;
        assert_eq!(r.status(), status, "{body}");
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "application/problem+json",
            "{body}"
        );
        let p: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
        assert_eq!(p["status"], status.as_u16());
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
        assert!(p["errors"][0]["message"]
            .as_str()
            .is_some_and(|s| !s.is_empty()));
    }
    // Malformed JSON.
    let r = w
        .api(
            Some(&m),
            "POST",
            "/api/v1/workspaces/maison-dupain/members",
            Some("{not json"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    // Unknown route under the API: a problem too, in English when asked.
    let r = w
        .send(
            Request::get("/api/v1/nope")
                .header(header::ACCEPT_LANGUAGE, "en")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let p: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
    assert_eq!(p["title"], "Page not found");
    // A valid invitation through the API, then nothing half-written on a conflict.
    let r = w
        .api(
            Some(&m),
            "POST",
            "/api/v1/workspaces/maison-dupain/members",
            Some(r#"{"email":"New@X.fr","role":"viewer"}"#),
        )
        .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let inv: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
    assert_eq!(inv["email"], "new@x.fr");
    assert!(inv["invite_url"].as_str().unwrap().contains("/invite/"));
    w.db.finish().await;
}

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_api_routes() {
    let w = world(testing::sqlite().await).await;
    let r = w.api(None, "GET", "/api/v1/openapi.json", None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = Vec::new();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "patch", "delete", "put"].contains(&method.as_str()) {
                documented.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let mut routed: Vec<String> = routes()
        .into_iter()
        .filter(|r| r.kind == Kind::Api && r.path != "/api/v1/openapi.json")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    documented.sort();
    routed.sort();
    assert_eq!(documented, routed);
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    w.db.finish().await;
}

#[tokio::test]
async fn limits_health_metrics_and_languages() {
    let mut config = relais_config::Config::default();
    config.server.max_body_bytes = 4096;
    let w = world_with(testing::sqlite().await, config).await;
    let m = w.login("manager@demo.local").await;
    let big = "x".repeat(10_000);
    let r = w
        .post_form(Some(&m), "/settings/tokens", &[("name", &big)])
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = w
        .api(
            Some(&m),
            "POST",
            "/api/v1/me/tokens",
            Some(&format!("{{\"name\":\"{big}\"}}")),
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );

    assert_eq!(text(w.get_page(None, "/healthz").await).await, "ok\n");
    assert_eq!(w.get_page(None, "/readyz").await.status(), StatusCode::OK);
    let metrics = text(w.get_page(None, "/metrics").await).await;
    assert!(metrics.contains("relais_http_requests_total{method=\"POST\",route=\"/settings/tokens\",status=\"413\"} 1"), "{metrics}");
    assert!(metrics.contains("relais_http_request_duration_seconds_bucket"));

    // French by default, English by Accept-Language, and the user's choice wins.
    let fr = text(w.get_page(None, "/login").await).await;
    assert!(fr.contains("<html lang=\"fr\">") && fr.contains("Connexion"));
    let en = text(
        w.send(
            Request::get("/login")
                .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")
                .body(Body::empty())
                .unwrap(),
        )
        .await,
    )
    .await;
    assert!(en.contains("<html lang=\"en\">") && en.contains("Log in"));
    let r = w
        .post_form(Some(&m), "/settings/language", &[("locale", "en")])
        .await;
    assert_eq!(location(&r), "/settings?done=language");
    let html = text(w.get_page(Some(&m), "/settings?done=language").await).await;
    assert!(html.contains("<html lang=\"en\">") && html.contains("Language saved."));
    let r = w
        .post_form(Some(&m), "/settings/language", &[("locale", "de")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    w.db.finish().await;
}

#[tokio::test]
async fn invalid_forms_keep_what_was_typed_and_tie_errors_to_fields() {
    let w = world(testing::sqlite().await).await;
    let m = w.login("manager@demo.local").await;
    let r = w
        .post_form(
            Some(&m),
            "/w/maison-dupain/members",
            &[("email", "pas-une-adresse"), ("role", "viewer")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(
        html.contains("value=\"pas-une-adresse\""),
        "typed value kept"
    );
    assert!(html.contains("aria-describedby=\"invite-email-error\""));
    assert!(html.contains("id=\"invite-email-error\">Saisissez une adresse e-mail valide"));
    assert!(html.contains("role=\"alert\""), "error summary");
    // A manager cannot invite an owner: an error on the role field, nothing stored.
    let r = w
        .post_form(
            Some(&m),
            "/w/maison-dupain/members",
            &[("email", "boss@x.fr"), ("role", "owner")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("id=\"invite-role-error\""));
    let owner = w.login("owner@demo.local").await;
    let r = w
        .post_form(
            Some(&owner),
            "/admin/workspaces",
            &[("slug", "Bad Slug"), ("name", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(r).await;
    assert!(
        html.contains("value=\"Bad Slug\"")
            && html.contains("id=\"ws-slug-error\"")
            && html.contains("id=\"ws-name-error\"")
    );
    assert_eq!(w.db.store.list_workspaces().await.unwrap().len(), 3);
    let r = w
        .post_form(
            Some(&owner),
            "/admin/workspaces",
            &[("slug", "velo-cite"), ("name", "Again")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("déjà utilisé"));
    w.db.finish().await;
}
