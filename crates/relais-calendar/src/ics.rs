//! iCalendar (RFC 5545): the calendar as a feed for Thunderbird, Google Calendar
//! or Outlook, and observances read from an uploaded `.ics` file.
//!
//! The writer is small and written here (see the crate documentation for why):
//! TEXT values escaped (`\\`, `;`, `,`, newline, RFC 5545 §3.3.11), content lines
//! folded at 75 octets without splitting a UTF-8 character (§3.1), CRLF line
//! ends, times in UTC. One `VEVENT` per dated entry, with a UID stable for the
//! entry (`entry-<id>@<host>`) and `SEQUENCE` = the entry's version so clients
//! update the event rather than duplicate it.

use chrono::{DateTime, NaiveDate, Utc};
use relais_core::entry::{Account, Entry, Status};
use relais_core::Locale;
use std::fmt;

/// At most this many events are read from one uploaded file.
pub const MAX_EVENTS: usize = 10_000;

/// How a feed is written.
#[derive(Debug, Clone, Copy)]
pub struct IcsOptions<'a> {
    /// The calendar's name (`X-WR-CALNAME`), e.g. the workspace's name.
    pub name: &'a str,
    /// The domain in the events' UIDs (`entry-42@relais.example.org`): the
    /// instance's host name, so UIDs stay unique across instances.
    pub host: &'a str,
    /// The language of the description labels.
    pub locale: Locale,
}

/// The calendar as an iCalendar document, with French labels and the host
/// `relais` in UIDs. See [`export_calendar_with`].
pub fn export_calendar(
    name: &str,
    entries: &[Entry],
    accounts: &[Account],
    now: DateTime<Utc>,
) -> String {
    export_calendar_with(
        &IcsOptions {
            name,
            host: "relais",
            locale: Locale::Fr,
        },
        entries,
        accounts,
        now,
    )
}

/// The calendar as an iCalendar document: one 30-minute `VEVENT` per dated entry
/// (undated ideas are left out), `now` as `DTSTAMP`.
pub fn export_calendar_with(
    options: &IcsOptions,
    entries: &[Entry],
    accounts: &[Account],
    now: DateTime<Utc>,
) -> String {
    let mut out = String::with_capacity(256 + entries.len() * 400);
    let mut line = |text: &str| push_folded(&mut out, text);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//relais//calendrier editorial//FR");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME:{}", escape_text(options.name)));
    line("REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    line("X-PUBLISHED-TTL:PT1H");
    let stamp = utc_stamp(now);
    let (l_status, l_accounts, l_axis, l_format) = match options.locale {
        Locale::Fr => ("Statut", "Comptes", "Axe", "Format"),
        Locale::En => ("Status", "Accounts", "Axis", "Format"),
    };
    for entry in entries {
        let c = &entry.content;
        let Some(start) = c.starts_at else { continue };
        let names: Vec<&str> = c
            .accounts
            .iter()
            .filter_map(|id| accounts.iter().find(|a| a.id == *id))
            .map(|a| a.handle.as_str())
            .collect();
        let mut description = format!(
            "{l_status} : {}\n{l_accounts} : {}\n",
            entry.status.as_str(),
            names.join(", ")
        );
        if let Some(axis) = c.axis.as_deref() {
            description.push_str(&format!("{l_axis} : {axis}\n"));
        }
        description.push_str(&format!("{l_format} : {}\n", c.format.as_str()));
        if !c.body.is_empty() {
            description.push('\n');
            description.push_str(&c.body);
        }
        if options.locale == Locale::En {
            description = description.replace(" : ", ": ");
        }
        line("BEGIN:VEVENT");
        line(&format!("UID:entry-{}@{}", entry.id, options.host));
        line(&format!("DTSTAMP:{stamp}"));
        line(&format!("DTSTART:{}", utc_stamp(start)));
        line("DURATION:PT30M");
        line(&format!("SEQUENCE:{}", entry.version.max(0)));
        line(&format!("LAST-MODIFIED:{}", utc_stamp(entry.updated_at)));
        line(&format!("SUMMARY:{}", escape_text(&c.title)));
        line(&format!("DESCRIPTION:{}", escape_text(&description)));
        if let Some(axis) = c.axis.as_deref().filter(|a| !a.trim().is_empty()) {
            line(&format!("CATEGORIES:{}", escape_text(axis)));
        }
        let status = match entry.status {
            Status::Approved | Status::Scheduled | Status::Published => "CONFIRMED",
            Status::Failed => "CANCELLED",
            _ => "TENTATIVE",
        };
        line(&format!("STATUS:{status}"));
        line("TRANSP:TRANSPARENT");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value (RFC 5545 §3.3.11). CR is dropped; LF becomes `\n`.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            other => out.push(other),
        }
    }
    out
}

