"""Read knowledge-base folders: TSV node and edge tables plus references.

This module only reads and splits cells; :mod:`painkg.kb.validate` decides what the
cells mean.  A folder holds ``nodes-<kind>.tsv`` and ``edges-<theme>.tsv`` tables,
optionally ``settings.tsv``, ``priors.tsv``, ``clusters.tsv`` and its own
``references.tsv``.  Lines starting with ``#`` are comments.

Each table is read once, into memory, and everything downstream (the cache key, the
checks, the graph) works from those bytes: a table edited while a load runs yields
either the old KB or the new one, never a mixture stored under the wrong key.  Only
regular files are tables; a FIFO or a device is a problem, never a read that hangs.
"""

from __future__ import annotations

import functools
import io
import os
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from .vocab import CLUSTER_COLUMNS, EDGE_COLUMNS, EVIDENCE_KEYWORDS, NODE_COLUMNS, PRIOR_COLUMNS, SETTING_COLUMNS

__all__ = ["MAX_CELL", "MAX_FILE", "Row", "Table", "bundled_folder", "bundled_references", "read_file", "read_folder",
           "read_references", "read_rows", "read_table"]

REFERENCE_COLUMNS = ("key", "citation", "pmid", "doi", "status")
#: An optional last column of ``references.tsv``: the address of the page a curator read the source on.
REFERENCE_SEEN = "seen"
#: An optional last column of ``settings.tsv``: the findings every patient of the setting has (its
#: inclusion criteria), which its priors already assume and a trace must not count again.
SETTING_DEFINES = "defines"
#: How a setting's ``defines`` names what none of its patients has been found to have.
DENIED = "not:"
#: An optional last column of ``clusters.tsv``: the settings a rule's ratios were measured against
#: (Kocher's odds of septic arthritis against the transient synovitis of children's irritable hips).
CLUSTER_SETTINGS = "settings"
#: Tables beside the node and edge tables, by file stem, with their columns.
MODEL_TABLES = {"settings": SETTING_COLUMNS, "priors": PRIOR_COLUMNS, "clusters": CLUSTER_COLUMNS}
_OPTIONAL = {"references": REFERENCE_SEEN, "settings": SETTING_DEFINES, "clusters": CLUSTER_SETTINGS}
_COLUMNS = {"nodes": NODE_COLUMNS, "edges": EDGE_COLUMNS, "references": REFERENCE_COLUMNS, **MODEL_TABLES}
#: The longest cell, in characters (the bundled KB's longest is under 1,000).  A bound keeps
#: every reader linear, and the same bound holds for RDF literals (:mod:`painkg.rdf.read`).
MAX_CELL = 16_384
#: The largest file read as a table, a KGX file, an RDF file or a query, in bytes.  A million-edge
#: table is about 200 MB; a bound turns a runaway file into one problem instead of a MemoryError.
MAX_FILE = 1 << 30
_BOM = "\ufeff"
_KIND_OF_FILE = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
                 stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


class Row(NamedTuple):
    name: str  # "kb/nodes-condition.tsv", or an RDF subject such as "node:hip-oa"
    line: int  # 0 when the row does not come from a file line
    # Column -> cell.  A table's cells are all str; a row read from RDF carries its list cells as
    # tuple[str, ...] already split (see validate.split_list), so the values are typed Any.
    cells: dict[str, Any]

    @property
    def where(self) -> str:
        """The row's place, as problems name it: ``kb/nodes-condition.tsv:14``."""
        return f"{self.name}:{self.line}" if self.line else self.name


@dataclass(frozen=True, slots=True)
class Table:
    path: Path
    name: str  # "kb/nodes-condition.tsv": how problems name the file
    role: str  # "nodes", "edges", "references", or one of MODEL_TABLES ("settings", "priors", "clusters")
    theme: str  # the kind for node tables, the theme for edge tables, empty for the others
    data: bytes | None = field(default=b"", repr=False)  # the bytes read, once: hashed and parsed alike

    def rows(self, problems: list[str]) -> Iterator[Row]:
        """Yield the table's rows, appending layout problems to *problems*.

        Rows are split on demand from the bytes read, so a million-edge table is
        never held in memory as rows, and a second pass sees exactly the same rows.
        A table that could not be read (``data`` is None, its problem already listed) has none.
        """
        if self.data is None:
            return iter(())
        optional = _OPTIONAL.get(self.role)
        return _rows(self.data, self.name, _COLUMNS[self.role], problems, optional)


@functools.lru_cache(maxsize=1)
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


def read_table(path: Path, role: str, problems: list[str], *, theme: str = "", name: str | None = None,
               folder: Path | None = None) -> Table:
    """Read one table file into a :class:`Table`; a file that cannot be read is a problem.

    Only a regular file (or a symlink to one) is read: a FIFO would block forever and
    ``/dev/zero`` never ends.  The file is opened without blocking, then checked.

    >>> problems = []
    >>> read_table(Path("/dev/zero"), "nodes", problems, theme="condition").data, problems
    (None, ['dev/zero: not a regular file (a character device)'])
    """
    path = Path(path)
    name = name or f"{path.parent.name}/{path.name}"
    return Table(path, name, role, theme, read_file(path, name, problems, folder=folder))


