"""Read a note line, a sentence or a whole note into the KB's concepts, with the spans shown.

>>> r = read(kg, "3/52 worsening L buttock pain, now hobbling. No saddle anaesthesia.")
>>> [(s.node.id, s.polarity, s.side) for s in r.spans]
[('symptoms-over-a-month', 'absent', ''), ('progressive-pain', 'present', ''), ('buttock-pain', 'present', 'left'),
 ('limp', 'present', ''), ('saddle-anaesthesia', 'absent', '')]
>>> r.unread
()

How it works: :mod:`painkg.reading.patient` finds the measurements (ages, temperature,
lab values, angles); :mod:`painkg.reading.spans` cuts the rest into units and finds the
runs that name a node, accounting for every content word; :mod:`painkg.reading.context`
decides, ConText-style, whether each is denied, possible, past, hypothetical or another
person's, and how an activity acts on the pain.  What no node accounts for comes back as
:class:`Unread` — "understood, outside this KB" when its words are clinical language
(HPO's and ICD-10-CM's), "not understood" otherwise — and never makes the rest unread.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import context as ctx
from . import exam
from . import lexicon as lx
from . import motor
from . import origin
from . import patient
from . import spans as sp
from ..errors import TraceError
from ..kb import cache
from ..kb.model import Node
from ..kb.resolve import words
from ..kb.vocab import Area, Kind, Relation

if TYPE_CHECKING:
    from ..kb.graph import KnowledgeGraph

__all__ = ["Span", "Unread", "Reading", "read"]

PRESENT, ABSENT, POSSIBLE = "present", "absent", "possible"
CURRENT, HISTORICAL, HYPOTHETICAL = "current", "historical", "hypothetical"
#: A body part named on its own ("the greater trochanter", "S1 root"): where, not what the patient has.
MENTIONED = "mentioned"
PATIENT, OTHER = "patient", "other"
#: Longest text read (characters): a pasted note is far shorter; a service must stay bounded.
LONGEST_TEXT = 1_000_000

#: "x 3/12", "3/52", "for three months", "> 30 min", "since yesterday": how long, not what.
_MONTHS = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|"
           r"mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)")
_DURATION = re.compile(
    r"(?<![\w/])(?:(?:x|for|over|past|last|since|>|<|about|approx|~)\s*)*"
    r"(?:(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|few|several|a few|"
    r"couple of|a couple of|many)\s*(?:/52|/12|/7|/24|-?\s*(?:days?|weeks?|wks?|months?|mths?|years?|yrs?|hours?|hrs?|"
    r"minutes?|mins?|hr|h|decades?|mos?)\b)(?:\s+(?:ago|previously|earlier|before|prior|back(?!\s*(?:pain|ache|stiff|spasm|injur)))\b)?|(?:since|for)\s+(?:yesterday|last week|last month|last night|"
    r"this morning|ages)|"
    # "over the last year", "in the past few weeks": up to now, not the past
    r"(?:over|in|during|for|within)\s+the\s+(?:last|past|previous|preceding)\s+(?:(?:\d+|few|several|couple of|two|three|"
    r"four|five|six|nine|twelve)\s+)?(?:days?|weeks?|months?|years?|decades?)\b|"
    # a month said as a date: "since March", "in May 2019" (never "may" alone: "may be")
    r"(?:since|in|from|until|till|last|early|late|mid|end of|beginning of)\s+" + _MONTHS + r"\b(?:\s+(?:19|20)\d\d\b)?|"
    r"\b" + _MONTHS + r"\s+(?:19|20)\d\d\b|\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTHS + r"\b)",
    re.IGNORECASE)
#: Where each region's words are, for a site written beside a test ("FADIR R hip +ve").
_AREA_SITES: dict[Area | None, set[str]] = {
               Area.HIP: {"hip", "groin"}, Area.LUMBAR_SPINE: {"back", "lumbar", "spine", "spinal", "low"},
               Area.SACROILIAC_PELVIS: {"sacroiliac", "sij", "buttock", "pelvis", "pelvic", "sacral", "sacrum"},
               Area.THIGH_LEG: {"thigh", "leg", "knee", "calf", "shin", "foot"}}
_EFFECTS = {"aggravates": Relation.AGGRAVATED_BY, "relieves": Relation.RELIEVED_BY}
_COLOURS = {PRESENT: "32", ABSENT: "2", POSSIBLE: "33", "flag": "1;31", "unread": "4;35", "outside": "4;36",
            "other": "34"}


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the text read as a node, and how it stands.

    ``polarity`` is present, absent or possible; ``time`` current, historical,
    hypothetical or mentioned (a body part named, never a finding); a test or treatment
    named without a result is historical (done) or hypothetical (planned), never current; ``experiencer`` patient or other (a relative); ``relation`` how an
    activity acts on the pain (aggravated-by or relieved-by; None for anything else);
    ``side`` left, right or both when the text says; ``modifiers`` the severity, timing,
    course, quality and duration words that went with it; ``triggers`` the words that set
    its context ("no", "?", "father").
    """

    start: int
    end: int
    text: str
    node: Node
    polarity: str = PRESENT
    time: str = CURRENT
    experiencer: str = PATIENT
    relation: Relation | None = None
    side: str = ""
    modifiers: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    matched: str = ""

    @property
    def observed(self) -> bool:
        """Whether the span is about the patient now (not past, supposed or a relative's)."""
        return self.time == CURRENT and self.experiencer == PATIENT

    def describe(self) -> str:
        """"buttock pain — present, left; worsening, 3/52"."""
        how = {Relation.AGGRAVATED_BY: "worse with ", Relation.RELIEVED_BY: "relieved by "}.get(self.relation, "") \
            if self.relation is not None else ""
        status = [self.polarity]
        if self.time != CURRENT:
            status.append(self.time)
        if self.experiencer != PATIENT:
            status.append("a relative's")
        extra = ([self.side] if self.side else []) + list(self.modifiers)
        flag = " (red flag)" if self.node.red_flag else ""
        said = f" ← {', '.join(repr(t) for t in self.triggers)}" if self.triggers else ""
        return (f"{how}{self.node.label}{flag} — {', '.join(status)}" + (f"; {', '.join(extra)}" if extra else "")
                + said)

    def __str__(self) -> str:
        return f"[{self.text}] {self.describe()}"


@dataclass(frozen=True, slots=True)
class Unread:
    """A piece of the text no node accounts for.

    ``outside`` is true when it is recognisably clinical language the KB does not model
    ("septic arthritis of the knee"); ``note`` says why it was not read.
    """

    start: int
    end: int
    text: str
    outside: bool = False
    note: str = ""

    def __str__(self) -> str:
        if self.outside:
            return f"{{{self.text}}} understood: {self.note or self.text + ' — outside this KB'}"
        return f"{{{self.text}}} not understood" + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True, slots=True)
class Reading:
    """What a text says: its spans read as nodes, and its spans not read, each in text order.

    >>> print(read(kg, "no anal tone"))
    [anal tone] reduced anal tone (red flag) — present ← 'no'
    >>> read(kg, "no anal tone").marked()
    'no [anal tone]'
    """

    text: str
    spans: tuple[Span, ...] = ()
    unread: tuple[Unread, ...] = ()

    def __str__(self) -> str:
        lines = [str(s) for s in self.spans] + [str(u) for u in self.unread]
        return "\n".join(lines) if lines else f"{{{self.text}}} nothing read"

    def marked(self, *, colour: bool = False) -> str:
        """The text with each read span in [brackets] and each unread one in {braces} (or colours)."""
        marks = sorted([(s.start, s.end, _colour_of(s), "[", "]") for s in _outermost(self.spans)] +
                       [(u.start, u.end, "outside" if u.outside else "unread", "{", "}") for u in self.unread])
        out, at = [], 0
        for start, end, kind, left, right in marks:
            if start < at:
                continue
            out.append(self.text[at:start])
            piece = self.text[start:end]
            out.append(f"\x1b[{_COLOURS[kind]}m{piece}\x1b[0m" if colour else f"{left}{piece}{right}")
            at = end
        out.append(self.text[at:])
        return "".join(out)

    def to_dict(self) -> dict:
        """A JSON-ready form (node ids, offsets, context)."""
        return {"text": self.text,
                "spans": [{"start": s.start, "end": s.end, "text": s.text, "node": s.node.id, "label": s.node.label,
                           "kind": s.node.kind.value, "red_flag": s.node.red_flag, "polarity": s.polarity,
                           "time": s.time, "experiencer": s.experiencer,
                           "relation": s.relation.value if s.relation else None, "side": s.side,
                           "modifiers": list(s.modifiers), "triggers": list(s.triggers)} for s in self.spans],
                "unread": [{"start": u.start, "end": u.end, "text": u.text, "outside": u.outside, "note": u.note}
                           for u in self.unread]}


def _colour_of(span: Span) -> str:
    if span.experiencer != PATIENT or span.time != CURRENT:
        return "other"
    if span.node.red_flag and span.polarity != ABSENT:
        return "flag"
    return span.polarity


def _outermost(found: tuple[Span, ...]) -> list[Span]:
    seen: dict[tuple[int, int], Span] = {}
    for s in found:
        seen.setdefault((s.start, s.end), s)
    return list(seen.values())


# ---------------------------------------------------------------------------- reading

_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _table(kg: KnowledgeGraph) -> sp.Table:
    """The phrase table of *kg*: built once per graph, kept in painkg's cache beside the KB it was built from."""
    tab = _TABLES.get(kg)
    if tab is None:
        key = getattr(kg, "_cache_key", None)  # set only when the graph is exactly a cached load
        digest = _code_digest() if key else ""
        entry = cache.read(key, "reading") if key else None
        if isinstance(entry, dict) and entry.get("digest") == digest:
            try:
                tab = sp.Table.from_state(entry["state"])
            except (KeyError, TypeError, ValueError):  # a damaged entry: rebuild it
                tab = None
        if tab is None:
            tab = sp.table(kg.graph, lx.load())
            if key:
                cache.write(key, "reading", {"digest": digest, "state": tab.state})
        _TABLES[kg] = tab
    return tab


def _code_digest() -> str:
    """A hash of what decides the table beyond the KB: the lexicon files and the reading code."""
    digest = hashlib.blake2b(digest_size=16)
    here = Path(__file__).parent
    for path in (*(lx.ontology_folder() / n for n in ("lexicon.tsv", "lexicon-hpo.tsv", "lexicon-entities.tsv",
                                                             "lexicon-words.txt", "english-words.txt")),
                 here / "spans.py", here / "lexicon.py"):
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0missing\0")
    return digest.hexdigest()


def read(kg: KnowledgeGraph, text: str) -> Reading:
    """Read *text* — a term, a note line or a whole note — into spans of the KB's nodes.

    Parameters
    ----------
    kg : KnowledgeGraph
    text : str

    Returns
    -------
    Reading
        ``spans`` read as nodes (with polarity, time, experiencer, activity effect, side
        and modifiers) and ``unread`` pieces, in text order; deterministic.

    Raises
    ------
    TraceError
        *text* is not a string, or is longer than :data:`LONGEST_TEXT` characters.

    Notes
    -----
    Linear in the length of the text: each unit starts at most
    :data:`painkg.reading.spans.LONGEST` candidate runs, and each trigger's reach stops at
    its sentence's end.

    Examples
    --------
    >>> [(s.node.id, s.polarity) for s in read(kg, "urinary retention and SLR negative").spans]
    [('urinary-retention', 'present'), ('slr-test', 'absent')]
    """
    if not isinstance(text, str):
        raise TraceError(f"read: {text!r} is not a string")
    if len(text) > LONGEST_TEXT:
        raise TraceError(f"read: a text of {len(text)} characters is too long (allowed: up to {LONGEST_TEXT})")
    if any(c in text for c in _TYPOGRAPHIC):
        # "hasn’t", "doesn’t": a typographic apostrophe is the lexicon's "'"; "L2‐4", "non‐tender": a Unicode
        # hyphen its "-" (one character for one: offsets hold)
        said = read(kg, text.translate(_APOSTROPHES))
        return Reading(text, tuple(replace(s, text=text[s.start:s.end]) for s in said.spans),
                       tuple(replace(u, text=text[u.start:u.end]) for u in said.unread))
    tab = _table(kg)
    whole = _whole(kg, tab, text) if text.strip() in kg.graph else None  # an id: the node itself
    if whole is not None:
        return whole
    lexicon = lx.load()
    lowered = text.lower()
    measured = patient.find(kg.graph, lowered)
    durations = [(s, e, "duration") for s, e in _free([(s, e) for s, e, _ in measured],
                                                      ((m.start(), m.end()) for m in _DURATION.finditer(text)))]
    taken = sorted([(s, e, "fact") for s, e, _ in measured] + durations)
    units = _with_roles(sp.units(text, lexicon, tab, [(s, e, None) for s, e, _ in taken]), taken)
    sentence = _sentences(text, units)
    hits = sp.match(units, tab)
    units = _without_after_unable(_plus_between_tests(tab, units, hits))
    hits = _said_in_words(tab, text, units, hits)
    hits, unread, (extra, painful) = _check_chunks(text, tab, units, hits, sentence)
    hits = _foreign_sites(text, tab, units, hits, sentence, unread)
    hits = _hip_unsaid(text, tab, units, hits, sentence, unread)
    hits, graded = motor.compose(tab, units, hits, sentence)
    hits, examined = exam.compose(tab, units, hits, sentence)
    hits = _abrupt_hits(tab, text, units, hits)
    unread = [u for u in unread if not any(u.start < b and a < u.end for a, b in examined)]
    covered = {k for h in hits for k in range(h.i, h.j)}
    contexts = ctx.assign(units, [(h.i, h.j) for h in hits], sentence,
                          # an NSAID takes an effect like an activity: "relieved by ibuprofen"
                          [any(tab.kinds.get(n) is Kind.ACTIVITY or n in _NSAIDS or n in _ANALGESICS for n in h.name.nodes) for h in hits],
                          [h.name.inverted for h in hits], covered,
                          [any(tab.kinds.get(n) is Kind.FINDING and n not in tab.flags for n in h.name.nodes)
                           for h in hits],
                          frozenset(k for h in hits if any(n in tab.flags for n in h.name.nodes) for k in range(h.i, h.j)))
    for hit, c in zip(hits, contexts):
        if hit.i in graded and hit.name.source == "composed":  # "hip flexors 4/5": the grade decides
            verdict, grade = graded[hit.i]
            c.categories -= {"abnormal", "normal", "negated"}
            c.categories.add(verdict)
            if grade not in c.triggers:
                c.triggers.append(grade)
    found: list[Span] = []
    for hit, c in zip(hits, contexts):
        made, note = _spans_of(kg, tab, text, units, hit, c, extra.get(hit.i, ()), hit.i in painful)
        found += made
        if note:
            unread.append(note)
    unread += [Unread(s.start, s.end, s.text, True, f"{s.text} — one side; the KB names only {s.node.label}")
               for s in found if _one_sided(s)]
    found = [_doubted(text, s) for s in found if not _one_sided(s)]
    for start, end, facts in measured:
        if not facts:  # "LDH 520": a laboratory value the KB has no finding for (never the disc herniation "LDH" names)
            unread.append(Unread(start, end, text[start:end], True, f"{text[start:end]} — a test result this KB has no finding for"))
        for node_id, holds, matched in facts:
            if holds is None:
                unread.append(Unread(start, end, text[start:end], True,
                                     f"{text[start:end]} — a value no source in this KB gives a threshold for"))
            else:
                found.append(Span(start, end, text[start:end], kg.node(node_id), PRESENT if holds else ABSENT,
                                  matched=matched))
    found = _heading_results(text, _glosses_dropped(text, found))
    found = _normal_places(kg, text, found)
    found = _saddle_listed(kg, text, found)
    found += _lasting(kg, text, found) + _abrupt(kg, text, found) + _injected(kg, found)
    found = _illness_before(kg, text, found)
    found = [s for s in found if not _guarded_elsewhere(text, s)]
    course = _course(kg, text, found) + _stiff_mornings(kg, text, found)
    # a morning stiffness is what the stiffness said of the morning is, not a second finding beside it
    found = [s for s in found if not (s.node.id == "stiffness" and any(
        c.node.id in ("morning-stiffness", "prolonged-morning-stiffness") and c.start == s.start for c in course))] + course
    if "female-sex" in kg.graph and not any(s.node.id == "female-sex" for s in found):
        sex = _sex_from_words(kg, text, found)
        found += sex
        unread = [u for u in unread if not any(s.start <= u.start and u.end <= s.end for s in sex)]
    if "female-sex" in kg.graph:
        found += _pronouns(kg, text, found)
    unread += _unread_flags(kg, tab, units, found, unread)
    found.sort(key=lambda s: (s.start, s.end, s.node.id))
    unread.sort(key=lambda u: (u.start, u.end))
    if unread or not found:  # a KB name with marks the units cannot hold ("Revel criteria (≥4 of 7)")
        whole = _whole(kg, tab, text)
        if whole is not None:
            return whole
    return Reading(text, tuple(found), tuple(unread))


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "\u2010": "-", "\u2011": "-", "\u2012": "-"})
_TYPOGRAPHIC = frozenset("’‘\u2010\u2011\u2012")
_BOTH = re.compile(r"\b(?:both|bilateral|bilat|b/l|bil|either|all)\b|[a-z]s\b", re.IGNORECASE)


