"""Find the KB's concepts inside longer text: units, the phrase table, and the matcher.

Text is cut into tokens, tokens into *units*: a note form of the lexicon (a trigger, a
modifier, an abbreviation; longest form first), a measurement, a punctuation mark, or a
plain word.  A plain word brings *required* words (its normalized form, as
:func:`painkg.kb.resolve.words` gives it); a lexicon unit, a number, a lumbar level or a
pain word brings *optional* ones, which a name may take or leave.

Every name of a node — its label and synonyms, the lexicon's lay phrases, HPO's synonyms —
is cut the same way into a *key*: the set of its words.  A run of units is read as a node
when its required words are all in the key and the key holds nothing the run does not
say (``required ⊆ key ⊆ required ∪ optional``); a trigger, a conjunction or a punctuation
mark may stand inside the run only if the name holds it too.  A dynamic programme over the
units picks the reading that accounts for most required words (then the fewest, longest
spans): linear in the text, as each run is at most :data:`LONGEST` units long.

What is left is checked per *chunk* (the units between two boundaries): a chunk with a
required word that no span and no compatible body site accounts for reads nothing at all —
"septic arthritis of the knee" is not knee osteoarthritis with a stray word, and "C6
radiculopathy" is not the lumbar one.  Precision comes before recall.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only annotations name it: a trace served from the cache never imports networkx
    import networkx as nx

from . import lexicon as lx
from ..kb.resolve import words
from ..kb.vocab import Area, Grade, Kind

__all__ = ["Unit", "Name", "Table", "Found", "units", "table", "match", "LONGEST"]

#: Longest run of units one name may cover.
LONGEST = 14
#: Weights: a KB label beats a synonym beats a lay phrase of the lexicon beats an HPO synonym.
_WEIGHTS = {"label": 1.0, "synonym": 0.99, "id": 1.0, "lexicon": 0.97, "hpo": 0.96, "normal-of": 0.95,
            "result-of": 0.95}
#: Words that never settle which node is meant, but a name may hold: "pain" in "groin pain".
_OPTIONAL_WORDS = frozenset(("pain",))
#: Words a name may go without: "SLS" is the "SLS test", "Trendelenburg" the "Trendelenburg sign".
_DROPPABLE = frozenset(("test", "sign", "manoeuvre", "maneuver"))
#: Unit roles a run may hold only when the name holds the same form.
HARD = frozenset(("punct", "boundary", "terminate", "pseudo", "radiates", *lx.TRIGGERS))
#: Body-site words (normalized), from painkg.kb.resolve's sites plus the other places notes name.
SITE_WORDS = frozenset(("back", "lumbar", "spine", "spinal", "lumbosacral", "sacroiliac", "sij", "sacrum", "sacral",
                         "pelvis", "pelvic", "hip", "groin", "buttock", "thigh", "knee", "leg", "calf", "shin",
                         "ankle", "foot", "toe", "heel", "neck", "shoulder", "abdomen", "chest", "cervical",
                         "thoracic", "arm", "elbow", "wrist", "hand", "finger", "head", "jaw", "lower", "low",
                         "upper", "lateral", "medial", "anterior", "posterior", "inner", "outer", "front", "side",
                         "perineum", "perianal", "perineal", "saddle", "sole", "coccyx", "tailbone", "trochanter",
                         "trochanteric", "anus", "genital", "genitals", "forearm", "armpit", "finger", "thumb", "elbow",
                         "toenail", "fingernail", "loin", "flank", "scrotal", "scrotum", "abdominal", "privat"))
#: Kinds whose names name *another thing* than what a patient has: a place, a structure, a disease,
#: a test, a treatment.  A word of theirs that no span accounts for stops the phrase it stands in.
ENTITY_KINDS = frozenset((Kind.REGION, Kind.STRUCTURE, Kind.MUSCLE, Kind.NERVE, Kind.CONDITION, Kind.TEST,
                          Kind.TREATMENT, Kind.MECHANISM))
#: A word that names a disease, a procedure or a study by its ending ("-itis", "-ectomy", "-graphy").
DISEASE_WORD = re.compile(r"(?:itis|osis|oma|pathy|algia|ectomy|otomy|ostomy|plasty|scopy|graphy|gram|aemia|emia|"
                          r"iasis|plegia|paresis|trophy|desis|ectasis)$")
#: Words of those names that name nothing by themselves: how, where, how much, whose.
_NOT_ENTITY = frozenset((
    # everyday words that only some treatment's or test's name holds ("take breaks from sitting", "whole body
    # bone scan"): "she takes ibuprofen", "the whole back hurts", "strong pain in the hip" name nothing else
    "take", "find", "fill", "entire", "whole", "proper", "strong", "safe", "stay", "study", "usage", "damage",
    "direct", "extra", "group", "health", "human", "index", "lowest", "max", "min", "pull", "screen", "tilt", "typ",
    "water", "threw", "worn",
    "pain", "abnormal", "abnormality", "active", "activity", "adult", "alone", "alter", "area",
                         "around", "below", "above", "bend", "bent", "bottom", "burn", "change", "clinical", "close",
                         "deep", "excessive", "exercise", "external", "internal", "front", "full", "good", "high",
                         "history", "increase", "inner", "outer", "intermittent", "keep", "lateral", "medial",
                         "anterior", "posterior", "superior", "inferior", "lean", "less", "lift", "load", "lose",
                         "low", "major", "minor", "mechanical", "middle", "movement", "new", "non", "normal", "other",
                         "out", "outside", "inside", "over", "patient", "point", "post", "pressure", "problem",
                         "prolong", "put", "rate", "refer", "regular", "relat", "relative", "rest", "self", "side",
                         "sit", "stand", "stretch", "support", "tight", "top", "trigger", "type", "up", "use", "walk",
                         "wear", "weight", "white", "weak", "weakness", "tightness", "instability", "gait", "acute",
                         "chronic", "primary", "secondary", "simple", "severe", "early", "late", "advanced",
                         "left", "right", "bilateral", "unilateral", "one", "both", "first", "second", "third",
                         "due", "related", "associated", "common", "general", "specific", "total", "partial",
                         "complete", "recurrent", "persistent", "progressive", "known", "suspected", "possible",
                         "probable", "recent", "previous", "old", "young", "older", "younger", "long", "short",
                         "term", "day", "week", "month", "year", "time", "night", "morning", "onset", "response",
                         "result", "finding", "sign", "test", "positive", "negative", "symptom", "feel", "feeling",
                         "sensation", "sense", "reduce", "reduced", "increased", "loss", "great", "big", "little",
                         "small", "large", "grade", "level", "compress", "compression", "impinge", "impingement", "degree", "region", "zone", "part", "portion",
                         "mild", "moderate", "unable", "able", "difficulty", "numb", "numbness", "tingl", "tender",
                         "tenderness", "swell", "swollen", "stiff", "stiffness", "ache", "sore",
                         # words of context, not of things: how a case is framed, not what it names
                         "associat", "associate", "diagnose", "diagnosis", "diagnos", "emergency", "idiopathic",
                         "agent", "alignment", "dynamic", "flexible", "incipient", "management", "manual",
                         "measurement", "mechanic", "native", "nonspecific", "operative", "physical", "regularly",
                         "replacement", "structural", "supportive", "symptomatic", "transient", "transitional",
                         "treatment", "urgent", "ring", "wing", "med", "sed", "compressive", "decompressive",
                         "exertional", "insertional", "ergonomic", "kinetic", "therapeutic", "prophylactic",
                         "electrical", "magnetic", "induce", "induced", "clinic", "hospital", "department", "unit",
                         "visit", "referral", "review", "follow", "presentation", "present", "feature", "features",
                         "case", "cause", "caused", "condition", "disorder", "episode", "attack", "event"))
#: Adjectives that name a disease by themselves ("septic arthritis", "rheumatoid", "malignant").
_DISEASE_ADJECTIVES = frozenset(("septic", "malignant", "metastatic", "infective", "infect", "neoplastic",
                                 "rheumatoid", "psoriatic", "ankylose", "gouty", "tuberculous", "pyogenic",
                                 # a route that makes another treatment: inhaled steroids are no long-term oral ones
                                 "inhal", "inhaler", "topical", "cream", "gel", "drop", "nasal", "intranasal",
                                 # an ache of another place, in one word
                                 "headache", "toothache", "earache", "stomachache", "bellyache"))
#: Symptom families: a symptom word and the words a node's name may state it with.
FAMILIES = {"pain": ("pain", "tender", "tenderness", "hurt", "twinge"),
            "numb": ("numb", "numbness", "tingl", "paresthesia", "anesthesia", "hypoesthesia", "hypoaesthesia",
                     "sensation", "sensory", "dead", "prickl",
                     # "feels a bit odd in the perineum", "funny feeling down below": a sensation changed
                     "odd", "funny", "strange", "weird"),
            "weak": ("weak", "weakness"),
            "swell": ("swell", "swollen", "swelling", "lump", "bulge", "fullness"),
            "stiff": ("stiff", "stiffness", "tightness"),
            # "large bruise over the lateral hip": a bruise is said at a place as a pain is
            "bruise": ("bruise", "bruised", "bruising", "ecchymosis", "haematoma", "hematoma")}
#: Site words that say the same side of a place: "outer thigh" is the lateral thigh.
SITE_SAME = {"outer": "lateral", "outside": "lateral", "side": "lateral", "inner": "medial", "inside": "medial",
             "front": "anterior", "perianal": "saddle", "perineal": "saddle", "perineum": "saddle", "anus": "saddle",
             "scrotal": "saddle", "scrotum": "saddle", "loin": "flank",
             "privat": "saddle"}  # "my privates": words() stems it
#: Abbreviations that are everyday words in lower case: SEA (a spinal epidural abscess) is "sea", US (an
#: ultrasound) "us", PAD (peripheral arterial disease) a heating "pad", PIT (the prone instability test) a "pit",
#: PENS (percutaneous electrical nerve stimulation) "pens", the Pace sign a "pace".  Read only in capitals.
#: The words after one that keep its name in any case ("the pit of the stomach", "Pace sign"), by word.
_CASED: dict[str, tuple[str, ...]] = {"sea": (), "us": (), "pad": (), "pit": ("of",), "pens": (),
                                      "pace": ("sign", "test", "'s", "manoeuvre", "maneuver")}
#: Quotation marks: they say whose words these are, not where a phrase ends.
_QUOTE_MARKS = frozenset(("'", '"', "‘", "’", "“", "”"))
_LUMBAR_LEVEL = re.compile(r"^[ls]\d", re.IGNORECASE)
#: an MRC grade: "4/5", "4+/5", "3-/5" (a minus is below the grade: "5-/5" is not full power)
_GRADE = re.compile(r"^([0-5])([+-]?)/5$")
_NUMBER = re.compile(r"^[<>≤≥~]?\d+(?:\.\d+)?(?:/\d+)?$")
_ALPHA = re.compile(r"^[a-z]+$")


@dataclass(frozen=True, slots=True)
class Unit:
    """A token or a lexicon form, with what it says.

    ``role`` is "word", "punct", "fact" or a lexicon role; ``entries`` the lexicon rows.
    """

    start: int
    end: int
    text: str
    role: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    entries: tuple[lx.Entry, ...] = ()
    first: int = 0  # index of its first token
    grade: int | None = None  # an MRC grade "4/5"
    site: bool = False  # the unit names only a body site
    corrected: str = ""  # the KB word a misspelt word was read as

    @property
    def lower(self) -> str:
        return self.text.lower()

    def has(self, role: str) -> bool:
        return self.role == role or any(e.role == role for e in self.entries)


@dataclass(frozen=True, slots=True)
class Name:
    """One way of naming one or more nodes."""

    nodes: tuple[str, ...]
    weight: float
    source: str  # label, synonym, id, lexicon, hpo, normal-of, result-of
    text: str
    allowed: frozenset[str] = frozenset()  # hard forms the name holds ("and", "-", "when")

    @property
    def inverted(self) -> bool:
        return self.source == "normal-of"

    @property
    def result(self) -> bool:
        return self.source == "result-of"


@dataclass
class Table:
    """Every name of every node, keyed by its words; built once per graph."""

    keys: dict[frozenset[str], list[Name]]
    by_word: dict[str, set[frozenset[str]]]
    sites: dict[str, frozenset[str]]  # node id -> body-site words its names use
    kinds: dict[str, Kind]
    areas: dict[str, Area | None] = field(default_factory=dict)  # node id -> Area
    exact: dict[str, str] = field(default_factory=dict)  # a KB name, lower case -> the one node it names
    corrections: dict[str, str] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    flags: frozenset[str] = frozenset()  # red-flag nodes
    #: words only red-flag names hold ("saddle", "retention", "cauda"): said but not read, they are reported
    flag_words: dict[str, str] = field(default_factory=dict)
    histories: frozenset[str] = frozenset()  # nodes that are a history by nature ("history of cancer", "IVDU")
    entities: frozenset[str] = frozenset()  # normalized words that name another thing (ENTITY_KINDS, ontologies)
    #: (node, family, site words, key) for every symptom and finding name stating a symptom at a site
    composed: list[tuple[str, str, frozenset[str], frozenset[str]]] = field(default_factory=list)
    #: conditions a plain radiograph seldom shows (graded occasional or rare): "X-ray: no fracture" is no
    #: denial of them (a sacral insufficiency fracture shows on 14 % of radiographs, graul2020)
    radiograph_blind: frozenset[str] = frozenset()

    @functools.cached_property
    def midline(self) -> frozenset[str]:
        """Nodes some name of which places them in the saddle or at the genitals: a place one side of the body
        (a right buttock) is not theirs."""
        return frozenset(n for n, _, where, _ in self.composed if where & {"saddle", "genital"})

    def names_entity(self, word: str) -> bool:
        """Whether a normalized word names a place, structure, disease, test or treatment."""
        return word in self.entities or (len(word) > 5 and DISEASE_WORD.search(word) is not None)

    @property
    def state(self) -> dict:
        """Plain values (for :mod:`painkg.kb.cache`) that :meth:`from_state` rebuilds the table from."""
        return {"keys": [(tuple(sorted(k)), [(n.nodes, n.weight, n.source, n.text, tuple(sorted(n.allowed)))
                                             for n in names]) for k, names in self.keys.items()],
                "sites": {n: tuple(sorted(s)) for n, s in self.sites.items()},
                "kinds": {n: k.value for n, k in self.kinds.items()},
                "areas": {n: a.value if a is not None else None for n, a in self.areas.items()},
                "exact": self.exact, "entities": sorted(self.entities), "flags": sorted(self.flags), "flag_words": self.flag_words,
                "histories": sorted(self.histories),
                "composed": [(n, f, sorted(s), sorted(k)) for n, f, s, k in self.composed],
                "radiograph_blind": sorted(self.radiograph_blind)}

    @classmethod
    def from_state(cls, state: dict) -> Table:
        from ..kb.vocab import Area

        keys = {frozenset(k): [Name(tuple(a), w, s, t, frozenset(al)) for a, w, s, t, al in names]
                for k, names in state["keys"]}
        by_word: dict[str, set[frozenset[str]]] = {}
        for key in keys:
            for word in key:
                by_word.setdefault(word, set()).add(key)
        return cls(keys, by_word, {n: frozenset(s) for n, s in state["sites"].items()},
                   {n: Kind(k) for n, k in state["kinds"].items()},
                   {n: Area(a) if a is not None else None for n, a in state["areas"].items()},
                   dict(state["exact"]), {}, sorted(by_word), frozenset(state["flags"]), dict(state["flag_words"]),
                   frozenset(state["histories"]), frozenset(state["entities"]),
                   [(n, f, frozenset(s), frozenset(k)) for n, f, s, k in state["composed"]],
                   frozenset(state.get("radiograph_blind", ())))

    def correct(self, lower: str) -> str:
        """The KB word a misspelt *lower* stands for, or "" (a real word is never corrected)."""
        found = self.corrections.get(lower)
        if found is None:
            found = ""
            real = lx.is_word(lower)
            if len(lower) >= 5 and _ALPHA.match(lower) and (not real or len(lower) >= 9):
                # A real word is another word ("septic" is no misspelt "osteo-"), except a long one
                # one letter from a KB word: a variant spelling ("zygapophyseal", "spondylolithesis").
                cutoff = 0.9 if real else 0.8 if len(lower) >= 7 else 0.85
                for close in difflib.get_close_matches(lower, self.vocabulary, n=3, cutoff=cutoff):
                    # a typo adds, drops or swaps a letter; a negating prefix, added or dropped, is no
                    # typo ("afebrile" is not febrile, "steady" is not unsteady)
                    # and keeps the first letter, which typists seldom miss ("plumber" is no "Blumberg")
                    if abs(len(close) - len(lower)) <= (1 if real else 2) and close[0] == lower[0] and \
                            not any(lower == p + close or close == p + lower for p in ("a", "an", "un", "non")):
                        found = close
                        break
            if len(self.corrections) > 50_000:  # a service fed arbitrary text must not grow without bound
                self.corrections.clear()
            self.corrections[lower] = found
        return found


@dataclass(frozen=True, slots=True)
class Found:
    """A run of units ``units[i:j]`` read as a name."""

    i: int
    j: int
    name: Name
    key: frozenset[str]
    covered: int  # required words it accounts for


# ---------------------------------------------------------------------------- units

def units(text: str, lexicon: lx.Lexicon, table: Table | None = None,
          facts: Iterable[tuple[int, int, object]] = (), *, expand: bool = True) -> list[Unit]:
    """Cut *text* into units; *facts* are (start, end, payload) spans already read (measurements)."""
    tokens = lx.tokenize(text)
    taken = sorted(facts, key=lambda f: f[0])
    out: list[Unit] = []
    i = 0
    f = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.text in _QUOTE_MARKS:  # "legs 'heavy'", "felt a “pop”": quoted words are the patient's, still read
            i += 1
            continue
        while f < len(taken) and taken[f][1] <= tok.start:
            f += 1
        if f < len(taken) and taken[f][0] <= tok.start < taken[f][1]:
            start, end, _ = taken[f]
            while i < len(tokens) and tokens[i].start < end:
                i += 1
            out.append(Unit(start, end, text[start:end], "fact", first=f))
            f += 1
            continue
        found = lexicon.match(tokens, i)
        if found is not None and f < len(taken) and tokens[i + found[0] - 1].end > taken[f][0]:
            found = None  # "in the past 6h": a form may not reach into a measurement or a duration
        if found is not None:
            n, entries = found
            entries = tuple(e for e in entries if e.role not in ("names", "normal-of", "result-of", "not-hpo"))
        if found is not None and entries:
            last = tokens[i + n - 1]
            piece = text[tok.start:last.end]
            means = next((e for e in entries if e.role == "means"), None)
            if means is not None and expand:
                # "afebrile" is "no fever": the words it stands for, each standing where the form stands
                for sub in units(means.value, lexicon, table, expand=False):
                    # a mark in the meaning ("atraumatic": "no trauma ,") keeps its own text: it cuts a reach
                    out.append(Unit(tok.start, last.end, sub.text if sub.role == "punct" else piece, sub.role,
                                    sub.required, sub.optional, sub.entries, i, sub.grade, sub.site))
            elif means is not None:
                out.append(Unit(tok.start, last.end, piece, "word", required=words(means.value), first=i))
            else:
                role = _primary(entries)
                optional = words(piece)
                if any(e.role == "side" and e.value == "both" for e in entries):
                    optional = (*optional, "bilateral")  # "B/L leg pain" is bilateral leg pain
                out.append(Unit(tok.start, last.end, piece, role, optional=optional, entries=entries, first=i))
            i += n
            continue
        if tok.text == "." and i > 0 and tokens[i - 1].end == tok.start and len(tokens[i - 1].text) == 1 \
                and tokens[i - 1].text.isalpha():
            out.append(Unit(tok.start, tok.end, tok.text, "filler", first=i))  # "S. aureus": an initial, no full stop
        elif tok.text == "-" and 0 < i < len(tokens) - 1 and tokens[i - 1].end == tok.start == tokens[i + 1].start - 1 \
                and tokens[i - 1].text[-1:].isalpha() and tokens[i + 1].text[:1].isalpha():
            out.append(Unit(tok.start, tok.end, tok.text, "filler", first=i))  # "straight-leg-raising": a hyphen
        elif tok.lower in _CASED and not tok.text.isupper() and not (
                i + 1 < len(tokens) and tokens[i + 1].lower in _CASED[tok.lower]):  # "the pit of the stomach"
            out.append(Unit(tok.start, tok.end, tok.text, "filler", first=i))  # "walks by the sea" is no abscess
        else:
            out.append(_plain(tok, i, table))
        i += 1
    return _join_compounds(out, table)


def _primary(entries: tuple[lx.Entry, ...]) -> str:
    order = ("pseudo", *lx.TRIGGERS, "terminate", "radiates", "boundary", *lx.MODIFIERS, "filler")
    return min((e.role for e in entries), key=order.index)


def _plain(tok: lx.Token, i: int, table: Table | None) -> Unit:
    lower = tok.lower
    if not any(c.isalnum() for c in lower):
        return Unit(tok.start, tok.end, tok.text, "punct", first=i)
    grade = _GRADE.match(lower)
    if grade:
        return Unit(tok.start, tok.end, tok.text, "word", grade=int(grade[1]) - (grade[2] == "-" and grade[1] == "5"),
                    first=i)
    if _NUMBER.match(lower):
        return Unit(tok.start, tok.end, tok.text, "word", optional=(lower,), first=i)
    if _LUMBAR_LEVEL.match(lower):  # L4/5, S1: a level in the KB's own domain; C6, T12 are not
        return Unit(tok.start, tok.end, tok.text, "word", optional=words(tok.text), first=i)
    found = words(tok.text)
    corrected = ""
    if table is not None and len(found) == 1 and found[0] not in table.by_word:
        corrected = table.correct(lower)
        if corrected:
            found = (corrected,)
    required = tuple(w for w in found if w not in _OPTIONAL_WORDS)
    optional = tuple(w for w in found if w in _OPTIONAL_WORDS)
    site = bool(required) and all(w in SITE_WORDS for w in required)
    return Unit(tok.start, tok.end, tok.text, "word", required, optional, first=i, site=site, corrected=corrected)


def _join_compounds(out: list[Unit], table: Table | None) -> list[Unit]:
    """Join "sacro-iliac", "femoro acetabular" into the one word the KB writes."""
    if table is None:
        return out
    joined: list[Unit] = []
    k = 0
    while k < len(out):
        u = out[k]
        nxt = out[k + 2] if k + 2 < len(out) and out[k + 1].text == "-" else (out[k + 1] if k + 1 < len(out) else None)
        if (u.role == "word" and nxt is not None and nxt.role == "word" and len(u.required) == 1
                and len(nxt.required) == 1 and u.required[0] not in table.by_word):
            both = u.required[0] + nxt.required[0]
            if both in table.by_word:
                joined.append(Unit(u.start, nxt.end, u.text + "-" + nxt.text, "word", (both,), first=u.first))
                k += 3 if nxt is not out[k + 1] else 2
                continue
        joined.append(u)
        k += 1
    return joined


# ---------------------------------------------------------------------------- the phrase table

#: Kinds of node that are a place: named, they say where, not what.
PLACE_KINDS = frozenset((Kind.REGION, Kind.STRUCTURE, Kind.MUSCLE, Kind.NERVE))


def table(graph: nx.MultiDiGraph, lexicon: lx.Lexicon) -> Table:
    """Build the phrase table of *graph*: every name of every node, and the lexicon's."""
    names: list[tuple[str, Name]] = []  # (text, name)
    codes: dict[str, list[str]] = {}
    for node_id, data in graph.nodes(data=True):
        names.append((data["label"], Name((node_id,), _WEIGHTS["label"], "label", data["label"])))
        names.append((node_id.replace("-", " "), Name((node_id,), _WEIGHTS["id"], "id", node_id)))
        names += [(s, Name((node_id,), _WEIGHTS["synonym"], "synonym", s)) for s in data.get("synonyms", ())]
        for code in data.get("codes", ()):
            codes.setdefault(code, []).append(node_id)
    for entry in lexicon.entries("names") + lexicon.entries("normal-of") + lexicon.entries("result-of"):
        nodes = tuple(n for n in entry.value.split("|") if n in graph)
        if nodes:  # a user's own KB may lack the node: the row is left out
            source = "lexicon" if entry.role == "names" else entry.role
            # a row naming several nodes ("bowel or bladder dysfunction") says more than a KB synonym for one
            weight = 1.001 if source == "lexicon" and len(nodes) > 1 else _WEIGHTS[source]
            names.append((entry.form, Name(nodes, weight, source, entry.form)))
    for code, text, _ in lexicon.hpo:
        for node_id in codes.get(code, ()):
            names.append((text, Name((node_id,), _WEIGHTS["hpo"], "hpo", text)))
    keyed = [(text, name, *name_key(text, lexicon)) for text, name in names]
    users: dict[str, set[str]] = {}  # a word -> the nodes whose names hold it
    for _, name, key, _ in keyed:
        for word in key:
            users.setdefault(word, set()).update(name.nodes)

    def own(word: str, name: Name) -> bool:
        """Whether a name shortened to one word keeps a word no other node's name holds: "SLS" for "SLS test",
        never "tear" for "LT tear" or "jump" for "jump sign" (a tendon's tear, jumping).  A place is its word
        ("the leg", "lower limb")."""
        return users.get(word, set()) <= set(name.nodes) or all(
            graph.nodes[n]["kind"] in PLACE_KINDS for n in name.nodes)

    keys: dict[frozenset[str], list[Name]] = {}
    for text, name, key, allowed in keyed:
        if not key:
            continue
        if len(key) == 1 and len(text.split()) > 1 and name.source in ("label", "synonym", "hpo") and \
                not own(next(iter(key)), name):
            continue
        keys.setdefault(key, []).append(Name(name.nodes, name.weight, name.source, name.text, allowed))
        shorter = key - _DROPPABLE
        if shorter and shorter != key and name.source in ("label", "synonym") and (
                len(shorter) > 1 or own(next(iter(shorter)), name)):  # "SLS" for "SLS test"
            keys.setdefault(shorter, []).append(Name(name.nodes, name.weight - 0.02, name.source, name.text, allowed))
    by_word: dict[str, set[frozenset[str]]] = {}
    for key in keys:
        for word in key:
            by_word.setdefault(word, set()).add(key)
    sites: dict[str, set[str]] = {}
    for key, found in keys.items():
        where = {w for w in key if w in SITE_WORDS}
        for name in found:
            for node_id in name.nodes:
                sites.setdefault(node_id, set()).update(where)
    kinds = {n: d["kind"] for n, d in graph.nodes(data=True)}
    areas = {n: d.get("region") for n, d in graph.nodes(data=True)}
    exact: dict[str, set[str]] = {}
    for text, name in names:
        if name.source in ("label", "synonym"):
            exact.setdefault(" ".join(text.lower().split()), set()).update(name.nodes)
    unique = {t: next(iter(n)) for t, n in exact.items() if len(n) == 1}
    return Table(keys, by_word, {n: frozenset(s) for n, s in sites.items()}, kinds, areas, unique, {},
                 sorted(by_word), frozenset(n for n, d in graph.nodes(data=True) if d.get("red_flag")),
                 _flag_words(graph, keys),
                 frozenset(n for n, d in graph.nodes(data=True) if is_history(n, d)),
                 _entities(graph, lexicon), _composed(keys, kinds), _radiograph_blind(graph))


