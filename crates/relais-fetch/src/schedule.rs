//! When to fetch a source next. Pure: everything it looks at is an
//! argument.
//!
//! [`next_interval`] starts from the source's own interval (or, when the
//! source adapts, from how often it publishes), backs off on failures, then
//! honours what the publisher asked for (RSS `ttl`, `Cache-Control:
//! max-age`, `Expires` as floors; `Retry-After` above everything), within
//! the administrator's bounds. The rules, in order:
//!
//! 1. **Base.** The configured `interval`; with `adaptive`, half the mean
//!    gap between the (up to [`HISTORY`]) newest publications of the last
//!    [`HISTORY_WINDOW`] — checking twice per publication on average catches
//!    items soon without polling a quiet source — and at least a quarter of
//!    the time since the newest one, so a source gone silent is polled less
//!    and less. Without two recent publications the configured interval
//!    stands; when every known publication is older than the window, the
//!    maximum.
//! 2. **Failures.** `failures` consecutive failures multiply the base by
//!    2^failures ([`backoff`]).
//! 3. **Publisher's floors.** The RSS `ttl`, `max-age`, and `Expires` (when
//!    no `max-age`; neither with `no-cache`) raise the interval, but never
//!    past `max`: a publisher cannot freeze a source.
//! 4. **Bounds.** Clamped to `[min, max]`.
//! 5. **Retry-After.** The larger of the error's and the response's wins
//!    over everything, `max` included (capped at
//!    [`crate::hints::MAX_HINT`]): the server said when it can take us.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::hints::{CacheHints, MAX_HINT};

/// Publications looked at to estimate a source's rhythm.
pub const HISTORY: usize = 20;
/// Publications older than this say nothing about the current rhythm.
pub const HISTORY_WINDOW: Duration = Duration::from_secs(30 * 24 * 3600);

/// What [`next_interval`] decides from.
#[derive(Debug, Clone, Copy)]
pub struct ScheduleInput<'a> {
    /// The source's own interval (the user's schedule).
    pub interval: Duration,
    /// Whether the interval adapts to how often the source publishes.
    pub adaptive: bool,
    /// Bounds (administrator settings).
    pub min: Duration,
    pub max: Duration,
    /// RSS `<ttl>` of the last feed read.
    pub feed_ttl: Option<Duration>,
    /// Hints of the last response.
    pub hints: CacheHints,
    /// `Retry-After` of the last error, if any.
    pub retry_after: Option<Duration>,
    /// Publication times of the source's recent items, in any order.
    pub recent_publications: &'a [DateTime<Utc>],
    pub now: DateTime<Utc>,
    /// Consecutive failed fetches (0 after a success).
    pub failures: u32,
}

/// The wait before the next fetch. See the [module documentation](self).
pub fn next_interval(input: &ScheduleInput<'_>) -> Duration {
    let max = input.max.max(input.min);
    let mut base = if input.adaptive {
        adaptive_interval(input.recent_publications, input.now).unwrap_or(input.interval)
    } else {
        input.interval
    };
    base = backoff(input.failures, base, max);
    let hints = &input.hints;
    let cache = if hints.no_cache {
        None
    } else {
        hints.max_age.or(hints.expires_in)
    };
    let floor = input.feed_ttl.into_iter().chain(cache).max();
    if let Some(floor) = floor {
        base = base.max(floor.min(max));
    }
    let interval = base.clamp(input.min, max);
    let retry = input
        .retry_after
        .into_iter()
        .chain(hints.retry_after)
        .max()
        .map_or(Duration::ZERO, |r| r.min(MAX_HINT));
    interval.max(retry)
}

