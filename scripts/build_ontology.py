"""Generate ontology/painkg.ttl (OWL) and ontology/shapes.ttl (SHACL) from painkg.kb.vocab.

Run ``python scripts/build_ontology.py`` after changing the vocabulary;
``tests/test_rdf.py`` fails while the checked-in files are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, Namespace

# The checkout's own painkg, not an installed copy: the files describe this tree's vocabulary.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from painkg import __version__  # noqa: E402
from painkg.rdf.dataset import DATA_LICENSE
from painkg.rdf.ntriples import CODE_IRIS, GRAPH, NAMESPACE, NUMBER_NAMES, REFERENCE, individual_name
from painkg.rdf.export import PAINKG, new_graph
from painkg.rdf.kgx import GRADE_FREQUENCIES, KIND_CATEGORIES, PREDICATES, RELATED_TO
from painkg.kb.vocab import (
    CODE_PATTERNS, EVIDENCE_KEYWORDS, Area, Grade, Kind, Population, Qualifier, Relation, Role,
)

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "painkg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
SHAPE = Namespace(NAMESPACE + "shapes#")
ONTOLOGY_IRI = URIRef(NAMESPACE + "schema")

OBO = Namespace("http://purl.obolibrary.org/obo/")


def _biolink(curie: str) -> URIRef:
    return BIOLINK[curie.removeprefix("biolink:")]


# Biolink mappings come from the KGX export's tables (painkg.rdf.kgx), which tests check
# against the Biolink model with bmt: each kind closeMatch its category; each relation
# closeMatch its predicate, or the inverse of it ([ owl:inverseOf biolink:treats ]) where
# Biolink writes it the other way; relations Biolink has no term for broadMatch related_to.
KIND_MAPPINGS = {kind: (SKOS.closeMatch, _biolink(category)) for kind, category in KIND_CATEGORIES.items()}
# Where Biolink writes a relation the other way round, the mapping names Biolink's own inverse predicate
# (checked with bmt in tests/test_kgx.py): a plain IRI, so the mapping stays an annotation in OWL 2 DL
# (an [ owl:inverseOf … ] blank node would be a property expression, which no annotation may hold).
BIOLINK_INVERSES = {"biolink:treats": "biolink:treated_by",
                    "biolink:preventative_for_condition": "biolink:has_preventative_intervention",
                    "biolink:diagnoses": "biolink:is_diagnosed_by"}
RELATION_MAPPINGS = {relation: (SKOS.closeMatch,
                                _biolink(BIOLINK_INVERSES[spec.predicate] if spec.inverted else spec.predicate))
                     for relation, spec in PREDICATES.items()}
# OWL 2 DL wants every term it uses declared, once, as one kind of entity.  The SKOS, Dublin Core and PROV
# terms painkg uses as annotations (mappings to Biolink, HPO and the SSSOM vocabularies are annotations,
# never object properties), and the external classes painkg's classes specialise:
ANNOTATION_PROPERTIES = (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.identifier,
                         DCTERMS.bibliographicCitation, SKOS.prefLabel, SKOS.altLabel, SKOS.definition,
                         SKOS.notation, SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
                         SKOS.relatedMatch)
EXTERNAL_CLASSES = (SKOS.Concept, PROV.Entity, DCTERMS.BibliographicResource)
EXTERNAL_OBJECT_PROPERTIES = (PROV.wasDerivedFrom,)
# Relations whose object is a treatment: the only ones a guideline qualifier applies to.
TREATMENT_RELATIONS = [r for r in Relation if r.range == frozenset({Kind.TREATMENT})]
DATATYPE_PROPERTIES = {  # name: (range, label, definition)
    "redFlag": (XSD.boolean, "red flag", "True when the node is a red flag that needs urgent care."),
    "priorProbability": (XSD.double, "prior probability", "Published prior probability of a condition, or base rate of an observable."),
    "pmid": (XSD.string, "PMID", "PubMed identifier(s) of a reference, as written in references.tsv."),
    "doi": (XSD.string, "DOI", "DOI(s) of a reference, as written in references.tsv."),
    "status": (XSD.string, "verification status", "How far the reference was verified."),
    "seen": (XSD.string, "seen at", "Addresses of the pages a curator read the reference on (space-separated)."),
    "defaultPrior": (XSD.double, "default prior", "Prior of a condition in a setting that gives it no prevalence."),
    "prevalence": (XSD.double, "prevalence", "Share of the setting's patients who have the condition."),
    "atLeast": (XSD.integer, "at least", "The rule holds when at least this many members of the cluster are positive."),
    **{name: (XSD.double, column.replace("_", " "), f"Published {column.replace('_', ' ')} of the edge.")
       for column, name in NUMBER_NAMES.items()},
}
OBJECT_PROPERTIES = {  # name: (range, label, definition)
    "region": (PAINKG.Area, "region", "The body area the node belongs to."),
    "priorGrade": (PAINKG.Grade, "prior grade", "Qualitative prior of a condition, or base-rate class of an observable, when no number is published."),
    "strength": (PAINKG.Grade, "strength", "How often the mechanism produces the effect."),
    "qualifier": (PAINKG.Qualifier, "guideline qualifier", "How a guideline rates the treatment."),
    "role": (PAINKG.Role, "role", "The part a condition plays in a trace when it is not an ordinary source."),
    "population": (PAINKG.Population, "population",
                   "Who the edge's number was measured in, when not patients with the complaint."),
    "setting": (PAINKG.Setting, "setting", "The setting a prior applies to."),
    "condition": (PAINKG.Condition, "condition", "The condition a prior or a cluster is about."),
    "member": (PAINKG.Node, "member", "A symptom, finding, test or activity of a cluster."),
    "rule": (PAINKG.ClusterRule, "rule", "A published threshold of a cluster (at least k positive)."),
    "memberList": (None, "member list", "The members (painkg:member) in their curated order, as an rdf:List."),
    "among": (PAINKG.Symptom, "among", "A presenting complaint of the patients a prevalence was measured in."),
    "amongList": (None, "among list", "The complaints (painkg:among) in their curated order, as an rdf:List."),
    "defines": (PAINKG.Node, "defines", "What every patient of a setting has: its priors assume it, so a trace does not count it again."),
    "definesList": (None, "defines list", "The defining findings (painkg:defines) in their curated order, as an rdf:List."),
    "appliesIn": (PAINKG.Setting, "applies in",
                  "A setting whose case mix a cluster rule's ratios were measured against: the rule decides only there."),
    "definesAbsent": (PAINKG.Node, "defines absent",
                      "What no patient of a setting has been found to have (the occult-fracture series: no fracture "
                      "on the radiograph): a trace does not count its denial again."),
    "ruleList": (None, "rule list", "The rules (painkg:rule) in the loader's order, highest threshold first, as an rdf:List."),
    "synonymList": (None, "synonym list", "The synonyms (skos:altLabel) in their curated order, as an rdf:List."),
    "codeList": (None, "code list", "The codes in their curated order, as an rdf:List."),
    "referenceList": (None, "reference list", "The evidence (prov:wasDerivedFrom) in its curated order, as an rdf:List."),
}
# rdf:List is reserved vocabulary, so the *List properties name it in their definition, not as a range.
# painkg:code links a node to an external term, like the skos:closeMatch it specialises: an annotation.
ANNOTATIONS = {"code": ("code", "An external code: an HPO term or an ICD-10-CM code.")}


def _describe(g: Graph, term: URIRef, kind: URIRef, label: str, definition: str) -> None:
    g.add((term, RDF.type, kind))
    g.add((term, RDFS.label, Literal(label, lang="en")))
    g.add((term, SKOS.definition, Literal(definition, lang="en")))
    g.add((term, RDFS.isDefinedBy, ONTOLOGY_IRI))


def _union(g: Graph, classes: list[URIRef]) -> URIRef | BNode:
    if len(classes) == 1:
        return classes[0]
    node, members = BNode(), BNode()
    Collection(g, members, classes)
    g.add((node, RDF.type, OWL.Class))
    g.add((node, OWL.unionOf, members))
    return node


def build_ontology() -> Graph:
    """Return the OWL ontology of painkg's kinds, relations and evidence properties."""
    g = new_graph()
    g.bind("owl", OWL)
    g.bind("biolink", BIOLINK)
    g.add((ONTOLOGY_IRI, RDF.type, OWL.Ontology))
    g.add((ONTOLOGY_IRI, DCTERMS.title, Literal("painkg: a clinical knowledge graph of the hip–spine syndrome", lang="en")))
    g.add((ONTOLOGY_IRI, DCTERMS.description, Literal(
        "Node kinds, relations and evidence properties of painkg, generated from painkg/vocab.py.", lang="en")))
    g.add((ONTOLOGY_IRI, DCTERMS.license, URIRef(DATA_LICENSE)))  # the data licence: LICENSE
    g.add((ONTOLOGY_IRI, OWL.versionInfo, Literal(__version__)))
    g.add((ONTOLOGY_IRI, OWL.versionIRI, URIRef(f"{NAMESPACE}schema/{__version__}")))
    _describe(g, PAINKG.Node, OWL.Class, "node", "A node of the painkg knowledge graph.")
    g.add((PAINKG.Node, RDFS.subClassOf, SKOS.Concept))
    for kind in Kind:
        cls = PAINKG[kind.value.capitalize()]
        _describe(g, cls, OWL.Class, kind.value, kind.definition)
        g.add((cls, RDFS.subClassOf, PAINKG.Node))
        if kind in KIND_MAPPINGS:
            g.add((cls, *KIND_MAPPINGS[kind]))
    classes = [PAINKG[k.value.capitalize()] for k in Kind]
    g.add((BNode(), RDF.type, OWL.AllDisjointClasses))
    disjoint = next(g.subjects(RDF.type, OWL.AllDisjointClasses))
    members = BNode()
    Collection(g, members, classes)
    g.add((disjoint, OWL.members, members))
    for relation in Relation:
        prop = PAINKG[relation.rdf_name]
        _describe(g, prop, OWL.ObjectProperty, relation.phrase, relation.definition)
        g.add((prop, SKOS.notation, Literal(relation.value)))
        g.add((prop, RDFS.domain, _union(g, sorted(PAINKG[k.value.capitalize()] for k in relation.domain))))
        g.add((prop, RDFS.range, _union(g, sorted(PAINKG[k.value.capitalize()] for k in relation.range))))
        if relation.spec.symmetric:
            g.add((prop, RDF.type, OWL.SymmetricProperty))
        if relation in RELATION_MAPPINGS:
            g.add((prop, *RELATION_MAPPINGS[relation]))
        else:
            g.add((prop, SKOS.broadMatch, _biolink(RELATED_TO)))
    _value_classes(g)
    for name, label, definition in MODEL_CLASSES:
        _describe(g, PAINKG[name], OWL.Class, label, definition)
        g.add((PAINKG[name], RDFS.subClassOf, PROV.Entity))
    _describe(g, PAINKG.Reference, OWL.Class, "reference", "A literature reference from references.tsv.")
    g.add((PAINKG.Reference, RDFS.subClassOf, DCTERMS.BibliographicResource))
    g.add((PAINKG.Reference, RDFS.subClassOf, PROV.Entity))
    for name, (range_, label, definition) in DATATYPE_PROPERTIES.items():
        _describe(g, PAINKG[name], OWL.DatatypeProperty, label, definition)
        g.add((PAINKG[name], RDFS.range, range_))
    for name, (range_, label, definition) in OBJECT_PROPERTIES.items():
        _describe(g, PAINKG[name], OWL.ObjectProperty, label, definition)
        if range_ is not None:
            g.add((PAINKG[name], RDFS.range, range_))
    for name, (label, definition) in ANNOTATIONS.items():
        _describe(g, PAINKG[name], OWL.AnnotationProperty, label, definition)
    g.add((PAINKG.code, RDFS.subPropertyOf, SKOS.closeMatch))
    for term in ANNOTATION_PROPERTIES:
        g.add((term, RDF.type, OWL.AnnotationProperty))
    for term in EXTERNAL_CLASSES:
        g.add((term, RDF.type, OWL.Class))
    for term in EXTERNAL_OBJECT_PROPERTIES:
        g.add((term, RDF.type, OWL.ObjectProperty))
    return g