#: Plain radiographs among the KB's tests.
RADIOGRAPHS = frozenset(("x-ray", "hip-pelvis-radiograph", "lumbar-spine-radiograph", "femur-radiograph"))


def _radiograph_blind(graph: nx.MultiDiGraph) -> frozenset[str]:
    """Conditions whose diagnosis by a plain radiograph is graded occasional or rare."""
    weak = {Grade.OCCASIONAL, Grade.RARE}
    return frozenset(u for u, v, key, data in graph.edges(keys=True, data=True)
                     if v in RADIOGRAPHS and str(key) == "diagnosed-by" and data.get("strength") in weak)


#: How a name says that a node is a history by nature: "history of cancer", "long-term steroid use".
_HISTORY_NAME = re.compile(r"^(?:history of|hx of|h/o|previous|prior|past|known|recent|long-term|chronic .* use)\b|"
                           r"\b(?:use|user|abuse|misuse|survivor|transplant)$", re.IGNORECASE)


def is_history(node_id: str, data: dict) -> bool:
    """Whether a node is a history by nature: any of its names says so, or it is a risk factor of the past.

    A dated mention of one ("breast cancer 2015", "prednisolone since 2015") is that finding now.
    """
    if data["kind"] not in (Kind.SYMPTOM, Kind.FINDING):
        return False
    if re.match(r"^(?:history of|recent|previous|long-term|known)\b", data["label"], re.IGNORECASE):
        return True
    if data.get("region") not in (None, Area.OTHER):
        return False
    names = (data["label"], *data.get("synonyms", ()))
    return sum(bool(_HISTORY_NAME.search(n)) for n in names) >= 1 and not any(
        w in data["label"].lower() for w in ("pain", "ache", "stiffness", "weakness", "numbness"))


