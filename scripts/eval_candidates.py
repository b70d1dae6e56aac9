#!/usr/bin/env python3
"""Measure a statistical candidate generator beside the exact reader, on the development sets.

The generator is the method of scispaCy's UMLS linker: every name of every node (KB labels and
synonyms, the lexicon's lay phrases, HPO's synonyms) becomes a TF-IDF vector of character 3-grams;
a piece of text the reader left unread is compared with them by cosine similarity, and the best
names above a threshold are candidates.  The exact reader then verifies a candidate: every word of
the candidate name must stand in the piece, spelt the same or one edit away (the matcher's own
spelling rule), so "sciatic stretch tests" can never become "stretching".

What it would add is measured without changing the reader: each verified candidate is compared
with the annotations over the piece (tests/data/published) and with the phrase's expected node
(tests/data/blind/phrases.tsv).  Usage::

    python scripts/eval_candidates.py [--threshold 0.6]
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import math
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import painkg  # noqa: E402
from painkg.kb.resolve import words  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
import score_cases  # noqa: E402


class CharTfidf:
    """Character 3-gram TF-IDF over names, with an inverted index for cosine search."""

    def __init__(self, names: list[tuple[str, str]]) -> None:
        self.names = names  # (text, node id)
        grams = [self._grams(t) for t, _ in names]
        df = Counter(g for gs in grams for g in set(gs))
        n = len(names)
        self.idf = {g: math.log((1 + n) / (1 + d)) + 1 for g, d in df.items()}
        self.vectors = []
        self.index: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for k, gs in enumerate(grams):
            vec = self._vector(gs)
            self.vectors.append(vec)
            for g, w in vec.items():
                self.index[g].append((k, w))

    @staticmethod
    def _grams(text: str) -> Counter:
        t = " " + re.sub(r"[^a-z0-9 ]", " ", text.lower()) + " "
        return Counter(t[i:i + 3] for i in range(len(t) - 2))

    def _vector(self, grams: Counter) -> dict[str, float]:
        vec = {g: c * self.idf.get(g, 0.0) for g, c in grams.items()}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        return {g: w / norm for g, w in vec.items() if w}

    def search(self, text: str, k: int = 5) -> list[tuple[float, str, str]]:
        q = self._vector(self._grams(text))
        scores: dict[int, float] = defaultdict(float)
        for g, w in q.items():
            for j, v in self.index.get(g, ()):
                scores[j] += w * v
        best = sorted(scores.items(), key=lambda kv: -kv[1])[:k]
        return [(s, self.names[j][0], self.names[j][1]) for j, s in best]


def all_names(kg) -> list[tuple[str, str]]:
    from painkg.reading.read import _table

    tab = _table(kg)
    out = set()
    for names in tab.keys.values():
        for nm in names:
            if len(nm.nodes) == 1 and not nm.inverted and not nm.result:
                out.add((nm.text, nm.nodes[0]))
    return sorted(out)


def verified(piece: str, name: str) -> bool:
    """Every word of the name stands in the piece, the same or one edit away."""
    said = words(piece)
    for w in words(name):
        if not any(w == s or (len(w) >= 5 and difflib.SequenceMatcher(None, w, s).ratio() >= 0.85) for s in said):
            return False
    return True


def propose(index: CharTfidf, piece: str, threshold: float) -> tuple[str, str, float] | None:
    for score, name, node in index.search(piece):
        if score < threshold:
            break
        if verified(piece, name):
            return node, name, score
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=0.6)
    args = parser.parse_args(argv)
    kg = painkg.load()
    start = time.perf_counter()
    index = CharTfidf(all_names(kg))
    built = time.perf_counter() - start
    print(f"index of {len(index.names)} names, {len(index.idf)} 3-grams built in {1000 * built:.0f} ms")
    mapping = score_cases.concepts()
    cases = [json.loads(line) for line in score_cases.CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    tally = Counter()
    timings = []
    for case in cases:
        reading = kg.read(case["text"])
        used: set[int] = set()
        spans = []
        for m in case["mentions"]:
            where = score_cases._locate(case["text"], m["span"], used)
            if where:
                spans.append((where, mapping[m["concept"]], m))
        for u in reading.unread:
            t0 = time.perf_counter()
            found = propose(index, u.text, args.threshold)
            timings.append(time.perf_counter() - t0)
            if found is None:
                continue
            node, name, score = found
            over = [(n, m) for (s, e), n, m in spans if s < u.end and u.start < e]
            if not over:
                verdict = "no annotation"
            elif any(node in n.replace("not:", "").split("|") for n, _ in over):
                verdict = "right node"
            else:
                verdict = "wrong node"
            tally[verdict] += 1
            print(f"  {verdict:13} {case['id']} {u.text!r} -> {node} ({name!r}, {score:.2f})"
                  + (f"; annotated {[n for n, _ in over]}" if over else ""))
    print(f"published cases: verified candidates for unread pieces: {dict(tally)}")
    with (ROOT / "tests" / "data" / "blind" / "phrases.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    tally = Counter()
    for row in rows:
        reading = kg.read(row["phrase"])
        expected = kg.index.best(row["concept"])
        expected = expected.node_id if expected and row["in_scope"] == "yes" else None
        for u in reading.unread:
            found = propose(index, u.text, args.threshold)
            if found is None:
                continue
            node = found[0]
            verdict = "right node" if node == expected else "wrong node" if expected or row["style"] == "trap" \
                else "not in KB"
            tally[verdict] += 1
            print(f"  {verdict:13} {row['id']} {u.text!r} -> {node} ({found[1]!r}, {found[2]:.2f}); expected {expected}")
    print(f"blind phrases: verified candidates for unread pieces: {dict(tally)}")
    if timings:
        timings.sort()
        print(f"candidate search per unread piece: median {1000 * timings[len(timings) // 2]:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
