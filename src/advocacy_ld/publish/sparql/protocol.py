"""Read a SPARQL 1.1 Protocol query operation out of an HTTP request's raw parts (§2.1).

Three ways to send a query: GET with `query=` in the URL (§2.1.1), POST of an HTML form
(§2.1.2), POST of the query itself as `application/sparql-query` (§2.1.3). Anything else is
refused with the reason, and nothing is guessed: one `query`, from one place, in UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

import pyoxigraph as ox

from advocacy_ld.errors import QueryError

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
ACCEPT_POST = f"{FORM}, {DIRECT}"
FORMAT_PARAMETERS = ("format", "output", "results", "_format")
"""Parameters clients use to name a result format instead of (or besides) Accept."""


class ProtocolError(QueryError):
    """The request is not a query operation this endpoint accepts; `status` says how."""

    def __init__(
        self, status: int, detail: str, kind: str, headers: dict[str, str] | None = None
    ) -> None:
        self.status = status
        self.detail = detail
        self.kind = kind
        self.headers = headers or {}
        super().__init__(detail)


@dataclass(frozen=True)
class Operation:
    """A query operation: the query (None asks for the service description) and its dataset."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format_names: tuple[str, ...] = ()

    @property
    def dataset_given(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def read_operation(
    method: str, content_type: str | None, url_query: bytes, body: bytes
) -> Operation:
    """The operation in a GET or POST request; ProtocolError when there is none to run."""
    in_url = _parameters(url_query, "the URL's query string")
    if method != "POST":
        return _operation(in_url, body_query=None, post=False)
    media_type, charset = _media_type(content_type)
    if media_type == FORM:
        in_body = _parameters(body, "the form body")
        if _has(in_url, "query") and _has(in_body, "query"):
            raise _both()
        return _operation(in_body + in_url, body_query=None, post=True)
    if media_type == DIRECT:
        if charset not in (None, "utf-8", "utf8"):
            raise ProtocolError(
                415,
                f"a query sent as {DIRECT} must be UTF-8, not {charset} (Protocol §2.1.3)",
                "unsupported-media-type",
                {"Accept-Post": ACCEPT_POST},
            )
        if _has(in_url, "query"):
            raise _both()
        return _operation(in_url, body_query=_utf8(body, "the request body"), post=True)
    # 415 rather than a bare 400 (Protocol §2.1.4 allows either): it names the problem, the
    # content type, and Accept-Post lists the two that work.
    shown = media_type or "no Content-Type"
    raise ProtocolError(
        415,
        f"a query is POSTed as {FORM} or {DIRECT}, not {shown} (Protocol §2.1.2, §2.1.3)",
        "unsupported-media-type",
        {"Accept-Post": ACCEPT_POST},
    )


def _operation(
    parameters: list[tuple[str, str]], *, body_query: str | None, post: bool
) -> Operation:
    if _has(parameters, "update"):
        raise ProtocolError(
            400,
            "this endpoint is read-only: it answers queries, not SPARQL Update (Protocol §2.2)",
            "sparql-update-refused",
        )
    queries = [value for name, value in parameters if name == "query"]
    if len(queries) > 1:
        raise ProtocolError(
            400,
            f"the request has {len(queries)} `query` parameters; send exactly one (Protocol §2.1)",
            "sparql-invalid-request",
        )
    query = body_query if body_query is not None else (queries[0] if queries else None)
    if query is None and post:
        raise ProtocolError(400, "the request has no query", "sparql-invalid-request")
    if query is not None:
        query = query.removeprefix("\ufeff")
        if not query.strip():
            raise ProtocolError(400, "the query is empty", "sparql-invalid-request")
    return Operation(
        query=query,
        default_graphs=_graph_iris(parameters, "default-graph-uri"),
        named_graphs=_graph_iris(parameters, "named-graph-uri"),
        format_names=tuple(value for name, value in parameters if name in FORMAT_PARAMETERS),
    )


def _graph_iris(parameters: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    iris = tuple(value for key, value in parameters if key == name)
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            raise ProtocolError(
                400,
                f"`{name}` must be an absolute IRI: {error} (Protocol §2.1.4)",
                "sparql-invalid-request",
            ) from None
    return iris


def _parameters(data: bytes, where: str) -> list[tuple[str, str]]:
    """Name/value pairs (WHATWG URL §5.1 urlencoded parsing); decoded bytes must be UTF-8."""
    pairs = []
    for piece in data.split(b"&"):
        if not piece:
            continue
        name, _, value = piece.replace(b"+", b" ").partition(b"=")
        try:
            pairs.append((unquote_to_bytes(name).decode(), unquote_to_bytes(value).decode()))
        except UnicodeDecodeError:
            raise ProtocolError(
                400, f"{where} is not valid UTF-8 once percent-decoded", "sparql-invalid-request"
            ) from None
    return pairs


def _utf8(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(
            400,
            f"{where} is not valid UTF-8 (byte {error.start}); "
            "SPARQL queries are UTF-8 (Protocol §2.1.3)",
            "sparql-invalid-request",
        ) from None


def _media_type(header: str | None) -> tuple[str | None, str | None]:
    """The media type and its `charset`, lower-cased; (None, None) without a header."""
    if not header or not header.strip():
        return None, None
    kind, *parameters = (part.strip() for part in header.split(";"))
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return kind.lower(), charset


def _has(parameters: list[tuple[str, str]], name: str) -> bool:
    return any(key == name for key, _ in parameters)


def _both() -> ProtocolError:
    return ProtocolError(
        400,
        "the request has a query in its body and a `query` parameter in its URL; send one",
        "sparql-invalid-request",
    )
