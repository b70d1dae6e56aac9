"""ConText: whether what a span names is denied, possible, past, hypothetical or someone else's.

The algorithm of Harkema et al. (2009), as medspaCy implements it: a *trigger* ("no",
"?", "history of", "father") reaches forward, backward or both ways from where it stands,
up to a *termination* ("but", "however", "now", the end of the sentence); every span in
its reach takes its category.  A *pseudo-trigger* ("no improvement") looks like one and is
not.  The lexicon (``ontology/lexicon.tsv``) holds the triggers and their directions.

Three rules of this domain narrow the reach, so a red flag is never denied by accident:

* a denial reaches only its own item: forward it stops at a comma, "and", "with" or a
  dash, unless the rest is one list joined by "or" ("no fever, chills or weight loss");
* written after its item ("SLR negative") it reaches back to the nearest span only, and
  further only over normal functions ("bladder and bowels normal"), never over an
  abnormal finding ("urinary retention and SLR negative" keeps the retention);
* "possible" wins over a denial ("not ruled out" is one possible trigger, never a "not").

Categories beyond ConText's: ``normal`` ("intact", "NAD": the abnormal finding is absent),
``abnormal`` ("reduced", "loss of": the loss of a normal function is the finding),
``affirmed`` ("+ve"), and ``aggravates``/``relieves`` (how an activity acts on the pain).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from .spans import Unit

__all__ = ["Trigger", "Context", "assign"]

#: Units that end a denial's or a question's reach.
_CLAUSE_WORDS = frozenset(("and", "with", "w/", "plus", "&", "also", "because", "since", "while", "when", "whenever",
                           "after", "before", "as", "then", "until", "due to"))
_STRONG_PUNCT = frozenset((";", ".", "!", "(", ")", "[", "]"))
_YEAR = re.compile(r"^(?:19[5-9]\d|20[0-4]\d)$")
_LONG_AGO = re.compile(r"(?:years?|yrs?|decades?|months?|mths?|/12)\s+(?:ago|previously|earlier|before|prior|back)$|"
                       r"(?:19|20)\d\d$")
#: Historical triggers that say an episode or a habit is over, not only that it began in the past.
_ENDING = frozenset(("resolved", "settled", "fine", "since resolved", "now resolved", "nothing since", "asymptomatic since", "abstinent", "quit", "gave up",
                     "stopped", "ex", "former", "formerly", "recovered", "fully recovered", "no longer", "not any more",
                     "not anymore"))
#: Historical triggers that qualify one noun ("previous surgery"), not a list ("PMH: ...").
_ADJECTIVAL = frozenset(("previous", "prior", "old", "past", "previously", "ex", "former", "formerly"))
_NARROW = frozenset(("negated", "normal", "affirmed", "abnormal"))  # backward: the nearest span only
#: Farthest a trigger reaches, in units (medspaCy's max_scope): a run-on text without a full stop
#: stays linear, and no real clause is longer.
MAX_SCOPE = 40


@dataclass(frozen=True, slots=True)
class Trigger:
    """A trigger unit: its category, its direction and where it stands."""

    index: int
    category: str
    direction: str
    text: str


@dataclass
class Context:
    """What the triggers say about one span."""

    categories: set[str] = field(default_factory=set)
    triggers: list[str] = field(default_factory=list)
    effect: str = ""  # aggravates / relieves, for an activity
    effect_distance: int = 1 << 30
    pain_between: bool = False  # "no pain when seated": a denied pain, not a denied activity
    ended: bool = False  # a past trigger written after the span: "... resolved", "... settled"
    after: set[str] = field(default_factory=set)  # the categories of triggers written after the span
    doubt_denied: bool = False  # "no history suggestive of sphincter dysfunction": the suspicion is denied


#: Words that say nothing between a finding and its result: "SLR on the left side negative".
_FUNCTION = frozenset(("over", "around", "across", "along", "down", "up", "into", "onto", "through", "throughout",
                       "under", "both", "side", "sides", "was", "were", "is", "are", "been", "be", "found", "all",
                       "tests", "test", "testing", "sign", "signs", "each", "again", "also", "still", "now"))
_NOW_WORDS = frozenset(("currently", "now", "today", "presently"))
_FOR_EXAMPLE = frozenset(("e.g.", "eg", "e.g", "eg.", "i.e.", "ie", "such as", "including"))
#: Words after an ending that keep it about what came before: "..., settled on its own", "..., resolved fully".
_AFTER_ENDING = frozenset(("on", "spontaneously", "completely", "fully", "with", "without", "after", "by", "within"))
#: Results that follow "currently" in a clause that is about the same findings ("reflexes currently normal").
_RESULT_NOW = frozenset(("normal", "intact", "unremarkable", "preserved", "symmetrical", "symmetric"))
_HOW_LONG = re.compile(r"^(?:history of|hx of|h/o|history)$")
_LONG = frozenset(("long", "longstanding", "long-standing", "lengthy", "short", "brief", "recent", "several", "lifelong",
                   "day", "week", "month", "year", "days", "weeks", "months", "years"))
#: Answers to a question: "Is there saddle numbness? Yes", "Urinary retention? No".
_ANSWERS = {"yes": "affirmed", "y": "affirmed", "positive": "affirmed", "+": "affirmed", "present": "affirmed",
            "no": "negated", "n": "negated", "nil": "negated", "negative": "negated", "none": "negated",
            "-": "negated", "absent": "negated", "denies": "negated", "denied": "negated"}
#: Denials that reach a whole list: "denies fever, rigors, weight loss", "Absent: fever, night pain".
_LIST_DENIALS = frozenset(("denies", "denied", "deny", "denying", "negative for", "denies any", "pt denies",
                           "negative"))  # "negative slump and femoral nerve stretch tests": each
#: A verb denied after an activity ("stairs don't bother her", "walking does not bring on the pain"): the
#: activity does not aggravate, and the pain it would bring on is not denied.
_VERB_NEGATIONS = frozenset(("doesn't", "does not", "don't", "do not", "didn't", "did not", "won't", "will not",
                             "never", "isn't", "is not", "aren't", "not", "no longer"))


def _answered(found: list[Unit], k: int) -> str:
    """The answer after a question mark at k ("? Yes"), as a category, or ""."""
    j = k + 1
    if j < len(found) and found[j].text in (":", "-"):
        j += 1
    if j >= len(found):
        return ""
    answer = _ANSWERS.get(found[j].lower, "")
    if answer and (j + 1 >= len(found) or found[j + 1].text in (",", ".", ";", "!") or found[j + 1].role == "punct"):
        return answer
    return ""


def triggers(found: list[Unit], covered: set[int]) -> list[Trigger]:
    """The triggers among the units no span took (a name's own "no" is no trigger)."""
    out = []
    answered = {k for k, u in enumerate(found) if u.text == "?" and _answered(found, k)}
    asked: set[int] = set()  # the units of a question that was answered: its "possible" triggers are void
    for k in answered:
        j = k - 1
        while j >= 0 and not (found[j].role == "punct" and found[j].text in ".;!?") and "\n" not in found[j].text:
            asked.add(j)
            j -= 1
    # "not limited", "not reduced": a denied abnormal result is a normal one, and "not normal", "not intact"
    # an abnormal one (read where the result word reaches)
    flipped = {"abnormal": "normal", "normal": "abnormal"}
    denied_result = {k: next(e for e in u.entries if e.role in flipped)
                     for k, u in enumerate(found) if k and k not in covered and k - 1 not in covered
                     and any(e.role in flipped for e in u.entries) and not u.has("negated")
                     and found[k - 1].has("negated") and not _clause_end(found, k - 1)}
    for k, u in enumerate(found):
        if k in covered:
            continue
        if u.has("pseudo"):
            continue
        if k + 1 in denied_result:
            continue  # the "not" of "not limited": said by the flipped trigger below
        if k in denied_result:
            e = denied_result[k]
            out.append(Trigger(k, flipped[e.role], e.value, found[k - 1].text + " " + u.text))
            continue
        if k in answered:
            continue  # "? Yes": the answer says it, not the question
        if k in asked and u.has("possible"):
            continue
        if u.lower in ("vs", "versus", "vs.") and k + 1 < len(found) and re.match(r"^\d", found[k + 1].text):
            continue  # "IR 10° vs 35°": a comparison of values, not a differential
        after_number = k > 0 and re.search(r"\d$", found[k - 1].text) is not None
        if u.lower in ("x", "×") and k + 1 < len(found) and re.match(r"^\d", found[k + 1].text):
            continue  # "12.2×109/L", "3 x 4 cm": a multiplication; "vomited x1", "x 3 days": a count; not a cross
        if u.text == "0" and after_number:
            continue  # "SLR + on L @ 45 0": a degree sign lost in copying, not "none"
        if u.text == "+" and k and found[k - 1].text == "2" and found[k - 1].end == u.start and _graded_here(found, k):
            out.append(Trigger(k, "normal", "both", "2+"))  # "2+ symmetric reflexes", "pedal pulses 2+": normal
            continue
        if u.lower == "non" and k + 2 < len(found) and found[k + 1].text == "-" and k + 2 not in covered:
            continue  # "non-traumatic knee pain": the prefix denies its own word, here no finding
        if u.text == "?" and k + 1 < len(found) and found[k + 1].start == u.end and \
                (k == 0 or found[k - 1].end < u.start):
            if k and found[k - 1].role != "punct" and any(e.role in ("abnormal", "normal", "negated", "affirmed")
                                                           for e in found[k + 1].entries):
                out.append(Trigger(k, "possible", "backward", u.text))  # "anal tone ?lax": the result is in doubt
                continue
            out.append(Trigger(k, "possible", "forward", u.text))  # "?secondary to opioids", "?CES": what follows
            continue
        if u.has("negated") and k + 1 < len(found) and k + 1 not in covered and "pain" in found[k + 1].optional:
            out.append(Trigger(k, "relieves", "forward", u.text))  # "no pain when seated": sitting relieves
        if u.has("possible") and k + 1 < len(found) and found[k + 1].lower in ("her", "his", "their", "my", "our") \
                and not u.has("negated"):
            continue  # "worried about her son's groin pain", "concern for his limp": a complaint, not a suspicion
        if u.has("family") and (_informant(found, k) or _brought_child(found, k) or _object_at_end(found, k)
                                or _told_of(found, k)):
            continue  # "the parents report there was no trauma": they tell the history, it is not theirs
        if u.has("historical") and _presenting_history(found, k):
            continue  # "presented with a history of hip pain for the past 5 months": the complaint, now
        alone = _clause_end(found, k) and k > 0  # "fever: no", "fever - denies": nothing ahead, it looks back
        if u.has("historical") and k and _HOW_LONG.match(u.lower) and (
                found[k - 1].role in ("duration", "timing") or found[k - 1].lower in _LONG):
            continue  # "a 4-day history of groin pain", "a long history of diabetes": how long, not when
        hyphened = (u.has("negated") or u.has("affirmed")) and k >= 2 and found[k - 1].text == "-" and \
            found[k - 2].end == found[k - 1].start and found[k - 1].end == u.start
        if hyphened and k - 2 not in covered:
            continue  # "HER2-negative breast cancer", "ER/PR-positive": a receptor's status, not the finding's
        before_test = _before_a_test(found, k)
        for e in u.entries:
            if e.role in ("negated", "normal", "abnormal", "possible", "historical", "hypothetical", "family",
                          "affirmed", "aggravates", "relieves"):
                # "SLR-negative", "HLA-B27-positive": the result of the name it is joined to, and no other
                value = "backward" if hyphened or alone and e.value == "forward" else e.value
                if before_test and e.role in ("affirmed", "negated") and value == "both":
                    value = "forward"  # "a positive FABER test and a negative Ober test": each its own test
                out.append(Trigger(k, e.role, value, u.text))
        if u.lower == "for" and _treated_before(found, k):
            # "treated by her GP for sciatica", "treated conservatively for a groin strain": as "treated for", an
            # earlier diagnosis of the complaint (read.py doubts it unless it is a risk history)
            out.append(Trigger(k, "possible", "forward", "treated for"))
        if u.role == "word" and _YEAR.match(u.text) and not (k and found[k - 1].lower in ("since", "from")):
            out.append(Trigger(k, "historical", "both", u.text))  # "L4/5 discectomy 2009"; "since 2015" is now
        if u.role == "duration" and _LONG_AGO.search(u.lower) and not _onset_before(found, k):
            # "THR 5 years ago"; "fever 3 days ago" and "the pain began a month prior" are now
            out.append(Trigger(k, "historical", "backward", u.text))
        if u.grade is not None:  # "EHL 4/5": weak below full power; "3/5 RLE" at the start of its clause
            ahead = k == 0 or found[k - 1].role == "punct"
            out.append(Trigger(k, "abnormal" if u.grade < 5 else "normal", "forward" if ahead else "backward", u.text))
        if u.text == "-" and _clause_end(found, k) and k > 0 and found[k - 1].end < u.start:
            out.append(Trigger(k, "negated", "backward", u.text))  # "fever -": crossed out
    return out


def _before_a_test(found: list[Unit], k: int) -> bool:
    """Whether a result word stands before the name of a test or sign ("positive FABER test", "a negative
    Ober's sign"): then it is that test's result, not the one before it."""
    for j in range(k + 1, min(len(found), k + 5)):
        u = found[j]
        if u.role in ("punct", "boundary", "terminate") or u.has("terminate"):
            return False  # "Blumberg's sign was absent but the psoas sign positive": another clause's test
        if {"test", "sign", "manoeuvre", "maneuver"} & set(u.required) or u.lower in ("test", "sign", "tests", "signs"):
            return True
    return False


#: Verbs of telling: a relative who is their subject is the informant, not the experiencer.
_TELLING = re.compile(r"^(?:reports?|reported|says?|said|states?|stated|notes?|noted|describes?|described|denies|"
                      r"deny|denied|confirms?|confirmed|tells?|told|recalls?|recalled|explains?|explained|"
                      r"noticed|mentioned|brought|called|calls|rang|rings|phoned|phones|telephoned)$")


def _informant(found: list[Unit], k: int) -> bool:
    """Whether the relative at *k* tells the history rather than owns it: the subject of a verb of telling
    ("her family reported", "mum says"), the relative *of* the patient ("Dad of 4yo girl:", "mother of a
    toddler"), the one the history is *from* or *per* ("per mum", "history from his father", "brought in by
    mum"), or a speaker before a quotation ("Mum: 'he's been limping'")."""
    if k and found[k - 1].lower in _FROM_INFORMANT or k > 1 and found[k - 2].lower in ("per", "by", "from") \
            and found[k - 1].lower in ("his", "her", "their", "the", "patient's", "pt's"):
        return True
    j = k + 1
    if j < len(found) and found[j].lower == "of" and found[k].lower in _RELATIVES:
        return True  # not "FHx of AS": a family history is the relatives' own
    if j + 1 < len(found) and found[j].text == ":" and (found[j + 1].text in _QUOTES or
                                                         found[j + 1].lower in ("he", "she", "they", "i", "we")):
        return True
    while j < len(found) and found[j].lower in ("also", "both", "have", "has", "had"):
        j += 1
    return j < len(found) and bool(_TELLING.match(found[j].lower.split(" ")[0]))


def _told_of(found: list[Unit], k: int) -> bool:
    """Whether the relative at *k* is the one a relative tells of: "Daughter says mum 'not herself', back pain
    since", "wife reports her husband has had back pain" — the patient, named as the informant calls them."""
    if found[k].lower.rstrip("'’s") in ("sister", "brother", "aunt", "uncle", "cousin", "friend", "colleague"):
        return False  # "Mum says her sister has back pain too": a third person
    j = k - 1
    if j >= 0 and found[j].lower in ("her", "his", "their", "my"):
        j -= 1
    return j >= 1 and bool(_TELLING.match(found[j].lower.split(" ")[0])) and any(
        found[i].has("family") for i in range(max(0, j - 3), j))


def _brought_child(found: list[Unit], k: int) -> bool:
    """Whether the child at *k* is the patient a relative brings: "A mother called about her teenaged son's
    groin pain", "Dad worried as his daughter is limping" — a parent spoken of before, and then *their* child."""
    if found[k].optional[:1] not in (("son",), ("daughter",), ("child",), ("boy",), ("girl",), ("baby",)) and \
            found[k].lower.rstrip("'’s") not in _CHILDREN:
        return False
    j = k - 1
    while j >= 0 and j >= k - 3 and found[j].lower not in ("her", "his", "their"):
        j -= 1
    return j >= 0 and found[j].lower in ("her", "his", "their") and any(found[i].lower in _RELATIVES for i in range(j))


def _object_at_end(found: list[Unit], k: int) -> bool:
    """Whether the relative at *k* ends its clause as what the patient acts on: "after lifting her son",
    "since carrying my daughter" — the pain before it is the patient's."""
    return k > 0 and found[k - 1].lower in ("her", "his", "my", "their") and (
        k + 1 == len(found) or found[k + 1].role == "punct" and not (
            k + 2 < len(found) and found[k + 2].lower in ("who", "whose", "which")))


_CHILDREN = frozenset(("son", "daughter", "child", "boy", "girl", "baby", "toddler", "infant"))
_FROM_INFORMANT = frozenset(("per", "by", "from"))
_RELATIVES = frozenset(("mum", "mom", "mother", "mam", "mummy", "mommy", "dad", "father", "daddy", "parent", "parents",
                        "grandmother", "grandfather", "grandma", "grandpa", "nan", "nana", "granny", "aunt", "aunty",
                        "auntie", "uncle", "carer", "guardian"))
_QUOTES = frozenset(("'", '"', "‘", "“"))


#: Verbs a presenting complaint follows: "presented with a history of ...", "referred with a history of ...".
_PRESENTING = frozenset(("presented", "presents", "presenting", "present", "admitted", "referred", "came", "attended",
                         "seen", "reviewed", "attends", "attending"))
_NOW_SPAN = re.compile(r"^(?:for|over)\s+the\s+(?:past|last)\b")


def _presenting_history(found: list[Unit], k: int) -> bool:
    """Whether a "history of" is the presenting complaint: a presenting verb with "with (a)" before it, or a
    duration up to now after it ("a history of pain in the left hip for the past 5 months")."""
    if found[k].lower not in ("history of", "hx of", "h/o"):
        return False
    j = k - 1
    while j >= 0 and found[j].lower in ("a", "an", "the", "long", "short", "recent", "brief", "several", "new"):
        j -= 1
    if j >= 1 and found[j].lower in ("with", "w/") and any(
            w in _PRESENTING for w in found[j - 1].lower.split()):
        return True
    for m in range(k + 1, min(len(found), k + 12)):
        if found[m].text in (".", ";") or found[m].role == "terminate":
            break
        if _NOW_SPAN.match(found[m].lower) or found[m].lower in ("for the past", "for the last", "over the past",
                                                                  "over the last"):
            return True
        if found[m].role == "duration" and (m + 1 < len(found) and found[m + 1].lower in ("duration", "duration's")
                                            or found[m - 1].lower == "of"):
            return True  # "a history of hip pain and limp of 3 months duration": up to now
    return False


_ONSET = frozenset(("began", "begun", "begin", "started", "start", "starting", "developed", "onset", "commenced",
                    "came", "noticed", "first"))


def _own_length(found: list[Unit], span: tuple[int, int], ago: int) -> bool:
    """Whether the span, said before a time ago, has its own length up to now just before it ("five months of
    low back pain"), with something else between it and the time ago."""
    i, j = span
    if j >= ago - 1:
        return False  # "sciatica 3 years ago": the time ago is its own
    before = found[max(0, i - 3):i]
    return any(u.role == "duration" and not _LONG_AGO.search(u.lower) for u in before)


def _treated_before(found: list[Unit], k: int) -> bool:
    """Whether "treated" or "managed" stands a few words before the "for" at *k*, in the same clause."""
    for j in range(k - 1, max(-1, k - 5), -1):
        if found[j].role == "punct":
            return False
        if found[j].lower in ("treated", "managed"):
            return j < k - 1  # "treated for" itself is the lexicon's
    return False


def _graded_here(found: list[Unit], k: int) -> bool:
    """Whether the grade at *k* is a reflex's or a pulse's, named in its clause (a reflex or pulse graded 2+ is
    normal; a dipstick's "blood 2+" and a "swelling 2+" are not, whatever is said beside them)."""
    if k >= 2 and found[k - 2].lower in _GRADED_OTHER:
        return False
    clause = []
    for step in (-1, 1):
        j = k - 1 + step if step < 0 else k + 1
        while 0 <= j < len(found) and abs(j - k) <= 7 and not (found[j].role == "punct" and found[j].text in ".;,"):
            clause.append(found[j])
            j += step
    return any(w in u.lower for u in clause for w in ("reflex", "jerk", "pulse", "dtr"))


#: What else a "2+" grades: a dipstick's analytes and a pitting swelling.
_GRADED_OTHER = frozenset(("blood", "protein", "leucocytes", "leukocytes", "leucs", "nitrites", "glucose", "ketones",
                           "swelling", "oedema", "edema", "pitting"))


def _onset_before(found: list[Unit], k: int) -> bool:
    """Whether a verb of onset stands before the duration at *k* in its clause: when a complaint began, not a
    past one ("developed left buttock and low back pain approximately 1 month earlier")."""
    for j in range(k - 1, max(-1, k - 9), -1):
        if found[j].role == "punct" or found[j].has("boundary") and found[j].lower not in ("and", "had", "has"):
            return False
        if found[j].lower in _ONSET:
            return True
    return False


def _clause_end(found: list[Unit], k: int) -> bool:
    return k + 1 >= len(found) or found[k + 1].text in (",", ";", ".")


def assign(found: list[Unit], spans: list[tuple[int, int]], sentence: list[int], activity: list[bool],
           inverted: list[bool], covered: set[int], tests: list[bool] | None = None,
           flags: frozenset[int] = frozenset()) -> list[Context]:
    """Return the context of each span (``spans[s] = (i, j)`` over *found*).

    ``sentence[k]`` numbers the sentence of unit k; ``activity[s]`` and ``inverted[s]`` say
    whether span s is an activity or a normal function; *flags* holds the units of red-flag spans.
    """
    contexts = [Context() for _ in spans]
    starts = [i for i, _ in spans]  # in text order: spans never overlap
    tests = tests if tests is not None else [False] * len(spans)
    for t in triggers(found, covered):
        verb = _denied_verb(found, t, spans, starts, activity, sentence, covered)
        if verb is not None:  # "Sneezing doesn't make the back pain worse": the aggravation is denied
            c = contexts[verb]
            c.categories.add("negated")
            c.triggers.append(t.text)
            c.effect, c.effect_distance = "aggravates", 0
            continue
        reach = _reach(found, t, spans, starts, sentence, inverted, activity, covered, tests, flags)
        if t.category == "historical" and found[t.index].role == "duration" and reach and \
                all(spans[s][1] <= t.index for s in reach):
            # "five months of low back pain attributed to facet arthropathy on an MRI from two years ago": a time
            # ago dates what is said before it, but not a complaint that has its own length up to now
            reach = [s for s in reach if not _own_length(found, spans[s], t.index)]
        for s in reach:
            c = contexts[s]
            if t.category in ("aggravates", "relieves"):
                if t.category == "relieves" and tests[s] and t.text.lower().removesuffix(" in") in ("pain-free", "pain free", "painless"):
                    c.categories.add("normal")  # "single leg stance 30 s pain-free": a negative test
                    c.triggers.append(t.text)
                    continue
                if t.category == "relieves" and activity[s] and t.text.lower().removesuffix(" in") in ("pain-free", "pain free", "painless") \
                        and t.index > spans[s][1]:
                    # "lumbar flexion full and pain free": the movement brings no pain, it does not relieve it
                    c.categories.add("negated")
                    c.triggers.append(t.text)
                    c.effect, c.effect_distance = "aggravates", 0
                    continue
                if not activity[s]:
                    continue
                if starts[s] < t.index and any(activity[r] and t.index < starts[r] <= t.index + 3 for r in reach):
                    continue  # "worse standing and walking and settles lying down": it settles what follows it
                distance = abs(starts[s] - t.index)
                if distance < c.effect_distance:
                    c.effect, c.effect_distance = t.category, distance
                continue
            if t.category == "hypothetical" and activity[s]:
                continue  # "pain if I sit": the activity is when the pain comes, not a supposition
            if t.category == "negated" and activity[s] and _pain_between(found, t.index, spans[s][0], covered):
                c.effect, c.effect_distance = "relieves", 0  # "no pain when seated", "pain-free sitting"
                c.pain_between = True
                continue
            if t.category == "possible" and "negated" in c.categories and not c.after and t.text != "?" \
                    and t.index < spans[s][0]:
                c.doubt_denied = True  # "no signs suggestive of infection", "not consistent with a fracture"
            c.categories.add(t.category)
            c.triggers.append(t.text)
            if t.index >= spans[s][1]:
                c.after.add(t.category)
            if t.category == "historical" and t.text.lower() in _ENDING:
                c.ended = True
    return contexts


#: Words that make what stands between two items a clause, not a list item.
_CLAUSE_VERBS = frozenset(("is", "was", "has", "had", "have", "with", "radiating", "radiates", "which", "that", "who",
                           "but", "then", "when", "while", "because", "since", "after", "before", "to", "from"))


def _plural_copula(found: list[Unit], a: int, b: int) -> bool:
    """Whether a plural verb stands between a list and its result: "numbness, tingling and weakness were
    all absent", "... were not reported", "were negative" — the result is said of every item."""
    if found[b].lower.startswith(("were ", "are ")):  # the trigger itself: "were not reported"
        return True
    j = b - 1
    while j >= a and found[j].lower in ("all", "both", "each", "also"):  # "were both absent"
        j -= 1
    return a <= j and found[j].lower in ("were", "are", "were all", "are all")


def _pain_between(found: list[Unit], a: int, b: int, covered: set[int]) -> bool:
    lo, hi = sorted((a, b))
    return any(k not in covered and "pain" in found[k].optional for k in range(lo, hi + 1))


def _denied_verb(found, t: Trigger, spans, starts, activity, sentence, covered) -> int | None:
    """The activity span whose effect a denied verb denies ("stairs don't bother her"), or None."""
    said = t.text.lower()
    # "walking doesn't hurt", "sitting tolerance ok"
    hurts = said.endswith(("hurt", "painful", "sore", "no problem", "a problem", "tolerance ok", "tolerance good",
                           "tolerance fine", "tolerance normal"))
    if t.category != "negated" or (said not in _VERB_NEGATIONS and not hurts):
        return None
    before = [s for s in range(bisect_left(starts, 0), bisect_left(starts, t.index)) if spans[s][1] <= t.index]
    if not before or not activity[before[-1]]:
        return None
    s = before[-1]
    between = range(spans[s][1], t.index)
    if any(found[k].role != "word" or found[k].required for k in between if k not in covered):
        return None  # "sitting, no pain": the denial is of what follows
    if hurts:
        return s
    for k in range(t.index + 1, min(len(found), t.index + 8)):
        u = found[k]
        if sentence[k] != sentence[t.index] or (u.role == "punct" and u.text in ".;"):
            break
        if u.has("aggravates") or u.lower in ("hurt", "hurts", "affect", "affects", "matter"):
            return s
    return None


def _reach(found, t: Trigger, spans, starts, sentence, inverted, activity, covered, tests=None,
           flags: frozenset[int] = frozenset()) -> list[int]:
    """The spans trigger *t* reaches."""
    out: list[int] = []
    if t.direction in ("forward", "both"):
        end = _forward_end(found, t, sentence, covered, flags)
        ahead = list(range(bisect_right(starts, t.index), bisect_left(starts, end)))
        if t.category == "historical" and t.text.lower() in _ADJECTIVAL:
            ahead = ahead[:1]
        out += ahead
    if t.direction in ("backward", "both"):
        begin = _backward_begin(found, t, sentence, covered)
        behind = [s for s in range(bisect_left(starts, begin), bisect_left(starts, t.index)) if spans[s][1] <= t.index]
        if t.category in _NARROW:  # not into an aside: "Lasègue sign (i.e., radicular leg pain ...) was negative"
            behind = [s for s in behind if not _in_aside(found, spans[s][1], t.index, covered)]
        if t.category in _NARROW and behind:
            nearest = behind[-1]
            # further back only over normal functions: "bladder and bowels normal"
            keep = [nearest]
            # "weight loss or loss of appetite ... were not reported": a compound subject, back to the list's
            # start ("A, B and C were"); a plural noun ("reflexes were normal") is a subject of its own
            last = found[spans[nearest][1] - 1].lower
            joint = {found[k].lower for k in range(spans[behind[-2]][1], spans[nearest][0]) if k not in covered} \
                if len(behind) > 1 else set()
            compound = bool(joint) and joint <= {"and", "or", "&"}  # "fever and rigors were": one subject
            plural = _plural_copula(found, spans[nearest][1], t.index) and (compound or not (
                last.endswith("s") and not last.endswith(("ss", "sis", "us"))))
            conjunction = any(found[k].lower in ("and", "or", "nor", "&") for k in range(spans[nearest][1], t.index))
            for s in reversed(behind[:-1]):
                joined = _joined(found, spans[s][1], spans[keep[-1]][0], covered)
                said = {found[k].lower for k in range(spans[s][1], spans[keep[-1]][0]) if k not in covered}
                listed = said & {"and", "or", "nor", "&"} and "," in said  # ", and C were": the list's last joint
                # an unread item may stand in the list ("numbness, erythema, and weakness were all absent")
                listlike = bool(joined) or ("," in said or said & {"and", "or"}) and not said & _CLAUSE_VERBS
                if plural and listlike and not (conjunction and listed):
                    conjunction = conjunction or bool(listed)  # "weight loss or loss of appetite": one item
                    keep.append(s)
                elif inverted[s] and inverted[keep[-1]]:
                    keep.append(s)
                elif joined == "/" or (joined and tests and tests[s] and tests[keep[-1]]) or (
                        joined == "and" and activity[s] and activity[keep[-1]]):
                    # "FABER/FADIR -ve", "SLR and slump tests negative", "can stand and walk normally"
                    keep.append(s)
                else:
                    break
            behind = keep
        out += behind
    return out


def _in_aside(found: list[Unit], a: int, b: int, covered: set[int]) -> bool:
    """Whether a span ending at a is inside brackets closed before b."""
    depth = 0
    for k in range(a, b):
        if k in covered:
            continue
        if found[k].text == ")":
            depth += 1
        elif found[k].text == "(":
            depth -= 1
    return depth > 0


def _joined(found: list[Unit], a: int, b: int, covered: set[int]) -> str:
    """How two spans ``found[..a]`` and ``found[b..]`` are joined: "/" , "and" (also "," and "or"), or ""."""
    between = [found[k] for k in range(a, b) if k not in covered]
    if not between:
        return ""
    if all(u.text == "/" for u in between):
        return "/"
    if all(u.lower in (",", "and", "or", "&", "nor") for u in between):
        return "and"
    return ""


def _is_cut(u: Unit, category: str, trigger: str = "") -> bool:
    if (u.role == "terminate" or u.has("terminate")) and not (
            category in ("normal", "abnormal") and u.lower in _NOW_WORDS and trigger.lower() in _RESULT_NOW):
        return True  # but "power and reflexes currently normal": the result is of now, not a new clause
    if category == "hypothetical" and trigger.lower().startswith("referred") and u.lower in ("with", "w/"):
        return True  # "referred to our spinal clinic with a 6-month history of back pain": the complaint
    if category == "family" and u.lower in ("he", "she", "patient", "pt", "the patient"):
        return True  # "brought in by his parents, as he has been limping": the patient again
    if u.role == "punct" and u.text in _STRONG_PUNCT:
        return True
    if category in ("historical", "hypothetical", "family"):
        return False  # they reach over the sentence's commas: "PMH: hip OA, diabetes"
    if category in ("aggravates", "relieves"):
        return u.role == "punct" and u.text in (",", "-")
    if u.role == "punct" and u.text in (",", "-", "–", "—", "/"):
        return True
    return u.role == "boundary" and u.lower in _CLAUSE_WORDS


def _forward_end(found: list[Unit], t: Trigger, sentence: list[int], covered: set[int],
                 flags: frozenset[int] = frozenset()) -> int:
    k = t.index + 1
    header = k < len(found) and found[k].text == ":"  # "Absent: fever, night pain", "Denies: ..."
    # "denies fever, rigors and weight loss", "pain free log roll, FADIR and FABER tests": each item
    said = t.text.lower()
    # "negative" lists what follows only at the head of its clause ("Negative slump and FNST"), not after
    # its test ("FABER negative, abdomen distended")
    ahead = said != "negative" or t.index == 0 or found[t.index - 1].role == "punct"
    listing = (t.category == "negated" and (header or said in _LIST_DENIALS) and ahead) or (
        t.category == "relieves" and said in ("pain free", "pain-free", "painless"))
    if k < len(found) and found[k].text in ("-", ":"):  # "non-tender", "denies: fever"
        k += 1
    # "not worse with bending", "no better for sitting": the denial reaches the activity after the effect
    effect = t.category == "negated" and k < len(found) and (found[k].has("aggravates") or found[k].has("relieves")
                                                               or ("pain" in found[k].optional and not found[k].required))
    while k < len(found) and sentence[k] == sentence[t.index] and k - t.index <= MAX_SCOPE:
        u = found[k]
        if listing and said == "negative" and k not in covered and k > t.index + 1 and found[k - 1].text in (",", ";") \
                and any(e.role in ("affirmed", "abnormal") for e in u.entries):
            return k  # "negative SLR, positive FABER": the list ends where another result begins
        if k not in covered and _is_cut(u, t.category, t.text):
            if u.text == "(" and t.category == "negated" and k + 1 < len(found) and found[k + 1].lower in _FOR_EXAMPLE:
                k += 2  # "denied any systemic symptoms (e.g., fever, chills)": the examples of what is denied
                listing = True  # ... every one of them
                continue
            if u.text == "," and t.category in ("negated", "possible", "normal") and \
                    _or_list_follows(found, k, sentence, covered, flags):
                k += 1
                continue
            if u.text == "/" and k - 1 in covered and _slash_item(found, k, covered):
                # "no fever/weight loss/night pain", "no fever/on pred"
                k += 1
                continue
            if effect and u.role == "boundary" and u.lower in ("with", "when", "on", "after", "during", "for"):
                k += 1
                continue
            if listing and (u.text in (",", "/") or u.lower in ("and", "or", "nor", "&")) and not u.has("terminate"):
                k += 1  # "denies fever, rigors, weight loss and night sweats": each item
                continue
            return k
        k += 1
    return k


def _slash_item(found: list[Unit], k: int, covered: set[int]) -> bool:
    """Whether a span follows the slash at *k* as the next item of a list: "no fever/weight loss",
    "no fever/pain on passive hip extension with abdominal pain" (the span starts after "pain on")."""
    j = k + 1
    while j < len(found) and j not in covered and j - k <= 4 and (
            found[j].lower in ("on", "of", "in", "the", "with", "at") or
            found[j].role in ("severity", "timing", "quality", "course", "side", "duration") or  # "/sudden severe …"
            ("pain" in found[j].optional and not found[j].required)):
        j += 1
    return j in covered or k + 2 in covered


def _backward_begin(found: list[Unit], t: Trigger, sentence: list[int], covered: set[int]) -> int:
    k = t.index - 1
    category = t.category
    # "weight loss or loss of appetite ... were not reported": a plural verb says the result of the whole list
    plural = category in _NARROW and _plural_copula(found, 0, t.index)
    ending = category == "historical" and (t.text.lower() in _ENDING or t.text.lower().split()[0] in _ENDING)
    if k >= 0 and found[k].text in ("-", ":", "–"):  # "fever - nil", "fever: no"
        k -= 1
    elif k >= 0 and found[k].text == "(" and category in ("aggravates", "relieves"):  # "sitting (eases)"
        k -= 1
    elif ending and k >= 1 and found[k].lower == "now" and found[k - 1].text == ",":
        k -= 2  # "numbness in the saddle area last week, now resolved"
    elif ending and k >= 0 and found[k].text == "," and (
            _clause_end(found, t.index) or found[t.index + 1].lower in _AFTER_ENDING):
        k -= 1  # "irritable hip at 5, settled on its own": the episode the ending is said of
    while k >= 0 and sentence[k] == sentence[t.index] and t.index - k <= MAX_SCOPE:
        u = found[k]
        if k in covered:
            k -= 1
            continue
        if category in ("historical", "family"):
            if _is_cut(u, "") and not (u.role == "boundary"):  # a comma ends a past event's reach backward
                return k + 1
        elif (u.role == "boundary" and u.lower in ("and", "&", "or")) or (u.text == "/" and category in _NARROW):
            k -= 1  # the narrow rule decides how far back over a list
            continue
        elif category in _NARROW and u.text == ")":  # "Lasègue sign (i.e., ...) was negative": over the aside
            j = k - 1
            while j >= 0 and found[j].text != "(" and k - j < MAX_SCOPE and sentence[j] == sentence[t.index]:
                j -= 1
            if j >= 0 and found[j].text == "(":
                k = j - 1
                continue
            return k + 1
        elif category in _NARROW and u.role == "word" and u.required and not u.site and not plural and \
                not all(w in _FUNCTION for w in u.required):
            if not _tests_before(found, t.index, covered):
                return k + 1  # "pyrexial and haemodynamically stable": "stable" is said of the word before it
        elif _is_cut(u, category, t.text) and not (plural and (u.text == "," or u.role == "boundary")):
            return k + 1
        k -= 1
    return k + 1


def _tests_before(found: list[Unit], index: int, covered: set[int]) -> bool:
    """"SLR and sciatic stretch tests are negative": the result is said of a list of tests."""
    for k in range(index - 1, max(-1, index - 5), -1):
        u = found[k]
        if k in covered or u.role == "boundary" or u.has("filler"):
            continue
        return u.lower in ("tests", "signs", "manoeuvres", "maneuvers")
    return False


def _or_list_follows(found: list[Unit], k: int, sentence: list[int], covered: set[int],
                     flags: frozenset[int] = frozenset()) -> bool:
    """Whether the list after a comma is joined by "or": "no fever, chills or weight loss"."""
    j = k + 1
    while j < len(found) and sentence[j] == sentence[k] and j - k <= MAX_SCOPE:
        u = found[j]
        if j in covered:  # an "or" inside a name ("spinal contusion or abrasion") joins no list ...
            if u.lower in ("or", "nor") and all(i in covered for i in range(k + 1, j)) and found[k].text == "," \
                    and j not in flags:
                # ... unless the name is the list's last item: "no fever, nausea or vomiting" (never a red flag's:
                # a denial spreads to a red flag only where the list says so outside its name)
                return True
            j += 1
            continue
        if u.lower in ("or", "nor"):
            return True
        if u.role in ("terminate",) or (u.role == "punct" and u.text in _STRONG_PUNCT) or \
                (u.role == "boundary" and u.lower in _CLAUSE_WORDS) or u.entries and u.role in (
                    "negated", "possible", "normal", "affirmed"):
            return False
        j += 1
    return False