def _one_sided(span: Span) -> bool:
    """A node of both sides ("bilateral shoulder aching") read from words that say one ("R shoulder pain",
    "shoulder pain wakes me"): the words say less than the node, so it is not read."""
    return span.node.id.startswith("bilateral-") and (span.side in ("left", "right") or
                                                      span.side != "both" and not _BOTH.search(span.text))


_QUOTES = ("‘", "’", "“", "”", '"', "'")


def _doubted(text: str, span: Span) -> Span:
    """A diagnosis in quotation marks is one the writer doubts: "previously diagnosed with ‘hip bursitis’"."""
    if span.node.kind is not Kind.CONDITION or span.polarity != PRESENT:
        return span
    before, after = text[max(0, span.start - 2):span.start].strip(), text[span.end:span.end + 2].strip()
    if before[-1:] in _QUOTES and after[:1] in _QUOTES:
        return replace(span, polarity=POSSIBLE, triggers=(*span.triggers, before[-1:] + after[:1]))
    return span


def _unread_flags(kg: KnowledgeGraph, tab: sp.Table, found: list[sp.Unit], spans: list[Span],
                  unread: list[Unread]) -> list[Unread]:
    """A word only a red flag's names hold, said but in no span and no unread piece, is shown unread:
    a red flag is never silently dropped (issue 23, section 5)."""
    out = []
    for u in found:
        node = next((tab.flag_words[w] for w in u.required if w in tab.flag_words), None)
        if node is None or any(s.start <= u.start < s.end for s in spans) or \
                any(p.start <= u.start < p.end for p in unread):
            continue
        out.append(Unread(u.start, u.end, u.text, True,
                          f"{u.text} — may be about {kg.node(node).label} (a red flag): not read, check it"))
    return out


#: Words that say the patient's sex when nothing else does: the first of them in a narrative.
_SEX_WORD = re.compile(r"\b(she|her|woman|girl|lady|female|mrs|ms|he|his|him|man|boy|gentleman|male|mr)\b",
                       re.IGNORECASE)
#: A child said after "her" or "his": "her teenaged son", "his 4-year-old daughter".
_CHILD_AFTER = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(son|daughter|boy|girl|child|baby)\b", re.IGNORECASE)
_PARENT = re.compile(r"\b(?:mother|mum|mom|father|dad|parents?|grandmother|grandfather)\b", re.IGNORECASE)
_FEMALE_WORDS = frozenset(("she", "her", "woman", "girl", "lady", "female", "mrs", "ms"))


def _sex_from_words(kg: KnowledgeGraph, text: str, found: list[Span]) -> list[Span]:
    """"She presented with ...", "a 6-year-old boy": the sex a case states in its words, when no age-and-sex form
    ("68F") or KB name did.  Only the first such word counts, and never one inside a relative's phrase."""
    m = _SEX_WORD.search(text)
    child = _CHILD_AFTER.match(text, m.end()) if m is not None and m[1].lower() in ("her", "his") and \
        _PARENT.search(text, 0, m.start()) else None
    if m is not None and child is not None:  # "her teenaged son's pain": the son's sex, not the mother's
        if child[1].lower() in ("child", "baby"):
            return []
        return [Span(child.start(1), child.end(1), child[1], kg.node("female-sex"),
                     PRESENT if child[1].lower() in ("daughter", "girl") else ABSENT, matched=child[1])]
    if m is None or any(s.start <= m.start() < s.end and s.node.id not in ("female-sex",) and not
                        s.node.id.startswith("age-") for s in found):
        return []
    before = text[max(0, m.start() - 25):m.start()].lower()
    if re.search(r"\b(?:mother|mum|father|dad|brother|sister|son|daughter|wife|husband|partner|friend|"
                 r"grand\w*|aunt|uncle|cousin|relative)\W*$", before):
        return []
    holds = m[1].lower() in _FEMALE_WORDS
    return [Span(m.start(), m.end(), m[0], kg.node("female-sex"), PRESENT if holds else ABSENT, matched=m[0])]


_PRONOUN = re.compile(r"\b(she|he|her|his|him|hers|himself|herself)\b", re.IGNORECASE)


def _pronouns(kg: KnowledgeGraph, text: str, found: list[Span]) -> list[Span]:
    """Every "she" or "he" of a case that speaks of one person only: each states the patient's sex.

    Only when every third-person pronoun in the text is of the one sex the reading already gives (a case
    with "his wife ... she" speaks of two people, and stays with its first word)."""
    sexes = [s for s in found if s.node.id == "female-sex" and s.observed]
    if not sexes or len({s.polarity for s in sexes}) != 1:
        return []
    female = sexes[0].polarity == PRESENT
    said = list(_PRONOUN.finditer(text))
    if any((m[1].lower() in ("she", "her", "hers", "herself")) != female for m in said):
        return []
    taken = {(s.start, s.end) for s in sexes}
    return [Span(m.start(), m.end(), m[0], kg.node("female-sex"), PRESENT if female else ABSENT, matched=m[0])
            for m in said if m[1].lower() in ("she", "he") and (m.start(), m.end()) not in taken
            and not any(s.start <= m.start() < s.end for s in found)]


def _whole(kg: KnowledgeGraph, tab: sp.Table, text: str) -> Reading | None:
    """A text that is exactly a node's id or one of its KB names ("bowel or bladder dysfunction")."""
    stripped = text.strip()
    node_id = stripped if stripped in kg.graph else tab.exact.get(" ".join(stripped.lower().split()))
    if node_id is None or tab.kinds.get(node_id) is Kind.REGION:  # a place named is pain felt there: read on
        return None
    start = text.index(stripped)
    relation = Relation.AGGRAVATED_BY if tab.kinds.get(node_id) is Kind.ACTIVITY else None
    matched = node_id if stripped.lower() == node_id else stripped
    kind = tab.kinds.get(node_id)
    # a test or treatment named, alone as much as inside a note ("ultrasound", "blood cultures"), is what was
    # done, never an observation of the patient (issue 20); only its id ("lumbar-mri") is the caller's own
    time = MENTIONED if kind in sp.PLACE_KINDS else HISTORICAL if kind in _NAMED_KINDS and (
        stripped != node_id or tab.exact.get(stripped.lower()) == node_id) \
        else CURRENT
    return Reading(text, (Span(start, start + len(stripped), stripped, kg.node(node_id), time=time, relation=relation,
                               matched=matched),))


def _plus_between_tests(tab: sp.Table, units: list[sp.Unit], hits: list[sp.Found]) -> list[sp.Unit]:
    """"XR + CT pelvis: no fracture", "XR pelvis + L hip: no bony injury": a "+" between a test and another test
    or place joins them; it is no positive result of the first."""
    tests = {k for h in hits if tab.kinds.get(h.name.nodes[0]) is Kind.TEST for k in range(h.i, h.j)}
    out = list(units)
    for k, u in enumerate(units):
        after = k + 2 if k + 2 < len(units) and units[k + 1].role == "side" else k + 1  # "+ L hip"
        if u.text == "+" and k - 1 in tests and after < len(units) and (after in tests or units[after].site):
            out[k] = replace(u, role="filler", entries=())
    return out


_UNABLE = frozenset(("unable to", "unable", "can't", "cannot", "couldn't", "could not", "not able to", "can not"))


def _without_after_unable(units: list[sp.Unit]) -> list[sp.Unit]:
    """"Unable to run or walk without hip pain": a "without" after an inability denies nothing; the pain comes
    with the walking (a double negative)."""
    out = list(units)
    for k, u in enumerate(units):
        if u.role == "negated" and u.lower == "without":
            for m in range(k - 1, max(-1, k - 7), -1):
                if units[m].text in ".;":
                    break
                if units[m].lower in _UNABLE or units[m].lower.split(" ")[0] in _UNABLE:  # "can't sit"
                    out[k] = replace(u, role="boundary", entries=())  # still ends a phrase
                    break
    return out


def _units_within(starts: list[int], units: list[sp.Unit], start: int, end: int) -> list[int]:
    """The indices of the units lying within [start, end); *starts* are the units' starts, in text order."""
    out = []
    k = bisect.bisect_left(starts, start)
    while k < len(units) and units[k].start < end:
        if units[k].end <= end:
            out.append(k)
        k += 1
    return out


_GLOSS_OPEN = re.compile(r"^\s*\(\s*$")
_GLOSS_CLOSE = re.compile(r"^\s*\)")


#: A test heading's result said of what it looked for: "SLR (Straight Leg Raise): Negative for radicular pain".
_HEADING_NEGATIVE = re.compile(r"\s*(?:\([^()\n]{0,40}\))?\s*:\s*negative\s+for\b", re.IGNORECASE)


def _heading_results(text: str, found: list[Span]) -> list[Span]:
    """A test or sign named as a heading and found "negative for" something is negative itself; only a
    finding's name heads so ("back pain: negative for red flags" says nothing of the back pain)."""
    return [replace(s, polarity=ABSENT, triggers=(*s.triggers, "negative for"))
            if s.polarity == PRESENT and s.node.kind is Kind.FINDING and not s.triggers
            and _HEADING_NEGATIVE.match(text, s.end) else s for s in found]


def _glosses_dropped(text: str, found: list[Span]) -> list[Span]:
    """A name's gloss in brackets is the same finding said twice: "Straight leg raise (SLR) was negative",
    "SLR (Straight Leg Raise): Negative".  The result after the bracket reaches the name outside it; the
    bracketed one, which no result reaches, would read the test as positive beside it."""
    ordered = sorted(found, key=lambda s: (s.start, s.end))
    glosses: set[int] = set()
    for k, a in enumerate(ordered):  # the spans just after a: "(" lies between a name and its gloss
        for b in ordered[k + 1:k + 6]:
            if b.start > a.end + 3:
                break
            if a.node.id == b.node.id and _GLOSS_OPEN.match(text[a.end:b.start]) and \
                    _GLOSS_CLOSE.match(text[b.end:b.end + 3]):
                glosses.add(id(b))
    return [s for s in found if id(s) not in glosses]


def _free(taken: list[tuple[int, int]], candidates) -> list[tuple[int, int]]:
    """The candidate intervals that overlap none of *taken* (both in text order): one merge pass."""
    out, k = [], 0
    for s, e in candidates:
        while k < len(taken) and taken[k][1] <= s:
            k += 1
        if k < len(taken) and taken[k][0] < e:
            continue
        out.append((s, e))
    return out


def _with_roles(found: list[sp.Unit], taken: list[tuple[int, int, str]]) -> list[sp.Unit]:
    roles = {s: role for s, _, role in taken}
    return [sp.Unit(u.start, u.end, u.text, roles.get(u.start, "fact"), first=u.first) if u.role == "fact" else u
            for u in found]


def _sentences(text: str, found: list[sp.Unit]) -> list[int]:
    out, number = [], 0
    for k, u in enumerate(found):
        if k and ("\n" in text[found[k - 1].end:u.start] or (found[k - 1].role == "punct"
                                                              and found[k - 1].text in ".;!")):
            number += 1
        out.append(number)
    return out


# ---------------------------------------------------------------------------- chunks

def _is_boundary(u: sp.Unit) -> bool:
    return u.role in sp.HARD or u.role == "fact"


def _chunks(found: list[sp.Unit], covered: set[int], sentence: list[int]) -> list[list[int]]:
    """Runs of units between two boundaries (a unit a span took is no boundary), within a sentence."""
    out: list[list[int]] = []
    current: list[int] = []
    inside = _bracketed(found)
    for k, u in enumerate(found):
        if current and sentence[k] != sentence[current[-1]]:
            out.append(current)
            current = []
        if k in inside or _linking(found, k):
            # "saddle (perianal) numbness": a word in brackets inside a phrase is part of it;
            # "my leg goes numb", "the saddle area is numb": the place and what it feels are one phrase
            current.append(k)
            continue
        if k not in covered and _is_boundary(u):
            if current:
                out.append(current)
            current = []
        else:
            current.append(k)
    if current:
        out.append(current)
    return out


_LINKING = frozenset(("goes", "go", "gets", "get", "got", "went", "feels", "feel", "felt", "is", "are", "was",
                      "were", "becomes", "became", "turns", "turned", "gone", "going"))


def _linking(found: list[sp.Unit], k: int) -> bool:
    """A verb between a place and how it feels ("my bum goes numb")."""
    u = found[k]
    if not (u.lower in _LINKING and 0 < k < len(found) - 1):
        return False
    place = found[k - 1].site or (k > 1 and found[k - 1].lower in ("area", "region", "areas") and found[k - 2].site)
    after = [found[k + 1]] + ([found[k + 2]] if k + 2 < len(found) and found[k + 1].lower.endswith("ly") else [])
    felt = (*sp.FAMILIES["numb"], *sp.FAMILIES["weak"], *sp.FAMILIES["swell"], *sp.FAMILIES["stiff"], "tender",
            "tenderness")
    return bool(place) and any(w in felt for a in after for w in a.required)


def _bracketed(found: list[sp.Unit]) -> set[int]:
    """The brackets that enclose one to three plain words inside a phrase ("saddle (perianal) numbness")."""
    out: set[int] = set()
    for k, u in enumerate(found):
        if u.text != "(" or k == 0 or found[k - 1].role != "word":
            continue
        for m in range(k + 2, min(len(found), k + 5)):
            if found[m].text == ")":
                if m + 1 < len(found) and found[m + 1].role == "word" and \
                        all(found[j].role == "word" and found[j].required for j in range(k + 1, m)):
                    out.update((k, m))
                break
    return out


