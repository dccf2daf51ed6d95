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
//! [`Folded`] holds a text folded into a single line where words are
//! separated by exactly one space, with a space before the first and after the
//! last: ` w1 w2 w3 `. A word is then ` w `, a phrase ` w1 w2 `, and a
//! prefix ` pre`, all plain substrings, which is what lets one Aho–Corasick
//! automaton find every term of every topic in one pass.

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
    let mut f = Folded::default();
    f.push_segment(s);
    f.text()
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
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
        let bytes = s.as_bytes();
        // Folding never makes a text longer than its bytes plus a space,
        // except for rare letters that fold to more bytes than they have.
        self.line.reserve(bytes.len() + 1);
        let mut in_word = false;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                // ASCII fast path: a run of lower-case letters and digits is
                // copied at once.
                match ASCII[usize::from(b)] {
                    LOWER => {
                        let run = bytes[i..]
                            .iter()
                            .position(|&c| ASCII.get(usize::from(c)) != Some(&LOWER))
                            .unwrap_or(bytes.len() - i);
                        self.line.extend_from_slice(&bytes[i..i + run]);
                        in_word = true;
                        i += run;
                        continue;
                    }
                    UPPER => {
                        self.line.push(b.to_ascii_lowercase());
                        in_word = true;
                    }
                    _ => {
                        if in_word {
                            self.line.push(b' ');
                            in_word = false;
                        }
                    }
                }
                i += 1;
                continue;
            }
            // Two-byte Latin letters (é, ç, œ…): from the table.
            if (0xC2..=0xC8).contains(&b) {
                if let Some(&next) = bytes.get(i + 1) {
                    let cp = (u32::from(b & 0x1F) << 6) | u32::from(next & 0x3F);
                    if let Some(Some((folded, len))) = latin().get(cp as usize) {
                        self.line.extend_from_slice(&folded[..usize::from(*len)]);
                        in_word = true;
                        i += 2;
                        continue;
                    }
                }
            }
            let Some(c) = s[i..].chars().next() else {
                break;
            };
            i += c.len_utf8();
            if is_combining_mark(c) {
                // A mark on the previous letter (text not in NFC) is dropped;
                // one with no letter before it is a separator.
                if in_word {
                    continue;
                }
            } else if is_word_char(c) {
                push_folded(c, &mut self.line);
                in_word = true;
                continue;
            }
            if in_word {
                self.line.push(b' ');
                in_word = false;
            }
        }
        if in_word {
            self.line.push(b' ');
        }
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
