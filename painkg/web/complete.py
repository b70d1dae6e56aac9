"""The search box's suggestions: what the words mean, then word beginnings, abbreviations first.

``kg.index.search`` matches whole words (and corrects misspellings); a search box must also
complete a word being typed ("lumb", "thig", "sitt", "stenos").  :func:`complete` ranks, best
first, one row per node:

1. **what the text says**: when the reader reads every word of it ("60-year-old" is *age over
   50*, "pins and needles" is *tingling*, "pain worse with walking" is *walking*, worse with);
2. **an abbreviation** (a name of capitals and digits: SLR, CES, LBP, FADIR) equal to the text,
   then a name equal to it;
3. **an abbreviation** the text begins ("FAD" → FADIR);
4. a name that **begins** with the text (label before synonym);
5. a name each of whose words **begins** with a word of the text, in any order ("lumb" → *lumbar
   spinal stenosis*, *lumbar pain*; "thig pain" → *thigh pain*);
6. the term index's own matches (whole words, spelling corrected), only when they share
   enough of the text (score :data:`FLOOR`): "hip pinning" is not "pins and needles".

Within a tier a label comes before a synonym, a symptom before a finding, an activity, a test
and a condition (what a case is mostly built from), then the shorter name.  A code is matched
whole from its start ("M16.1"), never by a number inside it.  Filler words ("the", "of",
"and") are ignored unless the text is nothing else.

>>> [r["id"] for r in complete(kg, "thig", limit=2)]
['thigh-pain', 'exertional-thigh-pain']
>>> complete(kg, "SLR", limit=1)[0]["id"]
'slr-test'
"""

from __future__ import annotations

import bisect
import re
import unicodedata
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..kb.graph import KnowledgeGraph

__all__ = ["complete", "FLOOR", "LONGEST"]

#: Least score of the term index's own match to be offered after the completions.
FLOOR = 0.6
#: Longest text completed (characters).
LONGEST = 200
#: Fewest characters that complete a code ("M16" does, "60" does not).
SHORTEST_CODE = 3
#: Within a tier, what a case is usually built from comes first.
_KIND_RANK = {"symptom": 0, "finding": 1, "activity": 2, "test": 3, "condition": 4}
_FILLER = frozenset("a an the of in on at to and or with my is are has have for by from".split())
_WORD = re.compile(r"[0-9a-z]+")
_ABBREVIATION = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")
_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


