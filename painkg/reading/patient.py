"""Facts about the patient written as numbers: age, sex, temperature, BMI, lab values, hip rotation, bladder residual, gestation.

Each is read against the KB's own nodes: an age sets every ``age-over-N`` /
``age-under-N`` band the KB has (true ones present, false ones absent), and a
measurement decides the node whose textbook threshold it crosses.  Functions return
``(node id, present, matched text)`` triples; :mod:`painkg.observe` makes them
observations.

>>> import painkg
>>> sorted(n for n, holds, _ in facts(painkg.load().graph, "67m") if holds)
['age-over-10', 'age-over-16', 'age-over-20', 'age-over-40', 'age-over-50']
"""

from __future__ import annotations

import bisect
import re
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only annotations name it: a trace served from the cache never imports networkx
    import networkx as nx

__all__ = ["facts", "find", "implied_ages", "rest_of"]

#: "a 72-year-old", "aged 72", "72 yo", "67M": an age in years, then whatever follows.
_AGE = re.compile(r"^(?:an?\s+)?(?:(?:aged?|age:)\s*(?P<a>\d{1,3})(?:\s*(?:years?|yrs?|y))?(?:\s+old)?|"
                  r"(?P<b>\d{1,3})(?:\s+1/2|\s*½|\.5)?\s*-?\s*(?:years?|yrs?|y)\s*-?\s*(?:old|o\b)|(?P<c>\d{1,3})(?:\s+1/2|\s*½|\.5)?\s*(?:yo|y/o|yr old)|"
                  r"(?P<d>\d{1,3})(?=\s*[mf]\b))\s*(?P<rest>.*)$")
#: The sex that may follow an age: whether the patient is female.
_SEX = {"f": True, "female": True, "woman": True, "lady": True, "girl": True, "daughter": True,
        "m": False, "male": False, "man": False, "gentleman": False, "boy": False, "son": False}
_FEMALE = "female-sex"
#: Words that join an age to what follows: "a 68-year-old woman with groin pain".
_LEAD = re.compile(r"^(?:with|who has|who|presenting with|c/o|complaining of|and)\s+")
#: Measurements and the node each decides, with the textbook threshold: temperature
#: >= 38.0 °C is fever, BMI >= 30 obesity, a post-void residual over 200 mL is that node.
#: How a value is joined to its name in notes and sentences: "CRP 45", "CRP: 45", "CRP of 45",
#: "CRP was 45", "WCC = 18".
def _fever(v: float) -> bool | None:
    """Fever at 38.0 °C or more; 37.5-37.9 °C is read by some as a low-grade fever and by others as
    normal, so a value in that band is left unread rather than read either way (the same for a white
    cell count just above 11 x 10^9/L, where laboratories' upper limits differ)."""
    return True if v >= 38.0 - 1e-9 else None if v >= 37.5 else False


# "pulse, 120", "ESR elevated to 88", "CRP raised at 150": case reports join a value these ways too
_IS = (r"(?:(?:level|count|rate|value|concentration)\s+)?(?:(?:was|is|of)\s+)?(?P<gt>(?:greater|more|higher) than|above|>)?\s*"
       r"(?::|=|of|was|is|were|,|(?P<par>\()|came back(?: at)?|"
       r"(?:(?:was|were)\s+)?(?:elevated|raised|increased|high|low|reduced|decreased)\s+(?:to|at))?\s*(?:of\s+)?")
