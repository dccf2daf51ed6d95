//! Sentiment of French and English text, after VADER (Hutto & Gilbert,
//! ICWSM 2014).
//!
//! Each word found in the lexicon contributes its mean valence (−4 to +4),
//! adjusted by the words before it: a booster or dampener within three words
//! ("very", "très", "kind of"), a negation within three words ("not",
//! "pas", "ne … plus", "sans") which multiplies it by −0.74, and capitals
//! when the rest of the text is not in capitals. In each sentence, words
//! before a contrast ("but", "mais") weigh half, words after it one and a
//! half. The sum gains 0.292 per "!" (at most four) and some weight for
//! repeated "?", then is normalised to a compound score in [−1, 1]:
//! `x / sqrt(x² + 15)`.
//!
//! Matching ignores case; a word typed without its accents finds the
//! accented lexicon word ("tres" is "très"), but an accented word never finds
//! a different unaccented one ("tâche", task, is not "tache", stain). A
//! French word missing from the lexicon is looked up again as its lemma, by
//! the ending rules of `data/sentiment/inflections-fr.tsv` ("excellentes" is
//! "excellent", "s'inquiètent" is "inquiéter"). Negations and boosters do
//! not reach across punctuation (`, ; : . ! ?`). French elided words are split ("n'aime" is
//! "ne aime"), "ne … que" is not a negation and "plus" is one only after
//! "ne". Handles (`@…`) and links are skipped; emoji carry no sentiment.
//!
//! Lexicons: vaderSentiment 3.3.2 (English) and vaderSentiment-fr 1.3.4
//! (French), MIT; modifier tables from the same packages with additions.
//! Sources, licences and derivation: `data/sentiment/README.md`.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Compound score from which a text is positive; from its opposite down, negative.
pub const THRESHOLD: f64 = 0.05;

/// Added to a valence per booster word (the paper's empirical mean).
const BOOST: f64 = 0.293;
/// Added to a valence (or a booster) written in capitals among lower case.
const CAPS: f64 = 0.733;
/// Multiplies a negated valence.
const NEGATION: f64 = -0.74;
/// How many words before a sentiment word a booster or negation reaches.
const WINDOW: usize = 3;
/// Weight of a booster 1, 2 and 3 words before the sentiment word.
const BOOST_DAMPING: [f64; WINDOW] = [1.0, 0.95, 0.9];
/// How far after "ne" its second part ("pas", "plus", "que"…) is looked for.
const NE_REACH: usize = 6;
/// Added to the sum per "!", for at most `MAX_EXCLAMATIONS`.
const EXCLAMATION: f64 = 0.292;
const MAX_EXCLAMATIONS: u32 = 4;
/// Added to the sum per "?" when there are two or three; 0.96 from four.
const QUESTION: f64 = 0.18;
const MANY_QUESTIONS: f64 = 0.96;
/// Normalisation constant: `x / sqrt(x² + ALPHA)`.
const ALPHA: f64 = 15.0;
/// Weights of the words before and after a contrast word in its sentence.
const BEFORE_CONTRAST: f64 = 0.5;
const AFTER_CONTRAST: f64 = 1.5;
/// A chunk this long or longer is not looked up as an emoticon.
const MAX_EMOTICON_BYTES: usize = 16;

const EN_LEXICON: &str = include_str!("../data/sentiment/en.tsv");
const EN_MODIFIERS: &str = include_str!("../data/sentiment/modifiers-en.tsv");
const EN_IDIOMS: &str = include_str!("../data/sentiment/idioms-en.tsv");
const FR_LEXICON: &str = include_str!("../data/sentiment/fr.tsv");
const FR_MODIFIERS: &str = include_str!("../data/sentiment/modifiers-fr.tsv");
const FR_INFLECTIONS: &str = include_str!("../data/sentiment/inflections-fr.tsv");
/// Letters a word keeps before the ending an inflection rule replaces.
const MIN_LEMMA_BASE: usize = 3;

/// Language of the lexicon and rules used for a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[serde(rename = "fr")]
    French,
    #[serde(rename = "en")]
    English,
}

impl Lang {
    /// The language of an ISO 639 code or BCP 47 tag ("fr", "fr-CA", "eng"…),
    /// if supported.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next().unwrap_or(code);
        let is = |c: &str| primary.eq_ignore_ascii_case(c);
        if is("fr") || is("fra") || is("fre") {
            Some(Lang::French)
        } else if is("en") || is("eng") {
            Some(Lang::English)
        } else {
            None
        }
    }

    /// Like [`Lang::from_code`], falling back to English for other or unknown
    /// languages: its lexicon is the original, human-rated one, and its
    /// emoticons and internet slang ("lol", ":)") are shared across languages.
    pub fn for_code(code: &str) -> Lang {
        Lang::from_code(code).unwrap_or(Lang::English)
    }

    /// The two-letter code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::French => "fr",
            Lang::English => "en",
        }
    }
}

/// Polarity of a compound score, with VADER's thresholds (±0.05).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    Positive,
    Neutral,
    Negative,
}

impl Polarity {
    /// Positive from [`THRESHOLD`], negative from −[`THRESHOLD`], else neutral.
    pub fn from_score(score: f64) -> Polarity {
        if score >= THRESHOLD {
            Polarity::Positive
        } else if score <= -THRESHOLD {
            Polarity::Negative
        } else {
            Polarity::Neutral
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Positive => "positive",
            Polarity::Neutral => "neutral",
            Polarity::Negative => "negative",
        }
    }
}

impl fmt::Display for Polarity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sentiment of a text.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sentiment {
    pub polarity: Polarity,
    /// Compound score in [−1, 1].
    pub score: f64,
}

impl Sentiment {
    fn from_score(score: f64) -> Sentiment {
        Sentiment {
            polarity: Polarity::from_score(score),
            score,
        }
    }
}

/// Sentiment analyser holding both lexicons. Build it once ([`Analyzer::new`]
/// or [`Analyzer::shared`]) and share it by reference.
pub struct Analyzer {
    french: Lexicon,
    english: Lexicon,
}

