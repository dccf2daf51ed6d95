//! The editorial charter (001 C1.9, 003 C3): the current version with its
//! checklist, the edit form with repeatable groups (rows are added by a submit
//! button, no script needed), and the history of versions.

use super::checklist::{self, FindingView};
use super::fields::Fields;
use super::{render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::forms::PageForm;
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::{NaiveTime, Weekday};
use relais_core::charter::{
    Axis, Charter, CharterVersion, ConformanceRules, NetworkPlan, Objective, Paid, PathError,
    PostingWindow, Procedures,
};
use relais_core::entry::Account;
use relais_core::model::{Actor, Workspace};
use relais_core::policy::role_allows;
use relais_core::{Action, Network};
use relais_store::StoreError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The most rows a repeatable group may have (a bound on what a form can ask).
const MAX_ROWS: usize = 50;

pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

pub fn weekday_slug(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    WEEKDAYS.into_iter().find(|d| weekday_slug(*d) == s)
}

fn paid_slug(p: Paid) -> &'static str {
    match p {
        Paid::Organic => "organic",
        Paid::Sponsored => "sponsored",
        Paid::Both => "both",
    }
}

/// Whether `tz` names an IANA time zone.
pub fn timezone_ok(tz: &str) -> bool {
    tz.parse::<chrono_tz::Tz>().is_ok()
}

// ---- the form, as typed ----

#[derive(Debug, Clone, Default)]
pub struct ObjectiveDraft {
    pub label: String,
    pub target: String,
}

#[derive(Debug, Clone, Default)]
pub struct AxisDraft {
    pub name: String,
    pub theme: String,
    pub objective: String,
    pub rationale: String,
}

#[derive(Debug, Clone, Default)]
pub struct WindowDraft {
    pub days: Vec<String>,
    pub start: String,
    pub end: String,
    pub reason: String,
}

impl WindowDraft {
    pub fn has_day(&self, d: &str) -> bool {
        self.days.iter().any(|x| x == d)
    }
}

#[derive(Debug, Clone, Default)]
pub struct NetworkDraft {
    pub network: String,
    pub content_types: String,
    pub tone: String,
    pub min_per_week: String,
    pub max_per_week: String,
    pub windows: Vec<WindowDraft>,
    pub brand_hashtags: String,
    pub campaign_hashtags: String,
    pub paid: String,
}

/// The charter form with every value as typed, so a refused form is drawn again
/// exactly as it was sent.
#[derive(Debug, Clone, Default)]
pub struct CharterDraft {
    pub timezone: String,
    pub holiday_zone: String,
    pub objectives: Vec<ObjectiveDraft>,
    pub axes: Vec<AxisDraft>,
    pub networks: Vec<NetworkDraft>,
    pub writers: String,
    pub validators: String,
    pub notes: String,
    pub max_axis_share_pct: String,
    pub gap_days: String,
    pub collision_minutes: String,
    /// The version the form was opened on (`None`: no charter yet).
    pub expected_version: String,
    pub note: String,
}

