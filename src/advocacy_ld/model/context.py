"""Resolve `@context` references in JSON-LD input without ever touching the network.

Only the project's own context IRI is accepted by reference; it is replaced by the local file.
Inline contexts are accepted. Any other reference (a URL, `@import`) is refused (JSON-LD 1.1
§4.1 "Context Definitions"): fetching it would leak the caller's intent and can stall a server.
"""

from __future__ import annotations

from typing import Any

from advocacy_ld.errors import RemoteContextRefusedError
from advocacy_ld.model.namespaces import CONTEXT_IRI


def inline_contexts(
    document: Any, local_context: dict[str, Any], source: str, accepted: frozenset[str]
) -> Any:
    """Return `document` with every accepted context reference replaced by the local context.

    `accepted` holds the IRIs that name the project context (its w3id IRI and the deployment's
    own `/context.jsonld`).
    """
    if isinstance(document, list):
        return [inline_contexts(item, local_context, source, accepted) for item in document]
    if not isinstance(document, dict):
        return document
    resolved: dict[str, Any] = {}
    for key, value in document.items():
        if key == "@context":
            resolved[key] = _resolve_context_value(value, local_context, source, accepted)
        elif key == "@import":
            raise RemoteContextRefusedError(source, str(value))
        else:
            resolved[key] = inline_contexts(value, local_context, source, accepted)
    return resolved


def _resolve_context_value(
    value: Any, local_context: dict[str, Any], source: str, accepted: frozenset[str]
) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        if value in accepted or value == CONTEXT_IRI:
            return local_context["@context"]
        raise RemoteContextRefusedError(source, value)
    if isinstance(value, list):
        return [_resolve_context_value(v, local_context, source, accepted) for v in value]
    if isinstance(value, dict):
        # A context definition may itself hold scoped contexts and @import.
        return inline_contexts(value, local_context, source, accepted)
    raise RemoteContextRefusedError(source, repr(value))
