"""Stores of record graphs: the `Store` protocol and its embedded Oxigraph implementation."""

from advocacy_ld.store.base import ExportFormat, QueryResult, Store
from advocacy_ld.store.oxigraph import OxigraphStore, open_store

__all__ = ["ExportFormat", "OxigraphStore", "QueryResult", "Store", "open_store"]
