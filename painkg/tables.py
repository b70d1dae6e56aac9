"""Read knowledge-base folders: TSV node and edge tables plus references.

This module only reads and splits cells; :mod:`painkg.validate` decides what the
cells mean.  A folder holds ``nodes-<kind>.tsv`` and ``edges-<theme>.tsv`` tables
and, optionally, its own ``references.tsv``.  Lines starting with ``#`` are
comments.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from .vocab import EDGE_COLUMNS, NODE_COLUMNS

__all__ = ["Row", "Table", "bundled_folder", "bundled_references", "read_folder", "read_references"]

REFERENCE_COLUMNS = ("key", "citation", "pmid", "doi", "status")


class Row(NamedTuple):
    name: str  # "kb/nodes-condition.tsv"
    line: int
    cells: dict[str, str]

    @property
    def where(self) -> str:
        """The row's place, as problems name it: ``kb/nodes-condition.tsv:14``."""
        return f"{self.name}:{self.line}"


@dataclass(frozen=True, slots=True)
class Table:
    path: Path
    name: str  # "kb/nodes-condition.tsv": how problems name the file
    role: str  # "nodes" or "edges"
    theme: str  # the kind for node tables, the theme for edge tables

    def rows(self, problems: list[str]) -> Iterator[Row]:
        """Yield the table's rows, appending layout problems to *problems*.

        Rows are read on demand, so a million-edge table is never held in memory twice.
        """
        columns = NODE_COLUMNS if self.role == "nodes" else EDGE_COLUMNS
        return _rows(self.path, self.name, columns, problems)


def bundled_folder() -> Path:
    """Return the folder of the knowledge base that ships inside the package."""
    return Path(str(resources.files("painkg.ontology").joinpath("kb")))


def bundled_references() -> Path:
    """Return the bundled ``references.tsv``: the only literature the bundled KB cites."""
    return Path(str(resources.files("painkg.ontology").joinpath("references.tsv")))


def read_folder(folder: Path, problems: list[str]) -> list[Table]:
    """Read every table in *folder*, appending layout problems to *problems*."""
    folder = Path(folder)
    if not folder.is_dir():
        problems.append(f"{folder}: not a folder (expected nodes-<kind>.tsv and edges-<theme>.tsv tables)")
        return []
    tables = []
    for path in sorted(folder.glob("*.tsv")):
        role, _, theme = path.stem.partition("-")
        name = f"{folder.name}/{path.name}"
        if path.name == "references.tsv":
            continue
        if role not in ("nodes", "edges") or not theme:
            problems.append(f"{name}: table name must be nodes-<kind>.tsv or edges-<theme>.tsv")
            continue
        tables.append(Table(path, name, role, theme))
    if not tables:
        problems.append(f"{folder}: no nodes-*.tsv or edges-*.tsv tables found")
    return tables


def read_references(path: Path, problems: list[str]) -> dict[str, dict[str, str]]:
    """Read a ``references.tsv`` into ``{key: row}``."""
    name = f"{Path(path).parent.name}/{Path(path).name}"
    refs: dict[str, dict[str, str]] = {}
    for row in _rows(Path(path), name, REFERENCE_COLUMNS, problems):
        key = row.cells["key"]
        if not key:
            problems.append(f"{row.where}: empty reference key")
        elif key in refs:
            problems.append(f"{row.where}: duplicate reference key {key!r}")
        else:
            refs[key] = row.cells
    return refs


def _rows(path: Path, name: str, columns: tuple[str, ...], problems: list[str]) -> Iterator[Row]:
    try:
        # newline="": lines end at "\n" only (a cell may hold \x1c or \u2028);
        # QUOTE_NONE: a quote inside a cell is text, never a field delimiter.
        with path.open(encoding="utf-8", newline="") as f:
            yield from _parse(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), name, columns, problems)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{name}: cannot read ({exc})")


def _parse(reader, name: str, columns: tuple[str, ...], problems: list[str]) -> Iterator[Row]:
    header = None
    width = len(columns)
    for line, cells in enumerate(reader, start=1):
        # The first cell of a data row (an id or a source) is rarely blank: test it before the rest.
        if not cells or cells[0][:1] == "#" or (not cells[0].strip() and not "".join(cells).strip()):
            continue
        if header is None:
            header = tuple(c.strip() for c in cells)
            if header != columns:
                problems.append(f"{name}:{line}: header must be {' | '.join(columns)} (found {' | '.join(header)})")
                return
            continue
        if len(cells) != width:
            problems.append(f"{name}:{line}: {len(cells)} cells, expected {width} ({', '.join(columns)})")
            continue
        yield Row(name, line, dict(zip(columns, map(str.strip, cells))))
    if header is None:
        problems.append(f"{name}: empty table (expected the header {' | '.join(columns)})")
