//! The one place where the web layer's import, export, feed and lint code calls
//! the pure editorial crates (`relais-calendar` for CSV and iCalendar,
//! `relais-compose` for the composer's checks), in the shapes the pages and the
//! API share.

use chrono::{DateTime, NaiveDate, Utc};
use relais_core::charter::Axis;
use relais_core::checks::Finding;
use relais_core::entry::{Account, Entry, EntryContent, Status};
use relais_core::{Locale, Network};
use std::sync::OnceLock;

/// One error of one CSV row.
pub struct ImportError {
    pub line: u64,
    pub column: String,
    pub message_fr: String,
    pub message_en: String,
}

impl ImportError {
    pub fn message(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.message_fr,
            Locale::En => &self.message_en,
        }
    }
}

/// One CSV row: the entry it describes when it is valid, its errors otherwise.
pub struct ImportRow {
    pub line: u64,
    pub title: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub entry: Option<(Status, EntryContent)>,
    pub errors: Vec<ImportError>,
}

/// A problem with the file as a whole (no header, not text…), worded in both
/// languages.
pub struct FileProblem {
    pub message_fr: String,
    pub message_en: String,
}

impl FileProblem {
    pub fn message(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.message_fr,
            Locale::En => &self.message_en,
        }
    }
}

/// Parses a calendar CSV against the workspace's accounts, axes and time zone.
pub fn parse_import(
    bytes: &[u8],
    accounts: &[Account],
    axes: &[Axis],
    timezone: &str,
) -> Result<Vec<ImportRow>, FileProblem> {
    let ctx = relais_calendar::csv::ImportContext {
        accounts,
        axes,
        timezone,
    };
    let preview = relais_calendar::csv::parse_import(bytes, &ctx).map_err(|e| FileProblem {
        message_fr: e.message_fr(),
        message_en: e.message_en(),
    })?;
    Ok(preview
        .rows
        .into_iter()
        .map(|row| match row.result {
            Ok((status, content)) => ImportRow {
                line: row.line,
                title: content.title.clone(),
                starts_at: content.starts_at,
                entry: Some((status, content)),
                errors: Vec::new(),
            },
            Err(errors) => ImportRow {
                line: row.line,
                title: String::new(),
                starts_at: None,
                entry: None,
                errors: errors
                    .into_iter()
                    .map(|e| ImportError {
                        line: e.line,
                        column: e.column,
                        message_fr: e.message_fr,
                        message_en: e.message_en,
                    })
                    .collect(),
            },
        })
        .collect())
}

/// The calendar as CSV.
pub fn export_csv(entries: &[Entry], accounts: &[Account]) -> Vec<u8> {
    relais_calendar::csv::export(entries, accounts)
}

/// The calendar as iCalendar.
pub fn export_ics(
    name: &str,
    entries: &[Entry],
    accounts: &[Account],
    now: DateTime<Utc>,
) -> String {
    relais_calendar::ics::export_calendar(name, entries, accounts, now)
}

/// The dated events of an .ics file, or why it cannot be read.
pub fn parse_observances(text: &str) -> Result<Vec<(NaiveDate, String)>, FileProblem> {
    relais_calendar::ics::parse_observances(text).map_err(|e| FileProblem {
        message_fr: e.message_fr(),
        message_en: e.message_en(),
    })
}

/// The Hunspell dictionaries, read once from /usr/share/hunspell.
fn dictionaries() -> &'static relais_compose::Dictionaries {
    static DICTS: OnceLock<relais_compose::Dictionaries> = OnceLock::new();
    DICTS.get_or_init(relais_compose::Dictionaries::system)
}

/// The composer's report for one network: (length, limit, findings).
pub fn check_post(
    network: Network,
    text: &str,
    content: &EntryContent,
    lang: Locale,
) -> (usize, usize, Vec<Finding>) {
    let input = relais_compose::PostInput {
        text,
        media: &content.media,
        legal: content.legal,
        ugc: content.ugc.as_ref(),
        lang,
    };
    let options = relais_compose::CheckOptions {
        dictionaries: Some(dictionaries()),
        ..relais_compose::CheckOptions::default()
    };
    let r = relais_compose::check_post(&input, network, &options);
    (r.length, r.limit, r.findings)
}
