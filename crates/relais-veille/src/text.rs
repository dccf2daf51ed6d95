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
//! [`for_each_word`] folds a text into one buffer and cuts it there, and is
//! what the matcher runs over every post: runs of up to sixteen ASCII
//! bytes are folded at once with bit tests on a `u128`, characters of two bytes
//! from a table without branching on their kind, longer ones by the general
//! rule. [`words`] collects the same words; [`raw_words`] gives
//! them as written, one for one. [`Folded`] writes a text as one line of
//! folded words, ` w1 w2 w3 `, for display and tests.

use std::sync::OnceLock;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

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
    for_each_word(s, &mut buf, |w, _| {
        out.push(String::from_utf8_lossy(w).into_owned());
    });
    out
}

/// How character `c` stands in a folded line: a word character by its
/// folding, a combining mark by nothing (it belongs to the letter before
/// it), anything else by one space.
fn push_line_char(c: char, out: &mut Vec<u8>) {
    if is_combining_mark(c) {
    } else if is_word_char(c) {
        push_folded(c, out);
    } else {
        out.push(b' ');
    }
}

/// The code points folded from [`short_folds`]: those of one or two UTF-8
/// bytes.
const SHORT_END: usize = 0x800;

/// How each character of one or two UTF-8 bytes folds, by code point: its
/// folded bytes (at most four) in the low 32 bits, little-endian, and how
/// many in bits 32 and up. A separator folds to one space, a combining mark
/// to nothing (it belongs to the letter before it). Built once from the
/// general rule ([`push_line_char`]), so the two cannot disagree.
fn short_folds() -> &'static [u64] {
    static TABLE: OnceLock<Vec<u64>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..SHORT_END as u32)
            .map(|cp| {
                let Some(c) = char::from_u32(cp) else {
                    return 1 << 32 | u64::from(b' ');
                };
                let mut out = Vec::new();
                push_line_char(c, &mut out);
                if out.len() > 4 {
                    // None of these characters folds to more than four
                    // bytes (`the_short_table_is_the_general_rule`).
                    return 1 << 32 | u64::from(b' ');
                }
                let mut bytes = [0u8; 4];
                bytes[..out.len()].copy_from_slice(&out);
                (out.len() as u64) << 32 | u64::from(u32::from_le_bytes(bytes))
            })
            .collect()
    })
}

/// Every byte `0x01`, every byte `0x20`, and every byte's high bit, of
/// sixteen bytes: the constants of the sixteen-bytes-at-a-time tests.
const ONES: u128 = u128::MAX / 0xFF;
const SPACES: u128 = ONES * 0x20;
const HIGH: u128 = ONES * 0x80;

/// Folds `s` into `out` as its words, folded, with separators as spaces (one
/// or more between two words, maybe some before the first and after the
/// last).
///
/// Each step reads sixteen bytes and folds the ASCII run they start with at
/// once, with bit tests on a `u128` (upper case lowered, letters and digits
/// kept, the rest made spaces). The character that ends the run, if any,
/// comes next: one of two bytes (Latin, Greek, Cyrillic…) through
/// [`short_folds`], read as lead and continuation together, in the same
/// step and without branching on whether there is one; a longer one by
/// the general rule.
fn fold_line(s: &str, out: &mut Vec<u8>) {
    let bytes = s.as_bytes();
    let n = bytes.len();
    let table = short_folds();
    out.clear();
    // A byte folds to at most two (a two-byte character to at most four),
    // and each write is sixteen bytes wide: with `j` ≤ `2 i` kept, the
    // writes stay inside. The room for longer characters is made when they
    // come.
    out.resize(2 * n + 16, 0);
    let mut i = 0;
    let mut j = 0;
    // A longer character's folding (allocated on the first one only).
    let mut piece = Vec::new();
    while i < n {
        let x = load16(bytes, i);
        // How many of the sixteen bytes are ASCII before the first that is
        // not (or before the end), folded at once; the bytes after them
        // may come out as anything, they are overwritten or cut off.
        let ascii = ((x & HIGH).trailing_zeros() as usize / 8).min(n - i);
        let x7 = x & !HIGH;
        let (alnum, upper) = classes(x7);
        // Each letter or digit byte's high bit spread to its whole byte
        // (`0x80 - 0x01` borrows from no other byte).
        let keep = alnum | (alnum - (alnum >> 7));
        let folded = ((x7 | (upper >> 2)) & keep) | (SPACES & !keep);
        if let Some(dst) = out.get_mut(j..j + 16) {
            dst.copy_from_slice(&folded.to_le_bytes());
        }
        i += ascii;
        j += ascii;
        // The byte after the run: the lead of a character of two bytes or
        // more, or, after sixteen ASCII bytes, anything (zero at the end).
        let b = bytes.get(i).copied().unwrap_or(0);
        if b < 0xE0 {
            // A character of two bytes, from the table, is taken when `b`
            // leads one; otherwise its entry is looked up all the same and
            // written where the next step writes, and nothing advances: no
            // branch on whether a run ended on such a character.
            let two = usize::from(b >> 7);
            let cont = bytes.get(i + 1).copied().unwrap_or(0);
            let cp = (usize::from(b & 0x1F) << 6) | usize::from(cont & 0x3F);
            let e = table[cp & (SHORT_END - 1)];
            if let Some(dst) = out.get_mut(j..j + 4) {
                dst.copy_from_slice(&(e as u32).to_le_bytes());
            }
            j += (e >> 32) as usize * two;
            i += 2 * two;
            continue;
        }
        // Three or four bytes: by the general rule.
        let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else {
            return out.truncate(j);
        };
        i += c.len_utf8();
        piece.clear();
        push_line_char(c, &mut piece);
        let room = j + piece.len() + 16 + 2 * (n - i);
        if out.len() < room {
            out.resize(room, 0);
        }
        if let Some(dst) = out.get_mut(j..j + piece.len()) {
            dst.copy_from_slice(&piece);
        }
        j += piece.len();
    }
    out.truncate(j);
}

