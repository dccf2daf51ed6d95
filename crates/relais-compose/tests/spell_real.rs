#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Spelling with Debian's real Hunspell dictionaries (hunspell-fr, hunspell-en-us).

use relais_compose::spell::{Dictionaries, SYSTEM_DIR};
use relais_core::Locale;
use std::time::Instant;

fn system() -> Dictionaries {
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
    for w in ["bonjour", "Bonjour", "l'école", "L’école", "d'été", "peut-être", "fête", "musique", "qu'il", "Lundi"] {
        assert!(fr.check(w), "{w}");
    }
    for w in ["bonjoure", "ecole", "musiqe"] {
        assert!(!fr.check(w), "{w}");
    }
    let t = Instant::now();
    let s = fr.suggest("musiqe", 3);
    eprintln!("suggest in {:?}: {s:?}", t.elapsed());
    assert!(s.iter().any(|x| x == "musique"), "{s:?}");
    let en = d.get(Locale::En).unwrap();
    assert!(en.check("colour") || en.check("color"));
    assert!(!en.check("recieve"));
    assert!(fr.knows_folded("fete") && fr.knows_folded("musique"));
}