MODEL_CLASSES = (  # graph-level tables of the model (docs/MODEL.md): name, label, definition
    ("Setting", "setting", "Where patients are seen (primary care, spine clinic…), which fixes the priors."),
    ("Prior", "prior", "A condition's published prevalence among the patients of a setting."),
    ("Cluster", "cluster", "Dependent findings scored as one observation."),
    ("ClusterRule", "cluster rule", "A cluster's published accuracy when at least k of its members are positive."),
)


def _value_classes(g: Graph) -> None:
    for enum, definition in ((Grade, "Qualitative strength of an edge or prior."),
                             (Area, "The body area a node belongs to."),
                             (Qualifier, "How a guideline rates a treatment."),
                             (Role, "The part a condition plays in a trace when it is not an ordinary source."),
                             (Population, "Who a number was measured in, when not patients with the complaint.")):
        cls = PAINKG[enum.__name__]
        _describe(g, cls, OWL.Class, enum.__name__.lower(), definition)
        members = []
        for value in enum:
            individual = PAINKG[individual_name(value)]
            g.add((individual, RDF.type, OWL.NamedIndividual))
            g.add((individual, RDF.type, cls))
            g.add((individual, RDFS.label, Literal(value.value, lang="en")))
            if value in GRADE_FREQUENCIES:  # the HPO frequency terms, range of biolink:frequency_qualifier
                g.add((individual, SKOS.closeMatch, OBO[GRADE_FREQUENCIES[value].replace(":", "_")]))
            members.append(individual)
        head = BNode()
        Collection(g, head, members)
        g.add((cls, OWL.oneOf, head))


