//! The relais store: one API over two backends, chosen by the database URL.
//!
//! `sqlite:` URLs use the embedded SQLite file (WAL, `busy_timeout`, foreign keys
//! on, temporary storage in memory); `postgres://` URLs use PostgreSQL. Every query is written once, with `$n`
//! placeholders that both dialects accept, and compiled against both drivers by the
//! [`on_pool!`] macro; backend-specific SQL exists only where the dialects differ
//! (migrations, backup, schema introspection). Each change and its audit entry are
//! written in one transaction.

use relais_core::entry::Status;
use relais_core::policy::MembershipRuleError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

mod assets;
mod audit;
mod charter;
pub mod demo;
mod demo_data;
mod entries;
mod notifications;
mod publishing;
mod rows;
#[cfg(feature = "testing")]
pub mod testing;
pub mod time;
mod users;
mod veille;
mod workspaces;

pub use entries::EntryFilter;
pub use publishing::{
    grace, AccountStatus, Attempt, ClaimRequest, Claimed, Connection, Delivery, DeliveryId,
    DeliveryOptions, DeliveryPart, DeliveryView, Outcome, PartRecord, RemotePost, Told,
};
pub use time::DbTime;
pub use users::{NewUser, SessionRecord};
pub use veille::{
    hour_of, FetchRecord, HourVolume, IndexedItem, ItemAnalysis, ItemBatch, ItemFilter, ItemView,
    PendingItem, SourceFetch, SourceImport,
};
pub use workspaces::{DemoCensus, MembershipChange};

