//! Veille (monitoring), the pure part (001 C1.1–C1.3, 000 1.1, 002 21,
//! 003 C1, 004 1.1): text folded into words ([`text`]), topic queries
//! ([`query`]) compiled into one matcher ([`matcher`]), and sentiment
//! ([`sentiment`]: VADER-style, lexicons of vaderSentiment 3.3.2 and
//! vaderSentiment-fr 1.3.4, MIT; see `data/sentiment/README.md`).
//!
//! Pure: no database, network or async runtime; the worker and the CLI feed
//! it text and instants.
//!
//! Crates, chosen for being maintained, pure Rust and doing one thing:
//! - `aho-corasick` (BurntSushi, the engine under ripgrep's literal search):
//!   one automaton over every literal of every topic, the prefilter that makes
//!   thousands of topics cost about as much as one.
//! - `unicode-normalization` (unicode-rs): canonical decomposition, to drop
//!   accents when folding.

pub mod matcher;
pub mod query;
pub mod sentiment;
pub mod text;

pub use matcher::{Document, Explanation, Field, Found, Matcher, Scratch, Topic};
pub use query::{parse, Literal, Query, QueryError, Scope, MAX_QUERY_CHARS};
pub use sentiment::{Analyzer as SentimentAnalyzer, Polarity, Sentiment};