_MEASURES = (
    (re.compile(r"^(?:t|temp|temperature|febrile|pyrexial|fever)\s*(?:,|:|of|at|was|is|=)?\s*"
                r"(?P<v>(?:3\d|4[0-4])(?:\.\d+)?)(?!\d)\s*(?:°\s*c?|c|degrees(?: c| celsius| centigrade)?|celsius)?$"), "fever", _fever),
    (re.compile(r"^(?:t|temp|temperature|febrile|pyrexial|fever)\s*(?:,|:|of|at|was|is|=)?\s*"
                r"(?P<v>(?:9\d|1[01]\d)(?:\.\d+)?)(?!\d)\s*(?:°\s*f?|f|degrees(?: f| fahrenheit)?|fahrenheit)?$"),
     "fever", lambda v: _fever((v - 32.0) / 1.8)),  # Fahrenheit
    (re.compile(r"^bmi\s*(?::|=|of|was|is)?\s*(?P<v>\d{2}(?:\.\d+)?)\s*(?:kg/m2|kg/m²)?$"), "obesity", lambda v: v >= 30.0),
    # a child's BMI on the growth chart: the 95th centile or above is obesity ("BMI >98th centile")
    (re.compile(r"^bmi\s*(?::|=|of|was|is|on)?\s*(?:the\s+)?[>≥]?\s*(?P<v>\d{1,2})(?:st|nd|rd|th)?\s*"
                r"(?:centile|percentile)$"), "obesity", lambda v: True if v >= 95.0 else None if v >= 85.0 else False),
    # Laboratory values against common adult reference limits: CRP <= 5 mg/L (10 in some laboratories), ESR <= 20 mm/h,
    # white cell count <= 11 x 10^9/L.  "CRP <5" reads as its bound.
    (re.compile(r"^(?:\(crp\)|crp|c-reactive protein|c reactive protein)(?:\s*\(crp\))?\s*(?:level\s+)?" + _IS +
                r"<?\s*(?P<v>\d{1,3}(?:\.\d+)?)\s*(?:mg/l|(?P<dl>mg/dl)|(?P<gl>g/l))?$"), "elevated-crp",
     # laboratories put the upper limit at 5 or at 10 mg/L: a value between is left unread
     lambda v: True if v > 10.0 else None if v > 5.0 else False),
    (re.compile(r"^(?:esr|erythrocyte sedimentation rate|sed rate|sedimentation rate)(?:\s*\(esr\))?\s*" + _IS +
                r"<?\s*(?P<v>\d{1,3})\s*(?:mm/(?:1st\s*)?h(?:r|our)?|mm(?: in (?:the )?first hour| per hour)?)?$"), "elevated-esr", lambda v: v > 20.0),
    (re.compile(r"^(?:wcc|wbc|twbc|twcc|white cell count|white-cell count|white count|white blood cell count|"
                r"white blood cells|white blood count|leukocyte count|leucocyte count|total (?:leu[ck]ocyte |wbc )?count|tlc|"
                r"white blood cell(?:\s*\((?:wbc|wcc)\))?\s+(?:count|level))(?:\s*\((?:wbc|wcc)\))?\s*" + _IS +
                r"<?\s*(?:(?P<mm3>\d{1,3},?\d{3})\s*(?:per cubic millimet(?:er|re)|/mm3|/mm³|/μl|/ul|cells/mm3|(?:cells\s*)?/\s*cumm|cells per cumm)?|"
                # "13.96 109/L": a superscript 9 lost in copying
                r"(?P<v>\d{1,2}(?:\.\d+)?)\s*(?:(?:x|×)\s*10\s*(?:\^\s*9|⁹)\s*(?:/\s*l)?|/l|109/l)?)$"),
     "leukocytosis", lambda v: True if v > 12.0 else None if v > 11.0 else False),
    # Blood counts read only where every age and sex agrees (reference limits differ by both; a value
    # between the bounds is left unread): haemoglobin below 100 g/L (10 g/dL) is anaemia at any age, 130 g/L
    # or more is not; platelets below 100 x 10^9/L are low, 150 or more are not.
    (re.compile(r"^(?:hb|hgb|haemoglobin|hemoglobin)\s*" + _IS + r"(?P<v>\d{1,3}(?:\.\d+)?)\s*(?:g/l|g/dl|gm?\s*%|gm/dl)?$"),  # the unit by the size ("gm%" is g/dL)
     "anaemia", lambda v: (lambda gl: True if gl < 100.0 else None if gl < 130.0 else False)(v * 10 if v < 25 else v)),
    (re.compile(r"^(?:plt|plts|platelets?|platelet count)\s*" + _IS + r"(?P<v>\d{1,4})\s*(?:(?:x|×)\s*10\s*(?:\^\s*9|⁹)"
                r"\s*(?:/\s*l)?|/l)?$"), "thrombocytopenia", lambda v: True if v < 100.0 else None if v < 150.0 else False),
    # The last menstrual period: six weeks or more ago is a missed period (a cycle of about four weeks;
    # four to six weeks is left unread, as cycles differ). "LMP ~7/52 ago", "last period 8 weeks ago".
    (re.compile(r"^(?:lmp|last menstrual period|last period)\s*(?::|was|=)?\s*~?\s*(?P<v>\d{1,2})\s*"
                r"(?:/52|weeks?|wks?)(?:\s+ago)?$"), "missed-period",
     lambda v: True if v >= 6.0 else None if v > 4.0 else False),
    # Vital signs: a heart rate of 100 or more is a tachycardia, a systolic pressure of 90 or less hypotension,
    # of 100 or more none.
    (re.compile(r"^(?:hr|heart rate|pulse|pulse rate|p)(?:\s*\(hr\))?\s*" + _IS + r"(?P<v>\d{2,3})\s*"
                r"(?:bpm|beats?/min(?:ute)?|/min|beats per minute|beats a minute)?$"),
     "tachycardia", lambda v: v >= 100.0),
    # A respiratory rate above 20 is a tachypnoea (the SIRS criterion bmjbp_pancreatitis quotes); 12-20 none.
    (re.compile(r"^(?:rr|resp rate|resps|respiratory rate|respirations)\s*" + _IS + r"(?P<v>\d{1,2})\s*"
                r"(?:/min|breaths?/min|breaths per minute|per minute)?$"),
     "tachypnoea", lambda v: v > 20.0),
    (re.compile(r"^(?:bp|blood pressure)(?:\s*\(bp\))?\s*" + _IS + r"(?P<v>\d{2,3})\s*/\s*\d{2,3}\s*(?:mm ?(?:of )?hg)?$"),
     # 91-99 mmHg is left unread: low for a hypertensive patient, normal for a young one, and no source in this
     # KB gives a threshold there
     "hypotension", lambda v: True if v <= 90.0 else None if v < 100.0 else False),
    # The ankle-brachial pressure index: below 0.9 is the abnormally low index of peripheral arterial disease,
    # 1.0-1.4 normal (bpac2014_abpi); 0.90-0.99 is left unread, and above 1.4 too (stiff, incompressible arteries
    # read falsely high).
    (re.compile(r"^(?:abpi|abi|ankle[- ]brachial(?: pressure)? index)\s*(?:\((?:abpi|abi)\)\s*)?(?:of\s+)?"
                r"(?:(?:right|left|r|l)\s*)?" + _IS + r"(?P<v>[0-2]?\.\d{1,2})$"), "ankle-brachial-pressure-index",
     lambda v: True if v < 0.9 else None if v < 1.0 or v > 1.4 else False),
    # Serum calcium (adjusted): above 2.6 mmol/L is hypercalcaemia; "Ca 2.38" is never a cancer.
    (re.compile(r"^(?:ca|ca2\+|calcium|adjusted calcium|corrected calcium|adj ca|corr ca)\s*" + _IS +
                r"(?P<v>[1-4]\.\d{1,2})\s*(?:mmol/l)?$"), "hypercalcaemia", lambda v: v > 2.6),
    # the same limit in mg/dL (calcium: 1 mmol/L = 4.008 mg/dL), as American reports write it: "calcium 10 mg/dL"
    (re.compile(r"^(?:ca|calcium|serum calcium|adjusted calcium|corrected calcium)\s*" + _IS +
                r"(?P<v>(?:[5-9]|1\d)(?:\.\d{1,2})?)\s*mg/dl$"), "hypercalcaemia", lambda v: v / 4.008 > 2.6),
    # a temperature written alone, with its degree mark: "37.8°C"
    (re.compile(r"^(?P<v>(?:3[5-9]|4[0-3])\.\d)\s*°\s*c$"), "fever", _fever),
    # altman1991's classification tree splits at hip internal rotation of 15°.
    (re.compile(r"^(?:hip\s+)?(?:ir|internal rotation)\s*:?\s*(?:of\s*)?(?P<v>\d{1,2})\s*(?:°|deg|degs|degrees)?$"),
     "limited-hip-internal-rotation", lambda v: True if v < 15.0 else None),  # no source says where normal starts
    (re.compile(r"^(?:pvr|post[- ]void residual(?: volume)?|residual(?: volume)?)\s*" + _IS + r"(?P<v>\d{1,4})"
                r"\s*(?:ml|cc)?$"), "post-void-residual-over-200ml", lambda v: v > 200.0),
    # A stated gestation ("28/40", "28+3/40 gestation", "28 weeks pregnant", "30 weeks' gestation") is a
    # pregnancy (_ALSO); past 16 weeks even an interstitial ectopic, the last to rupture, usually has
    # (armmed_ectopic_rupture: 12-16 weeks).  "N weeks" alone is a duration, so weeks are a gestation
    # only after "gestation" or before "pregnant".
    (re.compile(r"^(?:(?P<g>gestation(?:al age)?)\s*(?::|of|=|is)?\s*)?(?P<v>[4-9]|[1-3]\d|4[0-2])\s*(?:\+\s*[0-6]\s*)?"
                r"(?:/40(?:\s*(?:gestation|pregnant))?|(?:weeks?|wks?)'?(?(g)|\s*(?:pregnant|(?:of\s+)?gestation)))$"),
     "pregnancy-over-16-weeks", lambda v: v > 16.0),
)
_BAND = re.compile(r"^age-(over|under)-(\d+)$")  # within vocab.DEMOGRAPHIC
_OLDEST = 200


