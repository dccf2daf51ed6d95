//! `relais lint`: the composer's checks on a text, without the server.
//!
//! Exit codes: 0 = no error finding, 1 = at least one error finding, 2 = the
//! command could not run (unknown network or language, unreadable input), like
//! clap's own argument errors. Spelling always runs: a missing dictionary is a
//! `compose.spelling_unavailable` finding, never a silent pass.

use clap::{Args, ValueEnum};
use relais_compose::spell::{Dictionaries, SYSTEM_DIR};
use relais_compose::{check_networks, CheckOptions, NetworkReport, PostInput};
use relais_core::{Locale, Network};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Networks to check for, comma-separated: bluesky, mastodon, x, linkedin,
    /// facebook_page, instagram, threads, tiktok, youtube, pinterest.
    #[arg(long, value_delimiter = ',', required = true)]
    network: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    format: LintFormat,
    /// The text's language (spelling, hashtags) and the messages' language: fr or en.
    #[arg(long, default_value = "fr")]
    lang: String,
    /// Directory of Hunspell dictionaries (fr_FR.aff/.dic, en_US.aff/.dic).
    #[arg(long, default_value = SYSTEM_DIR)]
    dictionaries: PathBuf,
    /// The Mastodon instance's character limit, when it is not 500.
    #[arg(long)]
    mastodon_limit: Option<usize>,
    /// The text to check; `-` or nothing reads standard input. One final line
    /// break (the one editors and `echo` add) is not part of the text.
    file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LintFormat {
    Text,
    Json,
}

/// Runs the command and returns its exit code.
pub fn run(args: &LintArgs) -> ExitCode {
    match lint(args) {
        Ok(has_errors) => ExitCode::from(u8::from(has_errors)),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn networks(names: &[String]) -> Result<Vec<Network>, String> {
    let mut out = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let n = Network::parse(name).ok_or_else(|| {
            let valid: Vec<&str> = Network::ALL.iter().map(|n| n.as_str()).collect();
            format!(
                "unknown network {name:?}: use one or more of {}",
                valid.join(", ")
            )
        })?;
        if !out.contains(&n) {
            out.push(n);
        }
    }
    if out.is_empty() {
        return Err("--network names no network".into());
    }
    Ok(out)
}

fn read_text(file: Option<&PathBuf>) -> Result<String, String> {
    let mut bytes = Vec::new();
    match file {
        Some(path) if path.as_os_str() != "-" => {
            bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        }
        _ => {
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
        }
    }
    let mut text =
        String::from_utf8(bytes).map_err(|_| "the text is not valid UTF-8".to_string())?;
    if text.ends_with("\r\n") {
        text.truncate(text.len() - 2);
    } else if text.ends_with('\n') {
        text.truncate(text.len() - 1);
    }
    Ok(text)
}

fn lint(args: &LintArgs) -> Result<bool, String> {
    let networks = networks(&args.network)?;
    let lang = Locale::parse(&args.lang)
        .ok_or_else(|| format!("unknown language {:?}: use fr or en", args.lang))?;
    let text = read_text(args.file.as_ref())?;
    let dictionaries = Dictionaries::load_lang(&args.dictionaries, lang);
    let options = CheckOptions {
        mastodon_limit: args.mastodon_limit,
        dictionaries: Some(&dictionaries),
        ..CheckOptions::default()
    };
    let post = PostInput {
        text: &text,
        lang,
        ..PostInput::default()
    };
    let reports = check_networks(&post, &networks, &options);
    match args.format {
        LintFormat::Json => {
            let views: Vec<_> = reports.iter().map(|r| r.view(lang)).collect();
            let json = serde_json::json!({ "networks": views });
            println!("{json}");
        }
        LintFormat::Text => print_text(&reports, lang),
    }
    Ok(reports.iter().any(NetworkReport::has_errors))
}

fn print_text(reports: &[NetworkReport], lang: Locale) {
    for r in reports {
        let view = r.view(lang);
        println!(
            "{}: {}/{}{}",
            r.network.as_str(),
            r.length,
            r.limit,
            if view.findings.is_empty() { " ok" } else { "" }
        );
        for f in &view.findings {
            println!(
                "  {} {}: {} [{}]",
                f.severity.as_str(),
                f.check,
                f.message,
                f.reference
            );
            if let Some(s) = &f.suggestion {
                println!("    → {s}");
            }
        }
    }
}
