//! OPML 1.0/2.0 subscription lists: import and export.
//!
//! Parsing and writing are the `opml` crate's (a typed model over
//! `hard-xml`). Feeds are the outlines with an `xmlUrl`; the outlines that
//! contain them are folders, and a feed's [`OpmlFeed::category`] is the path
//! of folder names above it, joined by [`CATEGORY_SEPARATOR`]
//! (`Tech / Rust`). [`export`] writes one folder per category, in the order
//! categories first appear, so `parse(export(x)) == x` whenever the feeds of
//! each category are contiguous in `x` (and `x` grouped that way otherwise).
//!
//! Hostile input: the document must be UTF-8, at most [`MAX_FEEDS`] feeds
//! and [`MAX_DEPTH`] levels of nesting (checked with `quick-xml` before the
//! recursive typed parse, so a deeply nested file cannot exhaust the stack).

use std::collections::HashMap;

/// Joins nested folder names into one category.
pub const CATEGORY_SEPARATOR: &str = " / ";
/// Feeds read from one file.
pub const MAX_FEEDS: usize = 10_000;
/// Element nesting accepted (real files use two or three levels).
pub const MAX_DEPTH: usize = 32;

/// One subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    pub title: Option<String>,
    pub xml_url: String,
    pub html_url: Option<String>,
    pub category: Option<String>,
}

/// Why an OPML file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpmlError {
    #[error("the OPML file is not UTF-8 text (at byte {offset}); export it again as UTF-8")]
    InvalidUtf8 { offset: usize },
    #[error(
        "the file is not OPML ({detail}); export your subscriptions from your feed reader as OPML"
    )]
    Invalid { detail: String },
    #[error("the OPML file nests outlines more than {MAX_DEPTH} levels deep")]
    TooDeep,
    #[error("the OPML file lists more than {MAX_FEEDS} feeds; split it")]
    TooMany,
    #[error("the OPML file lists no feed (no outline with an xmlUrl)")]
    NoFeeds,
}

/// The feeds of an OPML document, in document order.
pub fn parse(bytes: &[u8]) -> Result<Vec<OpmlFeed>, OpmlError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| OpmlError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    check_depth(text)?;
    let doc = opml::OPML::from_str(text).map_err(|e| match e {
        opml::Error::BodyHasNoOutlines => OpmlError::NoFeeds,
        other => OpmlError::Invalid {
            detail: describe(&other),
        },
    })?;
    let mut feeds = Vec::new();
    let mut path = Vec::new();
    collect(&doc.body.outlines, &mut path, &mut feeds)?;
    if feeds.is_empty() {
        return Err(OpmlError::NoFeeds);
    }
    Ok(feeds)
}

fn describe(e: &opml::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn check_depth(text: &str) -> Result<(), OpmlError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(OpmlError::TooDeep);
                }
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            // Errors are the typed parser's to report.
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn collect(
    outlines: &[opml::Outline],
    path: &mut Vec<String>,
    out: &mut Vec<OpmlFeed>,
) -> Result<(), OpmlError> {
    for outline in outlines {
        let name = non_empty(outline.title.as_deref()).or_else(|| non_empty(Some(&outline.text)));
        if let Some(xml_url) = non_empty(outline.xml_url.as_deref()) {
            if out.len() == MAX_FEEDS {
                return Err(OpmlError::TooMany);
            }
            out.push(OpmlFeed {
                title: name.filter(|n| *n != xml_url),
                html_url: non_empty(outline.html_url.as_deref()),
                category: (!path.is_empty()).then(|| path.join(CATEGORY_SEPARATOR)),
                xml_url,
            });
        } else if !outline.outlines.is_empty() {
            let pushed = name.is_some();
            if let Some(name) = name {
                path.push(name);
            }
            collect(&outline.outlines, path, out)?;
            if pushed {
                path.pop();
            }
        }
    }
    Ok(())
}

