//! Near-duplicate clustering benchmark: relais's `Clusterer` against Python's
//! `datasketch` (MinHashLSH), on the same generated corpus.
//!
//! Run with `bash bench/neardup.sh` (installs the Python peer, then runs this)
//! or `cargo bench -p relais-veille --bench neardup` (the peer is then run only
//! if `RELAIS_BENCH_PYTHON`, or `python3`, can import `datasketch`).
//!
//! # Corpus
//!
//! `RELAIS_BENCH_DOCS` (100,000) firehose-shaped posts of about 300 bytes,
//! drawn from a seeded `StdRng`, so the corpus is the same on every run:
//! French/English word soup from a Zipf-distributed vocabulary (real common
//! words first, then made-up words, some accented), with mentions, links,
//! hashtags and punctuation. 55 % are originals (a new story each), of which
//! 10 points start with one of 40 boilerplates of 12–20 words followed by
//! 150–250 bytes of their own (a bot's or a newsroom's template:
//! similar-looking posts that are different stories, which tests precision);
//! the rest
//! derive from a post among the previous 5,000 (which may itself be
//! derived): identical reposts (10 %), `RT @user: ` reposts (10 %), edits of
//! one to four words replaced, inserted or deleted (15 %), truncations to
//! 70–95 % of the words plus `…` (5 %) and quotes with a comment appended
//! (5 %). The ground truth of a post is the original its chain starts from.
//!
//! # Measures
//!
//! - **docs/s**: posts clustered per second on one thread (shingling,
//!   signature, LSH lookup, verification, insertion), the corpus already in
//!   memory; relais: median of `RELAIS_BENCH_RUNS` (3) runs.
//! - **Pairwise precision, recall, F1**: over all pairs of posts, a pair is
//!   predicted positive when both are in one cluster and truly positive when
//!   both come from one original. Precision = true pairs found / pairs
//!   predicted, recall = true pairs found / true pairs, F1 their harmonic
//!   mean (the standard pair-counting measure of a clustering).
//!
//! The peer, `bench/neardup_datasketch.py`, reads the same corpus from a
//! JSONL file written here, uses the same folding, word shingles, number of
//! hash functions, banding and verification rule, and prints the same
//! measures. Targets (printed as met/missed): ≥ 50,000 docs/s and F1 ≥ 0.9.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use relais_veille::neardup::{ClusterParams, Clusterer};
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

const SEED: u64 = 0x005E_ED0F_5EED;
const TARGET_DOCS_PER_S: f64 = 50_000.0;
const TARGET_F1: f64 = 0.9;
/// Derived posts pick their source among this many previous posts.
const RECENT: usize = 5_000;
/// Boilerplates shared by templated originals.
const TEMPLATES: usize = 40;

const FRENCH: &[&str] = &[
    "le",
    "la",
    "les",
    "de",
    "des",
    "du",
    "un",
    "une",
    "et",
    "est",
    "en",
    "que",
    "qui",
    "dans",
    "pour",
    "pas",
    "sur",
    "au",
    "avec",
    "plus",
    "par",
    "ce",
    "il",
    "elle",
    "nous",
    "vous",
    "ils",
    "on",
    "mais",
    "ou",
    "son",
    "sa",
    "ses",
    "leur",
    "tout",
    "tous",
    "faire",
    "fait",
    "dit",
    "être",
    "avoir",
    "comme",
    "aussi",
    "bien",
    "très",
    "encore",
    "déjà",
    "après",
    "avant",
    "depuis",
    "contre",
    "entre",
    "sans",
    "sous",
    "ville",
    "mairie",
    "quartier",
    "école",
    "travaux",
    "projet",
    "réunion",
    "habitants",
    "association",
    "commune",
    "région",
    "député",
    "ministre",
    "gouvernement",
    "élection",
    "grève",
    "manifestation",
    "transport",
    "train",
    "métro",
    "vélo",
    "piscine",
    "marché",
    "prix",
    "hausse",
    "baisse",
    "emploi",
    "entreprise",
    "usine",
    "salariés",
    "syndicat",
    "accord",
    "rapport",
    "enquête",
    "police",
    "justice",
    "tribunal",
    "santé",
    "hôpital",
    "médecin",
    "été",
    "hiver",
    "pluie",
    "chaleur",
    "orage",
    "festival",
    "concert",
    "musée",
    "théâtre",
    "cinéma",
    "match",
    "équipe",
    "victoire",
    "défaite",
    "saison",
    "annonce",
    "décision",
    "colère",
    "soutien",
    "critique",
    "question",
    "réponse",
    "semaine",
    "année",
    "aujourd'hui",
    "demain",
    "hier",
    "soir",
    "matin",
    "nouveau",
    "nouvelle",
    "grand",
    "petit",
    "premier",
    "dernier",
    "public",
    "local",
    "national",
];

