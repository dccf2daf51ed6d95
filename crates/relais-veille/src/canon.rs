//! Canonical URLs and exact-duplicate keys.
//!
//! The same article reaches a topic through many doors: a feed's link, a
//! newsletter's click-tracked link, a social post sharing it with
//! `?utm_source=…`, a reader's copy with `#comments`. [`canonical_url`] maps
//! them to one string so that [`dedup_key`] can tell an exact duplicate
//! before any text is compared (near duplicates are
//! [`neardup`](crate::neardup)'s business).
//!
//! Parsing and serialisation are the `url` crate's (WHATWG URL Standard):
//! it already lowercases the scheme and the host, turns internationalised
//! hosts into their ASCII form, drops the scheme's default port, resolves
//! `.` and `..` path segments and writes the root path as `/`. On top of
//! that, [`canonical_url`] drops the fragment, the tracking parameters of
//! [`TRACKING_PARAMS`] / [`TRACKING_PREFIXES`], empty query segments and
//! the `?` of an empty query, and a trailing dot of the host. Everything
//! else is kept as written: the remaining parameters stay in their order
//! with their own percent-encoding (sites do read `?b=1&a=2` and `?a=2&b=1`
//! differently, rarely, but a canonical form must never merge two pages),
//! and a trailing `/` of a non-root path stays (`/a/` and `/a` may be two
//! resources; the root path has no such choice, its canonical form is `/`).

use url::Url;

/// Query parameters removed by [`canonical_url`], compared with the
/// parameter's decoded name in ASCII lowercase.
///
/// Source and reasoning: each entry is a click identifier or a
/// campaign/recipient label that the platform setting it documents as such
/// (ad click IDs, e-mail campaign IDs, share IDs) and that never selects
/// the page's content, so removing it cannot merge two different pages.
/// They are the parameters most often appended by:
/// - ad platforms' auto-tagging: `gclid`, `gclsrc`, `gbraid`, `wbraid`,
///   `dclid` (Google Ads / Display & Video 360), `fbclid` (Meta),
///   `msclkid` (Microsoft Advertising), `yclid` (Yandex Direct),
///   `ttclid` (TikTok), `twclid` (X/Twitter), `li_fat_id` (LinkedIn),
///   `epik` (Pinterest), `rb_clickid` (Rakuten), `s_cid` (Adobe Analytics);
/// - Google Analytics cross-domain linking: `_ga`, `_gl`;
/// - e-mail tools: `mc_cid`, `mc_eid` (Mailchimp), `_hsenc`, `_hsmi`,
///   `__hstc`, `__hssc`, `__hsfp`, `hsctatracking` (HubSpot), `mkt_tok`
///   (Marketo), `vero_id`, `vero_conv` (Vero), `oly_anon_id`, `oly_enc_id`
///   (Omeda), `wickedid` (Wicked Reports);
/// - share buttons: `igshid` (Instagram), `ref_src`, `ref_url` (Twitter
///   embeds).
///
/// Deliberately absent: generic names such as `ref`, `source`, `src`, `id`,
/// `s` or `si`, which many sites use to select content (a Git branch, a
/// search, a page); they are only removed when a platform owns the whole
/// name.
pub const TRACKING_PARAMS: &[&str] = &[
    "gclid",
    "gclsrc",
    "gbraid",
    "wbraid",
    "dclid",
    "fbclid",
    "msclkid",
    "yclid",
    "ttclid",
    "twclid",
    "li_fat_id",
    "epik",
    "rb_clickid",
    "s_cid",
    "_ga",
    "_gl",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "__hstc",
    "__hssc",
    "__hsfp",
    "hsctatracking",
    "mkt_tok",
    "vero_id",
    "vero_conv",
    "oly_anon_id",
    "oly_enc_id",
    "wickedid",
    "igshid",
    "ref_src",
    "ref_url",
];

