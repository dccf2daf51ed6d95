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

#[test]
fn match_reads_standard_input_and_reports_unreadable_lines() {
    let dir = tempfile::tempdir().unwrap();
    let topics = dir.path().join("topics.tsv");
    std::fs::write(&topics, "a\télection\n").unwrap();
    let input = "{\"id\": 1, \"text\": \"Élection\"}\nnot json\n{\"id\": 3}\n{\"id\": 4, \"text\": \"l'élection\"}\n";
    let out = run(
        &[
            "veille",
            "match",
            "--topics",
            topics.to_str().unwrap(),
            "--input",
            "-",
        ],
        Some(input),
    );
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
    let missing = run(
        &[
            "veille",
            "match",
            "--topics",
            "/nonexistent/t.tsv",
            "--input",
            "-",
        ],
        Some(""),
    );
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
