//! The index on disk: persistence, schema versions, damaged and foreign
//! directories, one writer per directory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use chrono::{TimeZone, Utc};
use relais_search::schema::VERSION_FILE;
use relais_search::{ItemDoc, SearchError, SearchIndex, SearchOptions, SearchQuery};

fn item(id: i64, text: &str) -> ItemDoc {
    ItemDoc {
        item_id: id,
        workspace_id: 1,
        source_id: 1,
        topic_ids: vec![3],
        title: String::new(),
        text: text.to_string(),
        author: None,
        url: None,
        lang: Some("fr".into()),
        sentiment: None,
        published_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap(),
    }
}

fn found(index: &SearchIndex, text: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = index
        .search(&SearchQuery::new(1, text))
        .unwrap()
        .hits
        .iter()
        .map(|h| h.item_id)
        .collect();
    ids.sort_unstable();
    ids
}

fn filled(dir: &Path) {
    let index = SearchIndex::open_or_create(dir).unwrap();
    assert_eq!(index.rebuilt(), None);
    index
        .add(&[item(1, "grève des transports"), item(2, "réforme")])
        .unwrap();
    index.commit().unwrap();
}

#[test]
fn committed_items_survive_a_reopen_and_uncommitted_ones_do_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nested/search");
    filled(&dir);
    {
        let index = SearchIndex::open_or_create(&dir).unwrap();
        assert_eq!(index.rebuilt(), None);
        assert_eq!(index.doc_count().unwrap(), 2);
        assert_eq!(found(&index, "grèves"), vec![1]);
        index.add(&[item(3, "jamais validé")]).unwrap();
        // Dropped without commit.
    }
    let index = SearchIndex::open_or_create(&dir).unwrap();
    assert_eq!(index.doc_count().unwrap(), 2);
    assert_eq!(found(&index, "validé"), Vec::<i64>::new());
    // Deletes persist too.
    index.delete(&[1]).unwrap();
    index.commit().unwrap();
    drop(index);
    let index = SearchIndex::open_or_create(&dir).unwrap();
    assert_eq!(found(&index, "grève"), Vec::<i64>::new());
    assert_eq!(found(&index, "réforme"), vec![2]);
}

#[test]
fn another_schema_version_is_rebuilt_empty_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    filled(tmp.path());
    std::fs::write(tmp.path().join(VERSION_FILE), "0\n").unwrap();
    let index = SearchIndex::open_or_create(tmp.path()).unwrap();
    let reason = index.rebuilt().unwrap_or_else(|| panic!("not rebuilt"));
    assert!(reason.contains("version 0"), "{reason}");
    assert_eq!(index.doc_count().unwrap(), 0);
    // The new index works and is kept.
    index.add(&[item(5, "neuf")]).unwrap();
    index.commit().unwrap();
    drop(index);
    let index = SearchIndex::open_or_create(tmp.path()).unwrap();
    assert_eq!(index.rebuilt(), None);
    assert_eq!(found(&index, "neuf"), vec![5]);

    // A missing version file counts as another version.
    drop(index);
    std::fs::remove_file(tmp.path().join(VERSION_FILE)).unwrap();
    let index = SearchIndex::open_or_create(tmp.path()).unwrap();
    assert!(index.rebuilt().is_some());
    assert_eq!(index.doc_count().unwrap(), 0);
}

fn assert_corrupt(dir: &Path) {
    match SearchIndex::open_or_create(dir) {
        Err(e @ SearchError::Corrupt { .. }) => {
            let message = e.to_string();
            assert!(message.contains("relais veille reindex"), "{message}");
            assert!(message.contains(&dir.display().to_string()), "{message}");
        }
        other => panic!("expected a corrupt-index error, got {other:?}"),
    }
}

#[test]
fn a_garbled_meta_file_is_a_corrupt_index_error() {
    let tmp = tempfile::tempdir().unwrap();
    filled(tmp.path());
    std::fs::write(tmp.path().join("meta.json"), "{ this is not json").unwrap();
    assert_corrupt(tmp.path());
}

fn segment_files(dir: &Path, extension: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect()
}

