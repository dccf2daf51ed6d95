//! Every message key the templates and handlers use exists in French and English.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use relais_core::audit::AuditAction;
use relais_core::{Locale, Role};
use relais_i18n::I18n;
use std::path::Path;

fn literal_keys(text: &str, out: &mut Vec<String>) {
    for call in [
        ".t(\"",
        ".t1(\"",
        ".n(\"",
        ".t(ctx.locale, \"",
        ".t1(ctx.locale, \"",
        ".t(self.locale, \"",
    ] {
        for piece in text.split(call).skip(1) {
            if let Some(key) = piece.split('"').next() {
                if !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    out.push(key.to_string());
                }
            }
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "html")
        ) {
            literal_keys(&std::fs::read_to_string(&path).unwrap(), out);
        }
    }
}

#[test]
fn every_used_key_exists_in_both_languages() {
    let i18n = I18n::new().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut keys = Vec::new();
    walk(&root.join("src"), &mut keys);
    walk(&root.join("templates"), &mut keys);
    assert!(keys.len() > 80, "the scan found only {} keys", keys.len());
    // Keys built at run time.
    keys.extend(Role::ALL.iter().map(|r| format!("role-{}", r.as_str())));
    keys.extend(
        AuditAction::ALL
            .iter()
            .map(|a| format!("audit-{}", a.as_str())),
    );
    // Publishing (issue 4): states, outcomes, parts, notices and health,
    // whose keys are built at run time.
    keys.extend(
        relais_core::publish::DeliveryState::ALL
            .iter()
            .map(|s| relais_web::pages::publication::state_key(s.as_str())),
    );
    keys.extend(
        relais_web::pages::publication::OUTCOMES
            .iter()
            .map(|o| relais_web::pages::publication::outcome_key(o)),
    );
    for part in ["post", "thread-part", "first-comment"] {
        keys.push(format!("delivery-part-{part}"));
    }
    for key in [
        "publish-dst-shifted",
        "publish-dst-ambiguous-first",
        "publish-dst-ambiguous-second",
        "health-not-connected",
        "health-connected",
        "health-connected-since",
        "health-reconnect-needed",
        "health-rate-limited",
        "health-no-reason",
    ] {
        keys.push(key.to_string());
    }
    for reason in relais_web::error::UNSCHEDULABLE_REASONS {
        keys.push(format!(
            "error-{}",
            relais_web::error::unschedulable(reason).1
        ));
    }
    for kind in relais_core::entry::NotificationKind::ALL {
        keys.push(format!("notification-{}", kind.as_str().replace('_', "-")));
    }
    for code in [
        "in-flight",
        "unschedulable-other",
        "connect-identifier-invalid",
        "connect-secret-invalid",
        "connect-address-invalid",
        "connect-no-connector",
        "connect-no-vault",
        "connect-network-mismatch",
        "connect-refused-bluesky",
        "connect-refused-mastodon",
        "connect-unreachable",
        "connect-invalid",
        "publish-timezone-invalid",
        "publish-starts-at-invalid",
        "publish-not-scheduled",
    ] {
        keys.push(format!("error-{code}"));
    }
    for status in [
        400, 401, 403, 404, 405, 408, 409, 413, 415, 422, 429, 500, 502, 503,
    ] {
        keys.push(format!("error-title-{status}"));
        keys.push(format!("error-text-{status}"));
    }
    for code in [
        "required",
        "email-invalid",
        "slug-invalid",
        "too-long",
        "invalid-characters",
        "password-too-short",
        "password-too-long",
        "password-mismatch",
        "role-invalid",
        "locale-invalid",
        "taken-email",
        "taken-slug",
        "owner-only",
        "last-owner",
        "invalid-json",
        "unknown-field",
    ] {
        keys.push(format!("error-{code}"));
    }
    keys.sort();
    keys.dedup();
    let missing: Vec<String> = keys
        .iter()
        .flat_map(|k| {
            Locale::ALL
                .iter()
                .filter(|l| !i18n.has(**l, k))
                .map(move |l| format!("{}:{k}", l.as_str()))
        })
        .collect();
    assert!(missing.is_empty(), "missing messages: {missing:?}");
}

/// Every problem of the topic query language and of the search box has its
/// message and hint in both languages, and they use only the values the
/// problem gives (a missing value would show as `{$name}`).
#[test]
fn query_problems_are_said_in_both_languages() {
    let i18n = I18n::new().unwrap();
    let mut seen = std::collections::HashSet::new();
    for problem in relais_veille::Problem::samples() {
        seen.insert(problem.code());
        let mut args = relais_i18n::FluentArgs::new();
        for (name, value) in problem.args() {
            args.set(name, value);
        }
        for locale in [Locale::Fr, Locale::En] {
            for key in [
                format!("vquery-{}", problem.code()),
                format!("vquery-{}-hint", problem.code()),
            ] {
                assert!(i18n.has(locale, &key), "{key} missing in {locale:?}");
                let text = i18n.format(locale, &key, Some(&args));
                assert!(
                    !text.contains('{') && !text.is_empty(),
                    "{key} ({locale:?}): {text}"
                );
            }
        }
    }
    assert!(seen.len() >= 27, "one sample per problem: {}", seen.len());
    for code in relais_search::QUERY_ERROR_CODES {
        for locale in [Locale::Fr, Locale::En] {
            for key in [format!("vsearch-{code}"), format!("vsearch-{code}-hint")] {
                assert!(i18n.has(locale, &key), "{key} missing in {locale:?}");
            }
        }
    }
}
