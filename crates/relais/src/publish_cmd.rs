//! The publishing side of the binary: building the worker from the
//! configuration (`relais serve`, `relais worker`), and the key commands
//! (`relais keys generate`, `relais keys rotate`).

use anyhow::{anyhow, Context, Result};
use clap::Subcommand;
use relais_auth::vault::{SecretKey, Vault};
use relais_config::Config;
use relais_store::Store;
use relais_worker::{credentials_context, Notifier, Worker, WorkerOptions};
use std::sync::Arc;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Print a new random key (base64) for `secrets.key` / RELAIS_SECRETS__KEY.
    Generate,
    /// Re-encrypt every stored credential with the current key (`secrets.key`
    /// or the key file). Put the old key in `secrets.previous_keys` first;
    /// remove it once this succeeded. All or nothing.
    Rotate,
}

/// The vault from the configuration, with a message a person can act on.
pub fn vault(config: &Config) -> Result<Arc<Vault>> {
    let vault = config
        .load_vault()
        .map_err(|e| anyhow!("{e}"))
        .context("loading the credentials key ([secrets])")?;
    Ok(Arc::new(vault))
}

/// The worker for this configuration.
pub fn worker(config: &Config, store: Store, vault: Arc<Vault>) -> Result<Worker> {
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
    Ok(Worker::new(
        store,
        vault,
        relais_media::MediaStore::new(config.data_dir.clone()),
        WorkerOptions::from_config(&config.publish),
        Notifier::new(mailer, i18n, &base),
    ))
}

pub async fn keys(config: &Config, store: Option<Store>, command: &KeysCommand) -> Result<()> {
    match command {
        KeysCommand::Generate => {
            println!("{}", SecretKey::generate().to_base64());
            Ok(())
        }
        KeysCommand::Rotate => {
            let store = store.ok_or_else(|| anyhow!("no database"))?;
            let vault = vault(config)?;
            let mut already = 0usize;
            let outcome = store
                .reseal_credentials(|account, sealed| {
                    let context = credentials_context(account);
                    match vault.reseal(sealed, &context) {
                        Ok(None) => {
                            already += 1;
                            Ok(None)
                        }
                        Ok(Some(new)) => Ok(Some(new)),
                        Err(e) => Err(anyhow!("account {}: {e}", account.0)),
                    }
                })
                .await
                .context("re-encrypting the credentials")?;
            let n = outcome.context("nothing was changed")?;
            println!(
                "{n} credential(s) re-encrypted with key {}; {already} already used it. \
                 You can now remove the old key from secrets.previous_keys.",
                vault.current.id()
            );
            Ok(())
        }
    }
}
