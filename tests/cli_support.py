"""Run the command line in-process, as the tests of the CLI do."""

from __future__ import annotations

from typer.testing import CliRunner

from advocacy_ld.cli import app

runner = CliRunner()


def invoke(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr
