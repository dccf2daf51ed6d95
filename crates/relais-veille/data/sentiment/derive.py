#!/usr/bin/env python3
"""Derive the shipped sentiment lexicons from the upstream PyPI packages.

Usage (from this directory):

    pip download --no-deps vaderSentiment==3.3.2 vaderSentiment-fr==1.3.4 -d /tmp/lex
    python3 derive.py /tmp/lex            # writes en.tsv, fr.tsv and the licence files
    python3 derive.py /tmp/lex --check    # also checks the hand-kept tables against upstream

The archives are read in place (nothing is unpacked) and every input is checked
against the sha256 recorded below, so a different upstream file is an error.

Lexicon rules: one `word<TAB>mean valence` line per entry, in upstream order,
keys lowercased (the upstream analysers lowercase tokens before the lookup, so
upper-case keys were unreachable there). When two lines share a lowercased key,
a line whose key was already lowercase wins over one that was not, and among
equals the later line wins (upstream loads the file into a dict).
"""

import ast
import hashlib
import sys
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

EN_ARCHIVE = "vaderSentiment-3.3.2-py2.py3-none-any.whl"
EN_ARCHIVE_SHA = "3bf1d243b98b1afad575b9f22bc2cb1e212b94ff89ca74f8a23a588d024ea311"
FR_ARCHIVE = "vaderSentiment_fr-1.3.4.tar.gz"
FR_ARCHIVE_SHA = "615af9a3eff0717a63941073801668e384610a2225622dc1f8d3ff0c0958cd34"

# (path inside the archive, sha256 of that file)
EN_LEXICON = ("vaderSentiment/vader_lexicon.txt",
              "1ec9c6e9ee19aade328f8beb393a6afa71a5bb3acf7d3cc22d4ef568df374bf5")
EN_MODULE = ("vaderSentiment/vaderSentiment.py",
             "25cd814d23000b41c0e242d99960832c6620b3f1b844469173404500ce63206b")
EN_LICENSE = ("vaderSentiment-3.3.2.dist-info/LICENSE.txt",
              "74cfe41cdbf7f6925aeb4c18c148ec8db042540edb6739fd81069aa4e3c8b118")
FR_LEXICON = ("vaderSentiment_fr-1.3.4/vaderSentiment_fr/fr_lexicon.txt",
              "80f965ff0f6816310912195c1ce949f925af6ab45dcd4941e123c36049a2aed2")
FR_MODULE = ("vaderSentiment_fr-1.3.4/vaderSentiment_fr/vaderSentiment.py",
             "20048fe7363eeccd6abca04151c3fc69edad8ef9786826f558f48a4bec15f33a")
FR_NO_NEGATE = ("vaderSentiment_fr-1.3.4/vaderSentiment_fr/no_negate.txt",
                "7cebc55a7cca2347eba3e3e10265b7536eb98190201d6cef5de62b316585dd59")
FR_LICENSE = ("vaderSentiment_fr-1.3.4/LICENSE.txt",
              "b78925304c567623f14677bad66b8e305e7ddcaf7982c8d8411ce51c55a8bf51")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def check_sha(name, data, expected):
    got = sha256(data)
    if got != expected:
        sys.exit(f"{name}: sha256 {got}, expected {expected}")
    return data


def read_whl(archive, member):
    with zipfile.ZipFile(archive) as z:
        return check_sha(member[0], z.read(member[0]), member[1])


def read_tgz(archive, member):
    with tarfile.open(archive, "r:gz") as t:
        f = t.extractfile(member[0])
        if f is None:
            sys.exit(f"{member[0]}: not a file")
        return check_sha(member[0], f.read(), member[1])


def parse_lexicon(text, sep):
    """Returns [(lowercased key, valence text)] after the dedup rule above."""
    order = []
    best = {}  # key -> (rank, valence); rank 1 = key was already lowercase
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split(sep)
        if len(fields) < 2:
            sys.exit(f"line {n}: no separator: {line!r}")
        word, valence = fields[0].strip(), fields[1].strip()
        float(valence)  # must parse
        if not word or "\t" in word:
            sys.exit(f"line {n}: bad key {word!r}")
        key = word.lower()
        rank = 1 if word == key else 0
        if key not in best:
            order.append(key)
            best[key] = (rank, valence)
        elif rank >= best[key][0]:
            best[key] = (rank, valence)
    return [(k, best[k][1]) for k in order]