/// Sixteen bytes of `bytes` from `i`, little-endian; past the end, zero
/// bytes.
#[inline]
pub(crate) fn load16(bytes: &[u8], i: usize) -> u128 {
    let rest = bytes.get(i..).unwrap_or_default();
    match rest.first_chunk::<16>() {
        Some(c) => u128::from_le_bytes(*c),
        None => {
            let mut c = [0u8; 16];
            c[..rest.len()].copy_from_slice(rest);
            u128::from_le_bytes(c)
        }
    }
}

/// The high bit of each byte of `x7` (bytes below `0x80`) that is `c` or
/// more: `b + 0x80 - c` reaches `0x80` exactly then, and never carries into
/// the next byte.
#[inline]
const fn at_least(x7: u128, c: u8) -> u128 {
    x7.wrapping_add((0x80 - c as u128) * ONES) & HIGH
}

/// For sixteen ASCII bytes, as the high bit of each byte: the letters and
/// digits, and the upper-case letters.
#[inline]
fn classes(x7: u128) -> (u128, u128) {
    // Setting bit 5 makes `A`–`Z` into `a`–`z` and no other byte a letter.
    let l = x7 | SPACES;
    let letter = at_least(l, b'a') & !at_least(l, b'z' + 1);
    let digit = at_least(x7, b'0') & !at_least(x7, b'9' + 1);
    let upper = at_least(x7, b'A') & !at_least(x7, b'Z' + 1);
    (letter | digit, upper)
}

/// The high bit of each byte of a folded line that is a space, exactly,
/// for sixteen bytes: the bytes of folded words are digits
/// (`0x30`–`0x39`), lower-case letters (`0x61`–`0x7A`) or UTF-8 (`0x80` and
/// up), each with bit 4, 6 or 7 set, and a space has none of them. The
/// shifts bring bits 6 and 4 of each byte to its bit 7; what they carry
/// across bytes stays below it.
#[inline]
const fn space_bytes(x: u128) -> u128 {
    !(x | x << 1 | x << 3) & HIGH
}

/// Where the first space is in the folded `line` from `i`, sixteen bytes at
/// a time, or `line.len()`.
#[inline]
fn next_space(line: &[u8], mut i: usize) -> usize {
    let n = line.len();
    while let Some(c) = line.get(i..).and_then(|r| r.first_chunk::<16>()) {
        let spaces = space_bytes(u128::from_le_bytes(*c));
        if spaces != 0 {
            return i + spaces.trailing_zeros() as usize / 8;
        }
        i += 16;
    }
    line.get(i..)
        .and_then(|r| r.iter().position(|&b| b == b' '))
        .map_or(n, |k| i + k)
}

