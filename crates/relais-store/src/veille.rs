//! Veille: sources and their fetch state, topics, items with their topics,
//! hourly volumes, spike alerts, curation, digests and the curated feed's
//! secret token.
//!
//! A person's changes (sources, topics, curation, digests, tokens) are audited
//! in their transaction. The worker's writes (fetch results, items, volumes,
//! alerts) are not: they are the machine's record, shown on the source page.

use crate::audit::{write_audit, AuditRecord};
use crate::time::{now, DbTime};
use crate::{conflict_on, marks, on_pool, rows_in_order, Result, Store, StoreError};
use chrono::{DateTime, Duration, DurationRound, Utc};
use relais_core::audit::AuditAction;
use relais_core::model::Actor;
use relais_core::veille::{
    Alert, AlertKind, Digest, Item, NewItem, NewSource, Polarity, Source, SourceKind, SourceState,
    TopicRecord, VeilleKind,
};
use relais_core::{AlertId, DigestId, ItemId, SourceId, TopicId, UserId, WorkspaceId};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};

const SOURCE_COLUMNS: &str = "id, workspace_id, kind, url, selector, tag, title, site_url, category, \
    interval_secs, state, etag, last_modified, cursor, next_fetch_at, last_fetch_at, last_success_at, \
    first_failure_at, failures, last_error, fetches, not_modified, bytes_downloaded, bytes_saved, \
    last_body_bytes, items_total, page_text, created_by, created_at";

#[derive(sqlx::FromRow)]
struct SourceRow {
    id: i64,
    workspace_id: i64,
    kind: String,
    url: String,
    selector: String,
    tag: String,
    title: String,
    site_url: Option<String>,
    category: String,
    interval_secs: i64,
    state: String,
    etag: Option<String>,
    last_modified: Option<String>,
    cursor: Option<String>,
    next_fetch_at: DbTime,
    last_fetch_at: Option<DbTime>,
    last_success_at: Option<DbTime>,
    first_failure_at: Option<DbTime>,
    failures: i64,
    last_error: String,
    fetches: i64,
    not_modified: i64,
    bytes_downloaded: i64,
    bytes_saved: i64,
    last_body_bytes: i64,
    items_total: i64,
    page_text: Option<String>,
    created_by: Option<i64>,
    created_at: DbTime,
}

fn corrupt(table: &'static str, detail: String) -> StoreError {
    StoreError::Corrupt { table, detail }
}

impl TryFrom<SourceRow> for Source {
    type Error = StoreError;
    fn try_from(r: SourceRow) -> Result<Source> {
        Ok(Source {
            id: SourceId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            kind: SourceKind::parse(&r.kind)
                .ok_or_else(|| corrupt("veille_sources", format!("kind {:?}", r.kind)))?,
            url: r.url,
            selector: r.selector,
            tag: r.tag,
            title: r.title,
            site_url: r.site_url,
            category: r.category,
            interval_secs: r.interval_secs,
            state: SourceState::parse(&r.state)
                .ok_or_else(|| corrupt("veille_sources", format!("state {:?}", r.state)))?,
            etag: r.etag,
            last_modified: r.last_modified,
            cursor: r.cursor,
            next_fetch_at: r.next_fetch_at.0,
            last_fetch_at: r.last_fetch_at.map(|t| t.0),
            last_success_at: r.last_success_at.map(|t| t.0),
            first_failure_at: r.first_failure_at.map(|t| t.0),
            failures: r.failures,
            last_error: r.last_error,
            fetches: r.fetches,
            not_modified: r.not_modified,
            bytes_downloaded: r.bytes_downloaded,
            bytes_saved: r.bytes_saved,
            last_body_bytes: r.last_body_bytes,
            items_total: r.items_total,
            page_text: r.page_text,
            created_by: r.created_by.map(UserId),
            created_at: r.created_at.0,
        })
    }
}

const TOPIC_COLUMNS: &str = "id, workspace_id, name, kind, query, version, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct TopicRow {
    id: i64,
    workspace_id: i64,
    name: String,
    kind: String,
    query: String,
    version: i64,
    created_at: DbTime,
    updated_at: DbTime,
}

impl TryFrom<TopicRow> for TopicRecord {
    type Error = StoreError;
    fn try_from(r: TopicRow) -> Result<TopicRecord> {
        Ok(TopicRecord {
            id: TopicId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            name: r.name,
            kind: VeilleKind::parse(&r.kind)
                .ok_or_else(|| corrupt("veille_topics", format!("kind {:?}", r.kind)))?,
            query: r.query,
            version: r.version,
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        })
    }
}

const ITEM_COLUMNS: &str = "i.id, i.workspace_id, i.source_id, i.source_title, i.dedup_key, i.url, \
    i.canonical_url, i.title, i.body, i.author, i.lang, i.published_at, i.fetched_at, i.date_issue, \
    i.polarity, i.sentiment, i.cluster_id, i.starred, i.note, i.analysed";

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    workspace_id: i64,
    source_id: Option<i64>,
    source_title: String,
    dedup_key: String,
    url: Option<String>,
    canonical_url: Option<String>,
    title: String,
    body: String,
    author: Option<String>,
    lang: Option<String>,
    published_at: DbTime,
    fetched_at: DbTime,
    date_issue: String,
    polarity: String,
    sentiment: f64,
    cluster_id: i64,
    starred: bool,
    note: String,
    analysed: bool,
}

impl TryFrom<ItemRow> for Item {
    type Error = StoreError;
    fn try_from(r: ItemRow) -> Result<Item> {
        Ok(Item {
            id: ItemId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            source_id: r.source_id.map(SourceId),
            source_title: r.source_title,
            dedup_key: r.dedup_key,
            url: r.url,
            canonical_url: r.canonical_url,
            title: r.title,
            text: r.body,
            author: r.author,
            lang: r.lang,
            published_at: r.published_at.0,
            fetched_at: r.fetched_at.0,
            date_issue: r.date_issue,
            polarity: Polarity::parse(&r.polarity)
                .ok_or_else(|| corrupt("veille_items", format!("polarity {:?}", r.polarity)))?,
            sentiment: r.sentiment,
            cluster_id: r.cluster_id,
            starred: r.starred,
            note: r.note,
            analysed: r.analysed,
        })
    }
}

const ALERT_COLUMNS: &str =
    "a.id, a.workspace_id, a.topic_id, t.name AS topic_name, a.kind, a.hour, \
    a.observed, a.baseline, a.threshold, a.negative_share, a.created_at";

#[derive(sqlx::FromRow)]
struct AlertRow {
    id: i64,
    workspace_id: i64,
    topic_id: i64,
    topic_name: String,
    kind: String,
    hour: DbTime,
    observed: i64,
    baseline: f64,
    threshold: f64,
    negative_share: Option<f64>,
    created_at: DbTime,
}

impl TryFrom<AlertRow> for Alert {
    type Error = StoreError;
    fn try_from(r: AlertRow) -> Result<Alert> {
        Ok(Alert {
            id: AlertId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            topic_id: TopicId(r.topic_id),
            topic_name: r.topic_name,
            kind: AlertKind::parse(&r.kind)
                .ok_or_else(|| corrupt("veille_alerts", format!("kind {:?}", r.kind)))?,
            hour: r.hour.0,
            observed: r.observed,
            baseline: r.baseline,
            threshold: r.threshold,
            negative_share: r.negative_share,
            created_at: r.created_at.0,
        })
    }
}

/// What one fetch of a source found, for [`Store::record_fetch`].
/// The (workspace, topic) pairs of `$workspaces`' topics, read in the
/// transaction `$tx`: the topics an item may be linked to.
macro_rules! own_topics {
    ($tx:ident, $workspaces:ident) => {{
        let mut own: HashSet<(i64, i64)> = HashSet::new();
        for &ws in &$workspaces {
            own.extend(
                sqlx::query_as::<_, (i64,)>("SELECT id FROM veille_topics WHERE workspace_id = $1")
                    .bind(ws)
                    .fetch_all(&mut *$tx)
                    .await?
                    .into_iter()
                    .map(|(id,)| (ws, id)),
            );
        }
        own
    }};
}

