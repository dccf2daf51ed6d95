//! Mastodon hashtag and public timelines, polled page by page.
//!
//! From the Mastodon documentation (<https://docs.joinmastodon.org/methods/timelines/>,
//! repository `mastodon/documentation`, `content/en/methods/timelines.md`,
//! read 2026-11):
//! - `GET /api/v1/timelines/tag/:hashtag` ("public statuses containing the
//!   given hashtag"; 404 `Record not found` when the hashtag does not exist)
//!   and `GET /api/v1/timelines/public` (`local`: only local statuses);
//! - both are public unless the instance disabled public preview, then they
//!   need a token (401 otherwise);
//! - `since_id`: "all results returned will be greater than this ID";
//!   `min_id`: "returns results immediately newer than this ID. In effect,
//!   sets a cursor at this ID and paginates forward"; `limit` defaults to 20,
//!   at most 40; results come newest first;
//! - statuses are `Status` entities whose text is HTML `content`
//!   (`entities/Status`, `api/guidelines`), rate limits as in
//!   `api/rate-limits` (429 with `X-RateLimit-Reset`).
//!
//! The `since_id` given to [`mastodon_hashtag`] and [`mastodon_public`] is
//! sent as `min_id`: with `since_id`, a poll that finds more than a page of
//! new statuses would get the newest page and skip the ones in between;
//! with `min_id` it gets the page just after the cursor, and
//! [`Page::has_more`] says to ask again at once. Without a cursor, the
//! newest page is returned.

use super::guard::{check_literal, HttpClient};
use super::{bounded_langs, bounded_text, parse_time, HeardPost, ListenError};
use crate::mastodon::{error_detail, html};
use serde::Deserialize;
use url::Url;

/// The documented maximum of `limit`.
pub const PAGE_SIZE: usize = 40;
/// The largest answer read (40 statuses of HTML and their accounts fit in a
/// few hundred kilobytes).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// Post texts are cut to this many bytes.
pub const MAX_TEXT_BYTES: usize = 10_000;

/// One page of a timeline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// Newest first, as the server sends them.
    pub posts: Vec<HeardPost>,
    /// The cursor for the next poll: the newest status id of this page
    /// (skipped statuses included), or the `since_id` given when the page is
    /// empty.
    pub newest_id: Option<String>,
    /// A page after a cursor is full: more statuses may follow it, ask again
    /// now with `newest_id`. Always false without a cursor (the newest page
    /// was returned; older statuses are not fetched).
    pub has_more: bool,
}

/// `GET /api/v1/timelines/tag/:hashtag` of `instance`, after `since_id`
/// (see the module documentation). `tag` may start with `#`. A hashtag the
/// instance has never seen gives an empty page.
pub async fn mastodon_hashtag(
    client: &HttpClient,
    instance: &Url,
    tag: &str,
    since_id: Option<&str>,
    token: Option<&str>,
) -> Result<Page, ListenError> {
    let tag = tag.trim().trim_start_matches('#');
    if tag.is_empty() || tag.chars().any(|c| c.is_whitespace() || c == '/') {
        return Err(ListenError::InvalidUrl {
            url: instance.to_string(),
            reason: format!("{tag:?} is not a hashtag"),
        });
    }
    let url = endpoint(instance, &["api", "v1", "timelines", "tag", tag])?;
    fetch(client, url, &[], since_id, token, true).await
}

/// `GET /api/v1/timelines/public` of `instance` (only its own statuses
/// with `local`), after `since_id` (see the module documentation).
pub async fn mastodon_public(
    client: &HttpClient,
    instance: &Url,
    local: bool,
    since_id: Option<&str>,
    token: Option<&str>,
) -> Result<Page, ListenError> {
    let url = endpoint(instance, &["api", "v1", "timelines", "public"])?;
    let extra: &[(&str, &str)] = if local { &[("local", "true")] } else { &[] };
    fetch(client, url, extra, since_id, token, false).await
}

