//! The index: writing items, committing, searching.

use std::collections::HashMap;
use std::ops::{Bound, Range};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument,
    TantivyError, Term,
};

use crate::error::SearchError;
use crate::schema::{self, Family, Fields, SCHEMA_VERSION, VERSION_FILE};
use crate::syntax;

/// Bytes of an item's title that are indexed; the rest is ignored.
pub const MAX_TITLE_BYTES: usize = 2_000;
/// Bytes of an item's text that are indexed; the rest is ignored.
pub const MAX_TEXT_BYTES: usize = 100_000;
/// The most hits one search returns (a larger `limit` is lowered to it).
pub const MAX_LIMIT: usize = 1_000;
/// The deepest page: `offset` beyond it is refused.
pub const MAX_OFFSET: usize = 10_000;
/// Characters of text around the matched words in a hit's snippet.
const SNIPPET_CHARS: usize = 240;
/// A title's own weight against the text's.
const TITLE_BOOST: f32 = 2.0;

/// The sentiment of an item, as veille's analysis classified it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sentiment {
    /// Positive.
    Positive,
    /// Neither positive nor negative.
    Neutral,
    /// Negative.
    Negative,
}

impl Sentiment {
    /// `positive`, `neutral` or `negative`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sentiment::Positive => "positive",
            Sentiment::Neutral => "neutral",
            Sentiment::Negative => "negative",
        }
    }
}

/// One item to index. `item_id` is the key: adding it again replaces it.
#[derive(Debug, Clone)]
pub struct ItemDoc {
    /// The store's item id.
    pub item_id: i64,
    /// The workspace the item belongs to (every search is confined to one).
    pub workspace_id: i64,
    /// Its source.
    pub source_id: i64,
    /// The topics it matched.
    pub topic_ids: Vec<i64>,
    /// Title (may be empty).
    pub title: String,
    /// Text.
    pub text: String,
    /// Author, searchable like the text (not stemmed).
    pub author: Option<String>,
    /// Canonical URL (kept by the store; not indexed).
    pub url: Option<String>,
    /// Detected language, ISO 639-1 (`fr`, `en`, …); chooses the analyser.
    pub lang: Option<String>,
    /// Detected sentiment.
    pub sentiment: Option<Sentiment>,
    /// Publication time.
    pub published_at: DateTime<Utc>,
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Best BM25 score first (titles weigh twice the text). Without words to
    /// score, this falls back to `Newest`.
    #[default]
    Relevance,
    /// Most recent publication first.
    Newest,
}

/// A search: the text a person typed and the filters around it.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    /// The workspace searched; items of other workspaces never appear.
    pub workspace_id: i64,
    /// Words, `"phrases"`, `-exclusions`, `OR`; empty lists the items.
    pub text: String,
    /// Only items that matched this topic.
    pub topic_id: Option<i64>,
    /// Only items of this source.
    pub source_id: Option<i64>,
    /// Only items in this language (ISO 639-1); the search then looks only
    /// into that language's fields.
    pub lang: Option<String>,
    /// Only items of this sentiment.
    pub sentiment: Option<Sentiment>,
    /// Published at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Published strictly before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Hits wanted (at most [`MAX_LIMIT`]; 0 only counts).
    pub limit: usize,
    /// Hits skipped (at most [`MAX_OFFSET`]).
    pub offset: usize,
    /// Order of the hits.
    pub sort: SortOrder,
}

impl SearchQuery {
    /// A search of `text` in a workspace: no other filter, the first 20 hits
    /// by relevance.
    pub fn new(workspace_id: i64, text: impl Into<String>) -> SearchQuery {
        SearchQuery {
            workspace_id,
            text: text.into(),
            topic_id: None,
            source_id: None,
            lang: None,
            sentiment: None,
            from: None,
            to: None,
            limit: 20,
            offset: 0,
            sort: SortOrder::Relevance,
        }
    }
}

