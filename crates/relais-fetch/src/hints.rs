//! What a response says about when to come back: `Cache-Control`,
//! `Expires` and `Retry-After` (RFC 9111 §5.2 and §5.3, RFC 9110 §10.2.3).
//!
//! Pure: the header values and the instant of the response are arguments.
//! HTTP dates are parsed by `httpdate` (IMF-fixdate and the two obsolete
//! forms RFC 9110 §5.6.7 requires recipients to accept).

use std::time::{Duration, SystemTime};

/// The longest any hint is taken at its word: a server asking to be left
/// alone for a year is asked again after a week.
pub const MAX_HINT: Duration = Duration::from_secs(7 * 24 * 3600);

/// Caching directives of a response, for the source's schedule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheHints {
    /// `Cache-Control: max-age=N` (`s-maxage` is for shared caches, which
    /// relais is not). Capped at [`MAX_HINT`].
    pub max_age: Option<Duration>,
    /// `Expires` minus the response's `Date` (or the receiving instant
    /// without one); zero for a date in the past or an invalid date, which
    /// RFC 9111 §5.3 says means "already expired". Capped at [`MAX_HINT`].
    /// Ignored by caches when `max-age` is present; kept here so the caller
    /// sees both.
    pub expires_in: Option<Duration>,
    /// `Retry-After`, in seconds or as an HTTP date (relative to `Date`).
    /// Capped at [`MAX_HINT`].
    pub retry_after: Option<Duration>,
    /// `Cache-Control: no-cache`: the response may be reused only after
    /// revalidation, so it sets no minimum interval.
    pub no_cache: bool,
    /// `Cache-Control: no-store`.
    pub no_store: bool,
}

impl CacheHints {
    /// The hints of a response, from its header values (`None` when a header
    /// is absent); `received` is when it arrived.
    pub fn from_headers(
        cache_control: Option<&str>,
        expires: Option<&str>,
        retry_after: Option<&str>,
        date: Option<&str>,
        received: SystemTime,
    ) -> CacheHints {
        let mut hints = CacheHints::default();
        // The origin's clock, when it sent one, so that a skewed server
        // clock does not distort relative times.
        let origin_now = date
            .and_then(|d| httpdate::parse_http_date(d.trim()).ok())
            .unwrap_or(received);
        if let Some(cc) = cache_control {
            for directive in cc.split(',') {
                let directive = directive.trim();
                let (name, value) = match directive.split_once('=') {
                    Some((n, v)) => (n.trim(), Some(v.trim().trim_matches('"'))),
                    None => (directive, None),
                };
                if name.eq_ignore_ascii_case("max-age") {
                    if let Some(secs) = value.and_then(parse_delta_seconds) {
                        hints.max_age = Some(secs);
                    }
                } else if name.eq_ignore_ascii_case("no-cache") {
                    hints.no_cache = true;
                } else if name.eq_ignore_ascii_case("no-store") {
                    hints.no_store = true;
                }
            }
        }
        if let Some(expires) = expires {
            hints.expires_in = Some(
                httpdate::parse_http_date(expires.trim())
                    .ok()
                    .and_then(|at| at.duration_since(origin_now).ok())
                    .map_or(Duration::ZERO, cap),
            );
        }
        hints.retry_after = retry_after.and_then(|v| parse_retry_after(v, origin_now));
        hints
    }
}

/// `delta-seconds` (RFC 9111 §1.2.2): digits only; a value too large for
/// the type means "a very long time", capped.
fn parse_delta_seconds(v: &str) -> Option<Duration> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(cap(Duration::from_secs(
        v.parse::<u64>().unwrap_or(u64::MAX),
    )))
}

fn cap(d: Duration) -> Duration {
    d.min(MAX_HINT)
}

/// `Retry-After: 120` or `Retry-After: Fri, 31 Dec 1999 23:59:59 GMT`
/// (relative to `now`, the origin's clock); a date in the past is zero.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Some(d) = parse_delta_seconds(value) {
        return Some(d);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(cap(at.duration_since(now).unwrap_or(Duration::ZERO)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> SystemTime {
        httpdate::parse_http_date(s).unwrap()
    }

    const NOW: &str = "Tue, 15 Nov 1994 08:12:31 GMT";

    #[test]
    fn cache_control_directives() {
        let h = CacheHints::from_headers(
            Some("public, Max-Age=600, no-cache"),
            None,
            None,
            None,
            at(NOW),
        );
        assert_eq!(h.max_age, Some(Duration::from_secs(600)));
        assert!(h.no_cache);
        assert!(!h.no_store);
        let h = CacheHints::from_headers(Some("no-store"), None, None, None, at(NOW));
        assert_eq!(h.max_age, None);
        assert!(h.no_store);
        // Invalid values are ignored, huge ones capped.
        let h = CacheHints::from_headers(Some("max-age=-1"), None, None, None, at(NOW));
        assert_eq!(h.max_age, None);
        let h = CacheHints::from_headers(
            Some("max-age=99999999999999999999999"),
            None,
            None,
            None,
            at(NOW),
        );
        assert_eq!(h.max_age, Some(MAX_HINT));
        let h = CacheHints::from_headers(Some("max-age=\"60\""), None, None, None, at(NOW));
        assert_eq!(h.max_age, Some(Duration::from_secs(60)));
    }

    #[test]
    fn expires_is_relative_to_the_origin_clock() {
        // The origin's Date is an hour behind our clock: Expires an hour
        // after its Date means an hour, not zero.
        let h = CacheHints::from_headers(
            None,
            Some("Tue, 15 Nov 1994 09:12:31 GMT"),
            None,
            Some(NOW),
            at("Tue, 15 Nov 1994 09:12:31 GMT"),
        );
        assert_eq!(h.expires_in, Some(Duration::from_secs(3600)));
        // Without Date, our clock.
        let h = CacheHints::from_headers(
            None,
            Some("Tue, 15 Nov 1994 08:22:31 GMT"),
            None,
            None,
            at(NOW),
        );
        assert_eq!(h.expires_in, Some(Duration::from_secs(600)));
        // In the past, or invalid ("0" is common): already expired.
        for e in ["Mon, 14 Nov 1994 08:12:31 GMT", "0", "garbage"] {
            let h = CacheHints::from_headers(None, Some(e), None, None, at(NOW));
            assert_eq!(h.expires_in, Some(Duration::ZERO), "{e}");
        }
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        assert_eq!(
            parse_retry_after("120", at(NOW)),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Tue, 15 Nov 1994 08:14:31 GMT", at(NOW)),
            Some(Duration::from_secs(120))
        );
        // The obsolete RFC 850 form is accepted too.
        assert_eq!(
            parse_retry_after("Tuesday, 15-Nov-94 08:14:31 GMT", at(NOW)),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Mon, 14 Nov 1994 08:12:31 GMT", at(NOW)),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", at(NOW)), None);
        assert_eq!(parse_retry_after("-5", at(NOW)), None);
        assert_eq!(parse_retry_after("100000000", at(NOW)), Some(MAX_HINT));
        let h = CacheHints::from_headers(None, None, Some("30"), None, at(NOW));
        assert_eq!(h.retry_after, Some(Duration::from_secs(30)));
    }
}