impl Analyzer {
    /// Parses the embedded lexicons and derives the French inflected forms
    /// (some 30 ms in a release build).
    pub fn new() -> Analyzer {
        Analyzer {
            french: Lexicon::build(FR_LEXICON, FR_MODIFIERS, "", FR_INFLECTIONS),
            english: Lexicon::build(EN_LEXICON, EN_MODIFIERS, EN_IDIOMS, ""),
        }
    }

    /// A process-wide analyser, built on first use.
    pub fn shared() -> &'static Analyzer {
        static SHARED: OnceLock<Analyzer> = OnceLock::new();
        SHARED.get_or_init(Analyzer::new)
    }

    /// Sentiment of `text` read as `lang`. Empty or word-less text is neutral
    /// with score 0.
    pub fn analyze(&self, text: &str, lang: Lang) -> Sentiment {
        let lexicon = match lang {
            Lang::French => &self.french,
            Lang::English => &self.english,
        };
        Sentiment::from_score(lexicon.score(text))
    }
}

impl Default for Analyzer {
    fn default() -> Analyzer {
        Analyzer::new()
    }
}

impl fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analyzer")
            .field("french_entries", &self.french.map.len())
            .field("french_inflected_forms", &self.french.inflected.len())
            .field("english_entries", &self.english.map.len())
            .finish()
    }
}

// ---------------------------------------------------------------------------
// Lexicon

/// Multiply-rotate hash (as in rustc's FxHash): keys are fixed at build
/// time, so collision attacks cannot grow the table.
#[derive(Default, Clone, Copy)]
struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type WordMap<V> = HashMap<Box<str>, V, BuildHasherDefault<WordHasher>>;

/// What a negation-related word does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Neg {
    #[default]
    None,
    /// Negates the next `WINDOW` words ("not", "pas", "sans").
    Always,
    /// French "ne": negates up to its second part.
    Ne,
    /// Negation only as the second part of "ne" ("plus", "personne").
    AfterNe,
    /// "ne … que" means "only": no negation.
    Restrictive,
}

/// What a word or phrase does, as read from the data files.
#[derive(Clone, Copy, Debug, Default)]
struct Traits {
    valence: Option<f32>,
    /// `BOOST` for a booster, `-BOOST` for a dampener, 0 otherwise.
    booster: f32,
    neg: Neg,
    contrast: bool,
    /// Negation does not flip it (French "pas terrible" stays negative).
    keep: bool,
    /// Never the lemma of an inflected form ("bas" for "base").
    exact: bool,
}

/// A multi-word entry, stored under its first word.
#[derive(Clone, Debug)]
struct Phrase {
    /// The following words, lower case.
    rest: Box<[Box<str>]>,
    /// The same without accents.
    rest_folded: Box<[Box<str>]>,
    traits: Traits,
}

#[derive(Clone, Debug, Default)]
struct Entry {
    traits: Traits,
    /// Longest first.
    phrases: Vec<Phrase>,
    /// Stored under the unaccented form of accented lexicon words.
    folded: bool,
}

impl Entry {
    /// A word with a valence and no other role: what an inflected form may
    /// take its valence from.
    fn is_plain_word(&self) -> bool {
        let t = &self.traits;
        t.valence.is_some()
            && t.booster == 0.0
            && t.neg == Neg::None
            && !t.contrast
            && !t.exact
            && self.phrases.is_empty()
    }
}

/// Counts of parsed data lines, for tests.
#[derive(Clone, Copy, Debug, Default)]
#[cfg_attr(not(test), allow(dead_code))]
struct Counts {
    valences: usize,
    idioms: usize,
    modifiers: usize,
    inflections: usize,
    rejected: usize,
}

struct Lexicon {
    map: WordMap<Entry>,
    /// French clitics split off before an apostrophe ("l'", "n'", "qu'").
    elisions: Vec<Box<str>>,
    /// Ending rules, in order: (ending, lemma ending).
    inflections: Vec<(Box<str>, Box<str>)>,
    /// Inflected forms of lexicon words, with their lemma's traits.
    inflected: WordMap<Entry>,
    counts: Counts,
}

impl Lexicon {
    /// Parses the data files: `lexicon` is `word<TAB>valence`, `modifiers`
    /// `entry<TAB>role<TAB>source`, `idioms` `phrase<TAB>valence<TAB>source`
    /// and `inflections` `ending<TAB>lemma ending<TAB>example` with `-` for
    /// the empty ending (`#` lines are comments in the last three).
    fn build(lexicon: &str, modifiers: &str, idioms: &str, inflections: &str) -> Lexicon {
        let mut lex = Lexicon {
            map: WordMap::default(),
            elisions: Vec::new(),
            inflections: Vec::new(),
            inflected: WordMap::default(),
            counts: Counts::default(),
        };
        for line in rows(inflections) {
            let ending = |e: &str| if e == "-" { String::new() } else { lower(e) };
            match two_fields(line) {
                Some((from, to)) if from != "-" => {
                    lex.inflections
                        .push((ending(from).into(), ending(to).into()));
                    lex.counts.inflections += 1;
                }
                _ => lex.counts.rejected += 1,
            }
        }
        for line in rows(modifiers) {
            if let Some((word, "elision")) = two_fields(line) {
                lex.elisions.push(word.to_ascii_lowercase().into());
            }
        }
        for line in lexicon.lines().filter(|line| !line.is_empty()) {
            match two_fields(line).and_then(|(w, v)| Some((w, v.parse::<f32>().ok()?))) {
                Some((word, valence)) => {
                    lex.set(word, |t| t.valence = Some(valence));
                    lex.counts.valences += 1;
                }
                None => lex.counts.rejected += 1,
            }
        }
        for line in rows(idioms) {
            match two_fields(line).and_then(|(w, v)| Some((w, v.parse::<f32>().ok()?))) {
                Some((phrase, valence)) => {
                    lex.set(phrase, |t| t.valence = Some(valence));
                    lex.counts.idioms += 1;
                }
                None => lex.counts.rejected += 1,
            }
        }
        for line in rows(modifiers) {
            let Some((word, role)) = two_fields(line) else {
                lex.counts.rejected += 1;
                continue;
            };
            let apply: fn(&mut Traits) = match role {
                "incr" => |t| t.booster = BOOST as f32,
                "decr" => |t| t.booster = -BOOST as f32,
                "negation" => |t| t.neg = Neg::Always,
                "ne" => |t| t.neg = Neg::Ne,
                "after-ne" => |t| t.neg = Neg::AfterNe,
                "restrictive" => |t| t.neg = Neg::Restrictive,
                "contrast" => |t| t.contrast = true,
                "keep-polarity" => |t| t.keep = true,
                "neutral" => |t| t.valence = None,
                "exact" => |t| t.exact = true,
                "elision" => |_| {},
                _ => {
                    lex.counts.rejected += 1;
                    continue;
                }
            };
            lex.set(word, apply);
            lex.counts.modifiers += 1;
        }
        lex.add_folded_keys();
        lex.add_inflected_forms();
        lex
    }

