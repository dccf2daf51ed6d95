//! Feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed) parsed and their items
//! normalised.
//!
//! `feed-rs` parses every format into one model; this module checks what it
//! is given first (an HTML page, bytes that are not text), then turns each
//! entry into a [`FeedItem`]: plain text (HTML stripped, bounded), an
//! absolute link and its canonical form, the exact-duplicate key, a
//! publication time that is never in the future, and a language.
//!
//! Hostile input: `feed-rs` reads XML with `quick-xml`, which never expands
//! entities declared in a DTD (a "billion laughs" document stays as written,
//! its references left unresolved), and the body it is given is already
//! bounded by the fetcher; the items are then capped in number
//! ([`MAX_ITEMS`]) and in size ([`MAX_TITLE_CHARS`], [`MAX_TEXT_CHARS`],
//! …), so memory stays proportional to the body.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use relais_veille::{canonical_url, dedup_key, detect_lang};
use url::Url;

use crate::html::{html_to_text, truncate_bytes};

/// Items kept per feed (the first ones, newest first in most feeds).
pub const MAX_ITEMS: usize = 500;
/// Characters kept of a title.
pub const MAX_TITLE_CHARS: usize = 500;
/// Characters kept of an item's text.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Characters kept of an author's name.
pub const MAX_AUTHOR_CHARS: usize = 200;
/// Bytes of a GUID kept as written; a longer one is replaced by its hash.
pub const MAX_GUID_BYTES: usize = 1024;
/// Bytes of a URL; a longer link is dropped.
pub const MAX_URL_BYTES: usize = 4096;
/// Characters of text given to language detection (enough for `whatlang`,
/// whose confidence stops improving well before).
pub const LANG_SAMPLE_CHARS: usize = 400;
/// Publication times before this are flagged [`DateIssue::TooOld`]: there
/// were hardly any web feeds before 1995 (RSS dates from 1999), so such a
/// date is a placeholder (`1970-01-01`) or a typo.
pub const OLDEST_PLAUSIBLE_YEAR: i32 = 1995;
/// Publication times later than `now` by more than this are flagged
/// [`DateIssue::Future`]; within it, they are set to `now` silently (clock
/// skew).
pub const FUTURE_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// A parsed feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFeed {
    pub title: Option<String>,
    /// The site the feed belongs to (its `alternate` link), absolute.
    pub site_url: Option<String>,
    /// RSS `<ttl>`: how long the publisher says the feed may be cached.
    pub ttl: Option<Duration>,
    /// The feed's declared language (ISO 639-1, lowercase), if any.
    pub lang: Option<String>,
    pub items: Vec<FeedItem>,
    /// Items beyond [`MAX_ITEMS`], not kept.
    pub items_over_limit: usize,
    /// Items dropped because an earlier item of the feed had the same
    /// [`FeedItem::dedup_key`].
    pub duplicates: usize,
}

/// One item, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    /// RSS `<guid>`, Atom `<id>`, JSON Feed `id`, when the feed gives one.
    pub guid: Option<String>,
    /// The item's link, absolute `http(s)`.
    pub url: Option<String>,
    /// [`relais_veille::canonical_url`] of `url`.
    pub canonical_url: Option<String>,
    /// [`relais_veille::dedup_key`] of the GUID and the link; for an item
    /// with neither, `text:<hash of title and text>`.
    pub dedup_key: String,
    /// Plain text, at most [`MAX_TITLE_CHARS`]; when the feed gives no title,
    /// the start of the text.
    pub title: String,
    /// Plain text of the content (else the summary), HTML stripped, at most
    /// [`MAX_TEXT_CHARS`].
    pub text: String,
    pub author: Option<String>,
    /// Published (else updated) time; never later than `now`; `None` when
    /// absent or implausibly old.
    pub published_at: Option<DateTime<Utc>>,
    pub date_issue: Option<DateIssue>,
    /// ISO 639-1 code: detected from the text, else the feed's declared
    /// language ([`item_lang`]); `None` from [`parse_feed_deferring_langs`].
    pub lang: Option<String>,
}

/// A publication time that could not be taken as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateIssue {
    /// In the future: `published_at` is `now`.
    Future { original: DateTime<Utc> },
    /// Before [`OLDEST_PLAUSIBLE_YEAR`]: `published_at` is `None`.
    TooOld { original: DateTime<Utc> },
}

