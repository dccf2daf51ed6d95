//! Calendar CSV import and export ("un outil tableau", 001 C2.1 CE.1).
//!
//! Import reads what people actually have: UTF-8 with or without BOM, or the
//! Windows-1252 that French Excel writes; `;`, `,` or tab as separator (taken
//! from the header line); dates as ISO 8601 or `dd/mm/yyyy HH:MM`. It never
//! stops at the first problem: [`parse_import`] returns a preview with, for every
//! row, either the entry to create or every error of that row (line, column,
//! code, message in French and English). Only problems with the file as a whole
//! (empty, binary, no title column…) are a [`FileError`]. Whether to import
//! nothing while a row is wrong, or only the valid rows, is the caller's choice.
//!
//! [`export`] writes the same columns (UTF-8 with BOM, `;`, CRLF: what French
//! Excel opens without a wizard), so an export re-imports. The columns are
//! documented in `docs/calendar-csv.md`.

use crate::tz;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use relais_core::charter::Axis;
use relais_core::entry::{Account, Entry, EntryContent, Format, Status, Variant};
use relais_core::ids::AccountId;
use relais_core::network::Network;
use std::fmt;

/// At most this many data rows per file.
pub const MAX_ROWS: usize = 50_000;

/// What the import needs to know of the workspace.
#[derive(Debug, Clone, Copy)]
pub struct ImportContext<'a> {
    /// The workspace's accounts, to resolve the `accounts` column.
    pub accounts: &'a [Account],
    /// The charter's axes. When not empty, an axis must be one of them (matched
    /// without case; the charter's spelling is kept). When empty (no charter
    /// yet), any axis is accepted.
    pub axes: &'a [Axis],
    /// The workspace's IANA time zone, for dates written without an offset.
    pub timezone: &'a str,
}

/// One problem in one cell (or, for `ragged-row`, one row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line of the file where the row starts (the header is line 1).
    pub line: u64,
    /// The column's header as written in the file ("" for the whole row).
    pub column: String,
    /// Stable code: `title-required`, `ragged-row`, `bad-date`,
    /// `impossible-date`, `date-without-time`, `nonexistent-local-time`,
    /// `unknown-timezone`, `unknown-account`, `ambiguous-account`,
    /// `unknown-axis`, `unknown-format`, `unknown-status`,
    /// `status-not-importable`.
    pub code: &'static str,
    pub message_fr: String,
    pub message_en: String,
}

/// One data row: the entry to create, or every error found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct RowOutcome {
    pub line: u64,
    pub result: Result<(Status, EntryContent), Vec<RowError>>,
}

/// The dry run of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPreview {
    /// "UTF-8" or "windows-1252".
    pub encoding: &'static str,
    pub separator: char,
    /// Rows in file order; blank rows (every cell empty) are skipped.
    pub rows: Vec<RowOutcome>,
    /// Header cells that match no known column: their data is not imported, and
    /// the preview says so.
    pub ignored_columns: Vec<String>,
}

impl ImportPreview {
    /// The rows that can be imported, in file order.
    pub fn valid_rows(&self) -> Vec<(Status, EntryContent)> {
        self.rows
            .iter()
            .filter_map(|r| r.result.as_ref().ok().cloned())
            .collect()
    }

    /// Every row error, in file order.
    pub fn errors(&self) -> impl Iterator<Item = &RowError> {
        self.rows
            .iter()
            .filter_map(|r| r.result.as_ref().err())
            .flatten()
    }

    /// Whether every row can be imported.
    pub fn is_clean(&self) -> bool {
        self.rows.iter().all(|r| r.result.is_ok())
    }
}

/// A problem with the file as a whole: nothing can be previewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// No header line.
    Empty,
    /// NUL bytes or another binary signature: not a text file.
    NotText,
    /// No `title`/`titre` column.
    NoTitleColumn,
    DuplicateColumn {
        column: String,
    },
    TooManyRows {
        max: usize,
    },
    /// The workspace's own time zone is unknown (a configuration problem).
    BadWorkspaceTimezone {
        timezone: String,
    },
    /// The CSV reader failed (a quote never closed…).
    Malformed {
        line: u64,
        detail: String,
    },
}