const ENGLISH: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "is",
    "it",
    "that",
    "for",
    "on",
    "with",
    "as",
    "was",
    "at",
    "by",
    "this",
    "from",
    "but",
    "not",
    "are",
    "they",
    "we",
    "you",
    "have",
    "has",
    "had",
    "will",
    "would",
    "can",
    "new",
    "more",
    "about",
    "after",
    "before",
    "over",
    "today",
    "tomorrow",
    "yesterday",
    "city",
    "council",
    "mayor",
    "street",
    "school",
    "project",
    "meeting",
    "residents",
    "community",
    "county",
    "state",
    "senator",
    "minister",
    "government",
    "election",
    "strike",
    "protest",
    "transit",
    "train",
    "subway",
    "bike",
    "pool",
    "market",
    "price",
    "prices",
    "rise",
    "drop",
    "jobs",
    "company",
    "factory",
    "workers",
    "union",
    "deal",
    "report",
    "investigation",
    "police",
    "court",
    "judge",
    "health",
    "hospital",
    "doctor",
    "summer",
    "winter",
    "rain",
    "heat",
    "storm",
    "festival",
    "concert",
    "museum",
    "theater",
    "movie",
    "game",
    "team",
    "win",
    "loss",
    "season",
    "announcement",
    "decision",
    "anger",
    "support",
    "review",
    "question",
    "answer",
    "week",
    "year",
    "night",
    "morning",
    "big",
    "small",
    "first",
    "last",
    "public",
    "local",
    "national",
    "breaking",
    "update",
    "thread",
    "great",
    "bad",
    "really",
    "just",
    "now",
    "still",
    "again",
];

const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "j", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch", "qu", "br",
    "tr", "pl", "gr", "st", "k", "w", "h",
];
const NUCLEI: &[&str] = &[
    "a", "e", "i", "o", "u", "ou", "an", "on", "in", "ai", "é", "è", "ea", "ee", "oo", "y",
];

/// How a post came to be.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Kind {
    Original,
    Templated,
    Repost,
    Retweet,
    Edit,
    Truncated,
    Quote,
}

#[derive(Serialize)]
struct Post {
    id: u64,
    text: String,
    truth: u64,
    #[serde(skip)]
    kind: Kind,
}

/// Zipf sampling over a vocabulary.
struct Vocab {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocab {
    fn new(rng: &mut StdRng, size: usize) -> Self {
        let mut words: Vec<String> = Vec::with_capacity(size);
        // Real words first (the frequent ones), interleaved FR/EN.
        for i in 0..FRENCH.len().max(ENGLISH.len()) {
            for list in [FRENCH, ENGLISH] {
                if let Some(w) = list.get(i) {
                    words.push((*w).to_owned());
                }
            }
        }
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        while words.len() < size {
            let syllables = rng.gen_range(2..=4);
            let mut w = String::new();
            for _ in 0..syllables {
                w.push_str(ONSETS.choose(rng).unwrap());
                w.push_str(NUCLEI.choose(rng).unwrap());
            }
            if rng.gen_bool(0.3) {
                w.push_str(["s", "r", "t", "n", "x"].choose(rng).unwrap());
            }
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|rank| {
                total += 1.0 / (rank as f64 + 2.0).powf(1.05);
                total
            })
            .collect();
        Self { words, cumulative }
    }

    fn word(&self, rng: &mut StdRng) -> &str {
        let total = *self.cumulative.last().unwrap();
        let u = rng.gen::<f64>() * total;
        let i = self
            .cumulative
            .partition_point(|&c| c < u)
            .min(self.words.len() - 1);
        &self.words[i]
    }
}

fn random_token(rng: &mut StdRng, len: usize) -> String {
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| char::from(*ALNUM.choose(rng).unwrap()))
        .collect()
}

