#!/usr/bin/env python3
"""Peer of relais's near-duplicate benchmark: the same clustering with
datasketch's MinHash and MinHashLSH.

Usage: neardup_datasketch.py CORPUS.jsonl [--threshold 0.5] [--shingle-size 3]
                                          [--bands 32] [--rows 4]

CORPUS.jsonl has one post per line: {"id": int, "text": str, "truth": int},
written by `cargo bench -p relais-veille --bench neardup`. The clustering
mirrors relais_veille::neardup::Clusterer:

- text folded (lowercase, NFD, combining marks dropped), cut into words
  (a regular expression approximating Unicode word boundaries: letters and
  digits, joined across an apostrophe, a period or a colon), shingles of
  `shingle-size` consecutive words (one shingle of all words when fewer);
- a MinHash of bands x rows permutations (datasketch's default scheme and
  hash function, permutations drawn once and shared by every MinHash);
- MinHashLSH with exactly (bands, rows) as its banding;
- streaming: each post queries the index, joins the cluster of the candidate
  with the most equal signature slots if that fraction reaches the threshold
  (newest on ties), else starts a cluster named by its own id; then it is
  inserted. A post without words gets its own cluster and is not inserted.

Timed: the loop above for every post (the corpus already parsed). It prints
docs/s and pairwise precision/recall/F1 against the truth (over all pairs of
posts: same predicted cluster vs same original), then one line
`RESULT {json}` for the benchmark to read.
"""

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter

import numpy as np
from datasketch import MinHash, MinHashLSH

try:
    from importlib.metadata import version as _version

    DATASKETCH_VERSION = _version("datasketch")
except Exception:  # pragma: no cover - only for odd installs
    DATASKETCH_VERSION = "?"

WORD = re.compile(r"\w+(?:['.:\u2019\u00b7]\w+)*")


def fold(text):
    if text.isascii():
        return text.lower()
    return "".join(
        c
        for c in unicodedata.normalize("NFD", text.lower())
        if not unicodedata.category(c).startswith("M")
    )


def words_of(text):
    return WORD.findall(fold(text))


def pairs(n):
    return n * (n - 1) // 2


def pairwise(predicted, truth):
    cells = Counter(zip(predicted, truth))
    tp = sum(pairs(n) for n in cells.values())
    pred = sum(pairs(n) for n in Counter(predicted).values())
    real = sum(pairs(n) for n in Counter(truth).values())
    precision = tp / pred if pred else 1.0
    recall = tp / real if real else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--shingle-size", type=int, default=3)
    ap.add_argument("--bands", type=int, default=32)
    ap.add_argument("--rows", type=int, default=4)
    args = ap.parse_args()

    with open(args.corpus, encoding="utf-8") as f:
        posts = [json.loads(line) for line in f if line.strip()]
    n = len(posts)
    num_perm = args.bands * args.rows
    template = MinHash(num_perm=num_perm, seed=1)
    permutations = template.permutations
    scheme = template.scheme
    lsh = MinHashLSH(
        threshold=args.threshold, num_perm=num_perm, params=(args.bands, args.rows)
    )
    k = args.shingle_size
    signatures = {}
    cluster_of = {}
    predicted = []
    total_words = 0

    start = time.perf_counter()
    cpu_start = time.thread_time()
    for post in posts:
        pid = post["id"]
        words = words_of(post["text"])
        total_words += len(words)
        kk = min(k, len(words))
        if kk == 0:
            predicted.append(pid)
            continue
        shingles = {
            " ".join(words[i : i + kk]).encode("utf-8")
            for i in range(len(words) - kk + 1)
        }
        m = MinHash(num_perm=num_perm, permutations=permutations, scheme=scheme)
        m.update_batch(list(shingles))
        best, best_same = None, -1
        for cand in lsh.query(m):
            same = int(np.count_nonzero(signatures[cand] == m.hashvalues))
            if same > best_same or (same == best_same and cand > best):
                best, best_same = cand, same
        if best is not None and best_same / num_perm >= args.threshold:
            cluster = cluster_of[best]
        else:
            cluster = pid
        lsh.insert(pid, m)
        signatures[pid] = m.hashvalues
        cluster_of[pid] = cluster
        predicted.append(cluster)
    secs = time.perf_counter() - start
    cpu_secs = time.thread_time() - cpu_start

    truth = [p["truth"] for p in posts]
    precision, recall, f1 = pairwise(predicted, truth)
    rate = n / secs
    clusters = len(set(predicted))
    print(
        f"datasketch {DATASKETCH_VERSION} (numpy {np.__version__}, Python "
        f"{sys.version.split()[0]}): {n} posts, wall {secs:.2f} s = {rate:,.0f} docs/s, "
        f"CPU {cpu_secs:.2f} s = {n / cpu_secs:,.0f} docs/s"
    )
    print(
        f"precision {precision:.4f}, recall {recall:.4f}, F1 {f1:.4f}, "
        f"{clusters:,} clusters, {total_words:,} words"
    )
    print(
        "RESULT "
        + json.dumps(
            {
                "version": DATASKETCH_VERSION,
                "docs": n,
                "seconds": secs,
                "docs_per_s": rate,
                "cpu_seconds": cpu_secs,
                "cpu_docs_per_s": n / cpu_secs,
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "clusters": clusters,
                "words": total_words,
            }
        )
    )


if __name__ == "__main__":
    main()