def _flag_words(graph: nx.MultiDiGraph, keys: dict[frozenset[str], list[Name]]) -> dict[str, str]:
    """The words that only the names of one red-flag symptom or finding hold, and that node."""
    owners: dict[str, set[str]] = {}
    kb_words: set[str] = set()
    for key, names in keys.items():
        for w in key:
            for name in names:
                owners.setdefault(w, set()).update(name.nodes)
                if name.source in ("label", "synonym"):
                    kb_words.add(w)
    clinical = lx.clinical_words()
    out = {}
    for w, nodes in owners.items():
        # a clinical word of the KB's own names (not a lay phrase's "call" or "comfy"), held by one red flag only
        if len(nodes) == 1 and len(w) >= 5 and w in kb_words and w not in _NOT_ENTITY and w not in SITE_WORDS and \
                any(c.startswith(w) for c in (w, w + "e", w + "s", w + "ing", w + "ion") if c in clinical):
            node = next(iter(nodes))
            data = graph.nodes[node]
            if data.get("red_flag") and data["kind"] in (Kind.SYMPTOM, Kind.FINDING) and w not in _FLAG_COMMON:
                out[w] = node
    # the places of the cauda equina red flags, which are site words: "saddle area numb" must never pass unseen
    for w, node in (("saddle", "saddle-anaesthesia"), ("perianal", "saddle-anaesthesia"),
                    ("perineal", "saddle-anaesthesia"), ("sphincter", "reduced-anal-tone"),
                    ("cauda", "cauda-equina-syndrome"), ("equina", "cauda-equina-syndrome")):
        if node in graph:
            out.setdefault(w, node)
    return out


