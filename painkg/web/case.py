"""A case as the explorer holds it: findings with a state, and a setting.

The same case has three spellings, each read back into the other two:

* the page's query string (shareable): ``?setting=primary-care&present=groin-pain&absent=numbness``,
  an activity with how it acts after a dot (``present=sitting.aggravated-by``);
* JSON (downloaded, loaded back, sent to ``POST /api/trace``):
  ``{"setting": "primary-care", "findings": [{"id": "groin-pain", "state": "present"}, ...]}``;
* the trace's input: one :class:`~painkg.reading.read.Reading` whose spans are the findings,
  so a chip is traced as exactly the node it names, never re-read from its label.

A finding's state is present, absent, possible (suspected: the trace weighs it as a
question, not evidence, but raises a red flag it names, as suspected) or unknown (asked,
not known: kept in the case so the question is not asked again, but not traced).

Examples
--------
>>> case = parse_query([("present", "groin pain"), ("absent", "numbness"), ("present", "sitting.aggravated-by")])
>>> case = resolve(kg, case)
>>> case.query()
'setting=primary-care&present=groin-pain&absent=numbness&present=sitting.aggravated-by'
>>> [s.polarity for s in reading(kg, case).spans]
['present', 'absent', 'present']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from ..errors import TraceError
from ..kb.model import Node
from ..kb.vocab import Kind, Relation
from ..reading import patient
from ..reading.read import ABSENT, POSSIBLE, PRESENT, Reading, Span
from ..trace.compile import OBSERVABLE_KINDS
from ..trace.settings import DEFAULT_SETTING

if TYPE_CHECKING:
    from ..kb.graph import KnowledgeGraph

__all__ = ["Finding", "Case", "STATES", "EFFECTS", "parse_query", "parse_json", "resolve", "reading", "read_findings",
           "CaseError"]

#: A finding's states, in the order a click on its chip cycles through them.
STATES = ("present", "absent", "possible", "unknown")
#: How an activity can act on the pain.
EFFECTS = (Relation.AGGRAVATED_BY.value, Relation.RELIEVED_BY.value)
#: Most findings one case may hold: a real case has tens; a service must stay bounded.
MOST_FINDINGS = 200
#: Query parameters a case is spelled with (besides the four states).
CASE_KEYS = ("setting",)


class CaseError(TraceError):
    """A case that cannot be read: a bad state, key, activity effect or size (HTTP 400)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding of a case: a term (an id once resolved), its state, and an activity's effect."""

    id: str
    state: str = "present"
    relation: str | None = None
    label: str = ""
    kind: str = ""
    red_flag: bool = False

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.id, self.relation)

    @property
    def token(self) -> str:
        """The finding in a query string: ``groin-pain`` or ``sitting.aggravated-by``."""
        return f"{self.id}.{self.relation}" if self.relation else self.id

    def to_dict(self) -> dict:
        out = {"id": self.id, "state": self.state, "label": self.label, "kind": self.kind, "red_flag": self.red_flag}
        if self.relation:
            out["relation"] = self.relation
        return out


@dataclass(frozen=True, slots=True)
class Case:
    """The findings of a case in the order they were added, and where the patient is seen."""

    findings: tuple[Finding, ...] = ()
    setting: str = DEFAULT_SETTING

    def query(self) -> str:
        """The case as the page's query string (without the ``?``)."""
        return urlencode([("setting", self.setting)] + [(f.state, f.token) for f in self.findings])

    def to_dict(self) -> dict:
        """The case as the JSON a user downloads and loads back."""
        return {"painkg_case": 1, "setting": self.setting, "findings": [f.to_dict() for f in self.findings]}

    @property
    def traced(self) -> tuple[Finding, ...]:
        """The findings the trace reads: every state but unknown."""
        return tuple(f for f in self.findings if f.state != "unknown")