/// Appends one content line, folded so that no physical line exceeds 75 octets
/// (continuations start with a space, which counts), never inside a UTF-8
/// character, each ended by CRLF.
fn push_folded(out: &mut String, line: &str) {
    let mut budget = 75;
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > budget {
            out.push_str("\r\n ");
            budget = 74;
            used = 0;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

/// Why an uploaded `.ics` file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IcsError {
    /// The file does not start with `BEGIN:VCALENDAR`.
    NotICalendar,
    /// An event has no `DTSTART`.
    EventWithoutDate {
        line: usize,
    },
    /// A `DTSTART` that is not a date (`YYYYMMDD…`).
    BadDate {
        line: usize,
        value: String,
    },
    TooManyEvents {
        max: usize,
    },
}

impl IcsError {
    pub fn code(&self) -> &'static str {
        match self {
            IcsError::NotICalendar => "not-icalendar",
            IcsError::EventWithoutDate { .. } => "event-without-date",
            IcsError::BadDate { .. } => "bad-date",
            IcsError::TooManyEvents { .. } => "too-many-events",
        }
    }

    pub fn message_fr(&self) -> String {
        match self {
            IcsError::NotICalendar => {
                "Ce fichier n'est pas un calendrier iCalendar (.ics) : il doit commencer par BEGIN:VCALENDAR.".into()
            }
            IcsError::EventWithoutDate { line } => {
                format!("L'événement de la ligne {line} n'a pas de date (DTSTART).")
            }
            IcsError::BadDate { line, value } => {
                format!("Ligne {line} : date illisible « {value} ».")
            }
            IcsError::TooManyEvents { max } => {
                format!("Le fichier a plus de {max} événements.")
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            IcsError::NotICalendar => {
                "This is not an iCalendar (.ics) file: it must start with BEGIN:VCALENDAR.".into()
            }
            IcsError::EventWithoutDate { line } => {
                format!("The event at line {line} has no date (DTSTART).")
            }
            IcsError::BadDate { line, value } => {
                format!("Line {line}: unreadable date \"{value}\".")
            }
            IcsError::TooManyEvents { max } => format!("The file has more than {max} events."),
        }
    }
}

impl fmt::Display for IcsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for IcsError {}

/// Undoes TEXT escaping.
fn unescape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits a content line into its name (upper-cased, without parameters) and
/// value (after the first `:` outside a quoted parameter value).
fn split_property(line: &str) -> Option<(String, &str)> {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => {
                let head = &line[..i];
                let name = head.split(';').next().unwrap_or(head);
                return Some((name.trim().to_ascii_uppercase(), &line[i + 1..]));
            }
            _ => {}
        }
    }
    None
}

/// Reads the observances of an uploaded `.ics` file: each `VEVENT`'s `SUMMARY`
/// and the date of its `DTSTART` (a `DATE`, or the date part of a `DATE-TIME` as
/// written). Folded lines are unfolded; nested components (alarms) are skipped;
/// events without summary are skipped; recurrence rules are not expanded (the
/// first occurrence is kept).
pub fn parse_observances(text: &str) -> Result<Vec<(NaiveDate, String)>, IcsError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Unfold: a line starting with a space or tab continues the previous one.
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some((_, last))) => last.push_str(rest),
            _ => lines.push((i + 1, raw.to_string())),
        }
    }
    let mut lines = lines.into_iter().filter(|(_, l)| !l.trim().is_empty());
    match lines.next() {
        Some((_, first)) if first.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR") => {}
        _ => return Err(IcsError::NotICalendar),
    }
    let mut out = Vec::new();
    // The component stack below VCALENDAR; properties count only directly in a
    // VEVENT.
    let mut stack: Vec<String> = Vec::new();
    let mut event: Option<(usize, Option<NaiveDate>, String)> = None;
    for (number, line) in lines {
        let Some((name, value)) = split_property(&line) else {
            continue;
        };
        match name.as_str() {
            "BEGIN" => {
                let component = value.trim().to_ascii_uppercase();
                if component == "VEVENT" && stack.is_empty() {
                    event = Some((number, None, String::new()));
                }
                stack.push(component);
            }
            "END" => {
                let component = value.trim().to_ascii_uppercase();
                if stack.pop().as_deref() == Some("VEVENT") && stack.is_empty() {
                    if let Some((start_line, date, summary)) = event.take() {
                        let date = date.ok_or(IcsError::EventWithoutDate { line: start_line })?;
                        let summary = summary.trim().to_string();
                        if !summary.is_empty() {
                            if out.len() == MAX_EVENTS {
                                return Err(IcsError::TooManyEvents { max: MAX_EVENTS });
                            }
                            out.push((date, summary));
                        }
                    }
                }
                if component == "VCALENDAR" {
                    break;
                }
            }
            "SUMMARY" if stack.len() == 1 && stack[0] == "VEVENT" => {
                if let Some(e) = event.as_mut() {
                    e.2 = unescape_text(value);
                }
            }
            "DTSTART" if stack.len() == 1 && stack[0] == "VEVENT" => {
                let v = value.trim();
                let date = v
                    .get(..8)
                    .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok())
                    .filter(|_| v.len() == 8 || v.as_bytes().get(8) == Some(&b'T'))
                    .ok_or_else(|| IcsError::BadDate {
                        line: number,
                        value: v.to_string(),
                    })?;
                if let Some(e) = event.as_mut() {
                    e.1 = Some(date);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