/// A page of results.
#[derive(Debug, Clone)]
pub struct SearchResults {
    /// How many items match in all (not only this page).
    pub total: usize,
    /// This page's hits.
    pub hits: Vec<Hit>,
}

/// One matching item.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The store's item id.
    pub item_id: i64,
    /// BM25 score when sorted by relevance; 0 when sorted by date.
    pub score: f32,
    /// Publication time, as indexed.
    pub published_at: DateTime<Utc>,
    /// The whole title, with the matched words highlighted.
    pub title: Snippet,
    /// The passage of the text with the most matched words (its beginning if
    /// no word matched there), highlighted.
    pub snippet: Snippet,
}

/// Plain text with the ranges to highlight. Not HTML: the caller escapes
/// `fragment` as it renders it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snippet {
    /// The text (the original, not folded or stemmed).
    pub fragment: String,
    /// Byte ranges of `fragment` to highlight: sorted, disjoint, on character
    /// boundaries.
    pub highlights: Vec<Range<usize>>,
    /// The fragment starts after the beginning of the text (show "…").
    pub ellipsis_before: bool,
    /// The fragment stops before the end of the text (show "…").
    pub ellipsis_after: bool,
}

impl Snippet {
    /// The highlighted words, in order.
    pub fn highlighted(&self) -> Vec<&str> {
        self.highlights
            .iter()
            .filter_map(|r| self.fragment.get(r.clone()))
            .collect()
    }
}

/// Settings of an index.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Memory the writer buffers before it writes a segment, in bytes, shared
    /// by its threads (at least 15 MB per thread). Default 50 MB.
    pub writer_memory_bytes: usize,
    /// Indexing threads. Default 1: indexing keeps up with the firehose on
    /// one core and leaves the other to the rest of relais.
    pub writer_threads: usize,
}

impl Default for SearchOptions {
    fn default() -> SearchOptions {
        SearchOptions {
            writer_memory_bytes: 50_000_000,
            writer_threads: 1,
        }
    }
}

const MIN_MEMORY_PER_THREAD: usize = 15_000_000;

