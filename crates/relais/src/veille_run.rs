//! Veille in the server and the worker process: the search index under the
//! data directory, the veille worker, and rebuilding the index from the
//! store.

use anyhow::{anyhow, Context, Result};
use relais_config::Config;
use relais_core::ItemId;
use relais_search::SearchIndex;
use relais_store::Store;
use relais_worker::veille::{fetch_options, item_doc, VeilleOptions, VeilleWorker};
use relais_worker::Notifier;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the search index lives: `<data_dir>/search`.
pub fn index_dir(config: &Config) -> PathBuf {
    config.data_dir.join("search")
}

/// Opens (or creates) the search index. A damaged index is an error that
/// says what to do; a rebuilt one (new schema version) is refilled from the
/// store by [`reindex`].
pub fn open_index(config: &Config) -> Result<Arc<SearchIndex>> {
    let dir = index_dir(config);
    let index = SearchIndex::open_or_create(&dir)
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| format!("opening the veille search index in {}", dir.display()))?;
    Ok(Arc::new(index))
}

/// The veille worker for this configuration.
pub fn worker(
    config: &Config,
    store: Store,
    index: Option<Arc<SearchIndex>>,
    id: &str,
) -> Result<VeilleWorker> {
    let mailer = relais_mail::Mailer::from_config(&config.mail).unwrap_or_else(|e| {
        tracing::error!(error = %e, "e-mail disabled: the [mail] configuration is unusable");
        None
    });
    let i18n = Arc::new(relais_i18n::I18n::new().map_err(|e| anyhow!("{e}"))?);
    let base = if config.server.public_url.is_empty() {
        format!("http://{}", config.server.bind)
    } else {
        config.server.public_url.clone()
    };
    let fetcher = relais_fetch::Fetcher::new(fetch_options(&config.veille, &base))
        .map_err(|e| anyhow!("{e}"))
        .context("setting up the veille fetcher")?;
    VeilleWorker::new(
        store,
        fetcher,
        index,
        Notifier::new(mailer, i18n, &base),
        VeilleOptions::from_config(&config.veille),
        id,
    )
    .map_err(|e| anyhow!("{e}"))
    .context("setting up the veille worker")
}

/// Adds every analysed item to the index (an upsert: safe to run on a full
/// index), a thousand at a time; items still pending are indexed by the
/// analysis stage. Returns how many were indexed.
pub async fn reindex(store: &Store, index: &Arc<SearchIndex>) -> Result<u64> {
    let mut after = ItemId(0);
    let mut done = 0u64;
    loop {
        let page = store.items_for_index(after, 1000).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.item.id;
        let docs: Vec<_> = page.into_iter().map(item_doc).collect();
        done += docs.len() as u64;
        let index = Arc::clone(index);
        tokio::task::spawn_blocking(move || {
            index.add(&docs)?;
            index.commit()
        })
        .await
        .map_err(|e| anyhow!("{e}"))?
        .map_err(|e| anyhow!("{e}"))?;
    }
    Ok(done)
}
