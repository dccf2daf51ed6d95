//! Timestamps in the database: UTC instants.
//!
//! PostgreSQL stores them as `TIMESTAMPTZ`. SQLite has no time type, so they are
//! written as RFC 3339 text with exactly six fractional digits and a `Z`
//! (`2026-03-29T01:00:00.000000Z`): fixed width, so comparing the text compares
//! the instants.

use chrono::{DateTime, Datelike, SubsecRound, Timelike, Utc};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgTypeInfo, PgValueRef, Postgres};
use sqlx::sqlite::{Sqlite, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Database, Decode, Encode, Type};

/// The text form of a [`DbTime`] on SQLite, as a chrono format.
const SQLITE_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// A UTC instant as stored in either backend, at microsecond precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DbTime(pub DateTime<Utc>);

impl DbTime {
    /// Text form used by SQLite.
    pub fn to_sqlite_text(self) -> String {
        let t = self.0;
        let nanos = t.nanosecond();
        if !(0..=9999).contains(&t.year()) || nanos >= 1_000_000_000 {
            // Years of more or less than four digits, leap seconds: as
            // chrono writes them.
            return t.format(SQLITE_FORMAT).to_string();
        }
        // Fields written directly: chrono parses its format string on every
        // call, a cost paid for every time of every item stored.
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            nanos / 1_000
        )
    }
}

impl From<DateTime<Utc>> for DbTime {
    fn from(t: DateTime<Utc>) -> Self {
        DbTime(t.trunc_subsecs(6))
    }
}

/// The current instant at the precision the database keeps (microseconds).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

impl Type<Sqlite> for DbTime {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for DbTime {
    fn encode_by_ref(
        &self,
        buf: &mut <Sqlite as Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        <String as Encode<'q, Sqlite>>::encode(self.to_sqlite_text(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for DbTime {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(DbTime(
            DateTime::parse_from_rfc3339(text)?.with_timezone(&Utc),
        ))
    }
}

impl Type<Postgres> for DbTime {
    fn type_info() -> PgTypeInfo {
        <DateTime<Utc> as Type<Postgres>>::type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        <DateTime<Utc> as Type<Postgres>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Postgres> for DbTime {
    fn encode_by_ref(
        &self,
        buf: &mut <Postgres as Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        <DateTime<Utc> as Encode<'q, Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for DbTime {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(DbTime(<DateTime<Utc> as Decode<Postgres>>::decode(value)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn sqlite_text_is_fixed_width_and_ordered() {
        let a = DbTime::from(Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap());
        let b = DbTime::from(a.0 + chrono::Duration::microseconds(1));
        assert_eq!(a.to_sqlite_text(), "2026-03-29T01:00:00.000000Z");
        assert_eq!(b.to_sqlite_text(), "2026-03-29T01:00:00.000001Z");
        assert!(a.to_sqlite_text() < b.to_sqlite_text());
    }

    /// The text written field by field is chrono's, over the years SQLite
    /// text can hold and at every field's bounds; outside them (years of
    /// five digits or before year 0, a leap second) chrono writes it.
    #[test]
    fn sqlite_text_is_what_chrono_writes() {
        let chrono_text = |t: DateTime<Utc>| t.format(SQLITE_FORMAT).to_string();
        let mut instants = vec![
            Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap()
                + chrono::Duration::microseconds(999_999),
            Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(-1, 6, 15, 12, 30, 0).unwrap(),
            Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
            // A leap second (nanoseconds past one billion).
            Utc.with_ymd_and_hms(2016, 12, 31, 23, 59, 59)
                .unwrap()
                .with_nanosecond(1_500_000_000)
                .unwrap(),
        ];
        // A spread of instants from year 0 to 9999, microseconds included.
        let first = Utc
            .with_ymd_and_hms(0, 1, 1, 0, 0, 0)
            .unwrap()
            .timestamp_micros();
        let last = Utc
            .with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
            .unwrap()
            .timestamp_micros();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            // xorshift: no dependency for a spread of numbers.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let micros = first + (x % (last - first) as u64) as i64;
            instants.push(DateTime::from_timestamp_micros(micros).unwrap());
        }
        for t in instants {
            assert_eq!(DbTime(t).to_sqlite_text(), chrono_text(t), "{t:?}");
        }
    }
}
