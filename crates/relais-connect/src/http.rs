//! The HTTP error classification both connectors share.

use crate::ConnectorError;
use chrono::Utc;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::time::Duration;

/// The client of these options (built once, then shared by every connector
/// made with them): a whole-request time-out, a shorter connection time-out
/// (so a refused connection is told apart from a lost answer), no redirects
/// for writes.
pub(crate) fn client(options: &crate::ClientOptions) -> Result<reqwest::Client, ConnectorError> {
    let cell = &options.shared.0;
    if let Some(c) = cell.get() {
        return Ok(c.clone());
    }
    let built = build(options)?;
    // Two first uses at once: both built one, the first stored wins.
    Ok(cell.get_or_init(|| built).clone())
}

fn build(options: &crate::ClientOptions) -> Result<reqwest::Client, ConnectorError> {
    reqwest::Client::builder()
        .timeout(options.timeout)
        .connect_timeout(options.timeout.min(Duration::from_secs(10)))
        .user_agent(options.user_agent.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ConnectorError::Rejected {
            reason: format!("cannot build the HTTP client: {e}"),
        })
}

/// A transport failure. `writes` says whether the request creates something:
/// then a failure after the request may have left (time-out, reset while
/// waiting for the answer) is `Unconfirmed`, never a plain retry.
pub(crate) fn transport(e: &reqwest::Error, writes: bool) -> ConnectorError {
    let reason = describe(e);
    if e.is_connect() || e.is_builder() {
        // Nothing reached the server.
        return ConnectorError::Retryable {
            reason,
            retry_after: None,
            status: None,
        };
    }
    if writes {
        ConnectorError::Unconfirmed { reason }
    } else {
        ConnectorError::Retryable {
            reason,
            retry_after: None,
            status: None,
        }
    }
}

fn describe(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    // URLs may carry tokens in query strings on some networks: never log them.
    s
}

/// `Retry-After` (seconds or HTTP date), else `X-RateLimit-Reset` / `RateLimit-Reset`
/// (an RFC 3339 date on Mastodon, Unix seconds on the PDS).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(v) = get("retry-after") {
        if let Ok(secs) = v.trim().parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = chrono::DateTime::parse_from_rfc2822(v.trim()) {
            return Some(until(at.with_timezone(&Utc)));
        }
    }
    for name in ["x-ratelimit-reset", "ratelimit-reset"] {
        if let Some(v) = get(name) {
            if let Ok(at) = chrono::DateTime::parse_from_rfc3339(v.trim()) {
                return Some(until(at.with_timezone(&Utc)));
            }
            if let Ok(n) = v.trim().parse::<i64>() {
                // Unix seconds when large, else seconds from now.
                if n > 1_000_000_000 {
                    if let Some(at) = chrono::DateTime::from_timestamp(n, 0) {
                        return Some(until(at));
                    }
                } else if n >= 0 {
                    return Some(Duration::from_secs(n as u64));
                }
            }
        }
    }
    None
}

fn until(at: chrono::DateTime<Utc>) -> Duration {
    (at - Utc::now()).to_std().unwrap_or(Duration::ZERO)
}

/// An error answer. `detail` is the server's message (never a secret of ours).
pub(crate) fn status(code: StatusCode, headers: &HeaderMap, detail: &str) -> ConnectorError {
    let reason = if detail.is_empty() {
        format!("HTTP {}", code.as_u16())
    } else {
        format!("HTTP {}: {}", code.as_u16(), truncate(detail, 300))
    };
    match code.as_u16() {
        401 | 403 => ConnectorError::Auth { reason },
        408 | 425 | 429 => ConnectorError::Retryable {
            reason,
            retry_after: retry_after(headers),
            status: Some(code.as_u16()),
        },
        500..=599 => ConnectorError::Retryable {
            reason,
            retry_after: retry_after(headers),
            status: Some(code.as_u16()),
        },
        _ => ConnectorError::Rejected { reason },
    }
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn statuses_are_classified() {
        let h = HeaderMap::new();
        let cases = [
            (401, "auth"),
            (403, "auth"),
            (400, "rejected"),
            (413, "rejected"),
            (422, "rejected"),
            (429, "retry"),
            (500, "retry"),
            (502, "retry"),
            (503, "retry"),
        ];
        for (code, want) in cases {
            let got = match status(
                StatusCode::from_u16(code).unwrap_or(StatusCode::OK),
                &h,
                "x",
            ) {
                ConnectorError::Auth { .. } => "auth",
                ConnectorError::Rejected { .. } => "rejected",
                ConnectorError::Retryable { .. } => "retry",
                ConnectorError::Unconfirmed { .. } => "unconfirmed",
            };
            assert_eq!(got, want, "HTTP {code}");
        }
    }

    #[test]
    fn retry_after_in_seconds_dates_and_resets() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let mut h = HeaderMap::new();
        let at = (Utc::now() + chrono::Duration::seconds(120)).to_rfc3339();
        h.insert(
            "x-ratelimit-reset",
            HeaderValue::from_str(&at).unwrap_or(HeaderValue::from_static("")),
        );
        let d = retry_after(&h).unwrap_or_default();
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
