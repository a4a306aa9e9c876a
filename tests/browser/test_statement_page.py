"""The statement page in a real browser (Debian's headless Chromium) against a real server.

Chromium is the system package (`make browser` installs it); Playwright only drives it, it never
downloads a browser. Screenshots land in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, sync_playwright

from ..conftest import ROOT, LiveServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
STATEMENT = "/id/statement/sednaya-2018-12-25"
SEDNAYA_ANCHORS = 25


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """A fresh profile (`--user-data-dir`) in a temporary folder, closed after the module."""
    profile: Path = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def tab(browser: BrowserContext) -> Iterator[tuple[Page, list[str]]]:
    """A new tab and the console errors and page errors it reports."""
    page = browser.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    try:
        yield page, errors
    finally:
        page.close()


def test_statement_page_highlights_and_links(
    live_server: LiveServer, tab: tuple[Page, list[str]]
) -> None:
    page, errors = tab
    page.goto(f"{live_server.url}{STATEMENT}")
    title = "Atrocities in Notorious Sednaya Prison Continue Unabated"
    assert page.locator("h1").inner_text() == title
    assert page.locator(".source-text mark[id]").count() == SEDNAYA_ANCHORS
    assert page.locator(".source-text mark").count() >= SEDNAYA_ANCHORS
    highlight = page.locator("mark#anchor-mention-washington-post")
    assert highlight.evaluate("m => m.parentElement.closest('mark').id") == (
        "anchor-mention-washington-post-report"
    )
    background = highlight.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sednaya-statement.png"))

    page.locator("mark#anchor-mention-icrc > a").first.click()
    page.wait_for_url(f"{live_server.url}/id/org/icrc")
    assert page.locator("h1").inner_text() == "International Committee of the Red Cross"
    back = page.locator(f'a[href="{STATEMENT}#anchor-mention-icrc"]')
    assert back.count() == 1
    back.click()
    page.wait_for_url(f"{live_server.url}{STATEMENT}#anchor-mention-icrc")
    assert page.evaluate("document.querySelector(':target').id") == "anchor-mention-icrc"
    assert errors == []


def test_arabic_statement_page(live_server: LiveServer, tab: tuple[Page, list[str]]) -> None:
    page, errors = tab
    page.goto(f"{live_server.url}{STATEMENT}?lang=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("#source-heading").inner_text() == "النص المصدر"
    source = page.locator(".source-text")
    assert source.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert page.locator(".source-text mark[id]").count() == SEDNAYA_ANCHORS
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sednaya-statement-ar.png"))
    page.locator("mark#anchor-mention-sednaya-prison > a").first.click()
    page.wait_for_url(f"{live_server.url}/id/facility/sednaya-prison?lang=ar")
    assert page.locator("h1").inner_text() == "سجن صيدنايا"
    assert errors == []
