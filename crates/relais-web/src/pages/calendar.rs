//! The editorial calendar (001 C2.1–C2.2): month, week and list views with
//! filters, the dates that matter (French public holidays, the workspace's
//! observances), and the conformance with the charter as a score and findings.
//!
//! One `list_entries` query covers the displayed range; filters apply in memory
//! to that list, so the conformance panel always sees the whole month and no
//! request makes a query per entry.

use super::checklist::{self, FindingView};
use super::{render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::AppResult;
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use relais_calendar::conformance::{KeyDate, Subject};
use relais_calendar::holidays::{self, Zone};
use relais_core::charter::Charter;
use relais_core::entry::{Account, Entry, Status};
use relais_core::model::{Member, Workspace};
use relais_core::policy::role_allows;
use relais_core::{AccountId, Action, Locale, UserId};
use relais_store::EntryFilter;
use serde::Deserialize;
use std::collections::HashMap;

/// The calendar's query string (`?view=month&date=2025-05-01&account=3`).
#[derive(Debug, Deserialize, Default, Clone)]
pub struct CalendarQuery {
    #[serde(default)]
    pub view: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub axis: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub assignee: String,
}

/// Which view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Month,
    Week,
    List,
}

impl View {
    pub fn parse(s: &str) -> View {
        match s {
            "week" => View::Week,
            "list" => View::List,
            _ => View::Month,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            View::Month => "month",
            View::Week => "week",
            View::List => "list",
        }
    }
}

/// The time zone of the charter, Paris when there is none or it is unknown.
pub fn charter_tz(charter: Option<&Charter>) -> Tz {
    charter
        .and_then(|c| c.timezone.parse::<Tz>().ok())
        .unwrap_or(chrono_tz::Europe::Paris)
}

/// The holiday zone: the overseas department whose time zone the charter uses,
/// else Metropolitan France.
pub fn holiday_zone(tz: Tz) -> Zone {
    match tz.name() {
        "America/Guadeloupe" => Zone::Guadeloupe,
        "America/Cayenne" => Zone::Guyane,
        "America/Martinique" => Zone::Martinique,
        "Indian/Mayotte" => Zone::Mayotte,
        "Indian/Reunion" => Zone::Reunion,
        "America/St_Barthelemy" => Zone::SaintBarthelemy,
        "America/Marigot" => Zone::SaintMartin,
        _ => Zone::Metropole,
    }
}

/// The charter's chosen holiday zone, else the one its time zone implies.
pub fn charter_zone(chosen: &str, tz: Tz) -> Zone {
    Zone::parse(chosen).unwrap_or_else(|| holiday_zone(tz))
}

/// Midnight of `date` in `tz`, as an instant (the earliest one on a DST change).
pub fn start_of(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let naive = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.with_timezone(&Utc)
        }
        chrono::LocalResult::None => Utc.from_utc_datetime(&naive),
    }
}

pub fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

pub fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