impl FileError {
    pub fn code(&self) -> &'static str {
        match self {
            FileError::Empty => "empty-file",
            FileError::NotText => "not-text",
            FileError::NoTitleColumn => "no-title-column",
            FileError::DuplicateColumn { .. } => "duplicate-column",
            FileError::TooManyRows { .. } => "too-many-rows",
            FileError::BadWorkspaceTimezone { .. } => "bad-workspace-timezone",
            FileError::Malformed { .. } => "malformed-csv",
        }
    }

    pub fn message_fr(&self) -> String {
        match self {
            FileError::Empty => "Le fichier est vide : il faut au moins une ligne d'en-tête.".into(),
            FileError::NotText => {
                "Ce fichier n'est pas un fichier texte CSV (enregistrez-le au format « CSV UTF-8 » ou « CSV (séparateur : point-virgule) »).".into()
            }
            FileError::NoTitleColumn => {
                "L'en-tête n'a pas de colonne « titre » (ou « title »), obligatoire.".into()
            }
            FileError::DuplicateColumn { column } => {
                format!("La colonne « {column} » apparaît deux fois dans l'en-tête.")
            }
            FileError::TooManyRows { max } => {
                format!("Le fichier a plus de {max} lignes ; découpez-le.")
            }
            FileError::BadWorkspaceTimezone { timezone } => {
                format!("Le fuseau horaire de l'espace (« {timezone} ») est inconnu.")
            }
            FileError::Malformed { line, detail } => {
                format!("CSV illisible à la ligne {line} : {detail}.")
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            FileError::Empty => "The file is empty: it needs at least a header line.".into(),
            FileError::NotText => {
                "This is not a CSV text file (save it as \"CSV UTF-8\" or \"CSV (semicolon delimited)\").".into()
            }
            FileError::NoTitleColumn => {
                "The header has no \"title\" (or \"titre\") column, which is required.".into()
            }
            FileError::DuplicateColumn { column } => {
                format!("The column \"{column}\" appears twice in the header.")
            }
            FileError::TooManyRows { max } => {
                format!("The file has more than {max} rows; split it.")
            }
            FileError::BadWorkspaceTimezone { timezone } => {
                format!("The workspace's time zone (\"{timezone}\") is unknown.")
            }
            FileError::Malformed { line, detail } => {
                format!("Unreadable CSV at line {line}: {detail}.")
            }
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for FileError {}

/// A known column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Title,
    Date,
    Timezone,
    Accounts,
    Axis,
    Format,
    ContentType,
    Status,
    Text,
    Keywords,
    Hashtags,
    Campaign,
    ClientNotes,
    Variant(Network),
}

/// The export's header, in order (variant columns follow).
const EXPORT_COLUMNS: [&str; 13] = [
    "title",
    "date",
    "timezone",
    "accounts",
    "axis",
    "format",
    "content_type",
    "status",
    "text",
    "keywords",
    "hashtags",
    "campaign",
    "client_notes",
];

/// Lower case, accents folded, spaces and hyphens as `_`.
fn normalize_header(h: &str) -> String {
    h.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            ' ' | '-' | '\'' => '_',
            other => other,
        })
        .collect()
}

fn column(header: &str) -> Option<Column> {
    let h = normalize_header(header);
    let col = match h.as_str() {
        "title" | "titre" => Column::Title,
        "date" | "date_heure" | "datetime" | "date_time" | "starts_at" => Column::Date,
        "timezone" | "time_zone" | "fuseau" | "fuseau_horaire" => Column::Timezone,
        "accounts" | "account" | "comptes" | "compte" => Column::Accounts,
        "axis" | "axe" | "axe_editorial" => Column::Axis,
        "format" => Column::Format,
        "content_type" | "type_de_contenu" | "type_contenu" => Column::ContentType,
        "status" | "statut" => Column::Status,
        "text" | "texte" | "body" | "contenu" => Column::Text,
        "keywords" | "mots_cles" | "mots_cle" => Column::Keywords,
        "hashtags" => Column::Hashtags,
        "campaign" | "campagne" => Column::Campaign,
        "client_notes" | "notes_client" | "notes_du_client" => Column::ClientNotes,
        other => {
            let rest = other
                .strip_prefix("text_")
                .or_else(|| other.strip_prefix("texte_"))?;
            return Network::parse(rest).map(Column::Variant);
        }
    };
    Some(col)
}

