"""The `store` setting: an embedded Oxigraph store, or a remote SPARQL 1.1 server's endpoints.

A remote store is named by one URL, so that one environment variable says everything:

    sparql+http[s]://[user:password@]host[:port][/base][?query=P&update=P&graph-store=P
                                                       &auth=basic|digest&timeout=SECONDS]

Each endpoint path P is absolute when it starts with `/`, else relative to `/base` (empty: `/base`
itself). The defaults are Oxigraph server's: `{base}/query`, `{base}/update`, `{base}/store`.
Anything else in the URL (an unknown parameter, a fragment, a bad port) is refused when the
settings are read, so a misconfiguration stops the app at start-up with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

EMBEDDED_KINDS = ("oxigraph", "memory")
SCHEMES = {"sparql+http": "http", "sparql+https": "https"}
DEFAULT_PATHS = {"query": "query", "update": "update", "graph-store": "store"}
DEFAULT_TIMEOUT = 60.0
"""Seconds a store operation (not a public query: that has its own deadline) may take."""

AuthScheme = Literal["basic", "digest"]


@dataclass(frozen=True)
class RemoteEndpoints:
    """Where one dataset lives on a SPARQL 1.1 server, and how to authenticate to it."""

    query: str
    """SPARQL 1.1 Protocol query endpoint (https://www.w3.org/TR/sparql11-protocol/#query-operation)."""
    update: str
    """SPARQL 1.1 Protocol update endpoint (§2.2)."""
    graph_store: str
    """SPARQL 1.1 Graph Store HTTP Protocol endpoint, indirect identification (`?graph=`, §4.2)."""
    username: str | None = None
    password: str | None = None
    auth: AuthScheme = "basic"
    timeout: float = DEFAULT_TIMEOUT

    def __repr__(self) -> str:  # never print the password
        return f"RemoteEndpoints(query={self.query!r}, update={self.update!r}, ...)"

    def same_dataset_as(self, other: RemoteEndpoints) -> str | None:
        """The endpoint both name, if any: two settings naming one dataset."""
        for mine, theirs in (
            (self.query, other.query),
            (self.update, other.update),
            (self.graph_store, other.graph_store),
        ):
            if mine == theirs:
                return mine
        return None


def is_remote(setting: str) -> bool:
    """Whether the setting names a remote server (`sparql+http://`, `sparql+https://`)."""
    return setting.split("://", 1)[0].lower() in SCHEMES


def check_store_setting(setting: str) -> None:
    """Raise ValueError, saying what is wrong, unless `setting` names a store."""
    if setting in EMBEDDED_KINDS:
        return
    if is_remote(setting):
        parse_remote(setting)
        return
    # Only the scheme of a URL is repeated: the rest may hold a password.
    shown = setting if "://" not in setting else setting.split("://", 1)[0] + "://…"
    raise ValueError(
        f"unknown store {shown!r}: expected 'oxigraph', 'memory' or a "
        "'sparql+http://host:port[/path]' URL"
    )


def parse_remote(setting: str) -> RemoteEndpoints:
    """The endpoints a `sparql+http(s)://` URL names; ValueError with the reason otherwise."""
    parts = urlsplit(setting)
    scheme = SCHEMES.get(parts.scheme.lower())
    if scheme is None:
        raise ValueError("a remote store URL starts with sparql+http:// or sparql+https://")
    if not parts.hostname:
        raise ValueError("the remote store URL names no host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the remote store URL has an invalid port") from None
    if parts.fragment:
        raise ValueError("the remote store URL must not have a #fragment")
    options = _options(parts.query)
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    origin = f"{scheme}://{host}" + (f":{port}" if port is not None else "")
    base = parts.path.rstrip("/")
    urls = {
        name: origin + _resolve(base, options.pop(name, path))
        for name, path in DEFAULT_PATHS.items()
    }
    auth = options.pop("auth", "basic")
    if auth not in ("basic", "digest"):
        raise ValueError(f"auth={auth!r} in the remote store URL: expected 'basic' or 'digest'")
    timeout = _timeout(options.pop("timeout", str(DEFAULT_TIMEOUT)))
    if options:
        raise ValueError(
            f"unknown parameter(s) in the remote store URL: {', '.join(sorted(options))} "
            f"(known: {', '.join([*DEFAULT_PATHS, 'auth', 'timeout'])})"
        )
    return RemoteEndpoints(
        query=urls["query"],
        update=urls["update"],
        graph_store=urls["graph-store"],
        username=unquote(parts.username) if parts.username is not None else None,
        password=unquote(parts.password) if parts.password is not None else None,
        auth="digest" if auth == "digest" else "basic",
        timeout=timeout,
    )


def redact(setting: str) -> str:
    """The setting with any password replaced, for messages and logs."""
    if not is_remote(setting):
        return setting
    parts = urlsplit(setting)
    if parts.password is None:
        return setting
    netloc = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{netloc}"))


def _options(query: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name in options:
            raise ValueError(f"{name} is given twice in the remote store URL")
        options[name] = value
    return options


def _resolve(base: str, path: str) -> str:
    """An endpoint path: absolute as given, else under the base path (empty: the base)."""
    if path.startswith("/"):
        return path
    if not path:
        return base or "/"
    return f"{base}/{path}"


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"timeout={value!r} in the remote store URL is not a number") from None
    if not seconds > 0:
        raise ValueError("timeout in the remote store URL must be more than 0 seconds")
    return seconds
