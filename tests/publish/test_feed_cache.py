"""The render cache's byte budget: feed pages are megabytes each, so entries alone are no bound."""

from __future__ import annotations

from advocacy_ld.publish.cache import RenderCache


def test_the_least_recently_used_bodies_go_first_when_bytes_run_out() -> None:
    cache = RenderCache(max_entries=100, max_bytes=10)
    cache.get_or_render("a", lambda: b"aaaa")
    cache.get_or_render("b", lambda: b"bbbb")
    assert cache.get_or_render("a", lambda: b"not rendered again") == b"aaaa"  # a is now newest
    cache.get_or_render("c", lambda: b"cccc")
    assert cache.peek("b") is None
    assert cache.peek("a") == b"aaaa"
    assert cache.peek("c") == b"cccc"
    assert cache.size == 8


def test_a_body_larger_than_the_budget_is_served_but_not_kept() -> None:
    cache = RenderCache(max_bytes=3)
    assert cache.get_or_render("big", lambda: b"too large") == b"too large"
    assert cache.peek("big") is None
    assert (len(cache), cache.size) == (0, 0)


def test_without_a_byte_budget_only_entries_count() -> None:
    cache = RenderCache(max_entries=2)
    for key in "abc":
        cache.get_or_render(key, lambda key=key: key.encode() * 1000)
    assert [cache.peek(k) is not None for k in "abc"] == [False, True, True]
    assert cache.size == 2000
