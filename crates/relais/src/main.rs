//! `relais`: the command-line entry point. Glue only: it parses arguments, loads
//! the configuration, opens the store and hands over to the crates that do the work.

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use relais_config::{Config, LogFormat, Overrides};
use relais_core::model::Actor;
use relais_core::validate::{self, Email};
use relais_core::Role;
use relais_store::demo::{seed_demo, DemoOutcome, DEMO_USERS};
use relais_store::{ConnectOptions, NewUser, Store};
use std::io::{IsTerminal, Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

mod calendar_cmd;
mod lint;
mod publish_cmd;
mod veille_cmd;
mod veille_run;

/// relais — self-hosted community management.
#[derive(Debug, Parser)]
#[command(name = "relais", version, about)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct Global {
    /// Configuration file (default: ./relais.toml if it exists).
    #[arg(long, global = true, env = "RELAIS_CONFIG")]
    config: Option<PathBuf>,
    /// Directory for local data (the embedded SQLite database).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER:PASSWORD@HOST/DB.
    #[arg(long, global = true)]
    database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (pages, API, workers).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free one).
        #[arg(long)]
        bind: Option<String>,
        /// Fill an empty database with a demo agency and print how to log in.
        #[arg(long)]
        demo: bool,
        /// The demo users' password (default: a generated one, printed).
        #[arg(long, requires = "demo")]
        demo_password: Option<String>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage workspaces.
    Workspace {
        #[command(subcommand)]
        command: WorkspaceCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Copy the live SQLite database to PATH (PostgreSQL: use pg_dump).
    Backup { path: PathBuf },
    /// Load and validate the configuration, print it (secrets masked), and check the database answers.
    CheckConfig,
    /// Import or export a workspace's calendar (CSV, iCalendar).
    Calendar {
        #[command(subcommand)]
        command: calendar_cmd::CalendarCommand,
    },
    /// Run only the publishing worker (no web server): it sends scheduled
    /// posts. Several may run against one PostgreSQL database.
    Worker,
    /// Manage the key that encrypts connected accounts' credentials.
    Keys {
        #[command(subcommand)]
        command: publish_cmd::KeysCommand,
    },
    /// Run the composer's checks on a text (a FILE, or standard input) for some
    /// networks. Exit code 1 when a finding is an error, 2 when it cannot run.
    Lint(lint::LintArgs),
    /// Veille: match posts against topic queries, check a query, import OPML feeds.
    Veille {
        #[command(subcommand)]
        command: veille_cmd::VeilleCommand,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from standard input when it is not
    /// a terminal; otherwise one is generated and printed.
    Add {
        email: String,
        /// Role in the workspace: owner, manager, community_manager, client_approver, viewer.
        #[arg(long)]
        role: Option<String>,
        /// The workspace's slug (may be omitted when there is exactly one).
        #[arg(long)]
        workspace: Option<String>,
        /// Make the account an instance administrator.
        #[arg(long)]
        admin: bool,
        /// Display name (default: the part of the address before @).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum WorkspaceCommand {
    /// Create a workspace (one per client brand).
    Add {
        slug: String,
        /// Display name (default: the slug).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print it (shown once).
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // No configuration, database or async runtime: the checks are pure.
    if let Command::Lint(args) = &cli.command {
        return lint::run(args);
    }
    if let Command::Veille { command } = &cli.command {
        if !command.needs_store() {
            return veille_cmd::run(command);
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line a person can act on; no stack trace.
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line. A cause whose text is already part of
/// the message (errors that print their source, such as `StoreError::Db`) is not
/// repeated, and multi-line messages (a TOML parse error quotes the offending
/// line) are flattened.
fn one_line(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = flatten(&cause.to_string());
        if text.is_empty() || out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// Joins the lines of a message, dropping blank lines and quoted source
/// excerpts (`  |`, `1 | text`, `  |   ^`).
fn flatten(message: &str) -> String {
    let mut out = String::new();
    for line in message.lines().map(str::trim) {
        let after_number = line.trim_start_matches(|c: char| c.is_ascii_digit());
        if line.is_empty() || after_number.trim_start().starts_with('|') {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if line.starts_with('(') { " " } else { "; " });
        }
        out.push_str(line);
    }
    out
}

fn load_config(g: &Global, bind: Option<String>) -> Result<Config> {
    let overrides = Overrides {
        bind,
        data_dir: g.data_dir.clone(),
        database_url: g.database_url.clone(),
    };
    Ok(Config::load(g.config.as_deref(), &overrides)?)
}

fn init_logging(config: &Config) -> Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log.level)
        .map_err(|e| anyhow!("invalid value for log.level {:?}: {e}", config.log.level))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match config.log.format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Human => builder.try_init(),
    };
    result.map_err(|e| anyhow!("cannot start logging: {e}"))
}

async fn open_store(config: &Config, migrate: bool) -> Result<Store> {
    let opts = ConnectOptions {
        max_connections: config.database.max_connections,
        connect_timeout: Duration::from_secs(config.database.connect_timeout_secs),
        sqlite_busy_timeout: Duration::from_millis(config.database.sqlite_busy_timeout_ms),
        ..ConnectOptions::default()
    };
    let hint = if config.is_sqlite() {
        "check --data-dir / data_dir or --database-url / database.url, and that the directory is writable"
    } else {
        "check database.url / --database-url, and that the database server is running"
    };
    let store = Store::connect(&config.database_url(), &opts)
        .await
        .map_err(|e| anyhow!("{e} ({hint})"))?;
    if migrate {
        store
            .migrate()
            .await
            .context("applying database migrations")?;
    }
    Ok(store)
}

async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || relais_auth::hash_password(&password))
        .await?
        .map_err(|e| anyhow!("{e}"))
}

async fn run(cli: Cli) -> Result<()> {
    let g = &cli.global;
    match cli.command {
        Command::Serve {
            bind,
            demo,
            demo_password,
        } => serve(load_config(g, bind)?, demo, demo_password).await,
        Command::Migrate => {
            let config = load_config(g, None)?;
            let store = open_store(&config, true).await?;
            store.close().await;
            println!(
                "migrations applied to {}",
                relais_store::redact_url(&config.database_url())
            );
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    role,
                    workspace,
                    admin,
                    name,
                },
        } => {
            let config = load_config(g, None)?;
            let store = open_store(&config, true).await?;
            user_add(&store, &email, role, workspace, admin, name).await
        }
        Command::Workspace {
            command: WorkspaceCommand::Add { slug, name },
        } => {
            let store = open_store(&load_config(g, None)?, true).await?;
            let slug = validate::slug("slug", &slug).map_err(|_| {
                anyhow!("invalid workspace slug {slug:?}: use 2 to 48 lower-case letters, digits and hyphens")
            })?;
            let name = validate::name("name", name.as_deref().unwrap_or(&slug))
                .map_err(|_| anyhow!("invalid --name: 1 to 100 characters"))?;
            let ws = store
                .create_workspace(&Actor::System("cli"), &slug, &name, None, false)
                .await
                .map_err(|e| anyhow!("cannot create workspace {slug:?}: {e}"))?;
            println!("workspace {} created ({})", ws.slug, ws.name);
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { user, name },
        } => {
            let config = load_config(g, None)?;
            require_existing_sqlite(&config)?;
            let store = open_store(&config, true).await?;
            let email = Email::parse("email", &user)
                .map_err(|_| anyhow!("{user:?} is not an e-mail address"))?;
            let u = store.user_by_email(email.as_str()).await?.ok_or_else(|| {
                anyhow!(
                    "no account for {}; create it with `relais user add`",
                    email.as_str()
                )
            })?;
            let name = validate::name("name", &name)
                .map_err(|_| anyhow!("invalid --name: 1 to 100 characters"))?;
            let secret = relais_auth::new_api_token();
            let prefix: String = secret.chars().take(8).collect();
            store
                .create_api_token(
                    &Actor::System("cli"),
                    &u,
                    &name,
                    &prefix,
                    &relais_auth::token_digest(&secret),
                )
                .await?;
            println!("{secret}");
            Ok(())
        }
        // Handled in main, before the runtime starts.
        Command::Lint(_) => Ok(()),
        Command::Veille { command } => {
            let config = load_config(g, None)?;
            require_existing_sqlite(&config)?;
            let store = open_store(&config, true).await?;
            let result = match command {
                veille_cmd::VeilleCommand::Reindex => match veille_run::open_index(&config) {
                    Ok(index) => veille_run::reindex(&store, &index).await.map(|n| {
                        println!(
                            "{n} items indexed in {}",
                            veille_run::index_dir(&config).display()
                        );
                    }),
                    Err(e) => Err(e),
                },
                _ => veille_cmd::run_with_store(&store, &command).await,
            };
            store.close().await;
            result
        }
        Command::Worker => run_worker(load_config(g, None)?).await,
        Command::Keys { command } => {
            let config = load_config(g, None)?;
            let store = match command {
                publish_cmd::KeysCommand::Generate => None,
                publish_cmd::KeysCommand::Rotate => {
                    require_existing_sqlite(&config)?;
                    Some(open_store(&config, true).await?)
                }
            };
            let result = publish_cmd::keys(&config, store.clone(), &command).await;
            if let Some(store) = store {
                store.close().await;
            }
            result
        }
        Command::Calendar { command } => {
            let config = load_config(g, None)?;
            require_existing_sqlite(&config)?;
            let store = open_store(&config, true).await?;
            calendar_cmd::run(&store, command).await
        }
        Command::Backup { path } => {
            let config = load_config(g, None)?;
            if !config.is_sqlite() {
                bail!("relais backup copies the SQLite database; for PostgreSQL use pg_dump (see the README)");
            }
            if path.exists() {
                bail!("{} already exists: choose a new file name", path.display());
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                if !dir.is_dir() {
                    bail!(
                        "cannot write {}: directory {} does not exist",
                        path.display(),
                        dir.display()
                    );
                }
            }
            // Connecting creates a missing SQLite file: check first, so that a
            // mistyped --data-dir is not "backed up" as a new, empty database.
            if let Some(db) = config.sqlite_file() {
                if !db.is_file() {
                    bail!(
                        "no database at {}: check --data-dir / data_dir or --database-url",
                        db.display()
                    );
                }
            }
            let store = open_store(&config, false).await?;
            store
                .backup_sqlite(&path)
                .await
                .with_context(|| format!("backing up to {}", path.display()))?;
            println!("backup written to {}", path.display());
            Ok(())
        }
        Command::CheckConfig => {
            let config = load_config(g, None)?;
            // An invalid log.level would stop `serve`: report it here too.
            init_logging(&config)?;
            let text = toml::to_string(&config.redacted()).unwrap_or_default();
            println!("{text}");
            if let Some(db) = config.sqlite_file().filter(|db| !db.is_file()) {
                // Checking must not create the database.
                println!("# configuration valid; no database at {} yet: `relais migrate` or `relais serve` creates it", db.display());
                return Ok(());
            }
            let store = open_store(&config, false).await?;
            store.ping().await?;
            store.close().await;
            println!(
                "# configuration valid; database reachable at {}",
                relais_store::redact_url(&config.database_url())
            );
            Ok(())
        }
    }
}