def parse_query(pairs: Iterable[tuple[str, str]], *, extra: Iterable[str] = ()) -> Case:
    """Read a case from query-string pairs; keys other than the states, ``setting`` and *extra* are refused."""
    allowed = (*STATES, *CASE_KEYS, *extra)
    findings, setting = [], DEFAULT_SETTING
    for key, value in pairs:
        if key == "setting":
            setting = value.strip()
        elif key in STATES:
            term, _, effect = value.strip().partition(".") if _dotted(value) else (value.strip(), "", "")
            findings.append(Finding(term, key, effect or None))
        elif key not in extra:
            raise CaseError(f"query: unknown parameter {key!r} (allowed: {', '.join(allowed)})")
    return _checked(findings, setting)


def parse_json(data: object) -> Case:
    """Read a case from its JSON form (``Case.to_dict``); labels in it are ignored, ids re-resolved."""
    if not isinstance(data, Mapping):
        raise CaseError(f"case: expected a JSON object with 'findings' (got {type(data).__name__})")
    setting = data.get("setting", DEFAULT_SETTING)
    items = data.get("findings", [])
    if not isinstance(setting, str):
        raise CaseError(f"case: setting must be a string (got {setting!r})")
    if not isinstance(items, list):
        raise CaseError("case: findings must be a list of {id, state} objects")
    findings = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            raise CaseError(f"case: findings[{i}] must be an object with an 'id' string (got {item!r:.80})")
        state = item.get("state", "present")
        relation = item.get("relation")
        if not isinstance(state, str) or not (relation is None or isinstance(relation, str)):
            raise CaseError(f"case: findings[{i}]: state and relation must be strings")
        findings.append(Finding(item["id"].strip(), state, relation or None))
    return _checked(findings, setting.strip())


def _dotted(value: str) -> bool:
    # Ids never hold a dot; a term might ("L5/S1 disc"), so only a known effect after the last dot splits.
    return value.rpartition(".")[2].strip() in EFFECTS


def _checked(findings: list[Finding], setting: str) -> Case:
    if len(findings) > MOST_FINDINGS:
        raise CaseError(f"case: {len(findings)} findings; at most {MOST_FINDINGS}")
    for f in findings:
        if f.state not in STATES:
            raise CaseError(f"case: {f.id!r}: unknown state {f.state!r} (allowed: {', '.join(STATES)})")
        if not f.id:
            raise CaseError(f"case: an empty {f.state} finding (give an id, a label or a synonym)")
        if f.relation is not None and f.relation not in EFFECTS:
            raise CaseError(f"case: {f.id!r}: unknown effect {f.relation!r} (allowed: {', '.join(EFFECTS)})")
    return Case(tuple(findings), setting or DEFAULT_SETTING)


def resolve(kg: KnowledgeGraph, case: Case) -> Case:
    """Name each finding by its node's id and label; said twice, the stronger state wins.

    Present wins over suspected, suspected over absent, absent over not known, as the library
    and the CLI read a case: a link or a merged case that both states and denies a finding
    cannot hide it (a red flag above all).  The case keeps the order of each finding's first
    mention.  The page changes a finding by replacing it, so it never sends two states.

    Raises
    ------
    UnknownTermError
        A term names no node (with the closest known terms).
    CaseError
        A node that is not a symptom, finding, test, activity or condition; an activity
        without its effect, or an effect on anything else.
    """
    out: dict[tuple, Finding] = {}
    for node, f in ((n, g) for given in case.findings for n, g in _named(kg, given)):
        if node.kind not in OBSERVABLE_KINDS:
            kinds = ", ".join(sorted(k.value for k in OBSERVABLE_KINDS))
            raise CaseError(f"case: {f.id!r} is a {node.kind.value}; a case holds what a patient presents with "
                            f"(allowed kinds: {kinds})")
        if (node.kind is Kind.ACTIVITY) != (f.relation is not None):
            if f.relation is None:
                raise CaseError(f"case: {node.id!r} is an activity: say how it acts on the pain "
                                f"({node.id}.aggravated-by or {node.id}.relieved-by)")
            raise CaseError(f"case: {node.id!r} is a {node.kind.value}; only an activity takes an effect "
                            f"(.{f.relation})")
        found = Finding(node.id, f.state, f.relation, node.label, node.kind.value, node.red_flag)
        seen = out.get(found.key)
        if seen is None or STRENGTH[found.state] > STRENGTH[seen.state]:
            out[found.key] = found
    return Case(tuple(out.values()), case.setting)