/// An OPML 2.0 document listing `feeds` under `title`, one folder per
/// category.
pub fn export(title: &str, feeds: &[OpmlFeed]) -> String {
    let mut doc = opml::OPML {
        version: "2.0".into(),
        head: Some(opml::Head {
            title: Some(title.to_owned()),
            ..opml::Head::default()
        }),
        body: opml::Body::default(),
    };
    let mut folders: HashMap<&str, usize> = HashMap::new();
    for feed in feeds {
        let outline = opml::Outline {
            text: feed.title.clone().unwrap_or_else(|| feed.xml_url.clone()),
            title: feed.title.clone(),
            r#type: Some("rss".into()),
            xml_url: Some(feed.xml_url.clone()),
            html_url: feed.html_url.clone(),
            ..opml::Outline::default()
        };
        match feed.category.as_deref().filter(|c| !c.trim().is_empty()) {
            None => doc.body.outlines.push(outline),
            Some(category) => {
                let at = *folders.entry(category).or_insert_with(|| {
                    doc.body.outlines.push(opml::Outline {
                        text: category.to_owned(),
                        title: Some(category.to_owned()),
                        ..opml::Outline::default()
                    });
                    doc.body.outlines.len() - 1
                });
                doc.body.outlines[at].outlines.push(outline);
            }
        }
    }
    match doc.to_string() {
        Ok(xml) => format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{xml}\n"),
        Err(e) => {
            // Writing into a String cannot fail; say so loudly if it ever does.
            tracing::error!(error = %describe(&e), "OPML export failed");
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(title: Option<&str>, url: &str, category: Option<&str>) -> OpmlFeed {
        OpmlFeed {
            title: title.map(str::to_owned),
            xml_url: url.into(),
            html_url: Some(format!("{url}/site")),
            category: category.map(str::to_owned),
        }
    }

    #[test]
    fn round_trip() {
        let feeds = vec![
            feed(Some("Le Monde"), "https://www.lemonde.fr/rss/une.xml", None),
            feed(
                Some("Rust & <co> \"blog\""),
                "https://blog.rust-lang.org/feed.xml?a=1&b=2",
                Some("Tech / Rust"),
            ),
            feed(
                None,
                "https://this-week-in-rust.org/rss.xml",
                Some("Tech / Rust"),
            ),
            feed(
                Some("Légifrance"),
                "https://legifrance.example/jo.rss",
                Some("Réglementation"),
            ),
            OpmlFeed {
                title: Some("Bare".into()),
                xml_url: "https://bare.example/feed".into(),
                html_url: None,
                category: None,
            },
        ];
        let xml = export("Veille de l'équipe", &feeds);
        assert!(xml.starts_with("<?xml"), "{xml}");
        assert_eq!(parse(xml.as_bytes()).unwrap(), feeds);
        // Not grouped: exported grouped, stable from then on.
        let mixed = vec![
            feed(Some("a"), "https://a.example/", Some("X")),
            feed(Some("b"), "https://b.example/", None),
            feed(Some("c"), "https://c.example/", Some("X")),
        ];
        let once = parse(export("t", &mixed).as_bytes()).unwrap();
        assert_eq!(
            once,
            vec![mixed[0].clone(), mixed[2].clone(), mixed[1].clone()]
        );
        assert_eq!(parse(export("t", &once).as_bytes()).unwrap(), once);
    }

    #[test]
    fn a_real_world_shaped_file() {
        // The shape feed readers export: a DOCTYPE-less OPML 1.0 with a
        // head, nested folders named by `text` or `title`, attributes in
        // any order, a folder with no name, an empty folder, a comment.
        let xml = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<!-- exported by a feed reader -->
<opml version=\"1.0\">
  <head><title>Subscriptions</title><dateCreated>Mon, 02 Jun 2025 10:00:00 GMT</dateCreated></head>
  <body>
    <outline text=\"News\" title=\"News\">
      <outline type=\"rss\" text=\"Le Monde\" xmlUrl=\"https://www.lemonde.fr/rss/une.xml\" htmlUrl=\"https://www.lemonde.fr/\"/>
      <outline text=\"Tech\">
        <outline title=\"LWN\" text=\"lwn\" xmlUrl=\"https://lwn.net/headlines/rss\" type=\"rss\"/>
        <outline text=\"Rust\">
          <outline xmlUrl=\"https://blog.rust-lang.org/feed.xml\" text=\"https://blog.rust-lang.org/feed.xml\"/>
        </outline>
      </outline>
    </outline>
    <outline text=\"\"><outline text=\"Unfiled\" xmlUrl=\"https://unfiled.example/rss\"/></outline>
    <outline text=\"Empty folder\"/>
    <outline text=\"Top\" xmlUrl=\" https://top.example/atom \" htmlUrl=\"\"/>
  </body>
</opml>";
        let feeds = parse(xml.as_bytes()).unwrap();
        let got: Vec<(Option<&str>, &str, Option<&str>)> = feeds
            .iter()
            .map(|f| {
                (
                    f.title.as_deref(),
                    f.xml_url.as_str(),
                    f.category.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Some("Le Monde"),
                    "https://www.lemonde.fr/rss/une.xml",
                    Some("News")
                ),
                (
                    Some("LWN"),
                    "https://lwn.net/headlines/rss",
                    Some("News / Tech")
                ),
                (
                    None,
                    "https://blog.rust-lang.org/feed.xml",
                    Some("News / Tech / Rust")
                ),
                (Some("Unfiled"), "https://unfiled.example/rss", None),
                (Some("Top"), "https://top.example/atom", None),
            ]
        );
        assert_eq!(
            feeds[0].html_url.as_deref(),
            Some("https://www.lemonde.fr/")
        );
        assert_eq!(feeds[4].html_url, None);
    }

    #[test]
    fn bad_files_are_typed_errors() {
        assert!(matches!(parse(b"not xml"), Err(OpmlError::Invalid { .. })));
        assert!(matches!(
            parse(b"<opml version=\"9\"><body><outline text=\"a\" xmlUrl=\"u\"/></body></opml>"),
            Err(OpmlError::Invalid { .. })
        ));
        assert_eq!(
            parse(b"<opml version=\"2.0\"><head/><body><outline text=\"folder\"/></body></opml>"),
            Err(OpmlError::NoFeeds)
        );
        assert_eq!(
            parse(b"<opml version=\"2.0\"><body>\xff</body></opml>"),
            Err(OpmlError::InvalidUtf8 { offset: 26 })
        );
        let deep = format!(
            "<opml version=\"2.0\"><body>{}{}</body></opml>",
            "<outline text=\"x\">".repeat(10_000),
            "</outline>".repeat(10_000)
        );
        assert_eq!(parse(deep.as_bytes()), Err(OpmlError::TooDeep));
        let many: String = (0..=MAX_FEEDS)
            .map(|i| format!("<outline text=\"f\" xmlUrl=\"https://x.example/{i}\"/>"))
            .collect();
        let many = format!("<opml version=\"2.0\"><body>{many}</body></opml>");
        assert_eq!(parse(many.as_bytes()), Err(OpmlError::TooMany));
    }
}