/// The interval suggested by the publication history (rule 1), `None`
/// without evidence.
fn adaptive_interval(publications: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<Duration> {
    let window = chrono::Duration::from_std(HISTORY_WINDOW).ok()?;
    let mut recent: Vec<DateTime<Utc>> = publications
        .iter()
        .copied()
        .filter(|t| *t <= now && *t > now - window)
        .collect();
    if recent.is_empty() && !publications.is_empty() {
        return Some(Duration::MAX);
    }
    recent.sort_unstable_by(|a, b| b.cmp(a));
    recent.dedup();
    recent.truncate(HISTORY);
    let (newest, oldest) = (*recent.first()?, *recent.last()?);
    if recent.len() < 2 {
        return None;
    }
    let span = (newest - oldest).to_std().ok()?;
    let gaps = u32::try_from(recent.len() - 1).ok()?;
    let estimate = span / gaps / 2;
    let silence = (now - newest).to_std().unwrap_or_default() / 4;
    Some(estimate.max(silence))
}

/// `base` doubled per consecutive failure, at most `max`; `base` itself
/// when nothing failed.
pub fn backoff(failures: u32, base: Duration, max: Duration) -> Duration {
    if failures == 0 {
        return base;
    }
    let factor = 2u32.saturating_pow(failures);
    base.saturating_mul(factor).min(max.max(base))
}

/// Whether a source failing since `first_failure` has been failing for
/// `dead_after_days` days or more, and should be disabled (the user told).
pub fn is_dead(
    first_failure: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    dead_after_days: u32,
) -> bool {
    first_failure.is_some_and(|since| now - since >= chrono::Duration::days(dead_after_days.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const MIN: Duration = Duration::from_secs(60);
    const H: Duration = Duration::from_secs(3600);

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
    }

    fn input(pubs: &[DateTime<Utc>]) -> ScheduleInput<'_> {
        ScheduleInput {
            interval: H,
            adaptive: false,
            min: 5 * MIN,
            max: 24 * H,
            feed_ttl: None,
            hints: CacheHints::default(),
            retry_after: None,
            recent_publications: pubs,
            now: now(),
            failures: 0,
        }
    }

    fn hours_ago(hours: &[i64]) -> Vec<DateTime<Utc>> {
        hours
            .iter()
            .map(|h| now() - chrono::Duration::hours(*h))
            .collect()
    }

    #[test]
    fn the_configured_interval_by_default() {
        assert_eq!(next_interval(&input(&[])), H);
        // Bounds apply to it too.
        let mut i = input(&[]);
        i.interval = Duration::from_secs(1);
        assert_eq!(next_interval(&i), 5 * MIN);
        i.interval = 1000 * H;
        assert_eq!(next_interval(&i), 24 * H);
    }

    #[test]
    fn adapts_to_the_publication_rhythm() {
        // Every 2 hours → check every hour... and every 12 h → every 6 h.
        let busy = hours_ago(&[0, 2, 4, 6, 8]);
        let mut i = input(&busy);
        i.adaptive = true;
        i.interval = 10 * H;
        assert_eq!(next_interval(&i), H);
        let daily = hours_ago(&[1, 13, 25, 37]);
        i.recent_publications = &daily;
        assert_eq!(next_interval(&i), 6 * H);
        // Gone quiet for 10 days after a busy period: a quarter of the
        // silence, bounded by max.
        let quiet = hours_ago(&[48, 50, 52]);
        i.recent_publications = &quiet;
        assert_eq!(next_interval(&i), 12 * H);
        // Everything older than the window: the maximum.
        let ancient = hours_ago(&[24 * 40, 24 * 41]);
        i.recent_publications = &ancient;
        assert_eq!(next_interval(&i), 24 * H);
        // One publication: no rhythm, the configured interval.
        let one = hours_ago(&[3]);
        i.recent_publications = &one;
        assert_eq!(next_interval(&i), 10 * H);
        // Future dates say nothing; bursts are bounded by min.
        let burst: Vec<_> = (0..10)
            .map(|k| now() - chrono::Duration::seconds(k))
            .chain([now() + chrono::Duration::days(1)])
            .collect();
        i.recent_publications = &burst;
        assert_eq!(next_interval(&i), 5 * MIN);
        // Not adaptive: the rhythm is ignored.
        i.adaptive = false;
        i.recent_publications = &busy;
        assert_eq!(next_interval(&i), 10 * H);
    }

    #[test]
    fn publisher_hints_are_floors_within_max() {
        let mut i = input(&[]);
        i.feed_ttl = Some(3 * H);
        assert_eq!(next_interval(&i), 3 * H);
        i.feed_ttl = Some(100 * H);
        assert_eq!(next_interval(&i), 24 * H);
        i.feed_ttl = None;
        i.hints.max_age = Some(2 * H);
        i.hints.expires_in = Some(5 * H);
        assert_eq!(next_interval(&i), 2 * H, "max-age wins over Expires");
        i.hints.max_age = None;
        assert_eq!(next_interval(&i), 5 * H);
        i.hints.no_cache = true;
        assert_eq!(next_interval(&i), H, "no-cache sets no floor");
        // A short hint does not make us poll faster than configured.
        i.hints = CacheHints {
            max_age: Some(MIN),
            ..CacheHints::default()
        };
        assert_eq!(next_interval(&i), H);
    }

    #[test]
    fn retry_after_wins_over_everything() {
        let mut i = input(&[]);
        i.retry_after = Some(2 * H);
        assert_eq!(next_interval(&i), 2 * H);
        i.retry_after = Some(48 * H);
        assert_eq!(next_interval(&i), 48 * H, "beyond max");
        i.retry_after = Some(Duration::from_secs(365 * 24 * 3600));
        assert_eq!(next_interval(&i), MAX_HINT);
        i.retry_after = None;
        i.hints.retry_after = Some(3 * H);
        assert_eq!(next_interval(&i), 3 * H);
    }

    #[test]
    fn failures_back_off() {
        assert_eq!(backoff(0, H, 24 * H), H);
        assert_eq!(backoff(1, H, 24 * H), 2 * H);
        assert_eq!(backoff(3, H, 24 * H), 8 * H);
        assert_eq!(backoff(5, H, 24 * H), 24 * H);
        assert_eq!(backoff(u32::MAX, H, 24 * H), 24 * H);
        let mut i = input(&[]);
        i.failures = 2;
        assert_eq!(next_interval(&i), 4 * H);
    }

    #[test]
    fn dead_sources() {
        let n = now();
        assert!(!is_dead(None, n, 7));
        assert!(!is_dead(Some(n - chrono::Duration::days(6)), n, 7));
        assert!(is_dead(Some(n - chrono::Duration::days(7)), n, 7));
        assert!(is_dead(Some(n - chrono::Duration::days(30)), n, 7));
    }
}
