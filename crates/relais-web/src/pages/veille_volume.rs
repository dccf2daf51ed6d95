//! A topic's volume over time (issue 5, "volume per topic over time"): the
//! last 48 hours hour by hour, or the last 14 or 90 days day by day, as a
//! bar chart with the negative part drawn inside each bar, and the same
//! figures as a table (the chart is a picture of the table, which is what
//! screen readers and keyboards use). Each period links to its items; the
//! spike alerts of the period are marked and linked. `?format=csv` gives the
//! figures as CSV for reports.
//!
//! The periods are UTC hours and days, like every veille page; the counting
//! itself is [`relais_core::veille::volume_series`].

use super::veille::VeilleNav;
use super::{ok, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::AppResult;
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use relais_core::model::Workspace;
use relais_core::policy::role_allows;
use relais_core::veille::{volume_series, Alert, TopicRecord, VolumePeriod, VolumeRange};
use relais_core::{Action, TopicId};
use serde::Deserialize;

/// The chart's drawing box (SVG user units; it scales to the page width).
const CHART_WIDTH: f64 = 720.0;
const CHART_HEIGHT: f64 = 220.0;
/// Room on the left for the scale, and under the bars for the dates.
const AXIS_LEFT: f64 = 40.0;
const AXIS_BOTTOM: f64 = 24.0;
/// Room on the right, so that the last date label is not cut.
const AXIS_RIGHT: f64 = 24.0;

#[derive(Debug, Default, Deserialize)]
pub struct VolumeQuery {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    range: String,
    #[serde(default)]
    format: String,
}

/// One bar of the chart, in SVG units.
pub struct Bar {
    pub x: String,
    pub width: String,
    pub total_y: String,
    pub total_height: String,
    pub negative_y: String,
    pub negative_height: String,
}

/// A label under the bars.
pub struct Tick {
    pub x: String,
    pub label: String,
}

/// One row of the table.
pub struct Row {
    pub period: VolumePeriod,
    pub label: String,
    pub items_link: String,
    pub alerts: Vec<Alert>,
}

impl Row {
    /// The negative share, as a whole percentage ("—" with no items).
    pub fn share(&self) -> String {
        if self.period.total == 0 {
            "—".into()
        } else {
            format!(
                "{} %",
                (self.period.negative as f64 * 100.0 / self.period.total as f64).round()
            )
        }
    }
}

#[derive(Template)]
#[template(path = "veille_volume.html")]
pub struct VolumePage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub nav: VeilleNav,
    pub veille_section: &'static str,
    pub topics: Vec<TopicRecord>,
    pub topic: Option<TopicRecord>,
    pub range: VolumeRange,
    pub ranges: Vec<(VolumeRange, String)>,
    pub rows: Vec<Row>,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
    /// The top of the scale (a round number at least the largest period).
    pub scale_max: i64,
    pub total: i64,
    pub negative: i64,
    pub busiest: Option<usize>,
    pub csv_link: String,
    pub chart_width: f64,
    pub chart_height: f64,
    pub axis_left: f64,
    pub plot_bottom: f64,
    pub plot_right: f64,
}

impl VolumePage {
    pub fn range_chosen(&self, r: &VolumeRange) -> bool {
        *r == self.range
    }

    pub fn topic_chosen(&self, id: &TopicId) -> bool {
        self.topic.as_ref().is_some_and(|t| t.id == *id)
    }

    /// The sentence that sums the chart up (its accessible description).
    pub fn summary(&self) -> String {
        let tr = &self.base.tr;
        let mut args = relais_i18n::FluentArgs::new();
        args.set("total", self.total);
        args.set("negative", self.negative);
        let mut s = tr
            .i18n()
            .format(tr.locale, "veille-volume-summary", Some(&args));
        if let Some(row) = self.busiest.and_then(|i| self.rows.get(i)) {
            let mut args = relais_i18n::FluentArgs::new();
            args.set("period", row.label.clone());
            args.set("count", row.period.total);
            s.push(' ');
            s.push_str(
                &tr.i18n()
                    .format(tr.locale, "veille-volume-busiest", Some(&args)),
            );
        }
        s
    }
}