fn endpoint(instance: &Url, segments: &[&str]) -> Result<Url, ListenError> {
    let invalid = |reason: &str| ListenError::InvalidUrl {
        url: instance.to_string(),
        reason: reason.to_string(),
    };
    if !matches!(instance.scheme(), "http" | "https") {
        return Err(invalid("an instance address is http(s)"));
    }
    let mut url = instance.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.path_segments_mut()
        .map_err(|()| invalid("not a base address"))?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

async fn fetch(
    client: &HttpClient,
    mut url: Url,
    extra: &[(&str, &str)],
    since_id: Option<&str>,
    token: Option<&str>,
    not_found_is_empty: bool,
) -> Result<Page, ListenError> {
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("limit", &PAGE_SIZE.to_string());
        for (k, v) in extra {
            q.append_pair(k, v);
        }
        if let Some(id) = since_id {
            q.append_pair("min_id", id);
        }
    }
    let shown = {
        let mut u = url.clone();
        u.set_query(None);
        u.to_string()
    };
    check_literal(&url, client.allow_private)?;
    let mut rb = client
        .client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json");
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    let transport = |e: reqwest::Error| {
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(inner) = source {
            reason.push_str(": ");
            reason.push_str(&inner.to_string());
            source = inner.source();
        }
        if reason.contains("private addresses are not allowed") || reason.contains("is refused") {
            ListenError::Forbidden {
                url: shown.clone(),
                reason,
            }
        } else if e.is_connect() {
            ListenError::Connect {
                url: shown.clone(),
                reason,
            }
        } else {
            ListenError::Transport {
                url: shown.clone(),
                reason,
            }
        }
    };
    let mut resp = rb.send().await.map_err(transport)?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ListenError::TooLarge {
                url: shown,
                limit: MAX_BODY_BYTES,
            });
        }
        body.extend_from_slice(&chunk);
    }
    match status {
        200 => {}
        404 if not_found_is_empty => {
            return Ok(Page {
                posts: Vec::new(),
                newest_id: since_id.map(str::to_string),
                has_more: false,
            })
        }
        401 | 403 => {
            return Err(ListenError::Auth {
                url: shown,
                status,
                detail: error_detail(&body),
            })
        }
        429 => {
            return Err(ListenError::RateLimited {
                url: shown,
                status,
                retry_after: crate::http::retry_after(&headers),
            })
        }
        _ => {
            return Err(ListenError::Http {
                url: shown,
                status,
                detail: error_detail(&body),
                retry_after: crate::http::retry_after(&headers),
            })
        }
    }
    let items: Vec<serde_json::Value> =
        serde_json::from_slice(&body).map_err(|e| ListenError::BadAnswer {
            url: shown.clone(),
            reason: format!("not a JSON array of statuses: {e}"),
        })?;
    let has_more = since_id.is_some() && items.len() >= PAGE_SIZE;
    let mut newest: Option<String> = None;
    let mut posts = Vec::with_capacity(items.len());
    for item in items {
        if let Some(id) = item.get("id").and_then(|v| v.as_str()) {
            if newest.as_deref().is_none_or(|n| newer(id, n)) {
                newest = Some(id.to_string());
            }
        }
        match serde_json::from_value::<StatusJson>(item) {
            Ok(s) => posts.push(heard(s)),
            Err(e) => tracing::warn!(url = %shown, "mastodon: skipped a status: {e}"),
        }
    }
    Ok(Page {
        posts,
        newest_id: newest.or_else(|| since_id.map(str::to_string)),
        has_more,
    })
}

/// Whether id `a` is newer than `b`: Mastodon ids are decimal numbers as
/// strings (compared by length, then digits); others by string order.
fn newer(a: &str, b: &str) -> bool {
    (a.len(), a) > (b.len(), b)
}

#[derive(Deserialize)]
struct StatusJson {
    uri: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    content: String,
    #[serde(default)]
    spoiler_text: String,
    account: AccountJson,
    #[serde(default)]
    reblog: Option<Box<StatusJson>>,
}

#[derive(Deserialize)]
struct AccountJson {
    acct: String,
}

fn heard(s: StatusJson) -> HeardPost {
    // A boost is heard as the boosted status (timelines of tags and the
    // public timeline do not show boosts, but an instance may).
    let s = match s.reblog {
        Some(inner) => *inner,
        None => s,
    };
    let body = html::to_text(&s.content);
    let body = body.trim();
    let text = if s.spoiler_text.trim().is_empty() {
        body.to_string()
    } else {
        format!("{}\n\n{body}", s.spoiler_text.trim())
    };
    HeardPost {
        network: "mastodon",
        uri: s.uri,
        url: s.url,
        author: s.account.acct,
        text: bounded_text(text, MAX_TEXT_BYTES).0,
        created_at: s.created_at.as_deref().and_then(parse_time),
        langs: bounded_langs(s.language),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_compare_as_numbers() {
        assert!(newer("110", "99"));
        assert!(!newer("99", "110"));
        assert!(newer("111", "110"));
        assert!(!newer("110", "110"));
    }

    #[test]
    fn endpoints_keep_a_base_path_and_encode_the_tag() {
        let base = Url::parse("https://m.example/sub/").ok();
        let got = base
            .as_ref()
            .and_then(|b| endpoint(b, &["api", "v1", "timelines", "tag", "café?x"]).ok())
            .map(|u| u.to_string());
        assert_eq!(
            got.as_deref(),
            Some("https://m.example/sub/api/v1/timelines/tag/caf%C3%A9%3Fx")
        );
        let ftp = Url::parse("ftp://m.example").ok();
        assert!(ftp.is_some_and(|u| endpoint(&u, &["x"]).is_err()));
    }
}
