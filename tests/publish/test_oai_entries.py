"""The harvest list (OAI-PMH 2.0 §3.5): pages continue after the last key returned, so a list
that changes between requests loses nothing and repeats only what changed."""

from __future__ import annotations

from advocacy_ld.publish.oai.entries import EntryIndex, OaiEntry


def _entry(number: int, second: int, kind: str = "org", deleted: bool = False) -> OaiEntry:
    return OaiEntry(f"http://x/id/{kind}/r{number:03}", kind, f"2020-01-01T00:00:{second:02}Z",
                    deleted, 1)  # fmt: skip


def _walk(indexes: list[EntryIndex], size: int, **bounds: str | None) -> list[list[OaiEntry]]:
    """Page through, switching to the next index (the list as changed) after each page."""
    pages, after = [], None
    for index in indexes:
        selection = index.select(
            set_spec=bounds.get("set_spec"), lowest=bounds.get("lowest"),
            highest=bounds.get("highest"), after=after, size=size,
        )  # fmt: skip
        pages.append(list(selection.page))
        if not selection.more:
            return pages
        after = selection.page[-1].key
    raise AssertionError("the list did not end")


def test_pages_cover_the_list_in_key_order() -> None:
    entries = [_entry(n, n % 7) for n in range(23)]
    pages = _walk([EntryIndex(entries)] * 10, 5)
    flat = [e for page in pages for e in page]
    assert flat == sorted(entries, key=lambda e: e.key)
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]


def test_cursor_and_size_count_the_filtered_list() -> None:
    index = EntryIndex(
        [_entry(n, n) for n in range(10)] + [_entry(n, n, "place") for n in range(10, 14)]
    )
    first = index.select(
        set_spec="org",
        lowest="2020-01-01T00:00:02Z",
        highest="2020-01-01T00:00:08Z",
        after=None,
        size=3,
    )
    assert (first.cursor, first.complete_size, first.more) == (0, 7, True)
    second = index.select(
        set_spec="org",
        lowest="2020-01-01T00:00:02Z",
        highest="2020-01-01T00:00:08Z",
        after=first.page[-1].key,
        size=3,
    )
    assert (second.cursor, [e.identifier[-4:] for e in second.page]) == (
        3,
        ["r005", "r006", "r007"],
    )
    assert index.select(set_spec="person", lowest=None, highest=None, after=None, size=3).page == ()


def test_a_list_changed_between_pages_loses_nothing() -> None:
    before = [_entry(n, n) for n in range(10)]
    # After the first page (r000-r003): r001 (harvested) and r007 (not yet) change, r050 is new.
    changed = [e for e in before if e.identifier[-4:] not in ("r001", "r007")]
    changed += [_entry(1, 30, deleted=True), _entry(7, 31), _entry(50, 32)]
    pages = _walk([EntryIndex(before)] + [EntryIndex(changed)] * 5, 4)
    seen = [e for page in pages for e in page]
    assert {e.identifier for e in seen} == {e.identifier for e in changed}
    # Only what changed after it was harvested is seen twice, in its new state.
    repeated = [
        e.identifier[-4:] for e in seen if [s.identifier for s in seen].count(e.identifier) > 1
    ]
    assert sorted(set(repeated)) == ["r001"]
    assert seen[-3:] == [_entry(1, 30, deleted=True), _entry(7, 31), _entry(50, 32)]


def test_a_list_that_empties_under_a_token_ends() -> None:
    index = EntryIndex([_entry(n, n) for n in range(3)])
    last = index.select(
        set_spec=None,
        lowest=None,
        highest=None,
        after=("2020-01-01T00:00:02Z", "http://x/id/org/r002"),
        size=5,
    )
    assert (last.page, last.more, last.complete_size, last.cursor) == ((), False, 3, 3)
