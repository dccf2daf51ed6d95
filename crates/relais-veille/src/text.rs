//! Words, folded: how veille compares text.
//!
//! A word is a maximal run of letters and digits (Unicode `Alphabetic` or
//! `Numeric`, with the combining marks that follow them). Everything else
//! separates words: spaces, punctuation, symbols, emoji, and also the
//! apostrophe, so that the French elision `l'élection` gives the words `l`
//! and `élection`, and the hyphen, so that `e-mail` gives `e` and `mail`
//! (a query term is cut the same way, so `e-mail` in a query is the phrase
//! `"e mail"`). This differs from UAX #29 word boundaries, which keep
//! `l'élection` whole and would make `élection` miss it.
//!
//! Folding lower-cases and drops accents (NFD, then combining marks removed),
//! and spells ligatures out (`œ` → `oe`, `æ` → `ae`, `ß` → `ss`), so that
//! `Élection`, `ELECTION` and `élection` all fold to `election`.
//!
//! [`for_each_word`] cuts and folds a text in one pass, byte by byte (a
//! word of lower-case ASCII is handed over as a slice of the text, without
//! a copy; Latin letters fold from a table), and is what the matcher runs
//! over every post. [`words`] collects the same words; [`raw_words`] gives
//! them as written, one for one. [`Folded`] writes a text as one line of
//! folded words, ` w1 w2 w3 `, for display and tests.

use std::sync::OnceLock;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// ASCII bytes by class: a lower-case letter or digit (kept as it is), an
/// upper-case letter (lower-cased), or a separator.
const LOWER: u8 = 1;
const UPPER: u8 = 2;
const ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            LOWER
        } else if c.is_ascii_uppercase() {
            UPPER
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The first code point after the Latin letters folded from a table.
const LATIN_END: u32 = 0x250;

/// A folded character: its bytes and how many of them are used.
type FoldedChar = ([u8; 4], u8);

/// How each code point below [`LATIN_END`] (Latin-1 and Latin Extended-A/B,
/// where French, and most European, letters are) folds: `None` for a
/// separator or a combining mark, else its folded bytes (at most 4). Built
/// once from the general rule, so the two cannot disagree.
fn latin() -> &'static [Option<FoldedChar>] {
    static TABLE: OnceLock<Vec<Option<FoldedChar>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..LATIN_END)
            .map(|cp| {
                let c = char::from_u32(cp)?;
                if is_combining_mark(c) || !is_word_char(c) {
                    return None;
                }
                let mut out = Vec::new();
                push_folded_slow(c, &mut out);
                if out.is_empty() || out.len() > 4 {
                    return None;
                }
                let mut bytes = [0u8; 4];
                bytes[..out.len()].copy_from_slice(&out);
                Some((bytes, out.len() as u8))
            })
            .collect()
    })
}

/// Whether `c` belongs to a word (a combining mark belongs to the word
/// before it, and is dropped by folding).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Appends the folded form of one word character to `out` (UTF-8).
fn push_folded(c: char, out: &mut Vec<u8>) {
    if (c as u32) < LATIN_END {
        if let Some(Some((bytes, len))) = latin().get(c as usize) {
            out.extend_from_slice(&bytes[..usize::from(*len)]);
            return;
        }
    }
    push_folded_slow(c, out);
}

/// [`push_folded`] by the general rule.
fn push_folded_slow(c: char, out: &mut Vec<u8>) {
    let mut buf = [0u8; 4];
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase() as u8);
        return;
    }
    match c {
        'œ' | 'Œ' => out.extend_from_slice(b"oe"),
        'æ' | 'Æ' => out.extend_from_slice(b"ae"),
        'ß' | 'ẞ' => out.extend_from_slice(b"ss"),
        _ => {
            for lower in c.to_lowercase() {
                decompose_canonical(lower, |d| {
                    if !is_combining_mark(d) {
                        out.extend_from_slice(d.encode_utf8(&mut buf).as_bytes());
                    }
                });
            }
        }
    }
}

