//! Schema checks on both backends: migrations apply to an empty database (and
//! again, as a no-op), and every foreign key is covered by an index.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use relais_store::testing;

#[tokio::test]
async fn migrations_apply_and_every_foreign_key_is_indexed() {
    for db in testing::all().await {
        // testing::all() already migrated an empty database; a second run is a no-op.
        db.store.migrate().await.unwrap();
        let report = db.store.foreign_key_report().await.unwrap();
        assert!(
            report.len() >= 8,
            "{}: expected the foundation's foreign keys, got {report:?}",
            db.label
        );
        let missing: Vec<_> = report.iter().filter(|fk| !fk.indexed).collect();
        assert!(
            missing.is_empty(),
            "{}: foreign keys without an index: {missing:?}",
            db.label
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn an_unindexed_foreign_key_is_reported() {
    // The check itself must be able to fail.
    for db in testing::all().await {
        let sql =
            "CREATE TABLE fk_probe (id BIGINT PRIMARY KEY, user_id BIGINT REFERENCES users (id))";
        db.store.execute_raw_for_tests(sql).await.unwrap();
        let report = db.store.foreign_key_report().await.unwrap();
        let probe: Vec<_> = report.iter().filter(|fk| fk.table == "fk_probe").collect();
        assert_eq!(probe.len(), 1, "{}", db.label);
        assert!(!probe[0].indexed, "{}", db.label);
        db.finish().await;
    }
}
