//! French public holidays (jours fériés), computed in code (domain.md §5).
//!
//! The rules follow Etalab's `jours-feries-france` (MIT):
//! - national: 1 Jan, Easter Monday, 1 May, 8 May, Ascension (Easter + 39),
//!   Whit Monday (Easter + 50), 14 Jul, 15 Aug, 1 Nov, 11 Nov, 25 Dec;
//! - Alsace-Moselle adds Good Friday (Easter − 2) and 26 Dec (Saint-Étienne);
//! - each overseas department or community adds its day of the abolition of
//!   slavery (Mayotte 27 Apr, Martinique 22 May, Guadeloupe 27 May, Saint-Martin
//!   28 May, Guyane 10 Jun, Saint-Barthélemy 9 Oct, Réunion 20 Dec).
//!
//! The list is today's law, meant for planning: years before 1983 (when the
//! abolition days were instituted) get the same modern list, without their
//! historical exceptions. Easter comes from the `computus` crate (pure `no_std`
//! arithmetic, no build script), valid for the Gregorian years 1583–9999; outside
//! them there is no list.

use crate::conformance::{KeyDate, KeyDateKind};
use chrono::{Datelike, Duration, NaiveDate};

/// A part of France with its own list of public holidays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Zone {
    /// Metropolitan France outside Alsace-Moselle.
    #[default]
    Metropole,
    /// Bas-Rhin, Haut-Rhin and Moselle.
    AlsaceMoselle,
    Guadeloupe,
    Guyane,
    Martinique,
    Mayotte,
    Reunion,
    SaintBarthelemy,
    SaintMartin,
}

impl Zone {
    pub const ALL: [Zone; 9] = [
        Zone::Metropole,
        Zone::AlsaceMoselle,
        Zone::Guadeloupe,
        Zone::Guyane,
        Zone::Martinique,
        Zone::Mayotte,
        Zone::Reunion,
        Zone::SaintBarthelemy,
        Zone::SaintMartin,
    ];

    /// Stable slug for settings, URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Zone::Metropole => "metropole",
            Zone::AlsaceMoselle => "alsace_moselle",
            Zone::Guadeloupe => "guadeloupe",
            Zone::Guyane => "guyane",
            Zone::Martinique => "martinique",
            Zone::Mayotte => "mayotte",
            Zone::Reunion => "reunion",
            Zone::SaintBarthelemy => "saint_barthelemy",
            Zone::SaintMartin => "saint_martin",
        }
    }

    pub fn parse(text: &str) -> Option<Zone> {
        let t = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Zone::ALL.into_iter().find(|z| z.as_str() == t)
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Zone::Metropole => "Métropole",
            Zone::AlsaceMoselle => "Alsace-Moselle",
            Zone::Guadeloupe => "Guadeloupe",
            Zone::Guyane => "Guyane",
            Zone::Martinique => "Martinique",
            Zone::Mayotte => "Mayotte",
            Zone::Reunion => "La Réunion",
            Zone::SaintBarthelemy => "Saint-Barthélemy",
            Zone::SaintMartin => "Saint-Martin",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Zone::Metropole => "Metropolitan France",
            Zone::Reunion => "Réunion",
            other => other.label_fr(),
        }
    }

    /// The day of the abolition of slavery, as (month, day), for overseas zones.
    fn abolition_day(self) -> Option<(u32, u32)> {
        match self {
            Zone::Mayotte => Some((4, 27)),
            Zone::Martinique => Some((5, 22)),
            Zone::Guadeloupe => Some((5, 27)),
            Zone::SaintMartin => Some((5, 28)),
            Zone::Guyane => Some((6, 10)),
            Zone::SaintBarthelemy => Some((10, 9)),
            Zone::Reunion => Some((12, 20)),
            Zone::Metropole | Zone::AlsaceMoselle => None,
        }
    }
}

/// One public holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name_fr: &'static str,
    pub name_en: &'static str,
}

impl Holiday {
    /// The holiday as a key date of the calendar, named in `locale`.
    pub fn key_date(&self, locale: relais_core::Locale) -> KeyDate {
        KeyDate {
            date: self.date,
            label: match locale {
                relais_core::Locale::Fr => self.name_fr,
                relais_core::Locale::En => self.name_en,
            }
            .to_string(),
            kind: KeyDateKind::Holiday,
        }
    }
}

