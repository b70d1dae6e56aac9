"""Keep a validated knowledge base and its term index on disk, keyed by content.

Reading and validating ~1,500 rows and normalizing ~2,600 names cost tens of
milliseconds every time the CLI starts, yet both depend only on the bytes of the
tables and on the painkg code that reads them.  So, like Python's ``__pycache__``,
the results are stored under a hash of exactly those bytes: any edit to a table,
to ``references.tsv`` or to the loader yields a new key, never a stale answer.  The
key is computed from the very bytes that are then parsed (:mod:`painkg.kb.tables`
reads each table once), so a table edited during a load cannot file new data under
an old key.

The folder is untrusted input.  An entry is a header (format, its key, a BLAKE2b
hash of the body) and a ``marshal`` body of plain dicts, tuples and strings (enums
travel as their values); it is read only when the header names the key asked for and
the hash matches, so a flipped byte or a truncated write is rebuilt, never served.
``marshal`` runs no code, and it never sees a body that fails the hash.  Whoever can
write the folder could plant a consistent entry, so a folder or entry that anyone
but the user can write (or owns) is not read at all; an entry that is a symlink is
not followed.  A missing or refused entry is simply rebuilt; a cache that cannot be
written is skipped.

A folder entry (:func:`write_folder`: the Oxigraph store ``painkg sparql`` opens read-only) is
built in a private temporary folder and moved in whole; it is read only when it and every file
in it are this user's alone and no link, and its own format checks the rest (RocksDB keeps a
checksum of every block, and the list and sizes of its files).

Where: ``$PAINKG_CACHE`` if set (``0``, ``off`` or ``no`` turns caching off),
else ``$XDG_CACHE_HOME/painkg`` when that is an absolute path (the XDG rule), else
``~/.cache/painkg`` when the home folder exists; otherwise no cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .vocab import Area, Grade, Kind, Population, Qualifier, Relation, Role

if TYPE_CHECKING:
    from .tables import Table

__all__ = ["cache_dir", "content_key", "folder_entry", "pack", "read", "remove_folder", "unpack", "write",
           "write_folder"]

#: Bump when the layout of an entry changes.
FORMAT = 3
#: Entries kept per cache folder; older ones are removed when a new one is written.
KEEP = 32
#: Checked SPARQL queries kept (a few dozen bytes each).
QUERIES = 256
#: Folder entries kept per part (an Oxigraph store of the bundled KB is about 10 MB).
FOLDERS = {"oxigraph": 4}
#: The modules whose code decides what an entry holds; their source is part of the key.
_CODE = ("cache.py", "graph.py", "model.py", "resolve.py", "tables.py", "validate.py", "vocab.py")
_MAGIC = b"painkg-cache %d\n" % FORMAT
_DIGEST = 32  # bytes of BLAKE2b over key and body
_UID = os.geteuid() if hasattr(os, "geteuid") else None

_ENUM_FIELDS: dict[str, type[Enum]] = {"kind": Kind, "region": Area, "strength": Grade, "qualifier": Qualifier,
                                         "role": Role, "population": Population}
_BY_VALUE = {field: {m.value: m for m in enum} for field, enum in _ENUM_FIELDS.items()}
_RELATIONS = {r.value: r for r in Relation}
#: What marshal stores, and so what :func:`write` takes: None, bools, numbers, text, bytes, and
#: tuples, lists, sets and dicts of them.
Marshallable = (None | bool | int | float | complex | str | bytes | tuple[Any, ...] | list[Any] | set[Any]
                | frozenset[Any] | dict[Any, Any])


def cache_dir() -> Path | None:
    """Return the cache folder, or None when caching is turned off or has no sensible place.

    A relative ``$XDG_CACHE_HOME`` is ignored (the XDG spec says so), and so is a home
    folder that does not exist or is not absolute (``HOME=""``, ``HOME=/nonexistent``):
    no cache folder is ever created in ``/`` or in the working directory.
    """
    setting = os.environ.get("PAINKG_CACHE")
    if setting is not None:
        return None if setting.strip().lower() in ("", "0", "off", "no", "false") else Path(setting).absolute()
    base = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):
        return Path(base) / "painkg"
    try:
        home = Path.home()
    except (RuntimeError, KeyError):  # no home folder (some service accounts): no cache
        return None
    if not home.is_absolute() or home == Path(home.anchor) or not home.is_dir():
        return None
    return home / ".cache" / "painkg"


def content_key(tables: Iterable[Table], *, folders: Iterable[Path]) -> str:
    """Hash painkg's loader code, the folder order and every table's file name and bytes.

    The bytes are those already read into each :class:`~painkg.kb.tables.Table`: the
    ones the load goes on to parse.
    """
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{FORMAT} {sys.version_info[:2]} {marshal.version}".encode())
    here = Path(__file__).parent
    for name in _CODE:
        digest.update(_code(here / name))
    for folder in folders:
        digest.update(b"\0folder\0" + os.fsencode(Path(folder).name))
    for table in tables:
        data = table.data
        assert data is not None  # an unread table is a problem, and a load with problems is not cached
        digest.update(b"\0file\0%s\0%d\0" % (os.fsencode(Path(table.path).name), len(data)))
        digest.update(data)
    return digest.hexdigest()


def _code(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"\0missing\0"


def read(key: str, part: str) -> object | None:
    """Return the entry *part* ("kb", "index", "reading", "diagnosis", "ntriples", "query", "lexicon")
    stored under *key*, or None.

    None also when the entry fails its hash, names another key, or lies in a folder
    (or file) that someone else could have written.
    """
    folder = _trusted(cache_dir())
    if folder is None:
        return None
    try:
        fd = os.open(folder / f"{key}.{part}", os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        try:
            if not _private(os.fstat(f.fileno()), regular=True):
                return None
            blob = f.read()
        except OSError:
            return None
    header = _MAGIC + key.encode() + b"\n"
    if not blob.startswith(header):
        return None
    # A view, not a slice: a million-edge entry is not copied once more.
    digest, body = blob[len(header):len(header) + _DIGEST], memoryview(blob)[len(header) + _DIGEST:]
    if digest != _digest(key, body):
        return None
    try:
        return marshal.loads(body)
    except (EOFError, ValueError, TypeError):  # cannot happen past the hash, unless the format changed
        return None


def write(key: str, part: str, value: Marshallable) -> None:
    """Store *value* under *key*; failing to write (read-only home, full disk) is not an error."""
    folder = cache_dir()
    if folder is None:
        return
    target = folder / f"{key}.{part}"
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if _trusted(folder) is None:
            return
        body = marshal.dumps(value)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + key.encode() + b"\n" + _digest(key, body))
            f.write(body)
        os.replace(temporary, target)  # atomic: a concurrent reader sees the old entry or the new one
        _prune(folder)
    except (OSError, ValueError):
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass


def folder_entry(key: str, part: str) -> Path | None:
    """Return the folder entry *part* under *key* (files another library reads, such as a database), or None.

    None when it is missing, or when it, or anything in it, is a link or could have been written by
    someone else.  A folder entry carries no hash: whoever reads it must check its own data (Oxigraph's
    RocksDB checks every block it reads against its checksum, and its file list and sizes when it opens).
    """
    root = _trusted(cache_dir())
    if root is None:
        return None
    path = root / f"{key}.{part}"
    try:
        if not _private(os.lstat(path), regular=False):
            return None
        with os.scandir(path) as entries:
            for entry in entries:
                if not _private(entry.stat(follow_symlinks=False), regular=True):
                    return None
    except OSError:
        return None
    return path


def write_folder(key: str, part: str, build: Callable[[Path], None]) -> Path | None:
    """Have *build* fill a new private folder, then move it in as the folder entry *part* under *key*.

    The move is atomic, so a reader sees no folder or a whole one; an entry already there (damaged,
    or just built by another process) is replaced.  Returns the entry's path, or None when it could
    not be written (read-only home, full disk: not an error) or *build* raised OSError.
    """
    root = cache_dir()
    if root is None:
        return None
    target = root / f"{key}.{part}"
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}")
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        if _trusted(root) is None:
            return None
        temporary.mkdir(mode=0o700)
        build(temporary)
        for entry in os.scandir(temporary):  # whatever the umask, nobody else may write what is read back
            os.chmod(entry.path, 0o600, follow_symlinks=False)
        try:
            os.rename(temporary, target)
        except OSError:  # one is there already: move it aside, then ours in
            aside = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}")
            os.rename(target, aside)
            os.rename(temporary, target)
            _remove(aside)
        _prune(root)
        return target
    except (OSError, ValueError):
        _remove(temporary)
        return None


def remove_folder(key: str, part: str) -> None:
    """Remove the folder entry *part* under *key*, if there is one (a damaged store)."""
    root = _trusted(cache_dir())
    if root is not None:
        _remove(root / f"{key}.{part}")


def _remove(path: Path) -> None:
    import shutil

    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _digest(key: str, body: bytes | memoryview) -> bytes:
    digest = hashlib.blake2b(key.encode() + b"\0", digest_size=_DIGEST)
    digest.update(body)
    return digest.digest()


def _trusted(folder: Path | None) -> Path | None:
    """Return *folder* if only this user can write it, else None."""
    if folder is None:
        return None
    try:
        return folder if _private(folder.stat(), regular=False) else None
    except OSError:
        return None


def _private(info: os.stat_result, *, regular: bool) -> bool:
    kind_ok = stat.S_ISREG(info.st_mode) if regular else stat.S_ISDIR(info.st_mode)
    if _UID is None:  # no POSIX owners (Windows): the hash is the only check
        return kind_ok
    return kind_ok and info.st_uid == _UID and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


#: Seconds after which a temporary file no writer is still writing counts as left behind (a writer
#: killed half-way); a live writer touches its file far more often than this.
STALE = 60


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.kb"), key=_mtime, reverse=True)
    for old in entries[KEEP:]:
        # every part kept beside a KB: its term index, the reader's phrase table, the compiled diagnosis
        for path in (old, *(old.with_suffix(f".{part}") for part in _PARTS)):
            path.unlink(missing_ok=True)
    # Small entries kept on their own (a SPARQL query's check): the newest QUERIES stay.
    for old in sorted(folder.glob("*.query"), key=_mtime, reverse=True)[QUERIES:]:
        old.unlink(missing_ok=True)
    # Entries keyed on other bytes than a KB's (the reader's lexicon): the newest KEEP stay.
    for part in ("lexicon",):
        for old in sorted(folder.glob(f"*.{part}"), key=_mtime, reverse=True)[KEEP:]:
            old.unlink(missing_ok=True)
    for part, keep in FOLDERS.items():
        for old in sorted(folder.glob(f"*.{part}"), key=_mtime, reverse=True)[keep:]:
            _remove(old)
    # Temporary files of writers killed before their rename (`.<key>.<part>.<pid>.<random>`).
    now = time.time()
    for temporary in folder.glob(".*.*.*.*"):
        if _TEMPORARY.fullmatch(temporary.name) and now - _mtime(temporary) > STALE:
            _remove(temporary)


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:  # removed meanwhile by another process's pruning
        return 0.0


_PARTS = ("index", "reading", "diagnosis", "ntriples")
_TEMPORARY = re.compile(r"\.[0-9a-f]{40}\.[a-z]+\.[0-9]+\.[0-9a-f]{8}")


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

