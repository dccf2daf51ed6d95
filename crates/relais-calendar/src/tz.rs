//! Time-zone helpers shared by the modules.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Parses an IANA time-zone name ("Europe/Paris").
pub(crate) fn parse(name: &str) -> Option<Tz> {
    name.trim().parse::<Tz>().ok()
}

/// Resolves a wall-clock time in `tz` to an instant. In the autumn overlap (the
/// hour that happens twice) the first occurrence is taken; in the spring gap
/// (the hour that does not exist) there is no answer.
pub(crate) fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}
