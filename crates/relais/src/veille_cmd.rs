//! `relais veille …`: topic queries from the command line, without the
//! server.
//!
//! - `match --topics FILE --input POSTS.jsonl`: every post against every
//!   topic, one pass each ([`relais_veille::Matcher`]). Topics file: one topic
//!   per line, `name<TAB>query`; blank lines and lines starting with `#` are
//!   ignored. Input: JSON Lines, one post per line, with `id` and `text` and
//!   optionally `title`, `lang`, `author`, `site`, `source`. Output on stdout:
//!   `{"id": …, "topics": [names…]}` for each post that matches at least one
//!   topic. Throughput goes to standard error. It is also the matcher
//!   benchmark's entry point.
//! - `check-query 'QUERY'`: parses a query and explains it or its error.
//! - `import-opml FILE --workspace SLUG`: adds every feed of an OPML file to
//!   the workspace's sources, in one transaction (the web page's import:
//!   the same checks, [`relais_web::pages::veille_sources::opml_sources`]).
//!   This one opens the store; a bad file or an unknown workspace is one
//!   line `error: …` and exit code 1, with nothing added.
//!
//! Exit codes: 0 = done; 1 = `check-query` found the query wrong, or `match`
//! skipped input lines it could not read (each is reported on standard
//! error, the other posts are matched); 2 = the command could not run
//! (unreadable file, a wrong topic: nothing is matched).

use anyhow::{anyhow, bail};
use clap::Subcommand;
use relais_core::model::Actor;
use relais_store::Store;
use relais_veille::{parse, Document, Matcher, Scratch, Topic};
use serde::Deserialize;
use std::borrow::Cow;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Debug, Subcommand)]
pub enum VeilleCommand {
    /// Match posts (JSON Lines) against topics (name<TAB>query per line);
    /// print the matches as JSON Lines and the throughput on standard error.
    Match {
        /// The topics file: `name<TAB>query` per line; `#` starts a comment line.
        #[arg(long)]
        topics: PathBuf,
        /// The posts: JSON Lines with `id` and `text` (optional: `title`,
        /// `lang`, `author`, `site`, `source`); `-` for standard input.
        #[arg(long)]
        input: PathBuf,
    },
    /// Parse a topic query; print how it is read, or where it is wrong and why.
    /// With --text (and --title), also say whether that post matches, part by
    /// part of the query, and where each word was found.
    CheckQuery {
        /// The query, e.g. 'grève AND (SNCF OR RATP) AND NOT "grève de la faim"'.
        query: String,
        /// A post's text to try the query on.
        #[arg(long)]
        text: Option<String>,
        /// The post's title (with --text).
        #[arg(long, requires = "text")]
        title: Option<String>,
    },
    /// Add every feed of an OPML file (from a feed reader) to a workspace's
    /// sources; feeds already watched are skipped. All or nothing.
    ImportOpml {
        /// The OPML file (`-` for standard input).
        file: PathBuf,
        /// The workspace's slug.
        #[arg(long)]
        workspace: String,
    },
    /// Adds every analysed item to the search index (`<data_dir>/search`):
    /// after restoring a backup, or when search reports a damaged index
    /// (delete the directory first). Items still waiting for their analysis
    /// are indexed by the worker once analysed. Stop `relais serve` and
    /// `relais worker` while it runs: one process writes the index at a time.
    Reindex,
}

impl VeilleCommand {
    /// Whether the command works on the store (and so needs the
    /// configuration, the database and the async runtime).
    pub fn needs_store(&self) -> bool {
        matches!(
            self,
            VeilleCommand::ImportOpml { .. } | VeilleCommand::Reindex
        )
    }
}

/// Runs a `relais veille` command that works on the store.
pub async fn run_with_store(store: &Store, command: &VeilleCommand) -> anyhow::Result<()> {
    match command {
        VeilleCommand::ImportOpml { file, workspace } => import_opml(store, file, workspace).await,
        _ => Ok(()),
    }
}

async fn import_opml(store: &Store, file: &Path, slug: &str) -> anyhow::Result<()> {
    let ws = store.workspace_by_slug(slug).await?.ok_or_else(|| {
        anyhow!("no workspace {slug:?}; list them in the web interface or create one with `relais workspace add`")
    })?;
    let bytes = if file.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut b)
            .map_err(|e| anyhow!("cannot read the OPML file from standard input: {e}"))?;
        b
    } else {
        std::fs::read(file)
            .map_err(|e| anyhow!("cannot read the OPML file {}: {e}", file.display()))?
    };
    let feeds = relais_fetch::opml::parse(&bytes)
        .map_err(|e| anyhow!("{}: {e}; nothing was added", file.display()))?;
    let in_file = feeds.len();
    let (sources, invalid) = relais_web::pages::veille_sources::opml_sources(feeds);
    if sources.is_empty() {
        bail!(
            "{}: no feed has an http or https address; nothing was added",
            file.display()
        );
    }
    let report = store
        .import_sources(&Actor::System("cli"), ws.id, &sources)
        .await?;
    let mut line = format!(
        "{} added, {} already watched ({in_file} feeds in {}, workspace {slug}",
        report.added.len(),
        report.skipped.len(),
        file.display()
    );
    if invalid > 0 {
        line.push_str(&format!(
            "; {invalid} ignored, their address is not http or https"
        ));
    }
    line.push(')');
    println!("{line}");
    Ok(())
}

