//! Spelling in French and English with Hunspell dictionaries (Debian's
//! `hunspell-fr` and `hunspell-en-us`, in /usr/share/hunspell), read by
//! `spellbook`, a pure-Rust Hunspell-compatible checker.
//!
//! [`Dictionaries::load_dir`] is the only function of the crate that touches the
//! disk. A language whose files are missing or unreadable is "unavailable", and the
//! spelling check then says so (never a silent pass).

use relais_core::Locale;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Where Debian installs Hunspell dictionaries.
pub const SYSTEM_DIR: &str = "/usr/share/hunspell";

/// One loaded language.
pub struct Dictionary {
    checker: spellbook::Dictionary,
    /// The dictionary's stems with accents removed, lower-cased: hashtags are
    /// usually typed without accents (`#fetedelamusique`).
    folded_stems: HashSet<String>,
    /// The files it was read from.
    pub path: PathBuf,
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionary")
            .field("path", &self.path)
            .field("stems", &self.folded_stems.len())
            .finish()
    }
}

impl Dictionary {
    /// Parses Hunspell `.aff` and `.dic` texts.
    pub fn parse(aff: &str, dic: &str, path: PathBuf) -> Result<Dictionary, String> {
        let checker = spellbook::Dictionary::new(aff, dic).map_err(|e| e.to_string())?;
        let folded_stems = dic
            .lines()
            .skip(1)
            .filter_map(|line| {
                let stem = line.split(['/', '\t', ' ']).next()?.trim();
                (stem.chars().count() >= 2).then(|| fold(stem))
            })
            .collect();
        Ok(Dictionary {
            checker,
            folded_stems,
            path,
        })
    }

    /// Whether `word` is spelt correctly. Typographic apostrophes are read as `'`;
    /// elided French articles (`l'`, `d'`, `qu'`…) and hyphenated compounds are
    /// checked part by part when the whole is unknown.
    pub fn check(&self, word: &str) -> bool {
        let word = word.replace('\u{2019}', "'");
        if self.checker.check(&word) {
            return true;
        }
        if let Some((head, tail)) = word.split_once('\'') {
            let elided = format!("{head}'");
            if ELISIONS.contains(&head.to_lowercase().as_str()) || self.checker.check(&elided) {
                return tail.is_empty() || self.check(tail);
            }
        }
        if word.contains('-') {
            return word
                .split('-')
                .filter(|p| !p.is_empty())
                .all(|p| self.checker.check(p));
        }
        false
    }

    /// Up to `max` corrections for `word`: dictionary words one edit away
    /// (a swapped pair, a wrong, missing or extra letter — accents included), in
    /// that order of likelihood.
    ///
    /// The cost is bounded: about 90 × the word's length dictionary look-ups,
    /// well under a millisecond. spellbook's own `suggest` is not used: with the
    /// French dictionary it takes seconds on ordinary typos and minutes on
    /// strings such as "aaaaaaaaaa", which would let one pasted text occupy a
    /// server thread. Words longer than [`MAX_SUGGEST_CHARS`] get none.
    pub fn suggest(&self, word: &str, max: usize) -> Vec<String> {
        let word = word.replace('\u{2019}', "'");
        let chars: Vec<char> = word.chars().collect();
        if chars.is_empty() || chars.len() > MAX_SUGGEST_CHARS || max == 0 {
            return Vec::new();
        }
        let mut out: Vec<String> = Vec::new();
        let consider = |candidate: String, out: &mut Vec<String>| {
            if out.len() < max
                && candidate != word
                && !out.contains(&candidate)
                && self.checker.check(&candidate)
            {
                out.push(candidate);
            }
        };
        let n = chars.len();
        // A swapped pair.
        for i in 0..n.saturating_sub(1) {
            let mut c = chars.clone();
            c.swap(i, i + 1);
            consider(c.into_iter().collect(), &mut out);
        }
        // A wrong letter (the most common typo, accents included).
        for i in 0..n {
            for &l in SUGGEST_ALPHABET {
                if l != chars[i] {
                    let mut c = chars.clone();
                    c[i] = l;
                    consider(c.into_iter().collect(), &mut out);
                }
            }
        }
        // A missing letter.
        for i in 0..=n {
            for &l in SUGGEST_ALPHABET {
                let mut c = chars.clone();
                c.insert(i, l);
                consider(c.into_iter().collect(), &mut out);
            }
        }
        // An extra letter.
        for i in 0..n {
            let mut c = chars.clone();
            c.remove(i);
            consider(c.into_iter().collect(), &mut out);
        }
        out
    }

    /// Whether `word` (lower case, accents optional) is a dictionary word, for
    /// splitting hashtags.
    pub fn knows_folded(&self, word: &str) -> bool {
        self.folded_stems.contains(&fold(word)) || self.checker.check(word)
    }
}

/// Words longer than this get no suggestions (no real word is that long; the
/// check itself still runs).
pub const MAX_SUGGEST_CHARS: usize = 40;

/// The letters tried when suggesting: Latin letters with the accents of French,
/// and the apostrophe and hyphen.
const SUGGEST_ALPHABET: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's',
    't', 'u', 'v', 'w', 'x', 'y', 'z', 'à', 'â', 'æ', 'ç', 'é', 'è', 'ê', 'ë', 'î', 'ï', 'ô', 'œ',
    'ù', 'û', 'ü', 'ÿ', '\'', '-',
];

const ELISIONS: [&str; 13] = [
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
];

