//! The composer's rules and checks (001 C2.3–C2.4, 003 C4, 000 2.2): each
//! network's limits as data ([`rules`]), length as each network counts it
//! ([`count`]), accessibility, legal, UGC and spelling checks ([`checks`]), Hunspell
//! dictionaries ([`spell`]) and UTM tagging ([`utm`]).
//!
//! Pure: no database, network or async runtime. The only I/O is
//! [`spell::Dictionaries::load_dir`], which reads dictionary files.
//!
//! Crates, chosen for being maintained, pure Rust and doing one thing:
//! - `unicode-segmentation` (unicode-rs): extended grapheme clusters per UAX #29,
//!   the unit Bluesky and Mastodon count; the reference Rust implementation.
//! - `unicode-normalization` (unicode-rs): NFC, which twitter-text applies before
//!   weighing; its quick check avoids allocating for text already in NFC.
//! - `linkify`: finds URLs the way people write them (trailing punctuation and
//!   unbalanced brackets left out), without regexes, so it is fast.
//! - `emojis`: the full RGI emoji list (ZWJ sequences, skin tones, flags,
//!   keycaps, unqualified forms) with an O(1) lookup of a grapheme cluster;
//!   `unic-emoji-char` is unmaintained and only knows single code points.
//! - `spellbook` (Helix editor team): a pure-Rust Hunspell-compatible checker that
//!   reads Debian's `hunspell-fr` and `hunspell-en-us` files as they are.
//! - `url`: the WHATWG URL parser, to add UTM parameters without breaking links.

pub mod checks;
pub mod count;
pub mod rules;
pub mod spell;
pub mod utm;

pub use checks::{
    catalog, check_networks, check_post, CheckOptions, NetworkReport, NetworkReportView, PostInput,
};
pub use count::{analyse, length, TextStats};
pub use rules::{rules, Counting, NetworkRules};
pub use spell::Dictionaries;
