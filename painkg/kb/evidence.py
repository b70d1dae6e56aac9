"""What kind of evidence a reference is, derived from its citation by a fixed rule.

``references.tsv`` has no design column; the kind is read from the citation's own words, so a
new reference is classed without anyone filling in a field.  The rule, first match wins
(words are matched case-insensitively, whole words):

1. the keys ``seed`` (the article painkg started from) and ``anatomy`` (textbook anatomy);
2. **guideline**: guideline, guidance, NICE NG/CG/QS, CPG, consensus, recommendations,
   agreement meeting, pathway, quality standard, practice parameter;
3. **systematic review**: systematic review, meta-analysis, Cochrane, "Does this (older adult|
   patient) … have" (JAMA's Rational Clinical Examination, systematic reviews of the examination);
4. **case report**: case study, case report, teaching case, "case:";
5. **textbook** (a textbook or a reference page): textbook, chapter, ch. N, Harrison's,
   StatPearls, Medscape, eMedicine, Access…Medicine, AccessPediatrics, Best Practice,
   orthobullets, JAMAevidence, a notebook, OpenAnesthesia, MedicalAlgorithms, "secondary
   clinical reference", "secondary teaching page", "keyword page";
6. **cohort or cross-sectional study**: cohort, cross-sectional, prospective, retrospective,
   population-based, prevalence, incidence, validation, derivation, prediction rule or
   algorithm, accuracy, reliability, validity, criteria, survey, series, "N (…) patients /
   athletes / participants / cases / adults / women / men / children / referrals / hips",
   "a review of N", predictive value, predictors, study, trial;
7. **narrative review**: review, current concepts or perspectives, "what … needs to know", an
   overview of evaluation, diagnosis or management, pathogenesis, clinical features, approach;
8. otherwise **not stated** (the citation does not say).

A small table, :data:`READ`, gives the design of bundled references whose citation does not
name it, as read from the source; it is consulted before the rule.

Evidence **weaker than a cohort** is a case report, a narrative review, a textbook, the seed
article or anatomy (:func:`weaker_than_cohort`); a guideline, a systematic review and a cohort
or cross-sectional study are not.  A design not stated is neither: it is shown as such.

>>> kind("moore_hipback", "Moore MR et al., Differentiating hip versus back pathology: a case study")
'case-report'
>>> kind("x", "NICE NG59 Low back pain and sciatica in over 16s (2016, updated 2020)")
'guideline'
>>> weaker_than_cohort("case-report"), weaker_than_cohort("systematic-review")
(True, False)
"""

from __future__ import annotations

import re

__all__ = ["KINDS", "kind", "weaker_than_cohort", "READ"]

#: Each kind's id and how the explorer names it, from the strongest to the weakest.
KINDS = {
    "guideline": "guideline",
    "systematic-review": "systematic review",
    "cohort": "cohort or cross-sectional study",
    "narrative-review": "narrative review",
    "case-report": "case report",
    "textbook": "textbook or reference page",
    "anatomy": "anatomy",
    "seed": "seed article",
    "not-stated": "design not stated",
}
_STRONG = frozenset({"guideline", "systematic-review", "cohort"})
_WEAK = frozenset({"narrative-review", "case-report", "textbook", "anatomy", "seed"})

_RULES = [
    ("guideline", r"guideline|guidelines|guidance|nice (ng|cg|qs)\s?\d+|cpg|consensus|recommendations?|"
                  r"agreement meeting|pathway|quality standard|practice parameter"),
    ("systematic-review", r"systematic review|meta-?analysis|cochrane|does this (older adult|patient)\b.*\bhave"),
    ("case-report", r"case study|case report|teaching case|case(?=:)"),
    ("textbook", r"textbook|chapter|ch\. ?\d+|harrison's|statpearls|medscape|emedicine|access\w*medicine|"
                 r"accesspediatrics|best practice|orthobullets|jamaevidence|notebook|openanesthesia|medicalalgorithms|"
                 r"secondary clinical reference|secondary teaching page|keyword page"),
    ("cohort", r"cohorts?|cross-sectional|prospective|retrospective|population-based|prevalence|incidence|"
               r"validation|validated|derivation|prediction (rule|algorithm)s?|accuracy|reliability|validity|"
               r"criteria|survey|series|\d[\d,]* (\w+ ){0,2}(patients|athletes|participants|cases|adults|women|men|"
               r"children|referrals|hips)|a review of \d+|predictive value|predictors|study|trial"),
    ("narrative-review", r"review|current concepts|current perspectives|what .* needs to know|evaluation and|"
                         r"diagnosis and (treatment|management)|pathogenesis|clinical features|approach|integrating"),
]
_COMPILED = [(k, re.compile(rf"\b(?:{pattern})\b", re.I)) for k, pattern in _RULES]

