#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `relais lint` run as a script would run it: the JSON shape, exit codes,
//! standard input, files, and lengths at each network's limit.

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_relais");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `relais lint ARGS` with `input` on standard input, in an empty directory.
fn lint(args: &[&str], input: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .arg("lint")
        .args(args)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A directory without dictionaries: spelling reports "unavailable" (a
/// warning), which keeps these tests about lengths and exit codes.
fn no_dict() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn json(run: &Run) -> Value {
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one JSON line: {:?}", run.stdout);
    serde_json::from_str(lines[0]).unwrap()
}

fn args<'a>(dict: &'a Path, rest: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["--dictionaries", dict.to_str().unwrap()];
    v.extend_from_slice(rest);
    v
}

#[test]
fn json_shape_and_error_exit_code() {
    let d = no_dict();
    let text = "a".repeat(301);
    let run = lint(
        &args(
            d.path(),
            &["--network", "bluesky,mastodon,x", "--format", "json"],
        ),
        &text,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = json(&run);
    let nets = v["networks"].as_array().unwrap();
    assert_eq!(nets.len(), 3);
    assert_eq!(nets[0]["network"], "bluesky");
    assert_eq!(nets[0]["length"], 301);
    assert_eq!(nets[0]["limit"], 300);
    assert_eq!(nets[1]["network"], "mastodon");
    assert_eq!(nets[1]["limit"], 500);
    assert_eq!(nets[2]["network"], "x");
    assert_eq!(nets[2]["limit"], 280);
    let f = &nets[0]["findings"][0];
    assert_eq!(f["check"], "compose.too_long");
    assert_eq!(f["severity"], "error");
    assert!(f["message"].as_str().unwrap().contains("301"));
    assert_eq!(f["reference"], "001 C2.3/specs CE.1; 003 Cr4.1");
    for net in nets {
        for f in net["findings"].as_array().unwrap() {
            for key in ["check", "severity", "message", "reference"] {
                assert!(f[key].is_string(), "{f}");
            }
        }
    }
    // Mastodon has room for 301 characters: only the spelling warning there.
    let masto: Vec<&str> = nets[1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert_eq!(masto, ["compose.spelling_unavailable"]);
}

#[test]
fn boundary_lengths_on_standard_input() {
    let d = no_dict();
    // (network, text exactly at the limit); one space more is one past it.
    let cases = [
        ("bluesky", "é".repeat(300)),
        ("x", "日".repeat(140)),
        (
            "x",
            format!("{} https://exemple.fr/{}", "a".repeat(256), "p".repeat(80)),
        ),
        (
            "mastodon",
            format!("@alice@mastodon.social {}", "b".repeat(493)),
        ),
        ("threads", "🎉".repeat(125)),
        ("tiktok", "🎉".repeat(1100)),
        ("youtube", "é".repeat(2500)),
        ("instagram", "a".repeat(2200)),
    ];
    for (network, at) in cases {
        let past = format!("{at} ");
        // `echo` adds a line break: it is not counted.
        let run = lint(
            &args(d.path(), &["--network", network, "--format", "json"]),
            &format!("{at}\n"),
        );
        assert_eq!(run.code, 0, "{network} at the limit: {}", run.stdout);
        let v = json(&run);
        assert_eq!(
            v["networks"][0]["length"], v["networks"][0]["limit"],
            "{network}"
        );
        let run = lint(
            &args(d.path(), &["--network", network, "--format", "json", "-"]),
            &past,
        );
        assert_eq!(run.code, 1, "{network} one past: {}", run.stdout);
        let v = json(&run);
        assert_eq!(
            v["networks"][0]["length"].as_u64().unwrap(),
            v["networks"][0]["limit"].as_u64().unwrap() + 1,
            "{network}"
        );
    }
}

#[test]
fn warnings_only_exit_zero_and_text_format() {
    let d = no_dict();
    let run = lint(
        &args(d.path(), &["--network", "instagram"]),
        "Bonjour #fete_de_la_musique",
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with("instagram: 27/2200"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("warning compose.hashtag_camel_case"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("→ #FeteDeLaMusique"), "{}", run.stdout);
    assert!(
        run.stdout.contains("dictionnaire indisponible"),
        "{}",
        run.stdout
    );
    let run = lint(
        &args(d.path(), &["--network", "x", "--lang", "en"]),
        "hello",
    );
    assert!(
        run.stdout.contains("dictionary unavailable"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_file_argument_and_the_mastodon_instance_limit() {
    let d = no_dict();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("post.txt");
    std::fs::write(&file, "a".repeat(600)).unwrap();
    let f = file.to_str().unwrap();
    let run = lint(
        &args(d.path(), &["--network", "mastodon", "--format", "json", f]),
        "",
    );
    assert_eq!(run.code, 1);
    let run = lint(
        &args(
            d.path(),
            &[
                "--network",
                "mastodon",
                "--mastodon-limit",
                "1000",
                "--format",
                "json",
                f,
            ],
        ),
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(json(&run)["networks"][0]["limit"], 1000);
}

#[test]
fn bad_arguments_give_one_line_and_exit_2() {
    let d = no_dict();
    let run = lint(&args(d.path(), &["--network", "bluesky,myspace"]), "x");
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: unknown network \"myspace\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("bluesky, mastodon, x, linkedin"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    let run = lint(&args(d.path(), &["--network", "x", "--lang", "de"]), "x");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: unknown language"),
        "{}",
        run.stderr
    );
    let run = lint(&args(d.path(), &["--network", "x", "/no/such/file"]), "");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: cannot read /no/such/file"),
        "{}",
        run.stderr
    );
}

#[test]
fn real_dictionaries_flag_a_misspelt_word() {
    if !Path::new("/usr/share/hunspell/fr_FR.dic").exists() {
        panic!("install hunspell-fr (scripts/test.sh does)");
    }
    let run = lint(
        &["--network", "bluesky", "--format", "json"],
        "Bonjour, la musiqe commence demain.",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run);
    let f = &v["networks"][0]["findings"];
    assert_eq!(f.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(f[0]["check"], "compose.spelling");
    assert!(
        f[0]["suggestion"].as_str().unwrap().contains("musique"),
        "{v}"
    );
}
