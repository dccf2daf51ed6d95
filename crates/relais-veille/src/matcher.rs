//! Every topic's query compiled into one matcher.
//!
//! Each word, prefix and phrase of every topic (searched in the title or the
//! text) becomes one pattern of a single Aho–Corasick automaton, run once
//! over the document folded into a line of words ([`crate::text::Folded`]):
//! ` word `, ` a phrase `, ` prefix`. The automaton's hits name the topics
//! that may match (the candidates); only those are evaluated, from the hits,
//! without reading the text again. A topic that can be true with none of its
//! words present (`a OR NOT b`, or only `lang:`/`site:`/`author:` filters)
//! is evaluated for every document.
//!
//! Matching semantics (the CLI and the query tester use exactly this):
//! - words are runs of letters and digits, compared folded (case and accents
//!   ignored, [`crate::text`]); an exact (`=`) literal also compares the words
//!   as written;
//! - a phrase is consecutive words; `term*` matches words starting with `term`;
//! - `a NEAR/n b` is true when an occurrence of `a` and one of `b` have at
//!   most `n` words between them, in either order, without overlapping and in
//!   the same field; `NEAR/nf` also needs `a` first;
//! - without a field, a literal matches in the title or the text.

use crate::query::{Literal, Query, Scope};
use crate::text::{self, Folded};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::Serialize;
use std::collections::HashMap;

/// A named query.
#[derive(Debug, Clone)]
pub struct Topic {
    pub name: String,
    pub query: Query,
}

/// A post or an article as the matcher sees it. Empty strings for what is
/// unknown.
#[derive(Debug, Clone, Copy, Default)]
pub struct Document<'a> {
    pub title: &'a str,
    pub text: &'a str,
    pub author: &'a str,
    /// The host the item comes from (`www.lemonde.fr`).
    pub site: &'a str,
    /// ISO 639-1, as detected.
    pub lang: &'a str,
    /// The source's name.
    pub source: &'a str,
}

/// Which part of a document a hit is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Title,
    Text,
    Author,
    Source,
}

#[derive(Debug, Clone)]
struct Lit {
    literal: Literal,
    /// The automaton's pattern, for literals of the title or the text.
    pattern: Option<usize>,
}

#[derive(Debug, Clone)]
enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Lit(usize),
    Near {
        left: Vec<usize>,
        right: Vec<usize>,
        n: u32,
        ordered: bool,
    },
    Site(String),
    Lang(String),
}

/// The topics, compiled.
#[derive(Debug, Clone)]
pub struct Matcher {
    names: Vec<String>,
    roots: Vec<Node>,
    lits: Vec<Lit>,
    automaton: Option<AhoCorasick>,
    /// For each pattern, the topics it makes candidates (see
    /// [`Matcher::triggers`]).
    pattern_topics: Vec<Vec<u32>>,
    /// For each pattern, its length in bytes.
    pattern_len: Vec<usize>,
    /// Topics evaluated for every document.
    always: Vec<u32>,
}

/// What one document needs while it is matched; reused from one document to
/// the next (one per thread).
#[derive(Debug, Default)]
pub struct Scratch {
    folded: Folded,
    /// (pattern, start in the line) of every hit.
    hits: Vec<(u32, u32)>,
    /// `stamp` where a pattern was hit in this document.
    pattern_seen: Vec<u32>,
    topic_seen: Vec<u32>,
    candidates: Vec<u32>,
    stamp: u32,
    /// Where each word starts in the line (computed when needed).
    word_starts: Option<Vec<u32>>,
    raw: Option<Vec<String>>,
    author: Option<Vec<String>>,
    source: Option<Vec<String>>,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch::default()
    }

    fn word_index(&mut self, start: u32) -> usize {
        let line = self.folded.line();
        let starts = self.word_starts.get_or_insert_with(|| {
            let mut v = Vec::new();
            for i in 1..line.len() {
                if line[i - 1] == b' ' && line[i] != b' ' && line[i] != b'|' {
                    v.push(i as u32);
                }
            }
            v
        });
        // A hit starts at the space before its first word.
        starts.partition_point(|&w| w <= start)
    }
}

