//! Bulk CPU work (parsing fetched feeds) on its own threads, at a lower
//! scheduling priority than the rest of the process.
//!
//! A burst of feeds gives the parsers more work than there are cores. At the
//! same priority they would take the cores from what must not wait behind
//! them: the single item writer (the one serial step of ingestion, so the
//! pace of the whole pass; bench/README.md), web requests and publishing.
//! Here the parsers yield to those, and still get every core the rest leaves
//! idle. One pool serves the whole process, created on first use with one
//! thread per core.
//!
//! On Linux the threads' nice value is raised by [`NICE`] (a thread's nice
//! value is its own there). Elsewhere they run at the normal priority. If the
//! threads cannot be created, the work runs on the runtime's blocking pool.

use std::sync::OnceLock;

/// How much lower the parsers' priority is: nice 10 weighs about a tenth
/// of nice 0 when both want a core.
pub(crate) const NICE: i32 = 10;

static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();

fn pool() -> Option<&'static rayon::ThreadPool> {
    POOL.get_or_init(|| {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        match rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("relais-parse-{i}"))
            .start_handler(|_| lower_priority())
            // A panic loses that job only: its caller sees it stopped.
            .panic_handler(|_| tracing::error!("background: a parsing job panicked"))
            .build()
        {
            Ok(pool) => Some(pool),
            Err(e) => {
                tracing::warn!(error = %e, "background: no parsing threads; parsing on the blocking pool");
                None
            }
        }
    })
    .as_ref()
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    let raise = rustix::process::getpriority_process(None).map_or(NICE, |now| (now + NICE).min(19));
    if let Err(e) = rustix::process::setpriority_process(None, raise) {
        tracing::debug!(error = %e, "background: the parsing thread keeps its priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// Runs `work` on the background threads and waits for its result. Errs
/// when the work did not finish (it panicked, or the pool is gone).
pub(crate) async fn run<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let Some(pool) = pool() else {
        return tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| e.to_string());
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    pool.spawn(move || {
        let _ = tx.send(work());
    });
    rx.await
        .map_err(|_| "the parsing job stopped before it finished".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_on_named_threads_and_a_panic_is_an_error() {
        let name = run(|| std::thread::current().name().map(str::to_owned))
            .await
            .unwrap();
        assert!(
            name.as_deref()
                .is_some_and(|n| n.starts_with("relais-parse-")),
            "ran on {name:?}"
        );
        let failed = run(|| -> u8 { panic!("boom") }).await;
        assert!(failed.is_err());
        // The pool still works after a panic.
        assert_eq!(run(|| 2 + 2).await, Ok(4));
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_threads_run_at_a_lower_priority_than_the_caller() {
        let mine = rustix::process::getpriority_process(None).unwrap();
        let theirs = run(|| rustix::process::getpriority_process(None).unwrap())
            .await
            .unwrap();
        assert_eq!(theirs, (mine + NICE).min(19));
    }
}
