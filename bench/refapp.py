"""The references for a resource GET: pre-rendered bytes from a dict, nothing else.

Two flavours, under the same ASGI server and options as advocacy-ld (uvicorn, one process,
uvloop, httptools), serving the exact bytes advocacy-ld served for the same URLs:

- `fastapi`: a FastAPI app with one async route that looks the body up and returns it. It pays
  what any FastAPI app pays per request (routing, request and response objects), so it is the
  limit of the web tier advocacy-ld is built on; the resource-GET goal is measured against it.
- `asgi`: a bare ASGI callable. It pays only the server's own costs: the ceiling of uvicorn on
  this machine, shown for orientation.

Run as `python -m bench.refapp {fastapi|asgi} BODIES PORT`; BODIES is a pickle of
{(path, media type): bytes}.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

# At module level: FastAPI resolves the route's (postponed) annotations in these globals.
from fastapi import FastAPI, Request, Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Bodies = dict[tuple[str, str], bytes]

DEFAULT_ACCEPT = "text/turtle"
CONTENT_TYPES = {
    "text/turtle": "text/turtle; charset=utf-8",
    "application/ld+json": "application/ld+json",
}


def make_asgi_app(bodies: Bodies) -> ASGIApp:
    """A bare ASGI app serving `bodies` by path and the request's Accept header."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        accept = DEFAULT_ACCEPT
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value.decode("latin-1")
                break
        body = bodies.get((scope["path"], accept))
        if body is None:
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [
            (b"content-type", CONTENT_TYPES.get(accept, "application/octet-stream").encode()),
            (b"content-length", str(len(body)).encode("ascii")),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def make_fastapi_app(bodies: Bodies) -> ASGIApp:
    """A FastAPI app with one route, `/id/{kind}/{name}`, answering from `bodies`."""
    app = FastAPI()

    @app.get("/id/{kind}/{name}")
    async def resource(kind: str, name: str, request: Request) -> Response:
        accept = request.headers.get("accept", DEFAULT_ACCEPT)
        body = bodies.get((request.url.path, accept))
        if body is None:
            return Response(status_code=404)
        return Response(body, media_type=CONTENT_TYPES.get(accept))

    return app


def main() -> None:
    import uvicorn

    flavour, bodies_path, port = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    with bodies_path.open("rb") as handle:
        bodies: Bodies = pickle.load(handle)
    app = make_fastapi_app(bodies) if flavour == "fastapi" else make_asgi_app(bodies)
    # The same server options as `advocacy-ld serve`: one process, uvloop, httptools.
    uvicorn.run(
        app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", log_level="warning"
    )


if __name__ == "__main__":
    main()
