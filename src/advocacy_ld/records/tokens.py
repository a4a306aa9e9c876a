"""Bearer tokens for writers: printed once, stored only as a SHA-256 hash.

Tokens are long random strings (256 bits), so a fast hash is enough: there is nothing to
brute-force that a slow hash would protect. The file is rewritten atomically.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from advocacy_ld.errors import AdvocacyLDError

TOKEN_PREFIX = "advld_"


class Role(StrEnum):
    """Who may do what; each role may do everything the ones before it may."""

    CONTRIBUTOR = "contributor"
    CURATOR = "curator"
    ADMIN = "admin"

    def includes(self, other: Role) -> bool:
        order = list(Role)
        return order.index(self) >= order.index(other)


@dataclass(frozen=True)
class Principal:
    """The holder of a valid token."""

    name: str
    role: Role


@dataclass(frozen=True)
class TokenRecord:
    """What is stored of a token: never the token itself."""

    name: str
    role: Role
    sha256: str
    created: str
    revoked: str | None = None


class TokenError(AdvocacyLDError):
    """A token operation could not be done (duplicate name, unknown name)."""


class TokenStore:
    """Tokens in one JSON file under the data directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _read(self) -> list[TokenRecord]:
        if not self.path.exists():
            return []
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return [TokenRecord(**{**item, "role": Role(item["role"])}) for item in data]

    def _write(self, records: list[TokenRecord]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps([asdict(r) for r in records], indent=2), encoding="utf-8")
        os.chmod(partial, 0o600)
        os.replace(partial, self.path)

    def create(self, name: str, role: Role) -> str:
        """Make a token for `name`; the only time the token is visible."""
        if not name.strip():
            raise TokenError("a token needs a name")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._lock:
            records = self._read()
            if any(r.name == name and r.revoked is None for r in records):
                raise TokenError(f"a token named {name!r} exists; revoke it first")
            created = datetime.now(UTC).replace(microsecond=0).isoformat()
            records.append(TokenRecord(name, role, _digest(token), created))
            self._write(records)
        return token

    def list(self) -> list[TokenRecord]:
        return self._read()

    def revoke(self, name: str) -> None:
        with self._lock:
            records = self._read()
            live = [r for r in records if r.name == name and r.revoked is None]
            if not live:
                raise TokenError(f"no live token named {name!r}")
            revoked = datetime.now(UTC).replace(microsecond=0).isoformat()
            self._write(
                [
                    TokenRecord(r.name, r.role, r.sha256, r.created, revoked) if r in live else r
                    for r in records
                ]
            )

    def verify(self, token: str) -> Principal | None:
        """The principal of a live token, or None; compares digests in constant time."""
        digest = _digest(token)
        found = None
        for record in self._read():
            if hmac.compare_digest(record.sha256, digest) and record.revoked is None:
                found = Principal(record.name, record.role)
        return found


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