#: Words of red-flag names too common to say that a red flag was meant.
_FLAG_COMMON = frozenset(("classic", "energy", "episode", "incomplete", "multiple", "paper", "passage", "stream",
                          "trouble", "disturb", "painless", "knock", "breast", "sexual", "temperature", "ladder",
                          "crash", "traffic", "vehicle", "collision", "bruise", "abrasion", "privat", "triad"))


def _entities(graph: nx.MultiDiGraph, lexicon: lx.Lexicon) -> frozenset[str]:
    """The words that name another thing: the KB's places, structures, conditions, tests and treatments,
    and the ontology words of ``lexicon-entities.tsv``, less the words the reader reads as findings."""
    named: set[str] = set()
    read_words: set[str] = set()
    for _, data in graph.nodes(data=True):
        found = {w for text in (data["label"], *data.get("synonyms", ())) for w in words(text)}
        (named if data["kind"] in ENTITY_KINDS else read_words).update(found)
    shipped = {w for text in lx.entity_words() for w in words(text)}
    modifiers = {w for e in lexicon.entries_of((*lx.MODIFIERS, *lx.TRIGGERS, "filler", "boundary", "pseudo",
                                                "terminate", "radiates")) for w in words(e.form)}
    # a word the KB both reads and names elsewhere names a thing when the ontologies say so
    # ("arthritis", "fracture") or its ending does; "deep", "lateral", "walk" name nothing
    both = {w for w in named & read_words if w in shipped or DISEASE_WORD.search(w)}
    return frozenset((((named - read_words) | both | (shipped - read_words)) - _NOT_ENTITY - modifiers - SITE_WORDS)
                     | _DISEASE_ADJECTIVES)