/// Decodes the bytes: UTF-8 (BOM removed) when valid, else Windows-1252.
fn decode(bytes: &[u8]) -> Result<(String, &'static str), FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) || bytes.starts_with(b"PK\x03\x04") {
        // UTF-16 (Excel "Unicode text"), zip (an .xlsx) or other binary.
        return Err(FileError::NotText);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_string(), "UTF-8")),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok((text.into_owned(), "windows-1252"))
        }
    }
}

/// The separator that occurs most in the header line outside quotes (`;`, `,`
/// or tab); `,` when none does.
fn detect_separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut counts = [0_usize; 3];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => counts[0] += 1,
            ',' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let seps = [b';', b',', b'\t'];
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(1);
    if counts[best] == 0 {
        b','
    } else {
        seps[best]
    }
}

/// Parses a calendar CSV into a preview. See the module documentation and
/// `docs/calendar-csv.md`.
pub fn parse_import(bytes: &[u8], ctx: &ImportContext) -> Result<ImportPreview, FileError> {
    let workspace_tz = tz::parse(ctx.timezone).ok_or_else(|| FileError::BadWorkspaceTimezone {
        timezone: ctx.timezone.to_string(),
    })?;
    let (text, encoding) = decode(bytes)?;
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    let separator = detect_separator(&text);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(malformed(&e)),
        None => return Err(FileError::Empty),
    };
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(header.len());
    let mut ignored_columns = Vec::new();
    for h in header.iter() {
        let col = column(h);
        if let Some(c) = col {
            if columns.contains(&Some(c)) {
                return Err(FileError::DuplicateColumn {
                    column: h.trim().to_string(),
                });
            }
        } else if !h.trim().is_empty() {
            ignored_columns.push(h.trim().to_string());
        }
        columns.push(col);
    }
    if !columns.contains(&Some(Column::Title)) {
        return Err(FileError::NoTitleColumn);
    }
    let names: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    let resolver = AccountResolver::new(ctx.accounts);
    let mut rows = Vec::new();
    let (mut line_count, mut line_offset) = (1_u64, 0_usize);
    for record in records {
        let record = record.map_err(|e| malformed(&e))?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(FileError::TooManyRows { max: MAX_ROWS });
        }
        // The reader's own line count lags behind on CRLF files; count the
        // newlines before the record's first character instead.
        let byte = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
        // (On CRLF files the position may point at the previous line's LF.)
        let mut upto = byte.min(text.len());
        while matches!(text.as_bytes().get(upto), Some(b'\r' | b'\n')) {
            upto += 1;
        }
        line_count += text.as_bytes()[line_offset.min(upto)..upto]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        line_offset = upto;
        let line = line_count;
        let result = if record.len() != columns.len() {
            Err(vec![RowError {
                line,
                column: String::new(),
                code: "ragged-row",
                message_fr: format!(
                    "La ligne a {} colonne(s), l'en-tête en a {} (séparateur « {} »).",
                    record.len(),
                    columns.len(),
                    char::from(separator).escape_default()
                ),
                message_en: format!(
                    "The row has {} column(s), the header has {} (separator \"{}\").",
                    record.len(),
                    columns.len(),
                    char::from(separator).escape_default()
                ),
            }])
        } else {
            parse_row(
                &record,
                &columns,
                &names,
                line,
                ctx,
                workspace_tz,
                &resolver,
            )
        };
        rows.push(RowOutcome { line, result });
    }
    Ok(ImportPreview {
        encoding,
        separator: char::from(separator),
        rows,
        ignored_columns,
    })
}

fn malformed(e: &::csv::Error) -> FileError {
    FileError::Malformed {
        line: e.position().map_or(0, |p| p.line()),
        detail: e.to_string(),
    }
}

/// Undoes the export's protection against spreadsheet formulas: a `'` put
/// before a leading `= + - @`.
fn cell(raw: &str) -> &str {
    let t = raw.trim();
    match t.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => t,
    }
}

struct RowErrors<'a> {
    line: u64,
    errors: Vec<RowError>,
    names: &'a [String],
}

