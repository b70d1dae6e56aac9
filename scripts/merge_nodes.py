"""Merge one knowledge-base node into another: the duplicate's label and synonyms become synonyms
of the kept node, its edges are re-pointed, and edges that would repeat or loop are dropped.

    python scripts/merge_nodes.py trochanteric-bursitis greater-trochanteric-pain-syndrome

Audit M4 ("duplicates are merged: one node, the other name a synonym").  Prints what it dropped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

KB = Path(__file__).resolve().parents[1] / "ontology" / "kb"


def _rows(path: Path):
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    return lines, header, lines[header].split("\t")


def merge(duplicate: str, kept: str) -> None:
    names: list[str] = []
    for path in sorted(KB.glob("nodes-*.tsv")):
        lines, header, columns = _rows(path)
        out = []
        for line in lines:
            cells = line.split("\t")
            if line and not line.startswith("#") and cells[0] == duplicate:
                row = dict(zip(columns, cells))
                names += [row["label"], *filter(None, row["synonyms"].split("|"))]
                continue
            out.append(line)
        path.write_text("\n".join(out), encoding="utf-8")
    if not names:
        sys.exit(f"no node {duplicate!r}")
    for path in sorted(KB.glob("nodes-*.tsv")):
        lines, header, columns = _rows(path)
        for i, line in enumerate(lines):
            cells = line.split("\t")
            if line and not line.startswith("#") and cells[0] == kept:
                synonyms = [s for s in cells[2].split("|") if s]
                cells[2] = "|".join(dict.fromkeys(synonyms + names))
                lines[i] = "\t".join(cells)
        path.write_text("\n".join(lines), encoding="utf-8")
    seen: set[tuple[str, str, str]] = set()
    for path in sorted(KB.glob("edges-*.tsv")):  # first pass: the kept node's own edges win
        lines, header, columns = _rows(path)
        for line in lines[header + 1:]:
            if line and not line.startswith("#"):
                s, r, t = line.split("\t")[:3]
                if duplicate not in (s, t):
                    seen.add((s, r, t))
    for path in sorted(KB.glob("edges-*.tsv")):
        lines, header, columns = _rows(path)
        out = lines[:header + 1]
        for line in lines[header + 1:]:
            cells = line.split("\t")
            if line and not line.startswith("#") and duplicate in cells[:3:2]:
                cells[0] = kept if cells[0] == duplicate else cells[0]
                cells[2] = kept if cells[2] == duplicate else cells[2]
                key = (cells[0], cells[1], cells[2])
                if cells[0] == cells[2] or key in seen:
                    print(f"dropped {path.name}: {' '.join(key)}")
                    continue
                seen.add(key)
                line = "\t".join(cells)
            out.append(line)
        path.write_text("\n".join(out), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("duplicate")
    parser.add_argument("kept")
    args = parser.parse_args()
    merge(args.duplicate, args.kept)


if __name__ == "__main__":
    main()