def write_tsv(path, entries):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for key, valence in entries:
            f.write(f"{key}\t{valence}\n")
    print(f"{path.name}: {len(entries)} entries, {path.stat().st_size} bytes")


def module_constants(source):
    """Top-level `NAME = literal` assignments; B_INCR/B_DECR names become 'incr'/'decr'."""
    names = {"B_INCR": "incr", "B_DECR": "decr"}
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Dict):
                out[node.targets[0].id] = {
                    ast.literal_eval(k): names.get(getattr(v, "id", None))
                    if isinstance(v, ast.Name) else ast.literal_eval(v)
                    for k, v in zip(value.keys, value.values)
                }
            elif isinstance(value, ast.List):
                out[node.targets[0].id] = [ast.literal_eval(e) for e in value.elts]
    return out


def read_table(name):
    rows = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def check_tables(en_module, fr_module, fr_no_negate):
    """Every row tagged with an upstream source must match that upstream table."""
    en = module_constants(en_module)
    fr = module_constants(fr_module)
    upstream = {
        "vaderSentiment": (en["NEGATE"], en["BOOSTER_DICT"], {}),
        "vaderSentiment-fr": (fr["NEGATE"], fr["BOOSTER_DICT"],
                              set(fr_no_negate.split())),
    }
    errors = 0
    for table in ("modifiers-en.tsv", "modifiers-fr.tsv"):
        for word, role, source in read_table(table):
            if source not in upstream:
                continue
            negate, boosters, no_negate = upstream[source]
            ok = (
                (role in ("incr", "decr") and boosters.get(word) == role)
                or (role == "negation" and word in negate)
                or (role == "keep-polarity" and word in no_negate)
            )
            if not ok:
                errors += 1
                print(f"{table}: {word!r} {role} is not in {source}")
    idioms = {**en["SPECIAL_CASES"], **en["SENTIMENT_LADEN_IDIOMS"]}
    for phrase, valence, source in read_table("idioms-en.tsv"):
        if source == "vaderSentiment" and idioms.get(phrase) != float(valence):
            errors += 1
            print(f"idioms-en.tsv: {phrase!r} {valence} is not in {source}")
    if errors:
        sys.exit(f"{errors} table rows do not match upstream")
    print("tables match upstream")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    src = Path(sys.argv[1])
    en_archive = check_sha(EN_ARCHIVE, (src / EN_ARCHIVE).read_bytes(), EN_ARCHIVE_SHA)
    fr_archive = check_sha(FR_ARCHIVE, (src / FR_ARCHIVE).read_bytes(), FR_ARCHIVE_SHA)
    del en_archive, fr_archive  # checked; members are read below

    en_lexicon = read_whl(src / EN_ARCHIVE, EN_LEXICON).decode("utf-8")
    fr_lexicon = read_tgz(src / FR_ARCHIVE, FR_LEXICON).decode("utf-8")
    write_tsv(HERE / "en.tsv", parse_lexicon(en_lexicon, "\t"))
    write_tsv(HERE / "fr.tsv", parse_lexicon(fr_lexicon, "->"))
    (HERE / "LICENSE-vaderSentiment.txt").write_bytes(read_whl(src / EN_ARCHIVE, EN_LICENSE))
    (HERE / "LICENSE-vaderSentiment-fr.txt").write_bytes(read_tgz(src / FR_ARCHIVE, FR_LICENSE))

    if "--check" in sys.argv[2:]:
        check_tables(
            read_whl(src / EN_ARCHIVE, EN_MODULE).decode("utf-8"),
            read_tgz(src / FR_ARCHIVE, FR_MODULE).decode("utf-8"),
            read_tgz(src / FR_ARCHIVE, FR_NO_NEGATE).decode("utf-8"),
        )


if __name__ == "__main__":
    main()
