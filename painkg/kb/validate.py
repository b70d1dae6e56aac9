"""Check knowledge-base rows against the vocabulary; collect every problem.

Like KGX's validator (and unlike a loader that stops at the first error), every
check runs and each problem is reported as ``file:line: what is wrong (allowed: …)``.
Nothing here builds a graph: :func:`check` returns plain node and edge records that
:mod:`painkg.kb` turns into one only when the problem list is empty.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .tables import DENIED, Row, Table
from .vocab import (
    CODE_PATTERNS,
    EVIDENCE_KEYWORDS,
    ID_PATTERN,
    LIKELIHOOD_COLUMNS,
    LIST_SEPARATOR,
    NUMBER_COLUMNS,
    Area,
    Grade,
    Kind,
    Population,
    Qualifier,
    Relation,
    Role,
)

__all__ = ["Checked", "Problems", "check", "check_records", "split_list"]

_KINDS = ", ".join(k.value for k in Kind)
_RELATIONS = ", ".join(r.value for r in Relation)
_GRADES = ", ".join(g.value for g in Grade)
_AREAS = ", ".join(a.value for a in Area)
_QUALIFIERS = ", ".join(q.value for q in Qualifier)
_ROLES = ", ".join(r.value for r in Role)
_POPULATIONS = ", ".join(p.value for p in Population)
_RED_FLAG_KINDS = frozenset({Kind.CONDITION, Kind.SYMPTOM, Kind.FINDING})
_TREATMENT_RELATIONS = frozenset({Relation.TREATED_BY, Relation.PREVENTED_BY})
_RELATION_BY_VALUE = {r.value: r for r in Relation}
_GRADE_BY_VALUE = {g.value: g for g in Grade}
_ENDS = {r: (r.domain, r.range) for r in Relation}
#: A boolean cell (a red flag), in any case: a table's yes/no, KGX's and xsd:boolean's true/false and 1/0.
#: Anything else is a problem, never silently false.
_FLAGS = {"": False, "yes": True, "no": False, "true": True, "false": False, "1": True, "0": False}
# Plain ASCII decimals only: float() would also take "0.7_1", Arabic-Indic digits, "inf" and "nan".
_DECIMAL = re.compile(r"\+?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


class Problems(list):
    """A problem list that keeps the first *limit* problems and counts the rest.

    A folder of a million bad rows has a million problems; listing the first thousand
    tells the author as much and keeps memory bounded.  ``len()`` counts every problem
    (so "did this row add one?" still works); ``more`` is how many were not kept.

    >>> problems = Problems(limit=2)
    >>> for i in range(5):
    ...     problems.append(f"row {i}")
    >>> list(problems), len(problems), problems.more
    (['row 0', 'row 1'], 5, 3)
    """

    def __init__(self, limit: int = 1000) -> None:
        super().__init__()
        self.limit = limit
        self.more = 0

    def append(self, problem: str) -> None:
        if list.__len__(self) < self.limit:
            list.append(self, problem)
        else:
            self.more += 1

    def extend(self, problems: Iterable[str]) -> None:
        for problem in problems:
            self.append(problem)

    def __len__(self) -> int:
        return list.__len__(self) + self.more

    def __bool__(self) -> bool:
        return len(self) > 0


@dataclass
class Checked:
    """Validated records: ``nodes[id] -> attrs`` and ``edges[(source, target, relation)] -> attrs``."""

    nodes: dict[str, dict] = field(default_factory=dict)
    edges: dict[tuple[str, str, Relation], dict] = field(default_factory=dict)
    where: dict[object, str] = field(default_factory=dict)  # id or edge -> "file:line"
    #: The model tables: ``settings[id]``, ``priors[(setting, condition)]``, ``clusters[id]``.
    settings: dict[str, dict] = field(default_factory=dict)
    priors: dict[tuple[str, str], dict] = field(default_factory=dict)
    clusters: dict[str, dict] = field(default_factory=dict)


def split_list(cell: str | tuple[str, ...]) -> tuple[str, ...]:
    """Split a ``|``-separated cell into its non-empty, stripped items.

    A tuple is a list already split (rows read from RDF, whose items may hold any
    character); it is kept as it is, so nothing is lost on the way back.

    >>> split_list("a | b||"), split_list(("a|b", " c"))
    (('a', 'b'), ('a|b', ' c'))
    """
    if isinstance(cell, tuple):
        return cell
    return tuple(item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip())


@lru_cache(maxsize=4096)
def _shared_list(cell: str) -> tuple[str, ...]:
    # Most edges cite one of a few evidence cells; sharing the tuples saves ~100 MB per million edges.
    return split_list(cell)


def check(
    tables: Iterable[Table],
    references: Mapping[str, object],
    problems: list[str],
    *,
    base: Checked | None = None,
) -> Checked:
    """Validate *tables* (node tables first, then edges) into a :class:`Checked`.

    *base* holds records already accepted (the bundled KB when a user folder is
    merged into it); new nodes may not reuse its ids and new edges may use its nodes.
    """
    out = (Checked(dict(base.nodes), dict(base.edges), dict(base.where), dict(base.settings), dict(base.priors),
                   {k: {**v, "rules": list(v["rules"])} for k, v in base.clusters.items()})
           if base else Checked())
    tables = list(tables)
    for table in tables:
        if table.role == "nodes":
            kind = _table_kind(table.theme)
            if kind is None:
                problems.append(f"{table.name}: unknown node kind {table.theme!r} (allowed: {_KINDS})")
                continue
            for row in table.rows(problems):
                _check_node(row, kind, references, out, problems)
    edge_tables = [t for t in tables if t.role == "edges"]
    first = len(problems)
    cited: dict[tuple[str, ...], bool] = {}  # evidence cell -> every key known
    for table in edge_tables:
        for row in table.rows(problems):
            _check_edge(row, references, out, problems, cited)
    if any(isinstance(p, _Duplicate) for p in problems[first:]):
        _locate_duplicates(edge_tables, problems)
    # Settings before priors: a prior names its setting.
    for role, check_row in (("settings", _check_setting), ("priors", _check_prior), ("clusters", _check_cluster)):
        for table in tables:
            if table.role == role:
                for row in table.rows(problems):
                    check_row(row, references, out, problems)
    return out


def _check_setting(row: Row, refs, out: Checked, problems: list[str]) -> None:
    c, where, bad = row.cells, row.where, len(problems)
    if not ID_PATTERN.match(c["id"]):
        problems.append(f"{where}: bad setting id {c['id']!r} (allowed: kebab-case slug like 'primary-care')")
    elif c["id"] in out.settings:
        problems.append(f"{where}: duplicate setting {c['id']!r}")
    if not c["label"]:
        problems.append(f"{where}: empty label")
    default = _number(where, "default_prior", c["default_prior"], problems, upper=1.0, zero=False)
    keys = split_list(c["references"])
    _check_references(where, keys, refs, problems)
    defines = split_list(c.get("defines", ""))
    for finding in defines:
        # "not:X": what no patient of the setting has been found to have (the occult-fracture series:
        # no fracture on the radiograph), so a note saying so moves nothing.
        denied = finding.startswith(DENIED)
        kinds = (Kind.SYMPTOM, Kind.FINDING, Kind.TEST) + ((Kind.CONDITION,) if denied else ())
        if out.nodes.get(finding.removeprefix(DENIED), {}).get("kind") not in kinds:
            problems.append(f"{where}: defines: {finding!r} is not a symptom, finding or test of the knowledge base, "
                            f"or 'not:' and a condition (allowed: what every patient of the setting has, e.g. "
                            f"low-back-pain, or what none has been found to have, e.g. not:hip-fragility-fracture)")
    if len(problems) == bad:
        out.settings[c["id"]] = {"label": c["label"], "description": c["description"], "default_prior": default,
                                 "references": keys, "note": c["note"]}
        if defines:  # most settings define nothing beyond their complaint: no key, like an absent qualifier
            # What none has been found to have is a set (RDF keeps no order for it): after the rest, sorted.
            out.settings[c["id"]]["defines"] = tuple(d for d in defines if not d.startswith(DENIED)) + tuple(
                sorted(d for d in defines if d.startswith(DENIED)))


def _check_prior(row: Row, refs, out: Checked, problems: list[str]) -> None:
    c, where, bad = row.cells, row.where, len(problems)
    setting, condition = c["setting"], c["condition"]
    if setting not in out.settings:
        problems.append(f"{where}: unknown setting {setting!r} (allowed: {', '.join(out.settings) or 'none defined'})")
    node = out.nodes.get(condition)
    if node is None or node["kind"] is not Kind.CONDITION:
        problems.append(f"{where}: {condition!r} is not a condition of the knowledge base")
    value = _number(where, "prevalence", c["prevalence"], problems, upper=1.0, zero=False)
    among = split_list(c["among"])
    for complaint in among:
        if out.nodes.get(complaint, {}).get("kind") is not Kind.SYMPTOM:
            problems.append(f"{where}: among: {complaint!r} is not a symptom of the knowledge base "
                            f"(allowed: the presenting complaints the prevalence was measured in, e.g. low-back-pain)")
    keys = split_list(c["references"])
    _check_references(where, keys, refs, problems)
    if not _has_literature(keys):
        problems.append(f"{where}: a prevalence needs a literature reference")
    if (setting, condition) in out.priors:
        problems.append(f"{where}: duplicate prior for {condition!r} in {setting!r}")
    if len(problems) == bad:
        out.priors[setting, condition] = {"prevalence": value, "among": among, "references": keys,
                                          "note": c["note"]}


def _check_cluster(row: Row, refs, out: Checked, problems: list[str]) -> None:
    c, where, bad = row.cells, row.where, len(problems)
    cluster = c["cluster"]
    if not ID_PATTERN.match(cluster):
        problems.append(f"{where}: bad cluster id {cluster!r} (allowed: kebab-case slug)")
    condition = c["condition"] or None
    if condition is not None and out.nodes.get(condition, {}).get("kind") is not Kind.CONDITION:
        problems.append(f"{where}: {condition!r} is not a condition of the knowledge base")
    members = split_list(c["members"])
    if len(members) < 2:
        problems.append(f"{where}: a cluster needs at least two members")
    for m in members:
        if out.nodes.get(m, {}).get("kind") not in (Kind.SYMPTOM, Kind.FINDING, Kind.TEST, Kind.ACTIVITY):
            problems.append(f"{where}: member {m!r} is not a symptom, finding, test or activity of the knowledge base")
    numbers = {col: _number(where, col, c[col], problems, **_RANGE.get(col, _FRACTION))
               for col in ("sensitivity", "specificity", "lr_positive", "lr_negative") if c[col]}
    at_least = None
    if c["at_least"]:
        at_least = int(c["at_least"]) if c["at_least"].isascii() and c["at_least"].isdigit() else None
        if at_least is None or not 1 <= at_least <= len(members):
            problems.append(f"{where}: at_least {c['at_least']!r} (allowed: 1 to the number of members)")
        if not (("sensitivity" in numbers and "specificity" in numbers) or "lr_positive" in numbers):
            problems.append(f"{where}: a threshold needs its sensitivity and specificity, or its LR+")
    elif numbers:
        problems.append(f"{where}: numbers need a threshold in at_least (a family without one has none)")
    keys = split_list(c["references"])
    _check_references(where, keys, refs, problems)
    applies = split_list(c.get("settings", ""))
    for setting in applies:
        if setting not in out.settings:
            problems.append(f"{where}: settings: {setting!r} is not a setting of the knowledge base "
                            f"(allowed: {', '.join(out.settings) or 'none declared'})")
    if applies and at_least is None:
        problems.append(f"{where}: settings need a threshold in at_least (they say where a rule's ratios hold)")
    if numbers and not _has_literature(keys):
        problems.append(f"{where}: a cluster's accuracy needs a literature reference")
    known = out.clusters.get(cluster)
    if known is not None and (known["members"] != members or known["condition"] != condition):
        problems.append(f"{where}: cluster {cluster!r} repeated with other members or condition")
    if len(problems) == bad:
        entry = out.clusters.setdefault(cluster, {"label": c["label"] or cluster, "condition": condition,
                                                  "members": members, "rules": []})
        if at_least is not None:
            rule = {"at_least": at_least, **numbers, "references": keys, "note": c["note"]}
            if applies:  # most rules hold wherever their condition is a candidate: no key
                rule["settings"] = tuple(sorted(applies))  # a set: RDF keeps no order
            entry["rules"].append(rule)
            entry["rules"].sort(key=lambda r: -r["at_least"])


def check_records(
    nodes: Iterable[tuple[Row, Kind]],
    edges: Iterable[Row],
    references: Mapping[str, object],
    problems: list[str],
    *,
    settings: Iterable[Row] = (),
    priors: Iterable[Row] = (),
    clusters: Iterable[Row] = (),
) -> Checked:
    """Validate rows that come from elsewhere than a table (e.g. RDF).

    The same checks and messages as :func:`check`, for node and edge rows and for
    the rows of the model tables (``settings``, ``priors``, ``clusters``); each row's
    ``where`` names its place (an RDF subject).  Cells are strings as a table holds
    them, or tuples for list cells.

    >>> cells = {"id": "x", "label": "", "synonyms": "", "codes": "", "region": "hip", "definition": "",
    ...          "red_flag": "", "role": "", "prior": "", "references": ""}
    >>> problems = []
    >>> _ = check_records([(Row("node:x", 0, cells), Kind.CONDITION)], [], {}, problems)
    >>> problems
    ['node:x: empty label']
    """
    out = Checked()
    for row, kind in nodes:
        _check_node(row, kind, references, out, problems)
    cited: dict[tuple[str, ...], bool] = {}
    first = len(problems)
    seen: dict[tuple, str] = {}
    for row in edges:
        key = (row.cells["source"], row.cells["target"], _RELATION_BY_VALUE.get(row.cells["relation"]))
        seen.setdefault(key, row.where)
        _check_edge(row, references, out, problems, cited)
    for i in range(first, list.__len__(problems)):
        problem = problems[i]
        if isinstance(problem, _Duplicate):
            problems[i] = _duplicate_message(problem, seen.get(problem.key))
    # Settings before priors: a prior names its setting.
    for rows, check_row in ((settings, _check_setting), (priors, _check_prior), (clusters, _check_cluster)):
        for row in rows:
            check_row(row, references, out, problems)
    return out


def _table_kind(theme: str) -> Kind | None:
    # nodes-<kind>.tsv, or nodes-<kind>-<part>.tsv when one kind spans several tables
    return next((k for k in Kind if theme == k.value or theme.startswith(k.value + "-")), None)


class _Duplicate(str):
    """A duplicate-edge problem waiting for the place of the row it repeats."""

    key: tuple[str, str, Relation]

    def __new__(cls, where: str, key: tuple[str, str, Relation]) -> _Duplicate:
        self = super().__new__(cls, where)
        self.key = key
        return self


def _locate_duplicates(tables: list[Table], problems: list[str]) -> None:
    # Edge locations are not kept for every edge (a million of them would cost
    # ~100 MB); a second read finds the first row of each repeated edge instead.
    wanted = {p.key for p in problems if isinstance(p, _Duplicate)}
    first: dict[tuple, str] = {}
    for table in tables:
        for row in table.rows([]):
            c = row.cells
            key = (c["source"], c["target"], _RELATION_BY_VALUE.get(c["relation"]))
            if key in wanted:
                first.setdefault(key, row.where)
    for i, p in enumerate(problems):
        if isinstance(p, _Duplicate):
            problems[i] = _duplicate_message(p, first.get(p.key))


def _duplicate_message(p: _Duplicate, first: str | None) -> str:
    source, target, relation = p.key
    # The first row found is this very row when the edge was accepted before these tables:
    # it is in the knowledge base being merged into (whose row places are not kept).
    origin = ("already in the knowledge base this folder is merged into" if first in (None, str(p))
              else f"first defined at {first}")
    return f"{p}: duplicate edge {source} {relation.value} {target} ({origin})"


def _check_node(row: Row, kind: Kind, refs: Mapping[str, object], out: Checked, problems: list[str]) -> None:
    c, where = row.cells, row.where
    bad = len(problems)
    node_id = c["id"]
    if not node_id:
        problems.append(f"{where}: empty id")
    elif not ID_PATTERN.match(node_id):
        problems.append(f"{where}: bad id {node_id!r} (allowed: kebab-case slug like 'hip-osteoarthritis')")
    elif node_id in out.nodes:
        problems.append(f"{where}: duplicate id {node_id!r} (first defined at {out.where[node_id]})")
    if not c["label"]:
        problems.append(f"{where}: empty label")
    codes = split_list(c["codes"])
    for code in codes:
        prefix, _, local = code.partition(":")
        pattern = CODE_PATTERNS.get(prefix)
        if pattern is None or not pattern.match(local):
            problems.append(
                f"{where}: malformed code {code!r} (allowed: ICD10CM:<code> like ICD10CM:M16.9, HP:<7 digits>)"
            )
    region = Area.OTHER
    if c["region"]:
        try:
            region = Area(c["region"])
        except ValueError:
            problems.append(f"{where}: unknown region {c['region']!r} (allowed: {_AREAS})")
    elif kind is Kind.CONDITION:
        problems.append(f"{where}: empty region; a condition needs one (allowed: {_AREAS})")
    red_flag = _FLAGS.get(c["red_flag"].strip().lower())
    if red_flag is None:
        problems.append(f"{where}: red_flag {c['red_flag']!r} (allowed: yes or no, true or false, 1 or 0, in any case; "
                        f"empty is no)")
    elif red_flag and kind not in _RED_FLAG_KINDS:
        problems.append(f"{where}: a {kind.value} cannot be a red flag (allowed: condition, symptom, finding)")
    role = None
    if c["role"]:
        try:
            role = Role(c["role"])
        except ValueError:
            problems.append(f"{where}: unknown role {c['role']!r} (allowed: {_ROLES}, or empty for a source)")
        if kind is not Kind.CONDITION:
            problems.append(f"{where}: only a condition has a role (this is a {kind.value})")
    node_refs = split_list(c["references"])
    _check_references(where, node_refs, refs, problems)
    prior = _parse_prior(where, c["prior"], kind, node_refs, problems)
    if len(problems) == bad:
        out.nodes[node_id] = {
            "kind": kind,
            "label": c["label"],
            "synonyms": split_list(c["synonyms"]),
            "codes": codes,
            "region": region,
            "definition": c["definition"],
            "red_flag": red_flag,
            "prior": prior,
            "references": node_refs,
        }
        if role is not None:  # most nodes are ordinary sources: no key, like an absent qualifier
            out.nodes[node_id]["role"] = role
        out.where[node_id] = where


#: A condition's prior is its prevalence; an observable's is its base rate among the patients (MODEL.md §9).
_HAS_PRIOR = frozenset({Kind.CONDITION, Kind.SYMPTOM, Kind.FINDING, Kind.TEST, Kind.ACTIVITY})


def _parse_prior(where, cell, kind, node_refs, problems) -> float | Grade | None:
    if not cell:
        return None
    if kind not in _HAS_PRIOR:
        problems.append(f"{where}: only a condition (its prevalence) or an observable (its base rate) has a prior "
                        f"(this is a {kind.value})")
        return None
    try:
        return Grade(cell)
    except ValueError:
        pass
    value = _number(where, "prior", cell, problems, upper=1.0, zero=False)
    if value is not None and not _has_literature(node_refs):
        problems.append(f"{where}: prior {cell} needs a literature reference in the references column")
    return value


def _check_edge(row: Row, refs: Mapping[str, object], out: Checked, problems: list[str],
                cited: dict[tuple[str, ...], bool]) -> None:
    # The hot loop of a million-edge load: plain dict lookups, f-strings only on failure.
    c = row.cells
    bad = len(problems)
    relation = _RELATION_BY_VALUE.get(c["relation"])
    if relation is None:
        problems.append(f"{row.where}: unknown relation {c['relation']!r} (allowed: {_RELATIONS})")
    source, target = c["source"], c["target"]
    s_node, t_node = out.nodes.get(source), out.nodes.get(target)
    if s_node is None or t_node is None:
        for end, node_id, node in (("source", source, s_node), ("target", target, t_node)):
            if node is None:
                problems.append(f"{row.where}: empty {end}" if not node_id else
                                f"{row.where}: unknown {end} {node_id!r} (no node has this id)")
    elif relation is not None:
        domain, range_ = _ENDS[relation]
        if s_node["kind"] not in domain or t_node["kind"] not in range_:
            _check_domain_range(row.where, c, relation, s_node["kind"], t_node["kind"], problems)
    strength = _GRADE_BY_VALUE.get(c["strength"])
    if strength is None:
        problems.append(f"{row.where}: empty strength (allowed: {_GRADES})" if not c["strength"] else
                        f"{row.where}: unknown strength {c['strength']!r} (allowed: {_GRADES})")
    edge_refs = _shared_list(c["references"])
    attrs: dict = {"strength": strength, "references": edge_refs}
    numbers = [col for col in NUMBER_COLUMNS if c[col]]
    for column in numbers:
        value = _number(row.where, column, c[column], problems, **_RANGE.get(column, _FRACTION))
        if value is not None:
            attrs[column] = value
    if c["qualifier"]:
        _check_qualifier(row.where, c["qualifier"], relation, attrs, problems)
    if c["population"]:
        _check_population(row.where, c, attrs, problems)
    if not edge_refs:
        problems.append(f"{row.where}: empty references (allowed: literature keys, seed, anatomy)")
    else:
        # Most edges share a few evidence cells: each is looked up once per check().
        known = cited.get(edge_refs)
        if known is None:
            known = cited[edge_refs] = all(k in refs or k in EVIDENCE_KEYWORDS for k in edge_refs)
        if not known:
            _check_references(row.where, edge_refs, refs, problems)
    if numbers and edge_refs and not _has_literature(edge_refs):
        problems.append(f"{row.where}: {', '.join(numbers)} need a literature reference, not only seed/anatomy")
    if relation is None:  # its problem is listed above, so the edge is not kept
        return
    key = (source, target, relation)
    if key in out.edges:
        # Placeholder: the first row's place is found by _locate_duplicates, only if needed.
        problems.append(_Duplicate(row.where, key))
    if len(problems) == bad:
        if c["note"]:
            attrs["note"] = c["note"]
        out.edges[key] = attrs


def _check_qualifier(where, cell, relation, attrs, problems) -> None:
    try:
        attrs["qualifier"] = Qualifier(cell)
    except ValueError:
        problems.append(f"{where}: unknown qualifier {cell!r} (allowed: {_QUALIFIERS})")
    if relation is not None and relation not in _TREATMENT_RELATIONS:
        problems.append(f"{where}: a qualifier applies only to treated-by and prevented-by")


def _check_population(where, c, attrs, problems) -> None:
    try:
        attrs["population"] = Population(c["population"])
    except ValueError:
        problems.append(f"{where}: unknown population {c['population']!r} (allowed: {_POPULATIONS}, "
                        f"or empty for patients with the complaint)")
        return
    # docs/MODEL.md "What a number may mean": such a number is not a likelihood for our patients.
    misplaced = [col for col in LIKELIHOOD_COLUMNS if c[col]]
    if misplaced:
        problems.append(f"{where}: {', '.join(misplaced)} measured in {c['population']} is not a likelihood "
                        f"for patients with the complaint: move it to the note (allowed here: frequency)")


def _check_domain_range(where, c, relation: Relation, source: Kind, target: Kind, problems) -> None:
    if source not in relation.domain:
        allowed = ", ".join(sorted(k.value for k in relation.domain))
        problems.append(f"{where}: {c['source']!r} is a {source.value}; {relation.value} starts at {allowed}")
    if target not in relation.range:
        allowed = ", ".join(sorted(k.value for k in relation.range))
        problems.append(f"{where}: {c['target']!r} is a {target.value}; {relation.value} ends at {allowed}")


def _check_references(where, keys, refs, problems) -> None:
    for key in keys:
        if key not in refs and key not in EVIDENCE_KEYWORDS:
            problems.append(
                f"{where}: unknown reference key {key!r} (allowed: keys of references.tsv, seed, anatomy)"
            )


def _has_literature(keys) -> bool:
    return any(k not in EVIDENCE_KEYWORDS for k in keys)


_FRACTION = {"upper": 1.0}
# A likelihood ratio of 0 or infinity would be certainty, which no test gives.
_RANGE = {"lr_positive": {"upper": None, "zero": False}, "lr_negative": {"upper": None, "zero": False}}


def _number(where, column, cell, problems, *, upper: float | None, zero: bool = True) -> float | None:
    value = float(cell) if _DECIMAL.fullmatch(cell) else math.nan
    ok = math.isfinite(value) and (value >= 0 if zero else value > 0) and (upper is None or value <= upper)
    if not ok:
        if upper:
            limit = "a fraction from 0 to 1" if zero else "a fraction above 0, at most 1"
        else:
            limit = "a finite number of 0 or more" if zero else "a finite number above 0"
        problems.append(f"{where}: bad {column} {cell!r} (allowed: {limit}, written like 0.25)")
        return None
    return value
