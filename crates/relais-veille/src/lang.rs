//! Language detection: which language an item is written in, as an
//! ISO 639-1 code, or nothing when the text does not say so reliably.
//!
//! The statistics are `whatlang`'s (trigram profiles of 70 languages,
//! no model file, a few microseconds per post). Before asking it, the text
//! is stripped of what belongs to no language and only misleads trigram
//! statistics on social posts: links, `@mentions` and `#hashtags`.
//!
//! [`detect`] answers `None` when, after that cleaning, the text has fewer
//! than [`MIN_LETTERS`] letters, or when `whatlang` does not call its own
//! guess reliable (its confidence, how far the best language is ahead of the
//! second, adjusted for the length of the text). A wrong language is worse
//! than none: it would file the item under the wrong sentiment lexicon and
//! the wrong filters. [`detect_among`] restricts the guess to the languages
//! a workspace actually follows, which makes short texts and French written
//! without accents (the common case on phones) far more dependable.

use std::fmt;
use std::str::FromStr;

use whatlang::Lang as W;

/// Fewer letters than this (after removing links, mentions and hashtags)
/// and [`detect`] does not guess: a dozen letters are a word or two, which
/// several languages share.
pub const MIN_LETTERS: usize = 12;

/// A language, by its ISO 639-1 code (`"fr"`, `"en"`, …). Only the languages
/// that detection can return exist: the 70 of `whatlang`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(&'static str);

impl Lang {
    /// French.
    pub const FR: Lang = Lang("fr");
    /// English.
    pub const EN: Lang = Lang("en");

    /// The ISO 639-1 code, lowercase.
    pub fn code(self) -> &'static str {
        self.0
    }

    /// The language of an ISO 639-1 code (case-insensitive), if detection
    /// knows it.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::all().find(|l| l.0.eq_ignore_ascii_case(code))
    }

    /// Every language detection can return.
    pub fn all() -> impl Iterator<Item = Lang> {
        W::all().iter().map(|&w| from_whatlang(w))
    }

    fn to_whatlang(self) -> Option<W> {
        W::all().iter().copied().find(|&w| from_whatlang(w) == self)
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lang({})", self.0)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// The error of parsing an unknown language code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown or unsupported language code {0:?}")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::from_code(s.trim()).ok_or_else(|| UnknownLang(s.to_owned()))
    }
}

impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

/// The ISO 639-1 code of a `whatlang` language (ISO 639-3). An exhaustive
/// `match`, so that a `whatlang` upgrade adding a language fails to compile
/// here rather than returning nothing. `whatlang` names macrolanguage members
/// where ISO 639-1 names the macrolanguage: Mandarin → `zh`, Iranian Persian
/// → `fa`, Bokmål → `nb`.
fn from_whatlang(lang: W) -> Lang {
    Lang(match lang {
        W::Afr => "af",
        W::Aka => "ak",
        W::Amh => "am",
        W::Ara => "ar",
        W::Aze => "az",
        W::Bel => "be",
        W::Ben => "bn",
        W::Bul => "bg",
        W::Cat => "ca",
        W::Ces => "cs",
        W::Cmn => "zh",
        W::Cym => "cy",
        W::Dan => "da",
        W::Deu => "de",
        W::Ell => "el",
        W::Eng => "en",
        W::Epo => "eo",
        W::Est => "et",
        W::Fin => "fi",
        W::Fra => "fr",
        W::Guj => "gu",
        W::Heb => "he",
        W::Hin => "hi",
        W::Hrv => "hr",
        W::Hun => "hu",
        W::Hye => "hy",
        W::Ind => "id",
        W::Ita => "it",
        W::Jav => "jv",
        W::Jpn => "ja",
        W::Kan => "kn",
        W::Kat => "ka",
        W::Khm => "km",
        W::Kor => "ko",
        W::Lat => "la",
        W::Lav => "lv",
        W::Lit => "lt",
        W::Mal => "ml",
        W::Mar => "mr",
        W::Mkd => "mk",
        W::Mya => "my",
        W::Nep => "ne",
        W::Nld => "nl",
        W::Nob => "nb",
        W::Ori => "or",
        W::Pan => "pa",
        W::Pes => "fa",
        W::Pol => "pl",
        W::Por => "pt",
        W::Ron => "ro",
        W::Rus => "ru",
        W::Sin => "si",
        W::Slk => "sk",
        W::Slv => "sl",
        W::Sna => "sn",
        W::Spa => "es",
        W::Srp => "sr",
        W::Swe => "sv",
        W::Tam => "ta",
        W::Tel => "te",
        W::Tgl => "tl",
        W::Tha => "th",
        W::Tuk => "tk",
        W::Tur => "tr",
        W::Ukr => "uk",
        W::Urd => "ur",
        W::Uzb => "uz",
        W::Vie => "vi",
        W::Yid => "yi",
        W::Zul => "zu",
    })
}

