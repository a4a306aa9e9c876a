"""Curator commands: tokens, records list/publish/retract/restrict, and the audit trail."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from advocacy_ld.records.repository import open_repository
from advocacy_ld.settings import Settings
from advocacy_ld.web.app import create_app

from .cli_support import invoke

SEDNAYA = "statement/sednaya-2018-12-25"


def test_tokens_are_printed_once_and_stored_as_hashes(env: dict[str, str]) -> None:
    code, out, _ = invoke(env, "token", "create", "--role", "curator", "--name", "amal")
    assert code == 0
    token = out.strip()
    assert token.startswith("advld_")
    assert len(token) > 40
    stored = (Path(env["ADVOCACY_LD_DATA"]) / "tokens.json").read_text(encoding="utf-8")
    assert token not in stored
    assert "amal" in stored
    code, out, _ = invoke(env, "token", "list")
    assert "amal" in out
    assert "curator" in out
    assert token not in out
    code, _, err = invoke(env, "token", "create", "--role", "admin", "--name", "amal")
    assert code == 2
    assert "exists" in err
    assert invoke(env, "token", "revoke", "amal")[0] == 0
    assert invoke(env, "token", "revoke", "amal")[0] == 2
    code, _, _ = invoke(env, "token", "create", "--role", "owner", "--name", "x")
    assert code == 2


def test_records_lifecycle_from_the_command_line(loaded_env: dict[str, str]) -> None:
    env = loaded_env
    code, out, _ = invoke(env, "records", "list", "--status", "published")
    assert code == 0
    assert "sednaya-2018-12-25" in out
    code, out, _ = invoke(env, "records", "retract", SEDNAYA, "--reason", "Duplicate entry")
    assert code == 0
    assert "retracted" in out
    _, out, _ = invoke(env, "records", "list", "--status", "retracted")
    assert "sednaya-2018-12-25" in out
    _, out, _ = invoke(env, "records", "list", "--status", "published")
    assert "sednaya-2018-12-25" not in out
    code, _, err = invoke(env, "records", "retract", SEDNAYA, "--reason", "again")
    assert code == 2
    assert "already retracted" in err
    _, out, _ = invoke(env, "query", "ASK { ?s ?p ?o FILTER(CONTAINS(STR(?s), 'sednaya-2018')) }")
    assert out.strip() == "false"
    assert invoke(env, "records", "publish", SEDNAYA)[0] == 0
    _, out, _ = invoke(env, "query", "ASK { ?s ?p ?o FILTER(CONTAINS(STR(?s), 'sednaya-2018')) }")
    assert out.strip() == "true"
    assert invoke(env, "records", "restrict", "org/icrc")[0] == 0
    _, out, _ = invoke(env, "records", "list", "--restricted")
    assert "icrc" in out
    assert "sednaya" not in out
    assert invoke(env, "records", "restrict", "org/icrc", "--lift")[0] == 0
    code, _, err = invoke(env, "records", "publish", "org/nope")
    assert code == 2
    assert "no record" in err


def test_audit_lists_every_write(loaded_env: dict[str, str]) -> None:
    env = loaded_env
    invoke(env, "records", "retract", SEDNAYA, "--reason", "Source withdrawn")
    code, out, _ = invoke(env, "audit", "--format", "json")
    assert code == 0
    entries = json.loads(out)
    assert len(entries) == 28 + 3 + 1  # every example loaded, then one retraction
    last = entries[-1]
    assert last["action"] == "retract"
    assert last["agent"] == "cli"
    assert last["record"].endswith(SEDNAYA)
    assert last["detail"] == "Source withdrawn"
    assert {e["action"] for e in entries[:-1]} == {"publish"}
    code, out, _ = invoke(env, "audit", "--since", last["time"], "--format", "json")
    assert [e["action"] for e in json.loads(out)] == ["retract"]
    code, out, _ = invoke(env, "audit", "--since", "2999-01-01T00:00:00")
    assert code == 0
    assert "retract" not in out


def test_a_retraction_removes_the_kept_feed_pages_of_the_record(
    loaded_env: dict[str, str],
) -> None:
    """Withdrawn content must not linger in the pages the server keeps (docs/feeds.md)."""
    env = {**loaded_env, "ADVOCACY_LD_FEED_PAGE_SIZE": "5"}
    settings = Settings(data=Path(env["ADVOCACY_LD_DATA"]), feed_page_size=5)
    with TestClient(create_app(settings)):
        pass  # start-up keeps every full page
    kept = {p.name for p in (settings.data / "feed-pages").glob("*/*")}
    repository = open_repository(settings)
    try:
        record = f"{settings.base_uri}/id/{SEDNAYA}"
        pages = {(n - 1) // 5 * 5 + 1 for n in repository.feed_sequences(record)}
    finally:
        repository.close()
    holding = {f"{first}-{first + 4}.{suffix}" for first in pages for suffix in ("trig", "nq")}
    assert holding
    assert holding < kept
    assert invoke(env, "records", "retract", SEDNAYA, "--reason", "Duplicate entry")[0] == 0
    assert {p.name for p in (settings.data / "feed-pages").glob("*/*")} == kept - holding
