//! Every topic's query compiled into one matcher.
//!
//! Each word, prefix and phrase of every topic that is searched in the title
//! or the text is one *pattern*. All the patterns of all the topics are found
//! in a single pass over the document by one multi-pattern automaton that
//! works on words rather than bytes:
//!
//! 1. The document's title, then its text, is folded into a reused buffer
//!    and cut into words there ([`crate::text::for_each_word`]), sixteen
//!    bytes at a time: each word comes with its first sixteen bytes, from
//!    which it is hashed and compared without a branch on its length. Words
//!    are numbered across both fields, title first.
//! 2. Each folded word is looked up, once, in a hash table of every word the
//!    topics use (behind a bit filter of their hashes). A one-word pattern
//!    (`grève`) is hit by that lookup. The entry also gives the word's
//!    *symbol* when it belongs to a phrase.
//! 3. Prefix patterns (`elect*`). Those of four bytes or more (nearly all)
//!    are kept by their first four bytes in a small open-addressing table:
//!    the word's first four bytes find the prefixes starting with them
//!    (most words: none), each compared with the word (its first eight
//!    bytes, masked, then any further bytes). For the few of one to three
//!    bytes, exact bit sets (one and two bytes) and a bit set by the hash of
//!    the first three bytes give the lengths to look up in the table of the
//!    prefixes. Every prefix of every topic is so tested in the same pass.
//! 4. Phrases (`"grève générale"`) are an Aho–Corasick automaton over the
//!    symbols: its alphabet is the topics' phrase words, a word outside it
//!    sends the automaton back to its start, and so does the start of the
//!    text field (no phrase runs from the title into the text). Its outputs
//!    are the phrases ending at a word. A phrase that ends with a prefix
//!    (`l'élect*`) is its words before the prefix in the automaton, then a
//!    check that the next word has that prefix.
//!
//! Together these are one multi-pattern automaton over the alphabet of
//! folded words, which prefilters every literal of every topic: each hit is
//! recorded (with the word where it starts, when an evaluation may need it:
//! NEAR operands, `title:` and exact literals). The hits name the topics that
//! may match, the candidates: each topic has a few *necessary clauses*, sets
//! of patterns one of which must be hit for it to be true (from its AND
//! structure: `a AND (b OR c) AND NOT d` needs `{a}` and `{b, c}`, see
//! `Matcher::clauses`), and it becomes a candidate when the last of them is
//! satisfied. Only candidates are evaluated, from the hits, without reading
//! the text again. A topic that can be true
//! with none of its words present (`a OR NOT b`, or only
//! `lang:`/`site:`/`author:` filters) is evaluated for every document. The
//! cost per document is one hash lookup per word, plus one per prefix length
//! in use, plus the candidates' evaluation; it hardly grows with the number
//! of topics as long as the tables stay in the processor's caches.
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
use crate::text;
use hashbrown::hash_table::{Entry, HashTable};
use serde::Serialize;
use std::collections::HashMap;

/// No id: a word in no phrase, a prefix that ends no phrase, no pattern, the
/// end of a list.
const NONE: u32 = u32::MAX;

/// The most patterns, words or automaton states a matcher holds (ids are
/// `u32`, [`NONE`] excluded).
const MAX_IDS: usize = NONE as usize - 1;

/// The most clauses a topic is made a candidate by (see
/// [`Matcher::clauses`]): the most selective ones are kept. Each clause
/// kept costs work at every first hit of its patterns, and each one left
/// out lets through candidates the evaluation then rejects: on the
/// benchmark's 10,000 topics, two did as well as eight and one worse (100,
/// 99 and 96 MB/s).
const MAX_CLAUSES: usize = 2;

/// The multiplier of the word hash: the 64-bit fraction of the golden
/// ratio, odd and with well-spread bits.
const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// The word hash before any byte.
const SEED: u64 = 0x2545_F491_4F6C_DD1D;

/// The first `min(8, len)` bytes of `w`, little-endian, zero-padded: for
/// `k` ≤ 8, `chunk(&w[..k])` is `chunk(w)` masked to its first `k` bytes,
/// which lets the prefixes of a word be hashed from one load. Overlapping
/// loads, no copy: `w` is read within its bounds.
#[inline]
fn chunk(w: &[u8]) -> u64 {
    let n = w.len();
    if n >= 8 {
        w.first_chunk::<8>().map_or(0, |c| u64::from_le_bytes(*c))
    } else if n >= 4 {
        let lo = w.first_chunk::<4>().map_or(0, |c| u32::from_le_bytes(*c));
        let hi = w.last_chunk::<4>().map_or(0, |c| u32::from_le_bytes(*c));
        u64::from(lo) | (u64::from(hi) << ((n - 4) * 8))
    } else if n > 0 {
        u64::from(w[0])
            | (u64::from(w[n / 2]) << (n / 2 * 8))
            | (u64::from(w[n - 1]) << ((n - 1) * 8))
    } else {
        0
    }
}

/// `chunk(w)` kept to its first `k` bytes (`k` ≤ 8).
#[inline]
fn masked(c: u64, k: usize) -> u64 {
    if k >= 8 {
        c
    } else {
        c & ((1u64 << (k * 8)) - 1)
    }
}

/// Multiplies and folds the 128-bit product: every bit of `a` reaches every
/// bit of the result.
#[inline]
fn mix(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// The hash of a word's first 8 bytes (of a word of `len` ≤ 8 bytes, its
/// hash), from its [`chunk`].
#[inline]
fn head_hash(c: u64, len: usize) -> u64 {
    mix(c ^ SEED, K ^ len as u64)
}

/// The hash of a folded word or prefix, eight bytes at a time.
#[inline]
fn word_hash(w: &[u8]) -> u64 {
    mix_from(head_hash(chunk(w), w.len()), w, 8)
}

/// `h` with the bytes of `w` from `from` on mixed in, eight at a time.
#[inline]
fn mix_from(mut h: u64, w: &[u8], from: usize) -> u64 {
    let mut rest = w.get(from..).unwrap_or_default();
    while !rest.is_empty() {
        h = mix(h ^ chunk(rest), K);
        rest = rest.get(8..).unwrap_or_default();
    }
    h
}

/// [`word_hash`] of `w`, given its first sixteen bytes (zero past its end)
/// as `head`: those are not read again, and a word of up to sixteen bytes
/// (nearly all) is hashed without a branch on its length.
#[inline]
fn word_hash_head(w: &[u8], head: u128) -> u64 {
    let h = head_hash(head as u64, w.len());
    let h2 = mix(h ^ (head >> 64) as u64, K);
    mix_from(if w.len() > 8 { h2 } else { h }, w, 16)
}

/// The longest key kept whole inside its table entry; a longer key keeps
/// its first [`INLINE`] bytes there and the rest in the table's side list.
const INLINE: usize = 16;

/// A folded word or prefix as a table key, 24 bytes: its first
/// [`INLINE`] bytes (zero past its end) and its length, so that checking a
/// hit of a short key (nearly all) is two comparisons and reads no other
/// memory; a longer key's other bytes are in its table's side list.
#[derive(Debug, Clone, Copy)]
struct Key {
    head: [u8; INLINE],
    len: u32,
    /// Where the key's whole bytes are in the side list ([`NONE`] for a
    /// short key).
    long: u32,
}

impl Key {
    /// Whether the key is `w`, whose first bytes are `head` ([`text::load16`] from 0).
    #[inline]
    fn is(&self, w: &[u8], head: u128, longs: &[Box<[u8]>]) -> bool {
        self.len as usize == w.len()
            && u128::from_le_bytes(self.head) == head
            && (self.long == NONE || longs.get(self.long as usize).is_some_and(|b| **b == *w))
    }

    fn bytes<'a>(&'a self, longs: &'a [Box<[u8]>]) -> &'a [u8] {
        if self.long == NONE {
            &self.head[..(self.len as usize).min(INLINE)]
        } else {
            longs.get(self.long as usize).map_or(&[], |b| b)
        }
    }
}

/// Folded words (or prefixes) and what they are, by [`word_hash`]. Fixed
/// hash, no random seed: the table is built from the topics (the users'
/// own), and a text's words only look entries up, so a hostile text cannot
/// lengthen the probes; a colliding word costs one comparison. An entry is
/// 32 bytes (the hash is not kept: it is computed again from the key when
/// the table grows, which only building does), so that more of a large
/// table stays in the caches.
#[derive(Debug, Clone)]
struct Table<V> {
    entries: HashTable<(Key, V)>,
    /// The whole bytes of the keys longer than [`INLINE`].
    longs: Vec<Box<[u8]>>,
}

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table {
            entries: HashTable::new(),
            longs: Vec::new(),
        }
    }
}

