//! Rich-text facet detection for Bluesky posts: links, mentions and hashtags
//! with their UTF-8 byte ranges, following the reference detector of
//! `@atproto/api` (`src/rich-text/detection.ts`).
//!
//! Pure: mentions come out as handles; the connector resolves them to DIDs
//! (an unresolvable handle simply gets no facet).

/// What a facet points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feature {
    /// `app.bsky.richtext.facet#link`; bare domains get `https://`.
    Link { uri: String },
    /// `app.bsky.richtext.facet#mention`, still as a handle (without `@`).
    Mention { handle: String },
    /// `app.bsky.richtext.facet#tag`, without `#`.
    Tag { tag: String },
}

/// A facet found in the text: `text[byte_start..byte_end]` is the marked span
/// (`@handle`, the link text, `#tag`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub byte_start: usize,
    pub byte_end: usize,
    pub feature: Feature,
}

/// Every mention, link and hashtag of `text`, ordered by position.
pub fn detect(text: &str) -> Vec<Candidate> {
    let mut out = mentions(text);
    out.extend(links(text));
    out.extend(tags(text));
    out.sort_by_key(|c| (c.byte_start, c.byte_end));
    out
}

/// The character before byte `i`, if any.
fn prev_char(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

/// `(^|\s|\()` in the reference regexes.
fn after_space_or_paren(text: &str, i: usize) -> bool {
    match prev_char(text, i) {
        None => true,
        Some(c) => c.is_whitespace() || c == '(',
    }
}

/// An ASCII "word" character, as JavaScript's `\b` sees it.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `(^|\s|\()(@)([a-zA-Z0-9.-]+)(\b)`, keeping handles that look like domains.
fn mentions(text: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (at, c) in text.char_indices() {
        if c != '@' || !after_space_or_paren(text, at) {
            continue;
        }
        let start = at + 1;
        let run_len = text[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .unwrap_or(text.len() - start);
        // Backtrack to a word boundary (the run is ASCII, so bytes are chars).
        let run = &text[start..start + run_len];
        let mut len = run_len;
        while len > 0 {
            let last = run[..len].chars().next_back().map(is_word).unwrap_or(false);
            let next = text[start + len..]
                .chars()
                .next()
                .map(is_word)
                .unwrap_or(false);
            if last != next {
                break;
            }
            len -= 1;
        }
        if len == 0 {
            continue;
        }
        let handle = &run[..len];
        if !looks_like_handle(handle) {
            continue;
        }
        out.push(Candidate {
            byte_start: at,
            byte_end: start + len,
            feature: Feature::Mention {
                handle: handle.to_ascii_lowercase(),
            },
        });
    }
    out
}

/// The handle syntax of the AT Protocol: dot-separated labels of letters,
/// digits and hyphens, at least two, the last one not starting with a digit.
fn looks_like_handle(handle: &str) -> bool {
    if handle.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = handle.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    labels.iter().all(|l| label_ok(l))
        && labels
            .last()
            .and_then(|l| l.chars().next())
            .is_some_and(|c| c.is_ascii_alphabetic())
}

/// `(^|\s|\()((https?:\/\/[\S]+)|((?<domain>[a-z][a-z0-9]*(\.[a-z0-9]+)+)[\S]*))`
/// (case-insensitive), then one trailing `.,;:!?` and an unbalanced `)` trimmed.
fn links(text: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut next_free = 0;
    for (i, _) in text.char_indices() {
        if i < next_free || !after_space_or_paren(text, i) {
            continue;
        }
        let rest = &text[i..];
        let run_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let run = &rest[..run_len];
        let lower = run.get(..8).unwrap_or(run).to_ascii_lowercase();
        let mut uri = if (lower.starts_with("https://") && run.len() > 8)
            || (lower.starts_with("http://") && run.len() > 7)
        {
            run.to_string()
        } else {
            match bare_domain(run) {
                Some(domain) if known_tld(domain) => format!("https://{run}"),
                _ => continue,
            }
        };
        next_free = i + run_len;
        let mut end = i + run_len;
        if uri.ends_with(['.', ',', ';', ':', '!', '?']) {
            uri.pop();
            end -= 1;
        }
        if uri.ends_with(')') && !uri.contains('(') {
            uri.pop();
            end -= 1;
        }
        out.push(Candidate {
            byte_start: i,
            byte_end: end,
            feature: Feature::Link { uri },
        });
    }
    out
}

/// `[a-z][a-z0-9]*(\.[a-z0-9]+)+` at the start of `s` (ASCII, any case).
fn bare_domain(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    if !b.first()?.is_ascii_alphabetic() {
        return None;
    }
    let mut end = 1;
    while end < b.len() && b[end].is_ascii_alphanumeric() {
        end += 1;
    }
    let mut labels = 0;
    while end + 1 < b.len() && b[end] == b'.' && b[end + 1].is_ascii_alphanumeric() {
        end += 1;
        while end < b.len() && b[end].is_ascii_alphanumeric() {
            end += 1;
        }
        labels += 1;
    }
    (labels > 0).then(|| &s[..end])
}

/// The reference detector checks bare domains against the whole IANA list;
/// this keeps the top-level domains our users write, so "e.g." or "fichier.txt"
/// never become links. Links with `http(s)://` are always detected.
fn known_tld(domain: &str) -> bool {
    const TLDS: &[&str] = &[
        "com", "net", "org", "edu", "gov", "int", "info", "biz", "io", "co", "ai", "app", "dev",
        "xyz", "me", "tv", "fm", "ly", "gg", "social", "online", "site", "blog", "news", "page",
        "art", "cloud", "tech", "shop", "store", "website", "media", "club", "eu", "fr", "be",
        "ch", "ca", "de", "uk", "us", "es", "it", "nl", "pt", "lu", "mc", "re", "gp", "mq", "nc",
        "pf", "yt", "pm", "wf", "tf", "paris", "bzh", "alsace", "corsica", "quebec", "at", "dk",
        "se", "no", "fi", "pl", "cz", "ie", "jp", "au", "nz", "br", "in", "ma", "sn", "tn", "dz",
        "ci", "cm",
    ];
    domain
        .rsplit('.')
        .next()
        .is_some_and(|tld| TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld)))
}