# -- SHACL ----------------------------------------------------------------------------------------

def _rdf_list(g: Graph, items: list) -> BNode:
    head = BNode()
    Collection(g, head, items)
    return head


def _property(g: Graph, shape: URIRef, name: str, path: URIRef, message: str, **constraints) -> None:
    prop = SHAPE[f"{shape.split('#')[1]}-{name}"]
    g.add((shape, SH.property, prop))
    g.add((prop, RDF.type, SH.PropertyShape))
    g.add((prop, SH.path, path))
    g.add((prop, SH.message, Literal(message, lang="en")))
    for key, value in constraints.items():
        g.add((prop, SH[key], _rdf_list(g, value) if isinstance(value, list) else value))


def _values(enum) -> list[URIRef]:
    return [PAINKG[individual_name(v)] for v in enum]


def _classes(kinds) -> list[URIRef]:
    return [PAINKG[k.value.capitalize()] for k in sorted(kinds)]


def _class_constraint(g: Graph, shape: URIRef, kinds) -> None:
    classes = _classes(kinds)
    if len(classes) == 1:
        g.add((shape, SH["class"], classes[0]))
    else:
        g.add((shape, SH["or"], _rdf_list(g, [_class_node(g, c) for c in classes])))


def _class_node(g: Graph, cls: URIRef) -> BNode:
    node = BNode()
    g.add((node, SH["class"], cls))
    return node


