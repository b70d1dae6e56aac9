"""Hip movements named in an examination: "internal rotation of the hip was painful", "limited flexion
and extension", "pain on hip flexion, adduction and internal rotation".

The matcher reads "flexion" or "rotation" alone as the activity that aggravates a pain (bending the hip,
twisting), and a movement with a result three words away ("Extension of the left hip was painful") as
nothing.  In an examination the movement is the manoeuvre and the pain or limitation its result: this
module composes a clause's hip movements and its result word into the finding node that states both,
and drops the activity readings of those same words.  It only composes when the clause names the hip
(or the three movements of FADIR or FABER, which are hip manoeuvres by definition) and no other joint
or the spine; everything else is left as the matcher read it.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import spans as sp
from ..kb.vocab import Kind

#: Places whose movements these are not: a lumbar extension, a knee flexion, a shoulder rotation.
_OTHER_JOINTS = frozenset(("back", "lumbar", "spine", "spinal", "lumbosacral", "trunk", "knee", "ankle", "shoulder",
                           "neck", "cervical", "thoracic", "elbow", "wrist", "foot", "toe", "finger", "thumb"))
_MOVEMENTS = frozenset(("flexion", "extension", "abduction", "adduction", "rotation"))
_PAIN = frozenset(("painful", "pain-free", "pain free", "painless", "hurts", "hurt", "tender", "discomfort"))
#: Words that belong to a movement's name before it: "[resisted hip abduction]", "[passive internal rotation]".
_BEFORE = frozenset(("internal", "external", "resist", "passive", "active", "hip"))
#: Findings a movement word may already have been read as ("internal rotation" of "reduced internal rotation").
_MOVEMENT_FINDINGS = frozenset((
    "limited-hip-internal-rotation", "limited-hip-range-of-motion", "limited-hip-extension",
    "pain-on-hip-internal-rotation", "active-hip-extension-pain", "fadir-test", "faber-test",
    "resisted-hip-abduction-pain", "resisted-adduction-pain", "resisted-hip-flexion-pain"))
#: Resisted movements and the finding of their pain.
_RESISTED = (("abduction", "resisted-hip-abduction-pain"), ("adduction", "resisted-adduction-pain"),
             ("flexion", "resisted-hip-flexion-pain"))
_DENIALS = frozenset(("not", "no", "never", "without", "nil", "isn't", "wasn't", "weren't", "aren't", "is not",
                      "was not", "were not", "are not", "non", "not painful", "not tender"))
_LIMIT_WORDS = frozenset(("limitation", "restriction", "limit", "restrict"))
_LIMIT_FORMS = frozenset(("limited", "decreased", "reduced", "restricted", "restriction of", "restriction in",
                          "restricted in", "diminished", "loss of", "reduction in", "reduction of", "decrease in",
                          "decrease of", "decrease", "limitation of", "limitation in"))


def compose(tab: sp.Table, found: Sequence[sp.Unit], hits: list[sp.Found],
            sentence: Sequence[int]) -> tuple[list[sp.Found], list[tuple[int, int]]]:
    """The hits with each examination clause's movements read as findings, and the text ranges so read."""
    out = list(hits)
    taken: list[tuple[int, int]] = []
    for a, b in clauses(found, sentence):
        made = _clause(tab, found, out, a, b)
        if made is None:
            out = [h for h in out if not _measured(tab, found, h, b)]
            # "aching thigh and knee, reduced hip abduction and internal rotation": the knee is another
            # item of the sentence, so each comma-separated part with a movement is tried on its own
            parts = list(_parts(found, a, b)) if _said(found, a, b) & _OTHER_JOINTS else []
            for pa, pb in (p for p in parts if p != (a, b)):
                made = _clause(tab, found, out, pa, pb)
                if made is not None:
                    out, taken = _apply(found, out, taken, made)
            continue
        out, taken = _apply(found, out, taken, made)
    return out, taken


def _apply(found: Sequence[sp.Unit], out: list[sp.Found], taken: list[tuple[int, int]], made):
    hit, dropped = made
    out = sorted([h for h in out if h not in dropped] + [hit], key=lambda h: h.i)
    return out, taken + [(found[hit.i].start, found[hit.j - 1].end)]


def _said(found: Sequence[sp.Unit], a: int, b: int) -> set[str]:
    return {w for k in range(a, b) for w in (*found[k].required, *found[k].optional)}


def _parts(found: Sequence[sp.Unit], a: int, b: int):
    """The comma-separated parts of a clause that name a movement; a part that is only more movements
    ("flexion, adduction and internal rotation") continues the one before it."""
    cuts = [a] + [k + 1 for k in range(a, b) if found[k].text == ","] + [b + 1]
    parts = [(x, y - 1) for x, y in zip(cuts, cuts[1:]) if y - 1 > x]
    merged: list[tuple[int, int]] = []
    for x, y in parts:
        words = _said(found, x, y) - {"and", "or"}
        if merged and words and words <= _MOVEMENTS | {"internal", "external", "hip"}:
            merged[-1] = (merged[-1][0], y)
        else:
            merged.append((x, y))
    return [(x, y) for x, y in merged if _said(found, x, y) & _MOVEMENTS]


def _measured(tab: sp.Table, found: Sequence[sp.Unit], h: sp.Found, b: int) -> bool:
    """Whether *h* is a movement read as an activity but measured: "hip flexion was 110°", "ER 60°"."""
    if not all(tab.kinds.get(n) is Kind.ACTIVITY for n in h.name.nodes):
        return False
    if not set().union(*(found[k].required for k in range(h.i, h.j))) & _MOVEMENTS:
        return False
    k = h.j
    while k < min(b, h.j + 3) and found[k].lower in ("was", "is", "of", "to", ":", "="):
        k += 1
    return k < b and found[k].text[:1].isdigit() and ("°" in found[k].text or k + 1 < b and
                                                       found[k + 1].text in ("°", "degrees", "deg"))