impl RowErrors<'_> {
    fn push(&mut self, index: usize, code: &'static str, fr: String, en: String) {
        self.errors.push(RowError {
            line: self.line,
            column: self.names.get(index).cloned().unwrap_or_default(),
            code,
            message_fr: fr,
            message_en: en,
        });
    }
}

fn parse_row(
    record: &::csv::StringRecord,
    columns: &[Option<Column>],
    names: &[String],
    line: u64,
    ctx: &ImportContext,
    workspace_tz: chrono_tz::Tz,
    resolver: &AccountResolver,
) -> Result<(Status, EntryContent), Vec<RowError>> {
    let mut errs = RowErrors {
        line,
        errors: Vec::new(),
        names,
    };
    let mut content = EntryContent {
        timezone: ctx.timezone.trim().to_string(),
        ..EntryContent::default()
    };
    let mut status = Status::Draft;
    let mut tz = workspace_tz;
    // The time zone first: the date is read in it.
    let mut date_cell = None;
    for (i, col) in columns.iter().enumerate() {
        let Some(col) = col else { continue };
        let raw = record.get(i).unwrap_or("");
        let value = cell(raw);
        match col {
            Column::Title => {
                if value.is_empty() {
                    errs.push(
                        i,
                        "title-required",
                        "Le titre est obligatoire.".into(),
                        "The title is required.".into(),
                    );
                }
                content.title = value.to_string();
            }
            Column::Date => date_cell = Some((i, value)),
            Column::Timezone => {
                if !value.is_empty() {
                    match tz::parse(value) {
                        Some(t) => {
                            tz = t;
                            content.timezone = t.name().to_string();
                        }
                        None => errs.push(
                            i,
                            "unknown-timezone",
                            format!(
                                "Fuseau horaire inconnu : « {value} » (exemple : Europe/Paris)."
                            ),
                            format!("Unknown time zone: \"{value}\" (for example Europe/Paris)."),
                        ),
                    }
                }
            }
            Column::Accounts => {
                for token in value.split('|').map(str::trim).filter(|t| !t.is_empty()) {
                    match resolver.resolve(token) {
                        Ok(id) => {
                            if !content.accounts.contains(&id) {
                                content.accounts.push(id);
                            }
                        }
                        Err(Ambiguity::None) => errs.push(
                            i,
                            "unknown-account",
                            format!("Compte inconnu dans cet espace : « {token} »."),
                            format!("Unknown account in this workspace: \"{token}\"."),
                        ),
                        Err(Ambiguity::Several) => errs.push(
                            i,
                            "ambiguous-account",
                            format!("« {token} » désigne plusieurs comptes ; précisez le réseau (exemple : instagram:{token})."),
                            format!("\"{token}\" names several accounts; give the network (for example instagram:{token})."),
                        ),
                    }
                }
            }
            Column::Axis => {
                if !value.is_empty() {
                    if ctx.axes.is_empty() {
                        content.axis = Some(value.to_string());
                    } else if let Some(a) = ctx
                        .axes
                        .iter()
                        .find(|a| a.name.trim().to_lowercase() == value.to_lowercase())
                    {
                        content.axis = Some(a.name.trim().to_string());
                    } else {
                        let list: Vec<&str> = ctx.axes.iter().map(|a| a.name.as_str()).collect();
                        let list = list.join(", ");
                        errs.push(
                            i,
                            "unknown-axis",
                            format!("L'axe « {value} » n'est pas dans la charte ({list})."),
                            format!("The axis \"{value}\" is not in the charter ({list})."),
                        );
                    }
                }
            }
            Column::Format => {
                if !value.is_empty() {
                    match parse_format(value) {
                        Some(f) => content.format = f,
                        None => errs.push(
                            i,
                            "unknown-format",
                            format!("Format inconnu : « {value} » (post, thread, carousel, story, reel, video, article, live, poll)."),
                            format!("Unknown format: \"{value}\" (post, thread, carousel, story, reel, video, article, live, poll)."),
                        ),
                    }
                }
            }
            Column::ContentType => content.content_type = value.to_string(),
            Column::Status => {
                if !value.is_empty() {
                    match parse_status(value) {
                        Some(s @ (Status::Idea | Status::Draft | Status::InternalReview)) => {
                            status = s
                        }
                        Some(s) => errs.push(
                            i,
                            "status-not-importable",
                            format!("Le statut « {} » ne s'importe pas : seuls idea, draft et internal_review le peuvent (la soumission et l'approbation passent par le client). Mettez « draft ».", s.as_str()),
                            format!("The status \"{}\" cannot be imported: only idea, draft and internal_review can (submission and approval go through the client). Use \"draft\".", s.as_str()),
                        ),
                        None => errs.push(
                            i,
                            "unknown-status",
                            format!("Statut inconnu : « {value} » (idea, draft, internal_review)."),
                            format!("Unknown status: \"{value}\" (idea, draft, internal_review)."),
                        ),
                    }
                }
            }
            Column::Text => content.body = value.to_string(),
            Column::Keywords => content.keywords = split_list(value, &['|', ','], false),
            Column::Hashtags => {
                content.hashtags = split_list(value, &['|', ',', ' ', '\t', '\n'], true)
            }
            Column::Campaign => content.campaign = value.to_string(),
            Column::ClientNotes => content.client_notes = value.to_string(),
            Column::Variant(network) => {
                if !value.is_empty() {
                    content.variants.push(Variant {
                        network: *network,
                        text: value.to_string(),
                    });
                }
            }
        }
    }
    if let Some((i, value)) = date_cell {
        match parse_datetime(value, tz) {
            Ok(at) => content.starts_at = at,
            Err(e) => errs.push(i, e.code, e.fr, e.en),
        }
    }
    if errs.errors.is_empty() {
        Ok((status, content))
    } else {
        Err(errs.errors)
    }
}

