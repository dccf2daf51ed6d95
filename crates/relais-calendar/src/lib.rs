//! The calendar logic of relais: conformance of a calendar with the editorial
//! charter, French public holidays, and the calendar's CSV and iCalendar formats.
//!
//! Like `relais-core`, this crate does no I/O: no database, network, file access
//! or clock. Data and the current time come in as arguments, so every function is
//! deterministic and cheap to test.
//!
//! - [`conformance`]: the calendar's checklist against the charter (001 C2.1 CE.2,
//!   C2.2; 003 Cr3.3) and the charter's own checklist (001 C1.9 CE.1; 003 Cr3.1,
//!   Cr3.2), with a score.
//! - [`holidays`]: French public holidays computed in code (national,
//!   Alsace-Moselle, overseas), Easter by the computus algorithm.
//! - [`csv`]: import ("un outil tableau", 001 C2.1 CE.1) with a per-row preview,
//!   and export that re-imports. Columns: `docs/calendar-csv.md`.
//! - [`ics`]: iCalendar (RFC 5545) export of the calendar and import of
//!   observances from an `.ics` file. The serializer is written here rather than
//!   taken from a crate: it is ~150 lines, and owning it lets the tests pin the
//!   exact escaping, 75-octet folding on character boundaries and CRLF line ends
//!   that Thunderbird, Google Calendar and Outlook need, with no extra dependency
//!   tree. The observance parser only needs `VEVENT` summaries and start dates.

pub mod conformance;
pub mod csv;
pub mod holidays;
pub mod ics;
mod tz;

pub use conformance::{charter_checks, check, Conformance, KeyDate, Subject};
pub use holidays::{french_holidays, Holiday, Zone};

/// Every check definition of this crate, for the catalog test and the docs.
pub fn catalog() -> Vec<&'static relais_core::checks::CheckDef> {
    conformance::catalog()
}