/// Writes items' topic links and adds to the topics' hourly volumes, in
/// (topic, hour) order (see [`Store::store_item_batches`] on lock order),
/// in multi-row statements, inside the transaction `$tx` on `$pool`.
macro_rules! write_topic_links {
    ($pool:ident, $tx:ident, $links:ident, $hours:ident) => {
        /// Rows of 3 or 4 parameters per statement.
        const SMALL_ROWS: usize = 128;
            for chunk in $links.chunks(SMALL_ROWS) {
                let sql = format!(
                    "INSERT INTO veille_item_topics (topic_id, item_id, published_at) VALUES {}",
                    rows_in_order($pool, chunk.len(), 3)
                );
                let mut q = sqlx::query(&sql);
                for (topic, item, published_at) in chunk {
                    q = q.bind(*topic).bind(*item).bind(DbTime::from(*published_at));
                }
                q.execute(&mut *$tx).await?;
            }
            let mut sorted: Vec<_> = $hours.into_iter().collect();
            sorted.sort_unstable_by_key(|(key, _)| *key);
            for chunk in sorted.chunks(SMALL_ROWS) {
                let sql = format!(
                    "INSERT INTO veille_topic_hours (topic_id, hour, total, negative) VALUES {} \
                     ON CONFLICT (topic_id, hour) DO UPDATE SET total = veille_topic_hours.total + excluded.total, \
                     negative = veille_topic_hours.negative + excluded.negative",
                    rows_in_order($pool, chunk.len(), 4)
                );
                let mut q = sqlx::query(&sql);
                for ((topic, hour), (total, negative)) in chunk {
                    q = q
                        .bind(*topic)
                        .bind(DbTime::from(*hour))
                        .bind(*total)
                        .bind(*negative);
                }
                q.execute(&mut *$tx).await?;
            }
    };
}

/// The own topics of an item (those of its workspace, each once) as links
/// and hourly volumes to write.
#[allow(clippy::too_many_arguments)]
fn tally_topics(
    own: &HashSet<(i64, i64)>,
    ws: i64,
    id: i64,
    topics: &[TopicId],
    published_at: DateTime<Utc>,
    polarity: Polarity,
    links: &mut Vec<(i64, i64, DateTime<Utc>)>,
    hours: &mut HashMap<(i64, DateTime<Utc>), (i64, i64)>,
) {
    let mut topics: Vec<i64> = topics
        .iter()
        .map(|t| t.0)
        .filter(|t| own.contains(&(ws, *t)))
        .collect();
    topics.sort_unstable();
    topics.dedup();
    for topic in topics {
        links.push((topic, id, published_at));
        let e = hours.entry((topic, hour_of(published_at))).or_default();
        e.0 += 1;
        e.1 += i64::from(polarity == Polarity::Negative);
    }
}

/// One source's new items, as [`Store::store_item_batches`] takes them.
#[derive(Debug, Clone, Copy)]
pub struct ItemBatch<'a> {
    pub workspace_id: WorkspaceId,
    /// The source and its title, `None` for items added by hand.
    pub source: Option<(SourceId, &'a str)>,
    pub items: &'a [NewItem],
    /// When they were fetched.
    pub at: DateTime<Utc>,
    /// Stored pending: the analysis stage reads them back
    /// ([`Store::pending_items`]) and records what it found
    /// ([`Store::record_analyses`]); their topics are not written now.
    pub pending: bool,
    /// The fetch of `source` that read them, recorded in the same
    /// transaction (as [`Store::record_fetch`] would, lease checked), so a
    /// source's new items and its new validators or cursor are written
    /// together or not at all, in the writer turn the items take anyway.
    /// Ignored for items without a source.
    pub fetch: Option<SourceFetch<'a>>,
}

/// The statement recording one fetch of a source ([`Store::record_fetch`]),
/// parameters bound by [`bind_fetch_record!`]: counters (with `$17` new
/// items stored), validators, state and next fetch, and the lease given
/// back; nothing when the lease is not `$2`'s. Returns the source when
/// `returning` (a row nobody reads still costs its columns' reading and
/// a trip to the caller).
fn record_fetch_sql(returning: bool) -> String {
    let returning = if returning {
        format!(" RETURNING {SOURCE_COLUMNS}")
    } else {
        String::new()
    };
    format!(
        "UPDATE veille_sources SET {} WHERE id = $1 AND lease_owner = $2{returning}",
        fetch_record_set(|n| format!("${n}"))
    )
}

/// The `SET` list recording a fetch, its values named by `v(n)` for
/// [`bind_fetch_record!`]'s `$n` (a parameter, or a column of a row of
/// values).
fn fetch_record_set(v: impl Fn(usize) -> String) -> String {
    // Bytes a 304 saved: the size of the body it did not send again.
    format!(
        "fetches = fetches + 1, \
         items_total = items_total + {items}, \
         not_modified = not_modified + {nm}, \
         bytes_downloaded = bytes_downloaded + {wire}, \
         bytes_saved = bytes_saved + CASE WHEN {nm} = 1 THEN last_body_bytes ELSE 0 END, \
         last_body_bytes = COALESCE({body}, last_body_bytes), \
         etag = CASE WHEN {failed} THEN etag ELSE {etag} END, \
         last_modified = CASE WHEN {failed} THEN last_modified ELSE {lm} END, \
         cursor = COALESCE({cursor}, cursor), \
         title = CASE WHEN title = '' THEN COALESCE({title}, '') ELSE title END, \
         site_url = COALESCE(site_url, {site}), \
         page_text = COALESCE({page}, page_text), \
         last_fetch_at = {at}, \
         last_success_at = CASE WHEN {failed} THEN last_success_at ELSE {at} END, \
         first_failure_at = CASE WHEN {failed} THEN COALESCE(first_failure_at, {at}) ELSE NULL END, \
         failures = CASE WHEN {failed} THEN failures + 1 ELSE 0 END, \
         last_error = {error}, \
         state = {state}, \
         next_fetch_at = {next}, \
         lease_owner = NULL, lease_expires_at = NULL",
        nm = v(3),
        wire = v(4),
        body = v(5),
        failed = v(6),
        etag = v(7),
        lm = v(8),
        cursor = v(9),
        title = v(10),
        site = v(11),
        page = v(12),
        at = v(13),
        error = v(14),
        state = v(15),
        next = v(16),
        items = v(17),
    )
}

/// The state a fetch leaves its source in, and whether it failed.
fn fetch_state(rec: &FetchRecord) -> (&'static str, bool) {
    let failed = rec.error.is_some();
    let state = if rec.disable {
        "disabled"
    } else if failed {
        "failing"
    } else {
        "active"
    };
    (state, failed)
}

/// Binds [`record_fetch_sql`]'s parameters: source `$id`, lease owner
/// `$owner`, fetch time `$at`, the [`FetchRecord`] `$rec`, and `$items`, the
/// new items stored with it.
macro_rules! bind_fetch_record {
    ($query:expr, $id:expr, $owner:expr, $at:expr, $rec:expr, $items:expr) => {{
        let rec: &FetchRecord = $rec;
        let (state, failed) = fetch_state(rec);
        $query
            .bind($id.0)
            .bind($owner)
            .bind(i64::from(rec.not_modified))
            .bind(rec.wire_bytes)
            .bind(rec.body_bytes)
            .bind(failed)
            .bind(rec.etag.as_deref())
            .bind(rec.last_modified.as_deref())
            .bind(rec.cursor.as_deref())
            .bind(rec.title.as_deref())
            .bind(rec.site_url.as_deref())
            .bind(rec.page_text.as_deref())
            .bind(DbTime::from($at))
            .bind(rec.error.as_deref().unwrap_or(""))
            .bind(state)
            .bind(DbTime::from(rec.next_fetch_at))
            .bind($items)
    }};
}

/// A source's fetch to record with its items ([`ItemBatch::fetch`]).
#[derive(Debug, Clone, Copy)]
pub struct SourceFetch<'a> {
    /// The worker holding the source's lease.
    pub owner: &'a str,
    pub at: DateTime<Utc>,
    pub record: &'a FetchRecord,
}

/// One item row of [`Store::store_item_batches`]: the item and its batch.
pub(crate) struct NewItemRow<'a> {
    batch: &'a ItemBatch<'a>,
    item: &'a NewItem,
}

/// The columns [`GroupWrite::insert_item_rows`] writes, in order.
const INSERT_COLUMNS: &str = "workspace_id, source_id, source_title, dedup_key, url, canonical_url, \
     title, body, author, lang, lang_hint, published_at, fetched_at, date_issue, polarity, sentiment, \
     cluster_id, analysed";

/// What follows the rows: a key already stored keeps its item, and each row
/// stored names its key.
const INSERT_CONFLICT: &str =
    "ON CONFLICT (workspace_id, dedup_key) DO NOTHING RETURNING id, workspace_id, dedup_key";