def _check_chunks(text: str, tab: sp.Table, found: list[sp.Unit], hits: list[sp.Found], sentence: list[int]):
    """Keep the spans of each chunk unless a word in it names something else; compose a symptom with the
    site it is felt at; add a site's pain; report what is left.

    Returns the kept hits, the unread pieces and, per kept hit (keyed by its first unit), the words of
    manner, time or quality beside it that no span took ("unrelenting", "lancinating").
    """
    covered = {k for h in hits for k in range(h.i, h.j)}
    by_start = {h.i: h for h in hits}
    kept: list[sp.Found] = []
    unread: list[Unread] = []
    extra: dict[int, list[str]] = {}
    painful: set[int] = set()  # place spans with a pain said at them ("pain at the sitting bone")
    chunks = _chunks(found, covered, sentence)
    consumed: set[int] = set()  # denied words read with the place before them
    for n, chunk in enumerate(chunks):
        if consumed.issuperset(k for k in chunk if found[k].required):
            continue
        mine = [by_start[k] for k in chunk if k in by_start]
        loose = [k for k in chunk if k not in covered and found[k].required]
        entity = [k for k in loose if not found[k].site and _names_entity(tab, found[k])]
        sites = [k for k in loose if found[k].site]
        mods = [k for k in loose if k not in entity and k not in sites]
        if _heading(found, chunk, covered, mine):  # "L hip: full ROM": the place examined, not a pain
            continue
        # a symptom word beside or inside the chunk; "weak" and "numb" may be triggers, which end a chunk
        beside = [k for k in (_beside(found, chunk[0], -1), _beside(found, chunk[-1], 1))
                  if 0 <= k < len(found) and sentence[k] == sentence[chunk[0]]]
        other = [k for k in (*chunk, *beside) if _family_said(found[k]) not in ("", "pain")]
        other = [k for k in other if not (k in covered and k in chunk)]  # composed below with its place
        denied = [k for k in beside if k > chunk[-1] and k not in covered and _family_said(found[k]) == "pain"
                  and _denied_between(found, chunk, k)]
        if denied and (mine or loose) and all(found[k].site for k in loose) and all(
                _bare_site(found, h) or tab.kinds.get(h.name.nodes[0]) in sp.PLACE_KINDS
                or all(u.site for u in found[h.i:h.j]) for h in mine):
            # "back not painful", "abdomen was not tender", "hip not tender": the place's pain or tenderness,
            # read on the denied word so that the denial before it negates it; a tenderness the KB does not
            # name at that place is not read, and never as the place's pain
            said = _denied_at(tab, found, [*(range(h.i, h.j) for h in mine), loose], mine, denied[0])
            if said is not None:
                kept.append(said)
            consumed.add(denied[0])
            continue
        other = [k for k in other if not (k in covered and k in chunk)]  # composed below with its place
        if any(k in covered for k in other) or any(_denied_between(found, chunk, k) for k in other):
            # "numb (L) foot": the numbness is read; "legs are not weak": the weakness is denied, not composed
            # "numb (L) foot": the numbness is read; the place is where, not a pain of its own
            mine = [h for h in mine if not _bare_site(found, h)]
            if not mine and not [k for k in loose if k not in sites]:
                if not any(k in covered for k in other):  # "legs are not weak": shown, not read
                    a, b = min(*chunk, *other), max(*chunk, *other)
                    piece = text[found[a].start:found[b].end]
                    unread.append(Unread(found[a].start, found[b].end, piece, True,
                                         f"{piece} — a symptom denied at a place: not composed"))
                continue
        other = [k for k in other if k not in covered and not _denied_between(found, chunk, k)]
        if mine and not loose and not other and _subject(found, chunk) and all(
                _bare_site(found, h) or tab.kinds.get(h.name.nodes[0]) is Kind.REGION for h in mine):
            continue  # "His legs are neurologically normal": the place is what is spoken of
        if not entity:
            made = _compose(tab, found, mine, sites, mods)
            if made is not None:
                hit, used = made
                # "burning pain in the lower back": the place's pain, and the quality its own node names
                quality = [h for h in mine if hit.i <= h.i and h.j <= hit.j and _a_quality(tab, h)
                           and not hit.key & _FOREIGN]  # a shoulder's night pain is outside this KB
                mine = [h for h in mine if h.j <= hit.i or h.i >= hit.j] + [hit] + quality
                mine.sort(key=lambda h: h.i)
                sites = [k for k in sites if k not in used]
                mods = [k for k in mods if k not in used]
                loose = [k for k in loose if k not in used]
        at_place = [h for h in mine if _bare_site(found, h) or tab.kinds.get(h.name.nodes[0]) is Kind.REGION]
        if other and not entity and len(at_place) == len(mine) and (sites or at_place):
            # "weak (R) foot", "foot strength poor": another symptom at the place, never the place's pain
            made = _compose(tab, found, mine, sites, [*mods, *other]) or _limb_weakness(
                tab, found, sites + [k for h in at_place for k in range(h.i, h.j) if found[k].site], other)
            if made is not None:
                kept.append(made[0])
                continue
            mine = []  # the place alone is not what the words say: shown unread below
        # "located on the lateral aspect of the right hip": a region named where the pain is said to be
        placed = [h for h in mine if tab.kinds.get(h.name.nodes[0]) is Kind.REGION or _bare_site(found, h)]
        located = any(set(found[k].required) & _LOCATED for k in mods)
        # "gradually worsening pain over the outer aspect of her right hip": the pain is said here, so the
        # other words are how it is (modifiers), not what
        pain_here = any(k not in covered and "pain" in found[k].optional for k in chunk)
        if (not mine or (located or pain_here) and len(placed) == len(mine)) and (sites or mine) and not entity \
                and not other and (pain_here or all(_family_of(found[k]) == "pain" or _function_word(found[k]) or
                                                    set(found[k].required) <= _LOCATED for k in mods)) and not _subject(
                found, chunk) and (not located or pain_here or _pain_said(found, chunk, covered, sentence)) and not (
                not pain_here and not located and _place_spoken_of(found, chunk[0], chunk[-1] + 1)):
            # ... but "sometimes the left leg" (of a limp) is a place spoken of, not a complaint of pain there
            # "L calf", "groin", "pain over the front of the hip", "the pain is located in the left lumbar area"
            pain = _site_pain(tab, found, chunk, sites + [k for h in placed for k in range(h.i, h.j) if found[k].site])
            if pain is not None:
                kept.append(pain)
                extra[pain.i] = [found[k].text for k in mods]
                continue
        if not mine and len(loose) == 1:
            shared = _shared_head(tab, found, chunks, n, loose[0])  # "bladder or bowel problems"
            if shared is not None:
                kept.append(shared)
                continue
        if len(mine) == 1 and mine[0].name.inverted and not loose and mine[0].j - mine[0].i == 1:
            shared = _shared_head(tab, found, chunks, n, mine[0].i)
            if shared is not None:
                kept.append(shared)
                continue
        if located and mine and sites and not entity:
            # "abdominal pain originating in the left loin": the pain read, and the place it starts at its own
            verb = min(k for k in mods if set(found[k].required) <= _LOCATED)
            after = [k for k in sites if k > verb]
            there = _site_pain(tab, found, chunk, after) if after and all(h.j <= verb for h in mine) else None
            if there is not None:
                kept += mine + [there]
                continue
        sided = [k for k in sites if set(found[k].required) <= _SIDE_ONLY and not _site_of(tab, found[k], mine)]
        if sided and mine and all(tab.kinds.get(h.name.nodes[0]) in (Kind.SYMPTOM, Kind.FINDING)
                                  and not h.key & sp.SITE_WORDS for h in mine):
            # "anterior pubic pain", "intermittent anterior clicking": a side of what is named, how it is (a
            # side of a place, "lateral knee pain", is another place's pain)
            for k in sided:
                extra.setdefault(min(mine, key=lambda h: abs(k - h.i)).i, []).append(found[k].text)
            sites = [k for k in sites if k not in sided]
        elsewhere = [k for k in sites if not _site_of(tab, found[k], mine)]
        if mine and elsewhere and not entity and not other and all(
                tab.kinds.get(h.name.nodes[0]) in (Kind.SYMPTOM, Kind.FINDING) and tab.areas.get(h.name.nodes[0])
                in (None, Area.OTHER, Area.SYSTEMIC) for h in mine):
            # "something ripping in my back between the shoulder blades": a pain said by its quality or onset is
            # read, and the pain at the other place named beside it
            # only a pain is a pain at the place too: a clunk or a mass is where it is
            pains = all("pain" in h.name.nodes[0] for h in mine)
            there = (_site_pain(tab, found, chunk, sorted(elsewhere + mods)) or _site_pain(tab, found, chunk, elsewhere)
                     if pains else None)
            kept += mine + ([there] if there is not None else [])
            if there is None:  # "firm tender fullness over the left posterior iliac crest": the mass, and where
                extra[mine[-1].i] = [found[k].text for k in sorted(elsewhere + mods)]
            continue
        if len(mine) > 1:  # "FADIR R hip +ve": the hip is where the test was done, not a hip pain
            mine = [h for h in mine if not (_bare_site(found, h) and _site_of(tab, found[h.i], [o for o in mine
                                                                                            if o is not h], True))]
        # "septic arthritis of the knee" is not the hip's with a knee pain beside it: another site
        clash = [h.i for h in mine if len(mine) > 1 and _bare_site(found, h)
                 and not _site_of(tab, found[h.i], [o for o in mine if o is not h])]
        stray = [k for k in sites if not _site_of(tab, found[k], mine)] + clash + entity
        if not mine and entity and all(found[k].required == ("fracture",) for k in entity):
            bare = _bare_fracture(tab, found, chunk, hits, sentence)  # "pelvis X-ray: no fracture"
            if bare is not None:
                kept.append(bare)
                continue
        # "patellofemoral pain on stairs": a pain named by a word no node holds is another pain, whose
        # aggravations are not the hip's or back's
        stray += [k - 1 for k in chunk if k not in covered and "pain" in found[k].optional and k - 1 in mods
                  and not _function_word(found[k - 1]) and not _family_of(found[k - 1])]
        if mine and any(set(found[k].required) & {"test", "sign", "manoeuvre", "maneuver"} for k in mods) and all(
                tab.kinds.get(h.name.nodes[0]) in (*sp.PLACE_KINDS, Kind.TREATMENT) for h in mine):
            stray += mods  # "sciatic stretch tests": a test this KB does not name, not the nerve or a stretch
        if not mine:
            stray += mods  # nothing read: the words are shown unread
        elif all(_bare_site(found, h) or tab.kinds.get(h.name.nodes[0]) is Kind.REGION for h in mine):
            # nothing read, or only a place ("my knee gives way"): the words say what, and are not read
            stray += [k for k in mods if not (_family_of(found[k]) == "pain" or _function_word(found[k]))]
        if stray:
            first = min(k for k in chunk if found[k].required or k in covered)
            last = max(k for k in chunk if found[k].required or k in covered)
            piece = text[found[first].start:found[last].end]
            outside = all(_real(tab, found[k]) for k in chunk if found[k].required and k not in covered)
            unread.append(Unread(found[first].start, found[last].end, piece, outside,
                                 f"{piece} — outside this KB" if outside else ""))
            continue
        if any(k not in covered and ("pain" in found[k].optional or _family_of(found[k]) == "pain") for k in chunk):
            painful.update(h.i for h in mine)
        for k in mods:  # a word of manner, time or quality: kept on the nearest span
            if _function_word(found[k]):
                continue
            if _gibberish(found[k]):  # "fadirr tst blah": the span is read, the word shown not understood
                unread.append(Unread(found[k].start, found[k].end, found[k].text))
                continue
            nearest = min(mine, key=lambda h: min(abs(k - h.i), abs(k - (h.j - 1))))
            extra.setdefault(nearest.i, []).append(found[k].text)
        kept += mine
    return kept, unread, (extra, painful)


#: A side without a place: "anterior", "medial".
_SIDE_ONLY = frozenset(("anterior", "posterior", "medial", "lateral", "anteromedial", "anterolateral", "posterolateral",
                        "posteromedial", "inner", "outer", "superior", "inferior"))
#: Words that place or point and say nothing of their own: "pain *over* the front of the hip".
_FUNCTION = frozenset(("over", "around", "across", "along", "down", "up", "into", "onto", "through", "throughout",
                       "under", "underneath", "near", "about", "beside", "behind", "within", "toward", "towards",
                       "anywhere", "everywhere", "somewhere", "area", "region", "part", "aspect", "just", "mainly",
                       "mostly", "also", "very", "quite", "some", "all", "its", "she", "he", "they", "we", "you",
                       "her", "him", "them", "patient", "pt", "there", "here", "left", "right", "both", "side",
                       # where a pain is said to be: "the pain is located in the left lumbar area"
                       "surface", "it"))


def _function_word(u: sp.Unit) -> bool:
    return all(w in _FUNCTION for w in u.required)


#: Places outside the hip, pelvis, back and leg: a phrase about one of them is not the KB's.
_FOREIGN = frozenset(("shoulder", "elbow", "wrist", "hand", "finger", "thumb", "arm", "forearm", "armpit", "neck",
                      "jaw", "head", "chest", "ankle", "toe", "knee", "toenail", "fingernail"))
#: Places the KB's own nodes are felt at.
_HOME = frozenset(("hip", "groin", "back", "lumbar", "spine", "spinal", "lumbosacral", "sacroiliac", "sij", "sacrum",
                   "sacral", "pelvis", "pelvic", "buttock", "thigh", "leg", "calf", "shin", "saddle", "perineum",
                   "perianal", "coccyx", "trochanter", "trochanteric", "sole", "foot", "heel"))


def _foreign_sites(text: str, tab: sp.Table, found: list[sp.Unit], hits: list[sp.Found], sentence: list[int],
                   unread: list[Unread]) -> list[sp.Found]:
    """Drop the place-less spans of a sentence that is about another part of the body.

    "Shoulder ER 10°, capsular pattern", "Inversion injury L ankle, unable to WB", "my hands go numb": the
    capsular pattern, the weight bearing and the numbness are the shoulder's, the ankle's, the hands'.  A
    red flag, a whole-body finding (fever) and a history item are kept wherever they are said.
    """
    # "shoulder pain wakes me at night": the KB's only shoulder node is of both shoulders, which one
    # shoulder is not (see _one_sided); the shoulder stays a place outside the KB
    one = [h for h in hits if all(n.startswith("bilateral-") for n in h.name.nodes)
           and not _BOTH.search(text[found[h.i].start:found[h.j - 1].end])]
    if one:
        for h in one:
            start, end = found[h.i].start, found[h.j - 1].end
            unread.append(Unread(start, end, text[start:end], True,
                                 f"{text[start:end]} — one side; the KB names only both"))
        hits = [h for h in hits if h not in one]
    covered = {k for h in hits for k in range(h.i, h.j)}
    foreign: dict[int, int] = {}
    for k, u in enumerate(found):
        if k not in covered and u.site and set(u.required) & _FOREIGN and not (
                k + 1 < len(found) and found[k + 1].lower in ("blade", "blades")) and not (  # the shoulder blades are the back's
                set(u.required) == {"shoulder"} and (u.lower.endswith("s") or k and found[k - 1].has("side") and any(
                    e.value == "both" for e in found[k - 1].entries))):
            # "both shoulders": the girdle pain of polymyalgia, a node of the KB
            foreign.setdefault(sentence[k], k)
        if k not in covered and u.lower == "upper" and k + 1 < len(found) and \
                set(found[k + 1].required) & {"extremity", "limb"}:
            foreign.setdefault(sentence[k], k)  # "full ROM in the joints of the upper extremities": the arms
    if not foreign:
        return hits
    home = {sentence[h.i] for h in hits if h.key & _HOME}
    # "upper limb power 5/5, lower limb power 3/5": the legs are said too
    home |= {sentence[k] for k, u in enumerate(found) if u.lower in ("lower limb", "lower limbs", "lower extremity",
                                                                     "lower extremities")}
    kept = []
    for h in hits:
        node = h.name.nodes[0]
        where = sentence[h.i]
        if where in foreign and where not in home and not (h.key & (_HOME | _FOREIGN)) and not _everywhere(tab, node):
            place = found[foreign[where]].text.lower()
            unread.append(_unread_hit(text, found, h, f"said of the {place}, outside this KB"))
            continue
        kept.append(h)
    return kept


def _unread_hit(text: str, found: list[sp.Unit], h: sp.Found, why: str) -> Unread:
    start, end = found[h.i].start, found[h.j - 1].end
    return Unread(start, end, text[start:end], True, f"{text[start:end]} — {why}")


#: Places whose range of movement, tenderness or tests are not the hip's.
_NOT_HIP = frozenset(("back", "lumbar", "spine", "spinal", "lumbosacral", "knee", "ankle", "shoulder", "neck",
                      "cervical", "thoracic", "elbow", "wrist", "foot"))


def _hip_unsaid(text: str, tab: sp.Table, found: list[sp.Unit], hits: list[sp.Found], sentence: list[int],
                unread: list[Unread]) -> list[sp.Found]:
    """Drop a hip finding named by a word that names no place ("full range of motion") in a sentence about
    another joint or the spine, where the hip is not said: "Lumbar spine: full range of motion" is the
    spine's range, "knee: ROM full" the knee's."""
    # a place said as a place: a word no finding's name took ("Back: ..."), or a name of the place itself
    # ("Lumbar spine:", "knee ...") — not the "back" inside "inflammatory back pain criteria"
    named = {k for h in hits if not (_bare_site(found, h) or tab.kinds.get(h.name.nodes[0]) in sp.PLACE_KINDS)
             for k in range(h.i, h.j)}
    places: dict[int, set[str]] = {}
    for k, u in enumerate(found):
        if k in named:
            continue
        for w in set(u.required) & (_NOT_HIP | {"hip", "groin", "buttock", "thigh", "trochanter", "trochanteric"}):
            places.setdefault(sentence[k], set()).add(w)
    kept = []
    for h in hits:
        node = h.name.nodes[0]
        said = places.get(sentence[h.i], set())
        if "hip" in tab.sites.get(node, ()) and not h.key & sp.SITE_WORDS and said and said <= _NOT_HIP:
            unread.append(_unread_hit(text, found, h, f"said of the {sorted(said)[0]}, not the hip"))
            continue
        kept.append(h)
    return kept


