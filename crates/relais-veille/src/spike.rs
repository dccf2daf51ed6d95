//! Spike detection: is this hour's activity on a topic unusual?
//!
//! A pure function of counts: [`detect_spike`] takes the topic's hourly
//! counts (items, and how many of them are negative), the current hour's,
//! and a [`SpikeConfig`], and says which alerts fire and why.
//!
//! # Baseline: the same hour of day
//!
//! Activity has a daily rhythm (quiet at night, busy at lunchtime): comparing
//! 13:00 with 04:00 would raise an alert every day at lunch. So the baseline
//! of the current hour is **the same hour of day on each of the previous
//! [`window_days`](SpikeConfig::window_days) days** (14 by default, so 14
//! values), taken 24, 48, … hours back. Across a daylight-saving change this
//! is the same UTC hour, one local hour off for the days before the change,
//! which is tolerable for a two-week baseline.
//!
//! - **Volume** fires when `current > mean + k·σ` and
//!   `current ≥ min_count`, with `mean` and `σ` (population standard
//!   deviation) of the baseline values. `min_count` keeps a topic that
//!   usually has 0 items at this hour from alerting on its third item.
//! - **Negative share** fires when the current share of negative items minus
//!   the baseline's share is at least
//!   [`negative_jump`](SpikeConfig::negative_jump) (0.2 = twenty percentage
//!   points) and `current ≥ min_count`. The baseline share is pooled, `Σ
//!   negative / Σ total` over the baseline hours, so a baseline hour with one
//!   item does not weigh as much as one with a hundred.
//!
//! # Edge rules
//!
//! - **Short history**: fewer days than `window_days` (a topic created last
//!   week) → the days there are. **No day at all** (less than 24 hours of
//!   history, or `window_days = 0`) → no alert, the reason says so: with no
//!   baseline every hour would look like a spike.
//! - **Zero or tiny variance**: σ is floored at [`STDDEV_FLOOR`] (1 item) in
//!   the threshold, so a perfectly flat baseline of 5 still needs more than
//!   `5 + k` items (with `k = 3`, 9 or more) rather than alerting on 6. Counts
//!   are integers: a spread below one item is no evidence of stability.
//! - **No baseline items** at this hour (Σ total = 0): the baseline negative
//!   share is unknown and the negative-share alert cannot fire; a burst out
//!   of nothing is the volume alert's job.
//! - A `negative` count above its `total` is read as `total`.
//!
//! # Anchors
//!
//! - Huginn's `PeakDetectorAgent` flags a value above the mean plus 3
//!   (population) standard deviations of the values remembered over a
//!   two-week window; `k = 3` and `window_days = 14` are its defaults. It
//!   compares with every value of the window, we with the same hour of day.
//! - Meltwater's spike alerts compare an hour with the previous 12 hours and
//!   a day with the previous 14 days. The 12-hour comparison reacts within
//!   the day but is fooled by the daily rhythm; the same-hour baseline is
//!   not, at the price of needing days of history.

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The floor of the baseline's standard deviation in the volume threshold,
/// in items (see the [module documentation](self)).
pub const STDDEV_FLOOR: f64 = 1.0;

/// One hour's counts for a topic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourCounts {
    /// Items matched in the hour.
    pub total: u32,
    /// Of which judged negative.
    pub negative: u32,
}

impl HourCounts {
    /// Counts of `total` items, `negative` of them negative.
    pub fn new(total: u32, negative: u32) -> Self {
        Self { total, negative }
    }

    fn negative_clamped(self) -> u32 {
        self.negative.min(self.total)
    }

    /// The share of negative items, `None` for an empty hour.
    pub fn negative_share(self) -> Option<f64> {
        (self.total > 0).then(|| f64::from(self.negative_clamped()) / f64::from(self.total))
    }
}

/// Settings of [`detect_spike`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpikeConfig {
    /// Standard deviations above the baseline mean for a volume alert.
    /// Default 3.
    pub k: f64,
    /// Days of baseline: the same hour on each of that many previous days.
    /// Default 14.
    pub window_days: u32,
    /// No alert below this many items in the current hour. Default 10.
    pub min_count: u32,
    /// Rise of the negative share over the baseline's, as a fraction
    /// (0.2 = 20 percentage points), for a negative-share alert.
    /// Default 0.2.
    pub negative_jump: f64,
}

impl Default for SpikeConfig {
    fn default() -> Self {
        Self {
            k: 3.0,
            window_days: 14,
            min_count: 10,
            negative_jump: 0.2,
        }
    }
}

