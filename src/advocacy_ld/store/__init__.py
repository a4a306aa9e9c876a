"""Stores of record graphs: the `Store` protocol, embedded Oxigraph, and a remote SPARQL server."""

from advocacy_ld.store.base import ExportFormat, QueryResult, Store
from advocacy_ld.store.opening import open_store
from advocacy_ld.store.oxigraph import OxigraphStore
from advocacy_ld.store.sparql import SparqlStore

__all__ = ["ExportFormat", "OxigraphStore", "QueryResult", "SparqlStore", "Store", "open_store"]