    /// Applies `apply` to the traits of `key` (a word or a phrase).
    fn set(&mut self, key: &str, apply: impl FnOnce(&mut Traits)) {
        let simple = |c: char| !c.is_whitespace() && !is_apostrophe(c) && !c.is_uppercase();
        if key.chars().all(simple) {
            match self.map.get_mut(key) {
                Some(entry) => apply(&mut entry.traits),
                None => {
                    let mut entry = Entry::default();
                    apply(&mut entry.traits);
                    self.map.insert(key.into(), entry);
                }
            }
            return;
        }
        let mut words = Vec::new();
        for piece in key.split_whitespace() {
            let mut rest = piece;
            while let Some((clitic, tail)) = self.split_elision(rest) {
                words.push(lower(clitic));
                rest = tail;
            }
            words.push(lower(rest));
        }
        let Some((head, rest)) = words.split_first() else {
            return;
        };
        let entry = self.map.entry(head.as_str().into()).or_default();
        if rest.is_empty() {
            apply(&mut entry.traits);
            return;
        }
        let same = |p: &Phrase| {
            p.rest
                .iter()
                .map(|w| &**w)
                .eq(rest.iter().map(String::as_str))
        };
        if !entry.phrases.iter().any(same) {
            entry.phrases.push(Phrase {
                rest: rest.iter().map(|w| w.as_str().into()).collect(),
                rest_folded: rest.iter().map(|w| fold(w).into()).collect(),
                traits: Traits::default(),
            });
            entry.phrases.sort_by_key(|p| Reverse(p.rest.len()));
        }
        if let Some(phrase) = entry.phrases.iter_mut().find(|p| same(p)) {
            apply(&mut phrase.traits);
        }
    }

    /// Adds each accented key under its unaccented form when that form is
    /// free and not ambiguous ("tres" finds "très").
    fn add_folded_keys(&mut self) {
        let mut folded: WordMap<Vec<&Entry>> = WordMap::default();
        for (key, entry) in &self.map {
            if key.is_ascii() {
                continue;
            }
            let plain = fold(key);
            if *plain != **key && !self.map.contains_key(plain.as_str()) {
                folded.entry(plain.into()).or_default().push(entry);
            }
        }
        let mut added = Vec::new();
        for (plain, entries) in folded {
            let merged = match entries.as_slice() {
                [one] => Some((*one).clone()),
                many => merge_valences(many),
            };
            if let Some(mut entry) = merged {
                entry.folded = true;
                added.push((plain, entry));
            }
        }
        self.map.extend(added);
    }

    /// Splits a French elided clitic off `word` ("l'amour" → "l", "amour").
    fn split_elision<'w>(&self, word: &'w str) -> Option<(&'w str, &'w str)> {
        if self.elisions.is_empty() {
            return None;
        }
        let (at, apostrophe) = word.char_indices().find(|&(_, c)| is_apostrophe(c))?;
        let (clitic, tail) = (&word[..at], &word[at + apostrophe.len_utf8()..]);
        let known = self.elisions.iter().any(|e| e.eq_ignore_ascii_case(clitic));
        (known && !tail.is_empty()).then_some((clitic, tail))
    }

    /// Adds the inflected forms of the plain lexicon words, by the rules in
    /// order ("excellentes" for "excellent", "inquiétaient" for
    /// "inquiéter"): a form already in the lexicon, or made by an earlier
    /// rule, keeps what it has. Done once, so that a word costs one more
    /// look-up, not one per rule.
    fn add_inflected_forms(&mut self) {
        let mut forms: WordMap<Entry> = WordMap::default();
        for (ending, replacement) in &self.inflections {
            for (key, entry) in &self.map {
                let Some(base) = key.strip_suffix(&**replacement) else {
                    continue;
                };
                if !entry.is_plain_word() || base.chars().count() < MIN_LEMMA_BASE {
                    continue;
                }
                let form = format!("{base}{ending}");
                if self.map.contains_key(form.as_str()) || forms.contains_key(form.as_str()) {
                    continue;
                }
                forms.insert(
                    form.into(),
                    Entry {
                        traits: entry.traits,
                        phrases: Vec::new(),
                        folded: entry.folded,
                    },
                );
            }
        }
        self.inflected = forms;
    }

    /// The entry of a lower-case word or of the lemma of its inflected form;
    /// else, for an accented word, the same for its unaccented form, if that
    /// stands for accented lexicon words.
    fn lookup(&self, word: &str, scratch: &mut String) -> Option<&Entry> {
        if let Some(entry) = self.map.get(word).or_else(|| self.inflected.get(word)) {
            return Some(entry);
        }
        if word.is_ascii() {
            return None;
        }
        scratch.clear();
        fold_into(word, scratch);
        if scratch.as_str() == word {
            return None;
        }
        // "tâche" must not find "tache", a lexicon word in its own right;
        // "œuvre" is "oeuvre" spelt another way.
        let ligatures_only = word.chars().all(|c| c.is_ascii() || c == 'œ' || c == 'æ');
        let key = scratch.as_str();
        self.map
            .get(key)
            .or_else(|| self.inflected.get(key))
            .filter(|e| e.folded || ligatures_only)
    }

    fn score(&self, text: &str) -> f64 {
        let mut scan = Scan {
            lexicon: self,
            text: String::with_capacity(text.len()),
            scratch: String::new(),
            tokens: Vec::with_capacity((text.len() / 6).min(512)),
            clause: 0,
            sentence: 0,
            exclamations: 0,
            questions: 0,
        };
        for line in text.lines() {
            for chunk in line.split_whitespace() {
                scan.chunk(chunk);
            }
            scan.end_sentence();
        }
        let mut items = scan.items();
        let words = scan.tokens.iter().filter(|t| t.word).count();
        let capitals = scan.tokens.iter().filter(|t| t.caps).count();
        let caps_stand_out = capitals > 0 && capitals < words;
        let sum = valence_sum(&mut items, caps_stand_out);
        compound(sum, scan.exclamations, scan.questions)
    }
}