/// Why a body is not a feed relais can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("the server sent an empty document instead of a feed")]
    Empty,
    #[error("{}", html_page_message(.feeds))]
    HtmlPage {
        /// Feed addresses the page advertises (`<link rel="alternate">`).
        feeds: Vec<String>,
    },
    #[error("this is not an RSS, Atom or JSON feed ({detail}); check the address")]
    NotAFeed { detail: String },
    #[error("the feed is not valid UTF-8 (at byte {offset}) and declares no other encoding; the publisher must fix it")]
    InvalidUtf8 { offset: usize },
    #[error("the feed is not valid {encoding} text, the encoding it declares; the publisher must fix it")]
    InvalidEncoding { encoding: String },
    #[error("the feed is broken ({detail}); the publisher must fix it")]
    Malformed { detail: String },
    #[error("the JSON feed has version {version:?}, which relais does not read")]
    UnsupportedJsonVersion { version: String },
}

fn html_page_message(feeds: &[String]) -> String {
    match feeds {
        [] => {
            "this is an HTML page, not a feed; look on the site for a link to its RSS or Atom feed"
                .into()
        }
        [one] => format!("this is an HTML page, not a feed; its feed seems to be at {one}"),
        many => format!(
            "this is an HTML page, not a feed; it advertises these feeds: {}",
            many.join(", ")
        ),
    }
}

/// Parses a feed and normalises its items; `base` is the address the body
/// came from (relative links resolve against it), `now` the instant of the
/// fetch (future dates are clamped to it).
pub fn parse_feed(
    body: &[u8],
    content_type: Option<&str>,
    base: &Url,
    now: DateTime<Utc>,
) -> Result<ParsedFeed, FeedError> {
    let mut feed = parse_feed_deferring_langs(body, content_type, base, now)?;
    for item in &mut feed.items {
        item.lang = item_lang(&item.title, &item.text, feed.lang.as_deref());
    }
    Ok(feed)
}

/// [`parse_feed`] without the items' language detection: every
/// [`FeedItem::lang`] is `None`, and [`item_lang`] (with the feed's
/// [`ParsedFeed::lang`]) gives what `parse_feed` would have. Detection is by
/// far the largest cost of parsing (trigram statistics for every Latin-script
/// language, whatever the length of the text): a reader that stores only the
/// items it has not seen yet (most of a feed, each time it changes) detects
/// the language of those alone.
pub fn parse_feed_deferring_langs(
    body: &[u8],
    content_type: Option<&str>,
    base: &Url,
    now: DateTime<Utc>,
) -> Result<ParsedFeed, FeedError> {
    let start = skip_prolog_noise(body);
    if start.is_empty() {
        return Err(FeedError::Empty);
    }
    if looks_like_html(start, content_type) {
        return Err(FeedError::HtmlPage {
            feeds: discover_feeds(&String::from_utf8_lossy(body), base),
        });
    }
    let transcoded;
    let body = match check_encoding(body, content_type)? {
        Some(utf8) => {
            transcoded = utf8;
            transcoded.as_bytes()
        }
        None => body,
    };
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        .sanitize_content(false)
        // No invented identifiers: an item without one is keyed by its link.
        .id_generator(|_, _, _| String::new())
        .build();
    let feed = parser
        .parse(body)
        .map_err(|e| feed_error(e, content_type))?;
    Ok(normalise(feed, base, now))
}

/// The body after a byte-order mark and white space.
fn skip_prolog_noise(body: &[u8]) -> &[u8] {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let first = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    &body[first..]
}

