//! The matcher benchmark of issue 5, through its entry point, the CLI
//! `relais veille match`: about 100 MB of generated firehose-shaped posts
//! (about 300 bytes of text each, French-like words with accents, Zipf
//! frequencies, hashtags, mentions, links) against 1,000 and against 10,000
//! topics that mix phrases, NOT, NEAR and prefixes. One core: the CLI matches
//! on one thread.
//!
//! Targets (full boolean evaluation included): at least 300 MB/s at 1,000
//! topics and 100 MB/s at 10,000. Peers in the same run, on the same file,
//! with the topics' literals alone (no boolean logic):
//! - `rg -F -f LITERALS --count` (ripgrep);
//! - Python `pyahocorasick` (`bench/veille_match_pyahocorasick.py`), when
//!   `BENCH_PYTHON` names a Python that has it (`bash bench/veille-match.sh`
//!   sets one up).
//!
//! Run: `bash bench/veille-match.sh` (installs the peers, then runs this),
//! or `cargo bench -p relais --bench veille_match`. Settings (environment):
//! BENCH_MATCH_MB (100), BENCH_TOPICS ("1000 10000"), BENCH_RUNS (3: the
//! best run of each is kept), BENCH_DIR (where the files go; a temporary
//! directory by default).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const TARGET_1K: f64 = 300.0;
const TARGET_10K: f64 = 100.0;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// A vocabulary of French-like words, most frequent first.
fn vocabulary(rng: &mut StdRng, n: usize) -> Vec<String> {
    const ONSETS: &[&str] = &[
        "b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "ch", "pr", "tr", "gr",
        "br", "cl", "pl", "qu", "j", "",
    ];
    const NUCLEI: &[&str] = &[
        "a", "e", "i", "o", "u", "é", "è", "ou", "an", "on", "in", "ai", "au", "eu", "ê", "â",
        "oi", "ie",
    ];
    const CODAS: &[&str] = &[
        "", "", "", "s", "r", "n", "l", "t", "x", "ment", "tion", "que",
    ];
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let syllables = rng.gen_range(1..=4);
        let mut w = String::new();
        for _ in 0..syllables {
            w.push_str(ONSETS[rng.gen_range(0..ONSETS.len())]);
            w.push_str(NUCLEI[rng.gen_range(0..NUCLEI.len())]);
        }
        w.push_str(CODAS[rng.gen_range(0..CODAS.len())]);
        if w.chars().count() >= 2 && seen.insert(w.clone()) {
            out.push(w);
        }
    }
    out
}

/// Zipf-like sampling (s = 1) over ranks, by a cumulative table.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|r| {
                total += 1.0 / r as f64;
                total
            })
            .collect();
        Zipf { cumulative }
    }

    fn sample(&self, rng: &mut StdRng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.gen_range(0.0..total);
        self.cumulative
            .partition_point(|&c| c < x)
            .min(self.cumulative.len() - 1)
    }
}

fn json_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// Writes about `mb` MB of posts; returns the file's size.
fn write_posts(path: &Path, vocab: &[String], mb: usize, rng: &mut StdRng) -> u64 {
    let zipf = Zipf::new(vocab.len());
    let mut f = BufWriter::new(std::fs::File::create(path).unwrap());
    let target = (mb * 1_000_000) as u64;
    let mut written = 0u64;
    let mut id = 0u64;
    let mut text = String::new();
    let mut line = String::new();
    while written < target {
        id += 1;
        text.clear();
        let mut capital = true;
        while text.len() < 300 {
            let w = &vocab[zipf.sample(rng)];
            let roll = rng.gen_range(0..100);
            if roll < 2 {
                text.push('#');
            } else if roll < 3 {
                text.push('@');
            }
            if capital || roll > 96 {
                let mut cs = w.chars();
                if let Some(first) = cs.next() {
                    text.extend(first.to_uppercase());
                    text.push_str(cs.as_str());
                }
            } else {
                text.push_str(w);
            }
            capital = false;
            match rng.gen_range(0..100) {
                0..=6 => {
                    text.push_str(". ");
                    capital = true;
                }
                7..=11 => text.push_str(", "),
                12 => text.push_str(" ! "),
                13 => text.push_str(" https://exemple.fr/a/b?utm_source=x "),
                14 => text.push('’'),
                _ => text.push(' '),
            }
        }
        line.clear();
        let _ = write!(line, "{{\"id\":{id},\"text\":\"");
        json_escape(text.trim_end(), &mut line);
        line.push_str("\",\"lang\":\"fr\"}\n");
        f.write_all(line.as_bytes()).unwrap();
        written += line.len() as u64;
    }
    f.flush().unwrap();
    written
}