/// The non-empty, non-comment lines of a table.
fn rows(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// The first two tab-separated fields, both non-empty.
fn two_fields(line: &str) -> Option<(&str, &str)> {
    let mut fields = line.split('\t');
    let first = fields.next()?.trim();
    let second = fields.next()?.trim();
    (!first.is_empty() && !second.is_empty()).then_some((first, second))
}

/// One entry with the mean valence of `entries` if they are plain words of
/// one sign; `None` when they disagree.
fn merge_valences(entries: &[&Entry]) -> Option<Entry> {
    let mut sum = 0.0f32;
    let mut sign = 0.0f32;
    for entry in entries {
        // A word kept under negation differs from the others in more than
        // its valence: not merged.
        let v = entry
            .traits
            .valence
            .filter(|_| entry.is_plain_word() && !entry.traits.keep)?;
        if sign != 0.0 && v.signum() != sign {
            return None;
        }
        sign = v.signum();
        sum += v;
    }
    let valence = sum / entries.len() as f32;
    Some(Entry {
        traits: Traits {
            valence: Some(valence),
            ..Traits::default()
        },
        phrases: Vec::new(),
        folded: true,
    })
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '‘')
}

/// Lower case, with typographic apostrophes made ASCII.
fn lower_into(word: &str, out: &mut String) {
    for c in word.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if is_apostrophe(c) {
            out.push('\'');
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

fn lower(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    lower_into(word, &mut out);
    out
}

/// Without diacritics; "œ" and "æ" spelt out.
fn fold_into(word: &str, out: &mut String) {
    for c in word.chars() {
        match c {
            c if c.is_ascii() => out.push(c),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            c => decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    out.push(d);
                }
            }),
        }
    }
}

fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// At least two letters, none lower case.
fn is_caps(word: &str) -> bool {
    let mut upper = 0;
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            upper += 1;
        }
    }
    upper >= 2
}

// ---------------------------------------------------------------------------
// Tokens

/// A word or emoticon of the text.
struct Token<'a> {
    /// Lower-case text, a range of `Scan::text`.
    start: usize,
    end: usize,
    entry: Option<&'a Entry>,
    /// Has a letter.
    word: bool,
    caps: bool,
    clause: u32,
    sentence: u32,
}

struct Scan<'a> {
    lexicon: &'a Lexicon,
    /// Lower-case text of all tokens, end to end.
    text: String,
    scratch: String,
    tokens: Vec<Token<'a>>,
    clause: u32,
    sentence: u32,
    exclamations: u32,
    questions: u32,
}

impl<'a> Scan<'a> {
    fn end_sentence(&mut self) {
        self.sentence += 1;
        self.clause += 1;
    }

    /// A whitespace-separated chunk: an emoticon, or words and punctuation.
    fn chunk(&mut self, chunk: &str) {
        let starts_with = |prefix: &str| {
            chunk
                .get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        };
        if starts_with("@") || starts_with("www.") || chunk.contains("://") {
            return; // handles and links carry no sentiment of their own
        }
        if chunk.len() < MAX_EMOTICON_BYTES
            && chunk.chars().filter(|c| c.is_alphanumeric()).count() <= 2
            && !chunk.chars().all(char::is_alphanumeric)
        {
            let start = self.text.len();
            lower_into(chunk, &mut self.text);
            if let Some(entry) = self.lexicon.map.get(&self.text[start..]) {
                self.push(start, Some(entry), false, false);
                return;
            }
            self.text.truncate(start);
        }
        let mut run: Option<usize> = None;
        let mut chars = chunk.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c.is_alphanumeric() {
                run.get_or_insert(at);
                continue;
            }
            if run.is_some() && is_combining_mark(c) {
                continue; // decomposed accents ("e\u{301}")
            }
            let joins = is_apostrophe(c) || c == '-';
            if joins && run.is_some() && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric()) {
                continue;
            }
            if let Some(start) = run.take() {
                self.run(&chunk[start..at]);
            }
            match c {
                '!' => {
                    self.exclamations += 1;
                    self.end_sentence();
                }
                '?' => {
                    self.questions += 1;
                    self.end_sentence();
                }
                '.' | '…' => self.end_sentence(),
                ',' | ';' | ':' | '(' | ')' | '[' | ']' | '—' | '–' => self.clause += 1,
                _ => {}
            }
        }
        if let Some(start) = run {
            self.run(&chunk[start..]);
        }
    }

    /// Letters and digits joined by apostrophes or hyphens.
    fn run(&mut self, run: &str) {
        let mut rest = run;
        while let Some((clitic, tail)) = self.lexicon.split_elision(rest) {
            self.word(clitic, false);
            rest = tail;
        }
        self.word(rest, true);
    }

    /// Looks a word up; a hyphenated word not found is looked up by parts.
    fn word(&mut self, word: &str, split_hyphens: bool) {
        let start = self.text.len();
        lower_into(word, &mut self.text);
        let entry = self.lexicon.lookup(&self.text[start..], &mut self.scratch);
        if entry.is_none() && split_hyphens && word.contains('-') {
            self.text.truncate(start);
            for part in word.split('-').filter(|p| !p.is_empty()) {
                self.word(part, false);
            }
            return;
        }
        let has_letter = word.chars().any(char::is_alphabetic);
        self.push(start, entry, has_letter, is_caps(word));
    }

    fn push(&mut self, start: usize, entry: Option<&'a Entry>, word: bool, caps: bool) {
        self.tokens.push(Token {
            start,
            end: self.text.len(),
            entry,
            word,
            caps,
            clause: self.clause,
            sentence: self.sentence,
        });
    }

    /// Tokens with phrases merged into one item.
    fn items(&self) -> Vec<Item> {
        let mut items = Vec::with_capacity(self.tokens.len());
        let mut i = 0;
        while let Some(token) = self.tokens.get(i) {
            let mut traits = token.entry.map(|e| e.traits).unwrap_or_default();
            let mut len = 1;
            if let Some(entry) = token.entry {
                if let Some(phrase) = entry.phrases.iter().find(|p| self.matches(p, i)) {
                    traits = phrase.traits;
                    len += phrase.rest.len();
                }
            }
            items.push(Item {
                traits,
                caps: token.caps,
                clause: token.clause,
                sentence: token.sentence,
                negated: false,
                closes_ne: false,
                weight: 1.0,
            });
            i += len;
        }
        items
    }

    /// Whether the tokens after `head` in its clause are `phrase.rest`.
    fn matches(&self, phrase: &Phrase, head: usize) -> bool {
        let clause = self.tokens[head].clause;
        phrase
            .rest
            .iter()
            .zip(phrase.rest_folded.iter())
            .enumerate()
            .all(|(k, (word, folded))| {
                self.tokens.get(head + 1 + k).is_some_and(|t| {
                    let text = &self.text[t.start..t.end];
                    t.clause == clause && (text == &**word || text == &**folded)
                })
            })
    }
}