/// Easter Sunday of `year` (Gregorian computus); `None` outside 1583–9999.
pub fn easter(year: i32) -> Option<NaiveDate> {
    let d = computus::gregorian(year).ok()?;
    NaiveDate::from_ymd_opt(d.year, d.month, d.day)
}

/// The public holidays of `year` in `zone`, in date order. Empty for years the
/// computus does not cover (before 1583 or after 9999).
pub fn french_holidays(year: i32, zone: Zone) -> Vec<Holiday> {
    let Some(easter) = easter(year) else {
        return Vec::new();
    };
    let fixed = |month: u32, day: u32, name_fr, name_en| {
        NaiveDate::from_ymd_opt(year, month, day).map(|date| Holiday {
            date,
            name_fr,
            name_en,
        })
    };
    let moving = |days: i64, name_fr, name_en| {
        Some(Holiday {
            date: easter + Duration::days(days),
            name_fr,
            name_en,
        })
    };
    let mut list: Vec<Holiday> = [
        fixed(1, 1, "Jour de l'an", "New Year's Day"),
        moving(1, "Lundi de Pâques", "Easter Monday"),
        fixed(5, 1, "Fête du Travail", "Labour Day"),
        fixed(5, 8, "Victoire 1945", "Victory in Europe Day"),
        moving(39, "Ascension", "Ascension Day"),
        moving(50, "Lundi de Pentecôte", "Whit Monday"),
        fixed(7, 14, "Fête nationale", "Bastille Day"),
        fixed(8, 15, "Assomption", "Assumption Day"),
        fixed(11, 1, "Toussaint", "All Saints' Day"),
        fixed(11, 11, "Armistice 1918", "Armistice Day"),
        fixed(12, 25, "Noël", "Christmas Day"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if zone == Zone::AlsaceMoselle {
        list.extend(moving(-2, "Vendredi saint", "Good Friday"));
        list.extend(fixed(12, 26, "Saint-Étienne", "St Stephen's Day"));
    }
    if let Some((month, day)) = zone.abolition_day() {
        list.extend(fixed(
            month,
            day,
            "Abolition de l'esclavage",
            "Abolition of Slavery Day",
        ));
    }
    list.sort_by_key(|h| h.date);
    list
}

/// The public holidays of `zone` in `[from, to)`, in date order.
pub fn holidays_between(from: NaiveDate, to: NaiveDate, zone: Zone) -> Vec<Holiday> {
    if to <= from {
        return Vec::new();
    }
    (from.year()..=to.year())
        .flat_map(|y| french_holidays(y, zone))
        .filter(|h| h.date >= from && h.date < to)
        .collect()
}

/// The public holidays of `zone` in `[from, to)` as key dates named in `locale`,
/// ready for [`crate::conformance::check`].
pub fn key_dates(
    from: NaiveDate,
    to: NaiveDate,
    zone: Zone,
    locale: relais_core::Locale,
) -> Vec<KeyDate> {
    holidays_between(from, to, zone)
        .iter()
        .map(|h| h.key_date(locale))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_matches_known_dates() {
        let known = [
            (2000, d(2000, 4, 23)),
            (2019, d(2019, 4, 21)),
            (2024, d(2024, 3, 31)),
            (2025, d(2025, 4, 20)),
            (2026, d(2026, 4, 5)),
            (2027, d(2027, 3, 28)),
            (2038, d(2038, 4, 25)),
        ];
        for (year, date) in known {
            assert_eq!(easter(year), Some(date), "{year}");
        }
        assert_eq!(easter(1582), None);
        assert!(french_holidays(10_000, Zone::Metropole).is_empty());
    }

    #[test]
    fn the_national_list_of_2025() {
        let got: Vec<(NaiveDate, &str)> = french_holidays(2025, Zone::Metropole)
            .iter()
            .map(|h| (h.date, h.name_fr))
            .collect();
        assert_eq!(
            got,
            [
                (d(2025, 1, 1), "Jour de l'an"),
                (d(2025, 4, 21), "Lundi de Pâques"),
                (d(2025, 5, 1), "Fête du Travail"),
                (d(2025, 5, 8), "Victoire 1945"),
                (d(2025, 5, 29), "Ascension"),
                (d(2025, 6, 9), "Lundi de Pentecôte"),
                (d(2025, 7, 14), "Fête nationale"),
                (d(2025, 8, 15), "Assomption"),
                (d(2025, 11, 1), "Toussaint"),
                (d(2025, 11, 11), "Armistice 1918"),
                (d(2025, 12, 25), "Noël"),
            ]
        );
    }

    #[test]
    fn moving_holidays_follow_easter() {
        // (year, Easter Monday, Ascension, Whit Monday)
        let table = [
            (2024, d(2024, 4, 1), d(2024, 5, 9), d(2024, 5, 20)),
            (2025, d(2025, 4, 21), d(2025, 5, 29), d(2025, 6, 9)),
            (2026, d(2026, 4, 6), d(2026, 5, 14), d(2026, 5, 25)),
        ];
        for (year, monday, ascension, whit) in table {
            let list = french_holidays(year, Zone::Metropole);
            let date = |name: &str| list.iter().find(|h| h.name_en == name).map(|h| h.date);
            assert_eq!(date("Easter Monday"), Some(monday), "{year}");
            assert_eq!(date("Ascension Day"), Some(ascension), "{year}");
            assert_eq!(date("Whit Monday"), Some(whit), "{year}");
        }
    }

    #[test]
    fn each_zone_adds_its_own_days() {
        // (zone, extra dates in 2026 beyond the 11 national ones)
        let table: [(Zone, &[NaiveDate]); 9] = [
            (Zone::Metropole, &[]),
            (Zone::AlsaceMoselle, &[d(2026, 4, 3), d(2026, 12, 26)]),
            (Zone::Mayotte, &[d(2026, 4, 27)]),
            (Zone::Martinique, &[d(2026, 5, 22)]),
            (Zone::Guadeloupe, &[d(2026, 5, 27)]),
            (Zone::SaintMartin, &[d(2026, 5, 28)]),
            (Zone::Guyane, &[d(2026, 6, 10)]),
            (Zone::SaintBarthelemy, &[d(2026, 10, 9)]),
            (Zone::Reunion, &[d(2026, 12, 20)]),
        ];
        let national = french_holidays(2026, Zone::Metropole);
        for (zone, extra) in table {
            let list = french_holidays(2026, zone);
            assert_eq!(list.len(), 11 + extra.len(), "{zone:?}");
            let added: Vec<NaiveDate> = list
                .iter()
                .filter(|h| !national.contains(h))
                .map(|h| h.date)
                .collect();
            assert_eq!(added, extra, "{zone:?}");
            assert!(list.windows(2).all(|w| w[0].date <= w[1].date));
            assert!(list
                .iter()
                .all(|h| !h.name_fr.is_empty() && !h.name_en.is_empty()));
            assert_eq!(Zone::parse(zone.as_str()), Some(zone));
        }
        let good_friday = french_holidays(2024, Zone::AlsaceMoselle)
            .into_iter()
            .find(|h| h.name_en == "Good Friday");
        assert_eq!(good_friday.map(|h| h.date), Some(d(2024, 3, 29)));
        assert_eq!(Zone::parse("Alsace-Moselle"), Some(Zone::AlsaceMoselle));
    }

    #[test]
    fn a_range_spans_years_and_excludes_its_end() {
        let list = holidays_between(d(2025, 12, 25), d(2026, 1, 2), Zone::AlsaceMoselle);
        let dates: Vec<NaiveDate> = list.iter().map(|h| h.date).collect();
        assert_eq!(dates, [d(2025, 12, 25), d(2025, 12, 26), d(2026, 1, 1)]);
        assert!(holidays_between(d(2025, 1, 2), d(2025, 1, 1), Zone::Metropole).is_empty());
        assert!(holidays_between(d(2025, 1, 1), d(2025, 1, 1), Zone::Metropole).is_empty());
        let keys = key_dates(
            d(2025, 7, 1),
            d(2025, 8, 1),
            Zone::Metropole,
            relais_core::Locale::En,
        );
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].label, "Bastille Day");
        assert_eq!(keys[0].kind, KeyDateKind::Holiday);
    }
}