pub fn next_month(d: NaiveDate) -> NaiveDate {
    let first = first_of_month(d);
    let (y, m) = if first.month() == 12 {
        (first.year() + 1, 1)
    } else {
        (first.year(), first.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(first)
}

pub fn prev_month(d: NaiveDate) -> NaiveDate {
    let first = first_of_month(d);
    first_of_month(first - Duration::days(1))
}

/// An entry as the calendar shows it.
#[derive(Debug, Clone)]
pub struct EntryLine {
    pub id: i64,
    pub date: NaiveDate,
    /// "14:30" in the charter's time zone, empty when undated.
    pub time: String,
    pub title: String,
    /// Account labels with their network ("Instagram @maison").
    pub accounts: String,
    pub axis: String,
    pub status: Status,
    pub status_label: String,
    pub assignee: String,
}

/// A day of the grid.
#[derive(Debug, Clone)]
pub struct Day {
    pub date: NaiveDate,
    pub in_month: bool,
    pub is_today: bool,
    pub holidays: Vec<String>,
    pub observances: Vec<String>,
    pub entries: Vec<EntryLine>,
}

#[derive(Template)]
#[template(path = "calendar.html")]
pub struct CalendarPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub can_edit: bool,
    pub view: View,
    pub q: CalendarQuery,
    /// The period's title ("mai 2025", "semaine du 5 mai 2025").
    pub heading: String,
    pub timezone: String,
    pub weeks: Vec<Vec<Day>>,
    pub days: Vec<Day>,
    pub list: Vec<EntryLine>,
    pub prev_link: String,
    pub next_link: String,
    pub today_link: String,
    pub accounts: Vec<Account>,
    pub axes: Vec<String>,
    pub statuses: Vec<(Status, String)>,
    pub members: Vec<Member>,
    pub weekday_names: Vec<String>,
    /// `None` for people who do not see drafts (the panel would name them).
    pub conformance: Option<(u8, Vec<FindingView>)>,
    pub shown_count: usize,
}

impl CalendarPage {
    /// A link to this calendar with another view or date, keeping the filters.
    pub fn link(&self, view: &str, date: &str) -> String {
        link(&self.ws.slug, view, date, &self.q)
    }

    pub fn day_label(&self, d: &NaiveDate) -> String {
        day_label(&self.base.tr, *d)
    }

    pub fn iso(&self, d: &NaiveDate) -> String {
        d.format("%Y-%m-%d").to_string()
    }

    pub fn day_number(&self, d: &NaiveDate) -> u32 {
        d.day()
    }
}

/// `/w/{slug}/calendar?…` with the filters that are set.
pub fn link(slug: &str, view: &str, date: &str, q: &CalendarQuery) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![("view", view), ("date", date)];
    for (k, v) in [
        ("account", q.account.as_str()),
        ("axis", q.axis.as_str()),
        ("status", q.status.as_str()),
        ("assignee", q.assignee.as_str()),
    ] {
        if !v.is_empty() {
            pairs.push((k, v));
        }
    }
    let qs = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("/w/{slug}/calendar?{qs}")
}

fn month_name(tr: &Tr, d: NaiveDate) -> String {
    let name = tr.t(&format!("month-{}", d.month()));
    format!("{name} {}", d.year())
}

pub fn day_label(tr: &Tr, d: NaiveDate) -> String {
    let weekday = tr.t(&format!(
        "weekday-{}",
        super::charter::weekday_slug(d.weekday())
    ));
    match tr.locale {
        Locale::Fr => format!(
            "{weekday} {} {}",
            d.day(),
            tr.t(&format!("month-{}", d.month())).to_lowercase()
        ),
        Locale::En => format!(
            "{weekday} {} {}",
            tr.t(&format!("month-{}", d.month())),
            d.day()
        ),
    }
}

pub fn status_label(tr: &Tr, s: Status) -> String {
    tr.t(&format!("status-{}", s.as_str()))
}

/// The link of a conformance finding: its entry, or the week of its date.
fn finding_link(slug: &str, subject: Option<&str>) -> Option<String> {
    match subject.and_then(Subject::parse)? {
        Subject::Entry(id) => Some(format!("/w/{slug}/entries/{id}")),
        Subject::Date(d) => Some(format!(
            "/w/{slug}/calendar?view=week&date={}",
            d.format("%Y-%m-%d")
        )),
        Subject::Charter | Subject::Axis(_) | Subject::Objective(_) | Subject::Network(_) => {
            Some(format!("/w/{slug}/charter"))
        }
        _ => None,
    }
}