/// How a backend writes a group of sources' items and fetches
/// ([`Store::store_item_batches`]), inside its write transaction.
pub(crate) trait GroupWrite: crate::BeginWrite {
    /// Inserts item rows, in the order given: `(id, workspace, key)` of
    /// each row stored.
    fn insert_item_rows(
        &self,
        tx: &mut crate::WriteTx<Self::Db>,
        rows: &[NewItemRow<'_>],
    ) -> impl std::future::Future<Output = Result<Vec<(i64, i64, String)>>> + Send;

    /// Records sources' fetches ([`record_fetch_sql`]), each `(source, its
    /// fetch, the new items stored with it)`, in the order given: the
    /// sources recorded (those whose lease the fetch's owner still held).
    fn record_fetch_rows(
        &self,
        tx: &mut crate::WriteTx<Self::Db>,
        fetches: &[(i64, &SourceFetch<'_>, i64)],
    ) -> impl std::future::Future<Output = Result<HashSet<i64>>> + Send;
}

/// SQLite: multi-row `VALUES` of 32 rows (18 anonymous parameters a row,
/// far below its limit of 32,766; see [`crate::Placeholders`]).
impl GroupWrite for sqlx::SqlitePool {
    async fn insert_item_rows(
        &self,
        tx: &mut crate::WriteTx<sqlx::Sqlite>,
        rows: &[NewItemRow<'_>],
    ) -> Result<Vec<(i64, i64, String)>> {
        const ROWS: usize = 32;
        let mut stored = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(ROWS) {
            let sql = format!(
                "INSERT INTO veille_items ({INSERT_COLUMNS}) VALUES {} {INSERT_CONFLICT}",
                rows_in_order(self, chunk.len(), 18)
            );
            let mut q = sqlx::query_as::<_, (i64, i64, String)>(&sql);
            for NewItemRow { batch, item } in chunk {
                q = q
                    .bind(batch.workspace_id.0)
                    .bind(batch.source.map(|(s, _)| s.0))
                    .bind(batch.source.map(|(_, t)| t).unwrap_or(""))
                    .bind(&item.dedup_key)
                    .bind(item.url.as_deref())
                    .bind(item.canonical_url.as_deref())
                    .bind(&item.title)
                    .bind(&item.text)
                    .bind(item.author.as_deref())
                    .bind(item.lang.as_deref())
                    .bind(item.lang_hint.as_deref())
                    .bind(DbTime::from(item.published_at))
                    .bind(DbTime::from(batch.at))
                    .bind(&item.date_issue)
                    .bind(item.polarity.as_str())
                    .bind(item.sentiment)
                    .bind(item.cluster_id)
                    .bind(!batch.pending);
            }
            stored.extend(q.fetch_all(&mut **tx).await?);
        }
        Ok(stored)
    }

    /// One statement per source.
    async fn record_fetch_rows(
        &self,
        tx: &mut crate::WriteTx<sqlx::Sqlite>,
        fetches: &[(i64, &SourceFetch<'_>, i64)],
    ) -> Result<HashSet<i64>> {
        let sql = record_fetch_sql(false);
        let mut recorded = HashSet::new();
        for &(source, f, items) in fetches {
            let done = bind_fetch_record!(
                sqlx::query(&sql),
                SourceId(source),
                f.owner,
                f.at,
                f.record,
                items
            )
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() > 0 {
                recorded.insert(source);
            }
        }
        Ok(recorded)
    }
}

/// One column of `rows` as an array parameter: `f` of each row.
fn column<'a, T, U>(rows: &'a [T], f: impl Fn(&'a T) -> U) -> Vec<U> {
    rows.iter().map(f).collect()
}

/// PostgreSQL: one array per column, spread back into rows by `UNNEST`
/// (in their order, kept by the ordinality). A statement of 18 parameters
/// whatever the rows, instead of a `VALUES` list of 18 per row: the server
/// plans and sets up one expression per column, not one per value, and
/// 1,024 rows make one round trip instead of 32.
impl GroupWrite for sqlx::PgPool {
    async fn insert_item_rows(
        &self,
        tx: &mut crate::WriteTx<sqlx::Postgres>,
        rows: &[NewItemRow<'_>],
    ) -> Result<Vec<(i64, i64, String)>> {
        const ROWS: usize = 1024;
        let sql = format!(
            "INSERT INTO veille_items ({INSERT_COLUMNS}) \
             SELECT {INSERT_COLUMNS} FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::TEXT[], $4::TEXT[], \
             $5::TEXT[], $6::TEXT[], $7::TEXT[], $8::TEXT[], $9::TEXT[], $10::TEXT[], $11::TEXT[], \
             $12::TIMESTAMPTZ[], $13::TIMESTAMPTZ[], $14::TEXT[], $15::TEXT[], $16::DOUBLE PRECISION[], \
             $17::BIGINT[], $18::BOOLEAN[]) WITH ORDINALITY AS r ({INSERT_COLUMNS}, n) ORDER BY n \
             {INSERT_CONFLICT}"
        );
        let mut stored = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(ROWS) {
            let q = sqlx::query_as::<_, (i64, i64, String)>(&sql)
                .bind(column(chunk, |r| r.batch.workspace_id.0))
                .bind(column(chunk, |r| r.batch.source.map(|(s, _)| s.0)))
                .bind(column(chunk, |r| r.batch.source.map_or("", |(_, t)| t)))
                .bind(column(chunk, |r| r.item.dedup_key.as_str()))
                .bind(column(chunk, |r| r.item.url.as_deref()))
                .bind(column(chunk, |r| r.item.canonical_url.as_deref()))
                .bind(column(chunk, |r| r.item.title.as_str()))
                .bind(column(chunk, |r| r.item.text.as_str()))
                .bind(column(chunk, |r| r.item.author.as_deref()))
                .bind(column(chunk, |r| r.item.lang.as_deref()))
                .bind(column(chunk, |r| r.item.lang_hint.as_deref()))
                .bind(column(chunk, |r| DbTime::from(r.item.published_at).0))
                .bind(column(chunk, |r| DbTime::from(r.batch.at).0))
                .bind(column(chunk, |r| r.item.date_issue.as_str()))
                .bind(column(chunk, |r| r.item.polarity.as_str()))
                .bind(column(chunk, |r| r.item.sentiment))
                .bind(column(chunk, |r| r.item.cluster_id))
                .bind(column(chunk, |r| !r.batch.pending));
            stored.extend(q.fetch_all(&mut **tx).await?);
        }
        Ok(stored)
    }

    /// One statement for all the sources: their values as arrays, spread
    /// into rows by `UNNEST` and joined to the sources. It updates only
    /// rows leased to the fetch's owner, which no other writer updates, so
    /// the order it takes their locks in does not matter.
    async fn record_fetch_rows(
        &self,
        tx: &mut crate::WriteTx<sqlx::Postgres>,
        fetches: &[(i64, &SourceFetch<'_>, i64)],
    ) -> Result<HashSet<i64>> {
        if fetches.is_empty() {
            return Ok(HashSet::new());
        }
        let sql = format!(
            "UPDATE veille_sources SET {} \
             FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[], \
             $6::BOOLEAN[], $7::TEXT[], $8::TEXT[], $9::TEXT[], $10::TEXT[], $11::TEXT[], $12::TEXT[], \
             $13::TIMESTAMPTZ[], $14::TEXT[], $15::TEXT[], $16::TIMESTAMPTZ[], $17::BIGINT[]) \
             AS v (v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17) \
             WHERE id = v.v1 AND lease_owner = v.v2 RETURNING id",
            fetch_record_set(|n| format!("v.v{n}"))
        );
        let recorded: Vec<(i64,)> = sqlx::query_as(&sql)
            .bind(column(fetches, |(s, _, _)| *s))
            .bind(column(fetches, |(_, f, _)| f.owner))
            .bind(column(fetches, |(_, f, _)| {
                i64::from(f.record.not_modified)
            }))
            .bind(column(fetches, |(_, f, _)| f.record.wire_bytes))
            .bind(column(fetches, |(_, f, _)| f.record.body_bytes))
            .bind(column(fetches, |(_, f, _)| fetch_state(f.record).1))
            .bind(column(fetches, |(_, f, _)| f.record.etag.as_deref()))
            .bind(column(fetches, |(_, f, _)| {
                f.record.last_modified.as_deref()
            }))
            .bind(column(fetches, |(_, f, _)| f.record.cursor.as_deref()))
            .bind(column(fetches, |(_, f, _)| f.record.title.as_deref()))
            .bind(column(fetches, |(_, f, _)| f.record.site_url.as_deref()))
            .bind(column(fetches, |(_, f, _)| f.record.page_text.as_deref()))
            .bind(column(fetches, |(_, f, _)| DbTime::from(f.at).0))
            .bind(column(fetches, |(_, f, _)| {
                f.record.error.as_deref().unwrap_or("")
            }))
            .bind(column(fetches, |(_, f, _)| fetch_state(f.record).0))
            .bind(column(fetches, |(_, f, _)| {
                DbTime::from(f.record.next_fetch_at).0
            }))
            .bind(column(fetches, |(_, _, n)| *n))
            .fetch_all(&mut **tx)
            .await?;
        Ok(recorded.into_iter().map(|(id,)| id).collect())
    }
}

/// An item stored pending, as the analysis stage reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
struct PendingRow {
    id: i64,
    workspace_id: i64,
    source_id: Option<i64>,
    source_title: String,
    source_url: Option<String>,
    dedup_key: String,
    url: Option<String>,
    title: String,
    body: String,
    author: Option<String>,
    lang: Option<String>,
    lang_hint: Option<String>,
    published_at: DbTime,
}

/// An item waiting for analysis: what language detection, sentiment, the
/// matcher and the story clusterer read.
#[derive(Debug, Clone)]
pub struct PendingItem {
    pub id: ItemId,
    pub workspace_id: WorkspaceId,
    pub source_id: Option<SourceId>,
    /// The source's label when the item was stored (`source:` filters).
    pub source_title: String,
    /// The source's URL (its host is the item's site when the item has no
    /// URL), `None` once the source is removed.
    pub source_url: Option<String>,
    pub dedup_key: String,
    pub url: Option<String>,
    pub title: String,
    pub text: String,
    pub author: Option<String>,
    pub lang: Option<String>,
    pub lang_hint: Option<String>,
    pub published_at: DateTime<Utc>,
}

impl From<PendingRow> for PendingItem {
    fn from(r: PendingRow) -> PendingItem {
        PendingItem {
            id: ItemId(r.id),
            workspace_id: WorkspaceId(r.workspace_id),
            source_id: r.source_id.map(SourceId),
            source_title: r.source_title,
            source_url: r.source_url,
            dedup_key: r.dedup_key,
            url: r.url,
            title: r.title,
            text: r.body,
            author: r.author,
            lang: r.lang,
            lang_hint: r.lang_hint,
            published_at: r.published_at.0,
        }
    }
}

/// What the analysis stage found about a pending item.
#[derive(Debug, Clone)]
pub struct ItemAnalysis {
    pub id: ItemId,
    pub workspace_id: WorkspaceId,
    pub lang: Option<String>,
    pub polarity: Polarity,
    pub sentiment: f64,
    pub cluster_id: i64,
    pub topics: Vec<TopicId>,
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct FetchRecord {
    /// Bytes received on the wire (compressed), headers excluded.
    pub wire_bytes: i64,
    /// The server answered 304 Not Modified.
    pub not_modified: bool,
    /// Size of the body decoded, when there was one.
    pub body_bytes: Option<i64>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub cursor: Option<String>,
    /// The feed's own title and site, when the source has none yet.
    pub title: Option<String>,
    pub site_url: Option<String>,
    pub page_text: Option<String>,
    /// `Some(reason)` when the fetch failed.
    pub error: Option<String>,
    /// When to fetch next (the worker's schedule decision).
    pub next_fetch_at: DateTime<Utc>,
    /// Disable the source (dead for too long).
    pub disable: bool,
}

/// Filters of the item list.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub topic: Option<TopicId>,
    pub source: Option<SourceId>,
    pub lang: Option<String>,
    pub polarity: Option<Polarity>,
    pub starred: bool,
    pub tag: Option<String>,
    pub cluster: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: i64,
    pub offset: i64,
}

/// An item with what the lists show around it.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub item: Item,
    pub topics: Vec<(TopicId, String)>,
    pub tags: Vec<String>,
    /// How many items (sources) tell the same story, this one included.
    pub cluster_size: i64,
}

/// One hour of a topic's volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HourVolume {
    pub hour: DateTime<Utc>,
    pub total: i64,
    pub negative: i64,
}

/// A stored item as the search index wants it.
#[derive(Debug, Clone)]
pub struct IndexedItem {
    pub item: Item,
    pub topics: Vec<TopicId>,
}

/// The UTC hour an instant falls in.
pub fn hour_of(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::hours(1)).unwrap_or(t)
}

impl Store {
    // ---- sources ----

    /// Adds a source, due at once. `Conflict("source")` when the workspace
    /// already watches it.
    pub async fn add_source(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        new: &NewSource,
    ) -> Result<Source> {
        let report = self
            .import_sources(actor, ws, std::slice::from_ref(new))
            .await?;
        match report.added.first() {
            Some(id) => self.source(ws, *id).await?.ok_or(StoreError::NotFound),
            None => Err(StoreError::Conflict("source")),
        }
    }

    /// Adds sources in one transaction; those already watched are skipped
    /// (their URLs in `skipped`). One audit entry for the whole import.
    pub async fn import_sources(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        sources: &[NewSource],
    ) -> Result<SourceImport> {
        let at = now();
        let mut report = SourceImport::default();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            for s in sources {
                let id: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO veille_sources (workspace_id, kind, url, selector, tag, title, category, \
                     interval_secs, state, next_fetch_at, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10, $9) \
                     ON CONFLICT (workspace_id, kind, url, selector, tag) DO NOTHING RETURNING id",
                )
                .bind(ws.0)
                .bind(s.kind.as_str())
                .bind(&s.url)
                .bind(&s.selector)
                .bind(&s.tag)
                .bind(&s.title)
                .bind(&s.category)
                .bind(s.interval_secs)
                .bind(DbTime::from(at))
                .bind(actor.user_id().map(|u| u.0))
                .fetch_optional(&mut *tx)
                .await?;
                match id {
                    Some((id,)) => report.added.push(SourceId(id)),
                    None => report.skipped.push(s.url.clone()),
                }
            }
            if !report.added.is_empty() {
                let (action, target) = if sources.len() == 1 {
                    (AuditAction::VeilleSourceAdded, sources[0].url.clone())
                } else {
                    (
                        AuditAction::VeilleSourcesImported,
                        format!("{} sources", report.added.len()),
                    )
                };
                write_audit!(
                    tx,
                    AuditRecord {
                        workspace_id: Some(ws),
                        actor: actor.clone(),
                        action,
                        target,
                        before: None,
                        after: Some(
                            json!({"added": report.added.len(), "skipped": report.skipped.len()})
                        ),
                        at,
                    }
                );
            }
            tx.commit().await?;
        });
        Ok(report)
    }

    /// The workspace's sources, by title then URL.
    pub async fn list_sources(&self, ws: WorkspaceId) -> Result<Vec<Source>> {
        let sql = format!(
            "SELECT {SOURCE_COLUMNS} FROM veille_sources WHERE workspace_id = $1 ORDER BY kind, title, url, id"
        );
        let rows: Vec<SourceRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(Source::try_from).collect()
    }

    /// One source of the workspace.
    pub async fn source(&self, ws: WorkspaceId, id: SourceId) -> Result<Option<Source>> {
        let sql = format!(
            "SELECT {SOURCE_COLUMNS} FROM veille_sources WHERE workspace_id = $1 AND id = $2"
        );
        let row: Option<SourceRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(pool)
            .await?);
        row.map(Source::try_from).transpose()
    }

    /// A person turns a source on (due at once, failures forgotten) or off.
    pub async fn set_source_enabled(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        id: SourceId,
        enabled: bool,
    ) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let done = if enabled {
                sqlx::query(
                    "UPDATE veille_sources SET state = 'active', failures = 0, first_failure_at = NULL, \
                     next_fetch_at = $3 WHERE workspace_id = $1 AND id = $2",
                )
                .bind(ws.0)
                .bind(id.0)
                .bind(DbTime::from(at))
                .execute(&mut *tx)
                .await?
            } else {
                sqlx::query(
                    "UPDATE veille_sources SET state = 'disabled' WHERE workspace_id = $1 AND id = $2",
                )
                .bind(ws.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await?
            };
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::VeilleSourceChanged,
                    target: format!("source {}", id.0),
                    before: None,
                    after: Some(json!({"enabled": enabled})),
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Removes a source; its items stay (curated ones above all).
    pub async fn delete_source(&self, actor: &Actor, ws: WorkspaceId, id: SourceId) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let url: Option<(String,)> = sqlx::query_as(
                "DELETE FROM veille_sources WHERE workspace_id = $1 AND id = $2 RETURNING url",
            )
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((url,)) = url else {
                return Err(StoreError::NotFound);
            };
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::VeilleSourceRemoved,
                    target: url,
                    before: None,
                    after: None,
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// The worker takes up to `limit` sources due at `at` whose lease is free,
    /// for `lease` (one worker at a time per source, across processes).
    pub async fn lease_due_sources(
        &self,
        owner: &str,
        at: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<Source>> {
        let sql = format!(
            "UPDATE veille_sources SET lease_owner = $1, lease_expires_at = $2 \
             WHERE id IN (SELECT id FROM veille_sources WHERE state <> 'disabled' AND next_fetch_at <= $3 \
                 AND (lease_expires_at IS NULL OR lease_expires_at < $3) ORDER BY next_fetch_at LIMIT $4) \
             AND (lease_expires_at IS NULL OR lease_expires_at < $3) RETURNING {SOURCE_COLUMNS}"
        );
        let rows: Vec<SourceRow> = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let rows = sqlx::query_as(&sql)
                .bind(owner)
                .bind(DbTime::from(at + lease))
                .bind(DbTime::from(at))
                .bind(limit.max(0))
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            rows
        });
        rows.into_iter().map(Source::try_from).collect()
    }

    /// When the next source is due (for the worker's sleep), if any.
    pub async fn next_source_due(&self) -> Result<Option<DateTime<Utc>>> {
        let row: Option<(Option<DbTime>,)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT MIN(next_fetch_at) FROM veille_sources WHERE state <> 'disabled'"
        )
        .fetch_optional(pool)
        .await?);
        Ok(row.and_then(|(t,)| t).map(|t| t.0))
    }