impl Kind {
    fn is_original(self) -> bool {
        matches!(self, Kind::Original | Kind::Templated)
    }
}

/// A new post; with a `template`, it starts with that boilerplate and goes
/// on with 150–250 bytes of its own.
fn original(rng: &mut StdRng, vocab: &Vocab, template: Option<&str>) -> String {
    let mut s = String::with_capacity(400);
    if rng.gen_bool(0.15) {
        s.push_str(&format!("@user{} ", rng.gen_range(0..5_000)));
    }
    let mut capitalise = true;
    let target = match template {
        Some(template) => {
            s.push_str(template);
            capitalise = false;
            s.len() + rng.gen_range(150..250)
        }
        None => rng.gen_range(230..370),
    };
    while s.len() < target {
        if !s.is_empty() && !s.ends_with(' ') {
            s.push(' ');
        }
        let word = vocab.word(rng);
        if capitalise {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                s.extend(first.to_uppercase());
                s.push_str(chars.as_str());
            }
            capitalise = false;
        } else {
            s.push_str(word);
        }
        if rng.gen_bool(0.08) {
            let p = *[",", ".", "!", "?", ":"].choose(rng).unwrap();
            s.push_str(p);
            capitalise = matches!(p, "." | "!" | "?");
        }
    }
    if rng.gen_bool(0.2) {
        s.push_str(&format!(" https://example.com/p/{}", random_token(rng, 8)));
    }
    if rng.gen_bool(0.3) {
        for _ in 0..rng.gen_range(1..=3) {
            let len = rng.gen_range(4..10);
            s.push_str(&format!(" #{}", random_token(rng, len)));
        }
    }
    s
}

fn edit(rng: &mut StdRng, vocab: &Vocab, text: &str) -> String {
    let mut tokens: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    for _ in 0..rng.gen_range(1..=4) {
        let at = rng.gen_range(0..tokens.len());
        match rng.gen_range(0..3) {
            0 => tokens[at] = vocab.word(rng).to_owned(),
            1 => tokens.insert(at, vocab.word(rng).to_owned()),
            _ if tokens.len() > 3 => {
                tokens.remove(at);
            }
            _ => tokens[at] = vocab.word(rng).to_owned(),
        }
    }
    tokens.join(" ")
}

fn truncate(rng: &mut StdRng, text: &str) -> String {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let keep = ((tokens.len() as f64) * rng.gen_range(0.70..0.95)).ceil() as usize;
    format!("{}…", tokens[..keep.clamp(1, tokens.len())].join(" "))
}

fn quote(rng: &mut StdRng, vocab: &Vocab, text: &str) -> String {
    let comment: Vec<&str> = (0..rng.gen_range(5..=12))
        .map(|_| vocab.word(rng))
        .collect();
    format!("{text} — {}", comment.join(" "))
}

