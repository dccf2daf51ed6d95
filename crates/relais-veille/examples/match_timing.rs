//! A timing harness for the matcher alone, for profiling: the posts are read
//! and parsed first, then `Matcher::matches` runs over all of them, `RUNS`
//! times (3), and the best run is printed with a digest of the matches (so
//! that two builds can be checked to give the same answers).
//!
//! `cargo run --release -p relais-veille --example match_timing -- TOPICS.tsv POSTS.jsonl`
//! (the files `bash bench/veille-match.sh` writes when `BENCH_DIR` is set).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use relais_veille::{parse, Document, Matcher, Scratch, Topic};
use std::hash::{Hash, Hasher};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (topics, posts) = match args.as_slice() {
        [_, t, p, ..] => (t, p),
        _ => panic!("usage: match_timing TOPICS.tsv POSTS.jsonl"),
    };
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let topics: Vec<Topic> = std::fs::read_to_string(topics)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, q) = l.split_once('\t').unwrap();
            Topic {
                name: name.to_string(),
                query: parse(q).unwrap(),
            }
        })
        .collect();
    let input = std::fs::read_to_string(posts).unwrap();
    let mut docs: Vec<(String, String, String)> = Vec::new();
    for line in input.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        docs.push((s("title"), s("text"), s("lang")));
    }
    let bytes = input.len() as f64;
    let built = Instant::now();
    let m = Matcher::new(&topics).unwrap();
    eprintln!(
        "{} topics, {} patterns, compiled in {:.1} ms; {} posts, {:.1} MB",
        m.len(),
        m.pattern_count(),
        built.elapsed().as_secs_f64() * 1e3,
        docs.len(),
        bytes / 1e6
    );
    let mut s = Scratch::new();
    let mut out = Vec::new();
    let mut best = f64::MAX;
    for _ in 0..runs {
        let mut digest = std::collections::hash_map::DefaultHasher::new();
        let mut matched = 0usize;
        let started = Instant::now();
        for (i, (title, text, lang)) in docs.iter().enumerate() {
            let doc = Document {
                title,
                text,
                lang,
                ..Document::default()
            };
            m.matches(&doc, &mut s, &mut out);
            matched += out.len();
            if !out.is_empty() {
                (i, &out).hash(&mut digest);
            }
        }
        let secs = started.elapsed().as_secs_f64();
        best = best.min(secs);
        eprintln!(
            "{:.0} MB/s ({secs:.3} s), {matched} matches, digest {:016x}",
            bytes / 1e6 / secs,
            digest.finish()
        );
    }
    println!("best {:.0} MB/s", bytes / 1e6 / best);
}