fn split_list(value: &str, separators: &[char], hashtags: bool) -> Vec<String> {
    value
        .split(separators)
        .map(|t| {
            let t = t.trim();
            if hashtags {
                t.trim_start_matches('#')
            } else {
                t
            }
        })
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_status(value: &str) -> Option<Status> {
    let v = normalize_header(value);
    Status::parse(&v).or(match v.as_str() {
        "idee" => Some(Status::Idea),
        "brouillon" => Some(Status::Draft),
        "relecture" | "relecture_interne" | "revue_interne" => Some(Status::InternalReview),
        "soumis" | "soumis_au_client" => Some(Status::Submitted),
        "approuve" | "valide" => Some(Status::Approved),
        "modifications_demandees" => Some(Status::ChangesRequested),
        "programme" | "planifie" => Some(Status::Scheduled),
        "publie" => Some(Status::Published),
        "echec" | "echoue" => Some(Status::Failed),
        _ => None,
    })
}

fn parse_format(value: &str) -> Option<Format> {
    let v = normalize_header(value);
    Format::parse(&v).or(match v.as_str() {
        "publication" => Some(Format::Post),
        "fil" => Some(Format::Thread),
        "carrousel" => Some(Format::Carousel),
        "reels" | "video_courte" | "short" => Some(Format::Reel),
        "direct" => Some(Format::Live),
        "sondage" => Some(Format::Poll),
        _ => None,
    })
}

enum Ambiguity {
    None,
    Several,
}

/// Resolves `handle`, `label` or `network:handle` to one account.
struct AccountResolver<'a> {
    accounts: &'a [Account],
}

fn bare(handle: &str) -> &str {
    handle.trim().trim_start_matches('@')
}

impl<'a> AccountResolver<'a> {
    fn new(accounts: &'a [Account]) -> Self {
        AccountResolver { accounts }
    }

    fn resolve(&self, token: &str) -> Result<AccountId, Ambiguity> {
        let (network, name) = match token.split_once(':') {
            Some((n, rest)) => match Network::parse(n) {
                Some(n) => (Some(n), rest.trim()),
                None => (None, token),
            },
            None => (None, token),
        };
        let candidates = || {
            self.accounts
                .iter()
                .filter(move |a| network.is_none_or(|n| a.network == n))
        };
        let by_handle: Vec<&Account> = candidates()
            .filter(|a| bare(&a.handle).eq_ignore_ascii_case(bare(name)))
            .collect();
        let found: Vec<&Account> = if by_handle.is_empty() {
            candidates()
                .filter(|a| a.label.trim().to_lowercase() == name.to_lowercase())
                .collect()
        } else {
            by_handle
        };
        match found.as_slice() {
            [one] => Ok(one.id),
            [] => Err(Ambiguity::None),
            _ => Err(Ambiguity::Several),
        }
    }
}

