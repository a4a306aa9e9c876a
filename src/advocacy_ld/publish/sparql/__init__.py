"""The SPARQL 1.1 Protocol endpoint, minus the web framework (DESIGN.md §6, §7).

Nothing is imported here on purpose: the worker processes import only what evaluating a query
needs (`worker`, `evaluate`, `results`), so they start in tens of milliseconds.
"""