def _family(word: str) -> str:
    for family, members in FAMILIES.items():
        if word in members:
            return family
    return ""


def _composed(keys: dict[frozenset[str], list[Name]], kinds: dict) -> list[tuple[str, str, frozenset[str],
                                                                                 frozenset[str]]]:
    """Every symptom or finding name that states a symptom at a site: "numbness of the lateral thigh"."""
    out = []
    for key, names in keys.items():
        sites = frozenset(SITE_SAME.get(w, w) for w in key if w in SITE_WORDS)
        families = {_family(w) for w in key} - {""}
        if not sites or len(families) != 1:
            continue
        family = families.pop()
        for name in names:
            if name.inverted or name.result or len(name.nodes) != 1:
                continue
            if kinds.get(name.nodes[0]) in (Kind.SYMPTOM, Kind.FINDING):
                out.append((name.nodes[0], family, sites, key))
    return sorted(set(out), key=lambda r: (r[0], r[1], sorted(r[2]), sorted(r[3])))


def name_key(text: str, lexicon: lx.Lexicon) -> tuple[frozenset[str], frozenset[str]]:
    """The words a name is known by, and the hard forms it holds ("and", "-")."""
    found = units(text, lexicon)
    key = frozenset(w for u in found for w in (*u.required, *u.optional))
    allowed = frozenset(u.lower for u in found if u.role in HARD)
    return key, allowed