fn join_tags(tags: &[String]) -> String {
    tags.iter()
        .map(|t| format!("#{t}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

fn split_tags(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .map(|x| x.trim().trim_start_matches('#').to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

impl CharterDraft {
    pub fn from_charter(c: &Charter, version: Option<i64>) -> CharterDraft {
        CharterDraft {
            timezone: c.timezone.clone(),
            holiday_zone: c.holiday_zone.clone(),
            objectives: c
                .objectives
                .iter()
                .map(|o| ObjectiveDraft {
                    label: o.label.clone(),
                    target: o.target.clone(),
                })
                .collect(),
            axes: c
                .axes
                .iter()
                .map(|a| AxisDraft {
                    name: a.name.clone(),
                    theme: a.theme.clone(),
                    objective: a.objective.clone(),
                    rationale: a.rationale.clone(),
                })
                .collect(),
            networks: c
                .networks
                .iter()
                .map(|p| NetworkDraft {
                    network: p.network.as_str().to_string(),
                    content_types: p.content_types.join(", "),
                    tone: p.tone.clone(),
                    min_per_week: p.min_per_week.to_string(),
                    max_per_week: p.max_per_week.to_string(),
                    windows: p
                        .windows
                        .iter()
                        .map(|w| WindowDraft {
                            days: w
                                .days
                                .iter()
                                .map(|d| weekday_slug(*d).to_string())
                                .collect(),
                            start: w.start.format("%H:%M").to_string(),
                            end: w.end.format("%H:%M").to_string(),
                            reason: w.reason.clone(),
                        })
                        .collect(),
                    brand_hashtags: join_tags(&p.brand_hashtags),
                    campaign_hashtags: join_tags(&p.campaign_hashtags),
                    paid: paid_slug(p.paid).to_string(),
                })
                .collect(),
            writers: c.procedures.writers.clone(),
            validators: c.procedures.validators.clone(),
            notes: c.procedures.notes.clone(),
            max_axis_share_pct: c.rules.max_axis_share_pct.to_string(),
            gap_days: c.rules.gap_days.to_string(),
            collision_minutes: c.rules.collision_minutes.to_string(),
            expected_version: version.map(|v| v.to_string()).unwrap_or_default(),
            note: String::new(),
        }
    }

    /// Reads the posted pairs (`axes.2.name=…`). Unknown names are ignored; row
    /// numbers beyond [`MAX_ROWS`] are dropped.
    pub fn from_pairs(pairs: &[(String, String)]) -> CharterDraft {
        let mut d = CharterDraft::default();
        let mut objectives: BTreeMap<usize, ObjectiveDraft> = BTreeMap::new();
        let mut axes: BTreeMap<usize, AxisDraft> = BTreeMap::new();
        let mut networks: BTreeMap<usize, (NetworkDraft, BTreeMap<usize, WindowDraft>)> =
            BTreeMap::new();
        for (k, v) in pairs {
            let parts: Vec<&str> = k.split('.').collect();
            let idx = |i: usize| {
                parts
                    .get(i)
                    .and_then(|p| p.parse::<usize>().ok())
                    .filter(|n| *n < MAX_ROWS)
            };
            let v = v.clone();
            match parts.as_slice() {
                ["timezone"] => d.timezone = v,
                ["holiday_zone"] => d.holiday_zone = v,
                ["expected_version"] => d.expected_version = v,
                ["note"] => d.note = v,
                ["procedures", "writers"] => d.writers = v,
                ["procedures", "validators"] => d.validators = v,
                ["procedures", "notes"] => d.notes = v,
                ["rules", "max_axis_share_pct"] => d.max_axis_share_pct = v,
                ["rules", "gap_days"] => d.gap_days = v,
                ["rules", "collision_minutes"] => d.collision_minutes = v,
                ["objectives", _, field] => {
                    if let Some(i) = idx(1) {
                        let o = objectives.entry(i).or_default();
                        match *field {
                            "label" => o.label = v,
                            "target" => o.target = v,
                            _ => {}
                        }
                    }
                }
                ["axes", _, field] => {
                    if let Some(i) = idx(1) {
                        let a = axes.entry(i).or_default();
                        match *field {
                            "name" => a.name = v,
                            "theme" => a.theme = v,
                            "objective" => a.objective = v,
                            "rationale" => a.rationale = v,
                            _ => {}
                        }
                    }
                }
                ["networks", _, "windows", _, field] => {
                    if let (Some(i), Some(j)) = (idx(1), idx(3)) {
                        let w = networks.entry(i).or_default().1.entry(j).or_default();
                        match *field {
                            "days" => w.days.push(v),
                            "start" => w.start = v,
                            "end" => w.end = v,
                            "reason" => w.reason = v,
                            _ => {}
                        }
                    }
                }
                ["networks", _, field] => {
                    if let Some(i) = idx(1) {
                        let n = &mut networks.entry(i).or_default().0;
                        match *field {
                            "network" => n.network = v,
                            "content_types" => n.content_types = v,
                            "tone" => n.tone = v,
                            "min_per_week" => n.min_per_week = v,
                            "max_per_week" => n.max_per_week = v,
                            "brand_hashtags" => n.brand_hashtags = v,
                            "campaign_hashtags" => n.campaign_hashtags = v,
                            "paid" => n.paid = v,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        d.objectives = objectives.into_values().collect();
        d.axes = axes.into_values().collect();
        d.networks = networks
            .into_values()
            .map(|(mut n, w)| {
                n.windows = w.into_values().collect();
                n
            })
            .collect();
        d
    }

    /// Drops the rows left entirely empty (that is how a row is removed).
    pub fn compact(&mut self) {
        self.objectives
            .retain(|o| !(o.label.trim().is_empty() && o.target.trim().is_empty()));
        self.axes.retain(|a| {
            !(a.name.trim().is_empty()
                && a.theme.trim().is_empty()
                && a.objective.trim().is_empty()
                && a.rationale.trim().is_empty())
        });
        for n in &mut self.networks {
            n.windows.retain(|w| {
                !(w.days.is_empty()
                    && w.start.trim().is_empty()
                    && w.end.trim().is_empty()
                    && w.reason.trim().is_empty())
            });
        }
        self.networks.retain(|n| {
            !(n.network.trim().is_empty()
                && n.content_types.trim().is_empty()
                && n.tone.trim().is_empty()
                && n.min_per_week.trim().is_empty()
                && n.max_per_week.trim().is_empty()
                && n.windows.is_empty()
                && n.brand_hashtags.trim().is_empty()
                && n.campaign_hashtags.trim().is_empty())
        });
    }

    /// Adds one empty row to the group named by an "add a row" button.
    pub fn add_row(&mut self, group: &str) -> bool {
        let parts: Vec<&str> = group.split('.').collect();
        match parts.as_slice() {
            ["objectives"] if self.objectives.len() < MAX_ROWS => {
                self.objectives.push(ObjectiveDraft::default())
            }
            ["axes"] if self.axes.len() < MAX_ROWS => self.axes.push(AxisDraft::default()),
            ["networks"] if self.networks.len() < MAX_ROWS => {
                self.networks.push(NetworkDraft::default())
            }
            ["networks", i, "windows"] => {
                match i
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| self.networks.get_mut(i))
                {
                    Some(n) if n.windows.len() < MAX_ROWS => n.windows.push(WindowDraft::default()),
                    _ => return false,
                }
            }
            _ => return false,
        }
        true
    }

    /// The charter the form describes, or the errors at their paths. Runs the
    /// conversions (numbers, times, networks, the time zone) and then
    /// [`Charter::validate`].
    pub fn to_charter(&self) -> Result<Charter, Vec<PathError>> {
        let mut errors = Vec::new();
        let mut err = |field: String, code: &'static str| errors.push(PathError { field, code });
        let number = |s: &str, default: u32| -> Option<u32> {
            if s.trim().is_empty() {
                Some(default)
            } else {
                s.trim().parse::<u32>().ok()
            }
        };
        let time = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
        let timezone = self.timezone.trim().to_string();
        if timezone.is_empty() {
            err("timezone".into(), "required");
        } else if !timezone_ok(&timezone) {
            err("timezone".into(), "timezone-invalid");
        }
        let mut networks = Vec::new();
        for (i, n) in self.networks.iter().enumerate() {
            let network = Network::parse(&n.network);
            if network.is_none() {
                err(format!("networks.{i}.network"), "required");
            }
            let min = number(&n.min_per_week, 0);
            if min.is_none() {
                err(format!("networks.{i}.min_per_week"), "number-invalid");
            }
            let max = number(&n.max_per_week, 0);
            if max.is_none() {
                err(format!("networks.{i}.max_per_week"), "number-invalid");
            }
            let mut windows = Vec::new();
            for (j, w) in n.windows.iter().enumerate() {
                let start = time(&w.start);
                if start.is_none() {
                    err(format!("networks.{i}.windows.{j}.start"), "time-invalid");
                }
                let end = time(&w.end);
                if end.is_none() {
                    err(format!("networks.{i}.windows.{j}.end"), "time-invalid");
                }
                if let (Some(start), Some(end)) = (start, end) {
                    windows.push(PostingWindow {
                        days: w.days.iter().filter_map(|d| parse_weekday(d)).collect(),
                        start,
                        end,
                        reason: w.reason.trim().to_string(),
                    });
                }
            }
            let paid = match n.paid.as_str() {
                "sponsored" => Paid::Sponsored,
                "both" => Paid::Both,
                _ => Paid::Organic,
            };
            if let (Some(network), Some(min), Some(max)) = (network, min, max) {
                networks.push(NetworkPlan {
                    network,
                    content_types: split_list(&n.content_types),
                    tone: n.tone.trim().to_string(),
                    min_per_week: min,
                    max_per_week: max,
                    windows,
                    brand_hashtags: split_tags(&n.brand_hashtags),
                    campaign_hashtags: split_tags(&n.campaign_hashtags),
                    paid,
                });
            }
        }
        let defaults = ConformanceRules::default();
        let small = |s: &str, default: u32| number(s, default);
        let share = small(
            &self.max_axis_share_pct,
            u32::from(defaults.max_axis_share_pct),
        )
        .and_then(|v| u8::try_from(v).ok());
        if share.is_none() {
            err("rules.max_axis_share_pct".into(), "number-invalid");
        }
        let gap = small(&self.gap_days, defaults.gap_days);
        if gap.is_none() {
            err("rules.gap_days".into(), "number-invalid");
        }
        let holiday_zone = self.holiday_zone.trim().to_string();
        if !holiday_zone.is_empty()
            && relais_calendar::holidays::Zone::parse(&holiday_zone).is_none()
        {
            err("holiday_zone".into(), "holiday-zone-invalid");
        }
        let collision = small(&self.collision_minutes, defaults.collision_minutes);
        if collision.is_none() {
            err("rules.collision_minutes".into(), "number-invalid");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let charter = Charter {
            timezone,
            holiday_zone,
            objectives: self
                .objectives
                .iter()
                .map(|o| Objective {
                    label: o.label.trim().to_string(),
                    target: o.target.trim().to_string(),
                })
                .collect(),
            axes: self
                .axes
                .iter()
                .map(|a| Axis {
                    name: a.name.trim().to_string(),
                    theme: a.theme.trim().to_string(),
                    objective: a.objective.trim().to_string(),
                    rationale: a.rationale.trim().to_string(),
                })
                .collect(),
            networks,
            procedures: Procedures {
                writers: self.writers.trim().to_string(),
                validators: self.validators.trim().to_string(),
                notes: self.notes.trim().to_string(),
            },
            rules: ConformanceRules {
                max_axis_share_pct: share.unwrap_or(defaults.max_axis_share_pct),
                gap_days: gap.unwrap_or(defaults.gap_days),
                collision_minutes: collision.unwrap_or(defaults.collision_minutes),
            },
        };
        let mut errors = charter.validate();
        // Hashtag errors name the n-th tag of brand then campaign: point at the field.
        for e in &mut errors {
            let parts: Vec<&str> = e.field.split('.').collect();
            if let ["networks", i, "hashtags", j] = parts.as_slice() {
                let (i, j) = (
                    i.parse::<usize>().unwrap_or(0),
                    j.parse::<usize>().unwrap_or(0),
                );
                let brand = charter
                    .networks
                    .get(i)
                    .map_or(0, |p| p.brand_hashtags.len());
                let which = if j < brand {
                    "brand_hashtags"
                } else {
                    "campaign_hashtags"
                };
                e.field = format!("networks.{i}.{which}");
            }
        }
        if errors.is_empty() {
            Ok(charter)
        } else {
            Err(errors)
        }
    }
}

/// The error message of a charter field error.
fn path_message(tr: &Tr, code: &str) -> String {
    match code {
        "required" => tr.t("error-required"),
        other => tr.t(&format!("charter-error-{other}")),
    }
}

// ---- pages ----

#[derive(Template)]
#[template(path = "charter.html")]
pub struct CharterPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub can_edit: bool,
    /// The version shown (current, or an older one from the history).
    pub shown: Option<CharterVersion>,
    pub is_current: bool,
    pub history: Vec<CharterVersion>,
    pub checks: Vec<FindingView>,
    pub notice: Option<String>,
}

impl CharterPage {
    pub fn days_label(&self, w: &PostingWindow) -> String {
        if w.days.is_empty() || w.days.len() == 7 {
            return self.base.tr.t("charter-every-day");
        }
        w.days
            .iter()
            .map(|d| self.base.tr.t(&format!("weekday-{}", weekday_slug(*d))))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn paid_label(&self, p: &Paid) -> String {
        self.base.tr.t(&format!("charter-paid-{}", paid_slug(*p)))
    }

    pub fn per_week(&self, p: &NetworkPlan) -> String {
        let range = format!("{}–{}", p.min_per_week, p.max_per_week);
        self.base.tr.t1("charter-per-week", "range", &range)
    }

    pub fn tags(&self, t: &[String]) -> String {
        join_tags(t)
    }
}

#[derive(Template)]
#[template(path = "charter_edit.html")]
pub struct EditPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub d: CharterDraft,
    pub f: Fields,
    pub networks: Vec<(String, String)>,
    pub paid: Vec<(String, String)>,
    pub zones: Vec<(String, String)>,
    pub weekdays: Vec<(&'static str, String)>,
    pub notice: Option<String>,
    pub stale: bool,
}

impl EditPage {
    /// `objectives.2.label` and the like.
    pub fn p(&self, group: &str, i: impl std::fmt::Display, field: &str) -> String {
        format!("{group}.{i}.{field}")
    }

    pub fn wp(&self, i: impl std::fmt::Display, j: impl std::fmt::Display, field: &str) -> String {
        format!("networks.{i}.windows.{j}.{field}")
    }

    pub fn t(&self, key: &str) -> String {
        self.base.tr.t(key)
    }

    /// A numbered legend ("Axe 2") from a zero-based row index.
    pub fn n(&self, key: &str, i: impl std::fmt::Display) -> String {
        let i = i.to_string().parse::<usize>().unwrap_or(0);
        self.base.tr.n(key, i + 1)
    }
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

async fn findings(
    state: &AppState,
    ws: &WsCtx,
    tr: &Tr,
    c: &Charter,
) -> AppResult<Vec<FindingView>> {
    let accounts: Vec<Account> = state.store.list_accounts(ws.workspace.id).await?;
    let found = relais_calendar::conformance::charter_checks(c, &accounts);
    Ok(checklist::views(tr, &found))
}

async fn view_page(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    shown: Option<CharterVersion>,
    is_current: bool,
    notice: Option<String>,
) -> AppResult<Response> {
    let base = Base::page(state, ctx, "charter-title", "workspaces");
    let history = state.store.charter_history(ws.workspace.id).await?;
    let checks = match &shown {
        Some(v) => findings(state, ws, &base.tr, &v.charter).await?,
        None => Vec::new(),
    };
    render(
        StatusCode::OK,
        &CharterPage {
            base,
            ws: ws.workspace.clone(),
            section: "charter",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            can_edit: role_allows(ws.role, Action::EditCharter),
            shown,
            is_current,
            history,
            checks,
            notice,
        },
    )
}

/// `GET /w/{slug}/charter`: the current version, its checklist and the history.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let notice = (q.done == "saved").then(|| state.i18n.t(ctx.locale, "charter-saved"));
    let current = state.store.current_charter(ws.workspace.id).await?;
    view_page(&state, &ctx, &ws, current, true, notice).await
}

/// `GET /w/{slug}/charter/versions/{version}`: one version of the history.
pub async fn version(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, version)): Path<(String, i64)>,
) -> AppResult<Response> {
    let shown = state
        .store
        .charter_version(ws.workspace.id, version)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = state.store.current_charter(ws.workspace.id).await?;
    let is_current = current.is_some_and(|c| c.version == shown.version);
    view_page(&state, &ctx, &ws, Some(shown), is_current, None).await
}

async fn edit_page(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    status: StatusCode,
    d: CharterDraft,
    f: Fields,
    stale: bool,
) -> AppResult<Response> {
    let base = Base::page(state, ctx, "charter-edit-title", "workspaces");
    let tr = &base.tr;
    let mut networks = vec![(String::new(), tr.t("charter-choose-network"))];
    networks.extend(
        Network::ALL
            .iter()
            .map(|n| (n.as_str().to_string(), n.label().to_string())),
    );
    let paid = ["organic", "sponsored", "both"]
        .iter()
        .map(|p| (p.to_string(), tr.t(&format!("charter-paid-{p}"))))
        .collect();
    let weekdays = WEEKDAYS
        .iter()
        .map(|d| {
            let s = weekday_slug(*d);
            (s, tr.t(&format!("weekday-{s}")))
        })
        .collect();
    let mut zones = vec![(String::new(), tr.t("charter-holiday-zone-auto"))];
    zones.extend(relais_calendar::holidays::Zone::ALL.iter().map(|z| {
        let label = match tr.locale {
            relais_core::Locale::Fr => z.label_fr(),
            relais_core::Locale::En => z.label_en(),
        };
        (z.as_str().to_string(), label.to_string())
    }));
    let notice = stale.then(|| tr.t("charter-stale"));
    render(
        status,
        &EditPage {
            ws: ws.workspace.clone(),
            section: "charter",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            d,
            f,
            networks,
            paid,
            zones,
            weekdays,
            notice,
            stale,
            base,
        },
    )
}

/// `GET /w/{slug}/charter/edit`: the form, filled with the current version.
pub async fn edit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Response> {
    let current = state.store.current_charter(ws.workspace.id).await?;
    let mut d = match &current {
        Some(v) => CharterDraft::from_charter(&v.charter, Some(v.version)),
        None => CharterDraft::from_charter(&Charter::default(), None),
    };
    // One empty row in each group to start from.
    for group in ["objectives", "axes", "networks"] {
        let empty = match group {
            "objectives" => d.objectives.is_empty(),
            "axes" => d.axes.is_empty(),
            _ => d.networks.is_empty(),
        };
        if empty {
            d.add_row(group);
        }
    }
    edit_page(
        &state,
        &ctx,
        &ws,
        StatusCode::OK,
        d,
        Fields::new("charter-"),
        false,
    )
    .await
}

/// `POST /w/{slug}/charter`: "add a row" (draws the form again, one row more) or
/// save (a new version, refused if someone saved since the form was opened).
pub async fn save(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let mut d = CharterDraft::from_pairs(&pairs);
    let add = pairs
        .iter()
        .find(|(k, _)| k == "add")
        .map(|(_, v)| v.clone());
    if let Some(group) = add {
        d.add_row(&group);
        return edit_page(
            &state,
            &ctx,
            &ws,
            StatusCode::OK,
            d,
            Fields::new("charter-"),
            false,
        )
        .await;
    }
    d.compact();
    let charter = match d.to_charter() {
        Ok(c) => c,
        Err(errors) => {
            let mut f = Fields::new("charter-");
            for e in errors {
                f.push(e.field, path_message(&tr, e.code));
            }
            return edit_page(
                &state,
                &ctx,
                &ws,
                StatusCode::UNPROCESSABLE_ENTITY,
                d,
                f,
                false,
            )
            .await;
        }
    };
    let expected = match d.expected_version.trim() {
        "" => None,
        v => Some(
            v.parse::<i64>()
                .map_err(|_| AppError::BadRequest("expected_version".into()))?,
        ),
    };
    let user = ctx.user()?;
    match state
        .store
        .save_charter(
            &Actor::user(user),
            ws.workspace.id,
            &charter,
            d.note.trim(),
            expected,
        )
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/w/{}/charter?done=saved", ws.workspace.slug)).into_response(),
        ),
        Err(StoreError::Stale) => {
            // Keep what was typed; the person decides what to do with it. The hidden
            // version stays the old one, so saving again is refused again until they
            // reopen the current version.
            edit_page(
                &state,
                &ctx,
                &ws,
                StatusCode::CONFLICT,
                d,
                Fields::new("charter-"),
                true,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_posted_form_becomes_a_charter() {
        let d = CharterDraft::from_pairs(&pairs(&[
            ("timezone", "Europe/Paris"),
            ("objectives.0.label", "Notoriété"),
            ("axes.1.name", "Recettes"),
            ("axes.0.name", "Coulisses"),
            ("networks.0.network", "instagram"),
            ("networks.0.min_per_week", "2"),
            ("networks.0.max_per_week", "4"),
            ("networks.0.brand_hashtags", "#MaisonDupain, Pain"),
            ("networks.0.windows.0.days", "mon"),
            ("networks.0.windows.0.days", "fri"),
            ("networks.0.windows.0.start", "12:00"),
            ("networks.0.windows.0.end", "13:30"),
            ("networks.0.paid", "sponsored"),
            ("axes.99.name", "dropped"),
        ]));
        let c = d.to_charter().unwrap();
        assert_eq!(c.axes[0].name, "Coulisses");
        assert_eq!(c.axes.len(), 2);
        let p = &c.networks[0];
        assert_eq!(p.brand_hashtags, ["MaisonDupain", "Pain"]);
        assert_eq!(p.windows[0].days, [Weekday::Mon, Weekday::Fri]);
        assert_eq!(p.paid, Paid::Sponsored);
        let back = CharterDraft::from_charter(&c, Some(3));
        assert_eq!(back.to_charter().unwrap(), c);
        assert_eq!(back.expected_version, "3");
    }

    #[test]
    fn errors_name_the_fields_and_empty_rows_go() {
        let mut d = CharterDraft::from_pairs(&pairs(&[
            ("timezone", "Mars/Olympus"),
            ("objectives.0.label", ""),
            ("networks.0.network", "instagram"),
            ("networks.0.min_per_week", "deux"),
            ("networks.1.network", "x"),
            ("networks.1.min_per_week", "5"),
            ("networks.1.max_per_week", "2"),
            ("networks.1.windows.0.start", "25:00"),
            ("networks.1.windows.0.end", "10:00"),
        ]));
        d.compact();
        assert!(d.objectives.is_empty());
        let errors: Vec<(String, &str)> = d
            .to_charter()
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert!(errors.contains(&("timezone".into(), "timezone-invalid")));
        assert!(errors.contains(&("networks.0.min_per_week".into(), "number-invalid")));
        assert!(errors.contains(&("networks.1.windows.0.start".into(), "time-invalid")));
        d.timezone = "Europe/Paris".into();
        d.networks[0].min_per_week = "1".into();
        d.networks[0].max_per_week = "3".into();
        d.networks[1].windows[0].start = "11:00".into();
        let errors = d.to_charter().unwrap_err();
        assert_eq!(errors[0].field, "networks.1.max_per_week");
        assert!(d.add_row("networks.1.windows"));
        assert_eq!(d.networks[1].windows.len(), 2);
        assert!(!d.add_row("networks.7.windows"));
    }
}
