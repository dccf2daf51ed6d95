//! `relais veille match` and `relais veille check-query`, run as a user
//! would: the real binary, real files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_relais");

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// `relais veille match --topics TOPICS --input -`, the posts on standard
/// input.
fn match_stdin(topics: &std::path::Path, posts: &str) -> Output {
    run(
        &[
            "veille",
            "match",
            "--topics",
            topics.to_str().unwrap(),
            "--input",
            "-",
        ],
        Some(posts),
    )
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn match_prints_one_json_line_per_matching_post_in_topic_order() {
    let dir = tempfile::tempdir().unwrap();
    let topics = dir.path().join("topics.tsv");
    std::fs::write(
        &topics,
        "# veille for a rail client\n\
         \n\
         grève\tgrève AND (sncf OR ratp) AND NOT \"grève de la faim\"\n\
         climat\t\"changement climatique\" OR climat NEAR/3 urgence\n\
         titre\ttitle:tarif*\n\
         lemonde\tsite:lemonde.fr AND lang:fr\n",
    )
    .unwrap();
    let posts = dir.path().join("posts.jsonl");
    std::fs::write(
        &posts,
        concat!(
            r#"{"id": 1, "text": "Grève à la SNCF demain, et la RATP suit."}"#, "\n",
            r#"{"id": 2, "text": "Une grève de la faim devant la SNCF"}"#, "\n",
            r#"{"id": "c", "text": "L'urgence, c'est le CLIMAT", "lang": "fr", "site": "www.lemonde.fr"}"#, "\n",
            r#"{"id": 4, "title": "Tarifs 2027", "text": "rien à signaler"}"#, "\n",
            "\n",
            r#"{"id": 5, "text": "nothing here"}"#, "\n",
        ),
    )
    .unwrap();
    let out = run(
        &[
            "veille",
            "match",
            "--topics",
            topics.to_str().unwrap(),
            "--input",
            posts.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines,
        vec![
            serde_json::json!({"id": 1, "topics": ["grève"]}),
            serde_json::json!({"id": "c", "topics": ["climat", "lemonde"]}),
            serde_json::json!({"id": 4, "topics": ["titre"]}),
        ]
    );
    let err = text(&out.stderr);
    assert!(err.contains("4 topics"), "{err}");
    assert!(err.contains("5 posts, 3 matched, 0 skipped"), "{err}");
    assert!(err.contains("MB/s"), "the throughput: {err}");
}

/// Posts are read and matched in batches: across batch boundaries the
/// matches keep the input's order and unreadable lines their line numbers.
#[test]
fn match_keeps_order_and_line_numbers_across_batches() {
    let dir = tempfile::tempdir().unwrap();
    let topics = dir.path().join("topics.tsv");
    std::fs::write(&topics, "pair\tpair\nimpair\timpair\n").unwrap();
    let mut input = String::new();
    let mut want = String::new();
    for i in 1..=1300u32 {
        if i % 450 == 0 {
            input.push_str("pas un message\n");
            continue;
        }
        let word = if i % 2 == 0 { "pair" } else { "impair" };
        // Every third post says nothing the topics look for.
        let said = if i % 3 == 0 { "rien" } else { word };
        input.push_str(&format!(
            "{{\"id\": {i}, \"text\": \"Message {i}, {said}.\"}}\n"
        ));
        if i % 3 != 0 {
            want.push_str(&format!("{{\"id\":{i},\"topics\":[\"{word}\"]}}\n"));
        }
    }
    let out = match_stdin(&topics, &input);
    assert_eq!(out.status.code(), Some(1), "skipped lines: exit code 1");
    assert_eq!(text(&out.stdout), want);
    let err = text(&out.stderr);
    for n in [450, 900] {
        assert!(
            err.contains(&format!("line {n}: skipped, not a post")),
            "{err}"
        );
    }
    assert!(err.contains("1298 posts"), "{err}");
}

#[test]
fn match_reads_standard_input_and_reports_unreadable_lines() {
    let dir = tempfile::tempdir().unwrap();
    let topics = dir.path().join("topics.tsv");
    std::fs::write(&topics, "a\télection\n").unwrap();
    let input = "{\"id\": 1, \"text\": \"Élection\"}\nnot json\n{\"id\": 3}\n{\"id\": 4, \"text\": \"l'élection\"}\n";
    let out = match_stdin(&topics, input);
    assert_eq!(out.status.code(), Some(1), "skipped lines: exit code 1");
    let err = text(&out.stderr);
    assert!(err.contains("line 2: skipped, not a post"), "{err}");
    assert!(
        err.contains("line 3: skipped, not a post (missing field `text`"),
        "{err}"
    );
    assert_eq!(
        text(&out.stdout),
        "{\"id\":1,\"topics\":[\"a\"]}\n{\"id\":4,\"topics\":[\"a\"]}\n"
    );
}

#[test]
fn a_wrong_topics_file_is_refused_whole_with_every_wrong_line() {
    let dir = tempfile::tempdir().unwrap();
    let topics = dir.path().join("topics.tsv");
    std::fs::write(
        &topics,
        "ok\tgrève\nno tab here\nbad\t(grève OR\nok\tdoublon\n\tnameless\n",
    )
    .unwrap();
    let posts = dir.path().join("posts.jsonl");
    std::fs::write(&posts, "{\"id\": 1, \"text\": \"grève\"}\n").unwrap();
    let out = run(
        &[
            "veille",
            "match",
            "--topics",
            topics.to_str().unwrap(),
            "--input",
            posts.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing matched");
    let err = text(&out.stderr);
    for want in [
        "4 wrong line(s)",
        "line 2: no tab between the name and the query",
        "line 3 (topic \"bad\"): query position 10: the query ends where a word was expected",
        "line 4: a topic named \"ok\" is already defined above",
        "line 5: the topic has no name",
    ] {
        assert!(err.contains(want), "{want} in {err}");
    }
    let missing = match_stdin(std::path::Path::new("/nonexistent/t.tsv"), "");
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read the topics file /nonexistent/t.tsv"));
}

#[test]
fn check_query_explains_a_query_or_points_at_its_error() {
    let out = run(
        &[
            "veille",
            "check-query",
            "grève NEAR/3f sncf AND NOT title:=Orange",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("(greve NEAR/3f sncf AND NOT title:=Orange)"),
        "{stdout}"
    );
    let out = run(&["veille", "check-query", "grève AND (sncf OR"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("invalid query: the query ends where a word was expected"),
        "{err}"
    );
    assert!(
        err.contains("grève AND (sncf OR\n                  ^"),
        "{err}"
    );
    assert!(err.contains("position 19:"), "{err}");
}

#[test]
fn check_query_with_a_text_says_which_parts_matched_and_where() {
    let out = run(
        &[
            "veille",
            "check-query",
            "(grève OR manif*) AND NOT \"grève de la faim\" AND grève NEAR/2 sncf",
            "--title",
            "Grève",
            "--text",
            "Une grève à la SNCF",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for want in [
        "the post matches (✓ true, ✗ false):",
        "    ✓ greve — title word 1, text word 2",
        "    ✗ manif*",
        "    ✗ \"greve de la faim\"",
        "  ✓ greve NEAR/2 sncf — text word 2 (words between 2), text word 5",
    ] {
        assert!(stdout.contains(want), "{want:?} in\n{stdout}");
    }
    let out = run(
        &[
            "veille",
            "check-query",
            "grève AND sncf",
            "--text",
            "la RATP",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("the post does not match"), "{stdout}");
    assert!(stdout.contains("  ✗ AND"), "{stdout}");
}

/// A migrated database in a temporary directory with one workspace.
fn sandbox(slug: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = in_dir(&dir, &["workspace", "add", slug]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    dir
}

fn in_dir(dir: &tempfile::TempDir, args: &[&str]) -> Output {
    Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(dir.path())
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn import_opml_adds_the_feeds_once_and_refuses_a_bad_file_or_workspace() {
    let dir = sandbox("veille");
    let opml = dir.path().join("feeds.opml");
    std::fs::write(
        &opml,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Abonnements</title></head><body>
  <outline text="Tech"><outline text="Rust">
    <outline type="rss" text="This Week in Rust" xmlUrl="https://this-week-in-rust.org/rss.xml"/>
  </outline></outline>
  <outline type="rss" text="LWN" xmlUrl="https://lwn.net/headlines/rss"/>
  <outline type="rss" text="Gopher" xmlUrl="gopher://example.org/feed"/>
</body></opml>"#,
    )
    .unwrap();
    let file = opml.to_str().unwrap();
    let out = in_dir(
        &dir,
        &["veille", "import-opml", file, "--workspace", "veille"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.starts_with("2 added, 0 already watched (3 feeds in "),
        "{said}"
    );
    assert!(
        said.contains("1 ignored, their address is not http or https"),
        "{said}"
    );
    // Again: nothing new.
    let out = in_dir(
        &dir,
        &["veille", "import-opml", file, "--workspace", "veille"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("0 added, 2 already watched"));

    // A broken file: one line, exit 1, nothing added.
    let broken = dir.path().join("broken.opml");
    std::fs::write(&broken, "<opml><body><outline xmlUrl=").unwrap();
    let out = in_dir(
        &dir,
        &[
            "veille",
            "import-opml",
            broken.to_str().unwrap(),
            "--workspace",
            "veille",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("not OPML") && err.contains("nothing was added"),
        "{err}"
    );
    // An unknown workspace.
    let out = in_dir(
        &dir,
        &["veille", "import-opml", file, "--workspace", "nope"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no workspace \"nope\""), "{err}");
    // A missing file.
    let out = in_dir(
        &dir,
        &[
            "veille",
            "import-opml",
            "absent.opml",
            "--workspace",
            "veille",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot read the OPML file absent.opml"));

    // The sources are really there, with their folders as categories.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let url = format!(
            "sqlite://{}",
            dir.path().join("data/relais.sqlite3").display()
        );
        let store = relais_store::Store::connect(&url, &relais_store::ConnectOptions::default())
            .await
            .unwrap();
        let ws = store.workspace_by_slug("veille").await.unwrap().unwrap();
        let mut list = store.list_sources(ws.id).await.unwrap();
        list.sort_by(|a, b| a.url.cmp(&b.url));
        let got: Vec<(&str, &str)> = list
            .iter()
            .map(|s| (s.url.as_str(), s.category.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("https://lwn.net/headlines/rss", ""),
                ("https://this-week-in-rust.org/rss.xml", "Tech / Rust"),
            ]
        );
        store.close().await;
    });
}

#[test]
fn reindex_puts_every_stored_item_back_into_the_search_index() {
    let dir = sandbox("veille-ix");
    let url = format!(
        "sqlite://{}",
        dir.path().join("data/relais.sqlite3").display()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ws = rt.block_on(async {
        let store = relais_store::Store::connect(&url, &relais_store::ConnectOptions::default())
            .await
            .unwrap();
        let ws = store.workspace_by_slug("veille-ix").await.unwrap().unwrap();
        let items: Vec<relais_core::veille::NewItem> = (0..3)
            .map(|i| relais_core::veille::NewItem {
                dedup_key: format!("k{i}"),
                url: None,
                canonical_url: None,
                title: format!("Moulin numéro {i}"),
                text: "La meunerie reprend.".into(),
                author: None,
                lang: Some("fr".into()),
                lang_hint: None,
                published_at: chrono::Utc::now(),
                date_issue: String::new(),
                polarity: relais_core::veille::Polarity::Neutral,
                sentiment: 0.0,
                cluster_id: i,
                topics: Vec::new(),
            })
            .collect();
        store
            .store_items(ws.id, None, &items, chrono::Utc::now())
            .await
            .unwrap();
        store.close().await;
        ws
    });
    let out = in_dir(&dir, &["veille", "reindex"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("3 items indexed in "),
        "{}",
        text(&out.stdout)
    );
    let index =
        relais_search::SearchIndex::open_or_create(&dir.path().join("data/search")).unwrap();
    let found = index
        .search(&relais_search::SearchQuery::new(ws.id.0, "MEUNERIE"))
        .unwrap();
    assert_eq!(found.total, 3);
}
