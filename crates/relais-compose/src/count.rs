//! Length as each network counts it, and what the checks need to know of a text
//! (links, mentions, hashtags, emoji), found in one pass.
//!
//! [`analyse`] walks the text once by grapheme cluster and keeps every count the
//! networks use, so checking one post for ten networks costs one walk.

use crate::rules::{rules, Counting};
use relais_core::Network;
use std::ops::Range;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use unicode_segmentation::UnicodeSegmentation;

/// What a URL counts on Mastodon and X, whatever its real length.
pub const URL_WEIGHT: usize = 23;

/// A mention: `@user`, `@user.bsky.social` or `@user@instance.tld`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte range of the whole mention, `@` included.
    pub span: Range<usize>,
    /// Byte range of the `@domain` part of a `@user@domain` mention.
    pub domain: Option<Range<usize>>,
}

/// A text's counts and the entities found in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextStats {
    /// Extended grapheme clusters.
    pub graphemes: usize,
    /// UTF-8 bytes.
    pub bytes: usize,
    /// UTF-16 code units.
    pub utf16: usize,
    /// http(s) links, byte ranges, in order.
    pub urls: Vec<Range<usize>>,
    pub mentions: Vec<Mention>,
    /// Hashtags (`#` included), byte ranges, in order; none inside a link.
    pub hashtags: Vec<Range<usize>>,
    /// Emoji a reader sees as pictures (not ©, ™ or arrows without emoji style).
    pub emoji: usize,
    /// Lines whose first visible character is an emoji (emoji used as bullets).
    pub emoji_bullet_lines: usize,
    /// Characters from the Mathematical Alphanumeric Symbols block and other
    /// letter look-alikes used as "fonts" (𝐛𝐨𝐥𝐝, 𝘪𝘵𝘢𝘭𝘪𝘤, Ⓒⓘⓡⓒⓛⓔⓓ).
    pub styled_letters: usize,
    /// Graphemes inside links.
    url_graphemes: usize,
    /// Graphemes of the `@domain` parts of mentions.
    mention_domain_graphemes: usize,
    /// Graphemes that are emoji of any style, and their UTF-8 bytes (Threads).
    any_emoji_graphemes: usize,
    any_emoji_bytes: usize,
    /// twitter-text v3 weighted length (computed on the NFC form).
    x_weighted: usize,
}

impl TextStats {
    /// Length as `counting` measures it.
    pub fn length(&self, counting: Counting) -> usize {
        match counting {
            Counting::Graphemes => self.graphemes,
            Counting::MastodonGraphemes => (self.graphemes + URL_WEIGHT * self.urls.len())
                .saturating_sub(self.url_graphemes + self.mention_domain_graphemes),
            Counting::XWeighted => self.x_weighted,
            Counting::ThreadsEmojiBytes => {
                self.graphemes - self.any_emoji_graphemes + self.any_emoji_bytes
            }
            Counting::Utf16Units => self.utf16,
            Counting::Utf8Bytes => self.bytes,
        }
    }

    /// Distinct links.
    pub fn unique_urls<'t>(&self, text: &'t str) -> Vec<&'t str> {
        let mut seen: Vec<&str> = Vec::with_capacity(self.urls.len());
        for r in &self.urls {
            let u = &text[r.clone()];
            if !seen.contains(&u) {
                seen.push(u);
            }
        }
        seen
    }
}

/// Length of `text` as `network` counts it, with the network's default rules.
pub fn length(network: Network, text: &str) -> usize {
    analyse(text).length(rules(network).text.value.counting)
}

/// Length of `text` as `counting` measures it.
pub fn count(counting: Counting, text: &str) -> usize {
    analyse(text).length(counting)
}

