"""Representations of graphs: Turtle, JSON-LD (project context), N-Triples, RDF/XML."""