/// Full-text index of veille items. `Send + Sync`: share it in an `Arc`.
/// Searches run concurrently; writes take turns on one writer, opened on the
/// first write (so a process that only searches never locks the directory).
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    analyzers: [(Family, TextAnalyzer); 3],
    options: SearchOptions,
    dir: Option<PathBuf>,
    rebuilt: Option<String>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("options", &self.options)
            .field("rebuilt", &self.rebuilt)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index if
    /// needed. An index of another schema version is deleted and recreated
    /// empty: [`rebuilt`](Self::rebuilt) then says why, and the caller
    /// reindexes from the store.
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex, SearchError> {
        SearchIndex::open_or_create_with(dir, SearchOptions::default())
    }

    /// [`open_or_create`](Self::open_or_create) with settings.
    pub fn open_or_create_with(
        dir: &Path,
        options: SearchOptions,
    ) -> Result<SearchIndex, SearchError> {
        check_options(&options)?;
        let io = |source| SearchError::Io {
            dir: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut names = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let name = entry
                .map_err(io)?
                .file_name()
                .to_string_lossy()
                .into_owned();
            if !is_index_file(&name) {
                return Err(SearchError::NotAnIndex {
                    dir: dir.to_path_buf(),
                    file: name,
                });
            }
            names.push(name);
        }
        let (schema, _) = schema::build();
        let rebuild_reason = if !names.iter().any(|n| n == "meta.json") {
            None
        } else {
            let found = std::fs::read_to_string(dir.join(VERSION_FILE))
                .ok()
                .and_then(|v| v.trim().parse::<u32>().ok());
            if found == Some(SCHEMA_VERSION) {
                let corrupt = |e: TantivyError| corrupt(dir, e);
                let index = Index::open_in_dir(dir).map_err(corrupt)?;
                if index.schema() == schema {
                    return SearchIndex::assemble(index, options, Some(dir), None);
                }
                Some(format!(
                    "its fields differ from those of schema version {SCHEMA_VERSION}"
                ))
            } else {
                Some(match found {
                    Some(v) => format!("it has schema version {v}, not {SCHEMA_VERSION}"),
                    None => "it has no schema version".to_string(),
                })
            }
        };
        // Create (or recreate) an empty index. Only files recognised above as
        // the index's are removed.
        for name in &names {
            std::fs::remove_file(dir.join(name)).map_err(io)?;
        }
        let index = Index::create_in_dir(dir, schema).map_err(|e| corrupt(dir, e))?;
        std::fs::write(dir.join(VERSION_FILE), format!("{SCHEMA_VERSION}\n")).map_err(io)?;
        if let Some(reason) = &rebuild_reason {
            tracing::warn!(
                dir = %dir.display(),
                "search index rebuilt empty because {reason}; reindex the items"
            );
        }
        SearchIndex::assemble(index, options, Some(dir), rebuild_reason)
    }

    /// An index in memory (tests, one-off tools).
    pub fn in_ram() -> Result<SearchIndex, SearchError> {
        SearchIndex::in_ram_with(SearchOptions::default())
    }

    /// [`in_ram`](Self::in_ram) with settings.
    pub fn in_ram_with(options: SearchOptions) -> Result<SearchIndex, SearchError> {
        check_options(&options)?;
        let (schema, _) = schema::build();
        SearchIndex::assemble(Index::create_in_ram(schema), options, None, None)
    }

    fn assemble(
        index: Index,
        options: SearchOptions,
        dir: Option<&Path>,
        rebuilt: Option<String>,
    ) -> Result<SearchIndex, SearchError> {
        schema::register_analyzers(&index);
        let (_, fields) = schema::build();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| match dir {
                Some(dir) => corrupt(dir, e),
                None => SearchError::Engine(e.to_string()),
            })?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(None),
            fields,
            analyzers: Family::ALL.map(|f| (f, schema::analyzer(f))),
            options,
            dir: dir.map(Path::to_path_buf),
            rebuilt,
        })
    }

    /// Why the index was recreated empty when it was opened, if it was: the
    /// caller must then reindex every item.
    pub fn rebuilt(&self) -> Option<&str> {
        self.rebuilt.as_deref()
    }

    /// The index directory (`None` in memory).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Adds items, replacing any indexed item with the same `item_id`.
    /// Visible to searches after [`commit`](Self::commit).
    pub fn add(&self, docs: &[ItemDoc]) -> Result<(), SearchError> {
        self.with_writer(|writer| {
            for doc in docs {
                writer.delete_term(Term::from_field_i64(self.fields.item_id, doc.item_id));
                writer.add_document(self.document(doc))?;
            }
            Ok(())
        })
    }

    /// Removes items (unknown ids are ignored). Effective after
    /// [`commit`](Self::commit).
    pub fn delete(&self, item_ids: &[i64]) -> Result<(), SearchError> {
        self.with_writer(|writer| {
            for &id in item_ids {
                writer.delete_term(Term::from_field_i64(self.fields.item_id, id));
            }
            Ok(())
        })
    }

    /// Writes what was added and deleted, and reloads the reader: when this
    /// returns, searches see it.
    pub fn commit(&self) -> Result<(), SearchError> {
        self.with_writer(|writer| writer.commit().map(|_| ()))?;
        self.reader.reload().map_err(|e| self.engine_error(e))
    }

    /// Merges every segment into one and waits for it (after a reindex, for
    /// the fastest searches). Ordinary use needs none: tantivy merges in the
    /// background.
    pub fn compact(&self) -> Result<(), SearchError> {
        let ids = self
            .index
            .searchable_segment_ids()
            .map_err(|e| self.engine_error(e))?;
        if ids.len() > 1 {
            self.with_writer(|writer| writer.merge(&ids).wait().map(|_| ()))?;
        }
        self.reader.reload().map_err(|e| self.engine_error(e))
    }

    /// Lets the writer finish its background merges, then closes it and
    /// releases the directory's write lock (at shutdown, or to hand writing
    /// to another process). Uncommitted changes are dropped. The next write
    /// opens a writer again.
    pub fn close_writer(&self) -> Result<(), SearchError> {
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(writer) = writer {
            writer
                .wait_merging_threads()
                .map_err(|e| self.engine_error(e))?;
        }
        self.reader.reload().map_err(|e| self.engine_error(e))
    }

    /// Searchable segments (a figure for benchmarks and diagnostics).
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Items visible to searches.
    pub fn doc_count(&self) -> Result<u64, SearchError> {
        Ok(self.reader.searcher().num_docs())
    }

    /// Runs a search.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        if q.offset > MAX_OFFSET {
            return Err(SearchError::Invalid(format!(
                "offset {} is beyond the deepest page ({MAX_OFFSET}); narrow the search instead",
                q.offset
            )));
        }
        let limit = q.limit.min(MAX_LIMIT);
        let parsed = syntax::parse(&q.text)?;
        let families: Vec<Family> = match &q.lang {
            Some(lang) => vec![Family::of(Some(lang))],
            None => Family::ALL.to_vec(),
        };

        let mut positive: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &parsed.must {
            let alternatives: Vec<Box<dyn Query>> = group
                .iter()
                .filter_map(|text| self.words_query(&families, text))
                .collect();
            match alternatives.len() {
                0 => {}
                1 => positive.extend(alternatives.into_iter().map(|q| (Occur::Must, q))),
                _ => positive.push((
                    Occur::Must,
                    Box::new(BooleanQuery::new(
                        alternatives
                            .into_iter()
                            .map(|q| (Occur::Should, q))
                            .collect(),
                    )),
                )),
            }
        }
        let text_query: Option<Box<dyn Query>> = match positive.len() {
            0 => None,
            1 => positive.pop().map(|(_, q)| q),
            _ => Some(Box::new(BooleanQuery::new(positive))),
        };

        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        match &text_query {
            Some(query) => clauses.push((Occur::Must, query.box_clone())),
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
        for text in &parsed.must_not {
            if let Some(query) = self.words_query(&Family::ALL, text) {
                clauses.push((Occur::MustNot, query));
            }
        }
        for filter in self.filters(q) {
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
        }
        let query = BooleanQuery::new(clauses);

        let searcher = self.reader.searcher();
        let by_date = text_query.is_none() || q.sort == SortOrder::Newest;
        let err = |e| self.engine_error(e);
        let (total, found): (usize, Vec<(f32, DocAddress)>) = if limit == 0 {
            (searcher.search(&query, &Count).map_err(err)?, Vec::new())
        } else if by_date {
            let top = TopDocs::with_limit(limit)
                .and_offset(q.offset)
                .order_by_fast_field::<i64>("published_us", Order::Desc);
            let (total, docs) = searcher.search(&query, &(Count, top)).map_err(err)?;
            (total, docs.into_iter().map(|(_, a)| (0.0, a)).collect())
        } else {
            let top = TopDocs::with_limit(limit)
                .and_offset(q.offset)
                .order_by_score();
            searcher.search(&query, &(Count, top)).map_err(err)?
        };

        let mut snippets = Snippets::new(&searcher, text_query.as_deref(), &self.fields);
        let mut hits = Vec::with_capacity(found.len());
        for (score, address) in found {
            hits.push(self.hit(&searcher, &mut snippets, score, address)?);
        }
        Ok(SearchResults { total, hits })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        snippets: &mut Snippets<'_>,
        score: f32,
        address: DocAddress,
    ) -> Result<Hit, SearchError> {
        let err = |e| self.engine_error(e);
        let fast = searcher.segment_reader(address.segment_ord).fast_fields();
        let item_id = fast
            .i64("item_id")
            .map_err(err)?
            .first(address.doc_id)
            .unwrap_or_default();
        let published_us = fast
            .i64("published_us")
            .map_err(err)?
            .first(address.doc_id)
            .unwrap_or_default();
        let doc: TantivyDocument = searcher.doc(address).map_err(err)?;
        let family = Family::ALL
            .into_iter()
            .find(|f| doc.get_first(self.fields.title(*f)).is_some())
            .unwrap_or(Family::Plain);
        let stored = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let title = stored(self.fields.title(family));
        let text = stored(self.fields.text(family));
        Ok(Hit {
            item_id,
            score,
            published_at: DateTime::from_timestamp_micros(published_us).unwrap_or_default(),
            title: snippets
                .make(self.fields.title(family), &title, None)
                .map_err(err)?,
            snippet: snippets
                .make(self.fields.text(family), &text, Some(SNIPPET_CHARS))
                .map_err(err)?,
        })
    }

    /// The query for one word or phrase typed by the person, in the fields
    /// of `families` (titles boosted) and the author; `None` when the text
    /// has no letter or digit in it (only punctuation), which is ignored.
    fn words_query(&self, families: &[Family], text: &str) -> Option<Box<dyn Query>> {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut plain_terms = None;
        for (family, analyzer) in &self.analyzers {
            let terms = schema::analyse(analyzer, text);
            if *family == Family::Plain {
                plain_terms = Some(terms.clone());
            }
            if !families.contains(family) {
                continue;
            }
            let title = self.fields.title(*family);
            if let Some(query) = terms_query(title, &terms) {
                let boosted = Box::new(BoostQuery::new(query, TITLE_BOOST));
                alternatives.push((Occur::Should, boosted));
            }
            if let Some(query) = terms_query(self.fields.text(*family), &terms) {
                alternatives.push((Occur::Should, query));
            }
        }
        if let Some(query) = plain_terms.and_then(|t| terms_query(self.fields.author, &t)) {
            alternatives.push((Occur::Should, query));
        }
        if alternatives.is_empty() {
            // Letters or digits that analyse to nothing form a word longer than
            // the index keeps: it can match nothing. Mere punctuation is
            // ignored.
            text.chars()
                .any(char::is_alphanumeric)
                .then(|| Box::new(EmptyQuery) as Box<dyn Query>)
        } else {
            Some(Box::new(BooleanQuery::new(alternatives)))
        }
    }

    fn filters(&self, q: &SearchQuery) -> Vec<Box<dyn Query>> {
        let f = &self.fields;
        let term =
            |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
        let mut filters = vec![term(Term::from_field_i64(f.workspace_id, q.workspace_id))];
        if let Some(topic) = q.topic_id {
            filters.push(term(Term::from_field_i64(f.topic_ids, topic)));
        }
        if let Some(source) = q.source_id {
            filters.push(term(Term::from_field_i64(f.source_id, source)));
        }
        if let Some(lang) = &q.lang {
            let lang = lang.trim().to_ascii_lowercase();
            filters.push(term(Term::from_field_text(f.lang, &lang)));
        }
        if let Some(sentiment) = q.sentiment {
            filters.push(term(Term::from_field_text(f.sentiment, sentiment.as_str())));
        }
        if q.from.is_some() || q.to.is_some() {
            let at = |t: &DateTime<Utc>| Term::from_field_i64(f.published_us, t.timestamp_micros());
            let lower = q
                .from
                .as_ref()
                .map_or(Bound::Unbounded, |t| Bound::Included(at(t)));
            let upper =
                q.to.as_ref()
                    .map_or(Bound::Unbounded, |t| Bound::Excluded(at(t)));
            filters.push(Box::new(RangeQuery::new(lower, upper)));
        }
        filters
    }

    fn document(&self, item: &ItemDoc) -> TantivyDocument {
        let f = &self.fields;
        let family = Family::of(item.lang.as_deref());
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.item_id, item.item_id);
        doc.add_i64(f.workspace_id, item.workspace_id);
        doc.add_i64(f.source_id, item.source_id);
        for &topic in &item.topic_ids {
            doc.add_i64(f.topic_ids, topic);
        }
        if let Some(lang) = &item.lang {
            doc.add_text(f.lang, lang.trim().to_ascii_lowercase());
        }
        if let Some(sentiment) = item.sentiment {
            doc.add_text(f.sentiment, sentiment.as_str());
        }
        doc.add_i64(f.published_us, item.published_at.timestamp_micros());
        if let Some(author) = &item.author {
            doc.add_text(f.author, truncate(author, MAX_TITLE_BYTES));
        }
        doc.add_text(f.title(family), truncate(&item.title, MAX_TITLE_BYTES));
        doc.add_text(f.text(family), truncate(&item.text, MAX_TEXT_BYTES));
        doc
    }

    fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut IndexWriter) -> tantivy::Result<T>,
    ) -> Result<T, SearchError> {
        // A panic while the lock was held cannot leave the writer half
        // updated in a way tantivy does not handle: keep using it.
        let mut guard: MutexGuard<'_, Option<IndexWriter>> =
            self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let writer = match &mut *guard {
            Some(writer) => writer,
            empty => {
                let writer = self
                    .index
                    .writer_with_num_threads(
                        self.options.writer_threads,
                        self.options.writer_memory_bytes,
                    )
                    .map_err(|e| self.engine_error(e))?;
                empty.insert(writer)
            }
        };
        f(writer).map_err(|e| self.engine_error(e))
    }

    fn engine_error(&self, error: TantivyError) -> SearchError {
        let dir = || {
            self.dir
                .clone()
                .unwrap_or_else(|| PathBuf::from("(in memory)"))
        };
        match error {
            TantivyError::LockFailure(..) => SearchError::Locked { dir: dir() },
            TantivyError::DataCorruption(_)
            | TantivyError::OpenReadError(_)
            | TantivyError::IncompatibleIndex(_)
            | TantivyError::DeserializeError(_) => corrupt(&dir(), error),
            other => SearchError::Engine(other.to_string()),
        }
    }
}

