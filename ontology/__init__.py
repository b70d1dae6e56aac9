"""The bundled knowledge base and ontology files, shipped as package data (painkg.ontology)."""