    /// Records one fetch of a source and gives its lease back. Returns the
    /// source as it now is; `None` when the lease was lost (someone else took
    /// the source, or it was removed), in which case nothing was written.
    pub async fn record_fetch(
        &self,
        owner: &str,
        id: SourceId,
        at: DateTime<Utc>,
        rec: &FetchRecord,
    ) -> Result<Option<Source>> {
        let sql = record_fetch_sql(true);
        let row: Option<SourceRow> = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let row = bind_fetch_record!(sqlx::query_as(&sql), id, owner, at, rec, 0_i64)
                .fetch_optional(&mut *tx)
                .await?;
            tx.commit().await?;
            row
        });
        row.map(Source::try_from).transpose()
    }

    // ---- topics ----

    /// Creates a topic (`id` None) or saves one, naming the version it was
    /// read at (`Stale` when someone saved in between). The query must have
    /// been parsed by the caller. `Conflict("name")` when the name is taken.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_topic(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        id: Option<(TopicId, i64)>,
        name: &str,
        kind: VeilleKind,
        query: &str,
    ) -> Result<TopicRecord> {
        let at = now();
        let sql_insert = format!(
            "INSERT INTO veille_topics (workspace_id, name, kind, query, version, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 1, $5, $6, $6) RETURNING {TOPIC_COLUMNS}"
        );
        let sql_update = format!(
            "UPDATE veille_topics SET name = $3, kind = $4, query = $5, version = version + 1, updated_at = $6 \
             WHERE workspace_id = $1 AND id = $2 AND version = $7 RETURNING {TOPIC_COLUMNS}"
        );
        let row: TopicRow = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let row: TopicRow = match id {
                None => sqlx::query_as(&sql_insert)
                    .bind(ws.0)
                    .bind(name)
                    .bind(kind.as_str())
                    .bind(query)
                    .bind(actor.user_id().map(|u| u.0))
                    .bind(DbTime::from(at))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(conflict_on("name"))?,
                Some((id, version)) => {
                    let row: Option<TopicRow> = sqlx::query_as(&sql_update)
                        .bind(ws.0)
                        .bind(id.0)
                        .bind(name)
                        .bind(kind.as_str())
                        .bind(query)
                        .bind(DbTime::from(at))
                        .bind(version)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(conflict_on("name"))?;
                    match row {
                        Some(row) => row,
                        None => {
                            let exists: Option<(i64,)> = sqlx::query_as(
                                "SELECT id FROM veille_topics WHERE workspace_id = $1 AND id = $2",
                            )
                            .bind(ws.0)
                            .bind(id.0)
                            .fetch_optional(&mut *tx)
                            .await?;
                            return Err(if exists.is_some() {
                                StoreError::Stale
                            } else {
                                StoreError::NotFound
                            });
                        }
                    }
                }
            };
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::VeilleTopicSaved,
                    target: name.to_string(),
                    before: None,
                    after: Some(json!({"kind": kind.as_str(), "query": query})),
                    at,
                }
            );
            tx.commit().await?;
            row
        });
        TopicRecord::try_from(row)
    }

    /// Deletes a topic (its matches and volumes go with it; items stay).
    pub async fn delete_topic(&self, actor: &Actor, ws: WorkspaceId, id: TopicId) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let name: Option<(String,)> = sqlx::query_as(
                "DELETE FROM veille_topics WHERE workspace_id = $1 AND id = $2 RETURNING name",
            )
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((name,)) = name else {
                return Err(StoreError::NotFound);
            };
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::VeilleTopicDeleted,
                    target: name,
                    before: None,
                    after: None,
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// The workspace's topics, by kind then name.
    pub async fn list_topics(&self, ws: WorkspaceId) -> Result<Vec<TopicRecord>> {
        let sql = format!(
            "SELECT {TOPIC_COLUMNS} FROM veille_topics WHERE workspace_id = $1 ORDER BY kind, name"
        );
        let rows: Vec<TopicRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(TopicRecord::try_from).collect()
    }

    /// One topic of the workspace.
    pub async fn topic(&self, ws: WorkspaceId, id: TopicId) -> Result<Option<TopicRecord>> {
        let sql = format!(
            "SELECT {TOPIC_COLUMNS} FROM veille_topics WHERE workspace_id = $1 AND id = $2"
        );
        let row: Option<TopicRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(pool)
            .await?);
        row.map(TopicRecord::try_from).transpose()
    }

    /// A value that changes whenever the workspace's topics change (added,
    /// saved or deleted): the worker recompiles its matcher when it does.
    pub async fn topics_fingerprint(&self, ws: WorkspaceId) -> Result<(i64, i64, i64)> {
        let (n, ids, versions): (i64, Option<i64>, Option<i64>) = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT COUNT(*), CAST(SUM(id) AS BIGINT), CAST(SUM(version) AS BIGINT) FROM veille_topics WHERE workspace_id = $1",
            )
            .bind(ws.0)
            .fetch_one(pool)
            .await?
        });
        Ok((n, ids.unwrap_or(0), versions.unwrap_or(0)))
    }

    // ---- items ----

    /// Which of these dedup keys the workspace already has.
    pub async fn known_dedup_keys(
        &self,
        ws: WorkspaceId,
        keys: &[String],
    ) -> Result<HashSet<String>> {
        let mut known = HashSet::new();
        // Kept prepared on SQLite, whose planner takes the unique index
        // whatever the table holds (preparing it again for every source
        // cost a few percent of the feed ingestion pass); not on PostgreSQL
        // (below).
        let keep = matches!(self.backend, crate::Backend::Sqlite(_));
        for chunk in keys.chunks(500) {
            let sql = format!(
                "SELECT dedup_key FROM veille_items WHERE workspace_id = $1 AND dedup_key IN ({})",
                marks(2, chunk.len())
            );
            let rows: Vec<(String,)> = on_pool!(self, |pool| {
                // On PostgreSQL, not a prepared statement kept per
                // connection: it would keep its generic plan, made when the table was
                // empty (a sequential scan), while a first fetch fills it;
                // planned each time, the lookup uses the unique index.
                let mut q = sqlx::query_as(&sql).persistent(keep).bind(ws.0);
                for k in chunk {
                    q = q.bind(k);
                }
                q.fetch_all(pool).await?
            });
            known.extend(rows.into_iter().map(|(k,)| k));
        }
        Ok(known)
    }

    /// Stores new items of a source in one transaction: each item (skipped if
    /// its dedup key is already there, or given earlier in `items`), its
    /// topics (those of the workspace) and the topics' hourly volumes; the
    /// source's item count. Returns the stored items' ids, in the order
    /// given, `None` for the duplicates.
    pub async fn store_items(
        &self,
        ws: WorkspaceId,
        source: Option<(SourceId, &str)>,
        items: &[NewItem],
        at: DateTime<Utc>,
    ) -> Result<Vec<Option<ItemId>>> {
        let batch = ItemBatch {
            workspace_id: ws,
            source,
            items,
            at,
            pending: false,
            fetch: None,
        };
        Ok(self
            .store_item_batches(std::slice::from_ref(&batch))
            .await?
            .pop()
            .unwrap_or_default())
    }

    /// Stores the new items of several sources in one transaction (a group
    /// commit: one transaction's fixed cost, and each index page written
    /// once, for many sources), as [`Store::store_items`] would one after the
    /// other. Returns each batch's ids, in the order given.
    ///
    /// Multi-row statements: the items, their topics and their hours are a
    /// handful of statements, not one per row (a statement costs a round
    /// trip to SQLite's connection thread or to PostgreSQL). The items go in
    /// as each backend takes many rows best ([`GroupWrite`]).
    pub async fn store_item_batches(
        &self,
        batches: &[ItemBatch<'_>],
    ) -> Result<Vec<Vec<Option<ItemId>>>> {
        let mut ids: Vec<Vec<Option<ItemId>>> =
            batches.iter().map(|b| vec![None; b.items.len()]).collect();
        if batches.iter().all(|b| b.items.is_empty()) {
            return Ok(ids);
        }
        // Rows go in in (workspace, key) order, and the hours below in
        // (topic, hour) order: concurrent transactions then take their row
        // locks in one order and cannot deadlock (PostgreSQL did, between
        // feeds sharing an article or a topic's hour). The sort is stable:
        // of two items with one key, the first given is the one stored.
        let mut in_order: Vec<(usize, usize)> = batches
            .iter()
            .enumerate()
            .flat_map(|(b, batch)| (0..batch.items.len()).map(move |i| (b, i)))
            .collect();
        in_order.sort_by(|&(ba, ia), &(bb, ib)| {
            let (a, b) = (&batches[ba], &batches[bb]);
            (a.workspace_id.0, &a.items[ia].dedup_key)
                .cmp(&(b.workspace_id.0, &b.items[ib].dedup_key))
        });
        let mut workspaces: Vec<i64> = batches.iter().map(|b| b.workspace_id.0).collect();
        workspaces.sort_unstable();
        workspaces.dedup();
        let rows: Vec<NewItemRow<'_>> = in_order
            .iter()
            .map(|&(b, i)| NewItemRow {
                batch: &batches[b],
                item: &batches[b].items[i],
            })
            .collect();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            // Items: the rows returned name their key, which gives each id
            // to the first item with that key.
            let mut stored: HashMap<(i64, String), i64> = pool
                .insert_item_rows(&mut tx, &rows)
                .await?
                .into_iter()
                .map(|(id, ws, k)| ((ws, k), id))
                .collect();
            for &(b, i) in &in_order {
                let key = (
                    batches[b].workspace_id.0,
                    batches[b].items[i].dedup_key.clone(),
                );
                ids[b][i] = stored.remove(&key).map(ItemId);
            }
            // Topics: only the workspace's (a topic of another workspace, or
            // one deleted since the matcher was compiled, is left out).
            let own = own_topics!(tx, workspaces);
            let mut links: Vec<(i64, i64, DateTime<Utc>)> = Vec::new();
            let mut hours: HashMap<(i64, DateTime<Utc>), (i64, i64)> = HashMap::new();
            let mut counts: HashMap<i64, i64> = HashMap::new();
            for (batch, ids) in batches.iter().zip(&ids) {
                let ws = batch.workspace_id.0;
                for (id, item) in ids.iter().zip(batch.items) {
                    let Some(id) = id else { continue };
                    if let Some((source, _)) = batch.source {
                        *counts.entry(source.0).or_default() += 1;
                    }
                    if batch.pending {
                        continue;
                    }
                    tally_topics(
                        &own,
                        ws,
                        id.0,
                        &item.topics,
                        item.published_at,
                        item.polarity,
                        &mut links,
                        &mut hours,
                    );
                }
            }
            write_topic_links!(pool, tx, links, hours);
            // Each source's fetch, with its new items counted, then the
            // count alone of the others (no fetch, or the lease lost: the
            // items are stored all the same), each in source order. Only
            // rows leased to the fetch's owner are recorded, so two groups
            // could take two sources' locks in opposite orders only if each
            // held a lease the other's had lost; PostgreSQL would then end
            // one, and its sources are written again one at a time.
            let fetches: BTreeMap<i64, &SourceFetch<'_>> = batches
                .iter()
                .filter_map(|b| Some((b.source?.0 .0, b.fetch.as_ref()?)))
                .collect();
            let records: Vec<(i64, &SourceFetch<'_>, i64)> = fetches
                .into_iter()
                .map(|(s, f)| (s, f, counts.get(&s).copied().unwrap_or(0)))
                .collect();
            let recorded = pool.record_fetch_rows(&mut tx, &records).await?;
            let mut unrecorded: Vec<(i64, i64)> = counts
                .into_iter()
                .filter(|(s, n)| *n > 0 && !recorded.contains(s))
                .collect();
            unrecorded.sort_unstable();
            for (source, count) in unrecorded {
                sqlx::query(
                    "UPDATE veille_sources SET items_total = items_total + $2 WHERE id = $1",
                )
                .bind(source)
                .bind(count)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(ids)
    }

    /// Items stored pending, oldest first, at most `limit`: the analysis
    /// stage's queue (every workspace's).
    pub async fn pending_items(&self, limit: i64) -> Result<Vec<PendingItem>> {
        let rows: Vec<PendingRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT i.id, i.workspace_id, i.source_id, i.source_title, s.url AS source_url, i.dedup_key, \
                 i.url, i.title, i.body, i.author, i.lang, i.lang_hint, i.published_at \
                 FROM veille_items i LEFT JOIN veille_sources s ON s.id = i.source_id \
                 WHERE i.analysed = FALSE ORDER BY i.id LIMIT $1",
            )
            .bind(limit.max(0))
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(PendingItem::from).collect())
    }

    /// Records what the analysis stage found about pending items, in one
    /// transaction: each item's language, sentiment and story, its topics
    /// (those of its workspace) and their hourly volumes. An item no longer
    /// pending (another worker analysed it first) or gone is left as it is.
    /// Returns, in the order given, whether each was recorded.
    pub async fn record_analyses(&self, analyses: &[ItemAnalysis]) -> Result<Vec<bool>> {
        /// Rows per statement: 5 parameters a row.
        const ROWS: usize = 200;
        if analyses.is_empty() {
            return Ok(Vec::new());
        }
        let mut in_order: Vec<&ItemAnalysis> = analyses.iter().collect();
        in_order.sort_by_key(|a| a.id);
        let mut workspaces: Vec<i64> = analyses.iter().map(|a| a.workspace_id.0).collect();
        workspaces.sort_unstable();
        workspaces.dedup();
        let mut recorded: HashSet<i64> = HashSet::with_capacity(analyses.len());
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            for chunk in in_order.chunks(ROWS) {
                let sql = format!(
                    "UPDATE veille_items SET lang = v.column2, polarity = v.column3, sentiment = v.column4, \
                     cluster_id = v.column5, analysed = TRUE FROM (VALUES {}) AS v \
                     WHERE veille_items.id = v.column1 AND veille_items.analysed = FALSE \
                     RETURNING veille_items.id",
                    rows_in_order(pool, chunk.len(), 5)
                );
                let mut q = sqlx::query_as::<_, (i64,)>(&sql);
                for a in chunk {
                    q = q
                        .bind(a.id.0)
                        .bind(a.lang.as_deref())
                        .bind(a.polarity.as_str())
                        .bind(a.sentiment)
                        .bind(a.cluster_id);
                }
                recorded.extend(q.fetch_all(&mut *tx).await?.into_iter().map(|(id,)| id));
            }
            let own = own_topics!(tx, workspaces);
            let mut links: Vec<(i64, i64, DateTime<Utc>)> = Vec::new();
            let mut hours: HashMap<(i64, DateTime<Utc>), (i64, i64)> = HashMap::new();
            for a in &in_order {
                if recorded.contains(&a.id.0) {
                    tally_topics(
                        &own,
                        a.workspace_id.0,
                        a.id.0,
                        &a.topics,
                        a.published_at,
                        a.polarity,
                        &mut links,
                        &mut hours,
                    );
                }
            }
            write_topic_links!(pool, tx, links, hours);
            tx.commit().await?;
        });
        Ok(analyses
            .iter()
            .map(|a| recorded.contains(&a.id.0))
            .collect())
    }

    /// Items of the workspace, newest first, with their topics, tags and
    /// story size.
    pub async fn list_items(&self, ws: WorkspaceId, f: &ItemFilter) -> Result<Vec<ItemView>> {
        let mut sql =
            format!("SELECT {ITEM_COLUMNS} FROM veille_items i WHERE i.workspace_id = $1");
        let mut n = 1;
        let mut next = || {
            n += 1;
            n
        };
        if f.topic.is_some() {
            sql += &format!(
                " AND EXISTS (SELECT 1 FROM veille_item_topics t WHERE t.item_id = i.id AND t.topic_id = ${})",
                next()
            );
        }
        if f.source.is_some() {
            sql += &format!(" AND i.source_id = ${}", next());
        }
        if f.lang.is_some() {
            sql += &format!(" AND i.lang = ${}", next());
        }
        if f.polarity.is_some() {
            // A pending item has no sentiment yet (it is stored neutral).
            sql += &format!(" AND i.analysed = TRUE AND i.polarity = ${}", next());
        }
        if f.starred {
            sql += &format!(" AND i.starred = ${}", next());
        }
        if f.tag.is_some() {
            sql += &format!(
                " AND EXISTS (SELECT 1 FROM veille_item_tags g WHERE g.item_id = i.id AND g.tag = ${})",
                next()
            );
        }
        if f.cluster.is_some() {
            sql += &format!(" AND i.cluster_id = ${} AND i.analysed = TRUE", next());
        }
        if f.from.is_some() {
            sql += &format!(" AND i.published_at >= ${}", next());
        }
        if f.to.is_some() {
            sql += &format!(" AND i.published_at < ${}", next());
        }
        let (l, o) = (next(), next());
        sql += &format!(" ORDER BY i.published_at DESC, i.id DESC LIMIT ${l} OFFSET ${o}");
        let rows: Vec<ItemRow> = on_pool!(self, |pool| {
            let mut q = sqlx::query_as(&sql).bind(ws.0);
            if let Some(t) = f.topic {
                q = q.bind(t.0);
            }
            if let Some(s) = f.source {
                q = q.bind(s.0);
            }
            if let Some(l) = &f.lang {
                q = q.bind(l.clone());
            }
            if let Some(p) = f.polarity {
                q = q.bind(p.as_str());
            }
            if f.starred {
                q = q.bind(true);
            }
            if let Some(t) = &f.tag {
                q = q.bind(t.clone());
            }
            if let Some(c) = f.cluster {
                q = q.bind(c);
            }
            if let Some(t) = f.from {
                q = q.bind(DbTime::from(t));
            }
            if let Some(t) = f.to {
                q = q.bind(DbTime::from(t));
            }
            q.bind(f.limit.clamp(1, 500))
                .bind(f.offset.max(0))
                .fetch_all(pool)
                .await?
        });
        let items = rows
            .into_iter()
            .map(Item::try_from)
            .collect::<Result<Vec<_>>>()?;
        self.item_views(ws, items).await
    }

    /// These items of the workspace (search hits), in the order given; ids
    /// of other workspaces or deleted items are left out.
    pub async fn items_by_ids(&self, ws: WorkspaceId, ids: &[ItemId]) -> Result<Vec<ItemView>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM veille_items i WHERE i.workspace_id = $1 AND i.id IN ({})",
            marks(2, ids.len())
        );
        let rows: Vec<ItemRow> = on_pool!(self, |pool| {
            let mut q = sqlx::query_as(&sql).bind(ws.0);
            for id in ids {
                q = q.bind(id.0);
            }
            q.fetch_all(pool).await?
        });
        let mut items = rows
            .into_iter()
            .map(Item::try_from)
            .collect::<Result<Vec<_>>>()?;
        let rank: HashMap<ItemId, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        items.sort_by_key(|it| rank.get(&it.id).copied().unwrap_or(usize::MAX));
        self.item_views(ws, items).await
    }

    async fn item_views(&self, ws: WorkspaceId, items: Vec<Item>) -> Result<Vec<ItemView>> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = items.iter().map(|i| i.id.0).collect();
        let clusters: Vec<i64> = {
            let mut c: Vec<i64> = items.iter().map(|i| i.cluster_id).collect();
            c.sort_unstable();
            c.dedup();
            c
        };
        let topics_sql = format!(
            "SELECT it.item_id, t.id, t.name FROM veille_item_topics it JOIN veille_topics t ON t.id = it.topic_id \
             WHERE it.item_id IN ({}) ORDER BY t.name",
            marks(1, ids.len())
        );
        let tags_sql = format!(
            "SELECT item_id, tag FROM veille_item_tags WHERE item_id IN ({}) ORDER BY tag",
            marks(1, ids.len())
        );
        let clusters_sql = format!(
            "SELECT cluster_id, COUNT(*) FROM veille_items WHERE workspace_id = $1 AND analysed = TRUE \
             AND cluster_id IN ({}) GROUP BY cluster_id",
            marks(2, clusters.len())
        );
        type Around = (Vec<(i64, i64, String)>, Vec<(i64, String)>, Vec<(i64, i64)>);
        let (topics, tags, sizes): Around = on_pool!(self, |pool| {
            let mut q = sqlx::query_as(&topics_sql);
            for id in &ids {
                q = q.bind(*id);
            }
            let topics = q.fetch_all(pool).await?;
            let mut q = sqlx::query_as(&tags_sql);
            for id in &ids {
                q = q.bind(*id);
            }
            let tags = q.fetch_all(pool).await?;
            let mut q = sqlx::query_as(&clusters_sql).bind(ws.0);
            for c in &clusters {
                q = q.bind(*c);
            }
            let sizes = q.fetch_all(pool).await?;
            (topics, tags, sizes)
        });
        let mut by_item: HashMap<i64, Vec<(TopicId, String)>> = HashMap::new();
        for (item, topic, name) in topics {
            by_item
                .entry(item)
                .or_default()
                .push((TopicId(topic), name));
        }
        let mut tags_by_item: HashMap<i64, Vec<String>> = HashMap::new();
        for (item, tag) in tags {
            tags_by_item.entry(item).or_default().push(tag);
        }
        let sizes: HashMap<i64, i64> = sizes.into_iter().collect();
        Ok(items
            .into_iter()
            .map(|item| ItemView {
                topics: by_item.remove(&item.id.0).unwrap_or_default(),
                tags: tags_by_item.remove(&item.id.0).unwrap_or_default(),
                // A pending item has no story yet (its cluster id is a
                // placeholder that every pending item shares).
                cluster_size: if item.analysed {
                    sizes.get(&item.cluster_id).copied().unwrap_or(1)
                } else {
                    1
                },
                item,
            })
            .collect())
    }

    /// One item of the workspace.
    pub async fn item(&self, ws: WorkspaceId, id: ItemId) -> Result<Option<ItemView>> {
        Ok(self.items_by_ids(ws, &[id]).await?.into_iter().next())
    }

    /// A person stars, tags and annotates an item (its impact note: "what
    /// this changes for us"). Tags replace the item's tags.
    pub async fn curate_item(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        id: ItemId,
        starred: bool,
        tags: &[String],
        note: &str,
    ) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let done = sqlx::query(
                "UPDATE veille_items SET starred = $3, note = $4 WHERE workspace_id = $1 AND id = $2",
            )
            .bind(ws.0)
            .bind(id.0)
            .bind(starred)
            .bind(note)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("DELETE FROM veille_item_tags WHERE item_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            for tag in tags {
                sqlx::query(
                    "INSERT INTO veille_item_tags (item_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(id.0)
                .bind(tag)
                .execute(&mut *tx)
                .await?;
            }
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::VeilleItemCurated,
                    target: format!("item {}", id.0),
                    before: None,
                    after: Some(json!({"starred": starred, "tags": tags, "note": note})),
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// The tags used in the workspace, with how many items carry each.
    pub async fn item_tags(&self, ws: WorkspaceId) -> Result<Vec<(String, i64)>> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT g.tag, COUNT(*) FROM veille_item_tags g JOIN veille_items i ON i.id = g.item_id \
             WHERE i.workspace_id = $1 GROUP BY g.tag ORDER BY g.tag"
        )
        .bind(ws.0)
        .fetch_all(pool)
        .await?
        }))
    }

    /// Analysed items after `after` (by id), every workspace, with their
    /// topics: what rebuilding the search index reads, page by page. Items
    /// still pending are left to the analysis stage, which indexes them with
    /// their language and sentiment.
    pub async fn items_for_index(&self, after: ItemId, limit: i64) -> Result<Vec<IndexedItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM veille_items i WHERE i.id > $1 AND i.analysed = TRUE \
             ORDER BY i.id LIMIT $2"
        );
        let rows: Vec<ItemRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(after.0)
            .bind(limit.clamp(1, 10_000))
            .fetch_all(pool)
            .await?);
        let items = rows
            .into_iter()
            .map(Item::try_from)
            .collect::<Result<Vec<_>>>()?;
        self.with_topic_ids(items).await
    }

    /// These items (any workspace) with their topic ids, for the index.
    pub async fn indexed_items(&self, ids: &[ItemId]) -> Result<Vec<IndexedItem>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM veille_items i WHERE i.id IN ({}) ORDER BY i.id",
            marks(1, ids.len())
        );
        let rows: Vec<ItemRow> = on_pool!(self, |pool| {
            let mut q = sqlx::query_as(&sql);
            for id in ids {
                q = q.bind(id.0);
            }
            q.fetch_all(pool).await?
        });
        let items = rows
            .into_iter()
            .map(Item::try_from)
            .collect::<Result<Vec<_>>>()?;
        self.with_topic_ids(items).await
    }

    async fn with_topic_ids(&self, items: Vec<Item>) -> Result<Vec<IndexedItem>> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT item_id, topic_id FROM veille_item_topics WHERE item_id IN ({})",
            marks(1, items.len())
        );
        let pairs: Vec<(i64, i64)> = on_pool!(self, |pool| {
            let mut q = sqlx::query_as(&sql);
            for it in &items {
                q = q.bind(it.id.0);
            }
            q.fetch_all(pool).await?
        });
        let mut topics: HashMap<i64, Vec<TopicId>> = HashMap::new();
        for (item, topic) in pairs {
            topics.entry(item).or_default().push(TopicId(topic));
        }
        Ok(items
            .into_iter()
            .map(|item| IndexedItem {
                topics: topics.remove(&item.id.0).unwrap_or_default(),
                item,
            })
            .collect())
    }

    /// When a source's newest items were published, newest first: at most
    /// `limit`, none before `since`. Its rhythm, for an adaptive schedule
    /// when a fetch brought no items to read it from.
    pub async fn recent_publications(
        &self,
        source: SourceId,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DateTime<Utc>>> {
        let rows: Vec<(DbTime,)> = on_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT published_at FROM veille_items WHERE source_id = $1 AND published_at >= $2 \
             ORDER BY published_at DESC LIMIT $3"
        )
        .bind(source.0)
        .bind(DbTime::from(since))
        .bind(limit.max(0))
        .fetch_all(pool)
        .await?
        });
        Ok(rows.into_iter().map(|(t,)| t.0).collect())
    }

    /// Recent analysed items' (id → cluster key, text) of every workspace
    /// since `since`, oldest first: what the worker's clusterers are seeded
    /// with at start (a pending item gets its story when analysed).
    pub async fn recent_item_texts(
        &self,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(WorkspaceId, i64, String)>> {
        let rows: Vec<(i64, i64, String, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT workspace_id, cluster_id, title, body FROM veille_items WHERE fetched_at >= $1 \
             AND analysed = TRUE ORDER BY id LIMIT $2"
        )
        .bind(DbTime::from(since))
        .bind(limit.max(0))
        .fetch_all(pool)
        .await?
        });
        Ok(rows
            .into_iter()
            .map(|(ws, c, title, body)| (WorkspaceId(ws), c, format!("{title}\n{body}")))
            .collect())
    }

    // ---- volumes and alerts ----

    /// A topic's hourly volumes in `[from, to)`, oldest first; hours without
    /// items are absent.
    pub async fn topic_volume(
        &self,
        topic: TopicId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<HourVolume>> {
        let rows: Vec<(DbTime, i64, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT hour, total, negative FROM veille_topic_hours WHERE topic_id = $1 AND hour >= $2 AND hour < $3 \
             ORDER BY hour"
        )
        .bind(topic.0)
        .bind(DbTime::from(from))
        .bind(DbTime::from(to))
        .fetch_all(pool)
        .await?
        });
        Ok(rows
            .into_iter()
            .map(|(h, total, negative)| HourVolume {
                hour: h.0,
                total,
                negative,
            })
            .collect())
    }

    /// [`topic_volume`](Self::topic_volume) of several topics in one query:
    /// each topic's hourly volumes in `[from, to)`, oldest first (topics
    /// without any are absent).
    pub async fn topics_volume(
        &self,
        topics: &[TopicId],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<HashMap<TopicId, Vec<HourVolume>>> {
        let mut out: HashMap<TopicId, Vec<HourVolume>> = HashMap::new();
        for chunk in topics.chunks(500) {
            let sql = format!(
                "SELECT topic_id, hour, total, negative FROM veille_topic_hours \
                 WHERE hour >= $1 AND hour < $2 AND topic_id IN ({}) ORDER BY topic_id, hour",
                marks(3, chunk.len())
            );
            let rows: Vec<(i64, DbTime, i64, i64)> = on_pool!(self, |pool| {
                let mut q = sqlx::query_as(&sql)
                    .bind(DbTime::from(from))
                    .bind(DbTime::from(to));
                for t in chunk {
                    q = q.bind(t.0);
                }
                q.fetch_all(pool).await?
            });
            for (topic, hour, total, negative) in rows {
                out.entry(TopicId(topic)).or_default().push(HourVolume {
                    hour: hour.0,
                    total,
                    negative,
                });
            }
        }
        Ok(out)
    }

    /// Records a spike alert once per topic, hour and kind. Returns its id
    /// when it is new (the caller then tells the team), `None` when it was
    /// already recorded.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_alert(
        &self,
        ws: WorkspaceId,
        topic: TopicId,
        kind: AlertKind,
        hour: DateTime<Utc>,
        observed: i64,
        baseline: f64,
        threshold: f64,
        negative_share: Option<f64>,
    ) -> Result<Option<AlertId>> {
        let at = now();
        let id: Option<(i64,)> = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let id = sqlx::query_as(
                "INSERT INTO veille_alerts (workspace_id, topic_id, kind, hour, observed, baseline, threshold, \
                 negative_share, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (topic_id, hour, kind) DO NOTHING RETURNING id",
            )
            .bind(ws.0)
            .bind(topic.0)
            .bind(kind.as_str())
            .bind(DbTime::from(hour))
            .bind(observed)
            .bind(baseline)
            .bind(threshold)
            .bind(negative_share)
            .bind(DbTime::from(at))
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            id
        });
        Ok(id.map(|(id,)| AlertId(id)))
    }

    /// The workspace's alerts, newest first.
    pub async fn list_alerts(&self, ws: WorkspaceId, limit: i64) -> Result<Vec<Alert>> {
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM veille_alerts a JOIN veille_topics t ON t.id = a.topic_id \
             WHERE a.workspace_id = $1 ORDER BY a.created_at DESC, a.id DESC LIMIT $2"
        );
        let rows: Vec<AlertRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .bind(limit.clamp(1, 500))
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(Alert::try_from).collect()
    }

    /// One alert of the workspace.
    pub async fn alert(&self, ws: WorkspaceId, id: AlertId) -> Result<Option<Alert>> {
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM veille_alerts a JOIN veille_topics t ON t.id = a.topic_id \
             WHERE a.workspace_id = $1 AND a.id = $2"
        );
        let row: Option<AlertRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(pool)
            .await?);
        row.map(Alert::try_from).transpose()
    }

    // ---- digests ----

    /// Creates a digest of these items (of the workspace), in this order.
    pub async fn create_digest(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        title: &str,
        intro: &str,
        items: &[ItemId],
    ) -> Result<DigestId> {
        let at = now();
        let id = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO veille_digests (workspace_id, title, intro, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(ws.0)
            .bind(title)
            .bind(intro)
            .bind(actor.user_id().map(|u| u.0))
            .bind(DbTime::from(at))
            .fetch_one(&mut *tx)
            .await?;
            for (pos, item) in items.iter().enumerate() {
                let done = sqlx::query(
                    "INSERT INTO veille_digest_items (digest_id, item_id, position) \
                     SELECT $1, id, $3 FROM veille_items WHERE id = $2 AND workspace_id = $4 \
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(item.0)
                .bind(pos as i64)
                .bind(ws.0)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
            }
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::VeilleDigestCreated,
                    target: title.to_string(),
                    before: None,
                    after: Some(json!({"items": items.len()})),
                    at,
                }
            );
            tx.commit().await?;
            id
        });
        Ok(DigestId(id))
    }

    /// One digest of the workspace, with its items in order.
    pub async fn digest(&self, ws: WorkspaceId, id: DigestId) -> Result<Option<Digest>> {
        let row: Option<(i64, String, String, DbTime, Option<DbTime>, String)> =
            on_pool!(self, |pool| sqlx::query_as(
                "SELECT id, title, intro, created_at, sent_at, sent_to FROM veille_digests \
                 WHERE workspace_id = $1 AND id = $2"
            )
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(pool)
            .await?);
        let Some((id, title, intro, created_at, sent_at, sent_to)) = row else {
            return Ok(None);
        };
        let items: Vec<(i64,)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT item_id FROM veille_digest_items WHERE digest_id = $1 ORDER BY position"
        )
        .bind(id)
        .fetch_all(pool)
        .await?);
        Ok(Some(Digest {
            id: DigestId(id),
            workspace_id: ws,
            title,
            intro,
            created_at: created_at.0,
            sent_at: sent_at.map(|t| t.0),
            sent_to,
            items: items.into_iter().map(|(i,)| ItemId(i)).collect(),
        }))
    }

    /// The workspace's digests, newest first (without their items).
    pub async fn list_digests(&self, ws: WorkspaceId) -> Result<Vec<Digest>> {
        type DigestRow = (i64, String, String, DbTime, Option<DbTime>, String);
        let rows: Vec<DigestRow> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT id, title, intro, created_at, sent_at, sent_to FROM veille_digests \
             WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC"
        )
        .bind(ws.0)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(id, title, intro, created_at, sent_at, sent_to)| Digest {
                id: DigestId(id),
                workspace_id: ws,
                title,
                intro,
                created_at: created_at.0,
                sent_at: sent_at.map(|t| t.0),
                sent_to,
                items: Vec::new(),
            })
            .collect())
    }

    /// Records that a digest was sent, and to whom.
    pub async fn mark_digest_sent(
        &self,
        actor: &Actor,
        ws: WorkspaceId,
        id: DigestId,
        to: &str,
    ) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let done = sqlx::query(
                "UPDATE veille_digests SET sent_at = $3, sent_to = $4 WHERE workspace_id = $1 AND id = $2",
            )
            .bind(ws.0)
            .bind(id.0)
            .bind(DbTime::from(at))
            .bind(to)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: Some(ws),
                    actor: actor.clone(),
                    action: AuditAction::VeilleDigestSent,
                    target: format!("digest {}", id.0),
                    before: None,
                    after: Some(json!({"to": to})),
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }
}

/// What [`Store::import_sources`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceImport {
    pub added: Vec<SourceId>,
    /// URLs of sources the workspace already watched.
    pub skipped: Vec<String>,
}