fn corrupt(dir: &Path, error: TantivyError) -> SearchError {
    match error {
        TantivyError::LockFailure(..) => SearchError::Locked {
            dir: dir.to_path_buf(),
        },
        other => SearchError::Corrupt {
            dir: dir.to_path_buf(),
            detail: other.to_string(),
        },
    }
}

fn check_options(options: &SearchOptions) -> Result<(), SearchError> {
    if options.writer_threads == 0 || options.writer_threads > 8 {
        return Err(SearchError::Invalid(format!(
            "writer_threads is {}; use 1 to 8",
            options.writer_threads
        )));
    }
    let min = MIN_MEMORY_PER_THREAD * options.writer_threads;
    if options.writer_memory_bytes < min || options.writer_memory_bytes > 4_000_000_000 {
        return Err(SearchError::Invalid(format!(
            "writer_memory_bytes is {}; use between {min} (15 MB per thread) and 4,000,000,000",
            options.writer_memory_bytes
        )));
    }
    Ok(())
}

/// Whether `name` is one of the files tantivy or this crate keeps in an
/// index directory: only those are ever deleted.
fn is_index_file(name: &str) -> bool {
    if matches!(
        name,
        "meta.json" | ".managed.json" | ".tantivy-meta.lock" | ".tantivy-writer.lock"
    ) || name == VERSION_FILE
        || name.starts_with(".tmp")
    {
        return true;
    }
    // Segment files: 32 hex digits, a dot, an extension (`idx`, `123.del`…).
    match name.split_once('.') {
        Some((id, ext)) => {
            id.len() == 32
                && id.bytes().all(|b| b.is_ascii_hexdigit())
                && !ext.is_empty()
                && ext.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
        }
        None => false,
    }
}

