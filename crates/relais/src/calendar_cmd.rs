//! `relais calendar import|export`: the calendar as a CSV file (the columns are in
//! `docs/calendar-csv.md`) or an iCalendar document, from the command line.
//!
//! Import previews the file first ([`relais_calendar::csv::parse_import`]): one
//! line per row error (`line N, column C: reason`) and a summary. It is atomic:
//! while any row is wrong nothing is imported and the exit code is 1, unless
//! `--valid-only` imports the valid rows. `--dry-run` only previews (exit code 1
//! when the file has errors, so a script can check a file).

use anyhow::{anyhow, bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use relais_calendar::csv::{parse_import, ImportContext, ImportPreview};
use relais_core::charter::Axis;
use relais_core::model::{Actor, Workspace};
use relais_store::{EntryFilter, Store};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Import calendar entries from a CSV file (UTF-8 or Windows-1252, `;` or `,`).
    Import {
        /// The workspace's slug.
        #[arg(long)]
        workspace: String,
        /// The CSV file (`-` for standard input).
        file: PathBuf,
        /// Check the file and print each row error; import nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows even when other rows have errors.
        #[arg(long)]
        valid_only: bool,
    },
    /// Export the workspace's calendar.
    Export {
        /// The workspace's slug.
        #[arg(long)]
        workspace: String,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// UTF-8 with BOM, `;` separator: opens as is in French Excel.
    Csv,
    /// iCalendar (RFC 5545).
    Ics,
}

async fn workspace(store: &Store, slug: &str) -> Result<Workspace> {
    store
        .workspace_by_slug(slug)
        .await?
        .ok_or_else(|| anyhow!("no workspace {slug:?}; list them in the web interface or create one with `relais workspace add`"))
}

pub async fn run(store: &Store, command: CalendarCommand) -> Result<()> {
    match command {
        CalendarCommand::Import {
            workspace: slug,
            file,
            dry_run,
            valid_only,
        } => import(store, &slug, &file, dry_run, valid_only).await,
        CalendarCommand::Export {
            workspace: slug,
            format,
            output,
        } => export(store, &slug, format, output).await,
    }
}

fn read_input(file: &PathBuf) -> Result<Vec<u8>> {
    if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .context("reading standard input")?;
        Ok(bytes)
    } else {
        std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))
    }
}

/// One line per row error, as `line N, column C: reason`.
fn print_errors(preview: &ImportPreview, out: &mut impl Write) -> Result<()> {
    for e in preview.errors() {
        if e.column.is_empty() {
            writeln!(out, "line {}: {}", e.line, e.message_en)?;
        } else {
            writeln!(
                out,
                "line {}, column {}: {}",
                e.line, e.column, e.message_en
            )?;
        }
    }
    Ok(())
}

async fn import(
    store: &Store,
    slug: &str,
    file: &PathBuf,
    dry_run: bool,
    valid_only: bool,
) -> Result<()> {
    let ws = workspace(store, slug).await?;
    let bytes = read_input(file)?;
    let accounts = store.list_accounts(ws.id).await?;
    let charter = store.current_charter(ws.id).await?.map(|v| v.charter);
    let axes: Vec<Axis> = charter.as_ref().map(|c| c.axes.clone()).unwrap_or_default();
    let timezone = charter
        .as_ref()
        .map_or("Europe/Paris", |c| c.timezone.as_str());
    let preview = parse_import(
        &bytes,
        &ImportContext {
            accounts: &accounts,
            axes: &axes,
            timezone,
        },
    )
    .map_err(|e| anyhow!("{}: {}", file.display(), e.message_en()))?;

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    print_errors(&preview, &mut out)?;
    let total = preview.rows.len();
    let valid = preview.rows.iter().filter(|r| r.result.is_ok()).count();
    let invalid = total - valid;
    if !preview.ignored_columns.is_empty() {
        writeln!(
            out,
            "ignored columns (not imported): {}",
            preview.ignored_columns.join(", ")
        )?;
    }
    writeln!(
        out,
        "{total} row(s): {valid} valid, {invalid} with errors ({}, separator {:?})",
        preview.encoding, preview.separator
    )?;
    if dry_run {
        writeln!(out, "dry run: nothing imported")?;
        if invalid > 0 {
            bail!("{invalid} row(s) have errors (dry run, nothing imported)");
        }
        return Ok(());
    }
    if invalid > 0 && !valid_only {
        bail!(
            "nothing imported: {invalid} row(s) have errors; fix them, or pass --valid-only to import the {valid} valid row(s)"
        );
    }
    let rows = preview.valid_rows();
    let ids = store
        .import_entries(&Actor::System("cli"), ws.id, &rows)
        .await
        .context("importing the entries")?;
    writeln!(
        out,
        "imported {} entr{} into {}",
        ids.len(),
        if ids.len() == 1 { "y" } else { "ies" },
        ws.slug
    )?;
    Ok(())
}

async fn export(
    store: &Store,
    slug: &str,
    format: ExportFormat,
    output: Option<PathBuf>,
) -> Result<()> {
    let ws = workspace(store, slug).await?;
    let accounts = store.list_accounts(ws.id).await?;
    let entries = store.list_entries(ws.id, &EntryFilter::default()).await?;
    let bytes = match format {
        ExportFormat::Csv => relais_calendar::csv::export(&entries, &accounts),
        ExportFormat::Ics => relais_calendar::ics::export_calendar(
            &ws.name,
            &entries,
            &accounts,
            relais_store::time::now(),
        )
        .into_bytes(),
    };
    match output {
        Some(path) => {
            std::fs::write(&path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("{} entries written to {}", entries.len(), path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(())
}