async fn user_add(
    store: &Store,
    email: &str,
    role: Option<String>,
    workspace: Option<String>,
    admin: bool,
    name: Option<String>,
) -> Result<()> {
    let email = Email::parse("email", email)
        .map_err(|_| anyhow!("{email:?} is not a valid e-mail address"))?;
    let role = role
        .map(|r| {
            Role::parse(&r).ok_or_else(|| {
                anyhow!("unknown role {r:?}: use owner, manager, community_manager, client_approver or viewer")
            })
        })
        .transpose()?;
    // Where the membership goes, checked before anything is written.
    let target = match (role, workspace) {
        (Some(role), Some(slug)) => {
            let ws = store.workspace_by_slug(&slug).await?.ok_or_else(|| {
                anyhow!("no workspace {slug:?}; create it with `relais workspace add {slug}`")
            })?;
            Some((ws, role))
        }
        (Some(role), None) => {
            let all = store.list_workspaces().await?;
            match all.as_slice() {
                [only] => Some((only.clone(), role)),
                [] => {
                    bail!("there is no workspace yet; create one with `relais workspace add SLUG`")
                }
                _ => bail!("several workspaces exist; name one with --workspace SLUG"),
            }
        }
        (None, Some(_)) => bail!("--workspace needs --role"),
        (None, None) if admin => None,
        (None, None) => bail!("give --role (and --workspace), or --admin"),
    };
    let mut stdin = std::io::stdin();
    let (password, generated) = if stdin.is_terminal() {
        (relais_auth::generate_password(), true)
    } else {
        let mut input = String::new();
        stdin
            .read_to_string(&mut input)
            .context("reading the password from standard input")?;
        // The first line is the password; anything after it is ignored.
        let p = input
            .lines()
            .next()
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_string();
        if p.is_empty() {
            (relais_auth::generate_password(), true)
        } else {
            (p, false)
        }
    };
    validate::new_password("password", "password", &password, &password)
        .map_err(|_| anyhow!("the password must have 12 to 256 characters"))?;
    let display_name =
        name.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("").to_string());
    let display_name = validate::name("name", &display_name)
        .map_err(|_| anyhow!("invalid --name: 1 to 100 characters"))?;
    let actor = Actor::System("cli");
    let membership = target.as_ref().map(|(ws, role)| (ws.id, *role));
    let user = store
        .create_user_in(
            &actor,
            NewUser {
                email: email.into_string(),
                display_name,
                password_hash: hash(password.clone()).await?,
                is_admin: admin,
                is_demo: false,
            },
            membership,
        )
        .await
        .map_err(|e| anyhow!("cannot create the account: {e}"))?;
    match target {
        Some((ws, role)) => println!("{} added to {} as {}", user.email, ws.slug, role),
        None => println!("{} created (instance administrator)", user.email),
    }
    if generated {
        println!("password: {password}");
    }
    Ok(())
}

