//! Near-duplicate clustering: one story told by many sources.
//!
//! The same press release, reposted, quoted with `RT @someone:`, trimmed to
//! fit a character limit or lightly edited, reaches a topic dozens of times.
//! [`Clusterer`] gathers such items into one cluster, streaming: each item is
//! [added](Clusterer::add) as it arrives and gets at once the
//! [`ClusterId`] of an earlier similar item, or a new one.
//!
//! # Method: MinHash with LSH banding
//!
//! 1. **Shingles.** The text is folded (lowercase, accents removed: `É` →
//!    `e`), cut into words by the Unicode word boundaries (UAX #29, so
//!    punctuation, `@` and `#` go), and every run of
//!    [`shingle_size`](ClusterParams::shingle_size) consecutive words is a
//!    shingle, hashed to 32 bits (xxHash3 of each word, then an
//!    order-sensitive 64-bit mix of which the top half is kept). A text with
//!    fewer words than that is one shingle.
//! 2. **MinHash signature.** For each of `bands × rows` hash functions
//!    `hᵢ(x) = aᵢ·x + bᵢ mod 2³²` (fixed odd `aᵢ` and `bᵢ` drawn from a
//!    fixed seed: each `hᵢ` is a bijection, a random permutation of the
//!    well-mixed shingle hashes), the minimum over the shingles. Two texts
//!    agree on a slot with probability (close to) the Jaccard similarity of
//!    their shingle sets, so the fraction of equal slots estimates it. This
//!    is the "affine32" scheme that `datasketch` uses by default since 2.0;
//!    32-bit lanes also make it more than twice as fast to compute as a
//!    64-bit multiply-shift on baseline x86-64.
//! 3. **LSH banding.** The signature is cut into
//!    [`bands`](ClusterParams::bands) bands of [`rows`](ClusterParams::rows)
//!    slots; texts sharing any whole band become candidates. A pair of
//!    similarity `s` becomes a candidate with probability
//!    `1 − (1 − sʳ)ᵇ`: with the defaults (32 × 4) that is 87 % at
//!    `s = 0.5`, 99 % at 0.6, 5 % at 0.2 and 0.3 % at 0.1. The band index
//!    is, per band, a direct-mapped table of `max_docs` (rounded up to a
//!    power of two) entries holding the newest item with a given band key;
//!    each item links to the previous holder, so a lookup walks the items
//!    sharing the band newest first, at most
//!    [`max_bucket_scan`](ClusterParams::max_bucket_scan) of them. One
//!    memory access per band and no deletions: this is what keeps the
//!    index, the dominant cost, cheap (see `Clusterer::probe` for what the
//!    direct mapping can lose).
//! 4. **Verification.** Each candidate's stored signature is compared and the
//!    most similar one with an estimated similarity of at least
//!    [`threshold`](ClusterParams::threshold) gives its cluster. No candidate
//!    passing: a new cluster, whose id is the new item's id. The banding
//!    deliberately lets in pairs somewhat below the threshold (its S-curve
//!    is centred near 0.42), and the verification, on all 128 slots, takes
//!    the decision.
//!
//! Clusters are never merged afterwards (an item that would bridge two
//! existing clusters joins the more similar one): cluster ids handed out stay
//! valid, which is what a worker storing them needs.
//!
//! # Why MinHash rather than SimHash
//!
//! SimHash (one 64-bit fingerprint, near duplicates within a few bits of
//! Hamming distance, found with an index of the fingerprint's bit blocks) is
//! the tool for web pages, where an edit changes a small part of a long
//! text and near duplicates stay within 3 bits. A post is some fifty words:
//! replacing three of them changes a tenth of its shingles, which moves a
//! 64-bit SimHash by around ten bits. Finding every fingerprint within ten
//! bits takes eleven blocks (pigeonhole) of five or six bits each, and each
//! block lookup returns a 32nd to a 64th of all items kept: the candidates
//! to check grow with the stream, and the distance threshold has no simple
//! meaning. MinHash estimates the Jaccard similarity directly, its threshold
//! means something ("half of the word triples in common"), the banding's
//! S-curve above tells its recall in advance, and the signature costs
//! `bands × rows` multiply-adds per shingle, a couple of microseconds per
//! post. The benchmark (`cargo bench -p relais-veille
//! --bench neardup`, see `bench/README.md`) measures it against Python's
//! `datasketch` with the same shingles and banding, on 100,000 generated
//! posts: the targets are pairwise F1 ≥ 0.9 and ≥ 50,000 posts/s on one
//! core.
//!
//! # Memory
//!
//! Per item kept: the signature (`4 × bands × rows` bytes, 512 by default),
//! a chain link per band (4 bytes each) and its cluster (8 bytes); and per
//! band `max_docs` rounded up to a power of two entries of 8 bytes in the
//! band index, allocated at the first item (zeroed memory, which the system
//! maps as it is touched). With the defaults: 648 bytes per item and 32 MiB
//! of index, about 100 MiB in all once 100,000 items are kept; no text is
//! kept. At most [`max_docs`](ClusterParams::max_docs) items are kept; past
//! that the oldest is forgotten (its cluster id lives on in the items that
//! joined it later), so the clusterer is a sliding window over the stream.
//!
//! # Determinism
//!
//! Hash functions and seeds are fixed: the same items in the same order get
//! the same clusters on every run and every machine.

