//! Veille (monitoring), the pure part (001 C1.1–C1.3, 000 1.1, 002 21,
//! 003 C1, 004 1.1).
//!
//! Pure: no database, network or async runtime; the worker and the CLI feed
//! it text and instants.
//!
//! Modules:
//! - [`text`]: text folded into words (case, accents, ligatures), the one
//!   notion of a word the matcher uses.
//! - [`query`]: the topic query language, with positioned errors and hints.
//! - [`matcher`]: every topic compiled into one word-level multi-pattern
//!   matcher (a hash table of words, a table of prefixes, an Aho–Corasick
//!   automaton over phrase words), with explanations.
//! - [`sentiment`]: VADER-style sentiment in French and English, lexicons of
//!   vaderSentiment 3.3.2 and vaderSentiment-fr 1.3.4 (MIT; see
//!   `data/sentiment/README.md`).
//! - [`canon`]: canonical URLs (tracking parameters, fragments, default
//!   ports removed) and the exact-duplicate key of an item (GUID, else
//!   canonical URL).
//! - [`neardup`]: streaming near-duplicate clustering (MinHash + LSH
//!   banding over folded word shingles), one cluster per story.
//! - [`lang`]: language detection to ISO 639-1 codes, `None` when unsure.
//! - [`spike`]: spike alerts (volume, negative share) of an hour against the
//!   same hour of day over the previous days.
//!
//! Crates, chosen for being maintained, pure Rust and doing one thing:
//! - `hashbrown` (the SwissTable under the standard `HashMap`), for its
//!   `HashTable`: the matcher's word and prefix tables are looked up with a
//!   hash the matcher computes itself, eight bytes at a time, so that the
//!   hashes of a word's prefixes come from the same load as the word's, and
//!   each word is hashed once. The standard `HashMap` cannot take a
//!   precomputed hash.
//!   (`aho-corasick` served before, over a folded copy of the text: its
//!   byte automaton ran at about 200 MB/s with 3,500 patterns and outgrew
//!   the caches at 24,000; looking whole words up does a few operations per
//!   word instead of a table walk per byte.)
//! - `unicode-normalization`, `unicode-segmentation` (unicode-rs): accent
//!   folding (NFD, combining marks dropped) and, for near-duplicate shingles,
//!   Unicode word boundaries (UAX #29).
//! - `url`: WHATWG URL parsing and serialisation (host case, IDNA, default
//!   ports, dot segments), already the workspace's URL type.
//! - `xxhash-rust` (xxh3 only): a fast, well-distributed, fixed-seed 64-bit
//!   hash of words for the shingles; MinHash needs no cryptographic hash, and
//!   a fixed function keeps clusters identical across runs and machines.
//! - `whatlang` (MIT): trigram language identification for 70 languages,
//!   its profiles compiled in, microseconds per post. `lingua` is more
//!   accurate on very short texts, but pulls a model crate per language
//!   (75, around a megabyte each), loads them into memory and is, by its own
//!   account, noticeably slower; `detect_among` with the workspace's
//!   languages covers most of the short-text gap.

pub mod canon;
pub mod lang;
pub mod matcher;
pub mod neardup;
pub mod query;
pub mod sentiment;
pub mod spike;
pub mod text;

pub use canon::{canonical_url, dedup_key};
pub use lang::{detect as detect_lang, detect_among as detect_lang_among, Lang};
pub use matcher::{
    BuildError as MatcherError, Document, Explanation, Field, Found, Matcher, Scratch, Topic,
};
pub use neardup::{ClusterId, ClusterParams, Clusterer};
pub use query::{parse, Literal, Problem, Query, QueryError, Scope, MAX_QUERY_CHARS};
pub use sentiment::{Analyzer as SentimentAnalyzer, Polarity, Sentiment};
pub use spike::{detect_spike, HourCounts, SpikeConfig, SpikeReport};