impl<V: Copy> Table<V> {
    /// The entry of `w`, hashed `h` ([`word_hash`]), whose first bytes are
    /// `head` ([`text::load16`] from 0).
    #[inline]
    fn get(&self, h: u64, w: &[u8], head: u128) -> Option<&V> {
        self.entries
            .find(h, |(k, _)| k.is(w, head, &self.longs))
            .map(|(_, v)| v)
    }

    fn get_or_insert(&mut self, w: &[u8], default: V) -> &mut V {
        let hash = word_hash(w);
        let head = text::load16(w, 0);
        let Table { entries, longs } = self;
        let entry = match entries.entry(
            hash,
            |(k, _)| k.is(w, head, longs),
            |(k, _)| word_hash(k.bytes(longs)),
        ) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let long = if w.len() > INLINE {
                    longs.push(w.into());
                    longs.len() as u32 - 1
                } else {
                    NONE
                };
                let key = Key {
                    head: head.to_le_bytes(),
                    len: w.len() as u32,
                    long,
                };
                e.insert((key, default)).into_mut()
            }
        };
        &mut entry.1
    }

    fn keys(&self) -> impl Iterator<Item = &[u8]> {
        self.entries.iter().map(|(k, _)| k.bytes(&self.longs))
    }

    fn iter(&self) -> impl Iterator<Item = (&[u8], V)> {
        self.entries.iter().map(|(k, v)| (k.bytes(&self.longs), *v))
    }

    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// A set of hashes, for a quick "surely not" before a table lookup: one bit
/// per hash, chosen by its high bits.
#[derive(Debug, Clone, Default)]
struct Filter {
    bits: Vec<u64>,
    shift: u32,
}

impl Filter {
    /// A filter for about `n` hashes, about one in 16 of its bits set.
    fn new(n: usize) -> Filter {
        let bits = (n.max(1) * 16).next_power_of_two().max(1 << 12);
        Filter {
            bits: vec![0; bits / 64],
            shift: 64 - bits.trailing_zeros(),
        }
    }

    fn insert(&mut self, h: u64) {
        let i = (h >> self.shift) as usize;
        if let Some(word) = self.bits.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    #[inline]
    fn may_hold(&self, h: u64) -> bool {
        let i = (h >> self.shift) as usize;
        self.bits
            .get(i / 64)
            .is_some_and(|w| w >> (i % 64) & 1 == 1)
    }
}

/// Which lengths of one to three bytes a word may have a prefix pattern
/// of (longer prefixes are [`HeadPrefixes`]): the prefixes of one and two
/// bytes are kept exactly, as a bit per byte value and per pair of bytes,
/// and for those of three bytes, a bit at the hash of their bytes. Each of
/// these sets is empty while no prefix has its length, and then costs a
/// word no memory read; a two-byte prefix such as `as` costs a test only to
/// the words that start with it.
#[derive(Debug, Clone)]
struct Heads {
    /// Bit `b` (of the 256): some prefix is the one byte `b`.
    one: Vec<u64>,
    /// Bit `b0 | b1 << 8` (of the 65,536): some prefix is `b0 b1`.
    two: Vec<u64>,
    /// The bit at the hash of its three bytes: some prefix may be them.
    three: Vec<u64>,
    /// How many bits `three` has once used, as the shift of its hash.
    shift: u32,
}

impl Heads {
    /// For about `n` prefixes.
    fn new(n: usize) -> Heads {
        let bits = (n.max(1) * 16).next_power_of_two().max(1 << 12);
        Heads {
            one: Vec::new(),
            two: Vec::new(),
            three: Vec::new(),
            shift: 64 - bits.trailing_zeros(),
        }
    }

    #[inline]
    fn three_bit(&self, c: u64) -> u64 {
        masked(c, 3).wrapping_mul(K) >> self.shift
    }

    /// Records a folded prefix of 1 to 3 bytes (longer ones are ignored).
    fn insert(&mut self, prefix: &[u8]) {
        let c = chunk(prefix);
        let three = self.three_bit(c);
        let (bits, size, i) = match prefix.len() {
            1 => (&mut self.one, 256, c & 0xFF),
            2 => (&mut self.two, 1 << 16, c & 0xFFFF),
            3 => (&mut self.three, 1 << (64 - self.shift), three),
            _ => return,
        };
        if bits.is_empty() {
            *bits = vec![0; size / 64];
        }
        set_bit(bits, i);
    }