impl Matcher {
    /// Compiles the topics. Topics keep their order; [`Matcher::matches`]
    /// answers with their indexes.
    pub fn new(topics: &[Topic]) -> Result<Matcher, aho_corasick::BuildError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut by_text: HashMap<String, usize> = HashMap::new();
        let mut pattern_topics: Vec<Vec<u32>> = Vec::new();
        let mut lits = Vec::new();
        let mut roots = Vec::new();
        let mut lit_ids: HashMap<Literal, usize> = HashMap::new();
        for topic in topics {
            let mut compile_lit = |l: &Literal| -> usize {
                if let Some(&id) = lit_ids.get(l) {
                    return id;
                }
                let pattern = matches!(l.scope, Scope::Any | Scope::Title).then(|| {
                    let mut p = String::with_capacity(
                        2 + l.words.iter().map(|w| w.len() + 1).sum::<usize>(),
                    );
                    p.push(' ');
                    p.push_str(&l.words.join(" "));
                    if !l.prefix {
                        p.push(' ');
                    }
                    *by_text.entry(p.clone()).or_insert_with(|| {
                        patterns.push(p);
                        pattern_topics.push(Vec::new());
                        patterns.len() - 1
                    })
                });
                lits.push(Lit {
                    literal: l.clone(),
                    pattern,
                });
                lit_ids.insert(l.clone(), lits.len() - 1);
                lits.len() - 1
            };
            roots.push(compile(&topic.query, &mut compile_lit));
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    // A DFA: one table lookup per byte, the fastest search;
                    // the patterns all start with a space, so a prefilter
                    // looking for their first bytes would only slow it.
                    .kind(Some(AhoCorasickKind::DFA))
                    .prefilter(false)
                    .build(&patterns)?,
            )
        };
        let mut m = Matcher {
            names: topics.iter().map(|t| t.name.clone()).collect(),
            roots,
            lits,
            automaton,
            pattern_len: patterns.iter().map(String::len).collect(),
            pattern_topics,
            always: Vec::new(),
        };
        // Each topic is a candidate when one of its trigger patterns is hit;
        // a topic without triggers is evaluated for every document.
        for t in 0..m.roots.len() {
            match m.triggers(&m.roots[t]) {
                Some(patterns) => {
                    for p in patterns {
                        if m.pattern_topics[p].last() != Some(&(t as u32)) {
                            m.pattern_topics[p].push(t as u32);
                        }
                    }
                }
                None => m.always.push(t as u32),
            }
        }
        Ok(m)
    }

    /// How many topics.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The name of topic `i`.
    pub fn name(&self, i: usize) -> &str {
        self.names.get(i).map_or("", String::as_str)
    }

    /// How many patterns the automaton holds.
    pub fn pattern_count(&self) -> usize {
        self.pattern_topics.len()
    }

    /// Patterns one of which must be hit for `node` to be true (the fewest
    /// and longest such set found), or `None` when it can be true with no
    /// hit (`NOT a`, `lang:fr`, `author:x`). Sorted, without duplicates.
    fn triggers(&self, node: &Node) -> Option<Vec<usize>> {
        match node {
            // All must hold: any one's triggers will do; take the cheapest.
            Node::And(of) => of
                .iter()
                .filter_map(|n| self.triggers(n))
                .min_by_key(|set| self.trigger_cost(set)),
            // One must hold: all of theirs.
            Node::Or(of) => {
                let mut all = Vec::new();
                for n in of {
                    all.extend(self.triggers(n)?);
                }
                all.sort_unstable();
                all.dedup();
                Some(all)
            }
            Node::Not(_) | Node::Site(_) | Node::Lang(_) => None,
            Node::Lit(l) => self.lits[*l].pattern.map(|p| vec![p]),
            Node::Near { left, right, .. } => {
                let side = |ids: &[usize]| -> Option<Vec<usize>> {
                    let mut v: Vec<usize> = ids
                        .iter()
                        .map(|&l| self.lits[l].pattern)
                        .collect::<Option<_>>()?;
                    v.sort_unstable();
                    v.dedup();
                    Some(v)
                };
                [side(left), side(right)]
                    .into_iter()
                    .flatten()
                    .min_by_key(|set| self.trigger_cost(set))
            }
        }
    }

    /// How often a trigger set may fire, roughly: more patterns, and shorter
    /// ones (common words), fire more.
    fn trigger_cost(&self, set: &[usize]) -> (usize, usize) {
        let shortest = set
            .iter()
            .map(|&p| self.pattern_len.get(p).copied().unwrap_or(0))
            .min()
            .unwrap_or(0);
        (set.len(), usize::MAX - shortest)
    }

    /// The indexes of the topics `doc` matches, in topic order, into `out`
    /// (cleared first).
    pub fn matches(&self, doc: &Document<'_>, s: &mut Scratch, out: &mut Vec<usize>) {
        out.clear();
        self.scan(doc, s);
        let candidates = std::mem::take(&mut s.candidates);
        for &t in &candidates {
            if self.eval(&self.roots[t as usize], doc, s) {
                out.push(t as usize);
            }
        }
        s.candidates = candidates;
        out.sort_unstable();
    }

    /// The names of the topics `doc` matches (a convenience over
    /// [`Matcher::matches`]).
    pub fn matching_names(&self, doc: &Document<'_>) -> Vec<&str> {
        let mut s = Scratch::new();
        let mut out = Vec::new();
        self.matches(doc, &mut s, &mut out);
        out.into_iter().map(|t| self.name(t)).collect()
    }

    /// Folds the document, runs the automaton and lists the candidates.
    fn scan(&self, doc: &Document<'_>, s: &mut Scratch) {
        s.stamp = s.stamp.wrapping_add(1);
        if s.stamp == 0 {
            // Wrapped: forget every old stamp.
            s.pattern_seen.iter_mut().for_each(|x| *x = 0);
            s.topic_seen.iter_mut().for_each(|x| *x = 0);
            s.stamp = 1;
        }
        let stamp = s.stamp;
        s.pattern_seen.resize(self.pattern_topics.len(), 0);
        s.topic_seen.resize(self.roots.len(), 0);
        s.hits.clear();
        s.candidates.clear();
        s.word_starts = None;
        s.raw = None;
        s.author = None;
        s.source = None;
        s.folded.clear();
        s.folded.push_segment(doc.title);
        s.folded.push_segment(doc.text);
        for &t in &self.always {
            s.topic_seen[t as usize] = stamp;
            s.candidates.push(t);
        }
        let Some(ac) = &self.automaton else {
            return;
        };
        for m in ac.find_overlapping_iter(s.folded.line()) {
            let p = m.pattern().as_usize();
            s.hits.push((p as u32, m.start() as u32));
            if s.pattern_seen[p] != stamp {
                s.pattern_seen[p] = stamp;
                for &t in &self.pattern_topics[p] {
                    if s.topic_seen[t as usize] != stamp {
                        s.topic_seen[t as usize] = stamp;
                        s.candidates.push(t);
                    }
                }
            }
        }
    }

    fn eval(&self, node: &Node, doc: &Document<'_>, s: &mut Scratch) -> bool {
        match node {
            Node::And(of) => of.iter().all(|n| self.eval(n, doc, s)),
            Node::Or(of) => of.iter().any(|n| self.eval(n, doc, s)),
            Node::Not(n) => !self.eval(n, doc, s),
            Node::Lit(l) => self.present(*l, doc, s),
            Node::Near {
                left,
                right,
                n,
                ordered,
            } => self.near(left, right, *n, *ordered, doc, s).is_some(),
            Node::Site(host) => site_matches(doc.site, host),
            Node::Lang(code) => doc.lang.eq_ignore_ascii_case(code),
        }
    }

    /// Whether literal `l` occurs: for a plain word or phrase of the title or
    /// text, whether its pattern was hit (no allocation); else the first
    /// occurrence.
    fn present(&self, l: usize, doc: &Document<'_>, s: &mut Scratch) -> bool {
        let lit = &self.lits[l];
        match (lit.pattern, lit.literal.scope, &lit.literal.exact) {
            (Some(p), Scope::Any, None) => s.pattern_seen.get(p).copied() == Some(s.stamp),
            (Some(p), Scope::Title, None) => {
                s.pattern_seen.get(p).copied() == Some(s.stamp)
                    && s.hits.iter().any(|&(hp, start)| {
                        hp as usize == p && s.folded.segment_of(start as usize) == 0
                    })
            }
            _ => !self.occurrences(l, doc, s, true).is_empty(),
        }
    }

    /// Where literal `l` occurs: (field, first word, words) — for the title
    /// and text, word indexes over the whole line. `first_only`: stop at the
    /// first.
    fn occurrences(
        &self,
        l: usize,
        doc: &Document<'_>,
        s: &mut Scratch,
        first_only: bool,
    ) -> Vec<(Field, usize, usize)> {
        let lit = &self.lits[l];
        let literal = &lit.literal;
        let len = literal.words.len();
        let mut out = Vec::new();
        match (lit.pattern, literal.scope) {
            (Some(p), scope) => {
                if s.pattern_seen.get(p).copied() != Some(s.stamp) {
                    return out;
                }
                let starts: Vec<u32> = s
                    .hits
                    .iter()
                    .filter(|(hp, _)| *hp as usize == p)
                    .map(|(_, start)| *start)
                    .collect();
                for start in starts {
                    let field = if s.folded.segment_of(start as usize) == 0 {
                        Field::Title
                    } else {
                        Field::Text
                    };
                    if scope == Scope::Title && field != Field::Title {
                        continue;
                    }
                    let first = s.word_index(start);
                    if let Some(exact) = &literal.exact {
                        let raw = s.raw.get_or_insert_with(|| {
                            text::raw_words(doc.title)
                                .into_iter()
                                .chain(text::raw_words(doc.text))
                                .map(str::to_string)
                                .collect()
                        });
                        if raw.get(first..first + len).map(|w| w == exact.as_slice()) != Some(true)
                        {
                            continue;
                        }
                    }
                    out.push((field, first, len));
                    if first_only {
                        break;
                    }
                }
            }
            (None, scope) => {
                let (field, words, raw_src) = if scope == Scope::Author {
                    (
                        Field::Author,
                        s.author
                            .get_or_insert_with(|| text::words(doc.author))
                            .clone(),
                        doc.author,
                    )
                } else {
                    (
                        Field::Source,
                        s.source
                            .get_or_insert_with(|| text::words(doc.source))
                            .clone(),
                        doc.source,
                    )
                };
                let raw = literal.exact.as_ref().map(|_| text::raw_words(raw_src));
                for i in 0..words.len() {
                    if sequence_at(&words, i, &literal.words, literal.prefix)
                        && raw.as_ref().is_none_or(|raw| {
                            literal.exact.as_ref().is_some_and(|e| {
                                raw.get(i..i + len).is_some_and(|w| w == e.as_slice())
                            })
                        })
                    {
                        out.push((field, i, len));
                        if first_only {
                            break;
                        }
                    }
                }
            }
        }
        out
    }

    /// The closest pair of occurrences that satisfies a NEAR, as (left
    /// occurrence, right occurrence, words between).
    #[allow(clippy::type_complexity)]
    fn near(
        &self,
        left: &[usize],
        right: &[usize],
        n: u32,
        ordered: bool,
        doc: &Document<'_>,
        s: &mut Scratch,
    ) -> Option<((Field, usize, usize), (Field, usize, usize), usize)> {
        let mut a = Vec::new();
        for &l in left {
            a.extend(self.occurrences(l, doc, s, false));
        }
        if a.is_empty() {
            return None;
        }
        let mut b = Vec::new();
        for &l in right {
            b.extend(self.occurrences(l, doc, s, false));
        }
        let mut best: Option<((Field, usize, usize), (Field, usize, usize), usize)> = None;
        for &x in &a {
            for &y in &b {
                if x.0 != y.0 {
                    continue;
                }
                let (xs, xe) = (x.1, x.1 + x.2 - 1);
                let (ys, ye) = (y.1, y.1 + y.2 - 1);
                let between = if ys > xe {
                    ys - xe - 1
                } else if !ordered && xs > ye {
                    xs - ye - 1
                } else {
                    continue;
                };
                if between <= n as usize && best.is_none_or(|b| between < b.2) {
                    best = Some((x, y, between));
                }
            }
        }
        best
    }

    /// Why topic `t` is true or false for `doc`: each part of its query with
    /// its value and what was found.
    pub fn explain(&self, t: usize, doc: &Document<'_>) -> Option<Explanation> {
        let root = self.roots.get(t)?;
        let mut s = Scratch::new();
        self.scan(doc, &mut s);
        Some(self.explain_node(root, doc, &mut s))
    }

    fn explain_node(&self, node: &Node, doc: &Document<'_>, s: &mut Scratch) -> Explanation {
        match node {
            Node::And(of) | Node::Or(of) => {
                let parts: Vec<Explanation> =
                    of.iter().map(|n| self.explain_node(n, doc, s)).collect();
                let and = matches!(node, Node::And(_));
                let value = if and {
                    parts.iter().all(|p| p.value)
                } else {
                    parts.iter().any(|p| p.value)
                };
                Explanation {
                    part: if and { "AND" } else { "OR" }.to_string(),
                    value,
                    found: Vec::new(),
                    parts,
                }
            }
            Node::Not(n) => {
                let inner = self.explain_node(n, doc, s);
                Explanation {
                    part: "NOT".into(),
                    value: !inner.value,
                    found: Vec::new(),
                    parts: vec![inner],
                }
            }
            Node::Lit(l) => {
                let occ = self.occurrences(*l, doc, s, false);
                let found = occ.iter().map(|o| Found::at(*o, s)).collect();
                Explanation {
                    part: self.lits[*l].literal.display(),
                    value: !occ.is_empty(),
                    found,
                    parts: Vec::new(),
                }
            }
            Node::Near {
                left,
                right,
                n,
                ordered,
            } => {
                let side = |ids: &[usize]| {
                    let v: Vec<String> = ids
                        .iter()
                        .map(|&l| self.lits[l].literal.display())
                        .collect();
                    if v.len() == 1 {
                        v.join("")
                    } else {
                        format!("({})", v.join(" OR "))
                    }
                };
                let part = format!(
                    "{} NEAR/{n}{} {}",
                    side(left),
                    if *ordered { "f" } else { "" },
                    side(right)
                );
                let best = self.near(left, right, *n, *ordered, doc, s);
                let found = best
                    .map(|(a, b, between)| {
                        let mut fa = Found::at(a, s);
                        fa.words_between = Some(between);
                        vec![fa, Found::at(b, s)]
                    })
                    .unwrap_or_default();
                Explanation {
                    part,
                    value: best.is_some(),
                    found,
                    parts: Vec::new(),
                }
            }
            Node::Site(host) => Explanation {
                part: format!("site:{host}"),
                value: site_matches(doc.site, host),
                found: Vec::new(),
                parts: Vec::new(),
            },
            Node::Lang(code) => Explanation {
                part: format!("lang:{code}"),
                value: doc.lang.eq_ignore_ascii_case(code),
                found: Vec::new(),
                parts: Vec::new(),
            },
        }
    }
}