/// The text without links, `@mentions` and `#hashtags` (whitespace-separated
/// tokens starting with them), and the number of letters left.
fn clean(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut letters = 0;
    for token in text.split_whitespace() {
        if token.starts_with('@')
            || token.starts_with('#')
            || starts_with_ignore_ascii_case(token, "http://")
            || starts_with_ignore_ascii_case(token, "https://")
            || starts_with_ignore_ascii_case(token, "www.")
        {
            continue;
        }
        // "RT" opening a repost is no word of any language.
        if out.is_empty() && token == "RT" {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(token);
        letters += token.chars().filter(|c| c.is_alphabetic()).count();
    }
    (out, letters)
}

/// Whether `token` starts with the ASCII `prefix`, ignoring ASCII case
/// (without lowercasing a copy of every token).
fn starts_with_ignore_ascii_case(token: &str, prefix: &str) -> bool {
    token
        .as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// The language of `text`, or `None` when it is too short (fewer than
/// [`MIN_LETTERS`] letters once links, mentions and hashtags are removed)
/// or `whatlang` does not find its guess reliable.
pub fn detect(text: &str) -> Option<Lang> {
    let (cleaned, letters) = clean(text);
    if letters < MIN_LETTERS {
        return None;
    }
    let info = whatlang::detect(&cleaned)?;
    info.is_reliable().then(|| from_whatlang(info.lang()))
}

/// The confidence [`detect_among`] requires, on `whatlang`'s scale (1 =
/// the winner is ahead by what `whatlang` deems certain for a text of that
/// length; [`detect`] requires more than 0.9). Choosing between a few known
/// languages is a much easier question than among 70, so a fifth of
/// certainty is enough: `"thanks a lot for your help yesterday"` (0.25
/// between French and English) passes, `"Emmanuel Macron Joe Biden"` (0.09)
/// or `"lol mdr ptdr xptdr"` (0) do not.
pub const AMONG_MIN_CONFIDENCE: f64 = 0.2;

/// Like [`detect`], but choosing only among `candidates` (the languages a
/// workspace follows), with the lower bar [`AMONG_MIN_CONFIDENCE`]. With one
/// candidate, this only tells whether the text has enough letters; with
/// none, it answers `None`.
pub fn detect_among(text: &str, candidates: &[Lang]) -> Option<Lang> {
    let allow: Vec<W> = candidates.iter().filter_map(|l| l.to_whatlang()).collect();
    if allow.is_empty() {
        return None;
    }
    let (cleaned, letters) = clean(text);
    if letters < MIN_LETTERS {
        return None;
    }
    if let [only] = allow.as_slice() {
        return Some(from_whatlang(*only));
    }
    let detector = whatlang::Detector::with_allowlist(allow);
    let info = detector.detect(&cleaned)?;
    (info.confidence() >= AMONG_MIN_CONFIDENCE).then(|| from_whatlang(info.lang()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_two_letters_and_round_trip() {
        for &w in W::all() {
            let lang = from_whatlang(w);
            assert_eq!(lang.code().len(), 2, "{w:?}");
            assert_eq!(
                Lang::from_code(lang.code()).and_then(Lang::to_whatlang),
                Some(w)
            );
        }
        let mut codes: Vec<_> = Lang::all().map(Lang::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 70, "duplicate ISO 639-1 code");
    }

    #[test]
    fn codes_parse_and_print() {
        assert_eq!("fr".parse::<Lang>(), Ok(Lang::FR));
        assert_eq!(" EN ".parse::<Lang>(), Ok(Lang::EN));
        assert!("xx".parse::<Lang>().is_err());
        assert!("fra".parse::<Lang>().is_err());
        assert_eq!(Lang::FR.to_string(), "fr");
        assert_eq!(format!("{:?}", Lang::EN), "Lang(en)");
        assert_eq!(Lang::all().count(), 70);
        let json = serde_json::to_string(&Lang::FR).unwrap();
        assert_eq!(json, "\"fr\"");
        assert_eq!(serde_json::from_str::<Lang>("\"de\"").unwrap().code(), "de");
        assert!(serde_json::from_str::<Lang>("\"zz\"").is_err());
    }

    #[test]
    fn detects_french_and_english() {
        let table: &[(&str, Option<Lang>)] = &[
            (
                "La mairie a annoncé la fermeture de la piscine municipale pendant tout l'été, \
                 les habitants du quartier sont très mécontents.",
                Some(Lang::FR),
            ),
            (
                "The city council announced that the public swimming pool will be closed for \
                 the whole summer, and residents are not happy about it.",
                Some(Lang::EN),
            ),
            // French typed without accents.
            (
                "la mairie a annonce la fermeture de la piscine pendant tout l ete, les \
                 habitants du quartier sont tres mecontents et le disent",
                Some(Lang::FR),
            ),
            (
                "franchement le service client est nul, ca fait trois semaines que j attends \
                 ma commande et personne ne repond",
                Some(Lang::FR),
            ),
            (
                "honestly the customer service is terrible, I have been waiting three weeks \
                 for my order and nobody answers",
                Some(Lang::EN),
            ),
            // Links, mentions and hashtags do not get in the way.
            (
                "RT @relais_app: Nous recrutons une personne pour animer la communauté \
                 locale https://example.com/offre?utm_source=x #emploi #Lyon",
                Some(Lang::FR),
            ),
            (
                "@bob we are hiring someone to run our local community, see \
                 https://example.com/jobs #hiring",
                Some(Lang::EN),
            ),
        ];
        for (text, expected) in table {
            assert_eq!(detect(text), *expected, "detect({text:?})");
        }
    }

    #[test]
    fn links_are_recognised_in_any_case() {
        let (cleaned, letters) =
            clean("RT Voir HTTPS://Example.com/a Www.Example.com http://x hTTp:/ www @a #b é.té");
        assert_eq!(cleaned, "Voir hTTp:/ www é.té");
        assert_eq!(letters, 4 + 4 + 3 + 3);
        assert!(starts_with_ignore_ascii_case("WWW.é", "www."));
        assert!(!starts_with_ignore_ascii_case("ww", "www."));
        assert!(!starts_with_ignore_ascii_case("wwé.", "www."));
    }

    #[test]
    fn short_or_empty_texts_give_none() {
        for text in [
            "",
            "   ",
            "ok",
            "merci !",
            "lol 😂😂😂",
            "https://example.com/a-very-long-link-with-many-words-in-it",
            "@someone @someone_else #tag #another_tag",
            "12345 678 90 !!! ???",
        ] {
            assert_eq!(detect(text), None, "detect({text:?})");
            assert_eq!(detect_among(text, &[Lang::FR, Lang::EN]), None);
        }
    }

    #[test]
    fn restricting_the_candidates_settles_short_texts() {
        let fr_en = [Lang::FR, Lang::EN];
        let table: &[(&str, Lang)] = &[
            ("je suis tres content de ce resultat", Lang::FR),
            ("merci pour votre aide precieuse hier", Lang::FR),
            ("thanks a lot for your help yesterday", Lang::EN),
            ("what a wonderful evening it was", Lang::EN),
            ("le chat est sur la table", Lang::FR),
            ("bonne journee a tous", Lang::FR),
            ("meeting tomorrow morning", Lang::EN),
        ];
        for (text, expected) in table {
            assert_eq!(detect_among(text, &fr_en), Some(*expected), "{text:?}");
        }
        // Not a sentence of either language: still no guess.
        for text in [
            "Emmanuel Macron Joe Biden",
            "lol mdr ptdr xptdr",
            "rdv demain 14h",
        ] {
            assert_eq!(detect_among(text, &fr_en), None, "{text:?}");
        }
        // Among all 70, the same short texts are not reliable.
        assert_eq!(detect("le chat est sur la table"), None);
        assert_eq!(
            detect_among("thanks a lot for your help yesterday", &[]),
            None
        );
        assert_eq!(
            detect_among("thanks a lot for your help yesterday", &[Lang::EN]),
            Some(Lang::EN)
        );
    }

    #[test]
    fn other_languages_map_to_two_letter_codes() {
        let table: &[(&str, &str)] = &[
            (
                "Der Stadtrat hat beschlossen, das Schwimmbad den ganzen Sommer über zu \
                 schließen, und die Anwohner sind darüber nicht glücklich.",
                "de",
            ),
            (
                "El ayuntamiento anunció que la piscina municipal estará cerrada durante todo \
                 el verano y los vecinos no están contentos.",
                "es",
            ),
            (
                "Городской совет объявил, что бассейн будет закрыт всё лето, и жители этим \
                 недовольны.",
                "ru",
            ),
        ];
        for (text, code) in table {
            assert_eq!(detect(text).map(Lang::code), Some(*code), "{text:?}");
        }
    }
}