    /// The lengths (bit `k - 1` for `k` bytes) of the prefixes of one to
    /// three bytes a word of `len` bytes whose [`chunk`] is `c` may start
    /// with.
    #[inline]
    fn lens(&self, c: u64, len: usize) -> u64 {
        let lens = bit(&self.one, c & 0xFF)
            | bit(&self.two, c & 0xFFFF) << 1
            | bit(&self.three, self.three_bit(c)) << 2;
        lens & ((1u64 << len.min(3)) - 1)
    }
}

/// The prefixes of four bytes or more (most prefixes: `elect*`, `manif*`),
/// by their first four bytes, found without hashing the word: the slot of
/// a word's first four bytes either holds those four bytes, and then the
/// prefixes starting with them (usually one) are compared with the word
/// (their first eight bytes with its first eight, masked; the rest, rarely
/// any, byte for byte); or it is empty (most words), after a probe or two.
/// Open addressing, at most a quarter full.
#[derive(Debug, Clone)]
struct HeadPrefixes {
    /// (first four bytes, 0 for an empty slot: no folded prefix starts
    /// with a zero byte; the range of their prefixes in `items`).
    slots: Vec<(u32, u32, u32)>,
    shift: u32,
    /// The prefixes, grouped by first four bytes.
    items: Vec<HeadPrefix>,
    /// The bytes after the eighth of the prefixes longer than 8 bytes.
    tails: Vec<u8>,
}

/// A prefix of [`HeadPrefixes`].
#[derive(Debug, Clone, Copy)]
struct HeadPrefix {
    /// Its first eight bytes, as a [`chunk`].
    first: u64,
    len: u32,
    /// Where its bytes after the eighth start in `tails` (`len - 8` of
    /// them).
    tail: u32,
    entry: PrefixEntry,
}

impl HeadPrefix {
    /// Whether the word `w`, whose [`chunk`] is `c`, starts with it.
    #[inline]
    fn starts(&self, w: &[u8], c: u64, tails: &[u8]) -> bool {
        let n = self.len as usize;
        n <= w.len()
            && masked(c, n) == self.first
            && (n <= 8 || {
                let from = self.tail as usize;
                w.get(8..n) == tails.get(from..from + n - 8)
            })
    }
}

impl HeadPrefixes {
    /// From the prefixes of four bytes or more (shorter ones are left out).
    fn new<'a>(prefixes: impl Iterator<Item = (&'a [u8], PrefixEntry)>) -> HeadPrefixes {
        let mut tails = Vec::new();
        let mut items: Vec<HeadPrefix> = prefixes
            .filter(|(p, _)| p.len() >= 4)
            .map(|(p, entry)| {
                let tail = tails.len() as u32;
                tails.extend_from_slice(p.get(8..).unwrap_or_default());
                HeadPrefix {
                    first: chunk(p),
                    len: p.len() as u32,
                    tail,
                    entry,
                }
            })
            .collect();
        let head = |p: &HeadPrefix| p.first as u32;
        items.sort_by_key(|p| (head(p), p.len));
        let groups = items.chunk_by(|a, b| head(a) == head(b)).count();
        let size = (groups * 4).next_power_of_two().max(16);
        let mut m = HeadPrefixes {
            slots: vec![(0, 0, 0); size],
            shift: 64 - size.trailing_zeros(),
            items: Vec::new(),
            tails,
        };
        let mut from = 0;
        for group in items.chunk_by(|a, b| head(a) == head(b)) {
            let h = head(&group[0]);
            let to = from + group.len();
            let mask = m.slots.len() - 1;
            let mut i = m.slot(h);
            while m.slots[i].0 != 0 {
                i = (i + 1) & mask;
            }
            m.slots[i] = (h, from as u32, to as u32);
            from = to;
        }
        m.items = items;
        m
    }

    #[inline]
    fn slot(&self, head: u32) -> usize {
        (u64::from(head).wrapping_mul(K) >> self.shift) as usize
    }

    /// The prefixes whose first four bytes are those of the word whose
    /// [`chunk`] is `c` (it may be shorter than some of them).
    #[inline]
    fn starting(&self, c: u64) -> &[HeadPrefix] {
        let head = c as u32;
        let mask = self.slots.len() - 1;
        let mut i = self.slot(head);
        loop {
            let Some(&(h, from, to)) = self.slots.get(i) else {
                return &[];
            };
            if h == head {
                return self
                    .items
                    .get(from as usize..to as usize)
                    .unwrap_or_default();
            }
            if h == 0 {
                return &[];
            }
            i = (i + 1) & mask;
        }
    }

    /// The entries of the prefixes the word `w`, whose [`chunk`] is `c`,
    /// starts with.
    #[inline]
    fn matching<'a>(&'a self, w: &'a [u8], c: u64) -> impl Iterator<Item = PrefixEntry> + 'a {
        let candidates = if w.len() < 4 || self.items.is_empty() {
            &[]
        } else {
            self.starting(c)
        };
        candidates
            .iter()
            .filter(move |p| p.starts(w, c, &self.tails))
            .map(|p| p.entry)
    }
}

/// Sets bit `i` of `bits` (nothing if out of range).
fn set_bit(bits: &mut [u64], i: u64) {
    if let Some(w) = bits.get_mut((i / 64) as usize) {
        *w |= 1 << (i % 64);
    }
}

/// Bit `i` of `bits`, as 0 or 1 (0 if out of range).
#[inline]
fn bit(bits: &[u64], i: u64) -> u64 {
    bits.get((i / 64) as usize).map_or(0, |w| w >> (i % 64) & 1)
}

/// Why topics could not be compiled into one matcher.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("the topics hold {count} distinct {what}, over the limit of {limit} for one matcher: split the topics into several matchers")]
    TooLarge {
        what: &'static str,
        count: usize,
        limit: usize,
    },
}

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
    /// Its pattern, for literals of the title or the text.
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

/// What a hit of a pattern does.
#[derive(Debug, Clone, Copy)]
struct PatternInfo {
    /// Its clauses: `pattern_clauses[from..to]`.
    from: u32,
    to: u32,
    /// Whether its hits' positions are kept (an evaluation reads them).
    positions: bool,
}

/// A clause (see [`Matcher::clauses`]) a pattern satisfies.
#[derive(Debug, Clone, Copy)]
struct ClauseRef {
    /// Its id, for its stamp in [`Scratch::clause_seen`]; [`NONE`] for a
    /// clause of this one pattern.
    clause: u32,
    /// Its topic.
    topic: u32,
    /// How many clauses that topic has.
    needed: u32,
}

/// A folded word the topics use.
#[derive(Debug, Clone, Copy)]
struct WordEntry {
    /// Its symbol in the phrase automaton, or [`NONE`].
    symbol: u32,
    /// The one-word pattern it is, or [`NONE`].
    pattern: u32,
}

/// A prefix (`elect` of `elect*`) the topics use.
#[derive(Debug, Clone, Copy)]
struct PrefixEntry {
    /// Its id for phrases that end with it (`l'élect*`), or [`NONE`].
    id: u32,
    /// The one-word prefix pattern it is, or [`NONE`].
    pattern: u32,
}

/// What a state of the phrase automaton reports when it is reached.
#[derive(Debug, Clone, Copy)]
enum Output {
    /// `pattern`, `words` words long, ends at the current word.
    Phrase { pattern: u32, words: u32 },
    /// `pattern` (`words` words then a prefix) holds if the next word starts
    /// with prefix `prefix`.
    Stem {
        prefix: u32,
        pattern: u32,
        words: u32,
    },
}

/// The Aho–Corasick automaton of the phrases, over word symbols. State 0 is
/// the start.
#[derive(Debug, Clone, Default)]
struct Phrases {
    /// The transitions from the start, by symbol (0: none).
    root: Vec<u32>,
    /// The other transitions: (`(state << 32) | symbol`, state).
    next: HashTable<(u64, u32)>,
    /// The longest proper suffix of each state's words that is a state.
    fail: Vec<u32>,
    /// The nearest state along the failure links that has outputs, or
    /// [`NONE`].
    dict: Vec<u32>,
    /// Each state's own outputs: a range of `outputs`.
    own: Vec<(u32, u32)>,
    outputs: Vec<Output>,
}

impl Phrases {
    fn goto(&self, state: u32, symbol: u32) -> Option<u32> {
        if state == 0 {
            self.root.get(symbol as usize).copied().filter(|&t| t != 0)
        } else {
            let key = (u64::from(state) << 32) | u64::from(symbol);
            self.next
                .find(key.wrapping_mul(K), |&(k, _)| k == key)
                .map(|&(_, t)| t)
        }
    }

    /// The state after reading `symbol` in `state`.
    #[inline]
    fn step(&self, mut state: u32, symbol: u32) -> u32 {
        loop {
            if let Some(t) = self.goto(state, symbol) {
                return t;
            }
            if state == 0 {
                return 0;
            }
            state = self.fail[state as usize];
        }
    }

    /// Builds the automaton of `phrases` (symbol sequences with their output).
    fn build(symbols: usize, phrases: &[(Vec<u32>, Output)]) -> Result<Phrases, BuildError> {
        let mut a = Phrases {
            root: vec![0; symbols],
            ..Phrases::default()
        };
        let mut own: Vec<Vec<Output>> = vec![Vec::new()];
        let mut children: Vec<Vec<(u32, u32)>> = vec![Vec::new()];
        for (seq, out) in phrases {
            let mut state = 0u32;
            for &sym in seq {
                state = match a.goto(state, sym) {
                    Some(t) => t,
                    None => {
                        if own.len() >= MAX_IDS {
                            return Err(BuildError::TooLarge {
                                what: "phrase automaton states",
                                count: own.len() + 1,
                                limit: MAX_IDS,
                            });
                        }
                        let t = own.len() as u32;
                        own.push(Vec::new());
                        children.push(Vec::new());
                        if state == 0 {
                            a.root[sym as usize] = t;
                        } else {
                            let key = (u64::from(state) << 32) | u64::from(sym);
                            a.next
                                .insert_unique(key.wrapping_mul(K), (key, t), |&(k, _)| {
                                    k.wrapping_mul(K)
                                });
                        }
                        children[state as usize].push((sym, t));
                        t
                    }
                };
            }
            own[state as usize].push(*out);
        }
        // Failure links, breadth first: a state's link is found from its
        // parent's, which is nearer the start.
        let states = own.len();
        a.fail = vec![0; states];
        a.dict = vec![NONE; states];
        let mut queue = std::collections::VecDeque::new();
        queue.extend(children[0].iter().map(|&(_, t)| t));
        while let Some(u) = queue.pop_front() {
            for &(sym, v) in &children[u as usize] {
                let mut f = a.fail[u as usize];
                let link = loop {
                    if let Some(t) = a.goto(f, sym) {
                        break t;
                    }
                    if f == 0 {
                        break 0;
                    }
                    f = a.fail[f as usize];
                };
                a.fail[v as usize] = link;
                a.dict[v as usize] = if own[link as usize].is_empty() {
                    a.dict[link as usize]
                } else {
                    link
                };
                queue.push_back(v);
            }
        }
        for outs in own {
            let start = a.outputs.len() as u32;
            a.outputs.extend(outs);
            a.own.push((start, a.outputs.len() as u32));
        }
        Ok(a)
    }
}