fn looks_like_html(start: &[u8], content_type: Option<&str>) -> bool {
    let mime = content_type
        .and_then(|ct| ct.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    if mime.as_deref() == Some("text/html") {
        // Some servers label feeds text/html: believe the bytes when they
        // start like XML or JSON.
        return !(start.starts_with(b"<?xml")
            || start.starts_with(b"<rss")
            || start.starts_with(b"<feed")
            || start.starts_with(b"{"));
    }
    let head = &start[..start.len().min(512)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let head = head.trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

/// Feed links advertised by an HTML page (`<link rel="alternate"
/// type="application/rss+xml" href="…">` and its Atom and JSON cousins),
/// absolute, at most 10. Read with the tokenizer, no tree: linear time
/// whatever the page.
pub fn discover_feeds(html: &str, base: &Url) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    crate::html::for_each_tag(
        truncate_bytes(html, 1024 * 1024),
        |name, attrs| {
            if name != "link" || found.len() >= 10 {
                return;
            }
            let attr = |key: &str| attrs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
            let alternate = attr("rel").is_some_and(|rel| {
                rel.split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("alternate"))
            });
            let ty = attr("type").unwrap_or_default().trim().to_ascii_lowercase();
            let feed_type = matches!(
                ty.as_str(),
                "application/rss+xml"
                    | "application/atom+xml"
                    | "application/feed+json"
                    | "application/json"
            );
            if !(alternate && feed_type) {
                return;
            }
            if let Some(href) = attr("href").and_then(|h| base.join(h.trim()).ok()) {
                let href = String::from(href);
                if href.starts_with("http") && !found.contains(&href) {
                    found.push(href);
                }
            }
        },
        |_| {},
    );
    found
}

/// The encoding an XML declaration names, if any.
fn declared_encoding(body: &[u8]) -> Option<String> {
    let start = skip_prolog_noise(body);
    if !start.starts_with(b"<?xml") {
        return None;
    }
    let end = start.iter().take(256).position(|&b| b == b'>')?;
    let decl = std::str::from_utf8(&start[..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = rest[1..].split(quote).next()?;
    Some(value.trim().to_owned())
}

/// Checks that the body is text in the encoding it declares. Returns the
/// body transcoded to UTF-8 when only the HTTP `charset` names another
/// encoding (feed-rs reads the XML declaration itself, not HTTP headers).
fn check_encoding(body: &[u8], content_type: Option<&str>) -> Result<Option<String>, FeedError> {
    if body.starts_with(b"\xFE\xFF") || body.starts_with(b"\xFF\xFE") {
        // UTF-16 with a byte-order mark: feed-rs decodes it.
        return Ok(None);
    }
    let declared = declared_encoding(body);
    let charset = content_type.and_then(|ct| {
        ct.split(';').skip(1).find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| v.trim().trim_matches('"').to_owned())
        })
    });
    let is_utf8 = |e: &str| e.eq_ignore_ascii_case("utf-8") || e.eq_ignore_ascii_case("utf8");
    match (declared, charset) {
        (Some(declared), _) if !is_utf8(&declared) => {
            // feed-rs decodes with quick-xml, which reports malformed bytes;
            // an unknown label is reported here rather than as XML trouble.
            if encoding_rs::Encoding::for_label(declared.as_bytes()).is_none() {
                return Err(FeedError::InvalidEncoding { encoding: declared });
            }
            Ok(None)
        }
        (None, Some(charset)) if !is_utf8(&charset) => {
            let Some(encoding) = encoding_rs::Encoding::for_label(charset.as_bytes()) else {
                return Err(FeedError::InvalidEncoding { encoding: charset });
            };
            match encoding.decode_without_bom_handling_and_without_replacement(body) {
                Some(text) => Ok(Some(text.into_owned())),
                None => Err(FeedError::InvalidEncoding { encoding: charset }),
            }
        }
        _ => match std::str::from_utf8(body) {
            Ok(_) => Ok(None),
            Err(e) => Err(FeedError::InvalidUtf8 {
                offset: e.valid_up_to(),
            }),
        },
    }
}

fn feed_error(e: feed_rs::parser::ParseFeedError, content_type: Option<&str>) -> FeedError {
    use feed_rs::parser::{ParseErrorKind, ParseFeedError};
    let served_as = content_type
        .map(|ct| format!("served as {}", ct.split(';').next().unwrap_or(ct).trim()))
        .unwrap_or_else(|| "served without a content type".into());
    match e {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => FeedError::NotAFeed {
            detail: format!("no rss, feed or RDF root element; {served_as}"),
        },
        ParseFeedError::ParseError(kind) => FeedError::Malformed {
            detail: kind.to_string(),
        },
        ParseFeedError::JsonUnsupportedVersion(version) => {
            FeedError::UnsupportedJsonVersion { version }
        }
        ParseFeedError::JsonSerde(e) => FeedError::Malformed {
            detail: format!("invalid JSON: {e}"),
        },
        ParseFeedError::XmlReader(e) => FeedError::Malformed {
            detail: format!("invalid XML: {e}"),
        },
        ParseFeedError::IoError(e) => FeedError::Malformed {
            detail: e.to_string(),
        },
    }
}

