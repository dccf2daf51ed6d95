#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Spelling with Debian's real Hunspell dictionaries (hunspell-fr, hunspell-en-us).

use relais_compose::spell::{Dictionaries, SYSTEM_DIR};
use relais_core::Locale;
use std::time::Instant;

static SYSTEM: std::sync::OnceLock<Dictionaries> = std::sync::OnceLock::new();

fn system() -> &'static Dictionaries {
    SYSTEM.get_or_init(load)
}

fn load() -> Dictionaries {
    let t = Instant::now();
    let d = Dictionaries::system();
    eprintln!("loaded in {:?}: {:?}", t.elapsed(), d.problems);
    assert!(
        d.fr.is_some() && d.en.is_some(),
        "install hunspell-fr and hunspell-en-us ({SYSTEM_DIR}): {:?}",
        d.problems
    );
    d
}

#[test]
fn the_real_dictionaries_check_french_and_english() {
    let d = system();
    let fr = d.get(Locale::Fr).unwrap();
    for w in [
        "bonjour",
        "Bonjour",
        "l'école",
        "L’école",
        "d'été",
        "peut-être",
        "fête",
        "musique",
        "qu'il",
        "Lundi",
    ] {
        assert!(fr.check(w), "{w}");
    }
    for w in ["bonjoure", "ecole", "musiqe"] {
        assert!(!fr.check(w), "{w}");
    }
    let t = Instant::now();
    let s = fr.suggest("musiqe", 3);
    eprintln!("suggest in {:?}: {s:?}", t.elapsed());
    assert!(s.iter().any(|x| x == "musique"), "{s:?}");
    // Suggesting is bounded: strings that make Hunspell-style suggestion
    // engines search for minutes come back at once (a generous bound, for
    // unoptimised builds on a busy machine).
    for w in ["aaaaaaaaaa", "anticonstitutionellemment", &"a".repeat(300)] {
        let t = Instant::now();
        let _ = fr.suggest(w, 3);
        assert!(t.elapsed().as_secs() < 5, "{w}: {:?}", t.elapsed());
    }
    assert_eq!(
        fr.suggest("ecole", 3).first().map(String::as_str),
        Some("école")
    );
    let en = d.get(Locale::En).unwrap();
    assert!(en.check("colour") || en.check("color"));
    assert!(!en.check("recieve"));
    assert!(fr.knows_folded("fete") && fr.knows_folded("musique"));
}

mod checks_with_dictionaries {
    use super::system;
    use relais_compose::{check_post, CheckOptions, PostInput};
    use relais_core::{Locale, Network};

    fn findings(text: &str, lang: Locale) -> Vec<(&'static str, Option<String>, String)> {
        let d = system();
        let opts = CheckOptions {
            dictionaries: Some(d),
            ..CheckOptions::default()
        };
        let post = PostInput {
            text,
            lang,
            ..PostInput::default()
        };
        check_post(&post, Network::Bluesky, &opts)
            .findings
            .iter()
            .map(|f| (f.check.id, f.suggestion.clone(), f.message(Locale::En)))
            .collect()
    }

    #[test]
    fn a_correct_french_sentence_is_clean_and_a_misspelt_word_is_flagged() {
        let clean = findings(
            "Bonjour à tous ! L’équipe vous attend demain à 9 h pour la fête de la musique : https://exemple.fr/fete @alice #FeteDeLaMusique",
            Locale::Fr,
        );
        assert!(clean.is_empty(), "{clean:?}");
        let bad = findings("Bonjour, la musiqe commence demain.", Locale::Fr);
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert_eq!(bad[0].0, "compose.spelling");
        assert!(bad[0].2.contains("musiqe"));
        assert!(
            bad[0].1.as_deref().unwrap_or("").contains("musique"),
            "{bad:?}"
        );
    }

    #[test]
    fn english_spelling() {
        assert!(findings("We are open tomorrow, see you there!", Locale::En).is_empty());
        let bad = findings("We recieve orders until noon.", Locale::En);
        assert_eq!(
            bad.iter().map(|f| f.0).collect::<Vec<_>>(),
            ["compose.spelling"]
        );
    }

    #[test]
    fn lower_case_hashtags_are_split_with_the_dictionary() {
        let f = findings(
            "Bonne journée #fetedelamusique #lundimotivation",
            Locale::Fr,
        );
        let s: Vec<Option<&str>> = f.iter().map(|x| x.1.as_deref()).collect();
        assert_eq!(
            s,
            [Some("#FeteDeLaMusique"), Some("#LundiMotivation")],
            "{f:?}"
        );
        assert!(findings("Bonne journée #boulangerie", Locale::Fr).is_empty());
    }

    #[test]
    fn an_empty_directory_gives_the_unavailable_finding() {
        let dir = tempdir();
        let d = relais_compose::Dictionaries::load_dir(&dir);
        let opts = CheckOptions {
            dictionaries: Some(&d),
            ..CheckOptions::default()
        };
        let post = PostInput {
            text: "Bonjour",
            ..PostInput::default()
        };
        let r = check_post(&post, Network::X, &opts);
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].check.id, "compose.spelling_unavailable");
        assert_eq!(
            r.findings[0].message(Locale::Fr),
            "Orthographe non vérifiée : dictionnaire indisponible (fr)."
        );
        let _ = std::fs::remove_dir(&dir);
    }

    fn tempdir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("relais-empty-dict-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