/// Characters the reference excludes from tags besides white space: soft
/// hyphen, word joiner, hair space, zero-width space/non-joiner/joiner and the
/// combining enclosing keycap.
fn is_tag_excluded(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{2060}'
                | '\u{200A}'
                | '\u{200B}'
                | '\u{200C}'
                | '\u{200D}'
                | '\u{20E2}'
        )
}

/// `(^|\s)[#＃]((?!\ufe0f)[^\s…]*[^\d\s\p{P}…]+[^\s…]*)?`, then trailing
/// punctuation trimmed, at most 64 UTF-16 units.
fn tags(text: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        if !(c == '#' || c == '＃') {
            continue;
        }
        if prev_char(text, i).is_some_and(|p| !p.is_whitespace()) {
            continue;
        }
        let start = i + c.len_utf8();
        let rest = &text[start..];
        if rest.starts_with('\u{FE0F}') {
            continue;
        }
        let run = &rest[..rest.find(is_tag_excluded).unwrap_or(rest.len())];
        if !run
            .chars()
            .any(|c| !c.is_ascii_digit() && !is_punctuation(c))
        {
            continue;
        }
        let tag = run.trim_end_matches(is_punctuation);
        if tag.is_empty() || tag.encode_utf16().count() > 64 {
            continue;
        }
        out.push(Candidate {
            byte_start: i,
            byte_end: start + tag.len(),
            feature: Feature::Tag {
                tag: tag.to_string(),
            },
        });
    }
    out
}

