"""The model: namespaces, and the ontology, vocabularies, shapes and JSON-LD context files."""

from advocacy_ld.model.loader import Model, load_context, load_model

__all__ = ["Model", "load_context", "load_model"]
