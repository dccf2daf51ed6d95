//! `relais backup`: a consistent copy of a live SQLite database.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use relais_core::model::Actor;
use relais_store::{testing, ConnectOptions, NewUser, Store};

#[tokio::test]
async fn backup_copies_a_live_database_and_refuses_to_overwrite() {
    let db = testing::sqlite().await;
    let store = db.store.clone();
    let writer = tokio::spawn(async move {
        for i in 0..200 {
            let user = NewUser {
                email: format!("u{i}@x.fr"),
                display_name: "U".into(),
                password_hash: "h".into(),
                is_admin: false,
                is_demo: false,
            };
            store
                .create_user(&Actor::System("test"), user)
                .await
                .unwrap();
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.sqlite3");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    db.store.backup_sqlite(&copy).await.unwrap();
    writer.await.unwrap();

    let restored = Store::connect(
        &format!("sqlite://{}", copy.display()),
        &ConnectOptions::default(),
    )
    .await
    .unwrap();
    let users = restored.list_users().await.unwrap();
    let audit = restored.audit_for_instance(None, 1000).await.unwrap();
    assert_eq!(
        users.len(),
        audit.len(),
        "every user in the copy has its audit entry: one consistent snapshot"
    );
    restored.migrate().await.unwrap();

    let err = db.store.backup_sqlite(&copy).await.unwrap_err();
    assert!(
        err.to_string().contains("exist") || err.to_string().contains("output file"),
        "{err}"
    );
    db.finish().await;
}