/// `s` folded: lower case, no accents, ligatures spelt out. Non-word
/// characters are kept as they are (see [`words`] to cut words).
pub fn fold(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut buf = [0u8; 4];
    for c in s.chars() {
        if is_combining_mark(c) {
            continue;
        }
        if is_word_char(c) {
            push_folded(c, &mut out);
        } else {
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    // Only whole characters were written.
    String::from_utf8(out).unwrap_or_default()
}

/// The words of `s`, folded, in order.
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for_each_word(s, &mut buf, |w| {
        out.push(String::from_utf8_lossy(w).into_owned());
    });
    out
}

/// Byte classes for [`for_each_word`]: an ASCII separator, an ASCII
/// lower-case letter or digit (kept as it is), an ASCII upper-case letter
/// (lower-cased), or a byte of a multi-byte character.
const SEP: u8 = 0;
const HIGH: u8 = 3;
const CLASS: [u8; 256] = {
    let mut t = [HIGH; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = ASCII[b];
        b += 1;
    }
    t
};

/// The folded bytes of the two-byte character at `bytes[i..]` when it is a
/// letter of the Latin table (é, ç, œ…).
#[inline]
fn latin_pair<'t>(
    bytes: &[u8],
    i: usize,
    table: &'t [Option<FoldedChar>],
) -> Option<&'t FoldedChar> {
    let b = *bytes.get(i)?;
    if !(0xC2..=0xC8).contains(&b) {
        return None;
    }
    let next = *bytes.get(i + 1)?;
    let cp = (u32::from(b & 0x1F) << 6) | u32::from(next & 0x3F);
    table.get(cp as usize)?.as_ref()
}

/// Calls `f` with each word of `s`, folded (UTF-8 bytes), in order: the
/// words of [`words`], without allocating. A word of lower-case ASCII
/// letters and digits is passed as a slice of `s` itself; any other is
/// folded into `buf`, which is reused.
#[inline]
pub fn for_each_word(s: &str, buf: &mut Vec<u8>, mut f: impl FnMut(&[u8])) {
    let bytes = s.as_bytes();
    let n = bytes.len();
    let table = latin();
    let mut i = 0;
    while i < n {
        let b = bytes[i];
        match CLASS[usize::from(b)] {
            SEP => i += 1,
            LOWER => {
                let start = i;
                i = bytes[i..]
                    .iter()
                    .position(|&c| CLASS[usize::from(c)] != LOWER)
                    .map_or(n, |run| i + run);
                if i == n || CLASS[usize::from(bytes[i])] == SEP {
                    f(&bytes[start..i]);
                    continue;
                }
                buf.clear();
                buf.extend_from_slice(&bytes[start..i]);
                i = rest_of_word(s, i, buf, table);
                f(buf);
            }
            UPPER => {
                buf.clear();
                buf.push(b.to_ascii_lowercase());
                i = rest_of_word(s, i + 1, buf, table);
                f(buf);
            }
            _ => {
                if let Some((folded, len)) = latin_pair(bytes, i, table) {
                    buf.clear();
                    buf.extend_from_slice(&folded[..usize::from(*len)]);
                    i = rest_of_word(s, i + 2, buf, table);
                    f(buf);
                    continue;
                }
                let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                i += c.len_utf8();
                // A combining mark with no letter before it separates words.
                if is_word_char(c) && !is_combining_mark(c) {
                    buf.clear();
                    push_folded(c, buf);
                    i = rest_of_word(s, i, buf, table);
                    if !buf.is_empty() {
                        f(buf);
                    }
                }
            }
        }
    }
}