def facts(graph: nx.MultiDiGraph, lowered: str) -> list[tuple[str, bool | None, str]]:
    """Return what a lower-cased term states about the patient, or [] if it is not such a fact.

    ``None`` in place of present/absent: the term is such a measurement, but no source
    says what that value means ("IR 40°": altman1991 gives only the 15° limit).
    """
    m = _AGE.match(lowered)
    if m:
        years = int(m["a"] or m["b"] or m["c"] or m["d"])
        sex, _ = _split_sex(m["rest"])
        found: list[tuple[str, bool | None, str]] = [(_FEMALE, _SEX[sex], sex)] if sex and _FEMALE in graph else []
        bands = [(node_id, _holds(band, years), node_id) for node_id, band in _bands(graph)]
        return found + sorted(bands, key=lambda b: not b[1])
    for pattern, node_id, holds in _MEASURES:
        m = pattern.match(lowered)
        if m and node_id in graph:
            return _stated(graph, node_id, holds, m)  # None: a measurement no source reads
    return []


#: Measurements with a second, higher limit that a rule names: Kocher's predictor is an ESR of 40 mm/h
#: or more, above the reference limit of 20 that "elevated ESR" uses.
_ALSO = {"elevated-esr": (("esr-40-or-more", lambda v: v >= 40.0),),
         # a white count below 3.5 x 10^9/L is low at any age; 4.5 or more is not (between: unread)
         "leukocytosis": (("leukopenia", lambda v: True if v < 3.5 else None if v < 4.5 else False),),
         # any stated gestation is a pregnancy, however early
         "pregnancy-over-16-weeks": (("pregnancy", lambda v: True),)}