def clauses(found: Sequence[sp.Unit], sentence: Sequence[int]):
    """The clauses of the text: runs of units within one sentence, cut at semicolons, as (start, end)."""
    a = 0
    for k in range(len(found) + 1):
        if k == len(found) or (k > a and sentence[k] != sentence[k - 1]) or found[k].text == ";":
            if k > a:
                yield a, k
            a = k + 1 if k < len(found) and found[k].text == ";" else k


def _clause(tab: sp.Table, found: Sequence[sp.Unit], hits: list[sp.Found], a: int, b: int):
    words = [set(found[k].required) | set(found[k].optional) for k in range(a, b)]
    said = set().union(*words) if words else set()
    if said & _OTHER_JOINTS:
        return None
    moves: dict[str, int] = {}  # movement -> unit index
    for k in range(a, b):
        w = found[k].required
        if not w or found[k].role == "fact":
            continue
        for move in _MOVEMENTS & set(w):
            if move == "rotation":
                ways = {x for x in w if x in ("internal", "external")}
                for j in range(max(a, k - 3), k):  # "internal and external rotation", "internal rotation"
                    ways |= {x for x in found[j].required if x in ("internal", "external")}
                for way in ways or {""}:
                    moves.setdefault(f"{way} rotation".strip(), k)
            else:
                moves.setdefault(move, k)
    if not moves:
        return None
    fadir = {"flexion", "adduction", "internal rotation"} <= set(moves)
    faber = {"flexion", "abduction", "external rotation"} <= set(moves)
    if "hip" not in said and not (fadir or faber):
        return None
    # a pain word of another finding ("no groin pain or restriction in hip IR") is no result of the movement
    other = {k for h in hits if not (h.name.inverted or all(tab.kinds.get(n) in (Kind.ACTIVITY, Kind.STRUCTURE,
                                                                                 Kind.REGION) or n in _MOVEMENT_FINDINGS
                                                                for n in h.name.nodes)) for k in range(h.i, h.j)}
    pain = any(k not in other and (found[k].lower in _PAIN or "pain" in found[k].optional or
                                   "pain" in found[k].required) for k in range(a, b))
    limited = any(found[k].lower in _LIMIT_FORMS or set(found[k].required) & _LIMIT_WORDS for k in range(a, b))
    resisted = "resist" in said
    nodes: list[str] = []
    if pain:
        if fadir:
            nodes.append("fadir-test")
        elif faber:
            nodes.append("faber-test")
        elif resisted:
            nodes += [n for m, n in _RESISTED if m in moves]
        else:
            if "internal rotation" in moves:
                nodes.append("pain-on-hip-internal-rotation")
            if "extension" in moves and "passive" not in said:  # a passive one with abdominal pain is the psoas sign
                nodes.append("active-hip-extension-pain")
    if limited and not resisted:
        if set(moves) <= {"internal rotation"}:
            nodes.append("limited-hip-internal-rotation")
        elif set(moves) <= {"extension"}:
            nodes.append("limited-hip-extension")
        else:
            nodes.append("limited-hip-range-of-motion")
    nodes = [n for n in dict.fromkeys(nodes) if n in tab.kinds]
    if not nodes:
        return None
    last = max(moves.values())
    if any(found[k].lower in _DENIALS for k in range(last + 1, b)):
        return None  # "internal rotation of the hip was not painful": a denial after the movement, left as read
    i, j = min(moves.values()), max(moves.values()) + 1
    while i > a and (found[i - 1].required and set(found[i - 1].required) <= _BEFORE or
                     found[i - 1].lower == "and" and i > a + 1 and set(found[i - 2].required) & _BEFORE):
        i -= 1  # "[resisted hip abduction]", "[internal and external rotation]"
    while j < b and (found[j].has("side") or found[j].lower in ("of", "the", "his", "her", "their") or
                     found[j].required == ("hip",)):
        j += 1  # "[extension of the left hip] was painful"
    while j > i + 1 and not found[j - 1].required:
        j -= 1
    dropped = []
    for h in hits:
        if h.j <= i or h.i >= j:
            continue
        if not (h.name.inverted or all(tab.kinds.get(n) in (Kind.ACTIVITY, Kind.STRUCTURE, Kind.REGION)
                                       or n in _MOVEMENT_FINDINGS for n in h.name.nodes)):
            return None  # another finding stands among the movements: leave the clause as read
        dropped.append(h)
        i, j = min(i, h.i), max(j, h.j)
    # the activity readings of the same movements elsewhere in the clause ("flexion of the hip" after a comma)
    dropped += [h for h in hits if a <= h.i < b and h not in dropped and
                all(tab.kinds.get(n) is Kind.ACTIVITY for n in h.name.nodes) and
                set().union(*(found[k].required for k in range(h.i, h.j))) & _MOVEMENTS]
    for h in dropped:
        i, j = min(i, h.i), max(j, h.j)
    if any(h not in dropped and h.i < j and i < h.j for h in hits):
        return None
    key = frozenset(w for k in range(i, j) for w in found[k].required)
    name = sp.Name(tuple(nodes), 0.97, "lexicon", " ".join(found[k].text for k in range(i, j)))
    return sp.Found(i, j, name, key, len(key)), dropped