use serde::{Deserialize, Serialize};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_segmentation::UnicodeSegmentation;
use xxhash_rust::xxh3::xxh3_64;

/// The cluster an item belongs to: the id of the item that started it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ClusterId(pub u64);

/// Settings of a [`Clusterer`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterParams {
    /// Estimated Jaccard similarity of the shingle sets from which an item
    /// joins an earlier one's cluster, in `[0, 1]`. Default 0.5: half of the
    /// word triples in common, which a repost, a quote or an edit of a few
    /// words keeps and two posts merely on the same subject do not reach.
    pub threshold: f64,
    /// Words per shingle. Default 3: single words and pairs are shared by
    /// unrelated posts on one subject; longer runs make a short edit cost
    /// too many shingles.
    pub shingle_size: usize,
    /// LSH bands. Default 32, at most 256.
    pub bands: usize,
    /// Signature slots per band (the signature has `bands × rows` slots).
    /// Default 4: with 32 bands, a pair at the threshold (0.5) is found
    /// with probability 0.87 and a pair at 0.6 with 0.99, while unrelated
    /// posts (similarity below 0.1) almost never meet. At most 64.
    pub rows: usize,
    /// Items kept; past that the oldest is forgotten. Default 100,000
    /// (about 100 MiB, see the [module documentation](self)). At most 2³⁰.
    pub max_docs: usize,
    /// Items examined per band bucket, newest first. A text reposted
    /// thousands of times fills its buckets; the newest few suffice to find
    /// its cluster, and this bounds the work per item. Default 16.
    pub max_bucket_scan: usize,
}

impl Default for ClusterParams {
    fn default() -> Self {
        Self {
            threshold: 0.5,
            shingle_size: 3,
            bands: 32,
            rows: 4,
            max_docs: 100_000,
            max_bucket_scan: 16,
        }
    }
}

impl ClusterParams {
    /// The parameters actually used: sizes below 1 become 1, those above
    /// their documented maximum the maximum, the threshold is clamped to
    /// `[0, 1]` (NaN becomes the default).
    fn sanitised(self) -> Self {
        let threshold = if self.threshold.is_nan() {
            Self::default().threshold
        } else {
            self.threshold.clamp(0.0, 1.0)
        };
        Self {
            threshold,
            shingle_size: self.shingle_size.max(1),
            bands: self.bands.clamp(1, MAX_BANDS),
            rows: self.rows.clamp(1, MAX_ROWS),
            max_docs: self.max_docs.clamp(1, MAX_DOCS_LIMIT),
            max_bucket_scan: self.max_bucket_scan.max(1),
        }
    }

    /// Signature slots: `bands × rows` (of the sanitised values).
    pub fn num_hashes(&self) -> usize {
        self.bands.clamp(1, MAX_BANDS) * self.rows.clamp(1, MAX_ROWS)
    }
}