fn corpus(n: usize) -> Vec<Post> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let vocab = Vocab::new(&mut rng, 6_000);
    // Boilerplate shared by unrelated posts (a bot's or a newsroom's
    // template): a third to a half of such a post, a different story each
    // time.
    let templates: Vec<String> = (0..TEMPLATES)
        .map(|_| {
            let words: Vec<&str> = (0..rng.gen_range(12..=20))
                .map(|_| vocab.word(&mut rng))
                .collect();
            words.join(" ")
        })
        .collect();
    let mut posts: Vec<Post> = Vec::with_capacity(n);
    for i in 0..n {
        let id = i as u64;
        let roll: f64 = rng.gen();
        let kind = if i < 100 || roll < 0.45 {
            Kind::Original
        } else if roll < 0.55 {
            Kind::Templated
        } else if roll < 0.65 {
            Kind::Repost
        } else if roll < 0.75 {
            Kind::Retweet
        } else if roll < 0.90 {
            Kind::Edit
        } else if roll < 0.95 {
            Kind::Truncated
        } else {
            Kind::Quote
        };
        let (text, truth) = if kind == Kind::Original {
            (original(&mut rng, &vocab, None), id)
        } else if kind == Kind::Templated {
            let template = &templates[rng.gen_range(0..templates.len())];
            (original(&mut rng, &vocab, Some(template)), id)
        } else {
            let source = &posts[rng.gen_range(i.saturating_sub(RECENT)..i)];
            let text = match kind {
                Kind::Repost => source.text.clone(),
                Kind::Retweet => {
                    format!("RT @user{}: {}", rng.gen_range(0..5_000), source.text)
                }
                Kind::Edit => edit(&mut rng, &vocab, &source.text),
                Kind::Truncated => truncate(&mut rng, &source.text),
                Kind::Quote | Kind::Original | Kind::Templated => {
                    quote(&mut rng, &vocab, &source.text)
                }
            };
            (text, source.truth)
        };
        posts.push(Post {
            id,
            text,
            truth,
            kind,
        });
    }
    posts
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Scores {
    precision: f64,
    recall: f64,
    f1: f64,
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Pairwise precision/recall/F1 of `predicted` clusters against `truth`.
fn pairwise(predicted: &[u64], truth: &[u64]) -> Scores {
    let mut cells: HashMap<(u64, u64), u64> = HashMap::new();
    let mut by_pred: HashMap<u64, u64> = HashMap::new();
    let mut by_truth: HashMap<u64, u64> = HashMap::new();
    for (&p, &t) in predicted.iter().zip(truth) {
        *cells.entry((p, t)).or_default() += 1;
        *by_pred.entry(p).or_default() += 1;
        *by_truth.entry(t).or_default() += 1;
    }
    let tp: u64 = cells.values().map(|&n| pairs(n)).sum();
    let pred: u64 = by_pred.values().map(|&n| pairs(n)).sum();
    let real: u64 = by_truth.values().map(|&n| pairs(n)).sum();
    let precision = if pred == 0 {
        1.0
    } else {
        tp as f64 / pred as f64
    };
    let recall = if real == 0 {
        1.0
    } else {
        tp as f64 / real as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Scores {
        precision,
        recall,
        f1,
    }
}

/// Per kind of derived post: how many there are and the share of them put in
/// the cluster of their original.
fn recall_by_kind(posts: &[Post], predicted: &[u64]) -> Vec<(Kind, usize, f64)> {
    let cluster_of_root: HashMap<u64, u64> = posts
        .iter()
        .zip(predicted)
        .filter(|(p, _)| p.kind.is_original())
        .map(|(p, &c)| (p.id, c))
        .collect();
    [
        Kind::Repost,
        Kind::Retweet,
        Kind::Edit,
        Kind::Truncated,
        Kind::Quote,
    ]
    .into_iter()
    .map(|kind| {
        let of_kind: Vec<_> = posts
            .iter()
            .zip(predicted)
            .filter(|(p, _)| p.kind == kind)
            .collect();
        let right = of_kind
            .iter()
            .filter(|(p, &c)| cluster_of_root.get(&p.truth) == Some(&c))
            .count();
        (
            kind,
            of_kind.len(),
            right as f64 / of_kind.len().max(1) as f64,
        )
    })
    .collect()
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn thousands(x: f64) -> String {
    let n = x.round() as u64;
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

struct Peer {
    version: String,
    docs_per_s: f64,
    cpu_docs_per_s: Option<f64>,
    scores: Scores,
    clusters: u64,
    words: u64,
}

fn run_peer(
    python: &str,
    script: &Path,
    corpus: &Path,
    params: &ClusterParams,
) -> Result<Peer, String> {
    let check = Command::new(python)
        .args(["-c", "import datasketch, numpy"])
        .output()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    if !check.status.success() {
        return Err(format!(
            "{python} cannot import datasketch ({}); run `bash bench/neardup.sh`, which installs it \
             in a virtual environment",
            String::from_utf8_lossy(&check.stderr).lines().last().unwrap_or("").trim()
        ));
    }
    let output = Command::new(python)
        .arg(script)
        .arg(corpus)
        .args(["--threshold", &params.threshold.to_string()])
        .args(["--shingle-size", &params.shingle_size.to_string()])
        .args(["--bands", &params.bands.to_string()])
        .args(["--rows", &params.rows.to_string()])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines().filter(|l| !l.starts_with("RESULT ")) {
        println!("  | {line}");
    }
    if !output.status.success() {
        return Err(format!(
            "the peer failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let result = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .ok_or("the peer printed no RESULT line")?;
    let v: serde_json::Value = serde_json::from_str(result).map_err(|e| e.to_string())?;
    let num = |k: &str| v[k].as_f64().ok_or(format!("RESULT without {k}"));
    Ok(Peer {
        version: v["version"].as_str().unwrap_or("?").to_owned(),
        docs_per_s: num("docs_per_s")?,
        cpu_docs_per_s: v["cpu_docs_per_s"].as_f64(),
        scores: Scores {
            precision: num("precision")?,
            recall: num("recall")?,
            f1: num("f1")?,
        },
        clusters: num("clusters")? as u64,
        words: num("words")? as u64,
    })
}

/// CPU time of the calling thread, from Linux's `/proc/thread-self/schedstat`
/// (nanoseconds on CPU), or `None` elsewhere. The machine may be shared: wall
/// time then counts the other processes' turns too, CPU time does not.
fn thread_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    (ns > 0).then(|| ns as f64 / 1e9)
}

fn met(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "MISSED"
    }
}

fn main() {
    let n = env_usize("RELAIS_BENCH_DOCS", 100_000);
    let runs = env_usize("RELAIS_BENCH_RUNS", 3).max(1);
    let params = ClusterParams::default();

    let started = Instant::now();
    let posts = corpus(n);
    let bytes: usize = posts.iter().map(|p| p.text.len()).sum();
    let truth: Vec<u64> = posts.iter().map(|p| p.truth).collect();
    let words: usize = posts.iter().map(|p| p.text.unicode_words().count()).sum();
    let stories = truth.iter().collect::<std::collections::HashSet<_>>().len();
    let mut kinds: HashMap<Kind, usize> = HashMap::new();
    for p in &posts {
        *kinds.entry(p.kind).or_default() += 1;
    }
    let share = |k: Kind| 100.0 * *kinds.get(&k).unwrap_or(&0) as f64 / n as f64;
    println!("near-duplicate clustering benchmark");
    println!(
        "corpus: {} posts, {:.0} bytes on average, {} stories (seed {SEED:#x}, generated in {:.1} s)",
        thousands(n as f64),
        bytes as f64 / n as f64,
        thousands(stories as f64),
        started.elapsed().as_secs_f64()
    );
    println!(
        "        originals {:.1} % (of which templated {:.1} %), reposts {:.1} %, RT {:.1} %, edits {:.1} %, truncations {:.1} %, quotes {:.1} %",
        share(Kind::Original) + share(Kind::Templated),
        share(Kind::Templated),
        share(Kind::Repost),
        share(Kind::Retweet),
        share(Kind::Edit),
        share(Kind::Truncated),
        share(Kind::Quote)
    );
    println!(
        "params: threshold {}, shingles of {} words, {} bands x {} rows = {} hashes, max_docs {}",
        params.threshold,
        params.shingle_size,
        params.bands,
        params.rows,
        params.num_hashes(),
        params.max_docs
    );
    if n > params.max_docs {
        println!("        (more posts than max_docs: the oldest are forgotten as the stream goes)");
    }

    let file = tempfile::Builder::new()
        .prefix("relais-neardup-")
        .suffix(".jsonl")
        .tempfile()
        .unwrap();
    {
        let mut w = BufWriter::new(file.as_file());
        for p in &posts {
            serde_json::to_writer(&mut w, p).unwrap();
            w.write_all(b"\n").unwrap();
        }
        w.flush().unwrap();
    }
    println!("corpus written to {}", file.path().display());
    println!();

    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let load: Vec<&str> = load.split_whitespace().take(3).collect();
        println!(
            "load average before the runs: {} ({} CPUs)",
            load.join(" "),
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
    }
    let mut rates = Vec::new();
    let mut cpu_rates = Vec::new();
    let mut predicted: Vec<u64> = Vec::new();
    let mut clusters = 0;
    for run in 1..=runs {
        let mut clusterer = Clusterer::new(params);
        let mut out = Vec::with_capacity(n);
        let cpu = thread_cpu_secs();
        let t = Instant::now();
        for p in &posts {
            out.push(clusterer.add(p.id, &p.text).0);
        }
        let secs = t.elapsed().as_secs_f64();
        let cpu = cpu.zip(thread_cpu_secs()).map(|(a, b)| b - a);
        let rate = n as f64 / secs;
        let cpu_note = match cpu {
            Some(c) => {
                cpu_rates.push(n as f64 / c);
                format!(", CPU {c:.3} s = {} docs/s", thousands(n as f64 / c))
            }
            None => String::new(),
        };
        println!(
            "relais run {run}: wall {secs:.3} s = {} docs/s ({:.1} MB/s){cpu_note}",
            thousands(rate),
            bytes as f64 / secs / 1e6
        );
        rates.push(rate);
        if predicted.is_empty() {
            predicted = out;
            clusters = predicted
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len();
        } else {
            assert_eq!(predicted, out, "clustering differs between runs");
        }
    }
    rates.sort_by(f64::total_cmp);
    let rate = rates[rates.len() / 2];
    cpu_rates.sort_by(f64::total_cmp);
    let cpu_rate = cpu_rates.get(cpu_rates.len() / 2).copied();
    let scores = pairwise(&predicted, &truth);
    println!(
        "relais: {} docs/s wall{} (medians of {runs}), precision {:.4}, recall {:.4}, F1 {:.4}, {} clusters",
        thousands(rate),
        cpu_rate.map_or(String::new(), |r| format!(", {} docs/s of CPU time", thousands(r))),
        scores.precision,
        scores.recall,
        scores.f1,
        thousands(clusters as f64)
    );
    let by_kind: Vec<String> = recall_by_kind(&posts, &predicted)
        .into_iter()
        .map(|(k, count, r)| format!("{k:?} {:.1} % of {}", r * 100.0, thousands(count as f64)))
        .collect();
    println!("        with their original: {}", by_kind.join(", "));
    println!();

    let python = std::env::var("RELAIS_BENCH_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/neardup_datasketch.py");
    let script = script.canonicalize().unwrap_or(script);
    println!("datasketch peer ({python} {}):", script.display());
    let peer = if std::env::var_os("RELAIS_BENCH_SKIP_PEER").is_some() {
        Err("skipped (RELAIS_BENCH_SKIP_PEER is set)".to_owned())
    } else {
        run_peer(&python, &script, file.path(), &params)
    };
    match &peer {
        Ok(peer) => println!(
            "datasketch {}: {} docs/s, precision {:.4}, recall {:.4}, F1 {:.4}, {} clusters",
            peer.version,
            thousands(peer.docs_per_s),
            peer.scores.precision,
            peer.scores.recall,
            peer.scores.f1,
            thousands(peer.clusters as f64)
        ),
        Err(why) => println!("datasketch: unavailable: {why}"),
    }
    if let Ok(peer) = &peer {
        // The peer's tokenizer approximates UAX #29 with a regular
        // expression: check that it cut the corpus into as many words.
        println!(
            "words in the corpus: relais {}, peer {} ({})",
            thousands(words as f64),
            thousands(peer.words as f64),
            if peer.words == words as u64 {
                "same tokenization"
            } else {
                "tokenizations differ: shingles are not exactly the same"
            }
        );
    }
    println!();

    println!("summary");
    let cpu_col = |r: Option<f64>| r.map_or("-".to_owned(), thousands);
    println!(
        "  {:<12} {:>14} {:>14} {:>8}",
        "", "docs/s (wall)", "docs/s (CPU)", "F1"
    );
    println!(
        "  {:<12} {:>14} {:>14} {:>8.4}",
        "relais",
        thousands(rate),
        cpu_col(cpu_rate),
        scores.f1
    );
    if let Ok(peer) = &peer {
        println!(
            "  {:<12} {:>14} {:>14} {:>8.4}",
            "datasketch",
            thousands(peer.docs_per_s),
            cpu_col(peer.cpu_docs_per_s),
            peer.scores.f1
        );
        let cpu_ratio = cpu_rate
            .zip(peer.cpu_docs_per_s)
            .map_or("-".to_owned(), |(a, b)| format!("{:.1}x", a / b));
        println!(
            "  {:<12} {:>14} {:>14} {:>+8.4}",
            "relais/peer",
            format!("{:.1}x", rate / peer.docs_per_s),
            cpu_ratio,
            scores.f1 - peer.scores.f1
        );
    } else {
        println!("  datasketch   unavailable: no ratio");
    }
    let cpu_met = cpu_rate.map_or(String::new(), |r| {
        format!(", CPU time: {}", met(r >= TARGET_DOCS_PER_S))
    });
    println!(
        "  target >= {} docs/s on one thread: wall: {}{cpu_met}",
        thousands(TARGET_DOCS_PER_S),
        met(rate >= TARGET_DOCS_PER_S)
    );
    println!(
        "  target F1 >= {TARGET_F1}: {}",
        met(scores.f1 >= TARGET_F1)
    );
}