def _node_shape(g: Graph, name: str, message: str | None = None) -> URIRef:
    shape = SHAPE[name]
    g.add((shape, RDF.type, SH.NodeShape))
    if message:
        g.add((shape, SH.message, Literal(message, lang="en")))
    return shape


def _sparql(g: Graph, shape: URIRef, message: str, select: str) -> None:
    constraint = BNode()
    g.add((shape, SH.sparql, constraint))
    g.add((constraint, RDF.type, SH.SPARQLConstraint))
    g.add((constraint, SH.message, Literal(message, lang="en")))
    g.add((constraint, SH.select, Literal(select)))
    prefixes = {"rdf": RDF, "prov": PROV, "painkg": PAINKG._NS}
    for prefix, base in prefixes.items():
        declaration = BNode()
        g.add((SHAPE[""], SH.declare, declaration))
        g.add((declaration, SH.prefix, Literal(prefix)))
        g.add((declaration, SH.namespace, Literal(str(base), datatype=XSD.anyURI)))
    g.add((constraint, SH.prefixes, SHAPE[""]))


def build_shapes() -> Graph:
    """Return SHACL shapes for painkg instance data, from the vocabulary's domains and ranges."""
    g = new_graph()
    g.bind("sh", SH)
    g.bind("shape", SHAPE)
    g.add((SHAPE[""], RDF.type, OWL.Ontology))
    _node_shapes(g)
    for relation in Relation:
        name, phrase = relation.rdf_name, relation.value
        domain = _node_shape(g, f"{name}-domain",
                             f"{phrase} starts at {', '.join(sorted(k.value for k in relation.domain))}")
        g.add((domain, SH.targetSubjectsOf, PAINKG[name]))
        _class_constraint(g, domain, relation.domain)
        range_ = _node_shape(g, f"{name}-range",
                             f"{phrase} ends at {', '.join(sorted(k.value for k in relation.range))}")
        g.add((range_, SH.targetObjectsOf, PAINKG[name]))
        _class_constraint(g, range_, relation.range)
    _evidence_shapes(g)
    return g