// ---------------------------------------------------------------------------
// Scoring

struct Item {
    traits: Traits,
    caps: bool,
    clause: u32,
    sentence: u32,
    /// Within the reach of a negation.
    negated: bool,
    /// Second part of a French "ne … plus": a negation, not a booster.
    closes_ne: bool,
    /// Contrast weight.
    weight: f64,
}

/// Sum of the adjusted valences.
fn valence_sum(items: &mut [Item], caps_stand_out: bool) -> f64 {
    mark_negations(items);
    weigh_contrasts(items);
    let mut sum = 0.0;
    for i in 0..items.len() {
        let item = &items[i];
        let Some(base) = item.traits.valence else {
            continue;
        };
        if acts_as_modifier(items, i) || base == 0.0 {
            continue;
        }
        let mut valence = f64::from(base);
        let sign = valence.signum();
        if caps_stand_out && item.caps {
            valence += sign * CAPS;
        }
        for (distance, damping) in BOOST_DAMPING.iter().enumerate() {
            let Some(j) = i.checked_sub(distance + 1) else {
                break;
            };
            if items[j].clause != item.clause {
                break;
            }
            let boost = active_booster(items, j);
            if boost != 0.0 {
                let mut scalar = boost * sign;
                if caps_stand_out && items[j].caps {
                    scalar += sign * CAPS;
                }
                valence += scalar * damping;
            }
        }
        if item.negated && !item.traits.keep {
            valence *= NEGATION;
        }
        sum += valence * item.weight;
    }
    sum
}

/// Sets `negated` on the words a negation reaches and `closes_ne` on the
/// second parts of French "ne … plus/personne/point/guère".
fn mark_negations(items: &mut [Item]) {
    for j in 0..items.len() {
        match items[j].traits.neg {
            Neg::Always => mark(items, j, j + WINDOW),
            Neg::Ne => {
                let clause = items[j].clause;
                let same_clause = |k: &usize| items.get(*k).is_some_and(|i| i.clause == clause);
                let closer = (j + 1..=j + NE_REACH).take_while(same_clause).find(|&k| {
                    matches!(
                        items[k].traits.neg,
                        Neg::Always | Neg::AfterNe | Neg::Restrictive
                    )
                });
                match closer.map(|k| (k, items[k].traits.neg)) {
                    Some((_, Neg::Restrictive)) => {}
                    Some((k, Neg::AfterNe)) => {
                        mark(items, j, k - 1);
                        items[k].closes_ne = true;
                        mark(items, k, k + WINDOW);
                    }
                    // `Neg::Always` marks its own reach when the loop gets there.
                    Some((k, _)) => mark(items, j, k - 1),
                    None => mark(items, j, j + WINDOW),
                }
            }
            _ => {}
        }
    }
}

/// Marks the items after `from` up to `to` (inclusive) in its clause.
fn mark(items: &mut [Item], from: usize, to: usize) {
    let clause = items[from].clause;
    for item in items.iter_mut().take(to + 1).skip(from + 1) {
        if item.clause != clause {
            break;
        }
        item.negated = true;
    }
}

/// Weighs the items before and after the first contrast word of each sentence.
fn weigh_contrasts(items: &mut [Item]) {
    let mut start = 0;
    while start < items.len() {
        let sentence = items[start].sentence;
        let end = start
            + items[start..]
                .iter()
                .take_while(|i| i.sentence == sentence)
                .count();
        if let Some(at) = (start..end).find(|&k| items[k].traits.contrast) {
            for item in &mut items[start..at] {
                item.weight = BEFORE_CONTRAST;
            }
            for item in &mut items[at + 1..end] {
                item.weight = AFTER_CONTRAST;
            }
        }
        start = end;
    }
}

/// Whether a sentiment item or booster follows item `i` within reach.
fn followed_by_sentiment(items: &[Item], i: usize) -> bool {
    let clause = items[i].clause;
    items
        .iter()
        .skip(i + 1)
        .take(WINDOW)
        .take_while(|item| item.clause == clause)
        .any(|item| item.traits.valence.is_some() || item.traits.booster != 0.0)
}

/// Whether item `i`, a lexicon word that is also a booster or negation,
/// acts as the modifier ("super bien", "no problem") rather than as a word
/// ("c'est super", "no.").
fn acts_as_modifier(items: &[Item], i: usize) -> bool {
    let item = &items[i];
    if item.traits.booster != 0.0 && !item.closes_ne {
        return followed_by_sentiment(items, i);
    }
    item.traits.neg != Neg::None
        && items
            .get(i + 1)
            .is_some_and(|next| next.clause == item.clause && next.traits.valence.is_some())
}