#: Bundled references whose citation does not name the design, as read from the source.
READ = {
    "devin2012": "narrative-review",
    "lesher2008": "cohort",  # 51 patients: where pain relieved by a hip joint injection had been
    "khan2004": "cohort",  # patients with hip OA awaiting replacement: where the pain is
    "slipman2000": "cohort",  # 50 patients with injection-confirmed SIJ pain
    "kurosawa2015": "cohort",
    "laslett2005": "cohort",  # diagnostic accuracy against double injection
    "vanderwurff2006": "cohort",
    "depalma2011": "cohort",  # a retrospective review of injection results
    "booth2019": "narrative-review",
    "reiman2015": "systematic-review",
    "konno2007": "cohort",
    "sasaki2014": "cohort",
    "yukawa1997": "cohort",
    "lee2008derm": "systematic-review",  # a review of the dermatome studies, redrawn as one map
    "downs_dermmaps": "narrative-review",
    "lequesne2008": "cohort",
    "grimaldi2017": "cohort",
    "hopayian2018": "systematic-review",
    "anderson2016": "narrative-review",
    "vigotsky2016": "cohort",
    "bengalim2007": "cohort",
    "redmond2014": "cohort",
    "prather2012": "cohort",
    "prather2017": "cohort",
    "birnbaum1997": "anatomy",  # cadaver dissections of the hip's nerves
    "dibra2018": "case-report",
    "downie2013": "systematic-review",
    "cibulka2017": "guideline",  # the JOSPT clinical practice guideline, revised
    "wong2022": "narrative-review",
    "parisi2011": "cohort",
    "patijn2011": "guideline",  # a chapter of an evidence-based practice guideline series
    "davis2004": "cohort",
    "darouiche2006": "narrative-review",
    "trainor2011": "cohort",
    "babis2011": "narrative-review",
    "johnson1994": "cohort",
    "fnbsi_military": "cohort",
    "revel1998": "cohort",
    "laslett2004": "cohort",
    "masci2006": "cohort",
    "radcliff2009": "narrative-review",
    "hugo2012": "narrative-review",
    "maher2017": "narrative-review",
    "hartvigsen2018": "narrative-review",
    "sendi_sea": "cohort",
    "cook2011": "cohort",
    "deyo1988": "cohort",
    "glad_lss2023": "cohort",
    "jarvik2002": "narrative-review",
    "ankarath2002": "cohort",
    "assar2009": "narrative-review",
    "grant2011": "cohort",
    "graul2020": "cohort",
    "isu2018": "narrative-review",
    "loder2011": "narrative-review",
    "rudwaleit2004": "narrative-review",
    "rudwaleit2006": "narrative-review",
    "schindler2007": "narrative-review",
    "khan2006": "systematic-review",
    "nunley2011": "cohort",
}


def kind(key: str, citation: str = "") -> str:
    """The kind of evidence a reference key with this citation is (an id of :data:`KINDS`)."""
    if key in ("seed", "anatomy"):
        return key
    if key in READ:
        return READ[key]
    for name, pattern in _COMPILED:
        if pattern.search(citation):
            return name
    return "not-stated"


def weaker_than_cohort(name: str) -> bool:
    """Whether evidence of this kind is weaker than a cohort or cross-sectional study ("not-stated": no)."""
    return name in _WEAK
