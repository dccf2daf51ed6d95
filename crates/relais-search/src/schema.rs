//! The index schema and its text analysers.
//!
//! Each item is indexed in the fields of one language family, chosen by its
//! detected language:
//!
//! | family  | languages | analysis of `title_*` / `text_*`                                   |
//! |---------|-----------|--------------------------------------------------------------------|
//! | `fr`    | `fr`      | words → lower case → ASCII folding → French Snowball stemmer        |
//! | `en`    | `en`      | words → lower case → ASCII folding → English Snowball (Porter 2)    |
//! | `plain` | any other | words → lower case → ASCII folding (no stemming)                    |
//!
//! Words are runs of Unicode letters and digits (tantivy's `SimpleTokenizer`);
//! words longer than 40 bytes are dropped. Folding runs *before* the stemmer
//! so that a word typed with or without its accents reaches the stemmer as
//! the same string and gets the same stem: stemming first, the English
//! stemmer made `élections` into `election` but `elections` into `elect`
//! (it does not count `é` as a vowel). The French stemmer, fed unaccented
//! text, still joins the forms search relies on (`élections`/`élection` →
//! `elect`, `sociétés`/`société` → `societ`, `grèves` → `grev`); it does not
//! join words of another derivation (`électoral` stays `electoral`).
//!
//! A search analyses each word with the analyser of every family it looks
//! into, so `élections` becomes `election` in the French and English fields
//! and `elections` in the plain ones.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, STORED,
    STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

/// Bumped whenever the schema or an analyser changes; an index written with
/// another version is rebuilt empty (and reindexed from the store).
pub const SCHEMA_VERSION: u32 = 1;
/// The file, next to tantivy's, that records [`SCHEMA_VERSION`].
pub const VERSION_FILE: &str = "relais-search-version";

/// A language family: which analysed fields an item goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    Fr,
    En,
    Plain,
}

impl Family {
    pub(crate) const ALL: [Family; 3] = [Family::Fr, Family::En, Family::Plain];

    /// The family of an ISO 639-1 language code (case-insensitive); unknown
    /// or absent languages are `Plain`.
    pub(crate) fn of(lang: Option<&str>) -> Family {
        match lang.map(|l| l.trim().to_ascii_lowercase()) {
            Some(l) if l == "fr" => Family::Fr,
            Some(l) if l == "en" => Family::En,
            _ => Family::Plain,
        }
    }

    fn tokenizer_name(self) -> &'static str {
        match self {
            Family::Fr => "relais_fr",
            Family::En => "relais_en",
            Family::Plain => "relais_plain",
        }
    }

    fn index(self) -> usize {
        match self {
            Family::Fr => 0,
            Family::En => 1,
            Family::Plain => 2,
        }
    }
}

/// The analyser of a family.
pub(crate) fn analyzer(family: Family) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser);
    match family {
        Family::Fr => base
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::French))
            .build(),
        Family::En => base
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build(),
        Family::Plain => base.filter(AsciiFoldingFilter).build(),
    }
}

/// Registers the three analysers on an index (tantivy does not persist them).
pub(crate) fn register_analyzers(index: &tantivy::Index) {
    for family in Family::ALL {
        index
            .tokenizers()
            .register(family.tokenizer_name(), analyzer(family));
    }
}

/// The fields of the schema.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub item_id: Field,
    pub workspace_id: Field,
    pub source_id: Field,
    pub topic_ids: Field,
    pub lang: Field,
    pub sentiment: Field,
    pub published_us: Field,
    pub author: Field,
    titles: [Field; 3],
    texts: [Field; 3],
}

impl Fields {
    pub(crate) fn title(&self, family: Family) -> Field {
        self.titles[family.index()]
    }

    pub(crate) fn text(&self, family: Family) -> Field {
        self.texts[family.index()]
    }
}

/// Builds the schema and its fields. Identical on every call, so an opened
/// index's schema can be compared with it.
pub(crate) fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let id = NumericOptions::default().set_indexed().set_fast();
    let filter = NumericOptions::default().set_indexed();
    let item_id = builder.add_i64_field("item_id", id.clone());
    let workspace_id = builder.add_i64_field("workspace_id", filter.clone());
    let source_id = builder.add_i64_field("source_id", filter.clone());
    let topic_ids = builder.add_i64_field("topic_ids", filter);
    let lang = builder.add_text_field("lang", STRING | STORED);
    let sentiment = builder.add_text_field("sentiment", STRING);
    let published_us = builder.add_i64_field("published_us", id);
    let analysed = |family: Family, stored: bool| {
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(family.tokenizer_name())
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let author = builder.add_text_field("author", analysed(Family::Plain, false));
    let titles = [
        builder.add_text_field("title_fr", analysed(Family::Fr, true)),
        builder.add_text_field("title_en", analysed(Family::En, true)),
        builder.add_text_field("title_plain", analysed(Family::Plain, true)),
    ];
    let texts = [
        builder.add_text_field("text_fr", analysed(Family::Fr, true)),
        builder.add_text_field("text_en", analysed(Family::En, true)),
        builder.add_text_field("text_plain", analysed(Family::Plain, true)),
    ];
    (
        builder.build(),
        Fields {
            item_id,
            workspace_id,
            source_id,
            topic_ids,
            lang,
            sentiment,
            published_us,
            author,
            titles,
            texts,
        },
    )
}

/// The terms an analyser makes of `text`, with their positions.
pub(crate) fn analyse(analyzer: &TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut analyzer = analyzer.clone();
    let mut stream = analyzer.token_stream(text);
    let mut terms = Vec::new();
    while stream.advance() {
        let token = stream.token();
        terms.push((token.position, token.text.clone()));
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(family: Family, text: &str) -> Vec<String> {
        analyse(&analyzer(family), text)
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }

    /// What the stemmers really do: these are the cases search relies on.
    /// French Snowball reduces plurals and some derivations but not every
    /// related word (`électoral` stays apart from `élection`).
    #[test]
    fn stemming_and_folding() {
        let cases: &[(Family, &str, &[&str])] = &[
            (
                Family::Fr,
                "élections Élection elections election",
                &["elect"; 4],
            ),
            (
                Family::Fr,
                "sociétés société societe societes",
                &["societ"; 4],
            ),
            (Family::Fr, "Économie économiques economie", &["econom"; 3]),
            (Family::Fr, "grève grèves greve", &["grev"; 3]),
            (Family::Fr, "électoral électorale", &["electoral"; 2]),
            (Family::En, "running runs run", &["run"; 3]),
            (Family::En, "Elections election élections", &["elect"; 3]),
            (Family::Plain, "Élections Straße", &["elections", "strasse"]),
            (
                Family::Plain,
                "l'État, c'est-à-dire",
                &["l", "etat", "c", "est", "a", "dire"],
            ),
            (Family::Plain, "??? !!! ...", &[]),
        ];
        for (family, text, expected) in cases {
            assert_eq!(&terms(*family, text), expected, "{family:?} {text:?}");
        }
    }

    #[test]
    fn families_of_languages() {
        assert_eq!(Family::of(Some("fr")), Family::Fr);
        assert_eq!(Family::of(Some("EN")), Family::En);
        assert_eq!(Family::of(Some("de")), Family::Plain);
        assert_eq!(Family::of(None), Family::Plain);
    }

    #[test]
    fn the_schema_is_the_same_on_every_build() {
        assert_eq!(build().0, build().0);
    }
}