/// Why a date cell was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DateError {
    code: &'static str,
    fr: String,
    en: String,
}

fn date_error(code: &'static str, fr: String, en: String) -> DateError {
    DateError { code, fr, en }
}

fn bad_date(value: &str) -> DateError {
    date_error(
        "bad-date",
        format!("Date illisible : « {value} » (attendu : 31/12/2025 18:30 ou 2025-12-31T18:30)."),
        format!("Unreadable date: \"{value}\" (expected 31/12/2025 18:30 or 2025-12-31T18:30)."),
    )
}

/// Parses `n` ASCII digits.
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `HH:MM`, `HH:MM:SS` (fractions ignored) or `18h30`/`18h`.
fn parse_time(s: &str) -> Option<(u32, u32, u32)> {
    let s = s.split('.').next().unwrap_or(s);
    let parts: Vec<&str> = if s.contains(['h', 'H']) {
        let (h, m) = s.split_once(['h', 'H'])?;
        vec![h, if m.is_empty() { "00" } else { m }]
    } else {
        s.split(':').collect()
    };
    match parts.as_slice() {
        [h, m] if m.len() == 2 && h.len() <= 2 => Some((digits(h)?, digits(m)?, 0)),
        [h, m, sec] if m.len() == 2 && sec.len() == 2 && h.len() <= 2 => {
            Some((digits(h)?, digits(m)?, digits(sec)?))
        }
        _ => None,
    }
}

/// Parses a date cell: empty (undated), ISO 8601 with or without offset, or
/// `dd/mm/yyyy HH:MM`. Times without offset are wall-clock times in `tz`.
fn parse_datetime(value: &str, tz: chrono_tz::Tz) -> Result<Option<DateTime<Utc>>, DateError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let (date_part, rest) = match value.find(['T', 't', ' ']) {
        Some(i) => (&value[..i], value[i + 1..].trim()),
        None => (value, ""),
    };
    let (y, m, d) = if date_part.contains('/') {
        match date_part.split('/').collect::<Vec<_>>().as_slice() {
            [d, m, y] if y.len() == 4 && d.len() <= 2 && m.len() <= 2 => (
                digits(y).ok_or_else(|| bad_date(value))?,
                digits(m).ok_or_else(|| bad_date(value))?,
                digits(d).ok_or_else(|| bad_date(value))?,
            ),
            _ => return Err(bad_date(value)),
        }
    } else {
        match date_part.split('-').collect::<Vec<_>>().as_slice() {
            [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => (
                digits(y).ok_or_else(|| bad_date(value))?,
                digits(m).ok_or_else(|| bad_date(value))?,
                digits(d).ok_or_else(|| bad_date(value))?,
            ),
            _ => return Err(bad_date(value)),
        }
    };
    let year = i32::try_from(y).map_err(|_| bad_date(value))?;
    let Some(date) = NaiveDate::from_ymd_opt(year, m, d) else {
        return Err(date_error(
            "impossible-date",
            format!("Date impossible : « {value} » (le {d:02}/{m:02}/{y} n'existe pas)."),
            format!("Impossible date: \"{value}\" ({y}-{m:02}-{d:02} does not exist)."),
        ));
    };
    if rest.is_empty() {
        return Err(date_error(
            "date-without-time",
            format!("« {value} » : indiquez aussi l'heure (exemple : {d:02}/{m:02}/{y} 18:30)."),
            format!("\"{value}\": give the time too (for example {y}-{m:02}-{d:02}T18:30)."),
        ));
    }
    // An offset: Z, +HH:MM, -HH:MM or +HHMM after the time.
    let (time_part, offset) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => (rest[..i].trim(), Some(&rest[i..])),
        None => (rest, None),
    };
    let (h, mi, s) = parse_time(time_part).ok_or_else(|| bad_date(value))?;
    let Some(time) = NaiveTime::from_hms_opt(h, mi, s) else {
        return Err(date_error(
            "impossible-date",
            format!("Heure impossible : « {value} »."),
            format!("Impossible time: \"{value}\"."),
        ));
    };
    let local = NaiveDateTime::new(date, time);
    match offset {
        Some(o) => {
            let offset = parse_offset(o).ok_or_else(|| bad_date(value))?;
            offset
                .from_local_datetime(&local)
                .single()
                .map(|t| Some(t.with_timezone(&Utc)))
                .ok_or_else(|| bad_date(value))
        }
        None => tz::resolve(tz, local).map(Some).ok_or_else(|| {
            date_error(
                "nonexistent-local-time",
                format!(
                    "Le {d:02}/{m:02}/{y} à {h:02}:{mi:02} n'existe pas à {} (passage à l'heure d'été) : choisissez une heure après {h:02}:59.",
                    tz.name()
                ),
                format!(
                    "{y}-{m:02}-{d:02} {h:02}:{mi:02} does not exist in {} (clocks go forward): pick a time after {h:02}:59.",
                    tz.name()
                ),
            )
        }),
    }
}

