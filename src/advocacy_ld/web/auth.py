"""Bearer tokens on write routes (RFC 6750): who is calling, and may they do this.

No token: 401 with a bare `WWW-Authenticate: Bearer` challenge (RFC 6750 §3.1 says to send no
error code then); an unknown or revoked token: 401 `error="invalid_token"`; a token whose role
is too low: 403 `error="insufficient_scope"`. All three are problem details (RFC 9457).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from advocacy_ld.records.tokens import Principal, Role, TokenStore
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.services import Services, ServicesDep

REALM = "advocacy-ld"
TOKENS = "token-store"

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearerToken",
    description="A token from `advocacy-ld token create --role contributor|curator|admin`.",
)


def token_store(app: Services) -> TokenStore:
    """The app's token store; it rereads its file on each check, so revocation is immediate."""
    return app.shared(TOKENS, lambda: TokenStore(app.settings.tokens_path))


def _challenge(error: str | None = None) -> dict[str, str]:
    value = f'Bearer realm="{REALM}"'
    if error is not None:
        value += f', error="{error}"'
    return {"WWW-Authenticate": value}


def authenticate(
    request: Request,
    app: Services,
    credentials: HTTPAuthorizationCredentials | None,
) -> Principal:
    """The caller's principal, or a 401 problem (RFC 6750 §3)."""
    if credentials is None:
        if "authorization" not in request.headers:
            raise Problem(
                401,
                "this operation needs a bearer token (Authorization: Bearer …)",
                "unauthorized",
                headers=_challenge(),
            )
        raise Problem(
            401,
            "the Authorization header is not a bearer token",
            "unauthorized",
            headers=_challenge("invalid_request"),
        )
    principal = token_store(app).verify(credentials.credentials)
    if principal is None:
        raise Problem(
            401,
            "the bearer token is unknown or revoked",
            "unauthorized",
            headers=_challenge("invalid_token"),
        )
    return principal


def require(role: Role) -> Callable[..., Principal]:
    """A dependency admitting holders of `role` or a role above it."""

    def dependency(
        request: Request,
        app: ServicesDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    ) -> Principal:
        principal = authenticate(request, app, credentials)
        if not principal.role.includes(role):
            raise Problem(
                403,
                f"this operation needs the {role.value} role; the token has {principal.role.value}",
                "forbidden",
                headers=_challenge("insufficient_scope"),
            )
        return principal

    return dependency


Contributor = Annotated[Principal, Depends(require(Role.CONTRIBUTOR))]
Curator = Annotated[Principal, Depends(require(Role.CURATOR))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]


def is_curator(principal: Principal) -> bool:
    return principal.role.includes(Role.CURATOR)
