//! Fuzzes the topic query parser and, for every query it accepts, the
//! matcher built from it, run on the input itself as a document (title and
//! text) and explained: nothing may panic, loop or blow the stack.
//!
//! Run: `bash scripts/fuzz.sh query 600` (ten minutes).
#![no_main]

use libfuzzer_sys::fuzz_target;
use relais_veille::{parse, Document, Matcher, Topic};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(query) = parse(text) else {
        return;
    };
    let topics = [Topic {
        name: "t".into(),
        query,
    }];
    let Ok(m) = Matcher::new(&topics) else {
        return;
    };
    let mid = (0..=text.len() / 2)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let (title, body) = text.split_at(mid);
    let doc = Document {
        title,
        text: body,
        author: title,
        site: "www.lemonde.fr",
        lang: "fr",
        source: body,
    };
    let names = m.matching_names(&doc);
    let explained = m.explain(0, &doc).map(|e| e.value);
    assert_eq!(
        explained,
        Some(!names.is_empty()),
        "the explanation agrees with the match"
    );
});