/// Runs a `relais veille` command and returns its exit code.
pub fn run(command: &VeilleCommand) -> ExitCode {
    match command {
        VeilleCommand::CheckQuery { query, text, title } => {
            check_query(query, text.as_deref(), title.as_deref())
        }
        VeilleCommand::Match { topics, input } => match match_posts(topics, input) {
            Ok(skipped) => ExitCode::from(u8::from(skipped > 0)),
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
        },
        // Dispatched by `main` to [`run_with_store`].
        VeilleCommand::ImportOpml { .. } | VeilleCommand::Reindex => {
            eprintln!("error: this veille command needs the store");
            ExitCode::FAILURE
        }
    }
}

fn check_query(query: &str, text: Option<&str>, title: Option<&str>) -> ExitCode {
    match parse(query) {
        Ok(q) => {
            println!("valid query, read as:\n  {q}");
            let lits = q.literals();
            if !lits.is_empty() {
                println!("words and phrases looked for ({}):", lits.len());
                for l in lits {
                    println!("  {}", l.display());
                }
            }
            if let Some(text) = text {
                let topics = [Topic {
                    name: "query".into(),
                    query: q,
                }];
                let explained = Matcher::new(&topics).ok().and_then(|m| {
                    let doc = Document {
                        title: title.unwrap_or(""),
                        text,
                        ..Document::default()
                    };
                    m.explain(0, &doc)
                });
                let Some(e) = explained else {
                    eprintln!("error: the query could not be compiled into a matcher");
                    return ExitCode::from(2);
                };
                println!(
                    "the post {} (✓ true, ✗ false):",
                    if e.value { "matches" } else { "does not match" }
                );
                let label = |k: &str| match k {
                    "words_between" => "words between".to_string(),
                    other => other.to_string(),
                };
                for line in e.lines(&label) {
                    println!("  {line}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("invalid query: {}", e.message);
            eprintln!("{}", e.pointer(query));
            eprintln!("position {}: {}", e.position, e.hint);
            ExitCode::from(1)
        }
    }
}

/// Reads a topics file: every wrong line is reported, and then it fails.
pub fn read_topics(path: &Path) -> Result<Vec<Topic>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the topics file {}: {e}", path.display()))?;
    let mut topics = Vec::new();
    let mut errors = Vec::new();
    let mut names = std::collections::HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let Some((name, query)) = line.split_once('\t') else {
            errors.push(format!(
                "{} line {n}: no tab between the name and the query (write: name<TAB>query)",
                path.display()
            ));
            continue;
        };
        let name = name.trim();
        if name.is_empty() {
            errors.push(format!(
                "{} line {n}: the topic has no name",
                path.display()
            ));
            continue;
        }
        if !names.insert(name.to_string()) {
            errors.push(format!(
                "{} line {n}: a topic named \"{name}\" is already defined above",
                path.display()
            ));
            continue;
        }
        match parse(query) {
            Ok(query) => topics.push(Topic {
                name: name.to_string(),
                query,
            }),
            Err(e) => errors.push(format!(
                "{} line {n} (topic \"{name}\"): query position {}: {} ({})",
                path.display(),
                e.position,
                e.message,
                e.hint
            )),
        }
    }
    if !errors.is_empty() {
        return Err(format!(
            "{} wrong line(s) in the topics file, nothing was matched:\n  {}",
            errors.len(),
            errors.join("\n  ")
        ));
    }
    if topics.is_empty() {
        return Err(format!(
            "the topics file {} has no topic (one per line: name<TAB>query)",
            path.display()
        ));
    }
    Ok(topics)
}

#[derive(Debug, Deserialize)]
struct Post<'a> {
    id: serde_json::Value,
    #[serde(borrow)]
    text: Cow<'a, str>,
    #[serde(borrow, default)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    lang: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    author: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    site: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    source: Option<Cow<'a, str>>,
}

/// The most unreadable lines reported one by one.
const MAX_REPORTED: usize = 20;