/// Calls `f` with each word of `s`, folded (UTF-8 bytes), in order, and
/// the word's first sixteen bytes as a little-endian `u128` (zero past its
/// end): the words of [`words`], without allocating once `buf` has grown.
///
/// The text is folded into `buf` first (by `fold_line`), with sixteen spaces
/// after it, then cut at its spaces sixteen bytes at a time: at a word's
/// start, its length is where the first space is in the bytes read there,
/// and its first sixteen bytes are those below it, without a branch on its
/// length. Only a word that does not end within those bytes is searched
/// further.
#[inline]
pub fn for_each_word(s: &str, buf: &mut Vec<u8>, mut f: impl FnMut(&[u8], u128)) {
    fold_line(s, buf);
    let n = buf.len();
    buf.extend_from_slice(&[b' '; 16]);
    let line = buf.as_slice();
    let mut i = 0;
    while i < n {
        // Sixteen bytes from `i`, always there before the padding's end.
        let Some(x) = line.get(i..).and_then(|r| r.first_chunk::<16>()) else {
            break;
        };
        let x = u128::from_le_bytes(*x);
        let spaces = space_bytes(x);
        // Spaces before the word (most often none: one space after a word
        // is passed over with it).
        let before = (!spaces & HIGH).trailing_zeros() as usize / 8;
        if before > 0 {
            i += before;
            continue;
        }
        // The word's first space, as its high bit, and what is below it:
        // the word's bytes, all without a shift by its length.
        let first = spaces & spaces.wrapping_neg();
        let keep = (first >> 7).wrapping_sub(1);
        let len = first.trailing_zeros() as usize / 8;
        if first != 0 {
            // `len` is 1 to 15.
            f(&line[i..i + len], x & keep);
            i += len + 1;
        } else {
            // Sixteen bytes or more: `x` is its first sixteen.
            let end = next_space(line, i + 16).min(n);
            f(&line[i..end], x);
            i = end + 1;
        }
    }
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
        for_each_word(s, &mut self.word, |w, _| {
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

    /// The tokenizer (folding by byte fast paths, cutting sixteen bytes at
    /// a time) cuts and folds exactly as cutting character by character
    /// ([`raw_words`]) and folding each word ([`fold`]), and gives each
    /// word's first sixteen bytes right, on random texts mixing ASCII, Latin letters, decomposed
    /// accents, ligatures, other scripts, marks with no letter, emoji and
    /// punctuation.
    #[test]
    fn the_tokenizer_agrees_with_raw_words_then_fold() {
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};
        let pool: Vec<char> = "aZz09 ,.'-’\t\néÉèçœŒæßẞİıΣσςДжÅ\u{301}\u{308}\u{345}東タ🎉\u{a0}«»|_#@ǅǈŉ\u{1e9e}\u{212a}"
            .chars()
            .collect();
        // Mostly ASCII, longer: runs of sixteen ASCII bytes (folded sixteen
        // at a time), runs ended by two-byte characters (folded without
        // branches) and the rest meet at every offset.
        let ascii: Vec<char> = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.'-\t\n_@#[]{}`~\u{7f}\u{0}\u{1f}"
            .chars()
            .collect();
        let mut rng = StdRng::seed_from_u64(28);
        let mut buf = Vec::new();
        for case in 0..40_000 {
            let (len, pool) = if case % 2 == 0 {
                (rng.gen_range(0..24), &pool)
            } else {
                (rng.gen_range(0..80), &ascii)
            };
            let s: String = (0..len)
                .map(|_| {
                    if pool.len() == ascii.len() && rng.gen_range(0..10) == 0 {
                        [
                            'é', 'Ç', 'œ', '’', '東', '\u{a0}', '\u{301}', 'Ж', 'ǅ', '🎉',
                        ][rng.gen_range(0..10)]
                    } else {
                        pool[rng.gen_range(0..pool.len())]
                    }
                })
                .collect();
            let want: Vec<String> = raw_words(&s).into_iter().map(fold).collect();
            let mut got = Vec::new();
            for_each_word(&s, &mut buf, |w, head| {
                // The head is the word's first sixteen bytes, zero past it.
                let mut first = [0u8; 16];
                let k = w.len().min(16);
                first[..k].copy_from_slice(&w[..k]);
                assert_eq!(head, u128::from_le_bytes(first), "case {case}: {w:?}");
                got.push(String::from_utf8_lossy(w).into_owned())
            });
            assert_eq!(got, want, "case {case}: {s:?}");
            assert_eq!(words(&s), want, "case {case}: {s:?}");
        }
    }

    /// The table of the characters of one or two bytes is the general rule:
    /// each folds to its folded bytes, a separator to a space, a combining
    /// mark to nothing.
    #[test]
    fn the_short_table_is_the_general_rule() {
        let table = short_folds();
        for cp in 0..SHORT_END as u32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let mut want = Vec::new();
            if is_combining_mark(c) {
            } else if is_word_char(c) {
                push_folded_slow(c, &mut want);
            } else {
                want.push(b' ');
            }
            let e = table[cp as usize];
            let len = (e >> 32) as usize;
            let got = &(e as u32).to_le_bytes()[..len.min(4)];
            assert_eq!(got, want.as_slice(), "U+{cp:04X}");
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