def _stated(graph: nx.MultiDiGraph, node_id: str, holds, m: re.Match) -> list[tuple[str, bool | None, str]]:
    value = _value(m)
    above = "gt" in m.re.groupindex and bool(m.group("gt"))
    if above:
        value += 0.001  # "CRP greater than 300", "ESR >100": above the number said

    def said(verdict: bool | None) -> bool | None:
        return None if above and verdict is False else verdict  # "ESR >20" says nothing of an ESR of 40

    return [(node_id, said(holds(value)), m.group(0))] + [(other, said(test(value)), m.group(0))
                                                          for other, test in _ALSO.get(node_id, ()) if other in graph]


#: The same facts found anywhere in a text: "22M footballer", "on exam T 38.9, CRP 45".  "N years"
#: without "old" is a duration ("back pain for 5 years", "THR 5 years ago"), never an age.
_FIND_AGE = re.compile(r"(?<![\w/.])(?:an?\s+)?(?:(?<!gestational )(?:aged?|age:)\s*(?P<a>\d{1,3})"  # a gestational age is no age
                       r"(?:\s*(?:years?|yrs?|y))?(?:\s+old)?|"
                       r"(?P<b>\d{1,3})(?:\s+1/2|\s*½|\.5)?\s*-?\s*(?:years?|yrs?|y)\s*-?\s*(?:old|o\b)|(?P<c>\d{1,3})(?:\s+1/2|\s*½|\.5)?\s*(?:yo|y/o|yr old)|"
                       r"(?P<d>\d{1,3})(?=\s*(?:[mf]|male|female|man|woman|boy|girl)\b)|"
                       # a patient's own words: "I'm 41", "I am 67 and smoke" (not "I'm 5 foot")
                       r"(?:i'?m|i am)\s+(?P<e>\d{1,3})(?=\s*(?:$|[,.;]|and\b|years?\b|yrs?\b)))(?P<sex>\s*-?\s*(?:[mf]|female|male|woman|man|lady|gentleman|girl|boy|son|daughter)\b)?")
