"""Regular expressions compiled from opcodes kept in painkg's cache: for the command line's start.

Importing the reading wing compiles about 75 regular expressions at module level, which costs
``painkg trace`` served from the cache about a tenth of its time, in every process.  Python
compiles a pattern in two steps: its parser and code generator (pure Python: the slow part) turn
the text into a list of opcodes, and ``_sre.compile`` makes the pattern object from that list.
Within :func:`kept`, the opcode lists come from painkg's cache (:mod:`painkg.kb.cache`, hashed and
private like every entry), keyed by the Python build, and ``_sre.compile`` is called with exactly
the arguments ``re.compile`` would give it, so the pattern objects are the same; a pattern not in
the cache is compiled as usual and kept for the next process.  ``tests/test_fast.py`` checks that
the kept opcodes are those Python's compiler generates.

Only the command line uses it, around importing the trace and reading wings, and only on the
CPython versions whose ``re._compiler.compile`` it follows (3.11 to 3.13); anywhere else, and
with the cache off, it does nothing.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator

from . import cache

__all__ = ["kept"]

#: The CPython versions whose ``re._compiler.compile`` does what :func:`_compile` does (the same
#: lines in 3.11.7, 3.12.1 and 3.13.0).
VERSIONS = ((3, 11), (3, 12), (3, 13))


@contextlib.contextmanager
def kept() -> Iterator[None]:
    """Within the block, ``re.compile`` (and module-level patterns) take their opcodes from the cache."""
    if sys.implementation.name != "cpython" or sys.version_info[:2] not in VERSIONS or cache.cache_dir() is None:
        yield
        return
    import _sre  # type: ignore[import-not-found]  # CPython's regex engine: no stubs
    from re import _compiler, _parser  # type: ignore[attr-defined]  # typeshed leaves re's internals out

    key = _key(_sre.MAGIC)
    found = cache.read(key, "patterns")
    saved: dict = found if isinstance(found, dict) else {}
    used: dict = {}
    compiled = 0
    original = _compiler.compile

    def compile(p, flags=0):
        nonlocal compiled
        if not isinstance(p, (str, bytes)) or not isinstance(flags, int) or flags & re.DEBUG:
            return original(p, flags)
        flags = int(flags)  # a RegexFlag is stored as the int it is
        args = saved.get((p, flags))
        if args is None:
            args = _compile(_compiler, _parser, p, flags)
            compiled += 1
        try:
            pattern = _sre.compile(p, *args)
        except (TypeError, ValueError, RuntimeError):  # an entry of another shape: compile as usual
            compiled += 1
            args = _compile(_compiler, _parser, p, flags)
            pattern = _sre.compile(p, *args)
        used[(p, flags)] = args
        return pattern

    _compiler.compile = compile
    try:
        yield
    finally:
        _compiler.compile = original
    if compiled:
        cache.write(key, "patterns", used)


def _key(magic: int) -> str:
    import hashlib

    return hashlib.blake2b(f"painkg patterns 1\0{sys.version}\0{magic}".encode(), digest_size=20).hexdigest()


def _compile(_compiler, _parser, p: str | bytes, flags: int) -> tuple:
    """The arguments ``re._compiler.compile`` passes to ``_sre.compile`` after the pattern, as plain values."""
    parsed = _parser.parse(p, flags)
    code = _compiler._code(parsed, flags)
    groupindex = parsed.state.groupdict
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    # The opcodes are int subclasses with names: stored, and passed on, as the ints they are.
    return (int(flags | parsed.state.flags), [int(c) for c in code], parsed.state.groups - 1, dict(groupindex),
            tuple(indexgroup))