def _node_shapes(g: Graph) -> None:
    node = _node_shape(g, "Node")
    for kind in Kind:
        g.add((node, SH.targetClass, PAINKG[kind.value.capitalize()]))
    _property(g, node, "prefLabel", SKOS.prefLabel, "a node has exactly one skos:prefLabel (English text)",
              minCount=Literal(1), maxCount=Literal(1), **ENGLISH)
    _property(g, node, "altLabel", SKOS.altLabel, "skos:altLabel is English text", **ENGLISH)
    _property(g, node, "definition", SKOS.definition, "at most one skos:definition (English text)",
              maxCount=Literal(1), **ENGLISH)
    _property(g, node, "region", PAINKG.region, "a node has exactly one painkg:region (an Area)",
              minCount=Literal(1), maxCount=Literal(1), **{"in": _values(Area)})
    _property(g, node, "redFlag", PAINKG.redFlag, "painkg:redFlag is one boolean",
              maxCount=Literal(1), datatype=XSD.boolean)
    pattern = "|".join(f"^{CODE_IRIS[p]}{CODE_PATTERNS[p].pattern.strip('^$')}$" for p in sorted(CODE_IRIS))
    _property(g, node, "code", PAINKG.code, "painkg:code is an HPO or ICD-10-CM IRI",
              nodeKind=SH.IRI, pattern=Literal(pattern))
    _property(g, node, "evidence", PROV.wasDerivedFrom, f"evidence is a reference IRI ({REFERENCE}<key>)",
              nodeKind=SH.IRI, pattern=Literal(f"^{REFERENCE}"))
    condition = _node_shape(g, "Condition")
    g.add((condition, SH.targetClass, PAINKG.Condition))
    _property(g, condition, "priorGrade", PAINKG.priorGrade, "at most one prior grade",
              maxCount=Literal(1), **{"in": _values(Grade)})
    _property(g, condition, "priorProbability", PAINKG.priorProbability, "a prior probability is between 0 and 1",
              maxCount=Literal(1), datatype=XSD.double, minInclusive=Literal(0.0), maxInclusive=Literal(1.0))
    _property(g, condition, "role", PAINKG.role, "at most one painkg:role (a Role)",
              maxCount=Literal(1), **{"in": _values(Role)})
    others = _node_shape(g, "NotCondition")
    for kind in Kind:
        if kind is not Kind.CONDITION:
            g.add((others, SH.targetClass, PAINKG[kind.value.capitalize()]))
    _property(g, others, "role", PAINKG.role, "only a condition has a role", maxCount=Literal(0))
    # A condition's prior is its prevalence; an observable's is its base rate (docs/MODEL.md section 7).
    observable = _node_shape(g, "Observable")
    unrated = _node_shape(g, "Unrated")
    for kind in Kind:
        if kind in (Kind.SYMPTOM, Kind.FINDING, Kind.TEST, Kind.ACTIVITY):
            g.add((observable, SH.targetClass, PAINKG[kind.value.capitalize()]))
        elif kind is not Kind.CONDITION:
            g.add((unrated, SH.targetClass, PAINKG[kind.value.capitalize()]))
    _property(g, observable, "priorGrade", PAINKG.priorGrade, "at most one base-rate grade",
              maxCount=Literal(1), **{"in": _values(Grade)})
    _property(g, observable, "priorProbability", PAINKG.priorProbability, "a base rate is between 0 and 1",
              maxCount=Literal(1), datatype=XSD.double, minInclusive=Literal(0.0), maxInclusive=Literal(1.0))
    for name in ("priorGrade", "priorProbability"):
        _property(g, unrated, name, PAINKG[name], "only a condition (prevalence) or an observable (base rate) has a prior",
                  maxCount=Literal(0))


