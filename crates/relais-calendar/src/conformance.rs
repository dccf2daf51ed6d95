//! Conformance of a calendar with its editorial charter (001 C2.1 CE.2, 001 C2.2
//! CE.1–CE.2, 003 Cr3.3), and the charter's own checklist (001 C1.9 CE.1, 003
//! Cr3.1, Cr3.2).
//!
//! [`check`] looks at the entries of a date range and reports, as [`Finding`]s of
//! the shared checks framework: weekly counts per network outside the charter's
//! bounds, times outside the posting windows, networks and content types the
//! charter does not plan, entries without a known axis, unused and dominating
//! axes, gaps without any post, collisions on one account, and key dates
//! (holidays, observances) left without a post. [`charter_checks`] checks the
//! charter itself. Every finding's `subject` is a [`Subject`] written as text
//! (`entry:42`, `week:instagram:2025-W14`…) so a page can link to what it is
//! about.

use crate::tz;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use relais_core::charter::Charter;
use relais_core::checks::{CheckDef, Finding, Severity};
use relais_core::entry::{Account, Entry, Observance, Status};
use relais_core::ids::{AccountId, EntryId};
use relais_core::network::Network;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Whether a key date is a public holiday or an observance the workspace added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyDateKind {
    Holiday,
    Observance,
}

/// A date that matters for planning (001 C2.2 CE.2): a public holiday or an
/// observance ("journée mondiale", trade fair, sales).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyDate {
    pub date: NaiveDate,
    /// The name shown in findings (in the reader's language for holidays).
    pub label: String,
    pub kind: KeyDateKind,
}

impl KeyDate {
    pub fn observance(o: &Observance) -> KeyDate {
        KeyDate {
            date: o.date,
            label: o.label.clone(),
            kind: KeyDateKind::Observance,
        }
    }
}

/// What a finding is about, written into [`Finding::subject`] with `Display`
/// and read back with [`Subject::parse`]:
/// `entry:42`, `account:3`, `network:instagram`, `week:instagram:2025-W14`,
/// `axis:Coulisses`, `objective:0` (its index in the charter), `date:2025-05-01`,
/// `charter`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    Entry(EntryId),
    Account(AccountId),
    Network(Network),
    /// An ISO week of one network.
    Week {
        network: Network,
        year: i32,
        week: u32,
    },
    Axis(String),
    Objective(usize),
    Date(NaiveDate),
    Charter,
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Entry(id) => write!(f, "entry:{id}"),
            Subject::Account(id) => write!(f, "account:{id}"),
            Subject::Network(n) => write!(f, "network:{n}"),
            Subject::Week {
                network,
                year,
                week,
            } => write!(f, "week:{network}:{year}-W{week:02}"),
            Subject::Axis(name) => write!(f, "axis:{name}"),
            Subject::Objective(i) => write!(f, "objective:{i}"),
            Subject::Date(d) => write!(f, "date:{}", ymd(*d)),
            Subject::Charter => f.write_str("charter"),
        }
    }
}