async fn serve(config: Config, demo: bool, demo_password: Option<String>) -> Result<()> {
    init_logging(&config)?;
    // Arguments are checked before the database is created or migrated.
    if let Some(p) = &demo_password {
        validate::new_password("password", "password", p, p)
            .map_err(|_| anyhow!("--demo-password must have 12 to 256 characters"))?;
    }
    let store = open_store(&config, true).await?;
    if demo {
        let (password, shown) = match demo_password {
            Some(p) => (p, false),
            None => (relais_auth::generate_password(), true),
        };
        let outcome = seed_demo(&store, &hash(password.clone()).await?).await?;
        let what = match outcome {
            DemoOutcome::Created => "demo agency created",
            DemoOutcome::PasswordReset => "demo agency found; password reset",
        };
        println!("relais demo: {what}. Log in as any of:");
        for (email, name, ..) in DEMO_USERS {
            println!("  {email:<22} {name}");
        }
        if shown {
            println!("  password: {password}");
        } else {
            println!("  password: the one given with --demo-password");
        }
    }
    let addr: SocketAddr = config.server.bind.parse().context("server.bind")?;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            "another program uses this port: stop it, or choose another address with --bind or server.bind"
        } else {
            "check server.bind / --bind"
        };
        anyhow!("cannot listen on {addr}: {e}; {hint}")
    })?;
    let local = listener.local_addr()?;
    let vault = publish_cmd::vault(&config)?;
    // The web seals the credentials a person connects; the worker opens them.
    let mut state =
        relais_web::AppState::new(store.clone(), config.clone())?.with_vault((*vault).clone());
    // Veille search: an index that cannot be opened leaves search off (the
    // page says so), not the server down.
    let index = match veille_run::open_index(&config) {
        Ok(index) => {
            state = state.with_search(Arc::clone(&index));
            Some(index)
        }
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "veille search is off");
            None
        }
    };
    let app = relais_web::app(state);

    let shutdown = CancellationToken::new();
    // Installed before "listening" is printed: a supervisor that stops the
    // server as soon as it is up must get a graceful shutdown, not the default
    // SIGTERM action.
    let signalled = shutdown_signal()?;
    let signal = shutdown.clone();
    tokio::spawn(async move {
        signalled.await;
        tracing::info!("shutting down");
        signal.cancel();
    });
    let purge = tokio::spawn(purge_loop(store.clone(), shutdown.clone()));
    let worker = if config.publish.worker {
        let worker = publish_cmd::worker(&config, store.clone(), vault)?;
        let stop = shutdown.clone();
        Some(tokio::spawn(async move { worker.run(stop).await }))
    } else {
        None
    };
    let veille = start_veille(&config, &store, index, &shutdown)?;
    println!("relais listening on http://{local}");
    std::io::stdout().flush().ok();
    tracing::info!(%local, database = %relais_store::redact_url(&config.database_url()), "listening");

    let stop = shutdown.clone();
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move { stop.cancelled().await })
    .await
    .context("serving HTTP")?;
    purge.await.ok();
    if let Some(w) = worker {
        w.await.ok();
    }
    if let Some(v) = veille {
        v.await.ok();
    }
    store.close().await;
    Ok(())
}