/// How many input lines are read, then matched, at a time.
const BATCH: usize = 512;

/// Matches the posts; returns how many input lines were skipped.
fn match_posts(topics: &Path, input: &Path) -> Result<usize, String> {
    let topics = read_topics(topics)?;
    let built = Instant::now();
    let matcher = Matcher::new(&topics)
        .map_err(|e| format!("the topics could not be compiled into one matcher: {e}"))?;
    let compile = built.elapsed();
    let reader: Box<dyn Read> = if input.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(input)
                .map_err(|e| format!("cannot read the posts file {}: {e}", input.display()))?,
        )
    };
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut scratch = Scratch::new();
    let mut found = Vec::new();
    let (mut posts, mut matched, mut skipped, mut bytes, mut text_bytes) =
        (0u64, 0u64, 0, 0u64, 0u64);
    let mut matching = Duration::ZERO;
    let started = Instant::now();
    let mut n = 0usize;
    // Posts are read and parsed a batch at a time, then matched one after
    // the other: the matcher's tables stay in the caches across a batch,
    // and the clock is read once per batch rather than twice per post.
    let mut lines: Vec<String> = Vec::with_capacity(BATCH);
    // Each matching post of the batch, and where its topics end in `flat`.
    let mut topics_of: Vec<(usize, usize)> = Vec::new();
    let mut flat: Vec<usize> = Vec::new();
    let mut at_end = false;
    while !at_end {
        let first = n;
        let mut used = 0;
        while used < BATCH {
            if lines.len() == used {
                lines.push(String::new());
            }
            let line = &mut lines[used];
            line.clear();
            let read = reader
                .read_line(line)
                .map_err(|e| format!("{} line {}: cannot be read: {e}", input.display(), n + 1))?;
            if read == 0 {
                at_end = true;
                break;
            }
            n += 1;
            bytes += read as u64;
            used += 1;
        }
        let mut batch = Vec::with_capacity(used);
        for (k, line) in lines[..used].iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Post<'_>>(line) {
                Ok(p) => batch.push(p),
                Err(e) => {
                    skipped += 1;
                    if skipped <= MAX_REPORTED {
                        eprintln!(
                            "{} line {}: skipped, not a post ({e}); each line needs {{\"id\": …, \"text\": \"…\"}}",
                            input.display(),
                            first + k + 1
                        );
                    }
                }
            }
        }
        posts += batch.len() as u64;
        topics_of.clear();
        flat.clear();
        let t = Instant::now();
        for (i, post) in batch.iter().enumerate() {
            let doc = Document {
                title: post.title.as_deref().unwrap_or(""),
                text: &post.text,
                author: post.author.as_deref().unwrap_or(""),
                site: post.site.as_deref().unwrap_or(""),
                lang: post.lang.as_deref().unwrap_or(""),
                source: post.source.as_deref().unwrap_or(""),
            };
            text_bytes += (doc.title.len() + doc.text.len()) as u64;
            matcher.matches(&doc, &mut scratch, &mut found);
            if !found.is_empty() {
                flat.extend_from_slice(&found);
                topics_of.push((i, flat.len()));
            }
        }
        matching += t.elapsed();
        let mut from = 0;
        for &(i, to) in &topics_of {
            matched += 1;
            let names: Vec<&str> = flat[from..to].iter().map(|&t| matcher.name(t)).collect();
            from = to;
            let record = serde_json::json!({"id": batch[i].id, "topics": names});
            writeln!(out, "{record}").map_err(|e| format!("cannot write the matches: {e}"))?;
        }
    }
    out.flush()
        .map_err(|e| format!("cannot write the matches: {e}"))?;
    let total = started.elapsed();
    if skipped > MAX_REPORTED {
        eprintln!(
            "… and {} more unreadable lines skipped",
            skipped - MAX_REPORTED
        );
    }
    let mb = |b: u64| b as f64 / 1e6;
    let rate = |b: u64, d: Duration| mb(b) / d.as_secs_f64().max(1e-9);
    eprintln!(
        "{} topics ({} patterns, compiled in {:.1} ms); {posts} posts, {matched} matched, {skipped} skipped",
        matcher.len(),
        matcher.pattern_count(),
        compile.as_secs_f64() * 1e3
    );
    eprintln!(
        "matching: {:.1} MB of post lines in {:.3} s = {:.0} MB/s ({:.0} MB/s of title and text), one core",
        mb(bytes),
        matching.as_secs_f64(),
        rate(bytes, matching),
        rate(text_bytes, matching)
    );
    eprintln!(
        "end to end (reading, JSON, matching, writing): {:.3} s = {:.0} MB/s",
        total.as_secs_f64(),
        rate(bytes, total)
    );
    Ok(skipped)
}