/// The topics, compiled.
#[derive(Debug, Clone)]
pub struct Matcher {
    names: Vec<String>,
    roots: Vec<Node>,
    lits: Vec<Lit>,
    /// Every folded word the topics' patterns use.
    words: Table<WordEntry>,
    /// The hashes of those words: most words of a text are in no topic,
    /// and this small bit set (in the first-level cache for a thousand
    /// topics) says so before the table, which is larger, is probed.
    word_filter: Filter,
    /// Every prefix of a prefix pattern, folded; looked up for the
    /// prefixes of one to three bytes.
    prefixes: Table<PrefixEntry>,
    /// Which prefix lengths of one to three bytes a word may have.
    heads: Heads,
    /// The prefixes of four bytes or more, found by their first four.
    head_prefixes: HeadPrefixes,
    /// Whether the topics have any prefix.
    any_prefix: bool,
    /// The phrases, when there are any.
    phrases: Option<Phrases>,
    /// How many patterns.
    pattern_total: usize,
    /// For each pattern, the clauses it satisfies (a range of
    /// `pattern_clauses`, see [`Matcher::clauses`]) and whether its hits'
    /// positions are kept.
    pattern_info: Vec<PatternInfo>,
    pattern_clauses: Vec<ClauseRef>,
    /// How many clauses there are.
    clause_total: usize,
    /// How many clauses each topic has (0 for the topics in `always`).
    topic_clauses: Vec<u32>,
    /// For each literal, its pattern when finding it is all it takes (a
    /// word, prefix or phrase of the title or the text, not exact), else
    /// [`NONE`]: what most evaluations read, packed.
    lit_pattern: Vec<u32>,
    /// For each pattern, its length in bytes, as ` its words ` (a prefix
    /// without the last space).
    pattern_len: Vec<usize>,
    /// For each pattern, how many topics use it: what a hit of it costs
    /// when the topics are made candidates by it (see
    /// [`Matcher::trigger_cost`]).
    pattern_uses: Vec<u32>,
    /// Topics evaluated for every document.
    always: Vec<u32>,
}

/// What one document needs while it is matched; reused from one document to
/// the next (one per thread).
#[derive(Debug, Default)]
pub struct Scratch {
    /// A word being folded.
    word: Vec<u8>,
    /// Every hit: (first word, the next hit of the same pattern or [`NONE`]).
    hits: Vec<(u32, u32)>,
    /// For each pattern: the `stamp` of the last document it was hit in, and
    /// then its first and last hits there (indexes into `hits`).
    pattern_seen: Vec<u32>,
    /// For each pattern hit in this document whose positions are kept, its
    /// first and last hits (indexes into `hits`).
    spans: Vec<(u32, u32)>,
    /// For each topic, the `stamp` of the last document where one of its
    /// clauses was satisfied, and how many of them were there.
    topic_seen: Vec<(u32, u32)>,
    /// For each clause, the `stamp` of the last document where it was
    /// satisfied.
    clause_seen: Vec<u32>,
    candidates: Vec<u32>,
    /// Record where every pattern is hit, not only those evaluations need
    /// (for explanations).
    all_positions: bool,
    stamp: u32,
    /// How many words the title has (the text's words come after).
    title_words: u32,
    /// The prefix ids the current word has.
    prefixes_here: Vec<u32>,
    /// Phrases that hold if the next word has a prefix: (prefix, pattern,
    /// words before it).
    pending: Vec<(u32, u32, u32)>,
    /// Occurrences of the two sides of a NEAR.
    near_left: Vec<(Field, usize, usize)>,
    near_right: Vec<(Field, usize, usize)>,
    raw: Option<Vec<String>>,
    author: Option<Vec<String>>,
    source: Option<Vec<String>>,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch::default()
    }

    /// Whether pattern `p` was hit in this document.
    fn seen(&self, p: usize) -> bool {
        self.pattern_seen.get(p) == Some(&self.stamp)
    }

    /// Where the hits of pattern `p` start (word indexes, ascending).
    fn starts(&self, p: usize) -> impl Iterator<Item = u32> + '_ {
        let mut at = if self.seen(p) {
            self.spans.get(p).map_or(NONE, |x| x.0)
        } else {
            NONE
        };
        std::iter::from_fn(move || {
            let &(start, next) = self.hits.get(at as usize)?;
            at = next;
            Some(start)
        })
    }
}

fn too_large(what: &'static str, count: usize) -> Result<(), BuildError> {
    if count > MAX_IDS {
        Err(BuildError::TooLarge {
            what,
            count,
            limit: MAX_IDS,
        })
    } else {
        Ok(())
    }
}