/// `GET /w/{slug}/calendar`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<CalendarQuery>,
) -> AppResult<Response> {
    let wid = ws.workspace.id;
    let slug = ws.workspace.slug.clone();
    let base = Base::page(&state, &ctx, "calendar-title", "workspaces");
    let tr = base.tr.clone();
    let sees_drafts = role_allows(ws.role, Action::ViewDrafts);
    let charter = state.store.current_charter(wid).await?.map(|v| v.charter);
    let tz = charter_tz(charter.as_ref());
    let today = Utc::now().with_timezone(&tz).date_naive();
    let date = NaiveDate::parse_from_str(q.date.trim(), "%Y-%m-%d").unwrap_or(today);
    let view = View::parse(&q.view);

    // The displayed range, and the month the conformance panel covers.
    let (month_start, month_end) = (first_of_month(date), next_month(date));
    let (from, to) = match view {
        View::Month => {
            let start = monday(month_start);
            let end = monday(month_end - Duration::days(1)) + Duration::days(7);
            (start, end)
        }
        View::Week => (monday(date), monday(date) + Duration::days(7)),
        View::List => (month_start, month_end),
    };
    let fetch_from = from.min(month_start);
    let fetch_to = to.max(month_end);
    let filter = EntryFilter {
        from: Some(start_of(tz, fetch_from)),
        to: Some(start_of(tz, fetch_to)),
        client_visible_only: !sees_drafts,
        ..EntryFilter::default()
    };
    let entries = state.store.list_entries(wid, &filter).await?;
    let accounts = state.store.list_accounts(wid).await?;
    let members = state.store.members(wid).await?;
    let observances = state
        .store
        .list_observances(wid, fetch_from, fetch_to)
        .await?;
    let zone = charter_zone(charter.as_ref().map_or("", |c| c.holiday_zone.as_str()), tz);
    let holiday_list = holidays::holidays_between(fetch_from, fetch_to, zone);

    // Conformance over the month, with every entry (filters do not change it).
    let conformance = match (&charter, sees_drafts) {
        (Some(c), true) => {
            let mut keys: Vec<KeyDate> =
                holiday_list.iter().map(|h| h.key_date(tr.locale)).collect();
            keys.extend(observances.iter().map(KeyDate::observance));
            let month_entries: Vec<Entry> = entries
                .iter()
                .filter(|e| {
                    e.content.starts_at.is_some_and(|t| {
                        let d = t.with_timezone(&tz).date_naive();
                        d >= month_start && d < month_end
                    })
                })
                .cloned()
                .collect();
            let result = relais_calendar::conformance::check(
                c,
                &accounts,
                &month_entries,
                month_start,
                month_end,
                &keys,
            );
            let mut findings = result.findings.clone();
            findings.sort_by_key(|f| f.check.severity);
            let views = findings
                .iter()
                .map(|f| checklist::view(&tr, f, finding_link(&slug, f.subject.as_deref())))
                .collect();
            Some((result.score, views))
        }
        _ => None,
    };

    // The filters.
    let account_filter = q.account.parse::<i64>().ok().map(AccountId);
    let status_filter = Status::parse(&q.status);
    let assignee_filter = q.assignee.parse::<i64>().ok().map(UserId);
    let axis_filter = q.axis.trim().to_lowercase();
    let account_names: HashMap<AccountId, String> = accounts
        .iter()
        .map(|a| (a.id, format!("{} {}", a.network.label(), a.label)))
        .collect();
    let member_names: HashMap<UserId, String> = members
        .iter()
        .map(|m| (m.user_id, m.display_name.clone()))
        .collect();
    let lines: Vec<EntryLine> = entries
        .iter()
        .filter(|e| {
            let c = &e.content;
            account_filter.is_none_or(|a| c.accounts.contains(&a))
                && status_filter.is_none_or(|s| e.status == s)
                && assignee_filter.is_none_or(|u| c.assignee == Some(u))
                && (axis_filter.is_empty()
                    || c.axis
                        .as_deref()
                        .is_some_and(|a| a.trim().to_lowercase() == axis_filter))
        })
        .filter_map(|e| {
            let local = e.content.starts_at?.with_timezone(&tz);
            let date = local.date_naive();
            (date >= from && date < to).then(|| EntryLine {
                id: e.id.0,
                date,
                time: local.format("%H:%M").to_string(),
                title: e.content.title.clone(),
                accounts: e
                    .content
                    .accounts
                    .iter()
                    .filter_map(|a| account_names.get(a).cloned())
                    .collect::<Vec<_>>()
                    .join(", "),
                axis: e.content.axis.clone().unwrap_or_default(),
                status: e.status,
                status_label: status_label(&tr, e.status),
                assignee: e
                    .content
                    .assignee
                    .and_then(|u| member_names.get(&u).cloned())
                    .unwrap_or_default(),
            })
        })
        .collect();
    let shown_count = lines.len();

    // Days.
    let mut by_day: HashMap<NaiveDate, Vec<EntryLine>> = HashMap::new();
    for l in &lines {
        by_day.entry(l.date).or_default().push(l.clone());
    }
    let make_day = |d: NaiveDate| Day {
        date: d,
        in_month: d >= month_start && d < month_end,
        is_today: d == today,
        holidays: holiday_list
            .iter()
            .filter(|h| h.date == d)
            .map(|h| match tr.locale {
                Locale::Fr => h.name_fr.to_string(),
                Locale::En => h.name_en.to_string(),
            })
            .collect(),
        observances: observances
            .iter()
            .filter(|o| o.date == d)
            .map(|o| o.label.clone())
            .collect(),
        entries: by_day.get(&d).cloned().unwrap_or_default(),
    };
    let mut weeks = Vec::new();
    let mut days = Vec::new();
    match view {
        View::Month => {
            let mut d = from;
            while d < to {
                weeks.push((0..7).map(|i| make_day(d + Duration::days(i))).collect());
                d += Duration::days(7);
            }
        }
        View::Week => days = (0..7).map(|i| make_day(from + Duration::days(i))).collect(),
        View::List => {}
    }

    let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let (prev, next) = match view {
        View::Week => (date - Duration::days(7), date + Duration::days(7)),
        _ => (prev_month(date), next_month(date)),
    };
    let heading = match view {
        View::Week => tr.t1("calendar-week-of", "date", &day_label(&tr, from)),
        _ => month_name(&tr, date),
    };
    let mut axes: Vec<String> = charter
        .as_ref()
        .map(|c| c.axes.iter().map(|a| a.name.clone()).collect())
        .unwrap_or_default();
    if !q.axis.is_empty() && !axes.iter().any(|a| a == &q.axis) {
        axes.push(q.axis.clone());
    }
    let statuses = Status::ALL
        .into_iter()
        .filter(|s| sees_drafts || s.client_visible())
        .map(|s| (s, status_label(&tr, s)))
        .collect();
    let weekday_names = super::charter::WEEKDAYS
        .iter()
        .map(|d| tr.t(&format!("weekday-{}", super::charter::weekday_slug(*d))))
        .collect();
    render(
        StatusCode::OK,
        &CalendarPage {
            ws: ws.workspace.clone(),
            section: "calendar",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            can_edit: role_allows(ws.role, Action::EditCalendar),
            prev_link: link(&slug, view.as_str(), &iso(prev), &q),
            next_link: link(&slug, view.as_str(), &iso(next), &q),
            today_link: link(&slug, view.as_str(), &iso(today), &q),
            view,
            heading,
            timezone: tz.name().to_string(),
            weeks,
            days,
            list: lines,
            accounts,
            axes,
            statuses,
            members: if sees_drafts { members } else { Vec::new() },
            weekday_names,
            conformance,
            shown_count,
            q: CalendarQuery {
                view: view.as_str().to_string(),
                date: iso(date),
                ..q
            },
            base,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn month_arithmetic() {
        assert_eq!(next_month(d(2025, 12, 31)), d(2026, 1, 1));
        assert_eq!(prev_month(d(2025, 1, 15)), d(2024, 12, 1));
        assert_eq!(monday(d(2025, 5, 1)), d(2025, 4, 28));
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(
            start_of(paris, d(2025, 7, 1)).to_rfc3339(),
            "2025-06-30T22:00:00+00:00"
        );
        assert_eq!(
            holiday_zone("Indian/Reunion".parse().unwrap()),
            Zone::Reunion
        );
        // The charter's choice wins; empty or unknown falls back to the time zone.
        assert_eq!(charter_zone("alsace_moselle", paris), Zone::AlsaceMoselle);
        assert_eq!(charter_zone("", paris), Zone::Metropole);
        assert_eq!(
            charter_zone("", "America/Martinique".parse().unwrap()),
            Zone::Martinique
        );
        let alsace = holidays::holidays_between(d(2026, 12, 1), d(2027, 1, 1), Zone::AlsaceMoselle);
        assert!(
            alsace.iter().any(|h| h.date == d(2026, 12, 26)),
            "{alsace:?}"
        );
        let q = CalendarQuery {
            axis: "Coulisses & co".into(),
            ..CalendarQuery::default()
        };
        assert_eq!(
            link("md", "week", "2025-05-01", &q),
            "/w/md/calendar?view=week&date=2025-05-01&axis=Coulisses+%26+co"
        );
    }
}