def _everywhere(tab: sp.Table, node_id: str) -> bool:
    """A finding of the whole patient, whatever part is hurt: a red flag, fever, a history item, an age."""
    local = any(w in node_id for w in ("bear", "walk"))  # "unable to weight bear" is the ankle's after an ankle injury
    return ((node_id in tab.flags and not local) or tab.areas.get(node_id) is Area.SYSTEMIC
            or tab.kinds.get(node_id) is Kind.CONDITION or node_id in tab.histories)


def _bare_fracture(tab: sp.Table, found: list[sp.Unit], chunk: list[int], hits: list[sp.Found],
                   sentence: list[int]) -> sp.Found | None:
    """"fracture" said alone after a study ("pelvis X-ray: no fracture", "CT: no acute fracture"): the KB's
    fractures of the places the study or the sentence names, or of every place when none is named.

    Only a denial may reach several at once; a fracture reported without its place is left unread.
    """
    k = next(k for k in chunk if found[k].required == ("fracture",))
    here = sentence[k]
    places: set[str] = set()
    for h in hits:
        if sentence[h.i] == here and h.i < k:
            for node_id in h.name.nodes:
                places |= set(tab.sites.get(node_id, ())) | _AREA_SITES.get(tab.areas.get(node_id), set())
    places |= {w for j in range(len(found)) if sentence[j] == here and found[j].site for w in found[j].required}
    fractures = sorted(n for n, kind in tab.kinds.items() if kind is Kind.CONDITION and "fracture" in n)
    if places:
        fractures = [n for n in fractures if (set(tab.sites.get(n, ())) | _AREA_SITES.get(tab.areas.get(n), set()))
                     & places]
    studies = {n for h in hits if sentence[h.i] == here for n in h.name.nodes if tab.kinds.get(n) is Kind.TEST}
    if studies and studies <= sp.RADIOGRAPHS:
        # "Radiographs of the hips and pelvis: no fracture": a plain film does not deny a fracture it seldom shows
        fractures = [n for n in fractures if n not in tab.radiograph_blind]
    if not fractures:
        return None
    denied = any(found[j].has("negated") or found[j].has("normal") for j in range(max(0, chunk[0] - 3), chunk[0]))
    if len(fractures) > 1 and not denied:
        return None
    key = frozenset(("fracture",))
    return sp.Found(chunk[0] if found[chunk[0]].required else k, k + 1,
                    sp.Name(tuple(fractures), 0.9, "composed", "fracture"), key, 1)


def _gibberish(u: sp.Unit) -> bool:
    """A word no vocabulary knows and too short or too odd to be a modifier: "tst", "blah", "wrfl"."""
    lower = u.lower
    if u.corrected or not lower.isalpha() or lx.is_word(lower):
        return False
    return len(lower) <= 4 or not re.search(r"[aeiouy]", lower)


def _names_entity(tab: sp.Table, u: sp.Unit) -> bool:
    """Whether a word no span took names another thing: a place, structure, disease, test or treatment."""
    if re.match(r"^[cCtT]\d", u.text):  # C6, T12: a spinal level outside the lumbar spine
        return True
    return any(tab.names_entity(w) for w in u.required)


def _family_of(u: sp.Unit) -> str:
    return next((f for w in u.required for f, members in sp.FAMILIES.items() if w in members), "")


#: Words that state a loss of strength at a place without the family's own words: "poor foot strength".
_STRENGTH = frozenset(("strength", "power"))
#: Places of the lower limb: a weakness there is the leg's when no node names the place's own.
_LIMB = frozenset(("leg", "foot", "toe", "calf", "ankle", "thigh", "knee", "shin", "heel", "sole"))


def _family_said(u: sp.Unit) -> str:
    """The symptom family a unit states, a trigger included ("weak" is a trigger of an abnormal result)."""
    said = (*u.required, *u.optional, *(words(u.text) if u.role != "word" else ()))
    if _STRENGTH & set(said) and u.role == "word":
        return "weak"
    return next((f for w in said for f, members in sp.FAMILIES.items() if w in members), "")


#: Verbs that say where a pain is: its place follows ("the pain is located in the left lumbar area").
_LOCATED = frozenset(("locat", "localiz", "localis", "localize", "localise", "situat", "centr", "originat"))


def _pain_said(found: list[sp.Unit], chunk: list[int], covered: set[int], sentence: list[int]) -> bool:
    """Whether a pain no span took is said earlier in the chunk's sentence ("The pain ... is located in")."""
    return any(sentence[k] == sentence[chunk[0]] and k not in covered and "pain" in (*found[k].optional,
                                                                                      *found[k].required)
               for k in range(0, chunk[0]))


def _beside(found: list[sp.Unit], k: int, step: int) -> int:
    """The first unit from *k* in direction *step* that is not a bracket or a side: "weak (R) foot"."""
    k += step
    while 0 <= k < len(found) and (found[k].text in ("(", ")") or found[k].role in ("side", "filler") or
                                   found[k].lower in _LINKING or found[k].lower in ("going", "getting", "very") or
                                   found[k].lower in _NOT or found[k].role == "negated" and _expanded(found, k)):
        k += step  # "non-tender" stands for "not tender": its "not" is skipped as "not" is
    return k


def _expanded(found: list[sp.Unit], k: int) -> bool:
    """Whether unit *k* is one of the words a form stands for ("non-tender": "not", "tender"), which share its place."""
    return any(0 <= m < len(found) and found[m].start == found[k].start for m in (k - 1, k + 1))


_NOT = frozenset(("not", "no", "never", "isn't", "aren't", "wasn't", "weren't", "is not", "are not", "was not",
                  "were not", "doesn't", "don't", "does not", "do not"))


def _denied_between(found: list[sp.Unit], chunk: list[int], k: int) -> bool:
    """Whether a denial stands between the chunk and the symptom word at *k* ("legs are not weak")."""
    a, b = (chunk[-1] + 1, k) if k > chunk[-1] else (k + 1, chunk[0])
    return any(found[j].lower in _NOT or found[j].role == "negated" for j in range(a, b))  # "hip non-tender"


def _limb_weakness(tab: sp.Table, found: list[sp.Unit], sites: list[int], other: list[int]):
    """"weak (R) foot": a weakness at a place of the lower limb with no node of its own is the leg's."""
    if not all(_family_said(found[k]) == "weak" for k in other) or "leg-weakness" not in tab.kinds:
        return None
    if not all(set(found[k].required) <= _LIMB for k in sites):
        return None
    both = "bilateral-leg-weakness" in tab.kinds and any(
        found[k].lower.endswith(("legs", "feet")) or found[k].lower in ("both", "bilateral") for k in
        range(max(0, min(*sites, *other) - 3), max(*sites, *other) + 1))
    node = "bilateral-leg-weakness" if both else "leg-weakness"
    names = [nm for nm in tab.keys.get(frozenset(("weak", "leg")), ()) if nm.nodes == ("leg-weakness",)]
    if not names:
        return None
    i, j = min(*sites, *other), max(*sites, *other) + 1
    name = sp.Name((node,), 0.97, "composed", names[0].text)
    return sp.Found(i, j, name, frozenset(("weak", "leg")), len(sites) + 1), set(sites)