impl Subject {
    /// Reads a subject written by `Display`.
    pub fn parse(text: &str) -> Option<Subject> {
        if text == "charter" {
            return Some(Subject::Charter);
        }
        let (kind, rest) = text.split_once(':')?;
        match kind {
            "entry" => rest.parse().ok().map(Subject::Entry),
            "account" => rest.parse().ok().map(Subject::Account),
            "network" => Network::ALL
                .into_iter()
                .find(|n| n.as_str() == rest)
                .map(Subject::Network),
            "week" => {
                let (network, week) = rest.split_once(':')?;
                let network = Network::ALL.into_iter().find(|n| n.as_str() == network)?;
                let (year, week) = week.split_once("-W")?;
                Some(Subject::Week {
                    network,
                    year: year.parse().ok()?,
                    week: week.parse().ok()?,
                })
            }
            "axis" => Some(Subject::Axis(rest.to_string())),
            "objective" => rest.parse().ok().map(Subject::Objective),
            "date" => NaiveDate::parse_from_str(rest, "%Y-%m-%d")
                .ok()
                .map(Subject::Date),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------
// Calendar checks
// ---------------------------------------------------------------------------

// implements 001 C2.1 CE.2; 003 Cr3.3: per network and week, count within the
// charter's frequency bounds.
pub static TOO_FEW_PER_WEEK: CheckDef = CheckDef {
    id: "calendar.too_few_per_week",
    severity: Severity::Warning,
    reference: "001 C2.1 CE.2; 003 Cr3.3",
    fr: "{network}, semaine {week} : {count} publication(s), la charte en prévoit au moins {min}.",
    en: "{network}, week {week}: {count} post(s), the charter plans at least {min}.",
};
// implements 001 C2.1 CE.2; 003 Cr3.3
pub static TOO_MANY_PER_WEEK: CheckDef = CheckDef {
    id: "calendar.too_many_per_week",
    severity: Severity::Warning,
    reference: "001 C2.1 CE.2; 003 Cr3.3",
    fr: "{network}, semaine {week} : {count} publications, la charte en prévoit au plus {max}.",
    en: "{network}, week {week}: {count} posts, the charter plans at most {max}.",
};
// implements 001 C2.1 CE.2: every time inside a charter posting window.
pub static OUTSIDE_WINDOW: CheckDef = CheckDef {
    id: "calendar.outside_window",
    severity: Severity::Warning,
    reference: "001 C2.1 CE.2",
    fr: "« {title} » est prévu le {date} à {time} sur {network}, hors des créneaux de la charte.",
    en: "\u{201c}{title}\u{201d} is planned on {date} at {time} on {network}, outside the charter's posting windows.",
};
// implements 001 C2.2 CE.1: every entry's network is planned by the charter.
pub static NETWORK_NOT_IN_CHARTER: CheckDef = CheckDef {
    id: "calendar.network_not_in_charter",
    severity: Severity::Error,
    reference: "001 C2.2 CE.1",
    fr: "« {title} » est publié sur {network}, que la charte ne prévoit pas.",
    en: "\u{201c}{title}\u{201d} is published on {network}, which the charter does not plan.",
};
// implements 001 C2.2 CE.1: content type allowed by the charter for that network.
pub static CONTENT_TYPE_NOT_ALLOWED: CheckDef = CheckDef {
    id: "calendar.content_type_not_allowed",
    severity: Severity::Warning,
    reference: "001 C2.2 CE.1",
    fr: "« {title} » : le type de contenu « {content_type} » n'est pas prévu sur {network} par la charte.",
    en: "\u{201c}{title}\u{201d}: the content type \u{201c}{content_type}\u{201d} is not planned on {network} by the charter.",
};
// implements 003 Cr3.3: every entry has an axis.
pub static ENTRY_NO_AXIS: CheckDef = CheckDef {
    id: "calendar.entry_no_axis",
    severity: Severity::Warning,
    reference: "003 Cr3.3; 001 C2.2 CE.1",
    fr: "« {title} » n'a pas d'axe éditorial.",
    en: "\u{201c}{title}\u{201d} has no content axis.",
};
// implements 003 Cr3.3; 001 C2.2 CE.1: the entry's axis is one of the charter's.
pub static UNKNOWN_AXIS: CheckDef = CheckDef {
    id: "calendar.unknown_axis",
    severity: Severity::Warning,
    reference: "003 Cr3.3; 001 C2.2 CE.1",
    fr: "« {title} » : l'axe « {axis} » n'est pas dans la charte.",
    en: "\u{201c}{title}\u{201d}: the axis \u{201c}{axis}\u{201d} is not in the charter.",
};
// implements 003 Cr3.3: every axis used.
pub static AXIS_UNUSED: CheckDef = CheckDef {
    id: "calendar.axis_unused",
    severity: Severity::Warning,
    reference: "003 Cr3.3",
    fr: "L'axe « {axis} » n'est utilisé par aucune publication de la période.",
    en: "The axis \u{201c}{axis}\u{201d} is used by no post in the period.",
};
// implements 003 Cr3.3: no axis dominates beyond the charter's share.
pub static AXIS_DOMINANT: CheckDef = CheckDef {
    id: "calendar.axis_dominant",
    severity: Severity::Warning,
    reference: "003 Cr3.3",
    fr: "L'axe « {axis} » représente {share} % des publications (maximum {max} %).",
    en: "The axis \u{201c}{axis}\u{201d} takes {share}% of the posts (at most {max}%).",
};
// implements 001 C2.1 CE.2: publication frequency has no long gap.
pub static GAP: CheckDef = CheckDef {
    id: "calendar.gap",
    severity: Severity::Warning,
    reference: "001 C2.1 CE.2",
    fr: "Aucune publication du {from} au {to} ({days} jours, la charte tolère {max}).",
    en: "No post from {from} to {to} ({days} days, the charter allows {max}).",
};
// implements 001 C2.1 CE.2: two posts on one account too close together.
pub static COLLISION: CheckDef = CheckDef {
    id: "calendar.collision",
    severity: Severity::Warning,
    reference: "001 C2.1 CE.2",
    fr: "« {first} » et « {second} » sont à {minutes} min d'intervalle sur {account} (minimum {min} min).",
    en: "\u{201c}{first}\u{201d} and \u{201c}{second}\u{201d} are {minutes} min apart on {account} (at least {min} min).",
};
// implements 001 C2.2 CE.2: key dates (holidays, observances) taken into account.
pub static KEY_DATE_UNCOVERED: CheckDef = CheckDef {
    id: "calendar.key_date_uncovered",
    severity: Severity::Info,
    reference: "001 C2.2 CE.2",
    fr: "{label} ({date}) : aucune publication ce jour-là ni la veille.",
    en: "{label} ({date}): no post that day or the day before.",
};

// ---------------------------------------------------------------------------
// Charter checks
// ---------------------------------------------------------------------------

// implements 003 Cr3.1: 3 to 5 content axes.
pub static TOO_FEW_AXES: CheckDef = CheckDef {
    id: "charter.too_few_axes",
    severity: Severity::Error,
    reference: "003 Cr3.1",
    fr: "La charte a {count} axe(s) éditorial(aux) ; il en faut de 3 à 5.",
    en: "The charter has {count} content axis(es); it needs 3 to 5.",
};
// implements 003 Cr3.1
pub static TOO_MANY_AXES: CheckDef = CheckDef {
    id: "charter.too_many_axes",
    severity: Severity::Error,
    reference: "003 Cr3.1",
    fr: "La charte a {count} axes éditoriaux ; il en faut de 3 à 5.",
    en: "The charter has {count} content axes; it needs 3 to 5.",
};
// implements 003 Cr3.1: each axis has a theme.
pub static AXIS_NO_THEME: CheckDef = CheckDef {
    id: "charter.axis_no_theme",
    severity: Severity::Warning,
    reference: "003 Cr3.1",
    fr: "L'axe « {axis} » n'a pas de thème.",
    en: "The axis \u{201c}{axis}\u{201d} has no theme.",
};
// implements 003 Cr3.1: each axis is linked to an objective.
pub static AXIS_NO_OBJECTIVE: CheckDef = CheckDef {
    id: "charter.axis_no_objective",
    severity: Severity::Warning,
    reference: "003 Cr3.1",
    fr: "L'axe « {axis} » ne sert aucun objectif.",
    en: "The axis \u{201c}{axis}\u{201d} serves no objective.",
};
// implements 003 Cr3.1: the linked objective exists.
pub static AXIS_UNKNOWN_OBJECTIVE: CheckDef = CheckDef {
    id: "charter.axis_unknown_objective",
    severity: Severity::Warning,
    reference: "003 Cr3.1",
    fr: "L'axe « {axis} » sert l'objectif « {objective} », absent des objectifs de la charte.",
    en: "The axis \u{201c}{axis}\u{201d} serves the objective \u{201c}{objective}\u{201d}, which is not among the charter's objectives.",
};
// implements 003 Cr3.1: each axis is justified.
pub static AXIS_NO_RATIONALE: CheckDef = CheckDef {
    id: "charter.axis_no_rationale",
    severity: Severity::Warning,
    reference: "003 Cr3.1",
    fr: "L'axe « {axis} » n'est pas justifié.",
    en: "The axis \u{201c}{axis}\u{201d} has no rationale.",
};
// implements 001 C1.9 CE.1: the charter has its objectives section.
pub static NO_OBJECTIVES: CheckDef = CheckDef {
    id: "charter.no_objectives",
    severity: Severity::Error,
    reference: "001 C1.9 CE.1",
    fr: "La charte n'a aucun objectif de publication.",
    en: "The charter has no publication objective.",
};
// implements 001 C1.9 CE.1: objectives have measurable targets.
pub static OBJECTIVE_NO_TARGET: CheckDef = CheckDef {
    id: "charter.objective_no_target",
    severity: Severity::Warning,
    reference: "001 C1.9 CE.1",
    fr: "L'objectif « {objective} » n'a pas de cible mesurable.",
    en: "The objective \u{201c}{objective}\u{201d} has no measurable target.",
};
// implements 001 C1.9 CE.1: the charter plans at least one network.
pub static NO_NETWORKS: CheckDef = CheckDef {
    id: "charter.no_networks",
    severity: Severity::Error,
    reference: "001 C1.9 CE.1",
    fr: "La charte ne prévoit aucun réseau.",
    en: "The charter plans no network.",
};
// implements 003 Cr3.2: every network has a frequency.
pub static NETWORK_NO_FREQUENCY: CheckDef = CheckDef {
    id: "charter.network_no_frequency",
    severity: Severity::Warning,
    reference: "003 Cr3.2",
    fr: "{network} : la charte ne fixe pas de fréquence de publication.",
    en: "{network}: the charter sets no posting frequency.",
};
// implements 003 Cr3.2: every network has posting windows.
pub static NETWORK_NO_WINDOW: CheckDef = CheckDef {
    id: "charter.network_no_window",
    severity: Severity::Warning,
    reference: "003 Cr3.2",
    fr: "{network} : la charte ne fixe pas de créneau horaire de publication.",
    en: "{network}: the charter sets no posting-hour window.",
};
// implements 003 Cr3.2: windows are argued from the audience's habits.
pub static WINDOW_NO_REASON: CheckDef = CheckDef {
    id: "charter.window_no_reason",
    severity: Severity::Warning,
    reference: "003 Cr3.2",
    fr: "{network} : le créneau {start}–{end} n'est pas justifié par les habitudes de l'audience.",
    en: "{network}: the {start}–{end} window gives no reason from the audience's habits.",
};
// implements 001 C2.2 CE.1: the charter lists the content types of each network.
pub static NETWORK_NO_CONTENT_TYPES: CheckDef = CheckDef {
    id: "charter.network_no_content_types",
    severity: Severity::Info,
    reference: "001 C2.2 CE.1",
    fr: "{network} : la charte ne liste pas les types de contenu.",
    en: "{network}: the charter lists no content types.",
};
// implements 001 C1.9 CE.1: the charter covers every account of the brand.
pub static ACCOUNT_NOT_COVERED: CheckDef = CheckDef {
    id: "charter.account_not_covered",
    severity: Severity::Error,
    reference: "001 C1.9 CE.1",
    fr: "Le compte {account} ({network}) n'est couvert par aucune section de la charte.",
    en: "The account {account} ({network}) is covered by no section of the charter.",
};
// implements 001 C1.9 CE.1: production procedures (who writes, who validates).
pub static NO_PROCEDURES: CheckDef = CheckDef {
    id: "charter.no_procedures",
    severity: Severity::Warning,
    reference: "001 C1.9 CE.1",
    fr: "La charte ne dit pas qui rédige et qui valide.",
    en: "The charter does not say who writes and who validates.",
};
// implements 003 Cr3.2: posting hours need a known time zone.
pub static TIMEZONE_UNKNOWN: CheckDef = CheckDef {
    id: "charter.timezone_unknown",
    severity: Severity::Error,
    reference: "003 Cr3.2",
    fr: "Le fuseau horaire « {timezone} » est inconnu ; les heures sont lues en UTC.",
    en: "The time zone \u{201c}{timezone}\u{201d} is unknown; times are read as UTC.",
};

/// Every check definition of this crate, for the catalog test and the docs.
pub fn catalog() -> Vec<&'static CheckDef> {
    vec![
        &TOO_FEW_PER_WEEK,
        &TOO_MANY_PER_WEEK,
        &OUTSIDE_WINDOW,
        &NETWORK_NOT_IN_CHARTER,
        &CONTENT_TYPE_NOT_ALLOWED,
        &ENTRY_NO_AXIS,
        &UNKNOWN_AXIS,
        &AXIS_UNUSED,
        &AXIS_DOMINANT,
        &GAP,
        &COLLISION,
        &KEY_DATE_UNCOVERED,
        &TOO_FEW_AXES,
        &TOO_MANY_AXES,
        &AXIS_NO_THEME,
        &AXIS_NO_OBJECTIVE,
        &AXIS_UNKNOWN_OBJECTIVE,
        &AXIS_NO_RATIONALE,
        &NO_OBJECTIVES,
        &OBJECTIVE_NO_TARGET,
        &NO_NETWORKS,
        &NETWORK_NO_FREQUENCY,
        &NETWORK_NO_WINDOW,
        &WINDOW_NO_REASON,
        &NETWORK_NO_CONTENT_TYPES,
        &ACCOUNT_NOT_COVERED,
        &NO_PROCEDURES,
        &TIMEZONE_UNKNOWN,
    ]
}

/// The number of posts of one network in one ISO week, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkWeek {
    pub network: Network,
    /// ISO week-numbering year and week.
    pub year: i32,
    pub week: u32,
    pub monday: NaiveDate,
    pub count: u32,
    pub min: u32,
    pub max: u32,
    /// Whether the whole week lies inside the checked range. The minimum is only
    /// checked for complete weeks (a range cut mid-week would otherwise always
    /// look short); the maximum is checked for every week.
    pub complete: bool,
}

/// How many posts of the range use one charter axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxisCount {
    pub axis: String,
    pub count: u32,
    /// Share of the counted posts, in percent, rounded down.
    pub share_pct: u32,
}

