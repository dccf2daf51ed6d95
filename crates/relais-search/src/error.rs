//! The one error type of the crate.

use std::path::PathBuf;

/// What went wrong, with a message a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The search text cannot be understood (an unclosed quote, a dangling
    /// `OR`, a query that is too long). Shown to the person who typed it.
    #[error("{0}")]
    Query(#[from] QueryError),

    /// The index directory exists but cannot be read: files are missing,
    /// truncated or not written by this version. The index is only a copy of
    /// the store, so it can always be rebuilt.
    #[error(
        "the search index in {dir} is unreadable ({detail}); stop relais, delete {dir} \
         and run `relais veille reindex` to rebuild it from the database"
    )]
    Corrupt {
        /// The index directory.
        dir: PathBuf,
        /// What the engine said.
        detail: String,
    },

    /// The directory holds files that are not part of a search index, so it is
    /// neither opened nor wiped.
    #[error(
        "{dir} is not a search index directory (it holds `{file}`); point the index \
         at an empty or dedicated directory"
    )]
    NotAnIndex {
        /// The directory.
        dir: PathBuf,
        /// The first foreign file found.
        file: String,
    },

    /// Another process (or another `SearchIndex` in this one) is writing to
    /// the same index directory.
    #[error(
        "the search index in {dir} is being written by another process; run one \
         indexing worker per index directory"
    )]
    Locked {
        /// The index directory, or `(in memory)`.
        dir: PathBuf,
    },

    /// The directory cannot be created, listed or written.
    #[error("cannot use the search index directory {dir}: {source}")]
    Io {
        /// The directory.
        dir: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// Invalid options or request values (memory budget, offset).
    #[error("invalid search settings: {0}")]
    Invalid(String),

    /// Any other failure of the search engine (an indexing thread that died,
    /// an internal error). Worth a bug report.
    #[error("search engine error: {0}")]
    Engine(String),
}

/// Every [`QueryError::code`], for the pages that translate them.
pub const QUERY_ERROR_CODES: &[&str] = &[
    "too-long",
    "too-many-words",
    "unclosed-quote",
    "double-not",
    "not-without-word",
    "excluded-in-or",
    "or-without-word",
];

/// A search text that cannot be understood, with where and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {position}); {hint}")]
pub struct QueryError {
    /// Character (not byte) offset in the search text, from 0.
    pub position: usize,
    /// A stable name for the problem (`unclosed-quote`), for translations:
    /// `too-long`, `too-many-words`, `unclosed-quote`, `double-not`,
    /// `not-without-word`, `excluded-in-or`, `or-without-word`.
    pub code: &'static str,
    /// The number the message states (the length, the words), else 0.
    pub count: usize,
    /// What is wrong, in English.
    pub message: String,
    /// How to fix it, in English.
    pub hint: String,
}