# a full stop may end the value ("ESR 88."); a decimal point may not ("T 38.9" is not "T 38")
# "C-reactive protein (185 mg/l)": the bracket a value opened is closed in the same fact
_FIND_MEASURES = tuple((re.compile(r"(?<![\w/.])" + p.pattern.lstrip("^").rstrip("$") +
                                   (r"(?(par)\)?)" if "(?P<par>" in p.pattern else "") + r"(?!\w|\.\d)"), node, holds)
                       for p, node, holds in _MEASURES)


def find(graph: nx.MultiDiGraph, lowered: str) -> list[tuple[int, int, list[tuple[str, bool | None, str]]]]:
    """Find every fact in a lower-cased text: (start, end, facts) with facts as :func:`facts` gives them.

    >>> import painkg
    >>> [(s, e) for s, e, _ in find(painkg.load().graph, "22m footballer, t 38.9")]
    [(0, 3), (16, 22)]
    """
    found: list[tuple[int, int, list[tuple[str, bool | None, str]]]] = []
    # "69‐year‐old", "69–year–old": any dash is a hyphen (one character for one: offsets hold)
    lowered = lowered.translate(_DASHES)
    for m in _FIND_AGE.finditer(lowered):
        years = int(m["a"] or m["b"] or m["c"] or m["d"] or m["e"])
        if _BOUND_BEFORE.search(lowered, 0, m.start()):
            continue  # "onset before age 20", "since age 12": an age an event had, not the patient's now
        if years > 120 or (m["d"] and (not _opens(lowered, m.start()) or _DISTANCE.match(lowered, m.end()))):
            continue  # "worse walking >200 m", "walks 50 m": a distance
            continue
        sex = (m["sex"] or "").strip(" -")
        facts_: list[tuple[str, bool | None, str]] = [(_FEMALE, _SEX[sex], sex)] if sex in _SEX and _FEMALE in graph else []
        bands = [(node_id, _holds(band, years), node_id) for node_id, band in _bands(graph)]
        found.append((m.start(), m.end(), facts_ + sorted(bands, key=lambda b: not b[1])))
    for pattern in (_WORD_AGE, _MONTH_AGE):  # "Eighteen year old", "19 month old": the same bands
        for m in pattern.finditer(lowered):
            if any(s <= m.start() < e for s, e, _ in found):
                continue
            n = _WORD_NUMBER[m["n"]] if m["n"] in _WORD_NUMBER else int(m["n"])
            years = n if m["unit"].startswith("year") else 0
            bands = [(node_id, _holds(band, years), node_id) for node_id, band in _bands(graph)]
            found.append((m.start(), m.end(), sorted(bands, key=lambda b: not b[1])))
    found.sort(key=lambda f: f[0])
    taken = [(s, e) for s, e, _ in found]  # ages, in text order
    if _ARM_DIFFERENCE in graph:
        for m in _BP_ARMS.finditer(lowered):
            first, second = int(m["s1"] or m["t1"]), int(m["s2"] or m["t2"])
            sides = {(m["a1"] or m["b1"])[0], (m["a2"] or m["b2"])[0]}
            if sides == {"r", "l"}:
                gap = abs(first - second)
                differs = True if gap >= 20 else None if gap >= 10 else False
                found.append((m.start(), m.end(), [(_ARM_DIFFERENCE, differs, m.group(0))]))
    for pattern, node_id, holds in _FIND_MEASURES:
        if node_id not in graph:
            continue
        for m in pattern.finditer(lowered):
            k = bisect.bisect_right(taken, (m.start(), 1 << 62))
            if (k and taken[k - 1][1] > m.start()) or (k < len(taken) and taken[k][0] < m.end()):
                continue  # inside an earlier fact
            if _TIME_AFTER.match(lowered, m.end()):
                continue  # "residual 3 days ago": a time, not a measurement
            bisect.insort(taken, (m.start(), m.end()))
            found.append((m.start(), m.end(), _stated(graph, node_id, holds, m)))
    for m in _OTHER_VALUES.finditer(lowered):
        k = bisect.bisect_right(taken, (m.start(), 1 << 62))
        if not ((k and taken[k - 1][1] > m.start()) or (k < len(taken) and taken[k][0] < m.end())):
            found.append((m.start(), m.end(), []))
    return sorted(found, key=lambda f: f[0])