# ---------------------------------------------------------------------------- matching

def match(found: list[Unit], tab: Table) -> list[Found]:
    """Pick the runs of *found* to read as names: most required words accounted for, then fewest spans.

    A dynamic programme over unit positions; each position tries runs of at most
    :data:`LONGEST` units, so the cost is linear in the number of units.
    """
    n = len(found)
    best: list[tuple | None] = [None] * (n + 1)  # (covered, -spans, consumed, -units, weight) of found[:j]
    back: list[tuple[int, Found | None]] = [(0, None)] * (n + 1)
    best[0] = (0, 0, 0, 0, 0.0)
    hit: Found | None
    for i in range(n):
        cur, nxt = best[i], best[i + 1]
        assert cur is not None  # set at step i - 1
        if nxt is None or cur > nxt:
            best[i + 1], back[i + 1] = cur, (i, None)
        for hit in _runs(found, i, tab):
            # a redundant unit ("no no feeling") stays outside, where it may be a trigger
            s = (cur[0] + hit.covered, cur[1] - 1, cur[2] + len(hit.key) - hit.covered, cur[3] - (hit.j - hit.i),
                 cur[4] + hit.name.weight)
            old = best[hit.j]
            if old is None or s > old:
                best[hit.j], back[hit.j] = s, (i, hit)
    spans: list[Found] = []
    j = n
    while j > 0:
        i, hit = back[j]
        if hit is not None:
            if hit.j < n and found[hit.j].text in (")", "]") and found[hit.j].lower in hit.name.allowed:
                hit = Found(hit.i, hit.j + 1, hit.name, hit.key, hit.covered)  # the name's own closing bracket
            spans.append(hit)
        j = i
    return spans[::-1]