/// A round number at least `max` (1, 2, 5 × 10ⁿ), so the scale reads well.
pub fn nice_ceiling(max: i64) -> i64 {
    if max <= 1 {
        return 1;
    }
    let mut unit = 1i64;
    loop {
        for m in [1, 2, 5] {
            let v = unit.saturating_mul(m);
            if v >= max {
                return v;
            }
        }
        unit = unit.saturating_mul(10);
    }
}

fn period_label(tr: &Tr, range: VolumeRange, p: &VolumePeriod) -> String {
    if range.hourly() {
        tr.datetime(&p.start)
    } else {
        tr.date(&p.start)
    }
}

fn items_link(slug: &str, topic: TopicId, range: VolumeRange, p: &VolumePeriod) -> String {
    let mut pairs = vec![("topic", topic.0.to_string())];
    if range.hourly() {
        pairs.push(("hour", p.start.to_rfc3339()));
    } else {
        let day = p.start.format("%Y-%m-%d").to_string();
        pairs.push(("from", day.clone()));
        pairs.push(("to", day));
    }
    format!(
        "/w/{slug}/veille/items?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// The bars and date labels of a series, in the chart's box.
fn draw(range: VolumeRange, rows: &[Row], scale_max: i64, tr: &Tr) -> (Vec<Bar>, Vec<Tick>) {
    let n = rows.len().max(1) as f64;
    let slot = (CHART_WIDTH - AXIS_LEFT - AXIS_RIGHT) / n;
    let gap = (slot * 0.2).min(4.0);
    let plot_height = CHART_HEIGHT - AXIS_BOTTOM - 8.0;
    let bottom = CHART_HEIGHT - AXIS_BOTTOM;
    let height = |v: i64| v as f64 / scale_max.max(1) as f64 * plot_height;
    let f = |v: f64| format!("{v:.1}");
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let x = AXIS_LEFT + i as f64 * slot + gap / 2.0;
            let (th, nh) = (height(r.period.total), height(r.period.negative));
            Bar {
                x: f(x),
                width: f(slot - gap),
                total_y: f(bottom - th),
                total_height: f(th),
                negative_y: f(bottom - nh),
                negative_height: f(nh),
            }
        })
        .collect();
    // About six labels, on round periods (every 8 hours, every 2 or 15 days).
    let every = match range {
        VolumeRange::Hours48 => 8,
        VolumeRange::Days14 => 2,
        VolumeRange::Days90 => 15,
    };
    let ticks = rows
        .iter()
        .enumerate()
        .filter(|(i, _)| (rows.len() - 1 - i).is_multiple_of(every))
        .map(|(i, r)| Tick {
            x: f(AXIS_LEFT + (i as f64 + 0.5) * slot),
            label: if range.hourly() {
                r.period.start.format("%H:00").to_string()
            } else {
                short_date(tr, &r.period.start)
            },
        })
        .collect();
    (bars, ticks)
}

fn short_date(tr: &Tr, at: &chrono::DateTime<chrono::Utc>) -> String {
    match tr.locale {
        relais_core::Locale::Fr => at.format("%d/%m").to_string(),
        relais_core::Locale::En => at.format("%m-%d").to_string(),
    }
}