_VERBS = frozenset(("is", "are", "was", "were", "has", "have", "had", "look", "looks", "looked", "appear", "appears",
                    "appeared", "seem", "seems", "seemed", "remain", "remains", "remained", "showed", "shows",
                    "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "feel", "feels", "felt"))


def _subject(found: list[sp.Unit], chunk: list[int]) -> bool:
    """A place that is the subject of a verb ("His legs are neurologically normal") is said of, not hurting."""
    nxt = chunk[-1] + 1
    if nxt >= len(found) or found[nxt].lower not in _VERBS:
        return False
    # "my back is killing me", "my hip is sore": the place said to hurt is its pain
    after = found[nxt + 1:nxt + 4]
    return not any(u.has("severity") or u.has("quality") or "pain" in u.optional or _family_of(u) == "pain"
                   for u in after)


def _heading(found: list[sp.Unit], chunk: list[int], covered: set[int], mine: list[sp.Found]) -> bool:
    """A site alone before a colon at the start of a line ("L hip: full ROM, pain-free") heads what follows."""
    last = chunk[-1]
    if last + 1 >= len(found) or found[last + 1].text != ":":
        return False
    if chunk[0] > 0 and not (found[chunk[0] - 1].role == "punct" and found[chunk[0] - 1].text in ".;"):
        return False
    said = [found[k] for k in chunk if found[k].required or k in covered]
    return bool(said) and all(u.site for u in said) and all(_bare_site(found, h) for h in mine)


#: Word roots that name a side of a place: "anterolateral" is front and outer.
_SIDE_ROOTS = ("anter", "poster", "later", "medi")
#: Places down the leg (the inner thigh is the saddle's): a numbness said of one of them runs down a limb.
_LIMB_PLACES = _LIMB - {"thigh"}


def _sides(words: Iterable[str]) -> set[str]:
    return {r for w in words for r in _SIDE_ROOTS if r in sp.SITE_SAME.get(w, w)}


def _compose(tab: sp.Table, found: list[sp.Unit], mine: list[sp.Found], sites: list[int], mods: list[int]):
    """A symptom and the place it is felt, in one chunk, as the node stating both.

    "tingling over the lateral thigh", "saddle area numb", "weakness lifting the big toe": the node whose
    name states that symptom at that place, else the nearest one stating it at part of the place said.
    Returns (the hit, the loose units it took) or None.
    """
    family = ""
    at: sp.Found | int | None = None
    for h in mine:  # a symptom whose name says no place
        fams = {f for w in h.key for f, members in sp.FAMILIES.items() if w in members}
        if len(fams) == 1 and not (h.key & sp.SITE_WORDS) and tab.kinds.get(h.name.nodes[0]) in (
                Kind.SYMPTOM, Kind.FINDING):
            family, at = fams.pop(), h
            break
    if at is None:
        # "tenderness", "swelling" said without a node of their own; a vague word ("odd", "funny") only when no
        # other says what ("strange twinge in the groin" is a pain)
        for k in sorted(mods, key=lambda k: bool(set(found[k].required) & _VAGUE)):
            if _family_of(found[k]):
                family, at = _family_of(found[k]), k
                break
    if not family or at is None:  # at is set with family
        return None
    places = [h for h in mine if h is not at and (tab.kinds.get(h.name.nodes[0]) is Kind.REGION or _bare_site(found, h))]
    said_sites = {sp.SITE_SAME.get(w, w) for k in sites for w in found[k].required}
    said_sites |= {sp.SITE_SAME.get(w, w) for h in places for w in h.key if w in sp.SITE_WORDS}
    if not said_sites:
        return None
    other = {w for k in mods for w in found[k].required} | {w for h in places for w in h.key}
    # the side of a limb said ("the back of the thigh" is its posterior side): a name on another side is no match
    said_sides = _sides(said_sites | other) | ({"poster"} if "back" in said_sites and said_sites & _LIMB else set())
    node_sides: dict[str, set[str]] = {}  # a node's sides, from all its names ("numb patch on the thigh" is lateral)
    if said_sides:
        for node_id, fam, _, key in tab.composed:
            if fam == family:
                node_sides.setdefault(node_id, set()).update(_sides(key))
    start_units = [k for k in sites] + [h.i for h in places] + ([at.i] if isinstance(at, sp.Found) else [at])
    end_units = [k + 1 for k in sites] + [h.j for h in places] + ([at.j] if isinstance(at, sp.Found) else [at + 1])
    i, j = min(start_units), max(end_units)
    # one side said ("paraesthesia over her right buttock"): no node of a midline place (the saddle) is meant
    one_side = any(e.role == "side" and e.value in ("left", "right") for u in found[max(0, i - 2):j]
                   for e in u.entries)
    best, rank = None, None
    for node_id, fam, where, key in tab.composed:
        if fam != family or not where or not where <= said_sites:
            continue
        if node_id in tab.midline and not said_sites & {"saddle", "genital"} and (one_side or said_sites & _LIMB_PLACES):
            continue  # "buttock-to-calf tingling": a leg's path, not the saddle
        if node_sides.get(node_id) and not said_sides & node_sides[node_id]:
            continue
        unsaid = {w for w in key - where if w not in sp.FAMILIES[fam] and sp.SITE_SAME.get(w, w) not in where
                  and w != "pain"}
        score = (len(where), -len(unsaid - other), len(unsaid & other), -len(key), node_id)
        if rank is None or score > rank:
            best, rank = node_id, score
    if best is None or rank is None:  # set together
        return None
    # the place must keep its noun: "front" alone is no place ("numbness at the front" stays numbness)
    if not (rank[0] and {w for w in said_sites if w not in ("lateral", "medial", "anterior", "posterior", "low",
                                                                  "upper", "lower")} & set(
            w for n, f, where, key in tab.composed if n == best for w in where)):
        return None
    used = {k for k in (*sites, *mods) if i <= k < j}
    names = [nm for key, nms in tab.keys.items() for nm in nms if nm.nodes == (best,) and not nm.inverted
             and not nm.result]
    name = sp.best_name(names)
    name = sp.Name(name.nodes, name.weight, "composed", name.text, name.allowed)
    return sp.Found(i, j, name, frozenset(said_sites | {family}), len(used) + 1), used


def _a_quality(tab: sp.Table, h: sp.Found) -> bool:
    """A pain's quality named by a node of its own ("burning pain", "tearing pain"), that no place's pain states."""
    words = h.key - set(sp.FAMILIES["pain"]) - {"severe", "sudden"}
    return (tab.kinds.get(h.name.nodes[0]) is Kind.SYMPTOM and "pain" in h.key and bool(words)
            and not words & sp.SITE_WORDS and tab.areas.get(h.name.nodes[0]) in (None, Area.OTHER, Area.SYSTEMIC))


def _denied_at(tab: sp.Table, found: list[sp.Unit], runs: list, places: list[sp.Found], k: int) -> sp.Found | None:
    """What a denied word at *k* says of the place said in *runs* (unit indices), read on that word: its
    tenderness ("tender", "tenderness") or its pain ("painful", "sore"), or None where no node names it."""
    required = frozenset(w for run in runs for i in run for w in found[i].required)
    tender = bool(set(found[k].required) & {"tender", "tenderness"})
    for word in ("tenderness", "tender") if tender else ("pain",):
        names = tab.keys.get(required | {word})
        if names:
            return sp.Found(k, k + 1, sp.best_name(names), required | {word}, 1)
    if not tender and len(places) == 1 and tab.kinds.get(places[0].name.nodes[0]) is Kind.SYMPTOM:
        place = places[0]  # "back not painful": the pain the place's word names
        return sp.Found(k, k + 1, place.name, place.key, place.covered)
    return None


#: Words that say a sensation is changed without saying how: a numbness or tingling at a place only alone.
_VAGUE = frozenset(("odd", "funny", "strange", "weird"))


def _real(tab: sp.Table, u: sp.Unit) -> bool:
    lower = u.lower
    if u.corrected:
        return False
    if re.match(r"^[a-z]\d", lower):  # C6, T12: a spinal level
        return True
    return all(w in tab.by_word for w in u.required) or lx.is_word(lower)


def _site_of(tab: sp.Table, u: sp.Unit, mine: list[sp.Found], anywhere: bool = False) -> bool:
    """Whether a site word beside a span names where that node is ("FADIR R hip").

    With *anywhere*, a symptom whose name holds no place takes any place as where it is
    felt ("pins and needles in the foot" is tingling, not a foot pain too).
    """
    if not u.site or not mine:
        return False
    for hit in mine:
        if anywhere and tab.kinds.get(hit.name.nodes[0]) is Kind.SYMPTOM and not (hit.key & sp.SITE_WORDS) and (
                tab.areas.get(hit.name.nodes[0]) in (None, Area.OTHER, Area.SYSTEMIC)
                or set(u.required) <= _AREA_SITES.get(tab.areas.get(hit.name.nodes[0]), set())):
            return True
        for node_id in hit.name.nodes:
            where = set(tab.sites.get(node_id, ())) | _AREA_SITES.get(tab.areas.get(node_id), set())
            if set(u.required) <= where:
                return True
    return False


def _bare_site(found: list[sp.Unit], hit: sp.Found) -> bool:
    said = [found[k] for k in range(hit.i, hit.j) if found[k].required or found[k].optional]
    return len(said) == 1 and said[0].site


def _site_pain(tab: sp.Table, found: list[sp.Unit], chunk: list[int], loose: list[int]) -> sp.Found | None:
    required = frozenset(w for k in loose for w in found[k].required)
    key = required | {"pain"}
    tender = [k for k in chunk if set(found[k].required) & {"tender", "tenderness"} and k not in loose]
    if tender:  # "her abdomen is generally tender": the place's tenderness when the KB names it
        for word in ("tenderness", "tender"):
            names = tab.keys.get(required | {word})
            if names:
                name = sp.best_name(names)
                return sp.Found(min(loose + tender), max(loose + tender) + 1, name, required | {word}, len(required))
    same = frozenset(sp.SITE_SAME.get(w, w) for w in required)  # "outer aspect of the hip" is the lateral hip
    for k in dict.fromkeys((key, required, same | {"pain"})):
        names = tab.keys.get(k)
        if names:
            name = sp.best_name(names)
            if k is required and tab.kinds.get(name.nodes[0]) is not Kind.SYMPTOM:
                continue
            return sp.Found(min(loose), max(loose) + 1, name, k, len(required))
    return None


_DETERMINERS = frozenset(("the", "a", "an", "his", "her", "their", "my", "your", "its", "this", "that"))


def _shared_head(tab: sp.Table, found, chunks, n: int, k: int) -> sp.Found | None:
    """"bladder or bowel problems", "groin and thigh pain": a lone word takes the next item's head noun."""
    if n + 1 >= len(chunks):
        return None
    between = range(chunks[n][-1] + 1, chunks[n + 1][0])
    if not between or not all(found[b].lower in ("and", "or", "&", ",", "/", "nor") for b in between):
        return None  # "on and off for 3 weeks, sometimes the left leg": no list joins "off" to "leg"
    if any(found[b].lower in _DETERMINERS for b in chunks[n + 1]):
        return None  # "on and off, the left leg": the next item is a phrase of its own, not a shared head
    last = found[chunks[n + 1][-1]]
    head = set(last.required) | set(last.optional)
    if not head or set(found[k].required) & head:
        return None
    key = frozenset(found[k].required) | frozenset(head)
    names = [nm for nm in tab.keys.get(key, ()) if not nm.inverted and not nm.result]
    if not names:
        return None
    name = sp.best_name(names)
    return sp.Found(k, k + 1, name, key, len(found[k].required))


# ---------------------------------------------------------------------------- spans

def _spans_of(kg, tab: sp.Table, text: str, found: list[sp.Unit], hit: sp.Found, c: ctx.Context, said=(),
              painful: bool = False):
    """The spans one hit makes once its context is known (several for "reflexes normal")."""
    cats = c.categories
    name = hit.name
    nodes = name.nodes
    start, end = found[hit.i].start, found[hit.j - 1].end
    # Widen to the triggers that took it, so the marked text shows "[no anal tone]".
    piece = text[start:end]
    if name.inverted and not c.triggers and piece.lower() in _WEIGHT_UNITS:
        return [], None  # "Wt 51 kg/113 lbs": a weight measured, not a weight lost or kept
    if name.source == "composed" and not cats & {"abnormal", "negated", "normal", "affirmed", "possible"} and \
            _SENSATION_ONLY.search(piece) and not _NUMB_SAID.search(piece):
        # "... and pinprick sensation in all lower limb dermatomes": a sensation named, its result not said here
        return [], Unread(start, end, piece, True, f"{piece} — no result stated")
    # "hx of ca" IS the history node; "history of cancer resolved" is over all the same
    # "breast cancer 2015", "prednisolone since 2015": a history node is the history, dated or not;
    # it is over only when the text says so ("ex-IVDU", "abstinent", "resolved")
    past = "historical" in cats and (c.ended or not any(n in tab.histories or _is_history(kg, n) for n in nodes))
    if "possible" in cats and _opinion_only(c.triggers) and (
            tab.kinds.get(nodes[0]) is not Kind.CONDITION or _history_left_by(kg, nodes[0]) is not None
            or any(found[k].lower in _RECURRING for k in range(max(0, hit.i - 2), hit.i))):
        # "treated for renal colic" is another clinician's diagnosis of this pain, to be doubted; but "treated
        # for breast cancer" and "treated for diabetes" are the patient's history, as they say
        cats = cats - {"possible"}
    time = HYPOTHETICAL if "hypothetical" in cats else HISTORICAL if past else CURRENT
    who = OTHER if "family" in cats else PATIENT
    kind = tab.kinds.get(nodes[0])
    if time == HISTORICAL and who == PATIENT and kind is Kind.CONDITION and not c.ended:
        # "prostate cancer 2012, treated": a past malignancy is the red-flag history it leaves
        # (history of cancer), which counts now; the cancer itself is not what hurts today.
        history = _history_left_by(kg, nodes[0])
        if history is not None:
            nodes, time, kind = (history,), CURRENT, Kind.SYMPTOM
            name = name._replace(nodes=nodes) if hasattr(name, "_replace") else name
    if kind is Kind.TEST and cats & {"normal", "negated", "abnormal", "affirmed"}:
        # "ESR normal" denies a raised ESR, never the blood test itself; "blood culture positive" is its result
        results = [nm for nm in tab.keys.get(hit.key, ()) if nm.result]
        if results:
            name, nodes = results[0], results[0].nodes
        elif cats & {"normal", "negated", "abnormal"}:
            word = "abnormal" if "abnormal" in cats else "normal"
            return [], Unread(start, end, piece, True, f"{piece} {word} — a test result this KB has no finding for")
        # "HLA-B27 positive": a test the KB's edges read as positive is that finding
    if name.inverted and _trouble_before(found, hit) and "negated" not in cats:
        cats = cats | {"negated"}  # "no trouble with my bowels or bladder": the trouble is denied
    answer = _answer_to(found, hit) if name.inverted else None
    if answer is not None:
        # "any trouble with waterworks? - nil", "bladder? yes": the question was of trouble, the answer says
        return [Span(start, end, piece, kg.node(nodes[0]), answer, time, who, None, "", (), tuple(c.triggers),
                     name.text)], None
    if name.inverted and (_trouble_after(found, hit) or _trouble_before(found, hit)
                          or _listed(found, hit) and "negated" in cats  # "power and reflexes ...": no complaint
                          or {t.lower() for t in c.triggers} & _DENIES_REPORT
                          and not {"normal", "abnormal"} & cats):
        # "no bladder problems", "no sensation changes": the words name the trouble, not the function
        name = sp.Name(name.nodes, name.weight, "lexicon", name.text, name.allowed)
    if name.inverted:
        if {"negated", "abnormal"} <= cats:
            polarity = ABSENT  # "no loss of bladder control", "no reduced power": a double negative
        elif cats & {"negated", "abnormal"}:
            polarity = PRESENT  # "no anal tone", "perianal sensation absent", "reduced power"
        elif cats & {"normal", "affirmed"}:
            polarity = ABSENT  # "anal tone normal", "sensation present"
        elif "possible" in cats:
            polarity = POSSIBLE
        else:
            return [], Unread(start, end, piece, True, f"{piece} — no result stated")
        if "possible" in cats:
            polarity = POSSIBLE
    elif name.result:
        if ("abnormal" in cats or "affirmed" in cats) and len(name.nodes) > 1 and "negated" not in cats:
            # "abnormal vital signs": one of them at least, not which; a normal result denies them all
            return [], Unread(start, end, piece, True, f"{piece} — abnormal, but which of its results is not said")
        if "abnormal" in cats or "affirmed" in cats:
            polarity = PRESENT
        elif cats & {"normal", "negated"}:
            polarity = ABSENT
        else:
            polarity = PRESENT
            # the test's own name, read as its abnormal result only when said: "Vitals:" or "bloods" alone
            # state no fever, no raised white count, nothing
            results = [nm for nm in tab.keys.get(hit.key, ()) if not nm.result]
            if not results:
                return [], Unread(start, end, piece, True, f"{piece} — no result stated")
            nodes = results[0].nodes
        if "possible" in cats:
            polarity = POSSIBLE
    elif "possible" in cats and (c.doubt_denied or "negated" in c.after and "possible" not in c.after):
        polarity = ABSENT  # "?saddle anaesthesia - no", "query fever: none": the question, then its answer
    elif "possible" in cats and "affirmed" in c.after and "negated" not in cats and \
            any(t.lower() in ("yes", "y") for t in c.triggers):
        polarity = PRESENT  # "asked about night sweats: yes" (but "?Babinski positive" is a doubted result)
    elif "possible" in cats:
        polarity = POSSIBLE
    elif cats & {"negated", "normal"}:
        # a node that is itself the normal result ("normal hip examination") is what "painless" affirms
        polarity = PRESENT if nodes[0].startswith("normal-") and "negated" not in cats else ABSENT
    else:
        polarity = PRESENT
    if nodes[0] in _NSAIDS and c.effect == "relieves" and "good-response-to-nsaids" in kg.graph:
        # "relieved by ibuprofen", "eased with anti-inflammatories", "not improved after NSAIDs": the response
        # to the drug is the finding (osteoid osteoma's night pain, axSpA's back pain), not the drug taken
        nodes, kind = ("good-response-to-nsaids",), Kind.SYMPTOM
        denied = "negated" in cats or _relief_denied_after(found, hit)  # "ibuprofen didn't help"
        polarity = POSSIBLE if "possible" in cats else ABSENT if denied else PRESENT
        time = CURRENT if time == HISTORICAL else time
    elif nodes[0] in _ANALGESICS and c.effect == "relieves" and _DESPITE in kg.graph and (
            "negated" in cats or _relief_denied_after(found, hit)) and "possible" not in cats:
        # "minimal relief was provided by acetaminophen", "codeine didn't help": a pain despite analgesia
        nodes, kind, polarity = (_DESPITE,), Kind.SYMPTOM, PRESENT
        time = CURRENT if time == HISTORICAL else time
    if kind in _NAMED_KINDS and time == CURRENT and (kind is Kind.TREATMENT or not (
            cats & {"affirmed", "abnormal", "normal", "negated"}) and not name.result):
        # "had physiotherapy for 6 weeks", "blood cultures", "MRI lumbar spine: ...": a test or treatment
        # named without its result is what was done or is planned; its result, when written, is read
        time = HYPOTHETICAL if _planned(found, hit) else HISTORICAL
    if kind is Kind.ACTIVITY and "abnormal" in cats and not c.effect:
        # "hip flexion limited", "internal rotation was decreased": the examined range, not an aggravation
        # "hip flexion 4/5": an MRC grade is the strength of the movement, not its range
        graded = any(re.match(r"^[0-4]/5$", t) for t in c.triggers)
        for extra in (({"weak"}, {"weak", "hip"}) if graded else ()) + ({"reduce"}, {"reduce", "hip"}):
            limited = [nm for nm in tab.keys.get(hit.key | extra, ()) if not nm.inverted and not nm.result
                       and tab.kinds.get(nm.nodes[0]) is Kind.FINDING]
            if limited:
                nodes, kind, polarity = sp.best_name(limited).nodes, Kind.FINDING, PRESENT
                break
    angle = _angle_after(found, hit) if nodes[0] in _ANGLE_NORMAL else None
    if angle is not None and not cats & {"affirmed", "abnormal", "normal", "negated", "possible"}:
        # "SLR 90°" is a full, negative straight leg raise; "SLR 40°" is limited by pain
        polarity = ABSENT if angle > _ANGLE_NORMAL[nodes[0]] else PRESENT
    if kind is Kind.ACTIVITY and not c.effect and time == CURRENT and _person(piece, name.text):
        time = MENTIONED  # "a runner", "a keen jogger": who the patient is, not what brings the pain on
    relation = None
    if kind is Kind.ACTIVITY:
        relation = _EFFECTS.get(c.effect, Relation.AGGRAVATED_BY)
        if c.pain_between and (nodes[0] in _POSTURES or any(
                k == Relation.RELIEVED_BY for _, _, k in kg.graph.in_edges(nodes[0], keys=True))):
            polarity = PRESENT  # "no pain when seated": sitting relieves it
        elif c.pain_between:
            # "no pain on coughing": nothing is relieved by coughing; it does not bring the pain on
            relation, polarity = Relation.AGGRAVATED_BY, ABSENT
    key = hit.key
    if _graded(found, hit) and (kind not in (Kind.FINDING, Kind.SYMPTOM) or (
            name.source == "composed" and "pain" in hit.key and not piece.lower().count("pain"))):
        # "EHL 4/5": the muscle's power, graded; "legs 5/5": a place said bare is graded, not its pain
        place = hit.key - {"pain"}
        for word in ("weakness", "weak"):
            if tab.keys.get(place | {word}):
                key = place | {word}
                nodes, kind = tab.keys[key][0].nodes, tab.kinds.get(tab.keys[key][0].nodes[0], kind)
                grade = _grade_of(found, hit)
                if grade is not None and "possible" not in cats:
                    polarity = ABSENT if grade >= 5 else PRESENT  # "glutes strong 5/5": the grade decides
                break
    side, modifiers = _modifiers(found, hit)
    modifiers = modifiers + tuple(w for w in said if w not in modifiers)
    if nodes == ("morning-stiffness",) and not any(_minutes(m) for m in modifiers):
        after = _STIFF_FOR.match(text, end)  # "stiff first thing for a good 2 hours"
        if after is not None:
            modifiers = modifiers + (after.group(1),)
    # "morning stiffness more than 30 minutes": the comparative may come as modifiers of its own
    above = 0.5 if {m.lower() for m in modifiers} & {"more", "over", "longer", "greater", "above", ">"} else 0.0
    if nodes == ("morning-stiffness",) and "prolonged-morning-stiffness" in kg.graph and any(
            (_minutes(m) or 0) + above > 30 for m in modifiers):
        nodes = ("prolonged-morning-stiffness",)  # "EMS >1hr", "morning stiffness for 2 hours": over 30 minutes
    if not side and re.search(r"\b(?:legs|hips|thighs|calves)\b", piece.lower()):
        side = "both"  # "weakness in his legs", "pain in the hips": both sides
    if side == "both" and len(nodes) == 1 and not (
            tab.kinds.get(nodes[0]) is Kind.REGION and not painful and _examined_next(found, hit.j)) and not (
            key is not hit.key and polarity == ABSENT):  # "legs 5/5" denies any weakness, not only of both
        # "B/L leg pain", "both hips": the node that says both sides (but "legs neuro intact" is no pain)
        both = [nm for nm in (*tab.keys.get(key | {"bilateral"}, ()), *tab.keys.get(key | {"bilateral", "pain"}, ()))
                if not nm.inverted and not nm.result]
        if both:
            nodes = sp.best_name(both).nodes
        elif polarity != ABSENT and f"bilateral-{nodes[0]}" in tab.kinds and re.search(r"\b(?:both|bilateral(?:ly)?|b/l|bilat)\b", text[
                found[hit.i].start:found[min(hit.j + 4, len(found)) - 1].end], re.IGNORECASE):
            # "reduced muscle power in both legs": both said, the weakness of both ("heavy legs" is not said so);
            # "power 5/5 in both legs" denies any weakness, not only of both
            nodes = (f"bilateral-{nodes[0]}",)
    if nodes[0] in ("female-sex", "male-sex") and polarity == ABSENT and not _adjacent_denial(found, hit):
        polarity = PRESENT  # "female in otherwise unremarkable health": a sex or age is stated, not denied
    out = []
    for node_id in nodes:
        node = kg.node(node_id)
        when = time
        if node.kind is Kind.REGION:  # a place, reported, is pain felt there
            pain = tab.keys.get(hit.key | {"pain"})
            if pain and not painful and (_place_spoken_of(found, hit.i, hit.j) or _examined_next(found, hit.j)):
                pain = None  # "limping ..., sometimes the left leg", "legs neuro intact": spoken of, not hurting
            if pain:
                node = kg.node(pain[0].nodes[0])
        if node.kind in (Kind.MUSCLE, Kind.STRUCTURE) and any("tender" in m.lower() for m in modifiers):
            # "tenderness over the iliopsoas", "tender over the adductors": the finding of a tender place
            tender = [nm for word in ("tender", "tenderness") for nm in tab.keys.get(hit.key | {word}, ())
                      if not nm.inverted and not nm.result and tab.kinds.get(nm.nodes[0]) is Kind.FINDING]
            if tender:
                node = kg.node(sp.best_name(tender).nodes[0])
        if node.kind in sp.PLACE_KINDS and not (painful and node.kind is not Kind.REGION):
            when = MENTIONED  # "the greater trochanter", "the saddle area": where, not what; "pain at the
            # sitting bone" is the pain there, which the trace places at that structure
        out.append(Span(start, end, piece, node, polarity, when, who, relation if node.kind is Kind.ACTIVITY else None,
                        side, modifiers, tuple(c.triggers), name.text))
    if polarity == PRESENT and _DOWN_THE_LEG in tab.kinds and any(o.node.id in _SCIATIC_PLACES for o in out) and any(
            found[k].role == "radiates" for k in range(max(0, hit.i - 4), hit.i)):
        # "LBP radiating down the back of the left thigh": a pain that runs down the leg, and where it reaches
        out.append(Span(start, end, piece, kg.node(_DOWN_THE_LEG), polarity, time, who, None, side, modifiers,
                        tuple(c.triggers), name.text))
    if side == "both" and polarity == PRESENT and _BOTH_LEGS in tab.kinds and any(
            o.node.id in _LEG_PAINS for o in out) and re.search(r"\bboth\b", piece, re.IGNORECASE):
        # "pain going down the back of both thighs": a pain of both legs, as well as where it is felt
        out.append(Span(start, end, piece, kg.node(_BOTH_LEGS), polarity, time, who, None, side, modifiers,
                        tuple(c.triggers), name.text))
    if nodes == ("morning-stiffness",) and "prolonged-morning-stiffness" in kg.graph and (
            polarity == ABSENT or any(0 < (_minutes(m) or 99) + above <= 30 for m in modifiers)):
        # "no morning stiffness", "morning stiffness <15 min": none lasting 30 minutes either
        out.append(Span(start, end, piece, kg.node("prolonged-morning-stiffness"), ABSENT, time, who, None, side,
                        modifiers, tuple(c.triggers), name.text))
    return out, None


_SENSATION_ONLY = re.compile(r"\b(?:sensation|sensory|feeling)\b", re.IGNORECASE)
_NUMB_SAID = re.compile(r"numb|tingl|pins and needles|paraesthes|paresthes|anaesthes|anesthes|dead|reduced|decreased|"
                        r"altered|alteration|change|disturb|deficit|problem|symptom|loss|lost|diminished|absent|"
                        r"impaired|abnormal|no\b", re.IGNORECASE)
_WEIGHT_UNITS = frozenset(("kg", "kgs", "kilos", "lb", "lbs", "pounds", "stone"))
_STIFF_FOR = re.compile(r"[^.;\n]{0,12}?\b((?:for|lasting|lasts|x)\s+(?:a good\s+|about\s+|over\s+|around\s+|~\s*)?"
                        r"(?:\d+(?:\.\d+)?|an?|one|two|three|half an)\s*-?\s*(?:hours?|hrs?|h|minutes?|mins?))\b",
                        re.IGNORECASE)


def _examined_next(found: list[sp.Unit], j: int) -> bool:
    """The place is the subject of an examination said next: "legs neuro intact", "legs: power 5/5"."""
    k = j + 1 if j < len(found) and found[j].text == ":" else j
    while k < len(found) and found[k].lower in _HEDGED:
        k += 1  # "leg not obviously short or rotated": the leg's posture, denied
    return k < len(found) and found[k].lower.split()[0] in _EXAMINED


_EXAMINED = frozenset(("neuro", "neurology", "neurologically", "neurovascularly", "neurovascular", "power", "tone",
                       "sensation", "reflexes", "exam", "examination", "pulses", "nad", "normal", "intact", "short",
                       "shortened", "rotated", "externally", "internally"))
_HEDGED = frozenset(("not", "is", "was", "looks", "appears", "obviously", "clinically", "visibly"))


def _place_spoken_of(found: list[sp.Unit], i: int, j: int) -> bool:
    """A place named with an article ("the left leg") and no complaint before it: a place spoken of.
    "c/o the left hip", "pain: the left hip" and "radiating to the L calf" still complain of it."""
    if any(found[k].lower in ("onto", "landed", "landing") for k in range(max(0, i - 2), i)):
        return True  # "landed on feet then onto buttocks": where the fall ended, not a pain
    if _another_place_of(found, i):
        return True
    if not any(found[k].lower in ("the", "a", "an", "this", "that") for k in range(max(0, i - 2), j)):
        return False  # "my back is killing me": a lay complaint names its place with a possessive
    return not any(found[k].lower in _COMPLAINT or "pain" in found[k].optional for k in range(max(0, i - 4), i))


#: What an examination finds at a place: "good range of movement in the right knee and hip".
_EXAMINED_AT = frozenset(("range", "rom", "movement", "movements", "motion", "power", "strength", "reflexes",
                          "sensation", "examination", "exam", "palpation", "inspection", "pulses", "x-ray", "xr",
                          "imaging", "mri", "ct", "ultrasound", "radiographs", "films"))
_JOINING = frozenset(("and", "or", "&", ",", "+", "/"))
_NOT_PAIN = frozenset(w for family, members in sp.FAMILIES.items() if family != "pain" for w in members) - {
    "odd", "funny", "strange", "weird", "sensation", "sensory"}
_BEFORE_A_PLACE = frozenset(("the", "right", "left", "r", "l", "both", "her", "his", "bilateral"))


def _another_place_of(found: list[sp.Unit], i: int) -> bool:
    """A place joined to an earlier one of an examination ("range of movement in the right knee and hip",
    "power in the hips and knees"): another place of that finding, not a complaint of its own."""
    k = i - 1
    while k >= 0 and found[k].lower in _BEFORE_A_PLACE:
        k -= 1
    if k < 1 or found[k].lower not in _JOINING:
        return False
    before = [found[m].lower for m in range(max(0, k - 9), k)]
    # ... or of a symptom that is not a pain: "swelling in the right iliac region and right thigh"
    felt = any(set(found[m].required) & _NOT_PAIN for m in range(max(0, k - 9), k))
    return (felt or any(w in _EXAMINED_AT for w in before)) and not any(w in _COMPLAINT for w in before)


_COMPLAINT = frozenset(("c/o", "complains", "complaining", "complained", "complaint", "presents", "presenting",
                        "presented", "hurts", "hurting", "sore", "ache", "aching", "pain", "painful", "radiating",
                        "radiates", "radiated", "radiation", "spreading", "spreads", "spread", "shooting", "shoots",
                        "travels", "travelling", "traveling", "into", "go", "goes", "going", "went", "extends",
                        "extending", "moves", "moving", "below", "above", "down"))


def _relief_denied_after(found: list[sp.Unit], hit: sp.Found) -> bool:
    """A denied verb of relief after the drug: "ibuprofen didn't help", "naproxen has not really helped"."""
    for k in range(hit.j, min(len(found), hit.j + 4)):
        u = found[k]
        if u.role == "punct":
            return False
        if u.lower in ctx._VERB_NEGATIONS or u.lower in ("hasn't", "haven't", "has not", "have not") or (
                u.role == "negated" and u.text.lower() != "no"):  # "NSAIDs without much relief"
            return any(found[m].has("relieves") for m in range(k + 1, min(len(found), k + 3)))
    return False


#: Non-steroidal anti-inflammatory drugs: relief by one of them is the response to NSAIDs.
_NSAIDS = frozenset(("oral-nsaids", "ibuprofen", "naproxen"))
#: Positions a patient rests in: "no pain when sitting" is relief by it, whatever else the KB says of them.
_POSTURES = frozenset(("sitting", "lying-down", "standing-still", "rest", "lying-supine", "lying-prone"))
#: Pains of a part of the leg: said of both legs, they are a bilateral leg pain too.
_LEG_PAINS = frozenset(("thigh-pain", "posterior-thigh-pain", "anterior-thigh-pain", "lateral-thigh-pain",
                        "medial-thigh-pain", "posterior-calf-pain", "lateral-calf-pain", "radiating-leg-pain",
                        "pain-below-knee"))
_BOTH_LEGS = "bilateral-leg-pain"
#: Where a pain that runs down the back of the leg reaches (the sciatic course); the front and side of the thigh
#: are also where a hip refers, so a pain that runs there is not read as a leg pain of its own.
_SCIATIC_PLACES = frozenset(("posterior-thigh-pain", "posterior-calf-pain", "lateral-calf-pain", "pain-below-knee"))
_DOWN_THE_LEG = "radiating-leg-pain"
#: Other painkillers: no relief from one of them is a pain despite analgesia.
_ANALGESICS = frozenset(("paracetamol", "opioids", "weak-opioids", "tramadol", "codeine"))
_DESPITE = "pain-despite-analgesia"


#: Kinds a text names without stating a finding: what was done or planned, and where.
_NAMED_KINDS = frozenset((Kind.TEST, Kind.TREATMENT))
#: Words that make a test or treatment a plan: "MRI requested", "referred for physiotherapy".
_PLAN = frozenset(("for", "plan", "planned", "plans", "request", "requested", "arrange", "arranged", "refer", "referred",
                   "referral", "book", "booked", "organise", "organised", "organize", "organized", "will", "would",
                   "awaiting", "await", "pending", "consider", "considered", "recommend", "recommended", "advise",
                   "advised", "suggest", "suggested", "offer", "offered", "order", "ordered", "needs", "need",
                   "require", "requires", "listed", "list", "candidate", "trial", "urgent", "further"))


#: Tests read as an angle: above it the test is negative.  A straight leg raise reproducing the leg pain
#: between 30° and 70° is positive (Deville et al. 2000; NICE CKS sciatica); 80–90° is a full raise.
_ANGLE_NORMAL = {"slr-test": 70, "crossed-slr-test": 70}


def _angle_after(found: list[sp.Unit], hit: sp.Found) -> int | None:
    """The angle written just after a test ("SLR 90°", "SLR to 40 degrees"), or None."""
    k = hit.j
    while k < len(found) and k < hit.j + 3 and (found[k].lower in ("to", "at", "of", "limited", "only", ":")
                                                or found[k].role == "side"):  # "SLR R 70°"
        k += 1
    if k < len(found) and re.fullmatch(r"\d{1,3}/90", found[k].text):
        return int(found[k].text.split("/")[0])  # "SLR 90/90", "SLR 45/90": degrees of the right angle
    if k >= len(found) or not re.fullmatch(r"\d{1,3}", found[k].text):
        return None
    after = found[k + 1].lower if k + 1 < len(found) else ""
    if after in ("°", "º", "deg", "degs", "degree", "degrees", "o"):
        return int(found[k].text)
    if 10 <= int(found[k].text) <= 100 and after not in ("%", "cm", "mm", "kg", "/", "s", "sec", "seconds", "x"):
        return int(found[k].text)  # "SLR 80": a raise is written in degrees
    return None


def _person(piece: str, name: str) -> bool:
    """Whether an activity was read from a noun for a person who does it ("runner" read as running)."""
    last = re.findall(r"[a-z]+", piece.lower())
    named = re.findall(r"[a-z]+", name.lower())
    return bool(last) and re.search(r"(?:er|ers|ist|ists)$", last[-1]) is not None and \
        (last[-1] not in named or len(named) == 1)  # "runner" (a lay name of running), not "... at a computer"


def _planned(found: list[sp.Unit], hit: sp.Found) -> bool:
    """Whether the clause around a named test or treatment makes it a plan."""
    near = list(range(max(0, hit.i - 4), hit.i)) + list(range(hit.j, min(len(found), hit.j + 3)))
    for k in near:
        u = found[k]
        if u.role == "punct" and u.text in ".;":
            continue
        if u.lower in _PLAN or any(w in _PLAN for w in u.required):
            return True
    return False


_TROUBLE = frozenset(("problem", "problems", "issue", "issues", "symptom", "symptoms", "trouble", "troubles",
                      "difficulty", "difficulties", "change", "changes", "disturbance", "disturbances", "complaint",
                      "complaints", "concern", "concerns", "dysfunction"))


#: Denials of a reported complaint: said of a normal function they deny its loss, never assert it
#: ("denies bowel or bladder change"), unlike "no anal tone" or "perianal sensation absent".
_DENIES_REPORT = frozenset(("denies", "denied", "deny", "denying", "denies any", "negative for", "neg for",
                            "no evidence of", "no sign of", "no signs of", "free of", "excluded", "ruled out",
                            "unlikely", "not reported", "not an issue", "not a problem", "no complaints of",
                            "nothing's changed with", "nothing has changed with"))


def _listed(found: list[sp.Unit], hit: sp.Found) -> bool:
    """A one-word function followed by "or"/"and" and more words: "no bowel or bladder change" lists complaints."""
    if hit.j - hit.i != 1 or hit.j >= len(found) or found[hit.j].lower not in ("or", "and", "/", "&", "nor"):
        return False
    return any(u.required for u in found[hit.j + 1:hit.j + 4])


def _adjacent_denial(found: list[sp.Unit], hit: sp.Found) -> bool:
    """"not female", "female: no": a denial right beside the span."""
    near = [found[k] for k in (hit.i - 3, hit.i - 2, hit.i - 1, hit.j, hit.j + 1) if 0 <= k < len(found)]
    return any(u.has("negated") for u in near)


_ANSWERED = {"nil": ABSENT, "no": ABSENT, "none": ABSENT, "neg": ABSENT, "-ve": ABSENT, "nope": ABSENT,
             "denies": ABSENT, "denied": ABSENT, "n": ABSENT, "yes": PRESENT, "y": PRESENT, "+ve": PRESENT}


def _answer_to(found: list[sp.Unit], hit: sp.Found) -> str | None:
    """"Waterworks? - nil", "bowels? no", "bladder? yes": a function asked about, a question mark, then the answer
    (absent or present trouble), or None."""
    k = hit.j
    while k < len(found) and k < hit.j + 3 and found[k].text != "?":
        if found[k].text in ".;":
            return None
        k += 1
    if k >= len(found) or found[k].text != "?":
        return None
    for j in range(k + 1, min(len(found), k + 4)):
        if found[j].lower in _ANSWERED:
            return _ANSWERED[found[j].lower]
        if found[j].role != "punct":
            return None
    return None


def _trouble_before(found: list[sp.Unit], hit: sp.Found) -> bool:
    """"no objective changes in leg strength, sensation, or reflexes": the trouble is named before the functions."""
    for k in range(hit.i - 1, max(-1, hit.i - 14), -1):
        u = found[k]
        if u.role == "punct" and u.text in ".;":
            return False
        if u.lower in ("no change", "no changes"):  # "no change in bladder or bowel habit"
            return True
        if u.lower in _TROUBLE:
            return any(found[j].has("negated") for j in range(max(0, k - 3), k))
    return False


def _trouble_after(found: list[sp.Unit], hit: sp.Found) -> bool:
    return hit.j < len(found) and found[hit.j].lower in _TROUBLE


#: A diagnosis someone made of this complaint before ("treated at another hospital for renal colic"): in a
#: presentation it is an opinion the case goes on to test, not a finding.  A risk history said the same way
#: stays the history (``_spans_of``).
_OPINIONS = frozenset({"treated for", "was treated for", "treated as", "managed as", "a diagnosis of", "diagnosed as"})


#: "treated for recurrent urinary tract infections": a condition that keeps coming back is the patient's history.
_RECURRING = frozenset(("recurrent", "recurring", "repeated", "frequent", "multiple"))


def _opinion_only(triggers: list[str]) -> bool:
    """Whether the only doubt among *triggers* is someone's earlier diagnosis."""
    doubts = _doubt_forms() | _OPINIONS
    said = [t.lower() for t in triggers if t.lower() in doubts]
    return bool(said) and all(t in _OPINIONS for t in said)


@functools.lru_cache(maxsize=1)
def _doubt_forms() -> frozenset[str]:
    return frozenset(e.form.lower() for e in lx.load().entries("possible"))


def _history_left_by(kg: KnowledgeGraph, condition: str) -> str | None:
    """The red-flag history node a past condition leaves, if the KB says so: a cancer that leads to a
    spinal malignancy, which presents with a history of cancer."""
    graph = kg.graph
    for _, cause_of, r in graph.out_edges(condition, keys=True):
        if r != Relation.LEADS_TO:
            continue
        for _, history, r2 in graph.out_edges(cause_of, keys=True):
            if (r2 == Relation.PRESENTS_WITH and history.startswith("history-of-")
                    and graph.nodes[history].get("red_flag")):
                return history
    return None


def _is_history(kg: KnowledgeGraph, node_id: str) -> bool:
    node = kg.graph.nodes[node_id]
    return "history" in node_id or any(w in node["label"].lower() for w in ("history", "previous", "long-term",
                                                                             "recent"))


_DURATION_SAID = re.compile(r"(\d+(?:\.\d+)?|an?|one|two|three|half an)\s*-?\s*(hours?|hrs?|h|minutes?|mins?)\b")
_COUNT = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "half an": 0.5}


def _minutes(text: str) -> float | None:
    """How many minutes a duration modifier says ("over an hour" 60, ">1hr" 60, "45 min" 45), or None."""
    m = _DURATION_SAID.search(text.lower())
    if m is None:
        return None
    word = m.group(1)
    count = _COUNT[word] if word in _COUNT else float(word)
    minutes = count * (1.0 if m.group(2).startswith("m") else 60.0)
    # "<30 min", "under half an hour": shorter than the number said; ">30 min", "over 30 minutes": longer
    before = text.lower()[:m.start()]
    if re.search(r"(?:<|≤|under|less than|below)\s*$", before):
        return minutes - 0.5
    return minutes + 0.5 if re.search(r"(?:>|≥|over|more than|longer than|above)\s*$", before) else minutes


#: Complaints felt nowhere in particular whose length counts.
_COMPLAINTS = frozenset(("limp", "inability-to-bear-weight"))
#: The finding a complaint's duration sets, and from how many weeks (asche2013_ts: "over one month").
_LONG_COMPLAINT, _LONG_WEEKS = "symptoms-over-a-month", 4.3
_HOW_MANY = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0,
             "seven": 7.0, "eight": 8.0, "nine": 9.0, "ten": 10.0, "eleven": 11.0, "twelve": 12.0, "few": 3.0,
             "several": 3.0, "couple of": 2.0, "a few": 3.0, "a couple of": 2.0}
