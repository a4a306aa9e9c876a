"""Tokens: verified by hash, revocable, roles ordered."""

from __future__ import annotations

from pathlib import Path

import pytest

from advocacy_ld.records.tokens import Principal, Role, TokenError, TokenStore


def test_a_token_verifies_until_revoked(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    token = store.create("amal", Role.CURATOR)
    assert store.verify(token) == Principal("amal", Role.CURATOR)
    assert store.verify(token + "x") is None
    assert store.verify("") is None
    store.revoke("amal")
    assert store.verify(token) is None
    again = store.create("amal", Role.CONTRIBUTOR)
    assert store.verify(again) == Principal("amal", Role.CONTRIBUTOR)
    assert (tmp_path / "tokens.json").stat().st_mode & 0o077 == 0


def test_names_are_unique_among_live_tokens(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    store.create("amal", Role.ADMIN)
    with pytest.raises(TokenError, match="exists"):
        store.create("amal", Role.ADMIN)
    with pytest.raises(TokenError, match="no live token"):
        store.revoke("nobody")
    with pytest.raises(TokenError, match="name"):
        store.create("  ", Role.ADMIN)


@pytest.mark.parametrize(
    ("holder", "needed", "allowed"),
    [
        (Role.ADMIN, Role.CURATOR, True),
        (Role.CURATOR, Role.CURATOR, True),
        (Role.CURATOR, Role.CONTRIBUTOR, True),
        (Role.CONTRIBUTOR, Role.CURATOR, False),
        (Role.CURATOR, Role.ADMIN, False),
    ],
)
def test_roles_include_the_ones_below(holder: Role, needed: Role, allowed: bool) -> None:
    assert holder.includes(needed) is allowed