/// Whether `words[i..]` starts with `want` (its last word a prefix when
/// `prefix`).
fn sequence_at(words: &[String], i: usize, want: &[String], prefix: bool) -> bool {
    want.iter().enumerate().all(|(k, w)| {
        words.get(i + k).is_some_and(|have| {
            if prefix && k + 1 == want.len() {
                have.starts_with(w.as_str())
            } else {
                have == w
            }
        })
    })
}

fn site_matches(site: &str, host: &str) -> bool {
    let site = site.trim().trim_end_matches('.').to_ascii_lowercase();
    let site = site.strip_prefix("www.").unwrap_or(&site);
    site == host
        || (site.len() > host.len()
            && site.ends_with(host)
            && site.as_bytes()[site.len() - host.len() - 1] == b'.')
}

fn compile(q: &Query, lit: &mut impl FnMut(&Literal) -> usize) -> Node {
    match q {
        Query::And { of } => Node::And(of.iter().map(|q| compile(q, lit)).collect()),
        Query::Or { of } => Node::Or(of.iter().map(|q| compile(q, lit)).collect()),
        Query::Not { of } => Node::Not(Box::new(compile(of, lit))),
        Query::Literal { literal } => Node::Lit(lit(literal)),
        Query::Near {
            left,
            right,
            n,
            ordered,
        } => Node::Near {
            left: left.iter().map(&mut *lit).collect(),
            right: right.iter().map(&mut *lit).collect(),
            n: *n,
            ordered: *ordered,
        },
        Query::Site { host } => Node::Site(host.clone()),
        Query::Lang { code } => Node::Lang(code.clone()),
    }
}