_PER_WEEK = {"/7": 1 / 7, "day": 1 / 7, "/52": 1.0, "wk": 1.0, "week": 1.0, "/12": 4.35, "mth": 4.35,
             "month": 4.35, "mo": 4.35, "year": 52.0, "yr": 52.0}
_LENGTH = re.compile(r"(\d+(?:\.\d+)?(?=\s*(?:-|–|to)\s*\d+\s*-?\s*[/a-z])(?:\s*(?:-|–|to)\s*\d+)?|"  # "2-3 months"
                     r"\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                     r"(?:a )?few|several|(?:a )?couple of)\s*-?\s*(/7|/52|/12|days?|weeks?|wks?|months?|mths?|mos?|years?|yrs?)"
                     r"(?![a-z])")
_AFTER = re.compile(r"[^.;,:\n]{0,60}?\b((?:for|x|over)\s+(?:the\s+(?:last|past)\s+)?(?:" + _LENGTH.pattern +
                    r"|month|year))", re.IGNORECASE)
_PAST_UNIT = re.compile(r"\b(?:the\s+)?(?:past|last|previous)\s+(month|year|week)\b")
#: "a 3-month history of hip pain", "6 weeks' history of limping": the complaint's length, said before it.
_HISTORY_OF = re.compile(r"[-\s]*(?:history|hx|h/o)\s+of\s+(?:[\w'-]+\s+){0,8}?$")


