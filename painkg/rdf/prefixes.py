"""One prefix map for every CURIE painkg writes: its own namespaces and the standard vocabularies.

painkg's IRIs live under one w3id.org namespace, with distinct CURIE prefixes for the schema and
the data, so that any two of painkg's maps (Turtle, KGX, SSSOM) can be merged (``curies.chain``)
without a prefix meaning two things:

* ``painkg:``  the schema (classes and properties of ``ontology/painkg.ttl``; KGX ``original_predicate``);
* ``painkg.node:`` / ``painkg.edge:``  the nodes and edges in KGX and SSSOM.  The RDF export binds
  the same namespaces to the short ``node:`` and ``edge:`` its SPARQL users know; a prefix map may hold
  two prefixes for one namespace (curies keeps the second as a synonym), never one prefix for two.

The standard vocabularies use the IRIs of Biolink's JSON-LD context (biolink/biolink-model at ebaa35d,
``project/jsonld/biolink_model.context.jsonld``): OBO PURLs, ``http://snomed.info/id/`` for SNOMED CT and
``http://identifiers.org/umls/`` for UMLS.  Where Biolink is silent (ICD-10-CM) the IRI is Bioregistry's
(``prefixmaps`` 0.2.6, ``bioregistry.csv``).  A test checks both.

>>> PREFIX_MAP["SNOMEDCT"]
'http://snomed.info/id/'
"""

from __future__ import annotations

__all__ = ["NAMESPACE", "SCHEMA", "NODE", "EDGE", "NODE_PREFIX", "EDGE_PREFIX", "SCHEMA_PREFIX", "STANDARD",
           "PREFIX_MAP", "FORMER_IRIS"]

#: The one namespace every painkg IRI lives under (a w3id.org permanent-URL prefix).
NAMESPACE = "https://w3id.org/painkg/"
SCHEMA = NAMESPACE + "schema#"  # classes and properties of ontology/painkg.ttl
NODE = NAMESPACE + "node/"
EDGE = NAMESPACE + "edge/"

SCHEMA_PREFIX = "painkg"
NODE_PREFIX = "painkg.node"
EDGE_PREFIX = "painkg.edge"

#: The standard vocabularies painkg's mappings and codes use (Biolink's IRIs; Bioregistry's for ICD10CM).
STANDARD = {
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "ICD10CM": "https://icd.codes/icd10cm/",
    "MAXO": "http://purl.obolibrary.org/obo/MAXO_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "OBI": "http://purl.obolibrary.org/obo/OBI_",
    "SNOMEDCT": "http://snomed.info/id/",
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_",
    "UMLS": "http://identifiers.org/umls/",
}

#: Every prefix a painkg KGX or SSSOM file uses.
PREFIX_MAP = {SCHEMA_PREFIX: SCHEMA, NODE_PREFIX: NODE, EDGE_PREFIX: EDGE, **STANDARD}

#: IRIs earlier painkg versions wrote for a code system; read back as that system, never written.
FORMER_IRIS = {
    "ICD10CM": "http://purl.bioontology.org/ontology/ICD10CM/",
    "SNOMEDCT": "http://identifiers.org/snomedct/",
}
