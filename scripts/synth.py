#!/usr/bin/env python3
"""Write a synthetic, valid painkg KB folder of N nodes and about 10·N edges.

For scale tests and benchmarks.  Kinds and relations follow the vocabulary's
domains and ranges; causes flow one way (conditions → anatomy → symptoms and
regions), as in the real KB, and a few *hub* symptoms get hundreds of sources
each, the case that breaks a naive search.  Deterministic for a given seed::

    python scripts/synth.py 100000 /tmp/synth-100k
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from painkg.kb.vocab import EDGE_COLUMNS, NODE_COLUMNS, Area, Grade, Kind, Relation

#: Share of nodes per kind.
SHARES = {
    Kind.CONDITION: 0.15, Kind.SYMPTOM: 0.12, Kind.FINDING: 0.10, Kind.STRUCTURE: 0.12, Kind.MUSCLE: 0.10,
    Kind.NERVE: 0.10, Kind.REGION: 0.03, Kind.TREATMENT: 0.12, Kind.TEST: 0.03, Kind.ACTIVITY: 0.13,
}
HUBS = 5  # hub symptoms
HUB_SOURCES = 400  # extra sources per hub
GRADES = list(Grade)
AREAS = [a.value for a in Area]


def ids_by_kind(n: int) -> dict[Kind, list[str]]:
    out, start = {}, 0
    for kind, share in SHARES.items():
        count = max(3, int(n * share))
        out[kind] = [f"{kind.value}-{i}" for i in range(start, start + count)]
        start += count
    return out


def edge_plan(ids: dict[Kind, list[str]]):
    """(relation, sources, targets, weight): how often each edge type is drawn."""
    nerves = ids[Kind.NERVE]
    roots, peripheral = nerves[: len(nerves) // 5], nerves[len(nerves) // 5:]
    anatomy = ids[Kind.STRUCTURE] + ids[Kind.MUSCLE] + peripheral
    effects = ids[Kind.SYMPTOM] + ids[Kind.FINDING]
    return [
        (Relation.PRESENTS_WITH, ids[Kind.CONDITION], effects, 3.0),
        (Relation.AFFECTS, ids[Kind.CONDITION], ids[Kind.STRUCTURE] + ids[Kind.MUSCLE], 1.0),
        (Relation.COMPRESSES, ids[Kind.CONDITION], roots + peripheral, 0.5),
        (Relation.DIAGNOSED_BY, ids[Kind.CONDITION], ids[Kind.FINDING] + ids[Kind.TEST], 1.0),
        (Relation.AGGRAVATED_BY, ids[Kind.CONDITION], ids[Kind.ACTIVITY], 0.5),
        (Relation.RELIEVED_BY, ids[Kind.CONDITION], ids[Kind.ACTIVITY], 0.3),
        (Relation.TREATED_BY, ids[Kind.CONDITION], ids[Kind.TREATMENT], 1.0),
        (Relation.REFERS_TO, anatomy + roots, ids[Kind.SYMPTOM], 2.0),
        (Relation.BRANCH_OF, peripheral, roots, 0.2),
        (Relation.COMPENSATES_FOR, ids[Kind.STRUCTURE] + ids[Kind.MUSCLE], ids[Kind.FINDING], 0.3),
        (Relation.INNERVATED_BY, ids[Kind.STRUCTURE] + ids[Kind.MUSCLE] + ids[Kind.REGION], nerves, 0.5),
        (Relation.ATTACHES_TO, ids[Kind.MUSCLE], ids[Kind.STRUCTURE], 0.3),
        (Relation.LOCATED_IN, ids[Kind.SYMPTOM] + anatomy, ids[Kind.REGION], 0.8),
        (Relation.MIMICS, ids[Kind.CONDITION], ids[Kind.CONDITION], 0.1),
    ]


def write(n: int, folder: Path, *, seed: int = 0) -> tuple[int, int]:
    """Write the KB folder; return (nodes, edges)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = ids_by_kind(n)
    for kind, names in ids.items():
        with (folder / f"nodes-{kind.value}.tsv").open("w", encoding="utf-8") as f:
            f.write("\t".join(NODE_COLUMNS) + "\n")
            for name in names:
                prior = rng.choice(("common", "occasional", "rare")) if kind is Kind.CONDITION else ""
                red = "yes" if kind is Kind.CONDITION and rng.random() < 0.01 else ""
                synonym = f"{name.replace('-', ' ')} alias" if rng.random() < 0.3 else ""
                f.write("\t".join((name, name.replace("-", " "), synonym, "", rng.choice(AREAS),
                                   f"Synthetic {kind.value}.", red, "", prior, "")) + "\n")
    target_edges = 10 * sum(len(v) for v in ids.values())
    plan = edge_plan(ids)
    weights = [w for *_, w in plan]
    seen: set[tuple[str, str, str]] = set()
    hubs = ids[Kind.SYMPTOM][:HUBS]
    sources = ids[Kind.CONDITION] + ids[Kind.STRUCTURE] + ids[Kind.MUSCLE]
    with (folder / "edges-synthetic.tsv").open("w", encoding="utf-8") as f:
        f.write("\t".join(EDGE_COLUMNS) + "\n")

        def emit(source: str, relation: Relation, target: str) -> None:
            key = (source, relation.value, target)
            if key in seen or source == target:
                return
            seen.add(key)
            cells = dict.fromkeys(EDGE_COLUMNS, "")
            cells.update(source=source, relation=relation.value, target=target,
                         strength=rng.choice(GRADES).value, references="anatomy")
            if relation is Relation.REFERS_TO and rng.random() < 0.2:
                cells.update(frequency=f"{rng.uniform(0.05, 0.9):.2f}", references="lesher2008")
            if relation is Relation.DIAGNOSED_BY and rng.random() < 0.3:
                cells.update(sensitivity=f"{rng.uniform(0.3, 0.98):.2f}", specificity=f"{rng.uniform(0.3, 0.98):.2f}",
                             references="laslett2005")
            if relation is Relation.TREATED_BY and rng.random() < 0.1:
                cells.update(qualifier="not-recommended", references="nice_ng59")
            f.write("\t".join(cells[c] for c in EDGE_COLUMNS) + "\n")

        for hub in hubs:  # hub symptoms: hundreds of causes each
            for source in rng.sample(sources, min(HUB_SOURCES, len(sources))):
                relation = Relation.PRESENTS_WITH if source.startswith("condition") else Relation.REFERS_TO
                emit(source, relation, hub)
        while len(seen) < target_edges:
            relation, domain, range_, _ = rng.choices(plan, weights)[0]
            emit(rng.choice(domain), relation, rng.choice(range_))
    return sum(len(v) for v in ids.values()), len(seen)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nodes", type=int, help="number of nodes, e.g. 100000")
    parser.add_argument("folder", type=Path, help="output folder (created)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    nodes, edges = write(args.nodes, args.folder, seed=args.seed)
    print(f"wrote {nodes} nodes and {edges} edges to {args.folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