fn parse_offset(o: &str) -> Option<FixedOffset> {
    if o.eq_ignore_ascii_case("z") {
        return FixedOffset::east_opt(0);
    }
    let sign = match o.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body = &o[1..];
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h, m),
        None if body.len() == 4 => body.split_at(2),
        None if body.len() == 2 => (body, "00"),
        None => return None,
    };
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let secs = i32::try_from(digits(h)? * 3600 + digits(m)? * 60).ok()?;
    FixedOffset::east_opt(sign * secs)
}

/// Protects a cell against spreadsheet formula injection: a leading `= + - @`
/// gets a `'` before it (undone on import).
fn guard(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// Writes the entries as a CSV for French Excel: UTF-8 with BOM, `;`, CRLF, the
/// import's columns (English names), dates as ISO 8601 with the offset of the
/// entry's time zone, accounts as handles without `@` (`network:handle` when a
/// handle is on several networks), one `text_<network>` column per network that
/// has a variant in some entry.
pub fn export(entries: &[Entry], accounts: &[Account]) -> Vec<u8> {
    let variant_networks: Vec<Network> = Network::ALL
        .into_iter()
        .filter(|n| {
            entries
                .iter()
                .any(|e| e.content.variants.iter().any(|v| v.network == *n))
        })
        .collect();
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = ::csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut out);
        let mut header: Vec<String> = EXPORT_COLUMNS.iter().map(|c| c.to_string()).collect();
        header.extend(variant_networks.iter().map(|n| format!("text_{n}")));
        // Writing to a Vec cannot fail; a failure would only drop the row.
        let _ = writer.write_record(&header);
        for e in entries {
            let c = &e.content;
            let date = c.starts_at.map_or(String::new(), |at| {
                let tz = tz::parse(&c.timezone).unwrap_or(chrono_tz::Tz::UTC);
                at.with_timezone(&tz)
                    .format("%Y-%m-%dT%H:%M:%S%:z")
                    .to_string()
            });
            let account_names: Vec<String> = c
                .accounts
                .iter()
                .filter_map(|id| accounts.iter().find(|a| a.id == *id))
                .map(|a| {
                    let handle = bare(&a.handle);
                    let shared = accounts
                        .iter()
                        .filter(|b| bare(&b.handle).eq_ignore_ascii_case(handle))
                        .count()
                        > 1;
                    if shared {
                        format!("{}:{handle}", a.network)
                    } else {
                        handle.to_string()
                    }
                })
                .collect();
            let hashtags: Vec<String> = c.hashtags.iter().map(|h| format!("#{h}")).collect();
            let mut row = vec![
                guard(&c.title),
                date,
                c.timezone.clone(),
                guard(&account_names.join(" | ")),
                guard(c.axis.as_deref().unwrap_or("")),
                c.format.as_str().to_string(),
                guard(&c.content_type),
                e.status.as_str().to_string(),
                guard(&c.body),
                guard(&c.keywords.join(", ")),
                hashtags.join(" "),
                guard(&c.campaign),
                guard(&c.client_notes),
            ];
            row.extend(variant_networks.iter().map(|n| {
                guard(
                    c.variants
                        .iter()
                        .find(|v| v.network == *n)
                        .map_or("", |v| v.text.as_str()),
                )
            }));
            let _ = writer.write_record(&row);
        }
        let _ = writer.flush();
    }
    out
}

#[cfg(test)]
mod tests;
