//! HTML fragments (a feed item's content) to plain text.
//!
//! html5ever's tokenizer (the WHATWG tokenizer of Servo, which `scraper`
//! builds its trees with) does the hard part — character references, raw
//! text elements, broken markup — without building a tree: text tokens are
//! kept, `script`/`style`/`template` content is dropped, block-level tags
//! become line breaks, runs of white space become one space.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// At most this many bytes of markup are read per fragment; the text of a
/// longer fragment is cut there (an item's text is bounded anyway).
pub const MAX_HTML_BYTES: usize = 512 * 1024;

/// The text of an HTML fragment, at most `max_chars` characters (cut at a
/// word boundary when possible, with `…`), lines separated by `\n`, no
/// leading or trailing white space.
pub fn html_to_text(html: &str, max_chars: usize) -> String {
    let html = truncate_bytes(html, MAX_HTML_BYTES);
    // Fast path: no markup and no character references.
    if !html.contains(['<', '&']) {
        let mut out = Text::new(max_chars);
        out.push_str(html);
        return out.finish();
    }
    let sink = Sink {
        out: RefCell::new(Text::new(max_chars)),
        skip_until: RefCell::new(None),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.out.into_inner().finish()
}

/// Runs html5ever's tokenizer over `html`, handing every start tag (name and
/// attributes) to `on_tag` and every end tag name to `on_end`; linear time,
/// no tree.
pub fn for_each_tag(
    html: &str,
    mut on_start: impl FnMut(&str, &[(&str, &str)]),
    mut on_end: impl FnMut(&str),
) {
    struct Tags<'f> {
        on_tag: RefCell<&'f mut dyn FnMut(Tag)>,
    }
    impl TokenSink for Tags<'_> {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            if let Token::TagToken(tag) = token {
                let raw = match (&*tag.name, tag.kind) {
                    ("script", TagKind::StartTag) => Some(RawKind::ScriptData),
                    ("style" | "xmp" | "iframe" | "noembed" | "noframes", TagKind::StartTag) => {
                        Some(RawKind::Rawtext)
                    }
                    ("textarea" | "title", TagKind::StartTag) => Some(RawKind::Rcdata),
                    _ => None,
                };
                (self.on_tag.borrow_mut())(tag);
                if let Some(raw) = raw {
                    return TokenSinkResult::RawData(raw);
                }
            }
            TokenSinkResult::Continue
        }
    }
    let mut handle = |tag: Tag| match tag.kind {
        TagKind::StartTag => {
            let attrs: Vec<(&str, &str)> = tag
                .attrs
                .iter()
                .map(|a| (&*a.name.local, &*a.value))
                .collect();
            on_start(&tag.name, &attrs);
        }
        TagKind::EndTag => on_end(&tag.name),
    };
    let tokenizer = Tokenizer::new(
        Tags {
            on_tag: RefCell::new(&mut handle),
        },
        TokenizerOpts::default(),
    );
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
}

/// How deeply `html` nests elements, counted on tags: elements whose end
/// tag may be omitted (`p`, `li`, table parts, …) and void elements do not
/// count, so sloppy but ordinary markup is not over-estimated. A tree
/// builder's work grows with depth × size, so callers refuse deep pages
/// before building a tree.
pub fn nesting_depth(html: &str) -> usize {
    let deepest = std::cell::Cell::new(0usize);
    let depth = std::cell::Cell::new(0usize);
    let counted = |name: &str| {
        !matches!(
            name,
            "p" | "li"
                | "dt"
                | "dd"
                | "option"
                | "optgroup"
                | "tr"
                | "td"
                | "th"
                | "tbody"
                | "thead"
                | "tfoot"
                | "colgroup"
                | "caption"
                | "rb"
                | "rt"
                | "rp"
                | "rtc"
                | "html"
                | "head"
                | "body"
                | "area"
                | "base"
                | "br"
                | "col"
                | "embed"
                | "hr"
                | "img"
                | "input"
                | "link"
                | "meta"
                | "source"
                | "track"
                | "wbr"
        )
    };
    for_each_tag(
        html,
        |name, _| {
            if counted(name) {
                depth.set(depth.get() + 1);
                deepest.set(deepest.get().max(depth.get()));
            }
        },
        |name| {
            if counted(name) {
                depth.set(depth.get().saturating_sub(1));
            }
        },
    );
    deepest.get()
}