/// Largest [`ClusterParams::max_docs`]: sequence numbers are stored on 32
/// bits. A chain link is written to a kept item and read only while its
/// writer is kept, so it is less than `2 × max_docs` behind the newest and
/// recovered without ambiguity. A band-index entry left untouched for 2³²
/// arrivals can alias a newer item: that only costs a wasted comparison, as
/// every candidate is verified.
const MAX_DOCS_LIMIT: usize = 1 << 30;
/// Largest [`ClusterParams::bands`].
const MAX_BANDS: usize = 256;
/// Largest [`ClusterParams::rows`].
const MAX_ROWS: usize = 64;
/// The finaliser of SplitMix64: a bijective, well-mixing map of 64 bits.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Streaming near-duplicate clusterer (see the [module documentation](self)).
///
/// The items kept live in a ring of `max_docs` slots, as flat arrays: no
/// allocation per item. Items are numbered in arrival order (`seq`); the
/// index and the chains store the low 32 bits of those numbers.
pub struct Clusterer {
    params: ClusterParams,
    /// Multipliers (odd) and offsets of the hash functions.
    mul: Box<[u32]>,
    add: Box<[u32]>,
    /// Per slot: the cluster.
    clusters: Vec<ClusterId>,
    /// Per slot: the signature (`num_hashes` values).
    signatures: Vec<u32>,
    /// Per slot and band: the low 32 bits of the sequence number of the
    /// previous item with the same band key; the item's own when none.
    next: Vec<u32>,
    /// Sequence numbers of the items kept: `first_seq..next_seq`.
    first_seq: u64,
    next_seq: u64,
    /// Slot of `first_seq`.
    first_slot: usize,
    /// The band index: per band, a direct-mapped table of
    /// `(fingerprint << 32) | tag` entries (see [`Clusterer::probe`]).
    table: Vec<u64>,
    /// Entries per band in `table` (a power of two).
    table_size: usize,
    // Buffers reused across calls.
    folded: String,
    words: Vec<u64>,
    shingles: Vec<u32>,
    signature: Vec<u32>,
    keys: Vec<u64>,
    heads: Vec<u32>,
    candidates: Vec<u64>,
}

impl std::fmt::Debug for Clusterer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clusterer")
            .field("params", &self.params)
            .field("docs", &self.len())
            .finish_non_exhaustive()
    }
}

/// Appends the folded `text` to `out`: lowercase, canonically decomposed,
/// combining marks removed (`"Élève"` → `"eleve"`). Character by character:
/// the marks are dropped anyway, so their canonical order does not matter.
fn fold(text: &str, out: &mut String) {
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            for lower in c.to_lowercase() {
                decompose_canonical(lower, |d| {
                    if !is_combining_mark(d) {
                        out.push(d);
                    }
                });
            }
        }
    }
}

