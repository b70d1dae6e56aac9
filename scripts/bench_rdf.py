"""Benchmark RDF export: rdflib (build a Graph, serialize) vs painkg's fast writers, same graph.

Usage::

    python scripts/bench_rdf.py                    # 100k nodes, ~1M edges, 3 runs each
    python scripts/bench_rdf.py --nodes 10000 --runs 5

Prints triples per second (median of the runs, with min–max) for N-Triples and
Turtle both ways, the ratio, and checks that the outputs hold the same triples
(pyoxigraph parses both; triples without blank nodes must be identical, and the
blank-node triples of the ordered lists equal in number).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from painkg.kb.graph import KnowledgeGraph, from_graph
from painkg.rdf.ntriples import write_ntriples, write_turtle
from painkg.kb.vocab import NUMBER_COLUMNS, Area, Grade, Kind, Qualifier, Relation

# Share of nodes per kind, roughly that of the bundled KB.
KIND_SHARE = {Kind.CONDITION: 20, Kind.SYMPTOM: 20, Kind.FINDING: 10, Kind.MUSCLE: 10, Kind.NERVE: 5,
              Kind.STRUCTURE: 15, Kind.REGION: 5, Kind.TREATMENT: 10, Kind.TEST: 3, Kind.ACTIVITY: 2}
TREATMENT = {r for r in Relation if r.range == {Kind.TREATMENT}}


def synthetic(nodes: int, *, edges_per_node: int = 10, seed: int = 7) -> KnowledgeGraph:
    """Return a valid KB of *nodes* nodes and about ``edges_per_node * nodes`` edges with evidence."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    by_kind: dict[Kind, list[str]] = {k: [] for k in Kind}
    kinds = rng.choices(list(KIND_SHARE), weights=list(KIND_SHARE.values()), k=nodes)
    keys = [f"ref{i}" for i in range(200)]
    references = {k: {"key": k, "citation": f"Author {k}, \"A study\", J 2020", "pmid": str(10_000_000 + i),
                      "doi": f"10.1000/{k}", "status": "verified"} for i, k in enumerate(keys)}
    for i, kind in enumerate(kinds):
        node_id = f"{kind.value}-{i}"
        by_kind[kind].append(node_id)
        graph.add_node(node_id, kind=kind, label=f"{kind.value} {i}", synonyms=(f"syn {i}", f"alt \"{i}\""),
                       codes=("HP:0003419",) if kind is Kind.SYMPTOM else (), region=rng.choice(list(Area)),
                       definition=f"Synthetic {kind.value} number {i}.", red_flag=rng.random() < 0.01,
                       prior=rng.choice(list(Grade)) if kind is Kind.CONDITION else None, references=())
    seen: set[tuple] = set()
    relations = [r for r in Relation if all(by_kind[k] for k in r.domain) and all(by_kind[k] for k in r.range)]
    wanted = edges_per_node * nodes
    while len(seen) < wanted:  # graph.number_of_edges() is O(E) on a MultiDiGraph
        relation = rng.choice(relations)
        source = rng.choice(by_kind[rng.choice(sorted(relation.domain))])
        target = rng.choice(by_kind[rng.choice(sorted(relation.range))])
        data = {"strength": rng.choice(list(Grade)), "references": (rng.choice(keys),)}
        if rng.random() < 0.2:
            data[rng.choice(NUMBER_COLUMNS[:3])] = round(rng.random(), 3)
            data["references"] += ("seed",)
        if relation in TREATMENT:
            data["qualifier"] = rng.choice(list(Qualifier))
        if rng.random() < 0.05:
            data["note"] = "n = 42; \"pooled\"\nsecond line"
        graph.add_edge(source, target, key=relation, **data)
        seen.add((source, target, relation))
    return from_graph(graph, references)