#: Laboratory values whose name is also a KB abbreviation but which no node reads: "LDH 520" (lactate
#: dehydrogenase) is a value, never a lumbar disc herniation; found so that no name is read inside them.
_OTHER_VALUES = re.compile(r"(?<![\w/.])(?:ldh|lactate dehydrogenase)\s*(?::|=|of|was|is|level)?\s*\d{2,5}(?:\s*(?:u|iu)/l)?(?!\w)")


#: Blood pressure in both arms, the side after or before each value: "BP 188/104 right arm, 150/90 left",
#: "R arm 160/90, L arm 128/80".  A systolic difference of 20 mmHg or more is the differential of aortic
#: dissection (bestbets3159); under 10 it is not; between, unread.
_ARM_DIFFERENCE = "pulse-or-blood-pressure-differential"
_BP_ARMS = re.compile(r"(?:(?P<s1>\d{2,3})\s*/\s*\d{2,3}(?:\s*mm\s?hg)?\s*(?:in\s+)?(?:the\s+)?(?P<a1>right|left|r|l)\b(?:\s*arm)?|"
                      r"(?P<b1>right|left|r|l)\b(?:\s*arm)?\s*:?\s*(?P<t1>\d{2,3})\s*/\s*\d{2,3}(?:\s*mm\s?hg)?)"
                      r"[\s,;]*(?:and|vs\.?|versus|but)?[\s,;]*(?:bp\s*)?"
                      r"(?:(?P<s2>\d{2,3})\s*/\s*\d{2,3}(?:\s*mm\s?hg)?\s*(?:in\s+)?(?:the\s+)?(?P<a2>right|left|r|l)\b|"
                      r"(?P<b2>right|left|r|l)\b(?:\s*arm)?\s*:?\s*(?P<t2>\d{2,3})\s*/\s*\d{2,3})")


#: What may stand before "60 M" for it to be an age and a sex: the start of the note or a sentence, or
#: "pt", "patient", "a", "an".  Elsewhere "200 m" is a distance.
_OPENS = re.compile(r"(?:^|[.;:!?\n(]|\b(?:pt|patient|a|an|is|aged|age))\s*$")