/// Starts the veille worker when `[veille] worker` is on: first refills a
/// rebuilt or empty search index from the store, then reads the sources.
fn start_veille(
    config: &Config,
    store: &relais_store::Store,
    index: Option<Arc<relais_search::SearchIndex>>,
    shutdown: &CancellationToken,
) -> Result<Option<tokio::task::JoinHandle<()>>> {
    if !config.veille.worker {
        return Ok(None);
    }
    let id = relais_worker::worker_id();
    let veille = veille_run::worker(config, store.clone(), index.clone(), &id)?;
    let stop = shutdown.clone();
    let store = store.clone();
    Ok(Some(tokio::spawn(async move {
        // A rebuilt index, or a new one beside stored items (the demo's, or
        // a database restored into a fresh data directory), is refilled.
        if let Some(index) =
            index.filter(|i| i.rebuilt().is_some() || i.doc_count().is_ok_and(|n| n == 0))
        {
            match veille_run::reindex(&store, &index).await {
                Ok(n) => tracing::info!(items = n, "veille search index rebuilt"),
                Err(e) => {
                    tracing::error!(error = format!("{e:#}"), "veille search index not rebuilt")
                }
            }
        }
        veille.run(stop).await
    })))
}

/// `relais worker`: the publishing worker alone, until SIGTERM/SIGINT.
async fn run_worker(config: Config) -> Result<()> {
    init_logging(&config)?;
    // The handler comes first: a SIGTERM during start-up (opening and
    // migrating the database, the search index) must end the process
    // gracefully, not kill it with the default action. The workers then see
    // the cancellation at once and return.
    let shutdown = CancellationToken::new();
    let signalled = shutdown_signal()?;
    let signal = shutdown.clone();
    tokio::spawn(async move {
        signalled.await;
        tracing::info!("shutting down");
        signal.cancel();
    });
    let store = open_store(&config, true).await?;
    let vault = publish_cmd::vault(&config)?;
    let worker = publish_cmd::worker(&config, store.clone(), vault)?;
    // The veille worker writes the search index: run it in one process only
    // (`[veille] worker = false` in the others).
    let index = if config.veille.worker {
        Some(veille_run::open_index(&config)?)
    } else {
        None
    };
    let veille = start_veille(&config, &store, index, &shutdown)?;
    println!("relais worker {} running", worker.id());
    std::io::stdout().flush().ok();
    worker.run(shutdown).await;
    if let Some(v) = veille {
        v.await.ok();
    }
    store.close().await;
    Ok(())
}

/// The file behind a `sqlite:` URL, if it names one (not `:memory:`).
/// Commands that only read or add to an existing installation must not create
/// an empty database at a mistyped path.
fn require_existing_sqlite(config: &Config) -> Result<()> {
    if let Some(db) = config.sqlite_file() {
        if !db.is_file() {
            bail!("no database at {}: check --data-dir / data_dir or --database-url (run `relais migrate` to create one)", db.display());
        }
    }
    Ok(())
}

/// Removes expired sessions and old failed logins, hourly, until shutdown.
async fn purge_loop(store: Store, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tick.tick() => {
                match store.purge_expired(relais_store::time::now(), chrono::Duration::days(1)).await {
                    Ok(n) if n > 0 => tracing::info!(removed = n, "purged expired sessions and failed logins"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "purge failed"),
                }
            }
        }
    }
}

/// A future that resolves on SIGTERM or SIGINT (Ctrl-C). The handlers are
/// installed by this call, not when the future is first polled.
#[cfg(unix)]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()> + Send> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
    let mut int = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
    })
}

/// A future that resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()> + Send> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