impl Clusterer {
    /// A clusterer with `params` (sanitised: see [`ClusterParams`]).
    pub fn new(params: ClusterParams) -> Self {
        let params = params.sanitised();
        let n = params.num_hashes();
        let mut state: u64 = 0x7265_6C61_6973_0001; // fixed seed: "relais"
        let mut draw = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            mix64(state)
        };
        let mut mul = Vec::with_capacity(n);
        let mut add = Vec::with_capacity(n);
        for _ in 0..n {
            mul.push((draw() >> 32) as u32 | 1);
            add.push((draw() >> 32) as u32);
        }
        Self {
            params,
            mul: mul.into(),
            add: add.into(),
            clusters: Vec::new(),
            signatures: Vec::new(),
            next: Vec::new(),
            first_seq: 0,
            next_seq: 0,
            first_slot: 0,
            table: Vec::new(),
            table_size: params.max_docs.next_power_of_two(),
            folded: String::new(),
            words: Vec::new(),
            shingles: Vec::new(),
            signature: vec![0; n],
            keys: Vec::with_capacity(params.bands),
            heads: Vec::with_capacity(params.bands),
            candidates: Vec::new(),
        }
    }

    /// The parameters in use.
    pub fn params(&self) -> &ClusterParams {
        &self.params
    }

    /// Items currently kept.
    pub fn len(&self) -> usize {
        (self.next_seq - self.first_seq) as usize
    }

    /// Whether no item is kept.
    pub fn is_empty(&self) -> bool {
        self.next_seq == self.first_seq
    }

    /// The ring slot of item `seq`, one of `first_seq..=next_seq`.
    fn slot(&self, seq: u64) -> usize {
        let slot = self.first_slot + seq.saturating_sub(self.first_seq) as usize;
        if slot >= self.params.max_docs {
            slot - self.params.max_docs
        } else {
            slot
        }
    }

    /// The item kept whose sequence number ends with `tag`, if any: the one
    /// at most `len()` behind `next_seq`.
    fn kept(&self, tag: u32) -> Option<u64> {
        let behind = u64::from((self.next_seq as u32).wrapping_sub(tag));
        (behind >= 1 && behind <= self.next_seq - self.first_seq).then(|| self.next_seq - behind)
    }

    /// The stored signature of item `seq` (kept).
    fn stored_signature(&self, seq: u64) -> &[u32] {
        let n = self.mul.len();
        let at = self.slot(seq) * n;
        self.signatures.get(at..at + n).unwrap_or(&[])
    }

    /// Fills `self.shingles` with the shingle hashes of `text`.
    fn shingle(&mut self, text: &str) {
        self.folded.clear();
        fold(text, &mut self.folded);
        self.words.clear();
        self.words
            .extend(self.folded.unicode_words().map(|w| xxh3_64(w.as_bytes())));
        self.shingles.clear();
        // A text shorter than a shingle is one shingle of all its words.
        let k = self.params.shingle_size.min(self.words.len());
        if k == 0 {
            return;
        }
        for window in self.words.windows(k) {
            let mut h = 0x6E65_6172_6475_7000; // "neardup"
            for &w in window {
                h = mix64(h ^ w);
            }
            self.shingles.push((h >> 32) as u32);
        }
    }

    /// Fills `self.signature` with the MinHash signature of `self.shingles`:
    /// shingle by shingle, the inner loop over all slots is plain 32-bit
    /// arithmetic that the compiler vectorises.
    fn sign(&mut self) {
        self.signature.fill(u32::MAX);
        for &x in &self.shingles {
            for ((slot, &a), &b) in self
                .signature
                .iter_mut()
                .zip(self.mul.iter())
                .zip(self.add.iter())
            {
                *slot = (*slot).min(a.wrapping_mul(x).wrapping_add(b));
            }
        }
    }

    fn band_key(band: usize, rows: &[u32]) -> u64 {
        let mut k = mix64(band as u64 ^ 0x6261_6E64); // "band"
        for &v in rows {
            k = mix64(k ^ u64::from(v));
        }
        k
    }

    /// Makes item `tag` the newest holder of band key `key` in `band`, and
    /// returns the previous holder if the entry held the same key.
    ///
    /// The table is direct-mapped: the low bits of the key choose the entry,
    /// the high 32 bits are kept as a fingerprint, and a different key
    /// landing on the same entry overwrites it. That loses the older chain
    /// of that entry (with `max_docs` entries per band and the window full,
    /// an entry is overwritten by another key within `g` arrivals with
    /// probability about `1 − e^(−g/max_docs)`, 5 % for `g = 5,000` of
    /// 100,000), which costs recall only when it happens in every band a
    /// pair shares. In exchange a probe is one memory access, with no
    /// deletion: entries of forgotten items are recognised as such by
    /// [`Clusterer::kept`].
    fn probe(&mut self, band: usize, key: u64, tag: u32) -> Option<u32> {
        if self.table.is_empty() {
            // Zeroed memory: the system maps its pages as they are touched.
            self.table = vec![0; self.table_size * self.params.bands];
        }
        let at = band * self.table_size + (key as usize & (self.table_size - 1));
        let fingerprint = key >> 32;
        let entry = self.table.get_mut(at)?;
        let old = *entry;
        *entry = fingerprint << 32 | u64::from(tag);
        (old >> 32 == fingerprint).then_some(old as u32)
    }

    /// Adds item `id` with `text` and returns its cluster: the cluster of the
    /// most similar item kept if one reaches the threshold, else a new
    /// cluster `ClusterId(id)`.
    ///
    /// A text without any word (empty, only punctuation or emoji) cannot be
    /// compared: it gets a cluster of its own and is not kept.
    pub fn add(&mut self, id: u64, text: &str) -> ClusterId {
        self.shingle(text);
        if self.shingles.is_empty() {
            return ClusterId(id);
        }
        self.sign();
        let rows = self.params.rows;
        let bands = self.params.bands;
        self.keys.clear();
        self.keys.extend(
            self.signature
                .chunks_exact(rows)
                .enumerate()
                .map(|(band, chunk)| Self::band_key(band, chunk)),
        );

        // Make room first, so that the new item's slot is free.
        if self.len() >= self.params.max_docs {
            self.evict_oldest();
        }
        let seq = self.next_seq;
        let tag = seq as u32;

        // One probe per band: the new item becomes the bucket's head, and
        // the previous head starts the chain of candidates (newest first).
        self.heads.clear();
        self.candidates.clear();
        for band in 0..bands {
            let key = self.keys.get(band).copied().unwrap_or_default();
            let head = self.probe(band, key, tag);
            self.heads.push(head.unwrap_or(tag));
            let mut at = head.and_then(|h| self.kept(h));
            let mut scanned = 0;
            while let Some(item) = at {
                if scanned >= self.params.max_bucket_scan {
                    break;
                }
                self.candidates.push(item);
                scanned += 1;
                at = self
                    .next
                    .get(self.slot(item) * bands + band)
                    .filter(|&&link| link != item as u32)
                    .and_then(|&link| self.kept(link));
            }
        }
        self.candidates.sort_unstable();
        self.candidates.dedup();

        // Verification: the most similar candidate, newest on ties.
        let mut best: Option<(usize, u64)> = None;
        for &cand in self.candidates.iter().rev() {
            let same = self
                .stored_signature(cand)
                .iter()
                .zip(self.signature.iter())
                .filter(|(a, b)| a == b)
                .count();
            if best.is_none_or(|(top, _)| same > top) {
                best = Some((same, cand));
                if same == self.signature.len() {
                    // An identical signature: nothing older can do better.
                    break;
                }
            }
        }
        let n = self.signature.len() as f64;
        let cluster = best
            .filter(|&(same, _)| same as f64 / n >= self.params.threshold)
            .and_then(|(_, cand)| self.clusters.get(self.slot(cand)).copied())
            .unwrap_or(ClusterId(id));

        // Keep the item in its slot.
        let slot = self.slot(seq);
        if slot == self.clusters.len() {
            self.clusters.push(cluster);
            self.signatures.extend_from_slice(&self.signature);
            self.next.extend_from_slice(&self.heads);
        } else {
            let n = self.signature.len();
            if let Some(c) = self.clusters.get_mut(slot) {
                *c = cluster;
            }
            if let Some(s) = self.signatures.get_mut(slot * n..(slot + 1) * n) {
                s.copy_from_slice(&self.signature);
            }
            if let Some(s) = self.next.get_mut(slot * bands..(slot + 1) * bands) {
                s.copy_from_slice(&self.heads);
            }
        }
        self.next_seq += 1;
        cluster
    }

    /// Forgets the oldest item kept. Its band-index entries stay until
    /// overwritten: [`Clusterer::kept`] no longer finds their tag.
    fn evict_oldest(&mut self) {
        if self.is_empty() {
            return;
        }
        self.first_seq += 1;
        self.first_slot += 1;
        if self.first_slot == self.params.max_docs {
            self.first_slot = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "La mairie de Lyon annonce la fermeture de la piscine du Rhône \
        pendant tout l'été pour des travaux de rénovation énergétique, les associations \
        de quartier dénoncent une décision prise sans concertation et demandent une \
        réunion publique avant la fin du mois de juin.";
    const OTHER: &str = "The new community garden on Maple Street opens next Saturday with \
        free seedlings for every family, a workshop on composting and live music from \
        the local school band until late afternoon.";
    const THIRD: &str = "Grève des transports jeudi : la SNCF prévoit deux trains sur trois \
        en Île-de-France et conseille aux voyageurs de reporter leurs déplacements non \
        essentiels ou de privilégier le télétravail.";

    fn folded(text: &str) -> String {
        let mut s = String::new();
        fold(text, &mut s);
        s
    }

    /// Estimated similarity of two texts with a clusterer's hash functions.
    fn similarity(a: &str, b: &str) -> f64 {
        let mut c = Clusterer::new(ClusterParams::default());
        c.shingle(a);
        c.sign();
        let sa = c.signature.clone();
        c.shingle(b);
        c.sign();
        let sb = c.signature.clone();
        sa.iter().zip(sb.iter()).filter(|(x, y)| x == y).count() as f64 / sa.len() as f64
    }

    #[test]
    fn folding() {
        assert_eq!(folded("Élève À L'ÉCOLE"), "eleve a l'ecole");
        assert_eq!(folded("Ça coûte 3 €, naïf !"), "ca coute 3 €, naif !");
        assert_eq!(folded("ASCII Only"), "ascii only");
        assert_eq!(folded(""), "");
    }

    #[test]
    fn identical_texts_cluster() {
        let mut c = Clusterer::new(ClusterParams::default());
        let first = c.add(1, STORY);
        assert_eq!(first, ClusterId(1));
        assert_eq!(c.add(2, STORY), first);
        assert_eq!(c.add(3, OTHER), ClusterId(3));
        assert_eq!(c.add(4, STORY), first);
        assert_eq!(c.add(5, OTHER), ClusterId(3));
        assert_eq!(c.len(), 5);
    }

    #[test]
    fn case_accents_and_punctuation_do_not_matter() {
        let mut c = Clusterer::new(ClusterParams::default());
        let first = c.add(1, STORY);
        let shouted = STORY.to_uppercase();
        let plain: String = folded(STORY)
            .chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace() || *c == '\'')
            .collect();
        assert_eq!(c.add(2, &shouted), first);
        assert_eq!(c.add(3, &plain), first);
    }

    #[test]
    fn reposts_and_light_edits_cluster() {
        let mut c = Clusterer::new(ClusterParams::default());
        let first = c.add(1, STORY);
        c.add(2, OTHER);
        c.add(3, THIRD);
        let variants = [
            format!("RT @mairie_lyon: {STORY}"),
            format!("{STORY} via @LyonInfo #Lyon https://example.com/a"),
            STORY.replace("tout l'été", "deux mois"),
            STORY
                .replace("Lyon", "Lyon (69)")
                .replace("sans concertation", "sans aucune concertation"),
            STORY.replace("avant la fin du mois de juin.", "…"),
        ];
        for (i, text) in variants.iter().enumerate() {
            assert!(similarity(STORY, text) >= 0.5, "{text}");
            assert_eq!(c.add(10 + i as u64, text), first, "{text}");
        }
    }

    #[test]
    fn unrelated_texts_do_not_cluster() {
        let mut c = Clusterer::new(ClusterParams::default());
        assert_eq!(c.add(1, STORY), ClusterId(1));
        assert_eq!(c.add(2, OTHER), ClusterId(2));
        assert_eq!(c.add(3, THIRD), ClusterId(3));
        // Same subject, different wording.
        let same_subject = "Piscine du Rhône fermée cet été à Lyon : les riverains \
            regrettent de ne pas avoir été consultés sur les travaux.";
        assert_eq!(c.add(4, same_subject), ClusterId(4));
        assert!(similarity(STORY, same_subject) < 0.2);
    }

    #[test]
    fn short_texts() {
        let mut c = Clusterer::new(ClusterParams::default());
        // Fewer words than a shingle: one shingle of all of them.
        assert_eq!(c.add(1, "Bravo !"), ClusterId(1));
        assert_eq!(c.add(2, "bravo"), ClusterId(1));
        assert_eq!(c.add(3, "Merci"), ClusterId(3));
        assert_eq!(c.add(4, "Bravo Lyon"), ClusterId(4));
        assert_eq!(c.add(5, "bravo, LYON"), ClusterId(4));
        // Exactly one shingle.
        assert_eq!(c.add(6, "trois petits chats"), ClusterId(6));
        assert_eq!(c.add(7, "Trois petits chats."), ClusterId(6));
        assert_eq!(c.add(8, "trois petits chiens"), ClusterId(8));
    }

    #[test]
    fn texts_without_words_get_their_own_cluster() {
        let mut c = Clusterer::new(ClusterParams::default());
        assert_eq!(c.add(1, ""), ClusterId(1));
        assert_eq!(c.add(2, ""), ClusterId(2));
        assert_eq!(c.add(3, "   "), ClusterId(3));
        assert_eq!(c.add(4, "!!! ... 😂😂"), ClusterId(4));
        assert!(c.is_empty());
        assert_eq!(c.add(5, STORY), ClusterId(5));
        assert_eq!(c.add(6, ""), ClusterId(6));
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn deterministic_across_runs() {
        let texts: Vec<String> = (0..200)
            .map(|i| match i % 4 {
                0 => format!("{STORY} {i}"),
                1 => format!("{OTHER} number {}", i / 8),
                2 => format!("RT @user{i}: {THIRD}"),
                _ => format!("post {i} about nothing in particular, item {}", i * 7),
            })
            .collect();
        let run = || {
            let mut c = Clusterer::new(ClusterParams::default());
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| c.add(i as u64, t))
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        // And the clustering is the expected one: a cluster per story.
        assert!(a.iter().step_by(4).all(|&c| c == ClusterId(0)));
        assert!(a.iter().skip(2).step_by(4).all(|&c| c == ClusterId(2)));
        // The signature itself is pinned, so a change of hashing is noticed.
        let mut c = Clusterer::new(ClusterParams::default());
        c.shingle("trois petits chats");
        c.sign();
        let mut again = Clusterer::new(ClusterParams::default());
        again.shingle("Trois petits chats !");
        again.sign();
        assert_eq!(c.signature, again.signature);
        assert_eq!(
            &c.signature[..4],
            &[413_607_251, 3_437_436_791, 1_156_123_685, 208_332_022],
            "pinned values of the first slots"
        );
    }

    #[test]
    fn oldest_items_are_forgotten_past_max_docs() {
        let params = ClusterParams {
            max_docs: 3,
            ..ClusterParams::default()
        };
        let mut c = Clusterer::new(params);
        assert_eq!(c.add(1, STORY), ClusterId(1));
        assert_eq!(c.add(2, OTHER), ClusterId(2));
        assert_eq!(c.add(3, STORY), ClusterId(1));
        assert_eq!(c.add(4, THIRD), ClusterId(4));
        // Item 1 is gone, item 3 (of cluster 1) is still kept.
        assert_eq!(c.len(), 3);
        assert_eq!(c.add(5, STORY), ClusterId(1));
        // Now 3 is gone too, 5 remains.
        assert_eq!(c.add(6, OTHER), ClusterId(6));
        assert_eq!(c.add(7, STORY), ClusterId(1));
        c.add(8, THIRD);
        c.add(9, THIRD);
        c.add(10, THIRD);
        // Every STORY item forgotten: a new cluster.
        assert_eq!(c.add(11, STORY), ClusterId(11));
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn tiny_band_tables_overwrite_but_stay_correct() {
        // Eight entries per band for hundreds of texts: entries are
        // overwritten all the time, stale tags abound; a repost right after
        // its original is still found, and nothing panics.
        let params = ClusterParams {
            max_docs: 8,
            ..ClusterParams::default()
        };
        let mut c = Clusterer::new(params);
        for i in 0..300u64 {
            let text: Vec<String> = (0..12).map(|k| format!("w{i}x{k}")).collect();
            let text = text.join(" ");
            let first = c.add(2 * i, &text);
            assert_eq!(first, ClusterId(2 * i), "{i}");
            assert_eq!(c.add(2 * i + 1, &format!("RT @x: {text}")), first, "{i}");
            assert!(c.len() <= 8);
        }
    }

    #[test]
    fn bucket_scan_is_bounded_but_finds_the_newest() {
        let params = ClusterParams {
            max_bucket_scan: 2,
            ..ClusterParams::default()
        };
        let mut c = Clusterer::new(params);
        for i in 0..50 {
            assert_eq!(c.add(i, STORY), ClusterId(0));
        }
        assert_eq!(c.add(100, &format!("RT @x: {STORY}")), ClusterId(0));
    }

    #[test]
    fn params_are_sanitised() {
        let c = Clusterer::new(ClusterParams {
            threshold: f64::NAN,
            shingle_size: 0,
            bands: 0,
            rows: 0,
            max_docs: 0,
            max_bucket_scan: 0,
        });
        let p = c.params();
        assert_eq!(p.threshold, 0.5);
        assert_eq!(
            (
                p.shingle_size,
                p.bands,
                p.rows,
                p.max_docs,
                p.max_bucket_scan
            ),
            (1, 1, 1, 1, 1)
        );
        let p = *Clusterer::new(ClusterParams {
            bands: 10_000,
            rows: 1_000,
            max_docs: usize::MAX,
            ..ClusterParams::default()
        })
        .params();
        assert_eq!((p.bands, p.rows, p.max_docs), (256, 64, 1 << 30));
        let mut c = Clusterer::new(ClusterParams {
            threshold: 7.0,
            ..ClusterParams::default()
        });
        assert_eq!(c.params().threshold, 1.0);
        assert_eq!(c.add(1, STORY), ClusterId(1));
        assert_eq!(c.add(2, STORY), ClusterId(1));
        let p: ClusterParams = serde_json::from_str("{\"threshold\": 0.6}").unwrap();
        assert_eq!(p.bands, 32);
        assert_eq!(p.num_hashes(), 128);
    }
}