/// One part of a query, its value for a document, and what was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The part, as a query (`"grève générale"`, `AND`, `a NEAR/3 b`).
    pub part: String,
    pub value: bool,
    /// Where its words were found (for a NEAR: the closest pair).
    pub found: Vec<Found>,
    pub parts: Vec<Explanation>,
}

/// Where a literal was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    pub field: Field,
    /// The first word, from 1, within its field.
    pub word: usize,
    pub words: usize,
    /// For the first of a NEAR pair: how many words lie between the two.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words_between: Option<usize>,
}

impl Found {
    fn at((field, first, words): (Field, usize, usize), s: &mut Scratch) -> Found {
        // Title and text share one line: count text words from its start.
        let offset = if field == Field::Text {
            let start = s.folded.segment_start(1) as u32;
            s.word_index(start)
        } else {
            0
        };
        Found {
            field,
            word: first - offset + 1,
            words,
            words_between: None,
        }
    }
}

impl Explanation {
    /// The explanation as indented lines, `✓`/`✗` for true/false, with the
    /// words of `label` for where things were found (its keys: `title`,
    /// `text`, `author`, `source`, `word`, `words_between`).
    pub fn lines(&self, label: &dyn Fn(&str) -> String) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(0, label, &mut out);
        out
    }

    fn walk(&self, depth: usize, label: &dyn Fn(&str) -> String, out: &mut Vec<String>) {
        let mark = if self.value { "✓" } else { "✗" };
        let mut line = format!("{}{mark} {}", "  ".repeat(depth), self.part);
        let places: Vec<String> = self
            .found
            .iter()
            .map(|f| {
                let field = match f.field {
                    Field::Title => label("title"),
                    Field::Text => label("text"),
                    Field::Author => label("author"),
                    Field::Source => label("source"),
                };
                let mut p = format!("{field} {} {}", label("word"), f.word);
                if let Some(b) = f.words_between {
                    p.push_str(&format!(" ({} {b})", label("words_between")));
                }
                p
            })
            .collect();
        if !places.is_empty() {
            line.push_str(&format!(" — {}", places.join(", ")));
        }
        out.push(line);
        for p in &self.parts {
            p.walk(depth + 1, label, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn topics(qs: &[(&str, &str)]) -> Matcher {
        let topics: Vec<Topic> = qs
            .iter()
            .map(|(name, q)| Topic {
                name: name.to_string(),
                query: parse(q).unwrap_or_else(|e| panic!("{q}: {e}")),
            })
            .collect();
        Matcher::new(&topics).expect("compiles")
    }

    fn text(t: &str) -> Document<'_> {
        Document {
            text: t,
            ..Document::default()
        }
    }

    /// (query, text, expected) — each query alone against each text.
    #[test]
    fn semantics_table() {
        let cases: &[(&str, &str, bool)] = &[
            // Words: case and accents ignored, whole words only.
            ("élection", "Les ELECTIONS et l'Élection.", true),
            ("election", "l'élection", true),
            ("élection", "elections", false),
            ("grève", "La GREVE continue", true),
            ("cœur", "coeur", true),
            ("coeur", "CŒUR", true),
            ("sncf", "#SNCF", true),
            ("sncf", "sncfr", false),
            // Exact.
            ("=Orange", "Orange annonce", true),
            ("=Orange", "une orange pressée", false),
            ("=Élection", "élection", false),
            ("=Élection", "Élection", true),
            ("=\"La Poste\"", "la poste", false),
            ("=\"La Poste\"", "chez La Poste, hier", true),
            // Phrases: consecutive words, punctuation between allowed.
            ("\"grève générale\"", "une grève, générale", true),
            ("\"grève générale\"", "une grève très générale", false),
            ("\"grève générale\"", "générale grève", false),
            // Prefix.
            ("elect*", "électricité", true),
            ("elect*", "sélection", false),
            ("\"prix du\" AND carbur*", "le prix du carburant", true),
            // Boolean.
            ("a AND b", "b a", true),
            ("a AND b", "a", false),
            ("a OR b", "b", true),
            ("a AND NOT b", "a", true),
            ("a AND NOT b", "a b", false),
            ("a OR NOT b", "c", true),
            ("a OR NOT b", "b", false),
            ("(a OR b) AND NOT (c OR d)", "b d", false),
            ("(a OR b) AND NOT (c OR d)", "b e", true),
            // NEAR: at most n words between, either order.
            ("grève NEAR/2 sncf", "grève à la sncf", true),
            ("grève NEAR/1 sncf", "grève à la sncf", false),
            ("grève NEAR/2 sncf", "sncf en grève", true),
            ("grève NEAR/0 sncf", "grève sncf", true),
            ("grève NEAR/0f sncf", "sncf grève", false),
            ("grève NEAR/2f sncf", "sncf en grève", false),
            ("grève NEAR/2f sncf", "grève de la sncf", true),
            (
                "\"prix du\" NEAR/1 carburant",
                "prix du gros carburant",
                true,
            ),
            (
                "\"prix du\" NEAR/0 carburant",
                "prix du gros carburant",
                false,
            ),
            (
                "(grève OR manif*) NEAR/3 sncf",
                "manifestation contre la sncf",
                true,
            ),
            ("a NEAR/5 a", "a", false),
            ("a NEAR/5 a", "a x a", true),
        ];
        for (q, t, want) in cases {
            let m = topics(&[("t", q)]);
            let got = !m.matching_names(&text(t)).is_empty();
            assert_eq!(got, *want, "{q}  on  {t:?}");
        }
    }

    /// Candidates come from each topic's trigger patterns: a topic left out
    /// must be false. Every query against every text, all topics in one
    /// matcher, compared with evaluating every topic.
    #[test]
    fn triggers_never_leave_out_a_matching_topic() {
        let queries = [
            "élection",
            "=Orange",
            "\"grève générale\"",
            "elect*",
            "a AND b",
            "a OR b",
            "a AND NOT b",
            "a OR NOT b",
            "(a OR b) AND NOT (c OR d)",
            "grève NEAR/2 sncf",
            "grève NEAR/0f sncf",
            "(grève OR manif*) NEAR/3 sncf",
            "\"prix du\" AND carbur*",
            "a AND (b OR c) AND NOT d",
            "lang:fr AND NOT sncf",
            "author:dupont OR grève",
            "site:lemonde.fr grève",
            "title:grève OR c",
            "NOT NOT a",
            "(a OR b) (c OR grève)",
        ];
        let texts = [
            "a",
            "b",
            "c d",
            "a b c",
            "b e",
            "Grève à la SNCF",
            "sncf en grève",
            "l'Élection",
            "Orange",
            "une orange",
            "manifestation contre la sncf",
            "le prix du carburant",
            "grève générale",
            "",
            "a c grève",
        ];
        let all: Vec<(String, String)> = queries
            .iter()
            .enumerate()
            .map(|(i, q)| (format!("t{i}"), q.to_string()))
            .collect();
        let pairs: Vec<(&str, &str)> = all.iter().map(|(n, q)| (n.as_str(), q.as_str())).collect();
        let m = topics(&pairs);
        let mut every = m.clone();
        every.always = (0..every.roots.len() as u32).collect();
        every.pattern_topics.iter_mut().for_each(Vec::clear);
        assert!(
            m.always.len() < queries.len() / 2,
            "most topics have triggers"
        );
        for t in texts {
            for (lang, author, site) in [("fr", "Jean Dupont", "lemonde.fr"), ("en", "", "")] {
                let doc = Document {
                    text: t,
                    title: t,
                    lang,
                    author,
                    site,
                    ..Document::default()
                };
                assert_eq!(m.matching_names(&doc), every.matching_names(&doc), "{t:?}");
            }
        }
    }

    #[test]
    fn fields_filter_where_words_are_found() {
        let m = topics(&[
            ("title", "title:grève"),
            ("title_group", "title:(grève OR \"mouvement social\")"),
            ("author", "author:\"jean dupont\""),
            ("site", "site:lemonde.fr AND grève"),
            ("lang", "lang:fr AND grève"),
            ("source", "source:afp"),
            ("near_title", "title:grève NEAR/2 title:sncf"),
        ]);
        let doc = Document {
            title: "Mouvement social à la SNCF",
            text: "La grève continue",
            author: "Jean Dupont",
            site: "www.lemonde.fr",
            lang: "fr",
            source: "Dépêches AFP",
        };
        assert_eq!(
            m.matching_names(&doc),
            vec!["title_group", "author", "site", "lang", "source"]
        );
        let doc = Document {
            title: "Grève à la SNCF",
            text: "",
            site: "blog.lemonde.fr",
            lang: "en",
            ..Document::default()
        };
        assert_eq!(
            m.matching_names(&doc),
            vec!["title", "title_group", "site", "near_title"]
        );
        let doc = Document {
            text: "grève",
            site: "notlemonde.fr",
            ..Document::default()
        };
        assert!(m.matching_names(&doc).is_empty(), "not a subdomain");
    }

    #[test]
    fn phrases_and_near_do_not_cross_from_title_to_text() {
        let m = topics(&[
            ("phrase", "\"grève générale\""),
            ("near", "grève NEAR/0 générale"),
        ]);
        let doc = Document {
            title: "Appel à la grève",
            text: "Générale, la mobilisation",
            ..Document::default()
        };
        assert!(m.matching_names(&doc).is_empty());
    }

    #[test]
    fn every_topic_is_answered_in_one_pass() {
        let m = topics(&[
            ("a", "grève"),
            ("b", "\"grève générale\""),
            ("c", "grève AND NOT sncf"),
            ("d", "NOT sncf AND lang:fr"),
            ("e", "sncf"),
        ]);
        assert_eq!(
            m.pattern_count(),
            3,
            "grève is one pattern for three topics"
        );
        let doc = Document {
            text: "Grève générale demain",
            lang: "fr",
            ..Document::default()
        };
        let mut s = Scratch::new();
        let mut out = Vec::new();
        m.matches(&doc, &mut s, &mut out);
        assert_eq!(out, vec![0, 1, 2, 3]);
        // The scratch is reused: the next document starts clean.
        m.matches(&text("la SNCF"), &mut s, &mut out);
        assert_eq!(out, vec![4]);
        m.matches(&text(""), &mut s, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn a_reused_scratch_survives_its_stamp_wrapping() {
        let m = topics(&[("a", "grève")]);
        let mut s = Scratch::new();
        let mut out = Vec::new();
        s.stamp = u32::MAX - 1;
        for i in 0..4 {
            let t = if i % 2 == 0 { "grève" } else { "rien" };
            m.matches(&text(t), &mut s, &mut out);
            assert_eq!(out.len(), usize::from(i % 2 == 0), "document {i}");
        }
    }

    #[test]
    fn the_explanation_says_which_terms_matched_and_why() {
        let m = topics(&[(
            "t",
            "(grève OR manif*) AND NOT \"grève de la faim\" AND grève NEAR/2 sncf",
        )]);
        let doc = Document {
            title: "Grève",
            text: "Une grève à la SNCF",
            ..Document::default()
        };
        let e = m.explain(0, &doc).expect("topic 0");
        assert!(e.value);
        let lines = e.lines(&|k| k.to_string());
        assert_eq!(
            lines,
            vec![
                "✓ AND",
                "  ✓ OR",
                "    ✓ greve — title word 1, text word 2",
                "    ✗ manif*",
                "  ✓ NOT",
                "    ✗ \"greve de la faim\"",
                "  ✓ greve NEAR/2 sncf — text word 2 (words_between 2), text word 5",
            ]
        );
    }
}