def _weeks(text: str) -> float | None:
    """How many weeks a duration says ("for 6 weeks" 6, "x 2/12" 8.7, "3 days" 0.4, "the past month" 4.35), or None."""
    m = _LENGTH.search(text.lower())
    if m is None:
        past = _PAST_UNIT.search(text.lower())  # "for the past month", "over the last year"
        return _PER_WEEK[past.group(1)] if past else None
    unit = next(u for u in _PER_WEEK if m.group(2).startswith(u))
    said = re.match(r"\d+(?:\.\d+)?", m.group(1))  # "2-3 months": the shorter, to be sure
    count = float(said.group(0)) if said else _HOW_MANY[m.group(1)]
    return count * _PER_WEEK[unit]


def _lasting(kg: KnowledgeGraph, text: str, found: list[Span]) -> list[Span]:
    """How long the complaint has lasted, said with a present symptom of the patient: more than a month
    ("limping for 6 weeks", "R hip pain x 2/12", "a 3-month history of hip pain", "back pain ... for 6 to 7
    months"), or less ("a 3 week history of a painful left hip", "for 2 days").  The span stands on the words
    of the duration."""
    if _LONG_COMPLAINT not in kg.graph or any(s.node.id == _LONG_COMPLAINT for s in found):
        return []
    shorter: list[Span] = []
    for s in found:
        if not (s.observed and s.polarity == PRESENT and s.node.kind is Kind.SYMPTOM and (
                s.node.id in _COMPLAINTS or s.node.region is not Area.OTHER)):
            continue  # a pain felt somewhere, a limp: not "a 10-year history of diabetes"
        said: list[tuple[int, int]] = []
        for m in s.modifiers:
            if _weeks(m) is not None:
                at = text.find(m, max(0, s.start - 80), s.end + 80)
                if at >= 0:
                    said.append((at, at + len(m)))
        after = _AFTER.match(text, s.end)  # "limping on and off for 5 weeks": the length past a manner
        if after is not None and _weeks(after.group(1)) is not None:
            said.append(after.span(1))
        before = _LENGTH.search(text, max(0, s.start - 100), s.start)
        if before is not None and _HISTORY_OF.match(text, before.end(), s.start):
            said.append(before.span())
        for a, b in said:
            weeks = _weeks(text[a:b]) or 0.0
            if weeks >= _LONG_WEEKS:
                return [Span(a, b, text[a:b], kg.node(_LONG_COMPLAINT), PRESENT, modifiers=(text[a:b],),
                             matched=text[a:b])]
            if weeks and not shorter and not _longer_said(text):
                shorter = [Span(a, b, text[a:b], kg.node(_LONG_COMPLAINT), ABSENT, modifiers=(text[a:b],),
                                matched=text[a:b])]
    return shorter


def _longer_said(text: str) -> bool:
    """Whether the text says a length of a month or more anywhere, an age aside ("back pain for 2 days on a
    background of 10 years of back trouble" is no short complaint)."""
    return any((_weeks(m.group(0)) or 0) >= _LONG_WEEKS and not _AGED.match(text, m.end())
               for m in _LENGTH.finditer(text.lower()))


_AGED = re.compile(r"[\s-]*(?:old|of\s+age)\b", re.IGNORECASE)


#: "The left hip was normal", "her hips appeared unremarkable": a place examined and found normal.
_NORMAL_AFTER = re.compile(r"\s*(?:(?:was|were|is|are|appeared|appears|looked|looks|seemed|seems)\s+)?"
                           r"(?:entirely\s+|completely\s+|clinically\s+|grossly\s+)?(?:normal|unremarkable|nad)\b",
                           re.IGNORECASE)
#: "no abnormality of her left hip or left thigh": the places after it are found normal.
_NORMAL_BEFORE = re.compile(r"\b(?:no|nil)\s+(?:abnormalit(?:y|ies)|abnormal findings?)\s+(?:(?:was|were)\s+)?"
                            r"(?:(?:found|detected|seen|noted)\s+)?(?:of|in|at|on)\s+(?:(?:the|her|his|their|both|"
                            r"l|r|left|right)\s+)*$", re.IGNORECASE)
_LIST_GAP = re.compile(r"\s*(?:,|or|and|/)\s*(?:(?:the|her|his|their|l|r|left|right)\s+)*$", re.IGNORECASE)
_NORMAL_HIP = "normal-hip-examination"


def _normal_places(kg: KnowledgeGraph, text: str, found: list[Span]) -> list[Span]:
    """A place named and found normal is no pain there: "The left hip was normal" (a normal hip examination),
    "no abnormality of her left hip or left thigh".  Only a place said bare: "hip pain was normal" is no such."""
    out: list[Span] = []
    normal_end = -1  # where the last place found normal ended: a list goes on from it
    for s in found:
        bare = s.node.kind in (Kind.SYMPTOM, Kind.REGION) and "pain" not in s.text.lower() and s.polarity == PRESENT \
            and s.node.region is not Area.OTHER and s.experiencer == PATIENT
        normal = bare and (_NORMAL_AFTER.match(text, s.end) is not None
                           or _NORMAL_BEFORE.search(text, max(0, s.start - 80), s.start) is not None
                           or normal_end >= 0 and _LIST_GAP.fullmatch(text, normal_end, s.start) is not None)
        if not normal:
            out.append(s)
            continue
        normal_end = s.end
        if s.node.region is Area.HIP and _NORMAL_HIP in kg.graph and not any(o.node.id == _NORMAL_HIP for o in out):
            out.append(Span(s.start, s.end, s.text, kg.node(_NORMAL_HIP), PRESENT, side=s.side, matched=s.matched))
    if _NORMAL_HIP in kg.graph and not any(o.node.id == _NORMAL_HIP for o in out):
        # "The left hip was normal", "examination of the hips was unremarkable": no span names the place
        m = _HIP_NORMAL.search(text)
        if m is not None and _IMAGED.search(text, max(0, m.start() - 25), m.start()):
            m = None  # "X-ray of the hip was normal": the film, not the examination
        if m is not None and not any(o.start < m.end() and m.start() < o.end and o.observed for o in out):
            out.append(Span(m.start(), m.end(), m.group(0), kg.node(_NORMAL_HIP), PRESENT, matched=m.group(0)))
    return out


_IMAGED = re.compile(r"(?:x-?rays?|xr|radiographs?|films?|mri|ct|scan|imaging|ultrasound|us)\s+(?:of\s+)?$",
                     re.IGNORECASE)
_HIP_NORMAL = re.compile(r"\b(?:(?:examination|exam|assessment)\s+of\s+)?(?:the\s+|her\s+|his\s+|both\s+)?"
                         r"(?:(?:left|right|l|r)\s+)?hips?\s+(?:examination\s+|exam\s+)?(?:was|were|appeared|looked|"
                         r"seemed)\s+(?:entirely\s+|completely\s+|clinically\s+)?(?:normal|unremarkable)\b", re.IGNORECASE)


#: A numbness said of a list of places whose next place is the saddle: "numbness in both legs and the saddle area".
_NUMB_WORDS = ("numb", "tingl", "sensation", "sensory", "anaesthesia", "anesthesia", "paraesthesia", "paresthesia",
               "pins and needles")
_SADDLE_PLACE = re.compile(r"\s*(?:,|and|or|&|\+)\s*(?:(?:in|over|around|across|of)\s+)?(?:the\s+|her\s+|his\s+|their\s+)?"
                           r"(?:saddle|perine|perian)\w*(?:\s+(?:area|region)s?)?\b", re.IGNORECASE)
#: ... or whose first place is said before the saddle: "tingling over the left buttock and saddle area".
_PLACE_BETWEEN = re.compile(r"\s*(?:over|in|on|of|around|at|across)\s+(?:the\s+)?(?:his\s+|her\s+)?"
                            r"(?:(?:left|right|l|r|both)\s+)?(?:buttocks?|bottom|groin|inner thighs?)\b", re.IGNORECASE)
#: ... or whose places are the groin and then the buttocks: "a numb feeling in his groin and buttocks".
_AND_BUTTOCKS = re.compile(r"\s*(?:,|and|&|\+)\s*(?:the\s+|her\s+|his\s+|their\s+)?(?:buttocks|bottom|bum)\b",
                           re.IGNORECASE)


def _saddle_listed(kg: KnowledgeGraph, text: str, found: list[Span]) -> list[Span]:
    """"Numbness in her legs and perineal area": the saddle is one more place of the numbness said before
    it, so it is saddle anaesthesia (as the numbness stands), not a pain or a place mentioned there."""
    if "saddle-anaesthesia" not in kg.graph:
        return found
    for s in found:
        said = (s.text + " " + s.node.label).lower()
        if not any(w in said for w in _NUMB_WORDS):
            continue
        rest = _SADDLE_PLACE.match(text, s.end)
        if rest is None:  # "tingling over the left buttock and saddle area": a place said between
            between = _PLACE_BETWEEN.match(text, s.end)
            rest = _SADDLE_PLACE.match(text, between.end()) if between is not None else None
        if rest is None and "groin" in said:  # "a numb feeling in his groin and buttocks": the saddle's parts
            rest = _AND_BUTTOCKS.match(text, s.end)
        if rest is None:
            continue
        place = [o for o in found if s.end <= o.start < rest.end() and o is not s]
        out = [o for o in found if o not in place]
        if s.node.id == "saddle-anaesthesia":  # "sensory changes in the saddle and perineal areas": one place more
            return out
        # denied or doubted, said of the numbness or of the saddle alone ("... and the saddle area denied"): so it stands
        said_of = {s.polarity} | {o.polarity for o in place}
        polarity = ABSENT if ABSENT in said_of else POSSIBLE if POSSIBLE in said_of else s.polarity
        out.append(Span(s.start, rest.end(), text[s.start:rest.end()], kg.node("saddle-anaesthesia"), polarity,
                        s.time, s.experiencer, None, s.side, s.modifiers,
                        tuple(dict.fromkeys((*s.triggers, *(t for o in place for t in o.triggers)))), s.matched))
        return sorted(out, key=lambda o: (o.start, o.end, o.node.id))
    return found


#: A pain said sudden in onset and severe is the node of both ("sudden onset severe low back pain").
_ABRUPT, _SUDDEN, _SEVERE = "abrupt-severe-pain", ("sudden", "abrupt"), ("severe", "excruciating", "worst", "marked")


#: When an illness was: "last week", "3 days ago", "a couple of weeks before".
_BEFORE_NOW = re.compile(r"\b(?:last\s+(?:wk|week|month)|\d+\s*(?:days?|d|wks?|weeks?|/7|/52)\s+(?:ago|before|earlier|previously)|"
                         r"(?:a\s+)?(?:few|couple\s+of)\s+(?:days|weeks)\s+(?:ago|before|earlier))\b", re.IGNORECASE)
_UNWELL, _RECENT_ILLNESS = "systemically-unwell", "recent-respiratory-or-gastrointestinal-infection"


def _illness_before(kg: KnowledgeGraph, text: str, found: list[Span]) -> list[Span]:
    """"Felt fluey last wk with a sore throat": a flu-like illness in the weeks before is that recent infection, not
    an illness now (the viral illness before a transient synovitis or a reactive arthritis)."""
    if _RECENT_ILLNESS not in kg.graph:
        return found
    out = []
    for s in found:
        if s.node.id == _UNWELL and s.polarity == PRESENT and s.experiencer == "patient" and "flu" in s.text.lower():
            # a flu-like illness then (an illness not named so, "appeared ill 3 days ago", stays unwell: a red flag)
            if _BEFORE_NOW.search(text, *_sentence_around(text, s.start, s.end)):
                s = Span(s.start, s.end, s.text, kg.node(_RECENT_ILLNESS), PRESENT, CURRENT, s.experiencer,
                         modifiers=s.modifiers, matched=s.matched)
        out.append(s)
    return out


#: Injections into a joint: told of as done, the joint was recently entered, a portal for its infection.
_INTO_A_JOINT = frozenset(("intra-articular-hip-steroid-injection", "hyaluronic-acid-injection"))
_INJECTED = "recent-joint-injection"


def _injected(kg: KnowledgeGraph, found: list[Span]) -> list[Span]:
    """"Had a L hip steroid injection ~2/52 ago": the treatment is history, and the joint recently injected is
    a finding (the risk of a septic arthritis, merck_infectious_arthritis)."""
    if _INJECTED not in kg.graph or any(s.node.id == _INJECTED for s in found):
        return []
    for s in found:
        if s.node.id in _INTO_A_JOINT and s.polarity == PRESENT and s.time == HISTORICAL and s.experiencer == "patient":
            return [Span(s.start, s.end, s.text, kg.node(_INJECTED), PRESENT, modifiers=s.modifiers, matched=s.matched)]
    return []


def _abrupt(kg: KnowledgeGraph, text: str, found: list[Span]) -> list[Span]:
    """"Sudden severe L low back pain", "sudden onset severe groin pain": a present pain whose modifiers say
    both a sudden onset and a severe pain is the sudden severe pain of a torsion, a dissection, a rupture."""
    if _ABRUPT not in kg.graph or any(s.node.id == _ABRUPT for s in found):
        return []
    for s in found:
        said = " ".join(s.modifiers).lower()
        if s.observed and s.polarity == PRESENT and s.node.kind is Kind.SYMPTOM and "pain" in s.node.label \
                and any(w in said for w in _SUDDEN) and any(w in said for w in _SEVERE) \
                and not _strained(text, s.start, s.end):
            return [Span(s.start, s.end, s.text, kg.node(_ABRUPT), PRESENT, modifiers=s.modifiers, matched=s.matched)]
    return []