/// Folds the rest of a word that goes on at `s[i..]` into `buf`; returns
/// where the next word may start (after the separator that ended this one).
#[inline]
fn rest_of_word(s: &str, mut i: usize, buf: &mut Vec<u8>, table: &[Option<FoldedChar>]) -> usize {
    let bytes = s.as_bytes();
    let n = bytes.len();
    while i < n {
        let b = bytes[i];
        match CLASS[usize::from(b)] {
            SEP => return i + 1,
            LOWER => {
                buf.push(b);
                i += 1;
            }
            UPPER => {
                buf.push(b.to_ascii_lowercase());
                i += 1;
            }
            _ => {
                if let Some((folded, len)) = latin_pair(bytes, i, table) {
                    buf.extend_from_slice(&folded[..usize::from(*len)]);
                    i += 2;
                    continue;
                }
                let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else {
                    return n;
                };
                i += c.len_utf8();
                if is_combining_mark(c) {
                    // A mark on the letter before it (text not in NFC): dropped.
                    continue;
                }
                if !is_word_char(c) {
                    return i;
                }
                push_folded(c, buf);
            }
        }
    }
    n
}

/// The words of `s` as they are written (not folded), in order: the same cut
/// as [`words`], so the n-th of each is the same word.
pub fn raw_words(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let inside = if is_combining_mark(c) {
            start.is_some()
        } else {
            is_word_char(c)
        };
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(b)) => {
                out.push(&s[b..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(b) = start {
        out.push(&s[b..]);
    }
    out
}

/// Texts folded into one line of words (see the module doc), segment after
/// segment (a title, a body), separated by `|` so that no phrase runs from
/// one segment into the next. Reused from one document to the next without
/// reallocating.
#[derive(Debug, Default, Clone)]
pub struct Folded {
    line: Vec<u8>,
    /// Where each segment ends in `line` (the byte after its last space).
    ends: Vec<usize>,
    /// A word being folded.
    word: Vec<u8>,
}

impl Folded {
    /// Empties it, keeping its memory.
    pub fn clear(&mut self) {
        self.line.clear();
        self.ends.clear();
    }

    /// Appends a segment: its words, folded, one space apart, with a space
    /// before and after. Segments are separated by a `|`, which no pattern
    /// contains.
    pub fn push_segment(&mut self, s: &str) {
        if !self.ends.is_empty() {
            self.line.push(b'|');
        }
        self.line.push(b' ');
        let line = &mut self.line;
        for_each_word(s, &mut self.word, |w| {
            line.extend_from_slice(w);
            line.push(b' ');
        });
        self.ends.push(self.line.len());
    }

    /// The folded line, as bytes (UTF-8).
    pub fn line(&self) -> &[u8] {
        &self.line
    }

    /// The folded line, as text.
    pub fn text(&self) -> &str {
        // Only whole characters are ever written.
        std::str::from_utf8(&self.line).unwrap_or_default()
    }

    /// Which segment (0 = the first pushed) byte `offset` of the line is in.
    pub fn segment_of(&self, offset: usize) -> usize {
        self.ends.partition_point(|&end| end <= offset)
    }

    /// Where segment `i` starts in the line.
    pub fn segment_start(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.ends.get(i - 1).map_or(self.line.len(), |e| e + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_accents_and_spells_ligatures() {
        let cases = [
            ("Élection", "election"),
            ("ÉLECTION", "election"),
            ("élection", "election"),
            ("Cœur", "coeur"),
            ("Straße", "strasse"),
            ("naïve", "naive"),
            ("ça", "ca"),
            ("Ångström", "angstrom"),
            // Decomposed input (e + combining acute) folds the same.
            ("e\u{301}lection", "election"),
            ("İstanbul", "istanbul"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "{input}");
        }
    }

    #[test]
    fn the_latin_table_folds_as_the_general_rule() {
        for cp in 0..0x800u32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            if is_word_char(c) && !is_combining_mark(c) {
                push_folded(c, &mut fast);
                push_folded_slow(c, &mut slow);
                assert_eq!(fast, slow, "U+{cp:04X}");
            }
            // The line's two-byte path agrees with the char path.
            let s = c.to_string();
            let mut f = Folded::default();
            f.push_segment(&s);
            let by_char: Vec<String> = raw_words(&s).into_iter().map(fold).collect();
            assert_eq!(f.text().trim(), by_char.join(" "), "U+{cp:04X}");
        }
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let cases: [(&str, &[&str]); 9] = [
            (
                "l'élection présidentielle",
                &["l", "election", "presidentielle"],
            ),
            ("L’Élection!", &["l", "election"]),
            ("e-mail", &["e", "mail"]),
            ("#Grève @cgt 2026", &["greve", "cgt", "2026"]),
            ("  spaces\t\nand\r\nlines  ", &["spaces", "and", "lines"]),
            ("🎉 fête 🎉", &["fete"]),
            ("", &[]),
            ("!!! ...", &[]),
            ("東京 タワー", &["東京", "タワー"]),
        ];
        for (input, want) in cases {
            assert_eq!(words(input), want, "{input}");
            assert_eq!(raw_words(input).len(), want.len(), "raw words of {input}");
        }
    }

    #[test]
    fn raw_words_keep_the_writing_and_line_up_with_folded_words() {
        let s = "L'Élection, e\u{301}té CŒUR";
        assert_eq!(raw_words(s), vec!["L", "Élection", "e\u{301}té", "CŒUR"]);
        assert_eq!(words(s), vec!["l", "election", "ete", "coeur"]);
    }

    /// The one-pass tokenizer (byte fast paths, a word handed over without
    /// a copy when it is lower-case ASCII) cuts and folds exactly as cutting
    /// character by character ([`raw_words`]) and folding each word
    /// ([`fold`]), on random texts mixing ASCII, Latin letters, decomposed
    /// accents, ligatures, other scripts, marks with no letter, emoji and
    /// punctuation.
    #[test]
    fn the_tokenizer_agrees_with_raw_words_then_fold() {
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};
        let pool: Vec<char> = "aZz09 ,.'-’\t\néÉèçœŒæßẞİıΣσςДжÅ\u{301}\u{308}\u{345}東タ🎉\u{a0}«»|_#@ǅǈŉ\u{1e9e}\u{212a}"
            .chars()
            .collect();
        let mut rng = StdRng::seed_from_u64(28);
        let mut buf = Vec::new();
        for case in 0..20_000 {
            let len = rng.gen_range(0..24);
            let s: String = (0..len)
                .map(|_| pool[rng.gen_range(0..pool.len())])
                .collect();
            let want: Vec<String> = raw_words(&s).into_iter().map(fold).collect();
            let mut got = Vec::new();
            for_each_word(&s, &mut buf, |w| {
                got.push(String::from_utf8_lossy(w).into_owned())
            });
            assert_eq!(got, want, "case {case}: {s:?}");
            assert_eq!(words(&s), want, "case {case}: {s:?}");
        }
    }

    /// No letter or digit folds to nothing, so [`raw_words`] and [`words`]
    /// always have the same words, one for one.
    #[test]
    fn every_word_character_folds_to_something() {
        for cp in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            if is_word_char(c) && !is_combining_mark(c) {
                let mut out = Vec::new();
                push_folded(c, &mut out);
                assert!(!out.is_empty(), "U+{cp:04X}");
            }
        }
    }

    #[test]
    fn a_folded_line_has_one_space_between_words_and_keeps_segments_apart() {
        let mut f = Folded::default();
        f.push_segment("Grève générale");
        f.push_segment("La SNCF, en grève.");
        assert_eq!(f.text(), " greve generale | la sncf en greve ");
        assert_eq!(f.segment_of(0), 0);
        assert_eq!(f.segment_of(15), 0, "the last space of the title");
        assert_eq!(f.segment_of(17), 1, "the first space of the body");
        assert_eq!(f.segment_start(1), 17);
        f.clear();
        f.push_segment("");
        assert_eq!(f.text(), " ");
    }
}
