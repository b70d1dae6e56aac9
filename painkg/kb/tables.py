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

from .vocab import CLUSTER_COLUMNS, EDGE_COLUMNS, NODE_COLUMNS, PRIOR_COLUMNS, SETTING_COLUMNS

__all__ = ["Row", "Table", "bundled_folder", "bundled_references", "read_folder", "read_references"]

REFERENCE_COLUMNS = ("key", "citation", "pmid", "doi", "status")
#: An optional last column of ``references.tsv``: the address of the page a curator read the source on.
REFERENCE_SEEN = "seen"
#: Tables beside the node and edge tables, by file stem, with their columns.
MODEL_TABLES = {"settings": SETTING_COLUMNS, "priors": PRIOR_COLUMNS, "clusters": CLUSTER_COLUMNS}
_COLUMNS = {"nodes": NODE_COLUMNS, "edges": EDGE_COLUMNS, **MODEL_TABLES}


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
    role: str  # "nodes", "edges", or one of MODEL_TABLES ("settings", "priors", "clusters")
    theme: str  # the kind for node tables, the theme for edge tables, empty for the others

    def rows(self, problems: list[str]) -> Iterator[Row]:
        """Yield the table's rows, appending layout problems to *problems*.

        Rows are read on demand, so a million-edge table is never held in memory twice.
        """
        return _rows(self.path, self.name, _COLUMNS[self.role], problems)


def ontology_folder() -> Path:
    """Return the ``ontology`` folder of the painkg that is running.

    A wheel holds it inside the package (``painkg/ontology``); a source checkout holds it
    beside the package.  Python started in a clone imports the clone's ``painkg/`` even when
    another painkg is installed, so the checkout's own tables must be found there, not the
    installed ones (nor none at all).
    """
    package = Path(__file__).resolve().parents[1]
    for folder in (package / "ontology", package.parent / "ontology"):
        if (folder / "kb").is_dir() and (folder / "references.tsv").is_file():
            return folder
    return Path(str(resources.files("painkg.ontology")))


def bundled_folder() -> Path:
    """Return the folder of the knowledge base that ships inside the package."""
    return ontology_folder() / "kb"


def bundled_references() -> Path:
    """Return the bundled ``references.tsv``: the only literature the bundled KB cites."""
    return ontology_folder() / "references.tsv"


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
        if path.stem in MODEL_TABLES:
            tables.append(Table(path, name, path.stem, ""))
            continue
        if role not in ("nodes", "edges") or not theme:
            problems.append(f"{name}: table name must be nodes-<kind>.tsv, edges-<theme>.tsv, "
                            f"{', '.join(f'{t}.tsv' for t in MODEL_TABLES)}")
            continue
        tables.append(Table(path, name, role, theme))
    if not any(t.role in ("nodes", "edges") for t in tables):
        problems.append(f"{folder}: no nodes-*.tsv or edges-*.tsv tables found")
    return tables


def read_references(path: Path, problems: list[str]) -> dict[str, dict[str, str]]:
    """Read a ``references.tsv`` into ``{key: row}``."""
    name = f"{Path(path).parent.name}/{Path(path).name}"
    refs: dict[str, dict[str, str]] = {}
    for row in _rows(Path(path), name, REFERENCE_COLUMNS, problems, optional=REFERENCE_SEEN):
        key = row.cells["key"]
        if not key:
            problems.append(f"{row.where}: empty reference key")
        elif key in refs:
            problems.append(f"{row.where}: duplicate reference key {key!r}")
        else:
            refs[key] = row.cells
    return refs


def _rows(path: Path, name: str, columns: tuple[str, ...], problems: list[str],
          optional: str | None = None) -> Iterator[Row]:
    try:
        # newline="": lines end at "\n" only (a cell may hold \x1c or \u2028);
        # QUOTE_NONE: a quote inside a cell is text, never a field delimiter.
        with path.open(encoding="utf-8", newline="") as f:
            yield from _parse(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), name, columns, problems,
                              optional)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{name}: cannot read ({exc})")


def _parse(reader, name: str, columns: tuple[str, ...], problems: list[str],
           optional: str | None = None) -> Iterator[Row]:
    header = None
    for line, cells in enumerate(reader, start=1):
        # The first cell of a data row (an id or a source) is rarely blank: test it before the rest.
        if not cells or cells[0][:1] == "#" or (not cells[0].strip() and not "".join(cells).strip()):
            continue
        if header is None:
            header = tuple(c.strip() for c in cells)
            if optional is not None and header == (*columns, optional):
                columns = header
            if header != columns:
                problems.append(f"{name}:{line}: header must be {' | '.join(columns)} (found {' | '.join(header)})")
                return
            width = len(columns)
            continue
        if len(cells) != width:
            problems.append(f"{name}:{line}: {len(cells)} cells, expected {width} ({', '.join(columns)})")
            continue
        yield Row(name, line, dict(zip(columns, map(str.strip, cells))))
    if header is None:
        problems.append(f"{name}: empty table (expected the header {' | '.join(columns)})")
