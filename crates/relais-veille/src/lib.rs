//! Veille (monitoring), the pure part (001 C1.1–C1.3, 000 1.1, 002 21,
//! 003 C1, 004 1.1).
//!
//! Pure: no database, network or async runtime; the worker and the CLI feed
//! it text and instants.
//!
//! [`sentiment`]: VADER-style sentiment, lexicons of vaderSentiment 3.3.2 and vaderSentiment-fr 1.3.4 (MIT).

pub mod sentiment;

pub use sentiment::{Analyzer as SentimentAnalyzer, Polarity, Sentiment};