def _runs(found: list[Unit], i: int, tab: Table) -> Iterable[Found]:
    """Every name a run starting at ``found[i]`` may be read as."""
    first = found[i]
    if not (first.required or first.optional):
        return
    required: set[str] = set()
    optional: set[str] = set()
    hard: list[Unit] = []
    candidates: set[frozenset[str]] | None = None
    for j in range(i, min(len(found), i + LONGEST)):
        u = found[j]
        if u.role == "fact" or (u.role == "punct" and u.text in ".;!"):
            return
        if u.role in HARD and not _coordinate_comma(found, i, j):
            hard.append(u)
        for w in u.required:
            if w not in required:
                required.add(w)
                keys = tab.by_word.get(w)
                if not keys:
                    return  # a word no name holds: no longer run can be read either
                candidates = set(keys) if candidates is None else candidates & keys
                if not candidates:
                    return
        optional.update(u.optional)
        if candidates is None or not (u.required or u.optional):
            continue  # a run holds a required word, and never ends on a filler or a mark
        said = required | optional
        for key in candidates:
            # the run starts and ends on words the name holds: "[buttock pain]", not "[worsening L buttock pain]"
            if key <= said and _holds(first, key) and _holds(u, key):
                name = _name(tab, key, hard)
                if name is not None:
                    yield Found(i, j + 1, name, key, len(required))


