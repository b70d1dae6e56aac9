"""Read RDF back into a KnowledgeGraph: losslessly, safely, and checked like a table.

The inverse of :func:`painkg.rdf.to_rdf` (the mapping is documented there and in
``docs/RDF.md``).  :func:`parse` reads exactly the one file it is given and refuses,
before rdflib sees them, what could reach the network or blow up: JSON-LD remote
contexts, any RDF/XML DTD (external entities, entity-expansion bombs), JSON nested
deeper than :data:`MAX_DEPTH`, and Turtle or N-Triples tokens longer than
:data:`MAX_TOKEN` characters (rdflib's time grows with the square of a literal's length).

:func:`from_rdf` turns the triples into the cells a TSV row would hold (node and edge
tables, and the model tables: settings, priors, clusters) and runs the loader's own
checks (:func:`painkg.kb.validate.check_records`) on them, so a prior of NaN, an
infinite likelihood ratio, a red flag on a treatment, a role on a symptom or an unknown
reference key is refused from RDF exactly as from a table; each problem names its subject IRI.
Imported lazily (``painkg.from_rdf``), like rdflib itself.

Examples
--------
>>> back = from_rdf(painkg.to_rdf(kg))
>>> back.graph.number_of_edges() == kg.graph.number_of_edges()
True
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import warnings
from collections import defaultdict
from pathlib import Path

import networkx as nx
import rdflib
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ..errors import RDFError
from ..kb.graph import KnowledgeGraph, from_graph
from ..kb.tables import DENIED, MAX_CELL, Row, read_file
from ..kb.validate import Problems, check_records
from ..kb.vocab import (
    CLUSTER_COLUMNS,
    EDGE_COLUMNS,
    EVIDENCE_KEYWORDS,
    ID_PATTERN,
    LIKELIHOOD_COLUMNS,
    NODE_COLUMNS,
    NUMBER_COLUMNS,
    PRIOR_COLUMNS,
    SETTING_COLUMNS,
    Area,
    Grade,
    Kind,
    Population,
    Qualifier,
    Role,
)
from .export import _ENUMS, PAINKG, _format, _terms, new_graph
from .ntriples import CLUSTER, NODE, REFERENCE, SETTING, code_curie, reference_key

__all__ = ["MAX_DEPTH", "MAX_TOKEN", "parse", "from_rdf"]

#: A row's cells as this reader builds them: text, or a list cell already split (see Row.cells).
_Cells = dict[str, str | tuple[str, ...]]

#: Deepest JSON nesting read (painkg's own JSON-LD nests about 6 deep).
MAX_DEPTH = 100
#: Longest Turtle / N-Triples token (a literal or an IRI, as written, escapes included):
#: room for a :data:`~painkg.kb.tables.MAX_CELL`-character cell written with escapes.
MAX_TOKEN = 8 * MAX_CELL

# Any DTD: external entities (also spelt with character references) and entity expansion
# ("billion laughs") both need one, and painkg's RDF/XML never has one.
_DTD = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_SPECIAL = re.compile(r"[\"'<#\\]")
_IN_SHORT = {'"': re.compile(r'[\\"\n]'), "'": re.compile(r"[\\'\n]")}
_IN_LONG = {'"': re.compile(r'[\\"]'), "'": re.compile(r"[\\']")}


def parse(source: str | os.PathLike, *, format: str | None = None) -> Graph:
    """Parse one RDF file without touching the network or any other file.

    The file is read here and handed to rdflib as text, so rdflib never opens a
    URL itself; JSON-LD with a remote ``@context`` (or ``@import``), RDF/XML with a
    DTD, and input that would take rdflib super-linear time are refused first.

    Raises
    ------
    RDFError
        Unreadable, unsafe or malformed input, or an unknown suffix.
    """
    path = Path(source)
    fmt = _format(path, format)
    problems: list[str] = []
    data = read_file(path, str(path), problems)  # a regular file of bounded size: never a FIFO or a device
    if data is None:
        raise RDFError(problems[0])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise RDFError(f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}; allowed: UTF-8 text)") from exc
    if fmt == "json-ld":
        _check_jsonld(path, text)
    elif fmt == "xml":
        _check_xml(path, text)
    else:
        _check_tokens(path, text)
    graph = new_graph()
    try:
        with warnings.catch_warnings(), _as_written():  # rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph
            warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
            # A boolean rdflib finds odd (" true") is judged by from_rdf, which names its subject.
            warnings.filterwarnings("ignore", "Parsing weird boolean", UserWarning)
            graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many types; every one means "bad input" here
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise RDFError(f"{path}: not valid {fmt} ({first})") from exc
    return graph


_NORMALIZING = threading.Lock()


@contextlib.contextmanager
def _as_written():
    """Keep every literal's lexical form as written while parsing.

    rdflib normalizes typed literals by default, and it normalizes a boolean it cannot read
    (``" true"``, ``"maybe"``) to ``"false"``: a red flag would be lost without a word.  Read as
    written, :func:`from_rdf` judges the form itself.  The switch is rdflib's global; painkg's
    own parses take turns with it.
    """
    with _NORMALIZING:
        before = rdflib.NORMALIZE_LITERALS
        rdflib.NORMALIZE_LITERALS = False
        try:
            yield
        finally:
            rdflib.NORMALIZE_LITERALS = before


def _check_xml(path: Path, text: str) -> None:
    if _DTD.search(text):
        raise RDFError(f"{path}: <!DOCTYPE> and <!ENTITY> are not allowed: they bring external XML entities and "
                       f"entity expansion (allowed: self-contained RDF/XML without a DTD)")
    declared = _XML_ENCODING.match(text)
    if "\0" in text or (declared and declared.group(1).lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii")):
        # The text is checked as UTF-8; a parser told otherwise would see other characters.
        raise RDFError(f"{path}: RDF/XML must be UTF-8 (allowed: encoding=\"UTF-8\" or none, no NUL characters)")


def _check_jsonld(path: Path, text: str) -> None:
    try:
        document = json.loads(text)
    except RecursionError as exc:
        raise RDFError(f"{path}: JSON nested too deeply (allowed: up to {MAX_DEPTH} levels)") from exc
    except ValueError as exc:
        raise RDFError(f"{path}: not valid JSON ({exc})") from exc
    stack = [(document, 1)]
    while stack:  # any string @context (or @import) would make rdflib fetch it
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise RDFError(f"{path}: JSON nested more than {MAX_DEPTH} levels deep (allowed: up to {MAX_DEPTH})")
        if isinstance(item, list):
            stack.extend((i, depth + 1) for i in item)
        elif isinstance(item, dict):
            context = item.get("@context")
            contexts = context if isinstance(context, list) else [context]
            if "@import" in item or any(isinstance(c, str) for c in contexts):
                raise RDFError(f"{path}: remote JSON-LD @context is not allowed (allowed: inline @context objects)")
            stack.extend((v, depth + 1) for v in item.values())


def _check_tokens(path: Path, text: str) -> None:
    length, start = _longest_token(text)
    if length > MAX_TOKEN:
        line = text.count("\n", 0, start) + 1
        raise RDFError(f"{path}:{line}: a literal or IRI of {length} characters (allowed: up to {MAX_TOKEN})")


def _longest_token(text: str) -> tuple[int, int]:
    """Return the length and start of the longest string literal or IRI in Turtle or N-Triples text.

    One pass, linear: every search moves forward.  Escapes are skipped in pairs, so an
    escaped quote never ends a string.

    >>> _longest_token('<a> <b> "x\\\\"yz" .  # "not a string')
    (6, 8)
    """
    pos, size, best = 0, len(text), (0, 0)
    search, find, starts = _SPECIAL.search, text.find, text.startswith
    while (m := search(text, pos)) is not None:
        c, i = m.group(), m.start()
        if c == "#":  # a comment, to the end of the line
            j = find("\n", i)
            pos = size if j < 0 else j + 1
            continue
        if c == "\\":  # an escape in a prefixed name (ex:a\#b)
            pos = i + 2
            continue
        if c == "<":
            j = find(">", i + 1)
            end = size if j < 0 else j
        else:
            long = starts(c * 3, i)
            inside, j = (_IN_LONG if long else _IN_SHORT)[c].search, i + (3 if long else 1)
            while True:
                m = inside(text, j)
                if m is None:
                    end = size
                    break
                k = m.start()
                if text[k] == "\\":
                    j = k + 2
                elif not long or starts(c * 3, k):
                    end = k + (2 if long else 0)
                    break
                else:
                    j = k + 1
        if end - i > best[0]:
            best = (end - i, i)
        pos = end + 1
    return best


# -- lossless, checked import ----------------------------------------------------------------------

def from_rdf(source: Graph | str | os.PathLike, *, format: str | None = None) -> KnowledgeGraph:
    """Read a knowledge base back from RDF written by :func:`to_rdf` or :func:`export`.

    ``from_rdf(to_rdf(kg))`` has the same nodes, edges, attributes, references and model
    tables (``graph.graph["settings"]``, ``["priors"]``, ``["clusters"]``) as *kg*.  Every
    node, edge, setting, prior and cluster rule passes the checks a TSV row passes
    (:mod:`painkg.kb.validate`).

    Parameters
    ----------
    source : rdflib.Graph or path
        A graph, or a ``.ttl``/``.nt``/``.jsonld``/``.rdf`` file (parsed by :func:`parse`).

    Raises
    ------
    RDFError
        Listing every problem found, each with its subject (an edge without evidence,
        a number out of range, an unknown class…); or the input holds no painkg data.

    Examples
    --------
    >>> back = from_rdf(painkg.to_rdf(kg))
    >>> back.graph.nodes["hip-osteoarthritis"] == kg.graph.nodes["hip-osteoarthritis"]
    True
    """
    graph = source if isinstance(source, Graph) else parse(source, format=format)
    name = "the graph" if isinstance(source, Graph) else str(source)
    reader = _Reader(graph)
    node_rows = reader.node_rows()
    if not node_rows and not reader.problems:
        raise RDFError(f"{name}: no painkg data (no subject typed with a painkg class such as "
                       f"painkg:{Kind.CONDITION.value.capitalize()}; is this a painkg export?)")
    edge_rows = reader.edge_rows()
    references = reader.references()
    checked = check_records(node_rows, edge_rows, references, reader.problems, **reader.model_rows())
    problems = reader.problems
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        rest = f"\n… and {problems.more} more" if problems.more else ""
        raise RDFError(f"{len(problems)} {noun} reading RDF:\n" + "\n".join(problems) + rest)
    # Graph-level data, as load() builds it (painkg.kb.graph).
    result: nx.MultiDiGraph[str] = nx.MultiDiGraph(settings=checked.settings, priors=checked.priors, clusters=checked.clusters)
    result.add_nodes_from(sorted(checked.nodes.items()))
    # (s, t, key, data): the stubs of MultiDiGraph.add_edges_from know only (s, t) and (s, t, data)
    result.add_edges_from((s, t, r, d) for (s, t, r), d in sorted(checked.edges.items(),  # type: ignore[misc]
                                                                  key=lambda e: (e[0][0], e[0][2].value, e[0][1])))
    return from_graph(result, references)


class _Reader:
    """Turn a graph's triples into table rows (cells as a table holds them), collecting problems.

    Structure is checked here (one painkg class, text where text belongs, well-formed
    lists, evidence for every edge); what the values mean is checked by
    :func:`~painkg.kb.validate.check_records`, as for a table.
    """

    def __init__(self, graph: Graph) -> None:
        self.problems = Problems()
        self.prefixes = graph.namespace_manager
        self.facts: dict = defaultdict(lambda: defaultdict(list))  # subject → predicate → objects
        self.direct: set[tuple] = set()
        t = _terms()
        self.kinds = {v: k for k, v in t["kind"].items()}
        self.relations = {v: k for k, v in t["relation"].items()}
        self.values = {e: {iri: v for v, iri in t["value"][e].items()} for e in _ENUMS}
        self.numbers = t["number"]
        for s, p, o in graph:
            self.facts[s][p].append(o)
            if p in self.relations:
                self.direct.add((s, p, o))
            if isinstance(o, Literal) and len(o) > MAX_CELL:
                self._problem(s, f"{self._name(p)}: a text of {len(o)} characters (allowed: up to {MAX_CELL})")

    def _name(self, term) -> str:
        return term.n3(self.prefixes) if isinstance(term, URIRef) else repr(str(term))

    def _problem(self, subject, message: str) -> None:
        self.problems.append(f"{self._name(subject)}: {message}")

    def _one(self, subject, predicate, *, required: bool = False):
        values = self.facts[subject].get(predicate, [])
        if len(values) > 1 or (required and not values):
            self._problem(subject, f"needs {'exactly' if required else 'at most'} one {self._name(predicate)} "
                                   f"(found {len(values)})")
        return values[0] if values else None

    def _is_text(self, subject, predicate, value) -> bool:
        if not isinstance(value, Literal):
            self._problem(subject, f"{self._name(predicate)} must be text, not {self._name(value)}")
            return False
        language = (value.language or "en").lower()
        if language != "en" and not language.startswith("en-"):
            # painkg holds one English text per field; a tag would be lost without a word.
            self._problem(subject, f"{self._name(predicate)} {str(value)!r}@{value.language}: a text in another "
                                   f"language (allowed: plain or @en text)")
            return False
        return True

    def _text(self, subject, predicate, *, required: bool = False) -> str:
        value = self._one(subject, predicate, required=required)
        return str(value) if value is not None and self._is_text(subject, predicate, value) else ""

    def _lexical(self, subject, predicate, *, required: bool = False) -> str:
        """Return a number's lexical form (checked as a table cell is), or ''."""
        value = self._one(subject, predicate, required=required)
        if value is None:
            return ""
        if not isinstance(value, Literal):
            self._problem(subject, f"{self._name(predicate)} must be a number, not {self._name(value)}")
            return ""
        return str(value) or repr(str(value))

    def _value(self, subject, predicate, enum) -> str:
        """Return the value of an individual (grade, area, qualifier, role, population), or the IRI's name to refuse."""
        value = self._one(subject, predicate)
        if value is None:
            return ""
        known = self.values[enum].get(value)
        return known.value if known is not None else self._name(value)

    def _list(self, head) -> list:
        items: list = []
        seen = set()
        while head != RDF.nil:
            if head in seen or RDF.first not in self.facts[head]:
                self._problem(head, "not a well-formed rdf:List")
                return items
            seen.add(head)
            items.append(self._one(head, RDF.first))
            head = self._one(head, RDF.rest, required=True)
        return items

    def _items(self, subject, plain, ordered) -> list:
        """Return the ordered list if there is one, else the plain values sorted."""
        head = self._one(subject, ordered)
        if head is None:
            return sorted(self.facts[subject].get(plain, []))
        items = self._list(head)
        if set(items) != set(self.facts[subject].get(plain, [])):
            self._problem(subject, f"{self._name(ordered)} and {self._name(plain)} disagree")
        return items

    def _node_id(self, iri) -> str | None:
        node_id = str(iri)[len(NODE):] if isinstance(iri, URIRef) and str(iri).startswith(NODE) else ""
        return node_id if ID_PATTERN.match(node_id) else None

    def _node_cell(self, iri) -> str:
        """Return the node id an IRI names, or its name for the checks to refuse ("not a condition …")."""
        return self._node_id(iri) or self._name(iri)

    def node_rows(self) -> list[tuple[Row, Kind]]:
        rows = []
        for subject, facts in list(self.facts.items()):
            kinds = [self.kinds[c] for c in facts.get(RDF.type, []) if c in self.kinds]
            if not kinds:
                continue
            node_id = self._node_id(subject)
            if node_id is None or len(kinds) > 1:
                self._problem(subject, f"a node needs an IRI {NODE}<kebab-case id> and one painkg class")
                continue
            rows.append((Row(self._name(subject), 0, self._node_cells(subject, node_id)), kinds[0]))
        return rows

    def _node_cells(self, subject, node_id: str) -> dict:
        codes = []
        for iri in self._items(subject, PAINKG.code, PAINKG.codeList):
            curie = code_curie(str(iri)) if isinstance(iri, URIRef) else None
            if curie is None:
                self._problem(subject, f"code {self._name(iri)} is not an HPO or ICD-10-CM IRI")
            else:
                codes.append(curie)
        synonyms = [str(s) for s in self._items(subject, SKOS.altLabel, PAINKG.synonymList)
                    if self._is_text(subject, SKOS.altLabel, s)]
        grade, probability = self._value(subject, PAINKG.priorGrade, Grade), self._lexical(subject, PAINKG.priorProbability)
        if grade and probability:
            self._problem(subject, "a prior is a painkg:priorGrade or a painkg:priorProbability, not both")
        # List cells travel as tuples: an item may hold any character, "|" included.
        cells: _Cells = dict.fromkeys(NODE_COLUMNS, "")
        cells.update(id=node_id, label=self._text(subject, SKOS.prefLabel, required=True), synonyms=tuple(synonyms),
                     codes=tuple(codes), region=self._value(subject, PAINKG.region, Area),
                     definition=self._text(subject, SKOS.definition), red_flag=self._red_flag(subject),
                     role=self._value(subject, PAINKG.role, Role), prior=grade or probability,
                     references=self._references(subject))
        return cells

    def _red_flag(self, subject) -> str:
        # Required: painkg writes it on every node, so a node without one was edited, and reading it
        # as "no" would drop a red flag without a word.
        value = self._one(subject, PAINKG.redFlag, required=True)
        if value is None:
            return ""
        # xsd:boolean collapses white space (" true" is true); its lexical forms in any case.
        lexical = " ".join(str(value).split()).lower() if isinstance(value, Literal) else ""
        if isinstance(value, Literal) and value.datatype == XSD.boolean and lexical in ("true", "false", "1", "0"):
            return "yes" if lexical in ("true", "1") else "no"
        self._problem(subject, f"painkg:redFlag {self._name(value) if isinstance(value, URIRef) else repr(str(value))} "
                               f"(allowed: true or false, as xsd:boolean)")
        return ""

    def _references(self, subject) -> tuple[str, ...]:
        iris = self._items(subject, PROV.wasDerivedFrom, PAINKG.referenceList)
        bad = [i for i in iris if not isinstance(i, URIRef) or not str(i).startswith(REFERENCE)]
        if bad:
            self._problem(subject, f"evidence {self._name(bad[0])} is not a painkg reference ({REFERENCE}<key>)")
        return tuple(reference_key(str(i)) for i in iris if i not in bad)

    def edge_rows(self) -> list[Row]:
        rows = []
        for subject, facts in list(self.facts.items()):
            if RDF.Statement not in facts.get(RDF.type, []):
                continue
            triple = (self._one(subject, RDF.subject, required=True), self._one(subject, RDF.predicate, required=True),
                      self._one(subject, RDF.object, required=True))
            if triple not in self.direct:
                self._problem(subject, "describes an edge that the graph does not assert")
                continue
            self.direct.discard(triple)
            rows.append(Row(self._name(subject), 0, self._edge_cells(subject, triple)))
        for s, p, o in sorted(self.direct):
            self.problems.append(f"{self._name(s)} {self._name(p)} {self._name(o)}: edge without evidence "
                                 f"(no rdf:Statement with its strength and references)")
        return rows

    def _edge_cells(self, subject, triple) -> dict:
        s, p, o = triple
        cells: _Cells = dict.fromkeys(EDGE_COLUMNS, "")
        cells.update(source=self._node_cell(s), relation=self.relations[p].value, target=self._node_cell(o),
                     strength=self._value(subject, PAINKG.strength, Grade),
                     qualifier=self._value(subject, PAINKG.qualifier, Qualifier),
                     population=self._value(subject, PAINKG.population, Population),
                     note=self._text(subject, RDFS.comment), references=self._references(subject))
        for column in NUMBER_COLUMNS:
            cells[column] = self._lexical(subject, self.numbers[column])
        return cells

    def references(self) -> dict[str, dict[str, str]]:
        references = {}
        for subject, facts in self.facts.items():
            if PAINKG.Reference in facts.get(RDF.type, []):
                key = self._text(subject, DCTERMS.identifier, required=True)
                if key in EVIDENCE_KEYWORDS or not key:
                    self._problem(subject, f"reference key {key!r} is reserved or empty "
                                           f"(allowed: any other key; {', '.join(EVIDENCE_KEYWORDS)} are built in)")
                    continue
                references[key] = {"key": key, "citation": self._text(subject, DCTERMS.bibliographicCitation),
                                   "pmid": self._text(subject, PAINKG.pmid), "doi": self._text(subject, PAINKG.doi),
                                   "status": self._text(subject, PAINKG.status)}
                if PAINKG.seen in facts:  # an optional column: present (even empty) only when the table had it
                    references[key]["seen"] = self._text(subject, PAINKG.seen)
        return dict(sorted(references.items()))

    # -- the model tables (graph.graph): settings, priors, clusters, as rows of their tables ---------

    def _typed(self, cls) -> list:
        return sorted(s for s, facts in list(self.facts.items()) if cls in facts.get(RDF.type, []))

    def _slug(self, iri, base: str) -> str | None:
        slug = str(iri)[len(base):] if isinstance(iri, URIRef) and str(iri).startswith(base) else ""
        return slug if ID_PATTERN.match(slug) else None

    def _evidence(self, subject) -> dict:
        return {"references": self._references(subject), "note": self._text(subject, RDFS.comment)}

    def model_rows(self) -> dict[str, list[Row]]:
        """Return ``settings``, ``priors`` and ``clusters`` rows for :func:`~painkg.kb.validate.check_records`."""
        return {"settings": self._setting_rows(), "priors": self._prior_rows(), "clusters": self._cluster_rows()}

    def _setting_rows(self) -> list[Row]:
        rows = []
        for subject in self._typed(PAINKG.Setting):
            setting = self._slug(subject, SETTING)
            if setting is None:
                self._problem(subject, f"a setting needs an IRI {SETTING}<kebab-case id>")
                continue
            cells: _Cells = dict.fromkeys(SETTING_COLUMNS, "")
            cells.update(id=setting, label=self._text(subject, SKOS.prefLabel, required=True),
                         description=self._text(subject, DCTERMS.description),
                         default_prior=self._lexical(subject, PAINKG.defaultPrior), **self._evidence(subject),
                         defines=tuple(self._node_cell(n) for n in self._items(subject, PAINKG.defines, PAINKG.definesList))
                         + tuple(DENIED + self._node_cell(n) for n in sorted(self.facts[subject].get(PAINKG.definesAbsent, []))))
            rows.append(Row(self._name(subject), 0, cells))
        return rows

    def _prior_rows(self) -> list[Row]:
        rows = []
        for subject in self._typed(PAINKG.Prior):
            setting = self._one(subject, PAINKG.setting, required=True)
            condition = self._one(subject, PAINKG.condition, required=True)
            cells: _Cells = dict.fromkeys(PRIOR_COLUMNS, "")
            cells.update(setting="" if setting is None else self._slug(setting, SETTING) or self._name(setting),
                         condition="" if condition is None else self._node_cell(condition),
                         prevalence=self._lexical(subject, PAINKG.prevalence, required=True),
                         among=tuple(self._node_cell(n) for n in self._items(subject, PAINKG.among, PAINKG.amongList)),
                         **self._evidence(subject))
            rows.append(Row(self._name(subject), 0, cells))
        return rows

    def _cluster_rows(self) -> list[Row]:
        """One row per threshold rule, as ``clusters.tsv`` holds them; a family without rules is one bare row."""
        rows = []
        for subject in self._typed(PAINKG.Cluster):
            cluster = self._slug(subject, CLUSTER)
            if cluster is None:
                self._problem(subject, f"a cluster needs an IRI {CLUSTER}<kebab-case id>")
                continue
            condition = self._one(subject, PAINKG.condition)
            cells: _Cells = dict.fromkeys(CLUSTER_COLUMNS, "")
            cells.update(cluster=cluster, label=self._text(subject, SKOS.prefLabel, required=True),
                         condition="" if condition is None else self._node_cell(condition),
                         members=tuple(self._node_cell(m) for m in self._items(subject, PAINKG.member, PAINKG.memberList)),
                         references=())
            rules = self._items(subject, PAINKG.rule, PAINKG.ruleList)
            if not rules:
                rows.append(Row(self._name(subject), 0, cells))
            for rule in rules:
                numbers = {column: self._lexical(rule, self.numbers[column]) for column in LIKELIHOOD_COLUMNS}
                applies = tuple(self._slug(s, SETTING) or self._name(s)
                                for s in sorted(self.facts[rule].get(PAINKG.appliesIn, [])))
                rows.append(Row(self._name(rule), 0, {**cells, **numbers, **self._evidence(rule), "settings": applies,
                                                      "at_least": self._lexical(rule, PAINKG.atLeast, required=True)}))
        return rows
