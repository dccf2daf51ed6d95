//! UI text in French (default) and English, through Project Fluent.
//!
//! The messages live in `locales/<lang>/<module>.ftl`, embedded at build time. Fluent
//! handles plural rules (CLDR) and arguments; a test checks that both languages
//! define exactly the same keys and that every key the code uses exists.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentResource, FluentValue};
use relais_core::Locale;

pub use fluent_bundle::FluentArgs;

/// The message files of one language, by module; each module owns one file per
/// language, and both languages list the same modules.
macro_rules! files {
    ($lang:literal) => {
        [
            include_str!(concat!("../locales/", $lang, "/base.ftl")),
            include_str!(concat!("../locales/", $lang, "/charter.ftl")),
            include_str!(concat!("../locales/", $lang, "/calendar.ftl")),
            include_str!(concat!("../locales/", $lang, "/composer.ftl")),
            include_str!(concat!("../locales/", $lang, "/approval.ftl")),
            include_str!(concat!("../locales/", $lang, "/interop.ftl")),
            include_str!(concat!("../locales/", $lang, "/publishing.ftl")),
            include_str!(concat!("../locales/", $lang, "/veille.ftl")),
            include_str!(concat!("../locales/", $lang, "/veille_sources.ftl")),
            include_str!(concat!("../locales/", $lang, "/veille_query.ftl")),
        ]
    };
}

const FR: &[&str] = &files!("fr");
const EN: &[&str] = &files!("en");

/// A message file failed to parse or load.
#[derive(Debug, thiserror::Error)]
#[error("invalid {locale} messages: {detail}")]
pub struct I18nError {
    pub locale: &'static str,
    pub detail: String,
}

/// The loaded messages of every supported language.
pub struct I18n {
    fr: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I18n { fr, en }")
    }
}

fn bundle(
    locale: Locale,
    sources: &[&'static str],
) -> Result<FluentBundle<FluentResource>, I18nError> {
    let err = |detail: String| I18nError {
        locale: locale.as_str(),
        detail,
    };
    let lang = locale.as_str().parse().map_err(|e| err(format!("{e:?}")))?;
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // The text goes into HTML that is already escaped and marked with lang: no
    // Unicode isolation marks around arguments.
    bundle.set_use_isolating(false);
    for source in sources {
        let resource = FluentResource::try_new(source.to_string())
            .map_err(|(_, errors)| err(format!("{errors:?}")))?;
        // A key defined in two files is an error, not a silent override.
        bundle
            .add_resource(resource)
            .map_err(|errors| err(format!("{errors:?}")))?;
    }
    Ok(bundle)
}

impl I18n {
    /// Loads the embedded messages.
    pub fn new() -> Result<I18n, I18nError> {
        Ok(I18n {
            fr: bundle(Locale::Fr, FR)?,
            en: bundle(Locale::En, EN)?,
        })
    }

    fn bundle(&self, locale: Locale) -> &FluentBundle<FluentResource> {
        match locale {
            Locale::Fr => &self.fr,
            Locale::En => &self.en,
        }
    }

    /// Whether `key` exists in `locale`.
    pub fn has(&self, locale: Locale, key: &str) -> bool {
        self.bundle(locale).has_message(key)
    }

    /// The message `key` in `locale`, with `args`. A missing key yields the key
    /// itself (tests make sure none is missing).
    pub fn format(&self, locale: Locale, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = self.bundle(locale);
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_string();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    /// The message `key` without arguments.
    pub fn t(&self, locale: Locale, key: &str) -> String {
        self.format(locale, key, None)
    }

    /// The message `key` with one argument.
    pub fn t1<'a>(
        &self,
        locale: Locale,
        key: &str,
        name: &'a str,
        value: impl Into<FluentValue<'a>>,
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(name, value);
        self.format(locale, key, Some(&args))
    }

    /// Every message key of a language (for tests).
    pub fn keys(locale: Locale) -> Vec<String> {
        let sources = match locale {
            Locale::Fr => FR,
            Locale::En => EN,
        };
        sources
            .iter()
            .flat_map(|s| s.lines())
            .filter_map(|l| {
                let (key, _) = l.split_once(" =")?;
                let ok = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                ok.then(|| key.to_string())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_load_and_define_the_same_keys() {
        let i18n = I18n::new().unwrap();
        let mut fr = I18n::keys(Locale::Fr);
        let mut en = I18n::keys(Locale::En);
        assert!(fr.len() > 50, "{}", fr.len());
        fr.sort();
        en.sort();
        let only_fr: Vec<_> = fr.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !fr.contains(k)).collect();
        assert!(
            only_fr.is_empty() && only_en.is_empty(),
            "only in fr: {only_fr:?}; only in en: {only_en:?}"
        );
        for key in &fr {
            assert!(
                i18n.has(Locale::Fr, key) && i18n.has(Locale::En, key),
                "{key}"
            );
        }
        let mut dedup = fr.clone();
        dedup.dedup();
        assert_eq!(dedup.len(), fr.len(), "a key is defined twice");
    }

    #[test]
    fn plural_rules_follow_each_language() {
        let i18n = I18n::new().unwrap();
        // French: 0 and 1 are singular; English: only 1 is.
        assert_eq!(i18n.t1(Locale::Fr, "members-count", "count", 0), "0 membre");
        assert_eq!(i18n.t1(Locale::Fr, "members-count", "count", 1), "1 membre");
        assert_eq!(
            i18n.t1(Locale::Fr, "members-count", "count", 2),
            "2 membres"
        );
        assert_eq!(
            i18n.t1(Locale::En, "members-count", "count", 0),
            "0 members"
        );
        assert_eq!(i18n.t1(Locale::En, "members-count", "count", 1), "1 member");
        assert_eq!(
            i18n.t1(Locale::En, "members-count", "count", 2),
            "2 members"
        );
        assert_eq!(i18n.t(Locale::En, "no-such-key"), "no-such-key");
    }
}