/// Unicode punctuation (`\p{P}`) for the scripts relais users write: ASCII,
/// Latin-1, general and supplemental punctuation, CJK, fullwidth and the usual
/// marks of Arabic, Hebrew, Armenian, Greek, Devanagari and Thai. Symbols
/// (`$`, `+`, `€`, emoji) are not punctuation, as in Unicode.
pub(crate) fn is_punctuation(c: char) -> bool {
    matches!(c,
        '!' | '"' | '#' | '%' | '&' | '\'' | '(' | ')' | '*' | ',' | '-' | '.' | '/' | ':' | ';'
        | '?' | '@' | '[' | '\\' | ']' | '_' | '{' | '}'
        | '\u{00A1}' | '\u{00A7}' | '\u{00AB}' | '\u{00B6}' | '\u{00B7}' | '\u{00BB}' | '\u{00BF}'
        | '\u{037E}' | '\u{0387}'
        | '\u{055A}'..='\u{055F}' | '\u{0589}' | '\u{058A}'
        | '\u{05BE}' | '\u{05C0}' | '\u{05C3}' | '\u{05C6}' | '\u{05F3}' | '\u{05F4}'
        | '\u{060C}' | '\u{060D}' | '\u{061B}' | '\u{061E}' | '\u{061F}' | '\u{066A}'..='\u{066D}' | '\u{06D4}'
        | '\u{0964}' | '\u{0965}' | '\u{0970}'
        | '\u{0E4F}' | '\u{0E5A}' | '\u{0E5B}'
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{2043}' | '\u{2045}'..='\u{2051}'
        | '\u{2053}'..='\u{205E}' | '\u{207D}' | '\u{207E}' | '\u{208D}' | '\u{208E}'
        | '\u{2308}'..='\u{230B}' | '\u{2329}' | '\u{232A}' | '\u{2768}'..='\u{2775}'
        | '\u{27C5}' | '\u{27C6}' | '\u{27E6}'..='\u{27EF}' | '\u{2983}'..='\u{2998}'
        | '\u{29D8}'..='\u{29DB}' | '\u{29FC}' | '\u{29FD}'
        | '\u{2E00}'..='\u{2E2E}' | '\u{2E30}'..='\u{2E4F}'
        | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301F}'
        | '\u{3030}' | '\u{303D}' | '\u{30A0}' | '\u{30FB}'
        | '\u{FE10}'..='\u{FE19}' | '\u{FE30}'..='\u{FE52}' | '\u{FE54}'..='\u{FE61}'
        | '\u{FE63}' | '\u{FE68}' | '\u{FE6A}' | '\u{FE6B}'
        | '\u{FF01}'..='\u{FF03}' | '\u{FF05}'..='\u{FF0A}' | '\u{FF0C}'..='\u{FF0F}'
        | '\u{FF1A}' | '\u{FF1B}' | '\u{FF1F}' | '\u{FF20}' | '\u{FF3B}'..='\u{FF3D}'
        | '\u{FF3F}' | '\u{FF5B}' | '\u{FF5D}' | '\u{FF5F}'..='\u{FF65}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact expectation: (kind, marked text, value).
    type Want<'a> = (&'a str, &'a str, &'a str);

    fn check(text: &str, want: &[Want<'_>]) {
        let got: Vec<(String, String, String)> = detect(text)
            .into_iter()
            .map(|c| {
                let span = text
                    .get(c.byte_start..c.byte_end)
                    .unwrap_or_else(|| panic!("{text:?}: range not on char boundaries: {c:?}"))
                    .to_string();
                let (kind, value) = match c.feature {
                    Feature::Link { uri } => ("link", uri),
                    Feature::Mention { handle } => ("mention", handle),
                    Feature::Tag { tag } => ("tag", tag),
                };
                (kind.to_string(), span, value)
            })
            .collect();
        let want: Vec<(String, String, String)> = want
            .iter()
            .map(|(k, s, v)| (k.to_string(), s.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want, "text: {text:?}");
    }

    #[test]
    fn detects_links_mentions_and_tags_with_byte_ranges() {
        let cases: &[(&str, &[Want<'_>])] = &[
            ("", &[]),
            ("nothing to see here", &[]),
            // Links.
            (
                "see https://example.com",
                &[("link", "https://example.com", "https://example.com")],
            ),
            (
                "https://example.com/a?b=c#d at start",
                &[(
                    "link",
                    "https://example.com/a?b=c#d",
                    "https://example.com/a?b=c#d",
                )],
            ),
            (
                "plain http://x.fr/",
                &[("link", "http://x.fr/", "http://x.fr/")],
            ),
            (
                "Lisez https://example.com/été.",
                &[("link", "https://example.com/été", "https://example.com/été")],
            ),
            (
                "Fin: https://a.fr/x, puis",
                &[("link", "https://a.fr/x", "https://a.fr/x")],
            ),
            (
                "Quoi? https://a.fr!",
                &[("link", "https://a.fr", "https://a.fr")],
            ),
            (
                "(voir https://a.fr/p)",
                &[("link", "https://a.fr/p", "https://a.fr/p")],
            ),
            (
                "(https://a.fr/p).",
                &[("link", "https://a.fr/p", "https://a.fr/p")],
            ),
            (
                "https://fr.wikipedia.org/wiki/Paris_(ville)",
                &[(
                    "link",
                    "https://fr.wikipedia.org/wiki/Paris_(ville)",
                    "https://fr.wikipedia.org/wiki/Paris_(ville)",
                )],
            ),
            (
                "Café ☕ 🇫🇷 https://a.fr ok",
                &[("link", "https://a.fr", "https://a.fr")],
            ),
            (
                "👩‍👩‍👧 famille https://a.fr/b",
                &[("link", "https://a.fr/b", "https://a.fr/b")],
            ),
            (
                "bare example.com/page here",
                &[("link", "example.com/page", "https://example.com/page")],
            ),
            (
                "site relais.social.",
                &[("link", "relais.social", "https://relais.social")],
            ),
            ("not links: e.g. fichier.txt v1.2 3.5 x.y", &[]),
            ("nohttps://a.fr glued", &[]),
            ("https:// alone", &[]),
            // Mentions.
            (
                "@alice.test hello",
                &[("mention", "@alice.test", "alice.test")],
            ),
            (
                "hi @Bob.Example.com.",
                &[("mention", "@Bob.Example.com", "bob.example.com")],
            ),
            ("(@carol.test)", &[("mention", "@carol.test", "carol.test")]),
            ("mail bob@example.com", &[]),
            ("@nodot here", &[]),
            ("é @alice.test", &[("mention", "@alice.test", "alice.test")]),
            ("@a-b.test-", &[("mention", "@a-b.test", "a-b.test")]),
            ("@alice.123", &[]),
            // Tags.
            ("#été est là", &[("tag", "#été", "été")]),
            ("J'aime le #café!", &[("tag", "#café", "café")]),
            ("#2024", &[]),
            ("#2024été", &[("tag", "#2024été", "2024été")]),
            ("a#b not a tag", &[]),
            ("#️⃣ keycap", &[]),
            (
                "tags: #un, #deux.",
                &[("tag", "#un", "un"), ("tag", "#deux", "deux")],
            ),
            ("#fête… fin", &[("tag", "#fête", "fête")]),
            ("＃全角 fullwidth", &[("tag", "＃全角", "全角")]),
            ("#🎉 party", &[("tag", "#🎉", "🎉")]),
            ("# space", &[]),
            ("#!!!", &[]),
            // Everything together.
            (
                "🎉 @alice.test lisez https://a.fr/b (#été)",
                &[
                    ("mention", "@alice.test", "alice.test"),
                    ("link", "https://a.fr/b", "https://a.fr/b"),
                ],
            ),
            (
                "Événement 🎈 #fête https://ex.fr/x.",
                &[
                    ("tag", "#fête", "fête"),
                    ("link", "https://ex.fr/x", "https://ex.fr/x"),
                ],
            ),
        ];
        for (text, want) in cases {
            check(text, want);
        }
    }

    #[test]
    fn offsets_are_utf8_bytes() {
        let text = "é🎉 https://a.fr";
        let found = detect(text);
        assert_eq!(found.len(), 1);
        // "é" is 2 bytes, "🎉" 4, the space 1.
        assert_eq!((found[0].byte_start, found[0].byte_end), (7, 7 + 12));
    }

    #[test]
    fn long_tags_are_dropped() {
        let ok = format!("#{}", "a".repeat(64));
        let long = format!("#{}", "a".repeat(65));
        assert_eq!(detect(&ok).len(), 1);
        assert!(detect(&long).is_empty());
    }
}