/// The booster scalar of item `j` if it acts as a booster, else 0.
fn active_booster(items: &[Item], j: usize) -> f64 {
    let item = &items[j];
    if item.traits.booster == 0.0 || item.closes_ne {
        return 0.0;
    }
    if item.traits.valence.is_some() && !followed_by_sentiment(items, j) {
        return 0.0;
    }
    f64::from(item.traits.booster)
}

/// Adds punctuation emphasis to `sum` and normalises it into [−1, 1].
fn compound(sum: f64, exclamations: u32, questions: u32) -> f64 {
    if sum == 0.0 {
        return 0.0;
    }
    let mut emphasis = f64::from(exclamations.min(MAX_EXCLAMATIONS)) * EXCLAMATION;
    emphasis += match questions {
        0 | 1 => 0.0,
        2 | 3 => f64::from(questions) * QUESTION,
        _ => MANY_QUESTIONS,
    };
    let sum = sum + emphasis * sum.signum();
    (sum / (sum * sum + ALPHA).sqrt()).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Lang::{English as En, French as Fr};
    use Polarity::{Negative as Neg_, Neutral as Neu, Positive as Pos};

    fn analyze(text: &str, lang: Lang) -> Sentiment {
        Analyzer::shared().analyze(text, lang)
    }

    fn score(text: &str, lang: Lang) -> f64 {
        analyze(text, lang).score
    }

    /// Checks every case and reports all failures at once.
    fn check_all(cases: &[(&str, Lang, Polarity)]) {
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|&(text, lang, expected)| {
                let got = analyze(text, lang);
                (got.polarity != expected)
                    .then(|| format!("{text:?} ({lang:?}): expected {expected}, got {got:?}"))
            })
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// `stronger` has a larger magnitude than `weaker`, with the same sign.
    fn check_stronger(pairs: &[(&str, &str, Lang)]) {
        for &(stronger, weaker, lang) in pairs {
            let (s, w) = (score(stronger, lang), score(weaker, lang));
            assert!(
                w != 0.0 && s.signum() == w.signum() && s.abs() > w.abs(),
                "{stronger:?} ({s}) should be stronger than {weaker:?} ({w})"
            );
        }
    }

    #[test]
    fn plain_english() {
        check_all(&[
            ("I love this community", En, Pos),
            ("This is a great product", En, Pos),
            ("Thanks, that was really helpful", En, Pos),
            ("What a wonderful day", En, Pos),
            ("The service was terrible", En, Neg_),
            ("I hate waiting in line", En, Neg_),
            ("This is the worst update ever", En, Neg_),
            ("The app keeps crashing, so annoying", En, Neg_),
            ("The meeting is at 10am", En, Neu),
            ("The train leaves from platform 4", En, Neu),
            ("Read the minutes of the council", En, Neu),
        ]);
    }

    #[test]
    fn plain_french() {
        check_all(&[
            ("J'adore cette communauté", Fr, Pos),
            ("C'est un excellent film", Fr, Pos),
            ("Ce film est magnifique", Fr, Pos),
            ("Je suis heureux", Fr, Pos),
            ("Merci beaucoup pour votre aide", Fr, Pos),
            ("Bravo à toute l'équipe", Fr, Pos),
            ("C'est nul", Fr, Neg_),
            ("Quelle arnaque", Fr, Neg_),
            ("Je suis triste", Fr, Neg_),
            ("Rien ne va, c'est la catastrophe", Fr, Neg_),
            ("Le train part à 10 heures", Fr, Neu),
            ("La réunion aura lieu demain à la mairie", Fr, Neu),
        ]);
    }

    /// Sentences as French news and posts write them: inflected words,
    /// elided negations, and words whose lexicon valence belongs to an
    /// English sense ("prix", "nouvelle", "unis", "privé").
    #[test]
    fn french_news_sentences() {
        check_all(&[
            (
                "Les boulangers artisanaux s'inquiètent : le prix du blé augmente encore, \
                 et ce n'est pas une bonne nouvelle pour les marges.",
                Fr,
                Neg_,
            ),
            ("Une excellente farine locale pour les boulangers.", Fr, Pos),
            ("Nouvelle farine bio en Bretagne", Fr, Neu),
            ("Les nouvelles baguettes arrivent lundi", Fr, Neu),
            ("Le prix de la farine augmente", Fr, Neu),
            (
                "Les États-Unis et le Royaume-Uni annoncent un sommet",
                Fr,
                Neu,
            ),
            ("Le secteur privé recrute dans la région", Fr, Neu),
            ("Certains habitants seront reçus en mairie", Fr, Neu),
            ("Une grève éclate à Lyon", Fr, Neg_),
            ("Les clients adorent nos baguettes", Fr, Pos),
            ("Nos clientes sont ravies et heureuses", Fr, Pos),
            ("Les clients sont déçus", Fr, Neg_),
            ("Une cliente déçue et furieuse", Fr, Neg_),
            (
                "Les habitants dénoncent une situation inacceptable",
                Fr,
                Neg_,
            ),
            ("Ils s'inquiétaient pour leurs marges", Fr, Neg_),
            ("Ces résultats ne sont pas excellents", Fr, Neg_),
            ("Vous venez à la fête ?", Fr, Pos),
            ("La France et la Belgique", Fr, Neu),
        ]);
    }

    /// An inflected form missing from the lexicon takes its lemma's valence;
    /// a word the rules would wrongly reduce does not.
    #[test]
    fn french_inflections() {
        for (form, lemma) in [
            ("excellente", "excellent"),
            ("excellentes", "excellent"),
            ("heureuses", "heureux"),
            ("inquiètent", "inquiéter"),
            ("inquietent", "inquiéter"),
            ("aimait", "aimer"),
            ("aimeraient", "aimer"),
            ("détestent", "détester"),
            ("catastrophes", "catastrophe"),
            ("victoires", "victoire"),
            ("abandonnées", "abandonné"),
            ("réjouit", "réjouir"),
        ] {
            let (f, l) = (score(form, Fr), score(lemma, Fr));
            assert!(l != 0.0, "{lemma:?} is in the lexicon");
            assert_eq!(f, l, "{form:?} reads as {lemma:?}");
        }
        // Lexicon words inflected forms must not reach (`exact` rows), an
        // accented word that is another word without its accents ("tâche",
        // task, against "tache", stain), and rules that would leave fewer
        // than three letters.
        for word in [
            "venez",
            "base",
            "France",
            "foie",
            "différent",
            "tâche",
            "unes",
        ] {
            assert_eq!(score(word, Fr), 0.0, "{word:?}");
        }
        assert!(score("tache", Fr) < 0.0);
        // A booster's or a negation's inflected form is not one.
        assert_eq!(score("pass", Fr), 0.0);
        // English has no inflection rules: its lexicon lists its forms.
        assert_eq!(score("excellentes", En), 0.0);
    }

    #[test]
    fn english_negation() {
        check_all(&[
            ("This is not good", En, Neg_),
            ("I don't like it", En, Neg_),
            ("I don\u{2019}t like it", En, Neg_),
            ("never happy with this", En, Neg_),
            ("It isn't terrible", En, Pos),
            ("not bad", En, Pos),
            ("no problem", En, Pos),
            ("No.", En, Neg_),
            // A clause boundary ends the reach of a negation.
            ("not, good", En, Pos),
            // An idiom from the lexicon wins over the negation inside it.
            ("I can't stand this", En, Neg_),
        ]);
        assert!(score("not bad", En) > 0.0);
        assert!(score("This is not good", En) < 0.0 && score("This is good", En) > 0.0);
    }

    #[test]
    fn french_negation() {
        check_all(&[
            ("ce n'est pas bon", Fr, Neg_),
            ("c'est pas bon", Fr, Neg_),
            ("je n'aime pas", Fr, Neg_),
            ("je n\u{2019}aime pas ça", Fr, Neg_),
            ("je ne l'aime pas", Fr, Neg_),
            ("je ne suis plus heureux", Fr, Neg_),
            ("je n'ai jamais été heureux", Fr, Neg_),
            ("ce n'est pas du tout bon", Fr, Neg_),
            ("Ce n'est vraiment pas bon", Fr, Neg_),
            ("Personne ne m'aime", Fr, Neg_),
            ("aucun intérêt", Fr, Neg_),
            ("non merci", Fr, Neg_),
            ("pas mal", Fr, Pos),
            ("aucun problème", Fr, Pos),
            ("sans problème", Fr, Pos),
            ("rien de grave", Fr, Pos),
            // "ne ... que" means "only".
            ("je n'aime que toi", Fr, Pos),
            // "pas terrible" means mediocre: "terrible" keeps its polarity.
            ("pas terrible", Fr, Neg_),
            // Without "ne", "plus" means "more".
            ("plus heureux", Fr, Pos),
        ]);
        // "ne ... pas" is one negation, not two.
        assert_eq!(score("ce n'est pas bon", Fr), score("c'est pas bon", Fr));
        assert!(score("j'aime", Fr) > 0.0 && score("je n'aime pas", Fr) < 0.0);
        assert!(score("problème", Fr) < 0.0 && score("sans problème", Fr) > 0.0);
    }

    #[test]
    fn boosters_and_dampeners() {
        check_stronger(&[
            ("very good", "good", En),
            ("very very good", "very good", En),
            ("extremely bad", "bad", En),
            ("good", "kind of good", En),
            ("bad", "slightly bad", En),
            ("très bon", "bon", Fr),
            ("vraiment nul", "nul", Fr),
            ("plus heureux", "heureux", Fr),
            ("super bien", "bien", Fr),
            ("triste", "un peu triste", Fr),
            ("bon", "à peine bon", Fr),
        ]);
        // A booster that is also a lexicon word counts as a word on its own.
        check_all(&[("c'est super", Fr, Pos), ("C'est vraiment", Fr, Pos)]);
    }

    #[test]
    fn capitals_and_exclamations() {
        check_stronger(&[
            ("This is GOOD", "This is good", En),
            ("This is BAD", "This is bad", En),
            ("I'm SO HAPPY today", "I'm so happy today", En),
            ("C'est GÉNIAL", "C'est génial", Fr),
            ("good!", "good", En),
            ("good!!!", "good!", En),
            ("bad!!!", "bad", En),
            ("génial !!!", "génial", Fr),
            ("Terrible??", "Terrible", En),
        ]);
        // Capitals only stand out among lower-case words.
        assert_eq!(score("GOOD", En), score("good", En));
        assert_eq!(score("TRÈS BON", Fr), score("très bon", Fr));
        // Beyond four, exclamation marks add nothing.
        assert_eq!(score("good!!!!", En), score("good!!!!!!!", En));
    }

    #[test]
    fn contrast() {
        check_all(&[
            ("The food was good but the service was awful", En, Neg_),
            ("The food was awful but the service was good", En, Pos),
            ("Le film est beau mais l'histoire est nulle", Fr, Neg_),
            ("L'histoire est nulle mais le film est magnifique", Fr, Pos),
        ]);
        // The part after "but" weighs more than the same part alone.
        check_stronger(&[
            ("ok but awful", "awful", En),
            (
                "c'est triste mais magnifique",
                "c'est triste et magnifique",
                Fr,
            ),
        ]);
        // A contrast only weighs its own sentence.
        assert_eq!(
            score("It is good. But why?", En),
            score("It is good. And why?", En)
        );
    }

    #[test]
    fn case_and_accents() {
        let same = [
            ("génial", "Génial", Fr),
            ("génial", "GENIAL", Fr),
            ("génial", "genial", Fr),
            ("déçu", "decu", Fr),
            ("très bon", "tres bon", Fr),
            ("en colère", "en colere", Fr),
            ("un chef-d'oeuvre", "un chef-d\u{2019}œuvre", Fr),
            ("à peine bon", "a peine bon", Fr),
            ("Good", "gOOD", En),
            ("génial", "ge\u{301}nial", Fr),
        ];
        for (a, b, lang) in same {
            assert_eq!(score(a, lang), score(b, lang), "{a:?} vs {b:?}");
            assert_ne!(score(a, lang), 0.0, "{a:?}");
        }
        check_all(&[("decu", Fr, Neg_), ("tres bon", Fr, Pos)]);
    }

    #[test]
    fn idioms_emoticons_and_noise() {
        check_all(&[
            ("the bomb", En, Pos),
            ("a bomb", En, Neg_),
            ("I feel under the weather", En, Neg_),
            (":)", En, Pos),
            (":(", En, Neg_),
            ("<3", Fr, Pos),
            ("lol", En, Pos),
            ("mdr", Fr, Pos),
            ("je suis en colère", Fr, Neg_),
            // Links and handles are skipped.
            ("check https://great.example/awful", En, Neu),
            ("@happy thanks", En, Pos),
            // Hashtags are read as words.
            ("#love", En, Pos),
        ]);
    }

    #[test]
    fn empty_and_odd_input() {
        for lang in [Fr, En] {
            for text in [
                "",
                "   \n\t ",
                "?!?!...",
                "😀😀🎉",
                "👍🏽❤️‍🔥",
                "日本語のテキスト",
                "'",
                "n'",
                "qu'",
                "-",
                "--- ''' ---",
                "a-b-c",
                "İİİ",
                "\u{301}\u{301}",
                "x\u{200d}y",
            ] {
                let got = analyze(text, lang);
                assert_eq!(
                    got,
                    Sentiment {
                        polarity: Neu,
                        score: 0.0
                    },
                    "{text:?}"
                );
            }
        }
        let long = "great ".repeat(10_000) + &"!".repeat(100);
        let got = analyze(&long, En);
        assert!(got.score > 0.99 && got.score <= 1.0, "{got:?}");
        let long = "horrible ".repeat(10_000);
        assert!(analyze(&long, En).score >= -1.0);
    }

    #[test]
    fn thresholds() {
        assert_eq!(Polarity::from_score(THRESHOLD), Pos);
        assert_eq!(Polarity::from_score(0.049), Neu);
        assert_eq!(Polarity::from_score(0.0), Neu);
        assert_eq!(Polarity::from_score(-0.049), Neu);
        assert_eq!(Polarity::from_score(-THRESHOLD), Neg_);
        // "bien" has a mean valence of 0.2: 0.2 / sqrt(0.04 + 15) ≈ 0.0516.
        let bien = score("bien", Fr);
        assert!(
            (bien - 0.2 / (0.04f64 + 15.0).sqrt()).abs() < 1e-6,
            "{bien}"
        );
        assert_eq!(Polarity::from_score(bien), Pos);
    }

    #[test]
    fn language_codes() {
        assert_eq!(Lang::from_code("fr"), Some(Fr));
        assert_eq!(Lang::from_code("FR"), Some(Fr));
        assert_eq!(Lang::from_code("fr-CA"), Some(Fr));
        assert_eq!(Lang::from_code("fra"), Some(Fr));
        assert_eq!(Lang::from_code("en_GB"), Some(En));
        assert_eq!(Lang::from_code("eng"), Some(En));
        assert_eq!(Lang::from_code("de"), None);
        assert_eq!(Lang::from_code(""), None);
        assert_eq!(Lang::for_code("de"), En);
        assert_eq!(Lang::for_code("fr-BE"), Fr);
        assert_eq!(Fr.code(), "fr");
        assert_eq!(En.code(), "en");
    }

    #[test]
    fn serde_names() {
        assert_eq!(Pos.as_str(), "positive");
        assert_eq!(Neu.as_str(), "neutral");
        assert_eq!(Neg_.as_str(), "negative");
        assert_eq!(Neg_.to_string(), "negative");
        let json = serde_json::to_string(&Sentiment {
            polarity: Pos,
            score: 0.5,
        });
        assert_eq!(
            json.ok().as_deref(),
            Some(r#"{"polarity":"positive","score":0.5}"#)
        );
        let lang: Option<Lang> = serde_json::from_str(r#""fr""#).ok();
        assert_eq!(lang, Some(Fr));
        let polarity: Option<Polarity> = serde_json::from_str(r#""negative""#).ok();
        assert_eq!(polarity, Some(Neg_));
    }

    #[test]
    fn data_files_parse_fully() {
        let analyzer = Analyzer::shared();
        let en = analyzer.english.counts;
        let fr = analyzer.french.counts;
        assert_eq!(en.rejected, 0, "{en:?}");
        assert_eq!(fr.rejected, 0, "{fr:?}");
        // Every non-empty line of en.tsv and fr.tsv is an entry.
        let lines = |text: &str| text.lines().filter(|l| !l.is_empty()).count();
        assert_eq!(en.valences, lines(EN_LEXICON));
        assert_eq!(fr.valences, lines(FR_LEXICON));
        assert!(en.valences > 7000, "{en:?}");
        assert!(fr.valences > 9000, "{fr:?}");
        assert!(en.modifiers > 140 && en.idioms > 20, "{en:?}");
        assert!(fr.modifiers > 100 && fr.idioms == 0, "{fr:?}");
        assert!(fr.inflections >= 40 && en.inflections == 0, "{fr:?}");
        assert_eq!(
            analyzer.french.inflections.first(),
            Some(&("aux".into(), "al".into()))
        );
        assert_eq!(
            analyzer.french.inflections.last(),
            Some(&("e".into(), "".into()))
        );
        assert!(analyzer.french.elisions.len() >= 10);
        assert!(analyzer.english.elisions.is_empty());
        // Spot checks of entries, roles and phrases.
        let get = |lex: &Lexicon, key: &str| lex.map.get(key).map(|e| e.traits);
        let valence = |lex: &Lexicon, key: &str| get(lex, key).and_then(|t| t.valence);
        assert_eq!(valence(&analyzer.english, "good"), Some(1.9));
        assert_eq!(valence(&analyzer.french, "bon"), Some(1.6));
        assert_eq!(valence(&analyzer.french, "fois"), None);
        let booster = get(&analyzer.french, "tres").map(|t| t.booster);
        assert_eq!(booster, Some(BOOST as f32));
        assert_eq!(get(&analyzer.french, "n").map(|t| t.neg), Some(Neg::Ne));
        let phrases = |lex: &Lexicon, key: &str| lex.map.get(key).map_or(0, |e| e.phrases.len());
        assert!(phrases(&analyzer.english, "kind") >= 1);
        assert!(phrases(&analyzer.french, "en") >= 1);
    }
}
