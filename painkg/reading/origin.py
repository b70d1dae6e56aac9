"""Where a patient comes from, when that is a tuberculosis exposure.

A note says "moved from Somalia eighteen months ago", "Nigerian-born", "phone interpreter (Somali)" where a
guideline says "origin in a high-incidence country".  ``ontology/tb-countries.tsv`` holds the countries of the
WHO high-burden lists the KB cites, with the names and demonyms notes use; this module finds them said as the
patient's origin or stay.  A country it does not list is read as nothing, never as a low risk.
"""

from __future__ import annotations

import functools
import re

from .lexicon import _folder

__all__ = ["EXPOSURE", "find"]

#: The KB node a high-burden origin states.
EXPOSURE = "tuberculosis-exposure"

#: Words that make a country the patient's origin or stay: "from", "born in", "arrived from", "lived in".
_CAME = (r"(?:(?:moved|came|come|comes|migrated|emigrated|immigrated|arrived|fled|returned|back|visiting|recently)\s+"
         r"(?:here\s+|to\s+the\s+uk\s+|to\s+england\s+)?from|(?:originally|is|was|he's|she's|they're|family)\s+from|"
         r"(?:refugee|migrant|immigrant|asylum seeker)s?\s+from|born\s+(?:and\s+raised\s+)?in|grew\s+up\s+in|native\s+of|"
         r"(?:lived|living|lives|worked|working|stayed|travel(?:l)?ed|trip|holiday|holidays|visit|visited)\s+(?:in|to)|"
         r"visited|from)")
#: Words after a demonym that make it the patient's origin: "Somali man", "Nigerian-born", "Zimbabwean refugee".
_PERSON = (r"(?:man|woman|men|women|male|female|boy|girl|gentleman|lady|patient|refugee|migrant|immigrant|national|"
           r"asylum seeker|family|student|-born|born|speaker|-speaking|speaking)")


@functools.lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str] | None:
    path = _folder() / "tb-countries.tsv"
    if not path.is_file():
        return None
    countries: list[str] = []
    people: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("country\t"):
            continue
        country, other, demonyms, *_ = line.split("\t")
        countries += [country, *filter(None, other.split("|"))]
        people += list(filter(None, demonyms.split("|")))
    by_length = lambda names: "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))  # noqa: E731
    place, person = by_length(countries), by_length(people)
    return re.compile(rf"\b(?:{_CAME}\s+(?:the\s+)?(?:{place})|(?:{place})-born|(?P<people>{person})(?=\s*{_PERSON}\b)|"
                      rf"interpreter\s*\(?\s*(?:{person})\)?)(?!\w)", re.IGNORECASE)


def find(text: str) -> list[tuple[int, int]]:
    """Where *text* says the patient comes from, was born in or stayed in a high-burden country.

    >>> find("38M, came to UK 2 yrs ago from Somalia")
    [(26, 38)]
    >>> find("chicken from Chinese takeaway")
    []
    """
    pattern = _pattern()
    if pattern is None:
        return []
    # "Chinese woman": the demonym is the origin; the woman stays the patient's sex
    return [m.span("people") if m.group("people") else m.span() for m in pattern.finditer(text)]