@dataclass(frozen=True, slots=True)
class Timing:
    name: str
    triples: int
    seconds: tuple[float, ...]

    @property
    def rate(self) -> float:
        return self.triples / statistics.median(self.seconds)

    def __str__(self) -> str:
        lo, hi = min(self.seconds), max(self.seconds)
        return (f"{self.name:<28} {self.triples:>10,} triples  median {statistics.median(self.seconds):8.2f} s "
                f"({lo:.2f}–{hi:.2f})  {self.rate:>12,.0f} triples/s")


def _fast(kg: KnowledgeGraph, folder: Path, runs: int) -> tuple[Timing, Timing]:
    results = []
    for name, writer, suffix in (("fast N-Triples", write_ntriples, "nt"), ("fast Turtle", write_turtle, "ttl")):
        seconds, count = [], 0
        for _ in range(runs):
            gc.collect()
            start = time.perf_counter()
            with open(folder / f"fast.{suffix}", "w", encoding="utf-8") as out:
                count = writer(kg, out)
            seconds.append(time.perf_counter() - start)
        results.append(Timing(name, count, tuple(seconds)))
    return results[0], results[1]


def _rdflib(kg: KnowledgeGraph, folder: Path, runs: int) -> tuple[Timing, Timing]:
    from painkg.rdf.export import to_rdf

    nt, ttl, count = [], [], 0
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        graph = to_rdf(kg)
        built = time.perf_counter() - start
        count = len(graph)
        for seconds, syntax, suffix in ((nt, "nt", "nt"), (ttl, "turtle", "ttl")):
            start = time.perf_counter()
            graph.serialize(destination=str(folder / f"rdflib.{suffix}"), format=syntax, encoding="utf-8")
            seconds.append(built + time.perf_counter() - start)
        del graph
    return Timing("rdflib build + N-Triples", count, tuple(nt)), Timing("rdflib build + Turtle", count, tuple(ttl))


def same_triples(first: Path, second: Path) -> bool:
    """True when both files hold the same ground triples and as many blank-node triples."""
    import pyoxigraph

    def split(path):
        syntax = pyoxigraph.RdfFormat.from_extension(path.suffix.lstrip("."))
        ground, blank = set(), 0
        for triple in pyoxigraph.parse(path=str(path), format=syntax):
            if isinstance(triple.subject, pyoxigraph.BlankNode) or isinstance(triple.object, pyoxigraph.BlankNode):
                blank += 1
            else:
                ground.add(triple)
        return ground, blank

    return split(first) == split(second)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000, help="nodes (edges are about 10x)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each fast writer (median)")
    parser.add_argument("--rdflib-runs", type=int, default=3, help="runs of the rdflib path (slow at 1M edges)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    kg = synthetic(args.nodes)
    print(f"synthetic KB: {kg.graph.number_of_nodes():,} nodes, {kg.graph.number_of_edges():,} edges "
          f"({time.perf_counter() - start:.1f} s to build); Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        fast_nt, fast_ttl = _fast(kg, folder, args.runs)
        slow_nt, slow_ttl = _rdflib(kg, folder, args.rdflib_runs)
        for timing in (slow_nt, fast_nt, slow_ttl, fast_ttl):
            print(timing)
        print(f"ratio N-Triples: {fast_nt.rate / slow_nt.rate:.1f}x   Turtle: {fast_ttl.rate / slow_ttl.rate:.1f}x")
        # rdflib's Turtle rewrites doubles (0.55 → 5.5e-01), so compare against its N-Triples.
        nt_ok = same_triples(folder / "fast.nt", folder / "rdflib.nt")
        ttl_ok = same_triples(folder / "fast.ttl", folder / "rdflib.nt")
        print(f"same triples as rdflib's N-Triples (parsed by pyoxigraph): fast N-Triples {nt_ok}, fast Turtle {ttl_ok}")
    return 0 if nt_ok and ttl_ok and fast_nt.triples == slow_nt.triples else 1


if __name__ == "__main__":
    raise SystemExit(main())