/// `text` cut to at most `max` bytes, on a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A term query for one term, a phrase query for several.
fn terms_query(field: tantivy::schema::Field, terms: &[(usize, String)]) -> Option<Box<dyn Query>> {
    match terms {
        [] => None,
        [(_, text)] => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new_with_offset(
            terms
                .iter()
                .map(|(position, text)| (*position, Term::from_field_text(field, text)))
                .collect(),
        ))),
    }
}

/// Snippet generators, made once per search and field as hits need them.
struct Snippets<'a> {
    searcher: &'a Searcher,
    query: Option<&'a dyn Query>,
    generators: HashMap<tantivy::schema::Field, SnippetGenerator>,
    _fields: &'a Fields,
}

impl<'a> Snippets<'a> {
    fn new(searcher: &'a Searcher, query: Option<&'a dyn Query>, fields: &'a Fields) -> Self {
        Snippets {
            searcher,
            query,
            generators: HashMap::new(),
            _fields: fields,
        }
    }

    /// The snippet of `text` (stored in `field`): a passage of about
    /// `max_chars` characters, or the whole text when `None`.
    fn make(
        &mut self,
        field: tantivy::schema::Field,
        text: &str,
        max_chars: Option<usize>,
    ) -> tantivy::Result<Snippet> {
        let whole = max_chars.is_none();
        let max_chars = max_chars.unwrap_or(text.len());
        if let Some(query) = self.query {
            let generator = match self.generators.entry(field) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let mut generator = SnippetGenerator::create(self.searcher, query, field)?;
                    generator.set_max_num_chars(max_chars);
                    e.insert(generator)
                }
            };
            let found = generator.snippet(text);
            if !found.is_empty() && !found.highlighted().is_empty() {
                let range = found.fragment_range();
                if whole {
                    let shift = |r: &Range<usize>| r.start + range.start..r.end + range.start;
                    return Ok(Snippet {
                        fragment: text.to_string(),
                        highlights: found.highlighted().iter().map(shift).collect(),
                        ellipsis_before: false,
                        ellipsis_after: false,
                    });
                }
                return Ok(Snippet {
                    fragment: found.fragment().to_string(),
                    highlights: found.highlighted().to_vec(),
                    ellipsis_before: range.start > 0,
                    ellipsis_after: range.end < text.len(),
                });
            }
        }
        // No matched word in this field: its beginning, plain.
        let end = text
            .char_indices()
            .nth(max_chars)
            .map_or(text.len(), |(i, _)| i);
        Ok(Snippet {
            fragment: text[..end].to_string(),
            highlights: Vec::new(),
            ellipsis_before: false,
            ellipsis_after: end < text.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_files_are_recognised_and_nothing_else() {
        for name in [
            "meta.json",
            ".managed.json",
            ".tantivy-writer.lock",
            VERSION_FILE,
            "0123456789abcdef0123456789abcdef.idx",
            "0123456789abcdef0123456789abcdef.12.del",
            ".tmpAbC12",
        ] {
            assert!(is_index_file(name), "{name}");
        }
        for name in ["notes.txt", ".bashrc", "0123.idx", "items.db", "Documents"] {
            assert!(!is_index_file(name), "{name}");
        }
    }

    #[test]
    fn truncation_keeps_characters_whole() {
        assert_eq!(truncate("été", 2), "é");
        assert_eq!(truncate("été", 3), "ét");
        assert_eq!(truncate("abc", 10), "abc");
    }

    #[test]
    fn options_are_checked() {
        let bad = [
            SearchOptions {
                writer_memory_bytes: 1_000_000,
                writer_threads: 1,
            },
            SearchOptions {
                writer_memory_bytes: 20_000_000,
                writer_threads: 2,
            },
            SearchOptions {
                writer_memory_bytes: 50_000_000,
                writer_threads: 0,
            },
        ];
        for options in bad {
            assert!(
                matches!(check_options(&options), Err(SearchError::Invalid(_))),
                "{options:?}"
            );
        }
        assert!(check_options(&SearchOptions::default()).is_ok());
    }
}