/// Counts and entities of `text`.
pub fn analyse(text: &str) -> TextStats {
    let urls = find_urls(text);
    let mentions = find_mentions(text, &urls);
    let hashtags = find_hashtags(text, &urls);
    let mut s = TextStats {
        bytes: text.len(),
        ..TextStats::default()
    };

    let b = text.as_bytes();
    let mut x_weight = 0usize;
    let mut line_start = true;
    let mut pos = 0;
    while pos < b.len() {
        // A run of ASCII: each byte is its own cluster (CR LF aside), except the
        // last one before non-ASCII text, which a combining mark or keycap may
        // join (unless it is a control, after which clusters always break).
        let run_end = b[pos..]
            .iter()
            .position(|&c| c >= 0x80)
            .map_or(b.len(), |i| pos + i);
        let safe_end = if run_end < b.len() && run_end > pos && !b[run_end - 1].is_ascii_control() {
            run_end - 1
        } else {
            run_end
        };
        if safe_end > pos {
            let run = &b[pos..safe_end];
            let crlf = run.windows(2).filter(|w| w == b"\r\n").count();
            s.graphemes += run.len() - crlf;
            s.utf16 += run.len();
            x_weight += run.len();
            match run.iter().rposition(|&c| c == b'\n' || c == b'\r') {
                Some(i) => line_start = run[i + 1..].iter().all(u8::is_ascii_whitespace),
                None => line_start &= run.iter().all(u8::is_ascii_whitespace),
            }
            pos = safe_end;
        }
        if pos >= b.len() {
            break;
        }
        let mut end = if b[pos] < 0x80 { pos + 1 } else { pos };
        while end < b.len() && b[end] >= 0x80 {
            end += 1;
        }
        for g in text[pos..end].graphemes(true) {
            s.graphemes += 1;
            let bytes = g.as_bytes();
            if bytes.len() == 1 {
                s.utf16 += 1;
                x_weight += 1;
                line_start &= bytes[0].is_ascii_whitespace();
                continue;
            }
            let mut utf16 = 0;
            let mut styled = 0;
            for c in g.chars() {
                utf16 += c.len_utf16();
                if is_styled_letter(c) {
                    styled += 1;
                }
            }
            s.utf16 += utf16;
            s.styled_letters += styled;
            // A single character below U+2000 (accented letters, Greek, Cyrillic…) is
            // never shown as a picture: skip the emoji lookup, the common case.
            let emoji = !(utf16 == 1 && g.chars().count() == 1 && g < "\u{2000}")
                && emojis::get(g).is_some();
            if emoji {
                s.any_emoji_graphemes += 1;
                s.any_emoji_bytes += g.len();
            }
            let pictographic = emoji && is_pictographic(g);
            if pictographic {
                s.emoji += 1;
            }
            if line_start && !g.chars().all(char::is_whitespace) {
                if pictographic {
                    s.emoji_bullet_lines += 1;
                }
                line_start = false;
            }
            x_weight += if emoji {
                2
            } else {
                g.chars().map(x_char_weight).sum()
            };
        }
        pos = end;
    }
    // Links and mention domains, counted apart (they are usually ASCII).
    for r in &urls {
        let url = &text[r.clone()];
        if url.is_ascii() {
            s.url_graphemes += url.len();
            x_weight = x_weight.saturating_sub(url.len());
        } else {
            s.url_graphemes += url.graphemes(true).count();
            x_weight = x_weight.saturating_sub(x_weight_plain(url));
        }
    }
    for m in &mentions {
        if let Some(d) = &m.domain {
            s.mention_domain_graphemes += d.len(); // ASCII by construction
        }
    }
    s.x_weighted = x_weight + URL_WEIGHT * urls.len();
    if is_nfc_quick(text.chars()) != IsNormalized::Yes {
        // twitter-text counts the NFC form: redo X's weight on it (rare: text
        // typed with combining accents).
        s.x_weighted = x_weighted_nfc(&text.nfc().collect::<String>());
    }
    s.urls = urls;
    s.mentions = mentions;
    s.hashtags = hashtags;
    s
}

/// Extended grapheme clusters with their byte offsets, as
/// `unicode_segmentation`'s `grapheme_indices(true)`, with a fast path for ASCII:
/// two ASCII characters in a row are always two clusters (except CR LF), so only
/// the non-ASCII runs, with the ASCII character before them (a combining accent
/// or a keycap joins it), go through the full UAX #29 rules.
pub fn graphemes(text: &str) -> Graphemes<'_> {
    Graphemes {
        text,
        pos: 0,
        island: None,
    }
}

/// Iterator of [`graphemes`].
#[derive(Debug)]
pub struct Graphemes<'t> {
    text: &'t str,
    pos: usize,
    island: Option<(usize, unicode_segmentation::GraphemeIndices<'t>)>,
}