/// The result of [`check`].
#[derive(Debug, Clone, PartialEq)]
pub struct Conformance {
    /// 0–100, see [`score`].
    pub score: u8,
    /// Worst first (errors, warnings, infos), in a stable order within each.
    pub findings: Vec<Finding>,
    /// One row per charter network and ISO week overlapping the range, in
    /// network-then-week order.
    pub per_network_week: Vec<NetworkWeek>,
    /// One row per charter axis, in charter order.
    pub per_axis: Vec<AxisCount>,
    /// How many entries were checked (dated, not ideas, inside the range).
    pub counted: usize,
}

/// The conformance score: `100 − (10 × errors + 3 × warnings + 1 × infos)`,
/// clamped to 0–100. A clean calendar scores 100; every fix raises the score by
/// its weight, so the number moves visibly when one finding is fixed. The weights
/// say that an error (a network the charter does not plan) matters about three
/// times a warning (a post outside its window), and an unmarked holiday only
/// nudges.
pub fn score(findings: &[Finding]) -> u8 {
    let penalty: u64 = findings
        .iter()
        .map(|f| match f.severity() {
            Severity::Error => 10,
            Severity::Warning => 3,
            Severity::Info => 1,
        })
        .sum();
    u8::try_from(100_u64.saturating_sub(penalty)).unwrap_or(0)
}