/// Writes `n` topics (phrases, NOT, NEAR, prefixes) and their literals, one
/// per line, folded as the matcher folds them.
fn write_topics(dir: &Path, vocab: &[String], n: usize, rng: &mut StdRng) -> (PathBuf, PathBuf) {
    let topics = dir.join(format!("topics-{n}.tsv"));
    let literals = dir.join(format!("literals-{n}.txt"));
    // Topic words are rarer than the commonest: ranks 50 and up.
    let word = |rng: &mut StdRng| vocab[rng.gen_range(50..vocab.len())].clone();
    let mut t = String::new();
    let mut lits = std::collections::BTreeSet::new();
    for i in 0..n {
        let (a, b, c, d) = (word(rng), word(rng), word(rng), word(rng));
        let q = match i % 5 {
            0 => {
                lits.extend([a.clone(), b.clone(), c.clone(), d.clone()]);
                format!("{a} AND ({b} OR {c}) AND NOT {d}")
            }
            1 => {
                lits.extend([format!("{a} {b}"), format!("{c} {d}")]);
                format!("\"{a} {b}\" OR \"{c} {d}\"")
            }
            2 => {
                lits.extend([a.clone(), b.clone(), format!("{c} {d}")]);
                format!("{a} NEAR/5 {b} AND NOT \"{c} {d}\"")
            }
            3 => {
                let prefix: String = a.chars().take(4).collect();
                lits.extend([prefix.clone(), b.clone(), c.clone()]);
                format!("({prefix}* OR {b}) AND {c}")
            }
            _ => {
                lits.extend([a.clone(), format!("{b} {c}"), d.clone()]);
                format!("{a} NEAR/3f \"{b} {c}\" OR {d}")
            }
        };
        let _ = writeln!(t, "topic{i}\t{q}");
    }
    std::fs::write(&topics, t).unwrap();
    let folded: Vec<String> = lits
        .iter()
        .map(|l| relais_veille::text::fold(l))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    std::fs::write(&literals, folded.join("\n") + "\n").unwrap();
    (topics, literals)
}

/// The `matching: … = X MB/s` and `end to end … = Y MB/s` figures.
fn relais_run(topics: &Path, posts: &Path) -> (f64, f64, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_relais"))
        .args(["veille", "match", "--topics"])
        .arg(topics)
        .arg("--input")
        .arg(posts)
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "relais veille match failed: {err}");
    let figure = |prefix: &str| -> f64 {
        let line = err.lines().find(|l| l.starts_with(prefix)).unwrap();
        let after = line.split(" = ").nth(1).unwrap();
        after.split_whitespace().next().unwrap().parse().unwrap()
    };
    let summary = err.lines().next().unwrap_or("").to_string();
    (figure("matching:"), figure("end to end"), summary)
}

fn rg_run(literals: &Path, posts: &Path, size: u64) -> Option<f64> {
    let started = Instant::now();
    let out = Command::new("rg")
        .args(["-F", "--count", "-f"])
        .arg(literals)
        .arg(posts)
        .output()
        .ok()?;
    let secs = started.elapsed().as_secs_f64();
    // 0: matches found; 1: none.
    if out.status.code().is_some_and(|c| c <= 1) {
        Some(size as f64 / 1e6 / secs)
    } else {
        None
    }
}

fn python_run(literals: &Path, posts: &Path) -> Option<f64> {
    let python = std::env::var("BENCH_PYTHON").ok()?;
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/veille_match_pyahocorasick.py");
    let out = Command::new(python)
        .arg(script)
        .arg(literals)
        .arg(posts)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "pyahocorasick run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("MB/s ").and_then(|v| v.trim().parse().ok()))
}

fn best(runs: usize, mut f: impl FnMut() -> Option<f64>) -> Option<f64> {
    (0..runs).filter_map(|_| f()).reduce(f64::max)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let mb: usize = env_or("BENCH_MATCH_MB", "100").parse().unwrap();
    let counts: Vec<usize> = env_or("BENCH_TOPICS", "1000 10000")
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let runs: usize = env_or("BENCH_RUNS", "3").parse().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var("BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = StdRng::seed_from_u64(5);
    let vocab = vocabulary(&mut rng, 30_000);
    let posts = dir.join("posts.jsonl");
    let started = Instant::now();
    let size = write_posts(&posts, &vocab, mb, &mut rng);
    println!(
        "veille match bench: {:.1} MB of posts ({}), generated in {:.1} s; best of {runs} runs each",
        size as f64 / 1e6,
        posts.display(),
        started.elapsed().as_secs_f64()
    );
    let mut rows = Vec::new();
    for &n in &counts {
        let (topics, literals) = write_topics(&dir, &vocab, n, &mut rng);
        let mut summary = String::new();
        let mut end_to_end: f64 = 0.0;
        let matching = best(runs, || {
            let (m, e, s) = relais_run(&topics, &posts);
            end_to_end = end_to_end.max(e);
            summary = s;
            Some(m)
        })
        .unwrap_or(0.0);
        println!("{n} topics: {summary}");
        let rg = best(runs, || rg_run(&literals, &posts, size));
        let py = best(1, || python_run(&literals, &posts));
        rows.push((n, matching, end_to_end, rg, py));
    }
    println!();
    println!(
        "{:>7}  {:>14}  {:>12}  {:>10}  {:>14}  {:>9}  {:>9}  target",
        "topics", "relais MB/s", "end-to-end", "rg -F", "pyahocorasick", "×rg", "×py"
    );
    for (n, m, e, rg, py) in rows {
        let target = if n >= 10_000 { TARGET_10K } else { TARGET_1K };
        let shown = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.0}"));
        let ratio = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{:.1}", m / v));
        println!(
            "{n:>7}  {m:>14.0}  {e:>12.0}  {:>10}  {:>14}  {:>9}  {:>9}  >= {target:.0} MB/s: {}",
            shown(rg),
            shown(py),
            ratio(rg),
            ratio(py),
            if m >= target { "met" } else { "MISSED" }
        );
    }
    println!(
        "\nrelais MB/s: matching only (folding, the automaton, full boolean evaluation) over the post lines' bytes, one core;\n\
         end-to-end adds reading, JSON parsing and writing the matches. The peers search the literals alone, without boolean logic."
    );
}