/// `s` cut to at most `max` bytes at a character boundary.
pub fn truncate_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `s` cut to at most `max_chars` characters, at a word boundary when one is
/// near, with `…` when cut.
pub fn truncate_chars(s: &str, max_chars: usize) -> String {
    let mut out = Text::new(max_chars);
    out.push_str(s);
    out.finish()
}

struct Sink {
    out: RefCell<Text>,
    /// Inside `script`, `style`, …: the end tag that ends the skipped part.
    skip_until: RefCell<Option<html5ever::LocalName>>,
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "br"
            | "div"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "tr"
            | "table"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "figure"
            | "figcaption"
            | "hr"
            | "aside"
            | "nav"
            | "main"
    )
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(Tag { kind, name, .. }) => {
                let mut skip = self.skip_until.borrow_mut();
                if let Some(until) = skip.as_ref() {
                    if kind == TagKind::EndTag && *until == name {
                        *skip = None;
                    }
                    return TokenSinkResult::Continue;
                }
                if kind == TagKind::StartTag {
                    let raw = match &*name {
                        "script" => Some(RawKind::ScriptData),
                        "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                            Some(RawKind::Rawtext)
                        }
                        "textarea" | "title" => Some(RawKind::Rcdata),
                        _ => None,
                    };
                    if matches!(
                        &*name,
                        "script" | "style" | "template" | "iframe" | "noembed" | "noframes"
                    ) {
                        *skip = Some(name.clone());
                    }
                    if is_block(&name) {
                        self.out.borrow_mut().break_line();
                    }
                    if let Some(raw) = raw {
                        return TokenSinkResult::RawData(raw);
                    }
                } else if is_block(&name) {
                    self.out.borrow_mut().break_line();
                }
            }
            Token::CharacterTokens(text) if self.skip_until.borrow().is_none() => {
                self.out.borrow_mut().push_str(&text);
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// A separator for [`Text`]: white space or a control character.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// Whether an ASCII byte is a separator: ASCII white space and controls are
/// exactly the bytes up to the space, and DEL.
fn is_ascii_separator(b: u8) -> bool {
    b <= b' ' || b == 0x7f
}

/// When `lead` starts a character that cannot be a separator, that
/// character's length in bytes. Every separator beyond ASCII starts with C2,
/// E1, E2 or E3 (see `plain_words`), so only those are decoded.
fn non_separator_len(lead: u8) -> Option<usize> {
    match lead {
        0xc3..=0xdf => Some(2),
        0xe0 | 0xe4..=0xef => Some(3),
        0xf0..=0xf4 => Some(4),
        _ => None,
    }
}

/// The byte offset of the first character of `s` that is not a separator
/// (`s.len()` when there is none).
fn find_word_start(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if !is_ascii_separator(b) {
                return i;
            }
            i += 1;
        } else if non_separator_len(b).is_some() {
            return i;
        } else {
            match s[i..].chars().next() {
                Some(c) if is_separator(c) => i += c.len_utf8(),
                _ => return i,
            }
        }
    }
    bytes.len()
}

/// The byte offset of the first separator in `s` (`s.len()` when there is
/// none).
fn find_separator(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if is_ascii_separator(b) {
                return i;
            }
            i += 1;
        } else if let Some(len) = non_separator_len(b) {
            i += len;
        } else {
            match s[i..].chars().next() {
                Some(c) if !is_separator(c) => i += c.len_utf8(),
                _ => return i,
            }
        }
    }
    bytes.len()
}

/// When `s` is words separated by single ASCII spaces (no other separator,
/// none first or last), its number of characters: collapsing its white
/// space leaves it as it is. This is most text; the checks are branch-free
/// passes over the bytes, which the compiler vectorises.
fn plain_words(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&first), Some(&last)) if first != b' ' && last != b' ' => {}
        _ => return None,
    }
    // Every separator of `is_separator`, as UTF-8: ASCII controls and DEL;
    // two spaces in a row; U+0080–U+00A0 (C1 controls, next line, no-break
    // space) are C2 80–C2 A0; U+1680 is E1 9A 80; U+2000–U+200A, U+2028,
    // U+2029 and U+202F are E2 80 xx; U+205F is E2 81 9F; U+3000 is E3 80 80.
    let controls = b
        .iter()
        .fold(false, |acc, &x| acc | (x < 0x20) | (x == 0x7f));
    let pairs = b.iter().zip(&b[1..]).fold(false, |acc, (&x, &y)| {
        acc | ((x == b' ') & (y == b' ')) | ((x == 0xc2) & (y <= 0xa0))
    });
    let triples = b
        .iter()
        .zip(&b[1..])
        .zip(b.get(2..).unwrap_or_default())
        .fold(false, |acc, ((&x, &y), &z)| {
            let e2_80 = (x == 0xe2) & (y == 0x80);
            acc | (e2_80 & ((z <= 0x8a) | (z == 0xa8) | (z == 0xa9) | (z == 0xaf)))
                | ((x == 0xe2) & (y == 0x81) & (z == 0x9f))
                | ((x == 0xe1) & (y == 0x9a) & (z == 0x80))
                | ((x == 0xe3) & (y == 0x80) & (z == 0x80))
        });
    if controls | pairs | triples {
        return None;
    }
    // Characters are the bytes that do not continue one (10xxxxxx).
    Some(b.iter().filter(|&&x| (x as i8) >= -0x40).count())
}