/// One entry as the checks see it.
struct Counted<'a> {
    entry: &'a Entry,
    at: DateTime<Utc>,
    local: chrono::NaiveDateTime,
    /// Distinct networks of its known accounts, as a bit set over
    /// `Network::ALL` indices.
    networks: u16,
}

fn network_index(n: Network) -> usize {
    Network::ALL.iter().position(|x| *x == n).unwrap_or(0)
}

fn iso_label(year: i32, week: u32) -> String {
    format!("{year}-W{week:02}")
}

/// Names are compared trimmed and without case, with no allocation (this runs
/// for every entry).
fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    if a.is_ascii() && b.is_ascii() {
        return false;
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// `YYYY-MM-DD` without going through a strftime parser.
fn ymd(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Checks the entries planned in `[range_start, range_end)` (dates in the
/// charter's time zone; `range_end` excluded, as in the store's date filters)
/// against `charter`.
///
/// Only dated entries that are not ideas count. Entries are counted per network
/// through their accounts (an entry on two accounts of one network counts once
/// for that network; accounts not in `accounts` are ignored). Times are
/// converted to the charter's time zone (UTC if it is unknown, with a finding).
/// `key_dates` outside the range are ignored.
pub fn check(
    charter: &Charter,
    accounts: &[Account],
    entries: &[Entry],
    range_start: NaiveDate,
    range_end: NaiveDate,
    key_dates: &[KeyDate],
) -> Conformance {
    let mut findings = Vec::new();
    let tz = match tz::parse(&charter.timezone) {
        Some(tz) => tz,
        None => {
            findings.push(
                Finding::new(&TIMEZONE_UNKNOWN)
                    .arg("timezone", &charter.timezone)
                    .about(Subject::Charter.to_string()),
            );
            Tz::UTC
        }
    };
    let account_network: HashMap<AccountId, Network> =
        accounts.iter().map(|a| (a.id, a.network)).collect();
    let account_name: HashMap<AccountId, &str> =
        accounts.iter().map(|a| (a.id, a.handle.as_str())).collect();

    let mut counted: Vec<Counted> = Vec::with_capacity(entries.len());
    for entry in entries {
        if entry.status == Status::Idea {
            continue;
        }
        let Some(at) = entry.content.starts_at else {
            continue;
        };
        let local = at.with_timezone(&tz).naive_local();
        let date = local.date();
        if date < range_start || date >= range_end {
            continue;
        }
        let networks = entry
            .content
            .accounts
            .iter()
            .filter_map(|a| account_network.get(a))
            .fold(0_u16, |set, n| set | (1 << network_index(*n)));
        counted.push(Counted {
            entry,
            at,
            local,
            networks,
        });
    }

    // Per-entry checks: network, window, content type, axis.
    // Weekly counts, indexed by network and week number since `first_monday`.
    let first_monday =
        range_start - Duration::days(i64::from(range_start.weekday().num_days_from_monday()));
    let weeks = usize::try_from((range_end - first_monday).num_days().max(0) / 7 + 1).unwrap_or(0);
    let mut week_counts = vec![0_u32; Network::ALL.len() * weeks];
    let mut axis_counts = vec![0_u32; charter.axes.len()];
    for c in &counted {
        let title = c.entry.content.title.as_str();
        let subject = || Subject::Entry(c.entry.id).to_string();
        let weekday = c.local.date().weekday();
        let time = c.local.time();
        let week = usize::try_from((c.local.date() - first_monday).num_days() / 7).unwrap_or(0);
        for network in Network::ALL
            .into_iter()
            .filter(|n| c.networks & (1 << network_index(*n)) != 0)
        {
            if let Some(slot) = week_counts.get_mut(network_index(network) * weeks + week) {
                *slot += 1;
            }
            let Some(plan) = charter.plan(network) else {
                findings.push(
                    Finding::new(&NETWORK_NOT_IN_CHARTER)
                        .arg("title", title)
                        .arg("network", network.label())
                        .about(subject()),
                );
                continue;
            };
            let in_window = plan.windows.is_empty()
                || plan.windows.iter().any(|w| {
                    (w.days.is_empty() || w.days.contains(&weekday))
                        && w.start <= time
                        && time <= w.end
                });
            if !in_window {
                findings.push(
                    Finding::new(&OUTSIDE_WINDOW)
                        .arg("title", title)
                        .arg("date", ymd(c.local.date()))
                        .arg("time", format!("{:02}:{:02}", time.hour(), time.minute()))
                        .arg("network", network.label())
                        .about(subject()),
                );
            }
            let ct = c.entry.content.content_type.trim();
            if !ct.is_empty()
                && !plan.content_types.is_empty()
                && !plan.content_types.iter().any(|t| same_name(t, ct))
            {
                findings.push(
                    Finding::new(&CONTENT_TYPE_NOT_ALLOWED)
                        .arg("title", title)
                        .arg("content_type", ct)
                        .arg("network", network.label())
                        .suggest(plan.content_types.join(", "))
                        .about(subject()),
                );
            }
        }
        match c.entry.content.axis.as_deref().map(str::trim) {
            None | Some("") => findings.push(
                Finding::new(&ENTRY_NO_AXIS)
                    .arg("title", title)
                    .about(subject()),
            ),
            Some(axis) => match charter.axes.iter().position(|a| same_name(&a.name, axis)) {
                Some(i) => axis_counts[i] += 1,
                None => {
                    let names: Vec<&str> = charter.axes.iter().map(|a| a.name.as_str()).collect();
                    findings.push(
                        Finding::new(&UNKNOWN_AXIS)
                            .arg("title", title)
                            .arg("axis", axis)
                            .suggest(names.join(", "))
                            .about(subject()),
                    );
                }
            },
        }
    }

    // Frequency per network and ISO week.
    let mut per_network_week = Vec::new();
    for plan in &charter.networks {
        let mut monday = first_monday;
        let mut week = 0;
        while monday < range_end {
            let iso = monday.iso_week();
            let count = week_counts
                .get(network_index(plan.network) * weeks + week)
                .copied()
                .unwrap_or(0);
            week += 1;
            let complete = monday >= range_start && monday + Duration::days(7) <= range_end;
            let subject = Subject::Week {
                network: plan.network,
                year: iso.year(),
                week: iso.week(),
            }
            .to_string();
            if count > plan.max_per_week {
                findings.push(
                    Finding::new(&TOO_MANY_PER_WEEK)
                        .arg("network", plan.network.label())
                        .arg("week", iso_label(iso.year(), iso.week()))
                        .arg("count", count)
                        .arg("max", plan.max_per_week)
                        .about(subject),
                );
            } else if complete && count < plan.min_per_week {
                findings.push(
                    Finding::new(&TOO_FEW_PER_WEEK)
                        .arg("network", plan.network.label())
                        .arg("week", iso_label(iso.year(), iso.week()))
                        .arg("count", count)
                        .arg("min", plan.min_per_week)
                        .about(subject),
                );
            }
            per_network_week.push(NetworkWeek {
                network: plan.network,
                year: iso.year(),
                week: iso.week(),
                monday,
                count,
                min: plan.min_per_week,
                max: plan.max_per_week,
                complete,
            });
            monday += Duration::days(7);
        }
    }

    // Axes: every one used, none dominating.
    let total = u32::try_from(counted.len()).unwrap_or(u32::MAX);
    let mut per_axis = Vec::with_capacity(charter.axes.len());
    for (axis, &count) in charter.axes.iter().zip(&axis_counts) {
        let share_pct = if total == 0 {
            0
        } else {
            (u64::from(count) * 100 / u64::from(total)) as u32
        };
        let subject = Subject::Axis(axis.name.clone()).to_string();
        if count == 0 {
            findings.push(
                Finding::new(&AXIS_UNUSED)
                    .arg("axis", &axis.name)
                    .about(subject),
            );
        } else if u64::from(count) * 100
            > u64::from(charter.rules.max_axis_share_pct) * u64::from(total)
        {
            findings.push(
                Finding::new(&AXIS_DOMINANT)
                    .arg("axis", &axis.name)
                    .arg("share", share_pct)
                    .arg("max", charter.rules.max_axis_share_pct)
                    .about(subject),
            );
        }
        per_axis.push(AxisCount {
            axis: axis.name.clone(),
            count,
            share_pct,
        });
    }

    // Gaps: runs of more than `gap_days` days without a post.
    let mut days: Vec<NaiveDate> = counted.iter().map(|c| c.local.date()).collect();
    days.sort_unstable();
    days.dedup();
    let max_gap = i64::from(charter.rules.gap_days);
    let mut previous: Option<NaiveDate> = None;
    let boundaries = days.iter().copied().map(Some).chain(std::iter::once(None));
    for next in boundaries {
        let first_empty = previous.map_or(range_start, |p| p + Duration::days(1));
        let end_excl = next.unwrap_or(range_end);
        let empty = (end_excl - first_empty).num_days();
        if max_gap > 0 && empty > max_gap {
            let last_empty = end_excl - Duration::days(1);
            findings.push(
                Finding::new(&GAP)
                    .arg("from", ymd(first_empty))
                    .arg("to", ymd(last_empty))
                    .arg("days", empty)
                    .arg("max", max_gap)
                    .about(Subject::Date(first_empty).to_string()),
            );
        }
        previous = next;
    }

    // Collisions: two posts on one account closer than `collision_minutes`.
    let window = Duration::minutes(i64::from(charter.rules.collision_minutes));
    let mut slots: Vec<(AccountId, DateTime<Utc>, EntryId, &Entry)> =
        Vec::with_capacity(counted.len());
    for c in &counted {
        let mut seen: Vec<AccountId> = Vec::new();
        for &a in &c.entry.content.accounts {
            if account_network.contains_key(&a) && !seen.contains(&a) {
                seen.push(a);
                slots.push((a, c.at, c.entry.id, c.entry));
            }
        }
    }
    slots.sort_unstable_by_key(|&(a, at, id, _)| (a, at, id));
    for pair in slots.windows(2) {
        let ((a1, t1, _, first), (a2, t2, _, second)) = (pair[0], pair[1]);
        if a1 == a2 && t2 - t1 < window {
            findings.push(
                Finding::new(&COLLISION)
                    .arg("first", &first.content.title)
                    .arg("second", &second.content.title)
                    .arg("minutes", (t2 - t1).num_minutes())
                    .arg("min", charter.rules.collision_minutes)
                    .arg("account", account_name.get(&a1).copied().unwrap_or(""))
                    .about(Subject::Entry(second.id).to_string()),
            );
        }
    }

    // Key dates: a post that day or the day before.
    let day_set: HashSet<NaiveDate> = days.iter().copied().collect();
    for kd in key_dates {
        if kd.date < range_start || kd.date >= range_end {
            continue;
        }
        let covered = day_set.contains(&kd.date)
            || kd
                .date
                .pred_opt()
                .is_some_and(|before| day_set.contains(&before));
        if !covered {
            findings.push(
                Finding::new(&KEY_DATE_UNCOVERED)
                    .arg("label", &kd.label)
                    .arg("date", ymd(kd.date))
                    .about(Subject::Date(kd.date).to_string()),
            );
        }
    }

    findings.sort_by_key(|f| f.severity());
    Conformance {
        score: score(&findings),
        findings,
        per_network_week,
        per_axis,
        counted: counted.len(),
    }
}

/// The charter's own checklist: 3–5 axes each with theme, existing objective and
/// rationale (003 Cr3.1); each network with a frequency and justified posting
/// windows (003 Cr3.2); objectives with targets, procedures, and every account of
/// the workspace covered (001 C1.9 CE.1).
pub fn charter_checks(charter: &Charter, accounts: &[Account]) -> Vec<Finding> {
    let mut out = Vec::new();
    if tz::parse(&charter.timezone).is_none() {
        out.push(
            Finding::new(&TIMEZONE_UNKNOWN)
                .arg("timezone", &charter.timezone)
                .about(Subject::Charter.to_string()),
        );
    }
    if charter.objectives.is_empty() {
        out.push(Finding::new(&NO_OBJECTIVES).about(Subject::Charter.to_string()));
    }
    for (i, o) in charter.objectives.iter().enumerate() {
        if o.target.trim().is_empty() {
            out.push(
                Finding::new(&OBJECTIVE_NO_TARGET)
                    .arg("objective", &o.label)
                    .about(Subject::Objective(i).to_string()),
            );
        }
    }
    let n = charter.axes.len();
    if n < 3 {
        out.push(
            Finding::new(&TOO_FEW_AXES)
                .arg("count", n)
                .about(Subject::Charter.to_string()),
        );
    } else if n > 5 {
        out.push(
            Finding::new(&TOO_MANY_AXES)
                .arg("count", n)
                .about(Subject::Charter.to_string()),
        );
    }
    for axis in &charter.axes {
        let subject = || Subject::Axis(axis.name.clone()).to_string();
        if axis.theme.trim().is_empty() {
            out.push(
                Finding::new(&AXIS_NO_THEME)
                    .arg("axis", &axis.name)
                    .about(subject()),
            );
        }
        if axis.objective.trim().is_empty() {
            out.push(
                Finding::new(&AXIS_NO_OBJECTIVE)
                    .arg("axis", &axis.name)
                    .about(subject()),
            );
        } else if !charter
            .objectives
            .iter()
            .any(|o| same_name(&o.label, &axis.objective))
        {
            let labels: Vec<&str> = charter
                .objectives
                .iter()
                .map(|o| o.label.as_str())
                .collect();
            let mut f = Finding::new(&AXIS_UNKNOWN_OBJECTIVE)
                .arg("axis", &axis.name)
                .arg("objective", &axis.objective)
                .about(subject());
            if !labels.is_empty() {
                f = f.suggest(labels.join(", "));
            }
            out.push(f);
        }
        if axis.rationale.trim().is_empty() {
            out.push(
                Finding::new(&AXIS_NO_RATIONALE)
                    .arg("axis", &axis.name)
                    .about(subject()),
            );
        }
    }
    if charter.networks.is_empty() {
        out.push(Finding::new(&NO_NETWORKS).about(Subject::Charter.to_string()));
    }
    for plan in &charter.networks {
        let subject = || Subject::Network(plan.network).to_string();
        let label = plan.network.label();
        if plan.max_per_week == 0 {
            out.push(
                Finding::new(&NETWORK_NO_FREQUENCY)
                    .arg("network", label)
                    .about(subject()),
            );
        }
        if plan.windows.is_empty() {
            out.push(
                Finding::new(&NETWORK_NO_WINDOW)
                    .arg("network", label)
                    .about(subject()),
            );
        }
        for w in &plan.windows {
            if w.reason.trim().is_empty() {
                out.push(
                    Finding::new(&WINDOW_NO_REASON)
                        .arg("network", label)
                        .arg("start", w.start.format("%H:%M"))
                        .arg("end", w.end.format("%H:%M"))
                        .about(subject()),
                );
            }
        }
        if plan.content_types.iter().all(|t| t.trim().is_empty()) {
            out.push(
                Finding::new(&NETWORK_NO_CONTENT_TYPES)
                    .arg("network", label)
                    .about(subject()),
            );
        }
    }
    for account in accounts {
        if charter.plan(account.network).is_none() {
            out.push(
                Finding::new(&ACCOUNT_NOT_COVERED)
                    .arg("account", &account.handle)
                    .arg("network", account.network.label())
                    .suggest(account.network.as_str())
                    .about(Subject::Account(account.id).to_string()),
            );
        }
    }
    if charter.procedures.writers.trim().is_empty()
        || charter.procedures.validators.trim().is_empty()
    {
        out.push(Finding::new(&NO_PROCEDURES).about(Subject::Charter.to_string()));
    }
    out.sort_by_key(|f| f.severity());
    out
}

#[cfg(test)]
mod tests;
