//! `relais keys generate` and `relais keys rotate` on the real binary: the
//! credentials are re-sealed with the new key, all or nothing, and still open.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use relais_auth::vault::{SecretKey, Vault};
use relais_core::model::Actor;
use relais_core::Network;
use relais_store::{ConnectOptions, Store};
use std::process::Command;

fn relais(data: &std::path::Path, key: &str, previous: Option<&str>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_relais"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RELAIS_DATA_DIR", data)
        .env("RELAIS_SECRETS__KEY", key);
    if let Some(p) = previous {
        c.env("RELAIS_SECRETS__PREVIOUS_KEYS", format!("[{p}]"));
    }
    c
}

#[tokio::test]
async fn rotate_reseals_every_credential_with_the_new_key_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // A fresh key from the binary.
    let out = Command::new(env!("CARGO_BIN_EXE_relais"))
        .args(["keys", "generate"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    let k1 = SecretKey::from_base64(printed.trim()).unwrap();
    let k2 = SecretKey::generate();
    let (k1b, k2b) = (k1.to_base64(), k2.to_base64());

    // Two connected accounts sealed with k1.
    let st = relais(dir.path(), &k1b, None)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let url = format!("sqlite://{}", dir.path().join("relais.sqlite3").display());
    let store = Store::connect(&url, &ConnectOptions::default())
        .await
        .unwrap();
    let sys = Actor::System("test");
    let ws = store
        .create_workspace(&sys, "b", "B", None, false)
        .await
        .unwrap();
    let old = Vault::new(SecretKey::from_base64(&k1b).unwrap(), vec![]);
    let mut accounts = Vec::new();
    for (i, secret) in ["app-password-one", "token-two"].iter().enumerate() {
        let a = store
            .create_account(&sys, ws.id, Network::Mastodon, &format!("a{i}@x.test"), "A")
            .await
            .unwrap();
        let ctx = format!("account-credentials:{}", a.id.0);
        store
            .save_connection(&sys, ws.id, a.id, &old.seal(secret.as_bytes(), &ctx), "1")
            .await
            .unwrap();
        accounts.push((a.id, ctx, secret.to_string()));
    }
    store.close().await;

    // Without the old key the rotation cannot open them: nothing changes.
    let out = relais(dir.path(), &k2b, None)
        .args(["keys", "rotate"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("previous_keys") && err.contains(k1.id()),
        "{err}"
    );
    let store = Store::connect(&url, &ConnectOptions::default())
        .await
        .unwrap();
    for (id, ctx, secret) in &accounts {
        let sealed = store
            .connection(*id)
            .await
            .unwrap()
            .unwrap()
            .sealed_credentials;
        assert_eq!(
            &*old.open(&sealed, ctx).unwrap(),
            secret.as_bytes(),
            "untouched"
        );
    }
    store.close().await;

    // With the old key as a previous key: every credential moves to k2.
    let out = relais(dir.path(), &k2b, Some(&k1b))
        .args(["keys", "rotate"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("2 credential(s) re-encrypted"), "{text}");
    for secret in ["app-password-one", "token-two", &k1b, &k2b] {
        assert!(!text.contains(secret) && !String::from_utf8_lossy(&out.stderr).contains(secret));
    }
    let new = Vault::new(SecretKey::from_base64(&k2b).unwrap(), vec![]);
    let store = Store::connect(&url, &ConnectOptions::default())
        .await
        .unwrap();
    for (id, ctx, secret) in &accounts {
        let sealed = store
            .connection(*id)
            .await
            .unwrap()
            .unwrap()
            .sealed_credentials;
        assert!(sealed.contains(k2.id()), "{sealed}");
        assert!(!sealed.contains(secret.as_str()));
        assert_eq!(&*new.open(&sealed, ctx).unwrap(), secret.as_bytes());
    }
    store.close().await;
    // Running it again changes nothing.
    let out = relais(dir.path(), &k2b, None)
        .args(["keys", "rotate"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("0 credential(s) re-encrypted"));
}