impl Matcher {
    /// Compiles the topics. Topics keep their order; [`Matcher::matches`]
    /// answers with their indexes.
    pub fn new(topics: &[Topic]) -> Result<Matcher, BuildError> {
        // Patterns: (folded words, the last is a prefix).
        let mut patterns: Vec<(Vec<String>, bool)> = Vec::new();
        let mut by_key: HashMap<(Vec<String>, bool), usize> = HashMap::new();
        let mut lits = Vec::new();
        let mut roots = Vec::new();
        let mut lit_ids: HashMap<Literal, usize> = HashMap::new();
        for topic in topics {
            let mut compile_lit = |l: &Literal| -> usize {
                if let Some(&id) = lit_ids.get(l) {
                    return id;
                }
                let pattern = matches!(l.scope, Scope::Any | Scope::Title).then(|| {
                    let key = (l.words.clone(), l.prefix);
                    *by_key.entry(key.clone()).or_insert_with(|| {
                        patterns.push(key);
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
        too_large("patterns", patterns.len())?;
        let mut words: Table<WordEntry> = Table::default();
        let mut prefixes: Table<PrefixEntry> = Table::default();
        let mut symbols = 0usize;
        let mut prefix_ids = 0usize;
        let mut phrases: Vec<(Vec<u32>, Output)> = Vec::new();
        for (p, (ws, prefix)) in patterns.iter().enumerate() {
            let p = p as u32;
            let Some((last, before)) = ws.split_last() else {
                continue;
            };
            if before.is_empty() {
                if *prefix {
                    prefixes
                        .get_or_insert(
                            last.as_bytes(),
                            PrefixEntry {
                                id: NONE,
                                pattern: NONE,
                            },
                        )
                        .pattern = p;
                } else {
                    words
                        .get_or_insert(
                            last.as_bytes(),
                            WordEntry {
                                symbol: NONE,
                                pattern: NONE,
                            },
                        )
                        .pattern = p;
                }
                continue;
            }
            let in_automaton = if *prefix { before } else { ws.as_slice() };
            let mut seq = Vec::with_capacity(in_automaton.len());
            for w in in_automaton {
                let e = words.get_or_insert(
                    w.as_bytes(),
                    WordEntry {
                        symbol: NONE,
                        pattern: NONE,
                    },
                );
                if e.symbol == NONE {
                    e.symbol = symbols as u32;
                    symbols += 1;
                    too_large("phrase words", symbols)?;
                }
                seq.push(e.symbol);
            }
            let out = if *prefix {
                let e = prefixes.get_or_insert(
                    last.as_bytes(),
                    PrefixEntry {
                        id: NONE,
                        pattern: NONE,
                    },
                );
                if e.id == NONE {
                    e.id = prefix_ids as u32;
                    prefix_ids += 1;
                    too_large("prefixes", prefix_ids)?;
                }
                Output::Stem {
                    prefix: e.id,
                    pattern: p,
                    words: before.len() as u32,
                }
            } else {
                Output::Phrase {
                    pattern: p,
                    words: ws.len() as u32,
                }
            };
            phrases.push((seq, out));
        }
        let mut heads = Heads::new(prefixes.len());
        for k in prefixes.keys() {
            heads.insert(k);
        }
        let head_prefixes = HeadPrefixes::new(prefixes.iter());
        let any_prefix = prefixes.len() > 0;
        let phrases = if phrases.is_empty() {
            None
        } else {
            Some(Phrases::build(symbols, &phrases)?)
        };
        let pattern_len = patterns
            .iter()
            .map(|(ws, prefix)| {
                1 + ws.iter().map(String::len).sum::<usize>()
                    + ws.len().saturating_sub(1)
                    + usize::from(!prefix)
            })
            .collect();
        let lit_pattern = lits
            .iter()
            .map(
                |l: &Lit| match (l.pattern, l.literal.scope, &l.literal.exact) {
                    (Some(p), Scope::Any, None) => p as u32,
                    _ => NONE,
                },
            )
            .collect();
        let mut word_filter = Filter::new(words.len());
        for k in words.keys() {
            word_filter.insert(word_hash(k));
        }
        let mut m = Matcher {
            names: topics.iter().map(|t| t.name.clone()).collect(),
            roots,
            lits,
            words,
            word_filter,
            prefixes,
            heads,
            head_prefixes,
            any_prefix,
            phrases,
            pattern_len,
            pattern_uses: Vec::new(),
            pattern_total: patterns.len(),
            pattern_info: Vec::new(),
            pattern_clauses: Vec::new(),
            clause_total: 0,
            topic_clauses: vec![0; topics.len()],
            lit_pattern,
            always: Vec::new(),
        };
        let mut uses = vec![0u32; patterns.len()];
        let mut used = Vec::new();
        for root in &m.roots {
            used.clear();
            used_patterns(root, &m.lits, &mut used);
            used.sort_unstable();
            used.dedup();
            for &p in &used {
                uses[p] = uses[p].saturating_add(1);
            }
        }
        m.pattern_uses = uses;
        // Each topic is a candidate when each of its clauses has a pattern
        // hit; a topic without clauses is evaluated for every document.
        let mut by_pattern: Vec<Vec<ClauseRef>> = vec![Vec::new(); patterns.len()];
        for t in 0..m.roots.len() {
            let mut clauses = m.clauses(&m.roots[t]);
            for c in &mut clauses {
                c.sort_unstable();
                c.dedup();
            }
            clauses.sort_unstable();
            clauses.dedup();
            // The most selective few are enough: any subset of the necessary
            // clauses is necessary.
            clauses.sort_by_key(|c| m.trigger_cost(c));
            clauses.truncate(MAX_CLAUSES);
            if clauses.is_empty() {
                m.always.push(t as u32);
                continue;
            }
            too_large("clauses", m.clause_total + clauses.len())?;
            let needed = clauses.len() as u32;
            m.topic_clauses[t] = needed;
            for c in clauses {
                // A pattern's first hit in a document comes once: a clause
                // of one pattern needs no stamp of its own.
                let clause = if c.len() == 1 {
                    NONE
                } else {
                    m.clause_total as u32
                };
                m.clause_total += 1;
                for p in c {
                    by_pattern[p].push(ClauseRef {
                        clause,
                        topic: t as u32,
                        needed,
                    });
                }
            }
        }
        // Where an evaluation reads a pattern's positions: NEAR operands,
        // `title:` and exact literals.
        let mut needs_positions = vec![false; patterns.len()];
        for l in &m.lits {
            if let Some(p) = l.pattern {
                if l.literal.scope != Scope::Any || l.literal.exact.is_some() {
                    needs_positions[p] = true;
                }
            }
        }
        for root in &m.roots {
            mark_near_positions(root, &m.lits, &mut needs_positions);
        }
        for (ids, positions) in by_pattern.into_iter().zip(needs_positions) {
            let from = m.pattern_clauses.len() as u32;
            m.pattern_clauses.extend(ids);
            too_large("clause entries", m.pattern_clauses.len())?;
            m.pattern_info.push(PatternInfo {
                from,
                to: m.pattern_clauses.len() as u32,
                positions,
            });
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

    /// How many patterns (distinct words, prefixes and phrases of the title
    /// or the text) the matcher looks for.
    pub fn pattern_count(&self) -> usize {
        self.pattern_total
    }

    /// Clauses that must all hold for `node` to be true: each clause is a
    /// set of patterns one of which must be hit. Empty when nothing is
    /// known to be needed (`NOT a`, `lang:fr`, `author:x`).
    fn clauses(&self, node: &Node) -> Vec<Vec<usize>> {
        match node {
            // All must hold: so must all their clauses.
            Node::And(of) => of.iter().flat_map(|n| self.clauses(n)).collect(),
            // One must hold: one clause of each, joined, is needed.
            Node::Or(of) => {
                let mut all = Vec::new();
                for n in of {
                    let Some(best) = self
                        .clauses(n)
                        .into_iter()
                        .min_by_key(|c| self.trigger_cost(c))
                    else {
                        return Vec::new();
                    };
                    all.extend(best);
                }
                vec![all]
            }
            Node::Not(_) | Node::Site(_) | Node::Lang(_) => Vec::new(),
            Node::Lit(l) => self.lits[*l].pattern.map(|p| vec![p]).into_iter().collect(),
            Node::Near { left, right, .. } => {
                let side = |ids: &[usize]| -> Option<Vec<usize>> {
                    ids.iter().map(|&l| self.lits[l].pattern).collect()
                };
                [side(left), side(right)].into_iter().flatten().collect()
            }
        }
    }

    /// How much a trigger set may cost, roughly: each first hit of its
    /// patterns in a document does work for every topic that uses the
    /// pattern, so patterns many topics share cost more (they are also
    /// likelier to be common words); then more patterns, and shorter ones
    /// (common words), fire more.
    fn trigger_cost(&self, set: &[usize]) -> (u64, usize, usize) {
        let shortest = set
            .iter()
            .map(|&p| self.pattern_len.get(p).copied().unwrap_or(0))
            .min()
            .unwrap_or(0);
        let uses = set
            .iter()
            .map(|&p| u64::from(self.pattern_uses.get(p).copied().unwrap_or(0)))
            .sum();
        (uses, set.len(), usize::MAX - shortest)
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

    /// Cuts the document into words, runs the automaton over them and lists
    /// the candidates.
    fn scan(&self, doc: &Document<'_>, s: &mut Scratch) {
        s.stamp = s.stamp.wrapping_add(1);
        if s.stamp == 0 {
            // Wrapped: forget every old stamp.
            s.pattern_seen.iter_mut().for_each(|x| *x = 0);
            s.topic_seen.iter_mut().for_each(|x| *x = (0, 0));
            s.clause_seen.iter_mut().for_each(|x| *x = 0);
            s.stamp = 1;
        }
        let stamp = s.stamp;
        s.pattern_seen.resize(self.pattern_total, 0);
        s.spans.resize(self.pattern_total, (NONE, NONE));
        s.topic_seen.resize(self.roots.len(), (0, 0));
        s.clause_seen.resize(self.clause_total, 0);
        s.hits.clear();
        s.candidates.clear();
        s.raw = None;
        s.author = None;
        s.source = None;
        for &t in &self.always {
            s.topic_seen[t as usize] = (stamp, 0);
            s.candidates.push(t);
        }
        let mut word = std::mem::take(&mut s.word);
        let mut at = 0u32;
        for (field, value) in [doc.title, doc.text].into_iter().enumerate() {
            if field == 1 {
                s.title_words = at;
            }
            // No phrase runs from one field into the next.
            let mut state = 0u32;
            s.pending.clear();
            text::for_each_word(value, &mut word, |w, head| {
                self.visit(w, head, at, &mut state, s);
                at = at.saturating_add(1);
            });
        }
        s.word = word;
    }

    /// Looks up word `at`, folded `w` (its first sixteen bytes, zero past
    /// its end, `head`), and records the patterns it ends.
    #[inline]
    fn visit(&self, w: &[u8], head: u128, at: u32, state: &mut u32, s: &mut Scratch) {
        let mut symbol = NONE;
        let c = head as u64;
        if self.any_prefix {
            s.prefixes_here.clear();
            for e in self.head_prefixes.matching(w, c) {
                self.prefix_found(s, e, at);
            }
            // The prefixes of one to three bytes: only the lengths that one
            // starting like this word has.
            let mut lens = self.heads.lens(c, w.len());
            while lens != 0 {
                let k = lens.trailing_zeros() as usize + 1;
                lens &= lens - 1;
                self.prefix_at(s, head_hash(masked(c, k), k), &w[..k], head, at);
            }
            if !s.pending.is_empty() {
                // Phrases whose last word is a prefix, started before.
                let pending = std::mem::take(&mut s.pending);
                for &(prefix, pattern, words) in &pending {
                    if s.prefixes_here.contains(&prefix) {
                        self.hit(s, pattern, at - words);
                    }
                }
                s.pending = pending;
                s.pending.clear();
            }
        }
        let h = word_hash_head(w, head);
        if let Some(e) = self
            .word_filter
            .may_hold(h)
            .then(|| self.words.get(h, w, head))
            .flatten()
        {
            symbol = e.symbol;
            if e.pattern != NONE {
                self.hit(s, e.pattern, at);
            }
        }
        let Some(phrases) = &self.phrases else {
            return;
        };
        *state = if symbol == NONE {
            0
        } else {
            phrases.step(*state, symbol)
        };
        let mut st = *state;
        if st != 0 && phrases.own[st as usize].0 == phrases.own[st as usize].1 {
            st = phrases.dict[st as usize];
        }
        while st != NONE && st != 0 {
            let (from, to) = phrases.own[st as usize];
            for o in &phrases.outputs[from as usize..to as usize] {
                match *o {
                    Output::Phrase { pattern, words } => self.hit(s, pattern, at + 1 - words),
                    Output::Stem {
                        prefix,
                        pattern,
                        words,
                    } => s.pending.push((prefix, pattern, words)),
                }
            }
            st = phrases.dict[st as usize];
        }
    }

    /// Word `at` (whose first bytes are `word_head`) starts with `head`
    /// (hashed `h`): the hits if it is a prefix the topics use.
    #[inline]
    fn prefix_at(&self, s: &mut Scratch, h: u64, head: &[u8], word_head: u128, at: u32) {
        // The first bytes of the prefix, from the word's (a prefix is one
        // byte long at least).
        let first = word_head & (u128::MAX >> (128 - 8 * head.len().clamp(1, INLINE)));
        if let Some(&e) = self.prefixes.get(h, head, first) {
            self.prefix_found(s, e, at);
        }
    }

    /// Word `at` starts with the prefix of entry `e`.
    #[inline]
    fn prefix_found(&self, s: &mut Scratch, e: PrefixEntry, at: u32) {
        if e.pattern != NONE {
            self.hit(s, e.pattern, at);
        }
        if e.id != NONE {
            s.prefixes_here.push(e.id);
        }
    }

    /// Records a hit of pattern `p` starting at word `start`; the first in
    /// this document satisfies its clauses, and a topic whose clauses are
    /// then all satisfied becomes a candidate.
    #[inline]
    fn hit(&self, s: &mut Scratch, p: u32, start: u32) {
        let p = p as usize;
        let stamp = s.stamp;
        let info = self.pattern_info[p];
        let positions = s.all_positions || info.positions;
        let first = s.pattern_seen[p] != stamp;
        if positions {
            let idx = s.hits.len() as u32;
            s.hits.push((start, NONE));
            let span = &mut s.spans[p];
            if first {
                *span = (idx, idx);
            } else {
                let last = span.1 as usize;
                span.1 = idx;
                s.hits[last].1 = idx;
            }
        }
        if !first {
            return;
        }
        s.pattern_seen[p] = stamp;
        for c in &self.pattern_clauses[info.from as usize..info.to as usize] {
            if c.clause != NONE {
                let seen = &mut s.clause_seen[c.clause as usize];
                if *seen == stamp {
                    continue;
                }
                *seen = stamp;
            }
            let topic = &mut s.topic_seen[c.topic as usize];
            if topic.0 != stamp {
                *topic = (stamp, 0);
            }
            topic.1 += 1;
            if topic.1 == c.needed {
                s.candidates.push(c.topic);
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
        if let Some(&p) = self.lit_pattern.get(l).filter(|&&p| p != NONE) {
            return s.seen(p as usize);
        }
        let lit = &self.lits[l];
        match (lit.pattern, lit.literal.scope, &lit.literal.exact) {
            (Some(p), Scope::Any, None) => s.seen(p),
            // Hits come in word order and the title's words come first.
            (Some(p), Scope::Title, None) => s.starts(p).next().is_some_and(|w| w < s.title_words),
            _ => {
                let mut out = Vec::new();
                self.occurrences(l, doc, s, true, &mut out);
                !out.is_empty()
            }
        }
    }

    /// Where literal `l` occurs, into `out`: (field, first word, words) — for
    /// the title and text, word indexes over both, the title's first.
    /// `first_only`: stop at the first.
    fn occurrences(
        &self,
        l: usize,
        doc: &Document<'_>,
        s: &mut Scratch,
        first_only: bool,
        out: &mut Vec<(Field, usize, usize)>,
    ) {
        let lit = &self.lits[l];
        let literal = &lit.literal;
        let len = literal.words.len();
        match (lit.pattern, literal.scope) {
            (Some(p), scope) => {
                if !s.seen(p) {
                    return;
                }
                if literal.exact.is_some() && s.raw.is_none() {
                    s.raw = Some(
                        text::raw_words(doc.title)
                            .into_iter()
                            .chain(text::raw_words(doc.text))
                            .map(str::to_string)
                            .collect(),
                    );
                }
                for start in s.starts(p) {
                    let field = if start < s.title_words {
                        Field::Title
                    } else {
                        Field::Text
                    };
                    if scope == Scope::Title && field != Field::Title {
                        break;
                    }
                    let first = start as usize;
                    if let (Some(exact), Some(raw)) = (&literal.exact, &s.raw) {
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
                        s.author.get_or_insert_with(|| text::words(doc.author)),
                        doc.author,
                    )
                } else {
                    (
                        Field::Source,
                        s.source.get_or_insert_with(|| text::words(doc.source)),
                        doc.source,
                    )
                };
                let raw = literal.exact.as_ref().map(|_| text::raw_words(raw_src));
                for i in 0..words.len() {
                    if sequence_at(words, i, &literal.words, literal.prefix)
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
        let mut a = std::mem::take(&mut s.near_left);
        let mut b = std::mem::take(&mut s.near_right);
        a.clear();
        b.clear();
        for &l in left {
            self.occurrences(l, doc, s, false, &mut a);
        }
        if !a.is_empty() {
            for &l in right {
                self.occurrences(l, doc, s, false, &mut b);
            }
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
        s.near_left = a;
        s.near_right = b;
        best
    }

    /// Why topic `t` is true or false for `doc`: each part of its query with
    /// its value and what was found.
    pub fn explain(&self, t: usize, doc: &Document<'_>) -> Option<Explanation> {
        let root = self.roots.get(t)?;
        let mut s = Scratch {
            all_positions: true,
            ..Scratch::default()
        };
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
                let mut occ = Vec::new();
                self.occurrences(*l, doc, s, false, &mut occ);
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

/// Marks the patterns of the NEAR operands under `node`: evaluating a NEAR
/// needs where its operands were hit.
/// The patterns `node` reads, into `out` (with repeats).
fn used_patterns(node: &Node, lits: &[Lit], out: &mut Vec<usize>) {
    match node {
        Node::And(of) | Node::Or(of) => {
            for n in of {
                used_patterns(n, lits, out);
            }
        }
        Node::Not(n) => used_patterns(n, lits, out),
        Node::Lit(l) => out.extend(lits[*l].pattern),
        Node::Near { left, right, .. } => {
            out.extend(left.iter().chain(right).filter_map(|&l| lits[l].pattern));
        }
        Node::Site(_) | Node::Lang(_) => {}
    }
}

fn mark_near_positions(node: &Node, lits: &[Lit], needs: &mut [bool]) {
    match node {
        Node::And(of) | Node::Or(of) => {
            for n in of {
                mark_near_positions(n, lits, needs);
            }
        }
        Node::Not(n) => mark_near_positions(n, lits, needs),
        Node::Near { left, right, .. } => {
            for &l in left.iter().chain(right) {
                if let Some(p) = lits[l].pattern {
                    needs[p] = true;
                }
            }
        }
        Node::Lit(_) | Node::Site(_) | Node::Lang(_) => {}
    }
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
            s.title_words as usize
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

    /// A prefix hashed from its word's first chunk, and a word from its
    /// first sixteen bytes (what the scan does), have the hash they were
    /// stored under (what the tables do), at every length.
    #[test]
    fn prefix_hashes_from_the_first_chunk_agree_with_word_hashes() {
        let words: [&[u8]; 7] = [
            b"",
            b"a",
            b"abcdefghijklmnopq",
            b"abcdefghijklmnop",
            b"abcdefghijklmnopqrstuvwxyz0123456789",
            "électricité".as_bytes(),
            b"xy",
        ];
        for w in words {
            let c = chunk(w);
            let mut first = [0u8; 16];
            first[..w.len().min(16)].copy_from_slice(&w[..w.len().min(16)]);
            assert_eq!(word_hash_head(w, u128::from_le_bytes(first)), word_hash(w));
            for k in 0..=w.len().min(8) {
                assert_eq!(chunk(&w[..k]), masked(c, k), "{w:?} {k}");
                assert_eq!(head_hash(masked(c, k), k), word_hash(&w[..k]), "{w:?} {k}");
            }
        }
    }

    /// The prefixes of four bytes or more found by their first four bytes
    /// are exactly those a word starts with: many prefixes share their first
    /// four bytes, some are longer than eight, and the slots' probes run
    /// into each other.
    #[test]
    fn head_prefixes_find_exactly_the_prefixes_a_word_starts_with() {
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};
        let mut rng = StdRng::seed_from_u64(5);
        let letters = b"abcde\xc3\xa9";
        let word = |rng: &mut StdRng, n: usize| -> Vec<u8> {
            (0..n)
                .map(|_| letters[rng.gen_range(0..letters.len())])
                .collect()
        };
        // Some longer than 64 bytes, past any inline length.
        let mut prefixes: Vec<Vec<u8>> = (0..3000)
            .map(|_| {
                let n = if rng.gen_bool(0.9) {
                    rng.gen_range(1..14)
                } else {
                    rng.gen_range(60..80)
                };
                word(&mut rng, n)
            })
            .collect();
        prefixes.sort();
        prefixes.dedup();
        let entries: Vec<(&[u8], PrefixEntry)> = prefixes
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let e = PrefixEntry {
                    id: i as u32,
                    pattern: NONE,
                };
                (p.as_slice(), e)
            })
            .collect();
        let index = HeadPrefixes::new(entries.iter().copied());
        for _ in 0..20_000 {
            // Random words, and prefixes extended, or with a byte changed.
            let w = if rng.gen_bool(0.5) {
                let n = rng.gen_range(1..16);
                word(&mut rng, n)
            } else {
                let mut w = prefixes[rng.gen_range(0..prefixes.len())].clone();
                let extra = rng.gen_range(0..4);
                w.extend(word(&mut rng, extra));
                if rng.gen_bool(0.3) {
                    let i = rng.gen_range(0..w.len());
                    w[i] = letters[rng.gen_range(0..letters.len())];
                }
                w
            };
            let mut got: Vec<u32> = index.matching(&w, chunk(&w)).map(|e| e.id).collect();
            got.sort_unstable();
            let want: Vec<u32> = entries
                .iter()
                .filter(|(p, _)| p.len() >= 4 && w.starts_with(p))
                .map(|(_, e)| e.id)
                .collect();
            assert_eq!(got, want, "{w:?}");
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
            // A prefix longer than 64 bytes.
            (
                "anticonstitutionnellementanticonstitutionnellementanticonstitutionnell*",
                "ANTICONSTITUTIONNELLEMENTANTICONSTITUTIONNELLEMENTANTICONSTITUTIONNELLlement",
                true,
            ),
            (
                "anticonstitutionnellementanticonstitutionnellementanticonstitutionnell*",
                "anticonstitutionnellementanticonstitutionnellementanticonstitutionnel",
                false,
            ),
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
        every.topic_clauses.iter_mut().for_each(|c| *c = 0);
        every.pattern_info.iter_mut().for_each(|i| i.to = i.from);
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

    /// The reference: a query evaluated directly over each field's words
    /// (cut by [`text::raw_words`], each folded by [`text::fold`]), with no
    /// automaton, no hash table and no candidates.
    mod reference {
        use super::*;

        struct Words {
            folded: Vec<String>,
            raw: Vec<String>,
        }

        fn words_of(s: &str) -> Words {
            let raw: Vec<String> = text::raw_words(s).into_iter().map(String::from).collect();
            Words {
                folded: raw.iter().map(|w| text::fold(w)).collect(),
                raw,
            }
        }

        fn occurrences(l: &Literal, doc: &Document<'_>) -> Vec<(Field, usize, usize)> {
            let fields: &[(Field, &str)] = match l.scope {
                Scope::Any => &[(Field::Title, doc.title), (Field::Text, doc.text)],
                Scope::Title => &[(Field::Title, doc.title)],
                Scope::Author => &[(Field::Author, doc.author)],
                Scope::Source => &[(Field::Source, doc.source)],
            };
            let n = l.words.len();
            let mut out = Vec::new();
            for &(field, value) in fields {
                let w = words_of(value);
                for i in 0..w.folded.len() {
                    let folded_ok = (0..n).all(|k| {
                        w.folded.get(i + k).is_some_and(|have| {
                            if l.prefix && k + 1 == n {
                                have.starts_with(&l.words[k])
                            } else {
                                *have == l.words[k]
                            }
                        })
                    });
                    let exact_ok = l
                        .exact
                        .as_ref()
                        .is_none_or(|e| w.raw.get(i..i + n) == Some(e.as_slice()));
                    if folded_ok && exact_ok {
                        out.push((field, i, n));
                    }
                }
            }
            out
        }

        pub fn eval(q: &Query, doc: &Document<'_>) -> bool {
            match q {
                Query::And { of } => of.iter().all(|q| eval(q, doc)),
                Query::Or { of } => of.iter().any(|q| eval(q, doc)),
                Query::Not { of } => !eval(of, doc),
                Query::Literal { literal } => !occurrences(literal, doc).is_empty(),
                Query::Near {
                    left,
                    right,
                    n,
                    ordered,
                } => {
                    let a: Vec<_> = left.iter().flat_map(|l| occurrences(l, doc)).collect();
                    let b: Vec<_> = right.iter().flat_map(|l| occurrences(l, doc)).collect();
                    a.iter().any(|x| {
                        b.iter().any(|y| {
                            let (xs, xe) = (x.1, x.1 + x.2 - 1);
                            let (ys, ye) = (y.1, y.1 + y.2 - 1);
                            let between = if ys > xe {
                                Some(ys - xe - 1)
                            } else if !ordered && xs > ye {
                                Some(xs - ye - 1)
                            } else {
                                None
                            };
                            x.0 == y.0 && between.is_some_and(|d| d <= *n as usize)
                        })
                    })
                }
                Query::Site { host } => {
                    let site = doc.site.to_ascii_lowercase();
                    let site = site.strip_prefix("www.").unwrap_or(&site);
                    site == host || site.ends_with(&format!(".{host}"))
                }
                Query::Lang { code } => doc.lang.eq_ignore_ascii_case(code),
            }
        }
    }

    /// The matcher against the reference on random queries and random
    /// posts (seeded): words with and without accents and capitals, phrases,
    /// prefixes short and long (also ending a phrase), digits, words longer
    /// than 8 and 16 bytes, exact terms, NEAR in both forms,
    /// fields, NOT; texts where the same words recur, cut by spaces,
    /// apostrophes, hyphens and punctuation. Any topic on which the two
    /// disagree fails, and so does an explanation that disagrees with the
    /// match.
    #[test]
    fn the_matcher_agrees_with_a_direct_evaluation_on_random_queries() {
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};
        const WORDS: &[&str] = &[
            "grève",
            "Grève",
            "GREVE",
            "greve",
            "générale",
            "sncf",
            "SNCF",
            "la",
            "l",
            "élection",
            "Élection",
            "elections",
            "électricité",
            "elect",
            "a",
            "b",
            "c",
            "cœur",
            "coeur",
            "Straße",
            "strasse",
            "e",
            "mail",
            "prix",
            "du",
            "carburant",
            "x",
            "ab",
            "abc",
            // Digits, and words past the 8 bytes hashed at a time (and past
            // the 16 kept inside a table entry), in ASCII and not.
            "2026",
            "covid19",
            "COVID19",
            "électrification",
            "Electrifications",
            "electrificationnelle",
            "anticonstitutionnellement",
            "Anticonstitutionnel",
        ];
        const SEPARATORS: &[&str] = &[" ", " ", " ", ", ", "'", "’", "-", ". ", " | ", " 🎉 "];
        fn word(rng: &mut StdRng) -> &'static str {
            WORDS[rng.gen_range(0..WORDS.len())]
        }
        fn atom(rng: &mut StdRng) -> String {
            match rng.gen_range(0..9) {
                0..=2 => word(rng).to_string(),
                3 => {
                    // Short prefixes, and long ones (past 8 and 16 bytes).
                    let n = if rng.gen_bool(0.7) {
                        rng.gen_range(1..4)
                    } else {
                        rng.gen_range(4..20)
                    };
                    let w: String = word(rng).chars().take(n).collect();
                    format!("{w}*")
                }
                4 => {
                    let n = rng.gen_range(2..4);
                    let ws: Vec<&str> = (0..n).map(|_| word(rng)).collect();
                    format!("\"{}\"", ws.join(" "))
                }
                5 => format!("={}", word(rng)),
                6 => format!("=\"{} {}\"", word(rng), word(rng)),
                7 => {
                    let w: String = word(rng).chars().take(rng.gen_range(1..4)).collect();
                    format!("{}'{w}*", word(rng))
                }
                _ => format!("{}-{}", word(rng), word(rng)),
            }
        }
        fn near_side(rng: &mut StdRng) -> String {
            match rng.gen_range(0..6) {
                0 => format!("({} OR {})", atom(rng), atom(rng)),
                1 => format!("title:{}", word(rng)),
                _ => atom(rng),
            }
        }
        fn query(rng: &mut StdRng, depth: u32) -> String {
            let leaf = depth == 0 || rng.gen_range(0..3) == 0;
            if leaf {
                return match rng.gen_range(0..12) {
                    0..=4 => atom(rng),
                    5 | 6 => {
                        let n = rng.gen_range(0..4);
                        let f = if rng.gen_bool(0.5) { "f" } else { "" };
                        format!("{} NEAR/{n}{f} {}", near_side(rng), near_side(rng))
                    }
                    7 => format!("title:{}", atom(rng)),
                    8 => format!("author:{}", word(rng)),
                    9 => format!("source:\"{} {}\"", word(rng), word(rng)),
                    10 => "lang:fr".to_string(),
                    _ => "site:lemonde.fr".to_string(),
                };
            }
            match rng.gen_range(0..4) {
                0 => format!("({} AND {})", query(rng, depth - 1), query(rng, depth - 1)),
                1 => format!("({} OR {})", query(rng, depth - 1), query(rng, depth - 1)),
                2 => format!("({} NOT {})", query(rng, depth - 1), query(rng, depth - 1)),
                _ => format!("NOT {}", query(rng, depth - 1)),
            }
        }
        fn post(rng: &mut StdRng, max: usize) -> String {
            let mut s = String::new();
            for _ in 0..rng.gen_range(0..=max) {
                s.push_str(word(rng));
                s.push_str(SEPARATORS[rng.gen_range(0..SEPARATORS.len())]);
            }
            s
        }
        let mut rng = StdRng::seed_from_u64(5);
        let (mut compared, mut true_ones) = (0usize, 0usize);
        for round in 0..300 {
            let mut topics = Vec::new();
            while topics.len() < 8 {
                let q = query(&mut rng, 3);
                if let Ok(query) = parse(&q) {
                    topics.push(Topic {
                        name: q.clone(),
                        query,
                    });
                }
            }
            let m = Matcher::new(&topics).expect("compiles");
            let mut s = Scratch::new();
            let mut out = Vec::new();
            for _ in 0..10 {
                let (title, body, author, source) = (
                    post(&mut rng, 4),
                    post(&mut rng, 14),
                    post(&mut rng, 2),
                    post(&mut rng, 3),
                );
                let doc = Document {
                    title: &title,
                    text: &body,
                    author: &author,
                    source: &source,
                    lang: ["fr", "en", ""][rng.gen_range(0..3)],
                    site: ["www.lemonde.fr", "blog.lemonde.fr", "x.org"][rng.gen_range(0..3)],
                };
                m.matches(&doc, &mut s, &mut out);
                for (t, topic) in topics.iter().enumerate() {
                    let want = reference::eval(&topic.query, &doc);
                    let got = out.contains(&t);
                    assert_eq!(
                        got, want,
                        "round {round}, topic {:?} read as {}, on {doc:?}",
                        topic.name, topic.query
                    );
                    let explained = m.explain(t, &doc).map(|e| e.value);
                    assert_eq!(explained, Some(want), "explain {:?} on {doc:?}", topic.name);
                    compared += 1;
                    true_ones += usize::from(want);
                }
            }
        }
        assert_eq!(compared, 300 * 10 * 8);
        // Both answers occur often enough for the comparison to mean something.
        assert!(
            true_ones > compared / 10 && true_ones < compared * 9 / 10,
            "{true_ones} true of {compared}"
        );
    }
}