/// Lower case without accents: `Fête` → `fete`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        unicode_normalization::char::decompose_canonical(c, |d| {
            if !matches!(u32::from(d), 0x0300..=0x036F) {
                out.extend(d.to_lowercase());
            }
        });
    }
    out
}

/// The dictionaries available, per language.
#[derive(Debug, Default)]
pub struct Dictionaries {
    pub fr: Option<Dictionary>,
    pub en: Option<Dictionary>,
    /// Why a language is unavailable (missing files, parse error), for logs.
    pub problems: Vec<String>,
}

impl Dictionaries {
    /// No dictionary at all (every spelling check reports "unavailable").
    pub fn none() -> Dictionaries {
        Dictionaries::default()
    }

    /// Reads `fr_FR.aff`/`.dic` (or `fr.aff`/`.dic`) and `en_US.aff`/`.dic` (or
    /// `en.aff`/`.dic`) from `dir`. A language whose files are missing or do not
    /// parse is left out and its reason recorded in `problems`. The only I/O of
    /// this crate.
    pub fn load_dir(dir: &Path) -> Dictionaries {
        Dictionaries::load_dir_filtered(dir, None)
    }

    fn load_dir_filtered(dir: &Path, only: Option<Locale>) -> Dictionaries {
        let mut problems = Vec::new();
        let mut load = |names: &[&str]| -> Option<Dictionary> {
            for name in names {
                let aff = dir.join(format!("{name}.aff"));
                let dic = dir.join(format!("{name}.dic"));
                if !aff.is_file() || !dic.is_file() {
                    continue;
                }
                let read = |p: &Path| {
                    std::fs::read(p)
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .map_err(|e| format!("{}: {e}", p.display()))
                };
                let parsed = read(&aff).and_then(|a| {
                    read(&dic).and_then(|d| {
                        Dictionary::parse(&a, &d, dic.clone())
                            .map_err(|e| format!("{}: {e}", dic.display()))
                    })
                });
                match parsed {
                    Ok(d) => return Some(d),
                    Err(e) => problems.push(e),
                }
            }
            problems.push(format!(
                "no {} dictionary in {}",
                names.join("/"),
                dir.display()
            ));
            None
        };
        let wanted = |l: Locale| only.is_none_or(|o| o == l);
        let fr = if wanted(Locale::Fr) {
            load(&["fr_FR", "fr"])
        } else {
            None
        };
        let en = if wanted(Locale::En) {
            load(&["en_US", "en"])
        } else {
            None
        };
        Dictionaries { fr, en, problems }
    }

    /// Only `lang`'s dictionary from `dir` (loading one takes a fraction of a
    /// second; the CLI loads what the post needs).
    pub fn load_lang(dir: &Path, lang: Locale) -> Dictionaries {
        Dictionaries::load_dir_filtered(dir, Some(lang))
    }

    /// The system's dictionaries (/usr/share/hunspell).
    pub fn system() -> Dictionaries {
        Dictionaries::load_dir(Path::new(SYSTEM_DIR))
    }

    pub fn get(&self, lang: Locale) -> Option<&Dictionary> {
        match lang {
            Locale::Fr => self.fr.as_ref(),
            Locale::En => self.en.as_ref(),
        }
    }
}

/// The words of `text` worth spell-checking: links, mentions, hashtags, e-mail
/// addresses, numbers and words with digits are skipped. Returns byte ranges.
pub fn words(text: &str, skip: &[std::ops::Range<usize>]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let is_word_char = |c: char| c.is_alphanumeric() || is_mark(c);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i <= chars.len() {
        let (at, c) = chars.get(i).copied().unwrap_or((text.len(), ' '));
        let joiner = matches!(c, '\'' | '\u{2019}' | '-')
            && start.is_some()
            && chars.get(i + 1).is_some_and(|(_, n)| n.is_alphabetic());
        if is_word_char(c) || joiner {
            if start.is_none() {
                start = Some(at);
            }
        } else if let Some(s) = start.take() {
            let word = &text[s..at];
            let prev = text[..s].chars().next_back();
            let glued = matches!(prev, Some('@' | '#' | '/' | '.' | '_'))
                || matches!(c, '@' | '/' | '_')
                || (c == '.' && chars.get(i + 1).is_some_and(|(_, n)| n.is_alphanumeric()));
            let skipped = skip.iter().any(|r| r.start <= s && s < r.end);
            if !glued && !skipped && word.chars().all(|c| !c.is_numeric()) {
                out.push(s..at);
            }
        }
        i += 1;
    }
    out
}

fn is_mark(c: char) -> bool {
    matches!(u32::from(c), 0x0300..=0x036F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_skip_links_mentions_hashtags_and_numbers() {
        let t = "L’école d'été, 2025 : voir https://ex.org/page @alice #Fete a.b@c.fr peut-être 3e";
        let urls = crate::count::find_urls(t);
        let got: Vec<&str> = words(t, &urls).iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(got, ["L’école", "d'été", "voir", "peut-être"]);
    }

    #[test]
    fn fold_removes_accents_and_case() {
        assert_eq!(fold("Fête"), "fete");
        assert_eq!(fold("ÉTÉ"), "ete");
    }

    #[test]
    fn an_empty_directory_has_no_dictionary() {
        let dir = std::env::temp_dir().join(format!("relais-no-dict-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let d = Dictionaries::load_dir(&dir);
        assert!(d.get(Locale::Fr).is_none() && d.get(Locale::En).is_none());
        assert_eq!(d.problems.len(), 2);
        let _ = std::fs::remove_dir(&dir);
    }
}