class _Names:
    """Every name of every node, folded and split into words, with a sorted word list for prefixes."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        # id, name, folded, words, label (0) / synonym (1) / code (2), abbreviation?, kind's rank
        self.names: list[tuple[str, str, str, tuple[str, ...], int, bool, int]] = []
        by_word: dict[str, set[int]] = {}
        codes: dict[str, list[int]] = {}
        for node_id, data in kg.graph.nodes(data=True):
            rank = _KIND_RANK.get(data["kind"].value, len(_KIND_RANK))
            names = [(data["label"], 0)] + [(s, 1) for s in data.get("synonyms", ())]
            names += [(c.split(":", 1)[-1], 2) for c in data.get("codes", ())]
            for name, source in dict.fromkeys(names):
                words = tuple(_words(name))
                if not words:
                    continue
                at = len(self.names)
                self.names.append((node_id, name, " ".join(words), words, source,
                                   source != 2 and bool(_ABBREVIATION.match(name.strip())), rank))
                if source == 2:  # a code is matched whole, from its start ("M16", "M16.1"), never by a word in it
                    codes.setdefault(_fold(name), []).append(at)
                    continue
                for w in words:
                    by_word.setdefault(w, set()).add(at)
        self.codes = sorted(codes.items())
        self.vocabulary = sorted(by_word)
        self.by_word = by_word

    def codes_beginning(self, prefix: str) -> set[int]:
        """Codes that begin with *prefix* (at least :data:`SHORTEST_CODE` characters of it)."""
        out: set[int] = set()
        if len(prefix) < SHORTEST_CODE:
            return out
        at = bisect.bisect_left(self.codes, (prefix,))
        while at < len(self.codes) and self.codes[at][0].startswith(prefix):
            out.update(self.codes[at][1])
            at += 1
        return out

    def beginning(self, prefix: str) -> set[int]:
        """Names holding a word that begins with *prefix*."""
        out: set[int] = set()
        at = bisect.bisect_left(self.vocabulary, prefix)
        while at < len(self.vocabulary) and self.vocabulary[at].startswith(prefix):
            out |= self.by_word[self.vocabulary[at]]
            at += 1
        return out


def _names(kg: KnowledgeGraph) -> _Names:
    found = _INDEXES.get(kg)
    if found is None:
        found = _INDEXES[kg] = _Names(kg)
    return found


def complete(kg: KnowledgeGraph, text: str, *, limit: int = 8,
             keep: Callable[[str], bool] = lambda node_id: True) -> list[dict]:
    """Up to *limit* suggestions for *text*, best first: ``{"id", "matched", "relation"?}`` per node.

    *keep* says which node ids may be offered (for example only what a case can hold).
    """
    text = text.strip()[:LONGEST]
    words = _words(text)
    if not words:
        return []
    meaningful = [w for w in words if w not in _FILLER] or words
    names = _names(kg)
    ranked: dict[str, tuple[tuple, dict]] = {}

    def offer(node_id: str, rank: tuple, matched: str, relation: str | None = None) -> None:
        if not keep(node_id):
            return
        seen = ranked.get(node_id)
        if seen is None or rank < seen[0]:
            row = {"id": node_id, "matched": matched}
            if relation:
                row["relation"] = relation
            ranked[node_id] = (rank, row)

    # 1. What the reader makes of the whole text (every word read), as a case would hold it.
    for order, (node_id, relation) in enumerate(_read(kg, text)):
        offer(node_id, (0, order), text, relation)
    # 2–5. Names against the words typed; the last word may be cut short, so every word is a prefix.
    folded = " ".join(words)
    hits: set[int] | None = None
    for w in meaningful:
        found = names.beginning(w)
        hits = found if hits is None else hits & found
        if not hits:
            break
    for at in (hits or set()) | names.codes_beginning(_fold(text)):
        node_id, name, name_folded, name_words, source, is_abbreviation, kind_rank = names.names[at]
        if name_folded == folded or (source == 2 and _fold(name) == _fold(text)):
            tier = 1 if is_abbreviation else 2
        elif is_abbreviation and name_folded.startswith(folded):
            tier = 3
        elif name_folded.startswith(folded) or source == 2:
            tier = 4
        elif _in_order(meaningful, name_words):
            tier = 5
        else:
            tier = 6
        offer(node_id, (tier, source, kind_rank, len(name), name), name)
    # 6. The term index (whole words, corrected spelling), when it matches well enough.
    if len(ranked) < limit:
        for m in kg.index.search(text, limit=max(limit * 5, 40)):
            if m.score >= FLOOR:
                offer(m.node_id, (7, -m.score, len(m.matched), m.matched), m.matched)
    rows = sorted(ranked.values(), key=lambda r: r[0])
    return [row for _, row in rows[:limit]]


def _in_order(query: list[str], name: tuple[str, ...]) -> bool:
    """Whether each query word begins a name word, the name words taken in order."""
    at = 0
    for q in query:
        while at < len(name) and not name[at].startswith(q):
            at += 1
        if at == len(name):
            return False
        at += 1
    return True


def _read(kg: KnowledgeGraph, text: str) -> Iterable[tuple[str, str | None]]:
    """The findings the reader finds stated or suspected in *text*, when it reads every word
    (as a case holds them: "60-year-old" is over 50, not also over 40)."""
    from .case import read_findings

    said = kg.read(text)
    if said.unread:
        return []
    return [(f.id, f.relation) for f in read_findings(kg, said) if f.state in ("present", "possible")]
