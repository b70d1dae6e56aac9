"""Muscle power in an examination: "reduced power (1/5) at right hip flexors", "strength was 4/5 in hip
abduction", "4/5 in abduction, adduction and flexion", "decreased strength in hip flexion and knee extension",
"L tibialis anterior 3+/5, extensor hallucis longus 3-/5".

The matcher reads "strength" or "reduced power" as a weakness of the whole leg and "hip flexors" as a
muscle named, or "hip flexion" as the movement that aggravates a pain.  In a sentence about power the
muscle or movement is what is graded: this module composes each muscle or movement of a clause that
speaks of power into the finding that names its weakness ("weak hip flexors", "weak knee extension" are
names the KB gives those findings), and drops the whole-leg weakness its cue word was read as.  Its
grade, when one stands beside it, decides the polarity: below 5/5 the muscle is weak, 5/5 is full power.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import spans as sp
from .exam import clauses
from ..kb.vocab import Kind

#: Words that say the clause is about muscle power.
_POWER = frozenset(("strength", "power", "weak", "paresis", "motor", "mrc", "deficit", "weakness"))
#: Movements, and the joint a bare one is of when the clause names none ("4/5 in abduction").
_MOVEMENTS = {"flexion": "", "extension": "", "abduction": "hip", "adduction": "hip", "dorsiflexion": "ankle",
              "plantarflexion": "ankle"}
_JOINTS = frozenset(("hip", "knee", "ankle", "toe", "hallux", "foot"))
#: Places whose movements have no weakness finding in this KB, or belong to another part of the body.
_ELSEWHERE = frozenset(("shoulder", "elbow", "wrist", "finger", "thumb", "neck", "cervical", "grip", "hand", "arm",
                        "trunk", "lumbar", "spine", "back"))
#: Kinds of node a graded muscle or movement may have been read as before it is composed.
_PLACES_AND_MOVES = frozenset((Kind.ACTIVITY, Kind.MUSCLE, Kind.STRUCTURE, Kind.REGION))
#: The whole-leg weakness a bare cue word is read as ("strength", "reduced power", "Motor").
_WHOLE_LEG = frozenset(("leg-weakness", "bilateral-leg-weakness"))


def compose(tab: sp.Table, found: Sequence[sp.Unit], hits: list[sp.Found], sentence: Sequence[int]
            ) -> tuple[list[sp.Found], dict[int, tuple[str, str]]]:
    """The hits with each graded muscle or movement read as its weakness, and per composed hit (keyed by
    its first unit) the grade that decides it: ("abnormal" or "normal", the grade as written)."""
    out = list(hits)
    graded: dict[int, tuple[str, str]] = {}
    for a, b in clauses(found, sentence):
        if not _about_power(found, a, b):
            continue
        said = {w for k in range(a, b) for w in found[k].required}
        if said & _ELSEWHERE:
            continue
        made = [t for t in _targets(tab, found, out, a, b, said) if t is not None]
        if not made:
            continue
        new = [hit for hit, _ in made]
        out = [h for h in out if not any(h.i < n.j and n.i < h.j for n in new) and not (
            a <= h.i < b and set(h.name.nodes) <= _WHOLE_LEG and not any(found[k].site for k in range(h.i, h.j)))]
        out += new
        for hit, verdict in made:
            if verdict is not None:
                graded[hit.i] = verdict
    out.sort(key=lambda h: h.i)
    return out, graded


def _about_power(found: Sequence[sp.Unit], a: int, b: int) -> bool:
    return any(found[k].grade is not None or set(found[k].required) & _POWER or found[k].lower in _POWER
               for k in range(a, b))


def _targets(tab: sp.Table, found: Sequence[sp.Unit], hits: list[sp.Found], a: int, b: int, said: set[str]):
    """Each muscle or movement of the clause that a weakness finding names, with its grade."""
    taken: set[int] = set()
    items = {k for h in hits if a <= h.i < b and all(tab.kinds.get(n) is Kind.MUSCLE for n in h.name.nodes)
             for k in range(h.i, h.j)}
    for h in hits:  # a muscle named: "hip flexors", "EHL", "tibialis anterior"
        if a <= h.i < b and all(tab.kinds.get(n) is Kind.MUSCLE for n in h.name.nodes):
            node = _weakness(tab, h.key)
            if node is not None:
                taken.update(range(h.i, h.j))
                yield _found(tab, found, h.i, h.j, node, h.key, a, b, items)
    # units a finding already names ("foot dorsiflexion weakness", "resisted hip flexion pain") are read
    read = {k for h in hits if a <= h.i < b and not all(tab.kinds.get(n) in _PLACES_AND_MOVES for n in h.name.nodes)
            for k in range(h.i, h.j)}
    bare_hip = "hip" in said or {"abduction", "adduction"} <= said
    for k in range(a, b):
        move = next((w for w in found[k].required if w in _MOVEMENTS), None)
        if move is None or k in taken or k in read or k > a and k - 1 in read:
            continue
        i = k
        joint = next((w for w in found[k - 1].required if w in _JOINTS), None) if k > a else None
        if joint is not None:
            i = k - 1
        else:
            joint = _MOVEMENTS[move] or ("hip" if bare_hip else None)
        if joint is None and move in ("flexion", "extension"):
            continue  # a bare flexion with no hip in the clause may be the trunk's or the knee's
        key = frozenset(w for w in (joint, move) if w)
        node = _weakness(tab, key)
        if node is None and _MOVEMENTS[move] and joint != _MOVEMENTS[move]:  # "foot dorsiflexion": the ankle's
            key = frozenset((_MOVEMENTS[move], move))
            node = _weakness(tab, key)
        if node is not None:
            taken.update(range(i, k + 1))
            yield _found(tab, found, i, k + 1, node, key, a, b, items)


def _weakness(tab: sp.Table, key: frozenset[str]) -> str | None:
    """The finding a name of "weak" + *key* names ("weak hip flexors", "knee extension weakness")."""
    for extra in ("weak", "weakness"):
        names = [n for n in tab.keys.get(key | {extra}, ()) if not n.inverted and not n.result
                 and len(n.nodes) == 1 and tab.kinds.get(n.nodes[0]) is Kind.FINDING]
        if names:
            return sp.best_name(names).nodes[0]
    return None


def _found(tab: sp.Table, found: Sequence[sp.Unit], i: int, j: int, node: str, key: frozenset[str], a: int, b: int,
           items: set[int]):
    """The weakness hit of units i..j, with its grade; None when nothing in its clause grades it."""
    said, verdict = _graded(found, i, j, a, b, items)
    if not said:
        return None
    text = " ".join(found[k].text for k in range(i, j))
    hit = sp.Found(i, j, sp.Name((node,), 0.97, "composed", text), key | {"weak"}, len(key) + 1)
    return hit, verdict


#: Words a list of graded muscles or movements may hold between its grade and an item.
_LISTED = frozenset((",", "and", "or", "&", "/", "in", "with", "at", "of", "on", "for", "the", "l", "r", "left",
                     "right", "bilateral", "bilaterally", "both", "isolated", "(", ")", "was", "were", "is", "are"))


def _graded(found: Sequence[sp.Unit], i: int, j: int, a: int, b: int, items: set[int]
            ) -> tuple[bool, tuple[str, str] | None]:
    """Whether units i..j are graded for power, and by which grade.

    Its own grade comes after it before the next comma or word ("hip flexors 4/5", "EHL 3-/5"); else a
    grade or a word of power before it, with only other items of a list between ("4/5 in abduction,
    adduction and flexion", "decreased strength in hip flexion and knee extension").  "Hip flexion 110°,
    power 5/5" grades nothing: a range, then the power of everything.
    """
    for k in range(j, min(b, j + 4)):
        grade = found[k].grade
        if grade is not None:
            return True, (("abnormal" if grade < 5 else "normal"), found[k].text)
        if set(found[k].required) & _POWER or found[k].lower in _POWER:
            return True, None  # "foot dorsiflexion deficit", "hip flexion weakness"
        if found[k].text in (",", ";") or found[k].required:
            break
    for k in range(i - 1, a - 1, -1):
        u = found[k]
        grade = u.grade
        if grade is not None:
            return True, (("abnormal" if grade < 5 else "normal"), u.text)
        if set(u.required) & _POWER or u.lower in _POWER:
            return True, None
        if u.lower in ("except", "apart from", "but", "other than", "save for", "bar"):
            return True, ("abnormal", u.text)  # "power 5/5 except L tibialis anterior": the one not full
        if not (k in items or u.lower in _LISTED or u.has("side") or set(u.required) <= (_JOINTS | set(_MOVEMENTS))
                or u.role in ("abnormal", "boundary")):
            break
    return False, None
