"""Turn what a clinician or patient writes into observations for the trace.

Each term — a name, a note line, a whole note — is read by :func:`painkg.reading.read.read`
(spans of the KB's nodes, ConText-style context, measurements); a :class:`Reading` may be
given instead of terms.  What is about the patient now becomes an :class:`Observation`:
present, absent ("no numbness", "SLR -ve", "afebrile"), or present and only suspected
("?saddle anaesthesia", "CES not ruled out"); past events ("discectomy 2009"), suppositions
("return if ...") and relatives' conditions ("father had a hip replacement") are not
observations.  A node said both present and absent is present, whatever the order, so a
red flag is never denied by accident.

Examples
--------
>>> [str(o) for o in observe(kg, ["no fever", "pain eases with bending forward", "walking makes it worse"])]
['no fever', 'relieved by bending forward', 'worse with walking']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import patient
from .read import ABSENT, POSSIBLE, Reading, Unread, read
from ..errors import TraceError, UnknownTermError
from ..kb.model import Node
from ..kb.vocab import Relation

if TYPE_CHECKING:
    from ..kb.graph import KnowledgeGraph

__all__ = ["Observation", "observe", "suspected"]

#: Words that narrow the place a span names: denied, they deny that narrower place only.
NARROWING = frozenset(("midline", "central", "above", "below", "upper", "lateral", "medial", "anterior", "posterior",
                       "inner", "outer", "superficial", "proximal", "distal", "paraspinal", "paravertebral"))
#: Unread pieces per call that get the closest known terms.
MAX_SUGGESTED = 50

#: "?fever", "query cauda equina", "CES not ruled out": asked or suspected, read as present.
_SUSPECTED = re.compile(r"^\s*(?:\?+|query\b|possible\b|suspected\b|r/o\b|rule out\b|\?\s*)|\?\s*$|"
                        r"\b(?:not (?:yet )?(?:ruled out|excluded)|cannot be (?:ruled out|excluded)|"
                        r"can'?t (?:be )?(?:ruled out|excluded|rule out|exclude)|cannot (?:rule out|exclude))\b")


@dataclass(frozen=True, slots=True)
class Observation:
    """One thing observed about the patient, and the node it is.

    ``relation`` is set when the term said how an activity acts ("worse with
    sitting" → aggravated-by, "relieved by bending forward" → relieved-by);
    ``possible`` when it was asked or suspected rather than stated ("?fever").
    """

    term: str
    node: Node
    present: bool = True
    relation: Relation | None = None
    matched: str = ""
    possible: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.node.id, self.relation.value if self.relation else "")

    def __str__(self) -> str:
        how = {Relation.AGGRAVATED_BY: "worse with ", Relation.RELIEVED_BY: "relieved by "}.get(self.relation, "") \
            if self.relation is not None else ""
        return f"{'' if self.present else 'no '}{'?' if self.possible else ''}{how}{self.node.label}"


def observe(kg: KnowledgeGraph, terms: Iterable[str | Reading] | str | Reading, present: bool = True,
            skipped: list[UnknownTermError] | None = None) -> list[Observation]:
    """Read *terms* into observations, one per distinct (node, relation), in order.

    Parameters
    ----------
    kg : KnowledgeGraph
    terms : iterable of str or Reading, or one Reading or text
        Names, note lines or whole notes; a :class:`Reading` is used as it is.
    present : bool
        False for the absent list: everything it names is absent.
    skipped : list, optional
        Where a piece no node accounts for goes, as :class:`UnknownTermError` (its
        ``term`` is that piece); without it the first such piece is raised.

    Raises
    ------
    UnknownTermError
        A piece of a term is not understood, or is outside the KB (unless *skipped*).
    TraceError
        A term is not a non-empty string.
    """
    out: dict[tuple, Observation] = {}
    suggested = 0
    for term, reading in _readings(kg, terms):
        found = [s for s in reading.spans if s.observed]
        problems: list[Unread | None] = list(reading.unread)
        if problems and not reading.spans and term and "\n" not in term:
            # One vocabulary: a term the reader makes nothing of but the resolver accepts whole
            # ("pain with hip internal rotation") is that node; a term whose tests the reader took as
            # named, not done ("Bloods: full blood count, CRP."), is not.
            whole = kg.index.best(term)
            if whole is not None:
                node = kg.node(whole.node_id)
                o = Observation(term, node, present, None, whole.matched)
                if o.key not in out or (o.present and not out[o.key].present):
                    out[o.key] = o
                continue
        if not reading.spans and not problems:  # "pain", "the": read as nothing, said so
            problems = [None]
        for u in problems:
            text = term if u is None else u.text
            # Closest known terms for the first few only: each costs a fuzzy search of every name
            # (10,000 unknown terms would take a minute).
            close = kg.index.suggest(text) if suggested < MAX_SUGGESTED and (u is None or not u.outside) else ()
            suggested += 1
            exc = UnknownTermError(text, close)
            if skipped is None:
                raise exc
            skipped.append(exc)
        for s in found:
            holds = present and s.polarity != ABSENT
            if not holds and any(w.lower() in NARROWING for m in s.modifiers for w in m.split()):
                continue  # "no midline back pain above L5" denies a narrower place, never all back pain
            # A note read into several findings names each by its own words, not the whole note.
            said = term if term and len(found) == 1 else s.text
            o = Observation(said, s.node, holds, s.relation, s.matched or s.text,
                            holds and s.polarity == POSSIBLE)
            seen = out.get(o.key)
            # Present wins over denied (and stated over suspected), whatever the order
            if seen is None or (o.present and not seen.present) or (seen.possible and o.present and not o.possible):
                out[o.key] = o
    for o in list(out.values()):
        other_sex = _OTHER_SEX.get(o.node.id)
        if other_sex is not None and other_sex in kg.graph and not o.possible:  # female is not male
            implied = Observation(o.term, kg.node(other_sex), not o.present, None, other_sex)
            out.setdefault(implied.key, implied)
        for node_id, holds in patient.implied_ages(kg.graph, o.node.id, o.present):
            implied = Observation(o.term, kg.node(node_id), holds, None, node_id)
            out.setdefault(implied.key, implied)
    return list(out.values())


#: A stated sex settles the other: a KB may hold either node, or both.
_OTHER_SEX = {"female-sex": "male-sex", "male-sex": "female-sex"}


def _readings(kg: KnowledgeGraph, terms) -> Iterable[tuple[str, Reading]]:
    if isinstance(terms, (str, Reading)):
        terms = [terms]
    for term in terms:
        if isinstance(term, Reading):
            yield "", term
            continue
        if not isinstance(term, str) or not term.strip():
            raise TraceError(f"observation {term!r} is not a non-empty string")
        text = " ".join(term.split()) if "\n" not in term else term.strip()
        yield text, read(kg, text)


def suspected(term: str) -> bool:
    """Whether *term* asks rather than states ("?saddle anaesthesia"): a red flag raised by it is suspected."""
    return bool(_SUSPECTED.search(term.lower()))