fn normalise(feed: feed_rs::model::Feed, base: &Url, now: DateTime<Utc>) -> ParsedFeed {
    let feed_lang = feed.language.as_deref().and_then(iso_639_1);
    let site_url = pick_link(&feed.links, base, true);
    let total = feed.entries.len();
    let mut seen = HashSet::new();
    let mut items = Vec::with_capacity(total.min(MAX_ITEMS));
    let mut duplicates = 0;
    for entry in feed.entries.into_iter().take(MAX_ITEMS) {
        let item = normalise_entry(entry, base, now);
        if seen.insert(item.dedup_key.clone()) {
            items.push(item);
        } else {
            duplicates += 1;
        }
    }
    ParsedFeed {
        title: feed
            .title
            .map(|t| html_to_text(&t.content, MAX_TITLE_CHARS))
            .filter(|t| !t.is_empty()),
        site_url,
        ttl: feed
            .ttl
            .map(|minutes| Duration::from_secs(u64::from(minutes) * 60)),
        lang: feed_lang,
        items,
        items_over_limit: total.saturating_sub(MAX_ITEMS),
        duplicates,
    }
}

/// An entry as a [`FeedItem`], its language left to [`item_lang`].
fn normalise_entry(entry: feed_rs::model::Entry, base: &Url, now: DateTime<Utc>) -> FeedItem {
    let guid = Some(entry.id.trim()).filter(|g| !g.is_empty()).map(|g| {
        if g.len() > MAX_GUID_BYTES {
            format!("xxh3:{:016x}", xxhash_rust::xxh3::xxh3_64(g.as_bytes()))
        } else {
            g.to_owned()
        }
    });
    let url = pick_link(&entry.links, base, false);
    let canonical = url.as_deref().and_then(canonical_url);
    let body = entry
        .content
        .and_then(|c| c.body)
        .filter(|b| !b.trim().is_empty())
        .or_else(|| entry.summary.map(|s| s.content));
    let text = body
        .map(|b| html_to_text(&b, MAX_TEXT_CHARS))
        .unwrap_or_default();
    let mut title = entry
        .title
        .map(|t| html_to_text(&t.content, MAX_TITLE_CHARS))
        .unwrap_or_default();
    if title.is_empty() {
        title = crate::html::truncate_chars(text.lines().next().unwrap_or_default(), 120);
    }
    let dedup = dedup_key(guid.as_deref(), url.as_deref()).unwrap_or_else(|| {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(title.as_bytes());
        h.update(b"\0");
        h.update(text.as_bytes());
        format!("text:{:016x}", h.digest())
    });
    let author = entry
        .authors
        .iter()
        .map(|p| html_to_text(person_name(p), MAX_AUTHOR_CHARS))
        .find(|n| !n.is_empty());
    let (published_at, date_issue) = check_date(entry.published.or(entry.updated), now);
    FeedItem {
        guid,
        url,
        canonical_url: canonical,
        dedup_key: dedup,
        title,
        text,
        author,
        published_at,
        date_issue,
        lang: None,
    }
}

/// A person's display name. feed-rs turns RSS 2.0 `<author>` (an e-mail
/// address, `"jo@example.com (Jo Doe)"` by the spec, often just a name) into
/// a person named `author` with the text as e-mail: the name in
/// parentheses, else the whole text.
fn person_name(p: &feed_rs::model::Person) -> &str {
    match (p.name.as_str(), p.email.as_deref()) {
        ("author", Some(text)) => text
            .split_once('(')
            .and_then(|(_, rest)| rest.rsplit_once(')'))
            .map(|(name, _)| name.trim())
            .filter(|name| !name.is_empty())
            .unwrap_or(text),
        (name, _) => name,
    }
}

/// The item's (or the feed's) own page: the first `alternate` link (or one
/// without `rel`), else any link not marked otherwise; absolute `http(s)`.
fn pick_link(links: &[feed_rs::model::Link], base: &Url, site: bool) -> Option<String> {
    let is_alternate = |l: &&feed_rs::model::Link| {
        l.rel
            .as_deref()
            .is_none_or(|r| r.eq_ignore_ascii_case("alternate"))
    };
    let link = links
        .iter()
        .find(is_alternate)
        .or_else(|| (!site).then(|| links.first()).flatten())?;
    let href = link.href.trim();
    if href.is_empty() || href.len() > MAX_URL_BYTES {
        return None;
    }
    let url = base.join(href).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.into())
}