/// What [`detect_spike`] found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpikeReport {
    /// The volume alert fired.
    pub volume: bool,
    /// The negative-share alert fired.
    pub negative_share: bool,
    /// Days of history the baseline was made of (at most `window_days`).
    pub baseline_days: u32,
    /// Mean of the baseline hours' totals (0 without baseline).
    pub baseline_mean: f64,
    /// Population standard deviation of the baseline hours' totals, before
    /// the floor (0 without baseline).
    pub baseline_stddev: f64,
    /// The volume the current hour had to exceed: `mean + k·max(σ, floor)`
    /// (`None` without baseline).
    pub volume_threshold: Option<f64>,
    /// Pooled negative share of the baseline hours (`None` when they hold
    /// no item).
    pub baseline_negative_share: Option<f64>,
    /// The current hour's counts.
    pub current: HourCounts,
    /// The current hour's negative share (`None` when it has no item).
    pub current_negative_share: Option<f64>,
    /// A sentence for people: what fired and why, or why nothing did.
    pub reason: String,
}

impl SpikeReport {
    /// Whether any alert fired.
    pub fn fired(&self) -> bool {
        self.volume || self.negative_share
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// Decides whether the current hour is a spike.
///
/// `history` is the topic's hourly counts, oldest first, **contiguous**
/// (an hour without items is a zero, not a gap) and ending with the hour
/// just before `current`; it may be longer or shorter than the window:
/// only the hours 24, 48, …, `24·window_days` hours before `current` are
/// read. See the [module documentation](self) for the rules.
pub fn detect_spike(
    history: &[HourCounts],
    current: HourCounts,
    config: &SpikeConfig,
) -> SpikeReport {
    let baseline: Vec<HourCounts> = (1..=config.window_days as usize)
        .map_while(|day| {
            let back = day.checked_mul(24)?;
            history.len().checked_sub(back).map(|i| history[i])
        })
        .collect();
    let current_share = current.negative_share();
    let mut report = SpikeReport {
        volume: false,
        negative_share: false,
        baseline_days: u32::try_from(baseline.len()).unwrap_or(u32::MAX),
        baseline_mean: 0.0,
        baseline_stddev: 0.0,
        volume_threshold: None,
        baseline_negative_share: None,
        current,
        current_negative_share: current_share,
        reason: String::new(),
    };
    if baseline.is_empty() {
        report.reason = format!(
            "no alert: {} items this hour, but no history at this hour of day yet",
            current.total
        );
        return report;
    }

    let n = baseline.len() as f64;
    let mean = baseline.iter().map(|h| f64::from(h.total)).sum::<f64>() / n;
    let variance = baseline
        .iter()
        .map(|h| (f64::from(h.total) - mean).powi(2))
        .sum::<f64>()
        / n;
    let stddev = variance.sqrt();
    let threshold = mean + config.k * stddev.max(STDDEV_FLOOR);
    let base_total: u64 = baseline.iter().map(|h| u64::from(h.total)).sum();
    let base_negative: u64 = baseline
        .iter()
        .map(|h| u64::from(h.negative_clamped()))
        .sum();
    let base_share = (base_total > 0).then(|| base_negative as f64 / base_total as f64);
    report.baseline_mean = mean;
    report.baseline_stddev = stddev;
    report.volume_threshold = Some(threshold);
    report.baseline_negative_share = base_share;

    let cur = f64::from(current.total);
    let enough = current.total >= config.min_count;
    report.volume = enough && cur > threshold;
    let jump = match (current_share, base_share) {
        (Some(c), Some(b)) => Some(c - b),
        _ => None,
    };
    // A hair of tolerance so that exactly `negative_jump` (0.4 − 0.2) counts.
    report.negative_share = enough && jump.is_some_and(|j| j >= config.negative_jump - 1e-9);

    let days = report.baseline_days;
    let over = format!(
        "at this hour over the last {days} day{}",
        if days == 1 { "" } else { "s" }
    );
    let mut reason = String::new();
    if report.volume {
        let _ = write!(
            reason,
            "volume: {} items this hour vs {mean:.1} ± {stddev:.1} {over} (threshold {threshold:.1})",
            current.total
        );
    }
    if report.negative_share {
        if !reason.is_empty() {
            reason.push_str("; ");
        }
        let _ = write!(
            reason,
            "negative share: {} this hour vs {} {over} (+{:.0} points, threshold +{:.0})",
            percent(current_share.unwrap_or(0.0)),
            percent(base_share.unwrap_or(0.0)),
            jump.unwrap_or(0.0) * 100.0,
            config.negative_jump * 100.0
        );
    }
    if reason.is_empty() {
        if !enough {
            let _ = write!(
                reason,
                "no alert: {} items this hour, below the minimum of {}",
                current.total, config.min_count
            );
        } else {
            let _ = write!(
                reason,
                "no alert: {} items this hour (threshold {threshold:.1}), negative share {}",
                current.total,
                percent(current_share.unwrap_or(0.0))
            );
            match base_share {
                Some(b) => {
                    let _ = write!(reason, " vs {} {over}", percent(b));
                }
                None => {
                    let _ = write!(reason, ", no baseline share {over}");
                }
            }
        }
    }
    report.reason = reason;
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `days` days of hourly history where every hour has `total(hour_of_day,
    /// day)` items, `negative(…)` of them negative; day 0 is the oldest. The
    /// current hour is hour 0 of the next day.
    fn history(
        days: usize,
        total: impl Fn(usize, usize) -> u32,
        negative: impl Fn(usize, usize) -> u32,
    ) -> Vec<HourCounts> {
        (0..days * 24)
            .map(|i| HourCounts::new(total(i % 24, i / 24), negative(i % 24, i / 24)))
            .collect()
    }

    struct Case {
        name: &'static str,
        history: Vec<HourCounts>,
        current: HourCounts,
        config: SpikeConfig,
        volume: bool,
        negative_share: bool,
        baseline_days: u32,
        mean: f64,
        stddev: f64,
    }

    #[test]
    fn table() {
        let cfg = SpikeConfig::default();
        // A daily rhythm: 50 items every day at hour 12, 5 at hour 0.
        let rhythm = |h: usize, _d: usize| if h == 12 { 50 } else { 5 };
        // Hour 0 alternates 4 and 6 between days: mean 5, σ 1.
        let alternating = |h: usize, d: usize| {
            if h == 0 {
                if d.is_multiple_of(2) {
                    4
                } else {
                    6
                }
            } else {
                100
            }
        };
        let cases = vec![
            Case {
                name: "flat baseline, normal hour",
                history: history(14, |_, _| 5, |_, _| 1),
                current: HourCounts::new(6, 1),
                config: cfg,
                volume: false,
                negative_share: false,
                baseline_days: 14,
                mean: 5.0,
                stddev: 0.0,
            },
            Case {
                name: "flat baseline: stddev floor 1 → threshold 8",
                history: history(14, |_, _| 5, |_, _| 0),
                current: HourCounts::new(8, 0),
                config: SpikeConfig {
                    min_count: 1,
                    ..cfg
                },
                volume: false,
                negative_share: false,
                baseline_days: 14,
                mean: 5.0,
                stddev: 0.0,
            },
            Case {
                name: "flat baseline: 9 > 8 fires when min_count allows",
                history: history(14, |_, _| 5, |_, _| 0),
                current: HourCounts::new(9, 0),
                config: SpikeConfig {
                    min_count: 1,
                    ..cfg
                },
                volume: true,
                negative_share: false,
                baseline_days: 14,
                mean: 5.0,
                stddev: 0.0,
            },
            Case {
                name: "flat baseline: 9 is below min_count 10",
                history: history(14, |_, _| 5, |_, _| 0),
                current: HourCounts::new(9, 0),
                config: cfg,
                volume: false,
                negative_share: false,
                baseline_days: 14,
                mean: 5.0,
                stddev: 0.0,
            },
            Case {
                name: "burst far above baseline",
                history: history(14, |_, _| 5, |_, _| 1),
                current: HourCounts::new(40, 8),
                config: cfg,
                volume: true,
                negative_share: false,
                baseline_days: 14,
                mean: 5.0,
                stddev: 0.0,
            },
            Case {
                name: "daily peak is not a spike (same hour of day)",
                history: history(14, rhythm, |_, _| 0),
                current: HourCounts::new(0, 0),
                config: cfg,
                volume: false,
                negative_share: false,
                baseline_days: 14,
                mean: 5.0,
                stddev: 0.0,
            },
            Case {
                name: "lunchtime volume at midnight is",
                history: history(14, rhythm, |_, _| 0),
                current: HourCounts::new(50, 0),
                config: cfg,
                volume: true,
                negative_share: false,
                baseline_days: 14,
                mean: 5.0,
                stddev: 0.0,
            },
            Case {
                name: "σ = 1: threshold 8, 8 does not fire",
                history: history(14, alternating, |_, _| 0),
                current: HourCounts::new(8, 0),
                config: SpikeConfig {
                    min_count: 0,
                    ..cfg
                },
                volume: false,
                negative_share: false,
                baseline_days: 14,
                mean: 5.0,
                stddev: 1.0,
            },
            Case {
                name: "σ = 1, k = 2: threshold 7, 8 fires",
                history: history(14, alternating, |_, _| 0),
                current: HourCounts::new(8, 0),
                config: SpikeConfig {
                    k: 2.0,
                    min_count: 0,
                    ..cfg
                },
                volume: true,
                negative_share: false,
                baseline_days: 14,
                mean: 5.0,
                stddev: 1.0,
            },
            Case {
                name: "window shorter than history: only 2 days read",
                history: history(14, |_, d| if d >= 12 { 20 } else { 0 }, |_, _| 0),
                current: HourCounts::new(22, 0),
                config: SpikeConfig {
                    window_days: 2,
                    ..cfg
                },
                volume: false,
                negative_share: false,
                baseline_days: 2,
                mean: 20.0,
                stddev: 0.0,
            },
            Case {
                name: "history shorter than window: what there is",
                history: history(3, |_, _| 10, |_, _| 2),
                current: HourCounts::new(30, 6),
                config: cfg,
                volume: true,
                negative_share: false,
                baseline_days: 3,
                mean: 10.0,
                stddev: 0.0,
            },
            Case {
                name: "partial day of history: the complete ones",
                // 50 hours: hours 24 and 48 before current exist.
                history: vec![HourCounts::new(10, 1); 50],
                current: HourCounts::new(12, 1),
                config: cfg,
                volume: false,
                negative_share: false,
                baseline_days: 2,
                mean: 10.0,
                stddev: 0.0,
            },
            Case {
                name: "no history: no alert",
                history: vec![],
                current: HourCounts::new(500, 500),
                config: cfg,
                volume: false,
                negative_share: false,
                baseline_days: 0,
                mean: 0.0,
                stddev: 0.0,
            },
            Case {
                name: "23 hours of history: no day yet",
                history: vec![HourCounts::new(1, 0); 23],
                current: HourCounts::new(500, 0),
                config: cfg,
                volume: false,
                negative_share: false,
                baseline_days: 0,
                mean: 0.0,
                stddev: 0.0,
            },
            Case {
                name: "window_days 0: no alert",
                history: history(14, |_, _| 1, |_, _| 0),
                current: HourCounts::new(500, 0),
                config: SpikeConfig {
                    window_days: 0,
                    ..cfg
                },
                volume: false,
                negative_share: false,
                baseline_days: 0,
                mean: 0.0,
                stddev: 0.0,
            },
            Case {
                name: "negative share +30 points fires",
                history: history(14, |_, _| 20, |_, _| 4),
                current: HourCounts::new(20, 10),
                config: cfg,
                volume: false,
                negative_share: true,
                baseline_days: 14,
                mean: 20.0,
                stddev: 0.0,
            },
            Case {
                name: "negative share exactly +20 points fires",
                history: history(14, |_, _| 20, |_, _| 4),
                current: HourCounts::new(20, 8),
                config: cfg,
                volume: false,
                negative_share: true,
                baseline_days: 14,
                mean: 20.0,
                stddev: 0.0,
            },
            Case {
                name: "negative share +15 points does not",
                history: history(14, |_, _| 20, |_, _| 4),
                current: HourCounts::new(20, 7),
                config: cfg,
                volume: false,
                negative_share: false,
                baseline_days: 14,
                mean: 20.0,
                stddev: 0.0,
            },
            Case {
                name: "negative share jump below min_count does not",
                history: history(14, |_, _| 4, |_, _| 0),
                current: HourCounts::new(5, 5),
                config: cfg,
                volume: false,
                negative_share: false,
                baseline_days: 14,
                mean: 4.0,
                stddev: 0.0,
            },
            Case {
                name: "both alerts",
                history: history(14, |_, _| 10, |_, _| 1),
                current: HourCounts::new(60, 40),
                config: cfg,
                volume: true,
                negative_share: true,
                baseline_days: 14,
                mean: 10.0,
                stddev: 0.0,
            },
            Case {
                name: "baseline without items: no share alert, volume only",
                history: history(14, |_, _| 0, |_, _| 0),
                current: HourCounts::new(12, 12),
                config: cfg,
                volume: true,
                negative_share: false,
                baseline_days: 14,
                mean: 0.0,
                stddev: 0.0,
            },
            Case {
                name: "negative above total is clamped",
                history: history(14, |_, _| 20, |_, _| 40),
                current: HourCounts::new(20, 30),
                config: cfg,
                volume: false,
                negative_share: false,
                baseline_days: 14,
                mean: 20.0,
                stddev: 0.0,
            },
            Case {
                name: "other hours of the day are ignored",
                history: history(14, |h, _| if h == 0 { 10 } else { 1000 }, |_, _| 0),
                current: HourCounts::new(11, 0),
                config: cfg,
                volume: false,
                negative_share: false,
                baseline_days: 14,
                mean: 10.0,
                stddev: 0.0,
            },
        ];
        for case in cases {
            let r = detect_spike(&case.history, case.current, &case.config);
            let name = case.name;
            assert_eq!(r.volume, case.volume, "{name}: volume ({})", r.reason);
            assert_eq!(
                r.negative_share, case.negative_share,
                "{name}: negative share ({})",
                r.reason
            );
            assert_eq!(r.baseline_days, case.baseline_days, "{name}: days");
            assert!((r.baseline_mean - case.mean).abs() < 1e-9, "{name}: mean");
            assert!((r.baseline_stddev - case.stddev).abs() < 1e-9, "{name}: σ");
            assert_eq!(r.current, case.current, "{name}: current");
            assert_eq!(r.fired(), case.volume || case.negative_share);
            assert!(!r.reason.is_empty(), "{name}: reason");
            assert_eq!(
                r.reason.starts_with("no alert"),
                !r.fired(),
                "{name}: {}",
                r.reason
            );
        }
    }

    #[test]
    fn stddev_is_the_population_one() {
        // Baseline 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population σ 2.
        let values = [2, 4, 4, 4, 5, 5, 7, 9];
        let mut h = Vec::new();
        for v in values {
            h.extend(std::iter::repeat_n(HourCounts::new(v, 0), 24));
        }
        let cfg = SpikeConfig {
            window_days: 8,
            ..SpikeConfig::default()
        };
        let r = detect_spike(&h, HourCounts::new(11, 0), &cfg);
        assert!((r.baseline_stddev - 2.0).abs() < 1e-9);
        assert_eq!(r.volume_threshold, Some(11.0));
        assert!(!r.volume, "11 is not above 11");
        assert!(detect_spike(&h, HourCounts::new(12, 0), &cfg).volume);
    }

    #[test]
    fn reasons_read_well() {
        let h = history(14, |_, _| 10, |_, _| 1);
        let r = detect_spike(&h, HourCounts::new(60, 40), &SpikeConfig::default());
        assert_eq!(
            r.reason,
            "volume: 60 items this hour vs 10.0 ± 0.0 at this hour over the last 14 days \
             (threshold 13.0); negative share: 67% this hour vs 10% at this hour over the \
             last 14 days (+57 points, threshold +20)"
        );
        let r = detect_spike(&h, HourCounts::new(3, 0), &SpikeConfig::default());
        assert_eq!(
            r.reason,
            "no alert: 3 items this hour, below the minimum of 10"
        );
        let r = detect_spike(&h[24..48], HourCounts::new(11, 1), &SpikeConfig::default());
        assert_eq!(
            r.reason,
            "no alert: 11 items this hour (threshold 13.0), negative share 9% vs 10% at this \
             hour over the last 1 day"
        );
        let r = detect_spike(&[], HourCounts::new(3, 0), &SpikeConfig::default());
        assert_eq!(
            r.reason,
            "no alert: 3 items this hour, but no history at this hour of day yet"
        );
    }

    #[test]
    fn config_defaults_and_serde() {
        let cfg: SpikeConfig = serde_json::from_str("{\"k\": 2.5}").unwrap();
        assert_eq!(
            cfg,
            SpikeConfig {
                k: 2.5,
                ..SpikeConfig::default()
            }
        );
        assert!(serde_json::from_str::<SpikeConfig>("{\"kk\": 1}").is_err());
        let d = SpikeConfig::default();
        assert_eq!(
            (d.k, d.window_days, d.min_count, d.negative_jump),
            (3.0, 14, 10, 0.2)
        );
    }
}