_ABDOMEN_SAID = re.compile(r"abdom|tummy|belly|iliac fossa|\b(?:rif|lif|ruq|luq)\b|quadrant|peritone|rebound",
                           re.IGNORECASE)


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The start and end of the sentence (or line) that holds text[start:end]."""
    a = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    b = min((k for k in (text.find(".", end), text.find("\n", end)) if k >= 0), default=len(text))
    return a, b


def _guarded_elsewhere(text: str, span: Span) -> bool:
    """"All movements of the joint were guarded", "guarded hip movements": a joint or a gait guarded is no
    peritonism, whose guarding is the abdomen's; the word alone names it only where the abdomen is said."""
    if span.node.id != "peritonism" or not span.text.lower().startswith("guarded"):
        return False
    start, end = _sentence_around(text, span.start, span.end)
    return not _ABDOMEN_SAID.search(text[start:end])


#: A pain's course and timing that are findings of their own (kb12): an escalating pain, an unremitting one;
#: and a stiffness said of the morning.
_COURSES = (("progressive-pain", ("progressive", "progressively", "worsening", "increasing", "escalating",
                                  "getting worse", "worse and worse")),
            ("pain-at-rest", ("unremitting", "unrelenting", "relentless", "non-mechanical")),
            # "stiffness in the hip in the morning": a stiffness whose time is the morning
            ("morning-stiffness", ("morning", "mornings", "am")))


_SLOW = frozenset(("gradually", "gradual", "slowly", "slow", "insidiously", "insidious"))


def _course(kg: KnowledgeGraph, text: str, found: list[Span]) -> list[Span]:
    """"Worsening hip pain", "unremitting low back pain": a present pain whose modifiers say its course is also
    that course's finding (the escalating or unremitting pain of a tumour or an infection; a "constant ache"
    is often a mechanical pain's), which the matcher cannot name apart, since words of course are modifiers."""
    out = []
    for node_id, words in _COURSES:
        if node_id not in kg.graph or any(s.node.id == node_id for s in found):
            continue
        for s in found:
            said = {m.lower() for m in s.modifiers}
            # "gradually worsening groin pain over 2 years" is the slow course of wear, not a red flag's
            of = s.node.id == "stiffness" if node_id == "morning-stiffness" else "pain" in s.node.label
            if s.observed and s.polarity == PRESENT and s.node.kind is Kind.SYMPTOM and of \
                    and said & set(words) and not said & _SLOW:
                # the span stands on the word that says the course ("[worsening] L buttock pain"); a morning
                # stiffness stands where the stiffness does, which it replaces
                word = next(m for m in s.modifiers if m.lower() in words)
                at = text.lower().find(word.lower(), max(0, s.start - 60), s.end + 60)
                start, end = (at, at + len(word)) if at >= 0 and node_id != "morning-stiffness" else (s.start, s.end)
                out.append(Span(start, end, text[start:end], kg.node(node_id), PRESENT, modifiers=s.modifiers,
                                matched=s.matched))
                break
    return out


_MORNING_SAID = re.compile(r"\b(?:mornings?|on waking|first thing|getting up|out of bed|a\.?m\.?)\b", re.IGNORECASE)
_LASTING_AFTER = re.compile(r"[^.;,\n]{0,12}?([~≈>]?\s*\d+(?:\.\d+)?\s*(?:h|hr|hrs|hours?|min|mins|minutes?)\b)", re.IGNORECASE)


def _stiff_mornings(kg: KnowledgeGraph, text: str, found: list[Span]) -> list[Span]:
    """"Worst in the mornings, stiff ~2 h": a stiffness said in a sentence of the morning that lasts over 30 minutes
    is a prolonged morning stiffness, where its own words do not say the morning."""
    if "morning-stiffness" not in kg.graph or any(s.node.id in ("morning-stiffness", "prolonged-morning-stiffness")
                                                 for s in found):
        return []
    for s in found:
        if s.node.id != "stiffness" or s.polarity != PRESENT or not s.observed:
            continue
        if not _MORNING_SAID.search(text, *_sentence_around(text, s.start, s.end)):
            continue
        after = _LASTING_AFTER.match(text, s.end)
        minutes = _minutes(after.group(1).replace("~", "").replace("≈", "")) if after else None
        if after is None or not minutes or minutes <= 30 or "prolonged-morning-stiffness" not in kg.graph:
            continue  # a short stiffness of a morning said apart stays a stiffness: the back's or the hip's, not said
        end = after.end(1)
        return [Span(s.start, end, text[s.start:end], kg.node("prolonged-morning-stiffness"), PRESENT,
                     modifiers=s.modifiers, matched=s.matched)]
    return []


#: A pain that began with a load on the back or a blow: "after twisting to lift a box", "while moving furniture",
#: "when he fell". Its sudden severe onset is the strain or the injury, not a vessel tearing. A sprint or a kick
#: is not among them: a testis twists during sport too, and an avulsion has its own node.
_STRAINED = re.compile(r"\b(?:after|while|when|on|during|as\s+(?:he|she|i|they))\s+(?:\w+\s+){0,2}?(?:twist|lift|bend|"
                       r"pick(?:ed|ing)?\s+up|carr(?:y|ied|ying)|mov(?:e|ed|ing)\s+(?:a|the|some|furniture|heavy)|shovel|"
                       r"dig|stoop|reach|fell\b|fall(?:s|ing)?\b|slip|trip|tackl|land(?:ed|ing)?\b|gardening|heavy)",
                       re.IGNORECASE)


def _strained(text: str, start: int, end: int) -> bool:
    """Whether the sentence of text[start:end] says the pain began with a strain or a blow."""
    return bool(_STRAINED.search(text, *_sentence_around(text, start, end)))


def _abrupt_hits(tab: sp.Table, text: str, units: list[sp.Unit], hits: list[sp.Found]) -> list[sp.Found]:
    """A sudden severe pain named apart from any pain ("low back pain, sudden severe pain", "pain came on
    suddenly and severely"): its names are words of time and severity, which the matcher keeps as
    modifiers, so they are found in the text and read as a name, and ConText says how they stand."""
    if _ABRUPT not in tab.kinds:
        return hits
    out = list(hits)
    starts = [u.start for u in units]
    for m in _ABRUPT_SAID.finditer(text):
        inside = _units_within(starts, units, m.start(), m.end())
        if not inside:
            continue
        i, j = inside[0], inside[-1] + 1
        if any(h.i < j and i < h.j or h.i == j for h in out):
            continue  # "sudden severe (low back / tearing) pain": the pain's own modifiers say it (see _abrupt)
        if _strained(text, m.start(), m.end()):
            continue
        name = sp.Name((_ABRUPT,), 0.97, "composed", m.group(0))
        out.append(sp.Found(i, j, name, frozenset(("sudden", "severe", "pain")), 3))
    return sorted(out, key=lambda h: h.i)


#: Woken in the early hours, the second half of the night (an inflammatory back pain item): "wakes at 4-5 am",
#: "wakes him about 4am", "wakes in 2nd half of night".
_EARLY_WAKING = re.compile(r"\b(?:wak(?:es|ing|e|ened|ens)|woke|woken|awakens?|awoken)(?:\s+(?:him|her|me|them|up))?\s+(?:(?:at|about|"
                           r"around|by|from|in)\s+)*(?:~\s*)?(?:[3-6](?:[:.]\d\d)?(?:\s*(?:-|to|or)\s*[4-7](?:[:.]\d\d)?)?\s*"
                           r"(?:am\b|a\.m\.|o'clock)|(?:the\s+)?(?:2nd|second)\s+half\s+of\s+(?:the\s+)?night|"
                           r"(?:most|every|some|many)\s+nights|(?:his\s+|her\s+|my\s+)?sleep)", re.IGNORECASE)
_NIGHT_WAKING = "night-pain-improving-on-getting-up"
#: What eases it after waking: getting up and moving about ("so I get up and walk about").
_GETS_UP = re.compile(r"[^.;\n]{0,40}?\b(?:get(?:s|ting)?\s+up|walk(?:s|ing)?\s+(?:about|around)|mov(?:e|es|ing)\s+(?:about|around))\b",
                      re.IGNORECASE)


#: A hesitancy of micturition in the patient's words: "has to strain to get her wee started", "straining to start
#: the stream", "hard to get the flow going".
_HESITANCY = re.compile(r"\b(?:strain(?:s|ed|ing)?|push(?:es|ed|ing)?|hard|difficult(?:y)?|struggl(?:es|ed|ing|e))\s+"
                        r"(?:\w+\s+){0,1}?(?:to\s+|in\s+)?(?:get(?:ting)?|start(?:ing)?|pass(?:ing)?|do(?:ing)?|begin(?:ning)?)\s+"
                        r"(?:the\s+|a\s+|her\s+|his\s+|my\s+|their\s+)?(?:wee|weeing|urine|urinating|pee|peeing|water|"
                        r"flow|stream|urination|passing\s+water|passing\s+urine)"
                        r"(?:\s+(?:started|going|flowing))?\b", re.IGNORECASE)
_BLADDER = "bladder-dysfunction"
#: Tenderness said at a spinal level: "exquisitely tender over L1-L2", "tender T11-L1", "TTP at L4".
_LEVEL_TENDER = re.compile(r"(?<!paraspinal )(?<!paravertebral )(?<!muscle )\b(?:tender(?:ness)?|ttp)(?:\s+(?:to\s+palpation|on\s+palpation|to\s+percussion|on\s+percussion))?"
                           r"\s+(?:(?:over|at|of|on)\s+)?(?:the\s+)?(?:[LTS]\d{1,2})(?:\s*(?:-|/|to)\s*(?:[LTS]?\d{1,2}))?"
                           r"(?:\s+(?:spinous\s+process(?:es)?|vertebra(?:e|l body)?|level))?\b", re.IGNORECASE)
_SPINE_TENDER = "spinal-percussion-tenderness"
#: A saddle anaesthesia as patients tell it: the toilet seat feels numb, they cannot feel themselves wipe.
_SADDLE_WORDS = re.compile(r"\b(?:(?:toilet|loo)(?:\s+(?:seat|paper|roll))?[^.;\n]{0,40}?\b(?:numb|can'?t\s+feel|cannot\s+feel|"
                           r"no\s+feeling|feels?\s+(?:odd|funny|strange|different|weird|dead))|(?:numb|can'?t\s+feel|cannot\s+feel|"
                           r"no\s+feeling|feels?\s+(?:a\s+bit\s+|a\s+little\s+|really\s+|very\s+)?(?:odd|funny|strange|"
                           r"different|weird|dead))[^.;\n]{0,30}?\b(?:when|while|on)\s+(?:i\s+|he\s+|she\s+|they\s+)?"
                           r"(?:wip(?:e|es|ing)|sit(?:s|ting)?\s+on\s+the\s+(?:toilet|loo)))", re.IGNORECASE)
_SADDLE = "saddle-anaesthesia"
#: An unwitnessed fall as carers report it: "found sitting on the bathroom floor", "found on the floor of her room".
_FOUND_DOWN = re.compile(r"\bfound\s+(?:(?:sitting|lying|collapsed|down)\s+)?on\s+(?:the|her|his|their)\s+(?:[\w-]+\s+){0,2}?floor\b",
                         re.IGNORECASE)
_FALL = "traumatic-onset"


def _said_in_words(tab: sp.Table, text: str, units: list[sp.Unit], hits: list[sp.Found]) -> list[sp.Found]:
    """What patients and notes say in words no name holds, each read as its node in place of what the matcher
    made of the words: waking by the clock or from sleep (a night pain, or the second-half-of-night item of
    inflammatory back pain when getting up eases it; "4-5 am" is no age); an origin in a country of high
    tuberculosis burden (origin.py); a hesitancy (never a strain that aggravates); a saddle anaesthesia ("sitting
    on the toilet seat feels numb"); a tenderness at a spinal level; a fall carers found.  A red flag's own name ("difficulty passing
    urine") keeps its reading."""
    def kept(node: str):
        return lambda h: h.name.nodes == (node,) or any(n in tab.flags for n in h.name.nodes)

    said: list[tuple[tuple[int, int], str, str, object]] = []
    if _NIGHT_WAKING in tab.kinds and "night-pain" in tab.kinds:
        for m in _EARLY_WAKING.finditer(text):
            node = _NIGHT_WAKING if "half" in m.group(0).lower() or _GETS_UP.match(text, m.end()) else "night-pain"
            said.append((m.span(), node, m.group(0), lambda h: h.name.nodes == (_NIGHT_WAKING,)))
    if origin.EXPOSURE in tab.kinds:
        said += [((a, b), origin.EXPOSURE, text[a:b], lambda h: False) for a, b in origin.find(text)]
    for pattern, node in ((_HESITANCY, _BLADDER), (_LEVEL_TENDER, _SPINE_TENDER), (_SADDLE_WORDS, _SADDLE),
                          (_FOUND_DOWN, _FALL)):
        if node in tab.kinds:
            said += [(m.span(), node, m.group(0), kept(node)) for m in pattern.finditer(text)]
    if not said:
        return hits
    out = list(hits)
    starts = [u.start for u in units]
    for span, node, words, keeps in said:
        out = _composed_over(out, units, starts, span, node, words, keeps)
    return sorted(out, key=lambda h: h.i)


def _composed_over(out: list[sp.Found], units: list[sp.Unit], starts: list[int], span: tuple[int, int], node: str,
                   said: str, keeps) -> list[sp.Found]:
    """*out* with a hit of *node* over the units within *span*, in place of the hits it overlaps, unless one of
    them *keeps* its reading."""
    inside = _units_within(starts, units, *span)
    if not inside:
        return out
    i, j = inside[0], inside[-1] + 1
    overlapping = [h for h in out if h.i < j and i < h.j]
    if any(keeps(h) for h in overlapping):
        return out
    found = sp.Found(i, j, sp.Name((node,), 0.97, "composed", said), frozenset(node.split("-")), j - i)
    return [h for h in out if h not in overlapping] + [found]


_GAP = r"(?:\s*(?:,|-|and|onset|of|very|extremely|really|came on|come on|comes on|began|started|pain)\s*)*\s*"
_ABRUPT_SAID = re.compile(r"\b(?:(?:pain\s+(?:came|comes|come)\s+on\s+)?(?:sudden(?:ly)?|abrupt(?:ly)?)\b" + _GAP +
                          r"\b(?:severe(?:ly)?|excruciating|worst(?:\s+pain)?\s+(?:ever|of\s+(?:his|her|my|their)\s+life))|"
                          r"severe(?:ly)?\b" + _GAP + r"\b(?:sudden(?:ly)?|abrupt(?:ly)?)|worst pain ever|"
                          r"pain maximal at onset|maximal at onset)\b(?:\s+(?:onset\s+)?(?:of\s+)?pain)?", re.IGNORECASE)


def _graded(found: list[sp.Unit], hit: sp.Found) -> bool:
    return _grade_of(found, hit) is not None


def _grade_of(found: list[sp.Unit], hit: sp.Found) -> int | None:
    """The MRC grade said beside a muscle or limb ("EHL 4/5", "glutes strong 5/5", "3/5 R leg"), or None."""
    before = hit.i - 2 if hit.i >= 2 and found[hit.i - 1].role == "side" else hit.i - 1  # "3/5 R leg"
    for k in (hit.j, hit.j + 1, hit.j + 2, before):
        if 0 <= k < len(found) and found[k].grade is not None:
            return found[k].grade
    return None


def _modifiers(found: list[sp.Unit], hit: sp.Found) -> tuple[str, tuple[str, ...]]:
    """The side and other modifiers said beside a span, up to the nearest boundary either way."""
    side = ""
    mods: list[str] = []
    k = hit.i - 1
    left = []
    while k >= 0 and not _is_boundary(found[k]) and not (found[k].required and k < hit.i - 3):
        left.append(k)
        k -= 1
    k = hit.j
    right: list[int] = []
    while k < len(found) and not _is_boundary(found[k]) and len(right) < 3:
        right.append(k)
        k += 1
    for k in sorted(left) + list(range(hit.i, hit.j)) + right:
        u = found[k]
        for e in u.entries:
            if e.role == "side" and not side:
                side = e.value
            elif e.role in ("severity", "timing", "course", "quality") and e.value not in mods:
                mods.append(e.value)
        if u.role == "duration" and u.text not in mods:
            mods.append(u.text)
    if hit.i > 0 and found[hit.i - 1].role == "duration" and found[hit.i - 1].text not in mods:
        mods.append(found[hit.i - 1].text)
    return side, tuple(mods)