/// Prefixes of query parameter names removed by [`canonical_url`] (decoded
/// name, ASCII lowercase): `utm_` is Google Analytics' campaign family
/// (`utm_source`, `utm_medium`, `utm_campaign`, `utm_term`, `utm_content`,
/// `utm_id`, …), set by whoever shares the link and read by no page.
pub const TRACKING_PREFIXES: &[&str] = &["utm_"];

/// Whether a query parameter (decoded name) is a tracking parameter.
fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    TRACKING_PARAMS.contains(&name.as_str())
        || TRACKING_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// The canonical form of an `http` or `https` URL, or `None` when `input`
/// is not an absolute `http(s)` URL (another scheme, a relative reference,
/// unparsable).
///
/// See the [module documentation](self) for what is normalised and what is
/// deliberately kept.
pub fn canonical_url(input: &str) -> Option<String> {
    let mut url = Url::parse(input.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    // `http://` with no host cannot be parsed as a special URL, but keep the
    // guard: a canonical URL always names a host.
    let host = url.host_str()?;
    if host.len() > 1 && host.ends_with('.') {
        let trimmed = host.trim_end_matches('.').to_owned();
        if trimmed.is_empty() || url.set_host(Some(&trimmed)).is_err() {
            return None;
        }
    }
    url.set_fragment(None);
    let kept = url.query().map(|query| {
        query
            .split('&')
            .filter(|segment| !segment.is_empty())
            .filter(|segment| {
                let name = segment.split('=').next().unwrap_or_default();
                let decoded = url::form_urlencoded::parse(name.as_bytes())
                    .next()
                    .map(|(name, _)| name.into_owned())
                    .unwrap_or_default();
                !is_tracking(&decoded)
            })
            .collect::<Vec<_>>()
            .join("&")
    });
    match kept {
        Some(query) if !query.is_empty() => url.set_query(Some(&query)),
        _ => url.set_query(None),
    }
    Some(url.into())
}

/// A stable 64-bit key of a string (xxh3 with a fixed seed): the same on
/// every machine and every run, so it may be stored. Used for the story
/// (cluster) key of an item from its dedup key.
pub fn key_hash(key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(key.as_bytes())
}

/// The key under which an item is recognised as an exact duplicate, or
/// `None` when it has neither a usable GUID nor an `http(s)` URL (such an
/// item can only be deduplicated by its text, see
/// [`neardup`](crate::neardup)).
///
/// The rule:
/// 1. A GUID (RSS `<guid>`, Atom `<id>`, a platform's post ID) that is not
///    blank wins, because it is the publisher's own statement of identity
///    and survives edits of the link. A GUID that is itself an `http(s)`
///    URL (RSS's default `isPermaLink="true"`, most Atom feeds) is treated
///    as that URL, so that the same article seen through a feed and through
///    a shared link gets the same key. Any other GUID gives
///    `guid:<guid as written, trimmed>`.
/// 2. Otherwise the [canonical URL](canonical_url) gives `url:<canonical>`.
///
/// Scope: `url:` keys mean the same thing everywhere and may be compared
/// across sources; a `guid:` key is only unique within the feed or platform
/// that issued it (two blogs may both number their posts `42`), so the
/// caller stores it together with its source.
pub fn dedup_key(guid: Option<&str>, url: Option<&str>) -> Option<String> {
    if let Some(guid) = guid.map(str::trim).filter(|g| !g.is_empty()) {
        return Some(match canonical_url(guid) {
            Some(canonical) => format!("url:{canonical}"),
            None => format!("guid:{guid}"),
        });
    }
    url.and_then(canonical_url)
        .map(|canonical| format!("url:{canonical}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expected: Option<&str>) {
        assert_eq!(
            canonical_url(input).as_deref(),
            expected,
            "canonical_url({input:?})"
        );
    }

    #[test]
    fn canonical_urls() {
        let table: &[(&str, Option<&str>)] = &[
            // Scheme and host case, default ports.
            ("HTTP://Example.COM/", Some("http://example.com/")),
            ("https://EXAMPLE.com/Path", Some("https://example.com/Path")),
            ("http://example.com:80/a", Some("http://example.com/a")),
            ("https://example.com:443/a", Some("https://example.com/a")),
            (
                "http://example.com:8080/a",
                Some("http://example.com:8080/a"),
            ),
            ("https://example.com:80/a", Some("https://example.com:80/a")),
            ("http://example.com:443/", Some("http://example.com:443/")),
            // Root path: one form, with or without the slash.
            ("https://example.com", Some("https://example.com/")),
            ("https://example.com/", Some("https://example.com/")),
            ("https://example.com?", Some("https://example.com/")),
            ("https://example.com/#top", Some("https://example.com/")),
            // Non-root trailing slash is kept.
            ("https://example.com/a/", Some("https://example.com/a/")),
            ("https://example.com/a", Some("https://example.com/a")),
            // Fragment dropped.
            (
                "https://example.com/a#comments",
                Some("https://example.com/a"),
            ),
            (
                "https://example.com/a?x=1#y",
                Some("https://example.com/a?x=1"),
            ),
            // Tracking parameters removed, others kept in order.
            (
                "https://example.com/a?utm_source=tw&utm_medium=social",
                Some("https://example.com/a"),
            ),
            (
                "https://example.com/a?id=3&utm_campaign=x&page=2",
                Some("https://example.com/a?id=3&page=2"),
            ),
            (
                "https://example.com/a?b=2&a=1",
                Some("https://example.com/a?b=2&a=1"),
            ),
            (
                "https://example.com/?fbclid=IwAR0abc",
                Some("https://example.com/"),
            ),
            (
                "https://example.com/a?gclid=abc&q=vélo",
                Some("https://example.com/a?q=v%C3%A9lo"),
            ),
            (
                "https://example.com/a?dclid=1&msclkid=2",
                Some("https://example.com/a"),
            ),
            (
                "https://example.com/a?mc_cid=1&mc_eid=2&k=v",
                Some("https://example.com/a?k=v"),
            ),
            (
                "https://example.com/a?igshid=MzRl",
                Some("https://example.com/a"),
            ),
            (
                "https://example.com/a?yclid=9",
                Some("https://example.com/a"),
            ),
            (
                "https://example.com/a?_hsenc=p2&_hsmi=1",
                Some("https://example.com/a"),
            ),
            (
                "https://example.com/a?ref_src=twsrc%5Etfw",
                Some("https://example.com/a"),
            ),
            (
                "https://example.com/a?mkt_tok=eyJ",
                Some("https://example.com/a"),
            ),
            (
                "https://example.com/a?ttclid=1&twclid=2&li_fat_id=3",
                Some("https://example.com/a"),
            ),
            (
                "https://example.com/a?_ga=2.1&_gl=1*x",
                Some("https://example.com/a"),
            ),
            (
                "https://example.com/a?gbraid=1&wbraid=2",
                Some("https://example.com/a"),
            ),
            // Names compared case-insensitively and decoded.
            (
                "https://example.com/a?UTM_Source=x&FBCLID=y",
                Some("https://example.com/a"),
            ),
            (
                "https://example.com/a?utm%5Fsource=x",
                Some("https://example.com/a"),
            ),
            // A parameter that merely contains a tracking name is kept.
            (
                "https://example.com/a?xutm_source=1",
                Some("https://example.com/a?xutm_source=1"),
            ),
            (
                "https://example.com/a?gclid_info=1",
                Some("https://example.com/a?gclid_info=1"),
            ),
            // Generic names are content: kept.
            (
                "https://github.com/o/r?ref=main",
                Some("https://github.com/o/r?ref=main"),
            ),
            (
                "https://example.com/s?source=rss&s=vélo",
                Some("https://example.com/s?source=rss&s=v%C3%A9lo"),
            ),
            // Parameters without a value, repeated, empty segments.
            (
                "https://example.com/a?flag&utm_term=x",
                Some("https://example.com/a?flag"),
            ),
            (
                "https://example.com/a?x=1&x=2",
                Some("https://example.com/a?x=1&x=2"),
            ),
            (
                "https://example.com/a?&&x=1&&",
                Some("https://example.com/a?x=1"),
            ),
            ("https://example.com/a?=", Some("https://example.com/a?=")),
            // Encoding of kept parameters untouched.
            (
                "https://example.com/a?q=a+b&r=a%20b",
                Some("https://example.com/a?q=a+b&r=a%20b"),
            ),
            // Paths: dot segments resolved, case kept.
            (
                "https://example.com/a/./b/../c",
                Some("https://example.com/a/c"),
            ),
            ("https://example.com/A/B", Some("https://example.com/A/B")),
            (
                "https://example.com/caf%C3%A9",
                Some("https://example.com/caf%C3%A9"),
            ),
            // Host details.
            ("https://www.example.com/", Some("https://www.example.com/")),
            ("https://example.com./a", Some("https://example.com/a")),
            (
                "https://bücher.example/",
                Some("https://xn--bcher-kva.example/"),
            ),
            ("http://192.168.0.1:80/x", Some("http://192.168.0.1/x")),
            ("http://[::1]:8080/", Some("http://[::1]:8080/")),
            (
                "https://user@example.com/a",
                Some("https://user@example.com/a"),
            ),
            // Surrounding whitespace.
            ("  https://example.com/a  ", Some("https://example.com/a")),
            // Not http(s) or not a URL.
            ("ftp://example.com/a", None),
            ("mailto:someone@example.com", None),
            ("javascript:alert(1)", None),
            ("example.com/a", None),
            ("/relative/path", None),
            ("", None),
            ("https://", None),
            ("http://exa mple.com/", None),
        ];
        for (input, expected) in table {
            check(input, *expected);
        }
    }

    #[test]
    fn canonical_url_is_idempotent() {
        for input in [
            "HTTP://Example.COM:80/a/?utm_source=x&b=2#f",
            "https://example.com",
            "https://example.com/a?q=a+b",
            "https://bücher.example/é?x=é",
        ] {
            let once = canonical_url(input).unwrap();
            assert_eq!(canonical_url(&once).as_deref(), Some(once.as_str()));
        }
    }

    #[test]
    fn dedup_keys() {
        let table: &[(Option<&str>, Option<&str>, Option<&str>)] = &[
            // GUID wins over the URL.
            (
                Some("tag:example.com,2024:42"),
                Some("https://example.com/a"),
                Some("guid:tag:example.com,2024:42"),
            ),
            (Some("42"), None, Some("guid:42")),
            (Some("  42 "), None, Some("guid:42")),
            // A permalink GUID is its canonical URL.
            (
                Some("https://Example.com/a?utm_source=rss"),
                Some("https://example.com/other"),
                Some("url:https://example.com/a"),
            ),
            // No or blank GUID: the canonical URL.
            (
                None,
                Some("https://example.com/a?fbclid=x#c"),
                Some("url:https://example.com/a"),
            ),
            (
                Some(""),
                Some("https://example.com/a"),
                Some("url:https://example.com/a"),
            ),
            (
                Some("   "),
                Some("https://example.com/a"),
                Some("url:https://example.com/a"),
            ),
            // Nothing usable.
            (None, None, None),
            (None, Some("not a url"), None),
            (Some(" "), Some("ftp://example.com/"), None),
        ];
        for (guid, url, expected) in table {
            assert_eq!(
                dedup_key(*guid, *url).as_deref(),
                *expected,
                "dedup_key({guid:?}, {url:?})"
            );
        }
    }

    #[test]
    fn tracked_and_clean_links_share_a_key() {
        let a = dedup_key(None, Some("https://news.example/story?utm_source=mastodon"));
        let b = dedup_key(None, Some("HTTPS://NEWS.EXAMPLE:443/story#top"));
        assert_eq!(a, b);
        assert!(a.is_some());
    }
}
