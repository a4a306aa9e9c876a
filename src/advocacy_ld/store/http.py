"""HTTP for the remote store: one client per dataset, failures as `StoreError`s that say where.

Kept apart from the store itself so the store reads as the protocol operations it performs.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import httpx

from advocacy_ld import __version__
from advocacy_ld.errors import StoreError
from advocacy_ld.store.endpoints import RemoteEndpoints

MESSAGE_CHARS = 500
"""How much of a server's error message goes into ours."""
CONNECT_TIMEOUT = 10.0


def make_client(endpoints: RemoteEndpoints, connections: int) -> httpx.Client:
    """A client reusing its connections (keep-alive), authenticated as the URL says.

    The environment's proxy settings are ignored (`trust_env=False`): the store is a service
    the app reaches directly, and a proxy would see every record.
    """
    auth: httpx.Auth | None = None
    if endpoints.username is not None:
        password = endpoints.password or ""
        auth = (
            httpx.DigestAuth(endpoints.username, password)
            if endpoints.auth == "digest"
            else httpx.BasicAuth(endpoints.username, password)
        )
    return httpx.Client(
        auth=auth,
        timeout=httpx.Timeout(endpoints.timeout, connect=min(endpoints.timeout, CONNECT_TIMEOUT)),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        headers={"User-Agent": f"advocacy-ld/{__version__}"},
        follow_redirects=False,
        trust_env=False,
    )


def until(deadline: float | None, default: float) -> httpx.Timeout:
    """Timeouts that end a request by `deadline` (a `time.monotonic()` instant), if any."""
    seconds = default if deadline is None else max(deadline - time.monotonic(), 0.001)
    return httpx.Timeout(seconds, connect=min(seconds, CONNECT_TIMEOUT))


def transport_failure(what: str, url: str, error: httpx.HTTPError) -> StoreError:
    """A request that got no HTTP answer: the server is down, unreachable or too slow."""
    if isinstance(error, httpx.ConnectError):
        reason = f"cannot connect ({error or type(error).__name__})"
    elif isinstance(error, httpx.TimeoutException):
        reason = f"no answer in time ({type(error).__name__})"
    else:
        reason = f"{type(error).__name__}: {error}"
    return StoreError(f"{what} failed: the SPARQL server at {url} gave no answer: {reason}")


def server_message(response: httpx.Response) -> str:
    """The start of the server's explanation of an error answer (read from a stream if need be)."""
    try:
        body = response.read()
    except httpx.HTTPError:
        return ""
    text = body[: MESSAGE_CHARS * 4].decode("utf-8", errors="replace").strip()
    return " ".join(text.split())[:MESSAGE_CHARS]


def status_failure(what: str, response: httpx.Response) -> StoreError:
    """An error answer: its status, which endpoint, and what the server said."""
    return StoreError(refusal(what, response, server_message(response)))


def refusal(what: str, response: httpx.Response, message: str) -> str:
    """Says which endpoint answered which status, and the server's message."""
    return (
        f"{what} failed: {response.request.url.copy_with(query=None)} answered "
        f"{response.status_code} {response.reason_phrase}" + (f": {message}" if message else "")
    )


class ResponseReader(io.RawIOBase):
    """A streamed response body as a binary file, for pyoxigraph's streaming parsers.

    Reading past `deadline` raises TimeoutError: a slow trickle cannot hold a reader longer
    than its caller waits. Transport errors surface as OSError, which the parsers pass on.
    """

    def __init__(self, response: httpx.Response, deadline: float | None = None) -> None:
        super().__init__()
        self._chunks: Iterator[bytes] = response.iter_bytes()
        self._pending = b""
        self._deadline = deadline
        self._url = str(response.request.url.copy_with(query=None))

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        while not self._pending:
            if self._deadline is not None and time.monotonic() > self._deadline:
                raise TimeoutError(f"reading the answer of {self._url} went past the deadline")
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
            except httpx.HTTPError as error:
                raise OSError(f"reading the answer of {self._url} failed: {error}") from error
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count