def _evidence_shapes(g: Graph) -> None:
    statement = _node_shape(g, "Statement")
    g.add((statement, SH.targetClass, RDF.Statement))
    relations = [PAINKG[r.rdf_name] for r in Relation]
    one = {"minCount": Literal(1), "maxCount": Literal(1)}
    _property(g, statement, "subject", RDF.subject, "one rdf:subject, a node", nodeKind=SH.IRI, **one)
    _property(g, statement, "predicate", RDF.predicate, "one rdf:predicate, a painkg relation",
              **{"in": relations}, **one)
    _property(g, statement, "object", RDF.object, "one rdf:object, a node", nodeKind=SH.IRI, **one)
    _property(g, statement, "strength", PAINKG.strength, "an edge has exactly one painkg:strength (a Grade)",
              **{"in": _values(Grade)}, **one)
    _property(g, statement, "evidence", PROV.wasDerivedFrom,
              f"an edge cites at least one reference ({', '.join(EVIDENCE_KEYWORDS)} or literature)",
              minCount=Literal(1), nodeKind=SH.IRI, pattern=Literal(f"^{REFERENCE}"))
    for column, name in NUMBER_NAMES.items():
        upper = {} if column.startswith("lr_") else {"maxInclusive": Literal(1.0)}
        limit = "a positive number" if column.startswith("lr_") else "a fraction between 0 and 1"
        _property(g, statement, name, PAINKG[name], f"{column} is one number, {limit}",
                  maxCount=Literal(1), datatype=XSD.double, minInclusive=Literal(0.0), **upper)
    _property(g, statement, "qualifier", PAINKG.qualifier, "at most one painkg:qualifier (a Qualifier)",
              maxCount=Literal(1), **{"in": _values(Qualifier)})
    _property(g, statement, "population", PAINKG.population, "at most one painkg:population (a Population)",
              maxCount=Literal(1), **{"in": _values(Population)})
    _property(g, statement, "note", RDFS.comment, "at most one note (text)", maxCount=Literal(1),
              datatype=XSD.string)
    # Whole-graph checks run once, on one focus node (the KB's graph IRI), not once per
    # statement: pyshacl evaluates a SPARQL constraint per focus node, 70x slower here.
    kb = _node_shape(g, "KnowledgeBase")
    g.add((kb, SH.targetNode, URIRef(GRAPH)))
    _sparql(g, kb, "{?value}: the statement describes an edge the graph does not assert",
            "SELECT $this ?value WHERE { ?value rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . "
            "FILTER NOT EXISTS { ?s ?p ?o } }")
    treatment = ", ".join(f"painkg:{r.rdf_name}" for r in TREATMENT_RELATIONS)
    _sparql(g, kb, f"{{?value}}: a qualifier applies only to {', '.join(r.value for r in TREATMENT_RELATIONS)}",
            f"SELECT $this ?value WHERE {{ ?value painkg:qualifier ?q ; rdf:predicate ?p . "
            f"FILTER (?p NOT IN ({treatment})) }}")
    # Bind the property through a UNION: with FILTER (?p IN …) rdflib tests NOT EXISTS on every
    # triple of the graph (minutes), and SHACL forbids VALUES and MINUS in constraints.
    numbers = " UNION ".join(f"{{ ?value painkg:{n} ?v }}" for n in NUMBER_NAMES.values())
    _sparql(g, kb, "{?value}: a published number needs a literature reference, not only seed/anatomy",
            f"SELECT DISTINCT $this ?value WHERE {{ {numbers} "
            f"FILTER NOT EXISTS {{ ?value prov:wasDerivedFrom ?r . ?r a painkg:Reference }} }}")
    edges = " UNION ".join(f"{{ ?value painkg:{r.rdf_name} ?o . BIND (painkg:{r.rdf_name} AS ?p) }}" for r in Relation)
    _sparql(g, kb, "{?value} {?p} {?o}: an edge needs its evidence: an rdf:Statement with strength and references",
            f"SELECT $this ?value ?p ?o WHERE {{ {edges} "
            f"FILTER NOT EXISTS {{ ?st rdf:subject ?value ; rdf:predicate ?p ; rdf:object ?o ; a rdf:Statement }} }}")
    _model_shapes(g)
    reference = _node_shape(g, "Reference")
    g.add((reference, SH.targetClass, PAINKG.Reference))
    _property(g, reference, "identifier", DCTERMS.identifier, "a reference has exactly one key (dcterms:identifier)",
              minCount=Literal(1), maxCount=Literal(1), datatype=XSD.string)
    for name, path in (("citation", DCTERMS.bibliographicCitation), ("pmid", PAINKG.pmid), ("doi", PAINKG.doi),
                       ("status", PAINKG.status), ("seen", PAINKG.seen)):
        _property(g, reference, name, path, f"at most one {name} (text)", maxCount=Literal(1), datatype=XSD.string)


ENGLISH = {"datatype": RDF.langString, "languageIn": [Literal("en")]}
_FRACTION = {"datatype": XSD.double, "minInclusive": Literal(0.0), "maxInclusive": Literal(1.0)}
_ONE = {"minCount": Literal(1), "maxCount": Literal(1)}


