//! Throttling of failed logins: a sliding window over recent failures.

use chrono::{DateTime, Duration, Utc};

/// The throttling rule, from configuration.
#[derive(Debug, Clone, Copy)]
pub struct LoginThrottle {
    /// Failures allowed inside the window before further attempts are refused.
    pub max_failures: u32,
    /// Length of the sliding window.
    pub window: Duration,
}

impl LoginThrottle {
    /// Given the times of recent failures (for one address or one client IP),
    /// returns how long the caller must wait, or `None` if an attempt is allowed now.
    pub fn retry_after(&self, failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<Duration> {
        let since = now - self.window;
        let mut recent: Vec<DateTime<Utc>> =
            failures.iter().copied().filter(|t| *t > since).collect();
        if recent.len() < self.max_failures as usize {
            return None;
        }
        recent.sort_unstable();
        // The attempt becomes possible when enough failures have left the window.
        let idx = recent.len() - self.max_failures as usize;
        let wait = recent[idx] + self.window - now;
        Some(wait.max(Duration::seconds(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    #[allow(clippy::type_complexity)] // a table of cases
    fn window_table() {
        let t0 = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        let rule = LoginThrottle {
            max_failures: 3,
            window: Duration::minutes(15),
        };
        let m = |n: i64| t0 + Duration::minutes(n);
        // (failures, now, expected wait in minutes)
        let cases: &[(&[DateTime<Utc>], DateTime<Utc>, Option<i64>)] = &[
            (&[], m(0), None),
            (&[m(0), m(1)], m(2), None),
            (&[m(0), m(1), m(2)], m(3), Some(12)),
            (&[m(0), m(1), m(2)], m(16), None),
            (&[m(-30), m(-20), m(1)], m(2), None),
            (&[m(5), m(0), m(1), m(2)], m(6), Some(10)),
        ];
        for (failures, now, expected) in cases {
            let got = rule.retry_after(failures, *now).map(|d| d.num_minutes());
            assert_eq!(got, *expected, "{failures:?} at {now}");
        }
    }
}
