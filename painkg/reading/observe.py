"""Read what a clinician or patient writes into observations for the trace.

Beyond a plain term (label, synonym, code, id, close spelling), three everyday
forms are understood:

* how an activity acts — "pain worse with sitting", "walking makes it worse"
  (``aggravated-by``), "relieved by bending forward", "no pain when seated"
  (``relieved-by``); a bare activity ("prolonged sitting") means it aggravates;
* negation — "no numbness", "denies fever", "negative SLR", "SLR negative" is an
  absent observation;
* lists — "stiffness and clicking", "groin pain, limp" are several observations.

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
from ..errors import TraceError, UnknownTermError
from ..kb.model import Node
from ..kb.resolve import ACCEPT, DENIAL_WORDS, EXACT, Match, words
from ..kb.vocab import Kind, Relation

if TYPE_CHECKING:
    from ..kb.graph import KnowledgeGraph

__all__ = ["Observation", "observe", "suspected"]

_LINK = re.compile(r"^\s*(?:(?:by|with|when|on|while|during|after|from|in|if|at|for)\s+)?")
#: Words that say how an activity acts, in "<lead> <word> <activity>" phrases
#: ("low back pain worse on extension", "relief with sitting").
_ACTS = (
    (Relation.RELIEVED_BY, re.compile(
        r"\b(?:better|relieved|relief|ease|eased|eases|easing|improves?|improved|settles|reduced|goes away|"
        r"disappears|no pain|painless|pain[- ]free|comfortable)\b")),
    (Relation.AGGRAVATED_BY, re.compile(
        r"\b(?:worse|worsened|worsens|aggravated|provoked|increased|brought on|made worse|triggered|"
        r"pain|painful|hurts?|aches?|aching)\b")),
)
#: "<activity> <words>": "walking makes it worse", "sitting eases it".
_ACTS_AFTER = (
    (Relation.RELIEVED_BY, re.compile(
        r"^(?P<what>.+?)\s+(?:relieves|relieve|eases|ease|helps|help|improves|makes (?P<lead>.*?)\s*better)"
        r"(?: it| the pain| my pain| symptoms)?$")),
    (Relation.AGGRAVATED_BY, re.compile(
        r"^(?P<what>.+?)\s+(?:makes (?P<lead>.*?)\s*worse|aggravates|hurts|is painful|worsens|provokes|brings on)"
        r"(?: it| the pain| my pain| symptoms)?$")),
)
#: "pain in my bum when I sit": a lead naming a pain, then when it comes.
_WHEN = re.compile(r"\b(?:when|whenever|while|during|after|on|with|if)\b")
#: Words that end a denial's reach ("no trauma, urinary retention": the retention is reported).
_SCOPE_END = re.compile(r"\s*(?:[.;,+]|\band\b|\bbut\b|(?<!worse )(?<!better )(?<!eased )(?<!relieved )\bwith\b|"
                        r"\bplus\b|\balso\b|\bexcept\b|\bhowever\b)\s*")
_AFTER_DENIAL = (r"(?:absent|negative|neg|-ve|not present|not reported|ruled out|denied|denies|normal|normally|"
                 r"intact|unremarkable|nad|nil|none|no|n|0|excluded|unlikely|resolved|nope|not an issue|✗|x|-)")
_NEGATED = (
    re.compile(r"^(?:(?:pt|patient|he|she|they)\s+)?(?:(?:no|nil|not|never|without|denies|denied|negative for|negative|"
               r"neg|absent|-ve|normal|intact|absence of|lack of|free of|no evidence of|no signs? of|no new|"
               r"doesn't|does not|didn't|did not|hasn't|has not|isn't|is not)\s+|[×✗]\s*|non-)"
               r"(?:for\s+|any\s+|had\s+|have\s+)?(?P<what>.+)$"),
    # "SLR negative bilaterally", "bladder and bowels normal", "fever: nil", "history of cancer (-)"
    re.compile(r"^(?P<what>.+?)(?:[- ]free|(?:\s*[:–(]\s*|\s+-\s*|\s+)(?:is\s+|are\s+|was\s+|were\s+)?" +
               _AFTER_DENIAL + ")" +
               r"\s*\)?(?:\s+(?:bilaterally|bilat|on both sides|both sides|on the left|on the right|left|right|"
               r"today))?$"),
)
#: Punctuation that can turn a name into a statement about it: "fever (-)", "fever ✗", "fever: N", "?fever".
_MARKED = re.compile(r"[():✗×?]|\s[-x]$")
_TOKEN = re.compile(r"[a-z]+")
#: Muscle power on the MRC scale: "EHL 4/5", "quads power 5/5".
_GRADED = re.compile(r"^(?P<what>[a-z][a-z .]*?)\s*(?:power\s*)?:?\s*(?P<grade>[0-5])\s*/\s*5$")  # "power 5/5" too
#: "LBP radiating to the L calf", "groin pain going down to the knee".
_RADIATING = re.compile(r"^(?P<start>.+?)\s+(?:radiating|radiates|radiated|spreading|spreads|going|goes|shooting|"
                        r"shoots|travelling|traveling|referring|refers)\s+(?:down\s+|out\s+|round\s+)?"
                        r"(?:to|into|down|towards|toward)\s+(?:the\s+|my\s+|his\s+|her\s+)?(?P<reach>.+)$")
#: "?fever", "query cauda equina", "possible saddle anaesthesia": suspected, read as present.
_SUSPECTED = re.compile(r"^\s*(?:\?+|query\b|possible\b|suspected\b|r/o\b|rule out\b|\?\s*)|\?\s*$")
#: "fever: yes", "SLR (+)": stated present.
_AFFIRMED = re.compile(r"^(?P<what>.+?)\s*(?::|\()\s*(?:yes|y|present|positive|pos|\+|\+ve)\s*\)?$")
#: Words that turn a normal sign into the abnormal finding the KB names.
_ABNORMAL = ("altered", "reduced", "abnormal", "loss of", "absent", "limited", "weak", "deficit", "problems", "dysfunction")
#: Single words that say a finding is absent.
_MEANS_ABSENT = {"afebrile": "fever", "apyrexial": "fever", "apyrexic": "fever",
                 "continent": "urinary incontinence and bowel incontinence",
                 "continent of urine and faeces": "urinary incontinence and bowel incontinence",
                 "continent of urine and feces": "urinary incontinence and bowel incontinence"}
#: "FABER reproduces groin pain": a test and the symptom it brings on, both present.
_REPRODUCES = re.compile(r"^(?P<test>.+?)\s+(?:reproduces|reproduced|recreates|elicits|elicited|provokes|provoked)\s+"
                         r"(?:the\s+|his\s+|her\s+|my\s+)?(?P<what>.+)$")
#: Words a lead may hold without naming anything ("the pain is worse with ...").
_GENERIC = frozenset(words("pain painful hurt hurts ache aches aching symptoms symptom it gets got much lot bit "
                           "slightly usually always often sometimes also generally sharp dull severe mild "
                           "constant bad terrible now"))
_PAIN_WORDS = frozenset(("pain", "painful", "hurts", "hurt", "aches", "ache", "aching"))
_ALTERNATIVES = re.compile(r"\s*(?:,|/|\bor\b|\band\b)\s*")
#: "major trauma such as a car crash", "night pain (wakes me up)": the example is not the concept.
_EXAMPLE = re.compile(r"\s*(?:\([^)]*\)|,?\s*\b(?:such as|e\.?g\.?|for example|for instance|including|like)\b.*)$")
#: "for three months", "x 3/12", "since yesterday": how long, not what.
_DURATION = re.compile(r"\s+(?:for|since|x|over|in)\s+(?:the\s+)?(?:last\s+|past\s+)?(?:\d+|a|an|one|two|three|four|"
                       r"five|six|seven|eight|nine|ten|several|a few|few|many)?\s*(?:/12|/52|/7|days?|weeks?|months?|"
                       r"years?|yrs?|yesterday|today|last week|last month|last year)\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:,|;|\+|&|\band\b|\bplus\b|\balso\b|\bwith\b)\s*")


@dataclass(frozen=True, slots=True)
class Observation:
    """One input term and the node it resolved to.

    ``relation`` is set when the term said how an activity acts ("worse with
    sitting" → aggravated-by, "relieved by bending forward" → relieved-by).
    """

    term: str
    node: Node
    present: bool = True
    relation: Relation | None = None
    matched: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.node.id, self.relation.value if self.relation else "")

    def __str__(self) -> str:
        how = {Relation.AGGRAVATED_BY: "worse with ", Relation.RELIEVED_BY: "relieved by "}.get(self.relation, "")
        return f"{'' if self.present else 'no '}{how}{self.node.label}"


def observe(kg: KnowledgeGraph, terms: Iterable[str], present: bool = True,
            skipped: list[UnknownTermError] | None = None) -> list[Observation]:
    """Resolve *terms* into observations, one per distinct (node, relation), in order.

    An unknown term raises :class:`UnknownTermError`, unless *skipped* is a list:
    then the error is appended to it and the term left out.
    """
    out: dict[tuple, Observation] = {}
    for term in terms:
        if not isinstance(term, str) or not term.strip():
            raise TraceError(f"observation {term!r} is not a non-empty string")
        text = " ".join(term.split())
        try:
            found = _parse(kg, text, present, split=True)
        except UnknownTermError as exc:
            if exc.term != text:  # a piece failed: the user's whole term is what was not understood
                exc = UnknownTermError(text, exc.suggestions)
            if skipped is None:
                raise exc from None
            skipped.append(exc)
            continue
        for o in found:
            out.setdefault(o.key, o)
    for o in list(out.values()):
        for node_id, holds in patient.implied_ages(kg.graph, o.node.id, o.present):
            implied = Observation(o.term, kg.node(node_id), holds, None, node_id)
            out.setdefault(implied.key, implied)
    return list(out.values())


def suspected(term: str) -> bool:
    """Whether *term* asks rather than states ("?saddle anaesthesia"): a red flag raised by it is suspected."""
    return bool(_SUSPECTED.search(term.lower()))


def _parse(kg: KnowledgeGraph, term: str, present: bool, *, split: bool) -> list[Observation]:
    return _parse_scored(kg, term, present, split)[0]


def _parse_scored(kg: KnowledgeGraph, term: str, present: bool, split: bool) -> tuple[list[Observation], float]:
    """Return the observations *term* names and how well the weakest part matched."""
    whole = _best(kg, term)
    lowered = term.lower()
    # The term is one of the KB's own names, and carries no mark or denial the name lacks
    # ("fever (-)", "fever: N", "no no feeling when wiping")
    if whole is not None and whole.score > EXACT and not _MARKED.search(term) and \
            _denials(lowered) <= _denials(whole.matched.lower()):
        return [_make(kg, term, whole, present)], whole.score
    source = term if len(term) == len(lowered) else lowered  # slice the user's own words where possible
    if lowered in _MEANS_ABSENT:
        return _parse_scored(kg, _MEANS_ABSENT[lowered], False, split)
    facts = patient.facts(kg.graph, lowered) if present else []
    if any(holds is None for _, holds, _ in facts):  # a value no source reads: say so, do not guess
        raise UnknownTermError(term, [kg.node(n).label for n, _, _ in facts])
    if facts:  # "a 72-year-old", "67M", "T 38.9", "PVR 450ml"
        found = [Observation(term, kg.node(n), holds, None, matched) for n, holds, matched in facts]
        rest = patient.rest_of(lowered)
        if rest:  # "a 68-year-old woman with groin pain": whatever else the term names, or the whole is unread
            more, score = _parse_scored(kg, source[len(source) - len(rest):] if source.lower().endswith(rest) else rest,
                                        present, split)
            return found + more, score
        return found, 1.0
    acted = _activity(kg, term, lowered, present, whole)
    if acted is not None:
        return acted
    m = _GRADED.match(lowered)
    if m:  # "EHL 4/5": weak below full power, not weak at 5/5
        what = "" if m["what"].strip() in ("power", "strength", "motor", "muscle") else m["what"]
        for name in (f"{what} weakness", f"weak {what}"):
            match = _best(kg, name)
            if match is not None and match.score >= ACCEPT:
                return [_make(kg, term, match, present and int(m["grade"]) < 5)], match.score
    m = _AFFIRMED.match(lowered)
    if m:  # "fever: yes"
        return _parse_scored(kg, source[:m.end("what")], present, split)
    denied = False
    for prefix, pattern in zip((True, False), _NEGATED):
        m = pattern.match(lowered)
        if m:
            # A denial means absent wherever it is written ("no fever" in the absent list too),
            # but reaches only as far as its own item: what lies beyond is read as stated.
            what = source[m.start("what"):m.end("what")]
            named = _best(kg, what)
            if named is None or named.score <= EXACT:  # a KB name may hold commas: deny all of it
                what, beyond = _denial_scope(what, prefix)
            else:
                beyond = ""
            try:
                inner, score = _parse_scored(kg, what, False, split)
            except UnknownTermError:
                inner, score = _abnormal(kg, term, what)
            # "no bladder or bowel problems" denies each of them, even if the phrase names one
            either = _each_of(kg, what, False) if split else None
            if either is not None and either[1] >= score:
                inner, score = either
            if inner:
                found = [Observation(term, o.node, o.present, o.relation, o.matched) for o in inner]
                if beyond:  # "no trauma, urinary retention": raises the retention; unreadable, the whole term
                    more, more_score = _parse_scored(kg, beyond, present, split)
                    found, score = found + more, min(score, more_score)
                return found, score
            denied = True
    if denied:
        # A denial that cannot be read is reported as not understood, never guessed at: the
        # closest name of "perianal sensation intact" is a red flag that it denies.
        raise UnknownTermError(term, kg.index.suggest(term))
    # Only now, once the term is known not to be a denial: "no numbness when wiping" is one.
    m = _REPRODUCES.match(lowered)
    if m and present:
        # "SLS reproduces pain": the test is the finding; a bare "pain" names nothing more
        parts = [m["test"]] + ([m["what"]] if set(words(m["what"])) - {"pain"} else [])
        both = _each(kg, parts, True) if len(parts) > 1 else _parse_scored(kg, m["test"], True, False)
        if both is not None:
            return both
    m = _RADIATING.match(lowered)
    if m:  # "LBP radiating to L calf": the pain where it starts, and pain where it is felt
        start = source[:m.end("start")]
        reach = f"{source[m.start('reach'):m.end('reach')]} pain"
        parts = [reach] if set(words(start)) <= {"pain"} else [start, reach]
        found = _each(kg, parts, present) if len(parts) > 1 else None
        if len(parts) == 1:
            try:
                found = _parse_scored(kg, parts[0], present, False)
            except UnknownTermError:
                found = None
        if found is not None and (whole is None or found[1] >= whole.score):
            return found
    for m in _WHEN.finditer(lowered) if split else ():
        # "back pain after a minor fall": a symptom and when it began, two observations
        both = _each(kg, [source[:m.start()].strip(), source[m.end():].strip()], present)
        if both is not None and (whole is None or both[1] >= whole.score):
            return both
    # A part that cannot be read voids the split: the whole term is reported, not one piece.
    each = _each(kg, [p for p in _SEPARATORS.split(term) if p.strip()], present) if split else None
    if each is not None and (whole is None or each[1] >= whole.score):
        return each
    if whole is not None:
        return [_make(kg, term, whole, present)], whole.score
    trimmed = _DURATION.sub("", _EXAMPLE.sub("", term))
    if trimmed and trimmed != term:
        try:
            return _parse_scored(kg, trimmed, present, split)
        except UnknownTermError:
            pass
    kg.resolve(term)  # raises UnknownTermError with the closest known terms
    raise AssertionError("unreachable: resolve() accepted what _best() rejected")


def _denials(text: str) -> int:
    return sum(w in DENIAL_WORDS for w in _TOKEN.findall(text))


def _denial_scope(what: str, prefix: bool) -> tuple[str, str]:
    """Split a denied phrase into what the denial covers and what lies beyond it.

    "no fever, chills or weight loss" denies the whole list ("A, B or C" is one list);
    "no trauma, urinary retention" denies only the trauma — when a list is not joined by
    "or", the later items are read as stated, so a red flag is never denied by accident.
    A denial written after its items ("bladder and bowels normal") covers back to the
    previous comma or full stop.
    """
    ends = list(_SCOPE_END.finditer(what))
    if not ends:
        return what, ""
    if prefix:
        last = what.rsplit(",", 1)[-1]
        if re.search(r"\b(?:or|nor)\b", last) and not re.search(r"[.;+]|\b(?:and|but|with|plus)\b", what):
            return what, ""
        return what[:ends[0].start()], what[ends[0].end():]
    strong = [e for e in ends if e.group(0).strip() not in ("and",)]
    if not strong:
        return what, ""
    return what[strong[-1].end():], what[:strong[-1].start()]


def _abnormal(kg, term: str, what: str) -> tuple[list[Observation], float]:
    """Read normal findings as the absence of their abnormal forms: "perianal sensation intact"
    denies "altered perianal sensation", "anal tone and ... intact" also "reduced anal tone"."""
    found, scores = [], []
    for part in (p for p in _ALTERNATIVES.split(what) if p.strip()):
        own = set(words(part))
        candidates = [_best(kg, part)] + [_best(kg, f"{word} {part}") for word in _ABNORMAL]
        # The part's own words must be in the name: "power normal" is not "no bowel dysfunction".
        match = max((m for m in candidates if m is not None and m.score >= ACCEPT and own & set(words(m.matched))),
                    key=lambda m: m.score, default=None)
        if match is None:
            return [], 0.0
        found.append(_make(kg, term, match, False))
        scores.append(match.score)
    return found, min(scores, default=0.0)


def _each_of(kg, what: str, present: bool) -> tuple[list[Observation], float] | None:
    """Read "numbness or tingling", "bladder or bowel problems" after a negation as each of them."""
    return _each(kg, [p for p in _ALTERNATIVES.split(what) if p.strip()], present)


def _each(kg, parts: list[str], present: bool) -> tuple[list[Observation], float] | None:
    """Read every part, or None if one cannot be read.

    A lone word shares the last part's noun when that is exactly a name the KB knows:
    "groin and thigh pain" is groin pain and thigh pain, "bladder or bowel problems" both
    problems; "fever and back pain" is not a "fever pain".
    """
    if len(parts) < 2:
        return None
    tail = parts[-1].split()[-1] if len(parts[-1].split()) > 1 else None
    found: list[Observation] = []
    scores = []
    for part in parts:
        tries = [f"{part} {tail}", part] if tail and len(part.split()) == 1 else [part]
        for text in tries:
            try:
                inner, score = _parse_scored(kg, text, present, False)
            except UnknownTermError:
                continue
            if text != part and score <= EXACT:
                continue
            found += inner
            scores.append(score)
            break
        else:
            return None
    return found, min(scores)


def _activity(kg, term, lowered, present, whole) -> tuple[list[Observation], float] | None:
    """Read "<lead> worse with <activity>" and "<activity> makes it worse" phrasings."""
    splits = [(relation, m["what"], m["lead"] or "") for relation, p in _ACTS_AFTER if (m := p.match(lowered))]
    for relation, pattern in _ACTS:
        for m in pattern.finditer(lowered):
            rest = _LINK.sub("", lowered[m.end():], count=1).strip()
            # "low back pain when arching": a pain word belongs to the lead
            end = m.end() if m.group(0) in _PAIN_WORDS else m.start()
            splits.append((relation, rest, lowered[:end].strip()))
    for m in _WHEN.finditer(lowered):
        lead = lowered[:m.start()].strip()
        if "pain" in words(lead):  # "pain in my bum when I sit"
            splits.append((Relation.AGGRAVATED_BY, lowered[m.end():].strip(), lead))
    for relation, what, lead in splits:
        parts = _activities(kg, what)
        if not parts or (whole is not None and min(p.score for p in parts) < whole.score):
            continue
        found = [Observation(term, kg.node(p.node_id), present, relation, p.matched) for p in parts]
        score = min(p.score for p in parts)
        if set(words(lead)) <= _GENERIC:
            return found, score
        lead_match = _best(kg, lead)
        if lead_match is not None and kg.graph.nodes[lead_match.node_id]["kind"] != Kind.ACTIVITY:
            # "low back pain worse on extension": the symptom is an observation too
            return ([_make(kg, lead, lead_match, present)] if present else []) + found, score
    return None


def _activities(kg, what: str) -> list[Match]:
    """The activity *what* names, or each of "standing or walking"; empty if any part is not one."""
    for parts in ([what], [p for p in _ALTERNATIVES.split(what) if p.strip()]):
        found = [_best(kg, p) for p in parts]
        if found and all(m is not None and kg.graph.nodes[m.node_id]["kind"] == Kind.ACTIVITY for m in found):
            return found
    return []


def _best(kg: KnowledgeGraph, text: str) -> Match | None:
    if text in kg.graph:
        return Match(text, 1.0, text)
    return kg.index.best(text)


def _make(kg: KnowledgeGraph, term: str, match: Match, present: bool) -> Observation:
    node = kg.node(match.node_id)
    if node.kind is Kind.REGION:  # a place, reported by a patient, is pain felt there: "groin" is groin pain
        pain = _best(kg, f"{term} pain")
        if pain is not None and pain.score >= ACCEPT and kg.graph.nodes[pain.node_id]["kind"] is Kind.SYMPTOM:
            match, node = pain, kg.node(pain.node_id)
    relation = Relation.AGGRAVATED_BY if node.kind is Kind.ACTIVITY else None
    return Observation(term, node, present, relation, match.matched)