/// Text being built: white space collapsed, bounded.
struct Text {
    buf: String,
    chars: usize,
    max_chars: usize,
    /// A space or a line break is owed before the next word.
    pending: Pending,
    full: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    None,
    Space,
    Line,
}

impl Text {
    fn new(max_chars: usize) -> Text {
        Text {
            buf: String::new(),
            chars: 0,
            max_chars,
            pending: Pending::None,
            full: false,
        }
    }

    fn break_line(&mut self) {
        if !self.buf.is_empty() {
            self.pending = Pending::Line;
        }
    }

    /// White space was seen: a space is owed before the next word, unless
    /// nothing is written yet or a line break is owed already.
    fn owe_space(&mut self) {
        if !self.buf.is_empty() && self.pending == Pending::None {
            self.pending = Pending::Space;
        }
    }

    /// Writes the separator owed, if any, before a word.
    fn pay_owed(&mut self) {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {}
            Pending::Space => self.push_char(' '),
            Pending::Line => self.push_char('\n'),
        }
    }

    /// Appends `s`: runs of white space and control characters become one
    /// owed separator, words are copied whole (not character by character)
    /// until `max_chars` is reached.
    fn push_str(&mut self, s: &str) {
        // Every character appended stands for at least one byte of `s`,
        // except a separator owed from before: when that many fit, no cut
        // can happen.
        if !self.full && self.chars + s.len() < self.max_chars {
            self.push_fitting(s);
            return;
        }
        let mut rest = s;
        while !self.full {
            let word_at = find_word_start(rest);
            if word_at > 0 {
                self.owe_space();
            }
            rest = &rest[word_at..];
            if rest.is_empty() {
                return;
            }
            let word_len = find_separator(rest);
            let (word, after) = rest.split_at(word_len);
            self.pay_owed();
            self.push_word(word);
            rest = after;
        }
    }

    /// [`Text::push_str`] when all of `s` fits: runs of words separated by
    /// single ASCII spaces (most of any text) are copied as they are, in one
    /// go, since that is what collapsing their white space leaves. A token
    /// that is one such run (`plain_words`) is checked whole first; other
    /// tokens are split into runs here.
    fn push_fitting(&mut self, s: &str) {
        // Inline markup leaves a space at either end of most text tokens.
        let leading = s.starts_with(' ');
        let core = if leading { &s[1..] } else { s };
        let trailing = core.ends_with(' ');
        let core = if trailing {
            &core[..core.len() - 1]
        } else {
            core
        };
        if let Some(chars) = plain_words(core) {
            if leading {
                self.owe_space();
            }
            self.pay_owed();
            self.buf.push_str(core);
            self.chars += chars;
            if trailing {
                self.owe_space();
            }
            return;
        }
        let bytes = s.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let skip = find_word_start(&s[at..]);
            if skip > 0 {
                self.owe_space();
                at += skip;
                if at == bytes.len() {
                    return;
                }
            }
            self.pay_owed();
            let start = at;
            loop {
                at += find_separator(&s[at..]);
                // A lone space between two words stays as it is.
                let lone_space = bytes.get(at) == Some(&b' ')
                    && s[at + 1..].chars().next().is_some_and(|c| !is_separator(c));
                if !lone_space {
                    break;
                }
                at += 1;
            }
            let run = &s[start..at];
            self.buf.push_str(run);
            self.chars += if run.is_ascii() {
                run.len()
            } else {
                run.chars().count()
            };
        }
    }

    /// Appends a word (no separator in it), as far as `max_chars` allows.
    fn push_word(&mut self, word: &str) {
        if self.full {
            return;
        }
        let room = self.max_chars.saturating_sub(self.chars);
        // A word has at least as many bytes as characters: when its bytes
        // fit, so do its characters, without counting them first.
        let count = if word.len() <= room {
            word.chars().count()
        } else {
            match word.char_indices().nth(room) {
                // More characters than room: keep `room`, and the text is
                // full (a character could not be added).
                Some((cut, _)) => {
                    self.buf.push_str(&word[..cut]);
                    self.chars += room;
                    self.full = true;
                    return;
                }
                None => word.chars().count(),
            }
        };
        self.buf.push_str(word);
        self.chars += count;
    }

    fn push_char(&mut self, c: char) {
        if self.chars >= self.max_chars {
            self.full = true;
            return;
        }
        self.buf.push(c);
        self.chars += 1;
    }

    fn finish(mut self) -> String {
        if self.full {
            // Cut back to the last word boundary when it is not too far.
            let keep = self.buf.trim_end_matches(|c: char| !c.is_whitespace());
            if keep.len() * 5 >= self.buf.len() * 4 {
                let keep_len = keep.trim_end().len();
                self.buf.truncate(keep_len);
            } else {
                self.buf.pop();
            }
            self.buf.push('…');
        }
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(html: &str, expected: &str) {
        assert_eq!(html_to_text(html, 10_000), expected, "{html:?}");
    }

    #[test]
    fn markup_is_stripped() {
        check("plain text", "plain text");
        check("  a \n\t b  ", "a b");
        check("<p>Hello <b>world</b></p>", "Hello world");
        check("<p>One</p><p>Two</p>", "One\nTwo");
        check("a<br>b<br/>c", "a\nb\nc");
        check("caf&eacute; &amp; th&#233; &lt;tag&gt;", "café & thé <tag>");
        check("x<script>alert('<p>no</p>')</script>y", "xy");
        check("<style>p { color: red }</style>text", "text");
        check("<ul><li>a</li><li>b</li></ul>", "a\nb");
        check("unclosed <b>bold", "unclosed bold");
        check("<a href='x'>link</a> after", "link after");
        check("broken < not a tag", "broken < not a tag");
        check("<!-- comment -->visible", "visible");
        check("<img src=x alt='pic'>", "");
        check("", "");
    }

    #[test]
    fn long_text_is_cut_at_a_word() {
        let text = html_to_text("<p>alpha beta gamma delta</p>", 13);
        assert_eq!(text, "alpha beta…");
        // No boundary near: cut inside the word.
        assert_eq!(truncate_chars("abcdefghijkl", 5), "abcd…");
        assert_eq!(truncate_chars("short", 5), "short");
        assert!(html_to_text(&"word ".repeat(100_000), 1000).chars().count() <= 1001);
    }

    #[test]
    fn nesting_is_counted_on_tags() {
        assert_eq!(nesting_depth("<div><div><span>x</span></div></div>"), 3);
        assert_eq!(nesting_depth("<p>a<p>b<p>c<li>d<br><img>"), 0);
        assert_eq!(nesting_depth(&"<div>".repeat(5000)), 5000);
        assert_eq!(nesting_depth("<script>'<div><div>'</script><b>x</b>"), 1);
    }

    /// `Text::push_str` as first written, one character at a time: the
    /// reference the word-at-a-time version must match exactly.
    fn reference_push_str(t: &mut Text, s: &str) {
        for c in s.chars() {
            if t.full {
                return;
            }
            if c.is_whitespace() || c.is_control() {
                if !t.buf.is_empty() && t.pending == Pending::None {
                    t.pending = Pending::Space;
                }
                continue;
            }
            match std::mem::replace(&mut t.pending, Pending::None) {
                Pending::None => {}
                Pending::Space => t.push_char(' '),
                Pending::Line => t.push_char('\n'),
            }
            t.push_char(c);
        }
    }

    #[test]
    fn word_at_a_time_text_matches_the_reference() {
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};
        // Words, ASCII and not, and every kind of separator: ASCII white
        // space and controls, DEL, C1 controls, no-break, Ogham, general
        // punctuation and ideographic spaces, line and paragraph
        // separators; and characters whose UTF-8 starts like a separator's
        // but are not one (« ’ € U+2060 U+1681 U+3001 …).
        const PIECES: &[&str] = &[
            "a",
            "mot",
            "écologique",
            "naïve",
            "日本語",
            "😂",
            "x\u{301}",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\u{b}",
            "\u{c}",
            "\u{0}",
            "\u{1f}",
            "\u{7f}",
            "\u{85}",
            "\u{9f}",
            "\u{a0}",
            "\u{2028}",
            "\u{2029}",
            "\u{3000}",
            "\u{1680}",
            "\u{2000}",
            "\u{200a}",
            "\u{202f}",
            "\u{205f}",
            "\u{200b}",
            "«",
            "’",
            "€",
            "\u{2060}",
            "\u{1681}",
            "\u{3001}",
            "…",
            "-",
        ];
        const PLAIN_WORDS: &[&str] = &[
            "a",
            "mot",
            "écologique",
            "«",
            "»",
            "l’été",
            "5 €",
            "日本語",
            "😂",
            "x\u{301}",
            "\u{2060}",
            "\u{1681}",
            "\u{3001}",
            "\u{a1}",
            "…",
        ];
        let mut rng = StdRng::seed_from_u64(0x7e47);
        for round in 0..40_000 {
            // Small bounds reach the cut; large ones the path where all fits.
            let max_chars = if round % 2 == 0 {
                rng.gen_range(0..40)
            } else {
                rng.gen_range(40..400)
            };
            let mut fast = Text::new(max_chars);
            let mut slow = Text::new(max_chars);
            let mut input = Vec::new();
            for _ in 0..rng.gen_range(0..6) {
                if rng.gen_bool(0.2) {
                    fast.break_line();
                    slow.break_line();
                    input.push("<br>".to_owned());
                    continue;
                }
                // Every other round, mostly words and single spaces: the
                // text `plain_words` lets through whole, and near misses.
                let plain = round % 4 < 2;
                let space_first = rng.gen_range(0..2);
                let piece: String = (0..rng.gen_range(0..12))
                    .map(|k| {
                        if plain && rng.gen_bool(0.97) {
                            if (k + space_first) % 2 == 1 {
                                " "
                            } else {
                                PLAIN_WORDS[rng.gen_range(0..PLAIN_WORDS.len())]
                            }
                        } else {
                            PIECES[rng.gen_range(0..PIECES.len())]
                        }
                    })
                    .collect();
                fast.push_str(&piece);
                reference_push_str(&mut slow, &piece);
                input.push(piece);
                assert_eq!(
                    (&fast.buf, fast.chars, fast.pending, fast.full),
                    (&slow.buf, slow.chars, slow.pending, slow.full),
                    "round {round}, max {max_chars}, input {input:?}"
                );
            }
            assert_eq!(fast.finish(), slow.finish(), "round {round}: {input:?}");
        }
    }

    #[test]
    fn plain_words_are_told_from_every_separator() {
        assert_eq!(plain_words("un mot"), Some(6));
        assert_eq!(plain_words("l’été « 5 € » x\u{2060}y\u{3001}"), Some(18));
        assert_eq!(plain_words("日本語 😂"), Some(5));
        for (s, why) in [
            ("", "empty"),
            (" mot", "leading space"),
            ("mot ", "trailing space"),
            ("un  mot", "two spaces"),
        ] {
            assert_eq!(plain_words(s), None, "{why}");
        }
        // Every separator, between two words.
        let separators = (0..=0x10ffff_u32)
            .filter_map(char::from_u32)
            .filter(|&c| c != ' ' && is_separator(c));
        let mut seen = 0;
        for c in separators {
            assert_eq!(plain_words(&format!("un{c}mot")), None, "{:#x}", c as u32);
            seen += 1;
        }
        // 65 controls (U+0000–U+001F, U+007F–U+009F) and the 18 white space
        // characters that are neither a control nor the space.
        assert_eq!(seen, 65 + 18);
    }

    #[test]
    fn lead_bytes_said_to_start_no_separator_do_not() {
        let mut skipped = 0;
        for c in (0x80..=0x10ffff_u32).filter_map(char::from_u32) {
            let mut utf8 = [0; 4];
            let lead = c.encode_utf8(&mut utf8).as_bytes()[0];
            if let Some(len) = non_separator_len(lead) {
                assert!(!is_separator(c), "{:#x}", c as u32);
                assert_eq!(len, c.len_utf8(), "{:#x}", c as u32);
                skipped += 1;
            }
        }
        // All but the characters starting with C2, E1, E2 or E3.
        assert_eq!(skipped, 0x10ff80 - 2048 - 64 - 3 * 4096);
    }

    #[test]
    fn byte_truncation_respects_characters() {
        assert_eq!(truncate_bytes("éé", 3), "é");
        assert_eq!(truncate_bytes("abc", 10), "abc");
    }
}
