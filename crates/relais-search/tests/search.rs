//! The search index through its public API: analysis, syntax, filters,
//! isolation, updates, persistence and damaged directories.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use relais_search::{ItemDoc, SearchError, SearchIndex, SearchQuery, Sentiment, SortOrder};

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("day {day}"))
}

fn item(id: i64, lang: &str, title: &str, text: &str) -> ItemDoc {
    ItemDoc {
        item_id: id,
        workspace_id: 1,
        source_id: 10,
        topic_ids: vec![],
        title: title.to_string(),
        text: text.to_string(),
        author: None,
        url: Some(format!("https://example.org/{id}")),
        lang: Some(lang.to_string()),
        sentiment: None,
        published_at: at(1) + Duration::hours(id),
    }
}

fn index_with(items: &[ItemDoc]) -> SearchIndex {
    let index = SearchIndex::in_ram().unwrap();
    index.add(items).unwrap();
    index.commit().unwrap();
    index
}

/// Ids found for `text` in workspace 1, sorted.
fn ids(index: &SearchIndex, text: &str) -> Vec<i64> {
    ids_for(index, &SearchQuery::new(1, text))
}

fn ids_for(index: &SearchIndex, q: &SearchQuery) -> Vec<i64> {
    let results = index
        .search(q)
        .unwrap_or_else(|e| panic!("{:?}: {e}", q.text));
    assert_eq!(
        results.total,
        results.hits.len(),
        "{:?}: one page expected",
        q.text
    );
    let mut ids: Vec<i64> = results.hits.iter().map(|h| h.item_id).collect();
    ids.sort_unstable();
    ids
}

#[test]
fn french_and_english_stemming() {
    let index = index_with(&[
        item(
            1,
            "fr",
            "Les élections municipales",
            "Le scrutin a eu lieu dimanche.",
        ),
        item(2, "fr", "Résultats", "Une élection anticipée est annoncée."),
        item(3, "en", "Running the city", "The mayor runs again."),
        item(4, "en", "Elections in Canada", "Voters went to the polls."),
        item(
            5,
            "fr",
            "Le système électoral",
            "La réforme du mode de scrutin.",
        ),
        item(6, "de", "Die Wahlen", "Wahlen in Berlin."),
    ]);
    // Plural and singular meet in French ("élections" → "élection")…
    assert_eq!(ids(&index, "élections"), vec![1, 2, 4]);
    assert_eq!(ids(&index, "élection"), vec![1, 2, 4]);
    // …and in English ("running" → "run").
    assert_eq!(ids(&index, "run"), vec![3]);
    assert_eq!(ids(&index, "running"), vec![3]);
    // What the Snowball stemmer does not join: "électoral" is another word.
    assert_eq!(ids(&index, "électoral"), vec![5]);
    // Other languages are matched word for word (no stemming), accent-free.
    assert_eq!(ids(&index, "wahlen"), vec![6]);
    assert_eq!(ids(&index, "wahl"), Vec::<i64>::new());
}

#[test]
fn case_and_accents_are_ignored() {
    let index = index_with(&[
        item(1, "fr", "L'ÉCONOMIE française", "Énergie et société."),
        item(2, "de", "Straße", "Über München."),
    ]);
    for text in [
        "economie",
        "ÉCONOMIE",
        "Economie",
        "energie",
        "societe",
        "SOCIÉTÉ",
    ] {
        assert_eq!(ids(&index, text), vec![1], "{text}");
    }
    for text in ["munchen", "MÜNCHEN", "uber", "strasse"] {
        assert_eq!(ids(&index, text), vec![2], "{text}");
    }
}

#[test]
fn phrases_exclusions_and_or() {
    let index = index_with(&[
        item(1, "fr", "", "La loi climat est votée par le Sénat."),
        item(2, "fr", "", "Le climat de la loi est tendu."),
        item(3, "fr", "", "Le Sénat vote une loi sur l'énergie."),
    ]);
    assert_eq!(ids(&index, "loi climat"), vec![1, 2]);
    assert_eq!(ids(&index, "\"loi climat\""), vec![1]);
    assert_eq!(ids(&index, "\"climat loi\""), Vec::<i64>::new());
    assert_eq!(ids(&index, "loi -climat"), vec![3]);
    assert_eq!(ids(&index, "loi NOT \"loi climat\""), vec![2, 3]);
    assert_eq!(ids(&index, "énergie OR tendu"), vec![2, 3]);
    assert_eq!(ids(&index, "sénat énergie OR climat"), vec![1, 3]);
    // A word with an apostrophe is the phrase of its parts.
    assert_eq!(ids(&index, "l'énergie"), vec![3]);
    // Exclusions alone: everything in the workspace but them.
    assert_eq!(ids(&index, "-climat"), vec![3]);
}

