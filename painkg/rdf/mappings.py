"""Standard identifiers for painkg nodes: the curated SSSOM table ``ontology/mappings.sssom.tsv``.

Each row maps a painkg node (``painkg.node:<id>``) to a term of a standard vocabulary (MONDO,
UBERON, HP, UMLS, SNOMED CT …) with a SKOS predicate and the reason it was made
(``mapping_justification``, ``comment`` naming the source that was read).  The RDF export
writes them as ``skos:exactMatch`` / ``skos:closeMatch`` / … triples, the KGX export uses an
exact match as the node's identifier.  CURIEs expand with the table's own ``curie_map``, which a test
keeps equal to :data:`painkg.rdf.prefixes.PREFIX_MAP` (Biolink's IRIs, Bioregistry's where Biolink is
silent).  Predicates follow SSSOM's reading of SKOS: one exactMatch per node and vocabulary; a part (a
nerve of a plexus, a region of a limb) is a relatedMatch, not a narrower concept; an HP term's database
cross-reference is at most a closeMatch.  Only the standard library is needed here; the ``sssom``
package checks the file in the tests.

Examples
--------
>>> table = load_mappings()
>>> all(m.predicate.startswith("skos:") for m in table.mappings)
True
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import RDFError
from ..kb.tables import ontology_folder
from .prefixes import NODE_PREFIX

__all__ = ["Mapping", "MappingTable", "load_mappings", "SKOS_PREDICATES", "COLUMNS"]

#: The SSSOM columns of the table, in order.
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification",
           "author_id", "mapping_date", "comment")
#: The predicates a mapping may use, strongest first.
SKOS_PREDICATES = ("skos:exactMatch", "skos:closeMatch", "skos:narrowMatch", "skos:broadMatch", "skos:relatedMatch")


@dataclass(frozen=True, slots=True)
class Mapping:
    """One row: ``subject`` (a painkg node id, ``painkg.node:<id>`` in the file) ``predicate`` ``object`` (a CURIE)."""

    subject: str
    subject_label: str
    predicate: str
    object: str
    object_label: str
    justification: str
    comment: str

    def __str__(self) -> str:
        return f"{NODE_PREFIX}:{self.subject} {self.predicate} {self.object} ({self.object_label})"


@dataclass(frozen=True, slots=True)
class MappingTable:
    """The parsed table: its prefix map and its mappings, in file order."""

    curie_map: dict[str, str]
    mappings: tuple[Mapping, ...]
    index: dict[str, tuple[Mapping, ...]]  # node id -> its mappings, strongest first

    def expand(self, curie: str) -> str:
        """Return the IRI of a CURIE with the table's prefix map.

        >>> load_mappings().expand("UBERON:0001464")
        'http://purl.obolibrary.org/obo/UBERON_0001464'
        """
        prefix, _, local = curie.partition(":")
        if prefix not in self.curie_map:
            raise RDFError(f"mappings.sssom.tsv: prefix {prefix!r} of {curie} is not in the curie_map "
                           f"(allowed: {', '.join(sorted(self.curie_map))})")
        return self.curie_map[prefix] + local

    def matches(self, node_id: str, label: str) -> list[tuple[str, str]]:
        """Return ``(SKOS predicate IRI, object IRI)`` pairs for a node, strongest first.

        A row applies only to the node whose id *and* label it names, so a user's own KB
        that happens to reuse an id for something else gets no borrowed identifier.
        """
        skos = "http://www.w3.org/2004/02/skos/core#"
        return [(skos + m.predicate.removeprefix("skos:"), self.expand(m.object))
                for m in self.by_node().get(node_id, ()) if m.subject_label == label]

    def by_node(self) -> dict[str, tuple[Mapping, ...]]:
        """Return each node's mappings, strongest predicate first (then in file order)."""
        return self.index


def _by_node(mappings: tuple[Mapping, ...]) -> dict[str, tuple[Mapping, ...]]:
    grouped: dict[str, list[Mapping]] = {}
    for m in mappings:
        grouped.setdefault(m.subject, []).append(m)
    rank = {p: i for i, p in enumerate(SKOS_PREDICATES)}
    return {n: tuple(sorted(ms, key=lambda m: rank[m.predicate])) for n, ms in grouped.items()}


def load_mappings(path: str | Path | None = None) -> MappingTable:
    """Read an SSSOM table (default: the bundled ``ontology/mappings.sssom.tsv``).

    Raises
    ------
    RDFError
        A row with an unknown predicate, a subject that is not ``painkg:<id>``, or a
        prefix missing from the ``curie_map``; every problem is listed.
    """
    return _load(str(Path(path))) if path else _bundled()


@lru_cache(maxsize=1)
def _bundled() -> MappingTable:
    # Asked once per node by the writers: finding the ontology folder each time cost 0.1 ms a node.
    return _load(str(ontology_folder() / "mappings.sssom.tsv"))


@lru_cache(maxsize=4)
def _load(path: str) -> MappingTable:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return MappingTable({}, (), {})
    except OSError as exc:
        raise RDFError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    curie_map = _curie_map([line[1:] for line in lines if line.startswith("#")])
    rows = csv.DictReader([line for line in lines if not line.startswith("#")], delimiter="\t")
    problems, mappings = [], []
    for number, row in enumerate(rows, start=2 + sum(line.startswith("#") for line in lines)):
        where = f"{Path(path).name}:{number}"
        subject, predicate, obj = row.get("subject_id", ""), row.get("predicate_id", ""), row.get("object_id", "")
        node_id = _node_id(subject)
        if node_id is None:
            problems.append(f"{where}: subject {subject!r} is not {NODE_PREFIX}:<id>")
        if predicate not in SKOS_PREDICATES:
            problems.append(f"{where}: predicate {predicate!r} (allowed: {', '.join(SKOS_PREDICATES)})")
        if obj.partition(":")[0] not in curie_map:
            problems.append(f"{where}: prefix of {obj!r} is not in the curie_map")
        mappings.append(Mapping(node_id or subject, row.get("subject_label") or "", predicate, obj, row.get("object_label") or "",
                                row.get("mapping_justification") or "", row.get("comment") or ""))
    if problems:
        raise RDFError(f"{len(problems)} problems in {Path(path).name}:\n" + "\n".join(problems))
    return MappingTable(curie_map, tuple(mappings), _by_node(tuple(mappings)))


def _node_id(subject: str) -> str | None:
    """The painkg node id of a subject CURIE; ``painkg:<id>``, the form of tables before 0.2, is still read."""
    prefix, _, local = subject.partition(":")
    return local if local and prefix in (NODE_PREFIX, "painkg") else None


def _curie_map(header: list[str]) -> dict[str, str]:
    """Read the ``curie_map:`` block of an SSSOM YAML header (indented ``PREFIX: IRI`` lines below it)."""
    curie_map, indent = {}, None
    for line in header:
        key = re.match(r"^(\s*)curie_map:\s*$", line)
        entry = re.match(r"^(\s*)([A-Za-z_][\w.-]*):\s*(\S+)\s*$", line)
        if key:
            indent = len(key.group(1))
        elif indent is not None and entry and len(entry.group(1)) > indent:
            curie_map[entry.group(2)] = entry.group(3)
        else:
            indent = None
    return curie_map
