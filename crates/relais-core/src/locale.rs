//! The UI languages and the choice between them (user setting, then Accept-Language).

use serde::{Deserialize, Serialize};

/// A UI language. French is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Fr,
    En,
}

impl Locale {
    /// Every supported locale, the default first.
    pub const ALL: [Locale; 2] = [Locale::Fr, Locale::En];

    /// The BCP 47 tag, used in `<html lang>` and stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }

    /// Parses a stored tag (`fr`, `en`).
    pub fn parse(s: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// Picks a locale from an `Accept-Language` header value (RFC 9110 §12.5.4):
    /// the supported language with the highest quality wins; ties keep header
    /// order; nothing usable gives the default (French).
    pub fn negotiate(accept_language: &str) -> Locale {
        let mut best: Option<(f32, Locale)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.trim().split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let primary = tag.split('-').next().unwrap_or("");
            let mut q = 1.0_f32;
            for param in parts {
                if let Some(v) = param.trim().strip_prefix("q=") {
                    q = v.trim().parse().unwrap_or(0.0);
                }
            }
            let Some(locale) = Locale::parse(primary) else {
                continue;
            };
            if q <= 0.0 {
                continue;
            }
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, locale));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_table() {
        let cases = [
            ("", Locale::Fr),
            ("en", Locale::En),
            ("en-US,en;q=0.9", Locale::En),
            ("fr-FR,fr;q=0.9,en;q=0.8", Locale::Fr),
            ("de-DE,en;q=0.5", Locale::En),
            ("de, it", Locale::Fr),
            ("en;q=0.2, fr;q=0.7", Locale::Fr),
            ("en;q=0, fr;q=0", Locale::Fr),
            ("EN-gb", Locale::En),
            ("*", Locale::Fr),
            ("en;q=garbage", Locale::Fr),
            ("en;q=0.5, fr;q=0.5", Locale::En),
        ];
        for (header, expected) in cases {
            assert_eq!(Locale::negotiate(header), expected, "{header:?}");
        }
    }
}
