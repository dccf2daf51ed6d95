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
//!    shingle, hashed to 64 bits (xxHash3 of each word, then an
//!    order-sensitive mix). A text with fewer words than that is one shingle.
//! 2. **MinHash signature.** For each of `bands × rows` hash functions
//!    `hᵢ(x) = (aᵢ·x + bᵢ) >> 32` (multiply-shift, fixed odd `aᵢ` drawn from
//!    a fixed seed), the minimum over the shingles. Two texts agree on a
//!    slot with probability equal to the Jaccard similarity of their shingle
//!    sets, so the fraction of equal slots estimates it.
//! 3. **LSH banding.** The signature is cut into
//!    [`bands`](ClusterParams::bands) bands of [`rows`](ClusterParams::rows)
//!    slots; texts sharing any whole band become candidates. A pair of
//!    similarity `s` becomes a candidate with probability
//!    `1 − (1 − sʳ)ᵇ`: with the defaults (32 × 4) that is 87 % at
//!    `s = 0.5`, 99 % at 0.6, 0.5 % at 0.2.
//! 4. **Verification.** Each candidate's stored signature is compared and the
//!    most similar one with an estimated similarity of at least
//!    [`threshold`](ClusterParams::threshold) gives its cluster. No candidate
//!    passing: a new cluster, whose id is the new item's id.
//!
//! Clusters are never merged afterwards (an item that would bridge two
//! existing clusters joins the more similar one): cluster ids handed out stay
//! valid, which is what a worker storing them needs.
//!
//! # Why MinHash rather than SimHash
//!
//! SimHash (one 64-bit fingerprint, near duplicates within a few bits of
//! Hamming distance, found with a banded index of the bit blocks) is the
//! tool for web pages, where an edit changes a small part of a long text. A
//! post is some fifty words: replacing three of them changes a tenth of its
//! features, which moves a 64-bit SimHash by around ten bits, a distance at
//! which unrelated posts also start to meet, so the banded index has to be
//! wide and precision falls. MinHash estimates the Jaccard similarity
//! directly, its threshold means something ("half of the word triples in
//! common"), the banding's S-curve above tells its recall in advance, and
//! the signature costs `bands × rows` multiply-adds per shingle, a few
//! microseconds per post. The benchmark (`cargo bench -p relais-veille
//! --bench neardup`, see `bench/README.md`) measures it against Python's
//! `datasketch` with the same shingles and banding, on 100,000 generated
//! posts: the targets are pairwise F1 ≥ 0.9 and ≥ 50,000 posts/s on one
//! core.
//!
//! # Memory
//!
//! Per item kept: the signature (`4 × bands × rows` bytes, 512 by default),
//! a chain link per band (8 bytes each) and a slot per band in the band
//! index (about 16–32 bytes each): roughly 1.5 KB with the defaults, and no
//! text. At most [`max_docs`](ClusterParams::max_docs) items are kept; past
//! that the oldest is forgotten (its cluster id lives on in the items that
//! joined it later), so the clusterer is a sliding window over the stream.
//!
//! # Determinism
//!
//! Hash functions and seeds are fixed: the same items in the same order get
//! the same clusters on every run and every machine.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
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
    /// LSH bands. Default 32.
    pub bands: usize,
    /// Signature slots per band (the signature has `bands × rows` slots).
    /// Default 4: with 32 bands, a pair at the threshold (0.5) is found
    /// with probability 0.87 and a pair at 0.6 with 0.99, while unrelated
    /// posts (similarity below 0.1) almost never meet.
    pub rows: usize,
    /// Items kept; past that the oldest is forgotten. Default 100,000
    /// (about 150 MB).
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
    /// The parameters actually used: sizes below 1 become 1, the threshold
    /// is clamped to `[0, 1]` (NaN becomes the default).
    fn sanitised(self) -> Self {
        let threshold = if self.threshold.is_nan() {
            Self::default().threshold
        } else {
            self.threshold.clamp(0.0, 1.0)
        };
        Self {
            threshold,
            shingle_size: self.shingle_size.max(1),
            bands: self.bands.max(1),
            rows: self.rows.max(1),
            max_docs: self.max_docs.max(1),
            max_bucket_scan: self.max_bucket_scan.max(1),
        }
    }

    /// Signature slots: `bands × rows`.
    pub fn num_hashes(&self) -> usize {
        self.bands.max(1) * self.rows.max(1)
    }
}

/// No next item in a band chain.
const NONE: u64 = u64::MAX;

/// The finaliser of SplitMix64: a bijective, well-mixing map of 64 bits.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hasher of the band index, whose keys are already uniform 64-bit hashes.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix64(self.0 ^ u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type BandIndex = HashMap<u64, u64, BuildHasherDefault<KeyHasher>>;

/// An item kept: its cluster, signature and, per band, the sequence number
/// of the previous item with the same band key (or [`NONE`]).
struct Doc {
    cluster: ClusterId,
    signature: Box<[u32]>,
    next: Box<[u64]>,
}