/// Runs `$body` with `$pool` bound to the live backend's pool. The body is
/// compiled once per backend, so the same query code is type-checked against both.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite($pool) => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// `$first, $first+1, …`: `n` numbered SQL parameters (both backends read
/// `$n`).
pub(crate) fn marks(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `(…), (…)`: `rows` rows of `cols` numbered SQL parameters from `$first`,
/// for a multi-row `VALUES`.
pub(crate) fn value_rows(rows: usize, cols: usize, first: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", marks(first + r * cols, cols)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a backend writes the parameters of a statement that binds them all in
/// order, each once: PostgreSQL numbers them (`$1, $2, …`), SQLite takes
/// them anonymous (`?`). SQLite's numbered parameters are named ones: its
/// parser looks each name up among those seen so far, and the driver asks
/// each parameter's name when binding, both linear scans, so a statement of
/// n numbered parameters costs O(n²) in them (3 % of the feed benchmark's
/// samples with 512 a statement); anonymous parameters have no name.
pub(crate) trait Placeholders {
    /// `(…), (…)`: `rows` rows of `cols` parameters, the statement's only
    /// ones.
    fn value_rows_in_order(rows: usize, cols: usize) -> String;
}

impl Placeholders for SqlitePool {
    fn value_rows_in_order(rows: usize, cols: usize) -> String {
        let row = format!("({})", vec!["?"; cols].join(", "));
        vec![row; rows].join(", ")
    }
}

impl Placeholders for PgPool {
    fn value_rows_in_order(rows: usize, cols: usize) -> String {
        value_rows(rows, cols, 1)
    }
}

/// [`Placeholders::value_rows_in_order`] for `pool`'s backend.
pub(crate) fn rows_in_order<P: Placeholders>(_pool: &P, rows: usize, cols: usize) -> String {
    P::value_rows_in_order(rows, cols)
}

/// A pool whose write transactions the store opens ([`Store::begin_write`]).
///
/// SQLite: `BEGIN IMMEDIATE` takes the write lock at the start, where
/// `busy_timeout` waits for it. A deferred `BEGIN` that reads first and
/// writes later fails at once with `SQLITE_BUSY` ("database is locked") when
/// another connection or process committed in between: its snapshot is stale
/// and waiting cannot help, so the busy handler is not called. That is what a
/// web request racing the worker hit. PostgreSQL: a plain `BEGIN`.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    /// Whether writers of one process take turns through the store's gate.
    const GATED: bool;
    fn begin_tx(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>>
           + Send;
}

impl BeginWrite for SqlitePool {
    type Db = sqlx::Sqlite;
    const GATED: bool = true;
    fn begin_tx(
        &self,
    ) -> impl std::future::Future<
        Output = Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error>,
    > + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for PgPool {
    type Db = sqlx::Postgres;
    const GATED: bool = false;
    fn begin_tx(
        &self,
    ) -> impl std::future::Future<
        Output = Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error>,
    > + Send {
        self.begin()
    }
}

/// A write transaction and, on SQLite, this process's turn to write. Used as
/// the transaction it wraps: `&mut *tx` is the connection; `commit` ends it.
pub(crate) struct WriteTx<DB: sqlx::Database> {
    tx: sqlx::Transaction<'static, DB>,
    _turn: Option<WriteTurn>,
}

impl<DB: sqlx::Database> WriteTx<DB> {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// The page size of a new SQLite database: 8 KiB instead of SQLite's 4 KiB.
/// A feed item's row (1–3 KB of text) then shares its page with two or three
/// others instead of leaving a third of a page empty beside it: fewer pages
/// to balance, log and copy back per item stored, about 7% of the feed
/// ingestion pass (bench/README.md, "Pages of 8 KiB"). It is also
/// PostgreSQL's page size.
pub const SQLITE_PAGE_SIZE: u32 = 8192;

/// This process's turn to write on SQLite ([`Store::write_turn`]). When it
/// ends, a checkpoint may start ([`Checkpoints`]).
pub(crate) struct WriteTurn {
    _permit: tokio::sync::OwnedSemaphorePermit,
    checkpoints: std::sync::Arc<Checkpoints>,
}

impl Drop for WriteTurn {
    fn drop(&mut self) {
        self.checkpoints.after_write();
    }
}

/// SQLite's checkpoints (copying the write-ahead log back into the database
/// file), run beside the writers instead of by them. SQLite's own
/// automatic checkpoint runs inside the commit that fills the log past
/// 1,000 pages, while that writer still holds this process's turn: about a
/// fifth of the writers' time when feed items pour in (bench/README.md).
/// Instead, the end of a write turn starts a PASSIVE checkpoint on another
/// connection when none is running and the last one started
/// [`ConnectOptions::sqlite_checkpoint_every`] ago or more. A PASSIVE checkpoint never blocks
/// writers or readers.
///
/// The log is reused from its start only by a writer that begins once a
/// checkpoint has caught up with it. Under a steady stream of writes the
/// next writer always begins while the checkpoint beside it runs, so the
/// log would only grow, until SQLite's backstop made every commit
/// checkpoint (and sync) inside the writer's turn. So when a checkpoint
/// leaves a log of [`Checkpoints::CATCH_UP_PAGES`] or more, it takes the
/// write turn and checkpoints again: that copies only what was written
/// during the first one, and the writer after it starts the log over.
///
/// SQLite's own checkpoint stays as a backstop, at
/// [`Checkpoints::BACKSTOP_PAGES`], for writes that take no turn (sessions,
/// another process). When the last connection closes, SQLite checkpoints
/// and removes the log.
#[derive(Debug)]
pub(crate) struct Checkpoints {
    pool: SqlitePool,
    /// The store's write turn ([`Store::write_gate`]), taken to catch up.
    write_gate: std::sync::Arc<tokio::sync::Semaphore>,
    /// How often a checkpoint starts, at most, while writes come.
    every: Duration,
    running: std::sync::atomic::AtomicBool,
    last: std::sync::Mutex<Option<std::time::Instant>>,
}

impl Checkpoints {
    /// How often a checkpoint starts, at most, while writes come, by
    /// default ([`ConnectOptions::sqlite_checkpoint_every`]).
    const EVERY: Duration = Duration::from_millis(200);
    /// SQLite's automatic checkpoint (`wal_autocheckpoint`, in pages: 40 MB
    /// of [`SQLITE_PAGE_SIZE`]), which only writes outside the turns should
    /// reach.
    const BACKSTOP_PAGES: u32 = 5_000;
    /// A log of this many pages (8 MB of [`SQLITE_PAGE_SIZE`]) or more left
    /// by a checkpoint beside the writers is caught up with inside the write
    /// turn. (A database made with 4 KiB pages, before, halves both.)
    const CATCH_UP_PAGES: i64 = 1_000;

    fn new(
        pool: SqlitePool,
        write_gate: std::sync::Arc<tokio::sync::Semaphore>,
        every: Duration,
    ) -> Checkpoints {
        Checkpoints {
            pool,
            write_gate,
            every,
            running: std::sync::atomic::AtomicBool::new(false),
            last: std::sync::Mutex::new(None),
        }
    }

    fn after_write(self: &std::sync::Arc<Self>) {
        use std::sync::atomic::Ordering;
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        {
            let Ok(mut last) = self.last.lock() else {
                return;
            };
            if last.is_some_and(|t| t.elapsed() < self.every) {
                return;
            }
            if self.running.swap(true, Ordering::AcqRel) {
                return;
            }
            *last = Some(std::time::Instant::now());
        }
        let me = std::sync::Arc::clone(self);
        runtime.spawn(async move {
            if let Err(e) = me.checkpoint().await {
                tracing::warn!(error = %e, "sqlite: a checkpoint failed; the next commit starts another");
            }
            me.running.store(false, Ordering::Release);
        });
    }

    /// A PASSIVE checkpoint beside the writers, then, if it left a long log,
    /// another one inside the write turn (see [`Checkpoints`]).
    async fn checkpoint(&self) -> std::result::Result<(), sqlx::Error> {
        const PASSIVE: &str = "PRAGMA wal_checkpoint(PASSIVE)";
        // (busy, pages in the log, pages copied back): -1s when the file is
        // not in WAL mode.
        let (_, log, _): (i64, i64, i64) = sqlx::query_as(PASSIVE).fetch_one(&self.pool).await?;
        if log >= Self::CATCH_UP_PAGES {
            let Ok(_turn) = self.write_gate.acquire().await else {
                return Ok(());
            };
            sqlx::query(PASSIVE).execute(&self.pool).await?;
        }
        Ok(())
    }
}

impl<DB: sqlx::Database> std::ops::Deref for WriteTx<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        &self.tx
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for WriteTx<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.tx
    }
}

/// The database behind a [`Store`].
#[derive(Debug, Clone)]
pub(crate) enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Which kind of database a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

/// The store handle: cheap to clone, shared by every request and worker.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) backend: Backend,
    /// SQLite allows one writer at a time. The writers of this process take
    /// turns here, in order, instead of meeting on the file lock, where
    /// SQLite's busy handler makes each loser sleep (1, 2, 5, 10… ms) before
    /// it looks again. Other processes still wait on the lock
    /// (`busy_timeout`). Unused on PostgreSQL.
    pub(crate) write_gate: std::sync::Arc<tokio::sync::Semaphore>,
    /// SQLite's checkpoints, run beside the writers. `None` on PostgreSQL.
    checkpoints: Option<std::sync::Arc<Checkpoints>>,
}

/// Connection settings that are not part of the URL.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub max_connections: u32,
    pub connect_timeout: Duration,
    pub sqlite_busy_timeout: Duration,
    /// How often, at most, a SQLite checkpoint starts while writes come
    /// (see [`Checkpoints`]). Unused on PostgreSQL.
    pub sqlite_checkpoint_every: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            max_connections: 8,
            connect_timeout: Duration::from_secs(5),
            sqlite_busy_timeout: Duration::from_secs(5),
            sqlite_checkpoint_every: Checkpoints::EVERY,
        }
    }
}

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist (or is not visible to the asker).
    #[error("not found")]
    NotFound,
    /// A unique value is already taken; names the field (`email`, `slug`, …).
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// A membership rule refused the change.
    #[error(transparent)]
    Rule(#[from] MembershipRuleError),
    /// The database URL cannot be used.
    #[error("invalid database URL: {0}")]
    BadUrl(String),
    /// The database could not be reached.
    #[error("cannot connect to the database at {url}: {reason}")]
    Connect { url: String, reason: String },
    /// Applying migrations failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Stored data that cannot be read back (should never happen).
    #[error("corrupt data in {table}: {detail}")]
    Corrupt { table: &'static str, detail: String },
    /// Any other database error.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A request that only makes sense for one backend.
    #[error("{0}")]
    Unsupported(&'static str),
    /// A task writing for the caller stopped before it answered (its
    /// runtime shutting down, or a bug): what it was given may or may not
    /// be written, and is safe to give again.
    #[error("stopped before answering: {0}")]
    Stopped(String),
    /// The record changed since the caller read it (optimistic concurrency: the
    /// version it started from is no longer the current one). Nothing was written.
    #[error("changed since you opened it")]
    Stale,
    /// The entry's content cannot be changed in its current status (submitted,
    /// approved, scheduled…): it must go back to draft first.
    #[error("this entry cannot be edited in its current status")]
    NotEditable,
    /// The status workflow has no such transition.
    #[error("an entry cannot go from {} to {}", from.as_str(), to.as_str())]
    BadTransition { from: Status, to: Status },
    /// A publication of the entry is being sent right now (or its result is
    /// not confirmed yet): it can no longer be stopped or changed. Nothing was
    /// written.
    #[error("a publication of this entry is being sent right now")]
    InFlight,
    /// The entry cannot be scheduled: the reason says what is missing
    /// (`no_date`, `no_account`, `nothing_to_publish`, `partly_published`).
    #[error("this entry cannot be scheduled: {0}")]
    Unschedulable(&'static str),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Maps a unique-constraint violation to [`StoreError::Conflict`] naming `field`.
pub(crate) fn conflict_on(field: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(field),
        _ => StoreError::Db(e),
    }
}

/// The URL with any password masked, for messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("********"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

impl Store {
    /// Opens a write transaction on `pool` (this store's), after this
    /// process's turn to write on SQLite (see [`Store::write_gate`]).
    pub(crate) async fn begin_write<P: BeginWrite>(&self, pool: &P) -> Result<WriteTx<P::Db>> {
        let turn = self.write_turn(pool).await?;
        let tx = pool.begin_tx().await?;
        Ok(WriteTx { tx, _turn: turn })
    }

    /// This process's turn to write, on SQLite; held for a single-statement
    /// write (an `UPDATE … RETURNING` outside a transaction) as well. The
    /// turn is not re-entrant: while holding it, write through the
    /// transaction only, never through another `Store` write method.
    pub(crate) async fn write_turn<P: BeginWrite>(&self, _pool: &P) -> Result<Option<WriteTurn>> {
        let Some(checkpoints) = self.checkpoints.as_ref().filter(|_| P::GATED) else {
            return Ok(None);
        };
        let permit = self
            .write_gate
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Db(sqlx::Error::PoolClosed))?;
        Ok(Some(WriteTurn {
            _permit: permit,
            checkpoints: std::sync::Arc::clone(checkpoints),
        }))
    }

    /// Connects to the database named by `url` (`sqlite:…` or `postgres://…`).
    /// For SQLite the file and its directory are created if missing. Does not
    /// migrate: call [`Store::migrate`].
    pub async fn connect(url: &str, opts: &ConnectOptions) -> Result<Store> {
        let fail = |reason: String| StoreError::Connect {
            url: redact_url(url),
            reason,
        };
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::BadUrl(e.to_string()))?
                .create_if_missing(true)
                // Only a new database takes it (before its first table);
                // one made with another page size keeps it.
                .page_size(SQLITE_PAGE_SIZE)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                // Statement journals (a multi-row `INSERT … ON CONFLICT`
                // inside a transaction keeps one) spill to a temporary file
                // past 64 KiB: a file created and deleted per statement,
                // about a third of the SQLite thread's time when storing
                // feed items (bench/README.md). In memory they cost a copy.
                .pragma("temp_store", "memory")
                // Checkpoints run beside the writers: see [`Checkpoints`].
                .pragma(
                    "wal_autocheckpoint",
                    Checkpoints::BACKSTOP_PAGES.to_string(),
                )
                .busy_timeout(opts.sqlite_busy_timeout)
                .foreign_keys(true);
            let path = options.get_filename();
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| fail(format!("cannot create directory {}: {e}", dir.display())))?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(opts.connect_timeout)
                .connect_with(options)
                .await
                .map_err(|e| fail(e.to_string()))?;
            let write_gate = std::sync::Arc::new(tokio::sync::Semaphore::new(1));
            Ok(Store {
                checkpoints: Some(std::sync::Arc::new(Checkpoints::new(
                    pool.clone(),
                    std::sync::Arc::clone(&write_gate),
                    opts.sqlite_checkpoint_every,
                ))),
                backend: Backend::Sqlite(pool),
                write_gate,
            })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options =
                PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(e.to_string()))?;
            let pool = match PgPoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(opts.connect_timeout)
                .connect_with(options.clone())
                .await
            {
                Ok(pool) => pool,
                // The pool only says it timed out; one direct attempt tells why
                // (connection refused, unknown host, bad password…).
                Err(sqlx::Error::PoolTimedOut) => {
                    use sqlx::Connection;
                    let attempt = tokio::time::timeout(
                        opts.connect_timeout,
                        sqlx::PgConnection::connect_with(&options),
                    )
                    .await;
                    let reason = match attempt {
                        Ok(Err(e)) => e.to_string(),
                        _ => format!("no answer within {} s", opts.connect_timeout.as_secs()),
                    };
                    return Err(fail(reason));
                }
                Err(e) => return Err(fail(e.to_string())),
            };
            Ok(Store {
                backend: Backend::Postgres(pool),
                write_gate: std::sync::Arc::new(tokio::sync::Semaphore::new(1)),
                checkpoints: None,
            })
        } else {
            Err(StoreError::BadUrl(format!(
                "{} (expected sqlite:PATH or postgres://…)",
                redact_url(url)
            )))
        }
    }

    /// Applies the embedded migrations that have not run yet.
    pub async fn migrate(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Backend::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    pub fn kind(&self) -> BackendKind {
        match self.backend {
            Backend::Sqlite(_) => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Closes every pooled connection (at shutdown).
    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }

    /// Makes a consistent copy of a live SQLite database at `path` with
    /// `VACUUM INTO`, which reads one snapshot while writers go on. Refuses to
    /// overwrite an existing file. PostgreSQL: use `pg_dump`.
    pub async fn backup_sqlite(&self, path: &std::path::Path) -> Result<()> {
        let Backend::Sqlite(pool) = &self.backend else {
            return Err(StoreError::Unsupported(
                "relais backup copies the SQLite database; for PostgreSQL use pg_dump (see the README)",
            ));
        };
        let target = path.to_str().ok_or(StoreError::Unsupported(
            "the backup path must be valid UTF-8",
        ))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// The names of the user tables and, for each foreign key, whether an index
    /// starts with its columns. Used by the schema test.
    pub async fn foreign_key_report(&self) -> Result<Vec<ForeignKeyIndex>> {
        match &self.backend {
            Backend::Sqlite(pool) => {
                let tables: Vec<(String,)> = sqlx::query_as(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
                )
                .fetch_all(pool)
                .await?;
                let mut out = Vec::new();
                for (table,) in tables {
                    let fks: Vec<(i64, String)> = sqlx::query_as(
                        "SELECT id, \"from\" FROM pragma_foreign_key_list($1) ORDER BY id, seq",
                    )
                    .bind(&table)
                    .fetch_all(pool)
                    .await?;
                    // Leading columns of every index, the primary key included.
                    let indexes: Vec<(String,)> =
                        sqlx::query_as("SELECT name FROM pragma_index_list($1)")
                            .bind(&table)
                            .fetch_all(pool)
                            .await?;
                    let mut leading: Vec<Vec<String>> = Vec::new();
                    for (index,) in indexes {
                        let cols: Vec<(String,)> =
                            sqlx::query_as("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                                .bind(&index)
                                .fetch_all(pool)
                                .await?;
                        leading.push(cols.into_iter().map(|c| c.0).collect());
                    }
                    let pk: Vec<(String,)> = sqlx::query_as(
                        "SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk",
                    )
                    .bind(&table)
                    .fetch_all(pool)
                    .await?;
                    leading.push(pk.into_iter().map(|c| c.0).collect());
                    let mut by_fk: std::collections::BTreeMap<i64, Vec<String>> =
                        Default::default();
                    for (id, col) in fks {
                        by_fk.entry(id).or_default().push(col);
                    }
                    for cols in by_fk.into_values() {
                        let indexed = leading
                            .iter()
                            .any(|idx| idx.len() >= cols.len() && idx[..cols.len()] == cols[..]);
                        out.push(ForeignKeyIndex {
                            table: table.clone(),
                            columns: cols,
                            indexed,
                        });
                    }
                }
                Ok(out)
            }
            Backend::Postgres(pool) => {
                let rows: Vec<(String, Vec<String>, bool)> = sqlx::query_as(
                    r#"
                    SELECT c.conrelid::regclass::text,
                           ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o),
                           EXISTS (SELECT 1 FROM pg_index i
                                   WHERE i.indrelid = c.conrelid
                                     AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] = c.conkey)
                    FROM pg_constraint c
                    JOIN pg_namespace n ON n.oid = c.connamespace
                    WHERE c.contype = 'f' AND n.nspname = current_schema()
                    "#,
                )
                .fetch_all(pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(table, columns, indexed)| ForeignKeyIndex {
                        table,
                        columns,
                        indexed,
                    })
                    .collect())
            }
        }
    }
}

/// One foreign key and whether an index covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyIndex {
    pub table: String,
    pub columns: Vec<String>,
    pub indexed: bool,
}

#[cfg(feature = "testing")]
impl Store {
    /// Runs one statement as is (tests only).
    pub async fn execute_raw_for_tests(&self, sql: &str) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(sql).execute(pool).await?;
        });
        Ok(())
    }
}

#[cfg(test)]
mod placeholder_tests {
    use super::*;

    #[test]
    fn parameters_in_order_per_backend() {
        assert_eq!(
            <SqlitePool as Placeholders>::value_rows_in_order(2, 3),
            "(?, ?, ?), (?, ?, ?)"
        );
        assert_eq!(
            <PgPool as Placeholders>::value_rows_in_order(2, 3),
            "($1, $2, $3), ($4, $5, $6)"
        );
        assert_eq!(<SqlitePool as Placeholders>::value_rows_in_order(0, 3), "");
    }
}