def _evidence_property(g: Graph, shape: URIRef, *, required: bool) -> None:
    _property(g, shape, "evidence", PROV.wasDerivedFrom,
              f"{'at least one' if required else 'each'} reference ({REFERENCE}<key>)", nodeKind=SH.IRI,
              pattern=Literal(f"^{REFERENCE}"), **({"minCount": Literal(1)} if required else {}))
    _property(g, shape, "note", RDFS.comment, "at most one note (text)", maxCount=Literal(1), datatype=XSD.string)


def _model_shapes(g: Graph) -> None:
    """Shapes of the model tables: settings, priors, clusters and their rules."""
    setting = _node_shape(g, "Setting")
    g.add((setting, SH.targetClass, PAINKG.Setting))
    _property(g, setting, "prefLabel", SKOS.prefLabel, "a setting has exactly one skos:prefLabel (English text)",
              **_ONE, **ENGLISH)
    _property(g, setting, "description", DCTERMS.description, "at most one description (English text)",
              maxCount=Literal(1), **ENGLISH)
    _property(g, setting, "defaultPrior", PAINKG.defaultPrior, "a default prior is one number between 0 and 1",
              maxCount=Literal(1), **_FRACTION)
    _evidence_property(g, setting, required=False)
    prior = _node_shape(g, "Prior")
    g.add((prior, SH.targetClass, PAINKG.Prior))
    _property(g, prior, "setting", PAINKG.setting, "a prior names exactly one painkg:Setting",
              **_ONE, **{"class": PAINKG.Setting})
    _property(g, prior, "condition", PAINKG.condition, "a prior names exactly one painkg:Condition",
              **_ONE, **{"class": PAINKG.Condition})
    _property(g, prior, "prevalence", PAINKG.prevalence, "a prior has exactly one prevalence between 0 and 1",
              **_ONE, **_FRACTION)
    _property(g, prior, "among", PAINKG.among, "painkg:among names symptoms (the presenting complaints)",
              **{"class": PAINKG.Symptom})
    _evidence_property(g, prior, required=True)
    cluster = _node_shape(g, "Cluster")
    g.add((cluster, SH.targetClass, PAINKG.Cluster))
    _property(g, cluster, "prefLabel", SKOS.prefLabel, "a cluster has exactly one skos:prefLabel (English text)",
              **_ONE, **ENGLISH)
    _property(g, cluster, "condition", PAINKG.condition, "at most one painkg:condition (a Condition)",
              maxCount=Literal(1), **{"class": PAINKG.Condition})
    observable = [_class_node(g, PAINKG[k.value.capitalize()])
                  for k in (Kind.ACTIVITY, Kind.FINDING, Kind.SYMPTOM, Kind.TEST)]
    _property(g, cluster, "member", PAINKG.member, "a cluster has two or more members: symptoms, findings, tests "
              "or activities", minCount=Literal(2), **{"or": observable})
    _property(g, cluster, "rule", PAINKG.rule, "a rule is a painkg:ClusterRule", **{"class": PAINKG.ClusterRule})
    rule = _node_shape(g, "ClusterRule")
    g.add((rule, SH.targetClass, PAINKG.ClusterRule))
    _property(g, rule, "atLeast", PAINKG.atLeast, "a rule has exactly one painkg:atLeast, a whole number from 1",
              **_ONE, datatype=XSD.integer, minInclusive=Literal(1))
    for column, name in NUMBER_NAMES.items():
        if column != "frequency":
            upper = {} if column.startswith("lr_") else {"maxInclusive": Literal(1.0)}
            _property(g, rule, name, PAINKG[name], f"{column} is one number from 0" + ("" if upper else " to 1"),
                      maxCount=Literal(1), datatype=XSD.double, minInclusive=Literal(0.0), **upper)
    _evidence_property(g, rule, required=False)


def main(argv: list[str] | None = None) -> int:
    """Write both files; with ``--check``, only report whether they are up to date."""
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for path, graph in ((ONTOLOGY, build_ontology()), (SHAPES, build_shapes())):
        if check:
            # Blank-node order varies between runs, so compare graphs, not text.
            if not path.is_file() or not isomorphic(graph, Graph().parse(path, format="turtle")):
                stale.append(path.name)
        else:
            path.write_text(graph.serialize(format="turtle"), encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)} ({len(graph)} triples)")
    if stale:
        print(f"stale: {', '.join(stale)} (run python scripts/build_ontology.py)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
