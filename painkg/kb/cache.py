"""Keep a validated knowledge base and its term index on disk, keyed by content.

Reading and validating ~1,500 rows and normalizing ~2,600 names cost tens of
milliseconds every time the CLI starts, yet both depend only on the bytes of the
tables and on the painkg code that reads them.  So, like Python's ``__pycache__``,
the results are stored under a hash of exactly those bytes: any edit to a table,
to ``references.tsv`` or to the loader yields a new key, never a stale answer.

Entries are ``marshal`` dumps of plain dicts, tuples and strings (enums travel as
their values), so reading one runs no code.  A missing, unreadable or corrupt entry
is simply rebuilt; a cache that cannot be written is skipped.

Where: ``$PAINKG_CACHE`` if set (``0``, ``off`` or ``no`` turns caching off),
else ``$XDG_CACHE_HOME/painkg``, else ``~/.cache/painkg``.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Iterable
from enum import Enum
from pathlib import Path

from .vocab import Area, Grade, Kind, Population, Qualifier, Relation, Role

__all__ = ["cache_dir", "content_key", "pack", "read", "unpack", "write"]

#: Bump when the layout of an entry changes.
FORMAT = 2
#: Entries kept per cache folder; older ones are removed when a new one is written.
KEEP = 32
#: The modules whose code decides what an entry holds; their source is part of the key.
_CODE = ("cache.py", "graph.py", "model.py", "resolve.py", "tables.py", "validate.py", "vocab.py")

_BY_VALUE = {field: {m.value: m for m in enum}
             for field, enum in {"kind": Kind, "region": Area, "strength": Grade, "qualifier": Qualifier,
                                         "role": Role, "population": Population}.items()}
_RELATIONS = {r.value: r for r in Relation}


def cache_dir() -> Path | None:
    """Return the cache folder, or None when caching is turned off."""
    setting = os.environ.get("PAINKG_CACHE")
    if setting is not None:
        return None if setting.strip().lower() in ("", "0", "off", "no", "false") else Path(setting)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = Path.home() / ".cache"
        except RuntimeError:  # no home folder (some service accounts): no cache
            return None
    return Path(base) / "painkg"


def content_key(files: Iterable[Path], *, folders: Iterable[Path]) -> str:
    """Hash painkg's loader code, the folder order and every input file's name and bytes."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{FORMAT} {sys.version_info[:2]} {marshal.version}".encode())
    here = Path(__file__).parent
    for name in _CODE:
        digest.update(_bytes(here / name))
    for folder in folders:
        digest.update(b"\0folder\0" + os.fsencode(Path(folder).name))
    for path in files:
        digest.update(b"\0file\0" + os.fsencode(Path(path).name) + b"\0" + _bytes(Path(path)))
    return digest.hexdigest()


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"\0missing\0"


def read(key: str, part: str) -> object | None:
    """Return the entry *part* ("kb" or "index") stored under *key*, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        return marshal.loads((folder / f"{key}.{part}").read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write(key: str, part: str, value: object) -> None:
    """Store *value* under *key*; failing to write (read-only home, full disk) is not an error."""
    folder = cache_dir()
    if folder is None:
        return
    target = folder / f"{key}.{part}"
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary.write_bytes(marshal.dumps(value))
        os.replace(temporary, target)  # atomic: a concurrent reader sees the old entry or the new one
        _prune(folder)
    except (OSError, ValueError):
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.kb"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        for path in (old, old.with_suffix(".index")):
            path.unlink(missing_ok=True)


# Validated records travel as plain values: enums by value, the relation inside the edge key.

def pack(nodes: dict[str, dict], edges: dict[tuple, dict], references: dict, tables: dict | None = None) -> dict:
    """Turn validated records into marshal-able plain values."""
    plain_nodes = {}
    for n, attrs in nodes.items():
        plain = plain_nodes[n] = dict(attrs)
        plain["kind"], plain["region"] = attrs["kind"].value, attrs["region"].value
        if isinstance(attrs["prior"], Enum):
            plain["prior"] = attrs["prior"].value
        if attrs.get("role") is not None:
            plain["role"] = attrs["role"].value
    plain_edges = []
    for (s, t, r), attrs in edges.items():
        plain = dict(attrs)  # a C-level copy; only the enum-valued fields are replaced
        plain["strength"] = attrs["strength"].value
        for field in ("qualifier", "population"):
            if field in attrs:
                plain[field] = attrs[field].value
        plain_edges.append((s, t, r.value, plain))
    tables = tables or {}
    plain_tables = {"settings": tables.get("settings", {}), "clusters": tables.get("clusters", {}),
                    "priors": [(*k, v) for k, v in tables.get("priors", {}).items()]}
    return {"nodes": plain_nodes, "edges": plain_edges, "references": references, "tables": plain_tables}


def unpack(entry: dict) -> tuple[dict[str, dict], dict[tuple, dict], dict, dict]:
    """Inverse of :func:`pack`."""
    kinds, areas, grades, qualifiers, roles, populations = (
        _BY_VALUE[f] for f in ("kind", "region", "strength", "qualifier", "role", "population"))
    nodes = entry["nodes"]
    for attrs in nodes.values():
        attrs["kind"], attrs["region"] = kinds[attrs["kind"]], areas[attrs["region"]]
        if isinstance(attrs["prior"], str):
            attrs["prior"] = grades[attrs["prior"]]
        if attrs.get("role") is not None:
            attrs["role"] = roles[attrs["role"]]
    edges = {}
    for s, t, r, attrs in entry["edges"]:
        attrs["strength"] = grades[attrs["strength"]]
        if "qualifier" in attrs:
            attrs["qualifier"] = qualifiers[attrs["qualifier"]]
        if "population" in attrs:
            attrs["population"] = populations[attrs["population"]]
        edges[s, t, _RELATIONS[r]] = attrs
    tables = dict(entry["tables"])
    tables["priors"] = {(s, c): v for s, c, v in tables["priors"]}
    return nodes, edges, entry["references"], tables