impl<'t> Iterator for Graphemes<'t> {
    type Item = (usize, &'t str);

    fn next(&mut self) -> Option<(usize, &'t str)> {
        if let Some((base, it)) = &mut self.island {
            if let Some((i, g)) = it.next() {
                return Some((*base + i, g));
            }
            self.island = None;
        }
        let bytes = self.text.as_bytes();
        let at = self.pos;
        let b = *bytes.get(at)?;
        if b < 0x80 {
            let next = bytes.get(at + 1).copied();
            if b == b'\r' && next == Some(b'\n') {
                self.pos += 2;
                return Some((at, &self.text[at..at + 2]));
            }
            if next.is_none_or(|n| n < 0x80) {
                self.pos += 1;
                return Some((at, &self.text[at..at + 1]));
            }
        }
        let mut end = if b < 0x80 { at + 1 } else { at };
        while end < bytes.len() && bytes[end] >= 0x80 {
            end += 1;
        }
        self.pos = end;
        let mut it = self.text[at..end].grapheme_indices(true);
        let (i, g) = it.next()?;
        self.island = Some((at, it));
        Some((at + i, g))
    }
}

/// X weight of a text without looking for links.
fn x_weight_plain(text: &str) -> usize {
    graphemes(text)
        .map(|(_, g)| {
            if g.len() > 1 && emojis::get(g).is_some() {
                2
            } else {
                g.chars().map(x_char_weight).sum()
            }
        })
        .sum()
}

/// twitter-text v3's weighted length of a text already in NFC.
fn x_weighted_nfc(text: &str) -> usize {
    let urls = find_urls(text);
    let mut i = 0;
    let mut weight = URL_WEIGHT * urls.len();
    for (at, g) in graphemes(text) {
        while i < urls.len() && urls[i].end <= at {
            i += 1;
        }
        if urls.get(i).is_some_and(|r| r.start <= at) {
            continue;
        }
        weight += if g.len() > 1 && emojis::get(g).is_some() {
            2
        } else {
            g.chars().map(x_char_weight).sum()
        };
    }
    weight
}

/// A code point's weight in twitter-text v3 (config/v3.json): the ranges
/// 0–4351, 8192–8205, 8208–8223 and 8242–8247 weigh 1 (scale 100, weight 100),
/// every other code point the default weight 2 (200).
pub fn x_char_weight(c: char) -> usize {
    match u32::from(c) {
        0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247 => 1,
        _ => 2,
    }
}

/// Whether an emoji grapheme is shown as a picture: a sequence (ZWJ, skin tone,
/// flag, keycap, variation selector 16) or a code point from the pictographic
/// blocks. ©, ®, ™, ‼ and arrows without the emoji selector read as text.
fn is_pictographic(g: &str) -> bool {
    let mut chars = g.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if chars.next().is_some() {
        return true;
    }
    matches!(u32::from(first), 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x231A..=0x23FF)
}

/// Letters from Unicode's look-alike alphabets, used to fake bold or italic.
/// Screen readers spell them out one by one or skip them.
fn is_styled_letter(c: char) -> bool {
    matches!(u32::from(c),
        0x1D400..=0x1D7FF   // mathematical alphanumeric symbols
        | 0x24B6..=0x24E9   // circled Latin letters
        | 0x1F130..=0x1F149 // squared Latin letters
        | 0x1F150..=0x1F169 // negative circled
        | 0x1F170..=0x1F189 // negative squared
        | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A // fullwidth Latin
    )
}

/// http(s) links, as byte ranges. `linkify` finds them (trailing punctuation and
/// unbalanced brackets excluded, as people write them); other schemes are left out.
pub fn find_urls(text: &str) -> Vec<Range<usize>> {
    if !text.contains("://") {
        return Vec::new();
    }
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    finder
        .links(text)
        .filter(|l| {
            let s = l.as_str().as_bytes();
            s.len() > 8
                && (s[..7].eq_ignore_ascii_case(b"http://")
                    || s[..8].eq_ignore_ascii_case(b"https://"))
        })
        .map(|l| l.start()..l.end())
        .collect()
}

fn inside(spans: &[Range<usize>], at: usize) -> bool {
    spans.iter().any(|r| r.start <= at && at < r.end)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Mentions: `@` not preceded by a word character, `/`, `=` or `.` (not an
/// e-mail address, not inside a link), a user name of letters, digits, `_`, `.`
/// and `-` (not ending with `.` or `-`), then an optional `@domain.tld`.
pub fn find_mentions(text: &str, urls: &[Range<usize>]) -> Vec<Mention> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr(b'@', &b[i..]) {
        let at = i + off;
        i = at + 1;
        if at > 0 {
            let p = b[at - 1];
            if is_word_byte(p) || matches!(p, b'/' | b'=' | b'.' | b'@') || p >= 0x80 {
                continue;
            }
        }
        if inside(urls, at) {
            continue;
        }
        let user_end = scan_name(b, at + 1);
        if user_end == at + 1 {
            continue;
        }
        let mut end = user_end;
        let mut domain = None;
        if b.get(user_end) == Some(&b'@') {
            let dom_end = scan_name(b, user_end + 1);
            if text[user_end + 1..dom_end].contains('.') {
                domain = Some(user_end..dom_end);
                end = dom_end;
            }
        }
        out.push(Mention {
            span: at..end,
            domain,
        });
        i = end;
    }
    out
}

/// The end of a name of `[A-Za-z0-9_.-]` starting at `from`, trailing `.` and `-` excluded.
fn scan_name(b: &[u8], from: usize) -> usize {
    let mut end = from;
    while end < b.len() && (is_word_byte(b[end]) || b[end] == b'.' || b[end] == b'-') {
        end += 1;
    }
    while end > from && matches!(b[end - 1], b'.' | b'-') {
        end -= 1;
    }
    end
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// Hashtags: `#` (or `＃`) not preceded by a word character or `&`, followed by
/// letters, digits, marks and `_`, with at least one letter (not `#1`).
pub fn find_hashtags(text: &str, urls: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(off) = memchr(b'#', &b[i..]) {
        let at = i + off;
        i = at + 1;
        if let Some(prev) = text[..at].chars().next_back() {
            if prev.is_alphanumeric() || prev == '_' || prev == '&' || prev == '#' {
                continue;
            }
        }
        if inside(urls, at) {
            continue;
        }
        let mut end = at + 1;
        let mut has_letter = false;
        for c in text[at + 1..].chars() {
            if c.is_alphabetic() {
                has_letter = true;
            } else if !(c.is_numeric() || c == '_' || is_mark(c)) {
                break;
            }
            end += c.len_utf8();
        }
        if has_letter {
            out.push(at..end);
            i = end;
        }
    }
    out
}

fn is_mark(c: char) -> bool {
    matches!(u32::from(c), 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, counting, expected length)
    #[test]
    fn lengths_as_each_network_counts_them() {
        use Counting::*;
        let family = "👨\u{200d}👩\u{200d}👧\u{200d}👦"; // ZWJ sequence: 7 code points, 25 bytes
        let thumbs = "👍🏽"; // skin tone: 2 code points, 8 bytes
        let cases: &[(&str, Counting, usize)] = &[
            ("", Graphemes, 0),
            ("abc", Graphemes, 3),
            (family, Graphemes, 1),
            (family, Utf8Bytes, 25),
            (family, Utf16Units, 11),
            (family, XWeighted, 2),
            (family, ThreadsEmojiBytes, 25),
            (family, MastodonGraphemes, 1),
            (thumbs, Graphemes, 1),
            (thumbs, XWeighted, 2),
            (thumbs, Utf16Units, 4),
            (thumbs, ThreadsEmojiBytes, 8),
            ("🇫🇷", Graphemes, 1),
            ("🇫🇷", XWeighted, 2),
            ("❤️", XWeighted, 2),
            // Combining accent: e + U+0301 is one grapheme, NFC é weighs 1 on X.
            ("e\u{301}", Graphemes, 1),
            ("e\u{301}", Utf8Bytes, 3),
            ("e\u{301}", XWeighted, 1),
            ("é", XWeighted, 1),
            ("café", Utf8Bytes, 5),
            // CJK weighs 2 on X, 1 elsewhere.
            ("日本語", XWeighted, 6),
            ("日本語", Graphemes, 3),
            ("한국어", XWeighted, 6),
            // General punctuation in the weight-1 ranges (U+2010–U+201F, U+2032–U+2037);
            // the ellipsis (U+2026) is outside them.
            ("–—‘’“”", XWeighted, 6),
            ("′″", XWeighted, 2),
            ("…", XWeighted, 2),
            ("€", XWeighted, 2),
            // Links: 23 on Mastodon and X, literal elsewhere.
            ("https://example.org/a/very/long/path?x=1", XWeighted, 23),
            (
                "https://example.org/a/very/long/path?x=1",
                MastodonGraphemes,
                23,
            ),
            ("https://example.org/a/very/long/path?x=1", Graphemes, 40),
            ("voir https://a.fr.", XWeighted, 5 + 23 + 1),
            ("voir https://a.fr.", MastodonGraphemes, 5 + 23 + 1),
            ("http://ab.io https://cd.fr", XWeighted, 23 + 1 + 23),
            // Mentions: Mastodon drops the domain.
            ("@alice@mastodon.social", MastodonGraphemes, 6),
            ("@alice@mastodon.social", Graphemes, 22),
            ("salut @bob@example.org !", MastodonGraphemes, 6 + 4 + 2),
            ("@alice.bsky.social", MastodonGraphemes, 18),
            ("mail alice@example.org", MastodonGraphemes, 22),
            // Threads: emoji count their bytes, other characters one each.
            ("Bonjour 🎉", ThreadsEmojiBytes, 8 + 4),
            ("é", ThreadsEmojiBytes, 1),
            // UTF-16: astral characters are two units.
            ("𝐛", Utf16Units, 2),
            ("ab", Utf16Units, 2),
            ("\r\n", Graphemes, 1),
            ("\r\n", Utf16Units, 2),
        ];
        for (text, counting, expected) in cases {
            assert_eq!(count(*counting, text), *expected, "{text:?} {counting:?}");
        }
    }

    #[test]
    fn the_ascii_fast_path_agrees_with_uax29() {
        let samples = [
            "abc",
            "e\u{301}te\u{301}",
            "1\u{fe0f}\u{20e3} #\u{fe0f}\u{20e3}",
            "a\r\nb\n\r",
            "👨\u{200d}👩\u{200d}👧 ok 👍🏽🇫🇷x",
            "Fête de l’été — 日本語 한국어 𝐛𝐨𝐥𝐝",
            "a\u{200d}b",
            "",
        ];
        for t in samples {
            let fast: Vec<(usize, &str)> = graphemes(t).collect();
            let slow: Vec<(usize, &str)> = t.grapheme_indices(true).collect();
            assert_eq!(fast, slow, "{t:?}");
        }
    }

    #[test]
    fn the_fast_counts_agree_with_the_plain_definitions() {
        let samples = [
            "Fête de l’été — 日本語 한국어 𝐛𝐨𝐥𝐝 e\u{301}\r\n1\u{fe0f}\u{20e3} ok\n",
            "a\r\n\r\nb 👨\u{200d}👩\u{200d}👧 👍🏽🇫🇷x https://ex.org/é?q=1 @a@b.fr",
            "\n\u{301}x\ty",
        ];
        for t in samples {
            let s = analyse(t);
            assert_eq!(s.graphemes, t.graphemes(true).count(), "{t:?}");
            assert_eq!(s.utf16, t.encode_utf16().count(), "{t:?}");
        }
    }

    #[test]
    fn each_network_default_counting() {
        assert_eq!(length(Network::Bluesky, "👍🏽 ok"), 4);
        assert_eq!(length(Network::X, "日本"), 4);
        assert_eq!(length(Network::Youtube, "é"), 2);
        assert_eq!(length(Network::Tiktok, "🎉"), 2);
        assert_eq!(length(Network::Threads, "🎉"), 4);
        assert_eq!(length(Network::Mastodon, "@a@b.c"), 2);
        assert_eq!(length(Network::Instagram, "👍🏽"), 1);
    }

    #[test]
    fn entities_are_found_where_people_write_them() {
        let t = "Fête #FeteDeLaMusique avec @alice@masto.fr et @bob.bsky.social : https://ex.org/#ancre (mail: c@d.fr) &#39; #1 #été_2025";
        let s = analyse(t);
        let tags: Vec<&str> = s.hashtags.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(tags, ["#FeteDeLaMusique", "#été_2025"]);
        let mentions: Vec<&str> = s.mentions.iter().map(|m| &t[m.span.clone()]).collect();
        assert_eq!(mentions, ["@alice@masto.fr", "@bob.bsky.social"]);
        assert_eq!(s.urls.len(), 1);
        assert_eq!(&t[s.urls[0].clone()], "https://ex.org/#ancre");
    }

    #[test]
    fn emoji_counts_skip_text_style_symbols() {
        let s = analyse("© ™ → 🎉 👍🏽 ❤️ ☀");
        assert_eq!(s.emoji, 4);
        let bullets = analyse("Liste :\n✅ un\n  👉 deux\ntrois 🎉\n");
        assert_eq!(bullets.emoji_bullet_lines, 2);
        assert_eq!(analyse("𝐛𝐨𝐥𝐝 normal").styled_letters, 4);
    }
}