/// `GET /w/{slug}/veille/volume?topic=ID&range=48h|14d|90d[&format=csv]`
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<VolumeQuery>,
) -> AppResult<Response> {
    let tr = Tr::new(&state, ctx.locale);
    let id = ws.workspace.id;
    let slug = ws.workspace.slug.clone();
    let range = VolumeRange::parse(q.range.trim()).unwrap_or(VolumeRange::Days14);
    let topics = state.store.list_topics(id).await?;
    // An unknown or foreign topic falls back to the first one: the page
    // never shows another workspace's figures (list_topics is per workspace).
    let topic = q
        .topic
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|t| topics.iter().find(|x| x.id.0 == t))
        .or_else(|| topics.first())
        .cloned();
    let now = crate::guard::now();
    let first = range.first_period(now);
    let mut rows = Vec::new();
    if let Some(t) = &topic {
        let end = first + range.step() * range.periods() as i32;
        let hours: Vec<_> = state
            .store
            .topic_volume(t.id, first, end)
            .await?
            .into_iter()
            .map(|h| (h.hour, h.total, h.negative))
            .collect();
        let alerts: Vec<Alert> = state
            .store
            .list_alerts(id, 1000)
            .await?
            .into_iter()
            .filter(|a| a.topic_id == t.id && a.hour >= first && a.hour < end)
            .collect();
        rows = volume_series(range, first, &hours)
            .into_iter()
            .map(|p| Row {
                label: period_label(&tr, range, &p),
                items_link: items_link(&slug, t.id, range, &p),
                alerts: alerts
                    .iter()
                    .filter(|a| a.hour >= p.start && a.hour < p.start + range.step())
                    .cloned()
                    .collect(),
                period: p,
            })
            .collect();
    }
    if q.format == "csv" {
        let mut csv = String::from("period_start,total,negative,alerts\n");
        for r in &rows {
            csv.push_str(&format!(
                "{},{},{},{}\n",
                tr.iso(&r.period.start),
                r.period.total,
                r.period.negative,
                r.alerts.len()
            ));
        }
        let name = format!(
            "attachment; filename=\"veille-{}-{}-{}.csv\"",
            slug,
            topic.as_ref().map(|t| t.id.0).unwrap_or(0),
            range.as_str()
        );
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, name),
            ],
            csv,
        )
            .into_response());
    }
    let max = rows.iter().map(|r| r.period.total).max().unwrap_or(0);
    let scale_max = nice_ceiling(max);
    let busiest = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.period.total > 0)
        .max_by_key(|(i, r)| (r.period.total, std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    let (bars, ticks) = draw(range, &rows, scale_max, &tr);
    let ranges = VolumeRange::ALL
        .iter()
        .map(|r| (*r, tr.t(&format!("veille-volume-range-{}", r.as_str()))))
        .collect();
    let csv_link = format!(
        "/w/{slug}/veille/volume?{}",
        serde_urlencoded::to_string([
            (
                "topic",
                topic.as_ref().map(|t| t.id.0).unwrap_or(0).to_string()
            ),
            ("range", range.as_str().to_string()),
            ("format", "csv".to_string()),
        ])
        .unwrap_or_default()
    );
    ok(&VolumePage {
        base: Base::page(&state, &ctx, "veille-volume-title", "workspaces"),
        ws: ws.workspace.clone(),
        section: "veille",
        can_audit: role_allows(ws.role, Action::ViewAudit),
        nav: VeilleNav::new(&ws, "volume"),
        veille_section: "volume",
        total: rows.iter().map(|r| r.period.total).sum(),
        negative: rows.iter().map(|r| r.period.negative).sum(),
        topics,
        topic,
        range,
        ranges,
        rows,
        bars,
        ticks,
        scale_max,
        busiest,
        csv_link,
        chart_width: CHART_WIDTH,
        chart_height: CHART_HEIGHT,
        axis_left: AXIS_LEFT,
        plot_bottom: CHART_HEIGHT - AXIS_BOTTOM,
        plot_right: CHART_WIDTH - AXIS_RIGHT,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_ends_on_a_round_number() {
        let cases = [
            (0, 1),
            (1, 1),
            (2, 2),
            (3, 5),
            (7, 10),
            (10, 10),
            (11, 20),
            (480, 500),
        ];
        for (max, want) in cases {
            assert_eq!(nice_ceiling(max), want, "max {max}");
        }
        assert_eq!(nice_ceiling(i64::MAX), i64::MAX, "no overflow");
    }
}
