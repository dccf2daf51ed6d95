//! Full-text search over veille items.
//!
//! One [`SearchIndex`] per index directory (or in memory for tests): the
//! worker [`add`](SearchIndex::add)s items and [`commit`](SearchIndex::commit)s,
//! after which a [`search`](SearchIndex::search) sees them; the web layer
//! searches with a [`SearchQuery`] and renders each [`Hit`]'s [`Snippet`]
//! (plain text with highlighted ranges, to escape as it renders).
//!
//! - **Languages.** French items are analysed with the French Snowball
//!   stemmer, English ones with the English one, others without stemming; all
//!   are lower-cased and ASCII-folded, so search ignores case and accents
//!   (see [`schema`](crate::schema) for what the stemmers do and do not join).
//! - **Syntax.** Words (all required), `"phrases"`, `-exclusions`, `a OR b`
//!   (see the `syntax` module); errors are [`SearchError::Query`] with a
//!   position and a hint.
//! - **Filters.** Always the workspace (tenant isolation), and optionally a
//!   topic, a source, a language, a sentiment and a date range. An empty text
//!   lists the filtered items, newest first.
//! - **Freshness.** `commit` reloads the reader before it returns, so what
//!   was committed is searchable at once in this process. Other processes
//!   reading the same directory see it after tantivy's file watcher notices
//!   the commit (about half a second).
//! - **Bounded.** The writer's memory budget is an option (default 50 MB);
//!   each indexed title and text is capped ([`MAX_TITLE_BYTES`],
//!   [`MAX_TEXT_BYTES`]); a page of results is at most [`MAX_LIMIT`] hits.
//!
//! The index is a copy of the store: when its schema version changes it is
//! rebuilt empty ([`SearchIndex::rebuilt`] says so, the caller reindexes), and
//! a damaged one gives [`SearchError::Corrupt`], which says to delete it and
//! reindex.
//!
//! Dependencies, and why:
//! - `tantivy`: the Rust full-text search library (Lucene's design: segments,
//!   BM25, block-max WAND, phrase queries, snippets), with Snowball stemmers
//!   for French and English and an ASCII-folding filter. One engine for both
//!   store backends (SQLite FTS5 has no French stemmer, PostgreSQL's tsvector
//!   does not exist on SQLite); measured against FTS5 in `benches/search.rs`.
//! - `chrono`: item dates, as in the rest of relais.
//! - `serde`: the small enums travel in forms and JSON.
//! - `thiserror`: the typed error.
//! - `tracing`: says when an index is rebuilt.

mod error;
mod index;
pub mod schema;
mod syntax;

pub use error::{QueryError, SearchError, QUERY_ERROR_CODES};
pub use index::{
    Hit, ItemDoc, SearchIndex, SearchOptions, SearchQuery, SearchResults, Sentiment, Snippet,
    SortOrder, MAX_LIMIT, MAX_OFFSET, MAX_TEXT_BYTES, MAX_TITLE_BYTES,
};
pub use syntax::{MAX_QUERY_CHARS, MAX_QUERY_CLAUSES};