#[test]
fn syntax_errors_are_clear_and_junk_does_not_panic() {
    let index = index_with(&[item(1, "fr", "Titre", "Un texte.")]);
    for text in ["\"loi climat", "a OR", "OR", "a OR -b", "NOT"] {
        match index.search(&SearchQuery::new(1, text)) {
            Err(SearchError::Query(e)) => {
                assert!(!e.hint.is_empty(), "{text}: {e}");
                assert!(e.to_string().contains("at character"), "{text}: {e}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
    // Only punctuation or operators-looking text, words of many stop-words,
    // very long words: no panic, and punctuation is ignored (lists all).
    for text in [
        "???",
        "!!! ...",
        "\"\"",
        "- -",
        "le la les de",
        "(",
        ")",
        "*",
        ":",
        "AND",
    ] {
        let results = index.search(&SearchQuery::new(1, text));
        assert!(results.is_ok(), "{text:?}: {results:?}");
    }
    assert_eq!(ids(&index, "???"), vec![1]);
    assert_eq!(ids(&index, "titre ???"), vec![1]);
    // A word longer than the index keeps cannot match.
    assert_eq!(ids(&index, &"x".repeat(500)), Vec::<i64>::new());
    assert_eq!(ids(&index, &format!("titre -{}", "x".repeat(500))), vec![1]);
}

#[test]
fn another_workspace_is_never_seen() {
    let mut other = item(2, "fr", "Marché secret", "Les élections du concurrent.");
    other.workspace_id = 2;
    let index = index_with(&[item(1, "fr", "Marché", "Les élections."), other]);
    assert_eq!(ids(&index, "élections"), vec![1]);
    assert_eq!(ids(&index, "secret"), Vec::<i64>::new());
    assert_eq!(ids(&index, ""), vec![1]);
    assert_eq!(ids(&index, "-élections"), Vec::<i64>::new());
    assert_eq!(ids(&index, "secret OR marché"), vec![1]);
    // Field-looking text is only text.
    assert_eq!(ids(&index, "workspace_id:2"), Vec::<i64>::new());
    assert_eq!(ids_for(&index, &SearchQuery::new(2, "élections")), vec![2]);
    assert_eq!(ids_for(&index, &SearchQuery::new(3, "")), Vec::<i64>::new());
}

#[test]
fn each_filter_narrows() {
    let mut items = Vec::new();
    for id in 1..=8 {
        let mut doc = item(
            id,
            if id % 2 == 0 { "fr" } else { "en" },
            "budget",
            "budget",
        );
        doc.source_id = 100 + id % 3;
        doc.topic_ids = if id <= 4 { vec![7, 8] } else { vec![8] };
        doc.sentiment = Some(match id % 3 {
            0 => Sentiment::Positive,
            1 => Sentiment::Neutral,
            _ => Sentiment::Negative,
        });
        doc.published_at = at(id as u32);
        items.push(doc);
    }
    let index = index_with(&items);
    let base = SearchQuery::new(1, "budget");
    assert_eq!(ids_for(&index, &base), (1..=8).collect::<Vec<_>>());

    let q = SearchQuery {
        topic_id: Some(7),
        ..base.clone()
    };
    assert_eq!(ids_for(&index, &q), vec![1, 2, 3, 4]);
    let q = SearchQuery {
        topic_id: Some(9),
        ..base.clone()
    };
    assert_eq!(ids_for(&index, &q), Vec::<i64>::new());
    let q = SearchQuery {
        source_id: Some(101),
        ..base.clone()
    };
    assert_eq!(ids_for(&index, &q), vec![1, 4, 7]);
    let q = SearchQuery {
        lang: Some("fr".into()),
        ..base.clone()
    };
    assert_eq!(ids_for(&index, &q), vec![2, 4, 6, 8]);
    let q = SearchQuery {
        lang: Some("EN".into()),
        ..base.clone()
    };
    assert_eq!(ids_for(&index, &q), vec![1, 3, 5, 7]);
    let q = SearchQuery {
        sentiment: Some(Sentiment::Positive),
        ..base.clone()
    };
    assert_eq!(ids_for(&index, &q), vec![3, 6]);
    // from is inclusive, to exclusive.
    let q = SearchQuery {
        from: Some(at(3)),
        to: Some(at(6)),
        ..base.clone()
    };
    assert_eq!(ids_for(&index, &q), vec![3, 4, 5]);
    let q = SearchQuery {
        from: Some(at(7)),
        ..base.clone()
    };
    assert_eq!(ids_for(&index, &q), vec![7, 8]);
    let q = SearchQuery {
        to: Some(at(2)),
        ..base.clone()
    };
    assert_eq!(ids_for(&index, &q), vec![1]);
    // Filters combine, and work with an empty text.
    let q = SearchQuery {
        text: String::new(),
        topic_id: Some(8),
        lang: Some("fr".into()),
        from: Some(at(4)),
        ..base.clone()
    };
    assert_eq!(ids_for(&index, &q), vec![4, 6, 8]);
}

#[test]
fn sorting_and_paging() {
    let mut items = vec![
        item(1, "en", "budget budget budget", "budget"),
        item(
            2,
            "en",
            "other",
            "budget mentioned once among many other words here",
        ),
        item(3, "en", "budget", "budget again"),
    ];
    items[0].published_at = at(1);
    items[1].published_at = at(3);
    items[2].published_at = at(2);
    let index = index_with(&items);
    let order = |q: &SearchQuery| -> Vec<i64> {
        index
            .search(q)
            .unwrap()
            .hits
            .iter()
            .map(|h| h.item_id)
            .collect()
    };
    let relevance = SearchQuery::new(1, "budget");
    let by_score = order(&relevance);
    assert_eq!(
        by_score.last(),
        Some(&2),
        "the weakest match comes last: {by_score:?}"
    );
    let newest = SearchQuery {
        sort: SortOrder::Newest,
        ..relevance.clone()
    };
    assert_eq!(order(&newest), vec![2, 3, 1]);
    let hits = index.search(&newest).unwrap().hits;
    assert_eq!(hits[0].published_at, at(3));
    // An empty text lists by date whatever the sort asked.
    assert_eq!(order(&SearchQuery::new(1, "")), vec![2, 3, 1]);
    // Paging, and the total counts every match.
    let page = SearchQuery {
        limit: 1,
        offset: 1,
        ..newest.clone()
    };
    let results = index.search(&page).unwrap();
    assert_eq!(results.total, 3);
    assert_eq!(
        results.hits.iter().map(|h| h.item_id).collect::<Vec<_>>(),
        vec![3]
    );
    let count_only = SearchQuery {
        limit: 0,
        ..newest.clone()
    };
    let results = index.search(&count_only).unwrap();
    assert_eq!((results.total, results.hits.len()), (3, 0));
    let huge = SearchQuery {
        limit: usize::MAX,
        ..newest.clone()
    };
    assert_eq!(index.search(&huge).unwrap().hits.len(), 3);
    let deep = SearchQuery {
        offset: 1_000_000,
        ..newest
    };
    assert!(matches!(index.search(&deep), Err(SearchError::Invalid(_))));
}

#[test]
fn adding_again_replaces_and_delete_removes() {
    let index = index_with(&[
        item(1, "fr", "Ancien titre", "grève"),
        item(2, "fr", "", "grève"),
    ]);
    assert_eq!(ids(&index, "ancien"), vec![1]);
    index
        .add(&[item(1, "fr", "Nouveau titre", "manifestation")])
        .unwrap();
    // Not visible before the commit…
    assert_eq!(ids(&index, "ancien"), vec![1]);
    index.commit().unwrap();
    // …and replaced after it: the old words are gone, one document remains.
    assert_eq!(ids(&index, "ancien"), Vec::<i64>::new());
    assert_eq!(ids(&index, "nouveau"), vec![1]);
    assert_eq!(ids(&index, "grève"), vec![2]);
    assert_eq!(index.doc_count().unwrap(), 2);
    // Re-adding the same item twice in one batch keeps the last.
    index
        .add(&[item(3, "fr", "un", ""), item(3, "fr", "deux", "")])
        .unwrap();
    index.commit().unwrap();
    assert_eq!(ids(&index, "un"), Vec::<i64>::new());
    assert_eq!(ids(&index, "deux"), vec![3]);

    index.delete(&[2, 99]).unwrap();
    index.commit().unwrap();
    assert_eq!(ids(&index, "grève"), Vec::<i64>::new());
    assert_eq!(index.doc_count().unwrap(), 2);
}

#[test]
fn a_committed_item_is_searchable_when_commit_returns() {
    let index = SearchIndex::in_ram().unwrap();
    for id in 1..=20 {
        index
            .add(&[item(id, "en", "", &format!("fresh{id} news"))])
            .unwrap();
        index.commit().unwrap();
        // No sleep, no retry: the reader was reloaded by commit.
        assert_eq!(ids(&index, &format!("fresh{id}")), vec![id]);
        assert_eq!(index.doc_count().unwrap(), id as u64);
    }
}

#[test]
fn snippets_highlight_the_matched_words() {
    let long_text = format!(
        "{} Les élections municipales auront lieu en mars. {}",
        "Introduction sans rapport. ".repeat(20),
        "Conclusion sans rapport. ".repeat(20)
    );
    let mut doc = item(1, "fr", "Élections : le calendrier", &long_text);
    doc.author = Some("Jeanne Dupont".into());
    let index = index_with(&[doc]);
    let hit = &index.search(&SearchQuery::new(1, "election")).unwrap().hits[0];
    assert_eq!(hit.title.fragment, "Élections : le calendrier");
    assert_eq!(hit.title.highlighted(), vec!["Élections"]);
    assert!(!hit.title.ellipsis_before && !hit.title.ellipsis_after);
    assert_eq!(hit.snippet.highlighted(), vec!["élections"]);
    assert!(hit.snippet.fragment.contains("municipales"));
    assert!(hit.snippet.ellipsis_before && hit.snippet.ellipsis_after);
    assert!(hit.snippet.fragment.len() < long_text.len());
    assert!(hit.score > 0.0);

    // Phrases highlight their words; ranges are plain byte ranges.
    let hit = &index
        .search(&SearchQuery::new(1, "\"élections municipales\""))
        .unwrap()
        .hits[0];
    assert_eq!(hit.snippet.highlighted(), vec!["élections", "municipales"]);
    // Found by the author only: the text's beginning, nothing highlighted.
    let hit = &index.search(&SearchQuery::new(1, "dupont")).unwrap().hits[0];
    assert!(hit.snippet.highlights.is_empty());
    assert!(hit.snippet.fragment.starts_with("Introduction"));
    assert!(hit.snippet.ellipsis_after);
    // HTML in the text stays text: nothing is rendered.
    let index = index_with(&[item(1, "en", "<b>bold</b>", "a <script>x</script> b")]);
    let hit = &index.search(&SearchQuery::new(1, "bold")).unwrap().hits[0];
    assert_eq!(hit.title.fragment, "<b>bold</b>");
    assert_eq!(hit.title.highlighted(), vec!["bold"]);
}

#[test]
fn large_texts_are_capped_not_refused() {
    let mut doc = item(1, "en", "big", &"word ".repeat(100_000));
    doc.text.push_str(" needle");
    let index = index_with(&[doc]);
    assert_eq!(ids(&index, "big"), vec![1]);
    assert_eq!(ids(&index, "needle"), Vec::<i64>::new());
}

#[test]
fn one_index_is_shared_by_searching_and_writing_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<SearchIndex>();

    let index = std::sync::Arc::new(index_with(&[item(1, "en", "", "seed words")]));
    let writer = {
        let index = index.clone();
        std::thread::spawn(move || {
            for id in 2..=40 {
                index
                    .add(&[item(id, "en", "", &format!("batch words {id}"))])
                    .unwrap();
                if id % 5 == 0 {
                    index.commit().unwrap();
                }
            }
            index.commit().unwrap();
        })
    };
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let index = index.clone();
            std::thread::spawn(move || {
                let mut last = 0;
                for _ in 0..50 {
                    let total = index.search(&SearchQuery::new(1, "words")).unwrap().total;
                    // Each search sees a committed state, never fewer items
                    // than an earlier one.
                    assert!(total >= last && total >= 1, "{total} after {last}");
                    last = total;
                }
            })
        })
        .collect();
    writer.join().unwrap();
    for reader in readers {
        reader.join().unwrap();
    }
    assert_eq!(
        index.search(&SearchQuery::new(1, "words")).unwrap().total,
        40
    );
}