#: Words before an age that make it the age an event had: "onset before age 20", "SUFE pinned age 12",
#: "diagnosed at age 9" — not the patient's age now.
_BOUND_BEFORE = re.compile(r"\b(?:youngest|eldest|oldest|grandson|granddaughter|sister|brother|"
                           r"before|after|since|until|till|under|below|by|from|prior to|at|pinned|operated|"
                           r"diagnosed|treated|fixed|fractured|replaced|repaired|fused|injured|when)\s+(?:the\s+)?$")


_DISTANCE = re.compile(r"\s*(?:walk|run|ran|stair|distance|before|then|claudicat|tolerance|max)")


_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"})
_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
#: Ages written in words: "Eighteen year old", "a seventy-two-year-old man".
_WORD_NUMBER = {**{w: n for n, w in enumerate(_UNITS)}, **{w: 20 + 10 * n for n, w in enumerate(_TENS)},
                **{f"{t}{sep}{u}": 20 + 10 * n + m for n, t in enumerate(_TENS) for m, u in enumerate(_UNITS[1:10], 1)
                   for sep in ("-", " ")}}
_WORD_AGE = re.compile(r"(?<![\w-])(?P<n>(?:" + "|".join(sorted(_WORD_NUMBER, key=len, reverse=True)) +
                       r"))[\s-]+(?P<unit>years?|months?|weeks?)[\s-]+old\b")
_MONTH_AGE = re.compile(r"(?<![\w/.])(?P<n>\d{1,2})[\s-]*(?P<unit>months?|weeks?|mo)[\s-]*old\b")


_TIME_AFTER = re.compile(r"\s*(?:days?|weeks?|wks?|months?|mths?|years?|yrs?|hours?|hrs?|minutes?|mins?|/52|/12|/7)\b")


def _opens(lowered: str, at: int) -> bool:
    return bool(_OPENS.search(lowered[max(0, at - 12):at]))


def _value(m: re.Match) -> float:
    """The value a measurement states, in the unit its threshold is in: mg/dL is ten mg/L, g/L a thousand;
    16,140 per mm³ is 16.1 × 10⁹/L."""
    groups = m.groupdict()
    if groups.get("mm3"):
        return float(groups["mm3"].replace(",", "")) / 1000.0
    value = float(groups["v"])
    return value * 10.0 if groups.get("dl") else value * 1000.0 if groups.get("gl") else value


def rest_of(lowered: str) -> str:
    """What follows an age and its sex: "right groin pain" in "68 year old woman with right groin pain"."""
    m = _AGE.match(lowered)
    return _split_sex(m["rest"])[1] if m else ""


def _split_sex(rest: str) -> tuple[str, str]:
    m = re.match(r"^[\s,;]*([a-z]+)\b[\s,;]*(.*)$", rest)
    if m and m[1] in _SEX:
        return m[1], _LEAD.sub("", m[2])
    return "", _LEAD.sub("", rest.strip(" ,;"))


def implied_ages(graph: nx.MultiDiGraph, node_id: str, present: bool) -> list[tuple[str, bool]]:
    """The other age bands one band settles: "elderly" (over 70) is also over 50, not under 40."""
    band = _BAND.match(node_id)
    if band is None:
        return []
    # The ages the observation allows, as a closed range of whole years.
    limit = int(band[2])
    if band[1] == "over":
        low, high = (limit + 1, _OLDEST) if present else (0, limit)
    else:
        low, high = (0, limit - 1) if present else (limit, _OLDEST)
    found = []
    for other_id, other in _bands(graph):
        if other_id != node_id and _holds(other, low) == _holds(other, high):  # the same over the whole range
            found.append((other_id, _holds(other, low)))
    return found


def _bands(graph: nx.MultiDiGraph) -> Iterator[tuple[str, re.Match]]:
    # Found once per graph (and again if nodes are added): every age read and trace asks for them.
    known = _BANDS.get(graph)
    if known is None or known[0] != graph.number_of_nodes():
        found = tuple((n, band) for n in graph if (band := _BAND.match(n)))
        known = _BANDS[graph] = (graph.number_of_nodes(), found)
    return iter(known[1])


_BANDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _holds(band: re.Match, years: int) -> bool:
    limit = int(band[2])
    return years > limit if band[1] == "over" else years < limit