#: Which state wins when a case gives a finding twice.
STRENGTH = {"unknown": 0, "absent": 1, "possible": 2, "present": 3}


def _named(kg: KnowledgeGraph, f: Finding) -> list[tuple[Node, Finding]]:
    """The nodes a finding names, each with the finding its words state.

    An id is itself.  Other words are read as ``kg.trace`` reads a term when every word is
    accounted for ("pain worse with sitting" is sitting, aggravating; "no numbness" under
    ``present`` is absent; "68F" is over 50, not over 70, female), else resolved by name (a
    near spelling, a code), which raises :class:`UnknownTermError` with the closest names.
    """
    if f.id in kg.graph:
        return [(kg.node(f.id), f)]
    said = kg.read(f.id)
    found = read_findings(kg, said) if not said.unread else []
    if found:
        return [(kg.node(x.id), Finding(x.id, x.state if f.state == "present" else f.state, x.relation or f.relation))
                for x in found]
    return [(kg.resolve(f.id), f)]


def read_findings(kg: KnowledgeGraph, said: Reading) -> list[Finding]:
    """The findings a Reading adds to a case, in text order.

    One per span about the patient now (not past, supposed or a relative's) whose node a case
    can hold, with its polarity as the state; an activity only with its effect ("sitting" alone
    says nothing about the pain).  As the trace reads a note, present wins over absent and
    stated over suspected.  Age bands another band read from the same words settles are left
    out ("68" is over 50, so over 40 and not under 40): the trace infers them again.

    >>> [(f.id, f.state) for f in read_findings(kg, kg.read("68F, no numbness, ?CES"))]
    [('age-over-50', 'present'), ('age-over-70', 'absent'), ('age-under-60', 'absent'), ('female-sex', 'present'), \
('numbness', 'absent'), ('cauda-equina-syndrome', 'possible')]
    """
    implied = _implied_ages(kg, said)
    found: dict[tuple, Finding] = {}
    for s in said.spans:
        if not s.observed or s.node.kind not in OBSERVABLE_KINDS or (s.start, s.end, s.node.id, s.polarity) in implied:
            continue
        if s.node.kind is Kind.ACTIVITY and s.relation is None:
            continue
        f = Finding(s.node.id, s.polarity, s.relation.value if s.relation else None, s.node.label,
                    s.node.kind.value, s.node.red_flag)
        seen = found.get(f.key)
        if seen is None or _RANK[f.state] > _RANK[seen.state]:
            found[f.key] = f
    return list(found.values())


_RANK = {"absent": 0, "possible": 1, "present": 2}


def _implied_ages(kg: KnowledgeGraph, said: Reading) -> set[tuple[int, int, str, str]]:
    """(start, end, band, state) of each age band another band from the same words settles."""
    out = set()
    for s in said.spans:
        if s.polarity == POSSIBLE or not s.observed:
            continue
        for node_id, holds in patient.implied_ages(kg.graph, s.node.id, s.polarity == PRESENT):
            # What a denied band settles is left out only when denied too: "not under 60" also
            # makes a 60-year-old over 50, and the case should say so in those words.
            if s.polarity != PRESENT and holds:
                continue
            if any(o.node.id == node_id and (o.start, o.end) == (s.start, s.end) for o in said.spans):
                out.add((s.start, s.end, node_id, PRESENT if holds else ABSENT))
    return out


def reading(kg: KnowledgeGraph, case: Case) -> Reading:
    """The traced findings of a resolved case as one Reading, one span per finding."""
    spans, at = [], 0
    for f in case.traced:
        node = kg.node(f.id)
        relation = Relation(f.relation) if f.relation else None
        # "?saddle anaesthesia" is how a suspected finding is written: the trace then says a red
        # flag it raises is suspected, not reported.
        text = ("?" if f.state == "possible" else "") + node.label
        spans.append(Span(at, at + len(text), text, node, f.state, relation=relation, matched=node.label))
        at += len(text) + 2
    return Reading("; ".join(s.text for s in spans), tuple(spans))