/// Streaming near-duplicate clusterer (see the [module documentation](self)).
pub struct Clusterer {
    params: ClusterParams,
    /// Multipliers (odd) and offsets of the hash functions.
    mul: Box<[u64]>,
    add: Box<[u64]>,
    docs: VecDeque<Doc>,
    /// Sequence number of `docs[0]`.
    first_seq: u64,
    /// Band key → sequence number of the newest item with it.
    index: BandIndex,
    // Buffers reused across calls.
    folded: String,
    words: Vec<u64>,
    shingles: Vec<u64>,
    candidates: Vec<u64>,
    keys: Vec<u64>,
}

impl std::fmt::Debug for Clusterer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clusterer")
            .field("params", &self.params)
            .field("docs", &self.docs.len())
            .finish_non_exhaustive()
    }
}

/// Appends the folded `text` to `out`: lowercase, canonically decomposed,
/// combining marks removed (`"Élève"` → `"eleve"`).
fn fold(text: &str, out: &mut String) {
    if text.is_ascii() {
        out.extend(text.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.extend(
            text.chars()
                .flat_map(char::to_lowercase)
                .nfd()
                .filter(|&c| !is_combining_mark(c)),
        );
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
            mul.push(draw() | 1);
            add.push(draw());
        }
        Self {
            params,
            mul: mul.into(),
            add: add.into(),
            docs: VecDeque::new(),
            first_seq: 0,
            index: BandIndex::default(),
            folded: String::new(),
            words: Vec::new(),
            shingles: Vec::new(),
            candidates: Vec::new(),
            keys: Vec::new(),
        }
    }

    /// The parameters in use.
    pub fn params(&self) -> &ClusterParams {
        &self.params
    }

    /// Items currently kept.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no item is kept.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
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
            self.shingles.push(h);
        }
    }

    /// The MinHash signature of `self.shingles`.
    fn signature(&self) -> Box<[u32]> {
        let mut sig = vec![u32::MAX; self.mul.len()];
        for &x in &self.shingles {
            for ((slot, &a), &b) in sig.iter_mut().zip(self.mul.iter()).zip(self.add.iter()) {
                let v = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
                if v < *slot {
                    *slot = v;
                }
            }
        }
        sig.into()
    }

    fn band_key(band: usize, rows: &[u32]) -> u64 {
        let mut k = mix64(band as u64 ^ 0x6261_6E64); // "band"
        for &v in rows {
            k = mix64(k ^ u64::from(v));
        }
        k
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
        let signature = self.signature();
        let rows = self.params.rows;

        self.keys.clear();
        self.keys.extend(
            signature
                .chunks_exact(rows)
                .enumerate()
                .map(|(band, chunk)| Self::band_key(band, chunk)),
        );

        // Candidates: the newest items of each band bucket.
        self.candidates.clear();
        for (band, key) in self.keys.iter().enumerate() {
            let mut seq = self.index.get(key).copied().unwrap_or(NONE);
            let mut scanned = 0;
            while seq != NONE && seq >= self.first_seq && scanned < self.params.max_bucket_scan {
                self.candidates.push(seq);
                scanned += 1;
                let Some(doc) = self.docs.get((seq - self.first_seq) as usize) else {
                    break;
                };
                seq = doc.next[band];
            }
        }
        self.candidates.sort_unstable();
        self.candidates.dedup();

        // Verification: the most similar candidate, newest on ties.
        let mut best: Option<(usize, u64)> = None;
        for &seq in self.candidates.iter().rev() {
            let Some(doc) = self.docs.get((seq - self.first_seq) as usize) else {
                continue;
            };
            let same = doc
                .signature
                .iter()
                .zip(signature.iter())
                .filter(|(a, b)| a == b)
                .count();
            if best.is_none_or(|(top, _)| same > top) {
                best = Some((same, seq));
            }
        }
        let n = signature.len() as f64;
        let cluster = best
            .filter(|&(same, _)| same as f64 / n >= self.params.threshold)
            .and_then(|(_, seq)| self.docs.get((seq - self.first_seq) as usize))
            .map_or(ClusterId(id), |doc| doc.cluster);

        // Keep the item.
        if self.docs.len() >= self.params.max_docs {
            self.evict_oldest();
        }
        let seq = self.first_seq + self.docs.len() as u64;
        let next: Box<[u64]> = self
            .keys
            .iter()
            .map(|&key| self.index.insert(key, seq).unwrap_or(NONE))
            .collect();
        self.docs.push_back(Doc {
            cluster,
            signature,
            next,
        });
        cluster
    }

    fn evict_oldest(&mut self) {
        let Some(doc) = self.docs.pop_front() else {
            return;
        };
        let seq = self.first_seq;
        self.first_seq += 1;
        for (band, chunk) in doc.signature.chunks_exact(self.params.rows).enumerate() {
            let key = Self::band_key(band, chunk);
            if self.index.get(&key) == Some(&seq) {
                self.index.remove(&key);
            }
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
        let sa = c.signature();
        c.shingle(b);
        let sb = c.signature();
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
        let sig = c.signature();
        let mut again = Clusterer::new(ClusterParams::default());
        again.shingle("Trois petits chats !");
        assert_eq!(sig, again.signature());
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
