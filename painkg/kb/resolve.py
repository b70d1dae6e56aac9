"""Turn what users type into nodes: labels, synonyms, codes, ids and near misses.

Matching ignores case, accents, punctuation, word order, filler words, simple
plurals and British/American spelling (``anaesthesia`` = ``anesthesia``), and
corrects misspelt words against the KB's own vocabulary.  Each node is found
under its id, label, synonyms and codes; a query is scored against those *keys*
by exact match first, then by word overlap: the F1 of shared words, each word
weighted by its rarity among the keys (inverse document frequency), so "pain on
FADIR" finds the FADIR test although "pain" is not in its name.

Examples
--------
>>> normalize("Pain in the Hips!")
'hip pain'
>>> normalize("Saddle anaesthesia")
'anesthesia saddle'
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from ..errors import UnknownTermError

__all__ = ["TermIndex", "Match", "normalize", "words", "ACCEPT", "EXACT", "DENIAL_WORDS"]

# Words that carry no meaning for matching ("pain in the groin" = "groin pain").
_FILLER = frozenset(
    "a an the of in on at to into and or my his her their with from for by is are has have "
    "i me it its this that left right positive when while very really ve l r lt rt sided pos "
    "severe sudden suddenly constant terrible awful mild".split()
)
#: Word variants that mean the same thing to a clinician, mapped after plurals and
#: endings are stripped ("aching" -> "ach" -> "pain", "diminished" -> "diminish" -> "reduced").
_SAME = {
    "ach": "pain", "ache": "pain", "sore": "pain", "sorenes": "pain", "painful": "pain", "hurt": "pain",
    "discomfort": "pain",
    "lower": "low", "disk": "disc", "tumor": "tumour",
    "decrease": "reduce", "diminish": "reduce", "restrict": "reduce", "limit": "reduce", "reduc": "reduce",
    "loss": "reduce", "lost": "reduce",
    "jerk": "reflex", "patellar": "knee", "achille": "ankle",
    "troch": "trochanter", "radic": "radiculopathy", "met": "metastasis", "metastase": "metastasis",
    "bum": "buttock", "butt": "buttock", "backside": "buttock", "hammy": "hamstr", "hammie": "hamstr",
    "cant": "unable", "cannot": "unable", "pee": "urine", "wee": "urine", "urinate": "urine",
    "n": "nerve", "nn": "nerve", "neuro": "neurological", "ca": "cancer", "hx": "history", "pmh": "history",
    "wt": "weight", "sx": "symptom", "bilat": "bilateral", "neg": "negative",
}
#: Body sites (normalized words -> site): a name at one site never matches a query about another.
_SITE = {
    **dict.fromkeys(("back", "lumbar", "spine", "spinal", "lumbosacral"), "spine"),
    **dict.fromkeys(("sacroiliac", "sij", "sacrum", "sacral", "pelvis", "pelvic"), "pelvis"),
    **{w: w for w in ("hip", "groin", "buttock", "thigh", "knee", "leg", "calf", "shin", "ankle", "foot", "toe",
                      "heel", "neck", "shoulder", "abdomen", "chest")},
}


def _sites(text_words) -> frozenset[str]:
    return frozenset(_SITE[w] for w in text_words if w in _SITE)


#: Words that deny: a phrase holding one is never matched by its spelling alone.
DENIAL_WORDS = frozenset(("no", "nil", "not", "none", "negative", "denies", "denied", "absent", "without", "never",
                           "normal", "intact", "unremarkable", "nad", "excluded", "unlikely"))
#: Abbreviations that stand for several words.
_EXPAND = {"ir": ("internal", "rotation"), "er": ("external", "rotation")}
_WORD = re.compile(r"[a-z0-9]+")
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}")
_SIGNED = (re.compile(r"(?<![a-z0-9])\+ve\b"), re.compile(r"(?<![a-z0-9])-ve\b"))
_APOSTROPHE = re.compile(r"['’`]")
_POSSESSIVE = re.compile(r"['’]s\b")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_DEGREE_WORDS = frozenset(("deg", "degs", "degree", "degrees"))
_INNER_AE = re.compile(r"ae(?=[a-z])")  # anaesthesia -> anesthesia, not "bursae"

#: A best match below this score is not accepted by :meth:`TermIndex.resolve`.
ACCEPT = 0.75
#: Scores above this mean the text is exactly one of the KB's names (word overlap scores ≤ 0.95).
EXACT = 0.95
_CACHE = 10_000  # remembered lookups per index


def words(text: str) -> tuple[str, ...]:
    """Split *text* into normalized words, dropping filler words."""
    text = text.lower()
    # "SLR 30°", "positive at 40 degrees": an angle is not part of any name (wherever it stands,
    # so normalizing stays free of word order).
    angle = "°" in text or "deg" in text
    # Each rewrite is guarded by a cheap test: building the index normalizes every name.
    if "ve" in text:  # "+ve"/"-ve" before punctuation goes: "-ve SLR" is a negative test
        text = _SIGNED[1].sub(" negative ", _SIGNED[0].sub(" positive ", text))
    if "'" in text or "’" in text or "`" in text:
        text = _APOSTROPHE.sub("", _POSSESSIVE.sub("", text))  # Patrick's -> patrick; can't -> cant
    if not text.isascii():
        if "↓" in text or "↑" in text:  # clinical shorthand: "↓ IR" is reduced internal rotation
            text = text.replace("↓", " reduced ").replace("↑", " increased ")
        # Drop accents (Lasègue -> Lasegue); any other non-ASCII character separates words.
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        text = _NON_ASCII.sub(" ", text)
    if "." in text:
        text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)  # S.L.R. -> slr
    out: list[str] = []
    for raw in _WORD.findall(text):
        if raw in _FILLER or (angle and (raw.isdigit() or raw in _DEGREE_WORDS)):  # before stemming: "sided"
            continue
        if len(raw) == 4 and raw[:2] in ("19", "20") and raw.isdigit():  # a year: "lymphoma in 2018"
            continue
        word = _WORDS.get(raw)
        if word is None:
            if len(_WORDS) > 100_000:  # a service fed arbitrary text must not grow without bound
                _WORDS.clear()
            word = _WORDS[raw] = _SAME.get(raw) or _SAME.get(w := _canonical(raw), w)
        out.extend(_EXPAND.get(word, (word,)))
    return tuple(w for w in out if w not in _FILLER)


_WORDS: dict[str, str] = {}  # raw word -> normalized word (memo)


def _canonical(word: str) -> str:
    """Spell and strip endings until nothing changes, so normalizing twice changes nothing."""
    while (shorter := _stem(_singular(_INNER_AE.sub("e", word)))) != word:
        word = shorter
    return word


def _stem(word: str) -> str:
    """Strip -ing and -ed: sitting -> sit, bending -> bend, restricted -> restrict.

    A verb's -ate loses its e, so every form meets: radiates, radiating -> radiat.
    """
    if len(word) >= 6 and word.endswith("ate"):
        return word[:-1]
    for ending, shortest in (("ing", 6), ("ed", 5)):
        if len(word) >= shortest and word.endswith(ending) and not word.endswith("eed"):
            word = word[: -len(ending)]
            if len(word) >= 3 and word[-1] == word[-2] and word[-1] not in "aeioulsz":
                word = word[:-1]  # sitt -> sit, runn -> run; not pee -> pe
            elif word.endswith("s") and not word.endswith("ss"):
                word += "e"  # decreas -> decrease, caus -> cause: no plural "s" left to strip
            return word
    return word


def normalize(text: str) -> str:
    """Return the order-free key under which *text* is indexed."""
    return " ".join(sorted(set(words(text))))


def _singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "ous")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes")):  # catches -> catch
        return word[:-2]
    if word.endswith("ae"):  # bursae -> bursa
        return word[:-1]
    if word.endswith("s"):
        return word[:-1]
    return word


def _negates(word: str, known: str) -> bool:
    """Whether *word* is *known* with a negating prefix: "afebrile" is not a misspelt "febrile"."""
    return any(word == prefix + known for prefix in ("a", "an", "un", "non", "in", "im", "dis"))


@dataclass(frozen=True, slots=True)
class Match:
    """A node found for a query, with how well and under which key it matched."""

    node_id: str
    score: float  # 1.0 exact; word-overlap F1 below that
    matched: str  # the label, synonym, code or id that matched


class TermIndex:
    """Index of every node's keys; built once per knowledge graph.

    Parameters
    ----------
    names : mapping of node id to an iterable of (text, weight) pairs
        The texts a node is known by.  Weight 1.0 for the label, id and codes,
        slightly less for synonyms, so a label wins a tie with another node's synonym.
    """

    def __init__(self, names: Mapping[str, Iterable[tuple[str, float]]]) -> None:
        keys: dict[str, list[tuple[float, str, str]]] = defaultdict(list)  # key -> (weight, id, text)
        labels: dict[str, str] = {}
        for node_id, texts in names.items():
            for text, weight in texts:
                labels.setdefault(node_id, text)
                key = normalize(text)
                if key:
                    keys[key].append((weight, node_id, text))
        self._setup(dict(keys), labels)

    @property
    def state(self) -> tuple[dict[str, list[tuple[float, str, str]]], dict[str, str]]:
        """What :meth:`from_state` needs to rebuild this index without normalizing every name again."""
        return self._keys, self._labels

    @classmethod
    def from_state(cls, state: tuple[dict, dict]) -> TermIndex:
        """Rebuild an index from its :attr:`state` (as kept by :mod:`painkg.cache`)."""
        self = cls.__new__(cls)
        keys, labels = state
        self._setup(dict(keys), dict(labels))
        return self

    def _setup(self, keys: dict[str, list[tuple[float, str, str]]], labels: dict[str, str]) -> None:
        self._keys, self._labels = keys, labels
        self._by_word: dict[str, set[str]] = defaultdict(set)  # word -> keys holding it
        for key in keys:
            for word in key.split():
                self._by_word[word].add(key)
        self._by_word = dict(self._by_word)
        self._vocabulary = sorted(self._by_word)
        self._sites = {n: _sites(words(label)) for n, label in labels.items()}  # where each node is
        # Rare words say more than common ones: "FADIR" identifies a node, "pain" does not.
        n = len(self._keys)
        # A word no key holds says nothing about which node is meant, only that the query says more
        # than the key: "previous breast cancer" is still "previous cancer".  It weighs half a
        # unique word, so one extra word is tolerated and a query mostly of unknown words is not.
        self._unseen = math.log(1 + n) / 2
        self._idf = {w: math.log(1 + n / len(keys)) for w, keys in self._by_word.items()}
        self._mass = {k: sum(self._idf[w] for w in k.split()) for k in self._keys}
        self._best: dict[str, Match | None] = {}
        self._corrected: dict[str, str] = {}

    def search(self, text: str, *, limit: int = 10) -> list[Match]:
        """Return the best matches for *text*, best first, one per node."""
        query = set(self._correct(self._join(words(text))))
        if not query:
            return []
        exact = " ".join(sorted(query))
        # a name written as said, when the key lost a word of it ("positive pregnancy test" keys as the test)
        said = " ".join(text.lower().split()) if len(text.split()) > len(query) else "\0"
        idf = self._idf
        query_mass = sum(idf.get(w, self._unseen) for w in query)
        scored: dict[str, Match] = {}
        candidates = {key for word in query for key in self._by_word.get(word, ())}
        sites = _sites(query)
        for key in candidates:
            key_words = key.split()
            shared = sum(idf[w] for w in key_words if w in query)
            precision, recall = shared / self._mass[key], shared / query_mass
            base = 1.0 if key == exact else 2 * precision * recall / (precision + recall) * EXACT
            for weight, node_id, matched in self._keys[key]:
                # "reduced lumbar ROM" is not "limited ROM" of the hip: a name at another site
                # (its own, or its node's) is another thing.
                where = _sites(key_words) or self._sites[node_id]
                if sites and where and where.isdisjoint(sites):
                    continue
                score = base * weight
                best = scored.get(node_id)
                if best is None or (matched.lower() == said, score) > (best.matched.lower() == said, best.score):
                    scored[node_id] = Match(node_id, round(score, 6), matched)
        # a name written as said first: "positive pregnancy test" is the finding of that name, not the test
        ranked = sorted(scored.values(), key=lambda m: (m.matched.lower() != said, -m.score, len(m.matched), m.node_id))
        return ranked[:limit]

    def best(self, text: str) -> Match | None:
        """Return the one node *text* names, or None; cached, as users repeat terms."""
        found: Match | None | Literal[False] = self._best.get(text, False)
        if found is False:
            matches = self.search(text, limit=1)
            found = matches[0] if matches and matches[0].score >= ACCEPT else None
            if found is None:
                found = self._misspelt_phrase(text)
            if len(self._best) >= _CACHE:
                self._best.clear()
            self._best[text] = found
        return found

    def resolve(self, text: str) -> Match:
        """Return the one node *text* names, or raise :class:`UnknownTermError`."""
        found = self.best(text)
        if found is None:
            raise UnknownTermError(text, self.suggest(text))
        return found

    def suggest(self, text: str, matches: list[Match] | None = None) -> list[str]:
        """Return up to five known terms closest to *text*, for error messages."""
        found = [self._readable(m.node_id, m.matched)
                 for m in (matches if matches is not None else self.search(text, limit=5))]
        close = difflib.get_close_matches(normalize(text), list(self._keys), n=5, cutoff=0.6)
        found += [self._readable(node_id, matched) for k in close for _, node_id, matched in self._keys[k][:1]]
        return list(dict.fromkeys(found))[:5]

    def _misspelt_phrase(self, text: str) -> Match | None:
        """Accept a long phrase with unknown words that is spelt almost like one key.

        Word-by-word correction misses "corda equina" ("corda" is nearer to "cord");
        the whole phrase is 0.83 like "cauda equina".  Short keys are left out, as
        "hip pain" and "lip pain" are as alike.
        """
        key = normalize(text)
        if len(key) < 10 or all(w in self._by_word for w in key.split()) or DENIAL_WORDS.intersection(key.split()):
            return None  # "nil numbness" is not a misspelt "genital numbness"
        close = difflib.get_close_matches(key, [k for k in self._keys if len(k) >= 10], n=1, cutoff=0.83)
        if not close:
            return None
        _, node_id, matched = max(self._keys[close[0]])
        return Match(node_id, ACCEPT, matched)

    def _readable(self, node_id: str, matched: str) -> str:
        """Name a node by what matched, or by its label when only its id did."""
        return self._labels[node_id] if matched == node_id else matched

    def _join(self, query: tuple[str, ...]) -> list[str]:
        """Join split compounds the KB writes as one word: "sacro-iliac" -> "sacroiliac"."""
        out: list[str] = []
        for word in query:
            if out and out[-1] not in self._by_word and out[-1] + word in self._by_word:
                out[-1] += word
            else:
                out.append(word)
        return out

    def _correct(self, query: Iterable[str]) -> list[str]:
        """Replace each unknown word by the closest known word, if one is close enough."""
        out = []
        for word in query:
            if word in self._by_word or len(word) < 5 or word.isdigit():
                out.append(word)
                continue
            fixed = self._corrected.get(word)
            if fixed is None:
                # One wrong letter in a short word is often another word ("scope" / "slope").
                cutoff = 0.8 if len(word) >= 7 else 0.85
                close = [c for c in difflib.get_close_matches(word, self._vocabulary, n=3, cutoff=cutoff)
                         # a typo adds, drops or swaps a letter; "palpitation" is not a misspelt "palpation"
                         if abs(len(c) - len(word)) <= 1 and not _negates(word, c)]
                if len(self._corrected) >= _CACHE:  # a service fed arbitrary text must not grow without bound
                    self._corrected.clear()
                fixed = self._corrected[word] = close[0] if close else word
            out.append(fixed)
        return out