def _coordinate_comma(found: list[Unit], i: int, j: int) -> bool:
    """A comma between two words of one name: "a pulsatile, expansile mass" (coordinate adjectives).

    The run must still read as exactly one name's words, so a list ("fever, back pain") joins nothing.
    """
    return (found[j].text == "," and i < j < len(found) - 1 and found[j - 1].role == "word"
            and found[j + 1].role == "word" and bool(_ADJECTIVE.search(found[j - 1].lower))
            and bool(_ADJECTIVE.search(found[j + 1].lower)))


#: Endings of English adjectives ("pulsatile", "expansile", "tender", "swollen"): a comma between two of them
#: joins; between nouns ("plays football, groin pain") it separates.
_ADJECTIVE = re.compile(r"(?:ile|ive|al|ous|ic|ent|ant|ed|en|ing|ful|less|ar|ary|der)$")


def _rank(name: Name) -> tuple:
    """Heavier first, then the shorter name (an id "slr" over its label), then the id: deterministic."""
    return (name.weight, -len(name.text), tuple(-ord(c) for c in name.nodes[0]))


def best_name(names: Iterable[Name]) -> Name:
    return max(names, key=_rank)


def _holds(u: Unit, key: frozenset[str]) -> bool:
    return bool(u.required) or any(w in key for w in u.optional)


def _name(tab: Table, key: frozenset[str], hard: list[Unit]) -> Name | None:
    """The best name under *key* that holds every hard unit of the run (by its words or its form)."""
    best = None
    for name in tab.keys[key]:
        if all((u.optional and set(u.optional) <= key) or u.lower in name.allowed for u in hard):
            if best is None or _rank(name) > _rank(best):
                best = name
    return best