/// A publication time checked against `now`.
pub fn check_date(
    date: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> (Option<DateTime<Utc>>, Option<DateIssue>) {
    let Some(date) = date else {
        return (None, None);
    };
    let oldest = Utc
        .with_ymd_and_hms(OLDEST_PLAUSIBLE_YEAR, 1, 1, 0, 0, 0)
        .single();
    if oldest.is_some_and(|oldest| date < oldest) {
        return (None, Some(DateIssue::TooOld { original: date }));
    }
    if date > now {
        let tolerance = chrono::Duration::from_std(FUTURE_TOLERANCE).unwrap_or_default();
        let issue = (date > now + tolerance).then_some(DateIssue::Future { original: date });
        return (Some(now), issue);
    }
    (Some(date), None)
}

/// An item's language as [`parse_feed`] gives it ([`FeedItem::lang`]):
/// detected from its title and the start of its text, else the feed's
/// declared language `feed_lang` ([`ParsedFeed::lang`]).
pub fn item_lang(title: &str, text: &str, feed_lang: Option<&str>) -> Option<String> {
    detect_item_lang(title, text).or_else(|| feed_lang.map(str::to_owned))
}

/// The language of an item from its title and the start of its text.
fn detect_item_lang(title: &str, text: &str) -> Option<String> {
    let mut sample = String::with_capacity(LANG_SAMPLE_CHARS * 2);
    sample.push_str(title);
    sample.push_str(". ");
    let room = LANG_SAMPLE_CHARS.saturating_sub(title.chars().count());
    sample.extend(text.chars().take(room));
    detect_lang(&sample).map(|l| l.code().to_owned())
}

/// `fr-FR`, `FR`, `en_us` → `fr`, `fr`, `en`; anything else → `None`.
fn iso_639_1(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?;
    (primary.len() == 2 && primary.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| primary.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
    }

    fn base() -> Url {
        Url::parse("https://blog.example/feed.xml").unwrap()
    }

    fn parse(body: &str) -> Result<ParsedFeed, FeedError> {
        parse_feed(body.as_bytes(), Some("application/rss+xml"), &base(), now())
    }

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Le &lt;b&gt;blog&lt;/b&gt;</title>
  <link>https://blog.example/</link>
  <language>fr-FR</language>
  <ttl>90</ttl>
  <item>
    <title>Premier billet</title>
    <link>/2025/01/premier?utm_source=rss&amp;id=3#top</link>
    <guid isPermaLink="false">post-1</guid>
    <description>&lt;p&gt;La transition &lt;b&gt;écologique&lt;/b&gt; des entreprises françaises avance lentement selon le rapport publié hier.&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</description>
    <author>alice@blog.example (Alice)</author>
    <pubDate>Sat, 01 Feb 2025 10:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Sans guid</title>
    <author>Bob</author>
    <link>https://blog.example/2?utm_medium=x</link>
    <pubDate>Sat, 01 Feb 2031 10:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Doublon</title>
    <link>https://blog.example/2</link>
    <pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate>
  </item>
  <item>
    <description>Only a description here, no title and no link at all.</description>
    <pubDate>Mon, 01 Jan 1990 00:00:00 GMT</pubDate>
  </item>
</channel></rss>"#;

    #[test]
    fn rss_items_are_normalised() {
        let feed = parse(RSS).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Le blog"));
        assert_eq!(feed.site_url.as_deref(), Some("https://blog.example/"));
        assert_eq!(feed.ttl, Some(Duration::from_secs(90 * 60)));
        assert_eq!(feed.lang.as_deref(), Some("fr"));
        assert_eq!(feed.items.len(), 3);
        assert_eq!(feed.duplicates, 1);

        let first = &feed.items[0];
        assert_eq!(first.guid.as_deref(), Some("post-1"));
        assert_eq!(
            first.url.as_deref(),
            Some("https://blog.example/2025/01/premier?utm_source=rss&id=3#top")
        );
        assert_eq!(
            first.canonical_url.as_deref(),
            Some("https://blog.example/2025/01/premier?id=3")
        );
        assert_eq!(first.dedup_key, "guid:post-1");
        assert_eq!(first.title, "Premier billet");
        assert_eq!(
            first.text,
            "La transition écologique des entreprises françaises avance lentement selon le rapport publié hier."
        );
        assert_eq!(first.author.as_deref(), Some("Alice"));
        assert_eq!(
            first.published_at,
            Some(Utc.with_ymd_and_hms(2025, 2, 1, 10, 0, 0).unwrap())
        );
        assert_eq!(first.date_issue, None);
        assert_eq!(first.lang.as_deref(), Some("fr"));

        // No GUID: keyed by the canonical link; a future date is clamped and
        // flagged.
        let second = &feed.items[1];
        assert_eq!(second.guid, None);
        assert_eq!(second.author.as_deref(), Some("Bob"));
        assert_eq!(second.dedup_key, "url:https://blog.example/2");
        assert_eq!(second.published_at, Some(now()));
        assert_eq!(
            second.date_issue,
            Some(DateIssue::Future {
                original: Utc.with_ymd_and_hms(2031, 2, 1, 10, 0, 0).unwrap()
            })
        );
        // The third item has the same canonical link: dropped. The fourth
        // has neither GUID nor link: keyed by its text, titled by it, and its
        // 1990 date flagged.
        let last = &feed.items[2];
        assert!(last.dedup_key.starts_with("text:"), "{}", last.dedup_key);
        assert_eq!(
            last.title,
            "Only a description here, no title and no link at all."
        );
        assert_eq!(last.published_at, None);
        assert!(matches!(last.date_issue, Some(DateIssue::TooOld { .. })));
        assert_eq!(last.lang.as_deref(), Some("en"));
    }

    #[test]
    fn atom_and_json_feed() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Atom &amp;amp; co</title>
  <link href="https://atom.example/" rel="alternate"/>
  <link href="https://atom.example/feed" rel="self"/>
  <id>urn:uuid:60a76c80-d399-11d9-b91C-0003939e0af6</id>
  <updated>2025-05-01T18:30:02Z</updated>
  <entry>
    <title type="html">&lt;em&gt;Rust&lt;/em&gt; 2025</title>
    <link href="https://atom.example/rust-2025?fbclid=abc"/>
    <id>https://atom.example/rust-2025</id>
    <updated>2025-05-01T18:30:02Z</updated>
    <author><name>Bob</name></author>
    <content type="html">&lt;p&gt;The Rust project published its annual survey results today with many new answers.&lt;/p&gt;</content>
  </entry>
</feed>"#;
        let feed = parse_feed(atom.as_bytes(), None, &base(), now()).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Atom & co"));
        assert_eq!(feed.site_url.as_deref(), Some("https://atom.example/"));
        let item = &feed.items[0];
        assert_eq!(item.title, "Rust 2025");
        assert_eq!(item.dedup_key, "url:https://atom.example/rust-2025");
        assert_eq!(
            item.canonical_url.as_deref(),
            Some("https://atom.example/rust-2025")
        );
        assert_eq!(item.author.as_deref(), Some("Bob"));
        assert_eq!(item.lang.as_deref(), Some("en"));

        let json = r#"{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "JSON blog",
  "home_page_url": "https://json.example/",
  "items": [
    {"id": "1", "url": "https://json.example/1", "title": "Hello",
     "content_html": "<p>Bonjour à toutes et à tous, voici le premier billet de ce carnet de veille.</p>",
     "date_published": "2025-05-01T10:00:00+02:00",
     "authors": [{"name": "Chloé"}]}
  ]
}"#;
        let feed = parse_feed(
            json.as_bytes(),
            Some("application/feed+json"),
            &base(),
            now(),
        )
        .unwrap();
        assert_eq!(feed.title.as_deref(), Some("JSON blog"));
        let item = &feed.items[0];
        assert_eq!(item.guid.as_deref(), Some("1"));
        assert_eq!(item.dedup_key, "guid:1");
        assert_eq!(
            item.text,
            "Bonjour à toutes et à tous, voici le premier billet de ce carnet de veille."
        );
        assert_eq!(
            item.published_at,
            Some(Utc.with_ymd_and_hms(2025, 5, 1, 8, 0, 0).unwrap())
        );
        assert_eq!(item.author.as_deref(), Some("Chloé"));
        assert_eq!(item.lang.as_deref(), Some("fr"));
    }

    #[test]
    fn languages_can_be_detected_later() {
        // Items in French and English, in a feed declaring French, and one
        // too short to detect: it takes the declared language.
        let body = r#"<rss version="2.0"><channel><title>Mixte</title><language>fr</language>
<item><guid>1</guid><title>Premier billet</title><description>La transition écologique des entreprises françaises avance lentement selon le rapport publié hier.</description></item>
<item><guid>2</guid><title>Second post</title><description>The city council announced that the public swimming pool will be closed for the whole summer.</description></item>
<item><guid>3</guid><title>Ok</title></item>
</channel></rss>"#;
        let now_feed = parse(body).unwrap();
        let later = parse_feed_deferring_langs(
            body.as_bytes(),
            Some("application/rss+xml"),
            &base(),
            now(),
        )
        .unwrap();
        assert!(later.items.iter().all(|i| i.lang.is_none()));
        let langs: Vec<Option<&str>> = now_feed.items.iter().map(|i| i.lang.as_deref()).collect();
        assert_eq!(langs, [Some("fr"), Some("en"), Some("fr")]);
        let mut filled = later.clone();
        for item in &mut filled.items {
            item.lang = item_lang(&item.title, &item.text, later.lang.as_deref());
        }
        assert_eq!(filled, now_feed);
        // The same for the main feed of these tests.
        let now_feed = parse(RSS).unwrap();
        let mut later =
            parse_feed_deferring_langs(RSS.as_bytes(), Some("application/rss+xml"), &base(), now())
                .unwrap();
        let feed_lang = later.lang.clone();
        for item in &mut later.items {
            item.lang = item_lang(&item.title, &item.text, feed_lang.as_deref());
        }
        assert_eq!(later, now_feed);
    }

    #[test]
    fn rss_1_and_0_91() {
        let rdf = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="https://rdf.example/"><title>RDF</title><link>https://rdf.example/</link></channel>
  <item rdf:about="https://rdf.example/a"><title>A</title><link>https://rdf.example/a</link></item>
</rdf:RDF>"#;
        let feed = parse(rdf).unwrap();
        assert_eq!(feed.items.len(), 1);
        assert_eq!(feed.items[0].url.as_deref(), Some("https://rdf.example/a"));
        let old = r#"<rss version="0.91"><channel><title>Old</title><link>https://old.example/</link>
<item><title>B</title><link>https://old.example/b</link></item></channel></rss>"#;
        let feed = parse(old).unwrap();
        assert_eq!(feed.items[0].dedup_key, "url:https://old.example/b");
    }

    #[test]
    fn an_html_page_points_to_its_feed() {
        let page = r#"<!DOCTYPE html><html><head>
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="stylesheet" href="/s.css">
<link rel="alternate" type="text/html" hreflang="en" href="/en/">
</head><body>Hello</body></html>"#;
        let e = parse_feed(
            page.as_bytes(),
            Some("text/html; charset=utf-8"),
            &base(),
            now(),
        )
        .unwrap_err();
        assert_eq!(
            e,
            FeedError::HtmlPage {
                feeds: vec!["https://blog.example/feed.xml".into()]
            }
        );
        assert_eq!(
            e.to_string(),
            "this is an HTML page, not a feed; its feed seems to be at https://blog.example/feed.xml"
        );
        // Labelled as XML but still HTML.
        let e = parse_feed(
            b"<html><body>x</body></html>",
            Some("application/xml"),
            &base(),
            now(),
        )
        .unwrap_err();
        assert_eq!(e, FeedError::HtmlPage { feeds: vec![] });
    }

    #[test]
    fn broken_bodies_are_typed_errors() {
        assert_eq!(parse("  \n"), Err(FeedError::Empty));
        assert!(matches!(
            parse("<rss version=\"2.0\"><channel><item><title>x</titl"),
            Err(FeedError::Malformed { .. }) | Ok(_)
        ));
        assert!(matches!(
            parse("<svg xmlns='http://www.w3.org/2000/svg'/>"),
            Err(FeedError::NotAFeed { .. })
        ));
        assert!(matches!(
            parse("plain text"),
            Err(FeedError::NotAFeed { .. })
        ));
        let mut bad = RSS.as_bytes().to_vec();
        let at = RSS.find("Premier").unwrap();
        bad[at] = 0xff;
        assert_eq!(
            parse_feed(&bad, None, &base(), now()),
            Err(FeedError::InvalidUtf8 { offset: at })
        );
        assert!(matches!(
            parse(r#"{"version": "https://jsonfeed.org/version/9", "title": "x", "items": []}"#),
            Err(FeedError::UnsupportedJsonVersion { .. }) | Err(FeedError::Malformed { .. })
        ));
    }

    #[test]
    fn other_encodings_are_decoded() {
        // Declared in the XML prolog.
        let mut latin1 =
            br#"<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Caf"#
                .to_vec();
        latin1.push(0xe9);
        latin1.extend_from_slice(b"</title></channel></rss>");
        let feed = parse_feed(&latin1, None, &base(), now()).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Café"));
        // Only in the HTTP charset.
        let mut latin1 = br#"<rss version="2.0"><channel><title>Caf"#.to_vec();
        latin1.push(0xe9);
        latin1.extend_from_slice(b"</title></channel></rss>");
        let feed = parse_feed(
            &latin1,
            Some("application/rss+xml; charset=iso-8859-1"),
            &base(),
            now(),
        )
        .unwrap();
        assert_eq!(feed.title.as_deref(), Some("Café"));
        assert!(matches!(
            parse_feed(
                br#"<?xml version="1.0" encoding="klingon"?><rss/>"#,
                None,
                &base(),
                now()
            ),
            Err(FeedError::InvalidEncoding { .. })
        ));
    }

    #[test]
    fn entity_bombs_are_not_expanded() {
        let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;&lol9;</title><link>https://x.example/</link><description>&lol9;</description></item>
</channel></rss>"#;
        match parse(bomb) {
            Ok(feed) => {
                for item in &feed.items {
                    assert!(item.title.len() < 100, "{}", item.title);
                    assert!(item.text.len() < 100, "{}", item.text);
                }
            }
            Err(e) => assert!(matches!(e, FeedError::Malformed { .. }), "{e}"),
        }
    }

    #[test]
    fn fields_are_bounded() {
        let long = "mot ".repeat(50_000);
        let guid = "g".repeat(5000);
        let body = format!(
            r#"<rss version="2.0"><channel><title>{long}</title><item><title>{long}</title><guid>{guid}</guid><author>{long}</author><description>{long}</description><link>https://x.example/{guid}{guid}</link></item></channel></rss>"#
        );
        let feed = parse(&body).unwrap();
        let item = &feed.items[0];
        assert!(feed.title.as_ref().unwrap().chars().count() <= MAX_TITLE_CHARS + 1);
        assert!(item.title.chars().count() <= MAX_TITLE_CHARS + 1);
        assert!(item.text.chars().count() <= MAX_TEXT_CHARS + 1);
        assert!(item.author.as_ref().unwrap().chars().count() <= MAX_AUTHOR_CHARS + 1);
        assert!(item.guid.as_ref().unwrap().starts_with("xxh3:"));
        assert_eq!(item.url, None, "a 10 KB link is dropped");

        let many: String = (0..MAX_ITEMS + 7)
            .map(|i| format!("<item><guid>{i}</guid><title>t</title></item>"))
            .collect();
        let feed = parse(&format!(
            "<rss version=\"2.0\"><channel>{many}</channel></rss>"
        ))
        .unwrap();
        assert_eq!(feed.items.len(), MAX_ITEMS);
        assert_eq!(feed.items_over_limit, 7);
    }

    #[test]
    fn dates_are_checked() {
        let n = now();
        assert_eq!(check_date(None, n), (None, None));
        let past = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(check_date(Some(past), n), (Some(past), None));
        let skewed = n + chrono::Duration::minutes(2);
        assert_eq!(check_date(Some(skewed), n), (Some(n), None));
        let future = n + chrono::Duration::days(3);
        assert_eq!(
            check_date(Some(future), n),
            (Some(n), Some(DateIssue::Future { original: future }))
        );
        let epoch = Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            check_date(Some(epoch), n),
            (None, Some(DateIssue::TooOld { original: epoch }))
        );
        let y1995 = Utc.with_ymd_and_hms(1995, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(check_date(Some(y1995), n), (Some(y1995), None));
    }

    #[test]
    fn language_tags() {
        assert_eq!(iso_639_1("fr-FR").as_deref(), Some("fr"));
        assert_eq!(iso_639_1("EN_us").as_deref(), Some("en"));
        assert_eq!(iso_639_1("fra"), None);
        assert_eq!(iso_639_1(""), None);
    }
}
