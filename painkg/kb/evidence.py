"""What kind of evidence a reference is, derived from its citation by a fixed rule.

``references.tsv`` has no design column; the kind is read from the citation's own words, so a
new reference is classed without anyone filling in a field.  The rule, first match wins
(words are matched case-insensitively, whole words):

1. the keys ``seed`` (the article painkg started from) and ``anatomy`` (textbook anatomy);
2. **guideline**: guideline, guidance, NICE NG/CG/QS/TA, CPG, consensus, recommendations,
   agreement meeting, pathway, quality standard, practice parameter, technology appraisal;
3. **systematic review**: systematic review, meta-analysis, Cochrane, "Does this … have"
   (JAMA's Rational Clinical Examination, systematic reviews of the examination);
4. **case report**: case study, case report, teaching case, "case:";
5. **textbook** (a textbook or a reference page): textbook, chapter, ch. N, Harrison's,
   StatPearls, Medscape, eMedicine, Access… Medicine, AccessPediatrics, AccessSurgery,
   McGraw-Hill, Best Practice, orthobullets, JAMAevidence, a notebook, a manual (MSD, Merck),
   UpToDate, Radiopaedia, VisualDx, OpenAnesthesia, Medical Algorithms, KnowledgeNow,
   OrthoVellum, OrthoNet, a case book, an educational poster, patient information, a teaching,
   topic or keyword page, "secondary clinical reference";
6. **cohort or cross-sectional study**: cohort, cross-sectional, prospective, retrospective,
   population-based, prevalence, incidence, validation, derivation, prediction rule or
   algorithm, accuracy, reliability, validity, criteria, survey, series, "N (…) patients /
   athletes / participants / cases / adults / women / men / children / referrals / hips",
   "a review of N", predictive value, predictors, diagnostic performance, "analysis of",
   "usefulness of", "characteristics of", risk factors, study, trial;
7. **narrative review**: review (or Rev), current concepts or perspectives, "what … needs to
   know", an overview of evaluation, diagnosis or management, a differential or missed
   diagnosis, pathogenesis, clinical features, approach, "how to treat", Am Fam Physician (its
   clinical reviews);
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
    ("guideline", r"guideline|guidelines|guidance|nice (ng|cg|qs|ta)\s?\d+|cpg|consensus|recommendations?|"
                  r"agreement meeting|pathway|quality standard|practice parameter|technology appraisal"),
    ("systematic-review", r"systematic review|meta-?analysis|cochrane|does this .{1,30}have"),
    ("case-report", r"case study|case report|teaching case|case(?=:)"),
    ("textbook", r"textbook|chapter|ch\. ?\d+|harrison's|statpearls|medscape|emedicine|access\w*( \w+)? ?medicine|"
                 r"accesspediatrics|accesssurgery|mcgraw-hill|best practice|orthobullets|jamaevidence|notebook|"
                 r"openanesthesia|medicalalgorithms|medical algorithms|secondary clinical reference|"
                 r"teaching (page|site|cases)|keyword page|topic page|manual|uptodate|radiopaedia|visualdx|"
                 r"knowledgenow|orthovellum|orthonet|patient information|educational poster|case book|"
                 r"orthopaedic knowledge online"),
    ("cohort", r"cohorts?|cross-sectional|prospective|retrospective|population-based|prevalence|incidence|"
               r"validation|validated|derivation|prediction (rule|algorithm)s?|accuracy|reliability|validity|"
               r"criteria|survey|series|\d[\d,]* (\w+ ){0,2}(patients|athletes|participants|cases|adults|women|men|"
               r"children|referrals|hips)|a review of \d+|predictive value|predictors|diagnostic performance|"
               r"analysis of|usefulness of|characteristics of|risk factors|study|trial"),
    ("narrative-review", r"review|rev|current concepts|current perspectives|what .* needs to know|evaluation and|"
                         r"diagnosis and (treatment|management)|differential diagnosis|missed diagnosis|pathogenesis|"
                         r"clinical features|approach|integrating|how to treat|am fam physician"),
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