def read_file(path: Path, name: str, problems: list[str], *, folder: Path | None = None,
              limit: int = MAX_FILE) -> bytes | None:
    """Return the bytes of a regular file, or None with the reason appended to *problems* as ``name: …``.

    The one door every data file of painkg comes in by (tables, KGX, RDF, queries).  Refused:
    what is not a regular file (a FIFO would block forever, ``/dev/zero`` never ends; the file
    is opened without blocking, then checked), a file larger than *limit* bytes, and, when
    *folder* is given, a symlink to a file outside that folder (its content is never shown).

    >>> problems = []
    >>> read_file(Path("/dev/null"), "null", problems), problems
    (None, ['null: not a regular file (a character device)'])
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        problems.append(f"{name}: cannot read ({exc.strerror or exc})")
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            problems.append(f"{name}: not a regular file ({_KIND_OF_FILE.get(stat.S_IFMT(info.st_mode), 'a special file')})")
            return None
        if folder is not None and not _inside(path, folder):
            problems.append(f"{name}: a link to a file outside {Path(folder).name or folder}/, not read "
                            f"(allowed: files inside the folder; copy the file in)")
            return None
        if info.st_size > limit:
            problems.append(f"{name}: a file of {info.st_size:,} bytes (allowed: up to {limit:,})")
            return None
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(limit + 1)  # a file that grows while it is read (or lies about its size) stops here
        if len(data) > limit:
            problems.append(f"{name}: a file of more than {limit:,} bytes (allowed: up to {limit:,})")
            return None
        return data
    except OSError as exc:
        problems.append(f"{name}: cannot read ({exc.strerror or exc})")
        return None
    finally:
        os.close(fd)


def _inside(path: Path, folder: Path) -> bool:
    """True when *path*, its symlinks followed, is a file inside *folder* (itself resolved)."""
    where, name = os.path.split(os.fspath(path))
    if where == os.fspath(folder) and name not in ("", ".", "..") and not os.path.islink(path):
        # A file right in the folder and itself no link is inside it, wherever a link to the folder
        # leads: no need to resolve both (a walk of lstat calls per table, a tenth of a cached load).
        return True
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([real, root]) == root


def read_folder(folder: Path, problems: list[str]) -> list[Table]:
    """Read every table in *folder*, appending layout problems to *problems*.

    The folder's own ``references.tsv`` comes back as a table of role ``references``.
    A file named like a table but not exactly one (``edges-x.TSV``, ``nodes-a.tsv.bak``)
    is a problem, never silently skipped; other files (a README) are left alone.
    """
    folder = Path(folder)
    if not folder.is_dir():
        problems.append(f"{folder}: not a folder (expected nodes-<kind>.tsv and edges-<theme>.tsv tables)")
        return []
    tables = []
    for path in sorted(folder.iterdir()):
        role = _role(path.name)
        name = f"{folder.name}/{path.name}"
        if role is None:
            if _looks_like_a_table(path.name):
                problems.append(f"{name}: not read: table names are exactly nodes-<kind>.tsv, edges-<theme>.tsv, "
                                f"{', '.join(f'{t}.tsv' for t in MODEL_TABLES)} or references.tsv")
            continue
        if role == "references" and _same_file(path, bundled_references()):
            continue  # the bundled references are read once, by the loader
        theme = path.stem.partition("-")[2] if role in ("nodes", "edges") else ""
        tables.append(read_table(path, role, problems, theme=theme, name=name, folder=folder))
    if not any(t.role in ("nodes", "edges") for t in tables):
        problems.append(f"{folder}: no nodes-*.tsv or edges-*.tsv tables found")
    return tables


def _role(filename: str) -> str | None:
    stem, dot, suffix = filename.rpartition(".")
    if not dot or suffix != "tsv":
        return None
    if stem == "references" or stem in MODEL_TABLES:
        return stem
    role, _, theme = stem.partition("-")
    return role if role in ("nodes", "edges") and theme else None


def _looks_like_a_table(filename: str) -> bool:
    if filename.startswith("."):  # editor swap files, .DS_Store: never tables
        return False
    lower = filename.lower()
    stems = ("nodes", "edges", "references", *MODEL_TABLES)
    return ".tsv" in lower or any(lower == s or lower.startswith((s + "-", s + ".")) for s in stems)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def read_references(source: Path | Table, problems: list[str]) -> dict[str, dict[str, str]]:
    """Read a ``references.tsv`` (a path or a table already read) into ``{key: row}``."""
    table = source if isinstance(source, Table) else read_table(Path(source), "references", problems)
    refs: dict[str, dict[str, str]] = {}
    for row in table.rows(problems):
        key = row.cells["key"]
        if not key:
            problems.append(f"{row.where}: empty reference key")
        elif key in EVIDENCE_KEYWORDS:
            problems.append(f"{row.where}: reference key {key!r} is reserved "
                            f"(allowed: any other key; {', '.join(EVIDENCE_KEYWORDS)} are built in)")
        elif key in refs:
            problems.append(f"{row.where}: duplicate reference key {key!r}")
        else:
            refs[key] = row.cells
    return refs


def read_rows(data: bytes, name: str, problems: list[str]) -> Iterator[Row]:
    """Yield the rows of TSV *data* whose first line names its columns, in any order (KGX files).

    The same line rules as a table (``\\n`` line ends, a byte-order mark, UTF-8 checked line by
    line, cells of at most :data:`MAX_CELL` characters, as many cells as the header names);
    cells are kept as written, unstripped.

    >>> problems = []
    >>> [r.cells for r in read_rows(b"id\\tname\\nx\\t y \\nz\\n", "f.tsv", problems)]
    [{'id': 'x', 'name': ' y '}]
    >>> problems
    ['f.tsv:3: 1 cells, expected 2 (one per column of the header: a truncated or hand-edited line?)']
    """
    return _rows(data, name, None, problems)


def _rows(data: bytes, name: str, columns: tuple[str, ...] | None, problems: list[str],
          optional: str | None = None) -> Iterator[Row]:
    # Lines end at "\n" (an optional "\r" before it is part of the line end), as editors,
    # grep -n and git count them; a cell may hold \x1c or \u2028.  A file with no "\n"
    # but "\r" line ends (classic Mac) is read by those.
    if b"\n" not in data and b"\r" in data:
        data = data.replace(b"\r", b"\n")
    bad: frozenset[int] = frozenset()
    if not data.isascii():  # isascii() is a fast scan; only other text pays for a full decode
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            found = list(_not_utf8(data, name))
            problems.extend(problem for _, problem in found)
            bad = frozenset(line for line, _ in found)
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape", newline="\n")
    return _parse(text, name, columns, problems, bad, optional)


def _not_utf8(data: bytes, name: str) -> Iterator[tuple[int, str]]:
    for line, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            character = len(raw[:exc.start].decode("utf-8", "replace")) + 1
            yield line, (f"{name}:{line}: not UTF-8 (byte 0x{raw[exc.start]:02x} at character {character}; "
                         f"allowed: UTF-8 text)")


def _parse(lines, name: str, columns: tuple[str, ...] | None, problems: list[str], bad: frozenset[int],
           optional: str | None) -> Iterator[Row]:
    header = None
    width = len(columns or ())
    strip = columns is not None  # a table's cells are stripped; a KGX file's are kept as written
    for line, text in enumerate(lines, start=1):
        if bad and line in bad:  # reported, with its column, by _not_utf8
            continue
        text = text[:-2] if text.endswith("\r\n") else text[:-1] if text.endswith("\n") else text
        if line == 1 and text.startswith(_BOM):  # spreadsheets save UTF-8 with a byte-order mark
            text = text[1:]
        if "\r" in text:
            problems.append(f"{name}:{line}: a carriage return inside the line (allowed line ends: LF or CRLF)")
            continue
        cells = text.split("\t")
        # The first cell of a data row (an id or a source) is rarely blank: test it before the rest.
        if cells[0][:1] == "#" or (not cells[0].strip() and not text.strip()):
            continue
        longest = max(cells, key=len) if len(text) > MAX_CELL else ""
        if len(longest) > MAX_CELL:
            problems.append(f"{name}:{line}: a cell of {len(longest)} characters "
                            f"(allowed: up to {MAX_CELL}) starting {longest[:20]!r}")
            continue
        if header is None:
            header = tuple(c.strip() for c in cells)
            if columns is None:  # the header names the columns (KGX): each once, none empty
                counts = Counter(header)
                repeated = sorted(c for c, n in counts.items() if n > 1 or not c)
                if repeated:
                    problems.append(f"{name}:{line}: header names {', '.join(map(repr, repeated))} more than once "
                                    f"or not at all (allowed: one name per column)")
                    return
                columns = header
            if optional is not None and header == (*columns, optional):
                columns = header
            if header != columns:
                problems.append(f"{name}:{line}: header must be {' | '.join(columns)} (found {' | '.join(header)})")
                return
            width = len(columns)
            continue
        assert columns is not None  # set by the header line, which came first
        if len(cells) != width:
            named = ", ".join(columns) if strip else "one per column of the header: a truncated or hand-edited line?"
            problems.append(f"{name}:{line}: {len(cells)} cells, expected {width} ({named})")
            continue
        yield Row(name, line, dict(zip(columns, map(str.strip, cells) if strip else cells)))
    if header is None:
        expected = f"the header {' | '.join(columns)}" if columns else "a header line naming the columns"
        problems.append(f"{name}: empty table (expected {expected})")
