//! Fuzzes feed ingestion: the feed parser and item normalisation (HTML
//! stripping, links, dates, language), the OPML importer, the web page
//! watch (CSS selection and text extraction) and the diff of two pages:
//! nothing may panic, loop or blow the stack.
//!
//! Run: `bash scripts/fuzz.sh feed 600` (ten minutes).
#![no_main]

use libfuzzer_sys::fuzz_target;
use relais_fetch::{opml, parse_feed, watch};

const CONTENT_TYPES: [Option<&str>; 5] = [
    None,
    Some("application/rss+xml"),
    Some("text/html; charset=utf-8"),
    Some("application/xml; charset=iso-8859-1"),
    Some("application/feed+json"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let base = url::Url::parse("https://fuzz.example/dir/feed.xml").unwrap();
    let now = chrono::DateTime::from_timestamp(1_750_000_000, 0).unwrap();
    let content_type = CONTENT_TYPES[usize::from(selector) % CONTENT_TYPES.len()];
    if let Ok(feed) = parse_feed(body, content_type, &base, now) {
        for item in &feed.items {
            assert!(item.published_at.is_none_or(|t| t <= now));
            assert!(!item.dedup_key.is_empty());
        }
    }
    let _ = opml::parse(body);
    let text = String::from_utf8_lossy(body);
    let css = ["body", "div > p, #main", "a[href^=http]", "*"][usize::from(selector >> 4) % 4];
    let _ = watch::extract_text(&text, css);
    let mid = (0..=text.len() / 2)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let (old, new) = text.split_at(mid);
    let _ = watch::diff(old, new);
});
