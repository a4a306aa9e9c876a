"""Answer HEAD like GET without a body (RFC 9110 §9.3.2), for every route at once."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGetMiddleware:
    """Runs a HEAD request as GET and drops the body, keeping every header (ETag included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {"type": "http.response.body", "body": b"", "more_body": False}
                if not started_body:
                    started_body.append(True)
                    await send(message)
                return
            await send(message)

        started_body: list[bool] = []
        await self.app({**scope, "method": "GET"}, receive, send_without_body)