#[test]
fn a_missing_segment_file_is_a_corrupt_index_error() {
    let tmp = tempfile::tempdir().unwrap();
    filled(tmp.path());
    let files = segment_files(tmp.path(), "term");
    assert!(!files.is_empty());
    for file in files {
        std::fs::remove_file(file).unwrap();
    }
    assert_corrupt(tmp.path());
}

#[test]
fn a_truncated_segment_file_is_a_corrupt_index_error() {
    let tmp = tempfile::tempdir().unwrap();
    filled(tmp.path());
    let files = segment_files(tmp.path(), "idx");
    assert!(!files.is_empty());
    for file in files {
        std::fs::write(file, b"xx").unwrap();
    }
    assert_corrupt(tmp.path());
}

#[test]
fn a_directory_with_other_files_is_neither_opened_nor_wiped() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "precious").unwrap();
    match SearchIndex::open_or_create(tmp.path()) {
        Err(e @ SearchError::NotAnIndex { .. }) => {
            assert!(e.to_string().contains("notes.txt"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn an_unusable_path_is_an_io_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    assert!(matches!(
        SearchIndex::open_or_create(&file.join("index")),
        Err(SearchError::Io { .. })
    ));
}

#[test]
fn two_writers_on_one_directory_get_a_lock_error_and_readers_do_not() {
    let tmp = tempfile::tempdir().unwrap();
    filled(tmp.path());
    let first = SearchIndex::open_or_create(tmp.path()).unwrap();
    let second = SearchIndex::open_or_create(tmp.path()).unwrap();
    first.add(&[item(7, "premier")]).unwrap();
    match second.add(&[item(8, "second")]) {
        Err(e @ SearchError::Locked { .. }) => {
            assert!(e.to_string().contains("another process"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // The second handle still searches.
    assert_eq!(found(&second, "grève"), vec![1]);
    first.commit().unwrap();
    assert_eq!(found(&first, "premier"), vec![7]);
}

#[test]
fn the_writer_memory_budget_is_an_option() {
    let tmp = tempfile::tempdir().unwrap();
    let small = SearchOptions {
        writer_memory_bytes: 15_000_000,
        writer_threads: 1,
    };
    let index = SearchIndex::open_or_create_with(tmp.path(), small).unwrap();
    index.add(&[item(1, "petit budget")]).unwrap();
    index.commit().unwrap();
    assert_eq!(found(&index, "budget"), vec![1]);
    let too_small = SearchOptions {
        writer_memory_bytes: 1_000_000,
        writer_threads: 1,
    };
    assert!(matches!(
        SearchIndex::in_ram_with(too_small),
        Err(SearchError::Invalid(_))
    ));
}

#[test]
fn closing_the_writer_releases_the_directory_for_another_writer() {
    let tmp = tempfile::tempdir().unwrap();
    let first = SearchIndex::open_or_create(tmp.path()).unwrap();
    first.add(&[item(1, "un")]).unwrap();
    first.commit().unwrap();
    let second = SearchIndex::open_or_create(tmp.path()).unwrap();
    assert!(matches!(
        second.add(&[item(2, "deux")]),
        Err(SearchError::Locked { .. })
    ));
    first.close_writer().unwrap();
    second.add(&[item(2, "deux")]).unwrap();
    second.commit().unwrap();
    assert_eq!(found(&second, "deux"), vec![2]);
    assert_eq!(found(&second, "un"), vec![1]);
}

#[test]
fn compacting_merges_segments_and_keeps_every_item() {
    let tmp = tempfile::tempdir().unwrap();
    let index = SearchIndex::open_or_create(tmp.path()).unwrap();
    for id in 1..=3 {
        index.add(&[item(id, &format!("lot{id} commun"))]).unwrap();
        index.commit().unwrap();
    }
    index.delete(&[2]).unwrap();
    index.commit().unwrap();
    assert!(index.segment_count() >= 2, "{}", index.segment_count());
    index.compact().unwrap();
    assert_eq!(index.segment_count(), 1);
    assert_eq!(found(&index, "commun"), vec![1, 3]);
    assert_eq!(index.doc_count().unwrap(), 2);
}
