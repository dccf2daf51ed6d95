//! Test support: a fresh store on each backend.
//!
//! SQLite: a new file in a temporary directory. PostgreSQL: a new database on the
//! server named by `TEST_POSTGRES_URL` (`scripts/test.sh` starts a throw-away
//! server and sets it). Without that variable the tests fail and say how to set
//! it; `TEST_POSTGRES_URL=skip` runs the SQLite half only, loudly.

use crate::{ConnectOptions, Store};
use rand::Rng;

/// A store made for one test, and what to clean up afterwards.
#[derive(Debug)]
pub struct TestDb {
    pub label: &'static str,
    pub store: Store,
    pub url: String,
    pg_drop: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Closes the store and drops the PostgreSQL database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some((admin_url, name)) = self.pg_drop {
            if let Ok(admin) = Store::connect(&admin_url, &ConnectOptions::default()).await {
                if let crate::Backend::Postgres(pool) = &admin.backend {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(pool)
                        .await;
                }
                admin.close().await;
            }
        }
    }
}

/// The PostgreSQL server URL for tests, or `None` when explicitly skipped.
#[allow(clippy::panic)]
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(v) if v == "skip" => {
            eprintln!("WARNING: TEST_POSTGRES_URL=skip: PostgreSQL half of the store tests NOT run");
            None
        }
        Ok(v) if !v.is_empty() => Some(v),
        _ => panic!(
            "TEST_POSTGRES_URL is not set. Run the whole suite with `bash scripts/test.sh`, or start a server with \
             `bash scripts/pg-test-server.sh start` and export the URL it prints (TEST_POSTGRES_URL=skip runs SQLite only)."
        ),
    }
}

/// A fresh, migrated SQLite store in a temporary directory.
#[allow(clippy::expect_used)]
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("test.sqlite3").display());
    let store = Store::connect(&url, &ConnectOptions::default())
        .await
        .expect("open SQLite");
    store.migrate().await.expect("migrate SQLite");
    TestDb {
        label: "sqlite",
        store,
        url,
        pg_drop: None,
        _dir: Some(dir),
    }
}

/// A fresh, migrated PostgreSQL store in a new database on the test server.
#[allow(clippy::expect_used)]
pub async fn postgres(admin_url: &str) -> TestDb {
    let name = format!("relais_test_{:016x}", rand::thread_rng().gen::<u64>());
    let admin = Store::connect(admin_url, &ConnectOptions::default())
        .await
        .expect("connect to TEST_POSTGRES_URL");
    if let crate::Backend::Postgres(pool) = &admin.backend {
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(pool)
            .await
            .expect("CREATE DATABASE");
    }
    admin.close().await;
    let mut url = url::Url::parse(admin_url).expect("TEST_POSTGRES_URL is a URL");
    url.set_path(&format!("/{name}"));
    let url = url.to_string();
    let store = Store::connect(&url, &ConnectOptions::default())
        .await
        .expect("connect to test database");
    store.migrate().await.expect("migrate PostgreSQL");
    TestDb {
        label: "postgres",
        store,
        url,
        pg_drop: Some((admin_url.to_string(), name)),
        _dir: None,
    }
}

/// One fresh store per backend: SQLite, then PostgreSQL.
pub async fn all() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    if let Some(url) = postgres_url() {
        dbs.push(postgres(&url).await);
    }
    dbs
}

/// Runs `async fn scenario(&Store)` on a fresh SQLite file, then on a fresh
/// PostgreSQL database (see [`all`]), cleaning up after each.
#[macro_export]
macro_rules! on_every_backend {
    ($scenario:ident) => {
        for db in $crate::testing::all().await {
            eprintln!("-- {} on {}", stringify!($scenario), db.label);
            $scenario(&db.store).await;
            db.finish().await;
        }
    };
}
